package publish_test

import (
	"context"
	"path/filepath"
	"sahafa/markup"
	"strings"
	"testing"
	"time"

	"sahafa/importer/jsonl"
	"sahafa/news"
	"sahafa/publish"
	"sahafa/store/sqlite"
)

func newService(t *testing.T, onChange func()) (*publish.Service, news.Store) {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "sahafa.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	now := time.Date(2024, 10, 7, 9, 30, 0, 0, time.UTC)
	return publish.New(st, publish.Options{KnownSections: jsonl.Sections, OnChange: onChange, Now: func() time.Time { return now }}), st
}

func TestSectionsMatchBySpelling(t *testing.T) {
	svc, st := newService(t, nil)
	ctx := context.Background()
	drafts := []news.Draft{
		{Title: "خبر أول", Body: "<p>نص</p>", SectionName: "اخبار العالم"},
		{Title: "خبر ثان", Body: "<p>نص</p>", SectionName: "أخبار العالَم"},
		{Title: "خبر ثالث", Body: "<p>نص</p>", SectionName: "منوعات"},
		{Title: "خبر رابع", Body: "<p>نص</p>", SectionName: "مُنوّعات"},
	}
	res, err := svc.Save(ctx, drafts)
	if err != nil || res.Created != 4 {
		t.Fatalf("save: %+v %v", res, err)
	}
	secs, err := st.Sections(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, s := range secs {
		got[s.Slug+"="+s.Name] = s.Articles
	}
	if got["world=أخبار العالم"] != 2 || got["منوعات=منوعات"] != 2 || len(got) != 2 {
		t.Errorf("sections: %v", got)
	}
}

func TestInvalidDraftsAreSkippedWithReasons(t *testing.T) {
	changes := 0
	svc, _ := newService(t, func() { changes++ })
	res, err := svc.Save(context.Background(), []news.Draft{
		{ExternalID: "a", Title: "  ", Body: "<p>نص</p>", SectionName: "رياضة"},
		{ExternalID: "b", Title: "عنوان", Body: "<p>نص</p>"},
		{ExternalID: "c", Title: "عنوان بلا متن", Body: "<script>x()</script>", SectionName: "رياضة"},
		{ExternalID: "d", Title: "عنوان سليم", Body: "<p>نص</p>", SectionName: "رياضة"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != 1 || len(res.Skipped) != 3 || changes != 1 {
		t.Fatalf("result %+v, %d change notices", res, changes)
	}
	for i, want := range []string{"title is empty", "section is empty", "has no body"} {
		if s := res.Skipped[i]; s.Index != i || !strings.Contains(s.Reason, want) {
			t.Errorf("skip %d: %+v, want reason %q", i, s, want)
		}
	}
	// An imported post that had no text where it came from is kept empty,
	// with the note flagging it in its history.
	res, err = svc.Save(context.Background(), []news.Draft{{ExternalID: "e", Title: "منشور بلا نص", SectionName: "رياضة", AllowEmpty: true,
		Event: &news.Event{Action: news.ActionCreate, From: news.StatusPublished, To: news.StatusPublished, Note: "كان المنشور بلا نص."}}})
	if err != nil || res.Created != 1 || len(res.Skipped) != 0 {
		t.Fatalf("an empty post allowed: %+v, %v", res, err)
	}
}

func TestBodyIsSanitized(t *testing.T) {
	svc, st := newService(t, nil)
	ctx := context.Background()
	body := `<p dir="ltr" onclick="steal()">قال <b>الوزير</b> <a href="javascript:alert(1)">هنا</a></p>` +
		`<script>alert("x")</script><img src=x onerror=alert(1)><iframe src="https://evil.example"></iframe>` +
		`<a href="https://example.com/تقرير">رابط</a><blockquote>اقتباس</blockquote>`
	res, err := svc.Save(ctx, []news.Draft{{Title: "اختبار <b>العنوان</b>", Body: body, SectionName: "رياضة"}})
	if err != nil || len(res.IDs) != 1 {
		t.Fatalf("save: %+v %v", res, err)
	}
	a, err := st.Article(ctx, res.IDs[0])
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"onclick", "javascript:", "<script", "onerror", "<iframe", "steal"} {
		if strings.Contains(a.Body, bad) {
			t.Errorf("body keeps %q: %s", bad, a.Body)
		}
	}
	for _, good := range []string{`dir="ltr"`, "<b>الوزير</b>", `href="https://example.com/%D8%AA%D9%82%D8%B1%D9%8A%D8%B1"`, "<blockquote>اقتباس</blockquote>", `rel="nofollow`} {
		if !strings.Contains(a.Body, good) {
			t.Errorf("body lost %q: %s", good, a.Body)
		}
	}
}

func TestSlugsAndAuthors(t *testing.T) {
	svc, st := newService(t, nil)
	ctx := context.Background()
	res, err := svc.Save(ctx, []news.Draft{
		{Title: "«الأهلي» يفوز على الزمالك ٢-١", Body: "<p>نص</p>", SectionName: "رياضة", Authors: []string{"سامي  عادل", "سامي عادل", " ", "منى فؤاد"}},
		{Title: "!!!", Body: "<p>نص</p>", SectionName: "رياضة"},
	})
	if err != nil || len(res.IDs) != 2 {
		t.Fatalf("save: %+v %v", res, err)
	}
	a, _ := st.Article(ctx, res.IDs[0])
	if a.Slug != "الأهلي-يفوز-على-الزمالك-2-1" {
		t.Errorf("slug %q", a.Slug)
	}
	if len(a.Authors) != 2 || a.Authors[0].Name != "سامي عادل" || a.Authors[1].Name != "منى فؤاد" {
		t.Errorf("authors %+v", a.Authors)
	}
	b, _ := st.Article(ctx, res.IDs[1])
	if b.Slug != "article" {
		t.Errorf("slug of a title without letters: %q", b.Slug)
	}
	if !a.PublishedAt.Equal(time.Date(2024, 10, 7, 9, 30, 0, 0, time.UTC)) {
		t.Errorf("published_at defaults to now: %v", a.PublishedAt)
	}
}

// A section slug becomes a URL path segment: whatever a draft gives, the
// stored slug is arabic.Slug's form and never one of the site's own paths.
func TestSectionSlugsAreSafePathSegments(t *testing.T) {
	svc, st := newService(t, nil)
	ctx := context.Background()
	res, err := svc.Save(ctx, []news.Draft{
		{ExternalID: "a", Title: "خبر أول", Body: "<p>نص</p>", SectionName: "Foo Bar/baz", SectionSlug: "Foo Bar/baz"},
		{ExternalID: "b", Title: "خبر ثان", Body: "<p>نص</p>", SectionName: "search", SectionSlug: "search"},
		{ExternalID: "c", Title: "خبر ثالث", Body: "<p>نص</p>", SectionName: "Static"},
		{ExternalID: "d", Title: "خبر رابع", Body: "<p>نص</p>", SectionName: "..", SectionSlug: ".."},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Created != 3 || len(res.Skipped) != 1 || res.Skipped[0].Ref != "d" {
		t.Errorf("save: %+v", res)
	}
	secs, err := st.Sections(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, s := range secs {
		got[s.Slug] = true
	}
	for _, want := range []string{"foo-bar-baz", "search-section", "static-section"} {
		if !got[want] {
			t.Errorf("no section %q in %v", want, got)
		}
	}
}

// Bidi embeddings, overrides and isolates never stay in one-line fields:
// an unclosed U+202E in a title would reverse the site name after it in
// <title>. The scopeless marks (RLM) stay.
func TestBidiControlsDroppedFromOneLineFields(t *testing.T) {
	svc, st := newService(t, nil)
	ctx := context.Background()
	res, err := svc.Save(ctx, []news.Draft{{
		ExternalID: "a", Title: "عنوان \u202eمقلوب\u2066 x\u200f", Abstract: "ملخص\u202b", Body: "<p>نص</p>",
		SectionName: "\u202eرياضة", Authors: []string{"علي\u202e"}, Dateline: "\u2067القاهرة",
	}})
	if err != nil || len(res.IDs) != 1 {
		t.Fatalf("save: %+v %v", res, err)
	}
	a, err := st.Article(ctx, res.IDs[0])
	if err != nil {
		t.Fatal(err)
	}
	fields := []string{a.Title, a.Abstract, a.Section.Name, a.Dateline}
	for _, au := range a.Authors {
		fields = append(fields, au.Name)
	}
	for _, f := range fields {
		if strings.ContainsAny(f, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069") {
			t.Errorf("bidi control kept in %q", f)
		}
	}
	if a.Title != "عنوان مقلوب x\u200f" {
		t.Errorf("title %q", a.Title)
	}
}

// TestEditorBodySurvivesSanitizer: every block the rich-text editor makes
// (markup.CleanHTML's output) passes the body allow-list intact, so what
// the writer saw is what readers get.
func TestEditorBodySurvivesSanitizer(t *testing.T) {
	src := `<h2 dir="auto">عنوان</h2><p dir="auto">نص <strong>عريض</strong> <em>مائل</em> <s>محذوف</s> <a href="/world/x">داخلي</a></p>` +
		`<blockquote class="pullquote" dir="auto"><p>اقتباس بارز</p></blockquote><blockquote dir="auto"><p dir="auto">اقتباس</p></blockquote>` +
		`<ul dir="auto"><li dir="auto"><p dir="auto">بند</p></li></ul><ol dir="auto"><li dir="auto"><p dir="auto">أول</p></li></ol>` +
		`<table dir="auto"><tbody><tr><th dir="auto">أ</th><td colspan="2" dir="auto">ب</td></tr></tbody></table><hr>` +
		`<figure class="image"><img src="https://cdn.example.org/a.jpg" alt="صورة" loading="lazy" decoding="async"><figcaption dir="auto">تعليق <span class="credit">تصوير: رنا</span></figcaption></figure>` +
		`<figure class="gallery"><img src="https://cdn.example.org/b.jpg" alt="ب" loading="lazy" decoding="async"><img src="https://cdn.example.org/c.jpg" alt="ج" loading="lazy" decoding="async"></figure>` +
		`<aside class="factbox" dir="auto"><p dir="auto">حقيقة</p></aside>`
	clean, problems := markup.CleanHTML(src, markup.HTMLOptions{})
	if len(problems) > 0 {
		t.Fatal(problems)
	}
	if got := publish.BodyPolicy().Sanitize(clean); got != clean {
		t.Errorf("the sanitizer changed the editor's body:\nclean:     %s\nsanitized: %s", clean, got)
	}
	card := `<aside class="related-card" data-article="12" dir="auto"><a href="/world/2026/01/02/x">عنوان</a></aside>`
	if got := publish.BodyPolicy().Sanitize(card); got != card {
		t.Errorf("related card: %s", got)
	}
}
