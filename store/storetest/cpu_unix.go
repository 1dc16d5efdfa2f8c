//go:build unix

package storetest

import "syscall"

// cpuTime is the CPU time this process has used, in nanoseconds, or -1.
func cpuTime() int64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return -1
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
