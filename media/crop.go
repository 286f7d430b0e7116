package media

import (
	"context"
	"image"
	"io"
	"slices"

	"sahafa/news"
)

// Cut asks for one crop of an image: Key names it ("16x9"), and Rect is
// its area in an upright image w×h pixels (the largest variant), which
// the crop's own sizes are scaled from.
type Cut struct {
	Key  string
	Rect func(w, h int) image.Rectangle
}

// Crop is one cut of an image at its sizes.
type Crop struct {
	Key      string
	Variants []Variant // ascending width
}

// CropWidths are the widths of every crop (those narrower than the cut,
// and the cut's own width capped at the largest).
var CropWidths = []int{320, 640, 1024, 1600}

// Info is what the header of an upload says, checked against the limits:
// enough to store it and answer the editor before it is decoded.
type Info struct {
	Format        string
	Width, Height int   // upright, after EXIF orientation
	Cost          int64 // estimated bytes to process it
}

// Inspect checks an upload without decoding it: its size, format, header
// and dimensions, and whether it could be processed within the memory
// limit. A file whose pixels turn out corrupt is found only when it is
// processed. Every refusal is EINVALID with an Arabic message.
func Inspect(data []byte, limits Limits) (Info, error) {
	limits = limits.withDefaults()
	if len(data) == 0 {
		return Info{}, news.Errorf(news.EINVALID, msgEmpty)
	}
	if int64(len(data)) > limits.MaxBytes {
		return Info{}, news.Errorf(news.EINVALID, msgTooLarge, formatBytes(limits.MaxBytes))
	}
	h, err := readHeader(data, limits)
	if err != nil {
		return Info{}, err
	}
	return Info{Format: h.format, Width: h.plan.uprightW, Height: h.plan.uprightH, Cost: h.cost}, nil
}

// cropWidths lists a crop's widths for a cut w pixels wide.
func cropWidths(w int) []int {
	top := min(w, slices.Max(CropWidths))
	var ws []int
	for _, cw := range CropWidths {
		if cw < top {
			ws = append(ws, cw)
		}
	}
	return append(ws, top)
}

// makeCrops cuts img (upright) as each cut asks and scales each cut to
// its widths, each from the next larger.
func makeCrops(img *image.RGBA, cuts []Cut, opaque bool, workers cores) ([]Crop, error) {
	b := img.Rect
	out := make([]Crop, 0, len(cuts))
	for _, c := range cuts {
		r := c.Rect(b.Dx(), b.Dy()).Add(b.Min).Intersect(b)
		if r.Empty() {
			continue
		}
		// A copy at the origin: the scaler reads Pix from the start.
		cut := image.NewRGBA(image.Rect(0, 0, r.Dx(), r.Dy()))
		for y := 0; y < r.Dy(); y++ {
			i := img.PixOffset(r.Min.X, r.Min.Y+y)
			copy(cut.Pix[y*cut.Stride:y*cut.Stride+4*r.Dx()], img.Pix[i:i+4*r.Dx()])
		}
		vs, err := scaleDown(cut, cropWidths(r.Dx()), r.Dx(), r.Dy(), opaque, workers)
		if err != nil {
			return nil, err
		}
		out = append(out, Crop{Key: c.Key, Variants: vs})
	}
	return out, nil
}

// Recrop makes only the crops of an image already processed, from its
// largest stored variant (read from r): what a new framing needs.
func (g *Gate) Recrop(ctx context.Context, r io.Reader, limits Limits, cuts []Cut) ([]Crop, error) {
	p, err := g.process(ctx, r, limits, job{cuts: cuts, cropsOnly: true})
	if err != nil {
		return nil, err
	}
	return p.Crops, nil
}

// ReadUpload reads an upload, at most limits.MaxBytes of it: more is
// refused (EINVALID) without reading on, as is an empty one.
func ReadUpload(r io.Reader, limits Limits) ([]byte, error) {
	return readCapped(r, limits.withDefaults().MaxBytes)
}

// Budget is the memory budget of the gate's images: Inspect's MaxMemory.
func (g *Gate) Budget() int64 { return g.memory }
