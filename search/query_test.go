package search

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		raw     string
		terms   []string
		phrases [][]string
		exclude []string
	}{
		{name: "empty", raw: ""},
		{name: "spaces only", raw: " \t\n  "},
		{name: "several words", raw: "الحكومة تقر الموازنة", terms: []string{"حكوم", "تقر", "موازن"}},
		{name: "duplicates", raw: "النفط نفط النفط", terms: []string{"نفط"}},
		{name: "duplicate variants", raw: "غزة غزه", terms: []string{"غزه"}},
		{name: "ascii phrase", raw: `"وقف إطلاق النار"`, phrases: [][]string{{"وقف", "اطلاق", "نار"}}},
		{name: "guillemet phrase", raw: `«كرة القدم» المنتخب`, terms: []string{"منتخب"}, phrases: [][]string{{"كره", "قدم"}}},
		{name: "curly phrase", raw: `الدوري “كرة القدم”`, terms: []string{"دور"}, phrases: [][]string{{"كره", "قدم"}}},
		{name: "guillemet closed by ascii quote", raw: `«كرة القدم" هدف`, terms: []string{"هدف"}, phrases: [][]string{{"كره", "قدم"}}},
		{name: "phrase stop words dropped", raw: `"الوزير في الحكومة"`, phrases: [][]string{{"وزير", "حكوم"}}},
		{name: "one-word phrase is a term", raw: `"الأخبار" النفط`, terms: []string{"اخبار", "نفط"}},
		{name: "one-word phrase duplicate of a term", raw: `اخبار «الأخبار»`, terms: []string{"اخبار"}},
		{name: "phrase of stop words", raw: `"في من" النفط`, terms: []string{"نفط"}},
		{name: "empty phrase", raw: `"" النفط`, terms: []string{"نفط"}},
		{name: "exclude", raw: "مباراة -الدوري", terms: []string{"مبارا"}, exclude: []string{"دور"}},
		{name: "exclude with minus sign", raw: "مباراة −الدوري", terms: []string{"مبارا"}, exclude: []string{"دور"}},
		{name: "lone hyphen", raw: "مباراة - الدوري", terms: []string{"مبارا", "دور"}},
		{name: "double hyphen", raw: "مباراة -- الدوري", terms: []string{"مبارا", "دور"}},
		{name: "double hyphen word", raw: "مباراة --الدوري", terms: []string{"مبارا"}, exclude: []string{"دور"}},
		{name: "hyphen inside word", raw: "لقاح COVID-19", terms: []string{"لقاح", "covid19"}},
		{name: "excluded hyphenated word", raw: "لقاح -COVID-19", terms: []string{"لقاح"}, exclude: []string{"covid19"}},
		{name: "unbalanced ascii quote", raw: `النفط "أسعار الخام`, terms: []string{"نفط"}, phrases: [][]string{{"اسعار", "خام"}}},
		{name: "unbalanced guillemet", raw: `«أسعار الخام`, phrases: [][]string{{"اسعار", "خام"}}},
		{name: "only stop words", raw: "في من على إلى", terms: []string{"علي"}}, // "على" folds to the name Ali: deliberately not a stop word
		{name: "only stop words strict", raw: "في من إلى هذا الذي"},
		{name: "only punctuation", raw: "؟! ، . « » - ؛ ..."},
		{name: "latin and arabic", raw: "شبكات 5G الجديدة", terms: []string{"شبك", "5g", "جديد"}},
		{name: "english stemmed", raw: "Elections الانتخابات", terms: []string{"elect", "انتخاب"}},
		{name: "arabic-indic digits", raw: "انتخابات ٢٠١٨", terms: []string{"انتخاب", "2018"}},
		{name: "latin digits", raw: "انتخابات 2018", terms: []string{"انتخاب", "2018"}},
		{name: "persian digits", raw: "۲۰۱۸", terms: []string{"2018"}},
		{name: "digits glued to arabic", raw: "عام2018", terms: []string{"عام", "2018"}},
		{name: "prefix variants", raw: "الأخبار اخبار وبالأخبار", terms: []string{"اخبار"}},
		{name: "diacritics and tatweel", raw: "مُحَمَّدٌ الأخـــبار", terms: []string{"محمد", "اخبار"}},
		{name: "taa marbuta and alef maqsura", raw: "التهدئة مستشفى", terms: []string{"تهدء", "مستشف"}},
		{name: "nisba", raw: "الأمريكيين", terms: []string{"امريك"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q := Parse(tc.raw)
			if !equalStrings(q.Terms, tc.terms) {
				t.Errorf("Parse(%q).Terms = %q, want %q", tc.raw, q.Terms, tc.terms)
			}
			if len(q.Phrases) != len(tc.phrases) || (len(q.Phrases) > 0 && !reflect.DeepEqual(q.Phrases, tc.phrases)) {
				t.Errorf("Parse(%q).Phrases = %q, want %q", tc.raw, q.Phrases, tc.phrases)
			}
			if !equalStrings(q.Exclude, tc.exclude) {
				t.Errorf("Parse(%q).Exclude = %q, want %q", tc.raw, q.Exclude, tc.exclude)
			}
			// Highlight holds exactly the terms and phrase terms.
			want := map[string]bool{}
			for _, t := range tc.terms {
				want[t] = true
			}
			for _, p := range tc.phrases {
				for _, t := range p {
					want[t] = true
				}
			}
			if len(q.Highlight) != len(want) || (len(want) > 0 && !reflect.DeepEqual(q.Highlight, want)) {
				t.Errorf("Parse(%q).Highlight = %v, want %v", tc.raw, q.Highlight, want)
			}
			wantEmpty := len(tc.terms) == 0 && len(tc.phrases) == 0
			if q.Empty() != wantEmpty {
				t.Errorf("Parse(%q).Empty() = %v, want %v", tc.raw, q.Empty(), wantEmpty)
			}
		})
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// Spelling variants of a word must give the same terms, or a reader who
// types without hamzas finds nothing.
func TestParseVariantsAgree(t *testing.T) {
	groups := [][]string{
		{"الأخبار", "اخبار", "وبالأخبار", "الاخبار", "أخبار", "والأخبار"},
		{"التهدئة", "التهدئه", "تهدئة", "بالتهدئة"},
		{"مستشفى", "مستشفي", "المستشفى", "بالمستشفى"},
		{"أمريكي", "امريكي", "الأمريكيين", "الأمريكية"},
		{"٢٠١٨", "2018", "۲۰۱۸"},
		{"إطلاق", "اطلاق", "الإطلاق"},
	}
	for _, g := range groups {
		want := Parse(g[0]).Terms
		if len(want) != 1 {
			t.Fatalf("Parse(%q).Terms = %q, want one term", g[0], want)
		}
		for _, v := range g[1:] {
			if got := Parse(v).Terms; !equalStrings(got, want) {
				t.Errorf("Parse(%q).Terms = %q, want %q (as %q)", v, got, want, g[0])
			}
		}
	}
}

func TestParseCapsQueryBytes(t *testing.T) {
	// One ASCII byte first puts every Arabic letter (two bytes) on an odd
	// offset, so byte MaxQueryBytes falls inside a letter.
	word := "الاقتصاد "
	var raw, lead string
	for _, lead = range []string{"x", "xy"} {
		raw = lead + " " + strings.Repeat(word, MaxQueryBytes/len(word)+10)
		if !utf8.RuneStart(raw[MaxQueryBytes]) {
			break
		}
	}
	if utf8.RuneStart(raw[MaxQueryBytes]) {
		t.Fatalf("test setup: byte %d starts a rune; the cut must fall inside one", MaxQueryBytes)
	}
	q := Parse(raw)
	if !equalStrings(q.Terms, []string{lead, "اقتصاد"}) {
		t.Errorf("Terms = %q", q.Terms)
	}
	for _, s := range q.Terms {
		if !utf8.ValidString(s) {
			t.Errorf("invalid UTF-8 term %q", s)
		}
	}

	// A query that is one long word is still cut at a character boundary:
	// an isolated-form ain (3 bytes) then plain ains (2 bytes each).
	raw = "\uFEC9" + strings.Repeat("ع", MaxQueryBytes)
	q = Parse(raw)
	if len(q.Terms) != 1 || q.Terms[0] != strings.Repeat("ع", (MaxQueryBytes-1)/2) {
		t.Errorf("Parse(one long word) = %d terms %.40q…, want one term of %d ains", len(q.Terms), q.Terms, (MaxQueryBytes-1)/2)
	}
}

// A stray invalid byte early in a long query must not make Parse drop
// everything after it when the query is cut to MaxQueryBytes.
func TestParseCapKeepsTextAfterInvalidByte(t *testing.T) {
	raw := "\xff النفط " + strings.Repeat("و", MaxQueryBytes) + " الغاز"
	q := Parse(raw)
	if len(q.Terms) == 0 || q.Terms[0] != "نفط" {
		t.Errorf("Parse(invalid byte + long).Terms = %q, want it to start with %q", q.Terms, "نفط")
	}
	for _, s := range q.Terms {
		if !utf8.ValidString(s) {
			t.Errorf("invalid UTF-8 term %q", s)
		}
	}
}

func TestParseMaxTerms(t *testing.T) {
	words := []string{
		"الحكومة", "البرلمان", "الموازنة", "النفط", "الغاز", "الكهرباء", "المياه", "الزراعة",
		"الصحة", "التعليم", "الجامعة", "المدرسة", "المستشفى", "الطريق", "الميناء", "المطار",
		"القطار", "السفينة", "الطائرة", "الجسر",
	}
	q := Parse(strings.Join(words, " "))
	if len(q.Terms) != MaxTerms {
		t.Fatalf("len(Terms) = %d, want %d", len(q.Terms), MaxTerms)
	}
	if q.Terms[0] != "حكوم" || q.Terms[MaxTerms-1] != "مطار" {
		t.Errorf("Terms should be the first %d words in order: %q", MaxTerms, q.Terms)
	}
	if len(q.Highlight) != MaxTerms {
		t.Errorf("len(Highlight) = %d, want %d", len(q.Highlight), MaxTerms)
	}

	// Phrases count toward the cap too.
	q = Parse(`"` + strings.Join(words[:10], " ") + `" ` + strings.Join(words[10:], " "))
	n := len(q.Terms)
	for _, p := range q.Phrases {
		n += len(p)
	}
	if n != MaxTerms {
		t.Errorf("terms + phrase terms = %d, want %d (%+v)", n, MaxTerms, q)
	}
	if len(q.Phrases) != 1 || len(q.Phrases[0]) != 10 {
		t.Errorf("Phrases = %q, want one phrase of 10 terms", q.Phrases)
	}

	// Repeating a word does not use up the budget.
	q = Parse(strings.Repeat("النفط ", 40) + "الغاز")
	if !equalStrings(q.Terms, []string{"نفط", "غاز"}) {
		t.Errorf("Terms = %q, want [نفط غاز]", q.Terms)
	}
}

func TestParseCapsExcludedWords(t *testing.T) {
	var b strings.Builder
	for i := 0; i < 200; i++ {
		fmt.Fprintf(&b, "-كلمة%d -مكرر ", i)
	}
	q := Parse("النفط " + b.String())
	if len(q.Exclude) != MaxTerms || len(q.Terms) != 1 {
		t.Errorf("%d excluded terms, %d terms; want %d and 1", len(q.Exclude), len(q.Terms), MaxTerms)
	}
	seen := map[string]bool{}
	for _, x := range q.Exclude {
		if seen[x] {
			t.Errorf("%q excluded twice", x)
		}
		seen[x] = true
	}
}
