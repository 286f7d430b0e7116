// Package progress reports how far a long command has got: on a terminal a
// line redrawn in place with a bar, the rate and the time left; otherwise
// (logs, pipes) a plain line every few seconds.
package progress

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"
)

// A Meter counts the units of one piece of work.
type Meter struct {
	w     io.Writer
	what  string // "reindex"
	unit  string // "articles"
	total int    // 0 when unknown
	tty   bool
	every time.Duration
	now   func() time.Time

	mu          sync.Mutex
	done        int
	start, last time.Time
	printed     bool
	shown       int // done, as last written
}

// Options change how a Meter writes; the zero value suits commands.
type Options struct {
	// Terminal redraws one line; by default, when w is a terminal.
	Terminal *bool
	// Every is how often a line is written when not on a terminal
	// (default 5 s; on a terminal, 200 ms).
	Every time.Duration
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// New starts a meter of total units (0: unknown) written to w.
func New(w io.Writer, what, unit string, total int, opts Options) *Meter {
	m := &Meter{w: w, what: what, unit: unit, total: total, every: opts.Every, now: opts.Now}
	if m.now == nil {
		m.now = time.Now
	}
	if opts.Terminal != nil {
		m.tty = *opts.Terminal
	} else {
		m.tty = IsTerminal(w)
	}
	if m.every <= 0 {
		m.every = 5 * time.Second
		if m.tty {
			m.every = 200 * time.Millisecond
		}
	}
	m.start = m.now()
	m.last = m.start
	return m
}

// IsTerminal reports whether w is a character device (a terminal).
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// Add counts n more units done, and writes when it is time to.
func (m *Meter) Add(n int) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.done += n
	if now := m.now(); now.Sub(m.last) >= m.every {
		m.last = now
		m.write(now, false)
	}
}

// Done writes the last line (on a terminal, ends the redrawn one).
func (m *Meter) Done() {
	m.mu.Lock()
	defer m.mu.Unlock()
	switch {
	case m.tty && m.printed:
		m.write(m.now(), true)
	case !m.tty && (!m.printed || m.shown != m.done):
		m.write(m.now(), true)
	}
}

func (m *Meter) write(now time.Time, final bool) {
	line := m.Line(now)
	if m.tty {
		end := ""
		if final {
			end = "\n"
		}
		fmt.Fprintf(m.w, "\r\x1b[K%s%s", line, end)
	} else {
		fmt.Fprintln(m.w, line)
	}
	m.printed, m.shown = true, m.done
}

// Line is the meter's state at now: "reindex: 120,000 of 1,000,000
// articles (12%), 880/s, about 16m40s left".
func (m *Meter) Line(now time.Time) string {
	took := now.Sub(m.start)
	rate := 0.0
	if took > 0 {
		rate = float64(m.done) / took.Seconds()
	}
	var b strings.Builder
	b.WriteString(m.what + ": ")
	if m.total > 0 {
		share := min(1, float64(m.done)/float64(m.total))
		if m.tty {
			const width = 24
			full := int(share * width)
			b.WriteString("[" + strings.Repeat("#", full) + strings.Repeat(".", width-full) + "] ")
		}
		fmt.Fprintf(&b, "%s of %s %s (%d%%)", thousands(m.done), thousands(m.total), m.unit, int(share*100))
	} else {
		fmt.Fprintf(&b, "%s %s", thousands(m.done), m.unit)
	}
	fmt.Fprintf(&b, ", %s/s", thousands(int(rate+0.5)))
	if m.total > 0 && rate > 0 && m.done < m.total {
		left := time.Duration(float64(m.total-m.done) / rate * float64(time.Second))
		fmt.Fprintf(&b, ", about %s left", left.Round(time.Second))
	} else {
		fmt.Fprintf(&b, ", %s", took.Round(time.Second))
	}
	return b.String()
}

// thousands writes n with commas between groups of three digits.
func thousands(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
