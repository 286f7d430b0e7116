package newsroom

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"sahafa/editorial"
	"sahafa/news"
	"sahafa/webhook"
)

// Webhooks (admins): the list with each one's delivery log, a form to add
// one (its secret shown once), a test delivery, removal.

func (h *Handler) webhookRoutes() {
	m := h.mux
	m.Handle("GET /newsroom/webhooks/{$}", h.auth(h.webhooksPage))
	m.Handle("POST /newsroom/webhooks/{$}", h.auth(h.addWebhook))
	m.Handle("POST /newsroom/webhooks/{id}/ping", h.auth(h.pingWebhook))
	m.Handle("POST /newsroom/webhooks/{id}/delete", h.auth(h.deleteWebhook))
}

type webhooksView struct {
	Hooks   []news.Webhook
	Log     map[int64][]news.WebhookDelivery
	Events  []struct{ Key, Label string }
	Form    map[string]string
	Checked map[string]bool
	Secret  string // a new webhook's secret, shown this once
}

func (h *Handler) webhooksAvailable(w http.ResponseWriter, r *request) bool {
	return h.available(w, r, editorial.ActSettings, h.opts.Webhooks != nil, "الروابط (webhooks) غير مفعّلة في هذا الخادم.")
}

func (h *Handler) webhooksPage(w http.ResponseWriter, r *request) {
	if !h.webhooksAvailable(w, r) {
		return
	}
	h.renderWebhooks(w, r, http.StatusOK, &webhooksView{Checked: map[string]bool{news.EventPublished: true, news.EventUpdated: true,
		news.EventUnpublished: true, news.EventCorrected: true}}, nil)
}

func (h *Handler) renderWebhooks(w http.ResponseWriter, r *request, status int, view *webhooksView, errs news.FieldErrors) {
	hooks, err := h.opts.Store.Webhooks(r.Context())
	if err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	view.Hooks, view.Events, view.Log = hooks, news.WebhookEvents, map[int64][]news.WebhookDelivery{}
	for _, hk := range hooks {
		if view.Log[hk.ID], err = h.opts.Store.WebhookDeliveries(r.Context(), hk.ID, 20); err != nil {
			h.fail(w, r.Request, r, err)
			return
		}
	}
	p := &page{Title: "الروابط (webhooks)", Active: "webhooks", Webhooks: view, Errors: errs}
	switch r.URL.Query().Get("done") {
	case "ping":
		p.Flash = "أُرسل حدث تجريبي؛ تظهر نتيجته في السجل بعد لحظات."
	case "deleted":
		p.Flash = "حُذف الرابط وسجله."
	}
	if errs != nil {
		p.Alert = "لم يُحفظ الرابط: صحّح الحقول المعلَّمة."
	}
	h.render(w, r.Request, r, status, "webhooks", p)
}

func (h *Handler) addWebhook(w http.ResponseWriter, r *request) {
	if !h.webhooksAvailable(w, r) {
		return
	}
	address := strings.TrimSpace(r.PostFormValue("url"))
	events := r.PostForm["events"]
	view := &webhooksView{Form: map[string]string{"url": address}, Checked: map[string]bool{}}
	errs := news.FieldErrors{}
	u, err := url.Parse(address)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || len(address) > 2000 || u.User != nil {
		errs.Add("url", "اكتب عنوان المستقبِل كاملًا يبدأ بـ https://")
	}
	var chosen []string
	for _, e := range news.WebhookEvents {
		if slices.Contains(events, e.Key) {
			chosen = append(chosen, e.Key)
			view.Checked[e.Key] = true
		}
	}
	if len(chosen) == 0 {
		errs.Add("events", "اختر حدثًا واحدًا على الأقل")
	}
	if h.opts.Sealer == nil {
		errs.Add("url", "لا مفتاح أسرار على هذا الخادم")
	}
	if len(errs) > 0 {
		h.renderWebhooks(w, r, statusInvalid, view, errs)
		return
	}
	secret := webhook.NewSecret()
	_, err = h.opts.Store.SaveWebhook(r.Context(), news.Webhook{URL: address, Events: chosen, Secret: h.opts.Sealer.Seal(secret),
		Enabled: true, CreatedBy: r.user.ID})
	if news.ErrorCode(err) == news.EINVALID {
		h.renderWebhooks(w, r, statusInvalid, view, news.FieldErrors{"url": news.ErrorMessage(err)})
		return
	}
	if err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	// Shown here once, never stored in plain text nor put in a URL.
	h.renderWebhooks(w, r, http.StatusOK, &webhooksView{Secret: secret, Checked: map[string]bool{}}, nil)
}

func (h *Handler) pingWebhook(w http.ResponseWriter, r *request) {
	if !h.webhooksAvailable(w, r) {
		return
	}
	id, _ := pathID(r)
	if err := h.opts.Webhooks.Ping(r.Context(), id); err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	http.Redirect(w, r.Request, "/newsroom/webhooks/?done=ping", http.StatusSeeOther)
}

func (h *Handler) deleteWebhook(w http.ResponseWriter, r *request) {
	if !h.webhooksAvailable(w, r) {
		return
	}
	id, _ := pathID(r)
	if err := h.opts.Store.DeleteWebhook(r.Context(), id); err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	http.Redirect(w, r.Request, "/newsroom/webhooks/?done=deleted", http.StatusSeeOther)
}
