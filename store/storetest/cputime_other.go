//go:build !unix

package storetest

import (
	"testing"
	"time"
)

// cpuTime is unknown here: the per-CPU-second metric is left out.
func cpuTime(*testing.B) time.Duration { return 0 }
