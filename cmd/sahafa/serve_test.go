package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// startServer runs "sahafa serve" on a free port and returns its base URL.
func startServer(t *testing.T, args ...string) string {
	return startServerWith(t, args...).base
}

// testServer is a "sahafa serve" running in the test's process.
type testServer struct {
	base    string
	metrics string       // the metrics URL, when --metrics-addr was given
	stderr  *syncBuffer  // its logs
	stop    func() error // cancels it as SIGTERM would, and waits
}

// syncBuffer is a bytes.Buffer safe for a writer and a reader at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func startServerWith(t *testing.T, args ...string) *testServer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	ts := &testServer{stderr: &syncBuffer{}}
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), pw, ts.stderr)
		pw.Close()
	}()
	var once sync.Once
	var stopErr error
	ts.stop = func() error {
		once.Do(func() {
			cancel()
			stopErr = <-done
		})
		return stopErr
	}
	t.Cleanup(func() {
		if err := ts.stop(); err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	br := bufio.NewReader(pr)
	for ts.base == "" {
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatalf("serve printed no address: %v\n%s", err, ts.stderr)
		}
		if m := regexp.MustCompile(`metrics on (http://\S+)`).FindStringSubmatch(line); m != nil {
			ts.metrics = m[1]
		}
		if m := regexp.MustCompile(`serving .* on (http://\S+)`).FindStringSubmatch(line); m != nil {
			ts.base = m[1]
		}
	}
	go io.Copy(io.Discard, br)
	return ts
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestServeDemo starts a new site and checks that the demo stories are on
// its front page, then that an import run beside the server (another
// connection, as another process would be) shows up without a restart.
func TestServeDemo(t *testing.T) {
	dir := t.TempDir()
	base := startServer(t, "--data", dir)
	code, body := get(t, base+"/")
	if code != 200 {
		t.Fatalf("home: %d", code)
	}
	for _, want := range []string{`dir="rtl"`, `lang="ar"`, "محطة طاقة شمسية جديدة في المغرب", "أخبار العالم"} {
		if !strings.Contains(body, want) {
			t.Errorf("home page lacks %q", want)
		}
	}
	if _, err := runCLI(t, "import", "--data", dir, seedPage); err != nil {
		t.Skipf("seed page import unavailable: %v", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, body = get(t, base+"/")
		if strings.Contains(body, "إصابة جنود أمريكيين") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("imported story not on the front page 5s after the import")
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func TestServeFlags(t *testing.T) {
	for _, args := range [][]string{
		{"serve", "--digits", "roman"},
		{"serve", "--timezone", "Mars/Olympus"},
		{"serve", "extra"},
		{"frobnicate"},
	} {
		if _, err := runCLI(t, args...); err == nil {
			t.Errorf("%v: want an error", args)
		}
	}
	// Replicas need a PostgreSQL primary, and must be PostgreSQL URLs.
	for args, want := range map[[4]string]string{
		{"serve", "--data", t.TempDir(), "--db-read=postgres://r/db"}:            "replicas need --db",
		{"serve", "--db=postgres://127.0.0.1:1/db", "--db-read", "mysql://r/db"}: "want postgres:// URLs",
	} {
		_, err := runCLI(t, args[:]...)
		if err == nil || !strings.Contains(err.Error(), want) || exitCode(err) != 2 {
			t.Errorf("%v: got %v (exit %d), want a usage error saying %q", args, err, exitCode(err), want)
		}
	}
}
