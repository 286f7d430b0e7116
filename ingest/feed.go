package ingest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// parseFeed reads RSS 2.0 (and 1.0), Atom or JSON Feed. Feeds carry no
// versions: an entry is version 1 and the desk numbers later changes.
func parseFeed(data []byte) ([]Item, []*Error, error) {
	if t := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), " \t\r\n"); len(t) > 0 && t[0] == '{' {
		return parseJSONFeed(data)
	}
	var items []Item
	var skipped []*Error
	i := 0
	take := func(it Item) error {
		i++
		if i > MaxItems {
			return &Error{Message: fmt.Sprintf("الموجز فيه أكثر من %d خبر", MaxItems)}
		}
		it.tidy()
		if p := it.problem(); p != "" {
			ref := clip(it.GUID, 80)
			if ref == "" {
				ref = fmt.Sprintf("رقم %d", i)
			}
			skipped = append(skipped, &Error{Item: ref, Message: p})
			return nil
		}
		items = append(items, it)
		return nil
	}
	isEntry := func(ancestors []string, name string) bool {
		switch len(ancestors) {
		case 1:
			return (ancestors[0] == "feed" && name == "entry") || (ancestors[0] == "RDF" && name == "item")
		case 2:
			return ancestors[0] == "rss" && ancestors[1] == "channel" && name == "item"
		}
		return false
	}
	root, err := parseXMLUnits(data, isEntry, func(n *node) error {
		if n.name == "entry" {
			return take(atomEntry(n))
		}
		return take(rssItem(n))
	})
	if err != nil {
		return nil, nil, err
	}
	lang := ""
	switch root.name {
	case "rss":
		lang = root.path("channel", "language").textOf()
	case "RDF":
	case "feed":
		lang = root.attr("lang")
	default:
		return nil, nil, &Error{Message: fmt.Sprintf("العنصر الأول <%s> ليس موجز RSS ولا Atom", clip(root.name, 40))}
	}
	for k := range items {
		if items[k].Language == "" {
			items[k].Language = clip(strings.TrimSpace(lang), 35)
		}
	}
	return items, skipped, nil
}

func rssItem(n *node) Item {
	it := Item{
		GUID:     n.child("guid").textOf(),
		Headline: n.child("title").textOf(),
		Link:     n.child("link").textOf(),
		Byline:   n.child("creator").textOf(),
		Language: n.child("language").textOf(),
	}
	if it.Byline == "" {
		it.Byline = n.child("author").textOf()
	}
	if it.GUID == "" {
		it.GUID = n.attr("about")
	}
	if it.GUID == "" {
		it.GUID = it.Link
	}
	it.FirstCreated = parseTime(n.child("pubDate").textOf())
	if it.FirstCreated.IsZero() {
		it.FirstCreated = parseTime(n.child("date").textOf())
	}
	it.VersionCreated = it.FirstCreated
	desc := rawText(n.child("description"))
	if encoded := n.child("encoded"); encoded != nil {
		it.Body = cleanBody(rawText(encoded))
		it.Summary = textOfHTML(desc)
	} else {
		it.Body = cleanBody(desc)
	}
	for _, c := range n.children("category") {
		it.Subjects = append(it.Subjects, c.textOf())
	}
	if !safeLink(it.Link) {
		it.Link = ""
	}
	return it
}

func atomEntry(n *node) Item {
	it := Item{
		GUID:     n.child("id").textOf(),
		Headline: n.child("title").textOf(),
		Byline:   n.path("author", "name").textOf(),
		Language: n.attr("lang"),
	}
	for _, l := range n.children("link") {
		if rel := l.attr("rel"); rel == "" || rel == "alternate" {
			it.Link = l.attr("href")
			break
		}
	}
	it.FirstCreated = parseTime(n.child("published").textOf())
	it.VersionCreated = parseTime(n.child("updated").textOf())
	if it.FirstCreated.IsZero() {
		it.FirstCreated = it.VersionCreated
	}
	it.Body = atomText(n.child("content"))
	it.Summary = textOfHTML(atomText(n.child("summary")))
	if it.Body == "" && it.Summary != "" {
		it.Body, it.Summary = plainParagraphs(it.Summary), ""
	}
	for _, c := range n.children("category") {
		if label := c.attr("label"); label != "" {
			it.Subjects = append(it.Subjects, label)
		} else {
			it.Subjects = append(it.Subjects, c.attr("term"))
		}
	}
	if !safeLink(it.Link) {
		it.Link = ""
	}
	return it
}

// atomText reads an Atom text construct as safe HTML.
func atomText(n *node) string {
	if n == nil {
		return ""
	}
	switch n.attr("type") {
	case "html", "text/html":
		return cleanBody(rawText(n))
	case "xhtml":
		return cleanBody(xmlBodyHTML(n))
	default:
		return plainParagraphs(rawText(n))
	}
}

type jsonFeed struct {
	Version  string `json:"version"`
	Language string `json:"language"`
	Items    []struct {
		ID          json.RawMessage `json:"id"`
		URL         string          `json:"url"`
		Title       string          `json:"title"`
		ContentHTML string          `json:"content_html"`
		ContentText string          `json:"content_text"`
		Summary     string          `json:"summary"`
		Published   string          `json:"date_published"`
		Modified    string          `json:"date_modified"`
		Language    string          `json:"language"`
		Tags        []string        `json:"tags"`
		Author      *struct {
			Name string `json:"name"`
		} `json:"author"`
		Authors []struct {
			Name string `json:"name"`
		} `json:"authors"`
	} `json:"items"`
}

func parseJSONFeed(data []byte) ([]Item, []*Error, error) {
	var f jsonFeed
	if err := json.Unmarshal(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), &f); err != nil {
		return nil, nil, jsonError(data, err)
	}
	if !strings.Contains(f.Version, "jsonfeed.org") {
		return nil, nil, &Error{Message: "ملف JSON بلا version من jsonfeed.org: ليس موجز JSON Feed"}
	}
	if len(f.Items) > MaxItems {
		return nil, nil, &Error{Message: fmt.Sprintf("الموجز فيه %d خبر، والحد %d", len(f.Items), MaxItems)}
	}
	var items []Item
	var skipped []*Error
	for i, e := range f.Items {
		it := Item{GUID: strings.Trim(string(e.ID), `"`), Headline: e.Title, Link: e.URL, Summary: e.Summary,
			Language: e.Language, Subjects: e.Tags}
		if it.Language == "" {
			it.Language = f.Language
		}
		if e.ContentHTML != "" {
			it.Body = cleanBody(e.ContentHTML)
		} else {
			it.Body = plainParagraphs(e.ContentText)
		}
		var names []string
		for _, a := range e.Authors {
			names = append(names, a.Name)
		}
		if len(names) == 0 && e.Author != nil {
			names = append(names, e.Author.Name)
		}
		it.Byline = strings.Join(names, "، ")
		it.FirstCreated, it.VersionCreated = parseTime(e.Published), parseTime(e.Modified)
		if !safeLink(it.Link) {
			it.Link = ""
		}
		it.tidy()
		if p := it.problem(); p != "" {
			skipped = append(skipped, &Error{Item: fmt.Sprintf("رقم %d", i+1), Message: p})
			continue
		}
		items = append(items, it)
	}
	return items, skipped, nil
}

// FeedHub reads the WebSub hub and the self address an RSS or Atom feed
// names (rel="hub", rel="self"), "" when it names none; entries are not
// kept while it reads.
func FeedHub(data []byte) (hub, self string) {
	skip := func(ancestors []string, name string) bool {
		return (len(ancestors) == 1 && (name == "entry" || name == "item")) || (len(ancestors) == 2 && name == "item")
	}
	root, err := parseXMLUnits(data, skip, func(*node) error { return nil })
	if err != nil {
		return "", ""
	}
	links := root.children("link")
	if root.name == "rss" {
		links = root.child("channel").children("link")
	}
	for _, l := range links {
		switch l.attr("rel") {
		case "hub":
			if hub == "" && safeLink(l.attr("href")) {
				hub = l.attr("href")
			}
		case "self":
			if self == "" && safeLink(l.attr("href")) {
				self = l.attr("href")
			}
		}
	}
	return hub, self
}
