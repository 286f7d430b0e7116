package search

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestHighlightKeepsOriginalSpelling(t *testing.T) {
	text := "قال مُحَمَّدٌ إنّ الأخـــبار"
	got := Highlight(text, Parse("محمد اخبار").Highlight)
	want := "قال <mark>مُحَمَّدٌ</mark> إنّ <mark>الأخـــبار</mark>"
	if got != want {
		t.Errorf("Highlight = %q\nwant        %q", got, want)
	}

	// Prefixes and hamza variants are marked as the writer spelled them.
	text = "وبالأخبار العاجلة: التهدئة في غزة، وأخبار أخرى."
	got = Highlight(text, Parse("اخبار التهدئه غزه").Highlight)
	want = "<mark>وبالأخبار</mark> العاجلة: <mark>التهدئة</mark> في <mark>غزة</mark>، <mark>وأخبار</mark> أخرى."
	if got != want {
		t.Errorf("Highlight = %q\nwant        %q", got, want)
	}
}

func TestHighlightNoTerms(t *testing.T) {
	text := "الطقس معتدل & مشمس"
	for _, terms := range []map[string]bool{nil, {}, Parse("النفط").Highlight} {
		if got, want := Highlight(text, terms), "الطقس معتدل &amp; مشمس"; got != want {
			t.Errorf("Highlight(%v) = %q, want %q", terms, got, want)
		}
	}
	if got := Highlight("", Parse("النفط").Highlight); got != "" {
		t.Errorf("Highlight of empty text = %q", got)
	}
}

func TestHighlightEscapesHTML(t *testing.T) {
	text := `<script>alert("الأخبار")</script> أخبار النفط & الغاز <b>`
	got := Highlight(text, Parse("اخبار الغاز").Highlight)
	want := `&lt;script&gt;alert(&#34;<mark>الأخبار</mark>&#34;)&lt;/script&gt; <mark>أخبار</mark> النفط &amp; <mark>الغاز</mark> &lt;b&gt;`
	if got != want {
		t.Errorf("Highlight = %q\nwant        %q", got, want)
	}
	if strings.Contains(got, "<script") || strings.Contains(got, "<b>") {
		t.Errorf("unescaped tag in %q", got)
	}
}

// The output is HTML for a UTF-8 page: bytes that are not UTF-8 in a
// stored text must not pass through.
func TestHighlightInvalidUTF8(t *testing.T) {
	for _, text := range []string{"النفط \xff\xfe الغاز", "\xd9النفط", "النفط\xd9"} {
		got := Highlight(text, Parse("النفط").Highlight)
		if !utf8.ValidString(got) {
			t.Errorf("Highlight(%q) = %q: invalid UTF-8", text, got)
		}
		if !strings.Contains(got, "<mark>النفط</mark>") {
			t.Errorf("Highlight(%q) = %q: the match is not marked", text, got)
		}
		if s := Snippet(text, Parse("النفط").Highlight, 5); !utf8.ValidString(s) {
			t.Errorf("Snippet(%q) = %q: invalid UTF-8", text, s)
		}
	}
}

// filler returns n words of plain prose (none of them a query term below),
// cycling through a few sentences.
func filler(n int) string {
	sentences := []string{
		"خرج الصيادون إلى البحر قبل الفجر وعادوا بشباك ممتلئة.",
		"وفي السوق القديم ارتفعت أصوات الباعة بين أكوام البرتقال والرمان.",
		"قالت المعلمة إن التلاميذ أنهوا مشروع الحديقة المدرسية في موعده.",
		"ويزور السياح القلعة الحجرية كل مساء لمشاهدة الغروب فوق التلال.",
		"أعلنت البلدية افتتاح مكتبة عامة جديدة تضم آلاف الكتب المصورة.",
	}
	var words []string
	for len(words) < n {
		for _, s := range sentences {
			words = append(words, strings.Fields(s)...)
		}
	}
	return strings.Join(words[:n], " ")
}

// words counts the words of a snippet, not counting marks and ellipses.
func words(snippet string) int {
	s := strings.NewReplacer("<mark>", "", "</mark>", "", "…", "").Replace(snippet)
	return len(strings.Fields(s))
}

func TestSnippetDensestWindow(t *testing.T) {
	// One lone match early, the cluster of all three terms 300 words in.
	text := filler(10) + " ارتفعت أسعار النفط. " + filler(290) +
		" وقالت الوزارة إن أسعار النفط والغاز تؤثر في فاتورة الكهرباء. " + filler(200)
	terms := Parse("النفط الغاز الكهرباء").Highlight
	got := Snippet(text, terms, 20)
	for _, w := range []string{"<mark>النفط</mark>", "<mark>والغاز</mark>", "<mark>الكهرباء</mark>"} {
		if !strings.Contains(got, w) {
			t.Errorf("snippet lacks %s: %q", w, got)
		}
	}
	if !strings.HasPrefix(got, "… ") || !strings.HasSuffix(got, " …") {
		t.Errorf("snippet cut on both sides should start with %q and end with %q: %q", "… ", " …", got)
	}
	if strings.Contains(got, "ارتفعت") {
		t.Errorf("snippet reaches back to the lone early match: %q", got)
	}
	if n := words(got); n != 20 {
		t.Errorf("snippet has %d words, want 20: %q", n, got)
	}
}

// When the densest window's matches are spread over almost maxWords words,
// the lead-in context must not push the last of them out of the excerpt.
func TestSnippetKeepsWholeCluster(t *testing.T) {
	const maxWords = 30
	text := filler(100) + " أسعار النفط " + filler(maxWords-4) + " وأسعار الغاز " + filler(100)
	got := Snippet(text, Parse("النفط الغاز").Highlight, maxWords)
	if !strings.Contains(got, "<mark>النفط</mark>") || !strings.Contains(got, "<mark>الغاز</mark>") {
		t.Errorf("snippet should show both matches, %d words apart: %q", maxWords-2, got)
	}
	if n := words(got); n != maxWords {
		t.Errorf("snippet has %d words, want %d: %q", n, maxWords, got)
	}
}

// A match among the last words still gets an excerpt of maxWords words,
// with the ellipsis only at the start.
func TestSnippetMatchAtEnd(t *testing.T) {
	text := filler(200) + " وختاما ارتفع النفط."
	got := Snippet(text, Parse("النفط").Highlight, 24)
	if !strings.HasPrefix(got, "… ") || strings.HasSuffix(got, "…") {
		t.Errorf("snippet should be cut only at the start: %q", got)
	}
	if !strings.HasSuffix(got, "<mark>النفط</mark>.") {
		t.Errorf("snippet should end with the marked last word and its full stop: %q", got)
	}
	if n := words(got); n != 24 {
		t.Errorf("snippet has %d words, want 24: %q", n, got)
	}
}

func TestSnippetNoMatchIsOpening(t *testing.T) {
	text := filler(100)
	got := Snippet(text, Parse("النفط").Highlight, 12)
	want := strings.Join(strings.Fields(text)[:12], " ") + " …"
	if got != want {
		t.Errorf("Snippet = %q\nwant      %q", got, want)
	}
	if got2 := Snippet(text, nil, 12); got2 != want {
		t.Errorf("Snippet(nil terms) = %q, want %q", got2, want)
	}
	// maxWords < 1 means the default of 30.
	if n := words(Snippet(text, nil, 0)); n != 30 {
		t.Errorf("Snippet(maxWords 0) has %d words, want 30", n)
	}
}

func TestSnippetShortText(t *testing.T) {
	tests := []struct{ text, query, want string }{
		{"", "النفط", ""},
		{"   ", "النفط", ""},
		{"؟!", "النفط", ""},
		{"النفط", "النفط", "<mark>النفط</mark>"},
		{"«النفط».", "نفط", "«<mark>النفط</mark>»."},
		{" ارتفع النفط اليوم ", "النفط", "ارتفع <mark>النفط</mark> اليوم"},
		{"خبر <عاجل> & مهم", "عاجل", "خبر &lt;<mark>عاجل</mark>&gt; &amp; مهم"},
	}
	for _, tc := range tests {
		if got := Snippet(tc.text, Parse(tc.query).Highlight, 30); got != tc.want {
			t.Errorf("Snippet(%q, %q) = %q, want %q", tc.text, tc.query, got, tc.want)
		}
	}
}

func TestSnippetEscapesHTML(t *testing.T) {
	text := filler(50) + ` <script>alert(1)</script> & أسعار النفط "اليوم" ` + filler(50)
	got := Snippet(text, Parse("النفط").Highlight, 16)
	if !strings.Contains(got, "&lt;/script&gt;") || !strings.Contains(got, "&amp;") || !strings.Contains(got, "&#34;") {
		t.Errorf("snippet should hold the escaped markup: %q", got)
	}
	if strings.Contains(strings.NewReplacer("<mark>", "", "</mark>", "").Replace(got), "<") {
		t.Errorf("unescaped < in %q", got)
	}
}

// The punctuation that closes the excerpt's last word is kept; the next
// word is not, even when it follows that punctuation without a space.
func TestSnippetEndPunctuation(t *testing.T) {
	tests := []struct{ text, want string }{
		{"ارتفع النفط. ثم هبط", "… <mark>النفط</mark>. …"},
		{"ارتفع النفط» ثم هبط", "… <mark>النفط</mark>» …"},
		{"ارتفع النفط.ab ثم هبط", "… <mark>النفط</mark>. …"},
		{"ارتفع النفط،5 ثم هبط", "… <mark>النفط</mark>، …"},
	}
	for _, tc := range tests {
		if got := Snippet(tc.text, Parse("النفط").Highlight, 1); got != tc.want {
			t.Errorf("Snippet(%q) = %q, want %q", tc.text, got, tc.want)
		}
	}
}

// TestSnippetLongTextScansOpeningOnly: a text longer than the scanned
// prefix gives an excerpt from its opening, marked as cut, even when the
// only match lies past the prefix; a match inside the prefix is found.
func TestSnippetLongTextScansOpeningOnly(t *testing.T) {
	filler := strings.Repeat("تواصل الفرق عملها في الميدان منذ الصباح ", 400) // ~16 KB
	terms := Parse("الزلزال").Highlight

	late := "افتتاحية الخبر " + filler + "وضرب الزلزال المدينة"
	got := Snippet(late, terms, 20)
	if !strings.HasPrefix(got, "افتتاحية الخبر") || !strings.HasSuffix(got, " …") || strings.Contains(got, "<mark>") {
		t.Errorf("match past the scanned prefix: %q", got)
	}

	early := "افتتاحية الخبر " + strings.Repeat("تواصل الفرق عملها ", 300) + "وضرب الزلزال المدينة " + filler
	got = Snippet(early, terms, 20)
	if !strings.Contains(got, "<mark>الزلزال</mark>") || !strings.HasSuffix(got, " …") {
		t.Errorf("match inside the scanned prefix: %q", got)
	}
}
