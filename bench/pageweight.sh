#!/usr/bin/env bash
# Prints the JavaScript each kind of page makes a browser load: the public
# pages (home, an article, the archive, search), which should carry none,
# and the newsroom's editor, against its budget of 250 KB gzipped. It
# runs the demo site as users get it (go run's defaults, a fresh data
# folder) and reads the pages as a signed-in editor would. Then, in
# headless Chromium (when installed), the whole first view of the public
# pages — HTML, CSS, fonts, images (lazy ones the browser fetched ahead
# included) and scripts, as bytes on the wire with the cache off — against
# the 250 KB budget, at phone and desktop width, from the browser tests'
# site (articles with lead images, a live page, a static page).
#   bench/pageweight.sh
set -euo pipefail
cd "$(dirname "$0")/.."
dir=$(mktemp -d /tmp/sahafa-pageweight.XXXXXX)
pid=""
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$dir"; }
trap cleanup EXIT
go build -o "$dir/sahafa" ./cmd/sahafa
port=$((20000 + RANDOM % 30000))
base="http://127.0.0.1:$port"
echo "قياس-وزن-الصفحات-2026" >"$dir/pw"
"$dir/sahafa" user add --data "$dir/data" --email bench@example.com --role admin --name "قياس" --password-file "$dir/pw" >/dev/null
"$dir/sahafa" serve --data "$dir/data" --addr "127.0.0.1:$port" >"$dir/log" 2>&1 &
pid=$!
for _ in $(seq 100); do curl -fsS -o /dev/null "$base/readyz" 2>/dev/null && break; sleep 0.1; done
jar="$dir/jar"
curl -fsS -c "$jar" -b "$jar" -o /dev/null -H 'Sec-Fetch-Site: same-origin' \
  --data-urlencode email=bench@example.com --data-urlencode "password=$(cat "$dir/pw")" "$base/newsroom/login"
article=$(curl -fsS "$base/" | grep -o 'href="/[^"/]*/[0-9]\{4\}/[0-9]\{2\}/[0-9]\{2\}/[^"]*"' | sed -n 1p | cut -d'"' -f2)

# weigh NAME PATH: the page's external scripts (fetched, raw and gzip -9
# bytes) and inline ones (JSON-LD data blocks are not scripts that run).
weigh() {
  local name=$1 path=$2 html srcs raw=0 gz=0 n=0 inline
  html=$(curl -fsS -b "$jar" "$base$path")
  srcs=$(grep -o '<script[^>]* src="[^"]*"' <<<"$html" | sed 's/.*src="\([^"]*\)"/\1/' || true)
  for s in $srcs; do
    curl -fsS -b "$jar" -o "$dir/js" "$base$s"
    raw=$((raw + $(wc -c <"$dir/js")))
    gz=$((gz + $(gzip -9c "$dir/js" | wc -c)))
    n=$((n + 1))
  done
  inline=$(grep -o '<script[^>]*>' <<<"$html" | grep -v ' src=' | grep -vc 'application/ld+json' || true)
  printf '%-26s %2d scripts  %8.1f KB  %7.1f KB gzipped  %d inline\n' "$name" "$n" "$(echo "$raw/1024" | bc -l)" "$(echo "$gz/1024" | bc -l)" "$inline"
  last_gz=$gz
}
echo "JavaScript per page (demo site, $(date -u +%F)):"
weigh "home" "/"
weigh "article" "$article"
weigh "archive" "/archive/"
weigh "search" "/search/?q=%D8%A7%D9%84%D9%85%D9%87%D8%B1%D8%AC%D8%A7%D9%86"
weigh "newsroom dashboard" "/newsroom/"
weigh "newsroom editor" "/newsroom/articles/new"
echo "editor page: $(echo "$last_gz/1024" | bc -l | xargs printf '%.1f') KB gzipped of a 250 KB budget ($(echo "100*$last_gz/256000" | bc) %)"

if command -v chromium >/dev/null || [ -x /usr/bin/chromium ]; then
  echo
  echo "First view per page, everything the browser fetched (KB on the wire, budget 250 KB):"
  go test ./web -run 'TestBrowserPublicPages|TestBrowserLivePage' -count=1 -v 2>&1 | grep -o 'first view .*' || true
else
  echo "first view: no Chromium installed (apt-get install chromium), not measured"
fi
