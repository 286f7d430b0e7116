package pgtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// PgCtl stops and starts the test server with pg_ctl.
type PgCtl struct {
	prefix  []string
	dataDir string
	opts    string // the server's command-line options, for start

	mu      sync.Mutex
	stopped bool
}

// NewPgCtl returns the pg_ctl of the test server, skipping the test when
// EnvDSN or EnvPgCtl is unset. It takes the server for the test alone (see
// the package comment): it waits until the tests of other processes are
// done with it, and keeps new ones off until the test ends. When the test
// ends the server is started again if the test left it stopped.
func NewPgCtl(t *testing.T) *PgCtl {
	t.Helper()
	dsn := RequireDSN(t)
	env := strings.TrimSpace(os.Getenv(EnvPgCtl))
	if env == "" {
		t.Skip(EnvPgCtl + " not set (the pg_ctl command prefix with -D DATADIR): restart test skipped")
	}
	c := pgCtlFor(t, env, "")
	holdExclusive(t, dsn)
	// Registered after the lock, so it runs before the lock is released.
	t.Cleanup(func() {
		c.mu.Lock()
		stopped := c.stopped
		c.mu.Unlock()
		if stopped {
			c.Start(t)
		}
	})
	return c
}

// pgCtlFor reads a pg_ctl command prefix; dataDir, when set, replaces the
// server the prefix names (a replica's, run by the same pg_ctl).
func pgCtlFor(t testing.TB, env, dataDir string) *PgCtl {
	t.Helper()
	c := &PgCtl{prefix: strings.Fields(env)}
	for i, f := range c.prefix {
		if f == "-D" && i+1 < len(c.prefix) {
			c.dataDir = c.prefix[i+1]
			if dataDir != "" {
				c.prefix[i+1] = dataDir
			}
		} else if v, ok := strings.CutPrefix(f, "--pgdata="); ok {
			c.dataDir = v
			if dataDir != "" {
				c.prefix[i] = "--pgdata=" + dataDir
			}
		}
	}
	if c.dataDir == "" {
		t.Fatalf("%s=%q names no data directory (-D DIR)", EnvPgCtl, env)
	}
	if dataDir != "" {
		c.dataDir = dataDir
	}
	// pg_ctl start does not reuse the options of the last start (only
	// restart does), and the server's port and socket directory are among
	// them: read them from postmaster.opts, written by the running server.
	b, err := os.ReadFile(filepath.Join(c.dataDir, "postmaster.opts"))
	if err != nil {
		t.Skipf("cannot read the server's options: %v", err)
	}
	line := strings.TrimSpace(string(b))
	if _, rest, ok := strings.Cut(line, " "); ok {
		c.opts = rest
	}
	return c
}

// DataDir is the server's data folder.
func (c *PgCtl) DataDir() string { return c.dataDir }

func (c *PgCtl) run(t testing.TB, args ...string) {
	t.Helper()
	cmd := exec.Command(c.prefix[0], append(c.prefix[1:], args...)...)
	cmd.Dir = "/"
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("pg_ctl %s: %v\n%s", args[0], err, out)
	}
}

// Stop stops the server (fast shutdown: sessions are cut off) and waits
// until it is down.
func (c *PgCtl) Stop(t testing.TB) {
	t.Helper()
	c.mu.Lock()
	c.stopped = true
	c.mu.Unlock()
	c.run(t, "stop", "-m", "fast", "-w", "-t", "60")
}

// Start starts the server with the options it ran with and waits until it
// accepts connections.
func (c *PgCtl) Start(t testing.TB) {
	t.Helper()
	c.run(t, "start", "-w", "-t", "60", "-l", filepath.Join(filepath.Dir(c.dataDir), "server.log"), "-o", c.opts)
	c.mu.Lock()
	c.stopped = false
	c.mu.Unlock()
}
