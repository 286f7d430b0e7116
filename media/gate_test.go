package media

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"io"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"sahafa/news"
)

// bombPNG is a small PNG file that declares a large image: w×h of one
// colour, which deflate squeezes to almost nothing.
func bombPNG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 200
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// heldReader blocks its first Read until released, standing for an upload
// still arriving; started is closed once something reads it.
type heldReader struct {
	data    io.Reader
	started chan struct{}
	release chan struct{}
	once    sync.Once
}

func newHeld(data []byte) *heldReader {
	return &heldReader{data: bytes.NewReader(data), started: make(chan struct{}), release: make(chan struct{})}
}

func (h *heldReader) Read(p []byte) (int, error) {
	h.once.Do(func() { close(h.started); <-h.release })
	return h.data.Read(p)
}

func isBusy(err error) bool {
	var le *news.LimitedError
	return errors.As(err, &le) && le.Busy && le.RetryAfter > 0
}

// TestGateQueueAndWait: with one slot and a queue of one, a third upload
// is refused at once, and a queued one that waits past Wait is refused
// too; both as busy, and neither leaves anything held.
func TestGateQueueAndWait(t *testing.T) {
	g := NewGate(GateOptions{Slots: 1, Queue: 1, Wait: 2 * time.Second})
	data := encodePNG(t, pattern(64, 48))
	first := newHeld(data)
	done := make(chan error, 1)
	go func() {
		_, err := g.Process(context.Background(), first, Limits{})
		done <- err
	}()
	<-first.started
	queued := make(chan error, 1)
	go func() {
		_, err := g.Process(context.Background(), bytes.NewReader(data), Limits{})
		queued <- err
	}()
	for g.Stats().Waiting != 1 {
		runtime.Gosched()
	}
	start := time.Now()
	if _, err := g.Process(context.Background(), bytes.NewReader(data), Limits{}); !isBusy(err) {
		t.Fatalf("third upload with the queue full: %v, want busy", err)
	}
	if d := time.Since(start); d > time.Second {
		t.Errorf("the refusal took %v; it should come at once", d)
	}
	if err := <-queued; !isBusy(err) {
		t.Fatalf("queued upload after the wait ran out: %v, want busy", err)
	}
	close(first.release)
	if err := <-done; err != nil {
		t.Fatalf("the first upload: %v", err)
	}
	if s := g.Stats(); s.Running != 0 || s.Waiting != 0 || s.MemoryInUse != 0 {
		t.Errorf("after every upload: %+v", s)
	}
	if _, err := g.Process(context.Background(), bytes.NewReader(data), Limits{}); err != nil {
		t.Errorf("an upload once the gate is free: %v", err)
	}
}

// TestGateMemory: an image that needs more than the whole budget is
// refused as too large, with its size in the message; two that fit one at
// a time run one after the other.
func TestGateMemory(t *testing.T) {
	bomb := bombPNG(t, 6000, 6000) // 36 megapixels in a small file
	if len(bomb) > 200<<10 {
		t.Fatalf("the bomb is %d bytes; it should be small", len(bomb))
	}
	small := NewGate(GateOptions{Memory: 32 << 20})
	_, err := small.Process(context.Background(), bytes.NewReader(bomb), Limits{})
	if news.ErrorCode(err) != news.EINVALID || !bytes.Contains([]byte(news.ErrorMessage(err)), []byte("6000×6000")) {
		t.Fatalf("36 MP through a 32 MiB gate: %v", err)
	}
	// Two images with room for one and a half: with two slots, the second
	// still waits for the first's memory.
	img := bombPNG(t, 1600, 1000)
	cfg, _, err := image.DecodeConfig(bytes.NewReader(img))
	if err != nil {
		t.Fatal(err)
	}
	cost := planFor(cfg.Width, cfg.Height, 1).cost(cfg, len(img))
	g := NewGate(GateOptions{Slots: 2, Memory: cost + cost/2, Wait: 5 * time.Minute})
	var wg sync.WaitGroup
	var peak atomic.Int64
	stop, sampled := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(sampled)
		for {
			if v := g.Stats().MemoryInUse; v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()
	for range 2 {
		wg.Go(func() {
			p, err := g.Process(context.Background(), bytes.NewReader(img), Limits{})
			if err != nil {
				t.Errorf("an image within the budget: %v", err)
				return
			}
			if p.Width != 1600 || p.Variants[len(p.Variants)-1].Width != 1600 {
				t.Errorf("processed %dx%d, largest variant %d", p.Width, p.Height, p.Variants[len(p.Variants)-1].Width)
			}
		})
	}
	wg.Wait()
	close(stop)
	<-sampled
	if got := peak.Load(); got > g.memory || got < cost {
		t.Errorf("memory in use peaked at %d; want one image's %d, within the budget of %d", got, cost, g.memory)
	}
}

// TestGateCancelledUploadGivesNothing: a client that goes away while its
// upload waits gets the context's error, never a result to store.
func TestGateCancelledUploadGivesNothing(t *testing.T) {
	g := NewGate(GateOptions{Slots: 1})
	held := newHeld(encodePNG(t, pattern(64, 48)))
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		p, err := g.Process(ctx, held, Limits{})
		if p != nil {
			err = errors.New("a result for a cancelled request")
		}
		done <- err
	}()
	<-held.started
	cancel()
	close(held.release)
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled upload: %v, want context.Canceled", err)
	}
}

// peakHeap runs fn and returns the most heap it held above what was in use
// before, sampled every millisecond with the collector running often, so
// that garbage does not pass for memory in use.
func peakHeap(t *testing.T, fn func()) int64 {
	t.Helper()
	old := debug.SetGCPercent(5)
	defer debug.SetGCPercent(old)
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	base := int64(m.HeapAlloc)
	var peak atomic.Int64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if v := int64(m.HeapAlloc) - base; v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-stop:
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()
	fn()
	close(stop)
	<-sampled
	return peak.Load()
}

// TestCostCoversTheDecoders checks the estimate against what decoding and
// scaling really allocate, for the colour models uploads come in.
func TestCostCoversTheDecoders(t *testing.T) {
	rgb := image.NewNRGBA(image.Rect(0, 0, 2400, 1500))
	for i := range rgb.Pix {
		rgb.Pix[i] = uint8(i * 7)
	}
	deep := image.NewNRGBA64(image.Rect(0, 0, 1500, 1000))
	for i := range deep.Pix {
		deep.Pix[i] = uint8(i * 3)
	}
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"JPEG 3.6 MP", encodeJPEG(t, rgb)},
		{"PNG 3.6 MP with alpha", encodePNG(t, rgb)},
		{"PNG 16-bit", encodePNG(t, deep)},
		{"PNG gray 36 MP", bombPNG(t, 6000, 6000)},
		{"PNG palette", encodePNG(t, image.NewPaletted(image.Rect(0, 0, 4000, 3000), color.Palette{color.White, color.Black}))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, _, err := image.DecodeConfig(bytes.NewReader(tc.data))
			if err != nil {
				t.Fatal(err)
			}
			cost := planFor(cfg.Width, cfg.Height, 1).cost(cfg, len(tc.data))
			peak := peakHeap(t, func() {
				if _, err := Process(bytes.NewReader(tc.data), Limits{MaxMemory: 1 << 40}); err != nil {
					t.Fatal(err)
				}
			})
			t.Logf("estimate %d MiB, peak heap %d MiB", cost>>20, peak>>20)
			if peak > cost*3/2 { // the collector runs concurrently: some garbage is still counted
				t.Errorf("processing took %d MiB of heap at its peak, the estimate is %d MiB", peak>>20, cost>>20)
			}
		})
	}
}

// TestGateRestsWhileBusy: while requests are being served, scaling rests
// after each band as long as the band took, so that background image
// work leaves half its cores to readers; when none are, it does not rest.
func TestGateRestsWhileBusy(t *testing.T) {
	src := bombPNG(t, 2400, 1600)
	var asked, resting atomic.Int64
	busy := false
	g := NewGate(GateOptions{Busy: func() bool {
		asked.Add(1)
		if busy {
			resting.Add(1)
		}
		return busy
	}})
	run := func() time.Duration {
		start := time.Now()
		if _, err := g.Process(context.Background(), bytes.NewReader(src), Limits{}); err != nil {
			t.Fatal(err)
		}
		return time.Since(start)
	}
	idle := run()
	if asked.Load() == 0 || resting.Load() != 0 {
		t.Fatalf("idle: asked %d times, rested %d", asked.Load(), resting.Load())
	}
	busy = true
	loaded := run()
	if resting.Load() == 0 {
		t.Fatal("busy: never rested")
	}
	t.Logf("processing took %v idle, %v while busy (%d bands)", idle, loaded, resting.Load())
}
