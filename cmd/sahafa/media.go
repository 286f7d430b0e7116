package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"

	"sahafa/bucket"
)

const mediaUsage = `usage:
  sahafa media move --to s3://BUCKET/PREFIX   copy the library's files into the bucket
  sahafa media move --to db --from s3://BUCKET/PREFIX
                                             bring them back into the database

The bucket's endpoint and keys come from SAHAFA_S3_ENDPOINT,
SAHAFA_S3_ACCESS_KEY, SAHAFA_S3_SECRET_KEY (SAHAFA_S3_REGION,
SAHAFA_S3_INSECURE=true for http), as for --media. Each file moves in
its own step while the site runs; a move cut short is run again and carries
on where it stopped, sending no file twice. Afterwards run the servers with
--media s3://BUCKET/PREFIX (or without --media, after --to db).`

func mediaCommand(ctx context.Context, args []string, stdout, stderr io.Writer, logger *slog.Logger) error {
	if len(args) == 0 || args[0] != "move" {
		return usageError{mediaUsage}
	}
	fs, where := newFlags("media move", stderr)
	to := fs.String("to", "", "s3://BUCKET/PREFIX, or db to bring the files back")
	from := fs.String("from", "", "with --to db: the bucket the files are in")
	if err := fs.Parse(args[1:]); err != nil {
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
	b, err := openBucket(ctx, target)
	if err != nil {
		return err
	}
	where.media = "" // the database's rows themselves
	a, err := openApp(ctx, where, logger, nil)
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
