package newsroom

import (
	"net/http"

	"sahafa/news"
)

// The admin API's tokens (رموز الربط): administrators make one per system
// that calls Sahafa, see when each was last used, and revoke them.

func (h *Handler) tokenRoutes() {
	m := h.mux
	m.Handle("GET /newsroom/tokens/{$}", h.auth(h.tokensPage))
	m.Handle("POST /newsroom/tokens/{$}", h.auth(h.createToken))
	m.Handle("POST /newsroom/tokens/{id}/revoke", h.auth(h.revokeToken))
}

// tokensView is the tokens page.
type tokensView struct {
	Tokens []news.APIToken
	Scopes []news.TokenScope
	Name   string
	Chosen map[string]bool
	Secret string // the token just made: shown this once
	Made   *news.APIToken
}

func (h *Handler) tokensPage(w http.ResponseWriter, r *request) {
	h.showTokens(w, r, http.StatusOK, &tokensView{Chosen: map[string]bool{news.ScopeStatsRead: true}}, nil)
}

func (h *Handler) showTokens(w http.ResponseWriter, r *request, status int, v *tokensView, errs news.FieldErrors) {
	list, err := h.opts.Accounts.Tokens(r.Context(), r.user)
	if err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	v.Tokens, v.Scopes = list, news.TokenScopes
	p := &page{Title: "رموز الربط", Active: "tokens", Tokens: v, Errors: errs, Flash: flash(r)}
	if errs != nil {
		p.Alert = "لم يُنشأ الرمز: صحّح الحقول المعلَّمة."
	}
	// The page may carry a secret: never kept by a cache or the history.
	w.Header().Set("Cache-Control", "no-store")
	h.render(w, r.Request, r, status, "tokens", p)
}

func (h *Handler) createToken(w http.ResponseWriter, r *request) {
	scopes := r.PostForm["scopes"]
	v := &tokensView{Name: r.PostFormValue("name"), Chosen: map[string]bool{}}
	for _, s := range scopes {
		v.Chosen[s] = true
	}
	secret, t, err := h.opts.Accounts.CreateToken(r.Context(), r.user, v.Name, scopes)
	if fe, ok := fieldErrors(err); ok {
		h.showTokens(w, r, statusInvalid, v, fe)
		return
	}
	if err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	h.showTokens(w, r, http.StatusCreated, &tokensView{Secret: secret, Made: &t, Chosen: map[string]bool{news.ScopeStatsRead: true}}, nil)
}

func (h *Handler) revokeToken(w http.ResponseWriter, r *request) {
	id, ok := pathID(r)
	if !ok {
		h.renderError(w, r.Request, r, http.StatusNotFound, "الرمز غير موجود.")
		return
	}
	if err := h.opts.Accounts.RevokeToken(r.Context(), r.user, id); err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	http.Redirect(w, r.Request, "/newsroom/tokens/?done=token-revoked", http.StatusSeeOther)
}
