#!/usr/bin/env bash
# A bounded burst of what costs a server most — 200 concurrent sign-ins
# with wrong passwords, 32 concurrent large-image uploads (a 24-megapixel
# photo, a 36-megapixel PNG bomb) and 20 Markdown nesting-bomb previews —
# against one server, with wrk reading an article page at the same time.
# Prints the server's peak resident memory during the burst (goal ≤ 512 MB),
# the requests that got no answer (goal 0), how each kind was answered,
# and the article req/s during the burst as a ratio of the same wrk run
# without it (goal ≥ 0.5).
#   bench/overload.sh [DATA_DIR]
# DATA_DIR: a site to copy and load (default: a fresh demo site). The
# server runs with the defaults users get. Traffic goes to 127.0.0.1 only.
# Environment: DURATION (seconds of each wrk run, default 20),
# CONNECTIONS (wrk, default 50), EVERY (start a burst round at most this
# often, default 2s; 0 sends the next round as soon as the last is
# answered, so that a server that refuses faster is sent more: issue 10's
# server took ~10 s a round, today's under 1 s).
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${DURATION:-20}
conns=${CONNECTIONS:-50}
command -v wrk >/dev/null || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk) >/dev/null
work=$(mktemp -d)
pid=""
cleanup() { if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi; rm -rf "$work"; }
trap cleanup EXIT
go build -o "$work/sahafa" ./cmd/sahafa
go build -o "$work/overload" ./bench/overload
data=$work/data
if [ -n "${1:-}" ]; then cp -a "$1" "$data"; fi
# Eight newsroom users: uploads and previews need a session each.
printf 'كلمة-مرور-الاختبار-الطويلة\n' >"$work/password"
: >"$work/users"
for i in $(seq 8); do
  "$work/sahafa" user add --data "$data" --email "writer$i@example.com" --role writer --name "كاتب $i" \
    --password-file "$work/password" >/dev/null
  echo "writer$i@example.com كلمة-مرور-الاختبار-الطويلة" >>"$work/users"
done
port=$((20000 + RANDOM % 40000))
"$work/sahafa" serve --data "$data" --addr 127.0.0.1:$port ${SERVE_FLAGS:-} >"$work/out" 2>"$work/err" &
pid=$!
base=http://127.0.0.1:$port
for _ in $(seq 100); do curl -fs -o /dev/null "$base/readyz" && break; sleep 0.1; done
path=$(curl -fs "$base/api/v1/articles?limit=1" |
  python3 -c 'import json,sys,urllib.parse; print(urllib.parse.urlsplit(json.load(sys.stdin)["articles"][0]["url"]).path)')
curl -fs -o /dev/null "$base$path"
rps() { awk '/^Requests\/sec:/{print $2}'; }
echo "server pid $pid; article $path; wrk -t2 -c$conns -d${duration}s (load average $(cut -d' ' -f1-3 /proc/loadavg))"
quiet=$(wrk -t2 -c"$conns" -d"${duration}s" "$base$path" | rps)
echo "article req/s without the burst: $quiet"
"$work/overload" --base "$base" --pid "$pid" --users "$work/users" --duration "${duration}s" --every "${EVERY:-2s}" >"$work/burst" 2>&1 &
bpid=$!
busy=$(wrk -t2 -c"$conns" -d"${duration}s" --timeout 10s "$base$path" | rps)
wait "$bpid" || { cat "$work/burst"; exit 1; }
cat "$work/burst"
echo "article req/s during the burst: $busy"
printf 'during / without the burst = %.2f (goal ≥ 0.5)\n' "$(echo "$busy / $quiet" | bc -l)"
if ! kill -0 "$pid" 2>/dev/null; then echo "the server died:"; tail -20 "$work/err"; exit 1; fi
echo "server log lines at warn or above: $(grep -c 'level=WARN\|level=ERROR' "$work/err" || true)"
