package newsroom

import (
	"net/http"
	"strconv"
	"time"

	"sahafa/editorial"
	"sahafa/news"
	"sahafa/readership"
)

// The readership page: what was read, drawn by the server (an SVG bar
// chart: no script, no chart library).

func (h *Handler) readershipRoutes() {
	h.mux.Handle("GET /newsroom/readership", h.auth(h.readershipPage))
}

// chart is the hourly bar chart, laid out for the template. Time runs
// right to left, as the page reads: the newest hour is at the left.
type chart struct {
	Width, Height int
	Bars          []chartBar
	Labels        []chartLabel
	Max           int
}

type chartBar struct {
	X, Y, W, H int
	Title      string // "09:00: 120 مشاهدة"
}

type chartLabel struct {
	X    int
	Text string
}

const (
	chartWidth  = 720
	chartHeight = 160
	chartSlot   = chartWidth / readership.ReportHours
)

func drawChart(hours []readership.HourViews, loc *time.Location) chart {
	c := chart{Width: chartWidth, Height: chartHeight}
	for _, h := range hours {
		c.Max = max(c.Max, h.Views)
	}
	for i, h := range hours {
		x := chartWidth - (i+1)*chartSlot
		bh := 0
		if c.Max > 0 {
			bh = h.Views * (chartHeight - 4) / c.Max
		}
		local := h.Hour.In(loc)
		c.Bars = append(c.Bars, chartBar{X: x + 1, Y: chartHeight - bh, W: chartSlot - 3, H: bh,
			Title: local.Format("2006-01-02 15:04") + ": " + strconv.Itoa(h.Views) + " مشاهدة"})
		if local.Hour()%6 == 0 {
			c.Labels = append(c.Labels, chartLabel{X: x + chartSlot/2, Text: local.Format("15:04")})
		}
	}
	return c
}

// readershipView is the page's data.
type readershipView struct {
	readership.Report
	Chart chart
}

func (h *Handler) readershipPage(w http.ResponseWriter, r *request) {
	if !editorial.Can(r.user, editorial.ActStats, nil) {
		h.fail(w, r.Request, r, news.Errorf(news.EFORBIDDEN, "ليست لديك صلاحية لهذا الإجراء"))
		return
	}
	rep, err := readership.Build(r.Context(), h.opts.Store, time.Now())
	if err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	v := &readershipView{Report: rep, Chart: drawChart(rep.Hours, h.opts.Editorial.Location())}
	h.render(w, r.Request, r, http.StatusOK, "readership", &page{Title: "الجمهور", Active: "readership", Readership: v})
}
