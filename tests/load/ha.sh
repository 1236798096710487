#!/bin/sh
# Two app servers (issue 14 §5): two Kore instances of build/svar.so on
# their own ports against the one PostgreSQL of the PG* variables (owner
# role; schema and survey loaded), Debian's haproxy in front with
# conf/haproxy.cfg.example (addresses replaced; a log of each request
# added, for the counts here only), and N respondents through their
# personal links, CONC at once, strict: any status other than the one a
# browser expects, or a lost connection, fails the run. Half way (by
# completed respondents) instance A is stopped with SIGTERM and started
# again 3 s later. Then tests/load/people.py verify checks the database,
# and the haproxy log must show both servers serving, respondents whose
# pages went to both, and the restart seen by the health check.
#   tests/load/ha.sh <port-a> <port-b> <haproxy-port> [N] [CONC]
set -eu
cd "$(dirname "$0")/../.."
PA=$1
PB=$2
PH=$3
N=${4:-200}
CONC=${5:-8}
W=.run/ha-work
. scripts/stop-pid.sh
say() { echo "==> $*" >&2; }

ka="" kb="" hp="" dpid=""
cleanup() {
	rc=$?
	trap - EXIT INT TERM
	[ -n "$dpid" ] && kill "$dpid" 2>/dev/null || true
	for p in $ka $kb $hp; do stop_pid "$p"; done
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

rm -rf "$W" && mkdir -p "$W"
for p in "$PA" "$PB" "$PH"; do
	if curl -s -o /dev/null "http://127.0.0.1:$p/"; then
		echo "ha.sh: something already listens on port $p" >&2
		exit 1
	fi
done
build/svarctl tokens fastlege "$N" > "$W/keys.txt"
sels=$(grep -o '/r/[a-z0-9]\{8\}' "$W/keys.txt" | cut -c4- |
    sed "s/.*/'&'/" | paste -sd, -)

kore_start() {		# name port -> pid on stdout
	conf=$(scripts/kore-conf.sh "ha-$1" "$2" 2)
	SVAR_BASE_URL="http://127.0.0.1:$PH" \
	SVAR_DB="host=$PGHOST port=$PGPORT dbname=svar user=svar_app" \
	SVAR_ADMIN_DB="host=$PGHOST port=$PGPORT dbname=svar user=svar_admin" \
	    kore -f -n -r -q -c "$conf" >> "$W/kore-$1.log" 2>&1 &
	echo $!
}
up() {
	for _ in $(seq 1 100); do
		curl -fs -o /dev/null "http://127.0.0.1:$1/healthz" && return 0
		sleep 0.1
	done
	echo "ha.sh: nothing answers on port $1" >&2
	return 1
}
ka=$(kore_start a "$PA")
kb=$(kore_start b "$PB")
up "$PA" && up "$PB"

# The README's configuration, with this machine's addresses, and a log.
sed -e "s|bind 127.0.0.1:8080|bind 127.0.0.1:$PH|" \
    -e "s|10.0.0.11:8080|127.0.0.1:$PA|" -e "s|10.0.0.12:8080|127.0.0.1:$PB|" \
    -e 's|^global$|global\n\tlog stdout format raw local0|' \
    -e 's|^defaults$|defaults\n\tlog global\n\toption httplog|' \
    conf/haproxy.cfg.example > "$W/haproxy.cfg"
haproxy -c -f "$W/haproxy.cfg" > /dev/null
haproxy -db -f "$W/haproxy.cfg" > "$W/haproxy.log" 2>&1 &
hp=$!
up "$PH"
# Both servers up in haproxy's eyes (rise 2 at 1 s) before the run.
sleep 2.5

say "$N respondents through haproxy, $CONC at once; instance A restarts half way"
python3 tests/load/people.py drive "http://127.0.0.1:$PH" "$W/keys.txt" \
    "$N" "$CONC" "$W/people.json" strict 2> "$W/drive.log" &
dpid=$!
half=$((N / 2))
restarted=0
while kill -0 "$dpid" 2>/dev/null; do
	sleep 0.2
	[ "$restarted" = 1 ] && continue
	done_n=$(psql -qAtX -c "SELECT count(*) FROM response WHERE
	    status = 'completed' AND selector IN ($sels)" 2>/dev/null ||
	    echo 0)
	[ "$done_n" -ge "$half" ] || continue
	echo "$(date +%T.%N) stopping A at $done_n completed" >> "$W/events.log"
	stop_pid "$ka"
	sleep 3
	ka=$(kore_start a "$PA")
	up "$PA"
	echo "$(date +%T.%N) A back" >> "$W/events.log"
	restarted=1
done
drc=0
wait "$dpid" || drc=$?
dpid=""
# On a fast machine the run can end before the health check has put A
# back (two good checks a second apart): wait for it, up to 10 s.
for _ in $(seq 1 50); do
	grep -q '^Server kore/app1 is UP' "$W/haproxy.log" && break
	sleep 0.2
done
cat "$W/drive.log" >&2
cat "$W/events.log" >&2 2>/dev/null || true
# haproxy's log: requests per server, respondents served by both.
python3 - "$W/haproxy.log" "$restarted" <<'EOF'
import re, sys
per, keys = {}, {}
down = up = retried = 0
for ln in open(sys.argv[1], errors="replace"):
    # Each state change is written twice (a warning and the log line).
    if ln.startswith("Server kore/app1 is DOWN"):
        down += 1
    if ln.startswith("Server kore/app1 is UP"):
        up += 1
    # actconn/feconn/beconn/srv_conn/retries after the termination state.
    m = re.search(r" [-A-Za-z]{4} \d+/\d+/\d+/\d+/\+?(\d+) ", ln)
    if m and int(m.group(1)) > 0:
        retried += 1
    m = re.search(r" kore/(app\d) .*\"(GET|POST) /r/([a-z0-9]{8})", ln)
    if m:
        per[m.group(1)] = per.get(m.group(1), 0) + 1
        keys.setdefault(m.group(3), set()).add(m.group(1))
both = sum(1 for s in keys.values() if len(s) == 2)
print(f"ha: requests per server {dict(sorted(per.items()))}; {both} of "
      f"{len(keys)} respondents had pages served by both; instance A "
      f"restarted: {sys.argv[2] == '1'}, marked down {down} and up {up} "
      f"times by the health check; {retried} requests sent again by "
      f"haproxy")
ok = len(per) == 2 and both > 0 and sys.argv[2] == "1" and down >= 1 \
    and up >= 1
sys.exit(0 if ok else 1)
EOF
[ "$drc" -eq 0 ] || exit 1
python3 tests/load/people.py verify "$W/people.json"
