// Package browsertest drives Debian's headless Chromium (chromedp) for end-to-end tests of Sahafa's pages.
//
// A test starts one browser with New and opens a tab per viewport with
// Browser.Tab; the browser and its tabs are closed when the test ends:
//
//	b := browsertest.New(t) // skips when no Chromium is installed
//	tab := b.Tab(t, browsertest.Phone)
//	if status := tab.Navigate(t, srv.URL+"/"); status != 200 { … }
//	var dir string
//	tab.Eval(t, `document.documentElement.dir`, &dir)
//	tab.Screenshot(t, "home") // <ArtifactsDir()>/home-phone.png
//	if errs := tab.Errors(); len(errs) > 0 { … }
//
// The browser talks to chromedp over a pipe (no debugging port, no
// chromedriver) and runs with a fresh, empty profile that is removed when it
// stops. It is started with the flags that keep it off the network on its own
// (no background networking, component updates, sync or QUIC): a test page
// should be the only thing that makes requests.
//
// Environment:
//
//	SAHAFA_CHROMIUM          the browser binary (default /usr/bin/chromium,
//	                         then chromium or chromium-browser on PATH)
//	SAHAFA_REQUIRE_BROWSER=1 fail, not skip, when there is no browser (CI)
//	SAHAFA_ARTIFACTS         where screenshots go (default
//	                         $TMPDIR/sahafa-artifacts)
package browsertest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// InstallHint says how to get the browser the tests need.
const InstallHint = "apt-get install chromium chromium-driver"

// DefaultTimeout bounds each Tab.Run, Navigate, Eval and Screenshot call
// unless Tab.Timeout says otherwise.
const DefaultTimeout = 30 * time.Second

// startTimeout bounds the start of the browser and the opening of a tab.
const startTimeout = 60 * time.Second

// closeTimeout bounds the graceful close of the browser; after it the
// process is killed.
const closeTimeout = 10 * time.Second

// reapTimeout bounds the wait for the browser's processes to be gone from
// the process table after it closed. Chromium's helpers (zygotes, the
// network service, the crash handlers) outlive the main process by a moment
// and are then reaped by init, which can take a second or so in a container
// or VM; waiting means no "[chromium] <defunct>" entry is left behind a
// test.
const reapTimeout = 5 * time.Second

// Viewport is the size of a tab's page, in CSS pixels.
type Viewport struct {
	Name          string // used in screenshot file names: "phone", "desktop"
	Width, Height int
	Scale         float64 // device pixel ratio; 0 means 1
	Mobile        bool    // mobile emulation: meta viewport, touch, overlay scrollbars
}

// Phone and Desktop are the viewports the site is checked at.
var (
	Phone   = Viewport{Name: "phone", Width: 390, Height: 844, Scale: 2, Mobile: true}
	Desktop = Viewport{Name: "desktop", Width: 1366, Height: 900, Scale: 1}
)

// Browser is one headless Chromium, shared by the tabs of a test.
type Browser struct {
	path        string
	allocCancel context.CancelFunc
	ctx         context.Context // the browser's first chromedp context
}

// Tab is one page of the browser with its viewport. It records the page's
// JavaScript exceptions and console errors (which include CSP violations);
// see Errors.
type Tab struct {
	// Timeout bounds each Run, Navigate, Eval and Screenshot; 0 means
	// DefaultTimeout.
	Timeout time.Duration

	vp     Viewport
	ctx    context.Context
	cancel context.CancelFunc

	mu   sync.Mutex
	errs []string
}

// Chromium returns the browser binary the tests would run: $SAHAFA_CHROMIUM
// when set (and only it), else /usr/bin/chromium, else chromium or
// chromium-browser on PATH. ok is false when none is there.
func Chromium() (path string, ok bool) {
	if p := os.Getenv("SAHAFA_CHROMIUM"); p != "" {
		if full, err := exec.LookPath(p); err == nil {
			return full, true
		}
		return p, false
	}
	for _, p := range []string{"/usr/bin/chromium", "chromium", "chromium-browser"} {
		if full, err := exec.LookPath(p); err == nil {
			return full, true
		}
	}
	return "", false
}

// New starts a headless Chromium for the test and stops it at t.Cleanup.
// When no Chromium is installed it calls t.Skip with a message saying how to
// install it, unless SAHAFA_REQUIRE_BROWSER=1: then it calls t.Fatal, so a
// CI run without a browser cannot pass by skipping.
func New(t testing.TB) *Browser {
	t.Helper()
	path, ok := Chromium()
	if !ok {
		where := "/usr/bin/chromium, chromium or chromium-browser on PATH"
		if path != "" {
			where = "SAHAFA_CHROMIUM=" + path
		}
		msg := fmt.Sprintf("browsertest: no Chromium found (looked at %s); install it with `%s` "+
			"or point SAHAFA_CHROMIUM at a Chromium binary", where, InstallHint)
		if os.Getenv("SAHAFA_REQUIRE_BROWSER") == "1" {
			t.Fatal(msg + " (SAHAFA_REQUIRE_BROWSER=1, so this is a failure, not a skip)")
		}
		t.Skip(msg)
	}

	home, err := os.MkdirTemp("", "sahafa-browsertest-")
	if err != nil {
		t.Fatalf("browsertest: %v", err)
	}
	marker := filepath.Base(home)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.NoSandbox, // we run as root in CI and containers
		chromedp.NoFirstRun,
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-default-apps", true),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.Flag("no-pings", true),
		// Without a user-data-dir option chromedp makes a fresh, empty
		// profile directory, kills any leftover child process that uses
		// it when the browser stops, and removes it.
		chromedp.Env(
			// marks every process of this browser, crash handlers
			// included, to wait for them at the end
			markerEnv+"="+marker,
			// Chromium keeps crash reports under the default profile
			// (~/.config/chromium/Crash Reports) whatever the
			// user-data-dir: keep them in home, removed at the end.
			"XDG_CONFIG_HOME="+filepath.Join(home, "config"),
			"XDG_CACHE_HOME="+filepath.Join(home, "cache"),
		),
	)
	allocCtx, allocCancel := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	b := &Browser{path: path, allocCancel: allocCancel, ctx: ctx}
	stop := func() {
		procs := browserProcesses(marker)
		cancel()
		allocCancel()
		waitGone(procs, reapTimeout)
		os.RemoveAll(home)
	}

	// The first Do starts the browser and binds its life to ctx, so it
	// must not run under a timeout context: wait for it here instead.
	start := time.Now()
	done := make(chan error, 1)
	go func() { done <- chromedp.Do(ctx) }()
	select {
	case err := <-done:
		if err != nil {
			stop()
			t.Fatalf("browsertest: starting %s: %v", path, err)
		}
	case <-time.After(startTimeout):
		stop()
		t.Fatalf("browsertest: %s did not start within %v", path, startTimeout)
	}
	t.Logf("browsertest: started %s in %v", path, time.Since(start).Round(time.Millisecond))

	t.Cleanup(func() {
		procs := browserProcesses(marker)
		// Close gracefully, then cancel the allocator, which kills the
		// process if it is still there, waits for it, kills any child
		// left with the profile directory and removes the directory.
		cctx, ccancel := context.WithTimeout(ctx, closeTimeout)
		err := chromedp.Cancel(cctx)
		ccancel()
		cancel()
		allocCancel()
		if err != nil && !errors.Is(err, context.Canceled) {
			t.Logf("browsertest: closing the browser: %v", err)
		}
		if left := waitGone(procs, reapTimeout); len(left) > 0 {
			t.Logf("browsertest: browser processes %v still there %v after the browser closed", left, reapTimeout)
		}
		os.RemoveAll(home)
	})
	return b
}

// Tab opens a new tab with the viewport vp; it is closed at t.Cleanup.
func (b *Browser) Tab(t testing.TB, vp Viewport) *Tab {
	t.Helper()
	if vp.Scale == 0 {
		vp.Scale = 1
	}
	tab := &Tab{vp: vp}
	tab.ctx, tab.cancel = chromedp.NewContext(b.ctx, chromedp.WithListener(tab.listen))

	// As for the browser, the first Do on a tab context opens the tab and
	// runs its event loop under that context: no timeout on it.
	done := make(chan error, 1)
	go func() { done <- chromedp.Do(tab.ctx) }()
	select {
	case err := <-done:
		if err != nil {
			tab.cancel()
			t.Fatalf("browsertest: opening a tab: %v", err)
		}
	case <-time.After(startTimeout):
		tab.cancel()
		t.Fatalf("browsertest: opening a tab took more than %v", startTimeout)
	}
	t.Cleanup(tab.cancel)

	emulate := []chromedp.EmulateViewportOption{chromedp.EmulateScale(vp.Scale)}
	if vp.Mobile {
		emulate = append(emulate, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	tab.Run(t, chromedp.EmulateViewport(int64(vp.Width), int64(vp.Height), emulate...))
	return tab
}

// Crash kills the tab's renderer, as a crashed browser tab dies: no
// unload handler runs, nothing more is sent. The tab cannot be used after.
func (tab *Tab) Crash(t testing.TB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab.ctx, 5*time.Second)
	defer cancel()
	// The command never answers: the page it would answer from is gone.
	_, _ = chromedp.Run(ctx, chromedp.Action[chromedp.Void](func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
		go cdp.Call(ctx, tg, page.Crash, cdp.Empty{})
		time.Sleep(500 * time.Millisecond)
		return chromedp.Void{}, nil
	}))
}

// Viewport returns the tab's viewport.
func (tab *Tab) Viewport() Viewport { return tab.vp }

// Context returns the tab's chromedp context, for chromedp.Listen,
// chromedp.Run and chromedp.Call. It ends when the test does.
func (tab *Tab) Context() context.Context { return tab.ctx }

func (tab *Tab) timeout() time.Duration {
	if tab.Timeout > 0 {
		return tab.Timeout
	}
	return DefaultTimeout
}

// Run runs chromedp actions in the tab, each call bounded by the tab's
// timeout (default 30s), and fails the test with the error on failure.
func (tab *Tab) Run(t testing.TB, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab.ctx, tab.timeout())
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("browsertest: %v", err)
	}
}

// Navigate loads url in the tab, waits for the page's load event and returns
// the HTTP status of the document. A page that does not load at all (no
// response) fails the test.
func (tab *Tab) Navigate(t testing.TB, url string) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab.ctx, tab.timeout())
	defer cancel()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(url))
	if err != nil {
		t.Fatalf("browsertest: navigating to %s: %v", url, err)
	}
	if resp == nil {
		t.Fatalf("browsertest: navigating to %s: no response", url)
	}
	return int(resp.Status)
}

// Eval evaluates the JavaScript expression js in the page and unmarshals its
// JSON value into out (which may be nil to drop it). A promise is awaited,
// so js may be `document.fonts.ready.then(() => …)`. An exception fails the
// test.
func (tab *Tab) Eval(t testing.TB, js string, out any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab.ctx, tab.timeout())
	defer cancel()
	raw, err := chromedp.Run(ctx, chromedp.Evaluate[[]byte](js, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("browsertest: evaluating %s: %v", shorten(js), err)
	}
	if out == nil {
		return
	}
	if len(raw) == 0 { // undefined
		raw = []byte("null")
	}
	if err := json.Unmarshal(raw, out); err != nil {
		t.Fatalf("browsertest: evaluating %s: result %s: %v", shorten(js), shorten(string(raw)), err)
	}
}

// Screenshot saves a full-page PNG of the tab as
// <ArtifactsDir()>/<name>-<viewport>.png, logs and returns its path.
func (tab *Tab) Screenshot(t testing.TB, name string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(tab.ctx, tab.timeout())
	defer cancel()
	png, err := chromedp.Run(ctx, fullPageScreenshot())
	if err != nil {
		t.Fatalf("browsertest: screenshot %s: %v", name, err)
	}
	file := fileName(name) + "-" + fileName(tab.vp.Name) + ".png"
	path := filepath.Join(ArtifactsDir(), file)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatalf("browsertest: %v", err)
	}
	t.Logf("browsertest: screenshot %s", path)
	return path
}

// fullPageScreenshot captures the whole page, not only the viewport, as a
// PNG at the device scale of the viewport.
func fullPageScreenshot() chromedp.Action[[]byte] {
	return func(ctx context.Context, t *chromedp.Target) ([]byte, error) {
		m, err := cdp.Call(ctx, t, page.GetLayoutMetrics, cdp.Empty{})
		if err != nil {
			return nil, err
		}
		var w, h float64
		if c := m.CSSContentSize; c != nil {
			w, h = c.Width, c.Height
		}
		if v := m.CSSLayoutViewport; v != nil {
			w = max(w, float64(v.ClientWidth))
			h = max(h, float64(v.ClientHeight))
		}
		r, err := cdp.Call(ctx, t, page.CaptureScreenshot, page.CaptureScreenshotParams{
			Format:                page.CaptureScreenshotFormatPng,
			CaptureBeyondViewport: new(true),
			FromSurface:           new(true),
			Clip:                  &page.Viewport{Width: w, Height: h, Scale: 1},
		})
		if err != nil {
			return nil, err
		}
		return r.Data, nil
	}
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func fileName(s string) string {
	s = strings.Trim(unsafeName.ReplaceAllString(s, "_"), "_")
	if s == "" {
		return "page"
	}
	return s
}

// ArtifactsDir is where screenshots go: $SAHAFA_ARTIFACTS, or
// os.TempDir()/sahafa-artifacts. It is created on demand.
func ArtifactsDir() string {
	dir := os.Getenv("SAHAFA_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "sahafa-artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		// The write that follows reports the problem with the path.
		return dir
	}
	return dir
}

// Errors returns the page errors the tab has seen so far: uncaught
// JavaScript exceptions, console.error calls and error entries of the
// browser log, where Chromium reports CSP violations ("Refused to load …
// because it violates the following Content Security Policy directive …")
// and failed loads.
func (tab *Tab) Errors() []string {
	tab.mu.Lock()
	defer tab.mu.Unlock()
	return append([]string(nil), tab.errs...)
}

// ClearErrors forgets the errors seen so far, for a test that expects some
// on one page and none on the next.
func (tab *Tab) ClearErrors() {
	tab.mu.Lock()
	tab.errs = nil
	tab.mu.Unlock()
}

// listen runs on the tab's event loop (chromedp.WithListener): it must be
// fast and must not call back into the browser.
func (tab *Tab) listen(ev any) {
	var msg string
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		if d := ev.ExceptionDetails; d != nil {
			msg = "exception: " + d.Text
			if d.Exception != nil && d.Exception.Description != "" {
				msg += " " + firstLine(d.Exception.Description)
			}
			if d.URL != "" {
				msg += fmt.Sprintf(" (%s:%d:%d)", d.URL, d.LineNumber+1, d.ColumnNumber+1)
			}
		}
	case *runtime.EventConsoleAPICalled:
		if ev.Type == runtime.ConsoleAPICalledTypeError || ev.Type == runtime.ConsoleAPICalledTypeAssert {
			msg = "console." + string(ev.Type) + ": " + argsText(ev.Args)
		}
	case *log.EventEntryAdded:
		if e := ev.Entry; e != nil && e.Level == log.EntryLevelError {
			msg = "log(" + string(e.Source) + "): " + e.Text
			if e.URL != "" && !strings.Contains(e.Text, e.URL) {
				msg += " (" + e.URL + ")"
			}
		}
	}
	if msg == "" {
		return
	}
	tab.mu.Lock()
	tab.errs = append(tab.errs, msg)
	tab.mu.Unlock()
}

// argsText renders console arguments roughly as the DevTools console does.
func argsText(args []*runtime.RemoteObject) string {
	parts := make([]string, 0, len(args))
	for _, a := range args {
		if a == nil {
			continue
		}
		switch {
		case a.Type == runtime.RemoteObjectTypeString && len(a.Value) > 0:
			var s string
			if json.Unmarshal(a.Value, &s) == nil {
				parts = append(parts, s)
				continue
			}
			parts = append(parts, string(a.Value))
		case a.Description != "":
			parts = append(parts, firstLine(a.Description))
		case len(a.Value) > 0:
			parts = append(parts, string(a.Value))
		case a.UnserializableValue != "":
			parts = append(parts, string(a.UnserializableValue))
		default:
			parts = append(parts, string(a.Type))
		}
	}
	return strings.Join(parts, " ")
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	return s
}

func shorten(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > 120 {
		return string(r[:120]) + "…"
	}
	return s
}

// markerEnv is set in the environment of the browser to find all of its
// processes: Chromium's crash handlers detach from the process tree.
const markerEnv = "SAHAFA_BROWSERTEST"

// browserProcesses returns the processes whose environment holds the
// marker, from /proc (Linux); nil where there is no /proc.
func browserProcesses(marker string) []int {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	want := []byte(markerEnv + "=" + marker + "\x00")
	self := os.Getpid()
	var out []int
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil || p == self {
			continue
		}
		env, err := os.ReadFile("/proc/" + e.Name() + "/environ")
		if err == nil && bytes.Contains(env, want) {
			out = append(out, p)
		}
	}
	return out
}

// waitGone waits until none of pids is in the process table any more (not
// even as a zombie), for at most d, and returns those still there. The
// processes exit by themselves once the browser is gone (chromedp kills
// those that hold its profile directory); what takes time is init reaping
// the ones that outlived their parent.
func waitGone(pids []int, d time.Duration) []int {
	deadline := time.Now().Add(d)
	for {
		var left []int
		for _, p := range pids {
			if _, err := os.Stat("/proc/" + strconv.Itoa(p)); err == nil {
				left = append(left, p)
			}
		}
		if len(left) == 0 || time.Now().After(deadline) {
			return left
		}
		pids = left
		time.Sleep(20 * time.Millisecond)
	}
}
