package postgres

import (
	"context"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"sahafa/news"
)

// pgCtl runs pg_ctl for the test server: SAHAFA_TEST_PG_CTL is the command
// prefix up to and including "-D DATADIR".
type pgCtl struct {
	prefix  []string
	dataDir string
	opts    string // the server's command-line options, for start
}

func newPgCtl(t *testing.T) *pgCtl {
	t.Helper()
	env := os.Getenv("SAHAFA_TEST_PG_CTL")
	if env == "" {
		t.Skip("SAHAFA_TEST_PG_CTL not set (the pg_ctl command prefix with -D DATADIR): restart test skipped")
	}
	c := &pgCtl{prefix: strings.Fields(env)}
	for i, f := range c.prefix {
		if f == "-D" && i+1 < len(c.prefix) {
			c.dataDir = c.prefix[i+1]
		} else if v, ok := strings.CutPrefix(f, "--pgdata="); ok {
			c.dataDir = v
		}
	}
	if c.dataDir == "" {
		t.Fatalf("SAHAFA_TEST_PG_CTL=%q names no data directory (-D DIR)", env)
	}
	// pg_ctl start does not reuse the options of the last start (only
	// restart does), and the server's port and socket directory are among
	// them: read them from postmaster.opts, written by the running server.
	b, err := os.ReadFile(filepath.Join(c.dataDir, "postmaster.opts"))
	if err != nil {
		t.Skipf("cannot read the server's options: %v", err)
	}
	line := strings.TrimSpace(string(b))
	if _, rest, ok := strings.Cut(line, " "); ok {
		c.opts = rest
	}
	return c
}

func (c *pgCtl) run(t *testing.T, args ...string) {
	t.Helper()
	cmd := exec.Command(c.prefix[0], append(c.prefix[1:], args...)...)
	cmd.Dir = "/"
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("pg_ctl %s: %v\n%s", args[0], err, out)
	}
}

func (c *pgCtl) stop(t *testing.T) { c.run(t, "stop", "-m", "fast", "-w", "-t", "60") }

func (c *pgCtl) start(t *testing.T) {
	c.run(t, "start", "-w", "-t", "60", "-l", filepath.Join(filepath.Dir(c.dataDir), "server.log"), "-o", c.opts)
}

// TestServerRestart stops the server under a Store and starts it again:
// calls fail fast with EUNAVAILABLE meanwhile, a batch cut off by the stop
// leaves nothing behind, and the Store and its watcher recover by
// themselves.
func TestServerRestart(t *testing.T) {
	testDSN(t)
	ctl := newPgCtl(t)
	s := openTest(t)
	defer s.Close()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(5, 6))
	seedRes, err := s.SaveArticles(ctx, benchBatch(rng, 0, 10))
	if err != nil {
		t.Fatal(err)
	}
	changed := make(chan struct{}, 64)
	s.WatchChanges(ctx, func() { changed <- struct{}{} })

	// A large batch, in flight when the server stops.
	const inflight = 3000
	big := benchBatch(rng, 100000, inflight)
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
	ctl.stop(t)
	t.Logf("pg_ctl stop took %v", time.Since(t0))
	defer func() {
		if stopped {
			ctl.start(t)
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
		"SaveArticles": func() error { _, err := s.SaveArticles(ctx, benchBatch(rng, 200000, 2)); return err },
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

	ctl.start(t)
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
	if _, err := s.SaveArticles(ctx, benchBatch(rng, 300000, 1)); err != nil {
		t.Fatal(err)
	}
	select {
	case <-changed:
	case <-time.After(2 * time.Second):
		t.Fatal("the watcher missed a write after the restart")
	}
}
