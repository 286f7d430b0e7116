package sitedump_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"regexp"
	"strings"
	"testing"
	"time"

	"sahafa/accounts"
	"sahafa/editorial"
	"sahafa/news"
	"sahafa/publish"
	"sahafa/sitedump"
	"sahafa/store/teststores"
)

// site builds a site with everything an export must carry: users, media,
// articles in every status with tags, revisions, history, corrections,
// old paths, related lists and comments, and settings.
func site(t *testing.T, st news.Store) {
	t.Helper()
	ctx := context.Background()
	acc := accounts.New(st, accounts.Options{Params: accounts.TestParams})
	pub := publish.New(st, publish.Options{})
	ed := editorial.New(st, pub, nil, editorial.Options{})
	about, err := st.SavePage(ctx, news.Page{Slug: "من-نحن", Title: "من نحن", Body: "<p>صحيفة يومية مستقلة.</p>", Footer: true, Position: 1})
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SavePageComments(ctx, about.ID, []news.Comment{{ExternalID: "167", Author: "قارئة", Text: "شكرًا على الصفحة",
		At: time.Date(2019, 6, 1, 8, 0, 0, 0, time.UTC), Status: news.CommentApproved}}); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveRedirects(ctx, []news.PathRedirect{{From: "/?page_id=2", To: "/%D9%85%D9%86-%D9%86%D8%AD%D9%86/"}}); err != nil {
		t.Fatal(err)
	}
	writer, err := acc.CreateUser(ctx, accounts.UserInput{Email: "amal@example.com", Name: "أمل يوسف", Role: "writer", Password: "قلم-رصاص-أزرق-2026"})
	if err != nil {
		t.Fatal(err)
	}
	editor, err := acc.CreateUser(ctx, accounts.UserInput{Email: "fadi@example.com", Name: "فادي نصر", Role: "editor", Password: "دفتر-أخضر-كبير-2026"})
	if err != nil {
		t.Fatal(err)
	}
	if err := acc.SetDisabled(ctx, editor.ID, false); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SaveSection(ctx, news.Section{Slug: "local", Name: "محليات"}); err != nil {
		t.Fatal(err)
	}
	img := image.NewRGBA(image.Rect(0, 0, 700, 400))
	for i := range img.Pix {
		img.Pix[i] = uint8(i * 7)
	}
	img.Set(3, 3, color.RGBA{255, 0, 0, 255})
	var buf bytes.Buffer
	jpeg.Encode(&buf, img, nil)
	m, err := ed.Upload(ctx, writer, &buf, "جسر المدينة القديم", "الجسر بعد الترميم", "تصوير: أمل")
	if err != nil {
		t.Fatal(err)
	}
	body := "افتُتح الجسر بعد ترميم دام عامين.\n\n![جسر المدينة القديم](/media/" + itoa(m.ID) + " \"الجسر بعد الترميم\")\n\nوقال المهندس إن الجسر **آمن** الآن."
	a, err := ed.Save(ctx, writer, editorial.ArticleInput{Title: "افتتاح الجسر القديم بعد الترميم", Abstract: "عامان من العمل.",
		Body: body, Section: "local", Tags: "بنية تحتية، المدينة", Authors: "أمل يوسف", Dateline: "حلب", ImageID: itoa(m.ID)})
	if err != nil {
		t.Fatal(err)
	}
	in := ed.InputFrom(a)
	in.Title += " رسميا"
	in.Note = "عنوان أوضح"
	if a, err = ed.Save(ctx, writer, in); err != nil {
		t.Fatal(err)
	}
	if a, err = ed.Transition(ctx, editor, a.ID, a.Version, editorial.ActPublish, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := ed.Correct(ctx, editor, a.ID, "صُحّحت مدة الترميم: عامان لا ثلاثة."); err != nil {
		t.Fatal(err)
	}
	// A slug change leaves a redirect; a draft and a scheduled article.
	in = ed.InputFrom(a)
	in.Slug = "الجسر-القديم"
	if a, err = ed.Save(ctx, editor, in); err != nil {
		t.Fatal(err)
	}
	d, err := ed.Save(ctx, writer, editorial.ArticleInput{Title: "مسودة عن سوق الخضار", Body: "نص المسودة.", Section: "local"})
	if err != nil {
		t.Fatal(err)
	}
	sc, err := ed.Save(ctx, writer, editorial.ArticleInput{Title: "مهرجان الربيع", Body: "يبدأ المهرجان الأسبوع المقبل.",
		Section: "local", PublishAt: time.Now().Add(72 * time.Hour).UTC().Format(editorial.FormTime)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ed.Transition(ctx, editor, sc.ID, sc.Version, editorial.ActPublish, ""); err != nil {
		t.Fatal(err)
	}
	// An imported article with comments and an old WordPress link.
	res, err := pub.Save(ctx, []news.Draft{{ExternalID: "wp:old.example:77", Title: "حوار مع رئيس البلدية",
		Body: "<p>تحدث رئيس البلدية عن خطط العام.</p>", SectionName: "محليات", SectionSlug: "local",
		Authors: []string{"سامر حداد"}, PublishedAt: time.Date(2019, 5, 22, 8, 0, 0, 0, time.UTC),
		OldPaths: []string{"/?p=77", "/2019/05/22/interview/"},
		Comments: []news.Comment{
			{ExternalID: "5", Author: "قارئ", At: time.Date(2019, 5, 22, 9, 0, 0, 0, time.UTC), Text: "حوار مفيد", Status: news.CommentApproved},
			{ExternalID: "6", ParentID: "5", Author: "قارئة", AuthorEmail: "r@example.com", At: time.Date(2019, 5, 22, 10, 0, 0, 0, time.UTC), Text: "أوافق <b>تماما</b>"},
		}}})
	if err != nil || len(res.IDs) != 1 {
		t.Fatalf("import: %v %+v", err, res)
	}
	if err := st.SetRelated(ctx, a.ID, []int64{res.IDs[0]}); err != nil {
		t.Fatal(err)
	}
	if err := st.SetRelated(ctx, res.IDs[0], nil); err != nil {
		t.Fatal(err)
	}
	if err := st.SaveSettings(ctx, map[string]string{"site_name": "أخبار المدينة", "digits": "arabic"}); err != nil {
		t.Fatal(err)
	}
	_ = d
}

func itoa(n int64) string { return strings.TrimSpace(strings.Repeat(" ", 0) + formatInt(n)) }

func formatInt(n int64) string {
	b := []byte{}
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	if len(b) == 0 {
		return "0"
	}
	return string(b)
}

var exportedAt = regexp.MustCompile(`"exported_at":"[^"]+"`)

func export(t *testing.T, st news.Store) string {
	t.Helper()
	var buf bytes.Buffer
	if _, err := sitedump.Export(context.Background(), st, &buf, nil); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// comparable is an export without its time.
func comparable(s string) string { return exportedAt.ReplaceAllString(s, `"exported_at":"-"`) }

// TestRoundTrip: export a site, restore it into an empty one, export that:
// the two exports are the same, line for line.
func TestRoundTrip(t *testing.T) { teststores.Each(t, testRoundTrip) }

func testRoundTrip(t *testing.T, open teststores.OpenFunc) {
	ctx := context.Background()
	src := open(t)
	site(t, src)
	first := export(t, src)
	for _, want := range []string{`"type":"user"`, `"password_hash":"$argon2id$`, `"type":"media"`, `"revisions":[`,
		`"events":[`, `"corrections":[`, `"old_paths":[`, `"related":[`, `"has_related":true`, `"comments":[`,
		`"status":"draft"`, `"status":"scheduled"`, `"digits":"arabic"`, `"type":"page"`, `"type":"redirect"`, `"type":"end"`} {
		if !strings.Contains(first, want) {
			t.Errorf("the export lacks %s", want)
		}
	}
	dst := open(t)
	c, err := sitedump.Import(ctx, dst, strings.NewReader(first), nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Articles != 4 || c.Users != 2 || c.Media != 1 || c.Pages != 1 || c.Redirects != 1 {
		t.Errorf("restored %+v", c)
	}
	second := export(t, dst)
	if comparable(first) != comparable(second) {
		a, b := strings.Split(comparable(first), "\n"), strings.Split(comparable(second), "\n")
		for i := range min(len(a), len(b)) {
			if a[i] != b[i] {
				t.Fatalf("exports differ at line %d:\nfirst:  %.600s\nsecond: %.600s", i+1, a[i], b[i])
			}
		}
		t.Fatalf("exports differ in length: %d and %d lines", len(a), len(b))
	}
	// The restored site works: public pages' queries, search, media,
	// sign-in with the old password, redirects.
	list, err := dst.Articles(ctx, news.ArticleFilter{})
	if err != nil || list.Total != 2 {
		t.Fatalf("public articles after restore: %d, %v", list.Total, err)
	}
	hits, err := dst.Search(ctx, news.SearchQuery{Terms: []string{"جسر"}})
	if err != nil || hits.Total != 1 {
		t.Errorf("search after restore: %d, %v", hits.Total, err)
	}
	if _, err := dst.ArticleByOldPath(ctx, "/?p=77"); err != nil {
		t.Errorf("old path after restore: %v", err)
	}
	if pg, err := dst.PageBySlug(ctx, "من-نحن"); err != nil || !pg.Footer || pg.Body != "<p>صحيفة يومية مستقلة.</p>" {
		t.Errorf("page after restore: %+v, %v", pg, err)
	} else if pc, err := dst.PageComments(ctx, pg.ID); err != nil || len(pc) != 1 || pc[0].Author != "قارئة" || pc[0].Status != news.CommentApproved {
		t.Errorf("the page's comments after restore: %+v, %v", pc, err)
	}
	if to, err := dst.RedirectTarget(ctx, "/?page_id=2"); err != nil || to != "/%D9%85%D9%86-%D9%86%D8%AD%D9%86/" {
		t.Errorf("a page's old address after restore: %q, %v", to, err)
	}
	acc := accounts.New(dst, accounts.Options{Params: accounts.TestParams})
	if _, _, _, err := acc.SignIn(ctx, "amal@example.com", "قلم-رصاص-أزرق-2026", "a", ""); err != nil {
		t.Errorf("sign-in after restore: %v", err)
	}
	// New rows after a restore do not collide with restored ids.
	if _, err := publish.New(dst, publish.Options{}).Save(ctx, []news.Draft{{Title: "خبر جديد بعد الاستعادة",
		Body: "<p>نص</p>", SectionSlug: "local", SectionName: "محليات"}}); err != nil {
		t.Errorf("a new article after restore: %v", err)
	}
	if _, err := acc.CreateUser(ctx, accounts.UserInput{Email: "new@example.com", Name: "جديد", Role: "writer", Password: "سماء-صافية-فوق-البحر"}); err != nil {
		t.Errorf("a new user after restore: %v", err)
	}
	// A second restore into a site that is no longer empty is refused.
	if _, err := sitedump.Import(ctx, dst, strings.NewReader(first), nil); news.ErrorCode(err) != news.ECONFLICT {
		t.Errorf("restore into a full site: %v", err)
	}
}

// TestBrokenExportRestoresNothing: a truncated, edited or garbled export
// is refused with its line, and the site stays empty.
func TestBrokenExportRestoresNothing(t *testing.T) { teststores.Each(t, testBroken) }

func testBroken(t *testing.T, open teststores.OpenFunc) {
	ctx := context.Background()
	src := open(t)
	site(t, src)
	full := export(t, src)
	lines := strings.Split(strings.TrimSuffix(full, "\n"), "\n")
	cases := map[string]string{
		"truncated":          strings.Join(lines[:len(lines)-2], "\n"),
		"no end record":      strings.Join(lines[:len(lines)-1], "\n"),
		"garbled line":       strings.Join(append(append(append([]string{}, lines[:3]...), `{"type":"user","user":{"id":`), lines[3:]...), "\n"),
		"wrong counts":       strings.Replace(full, `"articles":4,`, `"articles":5,`, 1),
		"not an export":      "{\"id\":\"x\",\"title\":\"y\"}\n",
		"unknown record":     strings.Replace(full, `"type":"tag"`, `"type":"poll"`, 1),
		"duplicate articles": strings.Join(append(append([]string{}, lines[:len(lines)-1]...), lines[len(lines)-2], lines[len(lines)-1]), "\n"),
	}
	for name, input := range cases {
		dst := open(t)
		_, err := sitedump.Import(ctx, dst, strings.NewReader(input), nil)
		if err == nil {
			t.Errorf("%s: restored", name)
			continue
		}
		if e, ok := err.(*sitedump.Error); name != "duplicate articles" && (!ok || e.Line < 1) {
			t.Errorf("%s: error %v has no line", name, err)
		}
		if got := export(t, dst); strings.Count(got, "\n") != 3 { // header, settings, end
			t.Errorf("%s: the site is not empty after a refused restore:\n%.500s", name, got)
		}
	}
}
