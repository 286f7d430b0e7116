// Package media checks uploaded images by decoding them and makes the
// resized variants the site serves as a responsive srcset.
//
// An upload is trusted only as far as it decodes: the file name and the
// declared Content-Type are never looked at. Every variant is re-encoded
// from the decoded pixels, so nothing of the uploaded file but its pixels
// reaches the site — EXIF (GPS position, camera serial, …), XMP, ICC
// profiles, comments and any bytes appended after the image are dropped.
// That is intended: a source's location must never be published by
// accident.
package media

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"io"
	"math"

	"golang.org/x/image/webp"

	"sahafa/news"
)

// Default limits, used for any zero (or negative) field of Limits.
const (
	DefaultMaxBytes  = 20 << 20
	DefaultMaxPixels = 40_000_000
	DefaultMaxSide   = 12_000
)

// Limits bound what Process accepts, against oversized uploads and
// decompression bombs (a small file that claims huge dimensions).
type Limits struct {
	MaxBytes  int64 // default 20 MiB when 0
	MaxPixels int   // width*height of the source; default 40_000_000 when 0
	MaxSide   int   // longest side of the source; default 12_000 when 0
}

// Widths are the variant widths made for every image (only those smaller
// than the source, plus one at the source width, capped at the largest of
// Widths).
var Widths = []int{320, 640, 1024, 1600, 2400}

// Variant is one re-encoded size of an image.
type Variant struct {
	Width, Height int
	ContentType   string // "image/jpeg" or "image/png"
	Ext           string // "jpg" or "png"
	Data          []byte
}

// Processed is a checked upload and its variants.
type Processed struct {
	Format        string    // format of the upload as decoded: "jpeg", "png" or "webp"
	Width, Height int       // of the source after EXIF orientation is applied
	Variants      []Variant // ascending width; never empty on success
}

// decoders are the only formats accepted. They are called directly rather
// than through image.Decode so that a decoder another package registers
// (GIF, BMP, TIFF, …) can never be reached from an upload.
var decoders = map[string]func(io.Reader) (image.Image, error){
	"jpeg": jpeg.Decode,
	"png":  png.Decode,
	"webp": webp.Decode,
}

// Messages shown to a newsroom user next to the upload field.
const (
	msgEmpty     = "الملف فارغ، لم تُرفع أي صورة"
	msgNotImage  = "الملف ليس صورة بصيغة JPEG أو PNG أو WebP"
	msgCorrupt   = "الصورة تالفة أو ناقصة"
	msgTooLarge  = "الصورة أكبر من الحد المسموح (%s)"
	msgTooManyPx = "أبعاد الصورة كبيرة جدًا (%d×%d بكسل)، والحد الأقصى %s بكسل"
	msgTooLong   = "أبعاد الصورة كبيرة جدًا (%d×%d بكسل)، وأطول ضلع مسموح %d بكسل"
)

// Process reads at most limits.MaxBytes+1 bytes from r, decodes the image,
// and returns its variants. Every rejection of the upload is a *news.Error
// with code news.EINVALID and an Arabic message fit to show the user;
// a failure to read r is returned wrapped, as is.
func Process(r io.Reader, limits Limits) (*Processed, error) {
	limits = limits.withDefaults()
	data, err := readCapped(r, limits.MaxBytes)
	if err != nil {
		return nil, err
	}
	cfg, format, err := checkConfig(data, limits)
	if err != nil {
		return nil, err
	}
	src, err := decode(data, format, cfg)
	if err != nil {
		return nil, err
	}
	orient := 1
	if format == "jpeg" {
		orient = jpegOrientation(data)
	}
	// One conversion to *image.RGBA for the whole pipeline: the scaler and
	// both encoders have fast paths for it.
	img := applyOrientation(toRGBA(src), orient)

	variants, err := makeVariants(img, format == "jpeg" || img.Opaque())
	if err != nil {
		return nil, err
	}
	b := img.Bounds()
	return &Processed{Format: format, Width: b.Dx(), Height: b.Dy(), Variants: variants}, nil
}

func (l Limits) withDefaults() Limits {
	if l.MaxBytes <= 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxPixels <= 0 {
		l.MaxPixels = DefaultMaxPixels
	}
	if l.MaxSide <= 0 {
		l.MaxSide = DefaultMaxSide
	}
	return l
}

// readCapped reads all of r but never more than limit+1 bytes, so that an
// endless or huge body costs at most the limit. The one byte more tells
// "too large" from "exactly the limit".
func readCapped(r io.Reader, limit int64) ([]byte, error) {
	n := limit
	if n < math.MaxInt64 {
		n++
	}
	data, err := io.ReadAll(io.LimitReader(r, n))
	if err != nil {
		return nil, fmt.Errorf("media: read upload: %w", err)
	}
	if int64(len(data)) > limit {
		return nil, news.Errorf(news.EINVALID, msgTooLarge, formatBytes(limit))
	}
	if len(data) == 0 {
		return nil, news.Errorf(news.EINVALID, msgEmpty)
	}
	return data, nil
}

// checkConfig reads only the image header: the format must be one we
// accept and the dimensions within limits before any pixel is allocated.
func checkConfig(data []byte, limits Limits) (image.Config, string, error) {
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	// An unknown header gives image.ErrFormat and no format name.
	if _, ok := decoders[format]; !ok {
		return cfg, "", news.Errorf(news.EINVALID, msgNotImage)
	}
	if err != nil {
		return cfg, "", news.Errorf(news.EINVALID, msgCorrupt)
	}
	return cfg, format, checkSize(cfg.Width, cfg.Height, limits)
}

func checkSize(w, h int, limits Limits) error {
	switch {
	case w <= 0 || h <= 0:
		return news.Errorf(news.EINVALID, msgCorrupt)
	case int64(w)*int64(h) > int64(limits.MaxPixels):
		return news.Errorf(news.EINVALID, msgTooManyPx, w, h, formatPixels(limits.MaxPixels))
	case w > limits.MaxSide || h > limits.MaxSide:
		return news.Errorf(news.EINVALID, msgTooLong, w, h, limits.MaxSide)
	}
	return nil
}

// decode decodes the whole image with the decoder of the format the header
// named, and checks that its size is the one the header promised (and the
// limits were checked against).
func decode(data []byte, format string, cfg image.Config) (image.Image, error) {
	m, err := decoders[format](bytes.NewReader(data))
	if err != nil {
		return nil, news.Errorf(news.EINVALID, msgCorrupt)
	}
	if b := m.Bounds(); b.Dx() != cfg.Width || b.Dy() != cfg.Height {
		return nil, news.Errorf(news.EINVALID, msgCorrupt)
	}
	return m, nil
}

// formatBytes writes a byte limit the way a user reads it.
func formatBytes(n int64) string {
	const kib, mib = 1 << 10, 1 << 20
	switch {
	case n >= mib && n%mib == 0:
		return fmt.Sprintf("%d ميغابايت", n/mib)
	case n >= mib:
		return fmt.Sprintf("%.1f ميغابايت", float64(n)/mib)
	case n >= kib:
		return fmt.Sprintf("%d كيلوبايت", n/kib)
	}
	return fmt.Sprintf("%d بايت", n)
}

// formatPixels writes a pixel count in millions when it is a round one.
func formatPixels(n int) string {
	if n >= 1_000_000 && n%1_000_000 == 0 {
		return fmt.Sprintf("%d مليون", n/1_000_000)
	}
	return fmt.Sprintf("%d", n)
}
