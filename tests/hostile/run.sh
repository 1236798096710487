#!/bin/sh
# The hostile-input pass: the module as production runs it (build/svar.so,
# no sanitizers, seccomp on, conf/svar-production.conf.example with only
# its address, root, user and worker count adapted), nginx in front as the
# README shows it and haproxy (on proxy-port + 1) as the other front it
# names, and tests/hostile/test_*.py against all three. Fails if any
# worker dies. Needs the PG* variables of a cluster with the schema, the
# survey and the demo loaded (scripts/test.sh does that).
#   tests/hostile/run.sh <kore-port> <proxy-port> [serve|trace]
# With "serve" it starts both and waits, for probing by hand; "trace"
# does the same with seccomp_tracing on: Kore then logs each system call
# its list lacks instead of killing the worker (how the list was found).
set -eu
cd "$(dirname "$0")/../.."
KPORT=$1
XPORT=$2
TOP=$(pwd)
mkdir -p .run
log=.run/hostile-kore.log
conf=.run/kore-hostile.conf

# As root: chroot into the work tree and drop to nobody, as in production.
# Otherwise -n -r: no chroot, no privilege drop, but seccomp all the same
# (Kore 4.1 turns it on in every worker either way).
flags=""
if [ "$(id -u)" -ne 0 ]; then
	flags="-n -r"
fi
sed -e "s|^\(	bind\).*|\1		127.0.0.1 $KPORT|" \
    -e "s|^root.*|root		$TOP|" \
    -e "s|^runas.*|runas		nobody|" \
    -e "s|^workers.*|workers			$(nproc)|" \
    conf/svar-production.conf.example > "$conf"
echo "pidfile			$TOP/.run/kore-hostile.pid" >> "$conf"
[ "${3:-}" = trace ] && echo "seccomp_tracing		yes" >> "$conf"

# nginx with the README's location block, in a prefix of its own.
ngx=.run/hostile-nginx
rm -rf "$ngx" && mkdir -p "$ngx/tmp"
cat > "$ngx/nginx.conf" <<EOF
daemon off;
worker_processes 1;
pid $TOP/$ngx/nginx.pid;
error_log $TOP/$ngx/error.log;
events { worker_connections 256; }
http {
	map \$uri \$svar_loggable { ~^/(r|u)/ 0; default 1; }
	access_log $TOP/$ngx/access.log combined if=\$svar_loggable;
	client_body_temp_path $TOP/$ngx/tmp/body;
	proxy_temp_path $TOP/$ngx/tmp/proxy;
	fastcgi_temp_path $TOP/$ngx/tmp/fastcgi;
	uwsgi_temp_path $TOP/$ngx/tmp/uwsgi;
	scgi_temp_path $TOP/$ngx/tmp/scgi;
	client_max_body_size 256k;
	server {
		listen 127.0.0.1:$XPORT;
		location / {
			proxy_pass http://127.0.0.1:$KPORT;
			proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
			proxy_set_header Host \$host;
		}
	}
}
EOF

# haproxy with Debian's defaults for HTTP and the README's header.
hap=.run/hostile-haproxy.cfg
HPORT=$((XPORT + 1))
cat > "$hap" <<EOF
global
	maxconn 256
defaults
	mode http
	option forwardfor
	timeout connect 5s
	timeout client 30s
	timeout server 30s
	timeout http-request 10s
frontend svar
	bind 127.0.0.1:$HPORT
	default_backend kore
backend kore
	server kore 127.0.0.1:$KPORT
EOF

. scripts/stop-pid.sh
stop() {
	[ -n "${hpid:-}" ] && stop_pid "$hpid"
	[ -n "${npid:-}" ] && stop_pid "$npid"
	[ -n "${kpid:-}" ] && stop_pid "$kpid"
	return 0
}
trap stop EXIT INT TERM

# glibc's own mmap threshold (128 KiB), held where it starts: glibc
# raises it once a process frees a large mapped block, so whether a big
# body made a worker move a buffer with mremap depended on what that
# worker had served before. Held, every worker is as a fresh one is.
# The letters' font must be inside the chroot, as in production.
mkdir -p .run/fonts
cp /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf .run/fonts/
# So must the directory of an admin's export file (README, Exports),
# writable by nobody, as /tmp is.
mkdir -p .run/hostile-export && chmod 1777 .run/hostile-export
GLIBC_TUNABLES=glibc.malloc.mmap_threshold=131072 \
SVAR_LETTER_FONT=.run/fonts/DejaVuSans.ttf \
SVAR_EXPORT_DIR=.run/hostile-export \
SVAR_DB="host=127.0.0.1 port=$PGPORT dbname=svar user=svar_app" \
SVAR_ADMIN_DB="host=127.0.0.1 port=$PGPORT dbname=svar user=svar_admin" \
SVAR_TRUSTED_PROXY=1 SVAR_BASE_URL="http://127.0.0.1:$KPORT" \
    stdbuf -oL -eL kore -f $flags -c "$conf" > "$log" 2>&1 &
kpid=$!
nginx -p "$TOP/$ngx" -c "$TOP/$ngx/nginx.conf" &
npid=$!
haproxy -db -f "$hap" &
hpid=$!
ok=0
for _ in $(seq 1 100); do
	if curl -fs "http://127.0.0.1:$KPORT/healthz" >/dev/null 2>&1 &&
	    curl -fs "http://127.0.0.1:$XPORT/healthz" >/dev/null 2>&1 &&
	    curl -fs "http://127.0.0.1:$HPORT/healthz" >/dev/null 2>&1; then
		ok=1
		break
	fi
	sleep 0.1
done
if [ "$ok" -ne 1 ]; then
	echo "hostile: Kore, nginx or haproxy did not come up" >&2
	cat "$log" "$ngx/error.log" >&2 2>/dev/null || true
	exit 1
fi

if [ -n "${3:-}" ]; then
	echo "Kore on $KPORT, nginx on $XPORT, haproxy on $HPORT; log in $log"
	wait "$kpid"
fi

rc=0
SVAR_HOSTILE_URL="http://127.0.0.1:$KPORT" \
SVAR_HOSTILE_PROXY="http://127.0.0.1:$XPORT" \
SVAR_HOSTILE_HAPROXY="http://127.0.0.1:$HPORT" \
SVAR_HOSTILE_KORE_PID="$kpid" SVAR_HOSTILE_LOG="$log" \
    python3 -m unittest discover -s tests/hostile -t tests/hostile \
    -p 'test_*.py' -v || rc=1
# Integration tests through the same module, for the paths ASan's
# allocator would hide a missing system call on: letters (an admin
# login with argon2's big allocation, the PDF and its font inside the
# chroot), waves (definitions loaded and served, respondents),
# withdrawal, and test_production.py (saves and views from a worker's
# memory, every export format downloaded). These run twice on one
# database unchanged; the whole suite went through this module once by
# hand with seccomp_tracing (README). The patterns are not globbed here.
set -f
for p in ${SVAR_HOSTILE_ONLY:-test_[lw]*.py test_production.py}; do
	SVAR_TEST_URL="http://127.0.0.1:$KPORT" \
	    python3 -m unittest discover -s tests/integration \
	    -t tests/integration -p "$p" || rc=1
done
set +f
# The pooled respondent path over TLS, not chrooted, seccomp on: its own
# one-worker Kore (test_async.py), with build/svar.so.
[ -n "${SVAR_HOSTILE_ONLY:-}" ] || SVAR_ASYNC_PRODUCTION=1 \
    SVAR_TEST_URL="http://127.0.0.1:$KPORT" \
    python3 -m unittest discover -s tests/integration \
    -t tests/integration -p test_async.py || rc=1
# Kore's parent logs every worker it loses; read that once it has stopped.
stop
kpid="" npid="" hpid=""
if grep -E "sandbox violation|\(pid: [0-9]+\).* gone|restarting worker" "$log"; then
	echo "hostile: a worker died (above, from $log)" >&2
	rc=1
fi
exit "$rc"
