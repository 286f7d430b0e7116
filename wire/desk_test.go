package wire_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sahafa/news"
	"sahafa/seal"
	"sahafa/store/postgres"
	"sahafa/store/sqlite"
	"sahafa/store/teststores"
	"sahafa/store/teststores/pgtest"
	"sahafa/wire"
)

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "ingest", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// agency is a fake agency server: each path serves what files holds
// for it, with an ETag, and counts the requests and 304s.
type agency struct {
	mu        sync.Mutex
	files     map[string][]byte
	requests  map[string]int
	notModif  atomic.Int64
	authSeen  atomic.Value
	hangUntil chan struct{}
}

func newAgency(t *testing.T) (*agency, *httptest.Server) {
	a := &agency{files: map[string][]byte{}, requests: map[string]int{}, hangUntil: make(chan struct{})}
	srv := httptest.NewServer(http.HandlerFunc(a.serve))
	t.Cleanup(func() { close(a.hangUntil); srv.Close() })
	return a, srv
}

func (a *agency) set(path string, data []byte) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.files[path] = data
}

func (a *agency) count(path string) int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.requests[path]
}

func (a *agency) serve(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	a.requests[r.URL.Path]++
	data, ok := a.files[r.URL.Path]
	a.mu.Unlock()
	switch r.URL.Path {
	case "/hang":
		select { // a source that never answers
		case <-r.Context().Done():
		case <-a.hangUntil:
		}
		return
	case "/huge":
		w.Header().Set("Content-Type", "application/xml")
		chunk := []byte(strings.Repeat("<p>حشو</p>", 1000))
		w.Write([]byte("<newsItem guid=\"huge\">"))
		for written := 0; written < 50<<20; written += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
		return
	case "/ninjs":
		a.authSeen.Store(r.Header.Get("Authorization"))
		if r.Header.Get("Authorization") != "Bearer سر-الوكالة-123" {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
	}
	if !ok {
		http.NotFound(w, r)
		return
	}
	etag := fmt.Sprintf(`"%x"`, sha256.Sum256(data))
	if r.Header.Get("If-None-Match") == etag {
		a.notModif.Add(1)
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("ETag", etag)
	w.Write(data)
}

func sealer(t testing.TB) *seal.Sealer {
	s, err := seal.LoadKey(filepath.Join(t.TempDir(), "secret.key"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func addSource(t *testing.T, st news.Store, src news.WireSource) news.WireSource {
	t.Helper()
	if src.Interval == 0 {
		src.Interval = 10 * time.Minute
	}
	if src.Kind == "" {
		src.Kind = news.WireHTTP
	}
	src.Enabled, src.Priority = true, 5
	saved, err := st.SaveWireSource(context.Background(), src)
	if err != nil {
		t.Fatal(err)
	}
	return saved
}

func waitFor(t *testing.T, within time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > within {
			t.Fatalf("after %v: %s", within, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return time.Since(start)
}

func TestDesk(t *testing.T) { teststores.Each(t, testDesk) }

// testDesk: six web sources polled by the running desk — NewsML-G2, ninjs
// behind a bearer token, RSS, a malformed file, a 50 MB file and one that
// never answers. The good ones are stored at once, the bad ones fail with
// their reason and are retried later, a second poll is a conditional
// GET, a correction becomes version 2, and a restarted desk stores
// nothing twice.
func testDesk(t *testing.T, open teststores.OpenFunc) {
	st := open(t)
	ctx := context.Background()
	ag, srv := newAgency(t)
	ag.set("/newsml", fixture(t, "ar-newsml.xml"))
	ag.set("/ninjs", fixture(t, "ar-ninjs.json"))
	ag.set("/rss", fixture(t, "ar-rss.xml"))
	ag.set("/broken", fixture(t, "malformed.xml"))
	seal := sealer(t)

	newsml := addSource(t, st, news.WireSource{Name: "وكالة المثال", Address: srv.URL + "/newsml", Format: "newsml"})
	ninjs := addSource(t, st, news.WireSource{Name: "ninjs", Address: srv.URL + "/ninjs", AuthKind: "bearer", Secret: seal.Seal("سر-الوكالة-123")})
	rss := addSource(t, st, news.WireSource{Name: "شريك", Address: srv.URL + "/rss", Format: "feed"})
	broken := addSource(t, st, news.WireSource{Name: "مكسور", Address: srv.URL + "/broken"})
	huge := addSource(t, st, news.WireSource{Name: "ضخم", Address: srv.URL + "/huge"})
	hang := addSource(t, st, news.WireSource{Name: "معلّق", Address: srv.URL + "/hang"})

	desk := wire.New(wire.Options{Store: st, Sealer: seal, AllowPrivate: true, Tick: 20 * time.Millisecond,
		Timeout: 3 * time.Second, Workers: 4, MaxBytes: 4 << 20})
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { desk.Run(runCtx); close(done) }()
	stopped := false
	stopDesk := func() {
		if !stopped {
			stopped = true
			stop()
			<-done
		}
	}
	defer stopDesk()

	stories := func() int {
		_, n, err := st.WireItems(ctx, news.WireFilter{Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	took := waitFor(t, 2500*time.Millisecond, "the three good sources stored their items", func() bool { return stories() == 3 })
	t.Logf("good sources stored in %v while one source hangs (timeout 3 s)", took)

	source := func(id int64) news.WireSource {
		s, err := st.WireSource(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	waitFor(t, 6*time.Second, "the bad sources' polls ended", func() bool {
		return source(broken.ID).Failures > 0 && source(huge.ID).Failures > 0 && source(hang.ID).Failures > 0
	})
	for _, c := range []struct {
		src  news.WireSource
		want string
	}{{broken, "السطر 6"}, {huge, "أكبر من الحد"}, {hang, "لم يُجب"}} {
		s := source(c.src.ID)
		if !strings.Contains(s.LastError, c.want) {
			t.Errorf("%s: error %q, want it to say %q", s.Name, s.LastError, c.want)
		}
		if !s.NextPoll.After(time.Now().Add(15 * time.Minute)) {
			t.Errorf("%s: a failed source backs off past its interval (10 min): next poll %v", s.Name, s.NextPoll)
		}
	}
	for _, id := range []int64{newsml.ID, ninjs.ID, rss.ID} {
		if s := source(id); s.Failures != 0 || s.LastOK.IsZero() || s.LastError != "" {
			t.Errorf("%s: %+v", s.Name, s)
		}
	}

	// Poll now: the same file is not fetched again (304), nothing is added.
	rep, err := desk.PollNow(ctx, newsml.ID)
	if err != nil || !rep.NotModif || ag.notModif.Load() != 1 {
		t.Errorf("second poll: %+v, %v; 304s %d", rep, err, ag.notModif.Load())
	}
	// The agency sends a correction.
	ag.set("/newsml", fixture(t, "ar-newsml-correction.xml"))
	rep, err = desk.PollNow(ctx, newsml.ID)
	if err != nil || rep.Stored != 1 || len(rep.Skipped) != 1 {
		t.Fatalf("correction poll: %+v, %v", rep, err)
	}
	queue, _, _ := st.WireItems(ctx, news.WireFilter{SourceID: newsml.ID, Limit: 10})
	if len(queue) != 1 || queue[0].Version != 2 || queue[0].Versions != 2 || queue[0].Signal != "correction" || queue[0].Urgency != 3 {
		t.Errorf("the story after its correction: %+v", queue)
	}
	// A restarted desk, validators forgotten (another server), stores
	// nothing twice.
	stopDesk()
	for _, src := range []news.WireSource{newsml, ninjs, rss} {
		s := source(src.ID)
		s.Address += "?again"
		if _, err := st.SaveWireSource(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	again := wire.New(wire.Options{Store: st, Sealer: seal, AllowPrivate: true})
	for _, src := range []news.WireSource{newsml, ninjs, rss} {
		rep, err := again.PollNow(ctx, src.ID)
		if err != nil || rep.Stored != 0 || rep.Items == 0 {
			t.Errorf("%s polled again: %+v, %v", src.Name, rep, err)
		}
	}
	if n := stories(); n != 3 {
		t.Errorf("%d stories after the restart, want 3", n)
	}
	// Search with the site's analyzer: the query's "الموازنة" finds "موازنة".
	if _, n, _ := st.WireItems(ctx, news.WireFilter{Terms: wire.QueryTerms("الموازنة"), Limit: 5}); n != 1 {
		t.Errorf("search for الموازنة found %d", n)
	}
	// A wrong token: the source fails with the agency's answer.
	s := source(ninjs.ID)
	s.Secret = seal.Seal("خطأ")
	s.Address += "&x"
	st.SaveWireSource(ctx, s)
	if _, err := desk.PollNow(ctx, ninjs.ID); err == nil || !strings.Contains(err.Error(), "401") {
		t.Errorf("a wrong token: %v", err)
	}
}

// TestFolder: a drop folder's settled files are read and moved aside, a
// broken one with a note of why; a file still being written waits.
func TestFolder(t *testing.T) {
	st := teststores.SQLite(t)
	ctx := context.Background()
	dir := t.TempDir()
	old := time.Now().Add(-time.Minute)
	for name, fixtureName := range map[string]string{"weather.xml": "ar-nitf.xml", "bad.xml": "malformed.xml", "port.xml": "ar-newsml.xml"} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, fixture(t, fixtureName), 0o644); err != nil {
			t.Fatal(err)
		}
		os.Chtimes(path, old, old)
	}
	if err := os.WriteFile(filepath.Join(dir, "uploading.xml"), fixture(t, "ar-ninjs.json"), 0o644); err != nil {
		t.Fatal(err)
	}
	src := addSource(t, st, news.WireSource{Name: "مجلد", Kind: news.WireFolder, Address: dir})
	desk := wire.New(wire.Options{Store: st, Settle: 10 * time.Second})
	rep, err := desk.PollNow(ctx, src.ID)
	if err == nil || !strings.Contains(err.Error(), "bad.xml") || rep.Files != 3 || rep.Stored != 2 {
		t.Fatalf("folder poll: %+v, %v", rep, err)
	}
	for _, want := range []string{".sahafa-done/weather.xml", ".sahafa-done/port.xml", ".sahafa-failed/bad.xml", ".sahafa-failed/bad.xml.txt", "uploading.xml"} {
		if _, err := os.Stat(filepath.Join(dir, want)); err != nil {
			t.Errorf("%s: %v", want, err)
		}
	}
	note, _ := os.ReadFile(filepath.Join(dir, ".sahafa-failed", "bad.xml.txt"))
	if !strings.Contains(string(note), "السطر 6") {
		t.Errorf("the failed file's note: %q", note)
	}
	rep, err = desk.PollNow(ctx, src.ID)
	if err != nil || rep.Files != 0 {
		t.Errorf("a second poll reads nothing: %+v, %v", rep, err)
	}
}

// TestTwoServers: two desks on one database poll the same sources at
// once; every story is stored once.
func TestTwoServers(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "sahafa.db")
		twoServers(t, func(t *testing.T) news.Store {
			st, err := sqlite.Open(context.Background(), path)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			return st
		})
	})
	t.Run("postgres", func(t *testing.T) {
		if pgtest.DSN() == "" {
			t.Skip("SAHAFA_TEST_POSTGRES is not set")
		}
		_, dsn := pgtest.NewSchema(t)
		twoServers(t, func(t *testing.T) news.Store {
			st, err := postgres.Open(context.Background(), dsn)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			return st
		})
	})
}

func twoServers(t *testing.T, open func(t *testing.T) news.Store) {
	one, two := open(t), open(t)
	ag, srv := newAgency(t)
	ag.set("/newsml", fixture(t, "ar-newsml.xml"))
	ag.set("/rss", fixture(t, "ar-rss.xml"))
	ag.set("/nitf", fixture(t, "ar-nitf.xml"))
	var ids []int64
	for _, p := range []string{"/newsml", "/rss", "/nitf"} {
		ids = append(ids, addSource(t, one, news.WireSource{Name: p, Address: srv.URL + p, Interval: 30 * time.Second}).ID)
	}
	ctx, stop := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	for _, st := range []news.Store{one, two} {
		d := wire.New(wire.Options{Store: st, AllowPrivate: true, Tick: 10 * time.Millisecond})
		wg.Go(func() { d.Run(ctx) })
		// And each polls every source by hand at the same moment.
		for _, id := range ids {
			wg.Go(func() { d.PollNow(ctx, id) })
		}
	}
	waitFor(t, 5*time.Second, "three stories", func() bool {
		_, n, _ := two.WireItems(context.Background(), news.WireFilter{Limit: 1})
		return n == 3
	})
	time.Sleep(200 * time.Millisecond)
	stop()
	wg.Wait()
	items, n, err := one.WireItems(context.Background(), news.WireFilter{Limit: 10})
	if err != nil || n != 3 {
		t.Fatalf("%d stories, %v", n, err)
	}
	for _, it := range items {
		if it.Versions != 1 {
			t.Errorf("%s stored %d times", it.GUID, it.Versions)
		}
	}
	// The running desks claimed each source once: the agency saw at most
	// the claimed poll plus the two by hand.
	for _, p := range []string{"/newsml", "/rss", "/nitf"} {
		if c := ag.count(p); c > 3 {
			t.Errorf("%s fetched %d times", p, c)
		}
	}
}
