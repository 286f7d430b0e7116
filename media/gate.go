package media

import (
	"context"
	"io"
	"runtime"
	"sync/atomic"
	"time"

	"golang.org/x/sync/semaphore"

	"sahafa/admission"
	"sahafa/news"
)

// GateOptions size a Gate. Zero fields take the defaults.
type GateOptions struct {
	// Slots is how many images are processed at once (default 1), and
	// Workers how many cores each may use (default half of them, at least
	// one): image work never takes every core from the readers. Measured
	// with bench/overload.sh on 2 cores, two images on every core left
	// article pages a third of their throughput.
	Slots   int
	Workers int
	// Memory bounds the estimated memory of the images being processed
	// together (default DefaultGateMemory); an image that would need more
	// than all of it is refused.
	Memory int64
	// Queue is how many uploads may wait for a slot (default 8); more are
	// refused at once.
	Queue int
	// Wait bounds how long an upload waits for a slot and for memory
	// (default 15 s), so that every request is answered well within the
	// server's write timeout.
	Wait time.Duration
	// Busy, when set, reports whether requests are being served: while
	// they are, scaling rests as long as it worked after each band, so
	// that background image work takes at most half of its cores from
	// the readers (bench/overload.sh).
	Busy func() bool
}

// DefaultGateMemory is the default memory of a Gate: one image at the
// largest size Limits allow, or several ordinary photos at once.
const DefaultGateMemory = DefaultMaxMemory

// Gate bounds the image processing of one server: a few images at a time,
// within a memory budget, with a short queue. Without it, eight concurrent
// uploads of a 36-megapixel PNG took 2.9 GB and outlived the write
// timeout.
type Gate struct {
	slots   *admission.Gate
	mem     *semaphore.Weighted
	memory  int64
	wait    time.Duration
	workers int
	busy    func() bool
	inUse   atomic.Int64
}

// NewGate returns a Gate.
func NewGate(o GateOptions) *Gate {
	if o.Slots <= 0 {
		o.Slots = 1
	}
	if o.Workers <= 0 {
		o.Workers = max(1, runtime.GOMAXPROCS(0)/2)
	}
	if o.Memory <= 0 {
		o.Memory = DefaultGateMemory
	}
	if o.Queue <= 0 {
		o.Queue = 8
	}
	if o.Wait <= 0 {
		o.Wait = 15 * time.Second
	}
	return &Gate{slots: admission.New(o.Slots, o.Queue, o.Wait), mem: semaphore.NewWeighted(o.Memory), memory: o.Memory,
		wait: o.Wait, workers: o.Workers, busy: o.Busy}
}

// GateStats is what a Gate is doing now, for metrics.
type GateStats struct {
	Running, Waiting int
	MemoryInUse      int64 // estimated bytes of the images being processed
	MemoryBudget     int64
}

// Stats reports the Gate's current use.
func (g *Gate) Stats() GateStats {
	return GateStats{Running: g.slots.Running(), Waiting: g.slots.Waiting(), MemoryInUse: g.inUse.Load(), MemoryBudget: g.memory}
}

// msgBusy is the refusal of an upload the server has no room for now.
const msgBusy = "الخادم مشغول الآن بمعالجة صور أخرى؛ لم يُحفظ شيء. أعد رفع الصورة بعد قليل"

func errBusy() error {
	return &news.LimitedError{Message: msgBusy, RetryAfter: 5 * time.Second, Busy: true}
}

// Process is media.Process within the gate: it waits (at most Wait) for a
// slot, reads the upload, and waits (at most Wait again) for the memory
// its header says it needs before decoding it. A full queue or a wait that runs out gives a
// busy *news.LimitedError (503 with Retry-After); a request whose context
// ends gets the context's error and no result, so that nothing the client
// was not told about is stored.
func (g *Gate) Process(ctx context.Context, r io.Reader, limits Limits, cuts ...Cut) (*Processed, error) {
	return g.process(ctx, r, limits, job{cuts: cuts})
}

func (g *Gate) process(ctx context.Context, r io.Reader, limits Limits, j job) (*Processed, error) {
	refused := func() error {
		if err := ctx.Err(); err != nil {
			return err
		}
		return errBusy()
	}
	if err := g.slots.Enter(ctx); err != nil {
		return nil, refused()
	}
	defer g.slots.Leave()

	limits = limits.withDefaults()
	limits.MaxMemory = min(limits.MaxMemory, g.memory)
	if limits.Workers <= 0 {
		limits.Workers = g.workers
	}
	if limits.Pace == nil && g.busy != nil {
		limits.Pace = func(worked time.Duration) {
			if g.busy() {
				time.Sleep(worked)
			}
		}
	}
	var held int64
	defer func() {
		if held > 0 {
			g.inUse.Add(-held)
			g.mem.Release(held)
		}
	}()
	p, err := processWith(r, limits, j, func(cost int64) error {
		mctx, cancel := context.WithTimeout(ctx, g.wait)
		defer cancel()
		if err := g.mem.Acquire(mctx, cost); err != nil {
			return refused()
		}
		held = cost
		g.inUse.Add(cost)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return p, nil
}
