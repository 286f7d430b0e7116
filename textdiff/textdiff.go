// Package textdiff owns the comparison of two revisions of an article's
// text (headline, abstract, Markdown body) for editors: a word-level diff
// that keeps every byte of both texts, its HTML form and its word counts.
package textdiff

import (
	"html/template"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// Op says what a chunk does to the first text.
type Op int

const (
	Equal  Op = iota // in both texts
	Insert           // only in the second
	Delete           // only in the first
)

func (o Op) String() string {
	switch o {
	case Equal:
		return "Equal"
	case Insert:
		return "Insert"
	case Delete:
		return "Delete"
	}
	return "Op(?)"
}

// Chunk is a run of text with one Op.
type Chunk struct {
	Op   Op
	Text string
}

// Words returns the word-level diff of a and b: the Equal and Delete
// chunks in order spell a, the Equal and Insert chunks spell b, byte for
// byte. Adjacent chunks never share an Op, and none is empty.
func Words(a, b string) []Chunk {
	if a == b {
		if a == "" {
			return nil
		}
		return []Chunk{{Equal, a}}
	}
	var tt tokenTable
	ra, okA := tt.encode(a)
	rb, okB := tt.encode(b)
	if !okA || !okB {
		// More distinct tokens than runes to stand for them: a text no one
		// reads word by word.
		return merge([]Chunk{{Delete, a}, {Insert, b}})
	}
	// The timeout bounds pathological inputs; articles finish far sooner,
	// so their diffs do not depend on the machine's load.
	dmp := diffmatchpatch.New()
	diffs := dmp.DiffMainRunes(ra, rb, false)

	segs := make([]segment, 0, len(diffs))
	for _, d := range diffs {
		s := segment{op: Equal}
		switch d.Type {
		case diffmatchpatch.DiffInsert:
			s.op = Insert
		case diffmatchpatch.DiffDelete:
			s.op = Delete
		}
		for _, r := range d.Text {
			s.toks = append(s.toks, tt.tokens[runeIndex(r)])
		}
		segs = append(segs, s)
	}
	segs = slideEdits(segs)
	return merge(joinReplacements(segs))
}

// segment is a diff run still as tokens.
type segment struct {
	op   Op
	toks []string
}

func (s segment) text() string { return strings.Join(s.toks, "") }

// tokenTable gives every distinct token a rune, so that diffmatchpatch
// compares tokens as it compares characters (its DiffLinesToChars
// technique, applied to words).
type tokenTable struct {
	ids    map[string]rune
	tokens []string
}

// maxTokens is how many runes there are to stand for tokens: all of
// Unicode but the surrogates, which do not survive a trip through string.
const maxTokens = utf8.MaxRune + 1 - 0x800

func (tt *tokenTable) encode(s string) ([]rune, bool) {
	if tt.ids == nil {
		tt.ids = map[string]rune{}
	}
	var out []rune
	for tok := range tokens(s) {
		r, ok := tt.ids[tok]
		if !ok {
			if len(tt.tokens) >= maxTokens {
				return nil, false
			}
			r = indexRune(len(tt.tokens))
			tt.ids[tok] = r
			tt.tokens = append(tt.tokens, tok)
		}
		out = append(out, r)
	}
	return out, true
}

func indexRune(i int) rune {
	if i >= 0xD800 {
		return rune(i + 0x800)
	}
	return rune(i)
}

func runeIndex(r rune) int {
	if r >= 0xE000 {
		return int(r) - 0x800
	}
	return int(r)
}

// slideEdits moves each lone insertion or deletion along the equal text
// around it, where that spells the same texts, to the place a reader
// expects: "…الريفية.<ins> وتشمل الخطة…</ins>" rather than
// "…الريفية<ins>. وتشمل الخطة…</ins>.".
func slideEdits(segs []segment) []segment {
	// Equal segments at both ends, even empty, give every edit a place on
	// either side to slide into.
	if len(segs) > 0 && segs[0].op != Equal {
		segs = append([]segment{{op: Equal}}, segs...)
	}
	if len(segs) > 0 && segs[len(segs)-1].op != Equal {
		segs = append(segs, segment{op: Equal})
	}
	for i := 1; i+1 < len(segs); i++ {
		prev, x, next := segs[i-1].toks, segs[i].toks, segs[i+1].toks
		if segs[i].op == Equal || segs[i-1].op != Equal || segs[i+1].op != Equal {
			continue // an equality, or part of a replacement
		}
		all := make([]string, 0, len(prev)+len(x)+len(next))
		all = append(all, prev...)
		all = append(all, x...)
		all = append(all, next...)
		m := len(x)
		// An equality may only vanish at either end of the text: anywhere
		// else the edit would run into the next one.
		minP, maxP := 1, len(all)-m-1
		if i == 1 {
			minP = 0
		}
		if i+2 == len(segs) {
			maxP = len(all) - m
		}
		p := len(prev)
		for p > minP && all[p-1] == all[p+m-1] {
			p--
		}
		best, bestScore := p, -1
		for {
			if sc := edgeScore(all, p) + edgeScore(all, p+m); sc >= bestScore {
				best, bestScore = p, sc
			}
			if p >= maxP || all[p] != all[p+m] {
				break
			}
			p++
		}
		segs[i-1].toks = all[:best]
		segs[i].toks = all[best : best+m]
		segs[i+1].toks = all[best+m:]
	}
	out := segs[:0]
	for _, s := range segs {
		if len(s.toks) > 0 {
			out = append(out, s)
		}
	}
	return out
}

// edgeScore rates an edit boundary before all[i]: the ends of the text,
// then line breaks, then ends of sentences, then spaces.
func edgeScore(all []string, i int) int {
	if i == 0 || i == len(all) {
		return 4
	}
	l, r := all[i-1], all[i]
	switch {
	case strings.ContainsAny(l, "\n\r") || strings.ContainsAny(r, "\n\r"):
		return 3
	case isSentenceEnd(l):
		return 2
	case isSpace(l) || isSpace(r):
		return 1
	}
	return 0
}

func isSentenceEnd(tok string) bool {
	switch tok {
	case ".", "!", "?", "؟", "…", ":", ";", "؛", "۔":
		return true
	}
	return false
}

func isSpace(tok string) bool {
	r, _ := utf8.DecodeRuneInString(tok)
	return unicode.IsSpace(r)
}

// joinReplacements turns "<del>a</del><ins>x</ins> <del>b</del><ins>y</ins>"
// into "<del>a b</del><ins>x y</ins>": a space alone between two replaced
// words is read as part of the replaced phrase.
func joinReplacements(segs []segment) []Chunk {
	type run struct {
		equal    bool
		eq       string
		del, ins strings.Builder
	}
	var runs []*run
	for _, s := range segs {
		if s.op == Equal {
			runs = append(runs, &run{equal: true, eq: s.text()})
			continue
		}
		if len(runs) == 0 || runs[len(runs)-1].equal {
			runs = append(runs, &run{})
		}
		last := runs[len(runs)-1]
		if s.op == Delete {
			last.del.WriteString(s.text())
		} else {
			last.ins.WriteString(s.text())
		}
	}
	replacement := func(r *run) bool { return !r.equal && r.del.Len() > 0 && r.ins.Len() > 0 }
	var out []Chunk
	for i := 0; i < len(runs); i++ {
		r := runs[i]
		if r.equal {
			out = append(out, Chunk{Equal, r.eq})
			continue
		}
		for i+2 < len(runs) && replacement(r) && replacement(runs[i+2]) && isInlineSpace(runs[i+1].eq) {
			r.del.WriteString(runs[i+1].eq)
			r.del.WriteString(runs[i+2].del.String())
			r.ins.WriteString(runs[i+1].eq)
			r.ins.WriteString(runs[i+2].ins.String())
			i += 2
		}
		out = append(out, Chunk{Delete, r.del.String()}, Chunk{Insert, r.ins.String()})
	}
	return out
}

// isInlineSpace reports whether s is spaces within one line.
func isInlineSpace(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if !unicode.IsSpace(r) || r == '\n' || r == '\r' {
			return false
		}
	}
	return true
}

// merge drops empty chunks and joins neighbours with the same Op.
func merge(chunks []Chunk) []Chunk {
	out := chunks[:0]
	for _, c := range chunks {
		if c.Text == "" {
			continue
		}
		if n := len(out); n > 0 && out[n-1].Op == c.Op {
			out[n-1].Text += c.Text
			continue
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// HTML returns the diff of a and b as escaped text, deletions in <del> and
// insertions in <ins>. Line breaks stay "\n": the page shows it in a
// pre-wrap block.
func HTML(a, b string) template.HTML {
	var sb strings.Builder
	sb.Grow(len(a) + len(b)/4 + 64)
	for _, c := range Words(a, b) {
		switch c.Op {
		case Insert:
			sb.WriteString("<ins>")
			sb.WriteString(template.HTMLEscapeString(c.Text))
			sb.WriteString("</ins>")
		case Delete:
			sb.WriteString("<del>")
			sb.WriteString(template.HTMLEscapeString(c.Text))
			sb.WriteString("</del>")
		default:
			sb.WriteString(template.HTMLEscapeString(c.Text))
		}
	}
	return template.HTML(sb.String()) // #nosec G203 -- every piece of text is escaped above
}

// Stats counts the words inserted and deleted by chunks.
func Stats(chunks []Chunk) (inserted, deleted int) {
	for _, c := range chunks {
		if c.Op == Equal {
			continue
		}
		n := 0
		for tok := range tokens(c.Text) {
			if r, _ := utf8.DecodeRuneInString(tok); isWordRune(r) {
				n++
			}
		}
		if c.Op == Insert {
			inserted += n
		} else {
			deleted += n
		}
	}
	return inserted, deleted
}
