#!/usr/bin/env bash
# A throwaway PostgreSQL 15 server for benchmarks and tests.
#
#   tools/pgtemp.sh start DIR   create and start a server in DIR; print its DSN
#   tools/pgtemp.sh stop DIR    stop it and remove DIR (nothing to do if absent)
#   tools/pgtemp.sh replica PRIMARY DIR
#                               start a streaming replica (pg_basebackup -R) of the
#                               pgtemp server in PRIMARY, in DIR; print its DSN
#                               (stop it as any other: tools/pgtemp.sh stop DIR)
#
# The server keeps its data, log and unix socket in DIR, listens on
# 127.0.0.1 on a free port, runs with fsync off (the data is disposable) and
# has a database "sahafa" owned by the role "sahafa". The only line on
# stdout is the DSN:
#   postgres://sahafa:PASSWORD@127.0.0.1:PORT/sahafa?sslmode=disable
# Run as root (CI), the server runs as the "postgres" system user and DIR is
# given to it; PostgreSQL refuses to run as root. Debian's binaries are used
# (/usr/lib/postgresql/15/bin, or PG_BINDIR); when missing and run as root,
# the postgresql package is installed.
set -euo pipefail

die() { echo "pgtemp: $*" >&2; exit 1; }
usage() { echo "usage: $0 start|stop DIR, or $0 replica PRIMARY_DIR DIR" >&2; exit 2; }

abspath() { case "$1" in /*) echo "${1%/}" ;; *) echo "$PWD/${1%/}" ;; esac; }

primary=""
if [ "${1:-}" = replica ]; then
  [ $# -eq 3 ] || usage
  primary=$(abspath "$2")
  set -- replica "$3"
fi
[ $# -eq 2 ] || usage
cmd=$1
dir=$2
[ -n "$dir" ] || usage
case "$dir" in /*) ;; *) dir=$PWD/$dir ;; esac
dir=${dir%/}
[ -n "$dir" ] && [ "$dir" != / ] || die "refusing to use / as DIR"
marker=$dir/.pgtemp

bindir=${PG_BINDIR:-/usr/lib/postgresql/15/bin}

# as_owner runs a command as the user that owns the server.
if [ "$(id -u)" -eq 0 ]; then
  owner=postgres
  as_owner() { runuser -u postgres -- "$@"; }
else
  owner=$(id -un)
  as_owner() { "$@"; }
fi

stop() {
  if [ ! -e "$dir" ]; then return 0; fi
  if [ ! -e "$marker" ]; then
    if [ -d "$dir" ] && [ -z "$(ls -A "$dir")" ]; then rmdir "$dir"; return 0; fi
    die "$dir was not made by pgtemp (no .pgtemp marker); not removing it"
  fi
  local home=$dir
  if [ -f "$dir/home" ]; then home=$(cat "$dir/home"); fi
  if [ -f "$home/data/postmaster.pid" ] && [ -x "$bindir/pg_ctl" ]; then
    (cd / && as_owner "$bindir/pg_ctl" -D "$home/data" -m fast -w -t 30 stop >/dev/null 2>&1) ||
      (cd / && as_owner "$bindir/pg_ctl" -D "$home/data" -m immediate -w -t 10 stop >/dev/null 2>&1) || true
  fi
  case "$home" in "$dir" | /tmp/pgtemp.*) rm -rf "$home" ;; esac
  rm -rf "$dir"
}

free_port() {
  local port
  for _ in $(seq 200); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return 0; fi
  done
  return 1
}

# run_server starts the server whose files are in HOME on a free port and
# prints the port.
run_server() {
  local home=$1 port ok=""
  for _ in 1 2 3 4 5; do
    port=$(free_port) || die "no free port found"
    if as_owner "$bindir/pg_ctl" -D "$home/data" -l "$home/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$home -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=50" \
      start >/dev/null 2>&1; then
      ok=1
      break
    fi
    grep -q "could not bind\|already in use" "$home/server.log" 2>/dev/null || break
  done
  [ -n "$ok" ] || { tail -20 "$home/server.log" >&2 2>/dev/null || true; die "the server did not start (log above)"; }
  echo "$port"
}

# make_home creates DIR with its marker and prints the folder the server's
# files go in: DIR when the server's user can reach it, otherwise a
# private folder under /tmp named in DIR/home (DIR under a folder closed to
# it, such as one made by mktemp -d as root).
make_home() {
  mkdir -p "$dir"
  touch "$marker"
  local home=$dir
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$dir"
    chmod 700 "$dir"
    if ! as_owner test -w "$dir"; then
      chown root: "$dir"
      home=$(mktemp -d /tmp/pgtemp.XXXXXX)
      echo "$home" >"$dir/home"
      chown postgres: "$home"
      chmod 700 "$home"
      echo "pgtemp: $owner cannot reach $dir; server files are in $home" >&2
    fi
  fi
  echo "$home"
}

# replica copies the running primary with pg_basebackup -R (which writes
# standby.signal and primary_conninfo: the replica streams from the
# primary's unix socket as the postgres superuser, which initdb's local
# trust allows) and starts it. The sahafa role and its password come with
# the copy, so the DSN differs from the primary's in the port alone.
replica() {
  [ -f "$primary/dsn" ] || die "$primary holds no running pgtemp server"
  local phome=$primary
  if [ -f "$primary/home" ]; then phome=$(cat "$primary/home"); fi
  local pdsn pport
  pdsn=$(cat "$primary/dsn")
  pport=${pdsn##*@127.0.0.1:}
  pport=${pport%%/*}
  if [ -e "$dir" ]; then stop; fi
  cd /
  local home
  home=$(make_home)
  as_owner "$bindir/pg_basebackup" -h "$phome" -p "$pport" -U postgres -D "$home/data" -R -X stream -c fast \
    >"$home/basebackup.log" 2>&1 || { cat "$home/basebackup.log" >&2; die "pg_basebackup failed"; }
  local port
  port=$(run_server "$home")
  local dsn=${pdsn/127.0.0.1:$pport/127.0.0.1:$port}
  echo "$dsn" >"$dir/dsn"
  echo "$dsn"
}

start() {
  if [ -f "$dir/dsn" ]; then
    # Already running from an earlier start: hand out the same DSN.
    local h=$dir
    if [ -f "$dir/home" ]; then h=$(cat "$dir/home"); fi
    if (cd / && as_owner "$bindir/pg_ctl" -D "$h/data" status >/dev/null 2>&1); then
      cat "$dir/dsn"
      return 0
    fi
  fi
  if [ -e "$dir" ] && [ ! -e "$marker" ] && [ -n "$(ls -A "$dir" 2>/dev/null)" ]; then
    die "$dir exists and is not empty; give a new or empty folder"
  fi
  if [ ! -x "$bindir/initdb" ]; then
    [ "$(id -u)" -eq 0 ] || die "$bindir/initdb is missing; install the postgresql package (PostgreSQL 15)"
    echo "pgtemp: installing postgresql" >&2
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >&2
    [ -x "$bindir/initdb" ] || die "$bindir/initdb is still missing after installing postgresql"
  fi
  id "$owner" >/dev/null 2>&1 || die "user $owner does not exist"

  if [ -e "$dir" ]; then stop; fi   # a stale, stopped pgtemp folder
  cd /   # the server's user may not be able to read the caller's folder
  local home
  home=$(make_home)

  local pw
  pw=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
  as_owner "$bindir/initdb" -D "$home/data" -U postgres -E UTF8 --locale=C.UTF-8 \
    --auth-local=trust --auth-host=scram-sha-256 >"$home/initdb.log" 2>&1 ||
    { cat "$home/initdb.log" >&2; die "initdb failed"; }

  local port
  port=$(run_server "$home")

  as_owner "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$home" -p "$port" -U postgres -d postgres >/dev/null <<SQL ||
CREATE ROLE sahafa LOGIN CREATEDB PASSWORD '$pw';
CREATE DATABASE sahafa OWNER sahafa;
SQL
    die "could not create the sahafa role and database"
  local dsn="postgres://sahafa:$pw@127.0.0.1:$port/sahafa?sslmode=disable"
  echo "$dsn" >"$dir/dsn"
  echo "$dsn"
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  replica) replica ;;
  *) usage ;;
esac
