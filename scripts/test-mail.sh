#!/bin/sh
# The mail tests alone (tests/integration/test_mail.py) against a fresh
# cluster and the app: make test-mail-long runs them with the SMTP server
# down for SVAR_TEST_MAIL_DOWN seconds.
set -eu
cd "$(dirname "$0")/.."
PORT=${SVAR_TEST_PORT:-8898}
PGPORT_TEST=${SVAR_TEST_PGPORT:-5498}
scripts/pg.sh start mailtest "$PGPORT_TEST" fresh
eval "$(scripts/pg.sh env mailtest "$PGPORT_TEST")"
. scripts/stop-pid.sh
cleanup() {
	[ -n "${kpid:-}" ] && stop_pid "$kpid"
	scripts/pg.sh stop mailtest
}
trap cleanup EXIT INT TERM
scripts/migrate.sh >/dev/null
build/svarctl load surveys/helsepersonell-2021/survey.svar >/dev/null
build/svarctl demo "http://127.0.0.1:$PORT" >/dev/null
conf=$(scripts/kore-conf.sh mailtest "$PORT" 2)
SVAR_BASE_URL="http://127.0.0.1:$PORT" \
SVAR_DB="host=$PGHOST port=$PGPORT dbname=svar user=svar_app" \
SVAR_ADMIN_DB="host=$PGHOST port=$PGPORT dbname=svar user=svar_admin" \
    kore -f -n -r -q -c "$conf" &
kpid=$!
for _ in $(seq 1 100); do
	curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
	sleep 0.1
done
SVAR_TEST_URL="http://127.0.0.1:$PORT" \
SVAR_TEST_SMTP_PORT="${SVAR_TEST_SMTP_PORT:-$((PORT - 6400))}" \
    python3 -m unittest discover -s tests/integration -t tests/integration \
    -p 'test_mail.py' -v
