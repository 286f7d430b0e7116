package postgres

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"

	"sahafa/news"
)

var _ news.Backuper = (*Store)(nil)

// Backup runs pg_dump (custom format, restorable with pg_restore) into
// path: a consistent snapshot taken while the servers run. pg_dump must be
// installed and at least as new as the server. The connection settings
// come from the store's DSN; pgx-only parameters (search_path, pool
// sizes) become pg_dump flags or are left out.
func (s *Store) Backup(ctx context.Context, path string) error {
	bin, err := exec.LookPath("pg_dump")
	if err != nil {
		return news.Errorf(news.EUNAVAILABLE, "pg_dump is not installed: install PostgreSQL's client tools, "+
			"or run pg_dump --format=custom --file=FILE against the database yourself")
	}
	c := s.connConf
	args := []string{"--format=custom", "--no-owner", "--file=" + path, "--host=" + c.Host,
		"--port=" + strconv.Itoa(int(c.Port)), "--username=" + c.User, "--dbname=" + c.Database, "--no-password"}
	if sp := c.RuntimeParams["search_path"]; sp != "" {
		for _, schema := range strings.Split(sp, ",") {
			if schema = strings.Trim(strings.TrimSpace(schema), `"`); schema != "" && schema != "$user" && schema != "public" {
				args = append(args, "--schema="+schema)
			}
		}
	}
	cmd := exec.CommandContext(ctx, bin, args...)
	sslmode := "disable"
	if c.TLSConfig != nil {
		sslmode = "require"
	}
	cmd.Env = append(os.Environ(), "PGPASSWORD="+c.Password, "PGSSLMODE="+sslmode)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("postgres: pg_dump: %w: %s", err, strings.TrimSpace(stderr.String()))
	}
	return nil
}
