package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"sahafa/news"
)

// TestServeHealthMetricsAndLogs: /healthz and /readyz answer on the site;
// Prometheus metrics on --metrics-addr and not on the site; one JSON
// access-log line per request; a failed sign-in logged as a security
// event.
func TestServeHealthMetricsAndLogs(t *testing.T) {
	ts := startServerWith(t, "--data", t.TempDir(), "--metrics-addr", "127.0.0.1:0", "--log-format", "json")
	client := &http.Client{Timeout: 10 * time.Second}
	for path, want := range map[string]string{"/healthz": "ok", "/readyz": "ready"} {
		if r := fetch(t, client, ts.base+path); r.code != http.StatusOK || strings.TrimSpace(r.body) != want {
			t.Errorf("GET %s: %d %q", path, r.code, r.body)
		}
	}
	for range 3 {
		fetch(t, client, ts.base+"/")
	}
	fetch(t, client, ts.base+"/search/?q="+url.QueryEscape("الطاقة الشمسية"))
	form := url.Values{"email": {"nobody@example.com"}, "password": {"كلمة خاطئة جدًا"}}
	if res, err := client.PostForm(ts.base+"/newsroom/login", form); err != nil {
		t.Fatal(err)
	} else {
		res.Body.Close()
		if res.StatusCode != http.StatusUnauthorized {
			t.Errorf("failed sign-in: %d", res.StatusCode)
		}
	}
	if r := fetch(t, client, ts.base+"/metrics"); r.code == http.StatusOK && strings.Contains(r.body, "go_goroutines") {
		t.Error("metrics are served on the public address")
	}
	if ts.metrics == "" {
		t.Fatal("serve printed no metrics address")
	}
	r := fetch(t, client, ts.metrics)
	if r.code != http.StatusOK {
		t.Fatalf("metrics: %d", r.code)
	}
	for _, want := range []*regexp.Regexp{
		regexp.MustCompile(`sahafa_http_requests_total\{method="GET",route="/",status="200"\} 3\b`),
		regexp.MustCompile(`sahafa_http_requests_total\{method="POST",route="/newsroom/login/",status="401"\} 1\b`),
		regexp.MustCompile(`sahafa_http_request_duration_seconds_count\{route="/search/"\} 1\b`),
		regexp.MustCompile(`sahafa_pagecache_hits_total [1-9]`),
		regexp.MustCompile(`sahafa_http_cache_results_total\{result="hit"\} 2\b`),
		regexp.MustCompile(`sahafa_search_duration_seconds_count 1\b`),
		regexp.MustCompile(`sahafa_db_read_connections_max [1-9]`),
		regexp.MustCompile(`sahafa_renders_limit [1-9]`),
		regexp.MustCompile(`sahafa_related_queue \d`),
		regexp.MustCompile(`sahafa_password_hashes_running 0`),
		regexp.MustCompile(`go_goroutines \d`),
		regexp.MustCompile(`process_resident_memory_bytes \d`),
	} {
		if !want.MatchString(r.body) {
			t.Errorf("metrics lack %s", want)
		}
	}
	// Access lines are flushed within a fraction of a second.
	time.Sleep(500 * time.Millisecond)
	var home, signIn int
	for _, line := range strings.Split(ts.stderr.String(), "\n") {
		var rec map[string]any
		if json.Unmarshal([]byte(line), &rec) != nil {
			continue
		}
		switch {
		case rec["msg"] == "request" && rec["route"] == "/" && rec["status"] == float64(200):
			home++
			if rec["method"] != "GET" || rec["client"] != "127.0.0.1" || rec["bytes"] == float64(0) || rec["duration"] == nil {
				t.Errorf("access line: %s", line)
			}
		case rec["msg"] == "security: sign-in failed" && rec["level"] == "WARN":
			signIn++
			if rec["email"] != "nobody@example.com" || rec["reason"] != "unknown email" {
				t.Errorf("security line: %s", line)
			}
		}
	}
	if home != 3 || signIn != 1 {
		t.Errorf("%d access lines for the home page (want 3), %d failed sign-ins logged (want 1):\n%s", home, signIn, ts.stderr)
	}
}

// TestServeRelatedKeepsTheCache: storing a viewed article's "you may also
// read" list drops that article's page alone. Before, the list was
// computed on the request path and its write emptied the whole cache: on
// a freshly imported archive every first view of an article did both.
func TestServeRelatedKeepsTheCache(t *testing.T) {
	dir := t.TempDir()
	if out, err := runCLI(t, "import", "--data", dir, writeJSONL(t, "a.jsonl", 1, 30)); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	st := openTestStore(t, dir)
	ctx := context.Background()
	list, err := st.Articles(ctx, news.ArticleFilter{Limit: 1})
	if err != nil || len(list.Articles) == 0 {
		t.Fatalf("articles: %v", err)
	}
	a := list.Articles[0]
	base := startServer(t, "--data", dir, "--warm-related=false")
	client := &http.Client{Timeout: 10 * time.Second}
	fetch(t, client, base+"/")
	if r := fetch(t, client, base+"/"); r.header.Get("X-Cache") != "hit" {
		t.Fatalf("home page, second view: X-Cache %q", r.header.Get("X-Cache"))
	}
	r := fetch(t, client, base+a.Path())
	if r.code != http.StatusOK || r.took > 2*time.Second {
		t.Fatalf("article: %d in %v", r.code, r.took)
	}
	for deadline := time.Now().Add(10 * time.Second); ; {
		if _, stored, err := st.Related(ctx, a.ID, 6); err != nil {
			t.Fatal(err)
		} else if stored {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the viewed article's list was not stored within 10 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(1200 * time.Millisecond) // the change watcher polls every 0.5 s
	if r := fetch(t, client, base+"/"); r.header.Get("X-Cache") != "hit" {
		t.Errorf("home page after an article's related list was stored: X-Cache %q, want hit", r.header.Get("X-Cache"))
	}
	if r := fetch(t, client, base+a.Path()); r.header.Get("X-Cache") != "miss" {
		t.Errorf("the article's page after its list was stored: X-Cache %q, want miss (rendered again)", r.header.Get("X-Cache"))
	}
}

// TestServeDrainsOnSIGTERM runs the real binary and sends it SIGTERM with
// requests half sent: /readyz fails at once while pages are still served
// for --drain-delay, the half-sent requests are answered, the process
// says so and exits 0. Before, there was no /readyz, and searches still
// running at the 10 s shutdown deadline lost their answers.
func TestServeDrainsOnSIGTERM(t *testing.T) {
	cmd := exec.Command(os.Args[0], "serve", "--addr", "127.0.0.1:0", "--data", t.TempDir(),
		"--drain-delay", "1s", "--shutdown-timeout", "20s")
	cmd.Env = append(os.Environ(), "SAHAFA_TEST_MAIN=1")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	stderr := &syncBuffer{}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	m := regexp.MustCompile(`on http://(\S+)`).FindStringSubmatch(line)
	if err != nil || m == nil {
		t.Fatalf("no address: %q %v\n%s", line, err, stderr)
	}
	addr := m[1]
	go io.Copy(io.Discard, stdout)
	client := &http.Client{Timeout: 10 * time.Second}
	if r := fetch(t, client, "http://"+addr+"/readyz"); r.code != http.StatusOK {
		t.Fatalf("readyz before SIGTERM: %d", r.code)
	}

	const pending = 8
	body := url.Values{"email": {"nobody@example.com"}, "password": {"كلمة مرور خاطئة تمامًا"}}.Encode()
	conns := make([]net.Conn, pending)
	for i := range conns {
		c, err := net.DialTimeout("tcp", addr, 5*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		fmt.Fprintf(c, "POST /newsroom/login HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\n"+
			"Content-Length: %d\r\n\r\n%s", addr, len(body), body[:len(body)/2])
		conns[i] = c
	}
	time.Sleep(200 * time.Millisecond) // the server is reading their bodies
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond)
	if r := fetch(t, client, "http://"+addr+"/readyz"); r.code != http.StatusServiceUnavailable || !strings.Contains(r.body, "draining") {
		t.Errorf("readyz while draining: %d %q, want 503", r.code, r.body)
	}
	if r := fetch(t, client, "http://"+addr+"/"); r.code != http.StatusOK {
		t.Errorf("a page while draining (within --drain-delay): %d", r.code)
	}
	time.Sleep(1500 * time.Millisecond) // past the drain delay: the listener is closed
	for i, c := range conns {
		c.SetDeadline(time.Now().Add(10 * time.Second))
		if _, err := io.WriteString(c, body[len(body)/2:]); err != nil {
			t.Fatalf("request %d: finishing its body: %v", i, err)
		}
		res, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Errorf("request %d in flight at SIGTERM got no answer: %v", i, err)
			continue
		}
		res.Body.Close()
		if res.StatusCode != http.StatusUnauthorized && res.StatusCode != http.StatusTooManyRequests {
			t.Errorf("request %d: %d", i, res.StatusCode)
		}
	}
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case err := <-waited:
		if err != nil {
			t.Errorf("exit: %v\n%s", err, stderr)
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("still running 15 s after SIGTERM\n%s", stderr)
	}
	for _, want := range []string{"shutting down: draining", "shut down cleanly"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("logs lack %q:\n%s", want, stderr)
		}
	}
}

// TestDataFilesArePrivate: the database holds password hashes and
// session tokens; its folder is made 0700, the database, its WAL and a
// backup 0600, and a folder left wider is warned about at start.
func TestDataFilesArePrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "site")
	base := startServer(t, "--data", dir)
	client := &http.Client{Timeout: 10 * time.Second}
	fetch(t, client, base+"/")
	mode := func(p string) os.FileMode {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		return st.Mode().Perm()
	}
	if m := mode(dir); m != 0o700 {
		t.Errorf("data folder %04o, want 0700", m)
	}
	for _, f := range []string{"sahafa.db", "sahafa.db-wal", "sahafa.db-shm"} {
		if m := mode(filepath.Join(dir, f)); m != 0o600 {
			t.Errorf("%s is %04o, want 0600", f, m)
		}
	}
	backupFile := filepath.Join(t.TempDir(), "copy.db")
	if out, err := runCLI(t, "backup", "--data", dir, backupFile); err != nil {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	if m := mode(backupFile); m != 0o600 {
		t.Errorf("backup is %04o, want 0600", m)
	}
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	out, err := runCLI(t, "user", "list", "--data", dir)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "0755") || !strings.Contains(out, "chmod 0700") {
		t.Errorf("no warning about a 0755 data folder:\n%s", out)
	}
}

// TestServeRefusesReadOnlyData: a data folder that cannot be written
// stops the server at start with the reason, instead of starting without
// a word and failing at the first save. As root, permissions do not stop
// writes, so the folder is a read-only mount.
func TestServeRefusesReadOnlyData(t *testing.T) {
	dir := t.TempDir()
	if out, err := runCLI(t, "user", "list", "--data", dir); err != nil { // a database to find read-only
		t.Fatalf("%v\n%s", err, out)
	}
	if os.Geteuid() == 0 {
		ro := filepath.Join(t.TempDir(), "ro")
		if err := os.Mkdir(ro, 0o700); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command("mount", "--bind", "-o", "ro", dir, ro).CombinedOutput(); err != nil {
			t.Skipf("cannot make a read-only folder as root here (mount --bind -o ro: %v: %s)", err, out)
		}
		t.Cleanup(func() { exec.Command("umount", ro).Run() })
		if f, err := os.Create(filepath.Join(ro, "probe")); err == nil {
			f.Close()
			t.Skip("the read-only bind mount is writable here")
		}
		dir = ro
	} else {
		if err := os.Chmod(dir, 0o500); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(dir, 0o700) })
	}
	start := time.Now()
	_, err := runCLI(t, "serve", "--addr", "127.0.0.1:0", "--data", dir)
	if err == nil {
		t.Fatal("serve started on a read-only data folder")
	}
	if !strings.Contains(err.Error(), "cannot be written") || !strings.Contains(err.Error(), dir) {
		t.Errorf("the error does not say what is wrong and where: %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("refusing took %v", d)
	}
	t.Logf("refused: %v", err)
}
