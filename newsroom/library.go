package newsroom

import (
	"cmp"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"sahafa/editorial"
	"sahafa/news"
)

// The trash, bulk actions and the author directory.

func (h *Handler) libraryRoutes() {
	m := h.mux
	m.Handle("POST /newsroom/articles/{id}/trash", h.auth(h.articleTrash("trashed")))
	m.Handle("POST /newsroom/articles/{id}/untrash", h.auth(h.articleTrash("untrashed")))
	m.Handle("POST /newsroom/articles/{id}/purge", h.auth(h.articleTrash("purged")))
	m.Handle("POST /newsroom/articles/bulk", h.auth(h.bulk))
	m.Handle("GET /newsroom/trash/{$}", h.auth(h.trash))
	m.Handle("GET /newsroom/authors/{$}", h.auth(h.authors))
	m.Handle("GET /newsroom/authors.json", h.auth(h.authorsJSON))
	m.Handle("GET /newsroom/authors/{id}", h.auth(h.authorPage))
	m.Handle("POST /newsroom/authors/{id}", h.auth(h.saveAuthor))
	m.Handle("POST /newsroom/authors/{id}/merge", h.auth(h.mergeAuthor))
	h.pageRoutes()
	h.frontRoutes()
	h.liveRoutes()
	h.readershipRoutes()
	h.adRoutes()
	h.tokenRoutes()
	h.commentRoutes()
	h.importRoutes()
	h.wireRoutes()
	h.webhookRoutes()
	m.Handle("GET /newsroom/breaking", h.auth(h.breakingPage))
	m.Handle("POST /newsroom/breaking", h.auth(h.postBreaking))
	m.Handle("POST /newsroom/breaking/end", h.auth(h.endBreaking))
	m.Handle("POST /newsroom/media/{id}/framing", h.auth(h.reframe))
	m.Handle("POST /newsroom/media/{id}/trash", h.auth(h.mediaTrash("trashed")))
	m.Handle("POST /newsroom/media/{id}/untrash", h.auth(h.mediaTrash("untrashed")))
	m.Handle("POST /newsroom/media/{id}/purge", h.auth(h.mediaTrash("purged")))
}

// articleTrash puts an article in the trash, takes it out, or deletes it
// for good, and goes back to where the article (or the trash) is shown.
func (h *Handler) articleTrash(op string) func(w http.ResponseWriter, r *request) {
	return func(w http.ResponseWriter, r *request) {
		id, ok := h.articleID(w, r)
		if !ok {
			return
		}
		var err error
		target := fmt.Sprintf("/newsroom/articles/%d?done=%s", id, op)
		switch op {
		case "trashed":
			version, _ := strconv.Atoi(r.PostFormValue("version"))
			_, err = h.opts.Editorial.Trash(r.Context(), r.user, id, version)
		case "untrashed":
			_, err = h.opts.Editorial.Untrash(r.Context(), r.user, id)
		default:
			err = h.opts.Editorial.Purge(r.Context(), r.user, id)
			target = "/newsroom/trash/?done=purged"
		}
		if err != nil {
			h.fail(w, r.Request, r, err)
			return
		}
		http.Redirect(w, r.Request, target, http.StatusSeeOther)
	}
}

const trashPageSize = 30

func (h *Handler) trash(w http.ResponseWriter, r *request) {
	n, _ := strconv.Atoi(r.URL.Query().Get("page"))
	n = max(1, min(n, 1000))
	list, err := h.opts.Editorial.TrashList(r.Context(), r.user, (n-1)*trashPageSize, trashPageSize)
	if err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	p := &page{Title: "سلة المحذوفات", Active: "trash", List: list, Pager: makePager(r.URL, n, list.Total, trashPageSize),
		Flash: flash(r), Bulk: r.bulkResult(), Trash: true, BackURL: r.URL.RequestURI()}
	h.render(w, r.Request, r, http.StatusOK, "trash", p)
}

// bulk applies a list's action to its checked articles and goes back to
// the list with what was done.
func (h *Handler) bulk(w http.ResponseWriter, r *request) {
	req := editorial.BulkRequest{Action: r.PostFormValue("bulk_action"), Section: r.PostFormValue("bulk_section"),
		Tag: r.PostFormValue("bulk_tag")}
	for _, v := range r.PostForm["ids"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			h.renderError(w, r.Request, r, http.StatusBadRequest, fmt.Sprintf("رقم مقال غير صالح: %q", v))
			return
		}
		req.IDs = append(req.IDs, id)
	}
	res, err := h.opts.Editorial.Bulk(r.Context(), r.user, req)
	back := safeBack(r.PostFormValue("back"))
	if fe, ok := fieldErrors(err); ok {
		q := url.Values{"bulk_error": {fe.Error()}}
		http.Redirect(w, r.Request, withQuery(back, q), http.StatusSeeOther)
		return
	}
	if err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	if res.Done == 0 && len(res.Failed) > 0 && allForbidden(res.Failed) {
		h.fail(w, r.Request, r, news.Errorf(news.EFORBIDDEN, "ليست لديك صلاحية لهذا الإجراء على المقالات المحددة"))
		return
	}
	q := url.Values{"bulk_done": {strconv.Itoa(res.Done)}}
	for i, f := range res.Failed {
		if i == 10 {
			q.Add("bulk_failed", fmt.Sprintf("و%d مقالات أخرى", len(res.Failed)-10))
			break
		}
		q.Add("bulk_failed", fmt.Sprintf("«%s»: %s", cutRunes(f.Title, 60), f.Reason))
	}
	http.Redirect(w, r.Request, withQuery(back, q), http.StatusSeeOther)
}

func allForbidden(fs []editorial.BulkFailure) bool {
	for _, f := range fs {
		if !strings.Contains(f.Reason, "صلاحية") {
			return false
		}
	}
	return true
}

// bulkView is what a bulk action did, shown above the list it came from.
type bulkView struct {
	Done   int
	Failed []string
	Error  string
}

// bulkResult reads the summary a bulk action's redirect carries.
func (r *request) bulkResult() *bulkView {
	q := r.URL.Query()
	if !q.Has("bulk_done") && !q.Has("bulk_error") {
		return nil
	}
	done, _ := strconv.Atoi(q.Get("bulk_done"))
	return &bulkView{Done: done, Failed: q["bulk_failed"], Error: q.Get("bulk_error")}
}

// safeBack is where a bulk action returns: a newsroom list, never
// another site.
func safeBack(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "" || u.Host != "" || !strings.HasPrefix(u.Path, Prefix) || strings.HasPrefix(u.Path, "//") {
		return Prefix + "articles/"
	}
	q := u.Query()
	for _, k := range []string{"bulk_done", "bulk_failed", "bulk_error"} {
		q.Del(k)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

func withQuery(path string, q url.Values) string {
	if strings.Contains(path, "?") {
		return path + "&" + q.Encode()
	}
	return path + "?" + q.Encode()
}

func cutRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

const authorsPageSize = 50

func (h *Handler) authors(w http.ResponseWriter, r *request) {
	q := r.URL.Query()
	n, _ := strconv.Atoi(q.Get("page"))
	n = max(1, min(n, 1000))
	f := news.AuthorFilter{Query: strings.TrimSpace(q.Get("q")), Duplicates: q.Get("duplicates") != "",
		Limit: authorsPageSize, Offset: (n - 1) * authorsPageSize}
	list, total, err := h.opts.Editorial.Authors(r.Context(), r.user, f)
	if err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	h.render(w, r.Request, r, http.StatusOK, "authors", &page{Title: "الكتّاب", Active: "authors", Authors: list,
		Query: f.Query, Duplicates: f.Duplicates, Pager: makePager(r.URL, n, total, authorsPageSize), Total: total, Flash: flash(r)})
}

// authorsJSON completes the editor's byline field: up to 10 names.
func (h *Handler) authorsJSON(w http.ResponseWriter, r *request) {
	list, _, err := h.opts.Editorial.Authors(r.Context(), r.user, news.AuthorFilter{Query: r.URL.Query().Get("q"), Limit: 10})
	if err != nil {
		h.failJSON(w, r, err)
		return
	}
	type author struct {
		ID       int64  `json:"id"`
		Name     string `json:"name"`
		Articles int    `json:"articles"`
	}
	out := struct {
		Authors []author `json:"authors"`
	}{Authors: []author{}}
	for _, a := range list {
		out.Authors = append(out.Authors, author{a.ID, a.Name, a.Articles})
	}
	h.writeJSON(w, http.StatusOK, out)
}

func (h *Handler) authorPage(w http.ResponseWriter, r *request) {
	id, ok := pathID(r)
	if !ok {
		h.renderError(w, r.Request, r, http.StatusNotFound, "الكاتب غير موجود.")
		return
	}
	a, err := h.opts.Editorial.Author(r.Context(), r.user, id)
	if err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	h.showAuthor(w, r, http.StatusOK, a, authorForm(a), nil)
}

func authorForm(a news.Author) map[string]string {
	f := map[string]string{"name": a.Name, "slug": a.Slug, "bio": a.Profile.Bio, "links": strings.Join(a.Profile.Links, "\n")}
	if a.Profile.PhotoID != 0 {
		f["photo_id"] = strconv.FormatInt(a.Profile.PhotoID, 10)
	}
	return f
}

// showAuthor shows an author's page: the profile form, the authors who
// share their normalized name (to merge), and a merge by search.
func (h *Handler) showAuthor(w http.ResponseWriter, r *request, status int, a news.Author, form map[string]string, errs news.FieldErrors) {
	ctx := r.Context()
	// RichEditor: the editor's bundle has the library picker for the photo.
	p := &page{Title: "الكاتب: " + a.Name, Active: "authors", Author: &a, Form: form, Errors: errs, Flash: flash(r),
		RichEditor: true}
	if errs != nil {
		p.Alert = "لم يُحفظ: صحّح الحقول المعلَّمة."
	}
	// Candidates to merge: the same name as Normalize folds it, and, when
	// asked, a search.
	same, _, err := h.opts.Editorial.Authors(ctx, r.user, news.AuthorFilter{Query: a.Name, Limit: 20})
	if err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	if q := strings.TrimSpace(r.URL.Query().Get("merge_q")); q != "" {
		more, _, err := h.opts.Editorial.Authors(ctx, r.user, news.AuthorFilter{Query: q, Limit: 20})
		if err != nil {
			h.fail(w, r.Request, r, err)
			return
		}
		same = append(same, more...)
		p.Query = q
	}
	seen := map[int64]bool{a.ID: true}
	for _, c := range same {
		if !seen[c.ID] {
			seen[c.ID] = true
			p.Authors = append(p.Authors, c)
		}
	}
	if id, err := strconv.ParseInt(form["photo_id"], 10, 64); err == nil && id > 0 {
		if m, err := h.opts.Store.Media(ctx, id); err == nil {
			p.MediaItem = &m
		}
	}
	h.render(w, r.Request, r, status, "author", p)
}

func (h *Handler) saveAuthor(w http.ResponseWriter, r *request) {
	id, ok := pathID(r)
	if !ok {
		h.renderError(w, r.Request, r, http.StatusNotFound, "الكاتب غير موجود.")
		return
	}
	f := r.PostFormValue
	in := editorial.AuthorInput{ID: id, Name: f("name"), Slug: f("slug"), Bio: f("bio"), PhotoID: f("photo_id"), Links: f("links")}
	_, err := h.opts.Editorial.SaveAuthor(r.Context(), r.user, in)
	if fe, isField := fieldErrors(err); isField {
		a, err := h.opts.Editorial.Author(r.Context(), r.user, id)
		if err != nil {
			h.fail(w, r.Request, r, err)
			return
		}
		form := map[string]string{"name": in.Name, "slug": in.Slug, "bio": in.Bio, "photo_id": in.PhotoID, "links": in.Links}
		h.showAuthor(w, r, statusInvalid, a, form, fe)
		return
	}
	if err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	http.Redirect(w, r.Request, fmt.Sprintf("/newsroom/authors/%d?done=author", id), http.StatusSeeOther)
}

// mergeAuthor merges the author of the form's "from" into this one.
func (h *Handler) mergeAuthor(w http.ResponseWriter, r *request) {
	id, ok := pathID(r)
	if !ok {
		h.renderError(w, r.Request, r, http.StatusNotFound, "الكاتب غير موجود.")
		return
	}
	from, err := strconv.ParseInt(r.PostFormValue("from"), 10, 64)
	if err != nil || from <= 0 {
		h.renderError(w, r.Request, r, http.StatusBadRequest, "اختر الكاتب الذي يُدمج في هذا.")
		return
	}
	if err := h.opts.Editorial.MergeAuthors(r.Context(), r.user, id, from); err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	http.Redirect(w, r.Request, fmt.Sprintf("/newsroom/authors/%d?done=merged", id), http.StatusSeeOther)
}

func (h *Handler) breakingPage(w http.ResponseWriter, r *request) {
	// A wire desk's urgent item comes with its headline.
	text := strings.TrimSpace(r.URL.Query().Get("text"))
	if utf8.RuneCountInString(text) > 200 {
		text = string([]rune(text)[:200])
	}
	h.showBreaking(w, r, http.StatusOK, map[string]string{"minutes": "60", "text": text}, nil)
}

// showBreaking shows the breaking-news form and the line in force.
func (h *Handler) showBreaking(w http.ResponseWriter, r *request, status int, form map[string]string, errs news.FieldErrors) {
	if !editorial.Can(r.user, editorial.ActBreaking, nil) {
		h.fail(w, r.Request, r, news.Errorf(news.EFORBIDDEN, "ليست لديك صلاحية لهذا الإجراء"))
		return
	}
	cur, err := h.opts.Editorial.Breaking(r.Context())
	if err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	p := &page{Title: "خبر عاجل", Active: "breaking", Form: form, Errors: errs, Flash: flash(r), Breaking: cur}
	if errs != nil {
		p.Alert = "لم يُنشر: صحّح الحقول المعلَّمة."
	}
	h.render(w, r.Request, r, status, "breaking", p)
}

func (h *Handler) postBreaking(w http.ResponseWriter, r *request) {
	f := r.PostFormValue
	minutes, _ := strconv.Atoi(strings.TrimSpace(f("minutes")))
	_, err := h.opts.Editorial.PostBreaking(r.Context(), r.user, f("text"), f("url"), minutes)
	if fe, ok := fieldErrors(err); ok {
		h.showBreaking(w, r, statusInvalid, map[string]string{"text": f("text"), "url": f("url"), "minutes": f("minutes")}, fe)
		return
	}
	if err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	http.Redirect(w, r.Request, "/newsroom/breaking?done=breaking", http.StatusSeeOther)
}

func (h *Handler) endBreaking(w http.ResponseWriter, r *request) {
	if err := h.opts.Editorial.EndBreaking(r.Context(), r.user); err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	http.Redirect(w, r.Request, "/newsroom/breaking?done=breaking-ended", http.StatusSeeOther)
}

func (h *Handler) pageRoutes() {
	m := h.mux
	m.Handle("GET /newsroom/pages/{$}", h.auth(h.pagesList))
	m.Handle("GET /newsroom/pages/new", h.auth(h.pageEditor))
	m.Handle("POST /newsroom/pages/new", h.auth(h.savePage))
	m.Handle("GET /newsroom/pages/{id}", h.auth(h.pageEditor))
	m.Handle("POST /newsroom/pages/{id}", h.auth(h.savePage))
	m.Handle("POST /newsroom/pages/{id}/delete", h.auth(h.deletePage))
}

func (h *Handler) pagesList(w http.ResponseWriter, r *request) {
	list, err := h.opts.Editorial.Pages(r.Context(), r.user)
	if err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	h.render(w, r.Request, r, http.StatusOK, "pages", &page{Title: "صفحات الموقع", Active: "pages", Pages: list, Flash: flash(r)})
}

func (h *Handler) pageEditor(w http.ResponseWriter, r *request) {
	in := editorial.PageInput{Footer: true}
	if r.PathValue("id") != "" {
		id, ok := pathID(r)
		if !ok {
			h.renderError(w, r.Request, r, http.StatusNotFound, "الصفحة غير موجودة.")
			return
		}
		pg, err := h.opts.Editorial.Page(r.Context(), r.user, id)
		if err != nil {
			h.fail(w, r.Request, r, err)
			return
		}
		in = editorial.PageInputFrom(pg)
	} else if !editorial.Can(r.user, editorial.ActManagePages, nil) {
		h.fail(w, r.Request, r, news.Errorf(news.EFORBIDDEN, "ليست لديك صلاحية لهذا الإجراء"))
		return
	}
	h.showPageEditor(w, r, http.StatusOK, in, nil)
}

func (h *Handler) showPageEditor(w http.ResponseWriter, r *request, status int, in editorial.PageInput, errs news.FieldErrors) {
	p := &page{Title: "صفحة: " + cmp.Or(in.Title, "جديدة"), Active: "pages", PageInput: &in, Errors: errs, Flash: flash(r), RichEditor: true}
	if errs != nil {
		p.Alert = "لم تُحفظ الصفحة: صحّح الحقول المعلَّمة."
	}
	if in.Body != "" {
		p.Preview = template.HTML(h.opts.Editorial.EditorHTML(r.Context(), editorial.ArticleInput{Body: in.Body, BodyFormat: in.BodyFormat}))
	}
	h.render(w, r.Request, r, status, "page-editor", p)
}

func (h *Handler) savePage(w http.ResponseWriter, r *request) {
	var id int64
	if r.PathValue("id") != "" {
		var ok bool
		if id, ok = pathID(r); !ok {
			h.renderError(w, r.Request, r, http.StatusNotFound, "الصفحة غير موجودة.")
			return
		}
	}
	f := r.PostFormValue
	in := editorial.PageInput{ID: id, Title: f("title"), Slug: f("slug"), Body: normalizeNewlines(f("body")),
		BodyFormat: f("body_format"), Footer: f("footer") != "", Position: f("position")}
	pg, err := h.opts.Editorial.SavePage(r.Context(), r.user, in)
	if fe, ok := fieldErrors(err); ok {
		h.showPageEditor(w, r, statusInvalid, in, fe)
		return
	}
	if err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	http.Redirect(w, r.Request, fmt.Sprintf("/newsroom/pages/%d?done=page", pg.ID), http.StatusSeeOther)
}

func (h *Handler) deletePage(w http.ResponseWriter, r *request) {
	id, ok := pathID(r)
	if !ok {
		h.renderError(w, r.Request, r, http.StatusNotFound, "الصفحة غير موجودة.")
		return
	}
	if err := h.opts.Editorial.DeletePage(r.Context(), r.user, id); err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	http.Redirect(w, r.Request, "/newsroom/pages/?done=page-deleted", http.StatusSeeOther)
}
