package newsroom_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"sahafa/news"
	"sahafa/store/teststores"
)

func TestSettingsFormStartsFromValuesInForce(t *testing.T) {
	teststores.Each(t, testSettingsFormStartsFromValuesInForce)
}

// testSettingsFormStartsFromValuesInForce: with nothing saved yet, the
// form shows the values the site runs with (the flags'), not empty
// fields, so saving one setting neither fails on an empty site name nor
// flips the others.
func testSettingsFormStartsFromValuesInForce(t *testing.T, open teststores.OpenFunc) {
	e := newEnv(t, open)
	admin := e.as("admin")
	page := admin.get("/newsroom/settings")
	if page.status != http.StatusOK {
		t.Fatalf("settings: %d", page.status)
	}
	if !strings.Contains(page.body, `name="site_name" value="صحافة"`) {
		t.Errorf("the site-name field does not hold the site's name:\n%s", fieldHTML(page.body, "site_name"))
	}
	// The env's site runs without Hijri dates: that choice is the checked one.
	if !strings.Contains(page.body, `name="hijri" value="false" checked`) {
		t.Errorf("the Hijri choice is not the one in force:\n%s", fieldHTML(page.body, `name="hijri"`))
	}
	// Submitting the form as loaded, with one change, saves.
	form := url.Values{"site_name": {"صحافة"}, "digits": {"arabic"}, "hijri": {"false"}, "feed_content": {"full"}}
	if res := admin.post("/newsroom/settings", form); res.status != http.StatusSeeOther {
		t.Fatalf("saving the form as loaded: %d %q", res.status, res.errors())
	}
}

// fieldHTML is the part of a page around a field, for failure messages.
func fieldHTML(body, marker string) string {
	i := strings.Index(body, marker)
	if i < 0 {
		return "(no " + marker + " on the page)"
	}
	return body[max(0, i-120):min(len(body), i+200)]
}

func TestNewsroomSearchCountsOnlyWhatTheUserMaySee(t *testing.T) {
	teststores.Each(t, testNewsroomSearchCountsOnlyWhatTheUserMaySee)
}

// testNewsroomSearchCountsOnlyWhatTheUserMaySee: a contributor's search
// counted other writers' drafts ("3 نتيجة" over an empty list), telling
// them such drafts exist.
func testNewsroomSearchCountsOnlyWhatTheUserMaySee(t *testing.T, open teststores.OpenFunc) {
	e := newEnv(t, open)
	for _, title := range []string{"تسريب ميزانية الوزارة السرية", "ميزانية الوزارة السرية: الجزء الثاني", "السرية في ميزانية الوزارة"} {
		e.articleIn("writer", news.StatusDraft, title)
	}
	contributor := e.as("contributor")
	res := contributor.get("/newsroom/articles/?q=" + url.QueryEscape("ميزانية السرية"))
	if res.status != http.StatusOK {
		t.Fatalf("search: %d", res.status)
	}
	if strings.Contains(res.body, "3 نتيجة") || !strings.Contains(res.body, "0 نتيجة") {
		t.Errorf("a contributor's search counts other people's drafts: %s", fieldHTML(res.body, "نتيجة"))
	}
	if strings.Contains(res.body, "تسريب ميزانية") {
		t.Error("a contributor's search shows another writer's draft")
	}
	// The editor sees all three.
	if res := e.as("editor").get("/newsroom/articles/?q=" + url.QueryEscape("ميزانية السرية")); !strings.Contains(res.body, "3 نتيجة") {
		t.Errorf("the editor's search: %s", fieldHTML(res.body, "نتيجة"))
	}
}

func TestOversizedBodiesGet413(t *testing.T) { teststores.Each(t, testOversizedBodiesGet413) }

// testOversizedBodiesGet413: an upload over 20 MB was answered with the
// CSRF "form expired" 403, and a preview over 1 MB with an empty 200. Both
// now get 413 and a message with the limit, whether the client declares
// the length or streams the body.
func testOversizedBodiesGet413(t *testing.T, open teststores.OpenFunc) {
	e := newEnv(t, open)
	c := e.as("contributor")
	big := bytes.Repeat([]byte{0xff}, 21<<20)
	res := c.upload("/newsroom/media/", map[string]string{"alt": "صورة كبيرة"}, big)
	if res.status != http.StatusRequestEntityTooLarge || !strings.Contains(res.body, "20 ميغابايت") {
		t.Errorf("a 21 MB upload: %d, errors %q", res.status, res.errors())
	}
	// Streamed: no Content-Length, so the limit is found while reading.
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf", c.csrf)
	mw.WriteField("alt", "صورة كبيرة")
	fw, _ := mw.CreateFormFile("file", "big.jpg")
	fw.Write(big)
	mw.Close()
	req, _ := http.NewRequest("POST", e.srv.URL+"/newsroom/media/", io.MultiReader(&buf))
	req.ContentLength = -1
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if res := c.do(req); res.status != http.StatusRequestEntityTooLarge {
		t.Errorf("a streamed 21 MB upload: %d", res.status)
	}
	// The live preview, as the editor's script sends it.
	form := url.Values{"body": {strings.Repeat("فقرة طويلة جدًا من خبر عاجل. ", 60_000)}}
	req, _ = http.NewRequest("POST", e.srv.URL+"/newsroom/preview", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-CSRF-Token", c.csrf)
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	if res := c.do(req); res.status != http.StatusRequestEntityTooLarge || !strings.Contains(res.body, "1 ميغابايت") {
		t.Errorf("a %d-byte preview: %d %.200q", len(form.Encode()), res.status, res.body)
	}
	list, err := e.store.MediaList(context.Background(), news.MediaFilter{Limit: 5})
	if err != nil || list.Total != 0 {
		t.Errorf("media after the refused uploads: %d, %v", list.Total, err)
	}
}

func TestPasswordChangeLimitedOverHTTP(t *testing.T) {
	teststores.Each(t, testPasswordChangeLimitedOverHTTP)
}

// testPasswordChangeLimitedOverHTTP: twelve wrong current passwords gave
// twelve 422s; after five the account page answers 429 with Retry-After.
func testPasswordChangeLimitedOverHTTP(t *testing.T, open teststores.OpenFunc) {
	e := newEnv(t, open)
	c := e.as("writer")
	var statuses []int
	for i := range 7 {
		res := c.post("/newsroom/account/password", url.Values{"current": {"تخمين رقم " + strconv.Itoa(i)},
			"password": {"كلمة مرور جديدة طويلة"}, "confirm": {"كلمة مرور جديدة طويلة"}})
		statuses = append(statuses, res.status)
		if res.status == http.StatusTooManyRequests && res.header.Get("Retry-After") == "" {
			t.Error("429 without Retry-After")
		}
	}
	want := []int{422, 422, 422, 422, 422, 429, 429}
	if fmt.Sprint(statuses) != fmt.Sprint(want) {
		t.Errorf("seven wrong current passwords: %v, want %v", statuses, want)
	}
}

func TestRefusedUploadIsNotRead(t *testing.T) { teststores.Each(t, testRefusedUploadIsNotRead) }

// testRefusedUploadIsNotRead: an upload the server could not take (its
// background backlog full) was refused only after its whole body had
// been read into a temporary file and then into memory — under a burst of
// uploads that was most of the server's memory and CPU. It is now refused
// with 503 and Retry-After from its headers, without reading the body.
func testRefusedUploadIsNotRead(t *testing.T, open teststores.OpenFunc) {
	e := newEnvMedia(t, open, false) // the backlog must stay full

	ctx := context.Background()
	for i := range news.MaxPendingUploads {
		if _, err := e.store.SaveUpload(ctx, news.Media{Alt: "صورة تنتظر المعالجة " + strconv.Itoa(i), Format: "jpeg",
			Width: 1600, Height: 1067}, []byte("x")); err != nil {
			t.Fatal(err)
		}
	}
	c := e.as("writer")
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf", c.csrf)
	mw.WriteField("alt", "صورة من المؤتمر الصحفي")
	fw, _ := mw.CreateFormFile("file", "photo.jpg")
	fw.Write(bytes.Repeat([]byte{0xff}, 8<<20))
	mw.Close()
	body := &countingReader{r: &buf}
	req, _ := http.NewRequest("POST", e.srv.URL+"/newsroom/media/", body)
	req.ContentLength = int64(buf.Len())
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res := c.do(req)
	if res.status != http.StatusServiceUnavailable || res.header.Get("Retry-After") == "" {
		t.Errorf("an upload with the backlog full: %d, Retry-After %q", res.status, res.header.Get("Retry-After"))
	}
	// What the client sent before it read the answer: socket buffers,
	// not the 8 MB.
	if n := body.n.Load(); n > 4<<20 {
		t.Errorf("the server read %d bytes of a refused upload", n)
	}
	list, err := e.store.MediaList(ctx, news.MediaFilter{Limit: 1})
	if err != nil || list.Total != news.MaxPendingUploads {
		t.Errorf("images after the refused upload: %d, %v", list.Total, err)
	}
}

// countingReader counts the bytes read from it.
type countingReader struct {
	r io.Reader
	n atomic.Int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n.Add(int64(n))
	return n, err
}
