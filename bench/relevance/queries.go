package main

import (
	"math/rand/v2"
	"strings"
	"unicode"
	"unicode/utf8"

	"sahafa/arabic"
)

// A variant is one way a real reader's spelling differs from the
// headline's.
type variant int

const (
	vNone variant = iota
	vArticle
	vHamza
	vTaa
	vYaa
	vPrefix
	vDiacritics
	numVariants
)

var variantNames = [numVariants]string{
	vNone:       "none",
	vArticle:    "with/without ال",
	vHamza:      "hamza alef ↔ alef",
	vTaa:        "ة ↔ ه at end",
	vYaa:        "ى ↔ ي at end",
	vPrefix:     "leading و/ب",
	vDiacritics: "diacritics added",
}

// query is one known-item query: words of the target's headline as a
// reader types them.
type query struct {
	Text     string
	Variant  variant
	TargetID int64
	Title    string   // the target's headline
	Words    []string // the headline words the query was built from
	Typed    []string // the same words as typed (one of them changed by the variant)
	Changed  int      // index of the changed word, -1 for none
}

// article is what the query builder needs of a stored article.
type article struct {
	ID    int64
	Title string
}

const (
	alef      = 'ا'
	hamzaA    = 'أ'
	hamzaI    = 'إ'
	madda     = 'آ'
	taa       = 'ة'
	heh       = 'ه'
	alefMaq   = 'ى'
	yeh       = 'ي'
	waw       = 'و'
	beh       = 'ب'
	lam       = 'ل'
	fatha     = '\u064E'
	damma     = '\u064F'
	kasra     = '\u0650'
	shadda    = '\u0651'
	minLetter = 3 // content words have at least this many letters
)

// extraStop are prepositions that Sahafa's analyzer keeps as terms (it
// must not drop "على": folded, it is the name "علي") but a reader looking
// for a story does not type as a key word.
var extraStop = map[string]bool{}

func init() {
	for _, w := range []string{"على", "وعلى", "حول", "أمام", "دون", "ضد", "تحت", "فوق", "مثل", "بسبب", "لدى", "إلى", "الى"} {
		extraStop[arabic.Normalize(w)] = true
	}
}

// contentWords returns the headline's words a reader would type: the
// whitespace-separated words with surrounding punctuation trimmed, without
// stop words and words of two letters or less.
func contentWords(title string) []string {
	var out []string
	for _, f := range strings.Fields(title) {
		w := strings.TrimFunc(f, func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r)
		})
		if w == "" || strings.ContainsFunc(w, func(r rune) bool {
			return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r)
		}) {
			continue // words glued by punctuation ("2-1", "تشيلسي/آرسنال") are not typed as is
		}
		letters := 0
		for _, r := range w {
			if unicode.IsLetter(r) {
				letters++
			}
		}
		if letters < minLetter {
			continue
		}
		n := arabic.Normalize(w)
		if arabic.IsStopWord(n) || extraStop[n] {
			continue
		}
		out = append(out, w)
	}
	return out
}

// isArabicWord reports whether w is written in Arabic letters only.
func isArabicWord(w string) bool {
	if w == "" {
		return false
	}
	for _, r := range w {
		if !(r >= 0x621 && r <= 0x64A) && !(r >= 0x64B && r <= 0x652) {
			return false
		}
	}
	return true
}

func runeCount(s string) int { return utf8.RuneCountInString(s) }

// edit is one way to change word i of a query.
type edit struct {
	i  int
	to string
}

// edits lists the changes variant v can make to words, grouped by
// direction (each group is one direction: "remove ال", "add ال", …) so
// that both directions are drawn equally often when both apply.
func edits(v variant, words []string, attested map[string]bool, rng *rand.Rand) [][]edit {
	var groups [][]edit
	add := func(g int, e edit) {
		for len(groups) <= g {
			groups = append(groups, nil)
		}
		groups[g] = append(groups[g], e)
	}
	for i, w := range words {
		if !isArabicWord(w) {
			continue
		}
		r := []rune(w)
		n := len(r)
		switch v {
		case vArticle:
			if strings.HasPrefix(w, "ال") && n >= 5 {
				add(0, edit{i, string(r[2:])})
			} else if !strings.HasPrefix(w, "ال") && !strings.HasPrefix(w, "لل") && attested["ال"+w] {
				// Only where the form with "ال" is itself written in the
				// archive's headlines: readers add it to common nouns
				// ("مفاوضات" → "المفاوضات"), not to names ("السوريا").
				add(1, edit{i, "ال" + w})
			}
		case vHamza:
			if strings.ContainsAny(w, "أإآ") {
				add(0, edit{i, strings.NewReplacer("أ", "ا", "إ", "ا", "آ", "ا").Replace(w)})
			}
			// A hamza where the headline has none: at the start of the
			// word, or after its "ال" ("الانتخابات" → "الإنتخابات").
			k := 0
			if strings.HasPrefix(w, "ال") && n > 3 {
				k = 2
			}
			if r[k] == alef {
				c := append([]rune(nil), r...)
				c[k] = []rune{hamzaA, hamzaI}[rng.IntN(2)]
				add(1, edit{i, string(c)})
			}
		case vTaa:
			switch r[n-1] {
			case taa:
				add(0, edit{i, string(r[:n-1]) + string(heh)})
			case heh:
				add(1, edit{i, string(r[:n-1]) + string(taa)})
			}
		case vYaa:
			switch r[n-1] {
			case alefMaq:
				add(0, edit{i, string(r[:n-1]) + string(yeh)})
			case yeh:
				add(1, edit{i, string(r[:n-1]) + string(alefMaq)})
			}
		case vPrefix:
			add(0, edit{i, string(waw) + w})
			add(1, edit{i, string(beh) + w})
		case vDiacritics:
			add(0, edit{i, addDiacritics(r, rng)})
		}
	}
	out := groups[:0]
	for _, g := range groups {
		if len(g) > 0 {
			out = append(out, g)
		}
	}
	return out
}

// addDiacritics puts fatha, kasra, damma or shadda on one to three letters
// of word (never two marks on one letter).
func addDiacritics(word []rune, rng *rand.Rand) string {
	marks := []rune{fatha, kasra, damma, shadda}
	var letters []int
	for i, r := range word {
		if r >= 0x621 && r <= 0x64A {
			letters = append(letters, i)
		}
	}
	k := 1 + rng.IntN(min(3, len(letters)))
	pick := map[int]rune{}
	for _, j := range rng.Perm(len(letters))[:k] {
		pick[letters[j]] = marks[rng.IntN(len(marks))]
	}
	var b strings.Builder
	for i, r := range word {
		b.WriteRune(r)
		if m, ok := pick[i]; ok {
			b.WriteRune(m)
		}
	}
	return b.String()
}

// buildQueries draws n known-item queries from arts with a seeded
// generator, the variants in turn. Articles whose headline is not unique
// (the same headline, normalized, on another article) are dropped; the
// second result counts them.
func buildQueries(arts []article, n int, seed uint64) ([]query, int) {
	rng := rand.New(rand.NewPCG(seed, 0x5a4afa))
	count := map[string]int{}
	attested := map[string]bool{} // every word written in a headline
	for _, a := range arts {
		count[arabic.Normalize(a.Title)]++
		for _, w := range contentWords(a.Title) {
			attested[w] = true
		}
	}
	order := rng.Perm(len(arts))
	var deferred []int // drawn articles a variant could not use, for the next ones
	next := 0
	dropped := 0
	// take returns the next candidate article index, deferred ones first.
	take := func(skip map[int]bool) (int, bool) {
		for j, k := range deferred {
			if !skip[k] {
				deferred = append(deferred[:j], deferred[j+1:]...)
				return k, true
			}
		}
		for next < len(order) {
			k := order[next]
			next++
			a := arts[k]
			if count[arabic.Normalize(a.Title)] > 1 {
				dropped++
				continue
			}
			if len(contentWords(a.Title)) < 2 {
				continue
			}
			return k, true
		}
		return 0, false
	}
	var out []query
	for qi := 0; qi < n; qi++ {
		v := variant(qi % int(numVariants))
		tried := map[int]bool{}
		var made bool
		for !made {
			k, ok := take(tried)
			if !ok {
				return out, dropped
			}
			tried[k] = true
			a := arts[k]
			words := contentWords(a.Title)
			for attempt := 0; attempt < 4 && !made; attempt++ {
				size := min(2+rng.IntN(3), len(words))
				idx := rng.Perm(len(words))[:size]
				sortInts(idx)
				chosen := make([]string, size)
				for j, x := range idx {
					chosen[j] = words[x]
				}
				typed := append([]string(nil), chosen...)
				changed := -1
				if v != vNone {
					groups := edits(v, chosen, attested, rng)
					if len(groups) == 0 {
						continue
					}
					g := groups[rng.IntN(len(groups))]
					e := g[rng.IntN(len(g))]
					typed[e.i] = e.to
					changed = e.i
				}
				out = append(out, query{
					Text: strings.Join(typed, " "), Variant: v, TargetID: a.ID, Title: a.Title,
					Words: chosen, Typed: typed, Changed: changed,
				})
				made = true
			}
			if !made {
				deferred = append(deferred, k)
			}
		}
	}
	return out, dropped
}

func sortInts(a []int) {
	for i := 1; i < len(a); i++ {
		for j := i; j > 0 && a[j] < a[j-1]; j-- {
			a[j], a[j-1] = a[j-1], a[j]
		}
	}
}
