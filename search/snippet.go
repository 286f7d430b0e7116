package search

import (
	"html"
	"strings"

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
	words := arabic.Tokenize(text)
	if len(words) == 0 {
		return ""
	}
	toks := arabic.Analyze(text)
	first := bestWindow(toks, terms, maxWords)
	last := min(first+maxWords, len(words)) - 1
	if first > last {
		first = max(0, last-maxWords+1)
	}
	start, end := words[first].Start, words[last].End
	if first == 0 {
		start = 0
	}
	if last == len(words)-1 {
		end = len(text)
	} else if i := strings.IndexAny(text[end:], " \n"); i > 0 && i <= 3 {
		end += i // keep the punctuation that closes the last word
	}
	var b strings.Builder
	if first > 0 {
		b.WriteString("… ")
	}
	b.WriteString(strings.TrimSpace(markRange(text, toks, terms, start, end)))
	if last < len(words)-1 {
		b.WriteString(" …")
	}
	return b.String()
}

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
	bestStart, bestScore := hits[0].Pos, 0
	for i := range hits {
		distinct := map[string]bool{}
		for j := i; j < len(hits) && hits[j].Pos < hits[i].Pos+maxWords; j++ {
			distinct[hits[j].Term] = true
		}
		if len(distinct) > bestScore {
			bestScore, bestStart = len(distinct), hits[i].Pos
		}
	}
	// Lead in with a few words of context before the first match.
	return max(0, bestStart-maxWords/4)
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
		b.WriteString(html.EscapeString(text[pos:t.Start]))
		b.WriteString("<mark>")
		b.WriteString(html.EscapeString(text[t.Start:t.End]))
		b.WriteString("</mark>")
		pos = t.End
	}
	b.WriteString(html.EscapeString(text[pos:end]))
	return b.String()
}
