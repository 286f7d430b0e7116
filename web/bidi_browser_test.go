package web_test

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"sahafa/browsertest"
	"sahafa/news"
	"sahafa/store/teststores"
	"sahafa/web"
)

// bidiCases are Arabic headlines, written for this test, that mix in Latin
// text of the kinds news carries. runs are the Latin runs as a reader must
// see them, left to right, in reading order; the site isolates each in a
// <bdi dir="ltr"> (markup.IsolateText).
var bidiCases = []struct {
	what, title string
	runs        []string
}{
	{"acronym with a hyphen", "منظمة UN-Water تحذر من تفاقم أزمة المياه في الشرق الأوسط", []string{"UN-Water"}},
	{"title with a period", "قال Dr. John Smith إن اللقاح الجديد آمن للأطفال", []string{"Dr. John Smith"}},
	{"bare URL", "وزارة الصحة تنشر مواعيد التطعيم على example.com/ar/news وتدعو الأهالي للتسجيل", []string{"example.com/ar/news"}},
	{"e-mail", "الجمعية تستقبل الشكاوى عبر البريد complaints@example.org حتى نهاية الشهر", []string{"complaints@example.org"}},
	{"product with a number", "آبل تبدأ بيع هاتف iPhone 16 في الأسواق الخليجية", []string{"iPhone 16"}},
	{"Latin name first", "OpenAI تطلق نموذجًا جديدًا يفهم اللهجات العربية", []string{"OpenAI"}},
	{"Latin name first, then a colon", "IMF: الاقتصاد العالمي ينمو 3.2 في المئة هذا العام", []string{"IMF"}},
	{"Latin run last", "الحكومة توقع اتفاقية لتطوير الحوسبة السحابية مع Microsoft", []string{"Microsoft"}},
	{"two Latin runs", "شركة Samsung تتفوق على Apple في مبيعات الهواتف الذكية", []string{"Samsung", "Apple"}},
	{"digits between Arabic words", "عام 2024 يسجل أعلى درجات حرارة منذ 175 عامًا", nil},
	{"parentheses around a run", "منظمة الصحة العالمية (WHO) تعلن انتهاء حالة الطوارئ", []string{"WHO"}},
	{"prefix glued to a run", "أول متسابقة محجبة تفوز بـThe Voice في نسخته الفرنسية", []string{"The Voice"}},
	{"acronym with digits", "ارتفاع إصابات COVID-19 في أوروبا مع حلول الشتاء", []string{"COVID-19"}},
	{"credit rating with a plus", "وكالة فيتش ترفع تصنيف المملكة إلى AA+ مع نظرة مستقبلية مستقرة", []string{"AA+"}},
	{"hashtag", "وسم #MeToo يتصدر المنصات العربية بعد شهادات جديدة", []string{"#MeToo"}},
	{"handle", "الحساب الرسمي @WHO ينشر إرشادات جديدة للوقاية من الحر", []string{"@WHO"}},
	{"digits glued before Latin", "السعودية تمنح أول رخص تجريبية لشبكات 5G في المنطقة", []string{"5G"}},
	{"long, wraps on a phone", "الأمم المتحدة: برنامج UN-Water يطلق تقريرًا عن ندرة المياه في 17 دولة عربية ويحذر عبر example.com/reports/2024 من موجات جفاف أطول",
		[]string{"UN-Water", "example.com/reports/2024"}},
	{"long title and name, wraps on a phone", "في مقابلة مطولة مع الصحيفة قال Prof. Dr. Anna-Maria Schmidt-Weber إن الاتفاق المناخي الجديد لن يكفي وحده",
		[]string{"Prof. Dr. Anna-Maria Schmidt-Weber"}},
}

// bidiCorpusPath is the ANT corpus (see ../shared/corpus/README.md); its
// text is read at test time, never copied here.
const bidiCorpusPath = "../../shared/corpus/ant-v2.1.jsonl.gz"

// bidiCorpusMax bounds the corpus headlines checked, bidiCorpusPerSource
// what one outlet contributes.
const (
	bidiCorpusMax       = 40
	bidiCorpusPerSource = 12
)

// bidiCorpusHeadlines returns up to bidiCorpusMax distinct ANT headlines that
// are mostly Arabic with some Latin in them, at most bidiCorpusPerSource
// from each outlet. err is set when the corpus cannot be read (absent: an
// os.ErrNotExist).
func bidiCorpusHeadlines() ([]string, error) {
	f, err := os.Open(bidiCorpusPath)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 0, 1<<20), 16<<20)
	var out []string
	seen := map[string]bool{}
	perSource := map[string]int{}
	for sc.Scan() && len(out) < bidiCorpusMax {
		var a struct {
			Source string `json:"source"`
			Title  string `json:"title"`
		}
		// Most lines are skipped on their title, read without decoding
		// the article (its fields come in this order).
		line := sc.Bytes()
		head, _, ok := bytes.Cut(line, []byte(`, "published": `))
		_, raw, ok2 := bytes.Cut(head, []byte(`"title": `))
		if ok && ok2 && !bytes.ContainsFunc(raw, func(r rune) bool { return r < utf8.RuneSelf && unicode.IsLetter(r) }) {
			continue
		}
		if json.Unmarshal(line, &a) != nil || perSource[a.Source] >= bidiCorpusPerSource {
			continue
		}
		title := strings.Join(strings.Fields(a.Title), " ")
		latin, arabic := 0, 0
		for _, r := range title {
			switch {
			case unicode.Is(unicode.Latin, r):
				latin++
			case unicode.Is(unicode.Arabic, r) && unicode.IsLetter(r):
				arabic++
			}
		}
		if latin == 0 || arabic <= latin || seen[title] {
			continue
		}
		seen[title] = true
		perSource[a.Source]++
		out = append(out, title)
	}
	return out, sc.Err()
}

// bidiHeadline is what the browser reports of one rendered headline: its
// characters (code points) with their boxes, and its Latin runs
// (bdi[dir=ltr]) as character ranges with their boxes.
type bidiHeadline struct {
	Text, Dir string
	Chars     []struct {
		C string
		R *bidiRect // nil for spaces, combining marks and what has no box
	}
	Runs []struct {
		S, E  int // Chars[S:E]
		Rects []bidiRect
	}
}

// bidiRect is a box in CSS pixels: left, right, top, bottom.
type bidiRect [4]float64

func (r bidiRect) mid() float64    { return (r[0] + r[1]) / 2 }
func (r bidiRect) midY() float64   { return (r[2] + r[3]) / 2 }
func (r bidiRect) height() float64 { return r[3] - r[2] }

// bidiCollectJS reads every list headline of the page, once the fonts are
// in: the box of each of its characters (a Range over the code point) and
// of each of its Latin runs.
const bidiCollectJS = `document.fonts.ready.then(() =>
	[...document.querySelectorAll('.lead-story-title > a > bdi, .item-title > a > bdi')].map(h => {
		const chars = [], runs = [], range = document.createRange();
		const box = q => [q.left, q.right, q.top, q.bottom];
		const walk = document.createTreeWalker(h, NodeFilter.SHOW_TEXT);
		let run = null, node;
		while ((node = walk.nextNode())) {
			let el = node.parentElement.closest('bdi[dir=ltr]');
			if (el === h || !h.contains(el)) el = null;
			if (run && run.el !== el) {
				runs.push({S: run.S, E: chars.length, Rects: [...run.el.getClientRects()].filter(q => q.width > 0).map(box)});
				run = null;
			}
			if (el && !run) run = {el, S: chars.length};
			const s = node.data;
			for (let i = 0; i < s.length;) {
				const n = s.codePointAt(i) > 0xffff ? 2 : 1, c = s.slice(i, i + n);
				let best = null;
				if (!/^[\s\p{M}]$/u.test(c)) {
					range.setStart(node, i);
					range.setEnd(node, i + n);
					for (const q of range.getClientRects()) if (q.width > 0 && (!best || q.width > best.width)) best = q;
				}
				chars.push({C: c, R: best && box(best)});
				i += n;
			}
		}
		if (run) runs.push({S: run.S, E: chars.length, Rects: [...run.el.getClientRects()].filter(q => q.width > 0).map(box)});
		return {Text: h.textContent, Dir: h.getAttribute('dir'), Chars: chars, Runs: runs};
	}))`

// TestBrowserBidiOrder renders Arabic headlines that mix in Latin text
// through the site (a section page listing them all), in headless
// Chromium, and checks the visual order of what the reader sees, character
// by character: (a) a Latin run's letters and digits, and a number's
// digits, go left to right; (b) Arabic words go right to left; (c) a Latin
// run sits between its neighbours in reading order (the word before it to
// its right, the one after it to its left, brackets and colons glued to it
// on the Arabic side); (d) a run's punctuation ("." of "Dr.", "-" of
// "UN-Water", "/" of a URL, "+" of "AA+") stays inside the run, between the
// characters it sits between, and nothing else lands inside the run.
// Boxes are compared only on the same visual line. At desktop width all
// four are checked; at phone width, where headlines wrap, (a) and (d), per
// line. Besides the written cases it checks up to 40 mixed headlines of the
// ANT corpus when ../shared/corpus is there.
func TestBrowserBidiOrder(t *testing.T) {
	// The corpus is read while the browser starts.
	type headlines struct {
		list []string
		err  error
	}
	corpusc := make(chan headlines, 1)
	go func() {
		list, err := bidiCorpusHeadlines()
		corpusc <- headlines{list, err}
	}()
	b := browsertest.New(t)
	got := <-corpusc
	corpus := got.list
	switch {
	case errors.Is(got.err, fs.ErrNotExist):
		t.Logf("ANT corpus not available (%v): checking the %d written headlines only", got.err, len(bidiCases))
	case got.err != nil:
		t.Fatalf("reading the ANT corpus: %v", got.err)
	}

	ctx := context.Background()
	st := teststores.SQLite(t)
	sec := news.Section{Slug: "bidi", Name: "منوعات"}
	base := time.Date(2025, time.June, 1, 12, 0, 0, 0, time.UTC)
	var recs []news.ArticleRecord
	add := func(ext, title string) {
		recs = append(recs, news.ArticleRecord{Article: news.Article{ExternalID: ext, Slug: ext, Title: title, Section: sec,
			Body: "<p>نص الخبر.</p>", PublishedAt: base.Add(-time.Duration(len(recs)) * time.Minute)}})
	}
	for i, c := range bidiCases {
		add(fmt.Sprint("bidi-case-", i), c.title)
	}
	for i, title := range corpus {
		add(fmt.Sprint("bidi-ant-", i), title)
	}
	if _, err := st.SaveArticles(ctx, recs); err != nil {
		t.Fatalf("save articles: %v", err)
	}
	site, err := web.New(st, web.Options{Logger: slog.New(slog.DiscardHandler), PageSize: news.MaxListLimit})
	if err != nil {
		t.Fatalf("web.New: %v", err)
	}
	srv := httptest.NewServer(site)
	t.Cleanup(srv.Close)

	hand := map[string]int{}
	for i, c := range bidiCases {
		hand[c.title] = i
	}
	for _, vp := range []browsertest.Viewport{browsertest.Desktop, browsertest.Phone} {
		t.Run(vp.Name, func(t *testing.T) {
			tab := b.Tab(t, vp)
			if status := tab.Navigate(t, srv.URL+news.SectionPath(sec.Slug)); status != http.StatusOK {
				t.Fatalf("GET %s: status %d", news.SectionPath(sec.Slug), status)
			}
			var heads []bidiHeadline
			tab.Eval(t, bidiCollectJS, &heads)
			full := vp.Width >= browsertest.Desktop.Width
			checked, fromCorpus, ltr, wrapped := 0, 0, 0, 0
			found := map[int]bool{}
			for _, h := range heads {
				text := strings.Join(strings.Fields(h.Text), " ")
				i, isHand := hand[text]
				if isHand {
					found[i] = true
				}
				if h.Dir != "rtl" {
					if isHand {
						t.Errorf("%q: laid out as dir=%q, want the Arabic headline right to left", text, h.Dir)
					}
					ltr++ // a headline the site takes for English or French
					continue
				}
				var want []string
				if isHand {
					want = bidiCases[i].runs
					if want == nil {
						want = []string{}
					}
				}
				problems, lines := bidiCheck(h, want, full)
				checked++
				if !isHand {
					fromCorpus++
				}
				if lines > 1 {
					wrapped++
				}
				if len(problems) > 0 {
					what := "ANT corpus"
					if isHand {
						what = bidiCases[i].what
					}
					t.Errorf("%s, %s, %d line(s): %q (isolated runs %q):\n\t%s", vp.Name, what, lines, h.Text, bidiRunTexts(h),
						strings.Join(problems, "\n\t"))
				}
			}
			for i, c := range bidiCases {
				if !found[i] {
					t.Errorf("%s: headline %q is not on the page", vp.Name, c.title)
				}
			}
			if checked < len(bidiCases) {
				t.Errorf("%s: checked %d headlines, fewer than the %d written ones", vp.Name, checked, len(bidiCases))
			}
			checks := "(a)-(d)"
			if !full {
				checks = "(a) and (d), per line"
			}
			t.Logf("%s: checked %d headlines %s (%d written, %d from the ANT corpus; %d on more than one line); %d left to right (English or French) not checked",
				vp.Name, checked, checks, checked-fromCorpus, fromCorpus, wrapped, ltr)
			if errs := tab.Errors(); len(errs) > 0 {
				t.Errorf("%s: console errors or CSP violations:\n  %s", vp.Name, strings.Join(errs, "\n  "))
			}
		})
	}
}

func bidiRunTexts(h bidiHeadline) []string {
	out := make([]string, 0, len(h.Runs))
	for _, r := range h.Runs {
		out = append(out, bidiJoin(h, r.S, r.E))
	}
	return out
}

func bidiJoin(h bidiHeadline, s, e int) string {
	var b strings.Builder
	for _, c := range h.Chars[s:e] {
		b.WriteString(c.C)
	}
	return b.String()
}

// bidiSpan is a character range of a headline: a Latin run, an Arabic
// word, a number or a punctuation mark glued to a run.
type bidiSpan struct {
	kind string // "run", "word", "number", "mark"
	s, e int
}

// bidiCheck checks the visual order of a headline (see
// TestBrowserBidiOrder) and returns what is out of order and how many
// lines it takes. want, when not nil, are the Latin runs the headline must
// show (a written case); else they are the isolated runs, with a "+" or "#"
// glued to their end and digits, a "#" or "@" glued to their start ("5G",
// "#MeToo": what the reader takes for one Latin word). full adds the
// order of the words and runs, (b) and (c).
func bidiCheck(h bidiHeadline, want []string, full bool) (problems []string, lines int) {
	n := len(h.Chars)
	char := func(i int) string { return h.Chars[i].C }
	rune0 := func(i int) rune { return []rune(h.Chars[i].C)[0] }
	text := func(s, e int) string { return bidiJoin(h, s, e) }
	bad := func(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

	// Lines: boxes whose vertical middles are within half a box height.
	var lineMid, lineH []float64
	lineOf := func(r bidiRect) int {
		for i := range lineMid {
			if math.Abs(r.midY()-lineMid[i]) < math.Min(r.height(), lineH[i])/2 {
				return i
			}
		}
		lineMid, lineH = append(lineMid, r.midY()), append(lineH, r.height())
		return len(lineMid) - 1
	}
	line := make([]int, n)
	for i, c := range h.Chars {
		line[i] = -1
		if c.R != nil {
			line[i] = lineOf(*c.R)
		}
	}
	lines = len(lineMid)
	// findLine is the line of a box, -1 for none of the characters'.
	findLine := func(r bidiRect) int {
		for i := range lineMid {
			if math.Abs(r.midY()-lineMid[i]) < math.Min(r.height(), lineH[i])/2 {
				return i
			}
		}
		return -1
	}
	at := func(i int) string { return fmt.Sprintf("%q (x %.0f)", char(i), h.Chars[i].R.mid()) }

	// The Latin runs to check.
	var units []bidiSpan
	if want != nil {
		if got := bidiRunTexts(h); !slices.Equal(got, want) {
			bad("markup: the site isolates %q, want %q", got, want)
		}
		from := 0
		for _, w := range want {
			wr := len([]rune(w))
			s := -1
			for i := from; i+wr <= n; i++ {
				if text(i, i+wr) == w {
					s = i
					break
				}
			}
			if s < 0 {
				bad("run %q is not in the rendered text", w)
				continue
			}
			units = append(units, bidiSpan{"run", s, s + wr})
			from = s + wr
		}
	} else {
		for _, r := range h.Runs {
			s, e := r.S, r.E
			for s > 0 && (strings.Contains("#@", char(s-1)) || unicode.IsDigit(rune0(s-1))) {
				s--
			}
			for e < n && strings.Contains("+#", char(e)) {
				e++
			}
			units = append(units, bidiSpan{"run", s, e})
		}
	}
	unitAt := make([]int, n)
	for i := range unitAt {
		unitAt[i] = -1
	}
	for u, sp := range units {
		for i := sp.s; i < sp.e; i++ {
			unitAt[i] = u
		}
	}
	letterOrDigit := func(i int) bool { r := rune0(i); return unicode.IsLetter(r) || unicode.IsDigit(r) }

	// (a) letters and digits of a run go left to right.
	for _, u := range units {
		prev := -1
		for i := u.s; i < u.e; i++ {
			if h.Chars[i].R == nil || !letterOrDigit(i) {
				continue
			}
			if prev >= 0 && line[prev] == line[i] && h.Chars[i].R.mid() <= h.Chars[prev].R.mid() {
				bad("(a) in %q, %s is not right of %s: the run is not left to right", text(u.s, u.e), at(i), at(prev))
			}
			prev = i
		}
	}

	// (d) a run's punctuation sits between its neighbours in the run,
	// inside the run's box, and nothing from outside the run lands
	// inside it.
	for _, u := range units {
		for i := u.s; i < u.e; i++ {
			if h.Chars[i].R == nil || letterOrDigit(i) {
				continue
			}
			p := h.Chars[i].R.mid()
			for j := i - 1; j >= u.s; j-- {
				if h.Chars[j].R != nil {
					if line[j] == line[i] && h.Chars[j].R.mid() >= p {
						bad("(d) in %q, %s is not right of %s before it: thrown out of the run", text(u.s, u.e), at(i), at(j))
					}
					break
				}
			}
			for j := i + 1; j < u.e; j++ {
				if h.Chars[j].R != nil {
					if line[j] == line[i] && h.Chars[j].R.mid() <= p {
						bad("(d) in %q, %s is not left of %s after it: thrown out of the run", text(u.s, u.e), at(i), at(j))
					}
					break
				}
			}
			for _, r := range h.Runs {
				if i < r.S || i >= r.E {
					continue
				}
				for _, box := range r.Rects {
					if findLine(box) == line[i] && (h.Chars[i].R[0] < box[0]-1 || h.Chars[i].R[1] > box[1]+1) {
						bad("(d) in %q, %s is outside the run's box (x %.0f to %.0f)", text(r.S, r.E), at(i), box[0], box[1])
					}
				}
			}
		}
		boxes := map[int][2]float64{} // line → the run's extent on it
		for i := u.s; i < u.e; i++ {
			if r := h.Chars[i].R; r != nil {
				b, ok := boxes[line[i]]
				if !ok {
					b = [2]float64{r[0], r[1]}
				}
				boxes[line[i]] = [2]float64{math.Min(b[0], r[0]), math.Max(b[1], r[1])}
			}
		}
		for i, c := range h.Chars {
			if c.R == nil || (i >= u.s && i < u.e) {
				continue
			}
			if b, ok := boxes[line[i]]; ok && c.R.mid() > b[0]+0.5 && c.R.mid() < b[1]-0.5 {
				bad("(d) %s, outside the run %q, is inside it (x %.0f to %.0f)", at(i), text(u.s, u.e), b[0], b[1])
			}
		}
	}

	// The digits of a number go left to right too (a): "2024" in "عام
	// 2024", "3.2"; numbers are the digits with single separators between
	// them that keep a number whole in Arabic text.
	var spans []bidiSpan
	isArabicLetter := func(i int) bool {
		r := rune0(i)
		return r == 'ـ' || unicode.Is(unicode.Arabic, r) && (unicode.IsLetter(r) || unicode.IsMark(r))
	}
	isDigit := func(i int) bool { return i < n && unicode.IsDigit(rune0(i)) }
	glued := map[int]bool{}
	for i := 0; i < n; {
		switch {
		case unitAt[i] >= 0:
			u := units[unitAt[i]]
			if u.s > 0 && unitAt[u.s-1] < 0 && !glued[u.s-1] && bidiMark(rune0(u.s-1)) {
				spans = append(spans, bidiSpan{"mark", u.s - 1, u.s})
			}
			spans = append(spans, u)
			if u.e < n && unitAt[u.e] < 0 && bidiMark(rune0(u.e)) {
				spans = append(spans, bidiSpan{"mark", u.e, u.e + 1})
				glued[u.e] = true
			}
			i = u.e
		case isArabicLetter(i):
			s := i
			for i < n && unitAt[i] < 0 && isArabicLetter(i) {
				i++
			}
			spans = append(spans, bidiSpan{"word", s, i})
		case isDigit(i):
			s := i
			for i < n && unitAt[i] < 0 && (isDigit(i) || strings.Contains(".,:/٫٬", char(i)) && isDigit(i+1) && isDigit(i-1)) {
				i++
			}
			spans = append(spans, bidiSpan{"number", s, i})
			for j := s + 1; j < i; j++ {
				if isDigit(j) && isDigit(j-1) && line[j] == line[j-1] && h.Chars[j].R.mid() <= h.Chars[j-1].R.mid() {
					bad("(a) in the number %q, %s is not right of %s", text(s, i), at(j), at(j-1))
				}
			}
		default:
			i++
		}
	}
	if !full {
		return problems, lines
	}

	// (b), (c): words, numbers, runs and the marks glued to runs go right
	// to left in reading order, on the same line.
	extent := func(sp bidiSpan, last bool) (x0, x1 float64, ln int, ok bool) {
		ln = -1
		for k := sp.s; k < sp.e; k++ {
			i := k
			if last {
				i = sp.e - 1 - (k - sp.s)
			}
			if h.Chars[i].R != nil {
				ln = line[i]
				break
			}
		}
		if ln < 0 {
			return 0, 0, 0, false
		}
		x0, x1 = math.Inf(1), math.Inf(-1)
		for i := sp.s; i < sp.e; i++ {
			if r := h.Chars[i].R; r != nil && line[i] == ln {
				x0, x1 = math.Min(x0, r[0]), math.Max(x1, r[1])
			}
		}
		return x0, x1, ln, true
	}
	for k := 1; k < len(spans); k++ {
		p, q := spans[k-1], spans[k]
		if p.kind == "number" && q.kind == "number" {
			continue // their order depends on the digits' bidi class
		}
		px0, _, pl, ok1 := extent(p, true)
		_, qx1, ql, ok2 := extent(q, false)
		if !ok1 || !ok2 || pl != ql {
			continue
		}
		if qx1 > px0+1 {
			label := "(b)"
			if p.kind == "run" || q.kind == "run" || p.kind == "mark" || q.kind == "mark" {
				label = "(c)"
			}
			bad("%s %s %q (x %.0f to …) comes after %s %q (… from x %.0f) in reading order but is not to its left",
				label, q.kind, text(q.s, q.e), qx1, p.kind, text(p.s, p.e), px0)
		}
	}
	return problems, lines
}

// bidiMark reports whether r, glued to a Latin run, belongs to the Arabic
// text around it: a bracket, a quotation mark or a separator, which must
// then sit on the run's Arabic side.
func bidiMark(r rune) bool {
	return strings.ContainsRune(`()[]{}«»"“”:،؛,.!؟?`, r)
}
