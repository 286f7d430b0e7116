package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"sahafa/bucket"
	"sahafa/editorial"
	picfetch "sahafa/fetch"
	"sahafa/media"
	"sahafa/mediafetch"
	"sahafa/progress"
)

const mediaUsage = `usage:
  sahafa media fetch [--concurrency 4] [--retries 2] [--max-mb 20] [--timeout 30s]
                                             bring imported articles' pictures of other
                                             sites into the library
  sahafa media move --to s3://BUCKET/PREFIX   copy the library's files into the bucket
  sahafa media move --to db --from s3://BUCKET/PREFIX
                                             bring them back into the database
  sahafa media sweep --media s3://BUCKET/PREFIX [--grace 1h] [--dry-run]
                                             remove the bucket's objects no file uses

The bucket's endpoint and keys come from SAHAFA_S3_ENDPOINT,
SAHAFA_S3_ACCESS_KEY, SAHAFA_S3_SECRET_KEY (SAHAFA_S3_REGION,
SAHAFA_S3_INSECURE=true for http), as for --media. Each file moves in
its own step while the site runs; a move cut short is run again and carries
on where it stopped, sending no file twice. Afterwards run the servers with
--media s3://BUCKET/PREFIX (or without --media, after --to db).

Files brought back into the database and purged images leave their objects
in the bucket (the same bytes may be another image's); sweep removes those
no file of the library (trash included) points at, leaving objects younger
than --grace for uploads in progress. Give each site its own PREFIX: sweep
removes what this site does not use.`

func mediaCommand(ctx context.Context, args []string, stdout, stderr io.Writer, logger *slog.Logger) error {
	switch {
	case len(args) > 0 && args[0] == "fetch":
		return mediaFetch(ctx, args[1:], stdout, stderr, logger)
	case len(args) > 0 && args[0] == "move":
		return mediaMove(ctx, args[1:], stdout, stderr, logger)
	case len(args) > 0 && args[0] == "sweep":
		return mediaSweep(ctx, args[1:], stdout, stderr, logger)
	}
	return usageError{mediaUsage}
}

func mediaMove(ctx context.Context, args []string, stdout, stderr io.Writer, logger *slog.Logger) error {
	fs, where := newFlags("media move", stderr)
	to := fs.String("to", "", "s3://BUCKET/PREFIX, or db to bring the files back")
	from := fs.String("from", "", "with --to db: the bucket the files are in")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("media move takes no arguments, got %q", fs.Args())}
	}
	toDatabase := *to == "db"
	target := *to
	if toDatabase {
		target = *from
	}
	if target == "" || (!toDatabase && *from != "") {
		return usageError{mediaUsage}
	}
	a, b, err := openMediaWork(ctx, where, target, logger)
	if err != nil {
		return err
	}
	defer a.Close()
	ms, err := bucket.Move(ctx, a.raw, b, toDatabase, func(ms bucket.MoveStats) {
		if ms.Images%100 == 0 {
			logger.Info("moving media", "images", ms.Images, "files_moved", ms.Moved, "copied", ms.Copied)
		}
	})
	fmt.Fprintf(stdout, "%d images: %d files moved (%d copied), %d already in place\n", ms.Images, ms.Moved, ms.Copied, ms.Already)
	if err != nil {
		return fmt.Errorf("media move stopped (run it again to carry on): %w", err)
	}
	return nil
}

func mediaSweep(ctx context.Context, args []string, stdout, stderr io.Writer, logger *slog.Logger) error {
	fs, where := newFlags("media sweep", stderr)
	grace := fs.Duration("grace", time.Hour, "leave objects stored less than this long ago (uploads in progress)")
	dry := fs.Bool("dry-run", false, "count what would be removed, remove nothing")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("media sweep takes no arguments, got %q", fs.Args())}
	}
	if where.media == "" || *grace < 0 {
		return usageError{"media sweep: --media s3://BUCKET/PREFIX names the bucket to sweep; --grace is 0 or more\n\n" + mediaUsage}
	}
	a, b, err := openMediaWork(ctx, where, where.media, logger)
	if err != nil {
		return err
	}
	defer a.Close()
	ss, err := bucket.Sweep(ctx, a.raw, b, *grace, *dry, func(ss bucket.SweepStats) {
		logger.Info("sweeping media", "objects", ss.Objects, "removed", ss.Removed)
	})
	verb := "removed"
	if *dry {
		verb = "to remove (dry run)"
	}
	fmt.Fprintf(stdout, "%d files use the bucket; %d objects: %d unused %s, %d unused but younger than %s left\n",
		ss.Files, ss.Objects, ss.Removed, verb, ss.Young, *grace)
	if err != nil {
		return fmt.Errorf("media sweep stopped (nothing in use was removed; run it again): %w", err)
	}
	return nil
}

// openMediaWork opens the bucket of bucketURL and the site's own store
// (not wrapped by the bucket: the work is on the database's rows).
func openMediaWork(ctx context.Context, where *storeFlags, bucketURL string, logger *slog.Logger) (*app, *bucket.Bucket, error) {
	b, err := openBucket(ctx, bucketURL)
	if err != nil {
		return nil, nil, err
	}
	where.media = ""
	a, err := openApp(ctx, where, logger, nil)
	return a, b, err
}

// fetchFlags are the flags of a media fetch (media fetch, import
// --fetch-media).
type fetchFlags struct {
	concurrency, retries, maxMB int
	timeout                     time.Duration
	allowPrivate                bool
}

func (f *fetchFlags) register(fs *flag.FlagSet) {
	fs.IntVar(&f.concurrency, "concurrency", 4, "pictures fetched at once (1 to 16)")
	fs.IntVar(&f.retries, "retries", 2, "more tries of a picture whose site did not answer or answered an error 5xx or 429")
	fs.IntVar(&f.maxMB, "max-mb", 20, "largest picture, in MiB")
	fs.DurationVar(&f.timeout, "timeout", 30*time.Second, "longest fetch of one picture")
	fs.BoolVar(&f.allowPrivate, "allow-private-addresses", false, "also fetch from this machine and private networks (an old site on the same network)")
}

func (f *fetchFlags) check() error {
	switch {
	case f.concurrency < 1 || f.concurrency > 16:
		return usageError{"--concurrency: want 1 to 16"}
	case f.retries < 0 || f.retries > 10:
		return usageError{"--retries: want 0 to 10"}
	case f.maxMB < 1 || f.maxMB > editorial.MaxUploadBytes>>20:
		return usageError{fmt.Sprintf("--max-mb: want 1 to %d", editorial.MaxUploadBytes>>20)}
	case f.timeout < time.Second:
		return usageError{"--timeout: want at least 1s"}
	}
	return nil
}

func mediaFetch(ctx context.Context, args []string, stdout, stderr io.Writer, logger *slog.Logger) error {
	fs, where := newFlags("media fetch", stderr)
	var ff fetchFlags
	ff.register(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("media fetch takes no arguments, got %q", fs.Args())}
	}
	if err := ff.check(); err != nil {
		return err
	}
	a, err := openApp(ctx, where, logger, nil)
	if err != nil {
		return err
	}
	defer a.Close()
	return fetchPictures(ctx, a, ff, nil, stdout, stderr, logger)
}

// fetchPictures runs a media fetch on the site's articles (or on ids) and
// prints what it did.
func fetchPictures(ctx context.Context, a *app, ff fetchFlags, ids []int64, stdout, stderr io.Writer, logger *slog.Logger) error {
	// Pictures are cut two at a time, each on half the cores (the
	// server's gate takes one): the command has no readers to leave room
	// for, unless --concurrency 1 says so.
	images := media.NewGate(media.GateOptions{Slots: min(2, ff.concurrency), Queue: 4 * ff.concurrency, Wait: time.Minute})
	ed := editorial.New(a.store, a.publish, nil, editorial.Options{Logger: logger, Images: images})
	client := picfetch.New(picfetch.Options{MaxBytes: int64(ff.maxMB) << 20, Timeout: ff.timeout, MaxAtOnce: ff.concurrency,
		AllowPrivate: ff.allowPrivate})
	total := len(ids)
	if ids == nil {
		total = articleTotal(ctx, a.store)
	}
	meter := progress.New(stderr, "media fetch", "articles", total, progress.Options{})
	rep, err := mediafetch.Run(ctx, mediafetch.Options{Store: a.store, Editorial: ed, Fetch: client, Concurrency: ff.concurrency,
		Retries: ff.retries, Articles: ids, Progress: meter.Add, Logger: logger})
	meter.Done()
	fmt.Fprintf(stdout, "media fetch: %d articles looked at, %d rewritten; %d pictures of other sites: %d fetched, %d already in the library, %d failed\n",
		rep.Articles, rep.Rewritten, rep.Images, rep.Fetched, rep.Reused, len(rep.Failures))
	if rep.NoAlt > 0 {
		fmt.Fprintf(stdout, "  %d pictures came without alt text; their article's headline stands in until an editor writes it in the library (الصور)\n", rep.NoAlt)
	}
	for i, f := range rep.Failures {
		if i == 50 {
			fmt.Fprintf(stdout, "  … and %d more\n", len(rep.Failures)-50)
			break
		}
		fmt.Fprintf(stdout, "  failed: %s: %s (articles %v)\n", f.URL, f.Reason, f.Articles)
	}
	if err != nil {
		if ctx.Err() != nil {
			fmt.Fprintf(stdout, "  stopped: what was fetched stays in the library; run sahafa media fetch again to carry on\n")
		}
		return fmt.Errorf("media fetch: %w", err)
	}
	return nil
}
