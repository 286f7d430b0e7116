package browsertest_test

import (
	"fmt"
	"image/png"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"sahafa/browsertest"
)

// TestBrowserHelper checks the helper itself against a small local server:
// viewports, Eval, full-page screenshots and the error collection (console
// errors, exceptions, CSP violations).
func TestBrowserHelper(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/tall", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<!DOCTYPE html><html dir="rtl" lang="ar"><head><meta charset="utf-8">`+
			`<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,"></head>`+
			`<body style="margin:0"><div style="height:3000px;background:linear-gradient(#fff,#a4161a)">صحافة</div></body></html>`)
	})
	mux.HandleFunc("/csp", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", "default-src 'none'")
		fmt.Fprint(w, `<!DOCTYPE html><html><head><link rel="icon" href="data:,"></head><body><p>csp</p><script>document.title = "ran"</script></body></html>`)
	})
	mux.HandleFunc("/js", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<!DOCTYPE html><html><head><link rel="icon" href="data:,"></head><body><script>console.error("boom", 42); console.log("fine"); throw new Error("thrown here")</script></body></html>`)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	b := browsertest.New(t)
	for _, vp := range []browsertest.Viewport{browsertest.Phone, browsertest.Desktop} {
		t.Run(vp.Name, func(t *testing.T) {
			tab := b.Tab(t, vp)
			if status := tab.Navigate(t, srv.URL+"/tall"); status != http.StatusOK {
				t.Fatalf("status %d", status)
			}
			var got struct {
				W, H int
				DPR  float64
				Dir  string
			}
			tab.Eval(t, `({W: window.innerWidth, H: window.innerHeight, DPR: window.devicePixelRatio, Dir: document.documentElement.dir})`, &got)
			if got.W != vp.Width || got.H != vp.Height || got.DPR != vp.Scale || got.Dir != "rtl" {
				t.Errorf("page sees %+v, want %dx%d at %v, rtl", got, vp.Width, vp.Height, vp.Scale)
			}
			var n int
			tab.Eval(t, `Promise.resolve(6 * 7)`, &n)
			if n != 42 {
				t.Errorf("awaited promise = %d, want 42", n)
			}
			if errs := tab.Errors(); len(errs) != 0 {
				t.Errorf("errors on a clean page: %q", errs)
			}

			path := tab.Screenshot(t, "helper tall")
			if want := filepath.Join(browsertest.ArtifactsDir(), "helper_tall-"+vp.Name+".png"); path != want {
				t.Errorf("screenshot path %s, want %s", path, want)
			}
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			cfg, err := png.DecodeConfig(f)
			f.Close()
			if err != nil {
				t.Fatalf("screenshot is not a PNG: %v", err)
			}
			wantW, wantH := int(float64(vp.Width)*vp.Scale), int(3000*vp.Scale)
			if cfg.Width != wantW || cfg.Height < wantH {
				t.Errorf("screenshot is %dx%d, want %dx%d or taller (the full page)", cfg.Width, cfg.Height, wantW, wantH)
			}

			tab.Navigate(t, srv.URL+"/js")
			errs := strings.Join(tab.Errors(), "\n")
			for _, want := range []string{"console.error: boom 42", "thrown here"} {
				if !strings.Contains(errs, want) {
					t.Errorf("errors %q lack %q", errs, want)
				}
			}
			if strings.Contains(errs, "fine") {
				t.Errorf("console.log reported as an error: %q", errs)
			}

			tab.ClearErrors()
			tab.Navigate(t, srv.URL+"/csp")
			var title string
			tab.Eval(t, `document.title`, &title)
			if title == "ran" {
				t.Error("the inline script ran despite the CSP")
			}
			if errs := strings.Join(tab.Errors(), "\n"); !strings.Contains(errs, "Content Security Policy") {
				t.Errorf("CSP violation not reported; errors: %q", errs)
			}
		})
	}
}

// fakeTB records a Skip or Fatal and ends the goroutine as testing.T does.
type fakeTB struct {
	testing.TB
	mu             sync.Mutex
	skipped, fatal string
}

func (f *fakeTB) Helper() {}
func (f *fakeTB) Skip(args ...any) {
	f.mu.Lock()
	f.skipped = fmt.Sprint(args...)
	f.mu.Unlock()
	runtime.Goexit()
}
func (f *fakeTB) Fatal(args ...any) {
	f.mu.Lock()
	f.fatal = fmt.Sprint(args...)
	f.mu.Unlock()
	runtime.Goexit()
}
func (f *fakeTB) Skipf(format string, args ...any)  { f.Skip(fmt.Sprintf(format, args...)) }
func (f *fakeTB) Fatalf(format string, args ...any) { f.Fatal(fmt.Sprintf(format, args...)) }

func runFake(t *testing.T) *fakeTB {
	f := &fakeTB{TB: t}
	done := make(chan struct{})
	go func() {
		defer close(done)
		browsertest.New(f)
		t.Error("New returned without a browser")
	}()
	<-done
	return f
}

// TestBrowserMissing: without a browser New skips with the install hint,
// or fails when SAHAFA_REQUIRE_BROWSER=1.
func TestBrowserMissing(t *testing.T) {
	t.Setenv("SAHAFA_CHROMIUM", "/nonexistent/chromium")
	t.Setenv("SAHAFA_REQUIRE_BROWSER", "")
	f := runFake(t)
	if f.fatal != "" || !strings.Contains(f.skipped, "apt-get install chromium chromium-driver") ||
		!strings.Contains(f.skipped, "SAHAFA_CHROMIUM=/nonexistent/chromium") {
		t.Errorf("skip %q, fatal %q", f.skipped, f.fatal)
	}

	t.Setenv("SAHAFA_REQUIRE_BROWSER", "1")
	f = runFake(t)
	if f.skipped != "" || !strings.Contains(f.fatal, "apt-get install chromium chromium-driver") ||
		!strings.Contains(f.fatal, "SAHAFA_REQUIRE_BROWSER=1") {
		t.Errorf("skip %q, fatal %q", f.skipped, f.fatal)
	}
}
