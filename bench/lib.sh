# Shared by the bench scripts (sourced, not run).
#
# Every script takes the same database options:
#   (none)      SQLite in a data folder (the default site)
#   --db DSN    PostgreSQL at DSN (a postgres:// URL), which should hold an
#               empty database (or a schema, with ?search_path=…) for import
#   --both      run the script twice, on SQLite then on a throwaway
#               PostgreSQL (tools/pgtemp.sh, fsync off, stopped at the end),
#               and print both results side by side
# The options come first; the rest of the arguments go to the script.

# parse_db_opts sets db_mode (sqlite|postgres|both), dsn and rest (array).
parse_db_opts() {
  db_mode=sqlite dsn="" rest=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --db) [ $# -ge 2 ] || { echo "$0: --db needs a postgres:// URL" >&2; exit 2; }
        dsn=$2; db_mode=postgres; shift 2 ;;
      --db=*) dsn=${1#--db=}; db_mode=postgres; shift ;;
      --both) db_mode=both; shift ;;
      *) rest+=("$1"); shift ;;
    esac
  done
  case "$dsn" in "" | postgres://* | postgresql://*) ;; *) echo "$0: --db: want a postgres:// URL" >&2; exit 2 ;; esac
}

# free_port prints a TCP port nothing listens on at 127.0.0.1.
free_port() {
  local port
  for _ in $(seq 200); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  return 1
}

pg_bin() { echo "${PG_BINDIR:-/usr/lib/postgresql/15/bin}/$1"; }

# pg_size DSN prints the size of the database's Sahafa tables (the tables
# of the first schema of the search_path), with indexes and TOAST, and of
# the search indexes.
pg_size() {
  "$(pg_bin psql)" -X -q -At -F ' ' "$1" -c "
    SELECT round(sum(pg_total_relation_size(c.oid)) / 1048576.0, 1),
           round(sum(pg_relation_size(c.oid)) FILTER (WHERE c.relname IN ('articles_search', 'articles_title_search')) / 1048576.0, 1),
           round(pg_database_size(current_database()) / 1048576.0, 1)
    FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'i', 'm')" |
    awk '{printf "%s MiB (tables, indexes, TOAST; GIN search indexes %s MiB; whole database %s MiB)\n", $1, $2, $3}'
}

# run_both SCRIPT ARGS… runs SCRIPT on SQLite, then with --db on a fresh
# pgtemp server, and prints the two outputs side by side.
run_both() {
  local script=$1; shift
  local out pgdir
  out=$(mktemp -d /tmp/sahafa-both.XXXXXX)
  pgdir=$(mktemp -u /tmp/sahafa-pg.XXXXXX)
  trap 'tools/pgtemp.sh stop "'"$pgdir"'"; rm -rf "'"$out"'"' EXIT
  echo "== SQLite ==" >&2
  "$script" "$@" | tee "$out/sqlite"
  local pgdsn
  pgdsn=$(tools/pgtemp.sh start "$pgdir")
  echo "== PostgreSQL (tools/pgtemp.sh: fsync off) ==" >&2
  "$script" --db "$pgdsn" "$@" | tee "$out/postgres"
  echo
  echo "side by side (load average: $(cut -d' ' -f1-3 /proc/loadavg)):"
  awk -v w=70 'NR==FNR { a[FNR]=$0; n=FNR; next } { b[FNR]=$0; if (FNR>n) n=FNR }
    END { printf "%-*s | %s\n", w, "SQLite", "PostgreSQL"; for (i=1;i<=n;i++) printf "%-*s | %s\n", w, substr(a[i],1,w), b[i] }' \
    "$out/sqlite" "$out/postgres"
}
