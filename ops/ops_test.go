package ops

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestReadiness(t *testing.T) {
	var fail error
	s := New(http.NotFoundHandler(), Options{Ready: func(context.Context) error { return fail }})
	get := func(path string) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		return w
	}
	if w := get(ReadyPath); w.Code != 200 || w.Header().Get("Cache-Control") != "no-store" {
		t.Errorf("ready: %d %q", w.Code, w.Header().Get("Cache-Control"))
	}
	fail = errors.New("the schema is at version 4, this binary needs 5")
	if w := get(ReadyPath); w.Code != 503 || !strings.Contains(w.Body.String(), "version 4") || w.Header().Get("Retry-After") == "" {
		t.Errorf("a failing check: %d %q", w.Code, w.Body.String())
	}
	if w := get(HealthPath); w.Code != 200 {
		t.Errorf("health while not ready: %d (a database outage must not get the process restarted)", w.Code)
	}
	fail = nil
	s.Drain()
	if w := get(ReadyPath); w.Code != 503 || !strings.Contains(w.Body.String(), "draining") {
		t.Errorf("ready while draining: %d %q", w.Code, w.Body.String())
	}
	if w := get("/elsewhere"); w.Code != 404 {
		t.Errorf("a page while draining: %d, want it served", w.Code)
	}
}

// TestInFlight: Busy is what the related-lists refresher asks before
// each article; it must see a request being served, and not one done.
func TestInFlight(t *testing.T) {
	release := make(chan struct{})
	started := make(chan struct{})
	s := New(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
		w.WriteHeader(http.StatusTeapot)
	}), Options{Metrics: NewMetrics()})
	if s.Busy() {
		t.Fatal("busy before any request")
	}
	var wg sync.WaitGroup
	wg.Go(func() { s.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/", nil)) })
	<-started
	if !s.Busy() || s.InFlight() != 1 {
		t.Errorf("during a request: busy %v, in flight %d", s.Busy(), s.InFlight())
	}
	close(release)
	wg.Wait()
	if s.Busy() {
		t.Error("busy after the request")
	}
}

// TestRecorderReachesTheConnection: handlers behind the access log still
// set their own deadlines (uploads do) through http.ResponseController.
func TestRecorderReachesTheConnection(t *testing.T) {
	var err error
	srv := httptest.NewServer(New(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err = http.NewResponseController(w).SetReadDeadline(time.Now().Add(time.Minute))
	}), Options{}))
	defer srv.Close()
	res, gerr := http.Get(srv.URL)
	if gerr != nil {
		t.Fatal(gerr)
	}
	res.Body.Close()
	if err != nil {
		t.Errorf("SetReadDeadline through the recorder: %v", err)
	}
}
