package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"sahafa/importer/byline"
	"sahafa/importer/jsonl"
	"sahafa/news"
	"sahafa/publish"
	"sahafa/store/sqlite"
)

// app is what every command works with: the store and the write path.
type app struct {
	store   news.Store
	publish *publish.Service
	log     *slog.Logger
}

// openApp opens (creating on first use) the site in dataDir.
func openApp(ctx context.Context, dataDir string, logger *slog.Logger, onChange func()) (*app, error) {
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return nil, fmt.Errorf("create data folder: %w", err)
	}
	store, err := sqlite.Open(ctx, filepath.Join(dataDir, "sahafa.db"))
	if err != nil {
		return nil, fmt.Errorf("open database in %s: %w", dataDir, err)
	}
	svc := publish.New(store, publish.Options{KnownSections: jsonl.Sections, OnChange: onChange})
	return &app{store: store, publish: svc, log: logger}, nil
}

func (a *app) Close() error { return a.store.Close() }

// parseByline adapts the importers' byline parser for the demo content.
func parseByline(raw string) ([]string, string) {
	b := byline.Parse(raw)
	return b.Authors, b.Dateline
}
