#!/bin/sh
# SPDX-License-Identifier: ISC
# The Health screen against a three-master Redis Cluster (real
# redis-servers, made by tests/integration/lib-cluster.sh): a line per
# node with its role, link and number of watched keys; when a master goes
# away its line says down and the state line names it.
. "${top_srcdir:-.}/tests/screen/lib.sh"
command -v redis-server >/dev/null 2>&1 || { echo "SKIP: no redis-server"; exit 77; }
command -v redis-cli >/dev/null 2>&1 || { echo "SKIP: no redis-cli"; exit 77; }
WRITER=$top_builddir/tests/tools/redis-writer
[ -x "$WRITER" ] || { echo "SKIP: no $WRITER"; exit 77; }
T=$WORK/cluster
VIEWER=viewer
VIEWER_PASS=view-pass-51
mkdir -p "$T"
. "$top_srcdir/tests/integration/lib-cluster.sh"
CLEANUP='for i in 0 1 2; do [ -f "$T/n$i/pid" ] && kill "$(cat "$T/n$i/pid")"; done 2>/dev/null'
cluster_start
P=analytics-tyk-system-analytics
KEYS="$P"
for i in 0 1 2 3 4 5 6 7 8 9; do KEYS="$KEYS ${P}_$i"; done
# shellcheck disable=SC2086
"$WRITER" push "cluster:127.0.0.1:$P0" -n 110 $KEYS >/dev/null || exit 99

ENV="REDISCLI_AUTH=$VIEWER_PASS"
start 110 40 --user "$VIEWER" \
    "redis://127.0.0.1:$P1"
wait_for 'FOLLOW'
check $? cluster-follows
keys 4
for p in $P0 $P1 $P2; do
	wait_for "^  node 127\.0\.0\.1:$p +master +up +[1-9][0-9]* keys?$"
	check $? "node-$((p - P0))-up"
done
wait_for 'connected \(cluster: 3 nodes\)'
check $? state-cluster
kill "$(cat "$T/n2/pid")"
wait_for "^  node 127\.0\.0\.1:$P2 +master +down +[1-9][0-9]* keys?$"
check $? node-2-down
wait_for "cluster: 2/3 nodes up; 127\.0\.0\.1:$P2: "
check $? state-names-the-node
wait_for "^  node 127\.0\.0\.1:$P0 +master +up "
check $? node-0-still-up
quit
finish
