package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// startServer runs "sahafa serve" on a free port and returns its base URL.
func startServer(t *testing.T, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), pw, io.Discard)
		pw.Close()
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("serve printed nothing: %v", err)
	}
	go io.Copy(io.Discard, pr)
	m := regexp.MustCompile(`on (http://\S+)`).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("no address in %q", line)
	}
	return m[1]
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
}
