// Package corpus reads the shared corpora (../shared/corpus: gzipped JSON
// Lines, one article a line) for the benchmark programs.
package corpus

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"os"
)

// Each decodes every line of the corpus file at path into a fresh T and
// calls fn with it; lines that do not decode are skipped.
func Each[T any](path string, fn func(T)) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("%w (the shared corpora are needed)", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	sc := bufio.NewScanner(zr)
	sc.Buffer(make([]byte, 1<<20), 16<<20) // some articles exceed bufio's 64 KiB
	for sc.Scan() {
		var v T
		if json.Unmarshal(sc.Bytes(), &v) == nil {
			fn(v)
		}
	}
	return sc.Err()
}
