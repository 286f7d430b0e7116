package wire

import (
	"context"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"sahafa/ingest"
	"sahafa/news"
)

// SourceInput is a source as the newsroom's form (or the command line)
// gives it: text as typed.
type SourceInput struct {
	ID       int64 // 0: a new source
	Name     string
	Kind     string // news.WireHTTP or news.WireFolder
	Address  string
	Format   string
	Minutes  string // between polls
	Priority string // 1–9
	Section  int64
	Enabled  bool
	Auth     string // "", "basic" or "bearer"
	AuthUser string
	// Secret is the password or token; empty keeps the stored one.
	Secret string
}

// SaveSource checks a source and saves it; problems are news.FieldErrors
// keyed by the form's fields (name, kind, address, format, minutes,
// priority, auth, auth_user, secret).
func (d *Desk) SaveSource(ctx context.Context, in SourceInput) (news.WireSource, error) {
	var src news.WireSource
	if in.ID != 0 {
		cur, err := d.opts.Store.WireSource(ctx, in.ID)
		if err != nil {
			return news.WireSource{}, err
		}
		src = cur
	}
	errs := news.FieldErrors{}
	src.Name = strings.Join(strings.Fields(in.Name), " ")
	if src.Name == "" || utf8.RuneCountInString(src.Name) > 100 {
		errs.Add("name", "اكتب اسم المصدر (100 حرف على الأكثر)")
	}
	src.Kind, src.Address = in.Kind, strings.TrimSpace(in.Address)
	switch src.Kind {
	case news.WireHTTP:
		u, err := url.Parse(src.Address)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(src.Address) > 2000 {
			errs.Add("address", "اكتب عنوان الموجز كاملًا يبدأ بـ https://")
		}
	case news.WireFolder:
		if !filepath.IsAbs(src.Address) || len(src.Address) > 1000 || filepath.Clean(src.Address) != src.Address {
			errs.Add("address", "اكتب مسار المجلد على الخادم كاملًا يبدأ بـ / (بلا .. ولا / في آخره)")
		}
	default:
		errs.Add("kind", "اختر نوع المصدر: عنوان على الويب أو مجلد")
	}
	src.Format = in.Format
	if !ingest.KnownFormat(ingest.Format(src.Format)) {
		errs.Add("format", "اختر صيغة من القائمة")
	}
	minutes, err := strconv.ParseFloat(strings.TrimSpace(in.Minutes), 64)
	src.Interval = time.Duration(minutes * float64(time.Minute)).Round(time.Second)
	if err != nil || src.Interval < news.MinWireInterval || src.Interval > news.MaxWireInterval {
		errs.Add("minutes", "اكتب عدد الدقائق بين جلبتين: من نصف دقيقة إلى 1440")
	}
	src.Priority, err = strconv.Atoi(strings.TrimSpace(in.Priority))
	if err != nil || src.Priority < 1 || src.Priority > 9 {
		errs.Add("priority", "الأولوية من 1 (عاجل جدًا) إلى 9")
	}
	src.SectionID, src.Enabled = in.Section, in.Enabled
	switch src.AuthKind = in.Auth; src.AuthKind {
	case "":
		src.AuthUser, src.Secret = "", nil
	case "basic", "bearer":
		src.AuthUser = strings.TrimSpace(in.AuthUser)
		if src.AuthKind == "bearer" {
			src.AuthUser = ""
		}
		if src.AuthKind == "basic" && (src.AuthUser == "" || strings.Contains(src.AuthUser, ":")) {
			errs.Add("auth_user", "اكتب اسم المستخدم لدى الوكالة (بلا نقطتين)")
		}
		switch {
		case in.Secret != "" && len(in.Secret) > 1000:
			errs.Add("secret", "كلمة المرور أو الرمز أطول من 1000 حرف")
		case in.Secret != "" && d.opts.Sealer == nil:
			errs.Add("secret", "لا مفتاح أسرار على هذا الخادم")
		case in.Secret != "":
			src.Secret = d.opts.Sealer.Seal(in.Secret)
		case len(src.Secret) == 0:
			errs.Add("secret", "اكتب كلمة المرور أو الرمز")
		}
	default:
		errs.Add("auth", "اختر طريقة الدخول")
	}
	if len(errs) > 0 {
		return src, errs
	}
	saved, err := d.opts.Store.SaveWireSource(ctx, src)
	if news.ErrorCode(err) == news.EINVALID { // the bound on sources
		return src, news.FieldErrors{"name": news.ErrorMessage(err)}
	}
	return saved, err
}
