package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"sahafa/news"
	"sahafa/publish"
)

// migrateStore copies a whole site from one store to another (SQLite to
// PostgreSQL, typically) and verifies the counts. Articles are matched by
// external id, so running it again updates what it copied before.
func migrateStore(ctx context.Context, args []string, stdout, stderr io.Writer, logger *slog.Logger) error {
	fs, _ := newFlags("migrate-store", stderr)
	from := fs.String("from", "", "data folder of the SQLite site to copy (or a postgres:// URL)")
	to := fs.String("to", envOr("SAHAFA_DB", ""), "postgres:// URL of the database to copy into [SAHAFA_DB]")
	batch := fs.Int("batch", 500, "articles per transaction")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *from == "" || *to == "" {
		return usageError{"migrate-store: give --from DATA_DIR and --to postgres://…"}
	}
	if *batch < 1 || *batch > 10000 {
		return usageError{"--batch: want 1 to 10000"}
	}
	srcDB, srcDir := "", *from
	if strings.Contains(*from, "://") {
		srcDB, srcDir = *from, ""
	}
	src, err := openStore(ctx, srcDir, srcDB)
	if err != nil {
		return fmt.Errorf("source: %w", err)
	}
	defer src.Close()
	dst, err := openStore(ctx, "", *to)
	if err != nil {
		return fmt.Errorf("destination: %w", err)
	}
	defer dst.Close()

	start := time.Now()
	users, err := copyUsers(ctx, src, dst, stdout)
	if err != nil {
		return err
	}
	n, err := copyArticles(ctx, src, dst, *batch, users, stdout)
	if err != nil {
		return fmt.Errorf("copy after %d articles: %w", n, err)
	}
	fmt.Fprintf(stdout, "copied %d articles in %s\n", n, time.Since(start).Round(time.Millisecond))
	return verifyCounts(ctx, src, dst, stdout)
}

// copyArticles copies every article, then the stored related lists (which
// name articles by id, so they wait until every article has its new id).
func copyArticles(ctx context.Context, src, dst news.Store, batch int, users map[int64]int64, stdout io.Writer) (int, error) {
	newID := map[int64]int64{}
	var after int64
	n := 0
	for {
		arts, err := src.ScanArticles(ctx, after, batch)
		if err != nil {
			return n, fmt.Errorf("read source: %w", err)
		}
		if len(arts) == 0 {
			break
		}
		recs := make([]news.ArticleRecord, len(arts))
		for i, a := range arts {
			old := a.ID
			a.ID = 0
			if a.ExternalID == "" {
				// Articles written in the newsroom have no external id; give
				// them one from their source id so a re-run finds them.
				a.ExternalID = fmt.Sprintf("sahafa:%d", old)
			}
			a.CreatedBy = users[a.CreatedBy]
			recs[i] = news.ArticleRecord{Article: a, SearchTitle: publish.SearchTitle(a), SearchBody: publish.SearchBody(a)}
		}
		res, err := dst.SaveArticles(ctx, recs)
		if err != nil {
			return n, fmt.Errorf("write destination: %w", err)
		}
		for i, a := range arts {
			newID[a.ID] = res.IDs[i]
		}
		n += len(arts)
		after = arts[len(arts)-1].ID
		if n%(batch*20) == 0 {
			fmt.Fprintf(stdout, "  %d articles…\n", n)
		}
	}
	lists := 0
	for oldID, id := range newID {
		rel, stored, err := src.Related(ctx, oldID, news.MaxListLimit)
		if err != nil {
			return n, fmt.Errorf("read related of %d: %w", oldID, err)
		}
		if !stored {
			continue
		}
		ids := make([]int64, 0, len(rel))
		for _, r := range rel {
			if nid, ok := newID[r.ID]; ok {
				ids = append(ids, nid)
			}
		}
		if err := dst.SetRelated(ctx, id, ids); err != nil {
			return n, fmt.Errorf("write related of %d: %w", id, err)
		}
		lists++
	}
	fmt.Fprintf(stdout, "copied %d related lists\n", lists)
	return n, nil
}

// copyUsers copies the newsroom's accounts (with their password hashes,
// so everyone signs in as before), matching them by email so that a re-run
// copies no one twice. It returns the new id of each old one.
func copyUsers(ctx context.Context, src, dst news.Store, stdout io.Writer) (map[int64]int64, error) {
	list, err := src.Users(ctx)
	if err != nil {
		return nil, fmt.Errorf("read users: %w", err)
	}
	ids := map[int64]int64{}
	for _, u := range list {
		got, err := dst.UserByEmail(ctx, u.Email)
		if news.ErrorCode(err) == news.ENOTFOUND {
			got, err = dst.CreateUser(ctx, u)
		}
		if err != nil {
			return nil, fmt.Errorf("copy user %s: %w", u.Email, err)
		}
		ids[u.ID] = got.ID
	}
	fmt.Fprintf(stdout, "copied %d users\n", len(list))
	return ids, nil
}

// verifyCounts compares the article count of every section.
func verifyCounts(ctx context.Context, src, dst news.Store, stdout io.Writer) error {
	srcSecs, err := src.Sections(ctx)
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	dstSecs, err := dst.Sections(ctx)
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	got := map[string]int{}
	for _, s := range dstSecs {
		got[s.Slug] = s.Articles
	}
	bad := 0
	fmt.Fprintf(stdout, "%-20s %8s %8s\n", "section", "source", "copy")
	for _, s := range srcSecs {
		mark := ""
		if got[s.Slug] != s.Articles {
			mark = "  MISMATCH"
			bad++
		}
		fmt.Fprintf(stdout, "%-20s %8d %8d%s\n", s.Slug, s.Articles, got[s.Slug], mark)
	}
	if bad > 0 {
		return fmt.Errorf("verify: %d sections differ (was the destination holding other articles?)", bad)
	}
	fmt.Fprintln(stdout, "verified: every section holds the same number of articles")
	return nil
}
