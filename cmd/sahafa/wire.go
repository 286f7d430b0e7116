package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"time"

	"sahafa/news"
	"sahafa/seal"
	"sahafa/wire"
)

const wireUsage = `usage:
  sahafa wire list                            the wire desk's sources and how their last poll went
  sahafa wire add --name N (--url URL | --folder DIR) [--format F] [--every 2m]
                  [--priority 5] [--auth basic|bearer --user U --secret-file F]
                                              add a source (formats: newsml, nitf, ninjs, feed;
                                              empty: detected per file)
  sahafa wire poll [--source ID] [--max-mb 16]
                                              poll the sources (or one) once now, and say what came

The newsroom's /newsroom/wire/sources/ page does the same; a running server
polls every source at its own interval (serve --wire).`

func wireCommand(ctx context.Context, args []string, stdout, stderr io.Writer, logger *slog.Logger) error {
	if len(args) == 0 {
		return usageError{wireUsage}
	}
	sub, args := args[0], args[1:]
	fs, where := newFlags("wire "+sub, stderr)
	name := fs.String("name", "", "the source's name")
	address := fs.String("url", "", "the feed's address (http or https)")
	folder := fs.String("folder", "", "a folder on this machine the agency drops files into")
	format := fs.String("format", "", "newsml, nitf, ninjs or feed; empty: detected")
	every := fs.Duration("every", news.DefaultWireEvery, "time between polls")
	priority := fs.Int("priority", 5, "urgency given to items that carry none (1–9)")
	auth := fs.String("auth", "", "basic or bearer")
	user := fs.String("user", "", "the basic user")
	secretFile := fs.String("secret-file", "", "read the password or token from the first line of FILE")
	source := fs.Int64("source", 0, "poll this source only")
	maxMB := fs.Int64("max-mb", 16, "MiB of the largest file a poll reads")
	private := fs.Bool("allow-private", false, "let sources be on this machine or its private network")
	secretKey := fs.String("secret-key-file", envOr("SAHAFA_SECRET_KEY_FILE", ""), "the key sealing the sources' secrets (default DATA/secret.key), as for serve [SAHAFA_SECRET_KEY_FILE]")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("wire %s takes no arguments, got %q", sub, fs.Args())}
	}
	if *maxMB < 1 {
		return usageError{"--max-mb must be at least 1"}
	}
	a, err := openApp(ctx, where, logger, nil)
	if err != nil {
		return err
	}
	defer a.Close()
	if *secretKey == "" {
		*secretKey = filepath.Join(where.data, "secret.key")
	}
	sealer, err := seal.LoadKey(*secretKey)
	if err != nil {
		return fmt.Errorf("--secret-key-file: %w", err)
	}
	desk := wire.New(wire.Options{Store: a.store, Sealer: sealer, Logger: logger, MaxBytes: *maxMB << 20, AllowPrivate: *private,
		Settle: time.Second})
	switch sub {
	case "list":
		sources, err := a.store.WireSources(ctx)
		if err != nil {
			return err
		}
		for _, s := range sources {
			state := "not polled yet"
			switch {
			case s.LastError != "":
				state = fmt.Sprintf("failing (%d): %s", s.Failures, s.LastError)
			case !s.LastOK.IsZero():
				state = "ok at " + s.LastOK.Format(time.RFC3339)
			}
			fmt.Fprintf(stdout, "%d\t%s\t%s %s\tevery %v\t%s\n", s.ID, s.Name, s.Kind, s.Address, s.Interval, state)
		}
		return nil
	case "add":
		in := wire.SourceInput{Name: *name, Kind: news.WireHTTP, Address: *address, Format: *format,
			Minutes: fmt.Sprint(every.Minutes()), Priority: fmt.Sprint(*priority), Enabled: true, Auth: *auth, AuthUser: *user}
		if *folder != "" {
			in.Kind, in.Address = news.WireFolder, *folder
			if abs, err := filepath.Abs(*folder); err == nil {
				in.Address = abs
			}
		}
		if *auth != "" {
			if in.Secret, err = readPassword(*secretFile, stderr, false); err != nil {
				return err
			}
		}
		src, err := desk.SaveSource(ctx, in)
		if err != nil {
			return describeFieldErrors("wire add", err)
		}
		fmt.Fprintf(stdout, "added wire source %d (%s)\n", src.ID, src.Name)
		return nil
	case "poll":
		sources, err := a.store.WireSources(ctx)
		if err != nil {
			return err
		}
		var failed error
		for _, s := range sources {
			if (*source != 0 && s.ID != *source) || (*source == 0 && !s.Enabled) {
				continue
			}
			start := time.Now()
			rep, err := desk.PollNow(ctx, s.ID)
			took := time.Since(start)
			fmt.Fprintf(stdout, "%s: %d files, %d items, %d new, %d grouped with other sources in %.1f s (%.0f items/s; grouping %.2f s)\n",
				s.Name, rep.Files, rep.Items, rep.Stored, rep.Grouped, took.Seconds(), float64(rep.Items)/max(took.Seconds(), 1e-9), rep.GroupTime.Seconds())
			for _, sk := range rep.Skipped[:min(len(rep.Skipped), 5)] {
				fmt.Fprintf(stdout, "  skipped: %s\n", sk)
			}
			if err != nil {
				fmt.Fprintf(stdout, "  failed: %v\n", err)
				failed = errors.Join(failed, fmt.Errorf("%s: %w", s.Name, err))
			}
		}
		if failed != nil {
			return fmt.Errorf("wire poll: %w", failed)
		}
		return nil
	}
	return usageError{wireUsage}
}
