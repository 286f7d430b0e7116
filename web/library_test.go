package web_test

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"sahafa/news"
	"sahafa/store/teststores"
	"sahafa/web"
)

// The editor's SEO panel, photo credits, the trash and the author
// directory, as readers and crawlers meet them.
func TestEditorFieldsOnPublicPages(t *testing.T) { teststores.Each(t, testEditorFieldsOnPublicPages) }

func testEditorFieldsOnPublicPages(t *testing.T, open teststores.OpenFunc) {
	f := newFixture(t, open, web.Options{})
	ctx := context.Background()
	m, err := f.store.SaveMedia(ctx, news.Media{Alt: "ميناء المدينة", Format: "jpeg", Width: 640, Height: 400},
		[]news.MediaFile{{MediaVariant: news.MediaVariant{Width: 640, Height: 400, ContentType: "image/jpeg", Ext: "jpg"},
			Data: jpegOf(t, 640, 400)}})
	if err != nil {
		t.Fatal(err)
	}
	share, err := f.store.SaveMedia(ctx, news.Media{Alt: "بطاقة المشاركة", Format: "jpeg", Width: 640, Height: 400},
		[]news.MediaFile{{MediaVariant: news.MediaVariant{Width: 640, Height: 400, ContentType: "image/jpeg", Ext: "jpg"},
			Data: jpegOf(t, 640, 400)}})
	if err != nil {
		t.Fatal(err)
	}

	old := f.byExt["t-talks"]
	rec := news.ArticleRecord{Article: old}
	rec.Image = &news.Image{URL: m.URL(m.Variants[0]), Width: 640, Height: 400, Alt: m.Alt, MediaID: m.ID,
		Caption: "الميناء صباح اليوم", Credit: "تصوير: ليلى <b>حداد</b>"}
	rec.SEO = news.SEO{Title: "المحادثات تُستأنف: ما الذي تغيّر؟", Description: "وصف لمحركات البحث <script>alert(1)</script>",
		SocialTitle: "عاد الوفدان إلى الطاولة", SocialImageID: share.ID, Canonical: "https://partner.example/talks"}
	if _, err := f.store.SaveArticles(ctx, []news.ArticleRecord{rec}); err != nil {
		t.Fatal(err)
	}
	f.site.Invalidate()
	a, _ := f.store.Article(ctx, old.ID)
	page := f.mustGet(a.Path(), http.StatusOK)
	h := parseHead(t, page.body)
	if !strings.Contains(page.body, "<title>المحادثات تُستأنف: ما الذي تغيّر؟ - ") {
		t.Errorf("the SEO title is not the page's <title>:\n%s", excerpt(page.body))
	}
	if got := h.meta(t, "article", "description"); got != rec.SEO.Description {
		t.Errorf("meta description %q", got)
	}
	if got := h.meta(t, "article", "og:title"); got != "عاد الوفدان إلى الطاولة" {
		t.Errorf("og:title %q, want the social title", got)
	}
	if got := h.meta(t, "article", "og:description"); got != rec.SEO.Description {
		t.Errorf("og:description %q, want the SEO description it falls back to", got)
	}
	if got := h.meta(t, "article", "og:image"); !strings.HasSuffix(got, share.URL(share.Variants[0])) {
		t.Errorf("og:image %q, want the share image %s", got, share.URL(share.Variants[0]))
	}
	if h.canonical != "https://partner.example/talks" {
		t.Errorf("canonical %q, want the override", h.canonical)
	}
	// The headline on the page stays the article's own.
	contains(t, "article", page.body, "<h1 class=\"headline\">"+titleTalks+"</h1>",
		`<span class="caption">الميناء صباح اليوم</span>`,
		`<span class="credit"><bdi>تصوير: ليلى &lt;b&gt;حداد&lt;/b&gt;</bdi></span>`)
	notContains(t, "article", page.body, "<script>alert(1)", "<b>حداد</b>")
	ld := h.jsonLD(t, a.Path())
	imgs, _ := ld["image"].([]any)
	if len(imgs) != 1 {
		t.Fatalf("JSON-LD image %v", ld["image"])
	}
	obj, _ := imgs[0].(map[string]any)
	if str(obj["@type"]) != "ImageObject" || str(obj["creditText"]) != rec.Image.Credit || str(obj["caption"]) != rec.Image.Caption {
		t.Errorf("JSON-LD image %v, want an ImageObject with the credit and caption", obj)
	}

	// Trashed: the article's address and an old one answer 410 Gone.
	rec.Status = news.StatusUnpublished
	rec.ID = old.ID
	rec.OldPaths = []string{"/2024/05/talks-resume/"}
	if _, err := f.store.SaveArticles(ctx, []news.ArticleRecord{rec}); err != nil {
		t.Fatal(err)
	}
	f.site.Invalidate()
	f.mustGet(a.Path(), http.StatusNotFound)
	if err := f.store.TrashArticle(ctx, old.ID, time.Now(), news.Event{Action: news.ActionTrash}); err != nil {
		t.Fatal(err)
	}
	f.site.Invalidate()
	for _, p := range []string{a.Path(), "/2024/05/talks-resume/"} {
		r := f.mustGet(p, http.StatusGone)
		contains(t, "gone "+p, r.body, "حُذف هذا المقال")
	}
	f.mustGet("/world/2024/01/01/never-was", http.StatusNotFound)

	// An author with a profile and a new address; the old address and a
	// merged author's lead to the page.
	au, err := f.store.AuthorBySlug(ctx, auYasser.Slug)
	if err != nil {
		t.Fatal(err)
	}
	au.Slug = "yasser-rashad-cairo"
	au.Profile = news.AuthorProfile{Bio: "مراسل الشؤون العربية في القاهرة <img src=x onerror=alert(1)>", PhotoID: m.ID,
		Links: []string{"https://x.com/yasser"}}
	if _, err := f.store.SaveAuthor(ctx, au); err != nil {
		t.Fatal(err)
	}
	mona, _ := f.store.AuthorBySlug(ctx, auMona.Slug)
	if err := f.store.MergeAuthors(ctx, au.ID, mona.ID); err != nil {
		t.Fatal(err)
	}
	f.site.Invalidate()
	for _, p := range []string{"/author/" + auYasser.Slug + "/", "/author/" + auMona.Slug + "/?page=2"} {
		r := f.get(p)
		if r.status != http.StatusMovedPermanently || !strings.HasPrefix(r.header.Get("Location"), "/author/yasser-rashad-cairo/") {
			t.Errorf("GET %s: %d to %q, want 301 to the author's page", p, r.status, r.header.Get("Location"))
		}
	}
	r := f.mustGet("/author/yasser-rashad-cairo/", http.StatusOK)
	contains(t, "author page", r.body, `class="author-card"`, "مراسل الشؤون العربية في القاهرة &lt;img",
		`href="https://x.com/yasser"`, `class="author-photo" src="/media/`)
	notContains(t, "author page", r.body, "<img src=x")
	if got := parseHead(t, r.body).meta(t, "author page", "description"); !strings.HasPrefix(got, "مراسل الشؤون العربية") {
		t.Errorf("the author page's description %q, want the bio", got)
	}
}

func jpegOf(t *testing.T, w, h int) []byte {
	t.Helper()
	var b bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 7)
	}
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestLeadImageCrops: an article's lead image is shown as the library's
// wide crop, which also makes the share card; an old image without crops
// is shown whole.
func TestLeadImageCrops(t *testing.T) { teststores.Each(t, testLeadImageCrops) }

func testLeadImageCrops(t *testing.T, open teststores.OpenFunc) {
	f := newFixture(t, open, web.Options{})
	ctx := context.Background()
	up, err := f.store.SaveUpload(ctx, news.Media{Alt: "السوق القديم", Format: "jpeg", Width: 1600, Height: 1067}, []byte("x"))
	if err != nil {
		t.Fatal(err)
	}
	file := func(w, h int) news.MediaFile {
		return news.MediaFile{MediaVariant: news.MediaVariant{Width: w, Height: h, ContentType: "image/jpeg", Ext: "jpg"}, Data: jpegOf(t, w, h)}
	}
	crops := []news.MediaCropFile{{Ratio: "16x9", MediaFile: file(640, 360)}, {Ratio: "16x9", MediaFile: file(1600, 900)},
		{Ratio: "1x1", MediaFile: file(320, 320)}}
	if err := f.store.FinishMedia(ctx, news.Media{ID: up.ID, State: news.MediaReady, Format: "jpeg", Width: 1600, Height: 1067},
		[]news.MediaFile{file(640, 427), file(1600, 1067)}, crops); err != nil {
		t.Fatal(err)
	}
	m, _ := f.store.Media(ctx, up.ID)
	old := f.byExt["t-apple"]
	rec := news.ArticleRecord{Article: old}
	rec.Image = &news.Image{MediaID: m.ID, URL: m.URL(m.Default()), Srcset: m.Srcset(), Width: 640, Height: 427, Alt: m.Alt}
	if _, err := f.store.SaveArticles(ctx, []news.ArticleRecord{rec}); err != nil {
		t.Fatal(err)
	}
	f.site.Invalidate()
	a, _ := f.store.Article(ctx, old.ID)
	page := f.mustGet(a.Path(), http.StatusOK)
	id := strconv.FormatInt(m.ID, 10)
	contains(t, "article", page.body, `<img src="/media/`+id+`/16x9/640.jpg?v=0" srcset="/media/`+id+`/16x9/640.jpg?v=0 640w, /media/`+id+`/16x9/1600.jpg?v=0 1600w"`,
		`width="640" height="360"`)
	if got := parseHead(t, page.body).meta(t, "article", "og:image"); got != testBase+"/media/"+id+"/16x9/1600.jpg?v=0" {
		t.Errorf("og:image %q, want the wide crop", got)
	}
	// The crop file itself; an old version of its URL goes to the current one.
	r := f.mustGet("/media/"+id+"/16x9/1600.jpg?v=0", http.StatusOK)
	if r.header.Get("Content-Type") != "image/jpeg" || !strings.Contains(r.header.Get("Cache-Control"), "immutable") {
		t.Errorf("crop file headers %v", r.header)
	}
	contains(t, "home page", f.mustGet("/", http.StatusOK).body, `/media/`+id+`/16x9/640.jpg?v=0`)
	if _, err := f.store.SaveCrops(ctx, m.ID, news.Framing{}, crops); err != nil {
		t.Fatal(err)
	}
	r = f.get("/media/" + id + "/16x9/1600.jpg?v=0")
	if r.status != http.StatusFound || r.header.Get("Location") != "/media/"+id+"/16x9/640.jpg?v=1" {
		t.Errorf("an old crop URL: %d to %q", r.status, r.header.Get("Location"))
	}
	// Cut again, the image's crops reach the pages that show it (tagged
	// with it) when its change is reported, and another image's change
	// drops neither page.
	if tags := page.header.Get("Surrogate-Key"); !strings.Contains(" "+tags+" ", " media-"+id+" ") {
		t.Errorf("the article page's tags %q lack its image", tags)
	}
	f.site.Changed(news.Change{Media: []int64{m.ID + 1000}})
	contains(t, "article, another image changed", f.mustGet(a.Path(), http.StatusOK).body, `/media/`+id+`/16x9/640.jpg?v=0`)
	contains(t, "home page, another image changed", f.mustGet("/", http.StatusOK).body, `/media/`+id+`/16x9/640.jpg?v=0`)
	f.site.Changed(news.Change{Media: []int64{m.ID}})
	contains(t, "article, its image changed", f.mustGet(a.Path(), http.StatusOK).body, `/media/`+id+`/16x9/640.jpg?v=1`)
	contains(t, "home page, its image changed", f.mustGet("/", http.StatusOK).body, `/media/`+id+`/16x9/640.jpg?v=1`)
	f.mustGet("/media/"+id+"/4x5/320.jpg?v=1", http.StatusNotFound)
}

// TestOneSearchLandmark: every page has one search landmark, the search
// page's own form on the search page.
func TestOneSearchLandmark(t *testing.T) {
	f := newFixture(t, teststores.SQLite, web.Options{})
	for _, p := range []string{"/", "/world/", f.byExt["t-rockets"].Path(), "/search/?q=" + url.QueryEscape("صواريخ"), "/search/"} {
		if n := strings.Count(f.mustGet(p, http.StatusOK).body, `role="search"`); n != 1 {
			t.Errorf("%s: %d search landmarks, want 1", p, n)
		}
	}
}

// TestArticleUpdatedAndSide: an article edited in the newsroom after its
// publication says when ("آخر تحديث"); one never edited does not (an
// import's save is not an update). The side column lists the latest
// articles but the one read.
func TestArticleUpdatedAndSide(t *testing.T) { teststores.Each(t, testArticleUpdatedAndSide) }

func testArticleUpdatedAndSide(t *testing.T, open teststores.OpenFunc) {
	f := newFixture(t, open, web.Options{})
	ctx := context.Background()
	plain := f.byExt["t-gold"]
	body := f.mustGet(plain.Path(), http.StatusOK).body
	if strings.Contains(body, "آخر تحديث") {
		t.Error("an article never edited says it was updated")
	}
	contains(t, "side column", body, `<aside class="article-side"`, `<h2 id="side-latest-title">آخر الأخبار</h2>`)
	side := body[strings.Index(body, `<aside class="article-side"`):]
	if strings.Contains(side, plain.Path()) {
		t.Error("the side column lists the article itself")
	}
	rec := news.ArticleRecord{Article: plain, Revision: &news.RevisionMeta{UserName: "هدى", Note: "تحديث الأرقام"}}
	rec.Body += "<p>وارتفع السعر مساء إلى مستوى جديد.</p>"
	if _, err := f.store.SaveArticles(ctx, []news.ArticleRecord{rec}); err != nil {
		t.Fatal(err)
	}
	f.site.Invalidate()
	contains(t, "edited article", f.mustGet(plain.Path(), http.StatusOK).body, `<span class="updated">آخر تحديث: <time datetime="`)
}

// TestMonthNames: the Gregorian month names follow the site's setting on
// article pages and in the archive.
func TestMonthNames(t *testing.T) {
	f := newFixture(t, teststores.SQLite, web.Options{})
	ctx := context.Background()
	a := f.byExt["t-rockets"] // 15 March 2024
	contains(t, "default", f.mustGet(a.Path(), http.StatusOK).body, "15 مارس 2024")
	for _, c := range []struct{ v, want string }{{"levantine", "15 آذار 2024"}, {"both", "15 مارس/ آذار 2024"}} {
		if err := f.store.SaveSettings(ctx, map[string]string{"months": c.v}); err != nil {
			t.Fatal(err)
		}
		f.site.Invalidate()
		contains(t, c.v, f.mustGet(a.Path(), http.StatusOK).body, c.want)
	}
	contains(t, "archive", f.mustGet("/archive/2024/", http.StatusOK).body, "مارس/ آذار")
}

// TestMenu: the menu setting chooses the sections of the header and of
// the home page's blocks, in its order.
func TestMenu(t *testing.T) {
	f := newFixture(t, teststores.SQLite, web.Options{})
	ctx := context.Background()
	if err := f.store.SaveSettings(ctx, map[string]string{"menu": "sport world"}); err != nil {
		t.Fatal(err)
	}
	f.site.Invalidate()
	body := f.mustGet("/", http.StatusOK).body
	nav := body[strings.Index(body, `<nav class="sections"`):]
	nav = nav[:strings.Index(nav, "</nav>")]
	if i, j := strings.Index(nav, `href="/sport/"`), strings.Index(nav, `href="/world/"`); i < 0 || j < 0 || i > j || strings.Contains(nav, `href="/tech/"`) {
		t.Errorf("the header menu is not sport then world alone: %s", nav)
	}
	groups := body[strings.Index(body, `<section class="section-group">`):]
	if i, j := strings.Index(groups, `href="/sport/"`), strings.Index(groups, `href="/world/"`); i < 0 || j < 0 || i > j || strings.Contains(groups, `href="/tech/"`) {
		t.Error("the home page's section blocks do not follow the menu")
	}
	f.mustGet("/tech/", http.StatusOK) // a section left out of the menu still has its page
}
