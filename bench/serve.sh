#!/usr/bin/env bash
# Serves an imported site and loads one article page with wrk, in the same
# run, against (a) nginx serving the same bytes as a static file and (b) a
# bare net/http handler writing them from memory; prints requests/s, p99
# latency and both ratios.
#   bench/serve.sh [--db DSN | --both] [DATA_DIR]
# SQLite: DATA_DIR (default: import both corpora first, or the demo site).
# --db DSN: the PostgreSQL database at DSN, after importing both corpora
# into it when it holds no articles. --both: SQLite, then a throwaway
# PostgreSQL (tools/pgtemp.sh), side by side (see bench/lib.sh).
# Environment: DURATION (default 10s), CONNECTIONS (default 50).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/lib.sh
parse_db_opts "$@"
set -- ${rest[@]+"${rest[@]}"}
if [ "$db_mode" = both ]; then run_both bench/serve.sh "$@"; exit; fi
duration=${DURATION:-10s}
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

data=${1:-}
if [ "$db_mode" = postgres ]; then
  where=(--db "$dsn")
  n=$("$(pg_bin psql)" -X -q -At "$dsn" -c "SELECT count(*) FROM articles" 2>/dev/null || echo 0)
  if [ "${n:-0}" = 0 ] && [ -d ../shared/corpus ]; then bench/import.sh --db "$dsn" >/dev/null; fi
else
  if [ -z "$data" ]; then
    data=$work/data
    if [ -d ../shared/corpus ]; then bench/import.sh --keep "$data" >/dev/null; fi
  fi
  where=(--data "$data")
fi
go build -o "$work/sahafa" ./cmd/sahafa
go build -o "$work/barehttp" ./bench/barehttp
# The related-articles refresher is off: it would be computing lists for a
# freshly imported archive in the background, which is not the steady state
# a reader meets (a site warms them once; "sahafa reindex --related").
"$work/sahafa" serve "${where[@]}" --addr 127.0.0.1:8090 --warm-related=false >"$work/sahafa.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do curl -fs -o /dev/null http://127.0.0.1:8090/ && break; sleep 0.2; done
path=$(curl -fs 'http://127.0.0.1:8090/api/v1/articles?limit=1' |
  python3 -c 'import json,sys,urllib.parse; print(urllib.parse.urlsplit(json.load(sys.stdin)["articles"][0]["url"]).path)')
url=http://127.0.0.1:8090$path
curl -fs -o "$work/page.html" "$url"
echo "article: $url ($(wc -c <"$work/page.html") bytes)"

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

load() { # name url
  local out rps p99
  out=$(wrk -t2 -c"$conns" -d"$duration" --latency "$2")
  rps=$(awk '/^Requests\/sec:/{print $2}' <<<"$out")
  p99=$(awk '$1=="99%"{print $2}' <<<"$out")
  printf '%-22s %10s req/s   p99 %s\n' "$1" "$rps" "$p99" >&3
  echo "$rps"
}
exec 3>&1
curl -fs -o /dev/null "$url" # warm the page cache
echo "store: $db_mode; wrk -t2 -c$conns -d$duration, one article page (load average $(cut -d' ' -f1-3 /proc/loadavg)):"
nginx_rps=$(load "nginx (static file)" http://127.0.0.1:8092/page.html)
bare_rps=$(load "bare net/http" http://127.0.0.1:8091/)
sahafa_rps=$(load "sahafa article page" "$url")
printf 'sahafa / bare net/http = %.2f\n' "$(echo "$sahafa_rps / $bare_rps" | bc -l)"
printf 'sahafa / nginx         = %.2f\n' "$(echo "$sahafa_rps / $nginx_rps" | bc -l)"
printf 'bare / nginx           = %.2f\n' "$(echo "$bare_rps / $nginx_rps" | bc -l)"
