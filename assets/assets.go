// Package assets owns Sahafa's embedded static files: the public site's
// and the newsroom's CSS and JavaScript and the self-hosted Arabic fonts
// (with their licences). It serves them under /static/{version}/, where
// the version is a hash of all the files, so that they can be cached for
// a year and a new build gets new URLs.
package assets

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"sort"
	"strings"
	"time"

	"sahafa/pagecache"
)

//go:embed static
var staticFS embed.FS

// Set serves the embedded static files under /static/{version}/{file}.
// CSS refers to fonts by relative URLs, which keeps them under the same
// version.
type Set struct {
	version string
	files   map[string]*asset
}

type asset struct {
	data        []byte
	contentType string
	etag        string
	gz          []byte // the gzip variant of text files, made once at Load
}

var assetTypes = map[string]string{
	".css":   "text/css; charset=utf-8",
	".woff2": "font/woff2",
	".js":    "text/javascript; charset=utf-8",
	".svg":   "image/svg+xml",
	".png":   "image/png",
	".ico":   "image/x-icon",
	".txt":   "text/plain; charset=utf-8",
	".md":    "text/plain; charset=utf-8",
}

// Load indexes the embedded files once.
func Load() (*Set, error) {
	a := &Set{files: make(map[string]*asset)}
	var names []string
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		names = append(names, p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	all := sha256.New()
	for _, p := range names {
		data, err := staticFS.ReadFile(p)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(data)
		all.Write([]byte(p))
		all.Write(sum[:])
		ct, ok := assetTypes[path.Ext(p)]
		if !ok {
			ct = "text/plain; charset=utf-8" // LICENSE and other text files
		}
		f := &asset{data: data, contentType: ct, etag: `"` + hex.EncodeToString(sum[:8]) + `"`}
		if strings.HasPrefix(ct, "text/") && len(data) > 1024 {
			// The newsroom's editor is 450 KB of JavaScript and 140 KB
			// gzipped: compressed once here, not on every request.
			var b bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
			zw.Write(data)
			if zw.Close() == nil && b.Len() < len(data) {
				f.gz = b.Bytes()
			}
		}
		a.files[strings.TrimPrefix(p, "static/")] = f
	}
	a.version = hex.EncodeToString(all.Sum(nil)[:5])
	return a, nil
}

// URL returns the versioned URL of a static file ("css/site.css").
func (a *Set) URL(name string) string { return "/static/" + a.version + "/" + name }

// ServeHTTP serves /static/{version}/{file}.
func (a *Set) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	rest := strings.TrimPrefix(r.URL.Path, "/static/")
	version, name, ok := strings.Cut(rest, "/")
	f := a.files[name]
	if !ok || f == nil || strings.Contains(name, "..") {
		w.Header().Set("Cache-Control", "no-store")
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	h := w.Header()
	h.Set("Content-Type", f.contentType)
	h.Set("ETag", f.etag)
	h.Set("X-Content-Type-Options", "nosniff")
	if version == a.version {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		// An old or made-up version: serve the current file, briefly.
		h.Set("Cache-Control", "public, max-age=300")
	}
	if f.contentType == "font/woff2" {
		h.Set("Access-Control-Allow-Origin", "*")
	}
	data := f.data
	if f.gz != nil {
		h.Set("Vary", "Accept-Encoding")
		if pagecache.AcceptsGzip(r.Header.Get("Accept-Encoding")) {
			data = f.gz
			h.Set("Content-Encoding", "gzip")
			h.Set("ETag", f.etag[:len(f.etag)-1]+`-gz"`)
		}
	}
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(data))
}
