package main

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"log/slog"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"sahafa/bucket/buckettest"
	"sahafa/news"
)

// TestServeMediaFromBucket runs the server with --media on a real
// S3-compatible server: an image stored through the site lands in the
// bucket and is served from it; with the bucket's server killed, media
// requests get a prompt 503 and the pages still render. Then
// "sahafa media move --to db" brings the library home.
func TestServeMediaFromBucket(t *testing.T) {
	w := buckettest.Start(t)
	url := buckettest.URL()
	t.Setenv("SAHAFA_S3_ENDPOINT", w.Endpoint)
	t.Setenv("SAHAFA_S3_INSECURE", "true")
	dir := t.TempDir()
	base := startServer(t, "--data", dir, "--media", url)

	// An image stored as the newsroom's upload path stores it.
	ctx := context.Background()
	a, err := openApp(ctx, &storeFlags{data: dir, media: url}, slog.New(slog.DiscardHandler), nil)
	if err != nil {
		t.Fatal(err)
	}
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	img.Set(3, 3, color.White)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatal(err)
	}
	m, err := a.store.SaveMedia(ctx, news.Media{Alt: "ميدان التحرير في القاهرة", Format: "jpeg", Width: 64, Height: 48},
		[]news.MediaFile{{MediaVariant: news.MediaVariant{Width: 64, Height: 48, ContentType: "image/jpeg", Ext: "jpg"}, Data: buf.Bytes()}})
	if err != nil {
		t.Fatal(err)
	}
	raw, err := a.raw.MediaFile(ctx, m.ID, 64)
	a.Close()
	if err != nil || raw.ObjectKey == "" || len(raw.Data) != 0 {
		t.Fatalf("the database holds key %q and %d bytes (%v): want the bytes in the bucket", raw.ObjectKey, len(raw.Data), err)
	}
	mediaURL := base + "/media/" + strconv.FormatInt(m.ID, 10) + "/64.jpg"
	code, body := get(t, mediaURL)
	if code != 200 || body != buf.String() {
		t.Fatalf("GET %s: %d, %d bytes; want 200 and the %d bytes stored", mediaURL, code, len(body), buf.Len())
	}

	// With the bucket's public address, readers are sent there.
	direct := startServer(t, "--data", dir, "--media", url, "--media-url", "http://"+w.Endpoint+"/sahafa/")
	noFollow := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(direct + "/media/" + strconv.FormatInt(m.ID, 10) + "/64.jpg")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if want := "http://" + w.Endpoint + "/sahafa/" + raw.ObjectKey; resp.StatusCode != http.StatusFound || resp.Header.Get("Location") != want {
		t.Errorf("with --media-url: %d to %q, want 302 to %q", resp.StatusCode, resp.Header.Get("Location"), want)
	}
	if code, body := get(t, direct+"/media/"+strconv.FormatInt(m.ID, 10)+"/64.jpg"); code != 200 || body != buf.String() {
		t.Errorf("following the redirect to the bucket: %d, %d bytes; want 200 and the %d bytes stored", code, len(body), buf.Len())
	}
	if code, _ := get(t, direct+"/media/"+strconv.FormatInt(m.ID, 10)+"/64.png"); code != 404 {
		t.Errorf("another extension with --media-url: %d, want 404", code)
	}
	if _, err := runCLI(t, "serve", "--data", t.TempDir(), "--media-url", "https://media.example.com/"); err == nil || !strings.Contains(err.Error(), "--media s3://") {
		t.Errorf("--media-url without --media: %v, want an error naming --media", err)
	}
	if _, err := runCLI(t, "serve", "--data", t.TempDir(), "--media", url, "--media-url", "ftp://media.example.com/"); err == nil || !strings.Contains(err.Error(), "http(s) address") {
		t.Errorf("--media-url ftp://…: %v, want an error asking for an http(s) address", err)
	}

	// A whole-site export restored with --media puts the files in the bucket.
	dump := filepath.Join(t.TempDir(), "site.jsonl.gz")
	if out, err := runCLI(t, "export", "--data", dir, "--media", url, "--out", dump); err != nil {
		t.Fatalf("export: %v\n%s", err, out)
	}
	fresh := t.TempDir()
	if out, err := runCLI(t, "import", "--data", fresh, "--media", url, dump); err != nil || !strings.Contains(out, "media files moved into the bucket") {
		t.Errorf("restore with --media: %v\n%s", err, out)
	}
	if f, err := openTestStore(t, fresh).MediaFile(ctx, m.ID, 64); err != nil || f.ObjectKey != raw.ObjectKey || len(f.Data) != 0 {
		t.Errorf("after the restore the database holds key %q and %d bytes (%v); want key %q and no bytes", f.ObjectKey, len(f.Data), err, raw.ObjectKey)
	}

	w.Stop()
	client := &http.Client{Timeout: 10 * time.Second}
	t0 := time.Now()
	resp, err = client.Get(mediaURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("media with the bucket down: %d, want 503", resp.StatusCode)
	}
	if d := time.Since(t0); d > 5*time.Second {
		t.Errorf("media with the bucket down took %v to answer", d)
	}
	for _, path := range []string{"/", "/search?q=" + "الطاقة"} {
		if code, body := get(t, base+path); code != 200 || !strings.Contains(body, `dir="rtl"`) {
			t.Errorf("%s with the bucket down: %d", path, code)
		}
	}
	if _, err := runCLI(t, "media", "move", "--data", dir, "--to", "db", "--from", url); err == nil ||
		!strings.Contains(err.Error(), "run it again") {
		t.Errorf("media move with the bucket down: %v, want an error saying to run it again", err)
	}
	if _, err := runCLI(t, "media", "move", "--data", dir, "--to", "ftp://x"); err == nil {
		t.Error("media move --to ftp://x: no error")
	}
}
