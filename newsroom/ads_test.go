package newsroom_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"sahafa/editorial"
	"sahafa/news"
	"sahafa/store/teststores"
)

// TestAds: an administrator adds an image ad and a network's HTML ad; the
// public pages get labelled slots that load them in sandboxed frames of
// the site, never the snippet itself; the frame's policy allows exactly
// the listed hosts and the page's none; a click goes on to the ad's link;
// malformed ads are refused on their fields; editors cannot manage ads;
// newsroom pages carry no ad.
func TestAds(t *testing.T) { teststores.Each(t, testAds) }

func testAds(t *testing.T, open teststores.OpenFunc) {
	e := newEnv(t, open)
	e.articleIn("writer", news.StatusPublished, "البورصة تغلق على ارتفاع") // for the side column
	art := e.articleIn("writer", news.StatusPublished, "أسعار النفط تتراجع مع زيادة المخزونات")
	admin, anon := e.as("admin"), e.anonymous()
	if r := anon.get(art.Path()); strings.Contains(r.body, "ad-slot") {
		t.Error("a page has an ad slot before any ad exists")
	}
	if r := e.as("editor").get("/newsroom/ads/"); r.status != http.StatusForbidden {
		t.Errorf("an editor opens the ads: %d, want 403", r.status)
	}
	m := e.upload("admin")
	bad := url.Values{"name": {""}, "kind": {"image"}, "image_id": {"99999"}, "link": {"javascript:alert(1)"}, "slots": {"nowhere"}, "weight": {"500"}}
	r := admin.post("/newsroom/ads/new", bad)
	errs := strings.Join(r.errors(), " ")
	if r.status != http.StatusUnprocessableEntity {
		t.Fatalf("a malformed ad: %d", r.status)
	}
	for _, want := range []string{"اسمًا", "لا توجد صورة", "https://", "مكانًا", "الوزن"} {
		if !strings.Contains(errs, want) {
			t.Errorf("the refusal does not say %q: %q", want, errs)
		}
	}
	mustSee(t, admin.post("/newsroom/ads/new", url.Values{"name": {"حملة البنك الوطني"}, "kind": {"image"},
		"image_id": {fmt.Sprint(m.ID)}, "link": {"https://bank.example/offer"}, "alt": {"قروض الإسكان من البنك الوطني"},
		"slots": {"side", "article-end"}, "weight": {"3"}}))
	const snippet = `<script src="https://ads.network.example/show.js" data-slot="42"></script>`
	mustSee(t, admin.post("/newsroom/ads/new", url.Values{"name": {"شبكة الإعلانات"}, "kind": {"html"}, "html": {snippet},
		"slots": {"header"}, "weight": {"1"}}))
	mustSee(t, admin.post("/newsroom/ads/hosts", url.Values{"hosts": {"ads.network.example https://cdn.network.example/"}}))

	page := anon.get(art.Path())
	if !strings.Contains(page.body, `<aside class="ad-slot ad-side" aria-label="إعلان"><span class="ad-label">إعلان</span><iframe class="ad-frame" src="/ad-frame/side?s=world" width="300" height="250"`) ||
		!strings.Contains(page.body, `src="/ad-frame/article-end?s=world"`) || !strings.Contains(page.body, `src="/ad-frame/header?s=world"`) {
		i := strings.Index(page.body, "ad-")
		t.Errorf("the article page lacks its labelled, sized slots:\n%s", page.body[max(0, i-200):min(len(page.body), i+1500)])
	}
	if strings.Contains(page.body, "ads.network.example") || strings.Contains(page.body, "show.js") {
		t.Error("the network's snippet or host reached the page itself")
	}
	if csp := page.header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-src 'self'") || strings.Contains(csp, "network.example") {
		t.Errorf("the page's policy: %q", csp)
	}
	side := anon.get("/ad-frame/side?s=world")
	if side.status != http.StatusOK || !strings.Contains(side.body, `rel="sponsored noopener"`) || !strings.Contains(side.body, `alt="قروض الإسكان من البنك الوطني"`) ||
		side.header.Get("Cache-Control") != "no-store" {
		t.Errorf("the side frame: %d %q\n%s", side.status, side.header.Get("Cache-Control"), side.body)
	}
	header := anon.get("/ad-frame/header?s=world")
	csp := header.header.Get("Content-Security-Policy")
	if !strings.Contains(header.body, snippet) || !strings.Contains(csp, "script-src 'unsafe-inline' ads.network.example cdn.network.example;") ||
		!strings.Contains(csp, "frame-ancestors 'self'") {
		t.Errorf("the header frame: policy %q\n%s", csp, header.body)
	}
	var click string
	if i := strings.Index(side.body, `href="/ad-click/`); i >= 0 {
		click = side.body[i+len(`href="`):]
		click = strings.ReplaceAll(click[:strings.IndexByte(click, '"')], "&amp;", "&")
	}
	if r := anon.get(click); r.status != http.StatusFound || r.header.Get("Location") != "https://bank.example/offer" {
		t.Errorf("the click %q: %d to %q", click, r.status, r.header.Get("Location"))
	}
	if r := admin.get("/newsroom/"); strings.Contains(r.body, "ad-frame") || strings.Contains(r.body, "ad-slot") {
		t.Error("a newsroom page carries an ad")
	}
	list := admin.get("/newsroom/ads/")
	if !strings.Contains(list.body, "حملة البنك الوطني") || !strings.Contains(list.body, "شبكة الإعلانات") {
		t.Error("the ads page does not list the ads")
	}
}

func TestAdLayout(t *testing.T) { teststores.Each(t, testAdLayout) }

// testAdLayout: administrators choose the paragraph the in-article slot
// follows, the slots a page fills at most, and the slots off on a
// section's pages; the pages follow at once, and a bad layout is refused
// on its fields with nothing saved.
func testAdLayout(t *testing.T, open teststores.OpenFunc) {
	e := newEnv(t, open)
	e.articleIn("writer", news.StatusPublished, "البورصة تغلق على ارتفاع")
	ctx := context.Background()
	long, err := e.ed.Save(ctx, e.users["writer"], editorial.ArticleInput{Title: "أسعار النفط تتراجع مع زيادة المخزونات",
		Body: "تراجعت أسعار النفط صباح اليوم.\n\nوقال محللون إن المخزونات ارتفعت.\n\nوتوقعوا استمرار التراجع.\n\n" +
			"وأشار تقرير إلى ضعف الطلب.\n\nوانخفض خام برنت دولارًا.", Section: "world", Authors: "كريم الكاتب"})
	if err != nil {
		t.Fatal(err)
	}
	art, err := e.ed.Transition(ctx, e.users["editor"], long.ID, long.Version, editorial.ActPublish, "")
	if err != nil {
		t.Fatal(err)
	}
	admin, anon := e.as("admin"), e.anonymous()
	m := e.upload("admin")
	mustSee(t, admin.post("/newsroom/ads/new", url.Values{"name": {"حملة البنك الوطني"}, "kind": {"image"},
		"image_id": {fmt.Sprint(m.ID)}, "link": {"https://bank.example/offer"}, "alt": {"قروض الإسكان من البنك الوطني"},
		"slots": {"header", "article", "side", "article-end"}, "weight": {"3"}}))
	inArticle := func(body string) int { // the paragraphs before the in-article slot
		i := strings.Index(body, `ad-slot ad-article"`)
		if i < 0 {
			return -1
		}
		start := strings.Index(body, `class="article-body`)
		return strings.Count(body[start:i], "</p>")
	}
	page := anon.get(art.Path()).body
	if n := inArticle(page); n != 3 || !strings.Contains(page, "ad-header") {
		t.Fatalf("by default the in-article slot follows paragraph %d (want 3), header slot %v", n, strings.Contains(page, "ad-header"))
	}
	r := admin.post("/newsroom/ads/layout", url.Values{"paragraph": {"0"}, "per_page": {"9"}, "row": {"", "world"}})
	if errs := strings.Join(r.errors(), " "); r.status != http.StatusUnprocessableEntity || !strings.Contains(errs, "رقم الفقرة") ||
		!strings.Contains(errs, "عدد الإعلانات") {
		t.Errorf("a bad layout: %d %q", r.status, errs)
	}
	if n := inArticle(anon.get(art.Path()).body); n != 3 {
		t.Errorf("a refused layout moved the slot to after paragraph %d", n)
	}
	// World pages: no header slot; two slots a page; after the first paragraph.
	mustSee(t, admin.post("/newsroom/ads/layout", url.Values{"paragraph": {"١"}, "per_page": {"2"}, "row": {"", "world"},
		"on:": {"header", "article", "side", "article-end", "list"}, "on:world": {"article", "side", "article-end", "list"}}))
	page = anon.get(art.Path()).body
	if n := inArticle(page); n != 1 || strings.Contains(page, "ad-header") || !strings.Contains(page, "ad-side") ||
		strings.Contains(page, "ad-article-end") {
		t.Errorf("after the layout: in-article after paragraph %d (want 1); header %v (want none), side %v, end %v (want none past the cap)",
			n, strings.Contains(page, "ad-header"), strings.Contains(page, "ad-side"), strings.Contains(page, "ad-article-end"))
	}
	if home := anon.get("/").body; !strings.Contains(home, "ad-header") {
		t.Error("the home page lost its header slot, turned off for world pages only")
	}
	form := admin.get("/newsroom/ads/").body
	if !strings.Contains(form, `name="paragraph" value="1"`) || strings.Contains(form, `name="on:world" value="header" aria-label="أعلى الصفحة في أخبار العالم" checked`) {
		t.Error("the layout form does not show the saved layout")
	}
}
