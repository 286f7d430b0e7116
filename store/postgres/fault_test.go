package postgres

import (
	"context"
	"math/rand/v2"
	"testing"
	"time"

	"sahafa/news"
	"sahafa/store/storetest"
	"sahafa/store/teststores/pgtest"
)

// TestServerRestart stops the server under a Store and starts it again:
// calls fail fast with EUNAVAILABLE meanwhile, a batch cut off by the stop
// leaves nothing behind, and the Store and its watcher recover by
// themselves.
func TestServerRestart(t *testing.T) {
	testDSN(t)
	ctl := pgtest.NewPgCtl(t) // waits until other test processes are done with the server
	s := openTest(t)
	defer s.Close()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(5, 6))
	seedRes, err := s.SaveArticles(ctx, storetest.GeneratedBatch(rng, 0, 10))
	if err != nil {
		t.Fatal(err)
	}
	changed := make(chan struct{}, 64)
	s.WatchChanges(ctx, func(news.Change) { changed <- struct{}{} })

	// A large batch, in flight when the server stops.
	const inflight = 3000
	big := storetest.GeneratedBatch(rng, 100000, inflight)
	saved := make(chan error, 1)
	go func() {
		_, err := s.SaveArticles(ctx, big)
		saved <- err
	}()
	// Wait until the server is executing the batch's inserts.
	for deadline := time.Now().Add(20 * time.Second); ; {
		var busy bool
		err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_stat_activity
			WHERE pid <> pg_backend_pid() AND query LIKE 'INSERT INTO articles%')`).Scan(&busy)
		if err != nil {
			t.Fatal(err)
		}
		if busy {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the batch never reached the server")
		}
		time.Sleep(5 * time.Millisecond)
	}

	stopped := true
	t0 := time.Now()
	ctl.Stop(t)
	t.Logf("pg_ctl stop took %v", time.Since(t0))
	defer func() {
		if stopped {
			ctl.Start(t)
		}
	}()
	select {
	case err := <-saved:
		t.Logf("after %v: SaveArticles in flight at the stop: %v (code %q)", time.Since(t0), err, news.ErrorCode(err))
		if err == nil {
			t.Log("the batch committed before the stop")
		} else if news.ErrorCode(err) != news.EUNAVAILABLE {
			t.Errorf("SaveArticles cut off by the stop: code %q, want %s", news.ErrorCode(err), news.EUNAVAILABLE)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("SaveArticles in flight did not return within 5s of the stop")
	}
	for len(changed) > 0 {
		<-changed
	}

	// While the server is down, every call fails fast with EUNAVAILABLE.
	calls := map[string]func() error{
		"Article": func() error { _, err := s.Article(ctx, seedRes.IDs[0]); return err },
		"Search": func() error {
			_, err := s.Search(ctx, news.SearchQuery{Terms: []string{"الحكومة"}})
			return err
		},
		"SaveArticles": func() error { _, err := s.SaveArticles(ctx, storetest.GeneratedBatch(rng, 200000, 2)); return err },
		"Sections":     func() error { _, err := s.Sections(ctx); return err },
	}
	for name, call := range calls {
		start := time.Now()
		err := call()
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("%s with the server down took %v", name, d)
		}
		if news.ErrorCode(err) != news.EUNAVAILABLE {
			t.Errorf("%s with the server down: %v (code %q), want %s", name, err, news.ErrorCode(err), news.EUNAVAILABLE)
		}
	}

	ctl.Start(t)
	stopped = false
	restarted := time.Now()

	// The store recovers by itself.
	var a news.Article
	for {
		a, err = s.Article(ctx, seedRes.IDs[0])
		if err == nil || time.Since(restarted) > 10*time.Second {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil || a.ID != seedRes.IDs[0] {
		t.Fatalf("10s after the restart: Article = %d, %v", a.ID, err)
	}
	t.Logf("store answered %v after the restart", time.Since(restarted).Round(time.Millisecond))

	// All or nothing: the batch cut off by the stop is either all there or absent.
	var n int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM articles WHERE external_id LIKE 'bench-1_____'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != 0 && n != inflight {
		t.Errorf("%d of the %d articles of the interrupted batch were stored", n, inflight)
	}
	t.Logf("interrupted batch: %d of %d articles stored", n, inflight)

	// The watcher reconnected and said so.
	select {
	case <-changed:
	case <-time.After(10*time.Second - time.Since(restarted)):
		t.Fatal("the watcher did not report after the restart")
	}
	if _, err := s.SaveArticles(ctx, storetest.GeneratedBatch(rng, 300000, 1)); err != nil {
		t.Fatal(err)
	}
	select {
	case <-changed:
	case <-time.After(2 * time.Second):
		t.Fatal("the watcher missed a write after the restart")
	}
}
