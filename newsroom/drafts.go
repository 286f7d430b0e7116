package newsroom

import (
	"fmt"
	"net/http"
	"time"

	"sahafa/news"
)

// The editor's autosave and presence: the script posts the form every few
// seconds while the writer types (autosave) and beats every 20 s
// (presence); the editor page shows a saved copy to restore and who else
// has the article open, with a button to take the editing over (plain
// forms, so it works without the script too).

type presenceJSON struct {
	Name  string `json:"name"`
	Since string `json:"since"` // clock time in the newsroom's zone
}

type draftStateJSON struct {
	SavedAt  string         `json:"saved_at,omitempty"`
	Conflict bool           `json:"conflict,omitempty"`
	Version  int            `json:"version,omitempty"`
	Editors  []presenceJSON `json:"editors"`
	TakenBy  string         `json:"taken_by,omitempty"`
}

func (h *Handler) clock(t time.Time) string {
	return t.In(h.opts.Editorial.Location()).Format("15:04")
}

func (h *Handler) presenceJSON(ps []news.Presence) []presenceJSON {
	out := make([]presenceJSON, 0, len(ps))
	for _, p := range ps {
		out = append(out, presenceJSON{Name: p.UserName, Since: h.clock(p.Since)})
	}
	return out
}

// autosave answers POST /newsroom/articles/{id}/autosave (and new/…): the
// editor's form, as it would be saved.
func (h *Handler) autosave(w http.ResponseWriter, r *request) {
	var id int64
	if r.PathValue("id") != "" {
		var ok bool
		if id, ok = pathID(r); !ok {
			h.failJSON(w, r, news.Errorf(news.ENOTFOUND, "no article"))
			return
		}
	}
	res, err := h.opts.Editorial.Autosave(r.Context(), r.user, articleInput(r, id))
	if err != nil {
		h.failJSON(w, r, err)
		return
	}
	out := draftStateJSON{SavedAt: h.clock(res.SavedAt), Conflict: res.Conflict, Version: res.Version, Editors: []presenceJSON{}}
	if id != 0 {
		others, takenBy, err := h.opts.Editorial.Presence(r.Context(), r.user, id)
		if err == nil {
			out.Editors, out.TakenBy = h.presenceJSON(others), takenBy
		}
	}
	h.writeJSON(w, http.StatusOK, out)
}

// presence answers POST /newsroom/articles/{id}/presence: a heartbeat.
func (h *Handler) presence(w http.ResponseWriter, r *request) {
	id, ok := pathID(r)
	if !ok {
		h.failJSON(w, r, news.Errorf(news.ENOTFOUND, "no article"))
		return
	}
	others, takenBy, err := h.opts.Editorial.Presence(r.Context(), r.user, id)
	if err != nil {
		h.failJSON(w, r, err)
		return
	}
	h.writeJSON(w, http.StatusOK, draftStateJSON{Editors: h.presenceJSON(others), TakenBy: takenBy})
}

// takeOver answers POST /newsroom/articles/{id}/takeover.
func (h *Handler) takeOver(w http.ResponseWriter, r *request) {
	id, ok := h.articleID(w, r)
	if !ok {
		return
	}
	if err := h.opts.Editorial.TakeOver(r.Context(), r.user, id); err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	http.Redirect(w, r.Request, fmt.Sprintf("/newsroom/articles/%d?done=takeover", id), http.StatusSeeOther)
}

// discardAutosave answers POST /newsroom/articles/{id}/autosave/discard.
func (h *Handler) discardAutosave(w http.ResponseWriter, r *request) {
	var id int64
	target := "/newsroom/articles/new"
	if r.PathValue("id") != "" {
		var ok bool
		if id, ok = h.articleID(w, r); !ok {
			return
		}
		target = fmt.Sprintf("/newsroom/articles/%d", id)
	}
	if err := h.opts.Editorial.DiscardAutosave(r.Context(), r.user, id); err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	http.Redirect(w, r.Request, target+"?done=discarded", http.StatusSeeOther)
}

// draftState fills an editor page with the user's pending autosave (and,
// with ?restore=autosave, its content in the form) and who else has the
// article open.
func (h *Handler) draftState(r *request, p *page) {
	as, in, ok := h.opts.Editorial.PendingAutosave(r.Context(), r.user, p.Article)
	if ok {
		if r.URL.Query().Get("restore") == "autosave" {
			if in.Version == 0 && p.Article != nil {
				in.Version = p.Article.Version
			}
			p.Input = in
			p.Flash = "استُعيدت التغييرات المحفوظة تلقائيًا في " + h.clock(as.SavedAt) + ". احفظ المقال لتثبيتها."
		} else {
			p.Autosaved = h.clock(as.SavedAt)
		}
	}
	if p.Article != nil {
		if others, _, err := h.opts.Editorial.Presence(r.Context(), r.user, p.Article.ID); err == nil {
			for _, o := range others {
				p.Editors = append(p.Editors, editorPresence{Name: o.UserName, Since: h.clock(o.Since)})
			}
		}
	}
}

type editorPresence struct{ Name, Since string }
