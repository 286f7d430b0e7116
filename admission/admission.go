// Package admission bounds how many of one kind of costly work run at
// once, with a short queue: at most Limit run, at most Queue more wait, for
// at most Wait each, and the rest are turned away at once. The password
// hashes, the image gate and the render limit all admit their work
// through it, so that a burst costs bounded memory and CPU and every
// caller gets a prompt answer.
package admission

import (
	"context"
	"errors"
	"sync/atomic"
	"time"
)

// Errors of Enter.
var (
	ErrQueueFull = errors.New("admission: every slot is taken and the queue is full")
	ErrTimedOut  = errors.New("admission: no slot came free in time")
)

// Gate admits work. The zero value is not usable; call New.
type Gate struct {
	slots   chan struct{}
	queue   int64
	wait    time.Duration
	waiting atomic.Int64
	refused atomic.Int64
}

// New returns a Gate of limit slots (at least one), with up to queue
// callers waiting at most wait each.
func New(limit, queue int, wait time.Duration) *Gate {
	return &Gate{slots: make(chan struct{}, max(limit, 1)), queue: int64(max(queue, 0)), wait: wait}
}

// Enter takes a slot, at once or after waiting in the queue. It returns
// nil when the caller may go on (and must call Leave), ErrQueueFull or
// ErrTimedOut when it is turned away, or ctx's error.
func (g *Gate) Enter(ctx context.Context) error {
	select {
	case g.slots <- struct{}{}:
		return nil
	default:
	}
	if g.waiting.Add(1) > g.queue {
		g.waiting.Add(-1)
		g.refused.Add(1)
		return ErrQueueFull
	}
	defer g.waiting.Add(-1)
	t := time.NewTimer(g.wait)
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
		return nil
	case <-t.C:
		g.refused.Add(1)
		return ErrTimedOut
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Leave gives back the slot Enter took.
func (g *Gate) Leave() { <-g.slots }

// Limit is the number of slots; Running and Waiting say how many are
// taken and waited for now; Refused counts the callers turned away.
func (g *Gate) Limit() int     { return cap(g.slots) }
func (g *Gate) Running() int   { return len(g.slots) }
func (g *Gate) Waiting() int   { return int(g.waiting.Load()) }
func (g *Gate) Refused() int64 { return g.refused.Load() }
