package search

import (
	"strings"
	"testing"
)

// BenchmarkSnippet draws a result excerpt from a 600-word story with
// matches scattered through it, as Search does for every hit.
func BenchmarkSnippet(b *testing.B) {
	var parts []string
	for i := range 6 {
		parts = append(parts, filler(95))
		switch i {
		case 1:
			parts = append(parts, "وارتفعت أسعار النفط مجددا")
		case 4:
			parts = append(parts, "وقال الوزير إن أسعار النفط والغاز ستستقر")
		}
	}
	text := strings.Join(parts, " ")
	if n := len(strings.Fields(text)); n < 580 || n > 620 {
		b.Fatalf("text has %d words, want about 600", n)
	}
	terms := Parse("أسعار النفط الغاز").Highlight
	if s := Snippet(text, terms, snippetWords); !strings.Contains(s, "<mark>والغاز</mark>") {
		b.Fatalf("snippet misses the densest match: %q", s)
	}
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		Snippet(text, terms, snippetWords)
	}
}
