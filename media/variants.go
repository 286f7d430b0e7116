package media

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/image/draw"
)

// jpegQuality is a common web trade-off between file size and visible
// artefacts.
const jpegQuality = 82

// bandSize is the rows (or columns) scaled at a time by resize.
const bandSize = 64

// toRGBA converts a decoded image to *image.RGBA with its origin at (0, 0),
// once, so that every later step takes the fast paths of image/draw,
// x/image/draw and both encoders. An NRGBA image (PNG and lossless WebP
// with alpha) is premultiplied in place: same layout, no second copy.
func toRGBA(m image.Image) *image.RGBA {
	if rgba, ok := m.(*image.RGBA); ok && rgba.Rect.Min == (image.Point{}) {
		return rgba
	}
	if n, ok := m.(*image.NRGBA); ok && n.Rect.Min == (image.Point{}) {
		premultiply(n.Pix, n.Stride, n.Rect.Dx(), n.Rect.Dy())
		return &image.RGBA{Pix: n.Pix, Stride: n.Stride, Rect: n.Rect}
	}
	b := m.Bounds()
	dst := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(dst, dst.Rect, m, b.Min, draw.Src)
	return dst
}

// variantWidths lists the widths made for a source srcW pixels wide, in
// ascending order: each of Widths below the source width, then the source
// width itself capped at the largest of Widths. Images are never upscaled.
func variantWidths(srcW int) []int {
	ws := make([]int, 0, len(Widths)+1)
	top := srcW
	if m := slices.Max(append([]int{0}, Widths...)); m > 0 && m < top {
		top = m
	}
	for _, w := range Widths {
		if w > 0 && w < top {
			ws = append(ws, w)
		}
	}
	slices.Sort(ws)
	return append(slices.Compact(ws), top)
}

// heightFor keeps the aspect ratio of a w0×h0 image at width w, rounding to
// the nearest pixel and never below one.
func heightFor(w0, h0, w int) int {
	h := (int64(h0)*int64(w) + int64(w0)/2) / int64(w0)
	return int(max(h, 1))
}

// makeVariants resizes and encodes img at every variant width. Each variant
// is scaled from the next larger one rather than from the source: the
// kernel's cost grows with the size of what it reads, and with the default
// Widths each step shrinks by at most half, which Catmull-Rom does well
// (about one level of difference on average from scaling the source).
//
// img is the largest variant, or the source; w0×h0 is the upright source,
// whose aspect ratio every variant keeps.
func makeVariants(img *image.RGBA, w0, h0 int, opaque bool, workers cores) ([]Variant, error) {
	return scaleDown(img, variantWidths(w0), w0, h0, opaque, workers)
}

// scaleDown encodes img at each of widths (ascending), keeping the aspect
// ratio of w0×h0, each size scaled from the next larger.
func scaleDown(img *image.RGBA, widths []int, w0, h0 int, opaque bool, workers cores) ([]Variant, error) {
	variants := make([]Variant, len(widths))
	prev := img
	for i := len(widths) - 1; i >= 0; i-- {
		w, h := widths[i], heightFor(w0, h0, widths[i])
		m := prev
		if w != prev.Rect.Dx() || h != prev.Rect.Dy() {
			m = resize(prev, w, h, workers)
		}
		v, err := encode(m, opaque)
		if err != nil {
			return nil, err
		}
		variants[i] = v
		prev = m
	}
	return variants, nil
}

// premultiply turns non-premultiplied RGBA pixels into premultiplied ones,
// as color.NRGBA's RGBA method does, rounded to 8 bits.
func premultiply(pix []byte, stride, w, h int) {
	for y := range h {
		row := pix[y*stride : y*stride+4*w]
		for i := 0; i < len(row); i += 4 {
			a := uint32(row[i+3])
			if a == 0xff {
				continue
			}
			// (c * 0x101 * a * 0x101 / 0xffff) >> 8, as color.NRGBA.RGBA.
			a16 := a * 0x101
			row[i] = uint8((uint32(row[i]) * 0x101 * a16 / 0xffff) >> 8)
			row[i+1] = uint8((uint32(row[i+1]) * 0x101 * a16 / 0xffff) >> 8)
			row[i+2] = uint8((uint32(row[i+2]) * 0x101 * a16 / 0xffff) >> 8)
		}
	}
}

// scaleFrom scales any decoded image to w×h as resize does. A source that
// is not RGBA is converted a band of rows at a time in the horizontal
// pass, so a 40-megapixel JPEG costs its YCbCr planes and the scaled
// image, never a full-size RGBA copy. A source already w×h is converted
// whole (toRGBA).
func scaleFrom(src image.Image, w, h int, workers cores) *image.RGBA {
	sb := src.Bounds()
	if w == sb.Dx() && h == sb.Dy() {
		return toRGBA(src)
	}
	if rgba, ok := src.(*image.RGBA); ok && rgba.Rect.Min == (image.Point{}) {
		return resize(rgba, w, h, workers)
	}
	sw, sh := sb.Dx(), sb.Dy()
	mid := image.NewRGBA(image.Rect(0, 0, w, sh))
	rows := draw.CatmullRom.NewScaler(w, bandSize, sw, bandSize)
	bands := sync.Pool{New: func() any { return image.NewRGBA(image.Rect(0, 0, sw, bandSize)) }}
	forBands(sh, workers, func(y0, y1 int) {
		band := bands.Get().(*image.RGBA)
		defer bands.Put(band)
		br := image.Rect(0, 0, sw, y1-y0)
		draw.Draw(band, br, src, image.Pt(sb.Min.X, sb.Min.Y+y0), draw.Src)
		rows.Scale(mid, image.Rect(0, y0, w, y1), band, br, draw.Src, nil)
	})
	return scaleColumns(mid, w, h, workers)
}

// resize scales src to w×h with the Catmull-Rom kernel.
//
// x/image/draw's kernel scaler keeps a float64 RGBA scratch buffer of
// (destination width × source height) pixels, 32 bytes each: 310 MB for a
// 12-megapixel portrait photo. The kernel is separable, so scaling is done
// as a horizontal pass over bands of rows, then a vertical pass over bands
// of columns; in each pass the other axis is not scaled, which Catmull-Rom
// reproduces exactly (it is an interpolating kernel), so bands meet without
// seams and the scratch stays at most tens of megabytes. Between passes
// pixels are rounded to 8 bits and the kernel's overshoot on hard edges is
// clamped, which one pass does not do: results differ by a level or so.
func resize(src *image.RGBA, w, h int, workers cores) *image.RGBA {
	sw, sh := src.Rect.Dx(), src.Rect.Dy()
	mid := image.NewRGBA(image.Rect(0, 0, w, sh))
	// A scaler made for the band size pools its scratch buffer; the
	// narrower last band falls back to a one-off scaler by itself.
	rows := draw.CatmullRom.NewScaler(w, bandSize, sw, bandSize)
	forBands(sh, workers, func(y0, y1 int) {
		rows.Scale(mid, image.Rect(0, y0, w, y1), src, image.Rect(0, y0, sw, y1), draw.Src, nil)
	})
	return scaleColumns(mid, w, h, workers)
}

// scaleColumns is the vertical pass of resize: mid, already w wide, to
// w×h.
func scaleColumns(mid *image.RGBA, w, h int, workers cores) *image.RGBA {
	sh := mid.Rect.Dy()
	dst := image.NewRGBA(image.Rect(0, 0, w, h))
	cols := draw.CatmullRom.NewScaler(bandSize, h, bandSize, sh)
	forBands(w, workers, func(x0, x1 int) {
		cols.Scale(dst, image.Rect(x0, 0, x1, h), mid, image.Rect(x0, 0, x1, sh), draw.Src, nil)
	})
	return dst
}

// forBands calls fn for each band [lo, hi) of bandSize covering [0, n),
// spread over workers goroutines (all the cores when 0): the bands write
// disjoint pixels.
func forBands(n int, workers cores, fn func(lo, hi int)) {
	count := workers.n
	if count <= 0 {
		count = runtime.GOMAXPROCS(0)
	}
	count = min(count, (n+bandSize-1)/bandSize)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range count {
		wg.Go(func() {
			for {
				lo := int(next.Add(bandSize)) - bandSize
				if lo >= n {
					return
				}
				start := time.Now()
				fn(lo, min(lo+bandSize, n))
				if workers.pace != nil {
					workers.pace(time.Since(start))
				}
			}
		})
	}
	wg.Wait()
}

// cores is what scaling may use: n cores at once (0: all), and pace,
// when set, told the time each band took (it may sleep, to leave the
// cores to requests).
type cores struct {
	n    int
	pace func(worked time.Duration)
}

// encode writes m as JPEG when it is opaque and as PNG otherwise, so that
// transparency survives. The encoders write no metadata.
func encode(m *image.RGBA, opaque bool) (Variant, error) {
	var buf bytes.Buffer
	v := Variant{Width: m.Rect.Dx(), Height: m.Rect.Dy()}
	if opaque {
		v.ContentType, v.Ext = "image/jpeg", "jpg"
		if err := jpeg.Encode(&buf, m, &jpeg.Options{Quality: jpegQuality}); err != nil {
			return Variant{}, fmt.Errorf("media: encode %dx%d jpeg: %w", v.Width, v.Height, err)
		}
	} else {
		v.ContentType, v.Ext = "image/png", "png"
		if err := png.Encode(&buf, m); err != nil {
			return Variant{}, fmt.Errorf("media: encode %dx%d png: %w", v.Width, v.Height, err)
		}
	}
	v.Data = buf.Bytes()
	return v, nil
}
