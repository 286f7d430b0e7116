package readership

// Hash is the sketch's hash of a reader's digest.
func Hash(digest []byte) uint64 { return hash64(digest) }

// EstimateOf is the estimate of a fresh sketch after fill adds its hashes.
func EstimateOf(fill func(add func(uint64))) int {
	s := newSketch()
	fill(func(h uint64) { s.add(h) })
	return Estimate(s)
}
