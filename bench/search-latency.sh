#!/usr/bin/env bash
# Latency of GET /api/v1/search with real readers' queries on a site holding
# both corpora: median, p95, p99 and max per query length (1, 2, 3 words),
# the share of queries with results, the database and search index sizes.
#   bench/search-latency.sh [--db DSN | --both] [DATA_DIR]
# SQLite: DATA_DIR, or by default bench/import.sh --keep into a temporary
# folder. --db DSN: the PostgreSQL database at DSN, after importing both
# corpora into it when it holds no articles. --both: SQLite, then a
# throwaway PostgreSQL (tools/pgtemp.sh), side by side (see bench/lib.sh).
# Environment: PER_GROUP (queries per group, default 400), WAIT_FOR_API
# (seconds to wait for /api/v1/search to exist, default 0).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
parse_db_opts "$@"
set -- ${rest[@]+"${rest[@]}"}
if [ "$db_mode" = both ]; then run_both bench/search-latency.sh "$@"; exit; fi
if [ ! -d ../shared/samples/queries ]; then echo "bench/search-latency.sh: ../shared/samples/queries is absent; nothing to measure"; exit 0; fi
work=$(mktemp -d)
pid=""
cleanup() { if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi; rm -rf "$work"; }
trap cleanup EXIT

data=${1:-}
where=(--data "$data")
if [ "$db_mode" = postgres ]; then
  where=(--db "$dsn")
  n=$("$(pg_bin psql)" -X -q -At "$dsn" -c "SELECT count(*) FROM articles" 2>/dev/null || echo 0)
  if [ "${n:-0}" = 0 ]; then
    if [ ! -d ../shared/corpus ]; then echo "bench/search-latency.sh: ../shared/corpus is absent; nothing to import"; exit 0; fi
    echo "importing both corpora into PostgreSQL (bench/import.sh --db)…"
    bench/import.sh --db "$dsn" | tail -2
  fi
elif [ -z "$data" ]; then
  if [ ! -d ../shared/corpus ]; then echo "bench/search-latency.sh: ../shared/corpus is absent; nothing to import"; exit 0; fi
  data=$work/data
  echo "importing both corpora into $data (bench/import.sh --keep)…"
  bench/import.sh --keep "$data" | tail -2
  where=(--data "$data")
fi
if [ "$db_mode" = sqlite ]; then
  [ -f "$data/sahafa.db" ] || { echo "bench/search-latency.sh: $data/sahafa.db does not exist" >&2; exit 1; }
fi

go build -o "$work/sahafa" ./cmd/sahafa
go build -o "$work/searchlat" ./bench/searchlat
port=$(free_port)
base=http://127.0.0.1:$port
"$work/sahafa" serve "${where[@]}" --addr "127.0.0.1:$port" --no-demo --warm-related=false >"$work/serve.log" 2>&1 &
pid=$!
for _ in $(seq 100); do curl -fs -o /dev/null "$base/" && break; sleep 0.2; done
curl -fs -o /dev/null "$base/" || { echo "the server did not start:" >&2; cat "$work/serve.log" >&2; exit 1; }

# /api/v1/search may not exist yet in this tree: wait for it if asked.
deadline=$((SECONDS + ${WAIT_FOR_API:-0}))
while :; do
  code=$(curl -s -o /dev/null -w '%{http_code}' "$base/api/v1/search?q=x&limit=1")
  [ "$code" != 404 ] && break
  if [ $SECONDS -ge $deadline ]; then
    echo "bench/search-latency.sh: GET /api/v1/search answers 404: the endpoint is not in this build yet" >&2
    exit 1
  fi
  sleep 5
done

echo "store: $db_mode; $(nproc) CPUs; load average $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$db_mode" = postgres ]; then
  echo "database: PostgreSQL, $(pg_size "$dsn")"
  echo
else
  echo "data: $data"
  "$work/searchlat" --db "$data/sahafa.db"
fi
"$work/searchlat" --base "$base" --per-group "${PER_GROUP:-400}"
