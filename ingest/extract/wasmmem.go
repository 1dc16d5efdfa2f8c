package extract

import (
	"sync"

	"github.com/tetratelabs/wazero/experimental"
)

// wasmMemory backs the PDFium workers' WebAssembly memories with memory
// mapped outside the Go heap (where the system supports it): a worker's
// limit is reserved at once and pages are taken as PDFium touches them,
// so a memory that grows is never copied, peak use stays near the limit,
// and a discarded worker's pages go back to the system at once instead of
// waiting for the garbage collector.
//
// A worker killed on a deadline is freed while its last call may still be
// running (wazero closes it from another goroutine), so a freed region is
// only emptied (its pages dropped: the call reads zeros) and unmapped
// later, once no extraction is in flight (see Extractor.endPDF).
type wasmMemory struct {
	mu      sync.Mutex
	retired [][]byte // freed regions, emptied, not yet unmapped
}

// Allocate implements experimental.MemoryAllocator. Where memory cannot be
// mapped it falls back to the Go heap.
func (a *wasmMemory) Allocate(capacity, max uint64) experimental.LinearMemory {
	if region, err := mapRegion(max); err == nil {
		return &mappedMemory{alloc: a, region: region}
	}
	return &heapMemory{buf: make([]byte, 0, capacity), max: max}
}

// takeRetired returns the regions freed so far, to unmap with unmapRegion.
// Call it only at a moment when no PDFium call is running.
func (a *wasmMemory) takeRetired() [][]byte {
	a.mu.Lock()
	defer a.mu.Unlock()
	retired := a.retired
	a.retired = nil
	return retired
}

// mappedMemory is one worker's memory in a mapped region of its maximum
// size.
type mappedMemory struct {
	alloc  *wasmMemory
	region []byte
}

func (m *mappedMemory) Reallocate(size uint64) []byte {
	if size > uint64(len(m.region)) {
		return nil // PDFium sees a failed memory.grow
	}
	return m.region[:size]
}

func (m *mappedMemory) Free() {
	emptyRegion(m.region)
	m.alloc.mu.Lock()
	m.alloc.retired = append(m.alloc.retired, m.region)
	m.alloc.mu.Unlock()
	m.region = nil
}

// heapMemory is a worker's memory on the Go heap.
type heapMemory struct {
	buf []byte
	max uint64
}

func (m *heapMemory) Reallocate(size uint64) []byte {
	switch {
	case size > m.max:
		return nil
	case size <= uint64(cap(m.buf)):
		m.buf = m.buf[:size]
	default:
		m.buf = append(m.buf[:cap(m.buf)], make([]byte, size-uint64(cap(m.buf)))...)[:size]
	}
	return m.buf
}

func (m *heapMemory) Free() { m.buf = nil }
