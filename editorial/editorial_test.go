package editorial_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"sahafa/editorial"
	"sahafa/media"
	"sahafa/news"
	"sahafa/publish"
	"sahafa/store/teststores"
)

type fixture struct {
	store news.Store
	ed    *editorial.Service
	now   time.Time
	users map[news.Role]news.User
}

func newFixture(t *testing.T, open teststores.OpenFunc) *fixture {
	st := open(t)
	f := &fixture{store: st, now: time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC), users: map[news.Role]news.User{}}
	f.ed = editorial.New(st, publish.New(st, publish.Options{}), nil, editorial.Options{
		Location: time.FixedZone("AST", 3*3600), Now: func() time.Time { return f.now }})
	ctx := context.Background()
	for _, r := range news.Roles {
		u, err := st.CreateUser(ctx, news.User{Email: string(r) + "@example.com", Name: "مستخدم " + r.Label(), Role: r, PasswordHash: "x"})
		if err != nil {
			t.Fatal(err)
		}
		f.users[r] = u
	}
	if _, err := st.SaveSection(ctx, news.Section{Slug: "culture", Name: "ثقافة"}); err != nil {
		t.Fatal(err)
	}
	return f
}

func (f *fixture) draft(t *testing.T, r news.Role, title string) news.Article {
	t.Helper()
	a, err := f.ed.Save(context.Background(), f.users[r], editorial.ArticleInput{Title: title, Section: "culture",
		Body: "انطلقت فعاليات المهرجان بعرض موسيقي في الساحة القديمة.\n\nويستمر المهرجان أسبوعًا."})
	if err != nil {
		t.Fatalf("save %q: %v", title, err)
	}
	return a
}

func TestDisabledUsersMayDoNothing(t *testing.T) {
	a := &news.Article{ID: 1, CreatedBy: 7, Status: news.StatusDraft}
	for _, r := range news.Roles {
		u := news.User{ID: 7, Role: r, Disabled: true}
		for _, act := range editorial.Actions {
			if editorial.Can(u, act, a) {
				t.Errorf("a disabled %s may %s", r, act)
			}
		}
		if editorial.Can(news.User{Role: r}, editorial.ActCreate, nil) {
			t.Errorf("a %s without an id (not signed in) may create", r)
		}
	}
}

func TestTimesAreReadInTheNewsroomZone(t *testing.T) { teststores.Each(t, testTimesInZone) }

func testTimesInZone(t *testing.T, open teststores.OpenFunc) {
	f := newFixture(t, open)
	ctx := context.Background()
	a := f.draft(t, news.RoleWriter, "حفل افتتاح المهرجان")
	if a.TimeSet || a.EverPublished {
		t.Errorf("a new draft: time set %v, ever published %v", a.TimeSet, a.EverPublished)
	}
	in := f.ed.InputFrom(a)
	if in.PublishAt != "" {
		t.Errorf("a draft without a chosen time shows %q", in.PublishAt)
	}
	in.PublishAt = "2026-12-01T09:30" // 06:30 UTC in UTC+3
	a, err := f.ed.Save(ctx, f.users[news.RoleWriter], in)
	if err != nil {
		t.Fatal(err)
	}
	if want := time.Date(2026, 12, 1, 6, 30, 0, 0, time.UTC); !a.PublishedAt.Equal(want) || !a.TimeSet {
		t.Errorf("published_at %v (set %v), want %v", a.PublishedAt, a.TimeSet, want)
	}
	if got := f.ed.InputFrom(a).PublishAt; got != "2026-12-01T09:30" {
		t.Errorf("the form shows %q", got)
	}
	// Publishing with a time to come schedules; publishing a scheduled
	// article now puts it live at once.
	a, err = f.ed.Transition(ctx, f.users[news.RoleWriter], a.ID, a.Version, editorial.ActPublish, "")
	if err != nil || a.Status != news.StatusScheduled {
		t.Fatalf("publish with a future time: %s, %v", a.Status, err)
	}
	a, err = f.ed.Transition(ctx, f.users[news.RoleWriter], a.ID, a.Version, editorial.ActPublish, "")
	if err != nil || a.Status != news.StatusPublished || !a.PublishedAt.Equal(f.now) {
		t.Fatalf("publish now: %s at %v, %v", a.Status, a.PublishedAt, err)
	}
	// A published article cannot be pushed into the future.
	in = f.ed.InputFrom(a)
	in.PublishAt = "2027-01-01T10:00"
	if _, err := f.ed.Save(ctx, f.users[news.RoleWriter], in); err == nil {
		t.Error("a published article was moved into the future")
	} else if fe, ok := err.(news.FieldErrors); !ok || fe["publish_at"] == "" {
		t.Errorf("error %v, want a field error on publish_at", err)
	}
}

// TestPublishDueOnceAcrossServers: several servers run the scheduler on
// one store; each due article is published once, with one event.
func TestPublishDueOnceAcrossServers(t *testing.T) { teststores.Each(t, testPublishDueOnce) }

func testPublishDueOnce(t *testing.T, open teststores.OpenFunc) {
	f := newFixture(t, open)
	ctx := context.Background()
	editor := f.users[news.RoleEditor]
	var ids []int64
	for i, title := range []string{"أمسية شعرية في المكتبة الوطنية", "معرض للخط العربي", "عرض مسرحي للأطفال"} {
		a := f.draft(t, news.RoleWriter, title)
		in := f.ed.InputFrom(a)
		in.PublishAt = f.now.Add(time.Duration(i+1) * time.Minute).In(f.ed.Location()).Format(editorial.FormTime)
		if a, _ = f.ed.Save(ctx, f.users[news.RoleWriter], in); a.ID == 0 {
			t.Fatal("save failed")
		}
		a, err := f.ed.Transition(ctx, editor, a.ID, a.Version, editorial.ActPublish, "")
		if err != nil || a.Status != news.StatusScheduled {
			t.Fatalf("schedule: %v %v", a.Status, err)
		}
		ids = append(ids, a.ID)
	}
	if n, err := f.ed.PublishDue(ctx); err != nil || n != 0 {
		t.Fatalf("PublishDue before their time: %d, %v", n, err)
	}
	f.now = f.now.Add(2 * time.Minute) // two are due
	servers := []*editorial.Service{f.ed}
	for i := 0; i < 3; i++ {
		servers = append(servers, editorial.New(f.store, publish.New(f.store, publish.Options{}), nil,
			editorial.Options{Now: func() time.Time { return f.now }}))
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	total := 0
	for _, s := range servers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := s.PublishDue(ctx)
			if err != nil {
				t.Errorf("PublishDue: %v", err)
			}
			mu.Lock()
			total += n
			mu.Unlock()
		}()
	}
	wg.Wait()
	if total != 2 {
		t.Errorf("servers published %d articles in all, want 2", total)
	}
	for i, id := range ids {
		a, _ := f.store.EditorialArticle(ctx, id)
		evs, _ := f.store.Events(ctx, id)
		live := 0
		for _, e := range evs {
			if e.Action == news.ActionGoLive {
				live++
			}
		}
		if wantLive := i < 2; (a.Status == news.StatusPublished) != wantLive || live != map[bool]int{true: 1, false: 0}[wantLive] {
			t.Errorf("article %d: %s with %d go-live events", i, a.Status, live)
		}
	}
	if next, _ := f.store.NextScheduled(ctx); next.IsZero() {
		t.Error("the third article is no longer scheduled")
	}
}

func TestUploadChecksContent(t *testing.T) { teststores.Each(t, testUploadChecksContent) }

func testUploadChecksContent(t *testing.T, open teststores.OpenFunc) {
	f := newFixture(t, open)
	ctx := context.Background()
	u := f.users[news.RoleContributor]
	img := image.NewNRGBA(image.Rect(0, 0, 900, 600))
	for y := 0; y < 600; y++ {
		for x := 0; x < 900; x++ {
			img.Set(x, y, color.NRGBA{uint8(x), uint8(y), 90, 255})
		}
	}
	var buf bytes.Buffer
	png.Encode(&buf, img)
	m, err := f.ed.Upload(ctx, u, bytes.NewReader(buf.Bytes()), "  لوحة  بالخط الكوفي ", "من المعرض", "")
	if err != nil {
		t.Fatal(err)
	}
	// Stored at once from its header; its variants and crops follow.
	if m.Alt != "لوحة بالخط الكوفي" || m.Width != 900 || m.State != news.MediaPending {
		t.Errorf("uploaded %+v", m)
	}
	if m, err = f.ed.AwaitMedia(ctx, m.ID, time.Minute); err != nil || !m.Ready() || len(m.Variants) != 3 ||
		m.Variants[2].Width != 900 || len(m.Crops) != len(news.CropRatios) {
		t.Errorf("processed %+v, %v", m, err)
	}
	// A file whose header is fine and whose pixels are not: failed, with
	// the reason, and refused as a lead image.
	broken := append([]byte(nil), buf.Bytes()[:len(buf.Bytes())/2]...)
	b, err := f.ed.Upload(ctx, u, bytes.NewReader(broken), "صورة مقطوعة", "", "")
	if err != nil {
		t.Fatalf("a truncated PNG was refused at the upload: %v", err)
	}
	if b, err = f.ed.AwaitMedia(ctx, b.ID, time.Minute); err != nil || b.State != news.MediaFailed || !strings.Contains(b.Problem, "تالفة") {
		t.Errorf("a truncated PNG after processing: %+v, %v", b, err)
	}
	_, err = f.ed.Save(ctx, u, editorial.ArticleInput{Title: "معرض الخط", Section: "culture", Body: "نص المعرض.", ImageID: strconv.FormatInt(b.ID, 10)})
	if fe, ok := err.(news.FieldErrors); !ok || !strings.Contains(fe["image"], "تعذّرت معالجة الصورة") {
		t.Errorf("a failed image as the lead image: %v", err)
	}
	_, err = f.ed.Upload(ctx, u, strings.NewReader("<html><script>alert(1)</script></html>"), "صورة", "", "")
	if fe, ok := err.(news.FieldErrors); !ok || !strings.Contains(fe["file"], "ليس صورة") {
		t.Errorf("an HTML file named as an image: %v", err)
	}
	_, err = f.ed.Upload(ctx, u, bytes.NewReader(buf.Bytes()), " ", "", "")
	if fe, ok := err.(news.FieldErrors); !ok || fe["alt"] == "" {
		t.Errorf("no alt text: %v", err)
	}
	// Another contributor may not edit it; an editor may.
	other, _ := f.store.CreateUser(ctx, news.User{Email: "c2@example.com", Name: "آخر", Role: news.RoleContributor, PasswordHash: "x"})
	if _, err := f.ed.EditMedia(ctx, other, m.ID, "بديل", "", ""); news.ErrorCode(err) != news.EFORBIDDEN {
		t.Errorf("another contributor edits the image: %v", err)
	}
	if _, err := f.ed.EditMedia(ctx, f.users[news.RoleEditor], m.ID, "لوحة كوفية", "", "تصوير: ريم"); err != nil {
		t.Errorf("an editor edits the image: %v", err)
	}
}

func TestSettingsAreValidated(t *testing.T) { teststores.Each(t, testSettingsAreValidated) }

func testSettingsAreValidated(t *testing.T, open teststores.OpenFunc) {
	f := newFixture(t, open)
	ctx := context.Background()
	admin := f.users[news.RoleAdmin]
	err := f.ed.SaveSettings(ctx, admin, map[string]string{"site_name": "", "digits": "roman", "theme": "dark"})
	fe, ok := err.(news.FieldErrors)
	if !ok || len(fe) != 3 {
		t.Errorf("bad settings: %v", err)
	}
	if got, _ := f.store.Settings(ctx); len(got) != 0 {
		t.Errorf("refused settings were stored: %v", got)
	}
	if err := f.ed.SaveSettings(ctx, f.users[news.RoleEditor], map[string]string{"digits": "arabic"}); news.ErrorCode(err) != news.EFORBIDDEN {
		t.Errorf("an editor changes settings: %v", err)
	}
	if err := f.ed.SaveSettings(ctx, admin, map[string]string{"site_name": "  جريدة   الصباح ", "digits": "arabic"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.store.Settings(ctx); got["site_name"] != "جريدة الصباح" || got["digits"] != "arabic" {
		t.Errorf("settings = %v", got)
	}
	// The menu names sections that exist, in order.
	err = f.ed.SaveSettings(ctx, admin, map[string]string{"menu": "culture, no-such-desk"})
	if fe, ok := err.(news.FieldErrors); !ok || !strings.Contains(fe["menu"], "no-such-desk") {
		t.Errorf("a menu naming an unknown section: %v", err)
	}
	if err := f.ed.SaveSettings(ctx, admin, map[string]string{"menu": "culture،"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.store.Settings(ctx); got["menu"] != "culture" {
		t.Errorf("menu stored as %q", got["menu"])
	}
}

// heldReader blocks its first Read until released: an upload still
// arriving.
type heldReader struct {
	data    io.Reader
	started chan struct{}
	release chan struct{}
	once    sync.Once
}

func newHeld(data []byte) *heldReader {
	return &heldReader{data: bytes.NewReader(data), started: make(chan struct{}), release: make(chan struct{})}
}

func (h *heldReader) Read(p []byte) (int, error) {
	h.once.Do(func() { close(h.started); <-h.release })
	return h.data.Read(p)
}

func smallPNG(t *testing.T) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, 40, 30))
	for i := range img.Pix {
		img.Pix[i] = uint8(i)
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestUploadsPerUser(t *testing.T) { teststores.Each(t, testUploadsPerUser) }

// testUploadsPerUser: one contributor sending eight uploads at once had
// all eight processed together (2.9 GB); the third concurrent upload of a
// user is now refused at once with 429, and others' uploads are not.
func testUploadsPerUser(t *testing.T, open teststores.OpenFunc) {
	f := newFixture(t, open)
	// Room in the gate for everyone's uploads: what is tested is the
	// limit per user.
	f.ed = editorial.New(f.store, publish.New(f.store, publish.Options{}), nil,
		editorial.Options{Images: media.NewGate(media.GateOptions{Slots: 4}), UploadsReceived: 4})
	ctx := context.Background()
	u := f.users[news.RoleContributor]
	data := smallPNG(t)
	var held []*heldReader
	done := make(chan error, 2)
	for range 2 {
		h := newHeld(data)
		held = append(held, h)
		go func() {
			_, err := f.ed.Upload(ctx, u, h, "صورة من الميدان", "", "")
			done <- err
		}()
		<-h.started
	}
	_, err := f.ed.Upload(ctx, u, bytes.NewReader(data), "صورة ثالثة", "", "")
	var le *news.LimitedError
	if !errors.As(err, &le) || news.ErrorCode(err) != news.ELIMITED {
		t.Fatalf("a third concurrent upload: %v, want ELIMITED", err)
	}
	if _, err := f.ed.Upload(ctx, f.users[news.RoleWriter], bytes.NewReader(data), "صورة كاتب آخر", "", ""); err != nil {
		t.Fatalf("another user's upload meanwhile: %v", err)
	}
	for _, h := range held {
		close(h.release)
	}
	for range 2 {
		if err := <-done; err != nil {
			t.Errorf("held upload: %v", err)
		}
	}
	if _, err := f.ed.Upload(ctx, u, bytes.NewReader(data), "صورة بعد اكتمال الرفع", "", ""); err != nil {
		t.Errorf("an upload once the others finished: %v", err)
	}
}

func TestUploadAbandonedStoresNothing(t *testing.T) {
	teststores.Each(t, testUploadAbandonedStoresNothing)
}

// testUploadAbandonedStoresNothing: an upload whose client went away (the
// request's context ended) is not stored: the client was never told it
// worked.
func testUploadAbandonedStoresNothing(t *testing.T, open teststores.OpenFunc) {
	f := newFixture(t, open)
	ctx, cancel := context.WithCancel(context.Background())
	h := newHeld(smallPNG(t))
	done := make(chan error, 1)
	go func() {
		_, err := f.ed.Upload(ctx, f.users[news.RoleWriter], h, "صورة لن تكتمل", "", "")
		done <- err
	}()
	<-h.started
	cancel()
	close(h.release)
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("abandoned upload: %v, want context.Canceled", err)
	}
	list, err := f.store.MediaList(context.Background(), news.MediaFilter{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if list.Total != 0 {
		t.Errorf("the abandoned upload was stored: %d images", list.Total)
	}
}

// TestMediaWorkerCropsOlderImages: an image stored before crops existed
// gets its crops from the media worker, unasked.
func TestMediaWorkerCropsOlderImages(t *testing.T) { teststores.Each(t, testMediaWorkerCropsOlder) }

func testMediaWorkerCropsOlder(t *testing.T, open teststores.OpenFunc) {
	f := newFixture(t, open)
	ctx := context.Background()
	img := image.NewRGBA(image.Rect(0, 0, 1200, 800))
	for i := range img.Pix {
		img.Pix[i] = uint8(i / 7)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	old, err := f.store.SaveMedia(ctx, news.Media{Alt: "صورة من الأرشيف", Format: "jpeg", Width: 1200, Height: 800},
		[]news.MediaFile{{MediaVariant: news.MediaVariant{Width: 1200, Height: 800, ContentType: "image/jpeg", Ext: "jpg"}, Data: buf.Bytes()}})
	if err != nil {
		t.Fatal(err)
	}
	bg, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { f.ed.RunMedia(bg); close(done) }()
	defer func() { stop(); <-done }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		m, err := f.store.Media(ctx, old.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(m.Crops) == len(news.CropRatios) {
			sq, _ := m.Crop("1x1")
			if v := sq.Largest(); v.Width != 800 || v.Height != 800 {
				t.Errorf("the square crop of 1200x800 is %dx%d", v.Width, v.Height)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no crops after 30 s: %+v", m.Crops)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestBreakingExpires: a breaking line is gone at its time, and the
// scheduler takes it out of the settings (so cached pages drop it).
func TestBreakingExpires(t *testing.T) { teststores.Each(t, testBreakingExpires) }

func testBreakingExpires(t *testing.T, open teststores.OpenFunc) {
	f := newFixture(t, open)
	ctx := context.Background()
	if _, err := f.ed.PostBreaking(ctx, f.users[news.RoleWriter], "نص", "", 10); news.ErrorCode(err) != news.EFORBIDDEN {
		t.Errorf("a writer posts breaking news: %v", err)
	}
	b, err := f.ed.PostBreaking(ctx, f.users[news.RoleEditor], "  زلزال بقوة 5 درجات  ", "https://example.org/quake", 10)
	if err != nil || b.Text != "زلزال بقوة 5 درجات" || !b.Until.Equal(f.now.Add(10*time.Minute)) {
		t.Fatalf("PostBreaking = %+v, %v", b, err)
	}
	if cur, _ := f.ed.Breaking(ctx); cur == nil || cur.Text != b.Text {
		t.Errorf("Breaking = %+v", cur)
	}
	f.now = f.now.Add(11 * time.Minute)
	if cur, _ := f.ed.Breaking(ctx); cur != nil {
		t.Errorf("Breaking after its time = %+v", cur)
	}
	bg, stop := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() { f.ed.RunScheduler(bg); close(done) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		st, _ := f.store.Settings(ctx)
		if st[news.SettingBreaking] == "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the scheduler did not take the expired line down")
		}
		time.Sleep(20 * time.Millisecond)
	}
	stop()
	<-done
}
