package postgres

import (
	"context"
	"testing"

	"sahafa/store/storetest"
)

// The benchmarks are the shared ones of storetest, so that the numbers
// compare with SQLite's. They need SAHAFA_TEST_POSTGRES.

func BenchmarkSaveArticles(b *testing.B) {
	s := openTest(b)
	defer s.Close()
	storetest.BenchSaveArticles(b, s, "client-cpu-s", func() (int64, error) {
		var size int64
		err := s.pool.QueryRow(context.Background(), `SELECT sum(pg_total_relation_size(c.oid))::bigint FROM pg_class c
			WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'm')`).Scan(&size)
		return size, err
	})
}

func BenchmarkSearch(b *testing.B) {
	s := openTest(b)
	defer s.Close()
	storetest.BenchSearch(b, s, func() error {
		_, err := s.pool.Exec(context.Background(), `ANALYZE`)
		return err
	})
}
