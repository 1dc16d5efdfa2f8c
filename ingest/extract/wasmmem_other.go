//go:build !linux && !darwin

package extract

import "errors"

// mapRegion is not supported here: workers' memories are on the Go heap.
func mapRegion(uint64) ([]byte, error) { return nil, errors.ErrUnsupported }

func emptyRegion([]byte) {}

func unmapRegion([]byte) {}
