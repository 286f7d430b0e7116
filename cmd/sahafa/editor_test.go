package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// The editor the tests that write through the newsroom add.
const (
	editorEmail    = "huda@example.com"
	editorPassword = "كلمة-مرور-المحررة-الطويلة"
)

// addEditor adds the editor to the site that where (--data DIR or --db
// URL) names, with "sahafa user add".
func addEditor(t *testing.T, where ...string) {
	t.Helper()
	pw := filepath.Join(t.TempDir(), "password")
	if err := os.WriteFile(pw, []byte(editorPassword+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	args := append(append([]string{"user", "add"}, where...), "--email", editorEmail, "--role", "editor",
		"--name", "هدى", "--password-file", pw)
	if out, err := runCLI(t, args...); err != nil {
		t.Fatalf("user add: %v\n%s", err, out)
	}
}

// signInEditor signs the editor in on base and returns her client and the
// CSRF token of article id's editor page.
func signInEditor(t *testing.T, base string, id int64) (*http.Client, string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	editor := &http.Client{Timeout: 10 * time.Second, Jar: jar}
	res, err := editor.PostForm(base+"/newsroom/login", url.Values{"email": {editorEmail}, "password": {editorPassword}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	page := fetch(t, editor, fmt.Sprintf("%s/newsroom/articles/%d", base, id))
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page.body)
	if csrf == nil {
		t.Fatalf("no CSRF token on the editor page (%d)", page.code)
	}
	return editor, csrf[1]
}

// postCorrection adds a correction to article id through the newsroom of
// base and returns the answer's status (the editor page's, after the
// redirect).
func postCorrection(t *testing.T, editor *http.Client, base string, id int64, csrf, text string) int {
	t.Helper()
	req, _ := http.NewRequest("POST", fmt.Sprintf("%s/newsroom/articles/%d/corrections", base, id),
		strings.NewReader(url.Values{"csrf": {csrf}, "correction": {text}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := editor.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

// importArticle imports one JSONL record into the PostgreSQL site at dsn
// with "sahafa import", beside any running server, and checks it was
// created.
func importArticle(t *testing.T, dsn string, rec map[string]string) {
	t.Helper()
	b, err := json.Marshal(rec)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "new.jsonl")
	if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := runCLI(t, "import", "--db", dsn, path); err != nil || !strings.Contains(out, "1 created") {
		t.Fatalf("import: %v\n%s", err, out)
	}
}
