package sqlite

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"sahafa/news"
	"sahafa/store/storetest"
)

// TestWatchChangesAcrossConnections opens the same file twice, as the
// server and "sahafa import" would in two processes, and checks that a
// write through one is reported by the other's watcher.
func TestWatchChangesAcrossConnections(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	path := filepath.Join(t.TempDir(), "sahafa.db")
	server, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()
	importer, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer importer.Close()

	changed := make(chan struct{}, 16)
	server.WatchChanges(ctx, func(news.Change) { changed <- struct{}{} })
	time.Sleep(2 * watchInterval) // let the watcher read its first version
	select {
	case <-changed:
		t.Fatal("change reported before any write")
	default:
	}
	rng := rand.New(rand.NewPCG(1, 2))
	if _, err := importer.SaveArticles(ctx, storetest.GeneratedBatch(rng, 0, 3)); err != nil {
		t.Fatal(err)
	}
	select {
	case <-changed:
	case <-time.After(5 * time.Second):
		t.Fatal("no change reported 5s after another connection wrote")
	}
}
