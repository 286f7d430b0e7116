package web

import (
	"context"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"sahafa/arabic"
	"sahafa/comments"
	"sahafa/news"
)

// config is what an administrator can change from the newsroom without a
// restart; the command-line flags give the defaults.
type config struct {
	SiteName  string
	Digits    arabic.DigitStyle
	ShowHijri bool
	FeedFull  bool // full text in feeds, not only the summary
	// TextDigits: numbers in Arabic articles' text use the site's
	// Arabic-Indic digits too (when Digits is ArabicIndicDigits).
	TextDigits bool
	Months     arabic.Months
	// Breaking is the breaking-news line, nil for none; shown until its
	// time (the scheduler then removes it, which drops cached pages).
	Breaking *news.Breaking
	// Menu is the sections of the header menu and the home page's blocks,
	// in order; empty for every section.
	Menu []string
	// FooterPages are the static pages linked from every page's footer.
	FooterPages []news.Page
	// Fronts are the pins of the home page (news.HomeFront) and of
	// section pages, by front.
	Fronts map[string][]news.Pin
	// AdsTxt is the text of /ads.txt, "" for none.
	AdsTxt string
	// Ads are the site's ads; AdHosts the hosts their snippets may load.
	Ads      []news.Ad
	AdLayout news.AdLayout
	AdHosts  []string
	// Comments is the site's comment policy.
	Comments comments.Policy
}

// The keys of the stored settings (editorial.Setting…).
const (
	settingSiteName    = "site_name"
	settingDigits      = "digits"
	settingHijri       = "hijri"
	settingFeedContent = "feed_content"
	settingMonths      = "months"
	settingMenu        = "menu"
	settingAdsTxt      = "ads_txt"
	settingTextDigits  = "text_digits"
)

// settings holds the current config; nil until loaded, and dropped by
// Invalidate (every write, a settings change among them).
type settings struct {
	cur atomic.Pointer[config]
}

// cfg returns the site's config, reading the stored settings when they
// are not loaded. When the store cannot be read the flags' values serve,
// without being remembered, so the next request tries again.
func (s *Site) cfg(ctx context.Context) *config {
	if c := s.settings.cur.Load(); c != nil {
		return c
	}
	c := &config{SiteName: s.opts.SiteName, Digits: s.opts.Digits, ShowHijri: s.opts.ShowHijri, FeedFull: true,
		Comments: comments.ParsePolicy(nil)}
	stored, err := s.store.Settings(ctx)
	if err != nil {
		return c
	}
	pages, err := s.store.Pages(ctx)
	if err != nil {
		return c
	}
	for _, p := range pages {
		if p.Footer {
			c.FooterPages = append(c.FooterPages, news.Page{Slug: p.Slug, Title: p.Title})
		}
	}
	if v := stored[settingSiteName]; v != "" {
		c.SiteName = v
	}
	switch stored[settingDigits] {
	case "arabic":
		c.Digits = arabic.ArabicIndicDigits
	case "latin":
		c.Digits = arabic.LatinDigits
	}
	switch stored[settingHijri] {
	case "true":
		c.ShowHijri = true
	case "false":
		c.ShowHijri = false
	}
	c.FeedFull = stored[settingFeedContent] != "summary"
	c.TextDigits = stored[settingTextDigits] == "true"
	c.Menu = strings.Fields(strings.NewReplacer(",", " ", "،", " ").Replace(stored[settingMenu]))
	switch stored[settingMonths] {
	case "levantine":
		c.Months = arabic.MonthsLevantine
	case "both":
		c.Months = arabic.MonthsBoth
	}
	c.Breaking = news.DecodeBreaking(stored[news.SettingBreaking], time.Now())
	c.AdsTxt = stored[settingAdsTxt]
	c.Ads, c.AdHosts = news.DecodeAds(stored[news.SettingAds]), strings.Fields(stored[news.SettingAdHosts])
	c.AdLayout = news.DecodeAdLayout(stored[news.SettingAdLayout])
	c.Comments = comments.ParsePolicy(stored)
	for key, value := range stored {
		if front, ok := news.FrontOfSetting(key); ok {
			if pins := news.DecodePins(value, time.Now()); len(pins) > 0 {
				if c.Fronts == nil {
					c.Fronts = map[string][]news.Pin{}
				}
				c.Fronts[front] = pins
			}
		}
	}
	s.settings.cur.CompareAndSwap(nil, c)
	return c
}

// current is the loaded config for template functions: render loads it
// before it executes a template.
func (s *Site) current() *config {
	if c := s.settings.cur.Load(); c != nil {
		return c
	}
	return s.cfg(context.Background())
}

// Settings are the values in force, by setting key: what administrators
// saved, else the flags'. The newsroom's settings form starts from them,
// so that saving one setting keeps the others as they are.
func (s *Site) Settings(ctx context.Context) map[string]string {
	c := s.cfg(ctx)
	digits, hijri, feed := "latin", "false", "full"
	if c.Digits == arabic.ArabicIndicDigits {
		digits = "arabic"
	}
	if c.ShowHijri {
		hijri = "true"
	}
	if !c.FeedFull {
		feed = "summary"
	}
	textDigits := "false"
	if c.TextDigits {
		textDigits = "true"
	}
	months := map[arabic.Months]string{arabic.MonthsEgyptian: "egyptian", arabic.MonthsLevantine: "levantine", arabic.MonthsBoth: "both"}[c.Months]
	moderation := "all"
	if c.Comments.TrustKnown {
		moderation = "known"
	}
	return map[string]string{settingSiteName: c.SiteName, settingDigits: digits, settingHijri: hijri, settingFeedContent: feed,
		settingMonths: months, settingMenu: strings.Join(c.Menu, " "), settingTextDigits: textDigits, settingAdsTxt: c.AdsTxt,
		news.SettingComments: string(c.Comments.Mode), news.SettingCommentsCloseDays: strconv.Itoa(c.Comments.CloseDays),
		news.SettingCommentsModeration: moderation}
}

// SiteName is the site's name as administrators last set it, else the
// flag's; the newsroom shows it too.
func (s *Site) SiteName(ctx context.Context) string { return s.cfg(ctx).SiteName }
