package extract

import (
	"runtime"
	"testing"

	"github.com/tetratelabs/wazero/experimental"
)

func TestWasmMemory(t *testing.T) {
	const page, max = 64 << 10, 1 << 20
	a := &wasmMemory{}
	mapped := runtime.GOOS == "linux" || runtime.GOOS == "darwin"
	for name, m := range map[string]experimental.LinearMemory{
		"allocated": a.Allocate(page, max),
		"heap":      &heapMemory{buf: make([]byte, 0, page), max: max},
	} {
		t.Run(name, func(t *testing.T) {
			b := m.Reallocate(page)
			if len(b) != page {
				t.Fatalf("Reallocate(%d) has length %d", page, len(b))
			}
			b[0], b[page-1] = 7, 9
			b = m.Reallocate(4 * page)
			if len(b) != 4*page || b[0] != 7 || b[page-1] != 9 || b[page] != 0 {
				t.Fatalf("Reallocate(%d) = length %d, bytes %d %d %d; want the old bytes kept and zeros after", 4*page, len(b), b[0], b[page-1], b[page])
			}
			b[4*page-1] = 1
			if got := m.Reallocate(max + page); got != nil {
				t.Errorf("Reallocate(past max) = %d bytes, want nil", len(got))
			}
			if got := m.Reallocate(max); len(got) != max || got[0] != 7 {
				t.Errorf("Reallocate(max) = %d bytes, want %d with the old bytes", len(got), max)
			}
			m.Free()
		})
	}
	retired := a.takeRetired()
	if want := map[bool]int{true: 1, false: 0}[mapped]; len(retired) != want {
		t.Errorf("after Free, %d regions retired, want %d", len(retired), want)
	}
	for _, r := range retired {
		if r[0] != 0 || r[4*page-1] != 0 {
			t.Errorf("a freed region still holds its bytes")
		}
		unmapRegion(r)
	}
	if again := a.takeRetired(); len(again) != 0 {
		t.Errorf("takeRetired() twice returned %d regions the second time, want 0", len(again))
	}
}
