package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"sahafa/bucket"
	"sahafa/importer/byline"
	"sahafa/importer/jsonl"
	"sahafa/news"
	"sahafa/publish"
	"sahafa/store/postgres"
	"sahafa/store/sqlite"
)

// app is what every command works with: the store and the write path.
type app struct {
	store    news.Store // with media in the bucket when --media names one
	raw      news.Store // the database's store itself, for what only it does
	bucket   *bucket.Bucket
	mediaURL string // --media, s3://BUCKET/PREFIX, when bucket is set
	publish  *publish.Service
	onChange func() // told of every write by the write path (the server drops cached pages)
	log      *slog.Logger
}

// openApp opens (creating on first use) the site: on PostgreSQL when db
// is a postgres:// URL, else on the SQLite database in dataDir.
func openApp(ctx context.Context, where *storeFlags, logger *slog.Logger, onChange func()) (*app, error) {
	var store news.Store
	var err error
	if where.dbRead != "" {
		store, err = openWithReplicas(ctx, where, logger)
	} else {
		store, err = openStore(ctx, where.data, where.db)
	}
	if err != nil {
		return nil, err
	}
	if where.db == "" {
		for _, w := range sqlite.PermissionWarnings(filepath.Join(where.data, "sahafa.db")) {
			logger.Warn("security: data readable by others", "problem", w)
		}
	}
	a := &app{store: store, raw: store, log: logger, onChange: onChange}
	if where.media != "" {
		b, err := openBucket(ctx, where.media)
		if err != nil {
			store.Close()
			return nil, err
		}
		a.bucket, a.store, a.mediaURL = b, bucket.Wrap(store, b), where.media
	}
	a.publish = publish.New(a.store, publish.Options{KnownSections: jsonl.Sections, OnChange: onChange})
	return a, nil
}

func (a *app) Close() error { return a.store.Close() }

// openStore opens the store that db names: a postgres:// (or
// postgresql://) URL, or empty for SQLite in dataDir.
func openStore(ctx context.Context, dataDir, db string) (news.Store, error) {
	switch {
	case isPostgresURL(db):
		st, err := postgres.Open(ctx, db)
		if err != nil {
			return nil, fmt.Errorf("open PostgreSQL database: %w", err)
		}
		return st, nil
	case db != "":
		return nil, usageError{fmt.Sprintf("--db: want a postgres:// URL, got %q (leave it empty for SQLite in --data)", redactDSN(db))}
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("create data folder: %w", err)
	}
	st, err := sqlite.Open(ctx, filepath.Join(dataDir, "sahafa.db"))
	if err != nil {
		return nil, fmt.Errorf("open database in %s: %w", dataDir, err)
	}
	return st, nil
}

// openWithReplicas opens the PostgreSQL store of --db reading from the
// replicas of --db-read.
func openWithReplicas(ctx context.Context, where *storeFlags, logger *slog.Logger) (news.Store, error) {
	if !isPostgresURL(where.db) {
		return nil, usageError{"--db-read: replicas need --db, the postgres:// URL of their primary"}
	}
	var list []string
	for _, u := range strings.Split(where.dbRead, ",") {
		if u = strings.TrimSpace(u); u == "" {
			continue
		}
		if !isPostgresURL(u) {
			return nil, usageError{fmt.Sprintf("--db-read: want postgres:// URLs, got %q", redactDSN(u))}
		}
		list = append(list, u)
	}
	st, err := postgres.OpenWith(ctx, where.db, postgres.Options{Replicas: list, MaxLag: where.maxLag, Logger: logger})
	if err != nil {
		return nil, fmt.Errorf("open PostgreSQL database: %w", err)
	}
	return st, nil
}

func isPostgresURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// openBucket opens the object store of --media; where the store is comes
// from the environment, so that keys stay out of process listings.
func openBucket(ctx context.Context, raw string) (*bucket.Bucket, error) {
	if _, _, err := bucket.ParseURL(raw); err != nil {
		return nil, usageError{"--media: " + err.Error()}
	}
	b, err := bucket.Open(ctx, bucket.Config{URL: raw, Endpoint: os.Getenv("SAHAFA_S3_ENDPOINT"),
		AccessKey: os.Getenv("SAHAFA_S3_ACCESS_KEY"), SecretKey: os.Getenv("SAHAFA_S3_SECRET_KEY"),
		Region: os.Getenv("SAHAFA_S3_REGION"), Insecure: os.Getenv("SAHAFA_S3_INSECURE") == "true"})
	if err != nil {
		return nil, fmt.Errorf("--media %s (endpoint SAHAFA_S3_ENDPOINT=%q): %w", raw, os.Getenv("SAHAFA_S3_ENDPOINT"), err)
	}
	return b, nil
}

// redactDSN hides a password in a database URL before it is printed.
func redactDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil || u.User == nil {
		return dsn
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// parseByline adapts the importers' byline parser for the demo content.
func parseByline(raw string) ([]string, string) {
	b := byline.Parse(raw)
	return b.Authors, b.Dateline
}
