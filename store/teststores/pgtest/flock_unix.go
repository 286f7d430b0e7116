//go:build unix

package pgtest

import (
	"os"
	"syscall"
)

// flock locks f, shared or exclusive, waiting as long as it takes. Changing
// a held lock's kind drops it first, so two processes turning their shared
// locks into exclusive ones do not deadlock.
func flock(f *os.File, exclusive bool) error {
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	for {
		err := syscall.Flock(int(f.Fd()), how)
		if err != syscall.EINTR {
			return err
		}
	}
}

func funlock(f *os.File) error { return syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }
