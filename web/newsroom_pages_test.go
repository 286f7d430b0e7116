package web_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"sahafa/news"
	"sahafa/store/teststores"
	"sahafa/web"
)

// What the newsroom adds to the public pages: tags, corrections, lead
// images, redirects from old paths, media variants, settings and the
// preview of drafts.
func TestNewsroomFeaturesOnPublicPages(t *testing.T) {
	teststores.Each(t, testNewsroomFeaturesOnPublicPages)
}

func testNewsroomFeaturesOnPublicPages(t *testing.T, open teststores.OpenFunc) {
	f := newFixture(t, open, web.Options{})
	ctx := context.Background()

	// An image in the library with two variants.
	var small, large bytes.Buffer
	for _, v := range []struct {
		buf  *bytes.Buffer
		w, h int
	}{{&small, 320, 200}, {&large, 640, 400}} {
		img := image.NewRGBA(image.Rect(0, 0, v.w, v.h))
		for i := range img.Pix {
			img.Pix[i] = uint8(i)
		}
		img.Set(0, 0, color.RGBA{200, 10, 10, 255})
		jpeg.Encode(v.buf, img, nil)
	}
	m, err := f.store.SaveMedia(ctx, news.Media{Alt: "ساحة المدينة عند الغروب", Caption: "الساحة القديمة", Format: "jpeg",
		Width: 640, Height: 400}, []news.MediaFile{
		{MediaVariant: news.MediaVariant{Width: 320, Height: 200, ContentType: "image/jpeg", Ext: "jpg"}, Data: small.Bytes()},
		{MediaVariant: news.MediaVariant{Width: 640, Height: 400, ContentType: "image/jpeg", Ext: "jpg"}, Data: large.Bytes()},
	})
	if err != nil {
		t.Fatal(err)
	}

	// The rockets story edited in the newsroom: tags, a lead image, a new
	// slug, an old WordPress link, then a correction.
	old := f.byExt["t-rockets"]
	rec := news.ArticleRecord{Article: old}
	rec.Slug = "صواريخ-قرب-قاعدة-عسكرية"
	rec.Tags = []news.Tag{{Slug: "امن", Name: "أمن"}, {Slug: "military", Name: "شؤون عسكرية"}}
	rec.Image = &news.Image{URL: m.URL(m.Variants[1]), Srcset: m.Srcset(), Width: 640, Height: 400,
		Alt: m.Alt, Caption: m.Caption, MediaID: m.ID}
	rec.OldPaths = []string{"/?p=4711", "/2024/03/15/rockets-near-base/"}
	if _, err := f.store.SaveArticles(ctx, []news.ArticleRecord{rec}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.AddCorrection(ctx, news.Correction{ArticleID: old.ID, Text: "صُحّح موقع القاعدة: شمال البلاد لا جنوبها."},
		news.Event{Action: news.ActionCorrection}); err != nil {
		t.Fatal(err)
	}
	f.site.Invalidate()
	a, err := f.store.Article(ctx, old.ID)
	if err != nil {
		t.Fatal(err)
	}
	page := f.mustGet(a.Path(), http.StatusOK)
	contains(t, "article", page.body,
		`<figure class="lead-image"><img src="/media/`, `srcset="/media/`, `alt="ساحة المدينة عند الغروب"`,
		`<figcaption><span class="caption">الساحة القديمة</span></figcaption>`,
		`class="corrections"`, "صُحّح موقع القاعدة: شمال البلاد لا جنوبها.",
		`<a rel="tag" href="/tag/%D8%A7%D9%85%D9%86/">أمن</a>`, abstractRockets)

	// Old paths answer 301 to the article's URL.
	for _, p := range []string{old.Path(), "/?p=4711", "/2024/03/15/rockets-near-base/", "/2024/03/15/rockets-near-base"} {
		r := f.mustGet(p, http.StatusMovedPermanently)
		if r.header.Get("Location") != a.Path() {
			t.Errorf("%s redirects to %q, want %q", p, r.header.Get("Location"), a.Path())
		}
	}
	f.mustGet("/?p=999", http.StatusNotFound)
	f.mustGet("/2019/01/01/nothing-here/", http.StatusNotFound)

	// The tag page.
	tag := f.mustGet("/tag/military/", http.StatusOK)
	contains(t, "tag page", tag.body, "<h1>شؤون عسكرية</h1>", titleRockets)
	notContains(t, "tag page", tag.body, titleTalks)
	f.mustGet("/tag/no-such-tag/", http.StatusNotFound)

	// Media variants, cached for a year; the bare id redirects.
	v := f.mustGet(m.URL(m.Variants[0]), http.StatusOK)
	if v.header.Get("Content-Type") != "image/jpeg" || !strings.Contains(v.header.Get("Cache-Control"), "immutable") ||
		v.body != small.String() {
		t.Errorf("variant: %q, %q, %d bytes", v.header.Get("Content-Type"), v.header.Get("Cache-Control"), len(v.body))
	}
	if r := f.mustGet("/media/"+itoa(m.ID), http.StatusFound); r.header.Get("Location") != m.URL(m.Variants[1]) {
		t.Errorf("/media/id redirects to %q", r.header.Get("Location"))
	}
	for _, p := range []string{"/media/" + itoa(m.ID) + "/320.png", "/media/" + itoa(m.ID) + "/1024.jpg", "/media/abc/320.jpg", "/media/999/320.jpg"} {
		f.mustGet(p, http.StatusNotFound)
	}

	// Settings from the newsroom replace the flags' values at once.
	if err := f.store.SaveSettings(ctx, map[string]string{"site_name": "جريدة الغد", "digits": "arabic", "hijri": "false"}); err != nil {
		t.Fatal(err)
	}
	f.site.Invalidate()
	home := f.mustGet("/", http.StatusOK)
	contains(t, "home after settings", home.body, "<title>جريدة الغد</title>", "٢٠٢٤")
	art := f.mustGet(a.Path(), http.StatusOK)
	notContains(t, "article without Hijri dates", art.body, `class="hijri"`)

	// A draft is not public; its preview is, for the newsroom only.
	draft := rec
	draft.ID, draft.ExternalID, draft.Slug, draft.Title = 0, "t-draft", "draft-story", "مسودة لم تنشر بعد"
	draft.Status, draft.OldPaths = news.StatusDraft, nil
	res, err := f.store.SaveArticles(ctx, []news.ArticleRecord{draft})
	if err != nil {
		t.Fatal(err)
	}
	d, _ := f.store.EditorialArticle(ctx, res.IDs[0])
	f.mustGet(d.Path(), http.StatusNotFound)
	w := httptest.NewRecorder()
	f.site.Preview(w, httptest.NewRequest("GET", "/newsroom/articles/1/preview", nil), d)
	body := w.Body.String()
	if w.Code != http.StatusOK || w.Header().Get("Cache-Control") != "no-store" ||
		!strings.Contains(body, "مسودة لم تنشر بعد") || !strings.Contains(body, `class="preview-banner"`) ||
		!strings.Contains(body, `<meta name="robots" content="noindex">`) {
		t.Errorf("preview: %d, Cache-Control %q", w.Code, w.Header().Get("Cache-Control"))
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
