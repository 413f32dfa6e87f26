#!/bin/sh
# SPDX-License-Identifier: ISC
# Redis Sentinel on 127.0.0.1 (random ports, temp dir): a master, its
# replica and one sentinel with a password.  tykscope --sentinel-master
# reads the master the sentinel names, as an ACL user with read commands
# only; SENTINEL FAILOVER mid-follow: records pushed before the switch
# (to the old master) and after it (to the new one) are all seen, once.
# MONITOR on both servers shows tykscope sent only read commands.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top_srcdir/tests/integration/lib-redis.sh"

SPASS=sentinel-pass-73
mpids=
sent_cleanup() {
	kill $mpids 2>/dev/null
	for n in m r s; do
		[ -f "$T/$n.pid" ] && kill "$(cat "$T/$n.pid")" 2>/dev/null
	done
	sleep 0.2
	rm -rf "$T"
}
trap sent_cleanup EXIT

started=
for try in 1 2 3 4 5 6; do
	base=$((30000 + ($$ * 7 + try * 1499) % 9000))
	PM=$base; PR=$((base + 1)); PS=$((base + 2))
	redis-server --port $PM --bind 127.0.0.1 --unixsocket "$T/m.sock" \
	    --save '' --appendonly no --daemonize yes --pidfile "$T/m.pid" \
	    --logfile "$T/m.log" --dir "$T" --dbfilename m.rdb >/dev/null 2>&1
	redis-server --port $PR --bind 127.0.0.1 --unixsocket "$T/r.sock" \
	    --replicaof 127.0.0.1 $PM --save '' --appendonly no --daemonize yes \
	    --pidfile "$T/r.pid" --logfile "$T/r.log" --dir "$T" \
	    --dbfilename r.rdb >/dev/null 2>&1
	cat >"$T/s.conf" <<EOF
port $PS
bind 127.0.0.1
daemonize yes
pidfile $T/s.pid
logfile $T/s.log
dir $T
requirepass $SPASS
sentinel monitor mymaster 127.0.0.1 $PM 1
sentinel down-after-milliseconds mymaster 3000
sentinel failover-timeout mymaster 10000
EOF
	# redis-server is the sentinel too: no redis-sentinel package needed.
	redis-server "$T/s.conf" --sentinel >/dev/null 2>&1
	sleep 0.3
	if redis-cli -p $PM PING >/dev/null 2>&1 &&
	    redis-cli -p $PR PING >/dev/null 2>&1 &&
	    redis-cli -p $PS -a $SPASS --no-auth-warning PING >/dev/null 2>&1; then
		started=yes
		break
	fi
	for n in m r s; do
		[ -f "$T/$n.pid" ] && kill "$(cat "$T/$n.pid")" 2>/dev/null
		rm -f "$T/$n.pid"
	done
	sleep 0.3
done
[ -n "$started" ] || { echo "cannot start the servers"; cat "$T"/*.log; exit 99; }
echo "note: master $PM, replica $PR, sentinel $PS"
scli() { redis-cli -p $PS -a $SPASS --no-auth-warning "$@"; }
for p in $PM $PR; do
	redis-cli -p $p ACL SETUSER "$VIEWER" reset on ">$VIEWER_PASS" '~*' \
	    -@all +llen +lrange +lindex +ttl +type +multi +exec +auth +ping \
	    +info >/dev/null
done
# The sentinel knows the replica, and the replica is in sync.
i=0
until scli SENTINEL REPLICAS mymaster 2>/dev/null | grep -qx "$PR" &&
    redis-cli -p $PR INFO replication | grep -q master_link_status:up; do
	i=$((i + 1)); [ $i -gt 200 ] && { echo "replica not seen"; cat "$T/s.log"; exit 99; }
	sleep 0.05
done
printf '%s\n' "$SPASS" >"$T/spass"
K=analytics-tyk-system-analytics
SU=redis://127.0.0.1:1,127.0.0.1:$PS
stys() {
	REDISCLI_AUTH=$VIEWER_PASS "$TYKSCOPE" --user "$VIEWER" \
	    --sentinel-master mymaster --sentinel-password-file "$T/spass" "$@"
}
sync_replica() {	# wait until the replica has what the master has
	redis-cli -s "$1" WAIT 1 5000 >/dev/null
}

"$WRITER" push "$T/m.sock" -n 400 -r 2000 "$K" >/dev/null || fail "push 1"
sync_replica "$T/m.sock"
n=$(stys -n --count "$SU" 2>"$T/snap.err")
check "snapshot through the sentinel: 400 records ($n)" "$n" = 400
n=$(REDISCLI_AUTH=$VIEWER_PASS "$TYKSCOPE" --user "$VIEWER" -n --count \
    --sentinel-master mymaster --sentinel-password wrong "redis://127.0.0.1:$PS" 2>&1)
case $n in *"sentinel 127.0.0.1:$PS"*"auth failed"*|*"sentinel"*"WRONGPASS"*|*"sentinel"*"invalid"*)
	ok "wrong sentinel password refused" ;;
*) fail "wrong sentinel password: $n" ;; esac
n=$(stys -n --count --sentinel-master othermaster "redis://127.0.0.1:$PS" 2>&1)
case $n in *"no master named 'othermaster'"*) ok "unknown master name: said so" ;;
*) fail "unknown master: $n" ;; esac
rc=0; stys -n --count "unix://$T/m.sock" >/dev/null 2>"$T/e.unix" || rc=$?
check "--sentinel-master with a socket refused (exit $rc)" $rc -eq 2

cat >"$T/pump.conf" <<EOF
{ "analytics_storage_config": { "type": "redis", "master_name": "mymaster",
    "sentinel_password": "$SPASS", "addrs": ["127.0.0.1:$PS"],
    "enable_cluster": true, "username": "$VIEWER", "password": "$VIEWER_PASS" } }
EOF
n=$("$TYKSCOPE" -n --count --from-pump "$T/pump.conf" 2>"$T/pump.err")
check "--from-pump with master_name: through the sentinel ($n)" "$n" = 400
grep -q "Redis redis://$VIEWER@127.0.0.1:$PS/0 via sentinels" "$T/pump.err" &&
    ok "--from-pump: via sentinels" || fail "--from-pump: $(cat "$T/pump.err")"

for p in $PM $PR; do
	redis-cli -p $p MONITOR >"$T/mon.$p" 2>/dev/null &
	mpids="$mpids $!"
done
REDISCLI_AUTH=$VIEWER_PASS "$TYKSCOPE" --user "$VIEWER" --sentinel-master \
    mymaster --sentinel-password-file "$T/spass" -n --follow --duration 30 \
    "$SU" >"$T/f.jsonl" 2>"$T/f.err" &
tpid=$!
sleep 0.8
"$WRITER" push "$T/m.sock" -n 300 -s 400 -r 1000 "$K" >/dev/null || fail "push 2"
sync_replica "$T/m.sock"
sleep 0.3
viewers=
for p in $PM $PR; do
	viewers="$viewers $(redis-cli -p $p CLIENT LIST | sed -n "s/.* addr=\([^ ]*\) .* user=$VIEWER .*/\1/p")"
done
f=$(scli SENTINEL FAILOVER mymaster)
check "SENTINEL FAILOVER mid-follow ($f)" "$f" = OK
i=0
until [ "$(scli SENTINEL GET-MASTER-ADDR-BY-NAME mymaster | tail -1)" = $PR ] &&
    redis-cli -p $PR INFO replication | grep -q role:master; do
	i=$((i + 1)); [ $i -gt 300 ] && { echo "no failover"; cat "$T/s.log"; break; }
	sleep 0.05
done
"$WRITER" push "$T/r.sock" -n 300 -s 700 -r 1000 "$K" >/dev/null || fail "push 3"
sleep 2.5
for p in $PM $PR; do
	viewers="$viewers $(redis-cli -p $p CLIENT LIST | sed -n "s/.* addr=\([^ ]*\) .* user=$VIEWER .*/\1/p")"
done
kill -TERM $tpid; wait $tpid
rc=$?
kill $mpids 2>/dev/null; wait $mpids 2>/dev/null
check "follow: exit 0" $rc -eq 0
s=$(seen_seqs "$T/f.jsonl")
l=$(wc -l <"$T/f.jsonl")
check "all 1000 records, before and after the failover ($s)" "$s" -eq 1000
check "no duplicates ($l lines)" "$l" -eq "$s"
grep -q "connected (sentinel 127.0.0.1:$PS: master mymaster at 127.0.0.1:$PM)" "$T/f.err" &&
    grep -q "connected (sentinel 127.0.0.1:$PS: master mymaster at 127.0.0.1:$PR)" "$T/f.err" &&
    ok "state: the sentinel's master, before and after" || fail "state: $(cat "$T/f.err")"
n=$(stys -n --count "$SU" 2>&1)
check "snapshot after the failover: the new master's 1000 ($n)" "$n" = 1000
h=$(stys -n --health --key "$K" "$SU" 2>&1)
echo "$h" | grep -q "\"node\":\"127.0.0.1:$PR\",\"role\":\"master\"" &&
    ok "--health names the new master" || fail "--health: $h"

n=0; bad=
for a in $viewers; do
	grep -h " $a\] " "$T"/mon.* >"$T/mine" 2>/dev/null
	n=$((n + $(grep -c '"LRANGE"' "$T/mine")))
	b=$(sed 's/^[^]]*\] "\([^"]*\)".*/\1/' "$T/mine" | tr a-z A-Z | sort -u |
	    grep -vx 'MULTI\|LLEN\|LINDEX\|LRANGE\|EXEC\|TTL\|TYPE\|PING\|AUTH\|CLUSTER')
	bad="$bad$b"
done
check "MONITOR: tykscope's connections seen ($n LRANGE)" "$n" -gt 0
check "MONITOR: only read commands (${bad:-none other})" -z "$bad"

if cat "$T"/*.err | grep -q "$VIEWER_PASS\|$SPASS"; then
	fail "a password appeared in a message"
else
	ok "passwords never printed"
fi
[ $fails -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "all redis sentinel tests passed"
exit 0
