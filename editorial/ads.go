package editorial

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"sahafa/arabic"
	"sahafa/news"
)

// AdInput is the ad form as typed.
type AdInput struct {
	ID       int64
	Name     string
	Kind     string // "image" or "html"
	ImageID  string
	Link     string
	Alt      string
	HTML     string
	Slots    []string
	Sections string // slugs separated by spaces or commas
	Start    string // datetime-local, in the newsroom's zone; "" for now
	End      string // "" for no end
	Weight   string
	House    bool
	Paused   bool
}

// Ads lists the ads (administrators manage them).
func (s *Service) Ads(ctx context.Context, u news.User) ([]news.Ad, []string, error) {
	if !Can(u, ActSettings, nil) {
		return nil, nil, forbidden()
	}
	stored, err := s.store.Settings(ctx)
	if err != nil {
		return nil, nil, err
	}
	return news.DecodeAds(stored[news.SettingAds]), strings.Fields(stored[news.SettingAdHosts]), nil
}

// SaveAd creates (ID 0) or replaces an ad.
func (s *Service) SaveAd(ctx context.Context, u news.User, in AdInput) (news.Ad, error) {
	ads, _, err := s.Ads(ctx, u)
	if err != nil {
		return news.Ad{}, err
	}
	errs := news.FieldErrors{}
	a := news.Ad{ID: in.ID, Name: oneLine(in.Name), Alt: oneLine(in.Alt), House: in.House, Paused: in.Paused}
	if n := utf8.RuneCountInString(a.Name); n == 0 || n > 100 {
		errs.Add("name", "اكتب اسمًا للإعلان (100 حرف على الأكثر)")
	}
	switch in.Kind {
	case "image":
		id, err := strconv.ParseInt(strings.TrimSpace(in.ImageID), 10, 64)
		if err != nil || id <= 0 {
			errs.Add("image_id", "اكتب رقم الصورة في المكتبة")
		} else if m, err := s.store.Media(ctx, id); err != nil || !m.Ready() {
			if err != nil && news.ErrorCode(err) != news.ENOTFOUND {
				return news.Ad{}, err
			}
			errs.Add("image_id", fmt.Sprintf("لا توجد صورة جاهزة بالرقم %d في المكتبة", id))
		} else {
			a.ImageID = id
		}
		a.Link = strings.TrimSpace(in.Link)
		if msg := checkLink(a.Link); a.Link == "" || msg != "" {
			errs.Add("link", "اكتب رابط الإعلان كاملًا يبدأ بـ https://")
		}
		if a.Alt == "" {
			errs.Add("alt", "اكتب نصًا بديلًا يصف الإعلان لمن لا يرى الصورة")
		}
	case "html":
		a.HTML = strings.TrimSpace(in.HTML)
		switch {
		case a.HTML == "":
			errs.Add("html", "الصق شفرة الإعلان من الشبكة")
		case len(a.HTML) > news.MaxAdHTML:
			errs.Add("html", fmt.Sprintf("الشفرة أطول من %d ك.ب", news.MaxAdHTML>>10))
		}
	default:
		errs.Add("kind", "اختر صورة برابط أو شفرة HTML")
	}
	for _, slot := range in.Slots {
		if _, ok := news.SlotByName(slot); ok {
			a.Slots = append(a.Slots, slot)
		}
	}
	if len(a.Slots) == 0 {
		errs.Add("slots", "اختر مكانًا واحدًا على الأقل")
	}
	for _, slug := range strings.Fields(strings.NewReplacer(",", " ", "،", " ").Replace(in.Sections)) {
		if _, err := s.store.SectionBySlug(ctx, slug); err != nil {
			if news.ErrorCode(err) != news.ENOTFOUND {
				return news.Ad{}, err
			}
			errs.Add("sections", fmt.Sprintf("لا يوجد قسم رابطه «%s»", slug))
		}
		a.Sections = append(a.Sections, slug)
	}
	for field, text := range map[string]string{"start": in.Start, "end": in.End} {
		t := strings.TrimSpace(text)
		if t == "" {
			continue
		}
		at, err := time.ParseInLocation(FormTime, t, s.opts.Location)
		if err != nil {
			errs.Add(field, "اكتب الموعد بالشكل 2026-12-01T08:30، أو اتركه فارغًا")
			continue
		}
		if field == "start" {
			a.Start = at.UTC()
		} else {
			a.End = at.UTC()
		}
	}
	if !a.Start.IsZero() && !a.End.IsZero() && !a.End.After(a.Start) {
		errs.Add("end", "النهاية قبل البداية")
	}
	a.Weight = 1
	if w := strings.TrimSpace(in.Weight); w != "" {
		n, err := strconv.Atoi(w)
		if err != nil || n < 1 || n > news.MaxAdWeight {
			errs.Add("weight", fmt.Sprintf("الوزن رقم من 1 إلى %d", news.MaxAdWeight))
		}
		a.Weight = n
	}
	if err := errs.Err(); err != nil {
		return news.Ad{}, err
	}
	found := false
	var next int64 = 1
	for i, old := range ads {
		next = max(next, old.ID+1)
		if old.ID == a.ID && a.ID != 0 {
			ads[i], found = a, true
		}
	}
	switch {
	case a.ID != 0 && !found:
		return news.Ad{}, news.Errorf(news.ENOTFOUND, "الإعلان %d غير موجود", a.ID)
	case a.ID == 0 && len(ads) >= news.MaxAds:
		return news.Ad{}, news.FieldErrors{"name": fmt.Sprintf("في الموقع %d إعلانًا، وهو الحد؛ احذف واحدًا أولًا", news.MaxAds)}
	case a.ID == 0:
		a.ID = next
		ads = append(ads, a)
	}
	return a, s.storeAds(ctx, ads)
}

// DeleteAd deletes an ad.
func (s *Service) DeleteAd(ctx context.Context, u news.User, id int64) error {
	ads, _, err := s.Ads(ctx, u)
	if err != nil {
		return err
	}
	out := ads[:0]
	for _, a := range ads {
		if a.ID != id {
			out = append(out, a)
		}
	}
	if len(out) == len(ads) {
		return news.Errorf(news.ENOTFOUND, "الإعلان %d غير موجود", id)
	}
	return s.storeAds(ctx, out)
}

// SaveAdHosts sets the hosts whose scripts, styles and frames HTML ads
// may load (inside their own sandboxed frame only).
func (s *Service) SaveAdHosts(ctx context.Context, u news.User, text string) ([]string, error) {
	if !Can(u, ActSettings, nil) {
		return nil, forbidden()
	}
	var hosts []string
	for _, h := range strings.Fields(strings.NewReplacer(",", " ", "،", " ").Replace(text)) {
		h = strings.ToLower(strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(h, "https://"), "http://"), "/"))
		if h == "" || strings.ContainsAny(h, "/;'\"<>*") || !strings.Contains(h, ".") || len(h) > 100 {
			return nil, news.FieldErrors{"hosts": fmt.Sprintf("«%s» ليس اسم موقع مثل pagead2.googlesyndication.com", h)}
		}
		hosts = append(hosts, h)
	}
	if len(hosts) > 20 {
		return nil, news.FieldErrors{"hosts": "عشرون موقعًا على الأكثر"}
	}
	if err := s.store.SaveSettings(ctx, map[string]string{news.SettingAdHosts: strings.Join(hosts, " ")}); err != nil {
		return nil, err
	}
	s.pub.Changed()
	return hosts, nil
}

func (s *Service) storeAds(ctx context.Context, ads []news.Ad) error {
	v, err := news.EncodeAds(ads)
	if err != nil {
		return err
	}
	if err := s.store.SaveSettings(ctx, map[string]string{news.SettingAds: v}); err != nil {
		return err
	}
	s.pub.Changed()
	return nil
}

// AdLayout is where pages put their ad slots (admins).
func (s *Service) AdLayout(ctx context.Context, u news.User) (news.AdLayout, error) {
	if !Can(u, ActSettings, nil) {
		return news.AdLayout{}, forbidden()
	}
	stored, err := s.store.Settings(ctx)
	if err != nil {
		return news.AdLayout{}, err
	}
	return news.DecodeAdLayout(stored[news.SettingAdLayout]), nil
}

// SaveAdLayout sets the paragraph the in-article slot follows, the slots
// a page fills at most, and the slots that are off on some sections'
// pages (by section slug, "" for pages of no section).
func (s *Service) SaveAdLayout(ctx context.Context, u news.User, paragraph, perPage string, off map[string][]string) (news.AdLayout, error) {
	if !Can(u, ActSettings, nil) {
		return news.AdLayout{}, forbidden()
	}
	l := news.AdLayout{Off: map[string][]string{}}
	errs := news.FieldErrors{}
	var err error
	if l.Paragraph, err = strconv.Atoi(strings.TrimSpace(arabic.FormatDigits(paragraph, arabic.LatinDigits))); err != nil {
		errs.Add("paragraph", "اكتب رقم الفقرة")
	}
	if l.PerPage, err = strconv.Atoi(strings.TrimSpace(arabic.FormatDigits(perPage, arabic.LatinDigits))); err != nil {
		errs.Add("per_page", "اكتب عدد الإعلانات")
	}
	for section, slots := range off {
		if len(slots) > 0 {
			l.Off[section] = slots
		}
	}
	if len(errs) == 0 {
		if fe := news.CheckAdLayout(l); fe != nil {
			return news.AdLayout{}, fe
		}
	} else {
		return news.AdLayout{}, errs
	}
	v, err := news.EncodeAdLayout(l)
	if err != nil {
		return news.AdLayout{}, err
	}
	if err := s.store.SaveSettings(ctx, map[string]string{news.SettingAdLayout: v}); err != nil {
		return news.AdLayout{}, err
	}
	s.pub.Changed()
	return l, nil
}
