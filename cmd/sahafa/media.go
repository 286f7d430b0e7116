package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"time"

	"sahafa/bucket"
)

const mediaUsage = `usage:
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
