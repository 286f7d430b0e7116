// Package search answers readers' queries over the archive and finds the
// articles to suggest under "قد تقرأ أيضا". It parses the query syntax,
// runs the same Arabic analyzer the index was built with, asks the store,
// and draws snippets with the matched words highlighted in the reader's own
// spelling.
package search

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"sahafa/arabic"
)

// Limits that keep a hostile or pasted query cheap.
const (
	MaxQueryBytes = 2000 // longer input is cut at a character boundary
	MaxTerms      = 16   // analyzed terms across words and phrases
)

// Query is a parsed search query.
type Query struct {
	Terms   []string   // analyzed terms that must all match
	Phrases [][]string // analyzed phrases ("exact phrase")
	Exclude []string   // analyzed terms after "-"
	// Highlight is every analyzed term a result may be highlighted for.
	Highlight map[string]bool
}

// Empty reports whether the query has nothing a document could match.
func (q Query) Empty() bool { return len(q.Terms) == 0 && len(q.Phrases) == 0 }

// Parse reads the reader's query syntax: words (all must match), "exact
// phrases" in ASCII or Arabic quotation marks (" « » “ ”), and -excluded
// words. An unbalanced quote is read as if it were closed at the end.
// Words that analyze to nothing (stop words, punctuation) are dropped.
func Parse(raw string) Query {
	raw = capQuery(raw)
	q := Query{Highlight: map[string]bool{}}
	seen, excluded := map[string]bool{}, map[string]bool{}
	n := 0
	add := func(t string) bool {
		if n >= MaxTerms {
			return false
		}
		n++
		q.Highlight[t] = true
		return true
	}
	for raw != "" {
		raw = strings.TrimLeftFunc(raw, unicode.IsSpace)
		if raw == "" {
			break
		}
		r, size := utf8.DecodeRuneInString(raw)
		if closer, ok := openQuote(r); ok {
			body := raw[size:]
			end := strings.IndexFunc(body, func(c rune) bool { return c == closer || (closer != '"' && c == '"') })
			rest := ""
			if end >= 0 {
				_, csize := utf8.DecodeRuneInString(body[end:])
				body, rest = body[:end], body[end+csize:]
			}
			raw = rest
			var phrase []string
			for _, t := range arabic.Terms(body) {
				if add(t) {
					phrase = append(phrase, t)
				}
			}
			switch len(phrase) {
			case 0:
			case 1: // a one-word phrase is just a word
				if !seen[phrase[0]] {
					seen[phrase[0]] = true
					q.Terms = append(q.Terms, phrase[0])
				}
			default:
				q.Phrases = append(q.Phrases, phrase)
			}
			continue
		}
		end := strings.IndexFunc(raw, unicode.IsSpace)
		word := raw
		if end >= 0 {
			word, raw = raw[:end], raw[end:]
		} else {
			raw = ""
		}
		exclude := false
		if len(word) > 1 && (word[0] == '-' || strings.HasPrefix(word, "−")) {
			exclude = true
			word = strings.TrimLeft(word, "-−")
		}
		for _, t := range arabic.Terms(word) {
			if exclude {
				// Excluded words are capped and deduplicated like the others:
				// a pasted list of "-x" must not make a query of a thousand NOTs.
				if !excluded[t] && len(q.Exclude) < MaxTerms {
					excluded[t] = true
					q.Exclude = append(q.Exclude, t)
				}
				continue
			}
			if seen[t] || !add(t) {
				continue
			}
			seen[t] = true
			q.Terms = append(q.Terms, t)
		}
	}
	return q
}

// capQuery cuts raw to at most MaxQueryBytes at a character boundary and,
// when the cut falls inside a word that is not the only one, before that
// word, so that a fragment of it does not become a required term. Invalid
// bytes elsewhere in raw are left to the analyzer, which skips them.
func capQuery(raw string) string {
	if len(raw) <= MaxQueryBytes {
		return raw
	}
	cut := MaxQueryBytes
	for i := 0; i < utf8.UTFMax && cut > 0 && !utf8.RuneStart(raw[cut]); i++ {
		cut--
	}
	if r, _ := utf8.DecodeRuneInString(raw[cut:]); !unicode.IsSpace(r) {
		if i := strings.LastIndexFunc(raw[:cut], unicode.IsSpace); i >= 0 {
			cut = i
		}
	}
	return raw[:cut]
}

// openQuote reports whether r opens a quotation and which rune closes it.
func openQuote(r rune) (rune, bool) {
	switch r {
	case '"':
		return '"', true
	case '«':
		return '»', true
	case '“':
		return '”', true
	}
	return 0, false
}
