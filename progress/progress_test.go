package progress_test

import (
	"strings"
	"testing"
	"time"

	"sahafa/progress"
)

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

// TestLogLines: off a terminal, one plain line every five seconds with
// the count, the share, the rate and the time left, and a last line.
func TestLogLines(t *testing.T) {
	c := &clock{time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)}
	var out strings.Builder
	off := false
	m := progress.New(&out, "reindex", "articles", 1_000_000, progress.Options{Terminal: &off, Now: c.now})
	for range 20 { // 20 batches of 500 a second
		c.t = c.t.Add(time.Second)
		m.Add(500)
	}
	m.Done()
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	want := []string{
		"reindex: 2,500 of 1,000,000 articles (0%), 500/s, about 33m15s left",
		"reindex: 5,000 of 1,000,000 articles (0%), 500/s, about 33m10s left",
		"reindex: 7,500 of 1,000,000 articles (0%), 500/s, about 33m5s left",
		"reindex: 10,000 of 1,000,000 articles (1%), 500/s, about 33m0s left",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("lines:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	if strings.Contains(out.String(), "\r") {
		t.Error("carriage returns off a terminal")
	}
	// Work quicker than a line: one line, at the end.
	out.Reset()
	q := progress.New(&out, "export", "articles", 9, progress.Options{Terminal: &off, Now: c.now})
	q.Add(9)
	q.Done()
	if got := out.String(); got != "export: 9 of 9 articles (100%), 0/s, 0s\n" {
		t.Errorf("quick work: %q", got)
	}
}

// TestTerminal: on a terminal the line is redrawn in place with a bar, and
// ends with a newline; with no total it counts and gives the rate.
func TestTerminal(t *testing.T) {
	c := &clock{time.Date(2026, 12, 3, 12, 0, 0, 0, time.UTC)}
	var out strings.Builder
	on := true
	m := progress.New(&out, "import", "articles", 400, progress.Options{Terminal: &on, Now: c.now})
	c.t = c.t.Add(time.Second)
	m.Add(100)
	c.t = c.t.Add(3 * time.Second)
	m.Add(300)
	m.Done()
	s := out.String()
	if !strings.Contains(s, "\r\x1b[Kimport: [######..................] 100 of 400 articles (25%), 100/s, about 3s left") ||
		!strings.HasSuffix(s, "\r\x1b[Kimport: [########################] 400 of 400 articles (100%), 100/s, 4s\n") {
		t.Errorf("terminal output %q", s)
	}
	out.Reset()
	u := progress.New(&out, "media fetch", "images", 0, progress.Options{Terminal: &on, Now: c.now})
	c.t = c.t.Add(2 * time.Second)
	u.Add(3000)
	if got := u.Line(c.t); got != "media fetch: 3,000 images, 1,500/s, 2s" {
		t.Errorf("unknown total: %q", got)
	}
}
