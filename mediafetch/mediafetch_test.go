package mediafetch_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"sahafa/editorial"
	"sahafa/fetch"
	"sahafa/mediafetch"
	"sahafa/news"
	"sahafa/publish"
	"sahafa/store/teststores"
)

func picture(w, h int) *image.NRGBA {
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			m.SetNRGBA(x, y, color.NRGBA{uint8(x * 255 / w), uint8(y * 255 / max(h, 1)), 120, 255})
		}
	}
	return m
}

func encodeJPEG(t *testing.T, w, h int) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, picture(w, h), nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodePNG(t *testing.T, w, h int) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, picture(w, h)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// webpFile is a WebP made by a real encoder: one x/image ships.
func webpFile(t *testing.T) []byte {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "golang.org/x/image").Output()
	if err != nil {
		t.Skipf("cannot find golang.org/x/image in the module cache: %v", err)
	}
	data, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "testdata", "yellow_rose.lossy.webp"))
	if err != nil {
		t.Skipf("x/image testdata not in the module cache: %v", err)
	}
	return data
}

// oldSite is the old site's server: real pictures, and every way a fetch
// goes wrong. It counts the requests of each path.
type oldSite struct {
	*httptest.Server
	mu   sync.Mutex
	hits map[string]int
}

func newOldSite(t *testing.T) *oldSite {
	files := map[string][]byte{"/p/ميناء-المدينة.jpg": encodeJPEG(t, 640, 480), "/p/chart.png": encodePNG(t, 300, 200), "/p/rose.webp": webpFile(t),
		"/p/huge.png": encodePNG(t, 13000, 4)}
	flaky := encodeJPEG(t, 200, 100)
	s := &oldSite{hits: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hits[r.URL.Path]++
		n := s.hits[r.URL.Path]
		s.mu.Unlock()
		switch r.URL.Path {
		case "/p/slow.jpg":
			select {
			case <-time.After(3 * time.Second):
			case <-r.Context().Done():
			}
		case "/p/loop.jpg":
			http.Redirect(w, r, "/p/loop-again.jpg", http.StatusFound)
		case "/p/loop-again.jpg":
			http.Redirect(w, r, "/p/loop.jpg", http.StatusFound)
		case "/p/fake.jpg":
			w.Header().Set("Content-Type", "image/jpeg")
			w.Write([]byte("<html><body>هذه صفحة وليست صورة</body></html>"))
		case "/p/flaky.jpg":
			if n == 1 {
				http.Error(w, "busy", http.StatusServiceUnavailable)
				return
			}
			w.Write(flaky)
		default:
			if data, ok := files[r.URL.Path]; ok {
				w.Write(data)
				return
			}
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *oldSite) count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

func TestFetch(t *testing.T) { teststores.Each(t, testFetch) }

// testFetch: two imported articles showing pictures of their old site;
// the good pictures come home once each (a picture two articles share is
// one image, a run over one article then over all fetches nothing twice),
// the articles show the library's variants with their alt text, and each
// bad address is reported with why and keeps its old address.
func testFetch(t *testing.T, open teststores.OpenFunc) {
	st := open(t)
	ctx := context.Background()
	old := newOldSite(t)
	pub := publish.New(st, publish.Options{})
	ed := editorial.New(st, pub, nil, editorial.Options{Logger: slog.New(slog.DiscardHandler)})
	base := old.URL + "/2019/05/22/port/"
	res, err := pub.Save(ctx, []news.Draft{
		{ExternalID: "wp:old:1", Title: "افتتاح توسعة ميناء المدينة", SectionName: "محليات", SourceURL: base, Source: "wordpress",
			Image: &news.Image{URL: old.URL + "/p/ميناء-المدينة.jpg", Alt: "رافعات الميناء الجديدة"},
			Body: `<p>افتتحت المدينة توسعة الميناء.</p><figure><img src="/p/chart.png" alt="رسم بياني لحركة السفن" width="300" height="200"></figure>` +
				`<p>وردة من حديقة الميناء:</p><img src="` + old.URL + `/p/rose.webp" alt="">`,
			PublishedAt: time.Date(2019, 5, 22, 10, 0, 0, 0, time.UTC)},
		{ExternalID: "wp:old:2", Title: "حركة الميناء في أسبوعه الأول", SectionName: "محليات", SourceURL: old.URL + "/2019/05/29/week/", Source: "wordpress",
			Body: `<p>صور الأسبوع الأول:</p><img src="` + old.URL + `/p/%D9%85%D9%8A%D9%86%D8%A7%D8%A1-%D8%A7%D9%84%D9%85%D8%AF%D9%8A%D9%86%D8%A9.jpg" alt="الميناء">` +
				`<img src="` + old.URL + `/p/slow.jpg" alt="بطيئة"><img src="` + old.URL + `/p/missing.jpg" alt="مفقودة">` +
				`<img src="` + old.URL + `/p/loop.jpg" alt="تحويل"><img src="` + old.URL + `/p/fake.jpg" alt="ليست صورة">` +
				`<img src="` + old.URL + `/p/huge.png" alt="ضخمة"><img src="` + old.URL + `/p/flaky.jpg" alt="مرة ثانية">`,
			PublishedAt: time.Date(2019, 5, 29, 10, 0, 0, 0, time.UTC)},
	})
	if err != nil || len(res.IDs) != 2 {
		t.Fatalf("save: %+v, %v", res, err)
	}
	first, second := res.IDs[0], res.IDs[1]
	client := fetch.New(fetch.Options{Timeout: time.Second, MaxAtOnce: 4, AllowPrivate: true})
	opts := mediafetch.Options{Store: st, Editorial: ed, Fetch: client, Concurrency: 4, Retries: 1, Backoff: 10 * time.Millisecond,
		Logger: slog.New(slog.DiscardHandler)}

	// The first article alone, as an import that just stored it.
	one := opts
	one.Articles = []int64{first}
	rep, err := mediafetch.Run(ctx, one)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Articles != 1 || rep.Rewritten != 1 || rep.Fetched != 3 || rep.NoAlt != 1 || len(rep.Failures) != 0 {
		t.Fatalf("first article: %+v", rep)
	}
	a, err := st.EditorialArticle(ctx, first)
	if err != nil {
		t.Fatal(err)
	}
	if a.Image == nil || a.Image.MediaID == 0 || !strings.HasPrefix(a.Image.URL, "/media/") || a.Image.Alt != "رافعات الميناء الجديدة" {
		t.Errorf("lead image after the fetch: %+v", a.Image)
	}
	if strings.Contains(a.Body, old.URL) || strings.Count(a.Body, `src="/media/`) != 2 || !strings.Contains(a.Body, `alt="رسم بياني لحركة السفن"`) ||
		!strings.Contains(a.Body, "srcset=") {
		t.Errorf("body after the fetch:\n%s", a.Body)
	}
	for _, m := range []string{"/p/ميناء-المدينة.jpg", "/p/chart.png", "/p/rose.webp"} {
		if n := old.count(m); n != 1 {
			t.Errorf("%s fetched %d times", m, n)
		}
	}

	// Then every article: the shared picture is the library's already.
	rep, err = mediafetch.Run(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Articles != 2 || rep.Rewritten != 1 || rep.Reused != 1 || rep.Fetched != 1 || rep.Images != 7 {
		t.Errorf("every article: %+v", rep)
	}
	if n := old.count("/p/ميناء-المدينة.jpg"); n != 1 {
		t.Errorf("the shared picture was fetched %d times", n)
	}
	if n := old.count("/p/flaky.jpg"); n != 2 {
		t.Errorf("the picture that failed once was asked %d times, want 2 (a retry)", n)
	}
	reasons := map[string]string{}
	for _, f := range rep.Failures {
		reasons[strings.TrimPrefix(f.URL, old.URL)] = f.Reason
		if len(f.Articles) != 1 || f.Articles[0] != second {
			t.Errorf("%s: articles %v", f.URL, f.Articles)
		}
	}
	for path, want := range map[string]string{"/p/slow.jpg": "لم يُجب", "/p/missing.jpg": "404", "/p/loop.jpg": "تحويلات",
		"/p/fake.jpg": "", "/p/huge.png": ""} {
		why, ok := reasons[path]
		if !ok || !strings.Contains(why, want) || why == "" {
			t.Errorf("%s: reason %q, want one saying %q", path, why, want)
		}
	}
	if len(rep.Failures) != 5 {
		t.Errorf("%d failures, want 5: %+v", len(rep.Failures), rep.Failures)
	}
	b, err := st.EditorialArticle(ctx, second)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(b.Body, `src="/media/`) != 2 || !strings.Contains(b.Body, old.URL+"/p/missing.jpg") {
		t.Errorf("second body after the fetch:\n%s", b.Body)
	}
	if !strings.Contains(b.Body, `alt="الميناء"`) {
		t.Error("the shared picture lost the alt text the second article gives it")
	}
	lib, err := st.Media(ctx, a.Image.MediaID)
	if err != nil || lib.State != news.MediaReady || lib.Alt != "رافعات الميناء الجديدة" || len(lib.Variants) == 0 {
		t.Errorf("library image: %+v, %v", lib, err)
	}
}

// TestRewrite: only the images named change, everything else is kept to
// the byte.
func TestRewrite(t *testing.T) {
	m := news.Media{ID: 7, Format: "jpeg", State: news.MediaReady, Variants: []news.MediaVariant{{Width: 320, Height: 240, ContentType: "image/jpeg", Ext: "jpg"},
		{Width: 640, Height: 480, ContentType: "image/jpeg", Ext: "jpg"}}}
	body := `<p class="x">نص <b>عريض</b> &amp; رمز</p><img class="wp-image-5" src="https://old.example/a.jpg" srcset="https://old.example/a-300.jpg 300w" alt="الميناء &quot;الجديد&quot;"><img src="https://old.example/b.jpg">`
	got, ok := mediafetch.Rewrite(body, "", map[string]news.Media{"https://old.example/a.jpg": m})
	if !ok {
		t.Fatal("nothing rewritten")
	}
	want := `<p class="x">نص <b>عريض</b> &amp; رمز</p><img src="` + m.URL(m.Default()) + `" srcset="` + m.Srcset() + `" sizes="` + news.MediaSizes +
		`" width="` + itoa(m.Default().Width) + `" height="` + itoa(m.Default().Height) + `" alt="الميناء &#34;الجديد&#34;" class="wp-image-5"><img src="https://old.example/b.jpg">`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if same, ok := mediafetch.Rewrite(body, "", map[string]news.Media{"https://elsewhere.example/c.jpg": m}); ok || same != body {
		t.Error("a body without the images changed")
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// FuzzRewrite: any body survives a rewrite, and a rewritten body has
// nothing left to rewrite.
func FuzzRewrite(f *testing.F) {
	for _, s := range []string{`<p>نص</p><img src="https://old.example/a.jpg" alt="x">`, `<img src=/a.jpg>`, `<img src="https://old.example/a.jpg"`,
		`<img/src="https://old.example/a.jpg"/>`, `<!-- <img src="https://old.example/a.jpg"> -->`, `<svg><img src="https://old.example/a.jpg"></svg>`} {
		f.Add(s)
	}
	m := news.Media{ID: 7, Format: "jpeg", State: news.MediaReady, Variants: []news.MediaVariant{{Width: 320, Height: 240, ContentType: "image/jpeg", Ext: "jpg"}}}
	images := map[string]news.Media{"https://old.example/a.jpg": m}
	f.Fuzz(func(t *testing.T, body string) {
		once, _ := mediafetch.Rewrite(body, "https://old.example/2020/01/x/", images)
		twice, changed := mediafetch.Rewrite(once, "https://old.example/2020/01/x/", images)
		if changed || twice != once {
			t.Fatalf("a second rewrite changed %q into %q", once, twice)
		}
	})
}
