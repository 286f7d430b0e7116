package textdiff_test

import (
	"math/rand"
	"regexp"
	"slices"
	"strings"
	"testing"

	stdhtml "html"

	"sahafa/textdiff"
)

// spell returns the two texts a diff describes.
func spell(chunks []textdiff.Chunk) (a, b string) {
	var sa, sb strings.Builder
	for _, c := range chunks {
		if c.Op != textdiff.Insert {
			sa.WriteString(c.Text)
		}
		if c.Op != textdiff.Delete {
			sb.WriteString(c.Text)
		}
	}
	return sa.String(), sb.String()
}

// checkDiff checks what holds for every diff: it spells both texts, and
// its chunks are non-empty with no two neighbours sharing an Op.
func checkDiff(t testing.TB, a, b string, chunks []textdiff.Chunk) {
	t.Helper()
	gotA, gotB := spell(chunks)
	if gotA != a || gotB != b {
		t.Fatalf("Words(%q, %q) = %q\nspells %q and %q", a, b, chunks, gotA, gotB)
	}
	for i, c := range chunks {
		if c.Text == "" {
			t.Fatalf("empty chunk %d in %q", i, chunks)
		}
		if i > 0 && chunks[i-1].Op == c.Op {
			t.Fatalf("chunks %d and %d share %v: %q", i-1, i, c.Op, chunks)
		}
	}
}

func TestArabicEdit(t *testing.T) {
	a := "أعلنت الوزارة اليوم عن خطة جديدة لدعم المزارعين في المناطق الريفية."
	b := "أعلنت الوزارة أمس عن خطة جديدة لدعم المزارعين في المناطق الريفية. وتشمل الخطة قروضًا بلا فوائد."
	got := textdiff.Words(a, b)
	checkDiff(t, a, b, got)
	want := []textdiff.Chunk{
		{textdiff.Equal, "أعلنت الوزارة "},
		{textdiff.Delete, "اليوم"},
		{textdiff.Insert, "أمس"},
		{textdiff.Equal, " عن خطة جديدة لدعم المزارعين في المناطق الريفية."},
		{textdiff.Insert, " وتشمل الخطة قروضًا بلا فوائد."},
	}
	if !slices.Equal(got, want) {
		t.Errorf("Words =\n%q\nwant\n%q", got, want)
	}
	if ins, del := textdiff.Stats(got); ins != 6 || del != 1 {
		t.Errorf("Stats = %d inserted, %d deleted; want 6, 1", ins, del)
	}
	wantHTML := "أعلنت الوزارة <del>اليوم</del><ins>أمس</ins> عن خطة جديدة لدعم المزارعين في المناطق الريفية.<ins> وتشمل الخطة قروضًا بلا فوائد.</ins>"
	if h := string(textdiff.HTML(a, b)); h != wantHTML {
		t.Errorf("HTML =\n%s\nwant\n%s", h, wantHTML)
	}
}

func TestWordsNotLetters(t *testing.T) {
	// A changed diacritic or suffix replaces the whole word, never a
	// piece of it.
	for _, tc := range []struct{ a, b, del, ins string }{
		{"قال المتحدثُ باسم الحكومة", "قال المتحدثَ باسم الحكومة", "المتحدثُ", "المتحدثَ"},
		{"وصل الوفد إلى المدينة", "وصل الوفد إلى المدينتين", "المدينة", "المدينتين"},
		{"بلغ العجز ١٢٫٥ مليار", "بلغ العجز ١٣٫٢ مليار", "١٢٫٥", "١٣٫٢"},
		{"ارتفع المؤشر 1,250 نقطة", "ارتفع المؤشر 1,275 نقطة", "1,250", "1,275"},
		{"نقلت عن Reuters قولها", "نقلت عن Reuters' قولها", "", "'"},
	} {
		got := textdiff.Words(tc.a, tc.b)
		checkDiff(t, tc.a, tc.b, got)
		var del, ins []string
		for _, c := range got {
			switch c.Op {
			case textdiff.Delete:
				del = append(del, c.Text)
			case textdiff.Insert:
				ins = append(ins, c.Text)
			}
		}
		if strings.Join(del, "|") != tc.del || strings.Join(ins, "|") != tc.ins {
			t.Errorf("%q → %q: deleted %q inserted %q, want %q and %q", tc.a, tc.b, del, ins, tc.del, tc.ins)
		}
	}
}

func TestReplacedPhrase(t *testing.T) {
	a := "وقال رئيس الوزراء إن الحكومة ستعمل بسرعة على حل الأزمة"
	b := "وقال وزير المالية إن الحكومة ستعمل بسرعة على حل الأزمة"
	got := textdiff.Words(a, b)
	checkDiff(t, a, b, got)
	want := []textdiff.Chunk{
		{textdiff.Equal, "وقال "},
		{textdiff.Delete, "رئيس الوزراء"},
		{textdiff.Insert, "وزير المالية"},
		{textdiff.Equal, " إن الحكومة ستعمل بسرعة على حل الأزمة"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("Words =\n%q\nwant\n%q", got, want)
	}
	if ins, del := textdiff.Stats(got); ins != 2 || del != 2 {
		t.Errorf("Stats = %d, %d", ins, del)
	}
}

func TestParagraphs(t *testing.T) {
	a := "الفقرة الأولى كما هي.\n\nالفقرة الثانية قبل التعديل.\n\nالفقرة الثالثة."
	b := "الفقرة الأولى كما هي.\n\nالفقرة الثانية بعد التعديل.\n\nفقرة جديدة تمامًا.\n\nالفقرة الثالثة."
	got := textdiff.Words(a, b)
	checkDiff(t, a, b, got)
	h := string(textdiff.HTML(a, b))
	if !strings.Contains(h, "<del>قبل</del><ins>بعد</ins>") {
		t.Errorf("changed word: %s", h)
	}
	if !strings.Contains(h, "<ins>فقرة جديدة تمامًا.\n\n</ins>") && !strings.Contains(h, "<ins>\n\nفقرة جديدة تمامًا.</ins>") {
		t.Errorf("added paragraph not one insertion with its line breaks: %q", h)
	}
	if ins, del := textdiff.Stats(got); ins != 4 || del != 1 {
		t.Errorf("Stats = %d, %d; want 4, 1", ins, del)
	}
}

func TestHTMLEscapes(t *testing.T) {
	a := "العنوان <script>alert(1)</script> & \"نص\""
	b := "العنوان الجديد <script>alert(2)</script> & 'نص'"
	h := string(textdiff.HTML(a, b))
	if strings.Contains(h, "<script") || strings.Contains(h, "\"") || strings.Contains(h, "'") {
		t.Fatalf("not escaped: %s", h)
	}
	// Without the markup of the diff and unescaped, each side is its text.
	if got := stdhtml.UnescapeString(stripTags(h, "del")); got != b {
		t.Errorf("insert side = %q", got)
	}
	if got := stdhtml.UnescapeString(stripTags(h, "ins")); got != a {
		t.Errorf("delete side = %q", got)
	}
	if h := textdiff.HTML("<b>", "<b>"); h != "&lt;b&gt;" {
		t.Errorf("equal texts: %s", h)
	}
}

var tagPattern = regexp.MustCompile(`</?(ins|del)>`)

// stripTags drops the drop elements with their text and the other diff
// tags alone.
func stripTags(h, drop string) string {
	h = regexp.MustCompile(`<`+drop+`>[^<]*</`+drop+`>`).ReplaceAllString(h, "")
	return tagPattern.ReplaceAllString(h, "")
}

func TestEdges(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want []textdiff.Chunk
	}{
		{"", "", nil},
		{"نص", "نص", []textdiff.Chunk{{textdiff.Equal, "نص"}}},
		{"", "خبر جديد", []textdiff.Chunk{{textdiff.Insert, "خبر جديد"}}},
		{"خبر محذوف", "", []textdiff.Chunk{{textdiff.Delete, "خبر محذوف"}}},
		{"a\xffb", "a\xfeb", []textdiff.Chunk{{textdiff.Equal, "a"}, {textdiff.Delete, "\xff"}, {textdiff.Insert, "\xfe"}, {textdiff.Equal, "b"}}},
		{"x \xff y", "x \xfe y", []textdiff.Chunk{{textdiff.Equal, "x "}, {textdiff.Delete, "\xff"}, {textdiff.Insert, "\xfe"}, {textdiff.Equal, " y"}}},
	} {
		got := textdiff.Words(tc.a, tc.b)
		checkDiff(t, tc.a, tc.b, got)
		if !slices.Equal(got, tc.want) {
			t.Errorf("Words(%q, %q) = %q, want %q", tc.a, tc.b, got, tc.want)
		}
	}
}

// An edit that can slide to either end of the text must keep the text
// it slides past (found by FuzzWords).
func TestSlideToEnds(t *testing.T) {
	for _, tc := range [][2]string{
		{"خبر", "خبر! خبر"}, {"خبر! خبر", "خبر"}, {"خبر", "خبر خبر"}, {"خبر", "خبر خبر خبر"},
		{"نص، نص", "نص"}, {"عاجل", "عاجل: عاجل"}, {". .", "."},
	} {
		checkDiff(t, tc[0], tc[1], textdiff.Words(tc[0], tc[1]))
		checkDiff(t, tc[1], tc[0], textdiff.Words(tc[1], tc[0]))
	}
}

var vocabulary = strings.Fields(`أعلن أعلنت الوزير الوزارة الحكومة البرلمان اليوم أمس غدًا
عن في من إلى على أن إن قال قالت مصدر مسؤول المدينة العاصمة خطة جديدة مشروع
الأسعار ارتفاع انخفاض بنسبة ١٢ ٣٫٥ 2025 ٪ الرئيس المؤتمر الصحفي الانتخابات
الاقتصاد السوق النفط المطار الجامعة المستشفى وقال وأضاف وأكد مُتحدِّث الـ Reuters`)

var separators = []string{" ", " ", " ", " ", "، ", ". ", "\n", "\n\n", ": ", " (", ") ", "؟ ", " — ", "  ", "\t", "«", "» "}

func randomText(rng *rand.Rand, words int) []string {
	var toks []string
	for range words {
		toks = append(toks, vocabulary[rng.Intn(len(vocabulary))], separators[rng.Intn(len(separators))])
	}
	return toks
}

// edit changes a text the way editors do: words replaced, removed,
// added, and pieces moved.
func edit(rng *rand.Rand, toks []string) []string {
	out := slices.Clone(toks)
	for range rng.Intn(6) {
		switch i := rng.Intn(len(out) + 1); rng.Intn(4) {
		case 0:
			if i < len(out) {
				out[i] = vocabulary[rng.Intn(len(vocabulary))]
			}
		case 1:
			if i < len(out) {
				out = slices.Delete(out, i, min(len(out), i+1+rng.Intn(4)))
			}
		case 2:
			out = slices.Insert(out, i, randomText(rng, 1+rng.Intn(8))...)
		case 3:
			if i < len(out) {
				j := min(len(out), i+1+rng.Intn(6))
				piece := slices.Clone(out[i:j])
				out = slices.Delete(out, i, j)
				k := rng.Intn(len(out) + 1)
				out = slices.Insert(out, k, piece...)
			}
		}
	}
	return out
}

func TestWordsProperty(t *testing.T) {
	rng := rand.New(rand.NewSource(20250611))
	for i := range 3000 {
		a := strings.Join(randomText(rng, rng.Intn(80)), "")
		var b string
		if i%2 == 0 {
			b = strings.Join(edit(rng, tokensOf(a)), "")
		} else {
			// Edits inside words too: pieces of words moved and replaced.
			b = strings.Join(edit(rng, strings.Split(a, "")), "")
		}
		got := textdiff.Words(a, b)
		checkDiff(t, a, b, got)
		ins, del := textdiff.Stats(got)
		if ins < 0 || del < 0 || (a == b && ins+del != 0) {
			t.Fatalf("Stats(%q) = %d, %d", got, ins, del)
		}
	}
}

// tokensOf splits s at spaces, keeping them.
func tokensOf(s string) []string {
	return regexp.MustCompile(`\s+|[^\s]+`).FindAllString(s, -1)
}

func BenchmarkWords(b *testing.B) {
	rng := rand.New(rand.NewSource(1))
	a := randomText(rng, 1500)
	bb := edit(rng, edit(rng, a))
	sa, sb := strings.Join(a, ""), strings.Join(bb, "")
	for b.Loop() {
		textdiff.Words(sa, sb)
	}
}
