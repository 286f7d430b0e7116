// Package wire is the wire desk: it polls the agencies' and partners'
// sources (web addresses and drop folders), stores what they send as
// versions of stories, and turns a story into a draft. Polls are bounded
// in size, time and number at once; a slow or broken source waits alone.
package wire

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"sahafa/arabic"
	"sahafa/fetch"
	"sahafa/ingest"
	"sahafa/news"
	"sahafa/seal"
)

// Options configure a Desk. Zero fields take the defaults.
type Options struct {
	Store  news.Store
	Sealer *seal.Sealer
	Logger *slog.Logger
	// MaxBytes bounds one fetched or dropped file (default 16 MiB).
	MaxBytes int64
	// Timeout bounds one poll's fetch (default 30 s).
	Timeout time.Duration
	// Workers is how many sources are polled at once (default 4).
	Workers int
	// Tick is how often due sources are looked for (default 5 s).
	Tick time.Duration
	// Keep is how long items are kept (default 30 days).
	Keep time.Duration
	// Settle is how long a dropped file must stay unchanged before it is
	// read, so that a file still being uploaded is left alone (default 5 s).
	Settle time.Duration
	// MaxFiles bounds the files one folder poll reads (default 500).
	MaxFiles int
	// AllowPrivate lets web sources be on this machine or its private
	// network: tests, and agencies reached over a private line.
	AllowPrivate bool
	// PublicURL is the site's public address: with it, feeds that name a
	// WebSub hub are subscribed to, the hub calling back at
	// PublicURL + CallbackPrefix + id.
	PublicURL string
	// Stored is told of the items each poll stored (for logs, tests).
	Stored func(src news.WireSource, items []news.WireItem)
	Now    func() time.Time
}

// Desk polls sources and keeps the queue.
type Desk struct {
	opts  Options
	fetch *fetch.Client
	slots chan struct{}
	mu    sync.Mutex
	busy  map[int64]bool // sources this server is polling
	stats struct{ polls, failures, stored, grouped atomic.Int64 }
}

// Stats are what this server's desk has done since it started.
type Stats struct {
	Polls, Failures, Stored, Grouped int64
	Polling                          int // polls running now
}

// Stats reads the desk's counts (for metrics).
func (d *Desk) Stats() Stats {
	d.mu.Lock()
	polling := len(d.busy)
	d.mu.Unlock()
	return Stats{Polls: d.stats.polls.Load(), Failures: d.stats.failures.Load(), Stored: d.stats.stored.Load(),
		Grouped: d.stats.grouped.Load(), Polling: polling}
}

// New returns a Desk.
func New(o Options) *Desk {
	if o.MaxBytes <= 0 {
		o.MaxBytes = 16 << 20
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	if o.Workers <= 0 {
		o.Workers = 4
	}
	if o.Tick <= 0 {
		o.Tick = 5 * time.Second
	}
	if o.Keep <= 0 {
		o.Keep = news.DefaultWireKeep
	}
	if o.Settle <= 0 {
		o.Settle = 5 * time.Second
	}
	if o.MaxFiles <= 0 {
		o.MaxFiles = 500
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Desk{
		opts:  o,
		fetch: fetch.New(fetch.Options{MaxBytes: o.MaxBytes, Timeout: o.Timeout, MaxAtOnce: o.Workers, AllowPrivate: o.AllowPrivate}),
		slots: make(chan struct{}, o.Workers),
		busy:  map[int64]bool{},
	}
}

// Sealer is the key the desk seals secrets with.
func (d *Desk) Sealer() *seal.Sealer { return d.opts.Sealer }

// lease is how long a claimed source stays this server's: past the
// longest a poll may take, so a server that died mid-poll frees it.
func (d *Desk) lease() time.Duration { return 2*d.opts.Timeout + time.Minute }

// Run polls due sources until ctx ends, and purges old items hourly.
func (d *Desk) Run(ctx context.Context) {
	tick := time.NewTicker(d.opts.Tick)
	defer tick.Stop()
	var polls sync.WaitGroup
	defer polls.Wait()
	lastPurge := time.Time{}
	for {
		if now := d.opts.Now(); now.Sub(lastPurge) > time.Hour {
			lastPurge = now
			if n, err := d.opts.Store.PurgeWireItems(ctx, now.Add(-d.opts.Keep)); err != nil {
				d.opts.Logger.Warn("wire: purge old items", "err", err)
			} else if n > 0 {
				d.opts.Logger.Info("wire: purged old items", "items", n)
			}
		}
		free := d.opts.Workers - len(d.slots)
		if free > 0 {
			due, err := d.opts.Store.ClaimWireSources(ctx, d.opts.Now().UTC(), d.lease(), free)
			if err != nil && ctx.Err() == nil {
				d.opts.Logger.Warn("wire: claim due sources", "err", err)
			}
			for _, src := range due {
				d.slots <- struct{}{}
				polls.Go(func() {
					defer func() { <-d.slots }()
					d.poll(ctx, src)
				})
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// Report is what one poll did.
type Report struct {
	Files    int // files read (a folder) or 1 (a web source that answered)
	Items    int // items the files held
	Stored   int // new items and versions stored
	Skipped  []string
	NotModif bool // the web source answered 304
	// Grouped counts the new stories put with another source's story of
	// the same event; GroupTime is the time that took.
	Grouped   int
	GroupTime time.Duration
}

// PollNow polls one source at once (the newsroom's "poll now", tests).
func (d *Desk) PollNow(ctx context.Context, id int64) (Report, error) {
	src, err := d.opts.Store.WireSource(ctx, id)
	if err != nil {
		return Report{}, err
	}
	return d.poll(ctx, src)
}

// poll polls a source and saves how it ended and when it is next due:
// its interval after a good poll; after failures, doubling up to an hour.
func (d *Desk) poll(ctx context.Context, src news.WireSource) (Report, error) {
	d.mu.Lock()
	if d.busy[src.ID] {
		d.mu.Unlock()
		return Report{}, news.Errorf(news.ECONFLICT, "يُجلب هذا المصدر الآن")
	}
	d.busy[src.ID] = true
	d.mu.Unlock()
	defer func() {
		d.mu.Lock()
		delete(d.busy, src.ID)
		d.mu.Unlock()
	}()

	start := d.opts.Now().UTC()
	var rep Report
	var etag, modified string
	var err error
	switch src.Kind {
	case news.WireFolder:
		rep, err = d.pollFolder(ctx, src)
	default:
		rep, etag, modified, err = d.pollHTTP(ctx, src)
	}
	if ctx.Err() != nil {
		return rep, ctx.Err()
	}
	d.stats.polls.Add(1)
	d.stats.stored.Add(int64(rep.Stored))
	d.stats.grouped.Add(int64(rep.Grouped))
	if err != nil {
		d.stats.failures.Add(1)
	}
	end := news.WirePoll{SourceID: src.ID, At: start, OK: err == nil, ETag: etag, LastModified: modified}
	if err != nil {
		end.Error = clip(err.Error(), 500)
		wait := src.Interval << min(src.Failures+1, 10)
		end.NextPoll = start.Add(min(wait, max(news.MaxWireBackoff, src.Interval)))
		if errors.As(err, new(badFiles)) {
			end.NextPoll = start.Add(src.Interval)
		}
		d.opts.Logger.Warn("wire: poll failed", "source", src.Name, "err", err, "failures", src.Failures+1)
	} else {
		end.NextPoll = start.Add(src.Interval)
		if rep.Stored > 0 {
			d.opts.Logger.Info("wire: polled", "source", src.Name, "items", rep.Items, "stored", rep.Stored)
		}
	}
	if ferr := d.opts.Store.FinishWirePoll(context.WithoutCancel(ctx), end); ferr != nil {
		d.opts.Logger.Warn("wire: save a poll's end", "source", src.Name, "err", ferr)
	}
	return rep, err
}

func (d *Desk) pollHTTP(ctx context.Context, src news.WireSource) (Report, string, string, error) {
	req := fetch.Request{URL: src.Address, Header: http.Header{}, UserAgent: "Sahafa wire desk"}
	if src.ETag != "" {
		req.Header.Set("If-None-Match", src.ETag)
	}
	if src.LastModified != "" {
		req.Header.Set("If-Modified-Since", src.LastModified)
	}
	if src.AuthKind != "" {
		if d.opts.Sealer == nil {
			return Report{}, "", "", errors.New("لا مفتاح أسرار على هذا الخادم لفتح كلمة مرور المصدر")
		}
		secret, err := d.opts.Sealer.Open(src.Secret)
		if err != nil {
			return Report{}, "", "", err
		}
		switch src.AuthKind {
		case "basic":
			req.Header.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(src.AuthUser+":"+secret)))
		case "bearer":
			req.Header.Set("Authorization", "Bearer "+secret)
		}
	}
	ctx, cancel := context.WithTimeout(ctx, d.opts.Timeout+5*time.Second)
	defer cancel()
	res, err := d.fetch.Do(ctx, req)
	if err != nil {
		return Report{}, "", "", err
	}
	if res.Status == http.StatusNotModified {
		return Report{NotModif: true}, src.ETag, src.LastModified, nil
	}
	rep := Report{Files: 1}
	if err := d.ingest(ctx, src, res.Body, &rep); err != nil {
		return rep, "", "", err
	}
	if f := ingest.Format(src.Format); f == ingest.FormatFeed || f == ingest.FormatAuto {
		d.maybeSubscribe(ctx, src, res.Body)
	}
	return rep, res.Header.Get("ETag"), res.Header.Get("Last-Modified"), nil
}

// Folders the desk moves dropped files into once read.
const (
	DoneFolder   = ".sahafa-done"
	FailedFolder = ".sahafa-failed"
)

// pollFolder reads the settled files of a drop folder, oldest first, and
// moves each into DoneFolder or, when it cannot be read, FailedFolder
// (with a .txt beside it saying why), so that no file is read twice.
func (d *Desk) pollFolder(ctx context.Context, src news.WireSource) (Report, error) {
	entries, err := os.ReadDir(src.Address)
	if err != nil {
		return Report{}, fmt.Errorf("تعذّرت قراءة المجلد %s: %w", src.Address, err)
	}
	type file struct {
		name string
		mod  time.Time
		size int64
	}
	var files []file
	settled := d.opts.Now().Add(-d.opts.Settle)
	for _, e := range entries {
		if !e.Type().IsRegular() || strings.HasPrefix(e.Name(), ".") {
			continue
		}
		info, err := e.Info()
		if err != nil || info.ModTime().After(settled) {
			continue
		}
		files = append(files, file{e.Name(), info.ModTime(), info.Size()})
	}
	sort.Slice(files, func(i, j int) bool {
		if !files[i].mod.Equal(files[j].mod) {
			return files[i].mod.Before(files[j].mod)
		}
		return files[i].name < files[j].name
	})
	if len(files) > d.opts.MaxFiles {
		files = files[:d.opts.MaxFiles]
	}
	var rep Report
	var problems []string
	for _, f := range files {
		if ctx.Err() != nil {
			return rep, ctx.Err()
		}
		path := filepath.Join(src.Address, f.name)
		var ferr error
		if f.size > d.opts.MaxBytes {
			ferr = fmt.Errorf("الملف أكبر من الحد المسموح (%d ميغابايت)", d.opts.MaxBytes>>20)
		} else if data, err := os.ReadFile(path); err != nil {
			ferr = err
		} else {
			ferr = d.ingest(ctx, src, data, &rep)
		}
		rep.Files++
		if ferr != nil && news.ErrorCode(ferr) == news.EUNAVAILABLE {
			return rep, ferr // the database: leave the file for the next poll
		}
		dest := DoneFolder
		if ferr != nil {
			dest = FailedFolder
			problems = append(problems, f.name+": "+ferr.Error())
		}
		if err := moveInto(src.Address, dest, f.name, ferr); err != nil {
			return rep, fmt.Errorf("تعذّر نقل %s بعد قراءته: %w", f.name, err)
		}
	}
	if len(problems) > 0 {
		return rep, badFiles{fmt.Errorf("%d ملف لم يُقرأ (نُقل إلى %s): %s", len(problems), FailedFolder, strings.Join(problems, "؛ "))}
	}
	return rep, nil
}

// badFiles is a folder poll that read its files but could not use some:
// they were moved aside, so the next poll comes at the source's interval
// (no backoff); the problem stays shown until a clean poll.
type badFiles struct{ error }

func (b badFiles) Unwrap() error { return b.error }

func moveInto(dir, sub, name string, problem error) error {
	target := filepath.Join(dir, sub)
	if err := os.MkdirAll(target, 0o755); err != nil {
		return err
	}
	if problem != nil {
		if err := os.WriteFile(filepath.Join(target, name+".txt"), []byte(problem.Error()+"\n"), 0o644); err != nil {
			return err
		}
	}
	return os.Rename(filepath.Join(dir, name), filepath.Join(target, name))
}

// ingest parses one file and stores its items.
func (d *Desk) ingest(ctx context.Context, src news.WireSource, data []byte, rep *Report) error {
	items, skipped, err := ingest.Parse(ingest.Format(src.Format), data)
	if err != nil {
		return err
	}
	for _, s := range skipped {
		rep.Skipped = append(rep.Skipped, s.Error())
	}
	rep.Items += len(items)
	now := d.opts.Now().UTC().Truncate(time.Second)
	var records []news.WireItem
	for _, it := range items {
		records = append(records, d.record(src, it, now))
	}
	// Stored in batches: one transaction per file would hold the writer
	// for a 10,000-item poll.
	const batch = 500
	for i := 0; i < len(records); i += batch {
		added, err := d.opts.Store.AddWireItems(ctx, records[i:min(i+batch, len(records))])
		if err != nil {
			return err
		}
		rep.Stored += len(added)
		start := time.Now()
		n, err := d.group(ctx, added)
		rep.Grouped += n
		rep.GroupTime += time.Since(start)
		if err != nil {
			return err
		}
		if d.opts.Stored != nil && len(added) > 0 {
			d.opts.Stored(src, added)
		}
	}
	return nil
}

// record makes the stored form of an item.
func (d *Desk) record(src news.WireSource, it ingest.Item, now time.Time) news.WireItem {
	urgency := it.Urgency
	if urgency == 0 {
		urgency = src.Priority
	}
	h := sha256.New()
	for _, part := range []string{it.Headline, it.Summary, it.Body, it.Byline, it.Dateline, it.Status, it.Signal, it.Embargo.String(), fmt.Sprint(urgency)} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return news.WireItem{
		SourceID: src.ID, GUID: it.GUID, Version: it.Version, Headline: it.Headline, Summary: it.Summary, Body: it.Body,
		Byline: it.Byline, Dateline: it.Dateline, Language: it.Language, Urgency: urgency, Subjects: it.Subjects,
		Slugline: it.Slugline, Status: it.Status, Signal: it.Signal, Embargo: it.Embargo, FirstCreated: it.FirstCreated,
		VersionCreated: it.VersionCreated, ReceivedAt: now, Link: it.Link, Provider: it.Provider,
		Hash:  hex.EncodeToString(h.Sum(nil)[:16]),
		Terms: Terms(it.Headline + " " + it.Summary + " " + it.Slugline + " " + strings.Join(it.Subjects, " ") + " " + ingest.Text(it.Body)),
		Lead:  leadTerms(it),
	}
}

// Terms is the search form of a text: the site's analyzed terms, each
// once, between spaces, so that a term is found whole.
func Terms(text string) string {
	seen := map[string]bool{}
	var b strings.Builder
	b.WriteByte(' ')
	for _, t := range arabic.Terms(text) {
		if !seen[t] {
			seen[t] = true
			b.WriteString(t)
			b.WriteByte(' ')
		}
	}
	return b.String()
}

// QueryTerms are the analyzed terms of what the desk typed in the queue's
// search box.
func QueryTerms(q string) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range arabic.Terms(q) {
		if !seen[t] && len(out) < 8 {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

func clip(s string, n int) string {
	if len([]rune(s)) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
