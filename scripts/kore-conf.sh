#!/bin/sh
# Writes .run/kore-<name>.conf from conf/svar.conf.in.
#   scripts/kore-conf.sh <name> <port> <workers>
set -eu
cd "$(dirname "$0")/.."
name=$1 port=$2 workers=$3
mkdir -p .run
sed -e "s/@PORT@/$port/" -e "s/@WORKERS@/$workers/" -e "s/@NAME@/$name/" \
    -e "s/@PRIVSEP@//" conf/svar.conf.in > ".run/kore-$name.conf"
echo ".run/kore-$name.conf"
