package importer

import (
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

func TestDetect(t *testing.T) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(`{"title":"x"}`))
	zw.Close()
	tests := []struct {
		in   []byte
		want Format
		err  error
	}{
		{gz.Bytes(), FormatJSONL, nil},
		{[]byte("\n  {\"id\":1}\n"), FormatJSONL, nil},
		{[]byte("\xef\xbb\xbf{\"id\":1}"), FormatJSONL, nil},
		{[]byte("<?xml version=\"1.0\"?><rss>"), FormatWXR, nil},
		{[]byte("<rss version=\"2.0\">"), FormatWXR, nil},
		{[]byte("<!DOCTYPE html><html>"), FormatHTML, nil},
		{[]byte("  <HTML lang=ar>"), FormatHTML, nil},
		{[]byte("الارشيف / اخبار العالم\n\nإصابة جنود"), FormatPage, nil},
		{[]byte("الارشيف"[:len("الارشيف")-1]), FormatPage, nil}, // cut inside the last rune
		{[]byte(""), "", ErrEmpty},
		{[]byte(" \n\t"), "", ErrEmpty},
		{[]byte("\x00\x01\x02PK"), "", ErrBinary},
		{[]byte("PK\x03\x04"), "", ErrBinary},
		{[]byte("\xc7\xe1\xc3\xca\xd1 \xc7\xe1\xdd"), "", ErrBinary}, // Windows-1256
	}
	for _, tt := range tests {
		got, err := Detect(tt.in)
		if got != tt.want || !errors.Is(err, tt.err) {
			t.Errorf("Detect(%q) = %q, %v; want %q, %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestDetectSamples(t *testing.T) {
	dir := filepath.Join("..", "..", "shared")
	for path, want := range map[string]Format{
		"samples/seed-page.txt":        FormatPage,
		"corpus/ant-v2.1.jsonl.gz":     FormatJSONL,
		"samples/wxr/small-export.xml": FormatWXR,
	} {
		f, err := os.Open(filepath.Join(dir, path))
		if err != nil {
			t.Logf("%s not available (%v): skipping", path, err)
			continue
		}
		head := make([]byte, 4096)
		n, _ := f.Read(head)
		f.Close()
		if got, err := Detect(head[:n]); got != want || err != nil {
			t.Errorf("Detect(%s) = %q, %v; want %q", path, got, err, want)
		}
	}
}
