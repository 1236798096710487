#!/bin/sh
# The export benchmark (make bench-export): a private PostgreSQL
# (.run/bench-export, port SVAR_BENCH_EXPORT_PGPORT or 5541) with the
# 2021 questionnaire and SIZES responses (default "10000 100000"), made
# by tests/bench/export_data.sql; then svarctl export in every format at
# each size under /usr/bin/time -v: wall time, CPU time of svarctl, its
# peak RSS, and the file's size. svarctl's memory must not grow with the
# number of responses (the writers stream); the CSV of 100,000 should
# take under 5 s. PostgreSQL's own work is in the wall time, not in
# svarctl's CPU time.
#   SVAR_BENCH_EXPORT_SIZES="2000" tests/bench/export_bench.sh smoke
# runs one size against the cluster already there (make test does, with
# the formats csv and sav). Prints a markdown table; exits non-zero when
# an export failed or wrote the wrong number of rows.
set -eu
cd "$(dirname "$0")/../.."
TOP=$(pwd)
MODE=${1:-full}
SIZES=${SVAR_BENCH_EXPORT_SIZES:-10000 100000}
FORMATS=${SVAR_BENCH_EXPORT_FORMATS:-csv csv-excel xlsx sav dta codebook-json}
WORK=$TOP/.run/bench-export-work
# The smoke run keeps the full run's table.
MD=$TOP/.run/bench-export-result.md
[ "$MODE" = full ] || MD=$TOP/.run/bench-export-smoke.md

say() { echo "==> $*" >&2; }
fail() { echo "export_bench.sh: $*" >&2; exit 1; }
[ -x /usr/bin/time ] || fail "/usr/bin/time is not installed (Debian time)"
[ -x build/svarctl ] || fail "build first (make all)"

if [ "$MODE" = full ]; then
	PGPORT_B=${SVAR_BENCH_EXPORT_PGPORT:-5541}
	scripts/pg.sh start bench-export "$PGPORT_B" fresh >&2
	eval "$(scripts/pg.sh env bench-export "$PGPORT_B")"
	trap 'scripts/pg.sh stop bench-export >/dev/null 2>&1 || true' EXIT
	scripts/migrate.sh >&2
	build/svarctl load surveys/helsepersonell-2021/survey.svar >&2
	build/svarctl demo http://127.0.0.1:1 >/dev/null
else
	# The test cluster: take the bench's responses away again.
	trap 'psql -qAtX -c "DELETE FROM response WHERE selector LIKE
	    '"'"'bench%'"'"'" >/dev/null 2>&1 || true' EXIT
fi
rm -rf "$WORK"
mkdir -p "$WORK"
# By id: another survey may have a 2021 wave too (the test cluster).
WAVE=$(psql -qAtX -c "SELECT w.id FROM wave w JOIN survey s ON s.id =
    w.survey_id WHERE s.key = 'helsepersonell' AND w.year = 2021")
[ -n "$WAVE" ] || fail "no helsepersonell 2021 wave (svarctl load it)"
# The variables and their values, from the wave's own codebook.
build/svarctl export --format codebook-json --wave "$WAVE" 2>/dev/null |
    python3 tests/bench/export_dom.py > "$WORK/dom.tsv"
[ -s "$WORK/dom.tsv" ] || fail "no variables in the 2021 codebook"
nvars=$(wc -l < "$WORK/dom.tsv")

# Psql reads the domain with \copy, so the SQL goes to it on stdin.
gen() {
	{
		# n: the variable's place in the questionnaire.
		echo "CREATE TEMP TABLE dom (var text, kind text, codes int[],"
		echo "    n serial);"
		# printf: dash's echo would take the \c of \copy as "stop".
		printf '%s\n' "\\copy pg_temp.dom (var, kind, codes) FROM '$WORK/dom.tsv'"
		cat tests/bench/export_data.sql
	} | psql -qAtX -v from="$1" -v to="$2" >/dev/null
	psql -qAtX -c "VACUUM ANALYZE response" -c "VACUUM ANALYZE answer" \
	    >/dev/null
	k=$(psql -qAtX -c "SELECT count(*) FROM answer a JOIN response r ON
	    r.id = a.response_id WHERE r.selector = 'bench$2'")
	[ "$k" -gt 0 ] || fail "bench response $2 has no answers"
}

row() {
	# $1 size, $2 format: one line of the table, from time -v.
	f=$WORK/out.$2
	log=$WORK/time.$2.$1
	if ! /usr/bin/time -v build/svarctl export --format "$2" --wave "$WAVE" \
	    --status all --out "$f" 2> "$log"; then
		cat "$log" >&2
		fail "export $2 at $1 failed"
	fi
	got=$(sed -n 's/^\([0-9]*\) responses,.*/\1/p' "$log")
	want=$(psql -qAtX -c "SELECT count(*) FROM response r JOIN version v
	    ON v.id = r.version_id JOIN wave w ON w.id = v.wave_id JOIN survey s
	    ON s.id = w.survey_id WHERE s.key = 'helsepersonell' AND
	    w.year = 2021 AND r.status <> 'invited' AND NOT r.test")
	[ "$got" = "$want" ] || fail "export $2 at $1 wrote $got responses, not $want"
	awk -v n="$1" -v fmt="$2" -v size="$(stat -c %s "$f")" '
	/Elapsed \(wall clock\)/ { w = $NF; k = split(w, p, ":");
		s = 0; for (i = 1; i <= k; i++) s = s * 60 + p[i] }
	/User time/ { u = $NF } /System time/ { y = $NF }
	/Maximum resident set size/ { m = $NF }
	END { printf "| %d | %s | %.2f | %.2f | %.1f | %.1f |\n", n, fmt, s,
		u + y, m / 1024, size / 1048576 }' "$log"
	echo "$1 $2 $(awk '/Maximum resident/ { print $NF }' "$log")" \
	    >> "$WORK/rss"
	awk '/Elapsed \(wall clock\)/ { k = split($NF, p, ":"); s = 0;
		for (i = 1; i <= k; i++) s = s * 60 + p[i]; print s }' "$log" \
	    > "$WORK/wall.$2.$1"
}

{
	echo "Export benchmark, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores"
	echo "(2021 questionnaire, $nvars answer variables; wall time includes"
	echo "PostgreSQL; CPU and RSS are svarctl's)"
	echo
	echo "| responses | format | wall s | CPU s | peak RSS MiB | file MiB |"
	echo "|--:|---|--:|--:|--:|--:|"
} > "$MD"
done_n=0
for n in $SIZES; do
	say "making responses $((done_n + 1)) to $n"
	gen $((done_n + 1)) "$n"
	done_n=$n
	for fmt in $FORMATS; do
		say "export $fmt, $n responses"
		row "$n" "$fmt" >> "$MD"
	done
done
cat "$MD"
# Memory must not grow with the responses: compare the largest size's
# peak RSS with the smallest's, per format.
first=${SIZES%% *}
last=${SIZES##* }
if [ "$first" != "$last" ]; then
	echo
	for fmt in $FORMATS; do
		a=$(awk -v n="$first" -v f="$fmt" '$1 == n && $2 == f { print $3 }' \
		    "$WORK/rss")
		b=$(awk -v n="$last" -v f="$fmt" '$1 == n && $2 == f { print $3 }' \
		    "$WORK/rss")
		awk -v a="$a" -v b="$b" -v f="$fmt" -v n1="$first" -v n2="$last" \
		    'BEGIN { printf "%s: peak RSS %.1f MiB at %d, %.1f MiB at %d: %s\n",
		    f, a / 1024, n1, b / 1024, n2,
		    b < a * 1.25 + 2048 ? "PASS (flat)" : "MISS (grows)" }'
	done | tee -a "$MD"
	if [ -f "$WORK/wall.csv.$last" ]; then
		awk -v n="$last" '{ printf "csv at %d: %.2f s: %s\n", n, $1,
		    $1 < 5 ? "PASS (< 5 s)" : "MISS (>= 5 s)" }' \
		    "$WORK/wall.csv.$last" | tee -a "$MD"
	fi
fi
