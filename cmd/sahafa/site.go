package main

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"sahafa/bucket"
	"sahafa/news"
	"sahafa/progress"
	"sahafa/sitedump"
)

// exportSite writes the whole site as JSON Lines (gzipped when FILE ends
// in .gz), through a temporary file renamed at the end, so a failed export
// never leaves a partial file under the name asked for.
func exportSite(ctx context.Context, args []string, stdout, stderr io.Writer, logger *slog.Logger) error {
	fs, where := newFlags("export", stderr)
	format := fs.String("format", "jsonl", "export format (jsonl: the whole site, restorable with sahafa import)")
	out := fs.String("out", "", "file to write (.gz: gzipped); required")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *format != "jsonl" {
		return usageError{fmt.Sprintf("--format: only jsonl is supported, got %q", *format)}
	}
	if *out == "" || fs.NArg() > 0 {
		return usageError{"export: give --out FILE (and no other arguments)"}
	}
	a, err := openApp(ctx, where, logger, nil)
	if err != nil {
		return err
	}
	defer a.Close()
	start := time.Now()
	var counts sitedump.Counts
	meter := progress.New(stderr, "export", "articles", articleTotal(ctx, a.store), progress.Options{})
	err = writeAtomically(*out, func(w io.Writer) error {
		if strings.HasSuffix(*out, ".gz") {
			zw := gzip.NewWriter(w)
			if counts, err = sitedump.Export(ctx, a.store, zw, meter.Add); err != nil {
				return err
			}
			return zw.Close()
		}
		counts, err = sitedump.Export(ctx, a.store, w, meter.Add)
		return err
	})
	meter.Done()
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	fmt.Fprintf(stdout, "exported %d articles, %d users, %d images, %d sections and %d tags to %s in %s\n",
		counts.Articles, counts.Users, counts.Media, counts.Sections, counts.Tags, *out,
		time.Since(start).Round(time.Millisecond))
	return nil
}

// writeAtomically writes a file through a temporary one in the same
// folder, synced and renamed when write succeeds.
func writeAtomically(path string, write func(io.Writer) error) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	bw := bufio.NewWriterSize(tmp, 1<<20)
	if err := write(bw); err != nil {
		tmp.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// importSite restores a whole-site export into an empty site.
func importSite(ctx context.Context, a *app, r io.Reader, rep importReport, meter *progress.Meter) (importReport, error) {
	counts, err := sitedump.Import(ctx, a.store, r, meter.Add)
	meter.Done()
	if err != nil {
		if news.ErrorCode(err) == news.ECONFLICT {
			return rep, fmt.Errorf("%s: a whole-site export restores into an empty site; give --data a new folder (or --db an empty database)", news.ErrorMessage(err))
		}
		return rep, fmt.Errorf("nothing was restored: %w", err)
	}
	if f, ok := a.raw.(news.BulkWriteFinisher); ok {
		if err := f.FinishBulkWrite(ctx); err != nil {
			return rep, fmt.Errorf("after the restore: %w", err)
		}
	}
	rep.created = counts.Articles
	rep.note = fmt.Sprintf("restored the whole site: %d articles, %d users, %d images, %d sections, %d tags, %d pages, %d redirects",
		counts.Articles, counts.Users, counts.Media, counts.Sections, counts.Tags, counts.Pages, counts.Redirects)
	if a.bucket != nil && counts.Media > 0 {
		// The restore writes the files into the database, in its one
		// transaction; then they move into the bucket, one a step.
		ms, err := bucket.Move(ctx, a.raw, a.bucket, false, nil)
		if err != nil {
			return rep, fmt.Errorf("the site is restored, but moving its media into the bucket stopped after %d files (run sahafa media move --to %s to carry on): %w", ms.Moved, a.mediaURL, err)
		}
		rep.note += fmt.Sprintf("; %d media files moved into the bucket", ms.Moved+ms.Already)
	}
	return rep, nil
}

// isSiteExport tells a whole-site export (possibly gzipped: then gzipped
// is true) from other JSON Lines by its first line, reading nothing off br.
func isSiteExport(br *bufio.Reader) (site, gzipped bool, err error) {
	head, err := br.Peek(4096)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return false, false, err
	}
	if len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b {
		gzipped = true
		zr, err := gzip.NewReader(bytes.NewReader(head))
		if err != nil {
			return false, true, nil
		}
		plain := make([]byte, 4096)
		n, _ := io.ReadFull(zr, plain)
		head = plain[:n]
	}
	return sitedump.IsExport(head), gzipped, nil
}

// backup writes a consistent copy of the site while it runs: SQLite's
// VACUUM INTO, or pg_dump on PostgreSQL.
func backup(ctx context.Context, args []string, stdout, stderr io.Writer, logger *slog.Logger) error {
	fs, where := newFlags("backup", stderr)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usageError{"backup: give one FILE to write"}
	}
	path := fs.Arg(0)
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup: %s exists; choose a new file name", path)
	}
	a, err := openApp(ctx, where, logger, nil)
	if err != nil {
		return err
	}
	defer a.Close()
	b, ok := a.raw.(news.Backuper)
	if !ok {
		return errors.New("backup: this store cannot back itself up; use sahafa export")
	}
	// The copy holds password hashes and session tokens: it is made 0600
	// before the store writes into it (VACUUM INTO takes an empty file,
	// pg_dump keeps the mode of the file it truncates).
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	f.Close()
	start := time.Now()
	if err := b.Backup(ctx, path); err != nil {
		os.Remove(path)
		return fmt.Errorf("backup: %w", err)
	}
	size := ""
	if st, err := os.Stat(path); err == nil {
		size = fmt.Sprintf(" (%.1f MiB)", float64(st.Size())/(1<<20))
	}
	fmt.Fprintf(stdout, "backed up the site to %s%s in %s\n", path, size, time.Since(start).Round(time.Millisecond))
	return nil
}
