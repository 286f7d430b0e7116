package web

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strconv"

	"sahafa/comments"
	"sahafa/news"
)

// commentsPrefix is where readers send comments: POST /comments/{id}/
// posts on article id, GET /comments/{id}/reply/{comment}/ is the form
// answering one comment (no script needed). Never cached.
const commentsPrefix = "/comments/"

// maxCommentBody bounds a posted comment form: the text's limit in the
// widest UTF-8, percent-encoded, and the other fields.
const maxCommentBody = 64 << 10

// commentsView is the comments block of an article page, and the page of
// the form on its own (a reply, or a form sent back to be corrected).
type commentsView struct {
	comments.Thread
	Article *news.Article
	Action  string // the form's action
	Form    commentForm
}

// commentForm is what the form shows: the reader's values when it comes
// back, the comment answered, and what to correct.
type commentForm struct {
	Name, Email, Text string
	Parent            *comments.Item
	Errors            news.FieldErrors
	Message           string // a refusal of the whole form (a limit)
	Sent              bool   // taken, and waiting for moderation
}

// commentItemView is one comment in its list: with a reply link when
// the article takes comments (and it is not the comment a form answers).
type commentItemView struct {
	Item   comments.Item
	Open   bool
	Action string
}

// commentAction is the form's action for article id.
func commentAction(id int64) string { return commentsPrefix + strconv.FormatInt(id, 10) + "/" }

// articleComments fills the comments block of an article page.
func (s *Site) articleComments(ctx context.Context, a *news.Article) (*commentsView, error) {
	if s.opts.Comments == nil {
		return nil, nil
	}
	th, err := s.opts.Comments.Thread(ctx, *a, s.cfg(ctx).Comments)
	if err != nil || !th.Shown {
		return nil, err
	}
	return &commentsView{Thread: th, Article: a, Action: commentAction(a.ID)}, nil
}

// pageComments is a static page's comments block: the approved ones an
// import brought (readers comment on articles; a page takes no new ones),
// nil when there are none or the site has comments off.
func (s *Site) pageComments(ctx context.Context, pg news.Page) (*commentsView, error) {
	if s.opts.Comments == nil || s.cfg(ctx).Comments.Mode == news.CommentsOff {
		return nil, nil
	}
	all, err := s.store.PageComments(ctx, pg.ID)
	if err != nil {
		return nil, err
	}
	var shown []news.Comment
	for _, c := range all {
		if c.Status == news.CommentApproved {
			shown = append(shown, c)
		}
	}
	if len(shown) == 0 {
		return nil, nil
	}
	th := comments.NewThread(comments.State{Shown: true, Closed: "التعليق مغلق على هذه الصفحة."}, shown)
	return &commentsView{Thread: th}, nil
}

// commentsHandler answers /comments/…: within the render limit, and
// refusing posts from other sites (a reader's browser sent there by
// another page).
func (s *Site) commentsHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /comments/{id}/{$}", s.postComment)
	mux.HandleFunc("GET /comments/{id}/reply/{comment}/{$}", s.replyForm)
	mux.HandleFunc("/comments/", func(w http.ResponseWriter, r *http.Request) { s.renderError(w, r, http.StatusNotFound, nil) })
	cop := http.NewCrossOriginProtection()
	if u, err := url.Parse(s.opts.BaseURL); err == nil && u.Host != "" {
		cop.AddTrustedOrigin(u.Scheme + "://" + u.Host)
	}
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.commentError(w, r, http.StatusForbidden, "رُفض التعليق لأنه أُرسل من موقع آخر. اكتبه من صفحة المقال نفسها.")
	}))
	inner := cop.Handler(mux)
	return s.renders.wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("X-Robots-Tag", "noindex")
		if s.opts.Comments == nil {
			s.renderError(w, r, http.StatusNotFound, nil)
			return
		}
		inner.ServeHTTP(w, r)
	}), s.busy)
}

// commentArticle reads the {id} of a comments path: a published article.
func (s *Site) commentArticle(w http.ResponseWriter, r *http.Request) (*news.Article, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.renderError(w, r, http.StatusNotFound, nil)
		return nil, false
	}
	a, err := s.store.Article(r.Context(), id)
	if err != nil {
		s.storeError(w, r, err)
		return nil, false
	}
	return &a, true
}

// replyForm is the form answering one comment, with that comment above.
func (s *Site) replyForm(w http.ResponseWriter, r *http.Request) {
	a, ok := s.commentArticle(w, r)
	if !ok {
		return
	}
	view, err := s.articleComments(r.Context(), a)
	if err != nil {
		s.storeError(w, r, err)
		return
	}
	if view == nil {
		s.renderError(w, r, http.StatusNotFound, nil)
		return
	}
	cid, _ := strconv.ParseInt(r.PathValue("comment"), 10, 64)
	if view.Form.Parent = findItem(view.Items, cid); view.Form.Parent == nil {
		s.renderError(w, r, http.StatusNotFound, nil)
		return
	}
	s.renderCommentPage(w, r, http.StatusOK, view)
}

func findItem(items []comments.Item, id int64) *comments.Item {
	for i := range items {
		if items[i].ID == id {
			return &items[i]
		}
	}
	return nil
}

// postComment takes a reader's comment: a published one goes back to the
// article at the comment; one held for moderation gets a page saying so;
// one to correct comes back in its form with the reader's text.
func (s *Site) postComment(w http.ResponseWriter, r *http.Request) {
	if r.ContentLength > maxCommentBody {
		w.Header().Set("Connection", "close")
		s.commentError(w, r, http.StatusRequestEntityTooLarge, "التعليق أطول من المسموح. اختصره ثم أرسله.")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxCommentBody)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			w.Header().Set("Connection", "close")
			s.commentError(w, r, http.StatusRequestEntityTooLarge, "التعليق أطول من المسموح. اختصره ثم أرسله.")
			return
		}
		s.commentError(w, r, http.StatusBadRequest, "تعذّرت قراءة النموذج المرسل. ارجع إلى المقال وأعد المحاولة.")
		return
	}
	a, ok := s.commentArticle(w, r)
	if !ok {
		return
	}
	parent, _ := strconv.ParseInt(r.PostFormValue("parent"), 10, 64)
	in := comments.Input{ArticleID: a.ID, ParentID: parent, Name: r.PostFormValue("name"), Email: r.PostFormValue("email"),
		Text: r.PostFormValue("text"), Honeypot: r.PostFormValue("website"), Client: s.clientAddress(r)}
	res, err := s.opts.Comments.Post(r.Context(), in)
	if err == nil && !res.Held {
		http.Redirect(w, r, a.Path()+"#"+"comment-"+strconv.FormatInt(res.Comment.ID, 10), http.StatusSeeOther)
		return
	}
	view := &commentsView{Article: a, Action: commentAction(a.ID),
		Form: commentForm{Name: in.Name, Email: in.Email, Text: in.Text}}
	if parent != 0 {
		if full, err := s.articleComments(r.Context(), a); err == nil && full != nil {
			view.Form.Parent = findItem(full.Items, parent)
		}
	}
	var le *news.LimitedError
	var fe news.FieldErrors
	switch code := news.ErrorCode(err); {
	case err == nil:
		view.Form = commentForm{Sent: true}
		s.renderCommentPage(w, r, http.StatusOK, view)
	case errors.As(err, &fe):
		view.Form.Errors = fe
		s.renderCommentPage(w, r, http.StatusUnprocessableEntity, view)
	case errors.As(err, &le):
		w.Header().Set("Retry-After", news.RetryAfterSeconds(le.RetryAfter))
		view.Form.Message = le.Message
		status := http.StatusTooManyRequests
		if le.Busy {
			status = http.StatusServiceUnavailable
		}
		s.renderCommentPage(w, r, status, view)
	case code == news.EFORBIDDEN:
		s.commentError(w, r, http.StatusForbidden, news.ErrorMessage(err))
	default:
		s.storeError(w, r, err)
	}
}

// renderCommentPage renders the comment form's own page.
func (s *Site) renderCommentPage(w http.ResponseWriter, r *http.Request, status int, view *commentsView) {
	title := "أضف تعليقًا"
	if view.Form.Sent {
		title = "وصل تعليقك"
	}
	p := &page{Title: title, Heading: title, NoIndex: true, Comments: view,
		Breadcrumb: []crumb{{Name: view.Article.Section.Name, URL: news.SectionPath(view.Article.Section.Slug)}, {Name: view.Article.Title, URL: view.Article.Path()}}}
	if stats, err := s.store.Sections(r.Context()); err == nil {
		p.Nav = stats
	}
	s.render(w, r, status, "comment", p)
}

// commentError is an error page for the comment form.
func (s *Site) commentError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	titles := map[int]string{http.StatusForbidden: "التعليق غير متاح", http.StatusBadRequest: "طلب غير صالح",
		http.StatusRequestEntityTooLarge: "التعليق طويل جدًا"}
	p := &page{Title: titles[status], Heading: titles[status], Status: status, Message: msg, NoIndex: true}
	s.render(w, r, status, "error", p)
}

// clientAddress is the reader's address for the comment limits.
func (s *Site) clientAddress(r *http.Request) string {
	if s.opts.ClientAddress != nil {
		return s.opts.ClientAddress(r)
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
