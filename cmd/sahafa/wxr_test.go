package main

import (
	"bytes"
	"context"
	"encoding/xml"
	"html"
	"html/template"
	"image"
	"image/jpeg"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"sahafa/comments"
	"sahafa/news"
	"sahafa/web"
)

const wxrFixture = "../../importer/wxr/testdata/arabic-news.xml"

// TestImportWordPress imports our Arabic WordPress export: published,
// draft, review, scheduled and private posts land in the right status,
// old links answer 301, comments are kept; importing it again updates;
// a broken export stores nothing and leaves the site as it was.
func TestImportWordPress(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	out, err := runCLI(t, "import", "--data", data, wxrFixture)
	if err != nil || !strings.Contains(out, "(wxr): 9 created, 0 updated") {
		t.Fatalf("import: %v\n%s", err, out)
	}
	st := openTestStore(t, data)
	counts, err := st.StatusCounts(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	// Published 101, 102, 104 and the untitled 109; draft 103; pending 105 → review; future
	// 112 → scheduled; private 106 and the password-protected 111 →
	// unpublished (neither was public).
	want := map[news.Status]int{news.StatusPublished: 4, news.StatusDraft: 1, news.StatusReview: 1,
		news.StatusScheduled: 1, news.StatusUnpublished: 2}
	for s, n := range want {
		if counts[s] != n {
			t.Errorf("%s: %d articles, want %d (all: %v)", s, counts[s], n, counts)
		}
	}
	// The untitled post is named by its first words and flagged.
	untitled, err := st.ArticleByExternalID(ctx, "wp:almadina.example.com:109")
	if err != nil {
		t.Fatalf("the untitled post 109: %v", err)
	}
	events, err := st.Events(ctx, untitled.ID)
	if err != nil || untitled.Title != "خبر نُشر بلا عنوان." || len(events) == 0 || !strings.Contains(events[0].Note, "راجِع العنوان") {
		t.Errorf("post 109: title %q, history %+v (%v); want its first words and a note for the editor", untitled.Title, events, err)
	}
	port, err := st.ArticleByOldPath(ctx, "/?p=101")
	if err != nil {
		t.Fatalf("the ?p=101 link: %v", err)
	}
	if !strings.HasPrefix(port.Title, "افتتاح توسعة ميناء المدينة") || port.Slug != "افتتاح-توسعة-ميناء-المدينة" ||
		!strings.Contains(port.Body, "<figure>") || port.Image == nil {
		t.Errorf("post 101: %q slug %q image %v", port.Title, port.Slug, port.Image)
	}
	comments, err := st.Comments(ctx, port.ID)
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	list, _ := st.EditorialArticles(ctx, news.EditorialFilter{Limit: 100})
	for _, a := range list.Articles {
		c, _ := st.Comments(ctx, a.ID)
		total += len(c)
	}
	if total != 7 || len(comments) != 6 || comments[3].Status != news.CommentSpam {
		t.Errorf("comments: %d in all, %d on post 101 (want every one: 7, 6 of them on 101, spam kept as spam)", total, len(comments))
	}

	// Old links of the site answer 301 to the new URLs.
	site, err := web.New(st, web.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	for _, old := range []string{"/?p=101", "/2019/05/22/%d8%a7%d9%81%d8%aa%d8%aa%d8%a7%d8%ad-%d8%aa%d9%88%d8%b3%d8%b9%d8%a9-%d9%85%d9%8a%d9%86%d8%a7%d8%a1-%d8%a7%d9%84%d9%85%d8%af%d9%8a%d9%86%d8%a9/"} {
		w := httptest.NewRecorder()
		site.ServeHTTP(w, httptest.NewRequest("GET", old, nil))
		if w.Code != http.StatusMovedPermanently || w.Header().Get("Location") != port.Path() {
			t.Errorf("%s: %d to %q, want 301 to %s", old, w.Code, w.Header().Get("Location"), port.Path())
		}
	}

	// Again: the same articles, updated.
	if out, err := runCLI(t, "import", "--data", data, wxrFixture); err != nil || !strings.Contains(out, "0 created, 9 updated") {
		t.Errorf("second import: %v\n%s", err, out)
	}
	// A broken export: its line and element, and nothing stored.
	before, _ := st.EditorialArticles(ctx, news.EditorialFilter{Limit: 1})
	raw, err := os.ReadFile(wxrFixture)
	if err != nil {
		t.Fatal(err)
	}
	broken := strings.Replace(string(raw), "<wp:post_id>104</wp:post_id>", "<wp:post_id>104</wp:post>", 1)
	broken = strings.Replace(broken, "<wp:post_id>101</wp:post_id>", "<wp:post_id>9101</wp:post_id>", 1)
	path := filepath.Join(t.TempDir(), "broken.xml")
	os.WriteFile(path, []byte(broken), 0o644)
	out, err = runCLI(t, "import", "--data", data, path)
	if err == nil || !strings.Contains(out, "nothing was imported: line ") || !strings.Contains(out, "wp:post_id") {
		t.Errorf("broken export: %v\n%s", err, out)
	}
	after, _ := st.EditorialArticles(ctx, news.EditorialFilter{Limit: 1})
	if after.Total != before.Total {
		t.Errorf("a broken export changed the site: %d articles, then %d", before.Total, after.Total)
	}
	if _, err := st.ArticleByExternalID(ctx, "wp:almadina.example.com:9101"); news.ErrorCode(err) != news.ENOTFOUND {
		t.Errorf("a post before the broken element was stored: %v", err)
	}
}

// TestImportWebPage imports an article page from a file and from a URL
// (served here): the article without the page's chrome, as a draft when
// asked; a page with no article is refused.
func TestImportWebPage(t *testing.T) {
	ctx := context.Background()
	page, err := os.ReadFile("../../importer/htmlpage/testdata/article.html")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/news/article.html":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write(page)
		case "/old":
			http.Redirect(w, r, "/news/article.html", http.StatusMovedPermanently)
		case "/photo.jpg":
			w.Header().Set("Content-Type", "image/jpeg")
			w.Write([]byte{0xff, 0xd8, 0xff})
		default:
			w.Header().Set("Content-Type", "text/html")
			w.Write([]byte("<html><body><nav>الرئيسية</nav><p>قصير</p></body></html>"))
		}
	}))
	defer srv.Close()
	data := t.TempDir()
	out, err := runCLI(t, "import", "--data", data, "--status", "draft", srv.URL+"/old")
	if err != nil || !strings.Contains(out, "(html): 1 created") {
		t.Fatalf("import a URL: %v\n%s", err, out)
	}
	st := openTestStore(t, data)
	list, err := st.EditorialArticles(ctx, news.EditorialFilter{Statuses: []news.Status{news.StatusDraft}})
	if err != nil || list.Total != 1 {
		t.Fatalf("drafts: %d, %v", list.Total, err)
	}
	a := list.Articles[0]
	// The page names its canonical URL; relative images resolve against
	// where the fetch ended, after the redirect.
	if a.Title == "" || strings.Contains(a.Body, "إعلان") || strings.Contains(a.Body, "اقرأ أيضا") ||
		a.SourceURL != "https://alofoq.example/economy/2024/03/05/central-bank-rates" ||
		!strings.Contains(a.Body, `src="`+srv.URL+`/media/2024/03/bank-hall.jpg"`) {
		t.Errorf("imported article: %q from %s\n%s", a.Title, a.SourceURL, a.Body)
	}
	// The same page from a file updates nothing twice: it is the same
	// article (its canonical URL names it).
	if out, err := runCLI(t, "import", "--data", data, "../../importer/htmlpage/testdata/article.html"); err != nil || !strings.Contains(out, "(html): 0 created, 1 updated") {
		t.Errorf("the file after the URL: %v\n%s", err, out)
	}
	for _, bad := range []string{srv.URL + "/empty", srv.URL + "/photo.jpg", srv.URL + "/missing-but-answers"} {
		if out, err := runCLI(t, "import", "--data", data, bad); err == nil {
			t.Errorf("%s was imported:\n%s", bad, out)
		}
	}
}

// TestImportMapSection: --map-section puts a source's category into an
// existing section, matched in any spelling; a section that does not
// exist is refused before anything is stored.
func TestImportMapSection(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	out, err := runCLI(t, "import", "--data", data, "--map-section", "اخبار محلية=اقتصاد", wxrFixture)
	if err == nil || !strings.Contains(err.Error(), `"اقتصاد"`) || !strings.Contains(err.Error(), "does not exist") {
		t.Fatalf("a map onto a missing section: %v\n%s", err, out)
	}
	if list, _ := openTestStore(t, data).EditorialArticles(ctx, news.EditorialFilter{Limit: 1}); list.Total != 0 {
		t.Fatalf("a refused map stored %d articles", list.Total)
	}
	if out, err := runCLI(t, "import", "--data", data, wxrFixture); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	// Again, with the local news (أخبار محلية, here without its hamza and
	// with haa for taa marbuta) put into the economy section.
	if out, err := runCLI(t, "import", "--data", data, "--map-section", "اخبار محليه=اقتصاد", wxrFixture); err != nil {
		t.Fatalf("import with --map-section: %v\n%s", err, out)
	}
	st := openTestStore(t, data)
	port, err := st.ArticleByExternalID(ctx, "wp:almadina.example.com:101")
	if err != nil || port.Section.Name != "اقتصاد" {
		t.Errorf("post 101 (أخبار محلية in the export): section %q, %v; want اقتصاد", port.Section.Name, err)
	}
	if _, err := runCLI(t, "import", "--data", data, "--map-section", "بلا-علامة", wxrFixture); err == nil {
		t.Error("--map-section without = was accepted")
	}
}

// TestWordPressLinksAnswer walks WordPress's own theme unit test export:
// every published post and page is stored (55 posts, 21 pages), and the
// <link> of each, its /?p= address and a page's /?page_id= answer 301 to a
// page that answers 200 (or 200 at once: a page that keeps its address);
// so do the category, tag and author pages of those posts.
func TestWordPressLinksAnswer(t *testing.T) {
	export := "../../../shared/samples/wxr/theme-unit-test-data.xml"
	raw, err := os.ReadFile(export)
	if err != nil {
		t.Skipf("shared samples absent (%v)", err)
	}
	data := t.TempDir()
	if out, err := runCLI(t, "import", "--data", data, export); err != nil || !strings.Contains(out, "21 pages") {
		t.Fatalf("import: %v\n%s", err, out)
	}
	var doc struct {
		Items []struct {
			Link     string `xml:"link"`
			ID       string `xml:"post_id"`
			Type     string `xml:"post_type"`
			Status   string `xml:"status"`
			Password string `xml:"post_password"`
			Parent   string `xml:"post_parent"`
			Creator  string `xml:"creator"`
			Cats     []struct {
				Domain   string `xml:"domain,attr"`
				Nicename string `xml:"nicename,attr"`
			} `xml:"category"`
			Comments []struct {
				Author   string `xml:"comment_author"`
				Approved string `xml:"comment_approved"`
				Content  string `xml:"comment_content"`
			} `xml:"comment"`
		} `xml:"channel>item"`
		Terms []struct {
			ID       string `xml:"term_id"`
			Nicename string `xml:"category_nicename"`
		} `xml:"channel>category"`
	}
	if err := xml.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	st := openTestStore(t, data)
	site, err := web.New(st, web.Options{Logger: slog.New(slog.DiscardHandler), Comments: comments.New(comments.Options{Store: st})})
	if err != nil {
		t.Fatal(err)
	}
	get := func(target string) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		site.ServeHTTP(w, httptest.NewRequest("GET", target, nil))
		return w
	}
	walked := map[string]int{}
	exported := 0 // comments of posts and pages in the export
	for _, it := range doc.Items {
		for _, c := range it.Comments {
			if (it.Type == "post" || it.Type == "page") && strings.TrimSpace(c.Content) != "" {
				exported++
			}
		}
	}
	archives := map[string]bool{} // the old site's list pages of the published posts
	for _, it := range doc.Items {
		if (it.Type != "post" && it.Type != "page") || it.Status != "publish" || it.Password != "" {
			continue
		}
		walked[it.Type]++
		if it.Type == "post" {
			archives["/author/"+it.Creator+"/"] = true
			first := true
			for _, c := range it.Cats {
				switch {
				case c.Domain == "category" && first:
					archives["/category/"+c.Nicename+"/"], first = true, false
				case c.Domain == "post_tag":
					archives["/tag/"+c.Nicename+"/"] = true
				}
			}
		}
		u, err := url.Parse(strings.TrimSpace(it.Link))
		if err != nil {
			t.Errorf("%s %s: link %q: %v", it.Type, it.ID, it.Link, err)
			continue
		}
		olds := []string{u.RequestURI(), "/?p=" + it.ID}
		var landed, landedAt string // the page the links lead to
		if it.Type == "page" {
			olds = append(olds, "/?page_id="+it.ID)
		}
		for i, old := range olds {
			w := get(old)
			if i == 0 && w.Code == http.StatusOK && it.Type == "page" {
				continue // the page kept its address
			}
			if w.Code != http.StatusMovedPermanently {
				t.Errorf("%s %s: %s answers %d, want 301", it.Type, it.ID, old, w.Code)
				continue
			}
			// At most one more hop: a link written with "//" is first
			// sent to its single-slash form.
			to := w.Header().Get("Location")
			for hop := 0; hop < 2; hop++ {
				if w = get(to); w.Code != http.StatusMovedPermanently {
					break
				}
				to = w.Header().Get("Location")
			}
			if w.Code != http.StatusOK {
				t.Errorf("%s %s: %s goes to %s, which answers %d", it.Type, it.ID, old, to, w.Code)
				continue
			}
			landed, landedAt = w.Body.String(), to
		}
		// Its approved comments are under it, and every comment is kept.
		for _, c := range it.Comments {
			if strings.TrimSpace(c.Content) == "" {
				continue
			}
			walked["comment"]++
			author := strings.Join(strings.Fields(html.UnescapeString(c.Author)), " ")
			if c.Approved == "1" && !strings.Contains(landed, template.HTMLEscapeString(author)) {
				t.Errorf("%s %s: approved comment of %q not on %s", it.Type, it.ID, c.Author, landedAt)
			}
		}
	}
	stored, err := st.CommentStatusCounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	total := 0
	for _, n := range stored {
		total += n
	}
	pages, err := st.Pages(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, pg := range pages {
		list, err := st.PageComments(context.Background(), pg.ID)
		if err != nil {
			t.Fatal(err)
		}
		total += len(list)
	}
	// Every comment, on posts and on pages.
	if total != exported || walked["comment"] == 0 || stored[news.CommentPending] != 1 {
		t.Errorf("%d comments stored (%v on posts), %d seen on the walk; the export has %d", total, stored, walked["comment"], exported)
	}
	// Their category (section), tag and author pages lead to ours, and so
	// do their feeds.
	for old := range archives {
		w := get(old)
		if w.Code == http.StatusOK {
			continue // the same address here
		}
		if w.Code != http.StatusMovedPermanently {
			t.Errorf("archive %s answers %d, want 301", old, w.Code)
			continue
		}
		to := w.Header().Get("Location")
		if get(to).Code != http.StatusOK {
			t.Errorf("archive %s goes to %s, which answers %d", old, to, get(to).Code)
		}
		if strings.Count(to, "/") == 5 {
			continue // sent to a post (a tag past the post's limit): no feed
		}
		walked["archive feed"]++
		if w = get(old + "feed/"); w.Code != http.StatusMovedPermanently || get(w.Header().Get("Location")).Code != http.StatusOK {
			t.Errorf("the feed of archive %s answers %d to %q", old, w.Code, w.Header().Get("Location"))
		}
	}
	// WordPress's plain links to those categories and tags (/?cat=ID,
	// /?tag=slug) too.
	for _, c := range doc.Terms {
		if !archives["/category/"+c.Nicename+"/"] {
			continue
		}
		walked["?cat="]++
		w := get("/?cat=" + c.ID)
		if w.Code != http.StatusMovedPermanently || get(w.Header().Get("Location")).Code != http.StatusOK {
			t.Errorf("/?cat=%s (%s) answers %d to %q", c.ID, c.Nicename, w.Code, w.Header().Get("Location"))
		}
	}
	for old := range archives {
		slug, ok := strings.CutPrefix(old, "/tag/")
		if !ok {
			continue
		}
		walked["?tag="]++
		w := get("/?tag=" + strings.TrimSuffix(slug, "/"))
		if w.Code != http.StatusMovedPermanently || get(w.Header().Get("Location")).Code != http.StatusOK {
			t.Errorf("/?tag=%s answers %d to %q", slug, w.Code, w.Header().Get("Location"))
		}
	}
	// Attachment pages lead to the post they belong to.
	published := map[string]bool{}
	for _, it := range doc.Items {
		if it.Type == "post" && it.Status == "publish" && it.Password == "" {
			published[it.ID] = true
		}
	}
	for _, it := range doc.Items {
		if it.Type != "attachment" || !published[it.Parent] {
			continue
		}
		walked["attachment"]++
		u, err := url.Parse(strings.TrimSpace(it.Link))
		if err != nil {
			t.Fatal(err)
		}
		for _, old := range []string{u.RequestURI(), "/?attachment_id=" + it.ID} {
			w := get(old)
			for hop := 0; hop < 2 && w.Code == http.StatusMovedPermanently; hop++ {
				w = get(w.Header().Get("Location"))
			}
			if w.Code != http.StatusOK {
				t.Errorf("attachment %s: %s ends at %d", it.ID, old, w.Code)
			}
		}
	}
	walked["archive"] = len(archives)
	t.Logf("walked %v", walked)
	if walked["post"] != 55 || walked["page"] != 21 {
		t.Errorf("walked %d published posts and %d pages, want 55 and 21", walked["post"], walked["page"])
	}
}

// TestImportFetchMedia: "import --fetch-media" brings the export's
// pictures home from the old site (a local server standing in for it):
// the featured image and the body's picture become one library image
// with variants, the post shows it from here, and the summary says what
// was fetched.
func TestImportFetchMedia(t *testing.T) {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, image.NewRGBA(image.Rect(0, 0, 1200, 800)), nil); err != nil {
		t.Fatal(err)
	}
	photo := b.Bytes()
	var hits atomic.Int32
	old := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/wp-content/uploads/2019/05/port.jpg" {
			hits.Add(1)
			w.Write(photo)
			return
		}
		http.NotFound(w, r)
	}))
	defer old.Close()
	raw, err := os.ReadFile(wxrFixture)
	if err != nil {
		t.Fatal(err)
	}
	export := filepath.Join(t.TempDir(), "export.xml")
	if err := os.WriteFile(export, bytes.ReplaceAll(raw, []byte("https://almadina.example.com/wp-content/"), []byte(old.URL+"/wp-content/")), 0o600); err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	out, err := runCLI(t, "import", "--data", data, "--fetch-media", "--allow-private-addresses", "--timeout", "5s", export)
	if err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	t.Logf("%s", out)
	if !strings.Contains(out, "1 fetched") || !strings.Contains(out, "0 failed") || hits.Load() != 1 {
		t.Errorf("the picture was fetched %d times; the summary:\n%s", hits.Load(), out)
	}
	st := openTestStore(t, data)
	port, err := st.ArticleByOldPath(context.Background(), "/?p=101")
	if err != nil {
		t.Fatal(err)
	}
	if port.Image == nil || port.Image.MediaID == 0 || strings.Contains(port.Body, old.URL) || !strings.Contains(port.Body, `src="/media/`) {
		t.Errorf("post 101 after the fetch: image %+v\n%s", port.Image, port.Body)
	}
	// Again: nothing left to fetch.
	if out, err = runCLI(t, "media", "fetch", "--data", data, "--allow-private-addresses"); err != nil || hits.Load() != 1 || !strings.Contains(out, "0 fetched") {
		t.Errorf("second run: %v, %d fetches\n%s", err, hits.Load(), out)
	}
}
