package newsroom

import (
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"sahafa/editorial"
	"sahafa/markup"
	"sahafa/news"
	"sahafa/publish"
)

func (h *Handler) loginPage(w http.ResponseWriter, r *http.Request) {
	h.render(w, r, nil, http.StatusOK, "login", &page{Title: "تسجيل الدخول", Next: safeNext(r.URL.Query().Get("next"))})
}

func (h *Handler) login(w http.ResponseWriter, r *http.Request) {
	if !h.readForm(w, r, nil, maxFormBytes) {
		return
	}
	email, password := r.PostFormValue("email"), r.PostFormValue("password")
	next := safeNext(r.PostFormValue("next"))
	token, _, _, err := h.opts.Accounts.SignIn(r.Context(), email, password, h.clientAddress(r), r.UserAgent())
	if err != nil {
		p := &page{Title: "تسجيل الدخول", Email: email, Next: next, Alert: news.ErrorMessage(err)}
		var le *news.LimitedError
		switch {
		case news.ErrorCode(err) == news.EUNAUTHORIZED:
			h.render(w, r, nil, http.StatusUnauthorized, "login", p)
		case errors.As(err, &le):
			w.Header().Set("Retry-After", news.RetryAfterSeconds(le.RetryAfter))
			h.render(w, r, nil, limitedStatus(le), "login", p)
		default:
			h.fail(w, r, nil, err)
		}
		return
	}
	h.setCookie(w, token)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (h *Handler) logout(w http.ResponseWriter, r *request) {
	if err := h.opts.Accounts.SignOut(r.Context(), r.session); err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	h.clearCookie(w)
	http.Redirect(w, r.Request, "/newsroom/login", http.StatusSeeOther)
}

// listFilter reads the section and author filters of a list page.
func listFilter(r *request) editorial.ListFilter {
	q := r.URL.Query()
	user, _ := strconv.ParseInt(q.Get("user"), 10, 64)
	return editorial.ListFilter{Section: q.Get("section"), Author: q.Get("author"), User: user}
}

// filterChoices fills the section and writer choices of a list page.
func (h *Handler) filterChoices(r *request, p *page, f editorial.ListFilter) error {
	secs, err := h.opts.Store.Sections(r.Context())
	if err != nil {
		return err
	}
	p.Sections, p.SectionF, p.UserF = secs, f.Section, f.User
	if r.user.Role.AtLeast(news.RoleEditor) {
		if p.Users, err = h.opts.Store.Users(r.Context()); err != nil {
			return err
		}
	}
	return nil
}

func (h *Handler) dashboard(w http.ResponseWriter, r *request) {
	f := listFilter(r)
	lists, err := h.opts.Editorial.Dashboard(r.Context(), r.user, f)
	if err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	p := &page{Title: "غرفة الأخبار", Active: "dashboard", Lists: lists, Flash: flash(r)}
	if err := h.filterChoices(r, p, f); err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	h.render(w, r.Request, r, http.StatusOK, "dashboard", p)
}

// flash is the confirmation a redirect after a POST asks for (?done=…).
func flash(r *request) string {
	switch r.URL.Query().Get("done") {
	case "saved":
		return "حُفظ المقال."
	case "created":
		return "أُنشئ المقال مسودةً. أكمل كتابته ثم أرسله للمراجعة."
	case "opened":
		return "لهذا الخبر الوارد مسودة من قبل: هذه هي."
	case "submit":
		return "أُرسل المقال للمراجعة."
	case "approve":
		return "وافقت على المقال."
	case "reject":
		return "أُعيد المقال إلى كاتبه مع ملاحظتك."
	case "publish":
		return "نُشر المقال (أو جُدول لموعده)."
	case "unpublish":
		return "أُلغي نشر المقال."
	case "correction":
		return "أُضيف التصحيح، ويظهر الآن للقرّاء."
	case "restored":
		return "استُعيدت النسخة السابقة نسخةً جديدة."
	case "uploaded":
		return "رُفعت الصورة."
	case "password":
		return "تغيّرت كلمة المرور، وخرجت جلساتك الأخرى."
	case "takeover":
		return "توليت تحرير المقال؛ يتوقف الحفظ التلقائي عند من كان يحرره."
	case "discarded":
		return "حُذفت التغييرات المحفوظة تلقائيًا."
	case "sessions":
		return "خرجت من كل الأجهزة الأخرى."
	case "settings":
		return "حُفظت الإعدادات."
	case "user":
		return "حُفظ المستخدم."
	case "trashed":
		return "نُقل المقال إلى سلة المحذوفات؛ يبقى فيها 30 يومًا ثم يُحذف نهائيًا، ورابطه يقول للزوار إنه حُذف."
	case "untrashed":
		return "أُعيد المقال من سلة المحذوفات."
	case "purged":
		return "حُذف المقال نهائيًا."
	case "author":
		return "حُفظ الكاتب."
	case "media-trashed":
		return "نُقلت الصورة إلى سلة المحذوفات؛ تبقى في المقالات التي تعرضها."
	case "media-untrashed":
		return "أُعيدت الصورة إلى المكتبة."
	case "page":
		return "حُفظت الصفحة."
	case "page-deleted":
		return "حُذفت الصفحة."
	case "breaking":
		return "نُشر الخبر العاجل، ويظهر الآن في كل صفحات الموقع."
	case "live-started":
		return "المقال الآن تغطية مباشرة: أضف التحديثات هنا."
	case "live-ended":
		return "انتهت التغطية المباشرة؛ بقيت التحديثات المنشورة."
	case "live-posted":
		return "نُشر التحديث."
	case "live-deleted":
		return "حُذف التحديث."
	case "ad":
		return "حُفظ الإعلان."
	case "ad-deleted":
		return "حُذف الإعلان."
	case "ad-hosts":
		return "حُفظت المواقع المسموح بها لشفرات الإعلانات."
	case "ad-layout":
		return "حُفظت أماكن الإعلانات، وتظهر الصفحات بها الآن."
	case "token-revoked":
		return "أُلغي الرمز، ولن يُقبل بعد الآن."
	case "pinned":
		return "ثُبّت المقال في الواجهة، ويظهر الآن في مكانه على الموقع."
	case "unpinned":
		return "أُلغي تثبيت المقال."
	case "moved":
		return "تغيّر ترتيب الواجهة."
	case "breaking-ended":
		return "أُزيل الخبر العاجل من الموقع."
	case "framed":
		return "حُفظت النقطة المهمة وقُصّت الصورة من جديد."
	case "media-purged":
		return "حُذفت الصورة نهائيًا."
	case "merged":
		return "دُمج الكاتبان: مقالات الكاتب المدموج صارت لهذا، ورابط صفحته يحوّل إلى هنا."
	}
	return ""
}

const browsePageSize = 30

func (h *Handler) browse(w http.ResponseWriter, r *request) {
	q := r.URL.Query()
	st := news.Status(q.Get("status"))
	if st != "" && !st.Valid() {
		st = ""
	}
	n, _ := strconv.Atoi(q.Get("page"))
	n = max(1, min(n, 1000))
	f := listFilter(r)
	f.Limit = browsePageSize
	p := &page{Title: "المقالات", Active: "articles", Statuses: news.Statuses, StatusF: st, SectionF: f.Section,
		Query: strings.TrimSpace(q.Get("q")), Bulk: r.bulkResult(), Flash: flash(r),
		BackURL: r.URL.RequestURI()}
	var total int
	if p.Query != "" {
		res, err := h.opts.Editorial.Search(r.Context(), r.user, p.Query, st, (n-1)*20)
		if err != nil {
			h.fail(w, r.Request, r, err)
			return
		}
		p.Results, total = &res, res.Total
		p.Pager = makePager(r.URL, n, total, 20)
	} else {
		list, err := h.opts.Editorial.Browse(r.Context(), r.user, st, f, (n-1)*browsePageSize)
		if err != nil {
			h.fail(w, r.Request, r, err)
			return
		}
		p.List = list
		p.Pager = makePager(r.URL, n, list.Total, browsePageSize)
	}
	if err := h.filterChoices(r, p, f); err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	h.render(w, r.Request, r, http.StatusOK, "articles", p)
}

func makePager(u *url.URL, n, total, size int) *pager {
	pages := max(1, (total+size-1)/size)
	if pages <= 1 {
		return nil
	}
	link := func(k int) string {
		q := u.Query()
		q.Set("page", strconv.Itoa(k))
		return u.Path + "?" + q.Encode()
	}
	p := &pager{Page: n, Pages: pages}
	if n > 1 {
		p.PrevURL = link(n - 1)
	}
	if n < pages {
		p.NextURL = link(n + 1)
	}
	return p
}

// editorPage fills what the editor shows besides the form.
func (h *Handler) editorPage(r *request, p *page) error {
	secs, err := h.opts.Store.Sections(r.Context())
	if err != nil {
		return err
	}
	p.Sections = secs
	recent, err := h.opts.Store.MediaList(r.Context(), news.MediaFilter{Limit: 12})
	if err != nil {
		return err
	}
	p.Recent = recent.Media
	if id, err := strconv.ParseInt(strings.TrimSpace(p.Input.ImageID), 10, 64); err == nil && id > 0 {
		if m, err := h.opts.Store.Media(r.Context(), id); err == nil {
			p.LeadThumb = &m
		}
	}
	p.Active = "articles"
	p.RichEditor = true
	if p.Input.Body != "" {
		// Sanitized: the preview, and what the rich-text editor opens.
		p.Preview = template.HTML(h.opts.Editorial.EditorHTML(r.Context(), p.Input))
	}
	return nil
}

func (h *Handler) newArticle(w http.ResponseWriter, r *request) {
	p := &page{Title: "مقال جديد", Input: editorial.ArticleInput{Authors: r.user.Name}, Flash: flash(r)}
	h.draftState(r, p)
	if err := h.editorPage(r, p); err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	h.render(w, r.Request, r, http.StatusOK, "editor", p)
}

func (h *Handler) editArticle(w http.ResponseWriter, r *request) {
	a, ok := h.article(w, r)
	if !ok {
		return
	}
	p := &page{Title: "تحرير: " + a.Title, Article: &a, Input: h.opts.Editorial.InputFrom(a), Flash: flash(r), Views: -1}
	if n := markup.ImagesWithoutAlt(a.Body); n > 0 {
		// Imported so (the old site allowed it): saving is not refused,
		// but readers who do not see them need the words.
		p.Alert = fmt.Sprintf("في المقال %d صورة بلا نص بديل؛ اكتب وصف كل منها لمن لا يراها.", n)
	}
	h.draftState(r, p)
	if err := h.editorPage(r, p); err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	wireOf, err := h.opts.Store.WireItemsOfArticle(r.Context(), a.ID)
	if err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	p.WireOf, p.Now = wireOf, time.Now()
	// Its readers in the last week, for whoever may open it.
	if a.EverPublished {
		n, err := h.opts.Store.ArticleViewTotal(r.Context(), a.ID, time.Now().Add(-7*24*time.Hour).Truncate(time.Hour))
		if err != nil {
			h.fail(w, r.Request, r, err)
			return
		}
		p.Views = n
	}
	h.render(w, r.Request, r, http.StatusOK, "editor", p)
}

// articleInput reads the editor form.
func articleInput(r *request, id int64) editorial.ArticleInput {
	f := r.PostFormValue
	v, _ := strconv.Atoi(f("version"))
	return editorial.ArticleInput{
		ID: id, Version: v, Title: f("title"), Abstract: f("abstract"), Body: normalizeNewlines(f("body")),
		BodyFormat: f("body_format"), Section: f("section"), Tags: f("tags"), Authors: f("authors"), Dateline: f("dateline"), Slug: f("slug"),
		PublishAt: f("publish_at"), ImageID: f("image_id"), ImageAlt: f("image_alt"), Note: f("note"),
		ImageCaption: f("image_caption"), ImageCredit: f("image_credit"),
		SEOTitle: f("seo_title"), SEODescription: f("seo_description"), SocialTitle: f("social_title"),
		SocialDescription: f("social_description"), SocialImageID: f("social_image_id"), Canonical: f("canonical"),
	}
}

// normalizeNewlines turns the CRLF of form posts into LF, so revisions
// and diffs are not full of \r.
func normalizeNewlines(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") }

func (h *Handler) saveArticle(w http.ResponseWriter, r *request) {
	var id int64
	if r.PathValue("id") != "" {
		var ok bool
		if id, ok = pathID(r); !ok {
			h.renderError(w, r.Request, r, http.StatusNotFound, "المقال غير موجود.")
			return
		}
	}
	in := articleInput(r, id)
	a, err := h.opts.Editorial.Save(r.Context(), r.user, in)
	if err == nil {
		done := "saved"
		if id == 0 {
			done = "created"
		}
		http.Redirect(w, r.Request, fmt.Sprintf("/newsroom/articles/%d?done=%s", a.ID, done), http.StatusSeeOther)
		return
	}
	// Refused: show the form again with what was typed, and why.
	p := &page{Title: "تحرير المقال", Input: in}
	status := statusInvalid
	switch fe, isField := fieldErrors(err); {
	case isField:
		p.Errors, p.Alert = fe, "لم يُحفظ المقال: صحّح الحقول المعلَّمة أدناه. ما كتبته محفوظ في النموذج."
	case errors.Is(err, editorial.ErrInTrash):
		status = http.StatusConflict
		p.Alert = news.ErrorMessage(err)
	case news.ErrorCode(err) == news.ECONFLICT:
		status = http.StatusConflict
		p.Alert = "لم يُحفظ: عدّل شخص آخر هذا المقال بعد أن فتحته. نصك محفوظ في النموذج أدناه؛ افتح المقال في نافذة أخرى لترى التعديل، ثم انسخ ما تحتاجه واحفظ."
	case news.ErrorCode(err) == news.EUNAVAILABLE:
		status = http.StatusServiceUnavailable
		p.Alert = "قاعدة البيانات غير متاحة الآن فلم يُحفظ المقال. نصك محفوظ في النموذج: أعد المحاولة بعد قليل."
	default:
		h.fail(w, r.Request, r, err)
		return
	}
	if id != 0 {
		if cur, err := h.opts.Editorial.Article(r.Context(), r.user, id); err == nil {
			p.Article = &cur
		}
	}
	if err := h.editorPage(r, p); err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	h.render(w, r.Request, r, status, "editor", p)
}

func (h *Handler) workflow(w http.ResponseWriter, r *request) {
	id, ok := h.articleID(w, r)
	if !ok {
		return
	}
	act := editorial.Action(r.PostFormValue("action"))
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	_, err := h.opts.Editorial.Transition(r.Context(), r.user, id, version, act, r.PostFormValue("note"))
	if err != nil {
		if fe, ok := fieldErrors(err); ok {
			h.reshowEditor(w, r, id, fe, "")
			return
		}
		h.fail(w, r.Request, r, err)
		return
	}
	http.Redirect(w, r.Request, fmt.Sprintf("/newsroom/articles/%d?done=%s", id, url.QueryEscape(string(act))), http.StatusSeeOther)
}

// reshowEditor shows an article's editor with errors of a side form (the
// workflow note, a correction) and what was typed in it.
func (h *Handler) reshowEditor(w http.ResponseWriter, r *request, id int64, fe news.FieldErrors, correction string) {
	a, err := h.opts.Editorial.Article(r.Context(), r.user, id)
	if err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	p := &page{Title: "تحرير: " + a.Title, Article: &a, Input: h.opts.Editorial.InputFrom(a), Errors: fe,
		Alert: "لم يُنفَّذ الإجراء: راجع الملاحظة أدناه.", Form: map[string]string{"correction": correction,
			"note": r.PostFormValue("note")}}
	if err := h.editorPage(r, p); err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	h.render(w, r.Request, r, statusInvalid, "editor", p)
}

func (h *Handler) addCorrection(w http.ResponseWriter, r *request) {
	id, ok := h.articleID(w, r)
	if !ok {
		return
	}
	text := r.PostFormValue("correction")
	if _, err := h.opts.Editorial.Correct(r.Context(), r.user, id, text); err != nil {
		if fe, ok := fieldErrors(err); ok {
			h.reshowEditor(w, r, id, fe, text)
			return
		}
		h.fail(w, r.Request, r, err)
		return
	}
	http.Redirect(w, r.Request, fmt.Sprintf("/newsroom/articles/%d?done=correction", id), http.StatusSeeOther)
}

func (h *Handler) history(w http.ResponseWriter, r *request) {
	a, ok := h.article(w, r)
	if !ok {
		return
	}
	evs, revs, err := h.opts.Editorial.History(r.Context(), r.user, a.ID)
	if err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	h.render(w, r.Request, r, http.StatusOK, "history", &page{Title: "سجل: " + a.Title, Active: "articles",
		Article: &a, Events: evs, Revisions: revs, Flash: flash(r)})
}

func (h *Handler) compare(w http.ResponseWriter, r *request) {
	id, ok := h.articleID(w, r)
	if !ok {
		return
	}
	from, err1 := strconv.Atoi(r.URL.Query().Get("from"))
	to, err2 := strconv.Atoi(r.URL.Query().Get("to"))
	if err1 != nil || err2 != nil {
		h.renderError(w, r.Request, r, http.StatusBadRequest, "اختر نسختين للمقارنة.")
		return
	}
	a, err := h.opts.Editorial.Article(r.Context(), r.user, id)
	if err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	c, err := h.opts.Editorial.Compare(r.Context(), r.user, id, from, to)
	if err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	h.render(w, r.Request, r, http.StatusOK, "compare", &page{Title: "مقارنة النسخ: " + a.Title, Active: "articles",
		Article: &a, Compare: &c})
}

func (h *Handler) restore(w http.ResponseWriter, r *request) {
	id, ok := h.articleID(w, r)
	if !ok {
		return
	}
	number, _ := strconv.Atoi(r.PostFormValue("revision"))
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	if _, err := h.opts.Editorial.Restore(r.Context(), r.user, id, number, version); err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	http.Redirect(w, r.Request, fmt.Sprintf("/newsroom/articles/%d?done=restored", id), http.StatusSeeOther)
}

// preview shows an article, in any status, as readers will see it.
func (h *Handler) preview(w http.ResponseWriter, r *request) {
	a, ok := h.article(w, r)
	if !ok {
		return
	}
	if h.opts.Preview == nil {
		h.renderError(w, r.Request, r, http.StatusNotFound, "المعاينة غير متاحة.")
		return
	}
	h.opts.Preview(w, r.Request, a)
}

// livePreview renders the editor's Markdown as the article body will be
// (sanitized), with the problems the writer must fix, for the editor's
// script.
func (h *Handler) livePreview(w http.ResponseWriter, r *request) {
	html, problems := publish.RenderMarkdown(r.Context(), h.opts.Store, normalizeNewlines(r.PostFormValue("body")))
	var b strings.Builder
	if len(problems) > 0 {
		b.WriteString(`<ul class="problems" role="alert">`)
		for _, p := range problems {
			b.WriteString("<li>")
			b.WriteString(template.HTMLEscapeString(p.Message))
			b.WriteString("</li>")
		}
		b.WriteString("</ul>")
	}
	b.WriteString(html)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write([]byte(b.String()))
}

// articleID reads the {id} of an article's path, or answers 404.
func (h *Handler) articleID(w http.ResponseWriter, r *request) (int64, bool) {
	id, ok := pathID(r)
	if !ok {
		h.renderError(w, r.Request, r, http.StatusNotFound, "المقال غير موجود.")
	}
	return id, ok
}

// article loads the {id} article if the user may see it, or answers why not.
func (h *Handler) article(w http.ResponseWriter, r *request) (news.Article, bool) {
	id, ok := h.articleID(w, r)
	if !ok {
		return news.Article{}, false
	}
	a, err := h.opts.Editorial.Article(r.Context(), r.user, id)
	if err != nil {
		h.fail(w, r.Request, r, err)
		return news.Article{}, false
	}
	return a, true
}
