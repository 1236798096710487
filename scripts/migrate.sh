#!/bin/sh
# Applies sql/NNN_*.sql in order, each with its record in one
# transaction, so a second run applies nothing. Uses the PG* variables.
set -eu
cd "$(dirname "$0")/.."
psql -qAt -v ON_ERROR_STOP=1 -c "CREATE TABLE IF NOT EXISTS
    schema_migration (version text PRIMARY KEY,
    applied_at timestamptz NOT NULL DEFAULT now())" 2>&1 | grep -v NOTICE || true
applied=0
for f in sql/[0-9][0-9][0-9]_*.sql; do
	v=$(basename "$f" .sql)
	if [ -n "$(psql -qAt -c "SELECT 1 FROM schema_migration WHERE version = '$v'")" ]; then
		continue
	fi
	psql -q -v ON_ERROR_STOP=1 -1 -f "$f" \
	    -c "INSERT INTO schema_migration (version) VALUES ('$v')" >/dev/null
	echo "==> migration $v applied"
	applied=$((applied + 1))
done
[ "$applied" -eq 0 ] && echo "==> migrations: nothing to apply"
exit 0
