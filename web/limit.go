package web

import (
	"net/http"
	"runtime"
	"strings"
	"time"

	"sahafa/admission"
	"sahafa/api"
)

// Defaults of the render limit (Options.MaxRenders, RenderQueue,
// RenderWait).
var (
	DefaultMaxRenders  = max(4, 2*runtime.GOMAXPROCS(0))
	DefaultRenderQueue = 256
	DefaultRenderWait  = 10 * time.Second
)

// renderGate bounds the pages and API answers rendered at once: the
// requests the page cache could not answer, each of which holds a
// database connection and a core. Past MaxRenders they wait, at most
// RenderWait and RenderQueue of them; the others are answered 503 with
// Retry-After at once (or, for a page the cache holds an older copy of,
// that copy). Without it, thirty concurrent uncached searches on two
// cores queued on the database pool until its acquire deadline passed.
type renderGate struct{ *admission.Gate }

func newRenderGate(n, queue int, wait time.Duration) renderGate {
	if n <= 0 {
		n = DefaultMaxRenders
	}
	if queue <= 0 {
		queue = DefaultRenderQueue
	}
	if wait <= 0 {
		wait = DefaultRenderWait
	}
	return renderGate{admission.New(n, queue, wait)}
}

// RenderStats is what the render limit is doing, for metrics.
type RenderStats struct {
	Running, Waiting, Limit int
	Refused                 int64 // answered busy since start
}

func (g renderGate) stats() RenderStats {
	return RenderStats{Running: g.Running(), Waiting: g.Waiting(), Limit: g.Limit(), Refused: g.Refused()}
}

// wrap runs next within the limit; busy answers the refused requests.
func (g renderGate) wrap(next http.Handler, busy func(w http.ResponseWriter, r *http.Request)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := g.Enter(r.Context()); err != nil {
			if r.Context().Err() == nil {
				busy(w, r)
			}
			return
		}
		defer g.Leave()
		next.ServeHTTP(w, r)
	})
}

// busy answers a request the render limit refused: the error page, or the
// API's JSON error.
func (s *Site) busy(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Retry-After", "2")
	w.Header().Set("Cache-Control", "no-store")
	if strings.HasPrefix(r.URL.Path, api.Prefix) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte(`{"error":"the server is busy; try again in a moment"}` + "\n"))
		return
	}
	p := &page{Title: errorTitles[http.StatusServiceUnavailable], Heading: errorTitles[http.StatusServiceUnavailable],
		Status: http.StatusServiceUnavailable, Message: msgBusy, NoIndex: true}
	s.render(w, r, http.StatusServiceUnavailable, "error", p)
}

// RenderStats reports the render limit's use.
func (s *Site) RenderStats() RenderStats { return s.renders.stats() }
