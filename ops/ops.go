// Package ops is what an operator needs around the site's handler: the
// health endpoints load balancers and systemd ask (/healthz, /readyz),
// draining for a graceful shutdown, one structured access-log line per
// request, and Prometheus metrics of requests, latency and everything the
// server bounds (served on a listener of their own, never the public one).
// It knows nothing of pages: the route of a request, its client address
// and the readiness check come from the caller.
package ops

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"
)

// Paths of the health endpoints, answered before anything else.
const (
	HealthPath = "/healthz"
	ReadyPath  = "/readyz"
)

// Options configure a Server.
type Options struct {
	// AccessLog, when not nil, receives one line per request at info
	// level: method, route, path, status, bytes, duration, cache, client.
	AccessLog *slog.Logger
	// Metrics, when not nil, counts requests by route and status and
	// times them.
	Metrics *Metrics
	// Route names the route of a request for logs and metrics labels: a
	// pattern such as "/{section}/{yyyy}/{mm}/{dd}/{slug}", from a small
	// fixed set. Default: "other".
	Route func(r *http.Request) string
	// Client is the client's address as logs should show it (honouring a
	// trusted proxy). Default: the peer address.
	Client func(r *http.Request) string
	// Ready reports whether the server can serve: the database answers and
	// its schema is current. /readyz answers 503 when it returns an error,
	// and while draining.
	Ready func(ctx context.Context) error
}

// Server wraps the site's handler with the health endpoints, access logs
// and metrics. It is an http.Handler.
type Server struct {
	next     http.Handler
	opts     Options
	inflight atomic.Int64
	draining atomic.Bool
}

// New wraps next.
func New(next http.Handler, opts Options) *Server {
	if opts.Route == nil {
		opts.Route = func(*http.Request) string { return "other" }
	}
	if opts.Client == nil {
		opts.Client = func(r *http.Request) string { return r.RemoteAddr }
	}
	return &Server{next: next, opts: opts}
}

// Busy reports whether requests are being served now; background work
// (the related-lists refresher) waits for a quiet moment.
func (s *Server) Busy() bool { return s.inflight.Load() > 0 }

// InFlight is the number of requests being served.
func (s *Server) InFlight() int64 { return s.inflight.Load() }

// Drain makes /readyz answer 503, so that a load balancer stops sending
// requests before the server shuts down.
func (s *Server) Drain() { s.draining.Store(true) }

// Draining reports whether Drain was called.
func (s *Server) Draining() bool { return s.draining.Load() }

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case HealthPath:
		// The process is alive and serving HTTP; nothing else is checked,
		// so a database outage does not get the process restarted.
		plain(w, http.StatusOK, "ok\n")
		return
	case ReadyPath:
		s.ready(w, r)
		return
	}
	s.inflight.Add(1)
	start := time.Now()
	rec := &recorder{ResponseWriter: w}
	defer func() {
		s.inflight.Add(-1)
		d := time.Since(start)
		status := rec.status
		if status == 0 {
			status = http.StatusOK // nothing written: net/http sends 200
		}
		route := s.opts.Route(r)
		cache := w.Header().Get("X-Cache")
		if s.opts.Metrics != nil {
			s.opts.Metrics.observe(r.Method, route, status, cache, d)
		}
		if s.opts.AccessLog != nil {
			target := r.RequestURI // as the client sent it: no escaping to redo
			if target == "" {
				target = r.URL.RequestURI()
			}
			s.opts.AccessLog.LogAttrs(r.Context(), slog.LevelInfo, "request",
				slog.String("method", r.Method), slog.String("route", route), slog.String("path", target),
				slog.Int("status", status), slog.Int64("bytes", rec.bytes), slog.Duration("duration", d),
				slog.String("cache", cache), slog.String("client", s.opts.Client(r)))
		}
	}()
	s.next.ServeHTTP(rec, r)
}

// ready answers /readyz: 200 when the checks pass, 503 with the reason.
func (s *Server) ready(w http.ResponseWriter, r *http.Request) {
	if s.draining.Load() {
		plain(w, http.StatusServiceUnavailable, "draining: the server is shutting down\n")
		return
	}
	if s.opts.Ready != nil {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := s.opts.Ready(ctx); err != nil {
			plain(w, http.StatusServiceUnavailable, "not ready: "+err.Error()+"\n")
			return
		}
	}
	plain(w, http.StatusOK, "ready\n")
}

func plain(w http.ResponseWriter, status int, body string) {
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("Cache-Control", "no-store")
	if status == http.StatusServiceUnavailable {
		h.Set("Retry-After", "5")
	}
	w.WriteHeader(status)
	w.Write([]byte(body))
}

// recorder notes a response's status and size on its way out.
type recorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 && status >= 200 {
		r.status = status
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *recorder) Write(p []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	n, err := r.ResponseWriter.Write(p)
	r.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection (deadlines of
// uploads, flushing).
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }
