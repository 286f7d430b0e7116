package pgtest

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// EnvPgDir names the folder tools/pgtemp.sh started the test server in;
// with it (and EnvPgCtl) the replica tests start a streaming replica of
// that server with "tools/pgtemp.sh replica".
const EnvPgDir = "SAHAFA_TEST_PG_DIR"

// Replica is a streaming replica of the test server, started for one test
// and removed when it ends.
type Replica struct {
	DSN  string // the sahafa role on the replica (as the primary's DSN, another port)
	Ctl  *PgCtl // stops and starts the replica
	home string // its data and socket folder
	port string
}

// StartReplica starts a replica of the test server with pg_basebackup -R
// (tools/pgtemp.sh replica), skipping the test without EnvPgDir and
// EnvPgCtl. The replica is stopped and removed when the test ends.
func StartReplica(t *testing.T) *Replica {
	t.Helper()
	RequireDSN(t)
	primary := strings.TrimSpace(os.Getenv(EnvPgDir))
	ctlEnv := strings.TrimSpace(os.Getenv(EnvPgCtl))
	if primary == "" || ctlEnv == "" {
		t.Skip(EnvPgDir + " and " + EnvPgCtl + " not set (the pgtemp folder and pg_ctl of the test server): replica test skipped")
	}
	script, err := RepoFile("tools/pgtemp.sh")
	if err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "sahafa-replica-")
	if err != nil {
		t.Fatal(err)
	}
	os.Remove(dir) // pgtemp makes it, with its marker
	stop := func() {
		if out, err := exec.Command("bash", script, "stop", dir).CombinedOutput(); err != nil {
			t.Logf("stop the replica: %v\n%s", err, out)
		}
	}
	out, err := exec.Command("bash", script, "replica", primary, dir).Output()
	if err != nil {
		stop()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("start a replica: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("start a replica: %v", err)
	}
	t.Cleanup(stop)
	r := &Replica{DSN: strings.TrimSpace(string(out)), home: dir}
	if b, err := os.ReadFile(filepath.Join(dir, "home")); err == nil {
		r.home = strings.TrimSpace(string(b))
	}
	m := regexp.MustCompile(`@127\.0\.0\.1:(\d+)/`).FindStringSubmatch(r.DSN)
	if m == nil {
		t.Fatalf("replica DSN %q has no port", r.DSN)
	}
	r.port = m[1]
	r.Ctl = pgCtlFor(t, ctlEnv, filepath.Join(r.home, "data"))
	return r
}

// SuperuserDSN connects to the replica as the postgres superuser over its
// unix socket (initdb's local trust), for pg_wal_replay_pause and the like.
func (r *Replica) SuperuserDSN() string {
	return fmt.Sprintf("host=%s port=%s user=postgres dbname=sahafa sslmode=disable", r.home, r.port)
}

// RepoFile finds path under the module root, the first folder up from the
// test's that holds go.mod.
func RepoFile(path string) (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, path), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("no go.mod above the test's folder: cannot find %s", path)
		}
		dir = parent
	}
}
