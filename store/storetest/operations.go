package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
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
	{"WatchReportsWhatChanged", testWatchReportsWhatChanged},
	{"Autosave", testAutosave},
	{"Presence", testPresence},
}

// testWatchReportsWhatChanged: a write that changes no page (a session, a
// sign-in attempt) is not reported; a stored related list is reported as
// its article alone; a content write as everything. Before, every write
// emptied every page cache, so the related-lists refresher and a spray of
// failed sign-ins kept the cache empty.
func testWatchReportsWhatChanged(t *testing.T, s news.Store) {
	w, ok := s.(news.ChangeWatcher)
	if !ok {
		t.Skip("the store reports no changes")
	}
	ids := seed(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	changes := make(chan news.Change, 64)
	w.WatchChanges(ctx, func(c news.Change) { changes <- c })
	time.Sleep(700 * time.Millisecond) // the watcher takes its first reading
	drain := func() {
		for {
			select {
			case <-changes:
			default:
				return
			}
		}
	}
	drain()
	quiet := func(what string) {
		t.Helper()
		select {
		case c := <-changes:
			t.Errorf("%s reported %+v, want nothing", what, c)
		case <-time.After(1200 * time.Millisecond):
		}
	}
	next := func(what string) news.Change {
		t.Helper()
		select {
		case c := <-changes:
			return c
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: no change reported in 5 s", what)
		}
		return news.Change{}
	}

	u, err := s.CreateUser(ctx, newUser("watch@example.com", news.RoleWriter))
	if err != nil {
		t.Fatal(err)
	}
	drain() // a user change may or may not be reported; sessions must not be
	now := time.Now().UTC().Truncate(time.Second)
	sess, err := s.CreateSession(ctx, news.Session{TokenHash: []byte("watch-token-hash-0123456789abcdef"), UserID: u.ID,
		CSRFToken: "c", CreatedAt: now, LastSeen: now, ExpiresAt: now.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.TouchSession(ctx, sess.ID, now.Add(time.Minute), now.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	for range 5 {
		if _, err := s.ReserveAttempt(ctx, "address:192.0.2.9", now, time.Minute, 3); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SaveAutosave(ctx, news.Autosave{UserID: u.ID, SavedAt: now, Data: []byte(`{"title":"x"}`)}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.TouchPresence(ctx, ids["p1"], u, now, now.Add(-time.Minute)); err != nil {
		t.Fatal(err)
	}
	// The background's sweeps that find nothing to do change nothing.
	if _, err := s.PurgeArticles(ctx, nil, now.Add(-30*24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PurgeMedia(ctx, nil, now); err != nil {
		t.Fatal(err)
	}
	quiet("sessions, sign-in attempts, autosaves, presence and empty trash sweeps")

	a, b := ids["p1"], ids["p2"]
	if err := s.SetRelated(ctx, a, []int64{b}); err != nil {
		t.Fatal(err)
	}
	if c := next("a stored related list"); c.All || len(c.Related) != 1 || c.Related[0] != a {
		t.Errorf("a stored related list of %d reported %+v, want Related [%d]", a, c, a)
	}
	if _, err := s.SaveSection(ctx, news.Section{Slug: "watch-desk", Name: "مكتب المراقبة"}); err != nil {
		t.Fatal(err)
	}
	if c := next("a new section"); !c.All {
		t.Errorf("a new section reported %+v, want All", c)
	}
	// Live coverage: starting it may change lists (everything); an update
	// changes the article's own page alone.
	if err := s.SetLive(ctx, b, now, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if c := next("live coverage started"); !c.All {
		t.Errorf("live coverage started reported %+v, want All", c)
	}
	up, err := s.AddLiveUpdate(ctx, news.LiveUpdate{ArticleID: b, At: now, Body: "<p>وصول فرق الإنقاذ</p>"})
	if err != nil {
		t.Fatal(err)
	}
	if c := next("a live update"); c.All || len(c.Related) != 1 || c.Related[0] != b {
		t.Errorf("a live update of %d reported %+v, want Related [%d]", b, c, b)
	}
	if err := s.DeleteLiveUpdate(ctx, b, up.ID); err != nil {
		t.Fatal(err)
	}
	if c := next("a deleted live update"); c.All || len(c.Related) != 1 || c.Related[0] != b {
		t.Errorf("a deleted live update of %d reported %+v, want Related [%d]", b, c, b)
	}

	// Images: an upload is on no page; processing it, or cutting its crops
	// again, changes the pages that show it alone. Every upload emptied
	// every server's page cache three times before.
	drain()
	img, err := s.SaveUpload(ctx, news.Media{Alt: "ميناء صلالة", Format: "jpeg", Width: 3000, Height: 2000}, []byte("as it came"))
	if err != nil {
		t.Fatal(err)
	}
	quiet("an upload")
	files := []news.MediaFile{{MediaVariant: news.MediaVariant{Width: 320, Height: 213, ContentType: "image/jpeg", Ext: "jpg"}, Data: []byte("v320")}}
	crops := func(data string) []news.MediaCropFile {
		return []news.MediaCropFile{{Ratio: "16x9", MediaFile: news.MediaFile{MediaVariant: news.MediaVariant{Width: 320, Height: 180,
			ContentType: "image/jpeg", Ext: "jpg"}, Data: []byte(data)}}}
	}
	if err := s.FinishMedia(ctx, news.Media{ID: img.ID, State: news.MediaReady, Format: "jpeg", Width: 3000, Height: 2000},
		files, crops("w320")); err != nil {
		t.Fatal(err)
	}
	if c := next("a processed upload"); c.All || len(c.Related) != 0 || !slices.Equal(c.Media, []int64{img.ID}) {
		t.Errorf("processing image %d reported %+v, want Media [%d]", img.ID, c, img.ID)
	}
	if _, err := s.SaveCrops(ctx, img.ID, news.Framing{Focus: &news.Point{X: 0.3, Y: 0.4}}, crops("w320 again")); err != nil {
		t.Fatal(err)
	}
	if c := next("crops cut again"); c.All || !slices.Equal(c.Media, []int64{img.ID}) {
		t.Errorf("new crops of image %d reported %+v, want Media [%d]", img.ID, c, img.ID)
	}
	if err := s.UpdateMedia(ctx, news.Media{ID: img.ID, Alt: "ميناء صلالة عند الفجر"}); err != nil {
		t.Fatal(err)
	}
	if c := next("an edited alt text"); !c.All {
		t.Errorf("an edited alt text reported %+v, want All", c)
	}
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

func testAutosave(t *testing.T, s news.Store) {
	ctx := context.Background()
	u, err := s.CreateUser(ctx, newUser("autosave@example.com", news.RoleWriter))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Autosave(ctx, u.ID, 0); news.ErrorCode(err) != news.ENOTFOUND {
		t.Fatalf("no autosave yet: %v", err)
	}
	at := time.Date(2026, 12, 1, 10, 42, 5, 0, time.UTC)
	data := []byte(`{"title":"عنوان محفوظ تلقائيًا","body":"<p>نص</p>"}`)
	if err := s.SaveAutosave(ctx, news.Autosave{UserID: u.ID, ArticleID: 0, SavedAt: at, Version: 0, Data: data}); err != nil {
		t.Fatal(err)
	}
	again := []byte(`{"title":"عنوان أحدث"}`)
	if err := s.SaveAutosave(ctx, news.Autosave{UserID: u.ID, ArticleID: 0, SavedAt: at.Add(time.Second), Version: 3, Data: again}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Autosave(ctx, u.ID, 0)
	if err != nil || !got.SavedAt.Equal(at.Add(time.Second)) || got.Version != 3 || !jsonEqual(got.Data, again) {
		t.Errorf("Autosave = %+v %s, %v", got, got.Data, err)
	}
	if err := s.DeleteAutosave(ctx, u.ID, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Autosave(ctx, u.ID, 0); news.ErrorCode(err) != news.ENOTFOUND {
		t.Errorf("after delete: %v", err)
	}
}

// jsonEqual compares JSON documents (PostgreSQL's jsonb reorders keys).
func jsonEqual(a, b []byte) bool {
	var x, y any
	return json.Unmarshal(a, &x) == nil && json.Unmarshal(b, &y) == nil && fmt.Sprint(x) == fmt.Sprint(y)
}

func testPresence(t *testing.T, s news.Store) {
	ctx := context.Background()
	sara, _ := s.CreateUser(ctx, newUser("sara-presence@example.com", news.RoleWriter))
	sara.Name = "سارة"
	huda, _ := s.CreateUser(ctx, newUser("huda-presence@example.com", news.RoleEditor))
	huda.Name = "هدى"
	const article = 77
	t0 := time.Date(2026, 12, 1, 10, 42, 0, 0, time.UTC)
	others, taken, err := s.TouchPresence(ctx, article, sara, t0, t0.Add(-time.Minute))
	if err != nil || len(others) != 0 || taken != "" {
		t.Fatalf("first on the article: %+v %q %v", others, taken, err)
	}
	others, _, err = s.TouchPresence(ctx, article, huda, t0.Add(30*time.Second), t0.Add(-30*time.Second))
	if err != nil || len(others) != 1 || others[0].UserName != "سارة" || !others[0].Since.Equal(t0) {
		t.Fatalf("Huda sees: %+v %v; want سارة since 10:42", others, err)
	}
	// Sara's heartbeat keeps her since; she sees Huda.
	others, _, _ = s.TouchPresence(ctx, article, sara, t0.Add(40*time.Second), t0.Add(-20*time.Second))
	if len(others) != 1 || others[0].UserName != "هدى" {
		t.Errorf("Sara sees: %+v", others)
	}
	if err := s.TakeOver(ctx, article, huda, t0.Add(50*time.Second)); err != nil {
		t.Fatal(err)
	}
	_, taken, _ = s.TouchPresence(ctx, article, sara, t0.Add(60*time.Second), t0)
	if taken != "هدى" {
		t.Errorf("after Huda took over, Sara is told %q", taken)
	}
	others, _, _ = s.TouchPresence(ctx, article, huda, t0.Add(61*time.Second), t0)
	if len(others) != 0 {
		t.Errorf("after taking over, Huda still sees %+v", others)
	}
	// Seen long ago: not listed; a new visit starts a new "since".
	others, _, _ = s.TouchPresence(ctx, article, sara, t0.Add(time.Hour), t0.Add(time.Hour-time.Minute))
	if len(others) != 0 {
		t.Errorf("an hour later Sara sees %+v", others)
	}
	if err := s.LeavePresence(ctx, article, sara.ID); err != nil {
		t.Fatal(err)
	}
	others, _, _ = s.TouchPresence(ctx, article, huda, t0.Add(time.Hour+time.Second), t0.Add(time.Hour-time.Minute))
	if len(others) != 0 {
		t.Errorf("after Sara left, Huda sees %+v", others)
	}
}
