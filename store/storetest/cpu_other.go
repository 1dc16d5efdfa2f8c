//go:build !unix

package storetest

func cpuTime() int64 { return -1 }
