package storetest

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sahafa/news"
)

// operationsTests cover what keeps a running site bounded and watchable:
// the shared sign-in attempt budgets and the change signal that page
// caches follow.
var operationsTests = []struct {
	name string
	fn   func(t *testing.T, s news.Store)
}{
	{"Attempts", testAttempts},
	{"AttemptsConcurrent", testAttemptsConcurrent},
}

func testAttempts(t *testing.T, s news.Store) {
	ctx := context.Background()
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	const key, every, burst = "account:salma@example.com", time.Minute, 3
	reserve := func(at time.Time) time.Duration {
		t.Helper()
		wait, err := s.ReserveAttempt(ctx, key, at, every, burst)
		if err != nil {
			t.Fatalf("ReserveAttempt: %v", err)
		}
		return wait
	}
	for i := range burst {
		if w := reserve(now); w != 0 {
			t.Fatalf("attempt %d of a fresh budget of %d: wait %v, want 0", i+1, burst, w)
		}
	}
	if w := reserve(now); w <= 0 || w > every {
		t.Fatalf("attempt past the burst: wait %v, want in (0, %v]", w, every)
	}
	// A refusal takes nothing: half an interval later it is still refused,
	// a whole interval after the burst one attempt is free again.
	if w := reserve(now.Add(every / 2)); w <= 0 || w > every/2+time.Second {
		t.Fatalf("half an interval later: wait %v, want about %v", w, every/2)
	}
	if w := reserve(now.Add(every)); w != 0 {
		t.Fatalf("an interval later: wait %v, want 0", w)
	}
	if w := reserve(now.Add(every)); w == 0 {
		t.Fatal("two attempts in one interval after the burst were both allowed")
	}
	// A returned attempt can be taken again; forgetting the key gives the
	// whole burst back.
	if err := s.ReturnAttempt(ctx, key, every, false); err != nil {
		t.Fatalf("ReturnAttempt: %v", err)
	}
	if w := reserve(now.Add(every)); w != 0 {
		t.Fatalf("after returning one: wait %v, want 0", w)
	}
	if err := s.ReturnAttempt(ctx, key, every, true); err != nil {
		t.Fatalf("ReturnAttempt(all): %v", err)
	}
	for i := range burst {
		if w := reserve(now.Add(every)); w != 0 {
			t.Fatalf("attempt %d after forgetting the key: wait %v", i+1, w)
		}
	}
	// Other keys have budgets of their own.
	if w, err := s.ReserveAttempt(ctx, "address:192.0.2.7", now.Add(every), every, 1); err != nil || w != 0 {
		t.Fatalf("another key: wait %v, err %v", w, err)
	}
	// Pruning forgets only full budgets: the spent key keeps its state.
	if err := s.PruneAttempts(ctx, now.Add(every+time.Second)); err != nil {
		t.Fatalf("PruneAttempts: %v", err)
	}
	if w := reserve(now.Add(every + time.Second)); w == 0 {
		t.Fatal("pruning forgot a spent budget")
	}
	if err := s.PruneAttempts(ctx, now.Add(time.Hour)); err != nil {
		t.Fatalf("PruneAttempts: %v", err)
	}
	if err := s.ReturnAttempt(ctx, "account:nobody@example.com", every, false); err != nil {
		t.Fatalf("ReturnAttempt of an unknown key: %v", err)
	}
}

// testAttemptsConcurrent races many reservations of one key: exactly the
// burst may succeed (the race the sign-in form had when the limit was
// checked before the password hash and counted after it).
func testAttemptsConcurrent(t *testing.T, s news.Store) {
	ctx := context.Background()
	now := time.Now()
	const burst, n = 5, 40
	var ok atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			wait, err := s.ReserveAttempt(ctx, "account:race@example.com", now, time.Minute, burst)
			if err != nil {
				errs <- err
				return
			}
			if wait == 0 {
				ok.Add(1)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("ReserveAttempt: %v", err)
	}
	if got := ok.Load(); got != burst {
		t.Fatalf("%d concurrent reservations with a burst of %d: %d succeeded", n, burst, got)
	}
}
