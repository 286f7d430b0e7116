#!/usr/bin/env bash
# Serves a site as users run it (every default on: the related-lists
# refresher, access logs, the render limit) and loads it with wrk, in one
# run:
#  1. a freshly imported archive (the ANT corpus, imported just before the
#     server starts): wrk reads 1,000 different articles for FRESH (60 s),
#     then the same articles again for as long: req/s of the first minute
#     as a ratio of the second (goal ≥ 0.8);
#  2. one article page against (a) nginx serving the same bytes as a static
#     file and (b) a bare net/http handler writing them from memory:
#     req/s, p99 and the ratios (sahafa / bare: keep ≥ 0.7); then the home
#     page (lead story, latest, section blocks) against a bare handler
#     writing its bytes.
#   bench/serve.sh [--db DSN | --both] [DATA_DIR]
# SQLite: DATA_DIR (default: import the ANT corpus into a fresh folder, or
# the demo site without ../shared). --db DSN: the PostgreSQL database at
# DSN, after importing the ANT corpus into it when it holds no articles.
# --both: SQLite, then a throwaway PostgreSQL (tools/pgtemp.sh), side by
# side (see bench/lib.sh). With DATA_DIR, or a --db that already holds
# articles, part 1 reads an archive that is not fresh; it says so.
# Environment: DURATION (part 2, default 10s), FRESH (part 1, default 60s),
# CONNECTIONS (default 50), SAHAFA_BIN (a binary to run instead of
# building this tree's, to compare with an older commit).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
parse_db_opts "$@"
set -- ${rest[@]+"${rest[@]}"}
if [ "$db_mode" = both ]; then run_both bench/serve.sh "$@"; exit; fi
duration=${DURATION:-10s}
fresh_for=${FRESH:-60s}
conns=${CONNECTIONS:-50}
need=()
command -v wrk >/dev/null || need+=(wrk)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx)
if [ ${#need[@]} -gt 0 ]; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}") >/dev/null
fi
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
# SAHAFA_BIN: a binary built elsewhere (an older commit, to compare).
if [ -n "${SAHAFA_BIN:-}" ]; then cp "$SAHAFA_BIN" "$work/sahafa"; else go build -o "$work/sahafa" ./cmd/sahafa; fi
go build -o "$work/barehttp" ./bench/barehttp
ant=../shared/corpus/ant-v2.1.jsonl.gz

data=${1:-}
fresh=no
if [ "$db_mode" = postgres ]; then
  where=(--db "$dsn")
  n=$("$(pg_bin psql)" -X -q -At "$dsn" -c "SELECT count(*) FROM articles" 2>/dev/null || echo 0)
  if [ "${n:-0}" = 0 ] && [ -f "$ant" ]; then
    "$work/sahafa" import --db "$dsn" "$ant" | tail -1
    fresh=yes
  fi
else
  if [ -z "$data" ]; then
    data=$work/data
    if [ -f "$ant" ]; then
      "$work/sahafa" import --data "$data" "$ant" | tail -1
      fresh=yes
    fi
  fi
  where=(--data "$data")
fi
# The server as users run it: no flag turns anything off.
"$work/sahafa" serve "${where[@]}" --addr 127.0.0.1:8090 >"$work/sahafa.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do curl -fs -o /dev/null http://127.0.0.1:8090/ && break; sleep 0.1; done

# 1,000 article paths, newest first, through the API's cursor.
python3 - "$work/paths" <<'PY'
import json, sys, urllib.parse, urllib.request
out, cursor, paths = sys.argv[1], "", []
while len(paths) < 1000:
    u = "http://127.0.0.1:8090/api/v1/articles?limit=100" + ("&cursor=" + urllib.parse.quote(cursor) if cursor else "")
    page = json.load(urllib.request.urlopen(u))
    paths += [urllib.parse.urlsplit(a["url"]).path for a in page["articles"]]
    cursor = page.get("next_cursor") or ""
    if not cursor:
        break
open(out, "w").write("\n".join(paths[:1000]) + "\n")
PY
cat >"$work/mixed.lua" <<LUA
local paths, i = {}, 0
for line in io.lines("$work/paths") do paths[#paths + 1] = line end
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
LUA
exec 3>&1
load() { # name url [wrk args…]
  local name=$1 url=$2 out rps p99 timeouts
  shift 2
  out=$(wrk -t2 -c"$conns" --latency "$@" "$url")
  rps=$(awk '/^Requests\/sec:/{print $2}' <<<"$out")
  p99=$(awk '$1=="99%"{print $2}' <<<"$out")
  timeouts=$(grep -o 'timeout [0-9]*' <<<"$out" | awk '{print $2}')
  printf '%-34s %10s req/s   p99 %-8s timeouts %s\n' "$name" "$rps" "$p99" "${timeouts:-0}" >&3
  echo "$rps"
}
echo "store: $db_mode; $(wc -l <"$work/paths") articles; load average $(cut -d' ' -f1-3 /proc/loadavg)"
if [ "$fresh" = yes ]; then
  echo "part 1: a freshly imported archive, defaults on, wrk over the articles for $fresh_for each:"
else
  echo "part 1: NOT a fresh archive (DATA_DIR or a non-empty --db given), defaults on, wrk over the articles for $fresh_for each:"
fi
first=$(load "first minute (fresh)" http://127.0.0.1:8090 -d"$fresh_for" -s "$work/mixed.lua")
second=$(load "second minute (steady)" http://127.0.0.1:8090 -d"$fresh_for" -s "$work/mixed.lua")
printf 'fresh / steady = %.2f (goal ≥ 0.8)\n' "$(echo "$first / $second" | bc -l)"

path=$(head -1 "$work/paths")
url=http://127.0.0.1:8090$path
curl -fs -o "$work/page.html" "$url"
echo "part 2: one article page: $path ($(wc -c <"$work/page.html") bytes)"
mkdir -p "$work/www" "$work/nginx"
cp "$work/page.html" "$work/www/page.html"
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes auto;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $work/nginx;
  proxy_temp_path $work/nginx; fastcgi_temp_path $work/nginx;
  uwsgi_temp_path $work/nginx; scgi_temp_path $work/nginx;
  types { text/html html; }
  server { listen 127.0.0.1:8092; root $work/www; location / { try_files /page.html =404; } }
}
CONF
nginx_bin=$(command -v nginx || echo /usr/sbin/nginx)
"$nginx_bin" -c "$work/nginx/nginx.conf" -g 'daemon off;' &
pids+=($!)
"$work/barehttp" -addr 127.0.0.1:8091 -file "$work/page.html" &
pids+=($!)
sleep 0.5
curl -fs -o /dev/null "$url" # in the page cache
nginx_rps=$(load "nginx (static file)" http://127.0.0.1:8092/page.html -d"$duration")
bare_rps=$(load "bare net/http" http://127.0.0.1:8091/ -d"$duration")
sahafa_rps=$(load "sahafa article page" "$url" -d"$duration")
printf 'sahafa / bare net/http = %.2f (keep ≥ 0.7)\n' "$(echo "$sahafa_rps / $bare_rps" | bc -l)"
printf 'sahafa / nginx         = %.2f\n' "$(echo "$sahafa_rps / $nginx_rps" | bc -l)"
printf 'bare / nginx           = %.2f\n' "$(echo "$bare_rps / $nginx_rps" | bc -l)"
curl -fs -o "$work/home.html" http://127.0.0.1:8090/
echo "part 2b: the home page ($(wc -c <"$work/home.html") bytes)"
"$work/barehttp" -addr 127.0.0.1:8093 -file "$work/home.html" &
pids+=($!)
sleep 0.3
bare_home=$(load "bare net/http (home bytes)" http://127.0.0.1:8093/ -d"$duration")
sahafa_home=$(load "sahafa home page" http://127.0.0.1:8090/ -d"$duration")
printf 'sahafa home / bare net/http = %.2f (keep ≥ 0.7)\n' "$(echo "$sahafa_home / $bare_home" | bc -l)"
echo "server warnings and errors: $(grep -c 'level=WARN\|level=ERROR' "$work/sahafa.log" || true)"
