#!/usr/bin/env bash
# Imports both shared corpora (62k articles) into a fresh data folder and
# prints articles/second and the database size.
#   bench/import.sh [--keep DIR]
# With --keep DIR the imported site is left in DIR (bench/serve.sh reuses it).
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=../shared/corpus
if [ ! -d "$corpus" ]; then echo "bench/import.sh: $corpus is absent; nothing to measure"; exit 0; fi
data=""
if [ "${1:-}" = "--keep" ]; then data=$2; rm -rf "$data"; fi
if [ -z "$data" ]; then data=$(mktemp -d); trap 'rm -rf "$data"' EXIT; fi
go build -o /tmp/sahafa-bench ./cmd/sahafa
total=0
start=$(date +%s.%N)
for f in "$corpus"/ant-v2.1.jsonl.gz "$corpus"/saudinewsnet.jsonl.gz; do
  /tmp/sahafa-bench import --data "$data" "$f" | tee /tmp/sahafa-import.log | head -3
  n=$(awk '/ created, /{print $3; exit}' /tmp/sahafa-import.log)
  total=$((total + n))
done
end=$(date +%s.%N)
secs=$(echo "$end - $start" | bc -l)
size=$(du -cb "$data"/sahafa.db* | tail -1 | cut -f1)
printf 'imported %d articles in %.1f s: %.0f articles/s\n' "$total" "$secs" "$(echo "$total / $secs" | bc -l)"
printf 'database size: %.1f MiB (%s)\n' "$(echo "$size / 1048576" | bc -l)" "$(ls "$data")"
