package main

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"sahafa/news"
)

// TestNginxPurge runs deploy/nginx/sahafa-cache.conf in front of a server
// started with --cdn-purge-kind urls: pages are served from nginx's cache
// (HIT), and a correction to one article makes nginx fetch again exactly
// that article's pages — its own, its section's, its tags', its
// authors', the home page and their feeds — and nothing else: another
// section's article and page are still served from nginx's copies.
func TestNginxPurge(t *testing.T) {
	nginx, err := exec.LookPath("nginx")
	if err != nil {
		if _, err := os.Stat("/usr/sbin/nginx"); err != nil {
			if os.Getenv("SAHAFA_REQUIRE_NGINX") != "" {
				t.Fatal("nginx is not installed, and SAHAFA_REQUIRE_NGINX is set")
			}
			t.Skip("nginx is not installed (apt-get install nginx); .ci/run installs it")
		}
		nginx = "/usr/sbin/nginx"
	}
	const token = "purge-token-for-the-test"
	t.Setenv("SAHAFA_CDN_PURGE_TOKEN", token)
	dir := t.TempDir()
	data := filepath.Join(dir, "data")
	addEditor(t, "--data", data)
	nginxAddr := freeAddr(t)
	ts := startServerWith(t, "--data", data, "--cdn-purge", "http://"+nginxAddr, "--cdn-purge-kind", "urls",
		"--cdn-max-age", "1h", "--readership=false")
	upstream := strings.TrimPrefix(ts.base, "http://")

	conf, err := os.ReadFile("../../deploy/nginx/sahafa-cache.conf")
	if err != nil {
		t.Fatal(err)
	}
	site := strings.NewReplacer("127.0.0.1:8081", upstream, "listen 80;", "listen "+nginxAddr+";",
		"/var/cache/nginx/sahafa", filepath.Join(dir, "cache"), "CHANGE-ME-purge-token", token).Replace(string(conf))
	os.WriteFile(filepath.Join(dir, "site.conf"), []byte(site), 0o600)
	user := "" // nginx started as root runs its workers as nobody, who cannot enter the test's folder
	if os.Geteuid() == 0 {
		user = "user root;"
	}
	main := fmt.Sprintf(`daemon off; worker_processes 1; pid %[1]s/nginx.pid; error_log %[1]s/error.log; %[2]s
events { worker_connections 64; }
http {
  client_body_temp_path %[1]s/body; proxy_temp_path %[1]s/proxy; fastcgi_temp_path %[1]s/fastcgi;
  uwsgi_temp_path %[1]s/uwsgi; scgi_temp_path %[1]s/scgi;
  log_format purges '$request_uri $sahafa_purge';
  access_log %[1]s/access.log purges;
  include %[1]s/site.conf;
}
`, dir, user)
	os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(main), 0o600)
	cmd := exec.Command(nginx, "-p", dir, "-c", filepath.Join(dir, "nginx.conf"))
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	front := "http://" + nginxAddr
	client := &http.Client{Timeout: 10 * time.Second}
	for i := 0; ; i++ {
		if resp, err := client.Get(front + "/healthz"); err == nil {
			resp.Body.Close()
			break
		}
		if i > 100 {
			b, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Fatalf("nginx did not start:\n%s", b)
		}
		time.Sleep(50 * time.Millisecond)
	}

	// Two demo articles of different sections.
	st := openTestStore(t, data)
	defer st.Close()
	list, err := st.Articles(context.Background(), news.ArticleFilter{Limit: 50})
	if err != nil || len(list.Articles) < 2 {
		t.Fatalf("demo articles: %v", err)
	}
	var a, b news.Article
	for _, x := range list.Articles {
		full, err := st.Article(context.Background(), x.ID)
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case a.ID == 0 && len(full.Tags) > 0 && len(full.Authors) > 0:
			a = full
		case b.ID == 0:
			b = full
		}
	}
	if b.Section.Slug == a.Section.Slug {
		for _, x := range list.Articles {
			if x.Section.Slug != a.Section.Slug {
				b = x
				break
			}
		}
	}
	if b.ID == 0 || a.ID == 0 || b.Section.Slug == a.Section.Slug {
		t.Fatalf("the demo needs an article with tags and one of another section: %+v", a)
	}
	purged := news.ArticlePaths(a)
	kept := []string{b.Path(), news.SectionPath(b.Section.Slug)}
	for _, p := range kept {
		if slices.Contains(purged, p) {
			t.Fatalf("%s is both purged and kept", p)
		}
	}
	for _, p := range append(append([]string{}, purged...), kept...) {
		fetch(t, client, front+p)
		r := fetch(t, client, front+p)
		if r.header.Get("X-Cache-Status") != "HIT" {
			errs, _ := os.ReadFile(filepath.Join(dir, "error.log"))
			t.Fatalf("%s from nginx the second time: %s (%d)\nnginx: %s", p, r.header.Get("X-Cache-Status"), r.code, errs)
		}
	}
	if r := fetch(t, client, front+news.SectionPath(a.Section.Slug)); !strings.Contains(r.header.Get("Surrogate-Key"), news.SectionKey(a.Section.Slug)) ||
		!strings.Contains(r.header.Get("Cache-Tag"), news.SectionKey(a.Section.Slug)) || !strings.Contains(r.header.Get("Cache-Control"), "s-maxage=3600") {
		t.Errorf("a section page's keys %q / %q, Cache-Control %q", r.header.Get("Surrogate-Key"), r.header.Get("Cache-Tag"), r.header.Get("Cache-Control"))
	}

	// The editor adds a correction, on the server itself.
	editor, csrf := signInEditor(t, ts.base, a.ID)
	const correction = "صُحّح اسم المتحدث في الفقرة الثانية"
	if code := postCorrection(t, editor, ts.base, a.ID, csrf, correction); code != http.StatusOK && code != http.StatusSeeOther {
		t.Fatalf("the correction: %d", code)
	}

	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(fetch(t, client, front+a.Path()).body, correction) {
		if time.Now().After(deadline) {
			t.Fatal("the correction did not reach nginx's copy of the article within 5 s")
		}
		time.Sleep(50 * time.Millisecond)
	}
	// nginx fetched again exactly the article's pages (the purge requests
	// in its log), and still serves its old copies of the others.
	for _, p := range kept {
		if r := fetch(t, client, front+p); r.header.Get("X-Cache-Status") != "HIT" {
			t.Errorf("%s after the correction: %s, want nginx's copy (HIT)", p, r.header.Get("X-Cache-Status"))
		}
	}
	want := slices.Clone(purged)
	slices.Sort(want)
	var asked []string
	for {
		log, _ := os.ReadFile(filepath.Join(dir, "access.log"))
		asked = asked[:0]
		for _, line := range strings.Split(strings.TrimSpace(string(log)), "\n") {
			if path, flag, _ := strings.Cut(line, " "); flag == "1" {
				asked = append(asked, path)
			}
		}
		slices.Sort(asked)
		asked = slices.Compact(asked)
		if len(asked) >= len(want) || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !slices.Equal(asked, want) {
		t.Errorf("purged %q, want %q", asked, want)
	}
}

// freeAddr is a loopback address with a port free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}
