# SPDX-License-Identifier: ISC
# Helpers for the Redis integration tests: a private redis-server on a
# unix socket in a temp dir (no TCP port, no persistence), a read-only ACL
# user for tykscope, and small assertions.  Source it; it sets $T (the
# temp dir, removed on exit), $SOCK, $WRITER and $TYKSCOPE.

command -v redis-server >/dev/null 2>&1 || { echo "redis-server not found: skip"; exit 77; }
command -v redis-cli >/dev/null 2>&1 || { echo "redis-cli not found: skip"; exit 77; }

: "${top_builddir:=$(pwd)}"
: "${TYKSCOPE:=$top_builddir/src/tykscope}"
WRITER=$top_builddir/tests/tools/redis-writer
T=$(mktemp -d "${TMPDIR:-/tmp}/tykscope-redis.XXXXXX")
SOCK=$T/redis.sock
# tykscope reads as this ACL user, which may run only the read commands.
VIEWER=viewer
VIEWER_PASS=view-pass-51
export TZ=UTC

fails=0
redis_cleanup() {
	for p in $(jobs -p); do kill "$p" 2>/dev/null; done
	redis_stop
	rm -rf "$T"
}
trap redis_cleanup EXIT

# Start (or restart) the server and create the read-only user; words of
# $REDIS_EXTRA are more server arguments (run-redis-tls.sh: a TLS port).
redis_start() {
	# shellcheck disable=SC2086
	redis-server $REDIS_EXTRA --port 0 --unixsocket "$SOCK" --unixsocketperm 700 \
	    --save '' --appendonly no --daemonize yes \
	    --pidfile "$T/redis.pid" --logfile "$T/redis.log" --dir "$T" \
	    >/dev/null || { echo "redis-server failed"; cat "$T/redis.log"; exit 99; }
	i=0
	until redis-cli -s "$SOCK" PING >/dev/null 2>&1; do
		i=$((i + 1))
		[ $i -gt 100 ] && { echo "redis-server did not start"; exit 99; }
		sleep 0.05
	done
	redis-cli -s "$SOCK" ACL SETUSER "$VIEWER" reset on ">$VIEWER_PASS" \
	    '~*' -@all +llen +lrange +lindex +ttl +type +exists +scan \
	    +multi +exec +auth +select +ping +info >/dev/null
}

redis_stop() {
	[ -f "$T/redis.pid" ] || return 0
	pid=$(cat "$T/redis.pid")
	kill "$pid" 2>/dev/null
	i=0
	while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.05; i=$((i + 1))
	done
	rm -f "$T/redis.pid"
}

rcli() {
	redis-cli -s "$SOCK" "$@"
}

# Run tykscope as the read-only user (password from REDISCLI_AUTH).
tyk() {
	REDISCLI_AUTH=$VIEWER_PASS "$TYKSCOPE" --user "$VIEWER" "$@"
}

ok() {
	echo "ok: $*"
}

fail() {
	echo "FAIL: $*"
	fails=$((fails + 1))
}

# check DESC COND...: evaluate a test(1) expression.
check() {
	desc=$1; shift
	if [ "$@" ]; then ok "$desc"; else fail "$desc ($*)"; fi
}

# Number of distinct /seq/N paths in a JSON lines file.
seen_seqs() {
	grep -o '"path":"/seq/[0-9]*"' "$1" | sort -u | wc -l | tr -d ' '
}
