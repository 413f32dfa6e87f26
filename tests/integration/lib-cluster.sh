# SPDX-License-Identifier: ISC
# A Redis Cluster for the tests: source it after setting $T (a temp dir),
# $VIEWER and $VIEWER_PASS (lib-redis.sh sets them).
# A Redis Cluster of three masters on 127.0.0.1 in $T/n0..n2 (random
# ports; a port p needs p + 10000 free too, the cluster bus), with the
# read-only user; sets P0 P1 P2.  Stop it with cluster_cleanup.  With
# CLUSTER_TLS="CERT KEY CA" the nodes also have TLS ports TP0 TP1 TP2
# (tls-cluster yes: the bus and CLUSTER SLOTS over TLS speak TLS); the
# plaintext ports stay, for the test's writer.
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
			tls=
			if [ -n "${CLUSTER_TLS:-}" ]; then
				set -- $CLUSTER_TLS
				tls="--tls-port $((base + 3 + i)) --tls-cluster yes
				    --tls-cert-file $1 --tls-key-file $2
				    --tls-ca-cert-file $3 --tls-auth-clients no"
			fi
			# shellcheck disable=SC2086
			redis-server --port $((base + i)) --bind 127.0.0.1 $tls \
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
	TP0=$((base + 3)); TP1=$((base + 4)); TP2=$((base + 5))
	pre=
	cr="127.0.0.1:$P0 127.0.0.1:$P1 127.0.0.1:$P2"
	if [ -n "${CLUSTER_TLS:-}" ]; then
		set -- $CLUSTER_TLS
		pre="--tls --cacert $3"
		cr="127.0.0.1:$TP0 127.0.0.1:$TP1 127.0.0.1:$TP2"
	fi
	# shellcheck disable=SC2086
	redis-cli $pre --cluster create $cr --cluster-yes >"$T/create.out" 2>&1 ||
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
