#!/bin/sh
# SPDX-License-Identifier: ISC
# Push demo analytics records into a Redis you own, as a Tyk gateway would
# (msgpack values RPUSHed to analytics-tyk-system-analytics), so that
# tykscope redis://... has something to tail without a gateway.
#
#   contrib/push-demo.sh [-n COUNT] [-r RATE] [-s SEED] [-k KEY] [-p] [-f] URL
#
# URL is redis://[user:password@]host:port[/db] (as redis-cli -u takes it)
# or unix:///path/to/redis.sock.  -p pushes protobuf values (to
# analytics-tyk-system-analytics_protobuf).  Without -f it pushes
# COUNT records stamped from now; with -f it keeps pushing RATE records a
# second until interrupted.  WARNING: this writes to that Redis: never
# point it at a production gateway's Redis.  A running Tyk Pump drains the
# list as it would real traffic.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
gen=${TYKSCOPE_GEN:-$top/build/contrib/tykscope-gen}
count=100
rate=20
seed=1
key=
proto=
follow=0
while getopts n:r:s:k:pf opt; do
	case $opt in
	n) count=$OPTARG ;;
	r) rate=$OPTARG ;;
	s) seed=$OPTARG ;;
	k) key=$OPTARG ;;
	p) proto=--protobuf ;;
	f) follow=1 ;;
	*) sed -n '7,11s/^# //p' "$0" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
if [ $# -ne 1 ]; then
	sed -n '7,11s/^# //p' "$0" >&2
	exit 2
fi
url=$1
if [ -z "$key" ]; then
	key=analytics-tyk-system-analytics
	[ -n "$proto" ] && key=${key}_protobuf
fi
case $url in
unix://*) target="-s ${url#unix://}" ;;
*) target="-u $url" ;;
esac
[ -x "$gen" ] || { echo "push-demo: $gen not built (run contrib/build.sh)" >&2; exit 1; }
command -v redis-cli >/dev/null || { echo "push-demo: no redis-cli" >&2; exit 1; }

push() {
	"$gen" --seed "$1" --count "$2" --rate "$rate" \
	    --start "$(date -u +%Y-%m-%dT%H:%M:%SZ)" --key "$key" $proto \
	    --format resp --out - | redis-cli $target --pipe >/dev/null
}

if [ $follow = 0 ]; then
	push "$seed" "$count"
	echo "push-demo: pushed $count records to $key"
	exit 0
fi
echo "push-demo: pushing $rate records/s to $key; Ctrl-C to stop"
while :; do
	push "$seed" "$rate"
	seed=$((seed + 1))
	sleep 1
done
