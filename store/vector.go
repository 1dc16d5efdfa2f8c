package store

import (
	"encoding/binary"
	"fmt"
	"math"
	"unsafe"
)

// littleEndian is whether this machine keeps float32s as the blobs do.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// EncodeVector is v as a compact blob: little-endian float32s.
func EncodeVector(v []float32) []byte {
	b := make([]byte, 4*len(v))
	for i, f := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(f))
	}
	return b
}

// DecodeVector reads a blob made by EncodeVector. It copies: b may be
// reused by the caller.
func DecodeVector(b []byte) ([]float32, error) {
	if len(b)%4 != 0 {
		return nil, fmt.Errorf("vector blob of %d bytes is not float32s", len(b))
	}
	v := make([]float32, len(b)/4)
	decodeInto(v, b)
	return v, nil
}

// A VectorSlab decodes many blobs (a store's every vector, at start) into
// a few large arrays rather than an allocation each: at 100k vectors of
// 768 dimensions that is some 75 arrays of 4 MB instead of 100k objects
// for the garbage collector. Each vector it returns has its own length as
// its capacity, so appending to one never writes into the next; the
// array it is cut from lives as long as any of its vectors. The zero
// VectorSlab is ready; it is not safe for concurrent use.
type VectorSlab struct {
	free []float32
}

// slabFloats is the size of each array a VectorSlab cuts vectors from
// (4 MB): a vector larger than that gets an array of its own.
const slabFloats = 1 << 20

// Decode is DecodeVector into the slab: it copies too.
func (s *VectorSlab) Decode(b []byte) ([]float32, error) {
	if len(b)%4 != 0 {
		return nil, fmt.Errorf("vector blob of %d bytes is not float32s", len(b))
	}
	n := len(b) / 4
	if n > len(s.free) {
		if n >= slabFloats/2 {
			return DecodeVector(b)
		}
		s.free = make([]float32, slabFloats)
	}
	v := s.free[:n:n]
	s.free = s.free[n:]
	decodeInto(v, b)
	return v, nil
}

// decodeInto decodes b, a whole number of float32s, into v, of its length.
func decodeInto(v []float32, b []byte) {
	if littleEndian {
		// The blob is v's memory as it is: one copy.
		copy(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(v))), len(b)), b)
		return
	}
	decodeEach(v, b)
}

// decodeEach decodes b into v float by float, on any machine.
func decodeEach(v []float32, b []byte) {
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
}
