#!/bin/sh
# Svar's benchmark (make bench). Two modes:
#
#   full (default)   a private PostgreSQL (.run/bench, port 5497) and Kore
#                    (port 8897, one worker per core), 10,000 tokens;
#                    pgbench -N/-S as the yardstick, wrk page loads and
#                    saves at 8/64/256 connections, 1,000 sequential
#                    respondents, whole respondents at 1/8/32/64 at once
#                    on an empty database and after 1 million answer
#                    rows, the first answer under bursts of fresh
#                    connections, memory. Takes about 6 minutes.
#   smoke            SVAR_BENCH_SMOKE=1 SVAR_BENCH_URL=http://host:port:
#                    the running app and the database of the PG* variables
#                    (owner role); 50 tokens, 2 s runs at 8 connections,
#                    5 respondents. scripts/test.sh runs this.
#
# Overrides (for a machine where the defaults are taken):
# SVAR_BENCH_CLUSTER (bench: .run/<name>, its Kore config and work folder),
# SVAR_BENCH_PGPORT (5497), SVAR_BENCH_PORT (8897), SVAR_BENCH_SMTP_PORT
# (2497). SVAR_BENCH_PARTS picks parts: any of pgbench wrk sequential
# respondents burst admin mail (default all of them). For the whole
# respondents: SVAR_BENCH_RCONCS ("1 8 32 64"), SVAR_BENCH_RDUR (12 s),
# SVAR_BENCH_RTARGET (answer rows of the second state, 1000000; 0 skips
# it), SVAR_BENCH_VACUUM (1: VACUUM ANALYZE after growing it).
# SVAR_BENCH_PGSET ("name=value ...") sets PostgreSQL settings to try,
# SVAR_BENCH_SQL runs a statement on the schema to try (both for
# measuring options; the figures in README say which were used).
#
# Prints one markdown table (also written to .run/bench-result.md in full
# mode), memory, and the targets of the issue as PASS/MISS. Exits non-zero
# only when the benchmark itself broke: a tool failed, output could not
# be parsed, a request failed (errors > 0) or a Kore worker crashed.
# Progress goes to stderr; the report to stdout.
set -eu
cd "$(dirname "$0")/../.."
TOP=$(pwd)
PGBIN=/usr/lib/postgresql/15/bin
PY="python3 $TOP/tests/bench/bench.py"
LUA=$TOP/tests/bench/wrk.lua
t_start=$(date +%s)
CLUSTER=${SVAR_BENCH_CLUSTER:-bench}
PARTS=${SVAR_BENCH_PARTS:-pgbench wrk sequential respondents burst admin mail}
part() { case " $PARTS " in *" $1 "*) return 0 ;; esac; return 1; }

if [ "${SVAR_BENCH_SMOKE:-0}" = 1 ]; then
	mode=smoke
	if [ -z "${SVAR_BENCH_URL:-}" ]; then
		echo "bench.sh: smoke mode needs SVAR_BENCH_URL" >&2
		exit 2
	fi
	URL=${SVAR_BENCH_URL%/}
	WORK=$TOP/.run/bench-smoke-work
	NTOKENS=50 NRESP=5 NLOAD=5
	DUR=2 PGDUR=2 CONNS=8
	MD=$WORK/result.md
else
	mode=full
	PGPORT_BENCH=${SVAR_BENCH_PGPORT:-5497}
	PORT=${SVAR_BENCH_PORT:-8897}
	URL=http://127.0.0.1:$PORT
	WORK=$TOP/.run/$CLUSTER-work
	NTOKENS=10000 NRESP=1000 NLOAD=1000
	DUR=15 PGDUR=20 CONNS="8 64 256"
	MD=$TOP/.run/$CLUSTER-result.md
fi
# Whole respondents at once: seconds per level, the levels, keys per
# level and database state, the answer rows of the second state; the
# burst: fresh connections at once and trials.
if [ "$mode" = full ]; then
	RDUR=${SVAR_BENCH_RDUR:-12} RCONCS=${SVAR_BENCH_RCONCS:-1 8 32 64}
	RKEYS=3000 RTARGET=${SVAR_BENCH_RTARGET:-1000000}
	BCONNS=64 BTRIALS=20
else
	RDUR=2 RCONCS="1 8" RKEYS=100 RTARGET=0
	BCONNS=16 BTRIALS=3
fi
THREADS=2
RES=$WORK/results.jsonl
broke=0
kpid=""

say() { echo "==> $*" >&2; }
fail() { echo "bench.sh: $*" >&2; exit 1; }
for t in wrk python3 curl psql "$PGBIN/pgbench"; do
	command -v "$t" >/dev/null 2>&1 || fail "$t is not installed"
done
if [ ! -x build/svarctl ] || [ ! -f build/svar.so ]; then
	fail "build first (make all)"
fi

cleanup() {
	rc=$?
	trap - EXIT INT TERM
	if [ -n "$kpid" ]; then
		kill "$kpid" 2>/dev/null || true
		wait "$kpid" 2>/dev/null || true
	fi
	if [ "$mode" = full ]; then
		scripts/pg.sh stop "$CLUSTER" || true
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

rm -rf "$WORK"
mkdir -p "$WORK"

# ---------------------------------------------------------------------------
# Database, tokens, app

if [ "$mode" = full ]; then
	if curl -s -o /dev/null "$URL/healthz"; then
		fail "something already listens on $URL"
	fi
	say "PostgreSQL (fresh, .run/$CLUSTER, port $PGPORT_BENCH)"
	scripts/pg.sh start "$CLUSTER" "$PGPORT_BENCH" fresh
	eval "$(scripts/pg.sh env "$CLUSTER" "$PGPORT_BENCH")"
	# pg_stat_statements for the respondent runs' statement counts.
	psql -U postgres -d postgres -qAtX -c "ALTER SYSTEM SET \
	    shared_preload_libraries = 'pg_stat_statements'" >&2
	scripts/pg.sh stop "$CLUSTER"
	scripts/pg.sh start "$CLUSTER" "$PGPORT_BENCH"
	scripts/migrate.sh >&2
	# In a schema of its own: the migrations grant and revoke by schema.
	psql -U postgres -qAtX -c 'CREATE SCHEMA pgss' \
	    -c 'CREATE EXTENSION pg_stat_statements SCHEMA pgss' -c "ALTER \
	    SYSTEM SET pg_stat_statements.track_planning = on" \
	    -c 'SELECT pg_reload_conf()' >/dev/null
	# SVAR_BENCH_PGSET: settings to try, "name=value name=value".
	for kv in ${SVAR_BENCH_PGSET:-}; do
		psql -U postgres -qAtX -c "ALTER SYSTEM SET ${kv%%=*} = '${kv#*=}'" \
		    -c 'SELECT pg_reload_conf()' >/dev/null
	done
	# SVAR_BENCH_SQL: a statement to try on the schema (as the owner).
	if [ -n "${SVAR_BENCH_SQL:-}" ]; then
		psql -qAtX -c "$SVAR_BENCH_SQL" >&2
	fi
	build/svarctl load surveys/helsepersonell-2021/survey.svar >&2
	TOKENS=$TOP/.run/$CLUSTER-tokens.txt
else
	[ -n "${PGHOST:-}" ] || fail "smoke mode needs the PG* variables"
	TOKENS=$WORK/tokens.txt
fi
: "${PGPORT:=5432}"
# psql and pgbench as the superuser over the Unix socket.
su_psql() { psql -h "$PGHOST" -p "$PGPORT" -U postgres -qAtX "$@"; }
su_pgbench() { "$PGBIN/pgbench" -h "$PGHOST" -p "$PGPORT" -U postgres "$@"; }

say "$NTOKENS tokens"
build/svarctl tokens fastlege "$NTOKENS" > "$TOKENS"
$PY pairs "$TOKENS" > "$WORK/pairs.tsv"
[ "$(wc -l < "$WORK/pairs.tsv")" -eq "$NTOKENS" ] || fail "token pairs"
# The first NRESP for whole respondents, the next NLOAD for page loads,
# the rest for page saves: no response is used by two parts.
sed -n "1,${NRESP}p" "$WORK/pairs.tsv" > "$WORK/respondent.tsv"
sed -n "$((NRESP + 1)),$((NRESP + NLOAD))p" "$WORK/pairs.tsv" \
    > "$WORK/load.tsv"
sed -n "$((NRESP + NLOAD + 1)),\$p" "$WORK/pairs.tsv" > "$WORK/save.tsv"

# A pgbench database in the same cluster.
if [ "$mode" = full ]; then
	say "pgbench -i -s 10"
	su_psql -d postgres -c 'CREATE DATABASE pgbench' >&2
	su_pgbench -i -s 10 -q pgbench >"$WORK/pgbench-init.txt" 2>&1 ||
	    { cat "$WORK/pgbench-init.txt" >&2; fail "pgbench -i"; }
else
	if [ -z "$(su_psql -d postgres -c \
	    "SELECT 1 FROM pg_database WHERE datname = 'pgbench'")" ]; then
		su_psql -d postgres -c 'CREATE DATABASE pgbench' >&2
	fi
	if [ -z "$(su_psql -d pgbench -c \
	    "SELECT to_regclass('pgbench_accounts')")" ]; then
		say "pgbench -i -s 1"
		su_pgbench -i -s 1 -q pgbench >"$WORK/pgbench-init.txt" 2>&1 ||
		    { cat "$WORK/pgbench-init.txt" >&2; fail "pgbench -i"; }
	fi
fi

KLOG=$WORK/kore.log
port=${URL##*:}
port=${port%%/*}
if [ "$mode" = full ]; then
	# As in production: one worker per core (see conf/svar.conf.in);
	# SVAR_BENCH_WORKERS tries another count.
	workers=${SVAR_BENCH_WORKERS:-$(nproc)}
	say "Kore on port $PORT, $workers workers"
	conf=$(scripts/kore-conf.sh "$CLUSTER" "$PORT" "$workers")
	SVAR_BASE_URL="http://127.0.0.1:$PORT" \
	SVAR_DB="host=$PGHOST port=$PGPORT dbname=svar user=svar_app" \
	SVAR_ADMIN_DB="host=$PGHOST port=$PGPORT dbname=svar user=svar_admin" \
	    kore -f -n -r -q -c "$conf" > "$KLOG" 2>&1 &
	kpid=$!
	up=0
	for _ in $(seq 1 100); do
		if curl -fs -o /dev/null "$URL/healthz"; then up=1; break; fi
		kill -0 "$kpid" 2>/dev/null || break
		sleep 0.1
	done
	[ "$up" = 1 ] || { cat "$KLOG" >&2; fail "Kore did not come up"; }
	sleep 0.5
	korepid=$kpid
else
	curl -fs -o /dev/null "$URL/healthz" || fail "$URL/healthz is not up"
	# The Kore parent that listens on the port, for the memory lines.
	korepid=""
	for p in $(ss -ltnpH "sport = :$port" 2>/dev/null |
	    grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -u); do
		case "$(tr '\0' ' ' < "/proc/$p/cmdline" 2>/dev/null)" in
		"kore [parent]"*) korepid=$p ;;
		esac
	done
fi
workers_before=$(ps -o pid= --ppid "${korepid:-0}" 2>/dev/null | sort | tr -d ' ' | tr '\n' ' ')

# ---------------------------------------------------------------------------
# The runs

# pgbench FLAG: 8 clients, 2 threads, prepared statements, as
# postgres over the Unix socket; every tenth transaction logged for the
# percentiles.
run_pgbench() {
	d=$WORK/pglog$1
	mkdir -p "$d"
	say "pgbench $1, ${PGDUR} s"
	if ! su_pgbench "$1" -T "$PGDUR" -c 8 -j 2 -M prepared \
	    -l --sampling-rate=0.1 --log-prefix="$d/pgbench" \
	    pgbench > "$WORK/pgbench$1.txt" 2>&1; then
		cat "$WORK/pgbench$1.txt" >&2
		echo "bench.sh: pgbench $1 failed" >&2
		broke=1
		return 0
	fi
	$PY pgbench "pgbench $1" 8 "$WORK/pgbench$1.txt" "$d" "$RES" || broke=1
}

# wrk KIND CONNS SECONDS [record]: KIND load (GET page 2, 200) or save
# (POST page 2, 303).
run_wrk() {
	raw=$WORK/wrk-$1-$2.txt
	[ "${4:-}" = record ] || raw=$WORK/wrk-$1-$2-warmup.txt
	if [ "$1" = load ]; then keys=$WORK/load.tsv expect=200
	else keys=$WORK/save.tsv expect=303; fi
	if [ "${4:-}" = record ]; then
		say "wrk $1, $2 connections, $3 s"
	else
		say "wrk $1, $2 connections, $3 s (warm-up, not recorded)"
	fi
	# Which Kore worker holds the connections, half way through.
	(sleep $(($3 / 2)); ss -tnpH state established "( sport = :$port )" \
	    > "$raw.ss" 2>/dev/null) &
	sampler=$!
	if ! wrk -t "$THREADS" -c "$2" -d "${3}s" --timeout 10s --latency \
	    -s "$LUA" "$URL/healthz" -- "$1" "$keys" "$THREADS" \
	    > "$raw" 2>&1; then
		wait "$sampler" || true
		cat "$raw" >&2
		echo "bench.sh: wrk $1 $2 failed" >&2
		broke=1
		return 0
	fi
	wait "$sampler" || true
	if [ "${4:-}" = record ]; then
		$PY wrk "$1" "$2" "$raw" "$RES" "$expect" || broke=1
	fi
}

if part pgbench; then
	if [ "$mode" = full ]; then
		su_psql -d postgres -c CHECKPOINT
		run_pgbench -N
	fi
	run_pgbench -S
fi

if part wrk; then
	say "preparing $NLOAD responses for page loads (page 1, then page 2 saved)"
	$PY prep "$URL" "$WORK/load.tsv" || fail "preparing responses"

	if [ "$mode" = full ]; then
		run_wrk load 8 3
	fi
	for c in $CONNS; do
		run_wrk load "$c" "$DUR" record
	done
	if [ "$mode" = full ]; then
		su_psql -d postgres -c CHECKPOINT
	fi
	for c in $CONNS; do
		run_wrk save "$c" "$DUR" record
	done
fi

if part sequential; then
	say "$NRESP whole respondents, one after another"
	$PY respondents "$URL" "$WORK/respondent.tsv" "$RES" || broke=1
fi

# Whole respondents at once (issue 14): each level on keys of its own,
# on the database as the parts above left it ("empty": a few thousand
# responses), then again after bulk_answers.sql has grown `answer` to
# RTARGET rows. CPU per respondent from /proc: Kore's processes, the
# postmaster's children.
pgpidfile=""
[ -f "$PGHOST/data/postmaster.pid" ] && pgpidfile=$PGHOST/data/postmaster.pid
RRES=$WORK/respondents.jsonl
: > "$RRES"
run_respondents() {
	for c in $RCONCS; do
		build/svarctl tokens fastlege "$RKEYS" > "$WORK/rkeys-$1-$c.txt"
		su_psql -d postgres -c CHECKPOINT
		say "whole respondents, $c at once, $RDUR s ($1)"
		SVAR_BENCH_KORE_PIDS="${korepid:-}" \
		SVAR_BENCH_PG_PIDFILE="$pgpidfile" \
		    python3 "$TOP/tests/bench/respondents.py" run "$URL" \
		    "$WORK/rkeys-$1-$c.txt" "$c" "$RDUR" "$RRES" "$1" || broke=1
	done
}
if part respondents; then
	run_respondents empty
	if [ "$RTARGET" -gt 0 ]; then
		say "growing answer to $RTARGET rows (bulk_answers.sql)"
		psql -qAtX -v target="$RTARGET" \
		    -f tests/bench/bulk_answers.sql >&2 || fail "bulk insert"
		# As autovacuum would have after a load like that, so the runs
		# measure the grown database rather than the insert
		# (SVAR_BENCH_VACUUM=0 leaves it to autovacuum, during the runs).
		if [ "${SVAR_BENCH_VACUUM:-1}" = 1 ]; then
			su_psql -c 'VACUUM (ANALYZE) response, answer' >&2
		fi
		run_respondents "$(psql -qAtX -c "SELECT CASE WHEN n >= 1e6
		    THEN round(n / 1e6, 1) || 'M' ELSE n::text END FROM
		    (SELECT count(*) AS n FROM answer) c")"
	fi
fi

# First answers at an idle server under a burst of fresh connections.
if part burst; then
	say "first answer, $BCONNS fresh connections at once, $BTRIALS trials"
	python3 "$TOP/tests/bench/respondents.py" burst "$URL" "$BCONNS" \
	    "$BTRIALS" "$RRES" || broke=1
fi

if [ "$mode" = full ] && part admin; then
	say "admin area: login (argon2id) and pages, one admin clicking"
	demo=$(SVAR_BASE_URL="$URL" "$TOP/build/svarctl" user demo)
	SVAR_BENCH_URL=$URL python3 "$TOP/tests/bench/admin_bench.py" demo \
	    "$(echo "$demo" | awk '/user name/ { print $NF }')" \
	    "$(echo "$demo" | awk '/TOTP secret/ { print $3 }')" 50 \
	    > "$WORK/admin.txt" || broke=1
	cat "$WORK/admin.txt"
fi

: > "$WORK/mail.txt"
if part mail; then
	say "mail: messages per second from one sender, throttling off"
	if [ "$mode" = full ]; then nmail=5000; else nmail=200; fi
	tests/bench/mail_bench.sh "$nmail" "${SVAR_BENCH_SMTP_PORT:-2497}" \
	    > "$WORK/mail.txt" || broke=1
	cat "$WORK/mail.txt"
fi

say "reminders: every rule of a wave evaluated (the preview's query)"
if [ "$mode" = full ]; then ninv=10000 nunits=400; else ninv=200 nunits=20; fi
tests/bench/remind_bench.sh "$ninv" "$nunits" > "$WORK/remind.txt" || broke=1
cat "$WORK/remind.txt"

# ---------------------------------------------------------------------------
# Memory, the Kore log, the report

pidfile=""
[ -f "$PGHOST/data/postmaster.pid" ] && pidfile=$PGHOST/data/postmaster.pid
$PY rss "${korepid:-}" "$pidfile" "$RES"
workers_after=$(ps -o pid= --ppid "${korepid:-0}" 2>/dev/null | sort | tr -d ' ' | tr '\n' ' ')

if [ -s "$RES" ] && ! $PY report "$RES" "$mode" "$MD"; then
	broke=1
fi
[ -s "$MD" ] || : > "$MD"
if [ -s "$RRES" ]; then
	python3 "$TOP/tests/bench/respondents.py" table "$RRES" > "$WORK/resp.md"
	{ echo; echo "Whole respondents ($(nproc) cores, load generator on the same machine):"; echo; cat "$WORK/resp.md"; } | tee -a "$MD"
fi
tail=$WORK/tail.md
: > "$tail"
if [ -n "$korepid" ] && [ "$workers_before" != "$workers_after" ]; then
	echo "- Kore workers changed during the run (a worker died):" \
	    "before ${workers_before}after $workers_after" >> "$tail"
	broke=1
fi
if [ "$mode" = full ]; then
	n=$(grep -c . "$KLOG" || true)
	if [ "$n" -eq 0 ]; then
		echo "- Kore log (-q, errors only): empty" >> "$tail"
	else
		echo "- Kore log (-q, errors only): $n lines in $KLOG, first:" \
		    >> "$tail"
		head -5 "$KLOG" | sed 's/^/    /' >> "$tail"
		if grep -qiE 'exited|signal|restart|fatal|crash' "$KLOG"; then
			echo "- a Kore worker exited during the run" >> "$tail"
			broke=1
		fi
	fi
fi
[ -s "$WORK/admin.txt" ] && sed 's/^  /- admin: /' "$WORK/admin.txt" >> "$tail"
cat "$WORK/mail.txt" >> "$tail"
cat "$WORK/remind.txt" >> "$tail"
echo "- whole run: $(($(date +%s) - t_start)) s ($mode mode)" >> "$tail"
cat "$tail"
cat "$tail" >> "$MD"

if [ "$broke" -ne 0 ]; then
	echo "==> bench: FAILED: requests failed or a tool broke (see above)" >&2
	exit 1
fi
echo "==> bench: done, no errors" >&2
exit 0
