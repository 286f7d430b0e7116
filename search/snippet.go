package search

import (
	"html"
	"strings"
	"unicode/utf8"

	"sahafa/arabic"
)

// Highlight returns text as HTML with every word whose analyzed term is in
// terms wrapped in <mark>. The marked words are the original text — the
// reader's spelling with its hamzas and diacritics — found through the
// analyzer's offsets, never the normalized form.
func Highlight(text string, terms map[string]bool) string {
	return markRange(text, arabic.Analyze(text), terms, 0, len(text))
}

// Snippet returns an HTML excerpt of about maxWords words of text around
// its densest cluster of matched terms, with the matches marked, and "…"
// where the excerpt cuts the text. With no match it is the opening words.
func Snippet(text string, terms map[string]bool, maxWords int) string {
	if maxWords < 1 {
		maxWords = 30
	}
	// Only the opening of a long text is searched for the window: a match
	// past it still shows the story's first words, and every result of a
	// page stays cheap to draw.
	cut := false
	if len(text) > snippetScanBytes {
		i := strings.LastIndexAny(text[:snippetScanBytes], " \n")
		if i <= 0 {
			i = snippetScanBytes
			for i > 0 && !utf8.RuneStart(text[i]) {
				i--
			}
		}
		text, cut = text[:i], true
	}
	words := arabic.Tokenize(text)
	if len(words) == 0 {
		return ""
	}
	toks := arabic.Analyze(text)
	// A window near the end starts earlier so that it still holds maxWords
	// words.
	first := max(0, min(bestWindow(toks, terms, maxWords), len(words)-maxWords))
	last := min(first+maxWords, len(words)) - 1
	start, end := words[first].Start, words[last].End
	if first == 0 {
		start = 0
	}
	if last == len(words)-1 {
		end = len(text)
	} else {
		// Keep the punctuation that closes the last word, but not the next
		// word when it follows that punctuation without a space.
		next := words[last+1].Start
		if i := strings.IndexAny(text[end:next], " \n"); i > 0 && i <= 3 {
			end += i
		} else if i < 0 && next-end <= 3 {
			end = next
		}
	}
	var b strings.Builder
	if first > 0 {
		b.WriteString("… ")
	}
	b.WriteString(strings.TrimSpace(markRange(text, toks, terms, start, end)))
	if last < len(words)-1 || cut {
		b.WriteString(" …")
	}
	return b.String()
}

// snippetScanBytes bounds the text Snippet analyzes (about 1,500 words).
const snippetScanBytes = 12 << 10

// bestWindow returns the word position that starts the window of maxWords
// words holding the most distinct matched terms (the earliest on ties).
func bestWindow(toks []arabic.Token, terms map[string]bool, maxWords int) int {
	var hits []arabic.Token
	for _, t := range toks {
		if terms[t.Term] {
			hits = append(hits, t)
		}
	}
	if len(hits) == 0 {
		return 0
	}
	bestStart, bestEnd, bestScore := hits[0].Pos, hits[0].Pos, 0
	for i := range hits {
		distinct := map[string]bool{}
		end := hits[i].Pos
		for j := i; j < len(hits) && hits[j].Pos < hits[i].Pos+maxWords; j++ {
			distinct[hits[j].Term] = true
			end = hits[j].Pos
		}
		if len(distinct) > bestScore {
			bestScore, bestStart, bestEnd = len(distinct), hits[i].Pos, end
		}
	}
	// Lead in with a few words of context before the first match, but never
	// so many that the window's last match falls out of it.
	lead := min(maxWords/4, maxWords-1-(bestEnd-bestStart))
	return max(0, bestStart-lead)
}

// markRange escapes text[start:end] as HTML, wrapping the tokens whose
// terms are wanted in <mark>.
func markRange(text string, toks []arabic.Token, terms map[string]bool, start, end int) string {
	var b strings.Builder
	pos := start
	for _, t := range toks {
		if t.Start < start || t.End > end || !terms[t.Term] {
			continue
		}
		b.WriteString(escape(text[pos:t.Start]))
		b.WriteString("<mark>")
		b.WriteString(escape(text[t.Start:t.End]))
		b.WriteString("</mark>")
		pos = t.End
	}
	b.WriteString(escape(text[pos:end]))
	return b.String()
}

// escape escapes s as HTML text, replacing bytes that are not UTF-8 (the
// page is UTF-8; a stray byte in a stored text must not reach it).
func escape(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return html.EscapeString(s)
}
