package main

import (
	"bytes"
	"fmt"
	"io"
	"mime/multipart"
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

// signIn signs a user of role in on base (adding them with "sahafa user
// add" first) and returns their client and the CSRF token of page.
func signIn(t *testing.T, base, data, role, page string) (*http.Client, string) {
	t.Helper()
	email, pass := role+"@news.example", "كلمة-مرور-طويلة-"+role
	pw := filepath.Join(t.TempDir(), "password")
	if err := os.WriteFile(pw, []byte(pass+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := runCLI(t, "user", "add", "--data", data, "--email", email, "--role", role, "--name", "مستخدم "+role, "--password-file", pw); err != nil {
		t.Fatalf("user add: %v\n%s", err, out)
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Timeout: 30 * time.Second, Jar: jar}
	res, err := c.PostForm(base+"/newsroom/login", url.Values{"email": {email}, "password": {pass}})
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	r := fetch(t, c, base+page)
	m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(r.body)
	if m == nil {
		t.Fatalf("no CSRF token on %s (%d)", page, r.code)
	}
	return c, m[1]
}

// postFile sends the import form with file (or no file) as a browser does.
func postFile(t *testing.T, c *http.Client, target, csrf, name string, file []byte, fields map[string]string) *http.Response {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", csrf)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	if file != nil {
		fw, _ := mw.CreateFormFile("file", name)
		fw.Write(file)
	}
	mw.Close()
	req, _ := http.NewRequest("POST", target, &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestNewsroomImport: an administrator uploads a WordPress export on the
// newsroom's import page; it is imported in the background (with a
// section mapped) while its page, reloaded, shows it running and then the
// command line's summary; the articles are on the site. An editor may
// not, a file over the limit is refused at once, and a second import
// waits for the first.
func TestNewsroomImport(t *testing.T) {
	data := t.TempDir()
	base := startServer(t, "--data", data, "--import-max-mb", "1")
	admin, csrf := signIn(t, base, data, "admin", "/newsroom/import/")
	export, err := os.ReadFile(wxrFixture)
	if err != nil {
		t.Fatal(err)
	}
	res := postFile(t, admin, base+"/newsroom/import/", csrf, "almadina.xml", export, map[string]string{"map_section": "أخبار محلية=world"})
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Request.URL.Path, "/newsroom/import/") {
		t.Fatalf("start: %d at %s\n%.800s", res.StatusCode, res.Request.URL, body)
	}
	jobPage := res.Request.URL.String()
	var page reply
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(200 * time.Millisecond) {
		if page = fetch(t, admin, jobPage); !strings.Contains(page.body, "جارٍ") {
			break
		}
		if !strings.Contains(page.body, `http-equiv="refresh"`) {
			t.Error("a running job's page does not reload itself")
		}
	}
	for _, want := range []string{"اكتمل", "almadina.xml (wxr): 9 created, 0 updated", "WordPress site", "الملخص"} {
		if !strings.Contains(page.body, want) {
			t.Errorf("job page lacks %q:\n%.2000s", want, page.body)
		}
	}
	if strings.Contains(page.body, `http-equiv="refresh"`) {
		t.Error("a finished job's page still reloads")
	}
	// Post 101 is in "أخبار محلية", mapped onto the demo's world section.
	port, err := http.Get(base + "/?p=101")
	if err != nil {
		t.Fatal(err)
	}
	portBody, _ := io.ReadAll(port.Body)
	port.Body.Close()
	if port.StatusCode != http.StatusOK || !strings.HasPrefix(port.Request.URL.Path, "/world/") || !strings.Contains(string(portBody), "افتتاح توسعة ميناء المدينة") {
		t.Errorf("post 101 after the import: %d at %s", port.StatusCode, port.Request.URL.Path)
	}
	list := fetch(t, admin, base+"/newsroom/import/")
	if !strings.Contains(list.body, "almadina.xml") || !strings.Contains(list.body, "اكتمل") {
		t.Error("the imports page does not list the job")
	}

	big := bytes.Repeat([]byte("x"), 2<<20)
	res = postFile(t, admin, base+"/newsroom/import/", csrf, "big.jsonl", big, nil)
	body, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(body), "sahafa import") {
		t.Errorf("a 2 MiB file over a 1 MiB limit: %d", res.StatusCode)
	}
	res = postFile(t, admin, base+"/newsroom/import/", csrf, "", nil, map[string]string{"map_section": "بلا علامة"})
	body, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(string(body), "السطر 1") {
		t.Errorf("a bad section map: %d", res.StatusCode)
	}

	editor, ecsrf := signIn(t, base, data, "editor", "/newsroom/")
	if r := fetch(t, editor, base+"/newsroom/import/"); r.code != http.StatusForbidden {
		t.Errorf("an editor opens the imports page: %d", r.code)
	}
	res = postFile(t, editor, base+"/newsroom/import/", ecsrf, "almadina.xml", export, nil)
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("an editor starts an import: %d", res.StatusCode)
	}
	if r := fetch(t, admin, fmt.Sprintf("%s/newsroom/import/%d", base, 999)); r.code != http.StatusNotFound {
		t.Errorf("an unknown job: %d", r.code)
	}
}
