// Package syndicate writes published articles in the agencies' formats —
// IPTC ninjs 2.0 and NewsML-G2 (with the body as XHTML) — so that
// partners' systems can ingest Sahafa as Sahafa ingests them.
package syndicate

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"sahafa/ingest"
	"sahafa/markup"
	"sahafa/news"
)

// Site is what the formats say of the publisher.
type Site struct {
	Name    string
	BaseURL string // absolute, no trailing slash
}

// URI is an article's stable id in both formats: the site's host and the
// article's id, which neither a new slug nor a new section changes.
func (s Site) URI(a news.Article) string {
	host := s.BaseURL
	if u, err := url.Parse(s.BaseURL); err == nil && u.Host != "" {
		host = u.Host
	}
	return "urn:sahafa:" + host + ":article:" + strconv.FormatInt(a.ID, 10)
}

func (s Site) absolute(u string) string {
	if strings.HasPrefix(u, "/") && !strings.HasPrefix(u, "//") {
		return s.BaseURL + u
	}
	return u
}

// language is the article's language as the site tells readers it: "ar"
// unless the text is clearly English or French.
func language(a news.Article) string {
	if l := markup.DetectLanguage(a.Title, a.Abstract, ingest.Text(a.Body)); l != "" {
		return l
	}
	return "ar"
}

type ninjsText struct {
	Role        string `json:"role,omitempty"`
	ContentType string `json:"contenttype,omitempty"`
	Value       string `json:"value"`
}

type ninjsName struct {
	Name string `json:"name"`
	URI  string `json:"uri,omitempty"`
}

type ninjsRendition struct {
	Href        string `json:"href"`
	ContentType string `json:"contenttype,omitempty"`
	Width       int    `json:"width,omitempty"`
	Height      int    `json:"height,omitempty"`
}

type ninjsPicture struct {
	URI          string                    `json:"uri"`
	Type         string                    `json:"type"`
	Descriptions []ninjsText               `json:"descriptions,omitempty"`
	Renditions   map[string]ninjsRendition `json:"renditions"`
}

type ninjsDoc struct {
	URI            string                  `json:"uri"`
	Standard       map[string]string       `json:"standard"`
	Type           string                  `json:"type"`
	Version        string                  `json:"version"`
	VersionCreated string                  `json:"versioncreated"`
	FirstCreated   string                  `json:"firstcreated"`
	PubStatus      string                  `json:"pubstatus"`
	Language       string                  `json:"language"`
	Headlines      []ninjsText             `json:"headlines"`
	Descriptions   []ninjsText             `json:"descriptions,omitempty"`
	Bodies         []ninjsText             `json:"bodies"`
	By             string                  `json:"by,omitempty"`
	Located        string                  `json:"located,omitempty"`
	Subjects       []ninjsName             `json:"subjects,omitempty"`
	InfoSources    []ninjsName             `json:"infosources"`
	Associations   map[string]ninjsPicture `json:"associations,omitempty"`
	Links          []map[string]string     `json:"links"`
}

// Ninjs writes a published article as an IPTC ninjs 2.0 document.
func Ninjs(s Site, a news.Article) ([]byte, error) {
	d := ninjsDoc{
		URI:            s.URI(a),
		Standard:       map[string]string{"name": "ninjs", "version": "2.0", "schema": "http://www.iptc.org/std/ninjs/ninjs-schema_2.0.json"},
		Type:           "text",
		Version:        strconv.Itoa(max(a.Version, 1)),
		VersionCreated: updated(a).Format(time.RFC3339),
		FirstCreated:   a.PublishedAt.UTC().Format(time.RFC3339),
		PubStatus:      "usable",
		Language:       language(a),
		Headlines:      []ninjsText{{Role: "main", Value: a.Title}},
		Bodies:         []ninjsText{{Role: "main", ContentType: "text/html", Value: absoluteBody(s, a.Body)}},
		By:             byline(a),
		Located:        a.Dateline,
		Subjects:       subjects(s, a),
		InfoSources:    []ninjsName{{Name: s.Name, URI: s.BaseURL + "/"}},
		Links:          []map[string]string{{"rel": "canonical", "href": s.BaseURL + a.Path(), "contenttype": "text/html"}},
	}
	if a.Abstract != "" {
		d.Descriptions = []ninjsText{{Role: "summary", Value: a.Abstract}}
	}
	if img := a.Image; img != nil {
		d.Associations = map[string]ninjsPicture{"featureimage": {
			URI: s.absolute(img.URL), Type: "picture",
			Descriptions: []ninjsText{{Role: "caption", Value: img.Caption}, {Role: "alt", Value: img.Alt}},
			Renditions:   map[string]ninjsRendition{"original": {Href: s.absolute(img.URL), Width: img.Width, Height: img.Height}},
		}}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(d); err != nil {
		return nil, fmt.Errorf("ninjs: %w", err)
	}
	return buf.Bytes(), nil
}

func updated(a news.Article) time.Time {
	if a.UpdatedAt.After(a.PublishedAt) {
		return a.UpdatedAt.UTC()
	}
	return a.PublishedAt.UTC()
}

func byline(a news.Article) string {
	names := make([]string, len(a.Authors))
	for i, au := range a.Authors {
		names[i] = au.Name
	}
	return strings.Join(names, "، ")
}

func subjects(s Site, a news.Article) []ninjsName {
	var out []ninjsName
	if a.Section.Name != "" {
		out = append(out, ninjsName{Name: a.Section.Name, URI: s.BaseURL + news.SectionPath(a.Section.Slug)})
	}
	for _, t := range a.Tags {
		out = append(out, ninjsName{Name: t.Name, URI: s.BaseURL + "/tag/" + url.PathEscape(t.Slug) + "/"})
	}
	return out
}

// NewsML writes a published article as a NewsML-G2 newsItem whose content
// is the body as XHTML.
func NewsML(s Site, a news.Article) ([]byte, error) {
	var b bytes.Buffer
	esc := func(v string) string {
		var e strings.Builder
		xml.EscapeText(&e, []byte(v))
		return e.String()
	}
	attr := func(v string) string { return strings.ReplaceAll(esc(v), `"`, "&quot;") }
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	fmt.Fprintf(&b, `<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="%s" version="%d" standard="NewsML-G2" standardversion="2.35" conformance="power" xml:lang="%s">`+"\n",
		attr(s.URI(a)), max(a.Version, 1), language(a))
	b.WriteString(`  <catalogRef href="http://www.iptc.org/std/catalog/catalog.IPTC-G2-Standards_38.xml"/>` + "\n")
	fmt.Fprintf(&b, "  <rightsInfo><copyrightHolder uri=\"%s/\"><name>%s</name></copyrightHolder></rightsInfo>\n", attr(s.BaseURL), esc(s.Name))
	fmt.Fprintf(&b, "  <itemMeta>\n    <itemClass qcode=\"ninat:text\"/>\n    <provider uri=\"%s/\"><name>%s</name></provider>\n", attr(s.BaseURL), esc(s.Name))
	fmt.Fprintf(&b, "    <versionCreated>%s</versionCreated>\n    <firstCreated>%s</firstCreated>\n    <pubStatus qcode=\"stat:usable\"/>\n",
		updated(a).Format(time.RFC3339), a.PublishedAt.UTC().Format(time.RFC3339))
	if len(a.Corrections) > 0 {
		b.WriteString("    <signal qcode=\"sig:correction\"/>\n")
	}
	fmt.Fprintf(&b, "    <link rel=\"irel:seeAlso\" href=\"%s\" contenttype=\"text/html\"/>\n  </itemMeta>\n", attr(s.BaseURL+a.Path()))
	b.WriteString("  <contentMeta>\n")
	fmt.Fprintf(&b, "    <contentCreated>%s</contentCreated>\n", a.PublishedAt.UTC().Format(time.RFC3339))
	if a.Dateline != "" {
		fmt.Fprintf(&b, "    <located><name>%s</name></located>\n", esc(a.Dateline))
	}
	for _, au := range a.Authors {
		fmt.Fprintf(&b, "    <creator uri=\"%s\"><name>%s</name></creator>\n", attr(s.BaseURL+news.AuthorPath(au.Slug)), esc(au.Name))
	}
	fmt.Fprintf(&b, "    <language tag=\"%s\"/>\n", language(a))
	for _, sub := range subjects(s, a) {
		fmt.Fprintf(&b, "    <subject uri=\"%s\"><name>%s</name></subject>\n", attr(sub.URI), esc(sub.Name))
	}
	fmt.Fprintf(&b, "    <headline>%s</headline>\n", esc(a.Title))
	if a.Abstract != "" {
		fmt.Fprintf(&b, "    <description role=\"drol:summary\">%s</description>\n", esc(a.Abstract))
	}
	if by := byline(a); by != "" {
		fmt.Fprintf(&b, "    <by>%s</by>\n", esc(by))
	}
	if a.Dateline != "" {
		fmt.Fprintf(&b, "    <dateline>%s</dateline>\n", esc(a.Dateline))
	}
	b.WriteString("  </contentMeta>\n  <contentSet>\n    <inlineXML contenttype=\"application/xhtml+xml\">\n")
	dir := "rtl"
	if language(a) != "ar" {
		dir = "ltr"
	}
	fmt.Fprintf(&b, "      <html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"%s\" dir=\"%s\"><head><title>%s</title></head><body>", language(a), dir, esc(a.Title))
	if err := writeXHTML(&b, absoluteBody(s, a.Body)); err != nil {
		return nil, fmt.Errorf("newsml: %w", err)
	}
	b.WriteString("</body></html>\n    </inlineXML>\n  </contentSet>\n</newsItem>\n")
	return b.Bytes(), nil
}

// absoluteBody makes the body's links and pictures (the media library's
// /media/… addresses) absolute: a partner shows them on another host.
func absoluteBody(s Site, body string) string {
	for _, attr := range []string{`src="`, `href="`, `srcset="`} {
		body = strings.ReplaceAll(body, attr+"/", attr+s.BaseURL+"/")
		body = strings.ReplaceAll(body, attr+s.BaseURL+"//", attr+"//") // protocol-relative stays
	}
	return strings.ReplaceAll(body, ", /media/", ", "+s.BaseURL+"/media/") // srcset's later candidates
}

// writeXHTML writes an HTML fragment as well-formed XHTML.
func writeXHTML(b *bytes.Buffer, fragment string) error {
	ctx := &xhtml.Node{Type: xhtml.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := xhtml.ParseFragment(strings.NewReader(fragment), ctx)
	if err != nil {
		return err
	}
	var walk func(n *xhtml.Node)
	walk = func(n *xhtml.Node) {
		switch n.Type {
		case xhtml.TextNode:
			xml.EscapeText(b, []byte(n.Data))
		case xhtml.ElementNode:
			b.WriteString("<" + n.Data)
			for _, a := range n.Attr {
				if a.Namespace != "" || !xmlName(a.Key) {
					continue
				}
				b.WriteString(" " + a.Key + `="`)
				xml.EscapeText(b, []byte(a.Val))
				b.WriteString(`"`)
			}
			if n.FirstChild == nil && voidElements[n.Data] {
				b.WriteString("/>")
				return
			}
			b.WriteString(">")
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
			b.WriteString("</" + n.Data + ">")
		}
	}
	for _, n := range nodes {
		walk(n)
	}
	return nil
}

var voidElements = map[string]bool{"br": true, "img": true, "hr": true, "source": true, "wbr": true, "col": true}

// xmlName reports whether an attribute name is a plain XML name.
func xmlName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		ok := r == '-' || r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (i > 0 && r >= '0' && r <= '9')
		if !ok {
			return false
		}
	}
	return true
}
