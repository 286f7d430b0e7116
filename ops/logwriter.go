package ops

import (
	"io"
	"sync"
	"time"
)

// LineWriter batches whole log lines for w: a write syscall per access-log
// line cost a tenth of the throughput of a cached page at 20,000
// requests per second. Lines are written whole, never split, within
// flushEvery of being logged, and at Close.
type LineWriter struct {
	mu    sync.Mutex
	w     io.Writer
	buf   []byte
	stop  chan struct{}
	done  chan struct{}
	close sync.Once
}

const (
	lineBuffer = 64 << 10
	flushEvery = 200 * time.Millisecond
)

// NewLineWriter starts a LineWriter on w.
func NewLineWriter(w io.Writer) *LineWriter {
	lw := &LineWriter{w: w, buf: make([]byte, 0, lineBuffer), stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(lw.done)
		t := time.NewTicker(flushEvery)
		defer t.Stop()
		for {
			select {
			case <-lw.stop:
				lw.Flush()
				return
			case <-t.C:
				lw.Flush()
			}
		}
	}()
	return lw
}

// Write takes one or more whole lines (a slog handler writes one record
// per call).
func (lw *LineWriter) Write(p []byte) (int, error) {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	if len(lw.buf)+len(p) > lineBuffer {
		if err := lw.flushLocked(); err != nil {
			return 0, err
		}
		if len(p) > lineBuffer {
			return lw.w.Write(p)
		}
	}
	lw.buf = append(lw.buf, p...)
	return len(p), nil
}

// Flush writes what is buffered.
func (lw *LineWriter) Flush() error {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	return lw.flushLocked()
}

func (lw *LineWriter) flushLocked() error {
	if len(lw.buf) == 0 {
		return nil
	}
	_, err := lw.w.Write(lw.buf)
	lw.buf = lw.buf[:0]
	return err
}

// Close flushes and stops the flusher.
func (lw *LineWriter) Close() error {
	lw.close.Do(func() { close(lw.stop) })
	<-lw.done
	return nil
}
