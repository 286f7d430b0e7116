#!/usr/bin/env bash
# The wire desk under a heavy agency: two drop-folder sources ("agencies"
# A and B, from different outlets of the shared corpora that covered the
# same weeks, bench/wiregen). It prints:
#  1. one poll of 10,000 NewsML-G2 items from A (one 40 MB file): items/s;
#  2. one poll of 10,000 items from B: items/s, and the time spent grouping
#     B's stories with A's (and how many were);
#  3. the queue page's latency (grouped queue, a search, a source's page 20,
#     the urgent items; bench/wirelat signed in) at 10,000 items, 20,000,
#     and again after 80,000 more (100,000 items).
#   bench/ingest.sh [--db DSN | --both]
# Without --db the site is SQLite in a fresh data folder; --db DSN uses that
# PostgreSQL database (which should be empty); --both runs both (bench/lib.sh).
# The server runs with its defaults (--wire on, polling nothing new).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
parse_db_opts "$@"
set -- ${rest[@]+"${rest[@]}"}
if [ "$db_mode" = both ]; then run_both bench/ingest.sh "$@"; exit; fi
if [ ! -f ../shared/corpus/saudinewsnet.jsonl.gz ]; then
  echo "bench/ingest.sh: ../shared/corpus is absent: the benchmark needs its articles; skipping"
  exit 0
fi
work=$(mktemp -d /tmp/sahafa-ingest.XXXXXX)
pid=""
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"' EXIT
go build -o "$work/sahafa" ./cmd/sahafa
go build -o "$work/wiregen" ./bench/wiregen
go build -o "$work/wirelat" ./bench/wirelat
where=(--data "$work/data")
if [ "$db_mode" = postgres ]; then where=(--db "$dsn" --data "$work/data"); fi
mkdir -p "$work/a" "$work/b"
"$work/sahafa" wire add "${where[@]}" --name "الوكالة أ" --folder "$work/a" --format newsml >/dev/null
"$work/sahafa" wire add "${where[@]}" --name "الوكالة ب" --folder "$work/b" --format newsml >/dev/null
drop() { # drop FOLDER OUTLETS FIRST: 10,000 items, settled
  "$work/wiregen" -n 10000 -outlets "$2" -first "$3" -o "$work/$1/items-$3.xml"
  touch -d '-1 min' "$work/$1/items-$3.xml"
}
poll() { "$work/sahafa" wire poll "${where[@]}" --max-mb 64 2>/dev/null | grep -v '^  skipped' || true; }
printf 'بنشمارك-الوارد-2026\n' >"$work/pw"
"$work/sahafa" user add "${where[@]}" --email bench@example.com --role admin --password-file "$work/pw" >/dev/null
latency() { # latency ITEMS
  local port base
  port=$(free_port)
  base=http://127.0.0.1:$port
  "$work/sahafa" serve "${where[@]}" --addr "127.0.0.1:$port" --no-demo >"$work/serve.log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do curl -fs -o /dev/null "$base/readyz" && break; sleep 0.2; done
  echo "3. queue page latency at $1 items (30 requests each):"
  "$work/wirelat" --base "$base" --email bench@example.com --password-file "$work/pw" --n 30
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=""
}
echo "store: $db_mode; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
drop a even 0
printf 'file: %.1f MiB, 10,000 items\n' "$(echo "$(stat -c %s "$work/a/items-0.xml") / 1048576" | bc -l)"
echo "1. one poll, agency A:"
poll | sed 's/^/   /'
latency 10,000
drop b odd 10000
echo "2. one poll, agency B (grouped with A's stories of the last 48 hours):"
poll | sed 's/^/   /'

latency 20,000
for k in 1 2 3 4; do
  drop a even $((20000 + 20000 * k))
  drop b odd $((30000 + 20000 * k))
done
start=$(date +%s.%N)
poll >/dev/null
printf '   (80,000 more items polled in %.0f s)\n' "$(echo "$(date +%s.%N) - $start" | bc -l)"
latency 100,000
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
