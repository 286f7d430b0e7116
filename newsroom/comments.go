package newsroom

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"sahafa/comments"
	"sahafa/news"
)

// Readers' comments: the moderation list, one comment with the reply
// form, bulk moderation and an article's switch. The comments service
// enforces the roles.

func (h *Handler) commentRoutes() {
	m := h.mux
	m.Handle("GET /newsroom/comments/{$}", h.auth(h.commentQueue))
	m.Handle("POST /newsroom/comments/{$}", h.auth(h.moderateComments))
	m.Handle("POST /newsroom/comments/mode", h.auth(h.setCommentMode))
	m.Handle("GET /newsroom/comments/{id}", h.auth(h.commentPage))
	m.Handle("POST /newsroom/comments/{id}/reply", h.auth(h.replyComment))
}

const commentPageSize = 30

// commentsView is the moderation list, or one comment.
type commentsView struct {
	List     news.CommentList
	Rendered map[int64]comments.Text // each comment's text as readers would see it
	Counts   map[news.CommentStatus]int
	Statuses []news.CommentStatus
	Status   news.CommentStatus // the list's filter
	Article  *news.Article      // the article the list is filtered by
	Mode     news.CommentMode   // that article's own switch
	One      *news.Comment      // the comment the reply page shows
	Reply    string             // the reply's text, when it comes back
}

func (h *Handler) commentQueue(w http.ResponseWriter, r *request) {
	if h.opts.Comments == nil {
		h.renderError(w, r.Request, r, http.StatusNotFound, "تعليقات القرّاء غير مفعّلة في هذا الخادم.")
		return
	}
	q := r.URL.Query()
	n, _ := strconv.Atoi(q.Get("page"))
	n = max(1, min(n, 1000))
	view := &commentsView{Statuses: news.CommentStatuses, Status: news.CommentStatus(q.Get("status"))}
	f := news.CommentFilter{Status: view.Status, Limit: commentPageSize, Offset: (n - 1) * commentPageSize}
	if q.Get("status") == "" {
		view.Status, f.Status = news.CommentPending, news.CommentPending
	}
	if q.Get("status") == "all" {
		view.Status, f.Status = "", ""
	}
	if id, err := strconv.ParseInt(q.Get("article"), 10, 64); err == nil && id > 0 {
		a, err := h.opts.Store.EditorialArticle(r.Context(), id)
		if err != nil {
			h.fail(w, r.Request, r, err)
			return
		}
		view.Article, f.ArticleID = &a, id
		if view.Mode, err = h.opts.Comments.Mode(r.Context(), r.user, id); err != nil {
			h.fail(w, r.Request, r, err)
			return
		}
	}
	list, counts, err := h.opts.Comments.Queue(r.Context(), r.user, f)
	if err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	view.List, view.Counts = list, counts
	view.Rendered = make(map[int64]comments.Text, len(list.Comments))
	for _, c := range list.Comments {
		view.Rendered[c.ID] = comments.Render(c.Comment)
	}
	h.render(w, r.Request, r, http.StatusOK, "comments", &page{Title: "تعليقات القرّاء", Active: "comments", Comments: view,
		Pager: makePager(r.URL, n, list.Total, commentPageSize), Flash: commentFlash(r), BackURL: r.URL.RequestURI()})
}

// commentFlash says what the last moderation did.
func commentFlash(r *request) string {
	q := r.URL.Query()
	switch q.Get("done") {
	case "moderated":
		n, _ := strconv.Atoi(q.Get("n"))
		return fmt.Sprintf("نُقل %d تعليق إلى «%s».", n, news.CommentStatus(q.Get("to")).Label())
	case "replied":
		return "نُشر ردّك تحت المقال."
	case "mode":
		return "حُفظ مفتاح التعليقات لهذا المقال."
	}
	return ""
}

// moderateComments moves the checked comments to the chosen status and
// goes back to the list.
func (h *Handler) moderateComments(w http.ResponseWriter, r *request) {
	if h.opts.Comments == nil {
		h.renderError(w, r.Request, r, http.StatusNotFound, "تعليقات القرّاء غير مفعّلة في هذا الخادم.")
		return
	}
	var ids []int64
	for _, v := range r.PostForm["ids"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id <= 0 {
			h.renderError(w, r.Request, r, http.StatusBadRequest, fmt.Sprintf("رقم تعليق غير صالح: %q", v))
			return
		}
		ids = append(ids, id)
	}
	to := news.CommentStatus(r.PostFormValue("to"))
	if err := h.opts.Comments.Moderate(r.Context(), r.user, ids, to); err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	back := safeCommentsBack(r.PostFormValue("back"))
	http.Redirect(w, r.Request, withQuery(back, url.Values{"done": {"moderated"}, "n": {strconv.Itoa(len(ids))}, "to": {string(to)}}),
		http.StatusSeeOther)
}

// safeCommentsBack is where a moderation returns: the list it came from.
func safeCommentsBack(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "" || u.Host != "" || u.Path != Prefix+"comments/" {
		return Prefix + "comments/"
	}
	q := u.Query()
	for _, k := range []string{"done", "n", "to"} {
		q.Del(k)
	}
	u.RawQuery = q.Encode()
	return u.String()
}

func (h *Handler) commentPage(w http.ResponseWriter, r *request) {
	h.commentForm(w, r, http.StatusOK, "", nil)
}

// commentForm shows one comment and the form answering it.
func (h *Handler) commentForm(w http.ResponseWriter, r *request, status int, reply string, errs news.FieldErrors) {
	id, ok := pathID(r)
	if !ok || h.opts.Comments == nil {
		h.renderError(w, r.Request, r, http.StatusNotFound, "لا يوجد تعليق بهذا الرقم.")
		return
	}
	c, err := h.opts.Comments.Comment(r.Context(), r.user, id)
	if err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	a, err := h.opts.Store.EditorialArticle(r.Context(), c.ArticleID)
	if err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	view := &commentsView{One: &c, Article: &a, Reply: reply, Statuses: news.CommentStatuses,
		Rendered: map[int64]comments.Text{c.ID: comments.Render(c)}}
	h.render(w, r.Request, r, status, "comment", &page{Title: "تعليق على «" + cutRunes(a.Title, 60) + "»", Active: "comments",
		Comments: view, Errors: errs, BackURL: Prefix + "comments/?article=" + strconv.FormatInt(a.ID, 10) + "&status=all"})
}

func (h *Handler) replyComment(w http.ResponseWriter, r *request) {
	id, ok := pathID(r)
	if !ok || h.opts.Comments == nil {
		h.renderError(w, r.Request, r, http.StatusNotFound, "لا يوجد تعليق بهذا الرقم.")
		return
	}
	text := r.PostFormValue("text")
	reply, err := h.opts.Comments.Reply(r.Context(), r.user, id, text)
	if fe, ok := fieldErrors(err); ok {
		h.commentForm(w, r, statusInvalid, text, fe)
		return
	}
	if err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	http.Redirect(w, r.Request, fmt.Sprintf("%scomments/?article=%d&status=all&done=replied#c%d", Prefix, reply.ArticleID, reply.ID),
		http.StatusSeeOther)
}

// setCommentMode sets an article's own switch.
func (h *Handler) setCommentMode(w http.ResponseWriter, r *request) {
	id, err := strconv.ParseInt(r.PostFormValue("article"), 10, 64)
	if err != nil || id <= 0 || h.opts.Comments == nil {
		h.renderError(w, r.Request, r, http.StatusBadRequest, "رقم مقال غير صالح.")
		return
	}
	if err := h.opts.Comments.SetMode(r.Context(), r.user, id, news.CommentMode(r.PostFormValue("mode"))); err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	http.Redirect(w, r.Request, fmt.Sprintf("%scomments/?article=%d&status=all&done=mode", Prefix, id), http.StatusSeeOther)
}
