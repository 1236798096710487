#!/bin/sh
# Messages per second from one sender (svarctl mail --once) to the
# loopback SMTP server, throttling off: N messages queued, sent, every
# one checked as marked sent. Needs the owner's PG* variables.
#   tests/bench/mail_bench.sh <n> <smtp-port>
# Prints one line for bench.sh's report.
set -eu
cd "$(dirname "$0")/../.."
N=$1
SPORT=$2
dir=.run/bench-mail
rm -rf "$dir"
mkdir -p "$dir"
/usr/bin/python3 tests/mail/smtpd.py "$SPORT" "$dir" >/dev/null &
spid=$!
saved=$(psql -qAtX -c "SELECT domain_per_minute || ' ' || global_per_second
    FROM mail_setting")
cleanup() {
	kill "$spid" 2>/dev/null || true
	wait "$spid" 2>/dev/null || true
	echo "UPDATE mail_setting SET domain_per_minute = :'d',
	    global_per_second = :'g'" |
	    psql -qAtX -v d="${saved% *}" -v g="${saved#* }" >/dev/null
}
trap cleanup EXIT
for _ in $(seq 1 100); do
	(exec 3<>"/dev/tcp/127.0.0.1/$SPORT") 2>/dev/null && break
	sleep 0.05
done 2>/dev/null || true
psql -qAtX -c "UPDATE mail_setting SET domain_per_minute = 0,
    global_per_second = 0" >/dev/null
# Psql variables are read from standard input only, so the SQL goes there.
first=$(echo "INSERT INTO outbox (kind, to_addr, subject, body)
    SELECT 'recruit', 'bench' || g || '@bench' || (g % 50) || '.example',
    'Helsepersonellundersøkelsen ' || g, repeat('Tekst med en lenke
    https://svar.example/r/abcdefgh23456789 æøå ', 12)
    FROM generate_series(1, :'n') g RETURNING id" |
    psql -qAtX -v n="$N" | sort -n | head -1)
t0=$(date +%s.%N)
SVAR_SMTP_URL="smtp://127.0.0.1:$SPORT" SVAR_MAIL_FROM="Svar <svar@bench.example>" \
SVAR_MAIL_DB="host=$PGHOST port=$PGPORT dbname=svar user=svar_mail" \
    build/svarctl mail --once >/dev/null 2>"$dir/sender.log"
t1=$(date +%s.%N)
sent=$(echo "SELECT count(*) FROM outbox WHERE id >= :'f'
    AND to_addr LIKE 'bench%' AND sent_at IS NOT NULL" |
    psql -qAtX -v f="$first")
# Other mail due in the database goes out too; count only the bench's.
got=$(grep -c '	bench[0-9]*@bench' "$dir/delivered.tsv" || true)
awk -v n="$N" -v s="$sent" -v g="$got" -v a="$t0" -v b="$t1" 'BEGIN {
	printf "- mail: %d messages from one sender to the loopback SMTP " \
	    "server, throttling off: %.1f s, %.0f messages/s " \
	    "(%d marked sent, %d arrived)\n", n, b - a, n / (b - a), s, g }'
[ "$sent" -eq "$N" ] && [ "$got" -eq "$N" ]
