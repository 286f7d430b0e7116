// Package pgtest gives tests a PostgreSQL server to work in: a fresh schema
// per test on the server SAHAFA_TEST_POSTGRES names, and pg_ctl control of
// that server (SAHAFA_TEST_PG_CTL) for the tests that stop and start it.
//
// It does not import the PostgreSQL store, so the store's own in-package
// tests can use it as well as the packages that test through teststores.
//
// Test binaries share one server and go test runs packages in parallel, so
// every schema holds a shared lock on the server (a file lock in the
// temporary folder, keyed by host and port) for as long as its test runs,
// and a test that stops the server takes the lock exclusively first: it
// waits until no other test process is using the server, and no other test
// starts on it until the server is back.
package pgtest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// The environment variables the PostgreSQL tests read.
const (
	// EnvDSN names the server: a postgres:// URL (or key=value DSN) of a
	// database the tests may create schemas in.
	EnvDSN = "SAHAFA_TEST_POSTGRES"
	// EnvPgCtl is the command prefix that runs pg_ctl for that server, up
	// to and including "-D DATADIR", e.g.
	// "runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D /tmp/pg/data".
	EnvPgCtl = "SAHAFA_TEST_PG_CTL"
)

// SkipMessage is what tests say when EnvDSN is unset.
const SkipMessage = "PostgreSQL half skipped: set " + EnvDSN + "=postgres://… to run it"

// DSN returns the test server's DSN, or "" when none is configured.
func DSN() string { return strings.TrimSpace(os.Getenv(EnvDSN)) }

// RequireDSN returns the test server's DSN and skips the test without one.
func RequireDSN(t testing.TB) string {
	t.Helper()
	dsn := DSN()
	if dsn == "" {
		t.Skip(SkipMessage)
	}
	return dsn
}

// WithParam returns dsn with the run-time parameter key set to value: a
// query parameter of a URL, a key=value pair of a keyword DSN.
func WithParam(dsn, key, value string) (string, error) {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			return "", fmt.Errorf("parse %s: %w", EnvDSN, err)
		}
		q := u.Query()
		q.Set(key, value)
		u.RawQuery = q.Encode()
		return u.String(), nil
	}
	return dsn + " " + key + "=" + value, nil
}

// WithSearchPath returns dsn with search_path set to schema, so that every
// connection made with it works in that schema.
func WithSearchPath(dsn, schema string) (string, error) {
	return WithParam(dsn, "search_path", schema)
}

// NewSchema creates an empty schema with a unique name on the test server
// (skipping the test when there is none), dropped when the test ends, and
// returns it and a DSN whose connections work in it.
func NewSchema(t testing.TB) (schema, dsn string) {
	t.Helper()
	base := RequireDSN(t)
	holdShared(t, base)
	schema = fmt.Sprintf("sahafa_test_%016x", rand.Uint64())
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connect to %s: %v", EnvDSN, err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `CREATE SCHEMA `+pgx.Identifier{schema}.Sanitize()); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() { dropSchema(t, base, schema) })
	dsn, err = WithSearchPath(base, schema)
	if err != nil {
		t.Fatal(err)
	}
	return schema, dsn
}

func dropSchema(t testing.TB, base, schema string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var conn *pgx.Conn
	var err error
	// The server may be coming back from a restart test's stop.
	for {
		conn, err = pgx.Connect(ctx, base)
		if err == nil || ctx.Err() != nil {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if err != nil {
		t.Errorf("drop schema %s: %v", schema, err)
		return
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, `DROP SCHEMA `+pgx.Identifier{schema}.Sanitize()+` CASCADE`); err != nil {
		t.Errorf("drop schema %s: %v", schema, err)
	}
}
