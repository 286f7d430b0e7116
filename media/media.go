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
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"math"
	"time"

	"golang.org/x/image/webp"

	"sahafa/news"
)

// Default limits, used for any zero (or negative) field of Limits.
const (
	DefaultMaxBytes  = 20 << 20
	DefaultMaxPixels = 40_000_000
	DefaultMaxSide   = 12_000
	// DefaultMaxMemory bounds the memory one image may take to process:
	// a 40-megapixel JPEG takes about 150 MB, an 8-bit PNG of that size
	// about 220 MB; a 16-bit one would take 380 MB and is refused.
	DefaultMaxMemory = 256 << 20
)

// Limits bound what Process accepts, against oversized uploads and
// decompression bombs (a small file that claims huge dimensions).
type Limits struct {
	MaxBytes  int64 // default 20 MiB when 0
	MaxPixels int   // width*height of the source; default 40_000_000 when 0
	MaxSide   int   // longest side of the source; default 12_000 when 0
	MaxMemory int64 // estimated memory to process it (Cost); default 256 MiB when 0
	// Pace, when set, is told how long each band of scaling took; it may
	// sleep (Gate sets it to halve its share of the cores while requests
	// are being served).
	Pace func(worked time.Duration)
	// Workers is how many cores scaling one image may use at once; 0
	// means all of them.
	Workers int
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
	Variants      []Variant // ascending width; never empty on success (but with cropsOnly)
	Crops         []Crop    // the cuts asked for, in their order
}

// job is what processing makes besides the checks: the variants (unless
// cropsOnly) and the crops of cuts.
type job struct {
	cuts      []Cut
	cropsOnly bool
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
	msgTooHeavy  = "الصورة (%d×%d بكسل%s) تحتاج إلى ذاكرة أكثر مما يسمح به الخادم لمعالجتها؛ صغّر أبعادها أو احفظها بعمق ألوان 8 بت ثم ارفعها"
)

// Process reads at most limits.MaxBytes+1 bytes from r, decodes the image,
// and returns its variants. Every rejection of the upload is a *news.Error
// with code news.EINVALID and an Arabic message fit to show the user;
// a failure to read r is returned wrapped, as is.
func Process(r io.Reader, limits Limits) (*Processed, error) {
	return processWith(r, limits, job{}, nil)
}

// processWith is Process with admit, when not nil, called once the header is
// read and before any pixel is allocated, with the memory the rest will
// take (Gate uses it to wait for room); an error from it ends processing.
func processWith(r io.Reader, limits Limits, j job, admit func(cost int64) error) (*Processed, error) {
	limits = limits.withDefaults()
	data, err := readCapped(r, limits.MaxBytes)
	if err != nil {
		return nil, err
	}
	h, err := readHeader(data, limits)
	if err != nil {
		return nil, err
	}
	cfg, format, orient, plan := h.cfg, h.format, h.orient, h.plan
	if admit != nil {
		if err := admit(h.cost); err != nil {
			return nil, err
		}
	}
	src, err := decode(data, format, cfg)
	if err != nil {
		return nil, err
	}
	data = nil
	// The source is scaled straight to the largest variant, converting to
	// RGBA a band of rows at a time, so that no full-size RGBA copy of a
	// large photo is ever made; EXIF orientation is applied to that
	// variant, which is far smaller than the source.
	top := applyOrientation(scaleFrom(src, plan.storedW, plan.storedH, cores{limits.Workers, limits.Pace}), orient)
	src = nil
	opaque := format == "jpeg" || top.Opaque()
	out := &Processed{Format: format, Width: plan.uprightW, Height: plan.uprightH}
	if out.Crops, err = makeCrops(top, j.cuts, opaque, cores{limits.Workers, limits.Pace}); err != nil {
		return nil, err
	}
	if !j.cropsOnly {
		if out.Variants, err = makeVariants(top, plan.uprightW, plan.uprightH, opaque, cores{limits.Workers, limits.Pace}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// header is what an upload's header says, checked against the limits.
type header struct {
	cfg    image.Config
	format string
	orient int
	plan   plan
	cost   int64
}

// readHeader checks an upload's format, dimensions and the memory it
// would take to process, from its header alone.
func readHeader(data []byte, limits Limits) (header, error) {
	cfg, format, err := checkConfig(data, limits)
	if err != nil {
		return header{}, err
	}
	h := header{cfg: cfg, format: format, orient: 1}
	if format == "jpeg" {
		h.orient = jpegOrientation(data)
	}
	h.plan = planFor(cfg.Width, cfg.Height, h.orient)
	h.cost = h.plan.cost(cfg, len(data))
	if h.cost > limits.MaxMemory {
		depth := ""
		if bytesPerPixel(cfg.ColorModel) > 4 {
			depth = "، بعمق ألوان 16 بت"
		}
		return header{}, news.Errorf(news.EINVALID, msgTooHeavy, cfg.Width, cfg.Height, depth)
	}
	return h, nil
}

// plan is the geometry of one upload: the upright size (after EXIF
// orientation) and the size, in the stored orientation, of the largest
// variant.
type plan struct {
	w, h                 int // stored
	uprightW, uprightH   int
	storedW, storedH     int // the largest variant before orientation
	rotated, transposing bool
}

func planFor(w, h, orient int) plan {
	p := plan{w: w, h: h, uprightW: w, uprightH: h, rotated: orient >= 2 && orient <= 8, transposing: orient >= 5 && orient <= 8}
	if p.transposing {
		p.uprightW, p.uprightH = h, w
	}
	widths := variantWidths(p.uprightW)
	topW := widths[len(widths)-1]
	topH := heightFor(p.uprightW, p.uprightH, topW)
	p.storedW, p.storedH = topW, topH
	if p.transposing {
		p.storedW, p.storedH = topH, topW
	}
	return p
}

// cost estimates the bytes processing takes at its peak: the file, the
// decoded pixels, the largest variant and the horizontal pass before it,
// its turned copy, and some room for the encoders.
func (p plan) cost(cfg image.Config, fileBytes int) int64 {
	px := int64(p.w) * int64(p.h)
	n := int64(fileBytes) + px*int64(bytesPerPixel(cfg.ColorModel))
	top := int64(p.storedW) * int64(p.storedH) * 4
	if p.storedW != p.w || p.storedH != p.h {
		n += top + int64(p.storedW)*int64(p.h)*4
	} else if bytesPerPixel(cfg.ColorModel) != 4 {
		n += top // converted to RGBA whole (RGBA and NRGBA are used in place)
	}
	if p.rotated {
		n += top
	}
	return n + 16<<20
}

// bytesPerPixel is what a decoder allocates per pixel for a colour model
// (for YCbCr, the worst case: no chroma subsampling).
func bytesPerPixel(m color.Model) int {
	switch m {
	case color.GrayModel:
		return 1
	case color.Gray16Model:
		return 2
	case color.YCbCrModel:
		return 3
	case color.RGBAModel, color.NRGBAModel, color.CMYKModel:
		return 4
	case color.RGBA64Model, color.NRGBA64Model:
		return 8
	}
	if _, ok := m.(color.Palette); ok {
		return 1
	}
	return 8
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
	if l.MaxMemory <= 0 {
		l.MaxMemory = DefaultMaxMemory
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
	var buf bytes.Buffer
	if sk, ok := r.(io.Seeker); ok {
		// A file (a multipart form's upload): read into one buffer of its
		// size rather than one that doubles while it reads (up to twice
		// the memory, for each upload being read).
		if end, err := sk.Seek(0, io.SeekEnd); err == nil {
			if _, err := sk.Seek(0, io.SeekStart); err == nil && end < n {
				buf.Grow(int(end) + bytes.MinRead)
			}
		}
	}
	_, err := buf.ReadFrom(io.LimitReader(r, n))
	data := buf.Bytes()
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
