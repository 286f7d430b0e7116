#!/usr/bin/env bash
# Imports a generated WordPress export (bench/wxrgen: 20,000 Arabic posts by
# default, with comments, captions and featured images) into a fresh site
# and prints posts/second with media fetch off (images stay remote URLs).
# Then it imports a second, smaller export (FETCH_POSTS, default 500) whose
# pictures are on a local server (bench/imageserver: a 1200×800 JPEG per
# address) with --fetch-media, and prints posts/s and pictures/s with
# media fetch on: every picture fetched, checked, cut into its variants and
# crops, and the posts rewritten. FETCH_POSTS=0 skips it.
#   bench/wxr-import.sh [--db DSN | --both] [POSTS]
# Without --db the site is SQLite in a fresh data folder; with --db DSN the
# posts go into that PostgreSQL database, which should be empty. --both runs
# SQLite then a throwaway PostgreSQL (tools/pgtemp.sh); see bench/lib.sh.
# If `sahafa import` does not read WXR files yet, the script says so and
# measures the parser alone (BenchmarkParse in importer/wxr).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
parse_db_opts "$@"
set -- ${rest[@]+"${rest[@]}"}
if [ "$db_mode" = both ]; then run_both bench/wxr-import.sh "$@"; exit; fi
posts=${1:-20000}
case "$posts" in '' | *[!0-9]*) echo "$0: POSTS must be a number" >&2; exit 2 ;; esac
tmp=$(mktemp -d /tmp/sahafa-wxr.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/sahafa" ./cmd/sahafa
go build -o "$tmp/wxrgen" ./bench/wxrgen
go build -o "$tmp/imageserver" ./bench/imageserver
"$tmp/wxrgen" -n "$posts" -o "$tmp/export.xml"
printf 'export: %d posts, %.1f MiB\n' "$posts" "$(echo "$(stat -c %s "$tmp/export.xml") / 1048576" | bc -l)"
where=(--data "$tmp/data")
if [ "$db_mode" = postgres ]; then where=(--db "$dsn"); fi
log="$tmp/import.log"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
start=$(date +%s.%N)
status=0
"$tmp/sahafa" import "${where[@]}" "$tmp/export.xml" >"$log" 2>&1 || status=$?
end=$(date +%s.%N)
if [ "$status" -ne 0 ] && grep -q 'not supported' "$log"; then
  echo "sahafa import does not read WXR files yet:"
  sed 's/^/  /' "$log" | head -5
  echo "measuring the parser alone instead (importer/wxr BenchmarkParse, a 2,000-post export):"
  go test ./importer/wxr -run '^$' -bench '^BenchmarkParse$' -benchtime 5x | grep -E '^(Benchmark|ok)'
  exit 0
fi
head -1 "$log"
grep -E '^  (skipped|error|…)' "$log" | head -5 || true
if [ "$status" -ne 0 ]; then echo "$0: sahafa import failed (exit $status)" >&2; cat "$log" >&2; exit 1; fi
n=$(awk '/ created, /{print $3 + $5; exit}' "$log")
secs=$(echo "$end - $start" | bc -l)
echo "store: $db_mode; load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
printf 'imported %d posts in %.1f s: %.0f posts/s (media not downloaded: images stay remote URLs)\n' \
  "$n" "$secs" "$(echo "$n / $secs" | bc -l)"

fetch_posts=${FETCH_POSTS:-500}
[ "$fetch_posts" -gt 0 ] || exit 0
"$tmp/imageserver" >"$tmp/images.addr" 2>&1 &
images_pid=$!
trap 'kill $images_pid 2>/dev/null; rm -rf "$tmp"' EXIT
for _ in $(seq 50); do [ -s "$tmp/images.addr" ] && break; sleep 0.1; done
images=$(head -1 "$tmp/images.addr")
"$tmp/wxrgen" -n "$fetch_posts" -seed 2 -site "$images" -o "$tmp/export-media.xml" 2>/dev/null
flog="$tmp/fetch.log"
start=$(date +%s.%N)
status=0
"$tmp/sahafa" import "${where[@]}" --fetch-media --allow-private-addresses "$tmp/export-media.xml" >"$flog" 2>&1 || status=$?
end=$(date +%s.%N)
if [ "$status" -ne 0 ]; then echo "$0: sahafa import --fetch-media failed (exit $status)" >&2; cat "$flog" >&2; exit 1; fi
grep -E 'articles looked at|^  failed' "$flog" | head -4
n=$(awk '/ created, /{print $3 + $5; exit}' "$flog")
pics=$(awk '/^media fetch:/{for (i = 1; i <= NF; i++) if ($(i+1) == "fetched,") {print $i; exit}}' "$flog")
secs=$(echo "$end - $start" | bc -l)
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
printf 'with media fetch on: imported %d posts and brought %d pictures home in %.1f s: %.1f posts/s, %.1f pictures/s\n' \
  "$n" "$pics" "$secs" "$(echo "$n / $secs" | bc -l)" "$(echo "$pics / $secs" | bc -l)"
