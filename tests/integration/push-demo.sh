#!/bin/sh
# SPDX-License-Identifier: ISC
# contrib/push-demo.sh against a private redis-server on a unix socket:
# the RESP stream of tykscope-gen --format resp lands as msgpack values.
: "${top_srcdir:=.}"
: "${top_builddir:=.}"
: "${TYKSCOPE_GEN:=$top_builddir/contrib/tykscope-gen}"
command -v redis-server >/dev/null 2>&1 || { echo "SKIP: no redis-server"; exit 77; }
command -v redis-cli >/dev/null 2>&1 || { echo "SKIP: no redis-cli"; exit 77; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/tykscope-push.XXXXXX")
sock=$dir/redis.sock
redis-server --port 0 --unixsocket "$sock" --save '' --appendonly no \
    --dir "$dir" --daemonize yes --pidfile "$dir/redis.pid" >/dev/null
trap 'kill "$(cat "$dir/redis.pid" 2>/dev/null)" 2>/dev/null; rm -rf "$dir"' EXIT INT TERM
i=0
until redis-cli -s "$sock" ping >/dev/null 2>&1; do
	i=$((i + 1))
	[ $i -gt 50 ] && { echo "FAIL redis-server did not start"; exit 1; }
	sleep 0.1
done
pass=0
fail=0
check() {
	if [ "$2" = "$3" ]; then
		echo "ok $1"
		pass=$((pass + 1))
	else
		echo "FAIL $1: got '$2', want '$3'"
		fail=$((fail + 1))
	fi
}
TYKSCOPE_GEN=$TYKSCOPE_GEN "$top_srcdir/contrib/push-demo.sh" -n 150 \
    "unix://$sock" >/dev/null 2>&1 || true
check "llen" "$(redis-cli -s "$sock" llen analytics-tyk-system-analytics)" 150
# The values are the msgpack of --format msgpack, byte for byte.
"$TYKSCOPE_GEN" --count 1 --format msgpack --out "$dir/one.mp"
want=$(tail -c +5 "$dir/one.mp" | od -An -v -tx1 | tr -d ' \n' | head -c 64)
redis-cli -s "$sock" --raw lindex analytics-tyk-system-analytics 0 | \
    head -c "$(($(wc -c <"$dir/one.mp") - 4))" >"$dir/got.mp"
check "first value" "$(od -An -v -tx1 "$dir/got.mp" | tr -d ' \n' | head -c 64)" \
    "$want"
TYKSCOPE_GEN=$TYKSCOPE_GEN "$top_srcdir/contrib/push-demo.sh" -n 10 \
    -k analytics-tyk-system-analytics_3 "unix://$sock" >/dev/null 2>&1 || true
check "other key" "$(redis-cli -s "$sock" llen analytics-tyk-system-analytics_3)" 10
TYKSCOPE_GEN=$TYKSCOPE_GEN "$top_srcdir/contrib/push-demo.sh" -n 7 -p \
    "unix://$sock" >/dev/null 2>&1 || true
check "protobuf key" \
    "$(redis-cli -s "$sock" llen analytics-tyk-system-analytics_protobuf)" 7
echo "$pass passed, $fail failed"
[ $fail = 0 ]
