package feed

import (
	"encoding/json"
	"encoding/xml"
	"io"
	"time"

	"sahafa/news"
)

// The namespaces the feeds use.
const (
	nsAtom    = "http://www.w3.org/2005/Atom"
	nsContent = "http://purl.org/rss/1.0/modules/content/"
	nsDC      = "http://purl.org/dc/elements/1.1/"
	nsMedia   = "http://search.yahoo.com/mrss/"
)

// writeXML writes the XML declaration and v, indented.
func writeXML(w io.Writer, v any) error {
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", " ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// RSS 2.0, with the Atom (rel=self), content (full text), Dublin Core
// (authors by name: RSS's own <author> wants an email address) and Media
// RSS (lead image) modules. The prefixed names are written as they are:
// encoding/xml has no other way to choose a prefix.

type rssDoc struct {
	XMLName   xml.Name   `xml:"rss"`
	Version   string     `xml:"version,attr"`
	NSAtom    string     `xml:"xmlns:atom,attr"`
	NSContent string     `xml:"xmlns:content,attr"`
	NSDC      string     `xml:"xmlns:dc,attr"`
	NSMedia   string     `xml:"xmlns:media,attr"`
	Channel   rssChannel `xml:"channel"`
}

type rssChannel struct {
	Title         string     `xml:"title"`
	Link          string     `xml:"link"`
	Description   string     `xml:"description"`
	Language      string     `xml:"language"`
	LastBuildDate string     `xml:"lastBuildDate"`
	Generator     string     `xml:"generator"`
	Links         []atomLink `xml:"atom:link"` // self, then the WebSub hubs
	Items         []rssItem  `xml:"item"`
}

type rssItem struct {
	Title       string     `xml:"title"`
	Link        string     `xml:"link"`
	GUID        rssGUID    `xml:"guid"`
	PubDate     string     `xml:"pubDate"`
	Creators    []string   `xml:"dc:creator"`
	Categories  []string   `xml:"category"`
	Description string     `xml:"description"`
	Content     string     `xml:"content:encoded,omitempty"`
	Media       *rssMedia  `xml:"media:content"`
	Thumbnail   *rssThumbs `xml:"media:thumbnail"`
}

type rssGUID struct {
	IsPermaLink string `xml:"isPermaLink,attr"`
	Value       string `xml:",chardata"`
}

type rssMedia struct {
	URL         string        `xml:"url,attr"`
	Medium      string        `xml:"medium,attr"`
	Type        string        `xml:"type,attr,omitempty"`
	Width       int           `xml:"width,attr,omitempty"`
	Height      int           `xml:"height,attr,omitempty"`
	Description *rssMediaText `xml:"media:description"`
}

type rssThumbs struct {
	URL string `xml:"url,attr"`
}

type rssMediaText struct {
	Type  string `xml:"type,attr"`
	Value string `xml:",chardata"`
}

// rssTime is RFC 822 as RSS 2.0 wants it, with a four-digit year.
func rssTime(t time.Time) string { return t.UTC().Format(time.RFC1123Z) }

// WriteRSS writes an RSS 2.0 feed of articles, in the order given (newest
// first).
func WriteRSS(w io.Writer, f Feed, articles []news.Article) error {
	items := f.items(articles)
	doc := rssDoc{
		Version: "2.0", NSAtom: nsAtom, NSContent: nsContent, NSDC: nsDC, NSMedia: nsMedia,
		Channel: rssChannel{
			Title:         Text(f.Title),
			Link:          f.Link,
			Description:   Text(f.Description),
			Language:      f.language(),
			LastBuildDate: rssTime(f.updated(items)),
			Generator:     generator,
			Links:         append([]atomLink{{Href: f.Self, Rel: "self", Type: "application/rss+xml"}}, f.hubLinks()...),
			Items:         make([]rssItem, 0, len(items)),
		},
	}
	if doc.Channel.Description == "" {
		doc.Channel.Description = doc.Channel.Title // required
	}
	for _, it := range items {
		ri := rssItem{
			Title:       it.title,
			Link:        it.url,
			GUID:        rssGUID{IsPermaLink: "true", Value: it.url},
			PubDate:     rssTime(it.published),
			Categories:  it.categories,
			Description: it.summary,
			Content:     it.content,
		}
		for _, a := range it.authors {
			ri.Creators = append(ri.Creators, a.name)
		}
		if im := it.image; im != nil {
			ri.Media = &rssMedia{URL: im.url, Medium: "image", Type: im.typ, Width: im.width, Height: im.height}
			if im.alt != "" {
				ri.Media.Description = &rssMediaText{Type: "plain", Value: im.alt}
			}
			ri.Thumbnail = &rssThumbs{URL: im.url}
		}
		doc.Channel.Items = append(doc.Channel.Items, ri)
	}
	return writeXML(w, doc)
}

// Atom 1.0 (RFC 4287).

type atomFeed struct {
	XMLName   xml.Name      `xml:"http://www.w3.org/2005/Atom feed"`
	Lang      string        `xml:"http://www.w3.org/XML/1998/namespace lang,attr"`
	ID        string        `xml:"id"`
	Title     atomText      `xml:"title"`
	Subtitle  *atomText     `xml:"subtitle"`
	Updated   string        `xml:"updated"`
	Links     []atomLink    `xml:"link"`
	Author    *atomPerson   `xml:"author"`
	Generator atomGenerator `xml:"generator"`
	Entries   []atomEntry   `xml:"entry"`
}

type atomText struct {
	Type  string `xml:"type,attr"`
	Value string `xml:",chardata"`
}

type atomLink struct {
	Href   string `xml:"href,attr"`
	Rel    string `xml:"rel,attr,omitempty"`
	Type   string `xml:"type,attr,omitempty"`
	Title  string `xml:"title,attr,omitempty"`
	Length string `xml:"length,attr,omitempty"`
}

type atomPerson struct {
	Name string `xml:"name"`
	URI  string `xml:"uri,omitempty"`
}

type atomGenerator struct {
	Value string `xml:",chardata"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

type atomEntry struct {
	ID         string         `xml:"id"`
	Title      atomText       `xml:"title"`
	Links      []atomLink     `xml:"link"`
	Published  string         `xml:"published"`
	Updated    string         `xml:"updated"`
	Authors    []atomPerson   `xml:"author"`
	Categories []atomCategory `xml:"category"`
	Summary    *atomText      `xml:"summary"`
	Content    *atomText      `xml:"content"`
}

func atomTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// WriteAtom writes an Atom 1.0 feed of articles, in the order given.
func WriteAtom(w io.Writer, f Feed, articles []news.Article) error {
	items := f.items(articles)
	id := f.Self
	if id == "" {
		id = f.Link
	}
	doc := atomFeed{
		Lang:      f.language(),
		ID:        id,
		Title:     atomText{Type: "text", Value: Text(f.Title)},
		Updated:   atomTime(f.updated(items)),
		Links:     []atomLink{{Href: f.Link, Rel: "alternate", Type: "text/html"}},
		Generator: atomGenerator{Value: generator},
		Entries:   make([]atomEntry, 0, len(items)),
	}
	if f.Self != "" {
		doc.Links = append(doc.Links, atomLink{Href: f.Self, Rel: "self", Type: "application/atom+xml"})
	}
	doc.Links = append(doc.Links, f.hubLinks()...)
	if d := Text(f.Description); d != "" {
		doc.Subtitle = &atomText{Type: "text", Value: d}
	}
	if p := Text(f.Publisher); p != "" {
		// Entries without a byline take the feed's author (RFC 4287 4.1.1).
		doc.Author = &atomPerson{Name: p, URI: f.BaseURL + "/"}
	}
	for _, it := range items {
		e := atomEntry{
			ID:         it.url,
			Title:      atomText{Type: "text", Value: it.title},
			Links:      []atomLink{{Href: it.url, Rel: "alternate", Type: "text/html"}},
			Published:  atomTime(it.published),
			Updated:    atomTime(it.updated),
			Categories: make([]atomCategory, 0, len(it.categories)),
		}
		for _, a := range it.authors {
			e.Authors = append(e.Authors, atomPerson{Name: a.name, URI: a.url})
		}
		for _, c := range it.categories {
			e.Categories = append(e.Categories, atomCategory{Term: c})
		}
		if im := it.image; im != nil {
			e.Links = append(e.Links, atomLink{Href: im.url, Rel: "enclosure", Type: im.typ, Title: im.alt})
		}
		if it.summary != "" {
			e.Summary = &atomText{Type: "text", Value: it.summary}
		}
		if it.content != "" {
			e.Content = &atomText{Type: "html", Value: it.content}
		}
		doc.Entries = append(doc.Entries, e)
	}
	return writeXML(w, doc)
}

// JSON Feed 1.1 (https://jsonfeed.org/version/1.1).

type jsonFeed struct {
	Version     string       `json:"version"`
	Title       string       `json:"title"`
	HomePageURL string       `json:"home_page_url,omitempty"`
	FeedURL     string       `json:"feed_url,omitempty"`
	Description string       `json:"description,omitempty"`
	Language    string       `json:"language"`
	Authors     []jsonAuthor `json:"authors,omitempty"`
	Hubs        []jsonHub    `json:"hubs,omitempty"`
	Items       []jsonItem   `json:"items"`
}

type jsonHub struct {
	Type string `json:"type"`
	URL  string `json:"url"`
}

type jsonAuthor struct {
	Name string `json:"name"`
	URL  string `json:"url,omitempty"`
}

type jsonItem struct {
	ID            string       `json:"id"`
	URL           string       `json:"url"`
	Title         string       `json:"title"`
	ContentHTML   string       `json:"content_html,omitempty"`
	ContentText   string       `json:"content_text,omitempty"`
	Summary       string       `json:"summary,omitempty"`
	Image         string       `json:"image,omitempty"`
	DatePublished string       `json:"date_published"`
	DateModified  string       `json:"date_modified"`
	Authors       []jsonAuthor `json:"authors,omitempty"`
	Tags          []string     `json:"tags,omitempty"`
	Language      string       `json:"language,omitempty"`
}

// WriteJSON writes a JSON Feed 1.1 of articles, in the order given. An
// item carries content_html when the feed is Full, else its summary as
// content_text (one of the two is required).
func WriteJSON(w io.Writer, f Feed, articles []news.Article) error {
	items := f.items(articles)
	doc := jsonFeed{
		Version:     "https://jsonfeed.org/version/1.1",
		Title:       Text(f.Title),
		HomePageURL: f.Link,
		FeedURL:     f.Self,
		Description: Text(f.Description),
		Hubs:        f.jsonHubs(),
		Language:    f.language(),
		Items:       make([]jsonItem, 0, len(items)),
	}
	if p := Text(f.Publisher); p != "" {
		doc.Authors = []jsonAuthor{{Name: p, URL: f.BaseURL + "/"}}
	}
	for _, it := range items {
		ji := jsonItem{
			ID:            it.url,
			URL:           it.url,
			Title:         it.title,
			Summary:       it.summary,
			DatePublished: atomTime(it.published),
			DateModified:  atomTime(it.updated),
			Tags:          it.categories,
		}
		if it.content != "" {
			ji.ContentHTML = it.content
		} else {
			ji.ContentText = it.summary
			if ji.ContentText == "" {
				ji.ContentText = it.title
			}
		}
		if it.image != nil {
			ji.Image = it.image.url
		}
		for _, a := range it.authors {
			ji.Authors = append(ji.Authors, jsonAuthor{Name: a.name, URL: a.url})
		}
		doc.Items = append(doc.Items, ji)
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	return enc.Encode(doc)
}

// hubLinks are the feed's WebSub hubs as links (rel="hub").
func (f *Feed) hubLinks() []atomLink {
	var out []atomLink
	for _, h := range f.Hubs {
		out = append(out, atomLink{Href: h, Rel: "hub"})
	}
	return out
}

func (f *Feed) jsonHubs() []jsonHub {
	var out []jsonHub
	for _, h := range f.Hubs {
		out = append(out, jsonHub{Type: "WebSub", URL: h})
	}
	return out
}
