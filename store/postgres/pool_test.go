package postgres

import (
	"context"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"sahafa/news"
	"sahafa/store/storetest"
)

// TestBusyPoolIsNotUnreachable: with every pooled connection busy for
// longer than the old 3 s acquire deadline, waiting calls get their
// connection and succeed; and when a wait does run out, the error says
// the database is busy, not that it cannot be reached. Before, 200
// concurrent searches with the CPU saturated got 503 "the database cannot
// be reached" with PostgreSQL up.
func TestBusyPoolIsNotUnreachable(t *testing.T) {
	ctx := context.Background()
	_, dsn := newSchema(t)
	s, err := Open(ctx, dsn+"&pool_max_conns=2")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.SaveArticles(ctx, storetest.GeneratedBatch(rand.New(rand.NewPCG(3, 4)), 0, 5)); err != nil {
		t.Fatal(err)
	}
	// Another session locks the table: the store's queries block on it
	// while holding their pooled connections.
	locker, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer locker.Close(ctx)
	hold := func() pgx.Tx {
		tx, err := locker.Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.Exec(ctx, `LOCK TABLE articles IN ACCESS EXCLUSIVE MODE`); err != nil {
			t.Fatal(err)
		}
		return tx
	}
	run := func(n int) []error {
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				_, errs[i] = s.Articles(ctx, news.ArticleFilter{Limit: 3})
			})
		}
		wg.Wait()
		return errs
	}

	release := func(tx pgx.Tx, after time.Duration) chan struct{} {
		done := make(chan struct{})
		go func() {
			defer close(done)
			time.Sleep(after)
			tx.Commit(ctx)
		}()
		return done
	}
	released := release(hold(), 4500*time.Millisecond)
	for i, err := range run(6) {
		if err != nil {
			t.Errorf("call %d, waiting 4.5 s for a busy pool: %v", i, err)
		}
	}
	<-released // the locker's connection is free for the next round

	old := acquireTimeout
	acquireTimeout = 300 * time.Millisecond
	defer func() { acquireTimeout = old }()
	released = release(hold(), 1500*time.Millisecond)
	defer func() { <-released }()
	busy := 0
	for _, err := range run(5) {
		if err == nil {
			continue
		}
		if news.ErrorCode(err) != news.EUNAVAILABLE || !strings.Contains(err.Error(), "busy") || strings.Contains(err.Error(), "cannot be reached") {
			t.Errorf("a wait for a busy pool ran out with: %v", err)
		}
		busy++
	}
	if busy == 0 {
		t.Error("no wait ran out with a 300 ms acquire deadline and the pool busy for 1.5 s")
	}
}
