// Package htmlpage imports a single web page: it finds the article a news
// page holds (headline, byline, date, body without the site's navigation,
// ads, share buttons, related links and comments) with the go-trafilatura
// extraction library, completes it from the page's own metadata (JSON-LD,
// Open Graph, canonical link) and returns it as a draft for the publish
// service. Pages in any charset are read; legacy Arabic pages without a
// declaration are taken as Windows-1256.
package htmlpage

import (
	"bytes"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	unorm "golang.org/x/text/unicode/norm"

	"sahafa/importer/byline"
	"sahafa/news"
)

// Options tells Extract how much to read.
type Options struct {
	MaxBytes int64 // the largest page read; 0 means DefaultMaxBytes
}

// DefaultMaxBytes is the largest page Extract reads by default.
const DefaultMaxBytes = 16 << 20

// MinBodyRunes is the shortest body an article may have: a page with less
// text than that in its main content holds no article (an index, a
// gallery, an error page).
const MinBodyRunes = 200

// libResult is what the extraction library found in a page.
type libResult struct {
	Title       string
	Byline      string
	Description string
	SiteName    string
	Image       string
	Date        time.Time // zero when none was found
	Content     *html.Node
}

// engine runs an extraction library on a parsed page.
type engine func(doc *html.Node, base *url.URL, m *pageMeta, sites []string) (libResult, error)

// result is an extraction with what tests look at besides the draft.
type result struct {
	draft news.Draft
	local time.Time // PublishedAt in the zone the page gave
	lib   libResult
}

// Extract reads one HTML page (any charset) and returns the article it
// holds. pageURL, when it is an absolute http(s) URL, resolves the page's
// relative links and is the draft's SourceURL unless the page declares a
// canonical URL. Errors about the page itself (too large, not HTML, no
// article in it) wrap a news.Error with code EINVALID and a message fit
// for the user; Extract never panics.
func Extract(r io.Reader, pageURL string, opts Options) (news.Draft, error) {
	res, err := run(r, pageURL, opts, trafilaturaEngine)
	return res.draft, err
}

func run(r io.Reader, pageURL string, opts Options, eng engine) (res result, err error) {
	defer func() {
		if p := recover(); p != nil {
			res = result{}
			err = fmt.Errorf("htmlpage: %w", news.Errorf(news.EINVALID, "the page could not be read: the HTML extractor failed on it (%v)", p))
		}
	}()
	limit := opts.MaxBytes
	if limit <= 0 {
		limit = DefaultMaxBytes
	}
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return res, fmt.Errorf("htmlpage: reading the page: %w", err)
	}
	if int64(len(b)) > limit {
		return res, invalid("the page is larger than %s", sizeString(limit))
	}
	text, _ := decode(b)
	if reason := notHTML(text); reason != "" {
		return res, invalid("not an HTML page: %s", reason)
	}
	text = unorm.NFC.String(text)
	doc, err := html.Parse(strings.NewReader(text))
	if err != nil {
		if strings.Contains(err.Error(), "open stack") {
			return res, invalid("the page's HTML is nested too deeply to read (%s)", strings.TrimPrefix(err.Error(), "html: "))
		}
		return res, invalid("the page's HTML could not be read: %v", err)
	}
	base := httpURL(pageURL)
	if b := baseHref(doc, base); b != nil {
		base = b
	}
	m := scanMeta(doc, base)
	if base == nil {
		if u := httpURL(firstNonEmpty(m.canonical, m.ogURL)); u != nil {
			base = u
			m = scanMeta(doc, base)
		}
	}
	sites := siteNames(m, base)
	lib, err := eng(doc, base, m, sites)
	if err != nil {
		return res, invalid("no article found (the extractor found no article text in the page)")
	}
	res.lib = lib
	sites = appendSite(sites, lib.SiteName)

	title, labels := chooseTitle(m, lib.Title, sites)
	for _, l := range labels {
		sites = appendSite(sites, l)
	}
	if title == "" {
		return res, invalid("no article found (the page has no title)")
	}

	blocks := renderBody(lib.Content, base, m.imgCaps)
	blocks = cleanBlocks(blocks, title)
	blocks = recoverLead(blocks, m)

	// Byline: the library's, then one standing at the head of the body or
	// opening its first paragraph ("القاهرة - أحمد سمير - …").
	by := byline.Parse(lib.Byline)
	by.Authors = keepAuthors(by.Authors, sites, m.credits)
	var lead byline.Byline
	blocks, lead = leadByline(blocks, sites)
	if len(by.Authors) == 0 {
		by.Authors = keepAuthors(lead.Authors, sites, m.credits)
	}
	if by.Dateline == "" {
		by.Dateline = lead.Dateline
	}
	// Then an element the page marks as the byline ("كتبت أسماء نصار").
	for _, raw := range m.bylines {
		if len(by.Authors) > 0 && by.Dateline != "" {
			break
		}
		if b, ok := byline.ParseLine(raw); ok {
			if len(by.Authors) == 0 {
				by.Authors = keepAuthors(b.Authors, sites, m.credits)
			}
			if by.Dateline == "" {
				by.Dateline = b.Dateline
			}
		}
	}

	image := leadImage(m, lib, base, title)
	if image != nil {
		blocks = dropImage(blocks, image.URL)
	}
	var body strings.Builder
	var plain strings.Builder
	for _, bl := range blocks {
		if body.Len() > 0 {
			body.WriteByte('\n')
			plain.WriteByte(' ')
		}
		body.WriteString(bl.html)
		plain.WriteString(bl.text)
	}
	if n := utf8.RuneCountInString(collapse(plain.String())); n < MinBodyRunes {
		return res, invalid("no article found (the body is %d characters)", n)
	}

	local := chooseDate(m, lib.Date)
	src := ""
	for _, u := range []string{m.canonical, m.ogURL, urlString(httpURL(pageURL))} {
		if pu := httpURL(u); pu != nil && (src == "" || homePage(httpURL(src))) {
			src = u
		}
	}
	d := news.Draft{
		SourceURL:   src,
		Source:      sourceName(m, lib, base),
		Title:       title,
		Abstract:    chooseAbstract(m, lib, title, blocks, sites),
		Body:        body.String(),
		SectionName: chooseSection(m.sections, title, sites),
		Authors:     by.Authors,
		Dateline:    by.Dateline,
		Image:       image,
	}
	if src != "" {
		d.ExternalID = "url:" + src
	}
	if !local.IsZero() {
		d.PublishedAt = local.UTC()
	}
	res.draft, res.local = d, local
	return res, nil
}

func invalid(format string, args ...any) error {
	return fmt.Errorf("htmlpage: %w", news.Errorf(news.EINVALID, format, args...))
}

func sizeString(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// notHTML says why text is not an HTML page, or returns "".
func notHTML(text string) string {
	head := text[:min(len(text), prescanBytes)]
	if strings.TrimSpace(head) == "" {
		return "it is empty"
	}
	ctl := 0
	for _, r := range head[:min(len(head), 8<<10)] {
		if r == 0 || r < 0x20 && r != '\t' && r != '\n' && r != '\r' && r != '\f' {
			ctl++
		}
	}
	if ctl > 8 {
		return "it is binary data"
	}
	z := html.NewTokenizer(strings.NewReader(head))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return "it has no HTML tags"
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			if atom.Lookup(bytes.ToLower(name)) != 0 {
				return ""
			}
		}
	}
}

// homePage reports whether u is a site's home page: a canonical link some
// sites put on every page.
func homePage(u *url.URL) bool {
	return u != nil && strings.Trim(u.Path, "/") == "" && u.RawQuery == ""
}

func urlString(u *url.URL) string {
	if u == nil {
		return ""
	}
	return u.String()
}

// httpURL parses s as an absolute http(s) URL, or returns nil.
func httpURL(s string) *url.URL {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil
	}
	return u
}

// baseHref returns the page's <base href> resolved against base.
func baseHref(doc *html.Node, base *url.URL) *url.URL {
	var found *html.Node
	var walk func(*html.Node, int)
	walk = func(n *html.Node, depth int) {
		if found != nil || depth > 8 {
			return
		}
		if n.Type == html.ElementNode && n.DataAtom == atom.Base && attr(n, "href") != "" {
			found = n
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, depth+1)
		}
	}
	walk(doc, 0)
	if found == nil {
		return nil
	}
	return httpURL(absURL(base, attr(found, "href")))
}

// siteNames are the names a page gives its site, and its host name.
func siteNames(m *pageMeta, base *url.URL) []string {
	var out []string
	for _, s := range m.siteNames {
		out = appendSite(out, s)
	}
	for _, u := range []string{m.canonical, urlString(base)} {
		if pu := httpURL(u); pu != nil {
			host := strings.TrimPrefix(strings.ToLower(pu.Hostname()), "www.")
			out = appendSite(out, host)
			if i := strings.IndexByte(host, '.'); i > 0 {
				out = appendSite(out, host[:i])
			}
		}
	}
	return out
}

func appendSite(sites []string, s string) []string {
	s = collapse(s)
	if s == "" || strings.Contains(s, "://") || containsFold(sites, s) || len(sites) >= 20 {
		return sites
	}
	return append(sites, s)
}

// isSiteName reports whether s is (a form of) one of the site's names.
func isSiteName(s string, sites []string) bool {
	ns := norm(s)
	if ns == "" {
		return false
	}
	flat := strings.ReplaceAll(ns, " ", "")
	for _, site := range sites {
		n := norm(site)
		if n == "" {
			continue
		}
		nf := strings.ReplaceAll(n, " ", "")
		if ns == n || flat == nf || words(s) <= 4 && (strings.Contains(nf, flat) && len(flat) >= 4 || strings.Contains(flat, nf) && len(nf) >= 4) {
			return true
		}
	}
	return false
}

// titleSeparators split a page title into the headline and the site's name.
var titleSeparators = []string{" - ", " | ", "|", " – ", " — ", " :: ", " » ", " « ", " · ", " • ", " ـ ", " / "}

func splitTitle(s string) []string {
	parts := []string{s}
	for _, sep := range titleSeparators {
		var next []string
		for _, p := range parts {
			next = append(next, strings.Split(p, sep)...)
		}
		parts = next
	}
	out := parts[:0]
	for _, p := range parts {
		if p = collapse(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// chooseTitle picks the article's headline: an <h1> that one of the
// page's titles (JSON-LD headline, og:title, twitter:title, the library's,
// <title>) holds, else the first of those titles without the site's name.
// It also returns the parts of the titles cut off around the headline:
// the site's name as the page writes it ("اليوم السابع").
func chooseTitle(m *pageMeta, libTitle string, sites []string) (string, []string) {
	cands := []string{m.ldHeadline, m.ogTitle, m.twTitle, collapse(libTitle), m.docTitle}
	var labels []string
	for _, h := range m.h1s {
		if words(h) < 2 || isSiteName(h, sites) {
			continue
		}
		nh := norm(h)
		found := false
		for _, c := range cands {
			if c == "" {
				continue
			}
			if norm(c) == nh {
				found = true
				continue
			}
			parts := splitTitle(c)
			for i, p := range parts {
				if norm(p) == nh {
					found = true
					for j, q := range parts {
						if (j == 0 || j == len(parts)-1) && j != i && words(q) <= 5 {
							labels = append(labels, q)
						}
					}
				}
			}
		}
		if found {
			return clipRunes(h, 500), labels
		}
	}
	for _, c := range cands {
		if t := stripSite(c, sites); t != "" && !isSiteName(t, sites) {
			return clipRunes(t, 500), labels
		}
	}
	for _, h := range m.h1s {
		if words(h) >= 2 && !isSiteName(h, sites) {
			return clipRunes(h, 500), labels
		}
	}
	return "", labels
}

// stripSite cuts the site's name from either end of a title.
func stripSite(t string, sites []string) string {
	parts := splitTitle(t)
	if len(parts) <= 1 {
		return collapse(t)
	}
	for len(parts) > 1 && isSiteName(parts[len(parts)-1], sites) {
		parts = parts[:len(parts)-1]
	}
	for len(parts) > 1 && isSiteName(parts[0], sites) {
		parts = parts[1:]
	}
	if len(parts) == len(splitTitle(t)) {
		return collapse(t) // nothing cut: keep the separators as written
	}
	// Rejoin what is left as written in t.
	first, last := parts[0], parts[len(parts)-1]
	i := strings.Index(t, first)
	j := strings.LastIndex(t, last)
	if i < 0 || j < i {
		return strings.Join(parts, " - ")
	}
	return collapse(t[i : j+len(last)])
}

// chooseDate picks the publication date: the page's structured date
// (JSON-LD datePublished, article:published_time, microdata), which is
// precise and has a zone, else the library's. A library date of January 1
// at midnight is a bare year, not a date, and is left out.
func chooseDate(m *pageMeta, lib time.Time) time.Time {
	if !m.published.IsZero() {
		return m.published
	}
	if !lib.IsZero() && plausibleDate(lib) && !yearOnly(lib) {
		return lib
	}
	return m.publishedWeak
}

func yearOnly(t time.Time) bool {
	return t.Month() == time.January && t.Day() == 1 && t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0
}

// blockedSections are category names of CMSs that are no section.
var blockedSections = []string{"featured", "uncategorized", "غير مصنف", "home", "main", "slider", "top", "news", "general", "عام", "الرئيسية", "أخبار", "اخبار"}

func chooseSection(sections []string, title string, sites []string) string {
	for _, s := range sections {
		if containsFold(blockedSections, s) || isSiteName(s, sites) || norm(s) == norm(title) || words(s) > 6 {
			continue
		}
		return s
	}
	return ""
}

// keepAuthors drops "authors" that are the site itself or the credit of
// its developer.
func keepAuthors(authors, sites, credits []string) []string {
	var out []string
	for _, a := range authors {
		if isSiteName(a, sites) || strings.Contains(a, "://") {
			continue
		}
		credit := false
		for _, c := range credits {
			if strings.Contains(norm(c), norm(a)) {
				credit = true
			}
		}
		if !credit {
			out = append(out, a)
		}
	}
	return out
}

func sourceName(m *pageMeta, lib libResult, base *url.URL) string {
	for _, s := range append(append([]string{}, m.siteNames...), lib.SiteName) {
		if s = collapse(s); s != "" && !strings.Contains(s, "://") && !strings.HasPrefix(s, "@") {
			return clipRunes(s, 200)
		}
	}
	for _, u := range []string{m.canonical, urlString(base)} {
		if pu := httpURL(u); pu != nil {
			return strings.TrimPrefix(strings.ToLower(pu.Hostname()), "www.")
		}
	}
	return ""
}

// chooseAbstract returns the first of the page's descriptions that is
// about the article (most of its words are in the headline and body: not
// the site's own description), without the site's name opening it; or the
// article's lead when there is none or when it is the lead cut short.
func chooseAbstract(m *pageMeta, lib libResult, title string, blocks []block, sites []string) string {
	vocab := map[string]bool{}
	for _, w := range strings.Fields(norm(title)) {
		vocab[w] = true
	}
	var lead string
	for _, b := range blocks {
		for _, w := range strings.Fields(norm(b.text)) {
			vocab[w] = true
		}
		if lead == "" && b.tag == "p" && words(b.text) >= 8 {
			lead = b.text
		}
	}
	for _, d := range append(append([]string{}, m.descs...), collapse(lib.Description)) {
		d = cutSitePrefix(d, sites)
		if words(d) <= 3 || isSiteName(d, sites) || norm(d) == norm(title) || !about(d, vocab) {
			continue
		}
		if lead != "" && !endsSentence(d) {
			// A description cut in the middle of the lead: give the lead.
			nd, nl := norm(d), norm(lead)
			if i := strings.LastIndexByte(nd, ' '); i > 0 && len(nl) > len(nd) && strings.HasPrefix(nl, nd[:i]) {
				return clipWords(lead, 300)
			}
		}
		return clipRunes(d, 1000)
	}
	if lead != "" {
		return clipWords(lead, 300)
	}
	return ""
}

// about reports whether most words of s are in vocab.
func about(s string, vocab map[string]bool) bool {
	in, all := 0, 0
	for _, w := range strings.Fields(norm(s)) {
		if utf8.RuneCountInString(w) < 3 {
			continue
		}
		all++
		if vocab[w] {
			in++
		}
	}
	return all > 0 && in*2 >= all
}

// recoverLead puts back the article's lead paragraph when the library left
// it out: an element the page marks as the lead (itemprop="description",
// class "…lead…") whose text the page's description repeats.
func recoverLead(blocks []block, m *pageMeta) []block {
	var body strings.Builder
	for _, b := range blocks {
		body.WriteString(norm(b.text))
		body.WriteByte(' ')
	}
	for _, l := range m.leads {
		ws := strings.Fields(norm(l))
		if len(ws) < 8 {
			continue
		}
		head := strings.Join(ws[:8], " ")
		if strings.Contains(body.String(), head) {
			return blocks
		}
		for _, d := range m.descs {
			if strings.HasPrefix(norm(d), head) {
				p := block{tag: "p", html: "<p>" + html.EscapeString(l) + "</p>", text: l, runes: utf8.RuneCountInString(l)}
				return append([]block{p}, blocks...)
			}
		}
	}
	return blocks
}

func endsSentence(s string) bool {
	s = strings.TrimRight(s, " \"'»”)")
	return strings.HasSuffix(s, ".") || strings.HasSuffix(s, "؟") || strings.HasSuffix(s, "?") ||
		strings.HasSuffix(s, "!") || strings.HasSuffix(s, "…")
}

// clipWords cuts s at a word boundary to at most n runes, with "…".
func clipWords(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	c := clipRunes(s, n)
	if i := strings.LastIndexByte(c, ' '); i > len(c)/2 {
		c = c[:i]
	}
	return strings.TrimRight(c, " ،,;:-") + "…"
}

// leadImage is the page's og:image, kept as a remote URL. Its alt is the
// page's og:image:alt, or the alt of the same image in the page, or the
// headline: the publish service requires one.
func leadImage(m *pageMeta, lib libResult, base *url.URL, title string) *news.Image {
	src := m.ogImage
	if src == "" {
		src = absURL(base, lib.Image)
	}
	if src == "" || iconPath.MatchString(src) {
		return nil
	}
	alt := firstNonEmpty(m.ogImageAlt, m.imgAlts[src], title)
	return &news.Image{URL: src, Alt: clipRunes(alt, 500)}
}

// dropImage removes the body's figure of the lead image: the site shows
// the lead image above the body already.
func dropImage(blocks []block, src string) []block {
	out := blocks[:0]
	needle := `src="` + html.EscapeString(src) + `"`
	dropped := false
	for _, b := range blocks {
		if !dropped && b.tag == "figure" && strings.Contains(b.html, needle) {
			dropped = true
			continue
		}
		out = append(out, b)
	}
	return out
}
