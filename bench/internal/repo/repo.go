// Package repo locates the project folder for the benchmark programs, so
// they find ../shared whatever folder they are run from.
package repo

import (
	"os"
	"path/filepath"
	"strings"
)

// Root is the folder of the sahafa module's go.mod, found upwards from the
// working directory ("." when there is none).
func Root() string {
	dir, err := os.Getwd()
	if err != nil {
		return "."
	}
	for d := dir; ; {
		if b, err := os.ReadFile(filepath.Join(d, "go.mod")); err == nil && strings.HasPrefix(string(b), "module sahafa\n") {
			return d
		}
		parent := filepath.Dir(d)
		if parent == d {
			return "."
		}
		d = parent
	}
}
