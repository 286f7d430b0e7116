package assets_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http/httptest"
	"testing"

	"sahafa/assets"
)

// TestGzipVariant: text files go out gzipped to browsers that take it
// (the editor's 450 KB script as about 145 KB), with their own ETag, and
// as they are to others.
func TestGzipVariant(t *testing.T) {
	a, err := assets.Load()
	if err != nil {
		t.Fatal(err)
	}
	url := a.URL("newsroom/editor.js")
	plain := httptest.NewRecorder()
	a.ServeHTTP(plain, httptest.NewRequest("GET", url, nil))
	req := httptest.NewRequest("GET", url, nil)
	req.Header.Set("Accept-Encoding", "gzip, br")
	zipped := httptest.NewRecorder()
	a.ServeHTTP(zipped, req)
	if zipped.Header().Get("Content-Encoding") != "gzip" || plain.Header().Get("Content-Encoding") != "" ||
		zipped.Header().Get("Vary") != "Accept-Encoding" || zipped.Header().Get("ETag") == plain.Header().Get("ETag") {
		t.Fatalf("headers: gzip %v, plain %v", zipped.Header(), plain.Header())
	}
	zr, err := gzip.NewReader(zipped.Body)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(zr)
	if !bytes.Equal(got, plain.Body.Bytes()) || zipped.Body.Len()*2 > plain.Body.Len() {
		t.Errorf("gzip variant: %d bytes for %d, unpacking to the same: %v", zipped.Body.Len(), plain.Body.Len(), bytes.Equal(got, plain.Body.Bytes()))
	}
	t.Logf("editor.js: %d bytes, %d gzipped", plain.Body.Len(), zipped.Body.Len())
}
