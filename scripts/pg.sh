#!/bin/sh
# A private PostgreSQL 15 cluster under .run/<name>, on a loopback port
# (TLS offered, a self-signed certificate, as production's sslmode=require
# meets it) and a Unix socket in the same folder. initdb refuses root, so
# as root the cluster runs as the postgres user.
#   scripts/pg.sh start <name> <port> [fresh]
#   scripts/pg.sh stop <name>
#   scripts/pg.sh env <name> <port>     prints the PG* variables
set -eu
cd "$(dirname "$0")/.."
TOP=$(pwd)
BIN=/usr/lib/postgresql/15/bin
cmd=$1
name=$2
dir="$TOP/.run/$name"

# As root, the cluster runs as postgres, which must be able to reach its
# directory. A clone under /root (mode 0700) is out of its reach: then
# the cluster lives in /var/tmp and .run/<name> points there.
if [ "$cmd" = start ] && [ "$(id -u)" -eq 0 ] && [ ! -e "$dir" ] &&
    ! runuser -u postgres -- test -x "$TOP" 2>/dev/null; then
	alt="/var/tmp/svar-pg-$(echo "$TOP" | cksum | cut -d' ' -f1)/$name"
	mkdir -p "$TOP/.run" "$alt"
	chown postgres "$alt" "$(dirname "$alt")"
	ln -sfn "$alt" "$dir"
fi
[ -L "$dir" ] && dir=$(readlink -f "$dir")

as_pg() {
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

case "$cmd" in
env)
	echo "export PGHOST=$dir PGPORT=$3 PGDATABASE=svar PGUSER=svar"
	;;
start)
	port=$3
	if [ "${4:-}" = fresh ] && [ -d "$dir" ]; then
		as_pg "$BIN/pg_ctl" -D "$dir/data" -m immediate stop \
		    >/dev/null 2>&1 || true
		rm -rf "${dir:?}/"*
	fi
	mkdir -p "$dir"
	[ "$(id -u)" -eq 0 ] && chown postgres "$dir" && chmod 0755 "$dir"
	if [ ! -f "$dir/data/PG_VERSION" ]; then
		as_pg "$BIN/initdb" -D "$dir/data" -U postgres --auth=trust \
		    -E UTF8 --locale=C.UTF-8 >/dev/null
		cat >> "$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 300
shared_buffers = 256MB
fsync = on
synchronous_commit = on
logging_collector = off
log_min_messages = warning
ssl = on
CONF
		openssl req -new -x509 -days 3650 -nodes -subj "/CN=127.0.0.1" \
		    -keyout "$dir/data/server.key" -out "$dir/data/server.crt" \
		    >/dev/null 2>&1
		chmod 0600 "$dir/data/server.key"
		[ "$(id -u)" -eq 0 ] && chown postgres "$dir/data/server.key" \
		    "$dir/data/server.crt"
	fi
	if ! as_pg "$BIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
		as_pg "$BIN/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" \
		    -w -t 60 start >/dev/null
	fi
	psql() { "$BIN/../bin/psql" -h "$dir" -p "$port" -U postgres -qAt "$@"; }
	if [ -z "$(psql -d postgres -c "SELECT 1 FROM pg_roles WHERE rolname = 'svar'")" ]; then
		psql -d postgres -c "CREATE ROLE svar LOGIN CREATEROLE"
	fi
	if [ -z "$(psql -d postgres -c "SELECT 1 FROM pg_database WHERE datname = 'svar'")" ]; then
		psql -d postgres -c "CREATE DATABASE svar OWNER svar"
		psql -d svar -c "ALTER SCHEMA public OWNER TO svar"
	fi
	;;
stop)
	if [ -f "$dir/data/PG_VERSION" ]; then
		as_pg "$BIN/pg_ctl" -D "$dir/data" -m fast stop \
		    >/dev/null 2>&1 || true
	fi
	;;
*)
	echo "usage: $0 start|stop|env <name> [port]" >&2
	exit 2
	;;
esac
