#!/bin/sh
# make test: unit tests (ASan+UBSan, then valgrind), the fuzzers for a
# bounded time (FUZZ_TEST_TIME, 20 s each), a fresh private
# PostgreSQL, the app under Kore, integration tests over HTTP, the
# browser test in headless Chromium, a smoke run of the benchmark, and
# the hostile-input pass against the module as production runs it.
set -eu
cd "$(dirname "$0")/.."
PORT=${SVAR_TEST_PORT:-8898}
PGPORT_TEST=${SVAR_TEST_PGPORT:-5498}
# SVAR_TEST_ONLY='test_mail*.py' runs the unit tests and only those
# integration tests: a short loop while working on one area. CI never
# sets it.
ONLY=${SVAR_TEST_ONLY:-}
failed=0

echo "==> unit tests (Check, AddressSanitizer + UBSan)"
mkdir -p .run
ASAN_OPTIONS=detect_leaks=1 build/unit_tests > .run/unit.log 2>&1 || {
	cat .run/unit.log; echo "==> unit tests FAILED"; exit 1; }
tail -1 .run/unit.log

if [ -z "$ONLY" ] && command -v valgrind >/dev/null 2>&1; then
	echo "==> unit tests under valgrind"
	CK_FORK=no valgrind -q --leak-check=full --errors-for-leak-kinds=definite \
	    --error-exitcode=1 build/unit_tests_plain >/dev/null
	echo "valgrind: no errors"
fi

echo "==> svarctl check: the shipped surveys and the broken examples"
build/svarctl check surveys/*/survey.svar
for f in tests/defs/bad-*.svar; do
	if build/svarctl check "$f" 2>/dev/null; then
		echo "FAIL: $f was accepted" >&2
		failed=1
	fi
done

if [ -z "$ONLY" ]; then
	echo "==> fuzzing (libFuzzer, ASan + UBSan, ${FUZZ_TEST_TIME:-20} s each)"
	FUZZ_TIME=${FUZZ_TEST_TIME:-20} scripts/fuzz.sh form def tmpl \
	    > .run/fuzz.log 2>&1 || failed=1
	cat .run/fuzz.log
fi

echo "==> database (fresh) and app"
scripts/pg.sh start test "$PGPORT_TEST" fresh
eval "$(scripts/pg.sh env test "$PGPORT_TEST")"
. scripts/stop-pid.sh
cleanup() {
	[ -n "${kpid:-}" ] && stop_pid "$kpid"
	scripts/pg.sh stop test
}
trap cleanup EXIT INT TERM
scripts/migrate.sh
scripts/migrate.sh | grep -q "nothing to apply"
build/svarctl load surveys/helsepersonell-2021/survey.svar
echo "==> database layer (Check, against the test cluster)"
build/db_tests > .run/db.log 2>&1 || { cat .run/db.log; failed=1; }
tail -1 .run/db.log
build/svarctl demo "http://127.0.0.1:$PORT" >/dev/null
# The app under test is the module built with ASan and UBSan; any report
# they write to .run/asan fails the run.
conf=$(scripts/kore-conf.sh test "$PORT" 2)
sed -i 's|build/svar.so|build/svar-asan.so|' "$conf"
rm -rf .run/asan && mkdir -p .run/asan
LD_PRELOAD=$(cc -print-file-name=libasan.so) \
ASAN_OPTIONS="detect_leaks=0:log_path=$(pwd)/.run/asan/asan" \
UBSAN_OPTIONS="print_stacktrace=1:log_path=$(pwd)/.run/asan/ubsan" \
SVAR_BASE_URL="http://127.0.0.1:$PORT" \
SVAR_DB="host=$PGHOST port=$PGPORT dbname=svar user=svar_app" \
SVAR_ADMIN_DB="host=$PGHOST port=$PGPORT dbname=svar user=svar_admin" \
    kore -f -n -r -q -c "$conf" &
kpid=$!
for _ in $(seq 1 100); do
	curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
	sleep 0.1
done

echo "==> integration tests (HTTP)"
# The mail tests run their own SMTP server on loopback (SVAR_TEST_SMTP_PORT,
# derived from the app's port so parallel runs do not collide).
if ! SVAR_TEST_URL="http://127.0.0.1:$PORT" SVAR_TEST_PG="test $PGPORT_TEST" \
    SVAR_TEST_SMTP_PORT="${SVAR_TEST_SMTP_PORT:-$((PORT - 6400))}" \
    python3 -m unittest discover -s tests/integration -t tests/integration \
    -p "${ONLY:-test_*.py}" -v > .run/integration.log 2>&1; then
	failed=1
fi
sed 's/^/  /' .run/integration.log
if [ -n "$ONLY" ]; then
	[ -n "$(ls .run/asan 2>/dev/null)" ] && { cat .run/asan/*; failed=1; }
	echo "==> only $ONLY: $(tail -1 .run/integration.log)"
	exit "$failed"
fi

echo "==> browser test (headless Chromium, axe-core)"
# The saved page offers "send me the link" only while a sender reports
# itself alive; the browser test checks that form.
psql -qAt -c "SELECT svar_mail_seen('browser-test')" > /dev/null
link="http://127.0.0.1:$PORT$(psql -qAt -c "SELECT '/u/' || l.selector ||
    l.verifier FROM unit_link l JOIN version v ON v.id = l.version_id
    WHERE v.key = 'hf' ORDER BY l.id LIMIT 1")"
node tests/browser/questionnaire.mjs "$link" > .run/browser.log 2>&1 || failed=1
cat .run/browser.log

echo "==> browser test of the admin area (TOTP login, axe on every page)"
demo=$(SVAR_BASE_URL="http://127.0.0.1:$PORT" build/svarctl user demo)
SVAR_ADMIN_URL="http://127.0.0.1:$PORT" SVAR_ADMIN_USER=demo \
SVAR_ADMIN_PASSWORD=$(echo "$demo" | awk '/user name/ { print $NF }') \
SVAR_ADMIN_SECRET=$(echo "$demo" | awk '/TOTP secret/ { print $3 }') \
SVAR_ENROL_PATH=$(build/svarctl user add browser-enrol --role analyst |
    grep -o '/admin/enrol/[a-z0-9]*') \
    node tests/browser/admin.mjs > .run/browser-admin.log 2>&1 || failed=1
cat .run/browser-admin.log

if [ -x tests/bench/bench.sh ]; then
	echo "==> benchmark smoke run"
	SVAR_BENCH_SMOKE=1 SVAR_BENCH_URL="http://127.0.0.1:$PORT" \
	SVAR_BENCH_SMTP_PORT="${SVAR_TEST_SMTP_PORT:-$((PORT - 6400))}" \
	    tests/bench/bench.sh || failed=1
fi

if [ -x tests/bench/export_bench.sh ]; then
	echo "==> export benchmark smoke run (2,000 responses, csv and sav)"
	SVAR_BENCH_EXPORT_SIZES=2000 SVAR_BENCH_EXPORT_FORMATS="csv sav" \
	    tests/bench/export_bench.sh smoke || failed=1
fi
echo "==> two app servers behind haproxy, one restarted mid-run (tests/load/ha.sh)"
HAPORT=${SVAR_TEST_HA_PORT:-$((PORT + 1))}
if ! tests/load/ha.sh "$HAPORT" $((HAPORT + 1)) $((HAPORT + 2)) 200 8 \
    > .run/ha.log 2>&1; then
	failed=1
fi
sed 's/^/  /' .run/ha.log

echo "==> faults, short: a PostgreSQL restart and a worker killed (tests/load/faults.sh)"
if ! tests/load/faults.sh "${SVAR_TEST_FAULTS_PORT:-$((PORT + 4))}" \
    "${SVAR_TEST_FAULTS_PGPORT:-$((PGPORT_TEST + 2))}" 200 8 \
    > .run/faults.log 2>&1; then
	failed=1
fi
sed 's/^/  /' .run/faults.log

echo "==> hostile input (build/svar.so as in production: seccomp, nginx in front)"
if ! tests/hostile/run.sh "${SVAR_TEST_HOSTILE_PORT:-$((PORT + 20))}" \
    "${SVAR_TEST_PROXY_PORT:-$((PORT + 21))}" > .run/hostile.log 2>&1; then
	failed=1
fi
sed 's/^/  /' .run/hostile.log

if [ -n "$(ls .run/asan 2>/dev/null)" ]; then
	echo "==> AddressSanitizer/UBSan reports from the app:"
	cat .run/asan/*
	failed=1
fi

echo
echo "==> summary"
echo "  unit tests:        $(grep -o 'Checks: [0-9]*, Failures: [0-9]*, Errors: [0-9]*' .run/unit.log)"
echo "  database layer:    $(grep -o 'Checks: [0-9]*, Failures: [0-9]*, Errors: [0-9]*' .run/db.log)"
echo "  integration tests: $(grep -E '^Ran [0-9]+ tests' .run/integration.log | sed 's/Ran //') $(tail -1 .run/integration.log)"
echo "  fuzzing:           $(grep -c 'no findings' .run/fuzz.log) of 3 harnesses without findings ($(sed -n 's/^  fuzz \([a-z]*\): \([0-9]*\) s, \([0-9?]*\) runs.*/\1 \3 runs/p' .run/fuzz.log | paste -sd, - | sed 's/,/, /g'))"
echo "  hostile input:     $(grep -E '^Ran [0-9]+ tests' .run/hostile.log | sed 's/Ran //') $(grep -E '^(OK|FAILED)' .run/hostile.log | tail -1), $(grep -qE '^hostile: a worker died' .run/hostile.log && echo 'a worker died' || echo 'no worker died')"
echo "  two app servers:   $(grep -E '^verify:' .run/ha.log)"
echo "  faults (short):    $(grep -E '^verify:' .run/faults.log)"
echo "  browser test:      $(grep -E '^Pages visited' .run/browser.log)"
echo "                     $(grep -E '^axe violations' .run/browser.log)"
echo "  admin browser test: $(grep -E '^Admin pages checked' .run/browser-admin.log) $(tail -1 .run/browser-admin.log)"
if [ "$failed" -ne 0 ]; then
	echo "==> make test: FAILED"
	exit 1
fi
echo "==> make test: all passed"
