package main

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"sahafa/news"
	"sahafa/store/postgres"
)

// TestMigrateStore copies a SQLite site (demo stories, synthetic articles,
// a stored related list, a newsroom user and her draft) into a fresh
// PostgreSQL schema, checks what arrived, and runs the copy again to show
// that it refuses a database that is not empty.
func TestMigrateStore(t *testing.T) {
	dsn := pgSchema(t) // skips without SAHAFA_TEST_POSTGRES
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
	if out, err := runCLI(t, "import", "--data", data, writeJSONL(t, "m.jsonl", 1, 120)); err != nil || !strings.Contains(out, "import m.jsonl: 120 articles") {
		t.Fatalf("import (and its progress line): %v\n%s", err, out)
	}
	if out, err := runCLI(t, "reindex", "--data", data, "--related"); err != nil {
		t.Fatalf("reindex: %v\n%s", err, out)
	}
	src := openTestStore(t, data)
	srcList, err := src.Articles(ctx, news.ArticleFilter{Limit: news.MaxListLimit})
	if err != nil {
		t.Fatal(err)
	}
	// A newsroom user and her draft: the copy keeps both, and the owner.
	writer, err := src.CreateUser(ctx, news.User{Email: "rania@example.com", Name: "رانيا", Role: news.RoleWriter,
		PasswordHash: "$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"})
	if err != nil {
		t.Fatal(err)
	}
	draft := srcList.Articles[0]
	draft.ID, draft.ExternalID, draft.Slug, draft.Title = 0, "", "draft-of-rania", "مسودة رانيا عن معرض الكتاب"
	draft.Status, draft.CreatedBy, draft.Tags = news.StatusDraft, writer.ID, []news.Tag{{Slug: "books", Name: "كتب"}}
	if _, err := src.SaveArticles(ctx, []news.ArticleRecord{{Article: draft, SearchTitle: "x", SearchBody: "y"}}); err != nil {
		t.Fatal(err)
	}

	out, err := runCLI(t, "migrate-store", "--from", data, "--to", dsn)
	if err != nil || !strings.Contains(out, "verified: every section holds the same number of articles") {
		t.Fatalf("migrate-store: %v\n%s", err, out)
	}
	// Into a database that is no longer empty: refused, nothing copied.
	out, err = runCLI(t, "migrate-store", "--from", data, "--to", dsn)
	if err == nil || !strings.Contains(err.Error(), "copies into an empty database") {
		t.Errorf("a second migrate-store: %v\n%s", err, out)
	}

	dst, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	dstList, err := dst.Articles(ctx, news.ArticleFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if dstList.Total != srcList.Total {
		t.Fatalf("copy holds %d articles, source %d", dstList.Total, srcList.Total)
	}
	storedLists := 0
	for _, want := range srcList.Articles[:10] {
		got, err := dst.ArticleByExternalID(ctx, want.ExternalID)
		if err != nil {
			t.Fatalf("%s: %v", want.ExternalID, err)
		}
		if got.Path() != want.Path() || got.Title != want.Title || got.Body != want.Body ||
			!got.PublishedAt.Equal(want.PublishedAt) || len(got.Authors) != len(want.Authors) {
			t.Errorf("%s: copy differs:\n got %s %q %v %+v\nwant %s %q %v %+v", want.ExternalID,
				got.Path(), got.Title, got.PublishedAt, got.Authors, want.Path(), want.Title, want.PublishedAt, want.Authors)
		}
		srcRel, srcStored, _ := src.Related(ctx, want.ID, 6)
		dstRel, dstStored, err := dst.Related(ctx, got.ID, 6)
		if err != nil || srcStored != dstStored || len(srcRel) != len(dstRel) {
			t.Errorf("%s: related lists differ: %d (stored %v) vs %d (stored %v), %v", want.ExternalID,
				len(srcRel), srcStored, len(dstRel), dstStored, err)
			continue
		}
		if srcStored {
			storedLists++
		}
		for i := range srcRel {
			if srcRel[i].ExternalID != dstRel[i].ExternalID {
				t.Errorf("%s: related %d is %s in the copy, %s in the source", want.ExternalID, i, dstRel[i].ExternalID, srcRel[i].ExternalID)
			}
		}
	}
	if storedLists == 0 {
		t.Error("no stored related list among the checked articles: the test checks nothing")
	}
	// The user and her draft arrived, still a draft, still hers.
	u, err := dst.UserByEmail(ctx, "rania@example.com")
	if err != nil || u.PasswordHash != writer.PasswordHash || u.Role != news.RoleWriter {
		t.Fatalf("copied user: %+v, %v", u, err)
	}
	drafts, err := dst.EditorialArticles(ctx, news.EditorialFilter{Statuses: []news.Status{news.StatusDraft}})
	if err != nil || drafts.Total != 1 || drafts.Articles[0].CreatedBy != u.ID || len(drafts.Articles[0].Tags) != 1 {
		t.Errorf("copied drafts: %+v, %v", drafts, err)
	}
	// The copy is searchable with the same analyzer.
	res, err := dst.Search(ctx, news.SearchQuery{Terms: []string{"مغرب"}, Limit: 5})
	if err != nil || res.Total == 0 {
		t.Errorf("search in the copy: %d results, %v", res.Total, err)
	}
}
