package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"sahafa/news"
	"sahafa/progress"
	"sahafa/sitedump"
)

// migrateStore copies a whole site from one store to another (SQLite to
// PostgreSQL, typically) into an empty database, and verifies the counts.
func migrateStore(ctx context.Context, args []string, stdout, stderr io.Writer, logger *slog.Logger) error {
	fs, _ := newFlags("migrate-store", stderr)
	from := fs.String("from", "", "data folder of the SQLite site to copy (or a postgres:// URL)")
	to := fs.String("to", envOr("SAHAFA_DB", ""), "postgres:// URL of the database to copy into [SAHAFA_DB]")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *from == "" || *to == "" {
		return usageError{"migrate-store: give --from DATA_DIR and --to postgres://…"}
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
	meter := progress.New(stderr, "migrate-store", "articles", articleTotal(ctx, src), progress.Options{})
	counts, err := copySite(ctx, src, dst, meter.Add)
	meter.Done()
	if err != nil {
		if news.ErrorCode(err) == news.ECONFLICT {
			return fmt.Errorf("%s (migrate-store copies into an empty database; nothing was copied)", news.ErrorMessage(err))
		}
		return fmt.Errorf("copy (nothing was copied): %w", err)
	}
	fmt.Fprintf(stdout, "copied %d articles, %d users, %d images, %d sections and %d tags in %s\n",
		counts.Articles, counts.Users, counts.Media, counts.Sections, counts.Tags, time.Since(start).Round(time.Millisecond))
	return verifyCounts(ctx, src, dst, stdout)
}

// copySite streams a whole-site export of src into a restore of dst,
// without a file between them: everything (users, media, articles with
// their history and comments, settings) with its ids, in one transaction
// on dst.
func copySite(ctx context.Context, src, dst news.Store, progress func(articles int)) (sitedump.Counts, error) {
	pr, pw := io.Pipe()
	exported := make(chan error, 1)
	go func() {
		_, err := sitedump.Export(ctx, src, pw, nil)
		pw.CloseWithError(err)
		exported <- err
	}()
	counts, err := sitedump.Import(ctx, dst, pr, progress)
	pr.CloseWithError(errors.New("the restore stopped"))
	if exportErr := <-exported; err == nil && exportErr != nil {
		err = exportErr
	}
	return counts, err
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
