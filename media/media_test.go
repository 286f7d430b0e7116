package media

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/image/draw"

	"sahafa/news"
)

// Test images are made here with the standard encoders (and a minimal
// hand-written lossless WebP writer, since Go has no WebP encoder), so the
// package needs no binary fixtures.

// pattern is an opaque image with gradients and fine detail, so JPEG has
// real work to do.
func pattern(w, h int) *image.NRGBA {
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		row := m.Pix[y*m.Stride:]
		for x := 0; x < w; x++ {
			p := row[4*x : 4*x+4]
			p[0] = uint8(255 * x / w)
			p[1] = uint8(255 * y / h)
			p[2] = uint8((x ^ y) * 5)
			p[3] = 255
		}
	}
	return m
}

// quadrants is a w×h image with a solid color in each quarter.
func quadrants(w, h int, tl, tr, bl, br color.NRGBA) *image.NRGBA {
	m := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			c := tl
			switch {
			case x >= w/2 && y < h/2:
				c = tr
			case x < w/2 && y >= h/2:
				c = bl
			case x >= w/2 && y >= h/2:
				c = br
			}
			m.SetNRGBA(x, y, c)
		}
	}
	return m
}

var (
	red    = color.NRGBA{255, 0, 0, 255}
	green  = color.NRGBA{0, 255, 0, 255}
	blue   = color.NRGBA{0, 0, 255, 255}
	white  = color.NRGBA{255, 255, 255, 255}
	clear0 = color.NRGBA{0, 0, 0, 0}
)

func encodeJPEG(t testing.TB, m image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, m, &jpeg.Options{Quality: 95}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func encodePNG(t testing.TB, m image.Image) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, m); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type byteOrder interface {
	binary.ByteOrder
	binary.AppendByteOrder
}

// exifAPP1 builds a JPEG APP1 segment holding a TIFF structure whose IFD0
// has an ImageDescription (when desc is not empty) and an Orientation tag.
func exifAPP1(order byteOrder, orientation uint16, desc string) []byte {
	tiff := []byte("MM")
	if order == byteOrder(binary.LittleEndian) {
		tiff = []byte("II")
	}
	tiff = order.AppendUint16(tiff, 42)
	tiff = order.AppendUint32(tiff, 8) // IFD0 right after the header
	n := 1
	if desc != "" {
		n = 2
	}
	tiff = order.AppendUint16(tiff, uint16(n))
	dataAt := uint32(8 + 2 + 12*n + 4)
	if desc != "" {
		tiff = order.AppendUint16(tiff, 0x010E) // ImageDescription
		tiff = order.AppendUint16(tiff, 2)      // ASCII
		tiff = order.AppendUint32(tiff, uint32(len(desc)+1))
		tiff = order.AppendUint32(tiff, dataAt)
	}
	tiff = order.AppendUint16(tiff, 0x0112) // Orientation
	tiff = order.AppendUint16(tiff, 3)      // SHORT
	tiff = order.AppendUint32(tiff, 1)
	tiff = order.AppendUint16(tiff, orientation)
	tiff = append(tiff, 0, 0)
	tiff = order.AppendUint32(tiff, 0) // no IFD1
	if desc != "" {
		tiff = append(append(tiff, desc...), 0)
	}
	return segment(0xE1, append([]byte("Exif\x00\x00"), tiff...))
}

// segment builds a JPEG marker segment.
func segment(marker byte, payload []byte) []byte {
	s := []byte{0xFF, marker}
	s = binary.BigEndian.AppendUint16(s, uint16(len(payload)+2))
	return append(s, payload...)
}

// afterSOI splices segments into a JPEG file right after its SOI marker,
// where cameras put APP0/APP1.
func afterSOI(jpg []byte, segments ...[]byte) []byte {
	out := append([]byte{}, jpg[:2]...)
	for _, s := range segments {
		out = append(out, s...)
	}
	return append(out, jpg[2:]...)
}

var jfifAPP0 = segment(0xE0, []byte("JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"))

// pngHeader is a PNG signature and a valid IHDR claiming w×h pixels, and
// nothing else: enough for DecodeConfig, no pixels at all.
func pngHeader(w, h uint32) []byte {
	b := []byte("\x89PNG\r\n\x1a\n")
	b = binary.BigEndian.AppendUint32(b, 13)
	chunk := []byte("IHDR")
	chunk = binary.BigEndian.AppendUint32(chunk, w)
	chunk = binary.BigEndian.AppendUint32(chunk, h)
	chunk = append(chunk, 8, 6, 0, 0, 0) // 8-bit RGBA, no interlace
	b = append(b, chunk...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(chunk))
}

// bitWriter writes the least-significant-bit-first bit stream of VP8L.
type bitWriter struct {
	buf []byte
	acc uint64
	n   uint
}

func (b *bitWriter) write(v uint64, n uint) {
	b.acc |= v << b.n
	for b.n += n; b.n >= 8; b.n -= 8 {
		b.buf = append(b.buf, byte(b.acc))
		b.acc >>= 8
	}
}

func (b *bitWriter) bytes() []byte {
	if b.n > 0 {
		return append(b.buf, byte(b.acc))
	}
	return b.buf
}

// encodeWebP writes m as a lossless (VP8L) WebP file. It is the simplest
// valid encoder: no transforms, no color cache, and one "simple" prefix code
// per channel, so each of G, R, B and A may take at most two values in m.
func encodeWebP(t testing.TB, m *image.NRGBA) []byte {
	t.Helper()
	w, h := m.Rect.Dx(), m.Rect.Dy()
	channels := [4]int{1, 0, 2, 3} // G, R, B, A: the order VP8L codes them
	var symbols [4][]uint8
	for i := 0; i < len(m.Pix); i += 4 {
		for c, off := range channels {
			if v := m.Pix[i+off]; !bytes.Contains(symbols[c], []byte{v}) {
				symbols[c] = append(symbols[c], v)
			}
		}
	}
	var bw bitWriter
	bw.write(0x2f, 8) // signature
	bw.write(uint64(w-1), 14)
	bw.write(uint64(h-1), 14)
	bw.write(0, 1) // alpha hint (ignored by decoders)
	bw.write(0, 3) // version
	bw.write(0, 1) // no transform
	bw.write(0, 1) // no color cache
	bw.write(0, 1) // no meta prefix codes
	for c, s := range symbols {
		if len(s) > 2 {
			t.Fatalf("encodeWebP: channel %d has %d values, at most 2 supported", c, len(s))
		}
		bw.write(1, 1) // simple code
		bw.write(uint64(len(s)-1), 1)
		bw.write(1, 1) // 8-bit first symbol
		for _, v := range s {
			bw.write(uint64(v), 8)
		}
	}
	bw.write(0b0001, 4) // distance code: simple, one 1-bit symbol, 0
	for i := 0; i < len(m.Pix); i += 4 {
		for c, off := range channels {
			if len(symbols[c]) == 2 {
				bw.write(uint64(bytes.IndexByte(symbols[c], m.Pix[i+off])), 1)
			}
		}
	}
	return riffWebP("VP8L", bw.bytes())
}

func riffWebP(fourCC string, chunk []byte) []byte {
	pad := len(chunk) % 2
	b := []byte("RIFF")
	b = binary.LittleEndian.AppendUint32(b, uint32(4+8+len(chunk)+pad))
	b = append(b, "WEBP"+fourCC...)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(chunk)))
	b = append(b, chunk...)
	if pad == 1 {
		b = append(b, 0)
	}
	return b
}

// decodeVariant decodes a variant's bytes and checks they are what the
// variant declares.
func decodeVariant(t testing.TB, v Variant) image.Image {
	t.Helper()
	m, format, err := image.Decode(bytes.NewReader(v.Data))
	if err != nil {
		t.Fatalf("variant %dx%d does not decode: %v", v.Width, v.Height, err)
	}
	want := map[string]string{"jpeg": "image/jpeg jpg", "png": "image/png png"}[format]
	if got := v.ContentType + " " + v.Ext; got != want {
		t.Errorf("variant %dx%d is %s but declares %q", v.Width, v.Height, format, got)
	}
	if b := m.Bounds(); b.Dx() != v.Width || b.Dy() != v.Height {
		t.Errorf("variant declares %dx%d, decodes to %dx%d", v.Width, v.Height, b.Dx(), b.Dy())
	}
	return m
}

func process(t testing.TB, data []byte) *Processed {
	t.Helper()
	p, err := Process(bytes.NewReader(data), Limits{})
	if err != nil {
		t.Fatalf("Process: %v", err)
	}
	return p
}

func TestProcessVariantSizes(t *testing.T) {
	gray := image.NewGray(image.Rect(0, 0, 700, 350))
	for i := range gray.Pix {
		gray.Pix[i] = uint8(i)
	}
	deep := image.NewNRGBA64(image.Rect(0, 0, 321, 500))
	draw.Draw(deep, deep.Rect, pattern(321, 500), image.Point{}, draw.Src)
	paletted := image.NewPaletted(image.Rect(0, 0, 100, 80), color.Palette{red, blue})
	for i := range paletted.Pix {
		paletted.Pix[i] = uint8(i % 2)
	}
	tests := []struct {
		name   string
		data   []byte
		format string
		widths []int
	}{
		{"wider than every width", encodeJPEG(t, pattern(2600, 100)), "jpeg", []int{320, 640, 1024, 1600, 2400}},
		{"exactly the largest width", encodePNG(t, pattern(2400, 30)), "png", []int{320, 640, 1024, 1600, 2400}},
		{"700 wide gray", encodeJPEG(t, gray), "jpeg", []int{320, 640, 700}},
		{"16-bit PNG just over 320", encodePNG(t, deep), "png", []int{320, 321}},
		{"exactly 320", encodeJPEG(t, pattern(320, 200)), "jpeg", []int{320}},
		{"smaller than every width, paletted", encodePNG(t, paletted), "png", []int{100}},
		{"one pixel", encodePNG(t, pattern(1, 1)), "png", []int{1}},
		{"very wide and flat", encodePNG(t, pattern(3000, 2)), "png", []int{320, 640, 1024, 1600, 2400}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src, _, err := image.DecodeConfig(bytes.NewReader(tt.data))
			if err != nil {
				t.Fatal(err)
			}
			p := process(t, tt.data)
			if p.Format != tt.format || p.Width != src.Width || p.Height != src.Height {
				t.Errorf("got %s %dx%d, want %s %dx%d", p.Format, p.Width, p.Height, tt.format, src.Width, src.Height)
			}
			var widths []int
			for _, v := range p.Variants {
				widths = append(widths, v.Width)
				// The height is the source's aspect ratio at this width,
				// to the nearest pixel, but never 0.
				exact := float64(src.Height) * float64(v.Width) / float64(src.Width)
				if math.Abs(float64(v.Height)-exact) > 0.5 && (v.Height != 1 || exact > 1) {
					t.Errorf("variant %dx%d: height should be about %.2f", v.Width, v.Height, exact)
				}
				if v.ContentType != "image/jpeg" {
					t.Errorf("opaque source gave a %s variant", v.ContentType)
				}
				decodeVariant(t, v)
			}
			if fmt.Sprint(widths) != fmt.Sprint(tt.widths) {
				t.Errorf("widths %v, want %v", widths, tt.widths)
			}
		})
	}
}

func TestProcessResizedContent(t *testing.T) {
	// Halves of solid colors must stay in place and keep their colors
	// through resizing and JPEG.
	src := quadrants(1000, 600, red, blue, red, blue)
	p := process(t, encodePNG(t, src))
	for _, v := range p.Variants {
		m := decodeVariant(t, v)
		for _, pt := range []struct {
			x, y int
			want color.NRGBA
		}{
			{v.Width / 4, v.Height / 2, red},
			{3 * v.Width / 4, v.Height / 2, blue},
		} {
			if got := nearest(m.At(pt.x, pt.y)); got != pt.want {
				t.Errorf("variant %d wide: pixel (%d,%d) is %v, want %v", v.Width, pt.x, pt.y, got, pt.want)
			}
		}
	}
}

func TestProcessAlphaGivesPNG(t *testing.T) {
	src := quadrants(800, 400, clear0, red, clear0, red)
	p := process(t, encodePNG(t, src))
	if len(p.Variants) != 3 {
		t.Fatalf("got %d variants, want 3", len(p.Variants))
	}
	for _, v := range p.Variants {
		if v.ContentType != "image/png" || v.Ext != "png" {
			t.Errorf("variant %d wide of a transparent source is %s", v.Width, v.ContentType)
		}
		m := decodeVariant(t, v)
		if _, _, _, a := m.At(v.Width/4, v.Height/2).RGBA(); a != 0 {
			t.Errorf("variant %d wide: transparent half has alpha %#x", v.Width, a)
		}
		if got := color.NRGBAModel.Convert(m.At(3*v.Width/4, v.Height/2)); got != red {
			t.Errorf("variant %d wide: opaque half is %v, want %v", v.Width, got, red)
		}
	}

	// A single translucent pixel is enough to keep PNG.
	one := pattern(50, 50)
	want := color.NRGBA{100, 150, 200, 200}
	one.SetNRGBA(10, 10, want)
	p = process(t, encodePNG(t, one))
	if got := p.Variants[0].ContentType; got != "image/png" {
		t.Errorf("source with one translucent pixel gave %s", got)
	}
	// Premultiplied 8-bit pixels may be off by one in color, never in alpha.
	got := color.NRGBAModel.Convert(decodeVariant(t, p.Variants[0]).At(10, 10)).(color.NRGBA)
	if got.A != want.A || abs(int(got.R)-int(want.R)) > 1 || abs(int(got.G)-int(want.G)) > 1 || abs(int(got.B)-int(want.B)) > 1 {
		t.Errorf("translucent pixel is %v after processing at the source size, want %v", got, want)
	}
}

func TestProcessWebP(t *testing.T) {
	t.Run("lossless opaque", func(t *testing.T) {
		src := quadrants(16, 8, red, blue, red, blue)
		p := process(t, encodeWebP(t, src))
		if p.Format != "webp" || p.Width != 16 || p.Height != 8 || len(p.Variants) != 1 {
			t.Fatalf("got %s %dx%d with %d variants", p.Format, p.Width, p.Height, len(p.Variants))
		}
		v := p.Variants[0]
		if v.ContentType != "image/jpeg" {
			t.Errorf("opaque WebP gave %s", v.ContentType)
		}
		m := decodeVariant(t, v)
		if nearest(m.At(2, 4)) != red || nearest(m.At(13, 4)) != blue {
			t.Errorf("colors moved: %v %v", m.At(2, 4), m.At(13, 4))
		}
	})
	t.Run("lossless with alpha", func(t *testing.T) {
		src := quadrants(6, 4, clear0, red, red, clear0)
		p := process(t, encodeWebP(t, src))
		v := p.Variants[0]
		if v.ContentType != "image/png" {
			t.Fatalf("WebP with alpha gave %s", v.ContentType)
		}
		// At the source size nothing is resampled and PNG is lossless.
		m := decodeVariant(t, v)
		for y := 0; y < 4; y++ {
			for x := 0; x < 6; x++ {
				if got, want := color.NRGBAModel.Convert(m.At(x, y)), src.NRGBAAt(x, y); got != want {
					t.Errorf("pixel (%d,%d) is %v, want %v", x, y, got, want)
				}
			}
		}
	})
	// The lossy decoder paths (VP8, and VP8X with an ALPH chunk) need
	// files made by a real encoder; x/image ships some in its module.
	for _, tt := range []struct{ file, contentType string }{
		{"yellow_rose.lossy.webp", "image/jpeg"},
		{"yellow_rose.lossy-with-alpha.webp", "image/png"},
	} {
		t.Run(tt.file, func(t *testing.T) {
			data := xImageTestdata(t, tt.file)
			p := process(t, data)
			cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			if p.Format != "webp" || p.Width != cfg.Width || p.Height != cfg.Height {
				t.Errorf("got %s %dx%d, want webp %dx%d", p.Format, p.Width, p.Height, cfg.Width, cfg.Height)
			}
			for _, v := range p.Variants {
				if v.ContentType != tt.contentType {
					t.Errorf("variant %d wide is %s, want %s", v.Width, v.ContentType, tt.contentType)
				}
				decodeVariant(t, v)
			}
		})
	}
}

// xImageTestdata reads a file of golang.org/x/image's testdata from the
// module cache, or skips the test when it is not there.
func xImageTestdata(t *testing.T, name string) []byte {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "golang.org/x/image").Output()
	if err != nil {
		t.Skipf("cannot find golang.org/x/image in the module cache: %v", err)
	}
	data, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "testdata", name))
	if err != nil {
		t.Skipf("x/image testdata not in the module cache: %v", err)
	}
	return data
}

// nearest names the test color closest to c.
func nearest(c color.Color) color.NRGBA {
	r, g, b, _ := c.RGBA()
	best, bestD := color.NRGBA{}, int64(-1)
	for _, p := range []color.NRGBA{red, green, blue, white} {
		dr, dg, db := int64(r>>8)-int64(p.R), int64(g>>8)-int64(p.G), int64(b>>8)-int64(p.B)
		if d := dr*dr + dg*dg + db*db; bestD < 0 || d < bestD {
			best, bestD = p, d
		}
	}
	return best
}

func TestProcessEXIFOrientation(t *testing.T) {
	// The EXIF specification describes each orientation by where the
	// stored image's first row and first column end up when shown.
	const (
		top = iota
		bottom
		left
		right
	)
	opposite := [4]int{bottom, top, right, left}
	tests := []struct{ orientation, firstRow, firstCol int }{
		{1, top, left}, {2, top, right}, {3, bottom, right}, {4, bottom, left},
		{5, left, top}, {6, right, top}, {7, right, bottom}, {8, left, bottom},
	}
	const w, h = 96, 64
	stored := quadrants(w, h, red, green, blue, white)
	plain := encodeJPEG(t, stored)
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.orientation), func(t *testing.T) {
			order := byteOrder(binary.BigEndian)
			if tt.orientation%2 == 1 {
				order = binary.LittleEndian
			}
			segs := [][]byte{exifAPP1(order, uint16(tt.orientation), "")}
			if tt.orientation >= 5 {
				segs = append([][]byte{jfifAPP0}, segs...) // EXIF need not come first
			}
			p := process(t, afterSOI(plain, segs...))
			wantW, wantH := w, h
			if tt.firstRow == left || tt.firstRow == right {
				wantW, wantH = h, w
			}
			if p.Width != wantW || p.Height != wantH || len(p.Variants) != 1 {
				t.Fatalf("got %dx%d with %d variants, want %dx%d with 1", p.Width, p.Height, len(p.Variants), wantW, wantH)
			}
			m := decodeVariant(t, p.Variants[0])
			// Each stored corner must be at the shown corner the spec
			// gives: its row's side and its column's side.
			corners := []struct {
				lastRow, lastCol bool
				c                color.NRGBA
			}{{false, false, red}, {false, true, green}, {true, false, blue}, {true, true, white}}
			for _, c := range corners {
				row, col := tt.firstRow, tt.firstCol
				if c.lastRow {
					row = opposite[row]
				}
				if c.lastCol {
					col = opposite[col]
				}
				x, y := wantW/4, wantH/4 // middle of the top-left quarter
				for _, side := range []int{row, col} {
					switch side {
					case right:
						x = 3 * wantW / 4
					case bottom:
						y = 3 * wantH / 4
					}
				}
				if got := nearest(m.At(x, y)); got != c.c {
					t.Errorf("pixel (%d,%d) is %v, want %v", x, y, got, c.c)
				}
			}
		})
	}
}

func TestProcessIgnoresBadEXIF(t *testing.T) {
	plain := encodeJPEG(t, pattern(60, 40))
	good := exifAPP1(binary.BigEndian, 6, "")
	wrongType := bytes.Clone(good)
	wrongType[4+6+8+2+3] = 4 // the Orientation entry's type: LONG, not SHORT
	tests := map[string][]byte{
		"orientation 0":       exifAPP1(binary.LittleEndian, 0, ""),
		"orientation 9":       exifAPP1(binary.BigEndian, 9, ""),
		"orientation 0x0106":  exifAPP1(binary.BigEndian, 0x0106, ""),
		"wrong type":          wrongType,
		"IFD offset past end": patchUint32(good, 4+6+4, 0xFFFFFFF0),
		"entry count too big": patchUint16(good, 4+6+8, 0xFFFF),
		"bad byte order mark": patch(good, 4+6, 'X', 'X'),
		"not Exif APP1":       segment(0xE1, []byte("http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta/>")),
		"EXIF in APP2":        append([]byte{0xFF, 0xE2}, good[2:]...),
	}
	for name, seg := range tests {
		t.Run(name, func(t *testing.T) {
			p := process(t, afterSOI(plain, seg))
			if p.Width != 60 || p.Height != 40 {
				t.Errorf("got %dx%d, want the stored 60x40", p.Width, p.Height)
			}
		})
	}
}

// patch returns a copy of b with data written at offset at.
func patch(b []byte, at int, data ...byte) []byte {
	b = bytes.Clone(b)
	copy(b[at:], data)
	return b
}

func patchUint16(b []byte, at int, v uint16) []byte {
	return patch(b, at, binary.BigEndian.AppendUint16(nil, v)...)
}

func patchUint32(b []byte, at int, v uint32) []byte {
	return patch(b, at, binary.BigEndian.AppendUint32(nil, v)...)
}

func TestProcessDropsMetadata(t *testing.T) {
	const secret = "GPS 24.7136N 46.6753E source: Abu Khalid"
	jpg := afterSOI(encodeJPEG(t, pattern(700, 500)),
		exifAPP1(binary.LittleEndian, 1, secret),
		segment(0xFE, []byte(secret))) // a JPEG comment too
	jpg = append(jpg, secret...) // and bytes after the end of the image
	p := process(t, jpg)
	for _, v := range p.Variants {
		for _, leak := range []string{secret, "Exif\x00\x00"} {
			if bytes.Contains(v.Data, []byte(leak)) {
				t.Errorf("variant %d wide contains %q", v.Width, leak)
			}
		}
	}
}

func TestProcessRejects(t *testing.T) {
	jpg := encodeJPEG(t, pattern(64, 64))
	pngData := encodePNG(t, pattern(64, 64))
	webp := encodeWebP(t, quadrants(8, 8, red, blue, red, blue))
	var gifData bytes.Buffer
	if err := gif.Encode(&gifData, pattern(16, 16), nil); err != nil {
		t.Fatal(err)
	}
	// A JPEG whose frame header claims 10000x9000: rejected before any
	// pixel is decoded.
	sof := bytes.Index(jpg, []byte{0xFF, 0xC0})
	bigJPEG := patchUint16(patchUint16(jpg, sof+5, 9000), sof+7, 10000)

	const (
		notImage = "ليس صورة"
		corrupt  = "تالفة أو ناقصة"
		tooBig   = "أبعاد الصورة كبيرة جدًا"
	)
	tests := []struct {
		name   string
		data   []byte
		limits Limits
		want   string // part of the message
	}{
		{"empty", nil, Limits{}, "فارغ"},
		{"HTML named photo.jpg", []byte("<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"), Limits{}, notImage},
		{"SVG", []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>`), Limits{}, notImage},
		{"GIF", gifData.Bytes(), Limits{}, notImage},
		{"BMP", append([]byte("BM"), make([]byte, 60)...), Limits{}, notImage},
		{"PDF", []byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"), Limits{}, notImage},
		{"JPEG magic only", []byte{0xFF, 0xD8, 0xFF}, Limits{}, corrupt},
		{"truncated JPEG", jpg[:len(jpg)/2], Limits{}, corrupt},
		{"JPEG without its end", jpg[:len(jpg)-200], Limits{}, corrupt},
		{"truncated PNG", pngData[:len(pngData)-20], Limits{}, corrupt},
		{"PNG with a bad checksum", patch(pngData, 29, pngData[29]^0xFF), Limits{}, corrupt},
		{"truncated WebP", webp[:len(webp)-2], Limits{}, corrupt},
		{"PNG header 20000x20000", pngHeader(20000, 20000), Limits{}, "20000×20000"},
		{"PNG header 8000x8000 (pixels)", pngHeader(8000, 8000), Limits{}, "40 مليون"},
		{"PNG header 12001x10 (side)", pngHeader(12001, 10), Limits{}, "12000 بكسل"},
		{"PNG header 0x10", pngHeader(0, 10), Limits{}, corrupt},
		{"JPEG header 10000x9000", bigJPEG, Limits{}, "10000×9000"},
		{"WebP header 16384x16384", riffWebP("VP8L", []byte{0x2f, 0xff, 0xff, 0xff, 0x0f}), Limits{}, "16384×16384"},
		{"over a custom pixel limit", pngData, Limits{MaxPixels: 64*64 - 1}, tooBig},
		{"over a custom side limit", pngData, Limits{MaxSide: 63}, tooBig},
		{"over the byte limit", pngData, Limits{MaxBytes: int64(len(pngData) - 1)}, "أكبر من الحد المسموح"},
		{"over the default byte limit", make([]byte, 20<<20+1), Limits{}, "(20 ميغابايت)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Process(bytes.NewReader(tt.data), tt.limits)
			if err == nil {
				t.Fatalf("accepted: %s %dx%d", p.Format, p.Width, p.Height)
			}
			checkUserError(t, err)
			if msg := news.ErrorMessage(err); !strings.Contains(msg, tt.want) {
				t.Errorf("message %q does not say %q", msg, tt.want)
			}
		})
	}
}

// checkUserError checks err is a *news.Error for invalid input with a
// message in Arabic.
func checkUserError(t testing.TB, err error) {
	t.Helper()
	e, ok := err.(*news.Error)
	if !ok {
		t.Fatalf("error %v (%T) is not a *news.Error", err, err)
	}
	if e.Code != news.EINVALID {
		t.Errorf("code %q, want %q", e.Code, news.EINVALID)
	}
	var arabic, latin int
	for _, r := range e.Message {
		switch {
		case unicode.Is(unicode.Arabic, r):
			arabic++
		case unicode.IsLetter(r):
			latin++
		}
	}
	if arabic == 0 || latin >= arabic {
		t.Errorf("message %q is not in Arabic", e.Message)
	}
}

// endless is an upload that never ends, counting what was read of it.
type endless struct{ n int64 }

func (r *endless) Read(p []byte) (int, error) {
	clear(p)
	r.n += int64(len(p))
	return len(p), nil
}

func TestProcessReadsNoMoreThanTheLimit(t *testing.T) {
	r := &endless{}
	_, err := Process(r, Limits{MaxBytes: 5000})
	checkUserError(t, err)
	if r.n > 5001 {
		t.Errorf("read %d bytes for a 5000-byte limit", r.n)
	}
}

type failingReader struct{}

var errNetwork = errors.New("connection reset by peer")

func (failingReader) Read([]byte) (int, error) { return 0, errNetwork }

func TestProcessReadError(t *testing.T) {
	_, err := Process(io.MultiReader(strings.NewReader("\x89PNG"), failingReader{}), Limits{})
	if !errors.Is(err, errNetwork) {
		t.Errorf("got %v, want the read error wrapped", err)
	}
	if code := news.ErrorCode(err); code != news.EINTERNAL {
		t.Errorf("a failed read is %q, not the user's fault", code)
	}
}

// TestResizeMatchesOnePass checks the banded two-pass resize against
// x/image/draw scaling the whole image in one call: a seam between bands
// or a misplaced band would differ by far more than rounding. The image is
// smooth: on hard edges the kernel overshoots, and the two-pass resize
// clamps the overshoot between passes where one pass does not.
func TestResizeMatchesOnePass(t *testing.T) {
	const w, h = 333, 517
	src := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			a := uint8(64 + 191*(x+y)/(w+h)) // translucent, premultiplied
			src.SetRGBA(x, y, color.RGBA{uint8(int(a) * x / w), uint8(int(a) * y / h), a / 2, a})
		}
	}
	for _, size := range []image.Point{{200, 311}, {64, 99}, {333, 100}, {100, 517}, {1, 1}} {
		got := resize(src, size.X, size.Y, cores{})
		want := image.NewRGBA(image.Rect(0, 0, size.X, size.Y))
		draw.CatmullRom.Scale(want, want.Rect, src, src.Rect, draw.Src, nil)
		worst := 0
		for i := range want.Pix {
			worst = max(worst, abs(int(got.Pix[i])-int(want.Pix[i])))
		}
		// Two passes round to 8 bits twice.
		if worst > 1 {
			t.Errorf("%v: differs from one-pass scaling by up to %d levels", size, worst)
		}
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func BenchmarkProcess(b *testing.B) {
	src := pattern(3000, 2000)
	for i := 0; i < len(src.Pix); i += 4 { // noise, as in a real photo
		src.Pix[i+1] ^= uint8(i*2654435761>>13) & 0x1f
	}
	data := encodeJPEG(b, src)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Process(bytes.NewReader(data), Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}
