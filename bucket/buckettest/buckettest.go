// Package buckettest runs a real S3-compatible server for tests:
// SeaweedFS's weed (built from the Go module proxy by tools/weed.sh, which
// prints its path), found as SAHAFA_WEED, on PATH, or where tools/weed.sh
// leaves it. Without it tests skip, unless SAHAFA_REQUIRE_WEED is set (CI).
package buckettest

import (
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"sahafa/store/teststores/pgtest"
)

// Weed is one running "weed mini": master, volume, filer and S3
// gateway in one process, on free loopback ports.
type Weed struct {
	Endpoint string // HOST:PORT of the S3 gateway
	cmd      *exec.Cmd
}

func findWeed(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("SAHAFA_WEED"); p != "" {
		return p
	}
	if p, err := exec.LookPath("weed"); err == nil {
		return p
	}
	script, err := pgtest.RepoFile("tools/weed.sh")
	if err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command("bash", script, "--path").Output(); err == nil {
		if p := string(trimNL(out)); p != "" {
			if _, err := os.Stat(p); err == nil {
				return p
			}
		}
	}
	if os.Getenv("SAHAFA_REQUIRE_WEED") != "" {
		t.Fatal("SAHAFA_REQUIRE_WEED is set but no weed binary was found (run tools/weed.sh)")
	}
	t.Skip("no SeaweedFS weed binary (tools/weed.sh builds one): object-store tests skipped")
	return ""
}

func trimNL(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r') {
		b = b[:len(b)-1]
	}
	return b
}

// freePorts finds n HTTP ports that are free along with their gRPC
// companions (port+10000), as weed uses.
func freePorts(t testing.TB, n int) []int {
	t.Helper()
	var out []int
	for tries := 0; len(out) < n && tries < 500; tries++ {
		p := 20000 + rand.N(25000)
		ok := true
		for _, q := range []int{p, p + 10000} {
			l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(q))
			if err != nil {
				ok = false
				break
			}
			l.Close()
		}
		if ok {
			out = append(out, p)
		}
	}
	if len(out) < n {
		t.Fatal("no free ports for weed")
	}
	return out
}

// Start starts a weed server with the bucket "sahafa", stopped when
// the test ends.
func Start(t testing.TB) *Weed {
	t.Helper()
	bin := findWeed(t)
	dir := t.TempDir()
	p := freePorts(t, 5)
	cmd := exec.Command(bin, "mini", "-dir="+dir, "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
		"-master.port="+strconv.Itoa(p[0]), "-volume.port="+strconv.Itoa(p[1]), "-filer.port="+strconv.Itoa(p[2]),
		"-s3.port="+strconv.Itoa(p[3]), "-admin.port="+strconv.Itoa(p[4]), "-admin.ui=false", "-admin.port.legacy=0",
		"-s3.port.iceberg=0", "-s3.port.lance=0", "-webdav=false", "-bucket=sahafa")
	logf, err := os.Create(filepath.Join(dir, "weed.log"))
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatalf("start weed: %v", err)
	}
	w := &Weed{Endpoint: "127.0.0.1:" + strconv.Itoa(p[3]), cmd: cmd}
	t.Cleanup(func() {
		w.Stop()
		logf.Close()
	})
	// Ready when the bucket answers a listing.
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get("http://" + w.Endpoint + "/sahafa")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return w
			}
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(filepath.Join(dir, "weed.log"))
			t.Fatalf("weed did not serve the bucket within 60 s (%v)\n%s", err, tail(log, 3000))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// Stop kills the server (as a crash would) and waits for it to exit.
func (w *Weed) Stop() {
	if w.cmd.ProcessState != nil {
		return
	}
	w.cmd.Process.Kill()
	w.cmd.Wait()
}

func tail(b []byte, n int) string {
	if len(b) > n {
		b = b[len(b)-n:]
	}
	return string(b)
}

var prefixes = rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))

// URL is a fresh prefix of the bucket, so that tests do not see each
// other's objects.
func URL() string { return fmt.Sprintf("s3://sahafa/t%d", prefixes.Uint64()) }
