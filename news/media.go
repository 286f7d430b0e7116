package news

import (
	"context"
	"encoding/json"
	"fmt"
	"image"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Ratio is an aspect ratio the library crops every image to: the shapes
// pages and share cards show.
type Ratio struct {
	Key   string // in URLs: "16x9"
	W, H  int
	Label string
}

// CropRatios are the ratios of every image's crops.
var CropRatios = []Ratio{
	{Key: "16x9", W: 16, H: 9, Label: "عريضة 16:9"},
	{Key: "1x1", W: 1, H: 1, Label: "مربعة 1:1"},
	{Key: "4x5", W: 4, H: 5, Label: "طولية 4:5"},
}

// RatioByKey finds one of CropRatios.
func RatioByKey(key string) (Ratio, bool) {
	for _, r := range CropRatios {
		if r.Key == key {
			return r, true
		}
	}
	return Ratio{}, false
}

// Point is a position in an image as fractions of its width and height.
type Point struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
}

// Rect is an area of an image as fractions of its width and height.
type Rect struct {
	X float64 `json:"x"`
	Y float64 `json:"y"`
	W float64 `json:"w"`
	H float64 `json:"h"`
}

// Framing is how an image is cut for each ratio: a focal point every crop
// keeps in view, and the crops an editor drew by hand. Version counts
// changes, so that the URLs of the crops change with them.
type Framing struct {
	Focus   *Point          `json:"focus,omitempty"` // nil: the centre
	Crops   map[string]Rect `json:"crops,omitempty"` // by ratio key
	Version int             `json:"version,omitempty"`
}

// FocusPoint is the focal point, the centre when none was set.
func (f Framing) FocusPoint() Point {
	if f.Focus == nil {
		return Point{X: 0.5, Y: 0.5}
	}
	return *f.Focus
}

// CheckFraming checks an editor's framing: fractions within the image,
// crops of known ratios with some area.
func CheckFraming(f Framing) error {
	in := func(v float64) bool { return v >= 0 && v <= 1 && !math.IsNaN(v) }
	if p := f.Focus; p != nil && (!in(p.X) || !in(p.Y)) {
		return Errorf(EINVALID, "the focal point (%g, %g) is outside the image", p.X, p.Y)
	}
	for key, r := range f.Crops {
		if _, ok := RatioByKey(key); !ok {
			return Errorf(EINVALID, "unknown crop ratio %q", key)
		}
		if !in(r.X) || !in(r.Y) || !in(r.W) || !in(r.H) || r.W < 0.01 || r.H < 0.01 ||
			r.X+r.W > 1.0001 || r.Y+r.H > 1.0001 {
			return Errorf(EINVALID, "the %s crop is outside the image", key)
		}
	}
	return nil
}

// CropRect is the area, in pixels of an image w×h, of its crop to ratio:
// the editor's crop adjusted to the exact ratio within the image when one
// was drawn, else the largest area of that ratio centred as near the
// focal point as the image allows.
func (f Framing) CropRect(r Ratio, w, h int) image.Rectangle {
	if w <= 0 || h <= 0 {
		return image.Rectangle{}
	}
	// the largest cw×ch of the ratio within the image
	cw, ch := w, w*r.H/r.W
	if ch > h {
		cw, ch = h*r.W/r.H, h
	}
	centre := f.FocusPoint()
	if c, ok := f.Crops[r.Key]; ok {
		// keep the drawn crop's size (as the ratio allows) and centre
		dw, dh := c.W*float64(w), c.H*float64(h)
		if s := math.Min(dw/float64(cw), dh/float64(ch)); s < 1 {
			cw, ch = max(int(float64(cw)*s), 1), max(int(float64(ch)*s), 1)
		}
		centre = Point{X: c.X + c.W/2, Y: c.Y + c.H/2}
	}
	x := int(math.Round(centre.X*float64(w))) - cw/2
	y := int(math.Round(centre.Y*float64(h))) - ch/2
	x = min(max(x, 0), w-cw)
	y = min(max(y, 0), h-ch)
	return image.Rect(x, y, x+cw, y+ch)
}

// MediaCrop is an image cut to one ratio and its stored sizes.
type MediaCrop struct {
	Ratio    string         `json:"ratio"`
	Variants []MediaVariant `json:"variants"` // ascending width
}

// CropURL is the path of one size of one crop. The framing's version is
// in the query: a crop drawn again gets new URLs, so that the year-long
// caching of media files never shows an old cut.
func (m Media) CropURL(ratio string, v MediaVariant) string {
	return fmt.Sprintf("/media/%d/%s/%d.%s?v=%d", m.ID, ratio, v.Width, v.Ext, m.Framing.Version)
}

// Crop returns the stored crop of a ratio.
func (m Media) Crop(ratio string) (MediaCrop, bool) {
	for _, c := range m.Crops {
		if c.Ratio == ratio && len(c.Variants) > 0 {
			return c, true
		}
	}
	return MediaCrop{}, false
}

// MediaState is where an uploaded image stands.
type MediaState string

const (
	MediaReady   MediaState = ""        // variants and crops made
	MediaPending MediaState = "pending" // stored as uploaded; variants being made
	MediaFailed  MediaState = "failed"  // the upload did not decode; Problem says why
)

// MaxPendingUploads bounds the uploads stored and not yet processed: past
// it, an upload is refused as busy until the background catches up.
const MaxPendingUploads = 32

// CropSource is the variant crops are cut from: the largest.
func (m Media) CropSource() MediaVariant {
	if len(m.Variants) == 0 {
		return MediaVariant{}
	}
	return m.Variants[len(m.Variants)-1]
}

// Ready reports whether the image's variants are made.
func (m Media) Ready() bool { return m.State == MediaReady }

// InTrash reports whether the image is in the trash.
func (m Media) InTrash() bool { return !m.DeletedAt.IsZero() }

// CropSrcset is the srcset of one crop's sizes.
func (m Media) CropSrcset(c MediaCrop) string {
	parts := make([]string, len(c.Variants))
	for i, v := range c.Variants {
		parts[i] = m.CropURL(c.Ratio, v) + " " + strconv.Itoa(v.Width) + "w"
	}
	return strings.Join(parts, ", ")
}

// CropDefault is the size of a crop an <img src> names: the widest up to
// 1024 px, as Default.
func (c MediaCrop) Default() MediaVariant { return defaultVariant(c.Variants) }

// Largest is the widest size of a crop (a share card's image).
func (c MediaCrop) Largest() MediaVariant {
	if len(c.Variants) == 0 {
		return MediaVariant{}
	}
	return c.Variants[len(c.Variants)-1]
}

// CropsOf lists the crops a set of crop files makes, in the order of
// CropRatios, each ascending by width (what a store keeps in Media.Crops).
func CropsOf(files []MediaCropFile) []MediaCrop {
	var out []MediaCrop
	for _, r := range CropRatios {
		c := MediaCrop{Ratio: r.Key}
		for _, f := range files {
			if f.Ratio == r.Key {
				v := f.MediaVariant
				v.Size = len(f.Data)
				c.Variants = append(c.Variants, v)
			}
		}
		if len(c.Variants) > 0 {
			slices.SortFunc(c.Variants, func(a, b MediaVariant) int { return a.Width - b.Width })
			out = append(out, c)
		}
	}
	return out
}

// CheckCropFiles checks crop files before they are stored: known ratios,
// complete sizes.
func CheckCropFiles(files []MediaCropFile) error {
	for _, f := range files {
		if _, ok := RatioByKey(f.Ratio); !ok {
			return Errorf(EINVALID, "unknown crop ratio %q", f.Ratio)
		}
		if f.incomplete() {
			return Errorf(EINVALID, "crop %s %dx%d is incomplete", f.Ratio, f.Width, f.Height)
		}
	}
	return nil
}

// EncodeFraming is the stored form of a framing: JSON, "" for none.
func EncodeFraming(f Framing) (string, error) {
	if f.Focus == nil && len(f.Crops) == 0 && f.Version == 0 {
		return "", nil
	}
	b, err := json.Marshal(f)
	if err != nil {
		return "", fmt.Errorf("encode framing: %w", err)
	}
	return string(b), nil
}

// DecodeFraming reads what EncodeFraming stored, and a crops list.
func DecodeFraming(framing, crops string, m *Media) error {
	m.Framing = Framing{}
	if framing != "" {
		if err := json.Unmarshal([]byte(framing), &m.Framing); err != nil {
			return fmt.Errorf("image %d: framing: %w", m.ID, err)
		}
	}
	m.Crops = nil
	if crops != "" && crops != "[]" {
		if err := json.Unmarshal([]byte(crops), &m.Crops); err != nil {
			return fmt.Errorf("image %d: crops: %w", m.ID, err)
		}
	}
	return nil
}

// MediaUsePatterns are the LIKE patterns that find an image in articles:
// in the lead image's JSON, and in a body's HTML (/media/ID/… or
// /media/ID"). An id has no LIKE wildcards.
func MediaUsePatterns(id int64) (lead, body [2]string) {
	n := strconv.FormatInt(id, 10)
	return [2]string{`%"media_id":` + n + `,%`, `%"media_id":` + n + `}%`},
		[2]string{`%/media/` + n + `/%`, `%/media/` + n + `"%`}
}

// MediaLists are the stored lists of an image's sizes and crops, as JSON:
// what Media.Variants and Media.Crops are read from.
func MediaLists(files []MediaFile, crops []MediaCropFile) (variants, cropList string, err error) {
	vs := make([]MediaVariant, len(files))
	for i, f := range files {
		vs[i] = f.MediaVariant
		vs[i].Size = len(f.Data)
	}
	v, err := json.Marshal(vs)
	if err != nil {
		return "", "", fmt.Errorf("encode variants: %w", err)
	}
	cl := CropsOf(crops)
	if cl == nil {
		cl = []MediaCrop{}
	}
	c, err := json.Marshal(cl)
	if err != nil {
		return "", "", fmt.Errorf("encode crops: %w", err)
	}
	return string(v), string(c), nil
}

// FileOf returns a variant (ratio "") or a crop of image id, as st holds
// it.
func FileOf(ctx context.Context, st MediaStore, id int64, ratio string, width int) (MediaFile, error) {
	if ratio == "" {
		return st.MediaFile(ctx, id, width)
	}
	return st.MediaCropFile(ctx, id, ratio, width)
}
