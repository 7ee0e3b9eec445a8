#!/usr/bin/env bash
# Usage: scripts/with-postgres.sh COMMAND [ARG...]
#
# Runs COMMAND against a throw-away PostgreSQL server: initdb a cluster in a fresh temporary
# directory, start it on 127.0.0.1 (a free port, plus a unix socket inside that directory) with
# durability off (fsync, synchronous_commit, full_page_writes: the data is thrown away anyway),
# create a role with a password and CREATEDB (pytest-django creates test_<name>) and a database it
# owns, export HAVEN_DATABASE_URL=postgres://USER:PASS@127.0.0.1:PORT/DB, run COMMAND, and always
# stop the server and remove the directory. The exit code is COMMAND's.
#
# Beside it, a streaming replica (a hot standby) of that server: pg_basebackup -R from the primary
# into its own data directory, started on its own free port, streaming through a replication slot;
# HAVEN_REPLICA_DATABASE_URL=postgres://USER:PASS@127.0.0.1:REPLICA_PORT/DB points the insights'
# reads at it (haven/insights/routers.py, tests/integration/test_replica.py). Physical replication
# carries everything the primary commits, the creation of the test databases included.
# HAVEN_PG_REPLICA=off leaves it out (the replica test then fails: on the PostgreSQL run a
# `postgresql` test never skips).
#
# The binaries come from Debian's `postgresql` package (/usr/lib/postgresql/<version>/bin, the
# newest version when several are installed; scripts/ensure-test-system.sh installs it), or from
# PG_BINDIR when set, or initdb/pg_ctl on PATH. PostgreSQL refuses to run as root: as root, the
# cluster belongs to the `postgres` system user (the Debian package creates it) and the server
# tools run through `runuser -u postgres --`; COMMAND itself runs as the caller.
#
# No binaries: in CI (CI=true) that is a failure; elsewhere the PostgreSQL run is skipped with a
# message and exit code 0.
#
# Environment: PG_BINDIR (binaries), HAVEN_PG_START_TIMEOUT (seconds to wait for a server,
# default 60), HAVEN_PG_REPLICA (`off`: no replica), TMPDIR (where the temporary directory goes).
# Exported to COMMAND besides HAVEN_DATABASE_URL and HAVEN_REPLICA_DATABASE_URL: HAVEN_PG_BINDIR,
# HAVEN_PG_DATA, HAVEN_PG_LOG, HAVEN_PG_PORT, HAVEN_PG_RUN_AS, and HAVEN_PG_REPLICA_DATA,
# HAVEN_PG_REPLICA_LOG, HAVEN_PG_REPLICA_PORT.
set -euo pipefail

if [ $# -eq 0 ]; then
  echo "usage: $0 COMMAND [ARG...]" >&2
  exit 2
fi

say() { echo "with-postgres: $*" >&2; }

# --- Find the binaries --------------------------------------------------------------------------
bindir="${PG_BINDIR:-}"
if [ -z "$bindir" ]; then
  newest="$(ls -d /usr/lib/postgresql/*/bin/initdb 2>/dev/null | sort -V | tail -n 1 || true)"
  if [ -n "$newest" ]; then
    bindir="$(dirname "$newest")"
  elif command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    bindir="$(dirname "$(command -v initdb)")"
  fi
fi
replica_wanted=yes
case "${HAVEN_PG_REPLICA:-on}" in off | 0 | false | no) replica_wanted="" ;; esac
tools=(initdb pg_ctl pg_isready psql)
if [ -n "$replica_wanted" ]; then tools+=(pg_basebackup); fi
for tool in "${tools[@]}"; do
  if [ -z "$bindir" ] || [ ! -x "$bindir/$tool" ]; then
    message="PostgreSQL server binaries not found (${bindir:-/usr/lib/postgresql/*/bin}/$tool)"
    if [ "${CI:-}" = "true" ]; then
      say "$message. In CI the PostgreSQL run is required: install Debian's postgresql package (scripts/ensure-test-system.sh does, as root)."
      exit 1
    fi
    say "$message: skipping the PostgreSQL run: install postgresql (sudo apt-get install postgresql) to run it."
    exit 0
  fi
done

# --- Who runs the server ------------------------------------------------------------------------
if [ "$(id -u)" -eq 0 ]; then
  if ! id -u postgres >/dev/null 2>&1; then
    say "running as root, but there is no 'postgres' system user to run the server as (Debian's postgresql package creates it)."
    exit 1
  fi
  as_pg() { runuser -u postgres -- "$@"; }
else
  as_pg() { "$@"; }
fi

# --- Temporary directory, always cleaned up -----------------------------------------------------
tmp="$(mktemp -d "${TMPDIR:-/tmp}/haven-pg.XXXXXX")"
data="$tmp/data"
log="$tmp/server.log"
replica_data="$tmp/replica"
replica_log="$tmp/replica.log"
started=""
replica_started=""

stop_server() { # DATA
  # Immediate: nothing here needs to survive; still bounded.
  as_pg "$bindir/pg_ctl" -D "$1" -m immediate -w -t 30 stop >/dev/null 2>&1 || {
    say "pg_ctl stop failed ($1); killing the server"
    if [ -f "$1/postmaster.pid" ]; then
      kill -9 "$(head -n 1 "$1/postmaster.pid")" 2>/dev/null || true
    fi
  }
}

cleanup() {
  local rc=$?
  trap - EXIT INT TERM HUP
  # The standby first, or it keeps calling its vanished primary until it is stopped.
  if [ -n "$replica_started" ]; then stop_server "$replica_data"; fi
  if [ -n "$started" ]; then stop_server "$data"; fi
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

if [ "$(id -u)" -eq 0 ]; then
  chown postgres: "$tmp"
  if ! as_pg test -w "$tmp"; then
    say "the postgres user cannot write to $tmp; set TMPDIR to a directory it can reach (e.g. /tmp)."
    exit 1
  fi
fi
# The unix socket lives in $tmp; its path must fit in sun_path (107 bytes).
if [ $((${#tmp} + 20)) -gt 107 ]; then
  say "temporary directory path too long for a unix socket ($tmp); set TMPDIR to a shorter path."
  exit 1
fi

# --- Cluster ------------------------------------------------------------------------------------
# UTF-8 like production; C.UTF-8 is built into Debian's glibc, no locale package needed.
locale_args=(--encoding=UTF8 --locale=C.UTF-8)
if ! locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then
  locale_args=(--encoding=UTF8 --no-locale)
fi
# Local (unix socket, in the private 0700 directory) is trust, for the set-up below; TCP needs the
# role's password, as in production.
if ! as_pg "$bindir/initdb" -D "$data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
  "${locale_args[@]}" --no-sync --no-instructions >"$tmp/initdb.log" 2>&1; then
  say "initdb failed:"
  cat "$tmp/initdb.log" >&2
  exit 1
fi
as_pg tee -a "$data/postgresql.conf" >/dev/null <<EOF

# scripts/with-postgres.sh: a throw-away test server.
listen_addresses = '127.0.0.1'
unix_socket_directories = '$tmp'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 50
EOF

# --- Start on a free port -----------------------------------------------------------------------
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
timeout="${HAVEN_PG_START_TIMEOUT:-60}"

# start_server DATA LOG FLAG: start the cluster in DATA on a free port and set $server_port, and
# the variable named FLAG as soon as a server runs (cleanup stops it); return once it is ready over
# TCP, the way the application connects. Bounded by the timeout; exits with the log on failure.
start_server() {
  local dir="$1" server_log="$2" flag="$3" candidate deadline
  server_port=""
  for _attempt in 1 2 3 4 5; do
    candidate=$((20000 + RANDOM % 12000))
    port_in_use "$candidate" && continue
    # -w: pg_ctl returns as soon as the server is up (a standby: accepts read-only connections),
    # or at once when it exits (a port taken between the check and the bind), bounded either way.
    if as_pg "$bindir/pg_ctl" -D "$dir" -l "$server_log" -o "-p $candidate" -w -t "$timeout" start >/dev/null 2>&1; then
      server_port="$candidate"
      printf -v "$flag" yes
      break
    fi
    if [ -f "$dir/postmaster.pid" ]; then
      printf -v "$flag" yes # up but not ready in time: stop it in cleanup
      break
    fi
  done
  if [ -z "$server_port" ]; then
    say "PostgreSQL ($dir) did not start; its log:"
    cat "$server_log" >&2 2>/dev/null || true
    exit 1
  fi
  deadline=$((SECONDS + timeout))
  until as_pg "$bindir/pg_isready" -q -h 127.0.0.1 -p "$server_port" -t 5; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      say "PostgreSQL on 127.0.0.1:$server_port not ready after ${timeout}s; its log:"
      cat "$server_log" >&2 || true
      exit 1
    fi
    sleep 0.2
  done
}

start_server "$data" "$log" started
port="$server_port"

# --- Role and database --------------------------------------------------------------------------
db_user=haven
db_name=haven
db_password="$(od -An -tx1 -N18 /dev/urandom | tr -d ' \n')"
as_pg "$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$tmp" -p "$port" -U postgres -d postgres >/dev/null <<EOF
CREATE ROLE $db_user LOGIN CREATEDB PASSWORD '$db_password';
CREATE DATABASE $db_name OWNER $db_user;
EOF

export HAVEN_DATABASE_URL="postgres://$db_user:$db_password@127.0.0.1:$port/$db_name"

# --- The streaming replica ----------------------------------------------------------------------
replica_port=""
if [ -n "$replica_wanted" ]; then
  # Over the unix socket as the superuser (initdb's pg_hba trusts local replication). -R writes
  # standby.signal and primary_conninfo; -C -S a physical slot, so the primary keeps each WAL
  # segment until the standby has it, however far a burst of test writes puts it behind.
  if ! as_pg "$bindir/pg_basebackup" -h "$tmp" -p "$port" -U postgres -D "$replica_data" \
    -X stream -R -C -S haven_replica -c fast --no-sync >"$tmp/basebackup.log" 2>&1; then
    say "pg_basebackup failed:"
    cat "$tmp/basebackup.log" >&2
    exit 1
  fi
  as_pg tee -a "$replica_data/postgresql.conf" >/dev/null <<EOF

# scripts/with-postgres.sh: the primary's hot standby.
hot_standby = on
# The standby's queries hold back the primary's vacuum rather than being cancelled by its replay.
hot_standby_feedback = on
EOF
  start_server "$replica_data" "$replica_log" replica_started
  replica_port="$server_port"
  # Streaming, not only open: its walreceiver is connected to the primary (bounded).
  deadline=$((SECONDS + timeout))
  until [ "$(as_pg "$bindir/psql" -X -At -h "$tmp" -p "$replica_port" -U postgres -d postgres \
    -c "SELECT status FROM pg_stat_wal_receiver" 2>/dev/null)" = "streaming" ]; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      say "the replica on 127.0.0.1:$replica_port is not streaming after ${timeout}s; its log:"
      cat "$replica_log" >&2 || true
      exit 1
    fi
    sleep 0.2
  done
  export HAVEN_REPLICA_DATABASE_URL="postgres://$db_user:$db_password@127.0.0.1:$replica_port/$db_name"
  export HAVEN_PG_REPLICA_DATA="$replica_data" HAVEN_PG_REPLICA_LOG="$replica_log" HAVEN_PG_REPLICA_PORT="$replica_port"
else
  # Not one inherited from the caller's environment: it would name some other server.
  unset HAVEN_REPLICA_DATABASE_URL
fi
# For tests that stop and start this server (the fault test): where it lives and how to run
# pg_ctl (as root: `runuser -u $HAVEN_PG_RUN_AS --`).
export HAVEN_PG_BINDIR="$bindir" HAVEN_PG_DATA="$data" HAVEN_PG_LOG="$log" HAVEN_PG_PORT="$port"
if [ "$(id -u)" -eq 0 ]; then export HAVEN_PG_RUN_AS=postgres; else export HAVEN_PG_RUN_AS=""; fi
version="$("$bindir/postgres" --version 2>/dev/null || echo PostgreSQL)"
say "$version on 127.0.0.1:$port (database $db_name, role $db_user) in $tmp"
if [ -n "$replica_port" ]; then say "streaming replica on 127.0.0.1:$replica_port"; fi

# --- The command --------------------------------------------------------------------------------
set +e
"$@"
rc=$?
set -e
say "command exited with $rc; stopping PostgreSQL"
exit "$rc"
