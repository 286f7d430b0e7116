package wxr

import (
	"html"
	"io"
	"regexp"
	"sort"
	"strings"

	xhtml "golang.org/x/net/html"
)

// Body turns a post's content as WordPress stores it into the HTML
// WordPress would show (the publish service sanitizes it afterwards):
//
//   - Shortcodes: [caption …]<img …> text[/caption] becomes
//     <figure><img …><figcaption>text</figcaption></figure>;
//     [embed]URL[/embed] a paragraph linking to URL; [gallery], [audio],
//     [video], [playlist] and other shortcodes are removed, keeping the
//     content of enclosing ones; [[x]] is the escaped text [x]. Brackets
//     in prose ("[sic]", "[1]") are not shortcodes: an unknown name is one
//     only with attributes, a closing tag, or a "_" or "-" in it.
//   - wpautop, for classic-editor posts: text separated by blank lines
//     becomes paragraphs, a single newline a <br />, but not inside pre,
//     script, svg and the like, and not around block elements (lists,
//     tables, headings, figures); a lone URL on its own line becomes a
//     paragraph with a link (WordPress would embed it). Block-editor posts
//     (with <!-- wp: --> comments) are HTML already and keep their lines.
//   - Comments, <!--more--> included, are dropped.
func Body(content string) string {
	if strings.TrimSpace(content) == "" {
		return ""
	}
	s := strings.ReplaceAll(content, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	blocks := strings.Contains(s, "<!-- wp:")
	s = expandShortcodes(s)
	return autop(s, !blocks)
}

// unescape decodes HTML entities.
func unescape(s string) string {
	if !strings.Contains(s, "&") {
		return s
	}
	return html.UnescapeString(s)
}

// plainText is the text of an HTML fragment, shortcodes removed, entities
// decoded and spaces collapsed.
func plainText(s string) string {
	if strings.TrimSpace(s) == "" {
		return ""
	}
	if !strings.ContainsAny(s, "<[") {
		return collapse(unescape(s))
	}
	z := xhtml.NewTokenizer(strings.NewReader(expandShortcodes(s)))
	var b strings.Builder
	skip := ""
	for {
		switch tt := z.Next(); tt {
		case xhtml.ErrorToken:
			return collapse(b.String())
		case xhtml.TextToken:
			if skip == "" {
				b.Write(z.Text())
			}
		case xhtml.StartTagToken, xhtml.EndTagToken, xhtml.SelfClosingTagToken:
			name, _ := z.TagName()
			n := string(name)
			switch {
			case n == skip && tt == xhtml.EndTagToken:
				skip = ""
			case (n == "script" || n == "style") && tt == xhtml.StartTagToken:
				skip = n
			}
			if _, block := blocks[n]; block || n == "br" || n == "li" {
				b.WriteByte(' ') // words of two blocks stay apart
			}
		}
	}
}

// Shortcodes.

type scKind uint8

const (
	scRemove scKind = iota
	scCaption
	scEmbed
)

var knownShortcodes = map[string]scKind{
	"caption": scCaption, "wp_caption": scCaption, "embed": scEmbed,
	"gallery": scRemove, "audio": scRemove, "video": scRemove, "playlist": scRemove,
}

const maxShortcodeDepth = 8

type shortcodes struct {
	s       string
	closers map[string][]int // name → positions of "[/name]", ascending
}

func expandShortcodes(s string) string {
	if !strings.Contains(s, "[") {
		return s
	}
	sc := &shortcodes{s: s, closers: indexClosers(s)}
	var b strings.Builder
	b.Grow(len(s))
	sc.expand(&b, 0, len(s), 0)
	return b.String()
}

func isNameByte(c byte, first bool) bool {
	if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' {
		return true
	}
	return !first && ('0' <= c && c <= '9' || c == '_' || c == '-')
}

func indexClosers(s string) map[string][]int {
	m := map[string][]int{}
	for i := 0; i < len(s); {
		j := strings.Index(s[i:], "[/")
		if j < 0 {
			break
		}
		j += i
		k := j + 2
		for k < len(s) && isNameByte(s[k], k == j+2) {
			k++
		}
		if k > j+2 && k < len(s) && s[k] == ']' {
			name := s[j+2 : k]
			m[name] = append(m[name], j)
		}
		i = j + 2
	}
	return m
}

// expand writes s[i:end] with its shortcodes expanded.
func (sc *shortcodes) expand(b *strings.Builder, i, end, depth int) {
	s := sc.s
	for i < end {
		j := strings.IndexByte(s[i:end], '[')
		if j < 0 {
			b.WriteString(s[i:end])
			return
		}
		b.WriteString(s[i : i+j])
		i += j
		if next, ok := sc.one(b, i, end, depth); ok {
			i = next
			continue
		}
		b.WriteByte('[')
		i++
	}
}

// tag is a shortcode found in the text.
type tag struct {
	name, attrs    string
	enclosing      bool
	inner0, inner1 int // its content, when enclosing
	end            int // just after it (and its closing tag)
}

// parse reads the shortcode that starts at s[i] == '['.
func (sc *shortcodes) parse(i, end int) (tag, bool) {
	s := sc.s
	k := i + 1
	for k < end && isNameByte(s[k], k == i+1) {
		k++
	}
	if k == i+1 || k >= end {
		return tag{}, false
	}
	switch s[k] {
	case ']', '/', ' ', '\t', '\n':
	default:
		return tag{}, false
	}
	a := k
	for a < end && s[a] != ']' && s[a] != '[' {
		a++
	}
	if a >= end || s[a] != ']' {
		return tag{}, false
	}
	t := tag{name: s[i+1 : k], attrs: s[k:a], end: a + 1}
	if strings.HasSuffix(t.attrs, "/") {
		t.attrs = strings.TrimSuffix(t.attrs, "/")
		return t, true
	}
	if ps := sc.closers[t.name]; len(ps) > 0 {
		n := sort.SearchInts(ps, t.end)
		if n < len(ps) && ps[n]+len(t.name)+3 <= end {
			t.enclosing, t.inner0, t.inner1 = true, t.end, ps[n]
			t.end = ps[n] + len(t.name) + 3
		}
	}
	return t, true
}

// one expands the shortcode at s[i] == '[', if there is one.
func (sc *shortcodes) one(b *strings.Builder, i, end, depth int) (int, bool) {
	s := sc.s
	if i+1 < end && s[i+1] == '[' { // [[…]] is the text […]
		if t, ok := sc.parse(i+1, end); ok && t.end < end && s[t.end] == ']' {
			b.WriteString(s[i+1 : t.end])
			return t.end + 1, true
		}
		k := i + 2
		for k < end && s[k] != '[' && s[k] != ']' {
			k++
		}
		if k > i+2 && k+1 < end && s[k] == ']' && s[k+1] == ']' {
			b.WriteString(s[i+1 : k+1])
			return k + 2, true
		}
		return 0, false
	}
	if i+1 < end && s[i+1] == '/' { // a stray closing tag of a known shortcode
		k := i + 2
		for k < end && isNameByte(s[k], k == i+2) {
			k++
		}
		if _, known := knownShortcodes[s[i+2:k]]; known && k < end && s[k] == ']' {
			return k + 1, true
		}
		return 0, false
	}
	t, ok := sc.parse(i, end)
	if !ok {
		return 0, false
	}
	kind, known := knownShortcodes[t.name]
	if !known && !t.enclosing && !strings.Contains(t.attrs, "=") && !strings.ContainsAny(t.name, "_-") {
		return 0, false // brackets in prose: "[sic]", "[Reuters]"
	}
	if depth >= maxShortcodeDepth {
		b.WriteString(s[i:t.end])
		return t.end, true
	}
	switch kind {
	case scCaption:
		sc.caption(b, t, depth)
	case scEmbed:
		if t.enclosing {
			embed(b, s[t.inner0:t.inner1])
		}
	default:
		if t.enclosing {
			sc.expand(b, t.inner0, t.inner1, depth+1)
		}
	}
	return t.end, true
}

// captionRE splits a caption's content into the image (maybe linked) and
// the caption text, as WordPress does.
var captionRE = regexp.MustCompile(`(?is)^\s*((?:<a\s[^>]*>\s*)?<img\s[^>]*>(?:\s*</a>)?)(.*)$`)

func (sc *shortcodes) caption(b *strings.Builder, t tag, depth int) {
	var ib strings.Builder
	if t.enclosing {
		sc.expand(&ib, t.inner0, t.inner1, depth+1)
	}
	inner := ib.String()
	text := strings.TrimSpace(shortcodeAttrs(t.attrs)["caption"])
	img := inner
	if text == "" {
		m := captionRE.FindStringSubmatch(inner)
		if m == nil {
			b.WriteString(inner)
			return
		}
		img, text = m[1], strings.TrimSpace(m[2])
	}
	if text == "" {
		b.WriteString(inner)
		return
	}
	b.WriteString("<figure>")
	b.WriteString(strings.TrimSpace(img))
	b.WriteString("<figcaption>")
	b.WriteString(text)
	b.WriteString("</figcaption></figure>")
}

// urlRE is a URL alone, as WordPress auto-embeds it.
var urlRE = regexp.MustCompile(`^https?://[^\s<>"']+$`)

func embed(b *strings.Builder, inner string) {
	u := strings.TrimSpace(inner)
	if !urlRE.MatchString(u) {
		b.WriteString(inner)
		return
	}
	link(b, u)
}

func link(b *strings.Builder, u string) {
	b.WriteString(`<p><a href="`)
	b.WriteString(u)
	b.WriteString(`">`)
	b.WriteString(u)
	b.WriteString("</a></p>\n")
}

var attrRE = regexp.MustCompile(`([\w-]+)\s*=\s*"([^"]*)"(?:\s|$)|([\w-]+)\s*=\s*'([^']*)'(?:\s|$)|([\w-]+)\s*=\s*([^\s'"]+)(?:\s|$)`)

// shortcodeAttrs reads a shortcode's name="value" attributes.
func shortcodeAttrs(s string) map[string]string {
	m := map[string]string{}
	s = strings.NewReplacer("\u00a0", " ", "\u200b", " ").Replace(s)
	for _, a := range attrRE.FindAllStringSubmatch(s, -1) {
		for k := 1; k < len(a); k += 2 {
			if a[k] != "" {
				m[strings.ToLower(a[k])] = a[k+1]
				break
			}
		}
	}
	return m
}

// wpautop.

// ctx is how an element treats the text in it.
type ctx uint8

const (
	cWrap   ctx = iota // the top, blockquote: text runs become paragraphs
	cFlow              // div, li, td, figure…: one run stays bare, several become paragraphs
	cInline            // p, h1, figcaption…: no paragraphs; newlines become <br />
	cStruct            // ul, table, dl…: text kept as it is
	cVoid              // hr, col, area
	cPre               // pre: verbatim
)

// blocks are WordPress's block elements (its $allblocks) and a few more.
var blocks = map[string]ctx{
	"blockquote": cWrap,
	"div":        cFlow, "li": cFlow, "dd": cFlow, "td": cFlow, "th": cFlow, "form": cFlow,
	"section": cFlow, "article": cFlow, "aside": cFlow, "header": cFlow, "footer": cFlow,
	"nav": cFlow, "main": cFlow, "figure": cFlow, "details": cFlow, "address": cFlow, "fieldset": cFlow,
	"p": cInline, "h1": cInline, "h2": cInline, "h3": cInline, "h4": cInline, "h5": cInline, "h6": cInline,
	"dt": cInline, "caption": cInline, "legend": cInline, "figcaption": cInline, "summary": cInline,
	"style": cInline,
	"table": cStruct, "thead": cStruct, "tfoot": cStruct, "tbody": cStruct, "tr": cStruct,
	"colgroup": cStruct, "dl": cStruct, "ul": cStruct, "ol": cStruct, "map": cStruct,
	"hgroup": cStruct, "menu": cStruct,
	"hr": cVoid, "col": cVoid, "area": cVoid,
	"pre": cPre,
}

// verbatim are inline elements whose content autop leaves alone.
var verbatim = map[string]bool{
	"script": true, "svg": true, "math": true, "textarea": true, "object": true,
	"audio": true, "video": true, "iframe": true, "noscript": true, "select": true,
	"xmp": true, "noembed": true, "noframes": true, "title": true,
}

const maxBlockDepth = 256

type pieceKind uint8

const (
	pText pieceKind = iota // text, split on newlines
	pTag                   // an inline tag
	pBr                    // <br>
	pRaw                   // verbatim content
)

type piece struct {
	kind pieceKind
	s    string
	// For text: whether a newline (or the start or end of the content)
	// comes right before and after it in the source.
	nlBefore, nlAfter bool
}

type autopper struct {
	out   strings.Builder
	wp    bool // apply wpautop
	stack []string
	run   []piece
}

// autop applies wpautop (when wp is set) and drops comments.
func autop(s string, wp bool) string {
	a := &autopper{wp: wp}
	a.out.Grow(len(s) + len(s)/8)
	z := xhtml.NewTokenizer(strings.NewReader(s))
	// verbatim regions: inline (kept in the run) and pre (written out)
	var vName string
	vDepth, preDepth := 0, 0
	pos := 0 // of the token in s
	for {
		tt := z.Next()
		if tt == xhtml.ErrorToken {
			if z.Err() != io.EOF {
				break
			}
			if raw := z.Raw(); len(raw) > 0 { // a tag cut by the end
				a.run = append(a.run, piece{kind: pText, s: string(raw)})
			}
			break
		}
		raw := string(z.Raw())
		start := pos
		pos += len(raw)
		var tagName string
		if tt == xhtml.StartTagToken || tt == xhtml.EndTagToken || tt == xhtml.SelfClosingTagToken {
			n, _ := z.TagName()
			tagName = string(n)
		}
		if preDepth > 0 {
			if tt == xhtml.CommentToken {
				continue
			}
			a.out.WriteString(raw)
			if tagName == "pre" {
				switch tt {
				case xhtml.StartTagToken:
					preDepth++
				case xhtml.EndTagToken:
					if preDepth--; preDepth == 0 {
						a.out.WriteByte('\n')
					}
				}
			}
			continue
		}
		if vDepth > 0 {
			if tt == xhtml.CommentToken {
				continue
			}
			a.run = append(a.run, piece{kind: pRaw, s: raw})
			if tagName == vName {
				switch tt {
				case xhtml.StartTagToken:
					vDepth++
				case xhtml.EndTagToken:
					vDepth--
				}
			}
			continue
		}
		switch tt {
		case xhtml.CommentToken, xhtml.DoctypeToken:
			continue
		case xhtml.TextToken:
			a.run = append(a.run, piece{kind: pText, s: raw,
				nlBefore: start == 0 || s[start-1] == '\n', nlAfter: pos == len(s) || s[pos] == '\n'})
			continue
		}
		if tagName == "br" {
			a.run = append(a.run, piece{kind: pBr, s: raw})
			continue
		}
		kind, block := blocks[tagName]
		if !block {
			if verbatim[tagName] && tt == xhtml.StartTagToken {
				vName, vDepth = tagName, 1
				a.run = append(a.run, piece{kind: pRaw, s: raw})
			} else {
				a.run = append(a.run, piece{kind: pTag, s: raw})
			}
			continue
		}
		a.flush()
		a.out.WriteString(raw)
		switch {
		case tt == xhtml.EndTagToken:
			a.out.WriteByte('\n')
			for i := len(a.stack) - 1; i >= 0; i-- {
				if a.stack[i] == tagName {
					a.stack = a.stack[:i]
					break
				}
			}
		case kind == cVoid || tt == xhtml.SelfClosingTagToken:
			a.out.WriteByte('\n')
		case kind == cPre:
			preDepth = 1
		default:
			if n := len(a.stack); n > 0 && (a.stack[n-1] == "p" || a.stack[n-1] == tagName && (tagName == "li" || tagName == "dd" || tagName == "dt")) {
				a.stack = a.stack[:n-1] // an unclosed <p> or <li> ends here, as in HTML
			}
			if len(a.stack) < maxBlockDepth {
				a.stack = append(a.stack, tagName)
			}
		}
	}
	a.flush()
	return strings.TrimSpace(a.out.String())
}

func (a *autopper) context() ctx {
	if len(a.stack) == 0 {
		return cWrap
	}
	return blocks[a.stack[len(a.stack)-1]]
}

// line is a run's line: its pieces, without the newline.
type line []piece

// flush writes the inline run gathered since the last block tag.
func (a *autopper) flush() {
	run := a.run
	a.run = a.run[:0]
	empty := true
	for _, p := range run {
		if p.kind != pText || strings.TrimSpace(p.s) != "" {
			empty = false
			break
		}
	}
	if empty {
		return
	}
	c := a.context()
	if !a.wp { // block-editor HTML: kept as it is, lone URLs linked
		for i, l := range splitLines(run, false) {
			if i > 0 {
				a.out.WriteByte('\n')
			}
			if u := lineURL(l); u != "" {
				a.out.WriteString(`<a href="` + u + `">` + u + `</a>`)
				continue
			}
			for _, p := range l {
				a.out.WriteString(p.s)
			}
		}
		return
	}
	if c == cStruct {
		for _, p := range run {
			a.out.WriteString(p.s)
		}
		a.out.WriteByte('\n')
		return
	}
	lines := splitLines(run, true)
	if c == cInline {
		var content []line
		for _, l := range lines {
			if !blank(l) {
				content = append(content, l)
			}
		}
		a.writeLines(content)
		return
	}
	// Paragraphs: runs of lines between blank lines; a URL alone on its
	// line is a paragraph of its own.
	type para struct {
		lines []line
		url   string
	}
	var paras []para
	var cur []line
	end := func() {
		if len(cur) > 0 {
			paras = append(paras, para{lines: cur})
			cur = nil
		}
	}
	for _, l := range lines {
		switch {
		case blank(l):
			end()
		case lineURL(l) != "":
			end()
			paras = append(paras, para{url: lineURL(l)})
		default:
			cur = append(cur, l)
		}
	}
	end()
	if c == cFlow && len(paras) == 1 && paras[0].url == "" {
		a.writeLines(paras[0].lines)
		return
	}
	for _, p := range paras {
		if p.url != "" {
			link(&a.out, p.url)
			continue
		}
		a.out.WriteString("<p>")
		a.writeLines(p.lines)
		a.out.WriteString("</p>\n")
	}
}

// splitLines cuts a run at its newlines; with brBreaks, <br><br> counts
// as a blank line.
func splitLines(run []piece, brBreaks bool) []line {
	var lines []line
	var cur line
	lastBr := -1 // index in cur of a <br> followed only by spaces
	for _, p := range run {
		switch p.kind {
		case pText:
			s, before := p.s, p.nlBefore
			for {
				i := strings.IndexByte(s, '\n')
				if i < 0 {
					break
				}
				if s[:i] != "" {
					cur = append(cur, piece{kind: pText, s: s[:i], nlBefore: before, nlAfter: true})
				}
				lines = append(lines, cur)
				cur, lastBr, before = nil, -1, true
				s = s[i+1:]
			}
			if s != "" {
				cur = append(cur, piece{kind: pText, s: s, nlBefore: before, nlAfter: p.nlAfter})
				if strings.TrimSpace(s) != "" {
					lastBr = -1
				}
			}
		case pBr:
			if brBreaks && lastBr >= 0 { // <br><br>: a paragraph break
				cur = cur[:lastBr]
				lines = append(lines, cur, nil)
				cur, lastBr = nil, -1
				continue
			}
			lastBr = len(cur)
			cur = append(cur, p)
		default:
			cur = append(cur, p)
			lastBr = -1
		}
	}
	return append(lines, cur)
}

func blank(l line) bool {
	for _, p := range l {
		if p.kind != pText || strings.TrimSpace(p.s) != "" {
			return false
		}
	}
	return true
}

// lineURL is the URL a line of the source holds alone, or "".
func lineURL(l line) string {
	if len(l) != 1 || l[0].kind != pText || !l[0].nlBefore || !l[0].nlAfter {
		return ""
	}
	if u := strings.TrimSpace(l[0].s); urlRE.MatchString(u) {
		return u
	}
	return ""
}

// writeLines writes lines joined by <br /> (none after a line that ends
// with one), trimming the spaces around them.
func (a *autopper) writeLines(lines []line) {
	for i, l := range lines {
		// trim the line's spaces at both ends
		start, end := 0, len(l)
		for start < end && l[start].kind == pText && strings.TrimSpace(l[start].s) == "" {
			start++
		}
		for end > start && l[end-1].kind == pText && strings.TrimSpace(l[end-1].s) == "" {
			end--
		}
		for j := start; j < end; j++ {
			s := l[j].s
			if l[j].kind == pText {
				if j == start {
					s = strings.TrimLeft(s, " \t\f\v")
				}
				if j == end-1 {
					s = strings.TrimRight(s, " \t\f\v")
				}
			}
			a.out.WriteString(s)
		}
		if i < len(lines)-1 {
			if end > start && l[end-1].kind == pBr {
				a.out.WriteByte('\n')
			} else {
				a.out.WriteString("<br />\n")
			}
		}
	}
}
