package postgres

import (
	"context"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"

	"sahafa/news"
	"sahafa/store/storetest"
	"sahafa/store/teststores/pgtest"
)

// Temporary: fills schema explain_newsroom for EXPLAIN runs. Deleted after use.
func TestZZFillExplain(t *testing.T) {
	dsn := os.Getenv("SAHAFA_EXPLAIN_DSN")
	if dsn == "" {
		t.Skip()
	}
	ctx := context.Background()
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	c.Exec(ctx, `DROP SCHEMA IF EXISTS explain_newsroom CASCADE`)
	if _, err := c.Exec(ctx, `CREATE SCHEMA explain_newsroom`); err != nil {
		t.Fatal(err)
	}
	c.Close(ctx)
	sdsn, _ := pgtest.WithSearchPath(dsn, "explain_newsroom")
	s, err := Open(ctx, sdsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rng := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 40000; i += 500 {
		batch := storetest.GeneratedBatch(rng, i, 500)
		for j := range batch {
			if (i+j)%100 == 7 {
				batch[j].Status = news.StatusDraft
			}
			if (i+j)%250 == 3 {
				batch[j].Status = news.StatusScheduled
			}
		}
		if _, err := s.SaveArticles(ctx, batch); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.FinishBulkWrite(ctx); err != nil {
		t.Fatal(err)
	}
}
