#!/bin/sh
# Faults survived, nothing lost (issue 14 §6). A PostgreSQL cluster of its
# own (.run/faults), the module as production builds it (build/svar.so)
# under Kore with one worker per core, and tests/load/people.py driving
# N respondents through their personal links, CONC at once, as people:
# a 503 or a lost connection means "not saved", so they wait, reload and
# send again; some double-submit, some answer a page in two tabs, some
# leave after a save and come back through their link. Meanwhile this
# script restarts PostgreSQL and SIGKILLs Kore workers. Then
# people.py verify checks the database against what each respondent was
# told, and prints the counts.
#   tests/load/faults.sh <kore-port> <pg-port> [N] [CONC]
# make faults: 10,000 respondents, PostgreSQL restarted every 20 s and a
# worker killed every 7 s. make test: 200 respondents, one restart and
# one kill (N <= 500 means the short schedule).
set -eu
cd "$(dirname "$0")/../.."
KPORT=$1
PGP=$2
N=${3:-10000}
CONC=${4:-32}
URL=http://127.0.0.1:$KPORT
W=.run/faults-work
. scripts/stop-pid.sh
say() { echo "==> $*" >&2; }

kpid="" dpid=""
cleanup() {
	rc=$?
	trap - EXIT INT TERM
	[ -n "$dpid" ] && kill "$dpid" 2>/dev/null || true
	[ -n "$kpid" ] && stop_pid "$kpid"
	scripts/pg.sh stop faults || true
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

rm -rf "$W" && mkdir -p "$W"
if curl -s -o /dev/null "$URL/healthz"; then
	echo "faults.sh: something already listens on $URL" >&2
	exit 1
fi
scripts/pg.sh start faults "$PGP" fresh
eval "$(scripts/pg.sh env faults "$PGP")"
scripts/migrate.sh > "$W/migrate.log" 2>&1
build/svarctl load surveys/helsepersonell-2021/survey.svar >&2
build/svarctl tokens fastlege "$N" > "$W/keys.txt"

conf=$(scripts/kore-conf.sh faults "$KPORT" $(nproc))
SVAR_BASE_URL="$URL" \
SVAR_DB="host=$PGHOST port=$PGPORT dbname=svar user=svar_app" \
SVAR_ADMIN_DB="host=$PGHOST port=$PGPORT dbname=svar user=svar_admin" \
    kore -f -n -r -q -c "$conf" > "$W/kore.log" 2>&1 &
kpid=$!
for _ in $(seq 1 100); do
	curl -fs -o /dev/null "$URL/healthz" && break
	sleep 0.1
done
curl -fs -o /dev/null "$URL/healthz" || { cat "$W/kore.log" >&2; exit 1; }

say "$N respondents, $CONC at once, while PostgreSQL restarts and workers die"
python3 tests/load/people.py drive "$URL" "$W/keys.txt" "$N" "$CONC" \
    "$W/people.json" person 2> "$W/drive.log" &
dpid=$!

if [ "$N" -le 500 ]; then
	restart_every=0 kill_every=0
else
	restart_every=20 kill_every=7
fi
restarts=0 kills=0 t=0
sels=$(grep -o '/r/[a-z0-9]\{8\}' "$W/keys.txt" | cut -c4- |
    sed "s/.*/'&'/" | paste -sd, -)
completed() {
	psql -qAtX -c "SELECT count(*) FROM response WHERE status =
	    'completed' AND selector IN ($sels)" 2>/dev/null || echo 0
}
kill_worker() {
	w=$(ps -o pid= --ppid "$kpid" | tr -d ' ' | shuf -n 1)
	[ -n "$w" ] || return 0
	kill -KILL "$w" 2>/dev/null && kills=$((kills + 1))
	echo "$(date +%T) SIGKILL worker $w" >> "$W/faults.log"
}
restart_pg() {
	echo "$(date +%T) PostgreSQL restart" >> "$W/faults.log"
	if [ "$(id -u)" -eq 0 ]; then
		runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl \
		    -D "$PGHOST/data" -m fast -w restart -l "$PGHOST/postgres.log" \
		    > /dev/null
	else
		/usr/lib/postgresql/15/bin/pg_ctl -D "$PGHOST/data" -m fast -w \
		    restart -l "$PGHOST/postgres.log" > /dev/null
	fi
	restarts=$((restarts + 1))
}
# Short: the restart when a quarter have finished, the kill at half (by
# progress, so a fast machine cannot finish before the faults). Long: by
# the clock.
while kill -0 "$dpid" 2>/dev/null; do
	if [ "$restart_every" -eq 0 ]; then
		sleep 0.2
		[ "$kills" -eq 1 ] && continue
		n=$(completed)
		if [ "$restarts" -eq 0 ] && [ "$n" -ge $((N / 4)) ]; then
			restart_pg
		elif [ "$restarts" -eq 1 ] && [ "$n" -ge $((N / 2)) ]; then
			kill_worker
		fi
		continue
	fi
	sleep 1
	t=$((t + 1))
	[ $((t % restart_every)) -eq 0 ] && restart_pg
	[ $((t % kill_every)) -eq 0 ] && kill_worker
done
drc=0
wait "$dpid" || drc=$?
dpid=""
cat "$W/drive.log" >&2
[ "$drc" -eq 0 ] || exit 1
if [ "$restarts" -eq 0 ] || [ "$kills" -eq 0 ]; then
	echo "faults.sh: the run ended before its faults ($restarts restarts," \
	    "$kills kills): nothing was tested" >&2
	exit 1
fi
echo "faults: $restarts PostgreSQL restarts, $kills Kore workers killed" \
    "(SIGKILL); workers now: $(ps -o pid= --ppid "$kpid" | wc -l)"
python3 tests/load/people.py verify "$W/people.json"
