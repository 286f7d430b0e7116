package htmlpage

import (
	"bytes"
	"encoding/json"
	"fmt"
	"html"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"sahafa/importer/byline"
)

// samplesDir holds real Arabic news pages with what a correct extraction
// gives (../shared/samples/html from the repository root; see its README).
const samplesDir = "../../../shared/samples/html"

// sample is one page and what is right about it.
type sample struct {
	file  string
	url   string
	date  string // day of publication, in the page's own zone; "" when unknown
	title string // the headline
	// cnn: the expected body text, as sentences
	sentences []string
	expected  int // runes of the expected body text
	// phrases the body holds exactly once, and phrases it must not hold
	with, without []string
}

// manifestChecks are, for the manifest's pages (which come with a URL and
// a date only), the headline as the page's <h1> gives it, the first and
// last sentences of the article, and furniture seen on the page around it
// (related headlines, comment forms, widgets), all read off the pages.
var manifestChecks = map[string]struct {
	title         string
	with, without []string
}{
	"1550981615.html": {"مصر تسجل 30 إصابة جديدة وحالتي وفاة بفيروس كورونا",
		[]string{"أعلنت وزارة الصحة والسكان المصرية", "وصنفت منظمة الصحة العالمية يوم 11 مارس"},
		[]string{"كورونا وتحديات التعليم عن بعد", "إضافة تعليق", "9 أطعمة تقوي مناعتك", "انظر أيضا"}},
	"1588107198.html": {"أميركا :50 الفا حصيلة الوفيات بسبب فيروس كورونا",
		[]string{"بلغت حصيلة الوفيات الناجمة عن فيروس كورونا", "وفي بيانات نشرها مركز الجامعة"},
		[]string{"شارك هذا الخبر", "مواضيع ساخنة اخرى", "حالتان جديدتان مصابتان بفيروس كورونا في الاردن", "لا مانع من الإقتباس"}},
	"1623715966.html": {"القائم بأعمال السفارة الأفغانية يثمّن جهود الإمارات",
		[]string{"ثمّن أحمد ساير داودزي", "وحث جميع الأفغان المقيمين"},
		[]string{"تابعوا أخبار الإمارات من البيان", "هل تؤيد طرح تخصصات", "مواقيت الصلاة"}},
	"1691196862.html": {"وزير الرى يشهد توقيع عقد دراسة تحديد السحب الآمن للخزانات الجوفية مع جامعة القاهرة",
		[]string{"شهد الدكتور محمد عبد العاطي وزير الموارد المائية", "وأثني الدكتور عبدالعاطي علي الجهد المبذول"},
		[]string{"اضف تعليقاً واقرأ تعليقات القراء", "لجنة إيراد النهر", "بروتوكول نشر التعليقات"}},
	"1731695567.html": {"36 عامًا.. سر رحيل نعيمة عاكف في سن مبكر",
		[]string{"يصادف اليوم ذكرى ميلاد الفنانة نعيمة عاكف", "بعد رحلة مع مرض سرطان الأمعاء"},
		[]string{"سلطان صلاح يشارك", "الأكثر قراءة", "مشاركه الخبر", "الكلمات الدالة"}},
	"1764731404.html": {"سرقة منزل أميرة سعودية في باريس يضم أغراضاً فاخرة بقيمة 700 ألف دولار",
		[]string{"بسرقة أغراض فاخرة بقيمة 700 ألف دولار", "نسخةً إضافية من مفاتيح المنزل"},
		[]string{"باسيل أُستهدف في السباق الرئاسي", "مقالات مختارة", "Previous"}},
	"1784190729.html": {"طهران تدفن «زادة».. وتتهم المعارضة الإيرانية باغتياله",
		[]string{"وسط تهديدات إيرانية بالانتقام", "إيلي كوهين"},
		[]string{"مسلحون يطلقون صواريخ على قواعد عسكرية", "الميدان الرياضي"}},
	"1806793639.html": {"تركى آل الشيخ بعد إصابة يسرا بكورونا: يارب يرفع عنك",
		[]string{"انتشر خبر خلال الساعات الأخيرة", "يذكر أن أخر أعمال الفنانة يسرا"},
		[]string{"المدير الفني لفريق الفيوم", "مصر تكسر حاجز ألف إصابة", "اترك تعليقاً", "سائق خائن"}},
}

// loadSamples reads the sample pages' expectations, or skips the test when
// ../shared is absent.
func loadSamples(t testing.TB) []sample {
	t.Helper()
	if _, err := os.Stat(samplesDir); err != nil {
		t.Skipf("skipping: the sample pages (../shared/samples/html) are absent: %v", err)
	}
	var out []sample

	var manifest []struct {
		File string `json:"file"`
		URL  string `json:"url"`
		Date string `json:"published_date"`
	}
	readJSON(t, "manifest.json", &manifest)
	for _, m := range manifest {
		c, ok := manifestChecks[m.File]
		if !ok {
			t.Fatalf("manifest page %s has no checks in manifestChecks", m.File)
		}
		out = append(out, sample{file: m.File, url: m.URL, date: m.Date, title: c.title, with: c.with, without: c.without})
	}

	var cnn struct {
		URL   string `json:"url"`
		Title string `json:"title"`
	}
	readJSON(t, "cnn-arabic-2013.expected.json", &cnn)
	txt, err := os.ReadFile(filepath.Join(samplesDir, "cnn-arabic-2013.expected.txt"))
	if err != nil {
		t.Fatal(err)
	}
	out = append(out, sample{file: "cnn-arabic-2013.html", url: cnn.URL, title: cnn.Title,
		sentences: sentences(string(txt)), expected: len([]rune(collapse(string(txt))))})

	var assabah map[string]struct {
		Title   string   `json:"title"`
		Date    string   `json:"date"`
		With    []string `json:"with"`
		Without []string `json:"without"`
	}
	readJSON(t, "assabah-tn.expected.json", &assabah)
	for u, a := range assabah {
		out = append(out, sample{file: "assabah-tn.html", url: u, title: a.Title, date: a.Date, with: a.With, without: a.Without})
	}
	return out
}

func readJSON(t testing.TB, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(samplesDir, name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

var sentenceEnd = regexp.MustCompile(`[.!?؟]["”»]?\s+`)

// sentences splits a text into its sentences of at least four words.
func sentences(text string) []string {
	var out []string
	for _, para := range strings.Split(text, "\n") {
		for _, s := range sentenceEnd.Split(para, -1) {
			if s = collapse(s); words(s) >= 4 {
				out = append(out, s)
			}
		}
	}
	return out
}

// score is what one extraction got right on one page; a check that does not
// apply to the page is nil.
type score struct {
	titleOK   bool  // non-empty, not the site's name alone (the check)
	title     *bool // the headline exactly (collapsed spaces)
	date      *bool // the expected day
	body      *bool // sentence share and length, or phrases
	share     float64
	gotTitle  string
	gotDate   string
	bodyRunes int
	notes     []string
}

func (s score) right() bool {
	ok := s.titleOK
	for _, c := range []*bool{s.title, s.date, s.body} {
		if c != nil && !*c {
			ok = false
		}
	}
	return ok
}

func check(s sample, title, date, body string, sites []string) score {
	var sc score
	sc.gotTitle, sc.gotDate = title, date
	sc.titleOK = title != "" && !isSiteName(title, sites)
	if s.title != "" {
		ok := collapse(title) == collapse(s.title)
		sc.title = &ok
	}
	if s.date != "" {
		ok := date == s.date
		sc.date = &ok
	}
	nb := norm(body)
	sc.bodyRunes = len([]rune(collapse(body)))
	switch {
	case len(s.sentences) > 0:
		found := 0
		for _, sent := range s.sentences {
			if strings.Contains(nb, norm(sent)) {
				found++
				continue
			}
			// The byline opening the lead ("دمشق، سوريا (CNN) --") goes to
			// the dateline.
			if _, rest, ok := byline.SplitLead(sent); ok && strings.Contains(nb, norm(rest)) {
				found++
				continue
			}
			sc.notes = append(sc.notes, "missing: "+clipRunes(sent, 40))
		}
		sc.share = float64(found) / float64(len(s.sentences))
		ok := sc.share >= 0.8 && sc.bodyRunes <= s.expected*3/2
		if sc.bodyRunes > s.expected*3/2 {
			sc.notes = append(sc.notes, fmt.Sprintf("body %d runes, expected %d", sc.bodyRunes, s.expected))
		}
		sc.body = &ok
	case len(s.with) > 0 || len(s.without) > 0:
		ok := true
		for _, w := range s.with {
			if n := strings.Count(nb, norm(w)); n != 1 {
				ok = false
				sc.notes = append(sc.notes, fmt.Sprintf("%d× %q", n, w))
			}
		}
		for _, w := range s.without {
			if strings.Contains(nb, norm(w)) {
				ok = false
				sc.notes = append(sc.notes, fmt.Sprintf("has %q", w))
			}
		}
		sc.body = &ok
	}
	return sc
}

type candidate struct {
	name string
	eng  engine
}

// candidates are the extraction libraries compared. go-readability
// (codeberg.org/readeck/go-readability/v2) was measured here too when the
// library was chosen; it found no date on three of the eight dated pages.
var candidates = []candidate{
	{"go-trafilatura", trafilaturaEngine},
}

// TestSamples measures the extraction on the sample pages: for each
// library, what it gives by itself (raw) and what Extract makes of it
// (final). It logs the table (go test -v -run TestSamples) and fails when
// Extract with the library in use gets a page wrong.
func TestSamples(t *testing.T) {
	samples := loadSamples(t)
	var table strings.Builder
	fmt.Fprintf(&table, "\n%-22s %-15s %-5s | %-9s %-9s %-9s %-9s | %s\n", "page", "library", "stage", "title", "headline", "date", "body", "page right / notes")
	for _, c := range candidates {
		right := map[string]int{}
		for _, s := range samples {
			f, err := os.Open(filepath.Join(samplesDir, s.file))
			if err != nil {
				t.Fatal(err)
			}
			res, err := run(f, s.url, Options{}, c.eng)
			f.Close()
			if err != nil {
				fmt.Fprintf(&table, "%-22s %-15s %-5s | error: %v\n", s.file, c.name, "", err)
				if c.name == candidates[0].name {
					t.Errorf("%s: %v", s.file, err)
				}
				continue
			}
			sites := appendSite(nil, res.draft.Source)
			rawDate := ""
			if !res.lib.Date.IsZero() {
				rawDate = res.lib.Date.Format("2006-01-02")
			}
			raw := check(s, res.lib.Title, rawDate, textOf(res.lib.Content), sites)
			date := ""
			if !res.local.IsZero() {
				date = res.local.Format("2006-01-02")
			}
			final := check(s, res.draft.Title, date, plainBody(res.draft.Body), sites)
			for _, st := range []struct {
				name string
				sc   score
			}{{"raw", raw}, {"final", final}} {
				fmt.Fprintf(&table, "%-22s %-15s %-5s | %-9s %-9s %-9s %-9s | %v %s\n", s.file, c.name, st.name,
					yes(&st.sc.titleOK), yes(st.sc.title), dateCell(st.sc), bodyCell(st.sc), st.sc.right(), strings.Join(st.sc.notes, "; "))
				if st.sc.right() {
					right[st.name]++
				}
			}
			if c.name == candidates[0].name && !final.right() {
				t.Errorf("%s: wrong: title %q, date %q, body: %s", s.file, final.gotTitle, final.gotDate, strings.Join(final.notes, "; "))
			}
		}
		fmt.Fprintf(&table, "%s: pages right: raw %d/%d, final %d/%d\n", c.name, right["raw"], len(samples), right["final"], len(samples))
	}
	t.Log(table.String())
}

func yes(b *bool) string {
	switch {
	case b == nil:
		return "n/a"
	case *b:
		return "yes"
	}
	return "NO"
}

func dateCell(s score) string {
	if s.date == nil {
		if s.gotDate == "" {
			return "n/a"
		}
		return "(" + s.gotDate[2:] + ")"
	}
	if *s.date {
		return "yes"
	}
	if s.gotDate == "" {
		return "NO:none"
	}
	return "NO:" + s.gotDate[2:]
}

func bodyCell(s score) string {
	if s.share > 0 || len(s.notes) > 0 && s.body != nil && s.share == 0 && strings.HasPrefix(s.notes[0], "missing") {
		return fmt.Sprintf("%s %.0f%%", yes(s.body), s.share*100)
	}
	return yes(s.body)
}

// plainBody is the text of a draft's body.
func plainBody(h string) string {
	var b bytes.Buffer
	inTag := false
	for _, r := range h {
		switch {
		case r == '<':
			inTag = true
			b.WriteByte(' ')
		case r == '>':
			inTag = false
		case !inTag:
			b.WriteRune(r)
		}
	}
	return html.UnescapeString(b.String())
}
