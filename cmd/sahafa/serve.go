package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"sahafa/accounts"
	"sahafa/adminapi"
	"sahafa/api"
	"sahafa/arabic"
	"sahafa/assets"
	"sahafa/bucket"
	"sahafa/cdn"
	"sahafa/comments"
	"sahafa/demo"
	"sahafa/editorial"
	"sahafa/media"
	"sahafa/news"
	"sahafa/newsroom"
	"sahafa/ops"
	"sahafa/readership"
	"sahafa/seal"
	"sahafa/search"
	"sahafa/web"
	"sahafa/webhook"
	"sahafa/websub"
	"sahafa/wire"
)

// Server timeouts. Reading a request's headers and body is bounded (an
// upload extends its own deadline after sign-in); writing the answer is
// bounded by the slowest bounded work behind it: the render queue
// (web.DefaultRenderWait) and the image gate.
// defaultMemoryLimit is the default soft limit of the heap: room for the
// page cache (64 MiB), the password hash that runs at once on a small
// machine (64 MiB) and the images (256 MiB) at their budgets together.
// The database's own caches are outside the Go heap: at 448 MiB,
// bench/overload.sh's server peaked at 542 MB resident, at 384 at 479 MB,
// with the same article throughput.
const defaultMemoryLimit = 384 << 20

const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 60 * time.Second
	idleTimeout       = 120 * time.Second
	// mediaAwait bounds how long /media/{id} of an image still being
	// processed waits for it, well within the write timeout.
	mediaAwait = 20 * time.Second
)

func serve(ctx context.Context, args []string, stdout, stderr io.Writer, logger *slog.Logger) error {
	fs, where := newFlags("serve", stderr)
	where.addReplicaFlags(fs)
	addr := fs.String("addr", envOr("SAHAFA_ADDR", "127.0.0.1:8080"), "listen address HOST:PORT [SAHAFA_ADDR]")
	baseURL := fs.String("base-url", envOr("SAHAFA_BASE_URL", ""), "public URL of the site, for canonical links and the API (default http://ADDR) [SAHAFA_BASE_URL]")
	siteName := fs.String("site-name", envOr("SAHAFA_SITE_NAME", "صحافة"), "site name [SAHAFA_SITE_NAME]")
	digits := fs.String("digits", envOr("SAHAFA_DIGITS", "latin"), "digits on pages: latin (0123) or arabic (٠١٢٣) [SAHAFA_DIGITS]")
	hijri := fs.Bool("hijri", envOr("SAHAFA_HIJRI", "true") == "true", "show the Hijri date beside the Gregorian one [SAHAFA_HIJRI]")
	tz := fs.String("timezone", envOr("SAHAFA_TIMEZONE", "Asia/Riyadh"), "time zone for dates on pages and archives [SAHAFA_TIMEZONE]")
	noDemo := fs.Bool("no-demo", false, "do not add the demo articles to an empty site")
	warm := fs.Bool("warm-related", envOr("SAHAFA_WARM_RELATED", "true") == "true", "compute missing \"you may also read\" lists of the whole archive in the background [SAHAFA_WARM_RELATED]")
	trustProxy := fs.Bool("trust-proxy", envOr("SAHAFA_TRUST_PROXY", "false") == "true", "take client addresses from X-Forwarded-For (behind a reverse proxy) [SAHAFA_TRUST_PROXY]")
	metricsAddr := fs.String("metrics-addr", envOr("SAHAFA_METRICS_ADDR", ""), "serve Prometheus metrics on HOST:PORT (off when empty; keep it private) [SAHAFA_METRICS_ADDR]")
	logFormat := fs.String("log-format", envOr("SAHAFA_LOG_FORMAT", "text"), "log format: text or json [SAHAFA_LOG_FORMAT]")
	logLevel := fs.String("log-level", envOr("SAHAFA_LOG_LEVEL", "info"), "log level: debug, info, warn or error [SAHAFA_LOG_LEVEL]")
	countViews := fs.Bool("readership", envOr("SAHAFA_READERSHIP", "true") == "true", "count page views and readers, without cookies, for the newsroom and the most read lists [SAHAFA_READERSHIP]")
	beacon := fs.Bool("readership-beacon", envOr("SAHAFA_READERSHIP_BEACON", "false") == "true", "count article views by a 1×1 image on the page rather than by the page's answer, for pages a CDN answers (the referring site is then not known) [SAHAFA_READERSHIP_BEACON]")
	cdnPurge := fs.String("cdn-purge", envOr("SAHAFA_CDN_PURGE", ""), "after each write, purge the pages it changed at this CDN purge API, or for --cdn-purge-kind urls this caching proxy's base URL (off when empty) [SAHAFA_CDN_PURGE]")
	cdnKind := fs.String("cdn-purge-kind", envOr("SAHAFA_CDN_PURGE_KIND", "keys"), "shape of the purge: keys (POST {\"keys\": […]}), fastly, cloudflare or urls (GET each page with X-Sahafa-Purge) [SAHAFA_CDN_PURGE_KIND]")
	cdnMaxAge := fs.Duration("cdn-max-age", envDuration("SAHAFA_CDN_MAX_AGE", 0), "how long shared caches (a CDN) may keep pages (s-maxage); 0: as browsers, a minute [SAHAFA_CDN_MAX_AGE]")
	accessLog := fs.Bool("access-log", envOr("SAHAFA_ACCESS_LOG", "true") == "true", "log one line per request [SAHAFA_ACCESS_LOG]")
	shutdownTimeout := fs.Duration("shutdown-timeout", envDuration("SAHAFA_SHUTDOWN_TIMEOUT", 30*time.Second), "on SIGTERM, how long in-flight requests may take to finish [SAHAFA_SHUTDOWN_TIMEOUT]")
	drainDelay := fs.Duration("drain-delay", envDuration("SAHAFA_DRAIN_DELAY", 0), "on SIGTERM, how long to keep serving with /readyz failing, so a load balancer stops sending requests first [SAHAFA_DRAIN_DELAY]")
	pageCache := fs.Int64("page-cache", envInt64("SAHAFA_PAGE_CACHE", web.DefaultCacheBytes>>20), "MiB of rendered pages kept in memory; 0 turns the page cache off (every request is rendered: for measuring) [SAHAFA_PAGE_CACHE]")
	mediaURL := fs.String("media-url", envOr("SAHAFA_MEDIA_URL", ""), "where readers fetch the --media bucket's objects straight from (a CDN or the bucket's web address, e.g. https://media.example.com/ for the bucket's root): /media/… answers 302 there; empty: Sahafa serves the bytes [SAHAFA_MEDIA_URL]")
	maxRenders := fs.Int("max-renders", envInt("SAHAFA_MAX_RENDERS", web.DefaultMaxRenders), "pages and API answers rendered at once (cache misses); more wait, then get 503 [SAHAFA_MAX_RENDERS]")
	hashMemory := fs.Int64("hash-memory", envInt64("SAHAFA_HASH_MEMORY", accounts.DefaultHashMemory>>20), "MiB of memory password hashes may use at once (64 MiB each) [SAHAFA_HASH_MEMORY]")
	imageMemory := fs.Int64("image-memory", envInt64("SAHAFA_IMAGE_MEMORY", media.DefaultGateMemory>>20), "MiB of memory uploaded images may use while processed together [SAHAFA_IMAGE_MEMORY]")
	importMaxMB := fs.Int64("import-max-mb", envInt64("SAHAFA_IMPORT_MAX_MB", newsroom.DefaultImportMaxBytes>>20), "MiB of the largest file administrators may import from the newsroom [SAHAFA_IMPORT_MAX_MB]")
	wireOn := fs.Bool("wire", envOr("SAHAFA_WIRE", "true") == "true", "poll the wire desk's sources (agencies, partners' feeds, drop folders) in the background; off: the desk shows what came but polls nothing [SAHAFA_WIRE]")
	wireKeep := fs.Duration("wire-keep", envDuration("SAHAFA_WIRE_KEEP", news.DefaultWireKeep), "how long wire items are kept [SAHAFA_WIRE_KEEP]")
	wirePrivate := fs.Bool("wire-allow-private", envOr("SAHAFA_WIRE_ALLOW_PRIVATE", "false") == "true", "let wire sources be on this machine or its private network (an agency over a private line) [SAHAFA_WIRE_ALLOW_PRIVATE]")
	websubHubs := fs.String("websub-hub", envOr("SAHAFA_WEBSUB_HUB", ""), "WebSub hubs (comma-separated URLs) named in every feed and pinged when feeds change; empty: none [SAHAFA_WEBSUB_HUB]")
	hooksPrivate := fs.Bool("webhooks-allow-private", envOr("SAHAFA_WEBHOOKS_ALLOW_PRIVATE", "false") == "true", "let webhooks' receivers be on this machine or its private network (the newsroom's own systems) [SAHAFA_WEBHOOKS_ALLOW_PRIVATE]")
	secretKey := fs.String("secret-key-file", envOr("SAHAFA_SECRET_KEY_FILE", ""), "file of the key that seals the wire sources' passwords and the webhooks' keys in the database, made when missing; servers sharing a database need the same file (default DATA/secret.key) [SAHAFA_SECRET_KEY_FILE]")
	memoryLimit := fs.Int64("memory-limit", envInt64("SAHAFA_MEMORY_LIMIT", defaultMemoryLimit>>20), "MiB the Go heap aims to stay under (a soft limit; 0 for none; GOMEMLIMIT, when set, wins) [SAHAFA_MEMORY_LIMIT]")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("serve takes no arguments, got %q", fs.Args())}
	}
	logger, err := newLogger(stderr, *logFormat, *logLevel)
	if err != nil {
		return err
	}
	opts := web.Options{SiteName: *siteName, BaseURL: *baseURL, ShowHijri: *hijri, Logger: logger, MaxRenders: *maxRenders}
	switch *digits {
	case "latin":
		opts.Digits = arabic.LatinDigits
	case "arabic":
		opts.Digits = arabic.ArabicIndicDigits
	default:
		return usageError{fmt.Sprintf("--digits: want latin or arabic, got %q", *digits)}
	}
	loc, err := time.LoadLocation(*tz)
	if err != nil {
		return usageError{fmt.Sprintf("--timezone: %v", err)}
	}
	opts.Location = loc
	if *hashMemory < 1 || *imageMemory < 16 || *memoryLimit < 0 {
		return usageError{"--hash-memory must be at least 1 (MiB), --image-memory at least 16, --memory-limit 0 or more"}
	}
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set && *memoryLimit > 0 {
		// The budgets above bound what is live; without a limit the
		// collector lets the heap grow to twice that before it runs (941 MB
		// peak under bench/overload.sh, 427 MB with the limit).
		debug.SetMemoryLimit(*memoryLimit << 20)
	}

	if *mediaURL != "" {
		u, err := url.Parse(*mediaURL)
		switch {
		case where.media == "":
			return usageError{"--media-url: the address of a bucket's objects needs --media s3://…"}
		case err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "":
			return usageError{fmt.Sprintf("--media-url: want an http(s) address such as https://media.example.com/, got %q", *mediaURL)}
		}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	defer ln.Close()
	var metricsLn net.Listener
	if *metricsAddr != "" {
		if metricsLn, err = net.Listen("tcp", *metricsAddr); err != nil {
			return fmt.Errorf("--metrics-addr: listen on %s: %w", *metricsAddr, err)
		}
		defer metricsLn.Close()
	}
	if opts.BaseURL == "" {
		opts.BaseURL = "http://" + ln.Addr().String()
	}
	opts.BaseURL = strings.TrimRight(opts.BaseURL, "/")

	// Background work runs until the server has drained, then stops before
	// the store closes.
	bg, stopBackground := context.WithCancel(context.WithoutCancel(ctx))
	var background sync.WaitGroup
	defer background.Wait()
	defer stopBackground()

	var site *web.Site
	a, err := openApp(ctx, where, logger, func() {
		if site != nil {
			site.Invalidate()
		}
	})
	if err != nil {
		return err
	}
	defer a.Close()
	if !*noDemo {
		if err := addDemoIfEmpty(ctx, a); err != nil {
			return err
		}
	}
	engine := search.New(a.store)
	opts.Search = engine
	static, err := assets.Load()
	if err != nil {
		return fmt.Errorf("load static files: %w", err)
	}
	opts.Assets = static
	// Image work rests while requests are served (the server is made below).
	var serving atomic.Pointer[ops.Server]
	images := media.NewGate(media.GateOptions{Memory: *imageMemory << 20, Busy: func() bool {
		f := serving.Load()
		return f != nil && f.Busy()
	}})
	var purger *cdn.Purger
	if *cdnPurge != "" {
		kind, err := cdn.ParseKind(*cdnKind)
		if err != nil {
			return err
		}
		purger = cdn.New(cdn.Options{Endpoint: *cdnPurge, Kind: kind, Token: os.Getenv("SAHAFA_CDN_PURGE_TOKEN"), Logger: logger})
	}
	// An article's own page changed (a live update, a comment): drop it
	// here and at the CDN.
	pageChanged := func(id int64) {
		if site != nil {
			site.InvalidateArticle(id)
		}
		if purger != nil {
			if art, err := a.store.Article(ctx, id); err == nil {
				purger.Add(cdn.Purge{Keys: []string{news.CacheTag(id)}, Paths: []string{art.Path()}})
			}
		}
	}
	if *secretKey == "" {
		*secretKey = filepath.Join(where.data, "secret.key")
	}
	sealer, err := seal.LoadKey(*secretKey)
	if err != nil {
		return fmt.Errorf("--secret-key-file: %w", err)
	}
	var hubs []string
	for _, h := range strings.Split(*websubHubs, ",") {
		if h = strings.TrimSpace(h); h != "" {
			if u, err := url.Parse(h); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				return usageError{fmt.Sprintf("--websub-hub: want http(s) URLs, got %q", h)}
			}
			hubs = append(hubs, h)
		}
	}
	opts.WebSubHubs = hubs
	pinger := websub.New(websub.Options{Hubs: hubs, BaseURL: opts.BaseURL, Logger: logger})
	hooks := webhook.New(webhook.Options{Store: a.store, Sealer: sealer, BaseURL: opts.BaseURL, Logger: logger, AllowPrivate: *hooksPrivate})
	clientAddress := func(r *http.Request) string { return newsroom.ClientAddress(r, *trustProxy) }
	talk := comments.New(comments.Options{Store: a.store, PageChanged: pageChanged, Logger: logger})
	opts.Comments, opts.ClientAddress = talk, clientAddress
	ed := editorial.New(a.store, a.publish, engine, editorial.Options{Location: loc, Logger: logger, Images: images,
		PageChanged: pageChanged,
		ArticleChanged: func(before, after news.Article) {
			if purger != nil {
				purger.Add(cdn.ForArticle(before, after))
			}
			hooks.ArticleChanged(before, after)
			pinger.ArticleChanged(before, after)
		},
		MediaChanged: func(id int64) {
			if site != nil {
				site.InvalidateMedia(id)
			}
		}})
	acc := accounts.New(a.store, accounts.Options{Logger: logger, HashMemory: *hashMemory << 20})
	desk := wire.New(wire.Options{Store: a.store, Sealer: sealer, Logger: logger, Keep: *wireKeep, AllowPrivate: *wirePrivate,
		PublicURL: publicURL(opts.BaseURL)})
	nr, err := newsroom.New(newsroom.Options{
		Store: a.store, Editorial: ed, Accounts: acc, Comments: talk, Assets: static,
		Import: newsroomImporter(a), ImportMaxBytes: *importMaxMB << 20, Background: bg, Wire: desk, Webhooks: hooks, Sealer: sealer,
		SiteName: opts.SiteName, BaseURL: opts.BaseURL, TrustProxy: *trustProxy, Logger: logger,
		Preview:         func(w http.ResponseWriter, r *http.Request, art news.Article) { site.Preview(w, r, art) },
		CurrentSiteName: func(ctx context.Context) string { return site.SiteName(ctx) },
		CurrentSettings: func(ctx context.Context) map[string]string { return site.Settings(ctx) },
	})
	if err != nil {
		return fmt.Errorf("build newsroom: %w", err)
	}
	admin := adminapi.New(adminapi.Options{Store: a.store, Editorial: ed, Accounts: acc, BaseURL: opts.BaseURL, Logger: logger})
	opts.Mounts = []web.Mount{{Prefix: newsroom.Prefix, Handler: nr}, {Prefix: adminapi.Prefix, Handler: admin},
		{Prefix: wire.CallbackPrefix, Handler: desk.Callback()}}
	opts.AwaitMedia = func(ctx context.Context, id int64) (news.Media, error) { return ed.AwaitMedia(ctx, id, mediaAwait) }
	if bs, ok := a.store.(*bucket.Store); ok && *mediaURL != "" {
		opts.MediaFile = bs.PublicFiles(*mediaURL)
	}
	var views *readership.Counter
	if *countViews {
		views = readership.New(readership.Options{Store: a.store, Logger: logger,
			Client: clientAddress, Staff: newsroom.HasSession})
		opts.Viewed = views.View
		opts.AdCounted = views.Ad
		opts.Beacon = *beacon
		opts.MostRead = readership.NewPopular(a.store, popularEvery, popularLength).Articles
	}
	opts.Stats = api.NewStats(a.store, api.StatsOptions{BaseURL: opts.BaseURL, Logger: logger, Location: loc,
		Authorize: func(r *http.Request) error {
			_, err := acc.TokenFor(r.Context(), r.Header.Get("Authorization"), news.ScopeStatsRead)
			return err
		}})
	opts.SharedMaxAge = *cdnMaxAge
	opts.CacheBytes = *pageCache << 20
	if *pageCache <= 0 {
		opts.CacheBytes = -1
	}
	site, err = web.New(a.store, opts)
	if err != nil {
		return fmt.Errorf("build site: %w", err)
	}

	var metrics *ops.Metrics
	if metricsLn != nil {
		metrics = ops.NewMetrics()
		registerMetrics(metrics, a, site, engine, ed, acc, images)
		m := metrics
		m.CounterFunc("sahafa_wire_polls_total", "Polls of wire sources by this server.", func() float64 { return float64(desk.Stats().Polls) })
		m.CounterFunc("sahafa_wire_poll_failures_total", "Polls of wire sources that failed (the source's page says why).", func() float64 { return float64(desk.Stats().Failures) })
		m.CounterFunc("sahafa_wire_items_stored_total", "Wire items and versions stored by this server's polls.", func() float64 { return float64(desk.Stats().Stored) })
		m.CounterFunc("sahafa_wire_items_grouped_total", "New wire stories put with another source's story of the same event.", func() float64 { return float64(desk.Stats().Grouped) })
		m.CounterFunc("sahafa_webhook_deliveries_total", "Webhook deliveries a receiver took (2xx), by this server.", func() float64 { return float64(hooks.Stats().Delivered) })
		m.CounterFunc("sahafa_webhook_failed_attempts_total", "Webhook attempts that failed (the delivery log says why).", func() float64 { return float64(hooks.Stats().FailedAttempts) })
		m.CounterFunc("sahafa_webhook_given_up_total", "Webhook deliveries given up after every attempt failed.", func() float64 { return float64(hooks.Stats().GaveUp) })
		m.GaugeFunc("sahafa_wire_polls_running", "Polls of wire sources running now.", func() float64 { return float64(desk.Stats().Polling) })
	}
	var accessLogger *slog.Logger
	if *accessLog {
		lw := ops.NewLineWriter(stderr)
		defer lw.Close()
		accessLogger, _ = newLogger(lw, *logFormat, "info")
	}
	front := ops.New(site, ops.Options{
		AccessLog: accessLogger, Metrics: metrics, Route: web.Route,
		Client: clientAddress,
		Ready: func(ctx context.Context) error {
			if p, ok := a.raw.(news.Pinger); ok {
				return p.Ping(ctx)
			}
			return nil
		},
	})
	serving.Store(front)

	if n, err := a.store.EndRunningImportJobs(ctx, newsroom.ImportStopped, time.Now().Add(-newsroom.ImportJobStale)); err != nil {
		logger.Warn("import jobs of stopped servers", "err", err)
	} else if n > 0 {
		logger.Info("import jobs of stopped servers marked stopped", "jobs", n)
	}
	background.Go(func() { ed.RunScheduler(bg) })
	if views != nil {
		background.Go(func() { views.Run(bg) }) // writes the last counts when bg ends
	}
	background.Go(func() { ed.RunMedia(bg) })
	if *wireOn {
		background.Go(func() { desk.Run(bg) })
	}
	background.Go(func() { hooks.Run(bg) })
	background.Go(func() { pinger.Run(bg) })
	if purger != nil {
		background.Go(func() { purger.Run(bg) })
	}
	// Writes by other processes on the same database (an import run beside
	// the server, another node) drop the pages they changed.
	if w, ok := a.raw.(news.ChangeWatcher); ok {
		w.WatchChanges(bg, site.Changed)
	}
	// "You may also read" lists are computed off the request path: those
	// of viewed articles first, then (with --warm-related) the rest of the
	// archive when readers leave room. Storing one drops its page alone.
	background.Go(func() {
		engine.RunRelated(bg, search.RefresherOptions{Sweep: *warm, Busy: front.Busy, Stored: site.InvalidateArticle, Logger: logger})
	})

	srv := &http.Server{
		Handler:           front,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	var metricsSrv *http.Server
	if metricsLn != nil {
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", metrics.Handler())
		metricsSrv = &http.Server{Handler: mux, ReadHeaderTimeout: readHeaderTimeout, WriteTimeout: writeTimeout}
		go metricsSrv.Serve(metricsLn)
		defer metricsSrv.Close()
		fmt.Fprintf(stdout, "sahafa: metrics on http://%s/metrics\n", metricsLn.Addr())
	}
	fmt.Fprintf(stdout, "sahafa: serving %s on %s (%s)\n", opts.SiteName, opts.BaseURL, where)
	if users, err := a.store.Users(ctx); err == nil && len(users) == 0 {
		fmt.Fprintf(stdout, "sahafa: the newsroom (%s/newsroom/) has no users yet: add one with\n"+
			"  sahafa user add --email you@example.com --role admin\n", opts.BaseURL)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	err = drain(srv, front, logger, *drainDelay, *shutdownTimeout)
	// Background work (the last readership counts among it) ends before
	// the store closes.
	stopBackground()
	background.Wait()
	return err
}

// publicURL is the base URL hubs can call back, "" when the site runs on
// this machine only (no hub could reach it, so subscribing is pointless).
func publicURL(base string) string {
	u, err := url.Parse(base)
	if err != nil {
		return ""
	}
	host := u.Hostname()
	if ip := net.ParseIP(host); host == "localhost" || (ip != nil && (ip.IsLoopback() || ip.IsPrivate() || ip.IsUnspecified())) {
		return ""
	}
	return base
}

// The most read lists: five articles, read from the counts at most every
// five minutes.
const (
	popularEvery  = 5 * time.Minute
	popularLength = 5
)

// drain shuts the server down without dropping requests: /readyz fails
// at once, new requests are still served for drainDelay (while a load
// balancer notices), then the listener closes and in-flight requests get
// up to timeout to finish. Only then do background work and the store
// stop (the callers' defers).
func drain(srv *http.Server, front *ops.Server, logger *slog.Logger, drainDelay, timeout time.Duration) error {
	start := time.Now()
	front.Drain()
	logger.Info("shutting down: draining", "in_flight", front.InFlight(), "drain_delay", drainDelay.String(), "timeout", timeout.String())
	time.Sleep(drainDelay)
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	err := srv.Shutdown(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		left := front.InFlight()
		srv.Close()
		logger.Warn("shut down: the timeout passed; requests still in flight were cut", "cut", left,
			"took", time.Since(start).Round(time.Millisecond).String())
		return nil
	}
	if err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shut down: %w", err)
	}
	logger.Info("shut down cleanly", "took", time.Since(start).Round(time.Millisecond).String())
	return nil
}

// registerMetrics adds what the server bounds and does to the registry:
// the page cache, the render limit, the database pools, the image gate,
// the password hashes, the related-lists refresher, searches, saves and
// the scheduler.
func registerMetrics(m *ops.Metrics, a *app, site *web.Site, engine *search.Engine, ed *editorial.Service,
	acc *accounts.Service, images *media.Gate) {
	cache := site.Cache()
	m.CounterFunc("sahafa_pagecache_hits_total", "Answers from the page cache.", func() float64 { return float64(cache.Stats().Hits) })
	m.CounterFunc("sahafa_pagecache_misses_total", "Pages rendered because the cache did not hold them.", func() float64 { return float64(cache.Stats().Misses) })
	m.CounterFunc("sahafa_pagecache_stale_total", "Answers from a page's last good copy (its render was running or failed).", func() float64 { return float64(cache.Stats().Stale) })
	m.CounterFunc("sahafa_pagecache_evictions_total", "Cached pages removed to stay within the budget.", func() float64 { return float64(cache.Stats().Evictions) })
	m.GaugeFunc("sahafa_pagecache_bytes", "Bytes the page cache holds.", func() float64 { return float64(cache.Stats().Bytes) })
	m.GaugeFunc("sahafa_pagecache_entries", "Pages the page cache holds.", func() float64 { return float64(cache.Stats().Entries) })
	m.GaugeFunc("sahafa_renders_running", "Pages and API answers being rendered.", func() float64 { return float64(site.RenderStats().Running) })
	m.GaugeFunc("sahafa_renders_waiting", "Renders waiting for a slot.", func() float64 { return float64(site.RenderStats().Waiting) })
	m.GaugeFunc("sahafa_renders_limit", "Renders allowed at once (--max-renders).", func() float64 { return float64(site.RenderStats().Limit) })
	m.CounterFunc("sahafa_renders_refused_total", "Requests answered 503 because the render queue was full or its wait ran out.", func() float64 { return float64(site.RenderStats().Refused) })
	if ps, ok := a.raw.(news.PoolStatser); ok {
		for i, p := range ps.PoolStats() {
			pool := func() news.PoolStats { return ps.PoolStats()[i] }
			name := "sahafa_db_" + p.Name + "_"
			m.GaugeFunc(name+"connections_max", "Connections the "+p.Name+" pool may open.", func() float64 { return float64(pool().Max) })
			m.GaugeFunc(name+"connections_open", "Connections the "+p.Name+" pool holds.", func() float64 { return float64(pool().Open) })
			m.GaugeFunc(name+"connections_in_use", "Connections of the "+p.Name+" pool in use.", func() float64 { return float64(pool().InUse) })
			m.CounterFunc(name+"waits_total", "Times a connection of the "+p.Name+" pool had to be waited for.", func() float64 { return float64(pool().WaitCount) })
			m.CounterFunc(name+"wait_seconds_total", "Time spent waiting for (or acquiring) connections of the "+p.Name+" pool.", func() float64 { return pool().WaitDuration.Seconds() })
		}
	}
	if rs, ok := a.raw.(news.ReplicaStatser); ok {
		for i, r := range rs.ReplicaStats() {
			rep := func() news.ReplicaStats { return rs.ReplicaStats()[i] }
			name := "sahafa_db_" + r.Name + "_"
			m.GaugeFunc(name+"up", "1 while reads may use "+r.Name+" (it answers and is within --db-read-max-lag).", func() float64 {
				if rep().Up {
					return 1
				}
				return 0
			})
			m.GaugeFunc(name+"lag_seconds", "How far "+r.Name+"'s replay trails the primary.", func() float64 { return rep().Lag.Seconds() })
			m.CounterFunc(name+"reads_total", "Reads "+r.Name+" served.", func() float64 { return float64(rep().Reads) })
			m.CounterFunc(name+"fallbacks_total", "Reads "+r.Name+" failed and the primary served.", func() float64 { return float64(rep().Falls) })
		}
	}
	if b := a.bucket; b != nil {
		m.CounterFunc("sahafa_media_bucket_puts_total", "Files put in the media bucket (--media).", func() float64 { return float64(b.Stats().Puts) })
		m.CounterFunc("sahafa_media_bucket_gets_total", "Files read from the media bucket.", func() float64 { return float64(b.Stats().Gets) })
		m.CounterFunc("sahafa_media_bucket_failures_total", "Media bucket calls that failed (unreachable, busy, timed out).", func() float64 { return float64(b.Stats().Failures) })
		m.GaugeFunc("sahafa_media_bucket_calls_in_flight", "Media bucket calls running.", func() float64 { return float64(b.Stats().InFlight) })
	}
	m.GaugeFunc("sahafa_images_running", "Uploaded images being processed.", func() float64 { return float64(images.Stats().Running) })
	m.GaugeFunc("sahafa_images_waiting", "Uploads waiting for the image gate.", func() float64 { return float64(images.Stats().Waiting) })
	m.GaugeFunc("sahafa_images_memory_bytes", "Estimated memory of the images being processed.", func() float64 { return float64(images.Stats().MemoryInUse) })
	m.GaugeFunc("sahafa_password_hashes_running", "Password hashes being computed.", func() float64 { return float64(acc.HashesRunning()) })
	m.GaugeFunc("sahafa_password_hashes_waiting", "Password hashes waiting for a slot.", func() float64 { return float64(acc.HashesWaiting()) })
	m.GaugeFunc("sahafa_related_queue", "Viewed articles waiting for their \"you may also read\" list.", func() float64 { return float64(engine.Queued()) })
	engine.ObserveSearch = m.Histogram("sahafa_search_duration_seconds", "Time of a search in the store.")
	m.CounterFunc("sahafa_articles_created_total", "Articles created by this server (newsroom, scheduler, imports through it).", func() float64 {
		c, _ := a.publish.Counts()
		return float64(c)
	})
	m.CounterFunc("sahafa_articles_updated_total", "Articles updated by this server.", func() float64 {
		_, u := a.publish.Counts()
		return float64(u)
	})
	m.CounterFunc("sahafa_scheduler_published_total", "Scheduled articles this server's scheduler published.", func() float64 { return float64(ed.ScheduledPublished()) })
}

// addDemoIfEmpty gives a brand-new site the built-in demo articles.
func addDemoIfEmpty(ctx context.Context, a *app) error {
	list, err := a.store.Articles(ctx, news.ArticleFilter{Limit: 1})
	if err != nil {
		return fmt.Errorf("check for content: %w", err)
	}
	if list.Total > 0 {
		return nil
	}
	res, err := a.publish.Save(ctx, demo.Drafts(time.Now(), parseByline))
	if err != nil {
		return fmt.Errorf("add demo content: %w", err)
	}
	a.log.Info("added demo content to the new site", "articles", res.Created)
	return nil
}
