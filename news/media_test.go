package news

import (
	"image"
	"testing"
)

func TestCropRect(t *testing.T) {
	wide, _ := RatioByKey("16x9")
	square, _ := RatioByKey("1x1")
	tall, _ := RatioByKey("4x5")
	right := Point{X: 0.95, Y: 0.5}
	face := Point{X: 0.3, Y: 0.2}
	for _, c := range []struct {
		name string
		f    Framing
		r    Ratio
		w, h int
		want image.Rectangle
	}{
		{"16:9 of 3:2, centred", Framing{}, wide, 3000, 2000, image.Rect(0, 157, 3000, 1844)},
		{"1:1, focus at the right edge: as far right as the image goes", Framing{Focus: &right}, square, 3000, 2000, image.Rect(1000, 0, 3000, 2000)},
		{"4:5, focus on a face high in the frame", Framing{Focus: &face}, tall, 2400, 1600, image.Rect(80, 0, 1360, 1600)},
		{"16:9 of a portrait photo", Framing{Focus: &face}, wide, 1600, 2400, image.Rect(0, 30, 1600, 930)},
		{"a drawn square: its size and place kept", Framing{Crops: map[string]Rect{"1x1": {X: 0.5, Y: 0.25, W: 0.25, H: 0.375}}},
			square, 2400, 1600, image.Rect(1200, 400, 1800, 1000)},
		{"a drawn crop of the wrong shape: the ratio within it", Framing{Crops: map[string]Rect{"16x9": {X: 0, Y: 0, W: 0.5, H: 1}}},
			wide, 2400, 1600, image.Rect(0, 463, 1200, 1138)},
	} {
		got := c.f.CropRect(c.r, c.w, c.h)
		if got != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
		if got.Dx()*c.r.H-got.Dy()*c.r.W > c.r.W || got.Dx()*c.r.H-got.Dy()*c.r.W < -c.r.H {
			t.Errorf("%s: %dx%d is not %d:%d", c.name, got.Dx(), got.Dy(), c.r.W, c.r.H)
		}
		if !got.In(image.Rect(0, 0, c.w, c.h)) {
			t.Errorf("%s: %v leaves the image", c.name, got)
		}
	}
}

func TestCheckFraming(t *testing.T) {
	in := Point{X: 0.5, Y: 1}
	out := Point{X: 1.2, Y: 0.5}
	for _, c := range []struct {
		f  Framing
		ok bool
	}{
		{Framing{}, true},
		{Framing{Focus: &in}, true},
		{Framing{Focus: &out}, false},
		{Framing{Crops: map[string]Rect{"16x9": {X: 0, Y: 0, W: 1, H: 0.5}}}, true},
		{Framing{Crops: map[string]Rect{"3x2": {X: 0, Y: 0, W: 1, H: 0.5}}}, false},
		{Framing{Crops: map[string]Rect{"1x1": {X: 0.6, Y: 0, W: 0.5, H: 0.5}}}, false},
		{Framing{Crops: map[string]Rect{"1x1": {X: 0, Y: 0, W: 0, H: 0.5}}}, false},
	} {
		if err := CheckFraming(c.f); (err == nil) != c.ok {
			t.Errorf("CheckFraming(%+v) = %v, want ok %v", c.f, err, c.ok)
		}
	}
}
