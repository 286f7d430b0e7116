package postgres

import (
	"strconv"
	"strings"

	"sahafa/news"
)

// PostgreSQL's tsvector limits (tsearch/ts_type.h): positions run to
// 16383, and to_tsvector keeps at most 255 positions of a lexeme.
const (
	maxEntryPos = 1<<14 - 1
	maxNumPos   = 255
)

// vectorLiteral is the tsvector of an article's analyzed title and body,
// as text: what setweight(to_tsvector('simple', title), 'A') ||
// setweight(to_tsvector('simple', body), 'B') computes (body positions
// follow the title's last one). It is built here because the server
// parses the literal in about a third of the time its text parser takes,
// and the server's CPU is what limits an import. The words are those
// indexText and the query side use, so the index holds exactly the
// lexemes queries ask for. A word repeated more than 255 times keeps its
// first 255 positions.
func vectorLiteral(title, body string) string {
	type lexeme struct {
		word string
		pos  []int // position<<2 | weight (3 = A, 2 = B), ascending
	}
	var order []*lexeme
	byWord := map[string]*lexeme{}
	add := func(text string, weight, shift int) (last int) {
		n := 0
		words(text, func(w string) {
			n++
			p := min(min(n, maxEntryPos)+shift, maxEntryPos)
			last = p
			l := byWord[w]
			if l == nil {
				l = &lexeme{word: w}
				byWord[w] = l
				order = append(order, l)
			}
			if k := len(l.pos); k < maxNumPos && (k == 0 || l.pos[k-1]>>2 != p) {
				l.pos = append(l.pos, p<<2|weight)
			}
		})
		return last
	}
	add(body, 2, add(title, 3, 0))

	var b strings.Builder
	for i, l := range order {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(quoteLexeme(l.word))
		for j, p := range l.pos {
			if j == 0 {
				b.WriteByte(':')
			} else {
				b.WriteByte(',')
			}
			b.WriteString(strconv.Itoa(p >> 2))
			if p&3 == 3 {
				b.WriteByte('A')
			} else {
				b.WriteByte('B')
			}
		}
	}
	return b.String()
}

// searchVector is the search_vector of an article: vectorLiteral, and the
// hidden lexeme when readers may not see the article.
func searchVector(title, body string, status news.Status) string {
	v := vectorLiteral(title, body)
	if status == news.StatusPublished {
		return v
	}
	if v == "" {
		return hiddenVector
	}
	return v + " " + hiddenVector
}
