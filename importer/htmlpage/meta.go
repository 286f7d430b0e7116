package htmlpage

import (
	"encoding/json"
	"html"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"

	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// pageMeta is what the page says about itself in its <head>, JSON-LD and a
// few well-known attributes, read before the extraction library runs.
type pageMeta struct {
	docTitle   string   // <title>
	h1s        []string // text of the <h1> elements, in order
	ogTitle    string
	twTitle    string
	ldHeadline string
	descs      []string // meta description, og:description, twitter:description
	leads      []string // text of elements marked as the article's lead
	bylines    []string // text of elements marked as the byline
	siteNames  []string
	canonical  string // absolute http(s) URL or ""
	ogURL      string
	ogImage    string
	ogImageAlt string
	imgAlts    map[string]string // absolute img src -> alt, for the og:image alt
	imgCaps    map[string]string // absolute img src -> caption of its <figure>
	published  time.Time         // structured publication date, in the zone given
	// publishedWeak is a date of the page that may not be the article's:
	// <meta name="date">, a WebPage's datePublished.
	publishedWeak time.Time
	sections      []string // articleSection, article:section, breadcrumb, in that order of trust
	ldAuthors     []string
	credits       []string // meta contents naming a site's developer ("Developed By …")
}

// ldArticleTypes are the schema.org types of an article.
var ldArticleTypes = map[string]bool{
	"article": true, "newsarticle": true, "reportagenews": true, "analysisnewsarticle": true,
	"opinionnewsarticle": true, "backgroundnewsarticle": true, "reviewnewsarticle": true,
	"blogposting": true, "liveblogposting": true, "socialmediaposting": true, "webpage": true,
	"scholarlyarticle": true, "report": true,
}

// metaDateNames are <meta name|property|itemprop> values holding the
// publication date.
var metaDateNames = map[string]bool{
	"article:published_time": true, "og:published_time": true, "og:article:published_time": true,
	"datepublished": true, "pubdate": true, "publishdate": true, "publish-date": true,
	"publish_date": true, "published_time": true, "article.published": true,
	"dc.date.issued": true, "dcterms.issued": true, "dcterms.created": true, "dc.date.created": true,
	"sailthru.date": true, "parsely-pub-date": true, "date": true, "dc.date": true,
}

// Limits on what is kept from a page's own metadata.
const (
	maxMetaText  = 2000 // runes of a title, description or section
	maxJSONLD    = 1 << 20
	maxLDObjects = 2000
)

func scanMeta(doc *xhtml.Node, base *url.URL) *pageMeta {
	m := &pageMeta{imgAlts: map[string]string{}, imgCaps: map[string]string{}}
	var (
		metaSections []string
		ldSections   []string
		crumbs       []string
		ldCrumbs     []string
		catLinks     []string              // WordPress's rel="category tag" links
		dates        = map[int]time.Time{} // by rank, lower is better
		pubs         []string
		appNames     []string
	)
	addDate := func(rank int, s string) {
		if _, ok := dates[rank]; ok {
			return
		}
		if t, ok := parseISODate(s); ok {
			dates[rank] = t
		}
	}
	var walk func(n *xhtml.Node, depth int)
	walk = func(n *xhtml.Node, depth int) {
		if depth > 512 {
			return
		}
		if n.Type == xhtml.ElementNode {
			switch n.DataAtom {
			case atom.Title:
				if m.docTitle == "" && !inSVG(n) {
					m.docTitle = clipRunes(collapse(textOf(n)), maxMetaText)
				}
			case atom.H1:
				if len(m.h1s) < 20 {
					if t := clipRunes(collapse(textOf(n)), maxMetaText); t != "" {
						m.h1s = append(m.h1s, t)
					}
				}
			case atom.Meta:
				key := strings.ToLower(strings.TrimSpace(firstNonEmpty(attr(n, "property"), attr(n, "name"), attr(n, "itemprop"))))
				content := strings.TrimSpace(attr(n, "content"))
				if content == "" {
					break
				}
				switch key {
				case "og:title":
					setOnce(&m.ogTitle, content)
				case "twitter:title":
					setOnce(&m.twTitle, content)
				case "description", "og:description", "twitter:description":
					if len(m.descs) < 6 {
						m.descs = append(m.descs, content)
					}
				case "og:site_name", "application-name", "twitter:site", "al:android:app_name":
					appNames = append(appNames, content)
				case "og:url":
					setOnce(&m.ogURL, content)
				case "og:image", "og:image:url", "og:image:secure_url", "twitter:image", "twitter:image:src":
					setOnce(&m.ogImage, content)
				case "og:image:alt", "twitter:image:alt":
					setOnce(&m.ogImageAlt, content)
				case "article:section":
					metaSections = append(metaSections, content)
				case "author", "article:author", "byl", "sailthru.author", "parsely-author":
					if !strings.Contains(content, "://") && len(m.bylines) < 5 {
						m.bylines = append(m.bylines, content)
					}
				}
				switch key {
				case "dc.creator", "author", "generator", "designer", "web_author":
					low := strings.ToLower(content)
					if strings.Contains(low, "developed by") || strings.Contains(low, "designed by") ||
						strings.Contains(low, "powered by") || strings.Contains(low, "http") {
						m.credits = append(m.credits, content)
					}
				}
				if metaDateNames[key] {
					rank := 2
					if key == "date" || key == "dc.date" {
						rank = 4
					}
					addDate(rank, content)
				}
			case atom.Link:
				rel := strings.ToLower(attr(n, "rel"))
				if hasToken(rel, "canonical") && m.canonical == "" {
					m.canonical = attr(n, "href")
				}
			case atom.Img:
				if src := absURL(base, firstNonEmpty(attr(n, "src"), attr(n, "data-src"))); src != "" {
					if alt := collapse(attr(n, "alt")); alt != "" && len(m.imgAlts) < 500 {
						if _, ok := m.imgAlts[src]; !ok {
							m.imgAlts[src] = clipRunes(alt, maxMetaText)
						}
					}
					if c := figureCaption(n); c != "" && len(m.imgCaps) < 500 {
						if _, ok := m.imgCaps[src]; !ok {
							m.imgCaps[src] = c
						}
					}
				}
			case atom.Script:
				if strings.Contains(strings.ToLower(attr(n, "type")), "ld+json") {
					m.readJSONLD(textOf(n), addDate, &ldSections, &ldCrumbs, &pubs)
				}
				return
			case atom.Style, atom.Noscript, atom.Template:
				return
			}
			// Microdata and RDFa dates on any element.
			switch strings.ToLower(attr(n, "itemprop")) {
			case "datepublished":
				addDate(3, firstNonEmpty(attr(n, "content"), attr(n, "datetime")))
			}
			switch strings.ToLower(attr(n, "property")) {
			case "dc:date", "dc:created", "dcterms:created", "dcterms:issued", "dc:issued":
				addDate(3, firstNonEmpty(attr(n, "content"), attr(n, "datetime")))
			}
			if n.DataAtom == atom.Time && hasAttr(n, "pubdate") {
				addDate(3, attr(n, "datetime"))
			}
			if len(crumbs) == 0 && isBreadcrumb(n) {
				crumbs = crumbTexts(n)
			}
			if n.DataAtom == atom.A && hasToken(strings.ToLower(attr(n, "rel")), "category") && len(catLinks) < 5 {
				catLinks = append(catLinks, textOf(n))
			}
			if n.DataAtom != atom.Meta && len(m.bylines) < 5 && isByline(n) {
				if t := collapse(textOf(n)); t != "" && words(t) <= 12 {
					m.bylines = append(m.bylines, t)
				}
			}
			if n.DataAtom != atom.Meta && len(m.leads) < 3 && isLead(n) {
				if t := collapse(textOf(n)); words(t) >= 8 && words(t) <= 150 {
					m.leads = append(m.leads, t)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, depth+1)
		}
	}
	walk(doc, 0)

	for i, d := range m.descs {
		m.descs[i] = metaText(d)
	}
	m.ogTitle = metaText(m.ogTitle)
	m.twTitle = metaText(m.twTitle)
	m.ldHeadline = metaText(m.ldHeadline)
	m.docTitle = metaText(m.docTitle)
	for i, h := range m.h1s {
		m.h1s[i] = metaText(h)
	}
	m.canonical = pageURLOf(base, m.canonical)
	m.ogURL = pageURLOf(base, m.ogURL)
	m.ogImage = absURL(base, m.ogImage)
	m.ogImageAlt = metaText(m.ogImageAlt)
	for k, v := range m.imgAlts {
		m.imgAlts[k] = metaText(v)
	}

	for _, s := range append(appNames, pubs...) {
		s = metaText(s)
		if s != "" && !containsFold(m.siteNames, s) && len(m.siteNames) < 10 {
			m.siteNames = append(m.siteNames, clipRunes(s, 200))
		}
	}
	ranks := make([]int, 0, len(dates))
	for r := range dates {
		ranks = append(ranks, r)
	}
	sort.Ints(ranks)
	for _, r := range ranks {
		if r <= 3 && m.published.IsZero() {
			m.published = dates[r]
		}
		if r > 3 && m.publishedWeak.IsZero() {
			m.publishedWeak = dates[r]
		}
	}
	for _, list := range [][]string{ldSections, metaSections, ldCrumbs, crumbs, catLinks} {
		for _, s := range list {
			if s = clipRunes(collapse(s), 200); s != "" && !containsFold(m.sections, s) {
				m.sections = append(m.sections, s)
			}
		}
	}
	return m
}

// readJSONLD reads one JSON-LD script: the article's headline, date,
// sections and authors, the publisher's name, and a breadcrumb list.
func (m *pageMeta) readJSONLD(src string, addDate func(int, string), sections, crumbs, pubs *[]string) {
	if len(src) > maxJSONLD {
		return
	}
	var v any
	if err := json.Unmarshal([]byte(strings.TrimSpace(src)), &v); err != nil {
		// Pages often break JSON with raw newlines or tabs inside strings.
		fixed := strings.NewReplacer("\n", " ", "\r", " ", "\t", " ").Replace(src)
		if err := json.Unmarshal([]byte(strings.TrimSpace(fixed)), &v); err != nil {
			return
		}
	}
	seen := 0
	var visit func(v any, depth int)
	visit = func(v any, depth int) {
		if depth > 20 || seen > maxLDObjects {
			return
		}
		seen++
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				visit(e, depth+1)
			}
		case map[string]any:
			types := ldTypes(x["@type"])
			isArticle := false
			for _, t := range types {
				if ldArticleTypes[t] {
					isArticle = true
				}
				if t == "breadcrumblist" && len(*crumbs) == 0 {
					*crumbs = ldBreadcrumb(x["itemListElement"])
				}
			}
			if isArticle {
				if h := ldString(x["headline"]); h != "" && m.ldHeadline == "" && !containsType(types, "webpage") {
					m.ldHeadline = h
				}
				rank := 1
				if containsType(types, "webpage") && len(types) == 1 {
					rank = 5 // a WebPage's date is weaker than an article's
				}
				addDate(rank, ldString(x["datePublished"]))
				if len(*sections) == 0 {
					*sections = ldStrings(x["articleSection"])
				}
				if len(m.ldAuthors) == 0 {
					m.ldAuthors = ldNames(x["author"])
				}
				*pubs = append(*pubs, ldNames(x["publisher"])...)
			}
			if g, ok := x["@graph"]; ok {
				visit(g, depth+1)
			}
			if me, ok := x["mainEntity"]; ok {
				visit(me, depth+1)
			}
		}
	}
	visit(v, 0)
}

func ldTypes(v any) []string {
	var out []string
	for _, s := range ldStrings(v) {
		out = append(out, strings.ToLower(strings.TrimPrefix(strings.TrimPrefix(s, "http://schema.org/"), "https://schema.org/")))
	}
	return out
}

func containsType(types []string, t string) bool {
	for _, x := range types {
		if x == t {
			return true
		}
	}
	return false
}

func ldString(v any) string {
	switch x := v.(type) {
	case string:
		return collapse(x)
	case []any:
		if len(x) > 0 {
			return ldString(x[0])
		}
	case map[string]any:
		return ldString(x["name"])
	}
	return ""
}

func ldStrings(v any) []string {
	switch x := v.(type) {
	case string:
		if s := collapse(x); s != "" {
			return []string{s}
		}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok && collapse(s) != "" && len(out) < 20 {
				out = append(out, collapse(s))
			}
		}
		return out
	}
	return nil
}

// ldNames reads the names of an author or publisher value: a string, an
// object with a name, or a list of either.
func ldNames(v any) []string {
	switch x := v.(type) {
	case string:
		if s := collapse(x); s != "" && !strings.Contains(s, "://") {
			return []string{s}
		}
	case map[string]any:
		return ldNames(x["name"])
	case []any:
		var out []string
		for _, e := range x {
			if len(out) < 10 {
				out = append(out, ldNames(e)...)
			}
		}
		return out
	}
	return nil
}

func ldBreadcrumb(v any) []string {
	items, ok := v.([]any)
	if !ok {
		return nil
	}
	type crumb struct {
		pos  float64
		name string
	}
	var cs []crumb
	for i, it := range items {
		o, ok := it.(map[string]any)
		if !ok {
			continue
		}
		name := ldString(o["name"])
		if name == "" {
			if item, ok := o["item"].(map[string]any); ok {
				name = ldString(item["name"])
			}
		}
		pos, ok := o["position"].(float64)
		if !ok {
			pos = float64(i + 1)
		}
		if name != "" && len(cs) < 20 {
			cs = append(cs, crumb{pos, name})
		}
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].pos < cs[j].pos })
	out := make([]string, 0, len(cs))
	for _, c := range cs {
		out = append(out, c.name)
	}
	return trimCrumbs(out)
}

// isBreadcrumb reports whether an element is a breadcrumb trail by its
// class, id or ARIA label.
func isBreadcrumb(n *xhtml.Node) bool {
	for _, a := range []string{"class", "id", "aria-label"} {
		v := strings.ToLower(attr(n, a))
		if strings.Contains(v, "breadcrumb") || strings.Contains(v, "crumbs") {
			return true
		}
	}
	return false
}

// crumbTexts returns the link texts of a breadcrumb trail.
func crumbTexts(n *xhtml.Node) []string {
	var out []string
	var walk func(*xhtml.Node, int)
	walk = func(c *xhtml.Node, depth int) {
		if depth > 30 || len(out) >= 20 {
			return
		}
		if c.Type == xhtml.ElementNode && c.DataAtom == atom.A {
			if t := collapse(textOf(c)); t != "" {
				out = append(out, t)
			}
			return
		}
		for k := c.FirstChild; k != nil; k = k.NextSibling {
			walk(k, depth+1)
		}
	}
	walk(n, 0)
	return trimCrumbs(out)
}

// homeCrumbs are the first links of breadcrumb trails, never a section.
var homeCrumbs = []string{"الرئيسية", "الرئيسيه", "الصفحة الرئيسية", "الصفحه الرئيسيه", "home", "homepage", "accueil"}

// trimCrumbs drops the home link of a breadcrumb trail and reverses it, so
// that the most specific part (the article's own section) comes first.
func trimCrumbs(cs []string) []string {
	var out []string
	for i := len(cs) - 1; i >= 0; i-- {
		if !containsFold(homeCrumbs, cs[i]) {
			out = append(out, cs[i])
		}
	}
	return out
}

// parseISODate reads the ISO 8601 dates of metadata, with or without a
// time and zone. A date without a zone is taken as UTC.
func parseISODate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if len(s) < 10 || len(s) > 40 {
		return time.Time{}, false
	}
	for _, layout := range []string{
		time.RFC3339Nano,
		"2006-01-02T15:04:05Z0700",
		"2006-01-02T15:04Z07:00",
		"2006-01-02T15:04:05.999999999",
		"2006-01-02T15:04:05",
		"2006-01-02T15:04",
		"2006-01-02 15:04:05Z07:00",
		"2006-01-02 15:04:05 Z0700",
		"2006-01-02 15:04:05 -07:00",
		"2006-01-02 15:04:05.999999999",
		"2006-01-02 15:04:05",
		"2006-01-02 15:04",
		"2006-01-02",
		time.RFC1123Z,
		time.RFC1123,
	} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, plausibleDate(t)
		}
	}
	return time.Time{}, false
}

// plausibleDate reports whether t can be a news article's publication date:
// not before the web, not more than two days ahead.
func plausibleDate(t time.Time) bool {
	return t.Year() >= 1995 && t.Before(time.Now().Add(48*time.Hour))
}

// pageURLOf resolves a page URL against the base and keeps it only when it
// is an absolute http(s) URL.
func pageURLOf(base *url.URL, s string) string {
	return absURL(base, s)
}

// absURL resolves s against base; it returns "" unless the result is an
// absolute http(s) URL.
func absURL(base *url.URL, s string) string {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 4096 || strings.HasPrefix(s, "data:") {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil {
		return ""
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

func attr(n *xhtml.Node, key string) string {
	for _, a := range n.Attr {
		if a.Namespace == "" && strings.EqualFold(a.Key, key) {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *xhtml.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Namespace == "" && strings.EqualFold(a.Key, key) {
			return true
		}
	}
	return false
}

func hasToken(list, tok string) bool {
	for _, f := range strings.Fields(list) {
		if f == tok {
			return true
		}
	}
	return false
}

func inSVG(n *xhtml.Node) bool { return n.Namespace != "" }

func setOnce(dst *string, v string) {
	if *dst == "" {
		*dst = v
	}
}

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// leadClass matches the class names of an article's lead paragraph.
var leadClass = regexp.MustCompile(`(?i)(^|[-_ ])(lead|intro|summary|excerpt|standfirst|teaser|sapo|chapo|abstract)($|[-_ ])`)

// isLead reports whether an element is marked as the article's lead.
func isLead(n *xhtml.Node) bool {
	return strings.EqualFold(attr(n, "itemprop"), "description") || leadClass.MatchString(attr(n, "class"))
}

// metaText cleans a text of the page's metadata: entities a page escaped
// twice ("&amp;nbsp;") decoded, spaces collapsed, length bounded.
func metaText(s string) string {
	if strings.Contains(s, "&") {
		s = html.UnescapeString(s)
	}
	return clipRunes(collapse(s), maxMetaText)
}

// bylineClass matches the class names of an article's byline.
var bylineClass = regexp.MustCompile(`(?i)(^|[-_ ])(author|authors|byline|writer|writeby|written-by|reporter|kateb|katib|editor-name)($|[-_ ])`)

// isByline reports whether an element is marked as the article's byline.
func isByline(n *xhtml.Node) bool {
	return strings.EqualFold(attr(n, "itemprop"), "author") || hasToken(strings.ToLower(attr(n, "rel")), "author") ||
		bylineClass.MatchString(attr(n, "class")) || bylineClass.MatchString(attr(n, "id"))
}

// figureCaption returns the caption of the <figure> an image is in.
func figureCaption(img *xhtml.Node) string {
	fig := img.Parent
	for i := 0; fig != nil && i < 4 && fig.DataAtom != atom.Figure; i++ {
		fig = fig.Parent
	}
	if fig == nil || fig.DataAtom != atom.Figure {
		return ""
	}
	for c := fig.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == xhtml.ElementNode && c.DataAtom == atom.Figcaption {
			return metaText(textOf(c))
		}
	}
	return ""
}
