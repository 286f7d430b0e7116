// Package wxr reads WordPress exports (WXR, "WordPress eXtended RSS",
// versions 1.0 to 1.2) into drafts for the publish service.
//
// Parse reads the whole export before it returns anything: a file that is
// not well-formed XML, or not a WordPress export, gives an *Error naming the
// line and the element, and no drafts at all, so a caller that stores
// nothing on error leaves the site as it was. Items that are well-formed but
// cannot or should not become articles (pages, attachments, menu items,
// trashed posts, auto-drafts, revisions, posts without a title or with a
// date that is not a date) are listed in Export.Skipped with their line and
// the reason, the way the jsonl importer lists bad lines.
//
// What a post becomes:
//   - wp:status publish → published, draft → draft, pending → review,
//     future → scheduled, private → unpublished; a published post with a
//     password is unpublished too (it was not public); trash, auto-draft and
//     inherit are skipped; any other status (a plugin's) becomes a draft.
//   - The date is wp:post_date_gmt. When WordPress left it empty (drafts
//     and pending posts: "0000-00-00 00:00:00"), wp:post_date is read in the
//     site's time zone, learnt from the items that carry both dates (the
//     nearest in time, so daylight saving time is followed), else
//     Options.Location, else UTC; such a draft's TimeSet is false.
//   - The first category (domain "category") is the section: its name as
//     displayed and its nicename, percent-decoded, as the section slug; a
//     post without any category goes to WordPress's default category when
//     the channel declares it ("uncategorized", "غير مصنف"), else to
//     "غير مصنف" (Uncategorized, in Arabic). Tags are the post_tag
//     categories (domain "tag" in WXR 1.0), the first MaxTags of them.
//   - Authors are the display names of the dc:creator logins, from the
//     channel's wp:author entries (else first and last name, else the login).
//   - The slug is wp:post_name, percent-decoded (WordPress stores Arabic
//     slugs percent-encoded). OldPaths hold the path of the permalink
//     (<link>), the "?p=ID" form WordPress also answers, and the permalink
//     with each old slug WordPress remembered (_wp_old_slug), so the site
//     can redirect every old link.
//   - The body is content:encoded as WordPress would show it: paragraphs
//     made from blank lines (wpautop), [caption] as <figure>, [embed] and
//     bare URL lines as links; see Body.
//   - Featured images are KEPT AS REMOTE URLS: _thumbnail_id names an
//     attachment item whose wp:attachment_url becomes Draft.Image.URL
//     (with the attachment's alt text, else its title, else the post's
//     title, and its excerpt as the caption). Nothing is downloaded; images
//     inside bodies keep their URLs too.
//   - Every comment is kept (Draft.Comments) with its moderation status:
//     approved ones are shown under their articles, the others wait in the
//     newsroom's moderation (spam and trash in their own lists).
//   - ExternalID is "wp:" + the site's host (and path, for a site in a
//     folder) + ":" + wp:post_id, so importing the same export again
//     updates the articles instead of duplicating them, and exports of two
//     sites do not collide.
//
// The file is read as a stream (exports run to hundreds of megabytes) but
// what it holds is kept in memory until the end. A file in another
// encoding than UTF-8 (windows-1256, say) is decoded; the C0 control
// characters XML forbids, which WordPress lets into exports, are dropped;
// an element's text may not exceed MaxText.
package wxr

import (
	"bufio"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html/charset"

	"sahafa/news"
)

// Options tells Parse what the export may not.
type Options struct {
	// SiteURL overrides the site's address the export names
	// (wp:base_blog_url, else the channel's link): ExternalIDs, the "?p="
	// old paths and relative attachment URLs are made from it.
	SiteURL string
	// Location is the site's time zone, used for local dates (drafts) when
	// no item of the export carries both a local and a UTC date; nil: UTC.
	Location *time.Location
}

// Export is what a WordPress export holds.
type Export struct {
	Title, Link, Language string // the channel's
	Version               string // wp:wxr_version
	Posts                 []news.Draft
	Pages                 []Page
	// Archives are the old site's category, tag and author pages the
	// posts name, each with one post (ExternalID) that leads to its new
	// home: that post's section, tag or author once stored.
	Archives []Archive
	Skipped  []Skip
	// Counts for the import summary: the authors, categories and tags the
	// channel declares together with those the imported posts use (each
	// counted once), the attachment items, and the comments kept.
	Authors, Categories, Tags, Attachments, Comments int
}

// Skip is an item that was not imported, and why.
type Skip struct {
	Line   int    // where the <item> starts
	Ref    string // post type, ID and title: `page 2 "About"`
	Reason string
}

func (s Skip) String() string { return fmt.Sprintf("line %d: %s: %s", s.Line, s.Ref, s.Reason) }

// Error is a file that is not well-formed XML or not a WordPress export.
type Error struct {
	Line    int
	Element string // as written, with its prefix: "item", "wp:post_id"
	Msg     string
}

func (e *Error) Error() string {
	if e.Element == "" {
		return fmt.Sprintf("line %d: %s", e.Line, e.Msg)
	}
	return fmt.Sprintf("line %d: <%s>: %s", e.Line, e.Element, e.Msg)
}

// Limits.
const (
	// MaxText bounds one element's text (a post's content, a meta value).
	MaxText = 32 << 20
	// maxToken bounds what the XML decoder may read for one token.
	maxToken = MaxText + 64<<10
	// maxDepth bounds the nesting of elements inside a channel's child.
	maxDepth = 64
	// MaxTags is the number of tags an article may have; a post's further
	// tags are dropped.
	MaxTags = news.MaxTags
)

// Uncategorized is the section of a post that has no category: the name
// WordPress gives its default category in Arabic.
const Uncategorized = "غير مصنف"

// Source is Draft.Source for every post.
const Source = "wordpress"

// ns tells the namespaces WordPress writes apart.
type ns uint8

const (
	nsNone    ns = iota // RSS's own elements
	nsWP                // http://wordpress.org/export/1.x/
	nsExcerpt           // http://wordpress.org/export/1.x/excerpt/
	nsContent           // http://purl.org/rss/1.0/modules/content/
	nsDC                // http://purl.org/dc/elements/1.1/
	nsWFW               // http://wellformedweb.org/CommentAPI/
	nsOther
)

var nsPrefix = [...]string{"", "wp:", "excerpt:", "content:", "dc:", "wfw:", ""}

// wpNS matches the export namespaces of every WXR version.
var wpNS = regexp.MustCompile(`^https?://wordpress\.org/export/\d+\.\d+/?(excerpt/?)?$`)

// kindOf classifies a namespace URI. A prefix that was never declared
// comes through as the prefix itself; hand-edited exports lose their
// xmlns attributes, so the usual prefixes count as their namespaces.
func kindOf(space string) ns {
	switch space {
	case "":
		return nsNone
	case "http://purl.org/rss/1.0/modules/content/", "content":
		return nsContent
	case "http://purl.org/dc/elements/1.1/", "dc":
		return nsDC
	case "http://wellformedweb.org/CommentAPI/", "wfw":
		return nsWFW
	case "wp", "http://wordpress.org/export/1.2/", "http://wordpress.org/export/1.1/", "http://wordpress.org/export/1.0/":
		return nsWP
	case "excerpt", "http://wordpress.org/export/1.2/excerpt/", "http://wordpress.org/export/1.1/excerpt/", "http://wordpress.org/export/1.0/excerpt/":
		return nsExcerpt
	}
	if !strings.Contains(space, "wordpress.org/export/") {
		return nsOther
	}
	if m := wpNS.FindStringSubmatch(space); m != nil {
		if m[1] != "" {
			return nsExcerpt
		}
		return nsWP
	}
	return nsOther
}

// node is an element of a channel's child, with its text.
type node struct {
	ns    ns
	local string
	line  int
	attrs []xml.Attr
	text  string // the text of an element without children
	kids  []*node
}

func (n *node) is(k ns, local string) bool { return n.ns == k && n.local == local }

// child returns the text of the first child k:local, and whether there is one.
func (n *node) child(k ns, local string) (string, bool) {
	if c := n.find(k, local); c != nil {
		return c.text, true
	}
	return "", false
}

func (n *node) find(k ns, local string) *node {
	for _, c := range n.kids {
		if c.is(k, local) {
			return c
		}
	}
	return nil
}

func (n *node) get(k ns, local string) string {
	s, _ := n.child(k, local)
	return strings.TrimSpace(s)
}

func (n *node) attr(local string) string {
	for _, a := range n.attrs {
		if a.Name.Local == local && (a.Name.Space == "" || kindOf(a.Name.Space) != nsOther) {
			return a.Value
		}
	}
	return ""
}

// reader filters the input under the decoder's buffer: it drops the C0
// control characters XML 1.0 forbids (WordPress exports carry them when a
// post held them; they are invisible and would stop the import), and it
// counts the bytes read since the decoder's last token, so that a token
// growing past maxToken fails instead of filling memory.
type reader struct {
	r   io.Reader
	n   int // bytes read since the last token
	err error
}

var errTooLong = errors.New("too long")

func (r *reader) Read(p []byte) (int, error) {
	if r.n > maxToken+readBuf {
		return 0, errTooLong
	}
	n, err := r.r.Read(p)
	k := 0
	for i := 0; i < n; i++ {
		b := p[i]
		if b < 0x20 && b != '\t' && b != '\n' && b != '\r' {
			continue
		}
		p[k] = b
		k++
	}
	r.n += n
	if k == 0 && n > 0 && err == nil {
		return r.Read(p) // only control characters: read on
	}
	return k, err
}

const readBuf = 256 << 10

// open is an element being read, for error messages.
type open struct {
	name xml.Name
	line int
}

type parser struct {
	opts Options
	in   *reader
	dec  *xml.Decoder
	// stack holds the open elements.
	stack []open

	sawRSS, sawChannel bool
	rssLine, chanLine  int
	version            string
	title, link, lang  string
	baseSite, baseBlog string
	authors            map[string]string // login → name
	authorOrder        []string
	catNames           map[string]string // nicename → name
	termIDs            map[string]string // "category:" or "post_tag:" + decoded slug → wp:term_id, for /?cat= links
	defaultCat         [2]string         // WordPress's Uncategorized, as the export names it
	declaredCats       []string
	declaredTags       []string
	items              []*item
	attachments        map[string]*item // post_id → attachment
	attachmentCount    int
	zoneSamples        []zoneSample

	// Bodies are converted by workers while the decoder reads on.
	jobs    chan *item
	workers sync.WaitGroup
}

// convert has a post's body and excerpt converted in the background.
func (p *parser) convert(it *item) {
	if p.jobs == nil {
		p.jobs = make(chan *item, 256)
		for range max(1, runtime.GOMAXPROCS(0)-1) {
			p.workers.Go(func() {
				for it := range p.jobs {
					it.body, it.abstract = Body(it.content), plainText(it.excerpt)
					it.content, it.excerpt = "", ""
				}
			})
		}
	}
	p.jobs <- it
}

// wait waits for the bodies being converted.
func (p *parser) wait() {
	if p.jobs != nil {
		close(p.jobs)
		p.workers.Wait()
		p.jobs = nil
	}
}

// Parse reads a whole WXR export and returns what it holds, or an error
// naming the element and line of the first problem (*Error for a file that
// is not well-formed XML or not a WordPress export). It reads the whole
// file before returning anything, so a caller that stores nothing on error
// leaves the site as it was. A file declaring an encoding other than
// UTF-8 (such as windows-1256) is decoded.
func Parse(r io.Reader, opts Options) (*Export, error) {
	p := &parser{
		opts:        opts,
		in:          &reader{r: r},
		authors:     map[string]string{},
		catNames:    map[string]string{},
		termIDs:     map[string]string{},
		attachments: map[string]*item{},
	}
	p.dec = xml.NewDecoder(bufio.NewReaderSize(p.in, readBuf))
	p.dec.Strict = true
	p.dec.Entity = xml.HTMLEntity // &nbsp; and the like, which WordPress lets through
	p.dec.CharsetReader = charset.NewReaderLabel
	err := p.read()
	p.wait()
	if err != nil {
		return nil, err
	}
	return p.build(), nil
}

// name is how an element is written, for messages.
func name(n xml.Name) string {
	k := kindOf(n.Space)
	if k == nsNone || k == nsOther {
		return n.Local
	}
	return nsPrefix[k] + n.Local
}

func (p *parser) line() int {
	l, _ := p.dec.InputPos()
	return max(l, 1)
}

// token reads the next token, keeping the stack of open elements. The
// CharData it returns is only valid until the next call.
func (p *parser) token() (xml.Token, error) {
	p.in.n = 0
	tok, err := p.dec.Token()
	if err != nil {
		return nil, p.fail(err)
	}
	switch t := tok.(type) {
	case xml.StartElement:
		p.stack = append(p.stack, open{t.Name, p.line()})
	case xml.EndElement:
		if len(p.stack) > 0 {
			p.stack = p.stack[:len(p.stack)-1]
		}
	}
	return tok, nil
}

func (p *parser) current() string {
	if len(p.stack) == 0 {
		return "rss"
	}
	return name(p.stack[len(p.stack)-1].name)
}

// fail turns a decoder error into an *Error (io.EOF stays io.EOF).
func (p *parser) fail(err error) error {
	if err == io.EOF {
		if len(p.stack) > 0 {
			top := p.stack[len(p.stack)-1]
			return &Error{p.line(), name(top.name), fmt.Sprintf("the file ends before </%s> (opened on line %d): is it cut short?", name(top.name), top.line)}
		}
		return io.EOF
	}
	var se *xml.SyntaxError
	switch {
	case errors.As(err, &se):
		msg := se.Msg
		if strings.HasPrefix(msg, "unexpected EOF") && len(p.stack) > 0 {
			top := p.stack[len(p.stack)-1]
			msg = fmt.Sprintf("the file ends inside <%s> (opened on line %d): is it cut short?", name(top.name), top.line)
		} else {
			msg = "not well-formed XML: " + msg
		}
		return &Error{max(se.Line, 1), p.current(), msg}
	case errors.Is(err, errTooLong):
		return &Error{p.line(), p.current(), fmt.Sprintf("a text or tag longer than %d MiB", MaxText>>20)}
	case strings.Contains(err.Error(), "CharsetReader"), strings.Contains(err.Error(), "charset"):
		return &Error{p.line(), "xml", "unsupported encoding: " + err.Error()}
	}
	return &Error{p.line(), p.current(), "reading the file: " + err.Error()}
}

func (p *parser) read() error {
	for {
		tok, err := p.token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		start, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		line := p.stack[len(p.stack)-1].line
		switch depth := len(p.stack); {
		case depth == 1:
			if p.sawRSS {
				return &Error{line, name(start.Name), "not well-formed XML: a second document element after </rss>"}
			}
			if start.Name.Local != "rss" {
				return &Error{line, name(start.Name), fmt.Sprintf("not a WordPress export: the document is <%s>, not <rss>", name(start.Name))}
			}
			p.sawRSS, p.rssLine = true, line
		case depth == 2 && start.Name.Local == "channel" && kindOf(start.Name.Space) == nsNone:
			p.sawChannel = true
			if p.chanLine == 0 {
				p.chanLine = line
			}
		default: // a channel's child, or an unknown child of <rss>
			n, err := p.readNode(start, line)
			if err != nil {
				return err
			}
			if depth == 3 && p.stack[1].name.Local == "channel" && kindOf(p.stack[1].name.Space) == nsNone {
				if err := p.channelChild(n); err != nil {
					return err
				}
			}
		}
	}
	switch {
	case !p.sawRSS:
		return &Error{p.line(), "rss", "not a WordPress export: no <rss> element"}
	case !p.sawChannel:
		return &Error{p.rssLine, "rss", "not a WordPress export: <rss> has no <channel>"}
	case p.version == "":
		return &Error{p.chanLine, "channel", "not a WordPress export: no <wp:wxr_version> (WordPress names the WXR version, such as 1.2, in every export)"}
	}
	return nil
}

// readNode reads the element start opened, with its children, up to its
// end tag.
func (p *parser) readNode(start xml.StartElement, line int) (*node, error) {
	root := &node{ns: kindOf(start.Name.Space), local: start.Name.Local, line: line, attrs: start.Attr}
	path := []*node{root}
	for len(path) > 0 {
		tok, err := p.token()
		if err != nil {
			if err == io.EOF {
				err = p.fail(io.EOF)
			}
			return nil, err
		}
		cur := path[len(path)-1]
		switch t := tok.(type) {
		case xml.StartElement:
			if len(path) >= maxDepth {
				return nil, &Error{p.line(), name(t.Name), fmt.Sprintf("elements nested more than %d deep", maxDepth)}
			}
			n := &node{ns: kindOf(t.Name.Space), local: t.Name.Local, line: p.line(), attrs: t.Attr}
			cur.kids = append(cur.kids, n)
			cur.text = "" // WXR has no mixed content: the spaces between children
			path = append(path, n)
		case xml.EndElement:
			path = path[:len(path)-1]
		case xml.CharData:
			if len(cur.kids) > 0 {
				continue
			}
			if len(cur.text)+len(t) > MaxText {
				return nil, &Error{cur.line, p.current(), fmt.Sprintf("text longer than %d MiB", MaxText>>20)}
			}
			if cur.text == "" {
				cur.text = string(t)
			} else {
				cur.text += string(t)
			}
		}
	}
	return root, nil
}

var versionRE = regexp.MustCompile(`^\d+\.\d+$`)

func (p *parser) channelChild(n *node) error {
	switch n.ns {
	case nsNone:
		switch n.local {
		case "title":
			if p.title == "" {
				p.title = collapse(unescape(n.text))
			}
		case "link":
			if p.link == "" {
				p.link = strings.TrimSpace(n.text)
			}
		case "language":
			if p.lang == "" {
				p.lang = strings.TrimSpace(n.text)
			}
		case "item":
			p.item(n)
		}
	case nsWP:
		switch n.local {
		case "wxr_version":
			v := strings.TrimSpace(n.text)
			if !versionRE.MatchString(v) {
				return &Error{n.line, "wp:wxr_version", fmt.Sprintf("not a WXR version: %q (WordPress writes a number such as 1.2)", clip(v))}
			}
			if p.version == "" {
				p.version = v
			}
		case "base_site_url":
			p.baseSite = strings.TrimSpace(n.text)
		case "base_blog_url":
			p.baseBlog = strings.TrimSpace(n.text)
		case "author":
			login := n.get(nsWP, "author_login")
			if login == "" {
				return nil
			}
			disp := collapse(unescape(n.get(nsWP, "author_display_name")))
			if disp == "" {
				disp = collapse(unescape(n.get(nsWP, "author_first_name") + " " + n.get(nsWP, "author_last_name")))
			}
			if _, ok := p.authors[login]; !ok {
				p.authorOrder = append(p.authorOrder, login)
			}
			if disp != "" || p.authors[login] == "" {
				p.authors[login] = disp
			}
		case "category":
			p.declareCategory(n.get(nsWP, "category_nicename"), n.get(nsWP, "cat_name"))
			p.termIDs["category:"+decodeSlug(n.get(nsWP, "category_nicename"))] = strings.TrimSpace(n.get(nsWP, "term_id"))
		case "tag":
			p.declaredTags = append(p.declaredTags, termKey("", n.get(nsWP, "tag_name")))
		case "term":
			switch n.get(nsWP, "term_taxonomy") {
			case "category":
				p.declareCategory(n.get(nsWP, "term_slug"), n.get(nsWP, "term_name"))
				p.termIDs["category:"+decodeSlug(n.get(nsWP, "term_slug"))] = strings.TrimSpace(n.get(nsWP, "term_id"))
			case "post_tag":
				p.declaredTags = append(p.declaredTags, termKey("", n.get(nsWP, "term_name")))
			}
		}
	}
	return nil
}

func (p *parser) declareCategory(nicename, catName string) {
	slug := decodeSlug(nicename)
	catName = collapse(unescape(catName))
	if slug != "" && catName != "" {
		p.catNames[slug] = catName
		if p.defaultCat[0] == "" && (slug == "uncategorized" || slug == "غير-مصنف" || catName == Uncategorized) {
			p.defaultCat = [2]string{catName, slug}
		}
	}
	p.declaredCats = append(p.declaredCats, termKey(slug, catName))
}

// termKey identifies a category (by slug) or tag (by name) for the counts.
func termKey(slug, name string) string {
	if slug = decodeSlug(slug); slug != "" {
		return "s:" + slug
	}
	return "n:" + strings.ToLower(collapse(unescape(name)))
}

// item is what an <item> says, as written.
type item struct {
	line                    int
	title, link, creator    string
	content, excerpt        string
	body, abstract          string // converted, for posts
	id, name, status, typ   string
	password, attachmentURL string
	guid, parent            string // parent: the post an attachment belongs to
	date, dateGMT           string
	dateLine, dateGMTLine   int
	hasID, hasType          bool
	cats                    []category
	thumbnailID, imageAlt   string
	oldSlugs                []string
	comments                []comment
}

type category struct {
	domain, nicename, name string
}

type comment struct {
	id, parent, author, email, url string
	date, dateGMT                  string
	content, approved, typ         string
}

// Fields of an item, for "the first occurrence wins".
const (
	fTitle uint32 = 1 << iota
	fLink
	fGUID
	fCreator
	fContent
	fExcerpt
	fID
	fName
	fStatus
	fType
	fPassword
	fAttachmentURL
	fDate
	fDateGMT
	fParent
)

// item reads an <item> into p.items (and p.attachments).
func (p *parser) item(n *node) {
	it := &item{line: n.line}
	var seen uint32 // the fields already read: the first occurrence wins
	first := func(f uint32) bool {
		if seen&f != 0 {
			return false
		}
		seen |= f
		return true
	}
	for _, c := range n.kids {
		text := c.text
		switch c.ns {
		case nsNone:
			switch c.local {
			case "title":
				if first(fTitle) {
					it.title = text
				}
			case "link":
				if first(fLink) {
					it.link = strings.TrimSpace(text)
				}
			case "guid":
				if first(fGUID) {
					it.guid = strings.TrimSpace(text)
				}
			case "category":
				it.cats = append(it.cats, category{domain: c.attr("domain"), nicename: c.attr("nicename"), name: text})
			}
		case nsDC:
			if c.local == "creator" && first(fCreator) {
				it.creator = strings.TrimSpace(text)
			}
		case nsContent:
			if c.local == "encoded" && first(fContent) {
				it.content = text
			}
		case nsExcerpt:
			if c.local == "encoded" && first(fExcerpt) {
				it.excerpt = text
			}
		case nsWP:
			text = strings.TrimSpace(text)
			switch c.local {
			case "postmeta":
				key, value := c.get(nsWP, "meta_key"), c.get(nsWP, "meta_value")
				switch key {
				case "_thumbnail_id":
					if it.thumbnailID == "" {
						it.thumbnailID = value
					}
				case "_wp_attachment_image_alt":
					if it.imageAlt == "" {
						it.imageAlt = value
					}
				case "_wp_old_slug":
					if value != "" {
						it.oldSlugs = append(it.oldSlugs, value)
					}
				}
			case "comment":
				it.comments = append(it.comments, comment{
					id: c.get(nsWP, "comment_id"), parent: c.get(nsWP, "comment_parent"),
					author: c.get(nsWP, "comment_author"), email: c.get(nsWP, "comment_author_email"),
					url: c.get(nsWP, "comment_author_url"), date: c.get(nsWP, "comment_date"),
					dateGMT: c.get(nsWP, "comment_date_gmt"), content: c.get(nsWP, "comment_content"),
					approved: c.get(nsWP, "comment_approved"), typ: c.get(nsWP, "comment_type"),
				})
			case "post_id":
				if first(fID) {
					it.id, it.hasID = text, true
				}
			case "post_name":
				if first(fName) {
					it.name = text
				}
			case "status":
				if first(fStatus) {
					it.status = text
				}
			case "post_type":
				if first(fType) {
					it.typ, it.hasType = text, true
				}
			case "post_password":
				if first(fPassword) {
					it.password = text
				}
			case "attachment_url":
				if first(fAttachmentURL) {
					it.attachmentURL = text
				}
			case "post_parent":
				if first(fParent) {
					it.parent = text
				}
			case "post_date":
				if first(fDate) {
					it.date, it.dateLine = text, c.line
				}
			case "post_date_gmt":
				if first(fDateGMT) {
					it.dateGMT, it.dateGMTLine = text, c.line
				}
			}
		}
	}
	p.sample(it.date, it.dateGMT)
	for _, c := range it.comments {
		p.sample(c.date, c.dateGMT)
	}
	if it.typ == "post" || it.typ == "page" {
		p.convert(it)
	}
	if it.typ == "attachment" {
		p.attachmentCount++
		if _, dup := p.attachments[it.id]; it.id != "" && !dup {
			p.attachments[it.id] = it
		}
	}
	p.items = append(p.items, it)
}

// zoneSample is the site's UTC offset at a local time.
type zoneSample struct {
	local  time.Time // the wall clock read as UTC
	offset time.Duration
}

func (p *parser) sample(local, gmt string) {
	l, lok := parseDate(local)
	g, gok := parseDate(gmt)
	if !lok || !gok || l.IsZero() || g.IsZero() {
		return
	}
	off := l.Sub(g)
	if off < -14*time.Hour || off > 14*time.Hour || off%time.Minute != 0 {
		return
	}
	p.zoneSamples = append(p.zoneSamples, zoneSample{l, off})
}

const dateLayout = "2006-01-02 15:04:05"

// parseDate reads a WordPress date; "" and "0000-00-00 00:00:00" (no
// date) give the zero time and ok.
func parseDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if s == "" || strings.HasPrefix(s, "0000-00-00") {
		return time.Time{}, true
	}
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return time.Time{}, false
	}
	return t, true
}

// build turns what was read into drafts.
func (p *parser) build() *Export {
	ex := &Export{Title: p.title, Link: p.link, Language: p.lang, Version: p.version, Attachments: p.attachmentCount}
	site := p.siteURL()
	host, basePath := siteKey(site)
	sort.Slice(p.zoneSamples, func(i, j int) bool { return p.zoneSamples[i].local.Before(p.zoneSamples[j].local) })

	authors := map[string]bool{}
	for _, login := range p.authorOrder {
		authors[login] = true
	}
	cats, tags := map[string]bool{}, map[string]bool{}
	for _, k := range p.declaredCats {
		cats[k] = true
	}
	for _, k := range p.declaredTags {
		tags[k] = true
	}
	ids := map[string]int{} // post_id → line of the post that has it
	archives := archiveSet{seen: map[string]bool{}}
	var attachments []*item
	for _, it := range p.items {
		ref := it.ref()
		skip := func(reason string) { ex.Skipped = append(ex.Skipped, Skip{it.line, ref, reason}) }
		switch {
		case !it.hasType || it.typ == "":
			skip("no <wp:post_type>: not a WordPress item")
			continue
		case it.typ == "attachment":
			skip("an attachment: its URL is kept for the posts it illustrates, not imported as an article")
			attachments = append(attachments, it)
			continue
		case it.typ == "page":
			if pg, reason := p.page(it, basePath); reason != "" {
				skip(reason)
			} else {
				pg.Comments = p.comments(it.comments)
				ex.Comments += len(pg.Comments)
				ex.Pages = append(ex.Pages, pg)
			}
			continue
		case it.typ != "post":
			skip(fmt.Sprintf("a %s, not a post or a page (only those are imported)", typeName(it.typ)))
			continue
		}
		status, skipReason := mapStatus(it.status, it.password)
		if skipReason != "" {
			skip(skipReason)
			continue
		}
		id := it.id
		if _, err := strconv.ParseUint(id, 10, 64); err != nil {
			if !it.hasID || id == "" {
				skip("no <wp:post_id>")
			} else {
				skip(fmt.Sprintf("<wp:post_id> is not a number: %q", clip(id)))
			}
			continue
		}
		// WordPress publishes posts without a title or a text; readers
		// may have reached them, so they come too, flagged in their
		// history for an editor.
		var flags []string
		title := cleanTitle(it.title)
		if !visible(title) {
			title = firstWords(plainText(it.body), untitledWords)
			if title == "" {
				title = "منشور بلا عنوان رقم " + id
			}
			flags = append(flags, "كان المنشور في ووردبريس بلا عنوان، فصار عنوانه أول كلماته: راجِع العنوان.")
		}
		empty := !visible(plainText(it.body)) && !visible(it.abstract) && !strings.Contains(it.body, "<img")
		if empty {
			flags = append(flags, "كان المنشور في ووردبريس بلا نص.")
		}
		if l, dup := ids[id]; dup {
			skip(fmt.Sprintf("the same <wp:post_id> %s as the post on line %d", id, l))
			continue
		}
		published, timeSet, reason := p.postDate(it, status)
		if reason != "" {
			skip(reason)
			continue
		}
		ids[id] = it.line
		d := news.Draft{
			ExternalID:  "wp:" + host + ":" + id,
			SourceURL:   it.link,
			Source:      Source,
			Slug:        decodeSlug(it.name),
			Title:       title,
			Abstract:    it.abstract,
			Body:        it.body,
			PublishedAt: published,
			TimeSet:     timeSet,
			Status:      status,
			AllowEmpty:  empty,
		}
		if len(flags) > 0 {
			d.Event = &news.Event{Action: news.ActionCreate, From: status, To: status, Note: strings.Join(flags, " ")}
		}
		d.SectionName, d.SectionSlug = p.section(it.cats)
		cats[termKey(d.SectionSlug, d.SectionName)] = true
		for _, c := range it.cats {
			if c.domain != "post_tag" && c.domain != "tag" {
				continue
			}
			t := collapse(unescape(c.name))
			if t == "" || slices.Contains(d.Tags, t) {
				continue
			}
			tags[termKey("", t)] = true
			if len(d.Tags) < MaxTags {
				d.Tags = append(d.Tags, t)
			}
		}
		if it.creator != "" {
			authors[it.creator] = true
			name := p.authors[it.creator]
			if name == "" {
				name = collapse(it.creator)
			}
			d.Authors = []string{name}
		}
		archives.add(it, d, basePath, p.termIDs)
		d.Image = p.image(it, title, site)
		d.OldPaths = oldPaths(it, basePath)
		d.Comments = p.comments(it.comments)
		ex.Comments += len(d.Comments)
		ex.Posts = append(ex.Posts, d)
	}
	ex.Authors, ex.Categories, ex.Tags = len(authors), len(cats), len(tags)
	// An attachment's page (its <link>, /?attachment_id=) leads to the
	// post it belongs to.
	posts := map[string]string{}
	for _, d := range ex.Posts {
		if i := strings.LastIndexByte(d.ExternalID, ':'); i >= 0 {
			posts[d.ExternalID[i+1:]] = d.ExternalID
		}
	}
	for _, it := range attachments {
		post, ok := posts[it.parent]
		if !ok || it.parent == "0" {
			continue
		}
		for _, old := range oldPaths(it, basePath) {
			if strings.Contains(old, "/?p=") {
				old = strings.Replace(old, "/?p=", "/?attachment_id=", 1)
			}
			if key := strings.ToLower(old); !archives.seen[key] {
				archives.seen[key] = true
				archives.list = append(archives.list, Archive{Path: old, Kind: "attachment", Post: post})
			}
		}
	}
	ex.Archives = archives.list
	return ex
}

// archiveSet collects the old site's archive pages, once each.
type archiveSet struct {
	seen map[string]bool
	list []Archive
}

// add records the archives of a post's section category, its tags and its
// author (WordPress's default addresses: /category/…/, /tag/…/,
// /author/…/).
func (as *archiveSet) add(it *item, d news.Draft, basePath string, termIDs map[string]string) {
	put := func(kind, part, slug, name string) {
		if strings.ContainsAny(slug, "/?#") || decodeSlug(slug) == "" {
			return
		}
		path := basePath + "/" + part + "/" + slug + "/"
		if key := strings.ToLower(path); !as.seen[key] {
			as.seen[key] = true
			as.list = append(as.list, Archive{Path: path, Kind: kind, Name: name, Post: d.ExternalID})
		}
	}
	// WordPress's plain links: /?cat=ID (the term's id) and /?tag=slug,
	// recorded as the site's pages ask for them (web's wordPressKey).
	query := func(kind, key, value, name string) {
		if value == "" || basePath != "" {
			return
		}
		path := "/?" + key + "=" + url.QueryEscape(value)
		if !as.seen[path] {
			as.seen[path] = true
			as.list = append(as.list, Archive{Path: path, Kind: kind, Name: name, Post: d.ExternalID})
		}
	}
	for _, c := range it.cats {
		switch {
		case c.domain == "category" && decodeSlug(c.nicename) == d.SectionSlug && d.SectionSlug != "":
			put("section", "category", c.nicename, "")
			if id := termIDs["category:"+decodeSlug(c.nicename)]; id != "" && id != "0" {
				query("section", "cat", id, "")
			}
		case (c.domain == "post_tag" || c.domain == "tag") && c.nicename != "":
			put("tag", "tag", c.nicename, collapse(unescape(c.name)))
			query("tag", "tag", decodeSlug(c.nicename), collapse(unescape(c.name)))
		}
	}
	if it.creator != "" && len(d.Authors) > 0 {
		put("author", "author", it.creator, d.Authors[0])
	}
}

// Archive is a list page of the old site.
type Archive struct {
	Path string // "/category/local-news/", "/tag/…/", "/author/login/", an attachment's page
	Kind string // "section", "tag", "author" or "attachment"
	Name string // the tag's or author's name (a section is the post's own)
	Post string // ExternalID of a post it lists
}

// Page is a WordPress page, for one of the site's static pages.
type Page struct {
	Line int
	Ref  string // as Skip's
	// Page has Slug, Title and Body (HTML as WordPress would show it, not
	// yet sanitized).
	Page news.Page
	// OldPaths are the page's addresses on the old site: its link,
	// /?page_id= and /?p=.
	OldPaths []string
	Untitled bool // it had no title: its first words are its title
	// Comments are the page's, as a post's (approved ones are shown
	// under it; readers add theirs to articles only).
	Comments []news.Comment
}

// page makes a published page into a Page, or tells why it is skipped:
// Sahafa's static pages are public, so drafts, private and
// password-protected pages stay behind.
func (p *parser) page(it *item, basePath string) (Page, string) {
	switch {
	case it.status == "trash" || it.status == "auto-draft" || it.status == "inherit":
		_, reason := mapStatus(it.status, "")
		return Page{}, reason
	case it.status != "publish":
		return Page{}, fmt.Sprintf("a page that is not public (status %q): Sahafa's pages are; add it in the newsroom when it is ready", clip(it.status))
	case it.password != "":
		return Page{}, "a password-protected page: Sahafa's pages are public"
	}
	if _, err := strconv.ParseUint(it.id, 10, 64); err != nil {
		return Page{}, fmt.Sprintf("<wp:post_id> is not a number: %q", clip(it.id))
	}
	pg := Page{Line: it.line, Ref: it.ref()}
	title := cleanTitle(it.title)
	if !visible(title) {
		title = firstWords(plainText(it.body), untitledWords)
		if title == "" {
			title = "صفحة بلا عنوان رقم " + it.id
		}
		pg.Untitled = true
	}
	pg.Page = news.Page{Title: title, Slug: decodeSlug(it.name), Body: it.body}
	pg.OldPaths = oldPaths(it, basePath)
	for _, q := range []string{"/?page_id=", "/?p="} {
		if old := basePath + q + it.id; !slices.Contains(pg.OldPaths, old) {
			pg.OldPaths = append(pg.OldPaths, old)
		}
	}
	return pg, ""
}

func (it *item) ref() string {
	typ := it.typ
	if typ == "" {
		typ = "item"
	}
	ref := typ
	if it.id != "" {
		ref += " " + clip(it.id)
	}
	if t := cleanTitle(it.title); t != "" {
		ref += " " + strconv.Quote(clip(t))
	}
	return ref
}

func typeName(t string) string {
	switch t {
	case "page":
		return "page"
	case "nav_menu_item":
		return "menu item (nav_menu_item)"
	case "revision":
		return "revision"
	}
	return fmt.Sprintf("%q item", clip(t))
}

// mapStatus maps wp:status to a workflow status, or tells why the post is
// skipped.
func mapStatus(s, password string) (news.Status, string) {
	switch s {
	case "publish":
		if password != "" {
			return news.StatusUnpublished, ""
		}
		return news.StatusPublished, ""
	case "future":
		return news.StatusScheduled, ""
	case "draft", "":
		return news.StatusDraft, ""
	case "pending":
		return news.StatusReview, ""
	case "private":
		return news.StatusUnpublished, ""
	case "trash":
		return "", "in the trash"
	case "auto-draft":
		return "", "an auto-draft WordPress saved by itself"
	case "inherit":
		return "", "a revision (status inherit)"
	}
	return news.StatusDraft, ""
}

// postDate finds a post's publication time; reason is set when a date is
// not a date.
func (p *parser) postDate(it *item, status news.Status) (t time.Time, set bool, reason string) {
	gmt, ok := parseDate(it.dateGMT)
	if !ok {
		return t, false, fmt.Sprintf("<wp:post_date_gmt> on line %d: not a date: %q", it.dateGMTLine, clip(it.dateGMT))
	}
	if !gmt.IsZero() {
		return gmt, true, ""
	}
	local, ok := parseDate(it.date)
	if !ok {
		return t, false, fmt.Sprintf("<wp:post_date> on line %d: not a date: %q", it.dateLine, clip(it.date))
	}
	if local.IsZero() {
		return t, false, ""
	}
	// A draft's or pending post's date is when it was last saved, not a
	// chosen publication time.
	return p.toUTC(local), status != news.StatusDraft && status != news.StatusReview, ""
}

// toUTC reads a wall-clock time (parsed as UTC) in the site's time zone.
func (p *parser) toUTC(local time.Time) time.Time {
	if s := p.zoneSamples; len(s) > 0 {
		i := sort.Search(len(s), func(i int) bool { return !s[i].local.Before(local) })
		best := i
		if i == len(s) || i > 0 && local.Sub(s[i-1].local) < s[i].local.Sub(local) {
			best = i - 1
		}
		return local.Add(-s[best].offset)
	}
	if p.opts.Location != nil {
		y, mo, d := local.Date()
		h, mi, sec := local.Clock()
		return time.Date(y, mo, d, h, mi, sec, 0, p.opts.Location).UTC()
	}
	return local
}

// section is the first category's name and slug.
func (p *parser) section(cats []category) (string, string) {
	pick := -1
	for i, c := range cats {
		if c.domain == "category" && (collapse(unescape(c.name)) != "" || decodeSlug(c.nicename) != "") {
			pick = i
			break
		}
	}
	if pick < 0 { // WXR before 1.0 wrote categories without a domain
		for i, c := range cats {
			if c.domain == "" && collapse(unescape(c.name)) != "" {
				pick = i
				break
			}
		}
	}
	if pick < 0 {
		if p.defaultCat[0] != "" {
			return p.defaultCat[0], p.defaultCat[1]
		}
		return Uncategorized, ""
	}
	c := cats[pick]
	nm, slug := collapse(unescape(c.name)), decodeSlug(c.nicename)
	if nm == "" {
		nm = p.catNames[slug]
	}
	if slug == "" {
		for s, n := range p.catNames {
			if n == nm && (slug == "" || s < slug) {
				slug = s
			}
		}
	}
	if nm == "" {
		nm = slug
	}
	return nm, slug
}

// image is a post's featured image, kept as the remote URL.
func (p *parser) image(it *item, title, site string) *news.Image {
	if it.thumbnailID == "" {
		return nil
	}
	a := p.attachments[it.thumbnailID]
	if a == nil {
		return nil
	}
	raw := a.attachmentURL
	if raw == "" {
		raw = a.guid
	}
	u := absURL(raw, site)
	if u == "" {
		return nil
	}
	alt := collapse(unescape(a.imageAlt))
	if !visible(alt) {
		alt = cleanTitle(a.title)
	}
	if !visible(alt) {
		alt = title
	}
	return &news.Image{URL: u, Alt: alt, Caption: plainText(a.excerpt)}
}

// absURL resolves raw against the site and keeps it only when it is an
// http(s) URL.
func absURL(raw, site string) string {
	raw = strings.TrimSpace(unescape(raw))
	u, err := url.Parse(raw)
	if err != nil || raw == "" {
		return ""
	}
	if !u.IsAbs() && site != "" {
		if b, err := url.Parse(site); err == nil {
			u = b.ResolveReference(u)
		}
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

// siteURL is the address of the site the export comes from.
func (p *parser) siteURL() string {
	for _, s := range []string{p.opts.SiteURL, p.baseBlog, p.link, p.baseSite} {
		if s = strings.TrimSpace(s); s != "" {
			return s
		}
	}
	return ""
}

// siteKey is the site's host (and folder) for ExternalIDs, and its folder
// for the "?p=" paths.
func siteKey(site string) (key, basePath string) {
	u, err := url.Parse(site)
	if err != nil {
		return "", ""
	}
	if u.Host == "" && u.Scheme == "" && !strings.HasPrefix(site, "/") { // "example.com"
		if v, err := url.Parse("http://" + site); err == nil {
			u = v
		}
	}
	basePath = strings.TrimRight(u.EscapedPath(), "/")
	return strings.ToLower(u.Host) + basePath, basePath
}

// oldPaths are the paths WordPress answered for a post.
var doubleSlashes = regexp.MustCompile(`//+`)

func oldPaths(it *item, basePath string) []string {
	var out []string
	add := func(p string) {
		if p != "" && p != "/" && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	var linkPath string
	if u, err := url.Parse(it.link); err == nil && it.link != "" {
		// "//greek/x/" is asked for as /greek/x/ (net/http cleans it).
		linkPath = doubleSlashes.ReplaceAllString(u.EscapedPath(), "/")
		if linkPath == "" && u.RawQuery != "" {
			linkPath = "/"
		}
		if u.RawQuery != "" {
			add(linkPath + "?" + u.RawQuery)
		} else {
			add(linkPath)
		}
	}
	add(basePath + "/?p=" + it.id)
	if linkPath == "" || it.name == "" {
		return out
	}
	trimmed := strings.TrimSuffix(linkPath, "/")
	slash := strings.TrimPrefix(linkPath, trimmed)
	i := strings.LastIndexByte(trimmed, '/')
	if i < 0 || !strings.EqualFold(decodeSlug(trimmed[i+1:]), decodeSlug(it.name)) {
		return out
	}
	for _, old := range it.oldSlugs {
		if decodeSlug(old) == "" || strings.ContainsAny(old, "/?#") {
			continue
		}
		add(trimmed[:i+1] + encodeSlug(old) + slash)
	}
	return out
}

// encodeSlug writes a slug as WordPress puts it in a URL.
func encodeSlug(s string) string {
	d := decodeSlug(s)
	return strings.ToLower(strings.ReplaceAll(url.PathEscape(d), "%2F", "/"))
}

// comments keeps every comment of a post — spam and trashed ones, pingbacks
// and trackbacks too — with its moderation status, so that nothing the old
// site held is lost and moderators see what they saw there.
func (p *parser) comments(cs []comment) []news.Comment {
	var out []news.Comment
	for _, c := range cs {
		if strings.TrimSpace(c.content) == "" {
			continue
		}
		at, _ := parseDate(c.dateGMT)
		if at.IsZero() {
			if local, ok := parseDate(c.date); ok && !local.IsZero() {
				at = p.toUTC(local)
			}
		}
		nc := news.Comment{
			ExternalID:  c.id,
			Author:      collapse(unescape(c.author)),
			AuthorEmail: c.email,
			AuthorURL:   c.url,
			At:          at,
			Text:        strings.TrimSpace(c.content),
			Status:      commentStatus(c.approved),
		}
		if c.parent != "0" {
			nc.ParentID = c.parent
		}
		out = append(out, nc)
	}
	return out
}

// commentStatus maps WordPress's comment_approved onto a status: "1"
// approved, "spam", "trash" and "post-trashed" (the post went to the
// trash), anything else waiting for moderation.
func commentStatus(approved string) news.CommentStatus {
	switch approved {
	case "1", "approve":
		return news.CommentApproved
	case "spam":
		return news.CommentSpam
	case "trash", "post-trashed":
		return news.CommentTrash
	}
	return news.CommentPending
}

// decodeSlug percent-decodes a WordPress slug; one that does not decode to
// UTF-8 is kept as written.
func decodeSlug(s string) string {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "%") {
		return s
	}
	d, err := url.PathUnescape(s)
	if err != nil || !utf8.ValidString(d) {
		return s
	}
	return d
}

// cleanTitle is a title as text: HTML entities decoded, tags dropped,
// spaces collapsed; bidi controls stay (the publish service strips them).
func cleanTitle(s string) string {
	if strings.Contains(s, "<") && strings.Contains(s, ">") {
		return plainText(s)
	}
	return collapse(unescape(s))
}

// untitledWords is how many of its first words an untitled post's title
// is made of.
const untitledWords = 8

// firstWords is the first n words of text, with "…" when there were more.
func firstWords(text string, n int) string {
	words := strings.Fields(text)
	if len(words) <= n {
		return strings.Join(words, " ")
	}
	return strings.Join(words[:n], " ") + "…"
}

// visible reports whether s holds something to read: not only spaces and
// invisible format characters.
func visible(s string) bool {
	for _, r := range s {
		if !unicode.IsSpace(r) && !unicode.Is(unicode.Cf, r) && r != utf8.RuneError {
			return true
		}
	}
	return false
}

// collapse trims s and turns runs of white space into one space.
func collapse(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

func clip(s string) string {
	if utf8.RuneCountInString(s) <= 60 {
		return s
	}
	return string([]rune(s)[:60]) + "…"
}
