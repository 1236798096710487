#!/bin/sh
# make run: database, migrations, the 2021 survey, a demo frame, Kore.
# Ctrl-C stops Kore and the database.
set -eu
cd "$(dirname "$0")/.."
PORT=${SVAR_PORT:-8888}
PGPORT_DEV=${SVAR_PGPORT:-5499}

scripts/pg.sh start dev "$PGPORT_DEV"
eval "$(scripts/pg.sh env dev "$PGPORT_DEV")"
scripts/migrate.sh
build/svarctl load surveys/helsepersonell-2021/survey.svar

conf=$(scripts/kore-conf.sh dev "$PORT" $((4 * $(nproc))))
cleanup() {
	trap - INT TERM EXIT
	[ -n "${kpid:-}" ] && kill "$kpid" 2>/dev/null && wait "$kpid" 2>/dev/null
	scripts/pg.sh stop dev
	echo "==> stopped"
}
trap cleanup INT TERM EXIT

export SVAR_DB="host=$PGHOST port=$PGPORT dbname=svar user=svar_app"
export SVAR_ADMIN_DB="host=$PGHOST port=$PGPORT dbname=svar user=svar_admin"
export SVAR_BASE_URL="${SVAR_BASE_URL:-http://127.0.0.1:$PORT}"
kore -f -n -r -c "$conf" &
kpid=$!
for _ in $(seq 1 50); do
	curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
	sleep 0.1
done
echo
echo "Svar is running at http://127.0.0.1:$PORT/  (Ctrl-C stops it)"
build/svarctl demo "$SVAR_BASE_URL"
build/svarctl user demo
echo
wait "$kpid"
