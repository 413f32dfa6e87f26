#!/bin/sh
# SPDX-License-Identifier: ISC
# Live-tail benchmark (product.md 8, "Live tail"): a gateway-like writer
# pushes records with payloads at a fixed rate (default 50,000/s) into two
# lists while a pump-like drainer empties them every second, and
# "tykscope -n --follow" prints them.  Reports the rate tykscope showed,
# the share of records seen, and the end-to-end latency (record timestamp
# = push time, to the line arriving on tykscope's stdout).  The baseline
# is the writer's achieved rate in the same run; the drainer's count
# checks that tykscope took nothing away.
#
# Usage: bench-redis.sh [RATE [SECONDS [PAYLOAD [FORMAT]]]]  (from the build
# dir).  FORMAT is tykscope's --format: jsonl (default; every payload is
# printed, which costs as much as reading it) or tsv (no payloads printed,
# closer to what the TUI does with them).  BENCH_MODE=tls reads over a
# TLS port (rediss://, a CA made here), BENCH_MODE=cluster from a
# three-master Redis Cluster (the two keys on their masters; writer and
# drainer go through the cluster too); the default is the unix socket.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
top_builddir=${top_builddir:-$(pwd)}
. "$top_srcdir/tests/integration/lib-redis.sh"
. "$top_srcdir/tests/integration/lib-cluster.sh"

RATE=${1:-50000}
SECS=${2:-5}
PAYLOAD=${3:-700}
FORMAT=${4:-jsonl}
N=$((RATE * SECS))
K1=bench-tyk-system-analytics
K2=bench-tyk-system-analytics_1

MODE=${BENCH_MODE:-unix}
case $MODE in
tls)
	command -v openssl >/dev/null 2>&1 || { echo "no openssl: skip"; exit 77; }
	C=$T/pki; mkdir -p "$C"
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$C/ca.key" \
	    -out "$C/ca.crt" -days 2 -subj /CN=bench-ca >/dev/null 2>&1
	openssl req -newkey rsa:2048 -nodes -keyout "$C/srv.key" \
	    -out "$C/srv.csr" -subj /CN=localhost >/dev/null 2>&1
	printf 'subjectAltName=DNS:localhost\n' >"$C/srv.ext"
	openssl x509 -req -in "$C/srv.csr" -CA "$C/ca.crt" -CAkey "$C/ca.key" \
	    -CAcreateserial -days 2 -extfile "$C/srv.ext" -out "$C/srv.crt" \
	    >/dev/null 2>&1
	PORT=$((20000 + ($$ * 7) % 40000))
	REDIS_EXTRA="--tls-port $PORT --bind 127.0.0.1 --tls-cert-file $C/srv.crt \
	    --tls-key-file $C/srv.key --tls-ca-cert-file $C/ca.crt \
	    --tls-auth-clients no"
	redis_start
	W=$SOCK
	SRC="rediss://localhost:$PORT"
	set -- --tls-ca-file "$C/ca.crt"
	;;
cluster)
	trap cluster_cleanup EXIT
	cluster_start
	W=cluster:127.0.0.1:$P0
	SRC="redis://127.0.0.1:$P1"
	set --
	;;
*)
	redis_start
	W=$SOCK
	SRC="unix://$SOCK"
	set --
	;;
esac
"$WRITER" drain "$W" -t 1000 "$K1" "$K2" >"$T/drained" &
dpid=$!
mkfifo "$T/pipe"
"$WRITER" lat <"$T/pipe" >"$T/lat" &
lpid=$!
REDISCLI_AUTH=$VIEWER_PASS "$TYKSCOPE" --user "$VIEWER" -n --follow \
    --format "$FORMAT" "$@" \
    --key-prefix bench- "$SRC" 2>"$T/tyk.err" >"$T/pipe" &
tpid=$!
sleep 0.5
t0=$(date +%s.%N)
"$WRITER" push "$W" -n $N -r "$RATE" -p "$PAYLOAD" "$K1" "$K2" >/dev/null
t1=$(date +%s.%N)
sleep 2
kill -TERM $tpid
wait $tpid
wait $lpid
kill -TERM $dpid; wait $dpid
drained=$(sed -n 's/^drained //p' "$T/drained")
set -- $(cat "$T/lat")
lines=$2 uniq=$4 p50=$6 p99=$8 max=${10}
awk -v n=$N -v t0="$t0" -v t1="$t1" -v lines="$lines" -v uniq="$uniq" \
    -v p50="$p50" -v p99="$p99" -v max="$max" -v d="$drained" \
    -v payload="$PAYLOAD" -v fmt="$FORMAT" -v mode="$MODE" -v gaps="$(grep -c 'gap:' "$T/tyk.err")" 'BEGIN {
	w = t1 - t0
	printf "redis live tail (%s, %s output): %d records (payload %d B), 2 keys, drainer every 1 s\n", mode, fmt, n, payload
	printf "  writer (baseline)   %9.0f rec/s\n", n / w
	printf "  tykscope shown      %9.0f rec/s  (ratio %.3f)\n", uniq / w, uniq / n
	printf "  seen                %9.2f %%  (%d of %d; %d gap markers)\n", 100 * uniq / n, uniq, n, gaps
	printf "  drainer received    %9.2f %%  (%d of %d)\n", 100 * d / n, d, n
	printf "  latency             p50 %.1f ms  p99 %.1f ms  max %.1f ms\n", p50, p99, max
}'
