# Sourced: stop_pid PID stops a process we started and its children,
# giving it five seconds (Kore under ASan can hang in its exit path).
stop_pid() {
	kill "$1" 2>/dev/null || true
	for _ in $(seq 1 50); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	pkill -KILL -P "$1" 2>/dev/null || true
	kill -KILL "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}
