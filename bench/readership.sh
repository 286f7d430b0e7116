#!/usr/bin/env bash
# Readership counting, measured in the state users run (defaults on):
#  1. 20,000 article views with wrk over 500 articles (each first view
#     rendered, the rest from the page cache), the server stopped (which
#     writes the last counts), then the stored total compared with the
#     views wrk got answered: they must match within 0.1 %;
#  2. one article's req/s with counting on, as a ratio of counting off
#     (--readership=false), in the same run (goal ≥ 0.9).
#   bench/readership.sh
# SQLite; the ANT corpus is imported into a fresh folder (the demo site
# without ../shared). Environment: VIEWS (default 20000), DURATION (part
# 2, default 10s), CONNECTIONS (default 50).
set -euo pipefail
cd "$(dirname "$0")/.."
views=${VIEWS:-20000}
duration=${DURATION:-10s}
conns=${CONNECTIONS:-50}
need=()
command -v wrk >/dev/null || need+=(wrk)
command -v sqlite3 >/dev/null || need+=(sqlite3)
if [ ${#need[@]} -gt 0 ]; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}") >/dev/null
fi
work=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
go build -o "$work/sahafa" ./cmd/sahafa
ant=../shared/corpus/ant-v2.1.jsonl.gz
if [ -f "$ant" ]; then
  "$work/sahafa" import --data "$work/data" "$ant" | tail -1
else
  echo "(no ../shared/corpus: the demo site's articles)"
fi
ua="Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"
start() { # flags…
  "$work/sahafa" serve --data "$work/data" --addr 127.0.0.1:8095 "$@" >>"$work/log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do curl -fs -o /dev/null http://127.0.0.1:8095/readyz && return; sleep 0.1; done
  echo "the server did not start"; cat "$work/log"; exit 1
}
stop() { kill -TERM "$pid"; wait "$pid" 2>/dev/null || true; pid=""; }

start
python3 - "$work/paths" <<'PY'
import json, sys, urllib.parse, urllib.request
out, cursor, paths = sys.argv[1], "", []
while len(paths) < 500:
    u = "http://127.0.0.1:8095/api/v1/articles?limit=100" + ("&cursor=" + urllib.parse.quote(cursor) if cursor else "")
    page = json.load(urllib.request.urlopen(u))
    paths += [urllib.parse.urlsplit(a["url"]).path for a in page["articles"]]
    cursor = page.get("next_cursor") or ""
    if not cursor:
        break
open(out, "w").write("\n".join(paths[:500]) + "\n")
PY
# Each of wrk's two threads stops after its half of the views; done()
# prints the answered views.
cat >"$work/views.lua" <<LUA
local paths, i, sent, limit = {}, 0, 0, $views / 2
for line in io.lines("$work/paths") do paths[#paths + 1] = line end
wrk.headers["User-Agent"] = "$ua"
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
response = function(status)
  sent = sent + 1
  if sent >= limit then wrk.thread:stop() end
end
done = function(summary)
  io.write(string.format("answered %d errors %d\n", summary.requests - summary.errors.status - summary.errors.timeout,
    summary.errors.status + summary.errors.timeout))
end
LUA
# (wrk runs out its duration after the threads stop: its req/s means
# nothing here, only the count does.)
out=$(wrk -t2 -c"$conns" -d30s -s "$work/views.lua" http://127.0.0.1:8095)
answered=$(awk '/^answered/{print $2}' <<<"$out")
stop # writes the last counts
stored=$(sqlite3 "$work/data/sahafa.db" "SELECT COALESCE(sum(views), 0) FROM article_views")
echo "part 1: $answered views answered over $(wc -l <"$work/paths") articles, $stored stored"
awk -v a="$answered" -v s="$stored" 'BEGIN { d = (a > s ? a - s : s - a) / a * 100; printf "difference %.3f %% (goal ≤ 0.1 %%)\n", d }'

path=$(head -1 "$work/paths")
one() { wrk -t2 -c"$conns" -d"$duration" -H "User-Agent: $ua" "http://127.0.0.1:8095$path" | awk '/^Requests\/sec:/{print $2}'; }
start --readership=false
curl -fs -o /dev/null -A "$ua" "http://127.0.0.1:8095$path"
off=$(one)
stop
start
curl -fs -o /dev/null -A "$ua" "http://127.0.0.1:8095$path"
on=$(one)
stop
echo "part 2: one article, counting off $off req/s, on $on req/s"
printf 'on / off = %.2f (goal ≥ 0.9)\n' "$(echo "$on / $off" | bc -l)"
