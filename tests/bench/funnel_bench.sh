#!/bin/sh
# make bench-funnel (issue 11 "Speed"): a private PostgreSQL
# (.run/bench-funnel, port SVAR_BENCH_PGPORT or 5621) and Kore (port
# SVAR_BENCH_PORT or 9021), a synthetic wave of 100,000 responses over
# 400 units (svarctl synth, timed), then the funnel page, its break-off
# table and the time series 50 times each as a logged-in admin: p50 and
# p95 (tests/bench/funnel_bench.py). SVAR_BENCH_N sets the responses,
# SVAR_BENCH_REQ the requests. Prints a markdown table.
set -eu
cd "$(dirname "$0")/../.."
PGPORT_BENCH=${SVAR_BENCH_PGPORT:-5621}
PORT=${SVAR_BENCH_PORT:-9021}
N=${SVAR_BENCH_N:-100000}
REQ=${SVAR_BENCH_REQ:-50}
URL=http://127.0.0.1:$PORT
WORK=.run/bench-funnel-work
kpid=""

say() { echo "==> $*" >&2; }
fail() { echo "funnel_bench.sh: $*" >&2; exit 1; }
for t in python3 curl psql oathtool; do
	command -v "$t" >/dev/null 2>&1 || fail "$t is not installed"
done
[ -x build/svarctl ] && [ -f build/svar.so ] || fail "build first (make all)"
cleanup() {
	rc=$?
	trap - EXIT INT TERM
	if [ -n "$kpid" ]; then
		kill "$kpid" 2>/dev/null || true
		wait "$kpid" 2>/dev/null || true
	fi
	scripts/pg.sh stop bench-funnel || true
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
rm -rf "$WORK"
mkdir -p "$WORK"
if curl -s -o /dev/null "$URL/healthz"; then
	fail "something already listens on $URL"
fi

say "PostgreSQL (fresh, .run/bench-funnel, port $PGPORT_BENCH)"
scripts/pg.sh start bench-funnel "$PGPORT_BENCH" fresh >&2
eval "$(scripts/pg.sh env bench-funnel "$PGPORT_BENCH")"
scripts/migrate.sh >&2
build/svarctl load surveys/helsepersonell-2021/survey.svar >&2
say "svarctl synth: $N responses, 400 units"
/usr/bin/time -f '%e s wall, %U s user, %M KiB peak' -o "$WORK/synth.time" \
    build/svarctl synth --wave-year 2091 --responses "$N" --units 400 \
    --seed 1 > "$WORK/synth.txt"
psql -qAtX -c 'VACUUM ANALYZE response, answer, invitation, wave_unit, unit_event, outbox' >&2
wave=$(psql -qAtX -c "SELECT w.id FROM wave w JOIN survey s ON s.id ="\
" w.survey_id WHERE s.key = 'helsepersonell-synt' AND w.year = 2091")

workers=$(nproc)
say "Kore on port $PORT, $workers workers"
conf=$(scripts/kore-conf.sh bench-funnel "$PORT" "$workers")
SVAR_BASE_URL="$URL" \
SVAR_DB="host=$PGHOST port=$PGPORT dbname=svar user=svar_app" \
SVAR_ADMIN_DB="host=$PGHOST port=$PGPORT dbname=svar user=svar_admin" \
    kore -f -n -r -q -c "$conf" > "$WORK/kore.log" 2>&1 &
kpid=$!
up=0
for _ in $(seq 1 100); do
	if curl -fs -o /dev/null "$URL/healthz"; then up=1; break; fi
	kill -0 "$kpid" 2>/dev/null || break
	sleep 0.1
done
[ "$up" = 1 ] || { cat "$WORK/kore.log" >&2; fail "Kore did not come up"; }

build/svarctl user demo > "$WORK/demo.txt"
pw=$(sed -n 's/.*demo \/ //p' "$WORK/demo.txt")
secret=$(sed -n 's/.*TOTP secret: *\([A-Z2-7]*\) .*/\1/p' "$WORK/demo.txt")
[ -n "$pw" ] && [ -n "$secret" ] || fail "no demo admin"

echo "### Funnel benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores"
echo
sed 's/^/    /' "$WORK/synth.txt"
echo "    svarctl synth: $(cat "$WORK/synth.time")"
echo "    load average before the requests: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
SVAR_BENCH_URL=$URL python3 tests/bench/funnel_bench.py demo "$pw" \
    "$secret" "$wave" "$REQ"
