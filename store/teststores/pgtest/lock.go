package pgtest

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// The server lock: one file per server, locked shared by every test that
// works on the server and exclusively by a test that stops it. A process
// holds one lock (one open file) however many of its tests use the server;
// the tests of one package run one at a time unless they are parallel, and
// an exclusive holder's own schemas need no lock of their own.
var lockState struct {
	mu        sync.Mutex
	f         *os.File
	shared    int // tests of this process using the server
	exclusive int // tests of this process holding it alone
}

// lockPath names the lock file of the server dsn points at.
func lockPath(dsn string) string {
	key := dsn
	if u, err := url.Parse(dsn); err == nil && u.Host != "" {
		key = u.Host
	}
	sum := sha256.Sum256([]byte(key))
	return filepath.Join(os.TempDir(), "sahafa-pgtest-"+hex.EncodeToString(sum[:8])+".lock")
}

// waitNote is how long a test waits for the lock before saying so.
const waitNote = 5 * time.Second

func acquire(t testing.TB, dsn string, exclusive bool) {
	t.Helper()
	lockState.mu.Lock()
	defer lockState.mu.Unlock()
	if lockState.f == nil {
		f, err := os.OpenFile(lockPath(dsn), os.O_RDWR|os.O_CREATE, 0o666)
		if err != nil {
			t.Logf("pgtest: no server lock (%v): tests of other packages may meet a stopped server", err)
			return
		}
		lockState.f = f
	}
	need := ""
	switch {
	case exclusive && lockState.exclusive == 0:
		need = "exclusive"
	case !exclusive && lockState.shared == 0 && lockState.exclusive == 0:
		need = "shared"
	}
	if need != "" {
		start := time.Now()
		done := make(chan struct{})
		go func() {
			select {
			case <-done:
			case <-time.After(waitNote):
				t.Logf("pgtest: waiting for the %s lock on the test server (%s)…", need, lockPath(dsn))
			}
		}()
		err := flock(lockState.f, need == "exclusive")
		close(done)
		if err != nil {
			t.Fatalf("pgtest: lock %s: %v", lockPath(dsn), err)
		}
		if d := time.Since(start); d > waitNote {
			t.Logf("pgtest: waited %v for the %s lock on the test server", d.Round(time.Millisecond), need)
		}
	}
	if exclusive {
		lockState.exclusive++
	} else {
		lockState.shared++
	}
	t.Cleanup(func() { release(exclusive) })
}

func release(exclusive bool) {
	lockState.mu.Lock()
	defer lockState.mu.Unlock()
	if lockState.f == nil {
		return
	}
	if exclusive {
		lockState.exclusive--
	} else {
		lockState.shared--
	}
	switch {
	case lockState.exclusive > 0:
	case lockState.shared > 0:
		if exclusive {
			flock(lockState.f, false) // back to shared
		}
	default:
		funlock(lockState.f)
	}
}

func holdShared(t testing.TB, dsn string)    { acquire(t, dsn, false) }
func holdExclusive(t testing.TB, dsn string) { acquire(t, dsn, true) }
