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
	if littleEndian {
		// The blob is v's memory as it is: one copy.
		copy(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(v))), len(b)), b)
		return v, nil
	}
	decodeEach(v, b)
	return v, nil
}

// decodeEach decodes b into v float by float, on any machine.
func decodeEach(v []float32, b []byte) {
	for i := range v {
		v[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
	}
}
