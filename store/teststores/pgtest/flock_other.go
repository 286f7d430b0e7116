//go:build !unix

package pgtest

import "os"

// Without flock, tests that stop the server are not kept apart from the
// others: run them alone (go test -p 1).
func flock(*os.File, bool) error { return nil }
func funlock(*os.File) error     { return nil }
