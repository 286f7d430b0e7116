package markup

import (
	"bytes"
	"fmt"
	stdhtml "html"
)

// Limits on a source, checked in one linear pass before goldmark sees it.
// goldmark's cost is quadratic in a few structures no article has: many
// containers opened on one line (">>>>…", "- - - …"), deeply nested
// brackets or link destinations ("[a]([a]([a](…"), long runs of "~", and
// thousands of link reference definitions. Measured before these limits,
// a 200 KB line of ">" took minutes. With them, render time per byte stays
// flat from 4 KB to 512 KB (BenchmarkRenderLinear, FuzzRenderLinear).
const (
	// MaxSourceBytes bounds one body: the longest articles of the corpora
	// are under 100 KB of text, and imported HTML rarely passes 300 KB.
	MaxSourceBytes = 512 << 10
	// MaxNesting bounds the quotes and lists opened at the start of one
	// line; a quote inside a list inside a quote is three.
	MaxNesting = 10
	// MaxBracketDepth bounds unclosed "[" and "(" within one paragraph.
	MaxBracketDepth = 32
	// MaxDelimiterRun bounds a run of "~" inside a line.
	MaxDelimiterRun = 32
	// MaxReferenceDefinitions bounds lines of the form "[label]: url".
	MaxReferenceDefinitions = 500
	// MaxEmphasisRuns bounds the runs of "*", "_" and "~" in one
	// paragraph: goldmark matches them in time quadratic in their number
	// when few pair up (و_كلمة_ written over and over: 3 s for 128 KB).
	MaxEmphasisRuns = 400
	// MaxBrackets bounds the "[" of one paragraph: each may open a link,
	// and goldmark resolves them in time quadratic in their number when
	// they name no defined reference ("[a]" on line after line: 0.26 s
	// for 64 KB).
	MaxBrackets = 1000
)

// checkLimits returns the problems of a source that goes past the limits,
// at most one of each kind (the first), so that the writer sees where to
// look without a list as long as the attack.
func checkLimits(src []byte) []Problem {
	if len(src) > MaxSourceBytes {
		return []Problem{{Line: 1, Message: fmt.Sprintf("النص أطول من الحد المسموح (%d كيلوبايت، والحد %d كيلوبايت)؛ قسّمه إلى أكثر من مقال",
			(len(src)+1023)/1024, MaxSourceBytes>>10)}}
	}
	var c limitScan
	line := 1
	for start := 0; ; line++ {
		end := start
		for end < len(src) && src[end] != '\n' && src[end] != '\r' {
			end++
		}
		c.line(src[start:end], line)
		if end == len(src) {
			break
		}
		start = end + 1
		if src[end] == '\r' && start < len(src) && src[start] == '\n' {
			start++
		}
	}
	return c.problems
}

// limitScan is the state of checkLimits between lines.
type limitScan struct {
	problems      []Problem
	seen          [6]bool // nesting, brackets, run, references, emphasis, bracket count: reported once each
	fence         byte    // '`' or '~' inside a fenced code block
	fenceLen      int     // length of its opening fence
	square, round int     // unclosed brackets of the current paragraph
	runs          int     // emphasis delimiter runs of the current paragraph
	opened        int     // "[" of the current paragraph
	refs          int
}

// report records a problem of a kind not reported yet; format and args
// are only formatted then, since a long attack line meets the same limit
// at every byte.
func (c *limitScan) report(kind, line int, format string, args ...any) {
	if !c.seen[kind] {
		c.seen[kind] = true
		c.problems = append(c.problems, Problem{Line: line, Message: fmt.Sprintf(format, args...)})
	}
}

func (c *limitScan) line(l []byte, line int) {
	body, depth := stripContainers(l)
	mark, n := fenceMark(body)
	if c.fence != 0 {
		if mark == c.fence && n >= c.fenceLen && len(bytes.TrimSpace(body[n:])) == 0 {
			c.fence = 0
		}
		return
	}
	if n >= 3 && (mark == '~' || bytes.IndexByte(body[n:], '`') < 0) {
		c.fence, c.fenceLen = mark, n
		c.square, c.round = 0, 0
		return
	}
	if depth > MaxNesting {
		c.report(0, line, "السطر %d يفتح %d اقتباسًا أو قائمة متداخلة، والحد %d؛ خفّف التداخل", line, depth, MaxNesting)
	}
	if len(bytes.TrimSpace(body)) == 0 {
		c.square, c.round, c.runs, c.opened = 0, 0, 0, 0 // a blank line ends the paragraph
		return
	}
	if lead := bytes.TrimLeft(body, " \t"); depth > 0 || lead[0] == '#' || lead[0] == '|' {
		c.runs, c.opened = 0, 0 // a list item, a heading or a table row: inlines of their own
	}
	if isReferenceDefinition(body) {
		if c.refs++; c.refs > MaxReferenceDefinitions {
			c.report(3, line, "في النص أكثر من %d تعريف روابط من نوع [اسم]: رابط (السطر %d)؛ اكتب الروابط في مواضعها",
				MaxReferenceDefinitions, line)
		}
	}
	run := 0
	for i := 0; i < len(body); i++ {
		ch := body[i]
		if (ch == '*' || ch == '_' || ch == '~') && (i == 0 || body[i-1] != ch) {
			if c.runs++; c.runs > MaxEmphasisRuns {
				c.report(4, line, "في الفقرة عند السطر %d أكثر من %d علامة تنسيق (* أو _ أو ~)؛ قسّم الفقرة أو احذف الزائد منها",
					line, MaxEmphasisRuns)
			}
		}
		if ch == '~' {
			if run++; run > MaxDelimiterRun {
				c.report(2, line, "في السطر %d سلسلة علامات ~ أطول من %d؛ احذفها أو ضعها في كتلة شيفرة", line, MaxDelimiterRun)
			}
			continue
		}
		run = 0
		switch ch {
		case '\\':
			i++ // an escaped character counts for nothing
		case '[':
			c.square++
			if c.opened++; c.opened > MaxBrackets {
				c.report(5, line, "في الفقرة عند السطر %d أكثر من %d قوس [؛ قسّم الفقرة أو احذف الزائد منها", line, MaxBrackets)
			}
		case ']':
			c.square = max(c.square-1, 0)
		case '(':
			c.round++
		case ')':
			c.round = max(c.round-1, 0)
		}
		if c.square > MaxBracketDepth || c.round > MaxBracketDepth {
			c.report(1, line, "في الفقرة عند السطر %d أقواس [ أو ( مفتوحة متداخلة أكثر من %d؛ أغلقها أو احذف الزائد منها",
				line, MaxBracketDepth)
		}
	}
}

// stripContainers removes the block quote and list markers that open a
// line and returns the rest and how many there were. A thematic break
// ("- - -", "* * *") is not a list.
func stripContainers(l []byte) ([]byte, int) {
	if isThematicBreak(l) {
		return l, 0
	}
	depth := 0
	for {
		i := 0
		for i < len(l) && (l[i] == ' ' || l[i] == '\t') {
			i++
		}
		l = l[i:]
		if len(l) == 0 {
			return l, depth
		}
		switch c := l[0]; {
		case c == '>':
			depth++
			l = l[1:]
			continue
		case c == '-' || c == '+' || c == '*':
			if len(l) == 1 || l[1] == ' ' || l[1] == '\t' {
				depth++
				l = l[1:]
				continue
			}
		case c >= '0' && c <= '9':
			j := 0
			for j < len(l) && j < 10 && l[j] >= '0' && l[j] <= '9' {
				j++
			}
			if j < len(l) && (l[j] == '.' || l[j] == ')') && (j+1 == len(l) || l[j+1] == ' ' || l[j+1] == '\t') {
				depth++
				l = l[j+1:]
				continue
			}
		}
		return l, depth
	}
}

// isThematicBreak reports whether a line is three or more of one of -, *,
// _ with only spaces between.
func isThematicBreak(l []byte) bool {
	var mark byte
	n := 0
	for _, c := range l {
		switch {
		case c == ' ' || c == '\t':
		case (c == '-' || c == '*' || c == '_') && (mark == 0 || c == mark):
			mark = c
			n++
		default:
			return false
		}
	}
	return n >= 3
}

// fenceMark returns the fence character and the length of the run of it
// that opens l (after up to three spaces), or 0, 0.
func fenceMark(l []byte) (byte, int) {
	i := 0
	for i < len(l) && i < 3 && l[i] == ' ' {
		i++
	}
	if i >= len(l) || (l[i] != '`' && l[i] != '~') {
		return 0, 0
	}
	c, n := l[i], 0
	for i+n < len(l) && l[i+n] == c {
		n++
	}
	if n < 3 {
		return 0, 0
	}
	return c, n
}

// isReferenceDefinition reports whether a line looks like "[label]: …".
func isReferenceDefinition(l []byte) bool {
	l = bytes.TrimLeft(l, " ")
	if len(l) == 0 || l[0] != '[' {
		return false
	}
	end := bytes.Index(l, []byte("]:"))
	return end > 0
}

// plainHTML is what Render returns for a source over the limits: the text
// escaped, a paragraph per blank-line-separated block, so that the preview
// still shows the writer their words beside the problems.
func plainHTML(src []byte) string {
	var b bytes.Buffer
	b.Grow(len(src) + len(src)/8)
	for _, block := range bytes.Split(bytes.ReplaceAll(src, []byte("\r\n"), []byte("\n")), []byte("\n\n")) {
		block = bytes.TrimSpace(block)
		if len(block) == 0 {
			continue
		}
		b.WriteString("<p>")
		b.WriteString(stdhtml.EscapeString(string(block)))
		b.WriteString("</p>\n")
	}
	return b.String()
}
