#!/usr/bin/env bash
# Imports both shared corpora (62k articles) into a fresh site and prints
# articles/second and the database size.
#   bench/import.sh [--db DSN | --both] [--keep DIR]
# Without --db the site is SQLite in a fresh data folder; with --keep DIR it
# is left in DIR (bench/serve.sh and bench/search-latency.sh reuse it).
# With --db DSN the corpora go into that PostgreSQL database, which should
# be empty (and is left as it is). --both runs SQLite then a throwaway
# PostgreSQL (tools/pgtemp.sh) and prints both; see bench/lib.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
parse_db_opts "$@"
set -- ${rest[@]+"${rest[@]}"}
if [ "$db_mode" = both ]; then run_both bench/import.sh "$@"; exit; fi
corpus=../shared/corpus
if [ ! -d "$corpus" ]; then echo "bench/import.sh: $corpus is absent; nothing to measure"; exit 0; fi
data="" keep=""
if [ "${1:-}" = "--keep" ]; then data=$2 keep=$2; rm -rf "$data"; fi
if [ -z "$data" ]; then data=$(mktemp -d /tmp/sahafa-import-data.XXXXXX); fi
bin=$(mktemp /tmp/sahafa-bench.XXXXXX)
trap 'rm -f "$bin"; [ -n "$keep" ] || rm -rf "$data"' EXIT
go build -o "$bin" ./cmd/sahafa
where=(--data "$data")
if [ "$db_mode" = postgres ]; then where=(--db "$dsn"); fi
log=$(mktemp /tmp/sahafa-import.XXXXXX)
total=0
start=$(date +%s.%N)
for f in "$corpus"/ant-v2.1.jsonl.gz "$corpus"/saudinewsnet.jsonl.gz; do
  "$bin" import "${where[@]}" "$f" >"$log"
  head -1 "$log"
  n=$(awk '/ created, /{print $3; exit}' "$log")
  total=$((total + n))
done
end=$(date +%s.%N)
rm -f "$log"
secs=$(echo "$end - $start" | bc -l)
echo "store: $db_mode; load average before/after: $(cut -d' ' -f1-3 /proc/loadavg)"
printf 'imported %d articles in %.1f s: %.0f articles/s\n' "$total" "$secs" "$(echo "$total / $secs" | bc -l)"
if [ "$db_mode" = postgres ]; then
  printf 'database size: %s\n' "$(pg_size "$dsn")"
else
  size=$(du -cb "$data"/sahafa.db* | tail -1 | cut -f1)
  printf 'database size: %.1f MiB (%s)\n' "$(echo "$size / 1048576" | bc -l)" "$(ls "$data" | tr '\n' ' ')"
fi
