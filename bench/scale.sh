#!/usr/bin/env bash
# How Sahafa's costs grow with the archive: builds a realistic archive
# from the shared corpora (bench/archivegen: new ids, dates over 20 years,
# the corpora's sections, reporters and tags) in steps, imports each step
# into one SQLite site, and after each prints: import articles/s,
# database size, search p50/p95 (real queries, bench/searchlat), the
# render time of an article, the home page, a section and its 50th page,
# the archive, the sitemap and the feed with the page cache off
# (bench/pagelat), and the server's resident memory.
#   bench/scale.sh
# Environment: SIZES (cumulative archive sizes, default "62000 250000
# 1000000"), PER_GROUP (search queries per group, default 100), STORE
# (sqlite, the default, or postgres: a throwaway PostgreSQL 15 from
# tools/pgtemp.sh), REPLICA=1 (postgres: the server reads from a streaming
# replica, --db-read).
# Traffic goes to 127.0.0.1 only. Needs ../shared/corpus.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=../shared/corpus
if [ ! -d "$corpus" ]; then echo "bench/scale.sh: $corpus is absent; nothing to measure"; exit 0; fi
sizes=${SIZES:-"62000 250000 1000000"}
work=$(mktemp -d /tmp/sahafa-scale.XXXXXX)
pid=""
store=${STORE:-sqlite}
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  if [ "$store" = postgres ]; then tools/pgtemp.sh stop "$work/pgr" >/dev/null 2>&1 || true; tools/pgtemp.sh stop "$work/pg" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
go build -o "$work/sahafa" ./cmd/sahafa
go build -o "$work/archivegen" ./bench/archivegen
go build -o "$work/searchlat" ./bench/searchlat
go build -o "$work/pagelat" ./bench/pagelat
data=$work/data
have=0
where=(--data "$data")
reads=()
size_of() { du -sh "$data" | cut -f1; }
case "$store" in
  sqlite) ;;
  postgres)
    dsn=$(tools/pgtemp.sh start "$work/pg")
    where=(--db "$dsn")
    pghome=$work/pg
    [ -f "$work/pg/home" ] && pghome=$(cat "$work/pg/home")
    size_of() { du -sh "$pghome/data" | cut -f1; }
    if [ "${REPLICA:-0}" = 1 ]; then
      reads=(--db-read "$(tools/pgtemp.sh replica "$work/pg" "$work/pgr")")
    fi
    ;;
  *) echo "bench/scale.sh: STORE is sqlite or postgres, not $store" >&2; exit 2 ;;
esac
echo "machine: $(nproc) CPUs, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo); $store${reads:+ with a streaming replica}"
for size in $sizes; do
  add=$((size - have))
  [ "$add" -gt 0 ] || continue
  "$work/archivegen" -n "$add" -first "$have" -o "$work/step.jsonl.gz"
  start=$(date +%s.%N)
  "$work/sahafa" import "${where[@]}" "$work/step.jsonl.gz" >"$work/import.log"
  end=$(date +%s.%N)
  rm -f "$work/step.jsonl.gz"
  have=$size
  echo
  echo "== $size articles (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  printf 'import: %d articles in %.0f s = %.0f articles/s\n' "$add" "$(echo "$end - $start" | bc -l)" \
    "$(echo "$add / ($end - $start)" | bc -l)"
  echo "database: $(size_of)"
  port=$((20000 + RANDOM % 40000))
  "$work/sahafa" serve "${where[@]}" "${reads[@]}" --addr 127.0.0.1:$port --page-cache 0 >"$work/out" 2>"$work/err" &
  pid=$!
  base=http://127.0.0.1:$port
  for _ in $(seq 300); do curl -fs -o /dev/null "$base/readyz" && break; sleep 0.2; done
  first=$( { /usr/bin/time -f %e curl -fs -o /dev/null "$base/" ; } 2>&1 )
  echo "first home page after the start: ${first} s"
  "$work/pagelat" --base "$base" --n 10 --articles 100
  "$work/searchlat" --base "$base" --per-group "${PER_GROUP:-100}" --slowest 0 | sed "/^queries:/d"
  echo "server resident memory: $(( $(awk '/VmRSS/{print $2}' /proc/$pid/status) / 1024 )) MB (peak $(( $(awk '/VmHWM/{print $2}' /proc/$pid/status) / 1024 )) MB)"
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
done
