// Command sahafa is the whole news platform in one binary: the public site,
// the newsroom, the content API and the importers, on an embedded SQLite
// database or PostgreSQL.
//
//	sahafa [serve] [--data DIR] [--addr HOST:PORT]   run the site
//	sahafa import [--data DIR] [--format F] FILE...  import articles
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"syscall"
	"time"

	"sahafa/store/postgres"
)

const usage = `sahafa — an Arabic-first news platform

usage:
  sahafa [serve] [flags]            run the site (demo content on first run)
  sahafa import [flags] FILE|URL... import articles (page, jsonl[.gz], WordPress wxr, html page or URL,
                                    or a whole-site export)
  sahafa reindex [flags]            rebuild the search index from stored articles
  sahafa migrate-store --from DATA_DIR --to postgres://…
                                    copy a whole SQLite site into PostgreSQL
  sahafa user add --email E --role R add a newsroom user (also: user passwd, user list)
  sahafa export --out FILE          write the whole site as JSON Lines (restore: sahafa import FILE)
  sahafa backup FILE                a consistent copy of the database while the site runs
  sahafa media move --to s3://B/P|db move the media library into a bucket or back (resumable)
  sahafa wire add|list|poll         the wire desk's agency sources (also in the newsroom)
  sahafa help                       this text

common flags (environment variables in brackets):
  --data DIR        data folder, created on first run [SAHAFA_DATA] (default ./sahafa-data)
  --db URL          run on PostgreSQL: postgres://user:pass@host/db [SAHAFA_DB]
  --media s3://B/P  keep new media in an S3-compatible bucket [SAHAFA_MEDIA]

run "sahafa COMMAND -h" for the flags of one command.
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintln(os.Stderr, "sahafa:", err)
		}
		os.Exit(exitCode(err))
	}
}

// exitCode is 2 for usage errors and 1 for everything else.
func exitCode(err error) int {
	var u usageError
	if errors.As(err, &u) || errors.Is(err, flag.ErrHelp) {
		return 2
	}
	return 1
}

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// run dispatches a command line; it is main without the process, for tests.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && len(args[0]) > 0 && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	switch cmd {
	case "serve":
		return serve(ctx, args, stdout, stderr, logger)
	case "import":
		return importFiles(ctx, args, stdout, stderr, logger)
	case "reindex":
		return reindex(ctx, args, stdout, stderr, logger)
	case "migrate-store":
		return migrateStore(ctx, args, stdout, stderr, logger)
	case "user":
		return userCommand(ctx, args, stdout, stderr, logger)
	case "export":
		return exportSite(ctx, args, stdout, stderr, logger)
	case "media":
		return mediaCommand(ctx, args, stdout, stderr, logger)
	case "backup":
		return backup(ctx, args, stdout, stderr, logger)
	case "wire":
		return wireCommand(ctx, args, stdout, stderr, logger)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		return usageError{fmt.Sprintf("unknown command %q\n\n%s", cmd, usage)}
	}
}

// envOr returns the environment variable's value, or def when unset.
func envOr(name, def string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return def
}

// envDuration, envInt and envInt64 read a default from the environment;
// a value that does not parse keeps def (the flag's own parsing then
// reports a bad command-line value).
func envDuration(name string, def time.Duration) time.Duration {
	if d, err := time.ParseDuration(os.Getenv(name)); err == nil {
		return d
	}
	return def
}

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil {
		return n
	}
	return def
}

func envInt64(name string, def int64) int64 {
	if n, err := strconv.ParseInt(os.Getenv(name), 10, 64); err == nil {
		return n
	}
	return def
}

// newLogger is a slog logger writing text or JSON lines at a level.
func newLogger(w io.Writer, format, level string) (*slog.Logger, error) {
	var lv slog.Level
	if err := lv.UnmarshalText([]byte(level)); err != nil {
		return nil, usageError{fmt.Sprintf("--log-level: want debug, info, warn or error, got %q", level)}
	}
	o := &slog.HandlerOptions{Level: lv}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, o)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, o)), nil
	}
	return nil, usageError{fmt.Sprintf("--log-format: want text or json, got %q", format)}
}

// storeFlags are the flags every command shares: where the site lives.
type storeFlags struct {
	data   string        // data folder (SQLite database, later media)
	db     string        // postgres:// URL; empty for SQLite in data
	media  string        // s3://bucket/prefix for media bytes; empty: in the database
	dbRead string        // comma-separated postgres:// URLs of read replicas (serve only)
	maxLag time.Duration // a replica further behind is skipped
}

// addReplicaFlags adds the read-replica flags, which only the server uses.
func (sf *storeFlags) addReplicaFlags(fs *flag.FlagSet) {
	fs.StringVar(&sf.dbRead, "db-read", envOr("SAHAFA_DB_READ", ""), "PostgreSQL streaming replicas of --db for pages, search, feeds and the API (postgres:// URLs, comma-separated); writes and the newsroom use --db [SAHAFA_DB_READ]")
	fs.DurationVar(&sf.maxLag, "db-read-max-lag", envDuration("SAHAFA_DB_READ_MAX_LAG", postgres.DefaultMaxLag), "a replica trailing --db by more than this is skipped until it catches up [SAHAFA_DB_READ_MAX_LAG]")
}

// newFlags returns a flag set with the flags every command shares.
func newFlags(name string, stderr io.Writer) (*flag.FlagSet, *storeFlags) {
	fs := flag.NewFlagSet("sahafa "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	sf := &storeFlags{}
	fs.StringVar(&sf.data, "data", envOr("SAHAFA_DATA", "./sahafa-data"), "data folder [SAHAFA_DATA]")
	fs.StringVar(&sf.db, "db", envOr("SAHAFA_DB", ""), "PostgreSQL URL (postgres://user:pass@host/db); empty for SQLite in --data [SAHAFA_DB]")
	fs.StringVar(&sf.media, "media", envOr("SAHAFA_MEDIA", ""), "keep new media in this S3-compatible bucket, s3://BUCKET/PREFIX (endpoint and keys: SAHAFA_S3_ENDPOINT, SAHAFA_S3_ACCESS_KEY, SAHAFA_S3_SECRET_KEY, SAHAFA_S3_REGION, SAHAFA_S3_INSECURE=true for http); empty: in the database [SAHAFA_MEDIA]")
	return fs, sf
}

// String says where the site lives, for logs (passwords hidden).
func (sf *storeFlags) String() string {
	if sf.db != "" {
		return "database " + redactDSN(sf.db)
	}
	return "data in " + sf.data
}
