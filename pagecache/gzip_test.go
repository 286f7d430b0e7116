package pagecache_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"sahafa/pagecache"
)

// page is an Arabic HTML page long enough to be worth compressing.
var page = "<!doctype html><html dir=\"rtl\" lang=\"ar\"><p>" +
	strings.Repeat("أفادت مصادر أمنية بإصابة عدد من الجنود في هجوم صاروخي. ", 60) + "</p></html>"

func serveWith(body, contentType string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", contentType)
		w.Header().Set("ETag", `"v1"`)
		io.WriteString(w, body)
	})
}

func request(h http.Handler, hdr map[string]string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, "/world/", nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestGzipVariant(t *testing.T) {
	h := pagecache.New(1 << 20).Middleware(serveWith(page, "text/html; charset=utf-8"))
	for _, state := range []string{"miss", "hit"} {
		rec := request(h, map[string]string{"Accept-Encoding": "br, gzip"})
		if rec.Header().Get("Content-Encoding") != "gzip" || rec.Header().Get("X-Cache") != state {
			t.Fatalf("%s: headers %v", state, rec.Header())
		}
		zr, err := gzip.NewReader(rec.Body)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(zr)
		if err != nil || string(got) != page {
			t.Fatalf("%s: the gzip body does not decompress to the page (%v)", state, err)
		}
		if rec.Body.Len() != 0 || rec.Header().Get("Content-Length") == "" {
			t.Errorf("%s: Content-Length %q", state, rec.Header().Get("Content-Length"))
		}
		if !strings.Contains(rec.Header().Get("Vary"), "Accept-Encoding") {
			t.Errorf("%s: no Vary: Accept-Encoding", state)
		}
	}
	gz := request(h, map[string]string{"Accept-Encoding": "gzip"})
	plain := request(h, nil)
	if plain.Header().Get("Content-Encoding") != "" || plain.Body.String() != page {
		t.Errorf("a client without Accept-Encoding got %v", plain.Header())
	}
	if !strings.Contains(plain.Header().Get("Vary"), "Accept-Encoding") {
		t.Error("the plain variant lacks Vary: Accept-Encoding")
	}
	if gz.Header().Get("ETag") == plain.Header().Get("ETag") {
		t.Errorf("both variants carry the ETag %s", gz.Header().Get("ETag"))
	}
	refused := request(h, map[string]string{"Accept-Encoding": "gzip;q=0, identity"})
	if refused.Header().Get("Content-Encoding") != "" {
		t.Error("gzip;q=0 still got gzip")
	}
	// Each variant revalidates with its own ETag.
	nm := request(h, map[string]string{"Accept-Encoding": "gzip", "If-None-Match": gz.Header().Get("ETag")})
	if nm.Code != http.StatusNotModified || nm.Header().Get("Content-Encoding") != "" {
		t.Errorf("If-None-Match with the gzip ETag: %d %v", nm.Code, nm.Header())
	}
	if c := request(h, map[string]string{"If-None-Match": gz.Header().Get("ETag")}).Code; c != http.StatusOK {
		t.Errorf("the gzip ETag validated the plain variant: %d", c)
	}
}

func TestGzipOnlyWhereItHelps(t *testing.T) {
	for name, h := range map[string]http.Handler{
		"small":  serveWith("<p>قصير</p>", "text/html; charset=utf-8"),
		"binary": serveWith(page, "image/png"),
	} {
		rec := request(pagecache.New(1<<20).Middleware(h), map[string]string{"Accept-Encoding": "gzip"})
		if rec.Header().Get("Content-Encoding") != "" || rec.Header().Get("Vary") != "" {
			t.Errorf("%s: compressed or varied: %v", name, rec.Header())
		}
		if !bytes.HasPrefix(rec.Body.Bytes(), []byte("<")) {
			t.Errorf("%s: body changed", name)
		}
	}
}
