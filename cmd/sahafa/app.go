package main

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"sahafa/importer/byline"
	"sahafa/importer/jsonl"
	"sahafa/news"
	"sahafa/publish"
	"sahafa/store/postgres"
	"sahafa/store/sqlite"
)

// app is what every command works with: the store and the write path.
type app struct {
	store   news.Store
	publish *publish.Service
	log     *slog.Logger
}

// openApp opens (creating on first use) the site: on PostgreSQL when db
// is a postgres:// URL, else on the SQLite database in dataDir.
func openApp(ctx context.Context, dataDir, db string, logger *slog.Logger, onChange func()) (*app, error) {
	store, err := openStore(ctx, dataDir, db)
	if err != nil {
		return nil, err
	}
	if db == "" {
		for _, w := range sqlite.PermissionWarnings(filepath.Join(dataDir, "sahafa.db")) {
			logger.Warn("security: data readable by others", "problem", w)
		}
	}
	svc := publish.New(store, publish.Options{KnownSections: jsonl.Sections, OnChange: onChange})
	return &app{store: store, publish: svc, log: logger}, nil
}

func (a *app) Close() error { return a.store.Close() }

// openStore opens the store that db names: a postgres:// (or
// postgresql://) URL, or empty for SQLite in dataDir.
func openStore(ctx context.Context, dataDir, db string) (news.Store, error) {
	switch {
	case strings.HasPrefix(db, "postgres://"), strings.HasPrefix(db, "postgresql://"):
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
