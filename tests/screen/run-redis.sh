#!/bin/sh
# SPDX-License-Identifier: ISC
# Follow mode against a real redis-server: a gateway-like writer pushes
# records (tests/tools/redis-writer) while a pump-like drainer empties the
# list every second.  New records appear at the bottom under FOLLOW; Z
# pauses (PAUSED +N grows while ingest continues); G resumes; the Health
# screen shows the key with its depth, records seen and drains.
. "${top_srcdir:-.}/tests/screen/lib.sh"
command -v redis-server >/dev/null 2>&1 || { echo "SKIP: no redis-server"; exit 77; }
WRITER=$top_builddir/tests/tools/redis-writer
[ -x "$WRITER" ] || { echo "SKIP: no $WRITER"; exit 77; }
RSOCK=$WORK/redis.sock
KEY=analytics-tyk-system-analytics

redis-server --port 0 --unixsocket "$RSOCK" --unixsocketperm 700 \
    --save '' --appendonly no --daemonize yes --pidfile "$WORK/redis.pid" \
    --logfile "$WORK/redis.log" --dir "$WORK" >/dev/null || exit 99
CLEANUP='kill $(jobs -p) 2>/dev/null; kill $(cat "$WORK/redis.pid" 2>/dev/null) 2>/dev/null'
i=0
until redis-cli -s "$RSOCK" PING >/dev/null 2>&1; do
	i=$((i + 1))
	[ $i -gt 100 ] && { echo "redis-server did not start"; exit 99; }
	sleep 0.05
done

"$WRITER" push "$RSOCK" -n 100000 -r 200 "$KEY" >/dev/null 2>&1 &
WPID=$!
"$WRITER" drain "$RSOCK" -t 1000 "$KEY" >/dev/null 2>&1 &
DPID=$!

start 120 30 "unix://$RSOCK"
wait_for 'FOLLOW' && wait_for '/seq/[0-9]'
check $? follow-shows-records

# The newest record is at the bottom and keeps changing.
last() {
	capture | grep -o '/seq/[0-9]*' | tail -1 | tr -dc 0-9
}
a=$(last)
i=0
while b=$(last); [ "${b:-0}" -le "${a:-0}" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
[ "${b:-0}" -gt "${a:-0}" ]
check $? follow-moves

# Pause: the screen holds still while PAUSED +N grows.
keys Z
wait_for 'PAUSED \+[0-9]'
a=$(last)
wait_for 'PAUSED \+[1-9][0-9]'
[ "$(last)" = "$a" ]
check $? paused-screen-still
keys G
wait_for 'FOLLOW'
check $? resume

# Health: the key, its depth, records seen, drains.
keys 4
wait_for "^$KEY +[0-9,]+ .* [1-9][0-9,]* +[0-9]+\.[0-9] .* [1-9][0-9]* +[0-9.]+s$"
check $? health
wait_for '21 more watched keys absent'
check $? health-absent
# The pump stops draining: the key is flagged STUCK (its oldest record is
# much older than the drain period), with the reason below.
kill "$DPID"
wait_for "^$KEY .* STUCK$" 30 && wait_for 'is the pump stuck\? the oldest record is .* old, and it drained every'
check $? health-stuck
keys q
wait_for 'FOLLOW'

# The writer stops: the rate falls to 0/s (within ten seconds), not the
# last rate forever.  Redis goes away: DISCONNECTED, not FOLLOW.
wait_for ' [1-9][0-9,]*/s '
kill "$WPID"
wait_for ' 0/s ' 20
check $? rate-decays
kill "$(cat "$WORK/redis.pid")"
wait_for 'DISCONNECTED reconnecting'
check $? disconnected
quit

# The first connection fails: DISCONNECTED and "not connected", not
# "FOLLOW ... waiting for records".
start 100 12 "unix://$WORK/none.sock"
wait_for 'DISCONNECTED reconnecting' && wait_for 'not connected'
check $? first-connection-fails
quit
finish
