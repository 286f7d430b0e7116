package textdiff_test

import (
	stdhtml "html"
	"strings"
	"testing"

	"sahafa/textdiff"
)

// FuzzWords checks that any diff spells both texts exactly, and that its
// HTML, read back, gives each text again.
func FuzzWords(f *testing.F) {
	f.Add("أعلنت الوزارة اليوم عن خطة جديدة.", "أعلنت الوزارة أمس عن خطة جديدة. وتشمل الخطة قروضًا.")
	f.Add("العنوان <script>x</script>", "العنوان & \"الجديد\"")
	f.Add("بلغ ١٢٫٥ مليار\n\nفقرة", "بلغ 12.5 مليار\r\n\r\nفقرة أخرى")
	f.Add("a\xffb c", "a\xfeb  c\u200f")
	f.Add("", "نص")
	f.Fuzz(func(t *testing.T, a, b string) {
		chunks := textdiff.Words(a, b)
		checkDiff(t, a, b, chunks)
		ins, del := textdiff.Stats(chunks)
		if ins < 0 || del < 0 || (a == b && ins+del != 0) {
			t.Fatalf("Stats = %d, %d", ins, del)
		}
		h := string(textdiff.HTML(a, b))
		// HTML escaping turns NUL into U+FFFD; past that, the text is all
		// there, bytes that are not UTF-8 included.
		if strings.ContainsRune(a+b, 0) {
			return
		}
		if got := stdhtml.UnescapeString(stripTags(h, "del")); got != b {
			t.Fatalf("HTML insert side = %q, want %q\n%s", got, b, h)
		}
		if got := stdhtml.UnescapeString(stripTags(h, "ins")); got != a {
			t.Fatalf("HTML delete side = %q, want %q\n%s", got, a, h)
		}
	})
}
