package newsroom_test

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"sahafa/browsertest"
	"sahafa/news"
	"sahafa/store/teststores"
)

// TestBrowserUploadAndCrop: a 3000×2000 photo uploaded from the editor's
// dialog is answered before its variants are made; the editor shows it
// once they are. On the image's page a click sets the focal point, and
// each crop then has its ratio and keeps the point in view.
func TestBrowserUploadAndCrop(t *testing.T) {
	b := browsertest.New(t)
	e := newEnv(t, teststores.SQLite)
	ctx := context.Background()
	c := e.as("writer")
	photo := jpegBytes(t, 3000, 2000)
	start := time.Now()
	res := c.upload("/newsroom/media/upload.json", map[string]string{"alt": "ساحة الشهداء في بيروت", "credit": "تصوير: رامي"}, photo)
	answered := time.Since(start)
	if res.status != http.StatusCreated {
		t.Fatalf("upload.json: %d %s", res.status, res.body)
	}
	var id int64
	fmt.Sscanf(res.body, `{"media":{"id":%d`, &id)
	m, err := e.ed.AwaitMedia(ctx, id, 60*time.Second)
	processed := time.Since(start)
	if err != nil || !m.Ready() || len(m.Crops) != 3 {
		t.Fatalf("after processing: %+v, %v", m, err)
	}
	t.Logf("3000×2000 upload answered in %v; variants and crops made in %v", answered.Round(time.Millisecond), processed.Round(time.Millisecond))
	if answered >= processed {
		t.Errorf("the upload was answered (%v) no sooner than processed (%v)", answered, processed)
	}

	tab := &newsroomTab{Tab: b.Tab(t, browsertest.Desktop), base: e.srv.URL}
	tab.Timeout = 30 * time.Second
	tab.signIn(t, "writer@example.com")
	tab.open(t, fmt.Sprintf("/newsroom/media/%d", id))
	tab.imageLoaded(t, "#framing-image", "the image")
	// A click at 80% across, 30% down.
	var box struct{ X, Y, W, H float64 }
	tab.Eval(t, `(() => { const r = document.getElementById('framing-image').getBoundingClientRect(); return {X: r.left, Y: r.top, W: r.width, H: r.height}; })()`, &box)
	tab.Run(t, chromedp.MouseClickXY(box.X+0.8*box.W, box.Y+0.3*box.H))
	var fx, fy string
	tab.Eval(t, `document.getElementById('focus_x').value`, &fx)
	tab.Eval(t, `document.getElementById('focus_y').value`, &fy)
	var x, y float64
	fmt.Sscan(fx, &x)
	fmt.Sscan(fy, &y)
	if math.Abs(x-80) > 0.5 || math.Abs(y-30) > 0.5 {
		t.Errorf("the click set the focus to %s, %s; want 80, 30", fx, fy)
	}
	tab.clickLoad(t, "#framing-form button[type=submit]")
	tab.expectText(t, ".flash", "حُفظت النقطة المهمة")
	m, _ = e.store.Media(ctx, id)
	if p := m.Framing.FocusPoint(); math.Abs(p.X-x/100) > 0.001 || math.Abs(p.Y-y/100) > 0.001 || m.Framing.Version != 1 {
		t.Errorf("stored framing %+v", m.Framing)
	}
	for _, want := range []struct {
		ratio string
		w, h  float64
	}{{"16x9", 16, 9}, {"1x1", 1, 1}, {"4x5", 4, 5}} {
		sel := fmt.Sprintf(`.crop-list img[data-ratio="%s"]`, want.ratio)
		tab.imageLoaded(t, sel, want.ratio+" crop")
		var size struct{ W, H float64 }
		tab.Eval(t, fmt.Sprintf(`(() => { const i = document.querySelector(%q); return {W: i.naturalWidth, H: i.naturalHeight}; })()`, sel), &size)
		if size.W == 0 || math.Abs(size.W/size.H-want.w/want.h) > 0.01 {
			t.Errorf("the %s crop is %v×%v", want.ratio, size.W, size.H)
		}
	}
	// The square of a 3:2 photo with the focus at 80%: cut at the right
	// edge, as far right as the photo goes.
	full := m.CropSource()
	r := m.Framing.CropRect(news1x1(), full.Width, full.Height)
	if r.Max.X != full.Width || r.Dx() != full.Height {
		t.Errorf("the square crop %v of %dx%d does not follow the focus", r, full.Width, full.Height)
	}
	tab.screenshot(t, "newsroom-media-crops")
	tab.noErrors(t, "media page")
}

func news1x1() news.Ratio {
	r, _ := news.RatioByKey("1x1")
	return r
}
