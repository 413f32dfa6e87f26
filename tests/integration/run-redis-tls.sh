#!/bin/sh
# SPDX-License-Identifier: ISC
# rediss:// against a real redis-server with a TLS port on 127.0.0.1: a
# private CA, server and client certificates made here with openssl(1).
# Trust, name checking, --tls-insecure, client certificates, and records
# equal to the plaintext (unix socket) read.  Exit 77 without
# redis-server, openssl, or a redis-server built without TLS.
top_srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$top_srcdir/tests/integration/lib-redis.sh"
command -v openssl >/dev/null 2>&1 || { echo "openssl not found: skip"; exit 77; }

# The certificates: a CA, the server's for redis.test and localhost (not
# for 127.0.0.1), and a client's.
C=$T/pki
mkdir -p "$C"
ssl() { openssl "$@" >>"$C/log" 2>&1 || { echo "openssl $1 failed"; cat "$C/log"; exit 99; }; }
ssl req -x509 -newkey rsa:2048 -nodes -keyout "$C/ca.key" -out "$C/ca.crt" \
    -days 2 -subj /CN=tykscope-test-ca
ssl req -newkey rsa:2048 -nodes -keyout "$C/srv.key" -out "$C/srv.csr" \
    -subj /CN=redis.test
printf 'subjectAltName=DNS:redis.test,DNS:localhost\n' >"$C/srv.ext"
ssl x509 -req -in "$C/srv.csr" -CA "$C/ca.crt" -CAkey "$C/ca.key" \
    -CAcreateserial -days 2 -extfile "$C/srv.ext" -out "$C/srv.crt"
ssl req -newkey rsa:2048 -nodes -keyout "$C/cli.key" -out "$C/cli.csr" \
    -subj /CN=viewer
printf 'extendedKeyUsage=clientAuth\n' >"$C/cli.ext"
ssl x509 -req -in "$C/cli.csr" -CA "$C/ca.crt" -CAkey "$C/ca.key" \
    -CAcreateserial -days 2 -extfile "$C/cli.ext" -out "$C/cli.crt"

# A free TCP port on 127.0.0.1 (TLS needs TCP): try a few.
started=
for try in 1 2 3 4 5 6 7 8; do
	PORT=$((20000 + ($$ * 7 + try * 997) % 40000))
	REDIS_EXTRA="--tls-port $PORT --bind 127.0.0.1 -::1 \
	    --tls-cert-file $C/srv.crt --tls-key-file $C/srv.key \
	    --tls-ca-cert-file $C/ca.crt --tls-auth-clients no"
	if (redis_start) >"$T/start.out" 2>&1; then
		started=yes
		break
	fi
	grep -qi "tls\|ssl" "$T/redis.log" 2>/dev/null &&
	    ! grep -qi "address already in use" "$T/redis.log" &&
	    { echo "redis-server without TLS: skip"; cat "$T/redis.log"; exit 77; }
	redis_stop
done
[ -n "$started" ] || { echo "no free port"; cat "$T/start.out"; exit 99; }
echo "note: TLS port $PORT"
U=rediss://127.0.0.1:$PORT
L=rediss://localhost:$PORT
P=analytics-tyk-system-analytics

"$WRITER" push "$SOCK" -n 1300 -p 300 -b 1704164645 -e "$T/expect.jsonl" \
    "$P" "${P}_3" "${P}_protobuf" "${P}_7_protobuf" >/dev/null ||
    fail "writer push"
tyk -n "unix://$SOCK" >"$T/plain.jsonl" 2>"$T/plain.err"
[ -s "$T/plain.jsonl" ] && cmp -s "$T/expect.jsonl" "$T/plain.jsonl" && ok "plaintext snapshot ($(wc -l <"$T/plain.jsonl") lines)" ||
    fail "plaintext snapshot differs"

# Not trusted: the system store does not hold the private CA.
tyk -n "$L" >/dev/null 2>"$T/e1"
rc=$?
check "no CA: exit 2" $rc -eq 2
grep -q "TLS with localhost:$PORT: certificate not trusted" "$T/e1" &&
    ok "no CA: says not trusted ($(cat "$T/e1"))" || fail "no CA: $(cat "$T/e1")"

# Trusted with --tls-ca-file: the same records as over the unix socket.
tyk -n --tls-ca-file "$C/ca.crt" "$L" >"$T/tls.jsonl" 2>"$T/tls.err"
rc=$?
check "--tls-ca-file: exit 0" $rc -eq 0
cmp -s "$T/plain.jsonl" "$T/tls.jsonl" &&
    ok "--tls-ca-file: snapshot equals plaintext ($(wc -l <"$T/tls.jsonl") lines)" ||
    fail "--tls-ca-file: snapshot differs ($(wc -l <"$T/tls.jsonl") lines): $(head -3 "$T/tls.err")"

# The name: the certificate is not for 127.0.0.1; --tls-server-name.
tyk -n --tls-ca-file "$C/ca.crt" "$U" >/dev/null 2>"$T/e2"
rc=$?
check "name mismatch: exit 2" $rc -eq 2
grep -q "name mismatch: the server's certificate is not for 127.0.0.1" \
    "$T/e2" && ok "name mismatch: message ($(cat "$T/e2"))" ||
    fail "name mismatch: $(cat "$T/e2")"
tyk -n --tls-ca-file "$C/ca.crt" --tls-server-name other.test "$L" \
    >/dev/null 2>"$T/e3"
grep -q "not for other.test" "$T/e3" &&
    ok "--tls-server-name other.test refused" || fail "other.test: $(cat "$T/e3")"
n=$(tyk -n --count --tls-ca-file "$C/ca.crt" --tls-server-name redis.test "$U" \
    2>"$T/sn.err")
check "--tls-server-name redis.test accepted ($n)" "$n" = 1300

# --tls-insecure: accepted, with a warning.
n=$(tyk -n --count --tls-insecure "$U" 2>"$T/ins.err")
check "--tls-insecure accepted ($n)" "$n" = 1300
grep -q "rediss://127.0.0.1:$PORT/0: --tls-insecure: the server's certificate is not verified" \
    "$T/ins.err" && ok "--tls-insecure: warning" || fail "--tls-insecure: $(cat "$T/ins.err")"

# A closed port; a plaintext server (fault-server, silent) is no TLS one.
n=$(tyk -n --count --tls-insecure "rediss://127.0.0.1:1" 2>&1)
case $n in *"cannot connect to 127.0.0.1:1"*) ok "closed port: cannot connect" ;;
*) fail "closed port: $n" ;; esac
FAULT=$top_builddir/tests/tools/fault-server
fport=$((PORT + 1))
"$FAULT" silent "$fport" >"$T/fault.out" &
fpid=$!
i=0
until grep -q ready "$T/fault.out" 2>/dev/null; do
	i=$((i + 1)); [ $i -gt 100 ] && break; sleep 0.05
done
if grep -q ready "$T/fault.out" 2>/dev/null; then
	n=$(tyk -n --count --tls-insecure "rediss://127.0.0.1:$fport" 2>&1)
	case $n in *"timed out after 2 s (TLS handshake; is this a TLS port?)"*)
		ok "not a TLS port: handshake timed out" ;;
	*) fail "not a TLS port: $n" ;; esac
else
	echo "note: port $fport busy: not-a-TLS-port case not run"
fi
kill "$fpid" 2>/dev/null; wait "$fpid" 2>/dev/null

# Client certificates required.
rcli CONFIG SET tls-auth-clients yes >/dev/null
tyk -n --tls-ca-file "$C/ca.crt" "$L" >/dev/null 2>"$T/e4"
rc=$?
check "client certificate required: exit 2" $rc -eq 2
grep -q "client certificate\|certificate required" "$T/e4" &&
    ok "no client certificate: message ($(cat "$T/e4"))" ||
    fail "no client certificate: $(cat "$T/e4")"
tyk -n --tls-ca-file "$C/ca.crt" --tls-cert-file "$C/cli.crt" \
    --tls-key-file "$C/cli.key" "$L" >"$T/mtls.jsonl" 2>"$T/mtls.err"
rc=$?
check "mutual TLS: exit 0" $rc -eq 0
cmp -s "$T/plain.jsonl" "$T/mtls.jsonl" &&
    ok "mutual TLS: snapshot equals plaintext" ||
    fail "mutual TLS: differs: $(head -3 "$T/mtls.err")"
n=$(tyk -n --count --tls-ca-file "$C/ca.crt" --tls-key-file "$C/cli.key" "$L" 2>&1)
case $n in *"--tls-key-file needs --tls-cert-file"*) ok "key without certificate refused" ;;
*) fail "key without certificate: $n" ;; esac

# --follow over TLS sees what a writer pushes, as over the socket.
K1=tlsf-tyk-system-analytics
tyk -n --follow --duration 4 --key "$K1" --tls-ca-file "$C/ca.crt" \
    --tls-cert-file "$C/cli.crt" --tls-key-file "$C/cli.key" "$L" \
    >"$T/f.jsonl" 2>"$T/f.err" &
tpid=$!
tyk -n --follow --duration 4 --key "$K1" "unix://$SOCK" >"$T/fp.jsonl" \
    2>"$T/fp.err" &
ppid=$!
sleep 0.5
"$WRITER" push "$SOCK" -n 600 -r 300 "$K1" >/dev/null
wait $tpid
rc=$?
wait $ppid
check "--follow over TLS: exit 0" $rc -eq 0
check "--follow over TLS: all 600 records seen" "$(seen_seqs "$T/f.jsonl")" -eq 600
[ -s "$T/f.jsonl" ] && cmp -s "$T/f.jsonl" "$T/fp.jsonl" && ok "--follow over TLS: records equal plaintext" ||
    fail "--follow over TLS: differs from plaintext"
grep -q ": connected$" "$T/f.err" && ! grep -q "gap:\|reconnect" "$T/f.err" &&
    ok "--follow over TLS: connected, no gap" || fail "--follow: $(cat "$T/f.err")"

# --from-pump: the pump's TLS settings (CA, client certificate: the server
# still requires one) and its user.
cat >"$T/pump.conf" <<EOF
{ "analytics_storage_type": "redis",
  "analytics_storage_config": { "type": "redis", "host": "localhost",
    "port": 1, "username": "$VIEWER", "password": "$VIEWER_PASS",
    "database": 0, "use_ssl": true, "ssl_ca_file": "$C/ca.crt",
    "ssl_cert_file": "$C/cli.crt", "ssl_key_file": "$C/cli.key",
    "redis_key_prefix": "analytics-" },
  "pumps": {
    "mongo": { "type": "mongo", "meta": { "collection_name": "tyk_analytics",
      "mongo_url": "mongodb://tyk:mongo-pass-31@127.0.0.1:1/tyk_analytics" } },
    "mongo-pump-aggregate": { "meta": {
      "mongo_url": "mongodb://tyk:mongo-pass-31@127.0.0.1:1/tyk_analytics" } },
    "sql": { "type": "sql", "meta": { "type": "postgres",
      "connection_string": "host=127.0.0.1 port=1 user=tyk password=sql-pass-17" } },
    "sql_aggregate": { "type": "sql_aggregate", "meta": { "type": "postgres",
      "connection_string": "host=127.0.0.1 port=1 user=tyk password=sql-pass-17" } },
    "lite": { "type": "sql", "meta": { "type": "sqlite",
      "connection_string": "/tmp/tyk.db" } },
    "stdout": { "type": "stdout", "meta": {} } } }
EOF
sed '/"pumps"/,$d' "$T/pump.conf" | sed '$s/,$//' >"$T/pump-redis.conf"
echo "}" >>"$T/pump-redis.conf"
n=$(TYK_PMP_ANALYTICSSTORAGECONFIG_PORT=$PORT "$TYKSCOPE" -n --count \
    --from-pump "$T/pump-redis.conf" 2>"$T/pump.err")
check "--from-pump over TLS, port from TYK_PMP_*: 1300 ($n $(tail -1 "$T/pump.err"))" "$n" = 1300
grep -q "Redis rediss://$VIEWER@localhost:$PORT/0 (TLS)" "$T/pump.err" &&
    ok "--from-pump: rediss with the pump's CA" || fail "--from-pump: $(cat "$T/pump.err")"
TYK_PMP_ANALYTICSSTORAGECONFIG_PORT=$PORT "$TYKSCOPE" -n --count \
    --from-pump "$T/pump.conf" >/dev/null 2>"$T/pumps.err"
grep -q "pump mongo (mongo): Mongo mongodb://tyk@127.0.0.1:1/tyk_analytics; pump mongo-pump-aggregate (mongo-pump-aggregate): the same mongodb://tyk@127.0.0.1:1/tyk_analytics; pump sql (sql): PostgreSQL host=127.0.0.1 port=1 user=tyk; pump sql_aggregate (sql_aggregate): the same host=127.0.0.1 port=1 user=tyk; pump lite (sql): skipped: no sqlite source in this build" \
    "$T/pumps.err" && ok "--from-pump: Mongo and PostgreSQL opened once each, SQLite skipped" ||
    fail "--from-pump pumps: $(cat "$T/pumps.err")"
grep -q "mongodb://tyk@127.0.0.1:1/tyk_analytics: server selection failed" "$T/pumps.err" &&
    ok "--from-pump: the Mongo source was opened" || fail "mongo not opened: $(cat "$T/pumps.err")"
grep -q "host=127.0.0.1 port=1 user=tyk: cannot connect" "$T/pumps.err" &&
    ok "--from-pump: the PostgreSQL source was opened" || fail "pg not opened: $(cat "$T/pumps.err")"
n=$("$TYKSCOPE" -n --count --from-pump "$T/nonexistent.conf" 2>&1)
case $n in *"--from-pump $T/nonexistent.conf: No such file"*) ok "--from-pump: missing file" ;;
*) fail "missing file: $n" ;; esac
printf '{"analytics_storage_config": {"password": "json-pass-5" ' >"$T/bad.conf"
n=$("$TYKSCOPE" -n --count --from-pump "$T/bad.conf" 2>&1)
case $n in *"not a JSON object (JSON syntax error)"*) ok "--from-pump: bad JSON" ;;
*) fail "bad JSON: $n" ;; esac
if cat "$T/pumps.err" "$T/pump.err" | grep -q "mongo-pass-31\|sql-pass-17\|json-pass-5" ||
    echo "$n" | grep -q json-pass-5; then
	fail "a secret of the pump's file was printed"
else
	ok "--from-pump: no secret of the file printed"
fi

# A TLS Redis Cluster (tls-cluster yes), its nodes' certificate for
# 127.0.0.1: read through one TLS seed, the slot map over TLS gives the
# TLS ports; the writer uses the plaintext ports.
printf 'subjectAltName=IP:127.0.0.1\n' >"$C/node.ext"
ssl req -newkey rsa:2048 -nodes -keyout "$C/node.key" -out "$C/node.csr" \
    -subj /CN=127.0.0.1
ssl x509 -req -in "$C/node.csr" -CA "$C/ca.crt" -CAkey "$C/ca.key" \
    -CAcreateserial -days 2 -extfile "$C/node.ext" -out "$C/node.crt"
CLUSTER_TLS="$C/node.crt $C/node.key $C/ca.crt"
Tsave=$T; T=$T/tlscluster; mkdir -p "$T"
. "$top_srcdir/tests/integration/lib-cluster.sh"
trap 'T=$Tsave/tlscluster; cluster_cleanup; T=$Tsave; redis_cleanup' EXIT
cluster_start
T=$Tsave
echo "note: TLS cluster ports $TP0 $TP1 $TP2 (plaintext $P0 $P1 $P2)"
CK=
for i in 0 1 2 3 4 5 6 7 8 9; do CK="$CK ${P}_$i"; done
# shellcheck disable=SC2086
"$WRITER" push "cluster:127.0.0.1:$P0" -n 1000 -p 100 -b 1704164645 \
    -e "$T/cexpect.jsonl" $CK >/dev/null || fail "cluster writer push"
tyk -n --tls-ca-file "$C/ca.crt" "rediss://127.0.0.1:$TP1" \
    >"$T/ctls.jsonl" 2>"$T/ctls.err"
rc=$?
check "TLS cluster: exit 0" $rc -eq 0
cmp -s "$T/cexpect.jsonl" "$T/ctls.jsonl" &&
    ok "TLS cluster: all 1000 records from the 3 masters, as pushed" ||
    fail "TLS cluster: $(wc -l <"$T/ctls.jsonl") lines: $(head -3 "$T/ctls.err")"
h=$(tyk -n --health --tls-ca-file "$C/ca.crt" "rediss://127.0.0.1:$TP2" 2>&1)
n=$(echo "$h" | grep -c "\"node\":\"127.0.0.1:\($TP0\|$TP1\|$TP2\)\",\"role\":\"master\",\"link\":\"up\"")
check "TLS cluster: every key on a TLS port, link up ($n of 22)" "$n" -eq 22
tyk -n --count "rediss://127.0.0.1:$TP0" >/dev/null 2>"$T/cnoca.err"
grep -q "certificate not trusted" "$T/cnoca.err" &&
    ok "TLS cluster without the CA: not trusted" || fail "TLS cluster no CA: $(cat "$T/cnoca.err")"

if cat "$T"/e? "$T"/*.err | grep -q "$VIEWER_PASS"; then
	fail "a password appeared in a message"
else
	ok "passwords never printed"
fi

[ $fails -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "all redis TLS tests passed"
exit 0
