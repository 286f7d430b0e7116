package search

import (
	"html"
	"strings"
	"testing"
	"unicode/utf8"

	"sahafa/arabic"
)

// checkHTML verifies that out is the HTML Highlight and Snippet promise:
// valid UTF-8, every tag a <mark> or </mark> in balanced, unnested pairs
// around some text, and every other '<', '>' and '&' escaped. It returns
// the text with the marks removed and the entities decoded.
func checkHTML(t *testing.T, out string) string {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("invalid UTF-8: %q", out)
	}
	var plain strings.Builder
	open := false
	for s := out; s != ""; {
		i := strings.IndexAny(s, "<>&")
		if i < 0 {
			plain.WriteString(s)
			break
		}
		plain.WriteString(s[:i])
		s = s[i:]
		switch {
		case strings.HasPrefix(s, "<mark>"):
			if open {
				t.Fatalf("nested <mark> in %q", out)
			}
			if strings.HasPrefix(s, "<mark></mark>") {
				t.Fatalf("empty <mark> in %q", out)
			}
			open = true
			s = s[len("<mark>"):]
		case strings.HasPrefix(s, "</mark>"):
			if !open {
				t.Fatalf("</mark> without <mark> in %q", out)
			}
			open = false
			s = s[len("</mark>"):]
		case s[0] == '&':
			ent := ""
			for _, e := range []string{"&lt;", "&gt;", "&amp;", "&#34;", "&#39;"} {
				if strings.HasPrefix(s, e) {
					ent = e
				}
			}
			if ent == "" {
				t.Fatalf("unescaped & in %q", out)
			}
			plain.WriteString(ent)
			s = s[len(ent):]
		default:
			t.Fatalf("unescaped %q in %q", s[0], out)
		}
	}
	if open {
		t.Fatalf("unclosed <mark> in %q", out)
	}
	return html.UnescapeString(plain.String())
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"", "الأخبار", "اخبار وبالأخبار", `"وقف إطلاق النار" -الهدنة`, "«كرة القدم» “المنتخب” 2018 ٢٠١٨",
		"COVID-19 -- - −", `"unbalanced «quote`, "في من إلى", "؟!،.", "مُحَمَّدٌ الأخـــبار",
		"5G <script>&amp;</script>", "\xff\xfeالنفط", "ﻉﻉ ﷲ لا", strings.Repeat("الاقتصاد ", 300),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		q := Parse(raw)
		n := len(q.Terms)
		seen := map[string]bool{}
		for _, term := range q.Terms {
			if term == "" || strings.ContainsFunc(term, func(r rune) bool { return r == ' ' }) {
				t.Fatalf("bad term %q in %+v", term, q)
			}
			if seen[term] {
				t.Fatalf("duplicate term %q in %+v", term, q)
			}
			seen[term] = true
			if !q.Highlight[term] {
				t.Fatalf("term %q not in Highlight %v", term, q.Highlight)
			}
		}
		for _, p := range q.Phrases {
			if len(p) < 2 {
				t.Fatalf("phrase of %d terms in %+v", len(p), q)
			}
			n += len(p)
			for _, term := range p {
				if term == "" || strings.Contains(term, " ") || !q.Highlight[term] {
					t.Fatalf("bad phrase term %q in %+v", term, q)
				}
			}
		}
		for _, term := range q.Exclude {
			if term == "" || strings.Contains(term, " ") {
				t.Fatalf("bad excluded term %q in %+v", term, q)
			}
		}
		if n > MaxTerms {
			t.Fatalf("%d terms and phrase terms, more than MaxTerms: %+v", n, q)
		}
		if len(q.Highlight) > n {
			t.Fatalf("Highlight %v holds more than the %d terms", q.Highlight, n)
		}

		out := Highlight(raw, q.Highlight)
		plain := checkHTML(t, out)
		if want := strings.ToValidUTF8(raw, "\uFFFD"); plain != want {
			t.Fatalf("Highlight changed the text:\n got %q\nwant %q", plain, want)
		}
		// Every term of a query that was not cut is marked somewhere in it.
		if len(raw) <= MaxQueryBytes && utf8.ValidString(raw) {
			marked := map[string]bool{}
			for _, tok := range arabic.Analyze(raw) {
				marked[tok.Term] = true
			}
			for term := range q.Highlight {
				if !marked[term] {
					t.Fatalf("term %q of %q is not a term of the query text", term, raw)
				}
			}
			if len(q.Highlight) > 0 && !strings.Contains(out, "<mark>") {
				t.Fatalf("nothing marked in %q", out)
			}
		}
	})
}

func FuzzSnippet(f *testing.F) {
	long := filler(300) + " ارتفعت أسعار النفط والغاز " + filler(300)
	for _, s := range []struct {
		text, query string
		n           int
	}{
		{"", "", 0},
		{"قال مُحَمَّدٌ إنّ الأخـــبار", "محمد اخبار", 30},
		{"<script>alert('النفط')</script> & الغاز", "النفط", 3},
		{long, "النفط الغاز", 20},
		{long, "لا شيء", 1},
		{"النفط،ab الغاز. ثم 5G-3 كلمة", "الغاز", 1},
		{"النفط.ab الغاز", "النفط", 1},
		{"\xff\xfe النفط \xd9", "النفط", 2},
		{"COVID-19 - -19 ١٩", "covid-19", -4},
	} {
		f.Add(s.text, s.query, s.n)
	}
	f.Fuzz(func(t *testing.T, text, query string, maxWords int) {
		maxWords %= 200
		out := Snippet(text, Parse(query).Highlight, maxWords)
		plain := checkHTML(t, out)
		if len(arabic.Tokenize(text)) == 0 {
			if out != "" {
				t.Fatalf("Snippet of a text without words = %q", out)
			}
			return
		}
		core := strings.TrimPrefix(plain, "… ")
		core = strings.TrimSuffix(core, " …")
		if core == "" || !strings.Contains(strings.ToValidUTF8(text, "\uFFFD"), core) {
			t.Fatalf("Snippet(%q) = %q: not an excerpt of the text", text, out)
		}
		if maxWords < 1 {
			maxWords = 30
		}
		if n := len(arabic.Tokenize(core)); n > maxWords {
			t.Fatalf("Snippet(%q, %d) = %q has %d words", text, maxWords, out, n)
		}
	})
}
