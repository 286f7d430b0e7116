package newsroom

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"sahafa/accounts"
	"sahafa/editorial"
	"sahafa/news"
)

// require answers 403 unless the user may do act; it reports whether the
// handler may go on. The services check again: this keeps forbidden
// pages from rendering at all.
func (h *Handler) require(w http.ResponseWriter, r *request, act editorial.Action) bool {
	if editorial.Can(r.user, act, nil) {
		return true
	}
	h.renderError(w, r.Request, r, http.StatusForbidden, "ليست لديك صلاحية لهذه الصفحة.")
	return false
}

// taxonomy is the page that manages sections or tags: the same list of
// names with their links and counts, the same rename and create forms.
type taxonomy struct {
	Title, One, New, Add, Action string
	act                          editorial.Action
	rows                         func(r *request) ([]nameRow, error)
	save                         func(r *request, id int64, name, slug string) error
}

// nameRow is one section or tag in the list.
type nameRow struct {
	ID         int64
	Slug, Name string
	Path       string
	Articles   int
}

// names is what the names template receives.
type names struct {
	taxonomy
	Rows []nameRow
}

func (h *Handler) sectionsTaxonomy() taxonomy {
	return taxonomy{Title: "الأقسام", One: "القسم", New: "قسم جديد", Add: "أضف القسم", Action: "/newsroom/sections/",
		act: editorial.ActManageSections,
		rows: func(r *request) ([]nameRow, error) {
			list, err := h.opts.Store.Sections(r.Context())
			out := make([]nameRow, len(list))
			for i, s := range list {
				out[i] = nameRow{s.ID, s.Slug, s.Name, news.SectionPath(s.Slug), s.Articles}
			}
			return out, err
		},
		save: func(r *request, id int64, name, slug string) error {
			_, err := h.opts.Editorial.SaveSection(r.Context(), r.user, id, name, slug)
			return err
		},
	}
}

func (h *Handler) tagsTaxonomy() taxonomy {
	return taxonomy{Title: "الوسوم", One: "الوسم", New: "وسم جديد", Add: "أضف الوسم", Action: "/newsroom/tags/",
		act: editorial.ActManageTags,
		rows: func(r *request) ([]nameRow, error) {
			list, err := h.opts.Store.Tags(r.Context())
			out := make([]nameRow, len(list))
			for i, t := range list {
				out[i] = nameRow{t.ID, t.Slug, t.Name, news.TagPath(t.Slug), t.Articles}
			}
			return out, err
		},
		save: func(r *request, id int64, name, slug string) error {
			_, err := h.opts.Editorial.SaveTag(r.Context(), r.user, id, name, slug)
			return err
		},
	}
}

func (h *Handler) sections(w http.ResponseWriter, r *request) {
	h.namesPage(w, r, h.sectionsTaxonomy())
}
func (h *Handler) tags(w http.ResponseWriter, r *request) { h.namesPage(w, r, h.tagsTaxonomy()) }
func (h *Handler) saveSection(w http.ResponseWriter, r *request) {
	h.saveName(w, r, h.sectionsTaxonomy())
}
func (h *Handler) saveTag(w http.ResponseWriter, r *request) { h.saveName(w, r, h.tagsTaxonomy()) }

func (h *Handler) namesPage(w http.ResponseWriter, r *request, t taxonomy) {
	if !h.require(w, r, t.act) {
		return
	}
	h.renderNames(w, r, t, http.StatusOK, nil, nil)
}

func (h *Handler) renderNames(w http.ResponseWriter, r *request, t taxonomy, status int, errs news.FieldErrors, form map[string]string) {
	rows, err := t.rows(r)
	if err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	h.render(w, r.Request, r, status, "names", &page{Title: t.Title, Active: strings.TrimSuffix(strings.TrimPrefix(t.Action, "/newsroom/"), "/"),
		Names: &names{taxonomy: t, Rows: rows}, Errors: errs, Form: form})
}

func (h *Handler) saveName(w http.ResponseWriter, r *request, t taxonomy) {
	id, _ := strconv.ParseInt(r.PostFormValue("id"), 10, 64)
	name, slug := r.PostFormValue("name"), r.PostFormValue("slug")
	if err := t.save(r, id, name, slug); err != nil {
		if fe, ok := fieldErrors(err); ok {
			h.renderNames(w, r, t, statusInvalid, fe, map[string]string{"name": name, "slug": slug})
			return
		}
		h.fail(w, r.Request, r, err)
		return
	}
	http.Redirect(w, r.Request, t.Action, http.StatusSeeOther)
}

func (h *Handler) users(w http.ResponseWriter, r *request) {
	if !h.require(w, r, editorial.ActManageUsers) {
		return
	}
	h.usersPage(w, r, http.StatusOK, nil, nil)
}

func (h *Handler) usersPage(w http.ResponseWriter, r *request, status int, errs news.FieldErrors, form map[string]string) {
	list, err := h.opts.Store.Users(r.Context())
	if err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	h.render(w, r.Request, r, status, "users", &page{Title: "المستخدمون", Active: "users", Users: list, Roles: news.Roles,
		Errors: errs, Form: form, Flash: flash(r)})
}

func userInput(r *request) accounts.UserInput {
	return accounts.UserInput{Email: r.PostFormValue("email"), Name: r.PostFormValue("name"),
		Role: r.PostFormValue("role"), Password: r.PostFormValue("password")}
}

func (h *Handler) createUser(w http.ResponseWriter, r *request) {
	if !h.require(w, r, editorial.ActManageUsers) {
		return
	}
	in := userInput(r)
	if _, err := h.opts.Accounts.CreateUser(r.Context(), in); err != nil {
		if fe, ok := fieldErrors(err); ok {
			h.usersPage(w, r, statusInvalid, fe, map[string]string{"email": in.Email, "name": in.Name, "role": in.Role})
			return
		}
		h.fail(w, r.Request, r, err)
		return
	}
	http.Redirect(w, r.Request, "/newsroom/users/?done=user", http.StatusSeeOther)
}

func (h *Handler) userPage(w http.ResponseWriter, r *request) {
	if !h.require(w, r, editorial.ActManageUsers) {
		return
	}
	id, ok := pathID(r)
	if !ok {
		h.renderError(w, r.Request, r, http.StatusNotFound, "المستخدم غير موجود.")
		return
	}
	u, err := h.opts.Store.User(r.Context(), id)
	if err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	h.render(w, r.Request, r, http.StatusOK, "user", &page{Title: "المستخدم: " + u.Name, Active: "users", Edited: &u,
		Roles: news.Roles, Form: map[string]string{"email": u.Email, "name": u.Name, "role": string(u.Role)}})
}

func (h *Handler) updateUser(w http.ResponseWriter, r *request) {
	if !h.require(w, r, editorial.ActManageUsers) {
		return
	}
	id, ok := pathID(r)
	if !ok {
		h.renderError(w, r.Request, r, http.StatusNotFound, "المستخدم غير موجود.")
		return
	}
	var err error
	switch r.PostFormValue("op") {
	case "disable", "enable":
		if id == r.user.ID {
			h.renderError(w, r.Request, r, http.StatusBadRequest, "لا يمكنك تعطيل حسابك أنت.")
			return
		}
		err = h.opts.Accounts.SetDisabled(r.Context(), id, r.PostFormValue("op") == "disable")
	default:
		in := userInput(r)
		if id == r.user.ID && news.Role(in.Role) != r.user.Role {
			h.renderError(w, r.Request, r, http.StatusBadRequest, "لا يمكنك تغيير دورك أنت؛ اطلب ذلك من مدير آخر.")
			return
		}
		if _, err = h.opts.Accounts.UpdateUser(r.Context(), id, in); err != nil {
			if fe, ok := fieldErrors(err); ok {
				u, uerr := h.opts.Store.User(r.Context(), id)
				if uerr != nil {
					h.fail(w, r.Request, r, uerr)
					return
				}
				h.render(w, r.Request, r, statusInvalid, "user", &page{Title: "المستخدم: " + u.Name, Active: "users",
					Edited: &u, Roles: news.Roles, Errors: fe,
					Form: map[string]string{"email": in.Email, "name": in.Name, "role": in.Role}})
				return
			}
		}
	}
	if err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	http.Redirect(w, r.Request, fmt.Sprintf("/newsroom/users/?done=user#user-%d", id), http.StatusSeeOther)
}

// settingKeys are the settings the form edits.
var settingKeys = []string{editorial.SettingSiteName, editorial.SettingDigits, editorial.SettingHijri, editorial.SettingFeedContent,
	editorial.SettingMonths, editorial.SettingMenu, editorial.SettingTextDigits, editorial.SettingAdsTxt,
	news.SettingComments, news.SettingCommentsCloseDays, news.SettingCommentsModeration}

func (h *Handler) settings(w http.ResponseWriter, r *request) {
	if !h.require(w, r, editorial.ActSettings) {
		return
	}
	var form map[string]string
	if h.opts.CurrentSettings != nil {
		form = h.opts.CurrentSettings(r.Context())
	} else {
		saved, err := h.opts.Store.Settings(r.Context())
		if err != nil {
			h.fail(w, r.Request, r, err)
			return
		}
		form = saved
	}
	h.render(w, r.Request, r, http.StatusOK, "settings", &page{Title: "إعدادات الموقع", Active: "settings", Form: form,
		Flash: flash(r)})
}

func (h *Handler) saveSettings(w http.ResponseWriter, r *request) {
	values := map[string]string{}
	for _, k := range settingKeys {
		values[k] = r.PostFormValue(k)
	}
	if err := h.opts.Editorial.SaveSettings(r.Context(), r.user, values); err != nil {
		if fe, ok := fieldErrors(err); ok {
			h.render(w, r.Request, r, statusInvalid, "settings", &page{Title: "إعدادات الموقع", Active: "settings",
				Form: values, Errors: fe})
			return
		}
		h.fail(w, r.Request, r, err)
		return
	}
	http.Redirect(w, r.Request, "/newsroom/settings?done=settings", http.StatusSeeOther)
}

func (h *Handler) account(w http.ResponseWriter, r *request) {
	h.accountPage(w, r, http.StatusOK, nil)
}

func (h *Handler) accountPage(w http.ResponseWriter, r *request, status int, errs news.FieldErrors) {
	sessions, err := h.opts.Store.UserSessions(r.Context(), r.user.ID, time.Now())
	if err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	h.render(w, r.Request, r, status, "account", &page{Title: "حسابي", Active: "account", Sessions: sessions,
		Current: r.session.ID, Errors: errs, Flash: flash(r)})
}

func (h *Handler) changePassword(w http.ResponseWriter, r *request) {
	f := r.PostFormValue
	if err := h.opts.Accounts.ChangePassword(r.Context(), r.user, r.session.ID, f("current"), f("password"), f("confirm")); err != nil {
		if fe, ok := fieldErrors(err); ok {
			h.accountPage(w, r, statusInvalid, fe)
			return
		}
		h.fail(w, r.Request, r, err)
		return
	}
	http.Redirect(w, r.Request, "/newsroom/account?done=password", http.StatusSeeOther)
}

func (h *Handler) signOutEverywhere(w http.ResponseWriter, r *request) {
	keep := r.session.ID
	if r.PostFormValue("all") == "1" {
		keep = 0
	}
	if _, err := h.opts.Accounts.SignOutEverywhere(r.Context(), r.user.ID, keep); err != nil {
		h.fail(w, r.Request, r, err)
		return
	}
	if keep == 0 {
		h.clearCookie(w)
		http.Redirect(w, r.Request, "/newsroom/login", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r.Request, "/newsroom/account?done=sessions", http.StatusSeeOther)
}
