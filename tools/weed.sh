#!/usr/bin/env bash
# Builds SeaweedFS's weed, the S3-compatible server the bucket tests run
# against, from the Go module proxy (tools/weed/go.mod pins the version),
# once: the binary is kept in the user's cache folder.
#
#   tools/weed.sh          build it if needed; print its path
#   tools/weed.sh --path   print where it is (or would be), build nothing
#
# The build takes about 6 minutes on 2 cores the first time.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
version=$(awk '$1 == "require" && $2 == "github.com/seaweedfs/seaweedfs" {print $3}' "$here/weed/go.mod")
[ -n "$version" ] || { echo "weed.sh: no seaweedfs version in $here/weed/go.mod" >&2; exit 1; }
out=${XDG_CACHE_HOME:-$HOME/.cache}/sahafa/weed-$version/weed
if [ "${1:-}" = --path ]; then echo "$out"; exit 0; fi
if [ ! -x "$out" ]; then
  echo "weed.sh: building weed $version (once; a few minutes)" >&2
  mkdir -p "$(dirname "$out")"
  (cd "$here/weed" && GOFLAGS=-mod=mod go build -o "$out.tmp" github.com/seaweedfs/seaweedfs/weed)
  mv "$out.tmp" "$out"
fi
echo "$out"
