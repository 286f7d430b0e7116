package postgres

import (
	"context"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"sahafa/news"
	"sahafa/store/storetest"
	"sahafa/store/teststores/pgtest"
)

// TestReadReplicas runs two Stores — two servers — on the throwaway
// primary and a real streaming replica of it (pg_basebackup -R, started
// here): reads go to the replica once it holds every write the Store must
// see; a Store sees its own writes at once; a write on one server is
// readable on the other as soon as its change notification arrives; a
// replica paused past the lag bound, or stopped under load, is skipped
// with no failed read.
func TestReadReplicas(t *testing.T) {
	testDSN(t)
	rep := pgtest.StartReplica(t)
	schema, dsn := newSchema(t)
	ctx := context.Background()
	opts := Options{Replicas: []string{withSearchPath(t, rep.DSN, schema)}, MaxLag: 500 * time.Millisecond,
		ProbeEvery: 20 * time.Millisecond}
	a, err := OpenWith(ctx, dsn, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := OpenWith(ctx, dsn, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	waitReplica(t, a, true)
	waitReplica(t, b, true)

	rng := rand.New(rand.NewPCG(14, 1))
	save := func(s *Store, first int) int64 {
		t.Helper()
		res, err := s.SaveArticles(ctx, storetest.GeneratedBatch(rng, first, 1))
		if err != nil {
			t.Fatal(err)
		}
		return res.IDs[0]
	}

	// Once the replica holds everything, reads are its.
	save(a, 0)
	waitCaughtUp(t, a)
	before := a.ReplicaStats()[0].Reads
	if _, err := a.Articles(ctx, news.ArticleFilter{Limit: 5}); err != nil {
		t.Fatal(err)
	}
	if got := a.ReplicaStats()[0].Reads; got != before+1 {
		t.Fatalf("a list read with the replica caught up: replica reads %d → %d, want one more", before, got)
	}
	// The newsroom's reads stay on the primary.
	if _, err := a.Articles(news.ReadPrimary(ctx), news.ArticleFilter{Limit: 5}); err != nil {
		t.Fatal(err)
	}
	if got := a.ReplicaStats()[0].Reads; got != before+1 {
		t.Fatalf("a ReadPrimary read went to the replica (reads %d → %d)", before+1, got)
	}

	// Read-your-writes: each article is found right after its save.
	for i := range 30 {
		id := save(a, 100+i)
		if got, err := a.Article(ctx, id); err != nil || got.ID != id {
			t.Fatalf("save %d: article %d read back right after its save: %+v, %v", i, id, got.ID, err)
		}
	}

	// Another server sees a write once its notification arrives, however
	// far the replica has got.
	changed := make(chan struct{}, 64)
	b.WatchChanges(ctx, func(news.Change) { changed <- struct{}{} })
	var worst time.Duration
	fromReplica := b.ReplicaStats()[0].Reads
	for i := range 10 {
		for len(changed) > 0 {
			<-changed
		}
		t0 := time.Now()
		id := save(a, 200+i)
		select {
		case <-changed:
		case <-time.After(5 * time.Second):
			t.Fatal("no change notification on the second server")
		}
		got, err := b.Article(ctx, id)
		if err != nil || got.ID != id {
			t.Fatalf("article %d, saved on one server, not readable on the other after the notification: %v", id, err)
		}
		worst = max(worst, time.Since(t0))
	}
	fromReplica = b.ReplicaStats()[0].Reads - fromReplica
	t.Logf("a save on one server readable on the other: slowest of 10 in %v; %d of the 10 reads from the replica", worst, fromReplica)
	// The notification waits for the replica to replay the save (catchUp),
	// so the other server's read need not fall on the primary.
	if fromReplica < 8 {
		t.Errorf("only %d of the 10 reads after a notification came from the replica", fromReplica)
	}
	if worst > time.Second {
		t.Errorf("a save took %v to be readable on the other server, want under 1 s", worst)
	}

	// A replica whose replay is paused falls behind, is skipped past the
	// bound, and reads stay current.
	su, err := pgx.Connect(ctx, rep.SuperuserDSN())
	if err != nil {
		t.Fatal(err)
	}
	defer su.Close(ctx)
	if _, err := su.Exec(ctx, `SELECT pg_wal_replay_pause()`); err != nil {
		t.Fatal(err)
	}
	paused := save(a, 300)
	save(b, 301) // b's own write too
	waitReplica(t, b, false)
	if got, err := b.Article(ctx, paused); err != nil || got.ID != paused {
		t.Fatalf("with the replica paused, article %d: %v", paused, err)
	}
	if _, err := su.Exec(ctx, `SELECT pg_wal_replay_resume()`); err != nil {
		t.Fatal(err)
	}
	waitReplica(t, b, true)

	// The replica stopped under load: no read fails.
	var reads, failed atomic.Int64
	var firstErr atomic.Value
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := range 4 {
		s := a
		if w%2 == 1 {
			s = b
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				var err error
				switch reads.Add(1) % 3 {
				case 0:
					_, err = s.Articles(ctx, news.ArticleFilter{Limit: 10})
				case 1:
					_, err = s.Article(ctx, paused)
				default:
					_, err = s.Sections(ctx)
				}
				if err != nil {
					failed.Add(1)
					firstErr.CompareAndSwap(nil, err)
				}
			}
		}()
	}
	time.Sleep(300 * time.Millisecond)
	servedBefore := a.ReplicaStats()[0].Reads + b.ReplicaStats()[0].Reads
	rep.Ctl.Stop(t)
	time.Sleep(700 * time.Millisecond)
	close(stop)
	wg.Wait()
	t.Logf("%d reads with the replica stopped after 300 ms; the replica had served %d; fell back %d+%d",
		reads.Load(), servedBefore, a.ReplicaStats()[0].Falls, b.ReplicaStats()[0].Falls)
	if n := failed.Load(); n > 0 {
		t.Errorf("%d of %d reads failed when the replica stopped; first: %v", n, reads.Load(), firstErr.Load())
	}
	if servedBefore == 0 {
		t.Error("the replica served no read before it stopped: the test measured the primary alone")
	}
	waitReplica(t, a, false)
	rep.Ctl.Start(t)
	waitReplica(t, a, true)
}

// waitReplica waits until s's replica is up (or down).
func waitReplica(t *testing.T, s *Store, up bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for s.ReplicaStats()[0].Up != up {
		if time.Now().After(deadline) {
			t.Fatalf("the replica never became up=%v: %+v", up, s.ReplicaStats()[0])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitCaughtUp waits until the replica may serve s's reads.
func waitCaughtUp(t *testing.T, s *Store) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for s.reads.pick(context.Background()) == nil {
		if time.Now().After(deadline) {
			t.Fatalf("the replica never caught up: %+v", s.ReplicaStats()[0])
		}
		time.Sleep(5 * time.Millisecond)
	}
}
