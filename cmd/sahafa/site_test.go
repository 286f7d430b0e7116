package main

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sahafa/news"
	"sahafa/store/postgres"
)

// TestExportImportBackup: a site exported with "sahafa export" and
// imported into a new data folder is the same site; a backup taken while
// it is open is a database that opens with the same articles.
func TestExportImportBackup(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	a, err := openApp(ctx, &storeFlags{data: data}, slog.New(slog.DiscardHandler), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := addDemoIfEmpty(ctx, a); err != nil {
		t.Fatal(err)
	}
	a.Close()
	pw := filepath.Join(t.TempDir(), "pw")
	os.WriteFile(pw, []byte("بحر-هادئ-وسماء-زرقاء\n"), 0o600)
	if out, err := runCLI(t, "user", "add", "--data", data, "--email", "noor@example.com", "--role", "editor", "--password-file", pw); err != nil {
		t.Fatalf("user add: %v\n%s", err, out)
	}

	dump := filepath.Join(t.TempDir(), "site.jsonl.gz")
	out, err := runCLI(t, "export", "--data", data, "--out", dump)
	if err != nil || !strings.Contains(out, "exported 9 articles, 1 users") {
		t.Fatalf("export: %v\n%s", err, out)
	}
	fresh := t.TempDir()
	out, err = runCLI(t, "import", "--data", fresh, dump)
	if err != nil || !strings.Contains(out, "restored the whole site: 9 articles, 1 users") {
		t.Fatalf("import of the export: %v\n%s", err, out)
	}
	src, dst := openTestStore(t, data), openTestStore(t, fresh)
	want, _ := src.Articles(ctx, news.ArticleFilter{Limit: 100})
	got, _ := dst.Articles(ctx, news.ArticleFilter{Limit: 100})
	if len(got.Articles) != len(want.Articles) || len(want.Articles) != 9 {
		t.Fatalf("restored %d articles, source has %d", len(got.Articles), len(want.Articles))
	}
	for i := range want.Articles {
		w, g := want.Articles[i], got.Articles[i]
		if w.ID != g.ID || w.Path() != g.Path() || w.Body != g.Body || !w.UpdatedAt.Equal(g.UpdatedAt) {
			t.Errorf("article %d differs after the round trip: %s vs %s", w.ID, w.Path(), g.Path())
		}
	}
	if _, err := dst.UserByEmail(ctx, "noor@example.com"); err != nil {
		t.Errorf("the user was not restored: %v", err)
	}
	// Importing it again, into a site that is not empty, is refused.
	if out, err := runCLI(t, "import", "--data", fresh, dump); err == nil || !strings.Contains(out+err.Error(), "restores into an empty site") {
		t.Errorf("a second import: %v\n%s", err, out)
	}
	// A truncated export restores nothing.
	raw := filepath.Join(t.TempDir(), "site.jsonl")
	if out, err := runCLI(t, "export", "--data", data, "--out", raw); err != nil {
		t.Fatalf("export: %v\n%s", err, out)
	}
	b, _ := os.ReadFile(raw)
	cut := filepath.Join(t.TempDir(), "cut.jsonl")
	os.WriteFile(cut, b[:len(b)*2/3], 0o644)
	empty := t.TempDir()
	if out, err := runCLI(t, "import", "--data", empty, cut); err == nil || !strings.Contains(out, "nothing was restored") {
		t.Errorf("truncated export: %v\n%s", err, out)
	}
	if list, _ := openTestStore(t, empty).Articles(ctx, news.ArticleFilter{}); list.Total != 0 {
		t.Errorf("a truncated export left %d articles", list.Total)
	}

	// Backup while a store holds the database open.
	copyPath := filepath.Join(t.TempDir(), "backup.db")
	if out, err := runCLI(t, "backup", "--data", data, copyPath); err != nil || !strings.Contains(out, "backed up the site") {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	bdir := t.TempDir()
	os.Rename(copyPath, filepath.Join(bdir, "sahafa.db"))
	if list, err := openTestStore(t, bdir).Articles(ctx, news.ArticleFilter{}); err != nil || list.Total != 9 {
		t.Errorf("the backup holds %d articles (%v)", list.Total, err)
	}
	if _, err := runCLI(t, "backup", "--data", data, filepath.Join(bdir, "sahafa.db")); err == nil {
		t.Error("backup over an existing file was not refused")
	}
}

// TestBackupPostgres runs pg_dump through "sahafa backup --db".
func TestBackupPostgres(t *testing.T) {
	dsn := pgSchema(t) // skips without SAHAFA_TEST_POSTGRES
	st, err := postgres.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	path := filepath.Join(t.TempDir(), "site.pgdump")
	out, err := runCLI(t, "backup", "--db", dsn, path)
	if err != nil {
		t.Fatalf("backup: %v\n%s", err, out)
	}
	b, err := os.ReadFile(path)
	if err != nil || !strings.HasPrefix(string(b), "PGDMP") {
		t.Errorf("the backup is not a pg_dump archive (%d bytes, %v)", len(b), err)
	}
}
