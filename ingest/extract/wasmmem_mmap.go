//go:build linux || darwin

package extract

import "golang.org/x/sys/unix"

// mapRegion reserves n bytes of zeroed memory; no page is committed until
// it is touched.
func mapRegion(n uint64) ([]byte, error) {
	return unix.Mmap(-1, 0, int(n), unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANON|unix.MAP_NORESERVE)
}

// emptyRegion gives r's pages back to the system; r stays mapped and
// reads as zeros.
func emptyRegion(r []byte) { _ = unix.Madvise(r, unix.MADV_DONTNEED) }

func unmapRegion(r []byte) { _ = unix.Munmap(r) }
