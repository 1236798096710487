#!/bin/sh
# Runs each named libFuzzer harness (build/fuzz/fuzz_<name>) for FUZZ_TIME
# seconds on its seed corpus, tests/fuzz/corpus/<name>, plus the shipped
# templates and definitions as seeds (not copied), with the words of its
# input language from tests/fuzz/<name>.dict. What it learns
# goes to .run/fuzz/<name>, crashes and leaks to .run/fuzz/<name>-crash-*.
# Prints one line per harness; exits 1 if any found something.
set -eu
cd "$(dirname "$0")/.."
time=${FUZZ_TIME:-20}
failed=0
for name in "$@"; do
	mkdir -p ".run/fuzz/$name"
	log=".run/fuzz/$name.log"
	case $name in
	def)	seeds="surveys tests/defs" ;;
	tmpl)	seeds="templates" ;;
	*)	seeds="" ;;
	esac
	start=$(date +%s)
	if ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    "build/fuzz/fuzz_$name" -max_total_time="$time" -timeout=10 \
	    -rss_limit_mb=2048 -print_final_stats=1 \
	    -dict="tests/fuzz/$name.dict" -artifact_prefix=".run/fuzz/$name-" \
	    ".run/fuzz/$name" "tests/fuzz/corpus/$name" $seeds > "$log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
		echo "  fuzz $name: $(( $(date +%s) - start )) s, ${runs:-?} runs, no findings"
	else
		echo "  fuzz $name: FOUND SOMETHING after $(( $(date +%s) - start )) s:"
		grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$log" |
		    head -10 | sed 's/^/    /'
		failed=1
	fi
done
exit "$failed"
