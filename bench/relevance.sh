#!/usr/bin/env bash
# Known-item search relevance of Sahafa against a WordPress-style LIKE search
# and PostgreSQL's "arabic" text search: starts a throwaway PostgreSQL
# (tools/pgtemp.sh), runs bench/relevance with --pg and stops the server.
#   bench/relevance.sh [bench/relevance flags: --queries N --seed N --corpus FILE --site DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d ../shared/corpus ]; then echo "bench/relevance.sh: ../shared/corpus is absent; nothing to measure"; exit 0; fi
pgdir=$(mktemp -u /tmp/sahafa-pg.XXXXXX)
trap 'tools/pgtemp.sh stop "$pgdir"' EXIT
dsn=$(tools/pgtemp.sh start "$pgdir")
go run ./bench/relevance --pg "$dsn" "$@"
