package readership

import (
	"encoding/binary"
	"math"
	"math/bits"
)

// A sketch estimates how many distinct readers a day had from 64-bit
// hashes of them, in a fixed 16 KiB whatever their number: HyperLogLog
// (Flajolet et al. 2007) with 2^14 registers, a standard error of about
// 0.8 %, and the small-range correction. Sketches of several servers add
// up by keeping the larger register (news.MergeSketches).

const (
	sketchBits = 14
	sketchSize = 1 << sketchBits
)

type sketch []byte

func newSketch() sketch { return make(sketch, sketchSize) }

// add counts a hash, and reports whether the sketch changed.
func (s sketch) add(h uint64) bool {
	i := h >> (64 - sketchBits)
	rest := h<<sketchBits | 1<<(sketchBits-1) // the guard bit bounds the rank
	rank := uint8(bits.LeadingZeros64(rest)) + 1
	if rank > s[i] {
		s[i] = rank
		return true
	}
	return false
}

// Estimate is the number of distinct hashes a stored sketch has seen; 0
// for a sketch of another size.
func Estimate(stored []byte) int {
	if len(stored) != sketchSize {
		return 0
	}
	m := float64(sketchSize)
	sum, zeros := 0.0, 0
	for _, r := range stored {
		sum += math.Ldexp(1, -int(r))
		if r == 0 {
			zeros++
		}
	}
	alpha := 0.7213 / (1 + 1.079/m)
	e := alpha * m * m / sum
	if e <= 2.5*m && zeros > 0 {
		e = m * math.Log(m/float64(zeros)) // linear counting for small numbers
	}
	return int(math.Round(e))
}

// hash64 is the first 8 bytes of a digest as a number.
func hash64(digest []byte) uint64 { return binary.BigEndian.Uint64(digest[:8]) }
