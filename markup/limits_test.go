package markup_test

import (
	"runtime"
	"strings"
	"testing"
	"time"

	"sahafa/markup"
)

// pathological are sources whose render time was quadratic (or worse) in
// their length before the limits: unit repeated to the length, after
// prefix. Each is refused with a problem on the right line.
var pathological = []struct {
	name, prefix, unit string
	line               int // of the problem
}{
	{"quotes on one line", "", ">", 1},
	{"quotes and spaces", "مقدمة\n\n", "> ", 3},
	{"nested lists", "", "- ", 1},
	{"nested ordered lists", "", "1. ", 1},
	{"nested link destinations", "", "[a](", 1},
	{"nested empty links", "نص ", "[](", 1},
	{"link destinations in brackets", "", "[a](<", 1},
	{"balanced deep brackets", "", "[[", 1},
	{"run of tildes", "x", "~", 1},
	{"reference definitions", "", "[a]: /b\n", MaxRefLine},
	{"unpaired underscores", "", "a_b_ ", 1},
	{"emphasis after و", "", "**غامق** و_مائل_ ", 1},
	{"undefined references line after line", "0", "a[a]]\n", markup.MaxBrackets + 1},
}

// MaxRefLine is the line of the first reference definition past the limit.
const MaxRefLine = markup.MaxReferenceDefinitions + 1

func TestLimitsRefusePathologicalSources(t *testing.T) {
	for _, p := range pathological {
		t.Run(p.name, func(t *testing.T) {
			src := p.prefix + strings.Repeat(p.unit, 100_000/len(p.unit)) + " نص"
			start := time.Now()
			out, problems := markup.Render(src, markup.Options{})
			took := time.Since(start)
			if len(problems) == 0 || problems[0].Line != p.line {
				t.Fatalf("problems %+v, want the first on line %d", problems, p.line)
			}
			if !strings.Contains(out, "نص") || strings.Contains(out, "<blockquote") {
				t.Errorf("the refused source is not shown as escaped text: %.200q", out)
			}
			t.Logf("%d bytes refused in %v: %s", len(src), took, problems[0].Message)
		})
	}
	big := strings.Repeat("فقرة من مقال طويل جدًا عن الاقتصاد والسياسة.\n\n", markup.MaxSourceBytes/60)
	if _, problems := markup.Render(big, markup.Options{}); len(problems) != 1 || !strings.Contains(problems[0].Message, "أطول") {
		t.Errorf("a %d-byte source: problems %+v, want one saying it is too long", len(big), problems)
	}
}

// TestLimitsLeaveRealWritingAlone: what newsrooms write — quotes in lists
// in quotes, brackets in prose, code with tildes and brackets, a "- - -"
// rule, reference links — renders with no problem.
func TestLimitsLeaveRealWritingAlone(t *testing.T) {
	src := article + "\n\n" + strings.Join([]string{
		"> قال المتحدث:",
		"> - إن [الاتفاق](https://example.org/a) (الذي وُقّع [أمس] في الرياض (العاصمة)) نافذ",
		">   1. > اقتباس داخل قائمة داخل اقتباس",
		"",
		"- - -",
		"* * * * * * * * * * * * * *",
		"",
		"~~~",
		strings.Repeat("[", 40) + strings.Repeat("~", 60) + " شيفرة",
		"~~~",
		"",
		"```js",
		"const a = " + strings.Repeat("[", 50) + "1" + strings.Repeat("]", 50),
		"```",
		"",
		"انظر [التقرير][r] و~~الخبر القديم~~ ونصًا (بين (أقواس (متداخلة))).",
		"",
		"[r]: https://example.org/report \"التقرير\"",
	}, "\n")
	if _, problems := markup.Render(src, markup.Options{}); len(problems) > 0 {
		t.Fatalf("problems in ordinary writing: %+v", problems)
	}
}

// linearCases are the shapes BenchmarkRenderLinear and FuzzRenderLinear
// grow: the pathological ones (now refused, so cheap) and ordinary text,
// lists, quotes, tables, links, emphasis and raw HTML.
var linearCases = []struct{ name, unit string }{
	{"prose", "كلمة عربية ومعها word لاتينية، "},
	{"paragraphs", "فقرة قصيرة من خبر.\n\n"},
	{"list items", "- بند في قائمة\n"},
	{"quote lines", "> سطر في اقتباس\n"},
	{"table rows", "| أ | ب |\n"},
	{"links", "[رابط](https://example.org/x) "},
	{"emphasis", "**غامق** و_مائل_ "},
	{"emphasis paragraphs", "**غامق** و_مائل_ ونص عادي بعدهما.\n\n"},
	{"unpaired underscores", "a_b_ "},
	{"undefined references", "[a]\n"},
	{"open emphasis", "**a"},
	{"open brackets", "x["},
	{"images", "![وصف](/media/1) "},
	{"raw html", "<b><i>نص</i></b> "},
	{"html blocks", "<div>\nنص\n</div>\n\n"},
	{"quotes one line", ">"},
	{"lists one line", "- "},
	{"link destinations", "[a]("},
	{"tildes", "~"},
	{"reference definitions", "[a]: /b\n"},
}

// BenchmarkRenderLinear renders each shape at n and 8n bytes and reports
// ns per byte at both and their ratio, "growth": about 1 for a linear
// renderer, 8 for a quadratic one. It is a benchmark, not a timed test,
// so a slow machine never fails it; read the growth column.
func BenchmarkRenderLinear(b *testing.B) {
	const n = 16 << 10
	for _, c := range linearCases {
		b.Run(c.name, func(b *testing.B) {
			small := strings.Repeat(c.unit, n/len(c.unit)+1)
			large := strings.Repeat(c.unit, 8*n/len(c.unit)+1)
			var ts, tl time.Duration
			for b.Loop() {
				start := time.Now()
				markup.Render(small, markup.Options{})
				ts += time.Since(start)
				start = time.Now()
				markup.Render(large, markup.Options{})
				tl += time.Since(start)
			}
			perSmall := float64(ts.Nanoseconds()) / float64(b.N) / float64(len(small))
			perLarge := float64(tl.Nanoseconds()) / float64(b.N) / float64(len(large))
			b.ReportMetric(perSmall, "ns/byte@16K")
			b.ReportMetric(perLarge, "ns/byte@128K")
			b.ReportMetric(perLarge/perSmall, "growth")
		})
	}
}

// FuzzRenderLinear fails when render time grows faster than the input:
// the source is unit repeated to about 1 KB and to 8 KB after prefix, and
// the larger must not take more than 32 times the smaller (8 is linear, 64
// quadratic), once it takes long enough (10 ms) to be measured above the
// noise, in each of five tries. Each is timed as the best of three,
// after a collection.
func FuzzRenderLinear(f *testing.F) {
	for _, c := range linearCases {
		f.Add("", c.unit)
	}
	for _, p := range pathological {
		f.Add(p.prefix, p.unit)
	}
	f.Add("x", "[a]")
	f.Add("", "[[a]]\n")
	f.Fuzz(func(t *testing.T, prefix, unit string) {
		if unit == "" || len(unit) > 64 || len(prefix) > 256 {
			return
		}
		const n = 1 << 10
		small := prefix + strings.Repeat(unit, n/len(unit)+1)
		large := prefix + strings.Repeat(unit, 8*n/len(unit)+1)
		best := func(src string) time.Duration {
			d := time.Duration(1 << 62)
			runtime.GC() // so that a collection of earlier garbage is not timed
			for range 3 {
				start := time.Now()
				markup.Render(src, markup.Options{})
				d = min(d, time.Since(start))
			}
			return d
		}
		// A 2-core CI machine runs other packages' tests beside this one, so
		// one slow measurement is noise until it repeats: a quadratic
		// renderer is slow every time, a preempted linear one is not.
		var ts, tl time.Duration
		for range 5 {
			ts, tl = best(small), best(large)
			if tl <= 10*time.Millisecond || tl <= 32*ts {
				return
			}
		}
		t.Fatalf("render time grows faster than the input: %d bytes in %v, %d bytes in %v (%.0f×), five times over\nprefix %q unit %q",
			len(small), ts, len(large), tl, float64(tl)/float64(max(ts, 1)), prefix, unit)
	})
}
