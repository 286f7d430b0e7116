package media

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/gif"
	"slices"
	"testing"
)

// fuzzLimits keep every iteration small: at most 64K pixels.
var fuzzLimits = Limits{MaxBytes: 1 << 20, MaxPixels: 1 << 16, MaxSide: 1 << 10}

func FuzzProcess(f *testing.F) {
	jpg := encodeJPEG(f, pattern(40, 30))
	f.Add(jpg)
	f.Add(jpg[:len(jpg)/2])
	f.Add(afterSOI(jpg, jfifAPP0, exifAPP1(binary.LittleEndian, 6, "GPS")))
	f.Add(afterSOI(encodeJPEG(f, pattern(700, 20)), exifAPP1(binary.BigEndian, 8, "")))
	f.Add(encodePNG(f, pattern(33, 17)))
	f.Add(encodePNG(f, quadrants(20, 10, clear0, red, red, clear0)))
	f.Add(encodeWebP(f, quadrants(16, 8, red, blue, clear0, blue)))
	f.Add(pngHeader(20000, 20000))
	f.Add(riffWebP("VP8L", []byte{0x2f, 0xff, 0xff, 0xff, 0x0f}))
	var g bytes.Buffer
	if err := gif.Encode(&g, pattern(8, 8), nil); err != nil {
		f.Fatal(err)
	}
	f.Add(g.Bytes())
	f.Add([]byte("<html><body>not an image</body></html>"))
	f.Add([]byte{})

	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := Process(bytes.NewReader(data), fuzzLimits)
		if err != nil {
			checkUserError(t, err)
			return
		}
		checkProcessed(t, p)
	})
}

// checkProcessed checks what Process promises of a success.
func checkProcessed(t *testing.T, p *Processed) {
	t.Helper()
	if _, ok := decoders[p.Format]; !ok {
		t.Errorf("accepted format %q", p.Format)
	}
	if len(p.Variants) == 0 {
		t.Fatal("no variants")
	}
	if last := p.Variants[len(p.Variants)-1]; last.Width != min(p.Width, slices.Max(Widths)) {
		t.Errorf("largest variant is %d wide for a %d-wide source", last.Width, p.Width)
	}
	for i, v := range p.Variants {
		if i > 0 && v.Width <= p.Variants[i-1].Width {
			t.Errorf("variant widths not ascending: %d after %d", v.Width, p.Variants[i-1].Width)
		}
		if v.Width > p.Width || v.Height > p.Height || v.Height < 1 {
			t.Errorf("variant %dx%d of a %dx%d source", v.Width, v.Height, p.Width, p.Height)
		}
		decodeVariant(t, v)
	}
}

func FuzzOrientation(f *testing.F) {
	for _, seg := range [][]byte{
		exifAPP1(binary.LittleEndian, 6, ""),
		exifAPP1(binary.BigEndian, 3, "a description"),
		exifAPP1(binary.BigEndian, 9, ""),
	} {
		f.Add(seg[4+6:])                          // the TIFF structure alone
		f.Add(append([]byte{0xFF, 0xD8}, seg...)) // the head of a JPEG file
	}
	f.Add(encodeJPEG(f, pattern(8, 8)))
	f.Add([]byte("II*\x00\x08\x00\x00\x00\xff\xff"))

	f.Fuzz(func(t *testing.T, data []byte) {
		o := tiffOrientation(data)
		if o < 1 || o > 8 {
			t.Fatalf("tiffOrientation = %d", o)
		}
		if o := jpegOrientation(data); o < 1 || o > 8 {
			t.Fatalf("jpegOrientation = %d", o)
		}
		// The same TIFF structure in a JPEG's Exif APP1 segment must read
		// the same.
		if len(data) <= 0xFFFF-8 {
			jpg := append([]byte{0xFF, 0xD8}, segment(0xE1, append([]byte("Exif\x00\x00"), data...))...)
			if got := jpegOrientation(jpg); got != o {
				t.Errorf("in a JPEG: %d, alone: %d", got, o)
			}
		}
		// Turning a small image is a permutation of its pixels.
		if len(data) >= 2 {
			w, h := int(data[0]%7)+1, int(data[1]%5)+1
			checkPermutation(t, w, h, int(data[len(data)-1]%10))
		}
	})
}

// checkPermutation checks that applyOrientation moves every pixel of a w×h
// image exactly once (any orientation value, valid or not).
func checkPermutation(t *testing.T, w, h, orientation int) {
	t.Helper()
	src := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range w * h { // each pixel holds its own index
		binary.LittleEndian.PutUint32(src.Pix[4*i:], uint32(i))
	}
	dst := applyOrientation(src, orientation)
	want := image.Rect(0, 0, w, h)
	if orientation >= 5 && orientation <= 8 {
		want = image.Rect(0, 0, h, w)
	}
	if dst.Rect != want {
		t.Fatalf("orientation %d turned %dx%d into %v", orientation, w, h, dst.Rect)
	}
	seen := make([]bool, w*h)
	for i := range w * h {
		v := binary.LittleEndian.Uint32(dst.Pix[4*i:])
		if int(v) >= len(seen) || seen[v] {
			t.Fatalf("orientation %d of %dx%d: pixel %d repeated or invented", orientation, w, h, v)
		}
		seen[v] = true
	}
}
