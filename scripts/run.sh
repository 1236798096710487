#!/bin/sh
# make run: database, migrations, the 2021 survey, a demo frame, Kore,
# a loopback mail catcher (.run/mail) and the mail sender. Ctrl-C stops
# them all.
set -eu
cd "$(dirname "$0")/.."
PORT=${SVAR_PORT:-8888}
PGPORT_DEV=${SVAR_PGPORT:-5499}
SMTP_PORT=${SVAR_SMTP_PORT:-2525}

scripts/pg.sh start dev "$PGPORT_DEV"
eval "$(scripts/pg.sh env dev "$PGPORT_DEV")"
scripts/migrate.sh
build/svarctl load surveys/helsepersonell-2021/survey.svar

conf=$(scripts/kore-conf.sh dev "$PORT" $(nproc))
cleanup() {
	trap - INT TERM EXIT
	[ -n "${kpid:-}" ] && kill "$kpid" 2>/dev/null && wait "$kpid" 2>/dev/null
	[ -n "${mpid:-}" ] && kill "$mpid" 2>/dev/null && wait "$mpid" 2>/dev/null
	[ -n "${spid:-}" ] && kill "$spid" 2>/dev/null && wait "$spid" 2>/dev/null
	scripts/pg.sh stop dev
	echo "==> stopped"
}
trap cleanup INT TERM EXIT

export SVAR_DB="host=$PGHOST port=$PGPORT dbname=svar user=svar_app"
export SVAR_ADMIN_DB="host=$PGHOST port=$PGPORT dbname=svar user=svar_admin"
export SVAR_BASE_URL="${SVAR_BASE_URL:-http://127.0.0.1:$PORT}"
kore -f -n -r -c "$conf" &
kpid=$!

# Mail goes nowhere but here: every message the sender delivers lands in
# .run/mail as a .eml file.
/usr/bin/python3 tests/mail/smtpd.py "$SMTP_PORT" .run/mail >/dev/null &
spid=$!
SVAR_SMTP_URL="smtp://127.0.0.1:$SMTP_PORT" \
SVAR_MAIL_FROM="${SVAR_MAIL_FROM:-Helsepersonellundersøkelsen <svar@svar.invalid>}" \
SVAR_MAIL_REPLY_TO="${SVAR_MAIL_REPLY_TO:-hjelp@svar.invalid}" \
SVAR_MAIL_DB="host=$PGHOST port=$PGPORT dbname=svar user=svar_mail" \
    build/svarctl mail &
mpid=$!
for _ in $(seq 1 50); do
	curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
	sleep 0.1
done
echo
echo "Svar is running at http://127.0.0.1:$PORT/  (Ctrl-C stops it)"
build/svarctl demo "$SVAR_BASE_URL"
build/svarctl user demo
echo "  Mail (loopback catcher on $SMTP_PORT): $(pwd)/.run/mail/*.eml"
echo
wait "$kpid"
