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

# A Redis Cluster of three masters on 127.0.0.1 in $T/n0..n2 (random
# ports; a port p needs p + 10000 free too, the cluster bus), with the
# read-only user; sets P0 P1 P2.  Stop it with cluster_cleanup.
mpids=
cluster_cleanup() {
	# shellcheck disable=SC2086
	kill $mpids 2>/dev/null
	for i in 0 1 2; do
		[ -f "$T/n$i/pid" ] && kill "$(cat "$T/n$i/pid")" 2>/dev/null
	done
	sleep 0.2
	rm -rf "$T"
}

cluster_start() {
	started=
	for try in 1 2 3 4 5 6; do
		base=$((20000 + ($$ * 11 + try * 1999) % 9000))
		ok_all=yes
		for i in 0 1 2; do
			mkdir -p "$T/n$i"
			redis-server --port $((base + i)) --bind 127.0.0.1 \
			    --cluster-enabled yes \
			    --cluster-config-file "$T/n$i/nodes.conf" \
			    --cluster-require-full-coverage no \
			    --cluster-node-timeout 2000 --save '' --appendonly no \
			    --daemonize yes --pidfile "$T/n$i/pid" \
			    --logfile "$T/n$i/log" --dir "$T/n$i" \
			    >/dev/null 2>&1 || ok_all=
		done
		sleep 0.3
		for i in 0 1 2; do
			j=0
			until redis-cli -p $((base + i)) PING >/dev/null 2>&1; do
				j=$((j + 1)); [ $j -gt 40 ] && { ok_all=; break; }
				sleep 0.05
			done
		done
		[ -n "$ok_all" ] && { started=yes; break; }
		for i in 0 1 2; do
			[ -f "$T/n$i/pid" ] && kill "$(cat "$T/n$i/pid")" 2>/dev/null
			rm -f "$T/n$i/pid" "$T/n$i/nodes.conf"
		done
		sleep 0.3
	done
	[ -n "$started" ] || { echo "cannot start 3 cluster nodes"; cat "$T"/n*/log; exit 99; }
	P0=$base; P1=$((base + 1)); P2=$((base + 2))
	redis-cli --cluster create 127.0.0.1:$P0 127.0.0.1:$P1 127.0.0.1:$P2 \
	    --cluster-yes >"$T/create.out" 2>&1 ||
	    { echo "cluster create failed"; cat "$T/create.out"; exit 99; }
	for p in $P0 $P1 $P2; do
		j=0
		until redis-cli -p $p CLUSTER INFO 2>/dev/null |
		    grep -q cluster_state:ok; do
			j=$((j + 1)); [ $j -gt 200 ] && { echo "cluster not ok"; exit 99; }
			sleep 0.05
		done
		redis-cli -p $p ACL SETUSER "$VIEWER" reset on ">$VIEWER_PASS" \
		    '~*' -@all +llen +lrange +lindex +ttl +type +multi +exec \
		    +auth +ping +info +cluster\|slots +asking +readonly >/dev/null
	done
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
