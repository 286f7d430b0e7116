package admission

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

func TestGate(t *testing.T) {
	g := New(2, 1, 2*time.Second)
	ctx := context.Background()
	for range 2 {
		if err := g.Enter(ctx); err != nil {
			t.Fatalf("a free slot: %v", err)
		}
	}
	waited := make(chan error, 1)
	go func() { waited <- g.Enter(ctx) }()
	for g.Waiting() != 1 {
		time.Sleep(time.Millisecond)
	}
	start := time.Now()
	if err := g.Enter(ctx); !errors.Is(err, ErrQueueFull) {
		t.Errorf("with the queue full: %v", err)
	}
	if time.Since(start) > time.Second {
		t.Error("a full queue did not refuse at once")
	}
	g.Leave()
	if err := <-waited; err != nil {
		t.Errorf("the waiting caller, once a slot was left: %v", err)
	}
	if err := g.Enter(ctx); !errors.Is(err, ErrTimedOut) {
		t.Errorf("no slot left within the wait: %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := g.Enter(cctx); !errors.Is(err, context.Canceled) {
		t.Errorf("a cancelled caller: %v", err)
	}
	if g.Running() != 2 || g.Waiting() != 0 || g.Refused() != 2 || g.Limit() != 2 {
		t.Errorf("running %d waiting %d refused %d limit %d", g.Running(), g.Waiting(), g.Refused(), g.Limit())
	}
}

// TestGateBoundsConcurrency runs many callers through a gate of three
// slots and checks that no more than three ever ran at once.
func TestGateBoundsConcurrency(t *testing.T) {
	g := New(3, 100, 10*time.Second)
	var mu sync.Mutex
	running, peak := 0, 0
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			if err := g.Enter(context.Background()); err != nil {
				t.Error(err)
				return
			}
			defer g.Leave()
			mu.Lock()
			running++
			peak = max(peak, running)
			mu.Unlock()
			time.Sleep(time.Millisecond)
			mu.Lock()
			running--
			mu.Unlock()
		})
	}
	wg.Wait()
	if peak > 3 {
		t.Errorf("%d ran at once through 3 slots", peak)
	}
}
