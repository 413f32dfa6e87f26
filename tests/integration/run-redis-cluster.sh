#!/bin/sh
# SPDX-License-Identifier: ISC
# A Redis Cluster of three masters on 127.0.0.1 (random ports, made with
# redis-cli --cluster create in a temp dir), read as an ACL user with read
# commands only: the gateway's 22 keys spread over the masters, both
# serializers; a snapshot from any seed equals what was pushed; --follow
# with a writer and a drainer, and a slot migrated mid-follow (SETSLOT
# MIGRATING/IMPORTING + MIGRATE + SETSLOT NODE) with nothing of that key
# lost; MONITOR shows tykscope's connections sent only read commands.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top_srcdir/tests/integration/lib-redis.sh"
. "$top_srcdir/tests/integration/lib-cluster.sh"

P=analytics-tyk-system-analytics
KEYS="$P"
for i in 0 1 2 3 4 5 6 7 8 9; do KEYS="$KEYS ${P}_$i"; done
KEYS="$KEYS ${P}_protobuf"
for i in 0 1 2 3 4 5 6 7 8 9; do KEYS="$KEYS ${P}_${i}_protobuf"; done

trap cluster_cleanup EXIT
cluster_start
echo "note: cluster ports $P0 $P1 $P2"
# tykscope reaches the nodes only through the cluster: no socket.
C=cluster:127.0.0.1:$P0
nodes_of() {	# the masters owning keys, as "port:nkeys"
	for p in $P0 $P1 $P2; do
		n=0
		for k in $KEYS; do
			[ "$(redis-cli -p $p EXISTS "$k")" = 1 ] && n=$((n + 1))
		done
		printf '%s:%s ' $p $n
	done
}

# Snapshot: 2200 records over the 22 keys, as a gateway pushes them.
# shellcheck disable=SC2086
"$WRITER" push "$C" -n 2200 -p 100 -b 1704164645 -e "$T/expect.jsonl" $KEYS \
    >/dev/null || fail "writer push"
spread=$(nodes_of)
echo "note: keys per node: $spread"
case $spread in *":0 "*) fail "keys not on every master ($spread)" ;; esac
for seed in "127.0.0.1:$P1" "127.0.0.1:1,127.0.0.1:$P2"; do
	tyk -n "redis://$seed" >"$T/snap.jsonl" 2>"$T/snap.err"
	rc=$?
	check "snapshot from $seed: exit 0" $rc -eq 0
	cmp -s "$T/expect.jsonl" "$T/snap.jsonl" &&
	    ok "snapshot from $seed: all 2200 records, as pushed" ||
	    fail "snapshot from $seed: $(wc -l <"$T/snap.jsonl") lines: $(head -3 "$T/snap.err")"
done
# A single node alone shows only its own keys (what the issue saw):
# the cluster's own CLUSTER SLOTS, not a guess, makes the difference.
n=$(tyk -n --count "redis://127.0.0.1:$P0" 2>/dev/null)
check "one seed reads the whole cluster ($n)" "$n" = 2200
# A user that may not run CLUSTER SLOTS: the MOVED replies make the map.
for p in $P0 $P1 $P2; do
	redis-cli -p $p ACL SETUSER noslots reset on ">$VIEWER_PASS" '~*' \
	    -@all +llen +lrange +lindex +ttl +type +multi +exec +auth +ping \
	    +asking >/dev/null
done
n=$(REDISCLI_AUTH=$VIEWER_PASS "$TYKSCOPE" --user noslots -n --count \
    "redis://127.0.0.1:$P0" 2>"$T/noslots.err")
check "CLUSTER SLOTS refused: MOVED alone finds all 2200 ($n)" "$n" = 2200

# --from-pump / --from-gateway: the pump's and the gateway's own files.
cat >"$T/pump.conf" <<EOF
{ "analytics_storage_type": "redis",
  "analytics_storage_config": { "type": "redis", "enable_cluster": true,
    "addrs": ["127.0.0.1:1", "127.0.0.1:$P2"], "username": "$VIEWER",
    "password": "$VIEWER_PASS", "database": 0 },
  "purge_delay": 10, "pumps": {} }
EOF
n=$("$TYKSCOPE" -n --count --from-pump "$T/pump.conf" 2>"$T/pump.err")
check "--from-pump (cluster, addrs) reads all 2200 ($n)" "$n" = 2200
grep -q "from-pump $T/pump.conf: Redis redis://$VIEWER@127.0.0.1:1,127.0.0.1:$P2/0 (cluster)" "$T/pump.err" &&
    ok "--from-pump says what it opened" || fail "--from-pump: $(cat "$T/pump.err")"
cat >"$T/tyk.conf" <<EOF
{ "listen_port": 8080, "secret": "gw-secret-9",
  "storage": { "type": "redis", "host": "127.0.0.1", "port": 1,
    "enable_cluster": true, "username": "$VIEWER", "password": "$VIEWER_PASS" },
  "enable_analytics": true }
EOF
n=$(TYK_GW_STORAGE_PORT=$P1 "$TYKSCOPE" -n --count --from-gateway "$T/tyk.conf" 2>"$T/gw.err")
check "--from-gateway with TYK_GW_STORAGE_PORT reads all 2200 ($n)" "$n" = 2200
h=$(tyk -n --health "redis://127.0.0.1:$P2" 2>&1)
echo "$h" | grep -q "\"key\":\"${P}_3\",.*\"length\":100,.*\"node\":\"127.0.0.1:$((base))[0-9]*\",\"role\":\"master\"" &&
    ok "--health names each key's node and role" || fail "--health: $(echo "$h" | grep "${P}_3\"")"
for p in $P0 $P1 $P2; do redis-cli -p $p FLUSHALL >/dev/null; done

# --follow: a writer over the 22 keys, a drainer on every key but K (a
# pump), K's slot migrated to another master half way.
K=${P}_3
kidx=4		# its position in $KEYS: seq N goes to key N % 22
slot=$(redis-cli -p $P0 CLUSTER KEYSLOT "$K")
owner=$(redis-cli -p $P0 CLUSTER NODES | awk -v s="$slot" '$3 ~ /master/ {
	for (i = 9; i <= NF; i++) { split($i, r, "-"); if (r[2] == "") r[2] = r[1];
	if (s >= r[1] && s <= r[2]) { split($2, a, "[:@]"); print a[2] } } }')
for p in $P0 $P1 $P2; do [ $p != "$owner" ] && { dest=$p; break; }; done
src_id=$(redis-cli -p "$owner" CLUSTER MYID)
dst_id=$(redis-cli -p "$dest" CLUSTER MYID)
echo "note: $K slot $slot moves from $owner to $dest"
DKEYS=$(echo $KEYS | tr ' ' '\n' | grep -vx "$K" | tr '\n' ' ')
mpids=
for p in $P0 $P1 $P2; do
	redis-cli -p $p MONITOR >"$T/mon.$p" 2>/dev/null &
	mpids="$mpids $!"
done
# shellcheck disable=SC2086
"$WRITER" drain "$C" -t 1000 $DKEYS >"$T/drained" &
dpid=$!
REDISCLI_AUTH=$VIEWER_PASS "$TYKSCOPE" --user "$VIEWER" -n --follow \
    --duration 30 "redis://127.0.0.1:$P1" >"$T/f.jsonl" 2>"$T/f.err" &
tpid=$!
sleep 0.7
# shellcheck disable=SC2086
"$WRITER" push "$C" -n 4400 -r 1500 $KEYS >"$T/push.out" &
wpid=$!
sleep 1.2
viewers=
for p in $P0 $P1 $P2; do
	viewers="$viewers $(redis-cli -p $p CLIENT LIST | sed -n "s/.* addr=\([^ ]*\) .* user=$VIEWER .*/\1/p")"
done
redis-cli -p "$dest" CLUSTER SETSLOT "$slot" IMPORTING "$src_id" >/dev/null
redis-cli -p "$owner" CLUSTER SETSLOT "$slot" MIGRATING "$dst_id" >/dev/null
sleep 0.3
m=$(redis-cli -p "$owner" MIGRATE 127.0.0.1 "$dest" "" 0 5000 KEYS "$K")
sleep 0.3
for p in $dest $owner $P0 $P1 $P2; do
	redis-cli -p $p CLUSTER SETSLOT "$slot" NODE "$dst_id" >/dev/null
done
check "MIGRATE mid-follow ($m)" "$m" = OK
wait $wpid
sleep 1.5
kill -TERM $tpid; wait $tpid
rc=$?
kill -TERM $dpid; wait $dpid
kill $mpids 2>/dev/null
wait $mpids 2>/dev/null
check "follow: exit 0" $rc -eq 0
check "$K now on $dest" "$(redis-cli -p "$dest" EXISTS "$K")" = 1
s=$(seen_seqs "$T/f.jsonl")
l=$(wc -l <"$T/f.jsonl")
d=$(sed -n 's/^drained //p' "$T/drained")
left=$(redis-cli -p "$dest" LLEN "$K")
check "drainer and $K hold all 4400 ($d + $left)" $((d + left)) -eq 4400
check "follow saw >= 99% ($s of 4400)" "$s" -ge 4356
check "no duplicates ($l lines)" "$l" -eq "$s"
ks=$(grep -o '"path":"/seq/[0-9]*"' "$T/f.jsonl" | sort -u |
    awk -F/ -v i=$kidx '{ sub(/"/, "", $3); if ($3 % 22 == i) n++ } END { print n + 0 }')
check "every record of the migrated key seen ($ks of 200)" "$ks" -eq 200
grep -q "gap: $K" "$T/f.err" && fail "a gap on the migrated key: $(grep "gap: $K" "$T/f.err")" ||
    ok "no gap on the migrated key"
grep -q "connected (cluster: 3 nodes)" "$T/f.err" &&
    ok "state: connected (cluster: 3 nodes)" || fail "state: $(head -5 "$T/f.err")"

# MONITOR: what tykscope's connections (user viewer) sent, read only.
n=0; bad=; asks=0
for a in $viewers; do
	grep -h " $a\] " "$T"/mon.* >"$T/mine" 2>/dev/null
	n=$((n + $(grep -c '"LRANGE"' "$T/mine")))
	asks=$((asks + $(grep -c '"ASKING"' "$T/mine")))
	b=$(sed 's/^[^]]*\] "\([^"]*\)".*/\1/' "$T/mine" | tr a-z A-Z | sort -u |
	    grep -vx 'MULTI\|LLEN\|LINDEX\|LRANGE\|EXEC\|TTL\|TYPE\|PING\|AUTH\|ASKING\|CLUSTER\|READONLY')
	bad="$bad$b"
done
check "MONITOR: tykscope's connections seen (${viewers:-none}; $n LRANGE)" "$n" -gt 0
check "MONITOR: only read commands (${bad:-none other})" -z "$bad"
check "MONITOR: ASKING sent while the slot was migrating ($asks)" "$asks" -gt 0
grep -h '"CLUSTER"' "$T"/mon.* | grep -v '"CLUSTER" "\(slots\|SLOTS\|myid\|MYID\|nodes\|NODES\|keyslot\|KEYSLOT\|setslot\|SETSLOT\|info\|INFO\)"' |
    head -3 | grep -q . && fail "an unexpected CLUSTER subcommand" || ok "CLUSTER: SLOTS only"

# --replica: no replicas here, so the masters serve (and say so).
n=$(tyk -n --count --replica "redis://127.0.0.1:$P0" 2>&1)
m=$(tyk -n --count "redis://127.0.0.1:$P0" 2>&1)
check "--replica without replicas reads the masters ($n = $m)" "$n" = "$m"

# A master goes away: its keys' link is down, the others' up, the state
# names it; the rest of the cluster is still read.
# shellcheck disable=SC2086
"$WRITER" push "$C" -n 220 $KEYS >/dev/null
down=$P2
kill "$(cat "$T/n2/pid")"; rm -f "$T/n2/pid"
sleep 0.3
REDISCLI_AUTH=$VIEWER_PASS "$TYKSCOPE" --user "$VIEWER" -n --follow --health \
    --duration 2.5 "redis://127.0.0.1:$P0" >"$T/down.jsonl" 2>"$T/down.err"
last=$(tail -22 "$T/down.jsonl")
nd=$(echo "$last" | grep -c "\"node\":\"127.0.0.1:$down\",\"role\":\"master\",\"link\":\"down\"")
nu=$(echo "$last" | grep -c '"link":"up"')
check "node down: its keys' link down ($nd), the others up ($nu)" "$nd.$((nd + nu))" = "$nd.22"
check "node down: some keys on it" "$nd" -gt 0
seen_up=$(echo "$last" | grep '"link":"up"' | grep -c '"records_seen":[1-9][0-9]*,')
check "node down: the other nodes' keys read ($seen_up of $nu)" "$seen_up" -eq "$nu"
grep -q "cluster: 2/3 nodes up; 127.0.0.1:$down: " "$T/down.jsonl" &&
    ok "node down: the state names it" || fail "node down state: $(echo "$last" | head -1)"

if cat "$T"/*.err | grep -q "$VIEWER_PASS"; then
	fail "a password appeared in a message"
else
	ok "passwords never printed"
fi
[ $fails -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "all redis cluster tests passed"
exit 0
