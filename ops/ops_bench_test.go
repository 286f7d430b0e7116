package ops

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
)

func BenchmarkAccessLog(b *testing.B) {
	page := []byte("<html>" + string(make([]byte, 4000)) + "</html>")
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Cache", "hit")
		w.Write(page)
	})
	for _, tc := range []struct {
		name string
		log  *slog.Logger
	}{
		{"none", nil},
		{"text", slog.New(slog.NewTextHandler(NewLineWriter(io.Discard), nil))},
		{"json", slog.New(slog.NewJSONHandler(NewLineWriter(io.Discard), nil))},
	} {
		b.Run(tc.name, func(b *testing.B) {
			s := New(next, Options{AccessLog: tc.log, Route: func(*http.Request) string { return "/{section}/" }})
			req := httptest.NewRequest("GET", "/world/2024/05/01/%D8%A7%D8%AE%D8%A8%D8%A7%D8%B1", nil)
			b.ReportAllocs()
			for b.Loop() {
				w := httptest.NewRecorder()
				s.ServeHTTP(w, req)
			}
		})
	}
}
