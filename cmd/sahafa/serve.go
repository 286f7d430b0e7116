package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"sahafa/accounts"
	"sahafa/arabic"
	"sahafa/assets"
	"sahafa/demo"
	"sahafa/editorial"
	"sahafa/news"
	"sahafa/newsroom"
	"sahafa/search"
	"sahafa/web"
)

func serve(ctx context.Context, args []string, stdout, stderr io.Writer, logger *slog.Logger) error {
	fs, where := newFlags("serve", stderr)
	addr := fs.String("addr", envOr("SAHAFA_ADDR", "127.0.0.1:8080"), "listen address HOST:PORT [SAHAFA_ADDR]")
	baseURL := fs.String("base-url", envOr("SAHAFA_BASE_URL", ""), "public URL of the site, for canonical links and the API (default http://ADDR) [SAHAFA_BASE_URL]")
	siteName := fs.String("site-name", envOr("SAHAFA_SITE_NAME", "صحافة"), "site name [SAHAFA_SITE_NAME]")
	digits := fs.String("digits", envOr("SAHAFA_DIGITS", "latin"), "digits on pages: latin (0123) or arabic (٠١٢٣) [SAHAFA_DIGITS]")
	hijri := fs.Bool("hijri", envOr("SAHAFA_HIJRI", "true") == "true", "show the Hijri date beside the Gregorian one [SAHAFA_HIJRI]")
	tz := fs.String("timezone", envOr("SAHAFA_TIMEZONE", "Asia/Riyadh"), "time zone for dates on pages and archives [SAHAFA_TIMEZONE]")
	noDemo := fs.Bool("no-demo", false, "do not add the demo articles to an empty site")
	warm := fs.Bool("warm-related", envOr("SAHAFA_WARM_RELATED", "true") == "true", "compute missing \"you may also read\" lists in the background [SAHAFA_WARM_RELATED]")
	trustProxy := fs.Bool("trust-proxy", envOr("SAHAFA_TRUST_PROXY", "false") == "true", "take client addresses from X-Forwarded-For (behind a reverse proxy) [SAHAFA_TRUST_PROXY]")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("serve takes no arguments, got %q", fs.Args())}
	}
	opts := web.Options{SiteName: *siteName, BaseURL: *baseURL, ShowHijri: *hijri, Logger: logger}
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

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	if opts.BaseURL == "" {
		opts.BaseURL = "http://" + ln.Addr().String()
	}
	opts.BaseURL = strings.TrimRight(opts.BaseURL, "/")

	var site *web.Site
	a, err := openApp(ctx, where.data, where.db, logger, func() {
		if site != nil {
			site.Invalidate()
		}
	})
	if err != nil {
		ln.Close()
		return err
	}
	defer a.Close()
	if !*noDemo {
		if err := addDemoIfEmpty(ctx, a); err != nil {
			ln.Close()
			return err
		}
	}
	engine := search.New(a.store)
	opts.Search = engine
	static, err := assets.Load()
	if err != nil {
		ln.Close()
		return fmt.Errorf("load static files: %w", err)
	}
	opts.Assets = static
	ed := editorial.New(a.store, a.publish, engine, editorial.Options{Location: loc, Logger: logger})
	nr, err := newsroom.New(newsroom.Options{
		Store: a.store, Editorial: ed, Accounts: accounts.New(a.store, accounts.Options{Logger: logger}), Assets: static,
		SiteName: opts.SiteName, BaseURL: opts.BaseURL, TrustProxy: *trustProxy, Logger: logger,
		Preview:         func(w http.ResponseWriter, r *http.Request, art news.Article) { site.Preview(w, r, art) },
		CurrentSiteName: func(ctx context.Context) string { return site.SiteName(ctx) },
		CurrentSettings: func(ctx context.Context) map[string]string { return site.Settings(ctx) },
	})
	if err != nil {
		ln.Close()
		return fmt.Errorf("build newsroom: %w", err)
	}
	opts.Mounts = []web.Mount{{Prefix: newsroom.Prefix, Handler: nr}}
	site, err = web.New(a.store, opts)
	if err != nil {
		ln.Close()
		return fmt.Errorf("build site: %w", err)
	}
	go ed.RunScheduler(ctx)

	// Writes by other processes on the same database (an import run beside
	// the server, another node) drop the page cache too.
	if w, ok := a.store.(news.ChangeWatcher); ok {
		w.WatchChanges(ctx, site.Changed)
	}

	go engine.RunRelated(ctx, search.RefresherOptions{Sweep: *warm, Stored: site.InvalidateArticle, Logger: logger})

	srv := &http.Server{
		Handler:           site,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
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
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("shut down: %w", err)
	}
	return nil
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
