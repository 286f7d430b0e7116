package newsroom

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"sahafa/editorial"
	"sahafa/news"
)

// The ads: administrators manage them; the readership counter counts them.

func (h *Handler) adRoutes() {
	m := h.mux
	m.Handle("GET /newsroom/ads/{$}", h.auth(h.adsPage))
	m.Handle("POST /newsroom/ads/hosts", h.auth(h.saveAdHosts))
	m.Handle("POST /newsroom/ads/layout", h.auth(h.saveAdLayout))
	m.Handle("GET /newsroom/ads/new", h.auth(h.adPage))
	m.Handle("POST /newsroom/ads/new", h.auth(h.saveAd))
	m.Handle("GET /newsroom/ads/{id}", h.auth(h.adPage))
	m.Handle("POST /newsroom/ads/{id}", h.auth(h.saveAd))
	m.Handle("POST /newsroom/ads/{id}/delete", h.auth(h.deleteAd))
}

// adsView is the ads page: the ads with their week's numbers, the hosts.
type adsView struct {
	Ads   []adRow
	Hosts string
	Slots []news.AdSlot
	Ad    *editorial.AdInput // the form of one ad
	IsNew bool
	// The layout form: the paragraph and per-page fields as typed, and a
	// row per kind of page (the pages of no section, then each section)
	// with its slots on and off.
	Paragraph, PerPage string
	Rows               []adLayoutRow
}

type adLayoutRow struct {
	Section, Name string
	On            map[string]bool
}

type adRow struct {
	news.Ad
	Stats []news.AdStat // the last 7 days, per slot
}

func (h *Handler) adsPage(w http.ResponseWriter, r *request) {
	h.showAds(w, r, http.StatusOK, "", nil)
}

func (h *Handler) showAds(w http.ResponseWriter, r *request, status int, hosts string, errs news.FieldErrors) {
	ads, stored, err := h.opts.Editorial.Ads(r.Context(), r.user)
	if err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	stats, err := h.opts.Store.AdStats(r.Context(), time.Now().Add(-7*24*time.Hour).Truncate(time.Hour))
	if err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	v := &adsView{Hosts: strings.Join(stored, " "), Slots: news.AdSlots}
	if errs != nil && errs["hosts"] != "" {
		v.Hosts = hosts
	}
	layout, err := h.opts.Editorial.AdLayout(r.Context(), r.user)
	if err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	sections, err := h.opts.Store.Sections(r.Context())
	if err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	v.Paragraph, v.PerPage = strconv.Itoa(layout.Paragraph), strconv.Itoa(layout.PerPage)
	if errs != nil && (errs["paragraph"] != "" || errs["per_page"] != "") {
		v.Paragraph, v.PerPage = r.PostFormValue("paragraph"), r.PostFormValue("per_page")
	}
	rows := []adLayoutRow{{Section: "", Name: "الصفحة الرئيسية والبحث والوسوم"}}
	for _, sec := range sections {
		rows = append(rows, adLayoutRow{Section: sec.Slug, Name: sec.Name})
	}
	for i := range rows {
		rows[i].On = map[string]bool{}
		for _, sl := range news.AdSlots {
			rows[i].On[sl.Name] = !layout.SlotOff(rows[i].Section, sl.Name)
		}
	}
	v.Rows = rows
	for _, a := range ads {
		row := adRow{Ad: a}
		for _, st := range stats {
			if st.AdID == a.ID {
				row.Stats = append(row.Stats, st)
			}
		}
		v.Ads = append(v.Ads, row)
	}
	p := &page{Title: "الإعلانات", Active: "ads", Ads: v, Errors: errs, Flash: flash(r)}
	h.render(w, r.Request, r, status, "ads", p)
}

func (h *Handler) saveAdHosts(w http.ResponseWriter, r *request) {
	_, err := h.opts.Editorial.SaveAdHosts(r.Context(), r.user, r.PostFormValue("hosts"))
	if fe, ok := fieldErrors(err); ok {
		h.showAds(w, r, statusInvalid, r.PostFormValue("hosts"), fe)
		return
	}
	if err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	http.Redirect(w, r.Request, "/newsroom/ads/?done=ad-hosts", http.StatusSeeOther)
}

func (h *Handler) adPage(w http.ResponseWriter, r *request) {
	ads, _, err := h.opts.Editorial.Ads(r.Context(), r.user)
	if err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	in := &editorial.AdInput{Kind: "image", Weight: "1"}
	if idText := r.PathValue("id"); idText != "" {
		id, _ := strconv.ParseInt(idText, 10, 64)
		found := false
		for _, a := range ads {
			if a.ID == id {
				in, found = adInputFrom(a, h.opts.Editorial.FormatDate), true
			}
		}
		if !found {
			h.renderError(w, r.Request, r, http.StatusNotFound, "الإعلان غير موجود.")
			return
		}
	}
	h.showAd(w, r, http.StatusOK, in, nil)
}

func (h *Handler) showAd(w http.ResponseWriter, r *request, status int, in *editorial.AdInput, errs news.FieldErrors) {
	p := &page{Title: "إعلان", Active: "ads", Ads: &adsView{Ad: in, IsNew: in.ID == 0, Slots: news.AdSlots}, Errors: errs}
	if errs != nil {
		p.Alert = "لم يُحفظ: صحّح الحقول المعلَّمة."
	}
	h.render(w, r.Request, r, status, "ad", p)
}

// adInputFrom fills the form from a stored ad.
func adInputFrom(a news.Ad, date func(time.Time) string) *editorial.AdInput {
	in := &editorial.AdInput{ID: a.ID, Name: a.Name, Kind: "image", Link: a.Link, Alt: a.Alt, HTML: a.HTML, Slots: a.Slots,
		Sections: strings.Join(a.Sections, " "), Weight: strconv.Itoa(a.Weight), House: a.House, Paused: a.Paused}
	if a.HTML != "" {
		in.Kind = "html"
	}
	if a.ImageID != 0 {
		in.ImageID = strconv.FormatInt(a.ImageID, 10)
	}
	form := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return strings.Replace(date(t), " ", "T", 1)
	}
	in.Start, in.End = form(a.Start), form(a.End)
	return in
}

func (h *Handler) saveAd(w http.ResponseWriter, r *request) {
	f := r.PostFormValue
	in := &editorial.AdInput{Name: f("name"), Kind: f("kind"), ImageID: f("image_id"), Link: f("link"), Alt: f("alt"),
		HTML: f("html"), Slots: r.PostForm["slots"], Sections: f("sections"), Start: f("start"), End: f("end"),
		Weight: f("weight"), House: f("house") != "", Paused: f("paused") != ""}
	if idText := r.PathValue("id"); idText != "" && idText != "new" {
		in.ID, _ = strconv.ParseInt(idText, 10, 64)
	}
	a, err := h.opts.Editorial.SaveAd(r.Context(), r.user, *in)
	if fe, ok := fieldErrors(err); ok {
		h.showAd(w, r, statusInvalid, in, fe)
		return
	}
	if err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	http.Redirect(w, r.Request, fmt.Sprintf("/newsroom/ads/?done=ad#ad-%d", a.ID), http.StatusSeeOther)
}

func (h *Handler) deleteAd(w http.ResponseWriter, r *request) {
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err := h.opts.Editorial.DeleteAd(r.Context(), r.user, id); err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	http.Redirect(w, r.Request, "/newsroom/ads/?done=ad-deleted", http.StatusSeeOther)
}

// saveAdLayout saves the layout form: for each row it lists, the slots
// not ticked are off on that row's pages.
func (h *Handler) saveAdLayout(w http.ResponseWriter, r *request) {
	off := map[string][]string{}
	for _, section := range r.PostForm["row"] {
		on := map[string]bool{}
		for _, sl := range r.PostForm["on:"+section] {
			on[sl] = true
		}
		for _, sl := range news.AdSlots {
			if !on[sl.Name] {
				off[section] = append(off[section], sl.Name)
			}
		}
	}
	_, err := h.opts.Editorial.SaveAdLayout(r.Context(), r.user, r.PostFormValue("paragraph"), r.PostFormValue("per_page"), off)
	if fe, ok := fieldErrors(err); ok {
		h.showAds(w, r, statusInvalid, "", fe)
		return
	}
	if err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	http.Redirect(w, r.Request, "/newsroom/ads/?done=ad-layout", http.StatusSeeOther)
}
