package newsroom

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"sahafa/editorial"
	"sahafa/ingest"
	"sahafa/news"
	"sahafa/wire"
)

// The wire desk ("الوارد"): the queue of agency copy, one story with its
// versions, drafts made from it, and (for admins) the sources.

func (h *Handler) wireRoutes() {
	m := h.mux
	m.Handle("GET /newsroom/wire/{$}", h.auth(h.wireQueue))
	m.Handle("GET /newsroom/wire/items/{id}", h.auth(h.wireItemPage))
	m.Handle("POST /newsroom/wire/items/{id}/draft", h.auth(h.wireDraft))
	m.Handle("GET /newsroom/wire/sources/{$}", h.auth(h.wireSources))
	m.Handle("POST /newsroom/wire/sources/{$}", h.auth(h.saveWireSource))
	m.Handle("GET /newsroom/wire/sources/{id}", h.auth(h.wireSourcePage))
	m.Handle("POST /newsroom/wire/sources/{id}", h.auth(h.saveWireSource))
	m.Handle("POST /newsroom/wire/sources/{id}/delete", h.auth(h.deleteWireSource))
	m.Handle("POST /newsroom/wire/sources/{id}/poll", h.auth(h.pollWireSource))
}

// wireView is the queue, one story, or the sources.
type wireView struct {
	Items    []news.WireItem
	Sources  []news.WireSource
	Sections []news.SectionStats
	Source   int64 // filters
	Urgent   bool
	Section  int64
	Query    string
	One      *news.WireItem
	Versions []news.WireItem
	Group    []news.WireItem  // the other sources' stories of the same event
	Edit     *news.WireSource // the source form (ID 0: a new one)
	Formats  []struct {
		Key   ingest.Format
		Label string
	}
	Now       time.Time
	HasSecret bool
}

func (h *Handler) wireAvailable(w http.ResponseWriter, r *request, act editorial.Action) bool {
	return h.available(w, r, act, h.opts.Wire != nil, "الوارد غير مفعّل في هذا الخادم.")
}

func (h *Handler) wireQueue(w http.ResponseWriter, r *request) {
	if !h.wireAvailable(w, r, editorial.ActCreate) {
		return
	}
	q := r.URL.Query()
	n, _ := strconv.Atoi(q.Get("page"))
	n = max(1, min(n, 1000))
	view := &wireView{Query: strings.TrimSpace(q.Get("q")), Urgent: q.Get("urgent") == "1", Now: time.Now()}
	if utf8.RuneCountInString(view.Query) > 200 {
		view.Query = string([]rune(view.Query)[:200])
	}
	view.Source, _ = strconv.ParseInt(q.Get("source"), 10, 64)
	view.Section, _ = strconv.ParseInt(q.Get("section"), 10, 64)
	f := news.WireFilter{SourceID: view.Source, SectionID: view.Section, Terms: wire.QueryTerms(view.Query),
		Limit: news.WireQueuePageItems, Offset: (n - 1) * news.WireQueuePageItems}
	f.Urgent = view.Urgent
	// Without filters each group of stories is listed once, by its
	// newest; a filter lists every story it picks.
	f.Grouped = !view.Urgent && view.Source == 0 && view.Section == 0 && view.Query == ""
	items, total, err := h.opts.Store.WireItems(r.Context(), f)
	if err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	view.Items = items
	if view.Sources, err = h.opts.Store.WireSources(r.Context()); err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	if view.Sections, err = h.opts.Store.Sections(r.Context()); err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	p := &page{Title: "الوارد", Active: "wire", Wire: view, Total: total, Flash: wireFlash(r)}
	p.Pager = makePager(r.URL, n, min(total, news.WireCountCap), news.WireQueuePageItems)
	h.render(w, r.Request, r, http.StatusOK, "wire", p)
}

func wireFlash(r *request) string {
	switch r.URL.Query().Get("done") {
	case "saved":
		return "حُفظ المصدر."
	case "deleted":
		return "حُذف المصدر وما وصل منه."
	case "polled":
		return "جُلب المصدر: " + r.URL.Query().Get("report")
	}
	return ""
}

func (h *Handler) wireItemPage(w http.ResponseWriter, r *request) {
	if !h.wireAvailable(w, r, editorial.ActCreate) {
		return
	}
	id, ok := pathID(r)
	if !ok {
		h.renderError(w, r.Request, r, http.StatusNotFound, "لا يوجد خبر وارد بهذا الرقم.")
		return
	}
	it, err := h.opts.Store.WireItem(r.Context(), id)
	if err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	versions, err := h.opts.Store.WireVersions(r.Context(), it.SourceID, it.GUID)
	if err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	var group []news.WireItem
	if it.GroupSize > 1 {
		if group, err = h.opts.Store.WireGroup(r.Context(), it.GroupID); err != nil {
			h.fail(w, r.Request, r, err)
			return
		}
	}
	p := &page{Title: it.Headline, Active: "wire", Wire: &wireView{One: &it, Versions: versions, Group: group, Now: time.Now()}}
	if r.URL.Query().Get("error") != "" {
		p.Alert = r.URL.Query().Get("error")
	}
	h.render(w, r.Request, r, http.StatusOK, "wire-item", p)
}

// wireDraft makes (or opens) the story's draft and goes to its editor.
func (h *Handler) wireDraft(w http.ResponseWriter, r *request) {
	if !h.wireAvailable(w, r, editorial.ActCreate) {
		return
	}
	id, ok := pathID(r)
	if !ok {
		h.renderError(w, r.Request, r, http.StatusNotFound, "لا يوجد خبر وارد بهذا الرقم.")
		return
	}
	a, created, err := h.opts.Wire.Draft(r.Context(), h.opts.Editorial, r.user, id)
	if err != nil && a.ID == 0 {
		var fe news.FieldErrors
		if errors.As(err, &fe) {
			msgs := make([]string, 0, len(fe))
			for _, m := range fe {
				msgs = append(msgs, m)
			}
			sort.Strings(msgs)
			err = news.Errorf(news.EINVALID, "تعذّر إنشاء المسودة: %s", strings.Join(msgs, "؛ "))
		}
		if news.ErrorCode(err) == news.EINVALID {
			http.Redirect(w, r.Request, fmt.Sprintf("/newsroom/wire/items/%d?error=%s", id, url.QueryEscape(news.ErrorMessage(err))), http.StatusSeeOther)
			return
		}
		h.fail(w, r.Request, r, err)
		return
	}
	if err != nil {
		h.log.WarnContext(r.Context(), "newsroom: wire draft", "err", err)
	}
	done := "opened"
	if created {
		done = "created"
	}
	http.Redirect(w, r.Request, fmt.Sprintf("/newsroom/articles/%d?done=%s", a.ID, done), http.StatusSeeOther)
}

func (h *Handler) wireSources(w http.ResponseWriter, r *request) {
	if !h.wireAvailable(w, r, editorial.ActSettings) {
		return
	}
	h.renderWireSources(w, r, http.StatusOK, &news.WireSource{Kind: news.WireHTTP, Interval: news.DefaultWireEvery, Priority: 5, Enabled: true}, nil)
}

func (h *Handler) wireSourcePage(w http.ResponseWriter, r *request) {
	if !h.wireAvailable(w, r, editorial.ActSettings) {
		return
	}
	id, _ := pathID(r)
	src, err := h.opts.Store.WireSource(r.Context(), id)
	if err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	h.renderWireSources(w, r, http.StatusOK, &src, nil)
}

func (h *Handler) renderWireSources(w http.ResponseWriter, r *request, status int, edit *news.WireSource, errs news.FieldErrors) {
	sources, err := h.opts.Store.WireSources(r.Context())
	if err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	sections, err := h.opts.Store.Sections(r.Context())
	if err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	view := &wireView{Sources: sources, Sections: sections, Edit: edit, Formats: ingest.Formats, HasSecret: len(edit.Secret) > 0,
		Now: time.Now()}
	p := &page{Title: "مصادر الوارد", Active: "wire", Wire: view, Errors: errs, Flash: wireFlash(r)}
	if errs != nil {
		p.Alert = "لم يُحفظ المصدر: صحّح الحقول المعلَّمة."
	}
	h.render(w, r.Request, r, status, "wire-sources", p)
}

// saveWireSource checks and saves the source form.
func (h *Handler) saveWireSource(w http.ResponseWriter, r *request) {
	if !h.wireAvailable(w, r, editorial.ActSettings) {
		return
	}
	f := r.PostFormValue
	in := wire.SourceInput{Name: f("name"), Kind: f("kind"), Address: f("address"), Format: f("format"), Minutes: f("minutes"),
		Priority: f("priority"), Enabled: f("enabled") == "1", Auth: f("auth"), AuthUser: f("auth_user"), Secret: f("secret")}
	in.ID, _ = pathID(r)
	in.Section, _ = strconv.ParseInt(f("section"), 10, 64)
	saved, err := h.opts.Wire.SaveSource(r.Context(), in)
	var fe news.FieldErrors
	if errors.As(err, &fe) {
		h.renderWireSources(w, r, statusInvalid, &saved, fe)
		return
	}
	if err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	http.Redirect(w, r.Request, fmt.Sprintf("/newsroom/wire/sources/%d?done=saved", saved.ID), http.StatusSeeOther)
}

func (h *Handler) deleteWireSource(w http.ResponseWriter, r *request) {
	if !h.wireAvailable(w, r, editorial.ActSettings) {
		return
	}
	id, _ := pathID(r)
	if err := h.opts.Store.DeleteWireSource(r.Context(), id); err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	http.Redirect(w, r.Request, "/newsroom/wire/sources/?done=deleted", http.StatusSeeOther)
}

// pollWireSource polls a source now and says what came.
func (h *Handler) pollWireSource(w http.ResponseWriter, r *request) {
	if !h.wireAvailable(w, r, editorial.ActSettings) {
		return
	}
	id, _ := pathID(r)
	rep, err := h.opts.Wire.PollNow(r.Context(), id)
	msg := fmt.Sprintf("%d ملف، %d خبر، %d جديد", rep.Files, rep.Items, rep.Stored)
	if rep.NotModif {
		msg = "لا جديد منذ الجلبة السابقة"
	}
	if err != nil {
		if news.ErrorCode(err) == news.ENOTFOUND {
			h.fail(w, r.Request, r, err)
			return
		}
		msg = "تعذّر: " + err.Error()
	}
	http.Redirect(w, r.Request, fmt.Sprintf("/newsroom/wire/sources/%d?done=polled&report=%s", id, url.QueryEscape(msg)), http.StatusSeeOther)
}
