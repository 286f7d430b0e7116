package media

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"testing"
)

// TestCrops: a 3000x2000 photo cut to 16:9 and 1:1 around a bright spot
// near its right edge: each crop keeps its ratio at every size, and the
// square keeps the spot in view.
func TestCrops(t *testing.T) {
	const w, h = 3000, 2000
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			c := color.RGBA{20, 20, 20, 255}
			if x > 2700 && x < 2800 && y > 900 && y < 1100 {
				c = color.RGBA{250, 250, 250, 255}
			}
			img.Set(x, y, c)
		}
	}
	var src bytes.Buffer
	if err := jpeg.Encode(&src, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	info, err := Inspect(src.Bytes(), Limits{})
	if err != nil || info.Width != w || info.Height != h || info.Format != "jpeg" || info.Cost <= 0 {
		t.Fatalf("Inspect = %+v, %v", info, err)
	}
	// The spot is at x≈0.917 of the width: the square is pushed right.
	square := func(cw, ch int) image.Rectangle { return image.Rect(cw-ch, 0, cw, ch) }
	wide := func(cw, ch int) image.Rectangle {
		hh := cw * 9 / 16
		return image.Rect(0, (ch-hh)/2, cw, (ch-hh)/2+hh)
	}
	g := NewGate(GateOptions{})
	p, err := g.Process(context.Background(), bytes.NewReader(src.Bytes()), Limits{}, Cut{Key: "16x9", Rect: wide}, Cut{Key: "1x1", Rect: square})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Variants) == 0 || len(p.Crops) != 2 {
		t.Fatalf("%d variants, %d crops", len(p.Variants), len(p.Crops))
	}
	for _, c := range p.Crops {
		rw, rh := 16, 9
		if c.Key == "1x1" {
			rw, rh = 1, 1
		}
		if n := len(c.Variants); n != len(CropWidths) {
			t.Errorf("%s: %d sizes, want %d", c.Key, n, len(CropWidths))
		}
		for _, v := range c.Variants {
			if d := v.Width*rh - v.Height*rw; d > rw || d < -rh {
				t.Errorf("%s at %d: %dx%d is not %d:%d", c.Key, v.Width, v.Width, v.Height, rw, rh)
			}
			m, err := jpeg.Decode(bytes.NewReader(v.Data))
			if err != nil || m.Bounds().Dx() != v.Width || m.Bounds().Dy() != v.Height {
				t.Errorf("%s at %d does not decode to its size: %v", c.Key, v.Width, err)
			}
		}
	}
	// In the square's smallest size, the spot is near the right.
	sq := p.Crops[1].Variants[0]
	m, _ := jpeg.Decode(bytes.NewReader(sq.Data))
	x := (2750 - 1000) * sq.Width / 2000 // the spot's centre, in the square cut at x 1000..3000
	r, _, _, _ := m.At(x, sq.Height/2).RGBA()
	if r < 0x8000 {
		t.Errorf("the bright spot is not where the focus put it in the square crop (level %d at x=%d)", r>>8, x)
	}
	// Recrop makes the crops alone, from a stored variant.
	top := p.Variants[len(p.Variants)-1]
	crops, err := g.Recrop(context.Background(), bytes.NewReader(top.Data), Limits{}, []Cut{{Key: "1x1", Rect: square}})
	if err != nil || len(crops) != 1 || crops[0].Variants[len(crops[0].Variants)-1].Width != 1600 {
		t.Errorf("Recrop = %d crops, %v", len(crops), err)
	}
}
