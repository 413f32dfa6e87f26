#!/bin/sh
# SPDX-License-Identifier: ISC
# The live MongoDB source (mongodb://) against CongoDB, a MongoDB-wire test
# server in node (toolchain.md 5), started here on 127.0.0.1 and stopped on
# exit.  The server is loaded with demo records (tests/tools/mongo-load,
# the same documents tykscope-gen writes to .bson files) and a stored
# aggregate fixture; every answer from the database is compared with the
# answer from the same documents read as files.
#
# CongoDB is installed once into $top_builddir/tests/congodb with the
# pinned recipe.  Skips (77) only when node or npm is missing or the npm
# registry cannot be reached.
set -u
: "${top_srcdir:=.}"
: "${top_builddir:=.}"
top_srcdir=$(cd "$top_srcdir" && pwd)
top_builddir=$(cd "$top_builddir" && pwd)
: "${TYKSCOPE:=$top_builddir/src/tykscope}"
: "${TYKSCOPE_GEN:=$top_builddir/contrib/tykscope-gen}"
T=$TYKSCOPE
LOAD=$top_builddir/tests/tools/mongo-load
CONGO=$top_builddir/tests/congodb
AGGFIX=$top_srcdir/tests/fixtures/dump/tyk_analytics/z_tyk_analyticz_aggregate_5e9d9544a1dcd60001d0ed20.bson
APIS=$top_srcdir/tests/fixtures/dump/tyk_analytics/tyk_apis.bson
export TZ=UTC LC_ALL=C.UTF-8 NO_COLOR=1 TYKSCOPE_CONFIG=/dev/null
pass=0
fail=0
pid=

for tool in node npm; do
	if ! command -v $tool >/dev/null 2>&1; then
		echo "SKIP: $tool not found (CongoDB needs node and npm)"
		exit 77
	fi
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/tykscope-mongo.XXXXXX")
cleanup() {
	if [ -n "$pid" ]; then
		kill "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	fi
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# Install CongoDB (toolchain.md 5): the smartmongo 2.2.0 tarball only,
# plus its pinned dependencies.
if [ ! -f "$CONGO/.installed" ]; then
	rm -rf "$CONGO"
	mkdir -p "$CONGO"
	if ! (cd "$CONGO" && npm init -y >/dev/null &&
	    npm pack --silent @push.rocks/smartmongo@2.2.0 >npm.log 2>&1 &&
	    tar xzf push.rocks-smartmongo-2.2.0.tgz &&
	    npm install --no-audit --no-fund --loglevel=error \
	    bson@6.10.4 mingo@7.2.7 @push.rocks/smartfs@1.5.0 \
	    @push.rocks/smartpath@5.1.0 @push.rocks/smartpromise@4.2.3 \
	    @push.rocks/smartrx@3.0.10 >>npm.log 2>&1); then
		tail -5 "$CONGO/npm.log"
		if ! npm ping >/dev/null 2>&1; then
			echo "SKIP: the npm registry is unreachable; CongoDB" \
			    "cannot be installed"
			rm -rf "$CONGO"
			exit 77
		fi
		echo "FAIL: CongoDB install failed (log above)"
		rm -rf "$CONGO"
		exit 1
	fi
	cat >"$CONGO/server.mjs" <<'JS'
import { CongoServer } from './package/dist_ts/congodb/index.js';
const s = new CongoServer({ port: Number(process.argv[2]), host: '127.0.0.1' });
await s.start();
console.log('listening');
process.on('SIGTERM', async () => { await s.stop(); process.exit(0); });
JS
	touch "$CONGO/.installed"
fi

# Start it on a free port: pick one, retry on a conflict.
port=
for try in 1 2 3 4 5 6 7 8; do
	p=$(( 20000 + ($$ * 7 + try * 7919 + $(date +%N | sed 's/^0*//;s/^$/0/') / 1000) % 40000 ))
	(cd "$CONGO" && exec node server.mjs "$p") >"$WORK/server.log" 2>&1 &
	pid=$!
	i=0
	while [ $i -lt 100 ]; do
		if grep -qs listening "$WORK/server.log"; then
			port=$p
			break
		fi
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	[ -n "$port" ] && break
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	pid=
done
if [ -z "$port" ]; then
	echo "FAIL: CongoDB did not start"
	cat "$WORK/server.log"
	exit 1
fi
U=mongodb://127.0.0.1:$port/tyk_analytics
echo "CongoDB on 127.0.0.1:$port"

ok() {
	echo "ok $1"
	pass=$((pass + 1))
}
bad() {
	echo "FAIL $1"
	fail=$((fail + 1))
}
# Drop the source positions (they name the file or the collection).
nopos() {
	sed -E 's/"source":"[^"]*"/"source":""/'
}

# The records: 2000 of seed 7 in tyk_analytics, 300 of seed 8 in a
# per-org collection, stored aggregates, and a collection that is not
# Tyk's (skipped).
"$TYKSCOPE_GEN" --seed 7 --count 2000 --format bson --out "$WORK/a.bson"
"$TYKSCOPE_GEN" --seed 8 --count 300 --start 2024-02-29T10:00:30Z \
    --format bson --out "$WORK/b.bson"
"$LOAD" "$U" tyk_analytics --demo 7 2000 >/dev/null || exit 1
"$LOAD" "$U" z_tyk_analyticz_5e9d9544a1dcd60001d0ed20 --demo 8 300 \
    1709200830 >/dev/null || exit 1
"$LOAD" "$U" z_tyk_analyticz_aggregate_5e9d9544a1dcd60001d0ed20 \
    --file "$AGGFIX" >/dev/null || exit 1
"$LOAD" "$U" tyk_apis --file "$APIS" >/dev/null || exit 1
FILES="$WORK/a.bson $WORK/b.bson"

# Same records, field for field, but for the position.
"$T" -n "$U" >"$WORK/m.jsonl" 2>"$WORK/m.err"
st=$?
"$T" -n $FILES >"$WORK/f.jsonl" 2>/dev/null
nopos <"$WORK/m.jsonl" | sort >"$WORK/m.s"
nopos <"$WORK/f.jsonl" | sort >"$WORK/f.s"
n=$(wc -l <"$WORK/m.s")
if [ $st = 0 ] && [ "$n" -gt 2000 ] && cmp -s "$WORK/m.s" "$WORK/f.s" &&
    [ ! -s "$WORK/m.err" ]; then
	ok "jsonl equals the files ($n records)"
else
	bad "jsonl differs from the files (status $st, $n records)"
	diff "$WORK/m.s" "$WORK/f.s" | head -5
	head -5 "$WORK/m.err"
fi
if grep -q '"source":"mongodb:tyk_analytics.tyk_analytics:0"' \
    "$WORK/m.jsonl" && grep -q \
    '"source":"mongodb:tyk_analytics.z_tyk_analyticz_5e9d9544a1dcd60001d0ed20:0"' \
    "$WORK/m.jsonl"; then
	ok "positions are mongodb:DB.COLLECTION:N"
else
	bad "positions"
fi

# Filters and time ranges: the same selection as offline.
same() {
	name=$1
	shift
	"$T" -n --format tsv "$@" "$U" 2>"$WORK/e1" | cut -f1-12 |
	    sort >"$WORK/s1"
	"$T" -n --format tsv "$@" $FILES 2>"$WORK/e2" | cut -f1-12 |
	    sort >"$WORK/s2"
	c1=$("$T" -n --count "$@" "$U" 2>/dev/null)
	c2=$("$T" -n --count "$@" $FILES 2>/dev/null)
	if cmp -s "$WORK/s1" "$WORK/s2" && [ "$c1" = "$c2" ]; then
		ok "$name ($c1 records)"
	else
		bad "$name: $c1 records, $c2 offline"
		diff "$WORK/s1" "$WORK/s2" | head -5
		head -3 "$WORK/e1"
	fi
}
same "count" -f ''
same "status:5xx" -f 'status:5xx'
same "status list" -f 'status:500|404|>=502'
same "status negated" -f '!status:200'
same "org and api" -f 'org:=5e9d9544a1dcd60001d0ed20 api:Petstore'
same "api id or name" -f 'api:=b4ea4fd3b7f84c0b4c4b1e5d1f0a7c21|Payments'
same "key substring" -f 'key:d6'
same "empty key" -f 'key:='
same "unindexed field" -f 'method:POST path:~^/pet'
same "payload field" -f 'detailed:yes reqbody:a'
same "--since/--until" --since 2024-02-29T10:00:20Z \
    --until 2024-02-29T10:00:50Z
same "--since relative" --since -10s
same "--until relative" --until -70s
same "time tokens" -f 'since:2024-02-29T10:00:30 until:2024-02-29T10:01'
same "relative time token" -f 'time:-30s status:>=400'
"$T" -n --aggregate -f 'status:4xx|5xx' "$U" >"$WORK/a1" 2>&1
"$T" -n --aggregate -f 'status:4xx|5xx' $FILES >"$WORK/a2" 2>&1
if [ -s "$WORK/a1" ] && cmp -s "$WORK/a1" "$WORK/a2"; then
	ok "--aggregate"
else
	bad "--aggregate"
	diff "$WORK/a1" "$WORK/a2" | head -5
fi

# The push-down reaches the server (the -v log has the find filter).
"$T" -n -v "$WORK/log" --count -f 'status:5xx org:=x1 key:=k1' \
    --since 2024-02-29T10:00:20Z "$U" >/dev/null 2>&1
if grep -q 'find tyk_analytics.tyk_analytics .*timestamp.*responsecode.*orgid.*apikey.*"projection" : { "rawrequest" : 0, "rawresponse" : 0 }' \
    "$WORK/log"; then
	ok "push-down in the find filter, payloads left on the server"
else
	bad "push-down not in the find filter"
	grep find "$WORK/log" | head -3
fi

# Stored aggregates: as read from the fixture file; raw collections are
# not read for --stored alone.
"$T" -n --aggregate --stored -v "$WORK/log2" "$U" >"$WORK/a1" 2>&1
st=$?
"$T" -n --aggregate --stored "$AGGFIX" >"$WORK/a2" 2>&1
if [ $st = 0 ] && [ -s "$WORK/a1" ] && cmp -s "$WORK/a1" "$WORK/a2" &&
    ! grep -q 'find tyk_analytics.tyk_analytics' "$WORK/log2"; then
	ok "--aggregate --stored"
else
	bad "--aggregate --stored (status $st)"
	diff "$WORK/a1" "$WORK/a2" | head -5
fi
"$T" -n --aggregate --reconcile "$U" >"$WORK/r1" 2>&1
st1=$?
"$T" -n --aggregate --reconcile $FILES "$AGGFIX" >"$WORK/r2" 2>&1
st2=$?
if [ $st1 = $st2 ] && cmp -s "$WORK/r1" "$WORK/r2"; then
	ok "--aggregate --reconcile"
else
	bad "--aggregate --reconcile (status $st1, offline $st2)"
	diff "$WORK/r1" "$WORK/r2" | head -5
fi

# Server-side summaries: aggregation pipelines ($match, $group) on the
# server, no record fetched; the totals, their latencies and the per-API
# hits are those computed from the records (as run-pg.sh checks).
ORGS='org:=5e9d9544a1dcd60001d0ed20|=62a0f0c1b3e4d5000190a7c3'
"$T" -n --aggregate --summary -v "$WORK/log3" -f "$ORGS" "$U" \
    >"$WORK/su1" 2>"$WORK/su.err"
st=$?
"$T" -n --aggregate -f "$ORGS" $FILES >"$WORK/su2" 2>&1
strip() {
	sed -E 's/"timeid":\{[^}]*\},//; s/"expireAt":"[^"]*",//; s/"errormap":\{[^}]*\}//g; s/"errorlist":\[[^]]*\]//g'
}
totals() {
	strip | sed -E 's/^\{"orgid":"([^"]*)","timestamp":"([^"]*)",[^{]*"total":\{"hits":([0-9]*),"success":([0-9]*),"errortotal":([0-9]*),"requesttime":[^,]*,"totalrequesttime":([^,]*),[^{}]*"maxlatency":([0-9]*),[^{}]*"totallatency":([0-9]*),"latency":([^,]*),.*/\1 \2 \3 \4 \5 \6 \7 \8 \9/'
}
apis() {
	grep -o '"[0-9a-f]\{32\}":{"hits":[0-9]*,"success":[0-9]*,"errortotal":[0-9]*' | sort
}
totals <"$WORK/su1" >"$WORK/su1.t"
totals <"$WORK/su2" >"$WORK/su2.t"
apis <"$WORK/su1" >"$WORK/su1.a"
apis <"$WORK/su2" >"$WORK/su2.a"
if [ $st = 0 ] && [ "$(wc -l <"$WORK/su1.t")" -ge 2 ] &&
    cmp -s "$WORK/su1.t" "$WORK/su2.t" && [ -s "$WORK/su1.a" ] &&
    cmp -s "$WORK/su1.a" "$WORK/su2.a" &&
    grep -q 'server-side summaries' "$WORK/su.err" &&
    grep -q 'aggregate tyk_analytics.tyk_analytics .*"\$match".*"\$group"' \
    "$WORK/log3" && ! grep -q 'find tyk_analytics.tyk_analytics' \
    "$WORK/log3"; then
	ok "--aggregate --summary: computed by the server, as from the records"
else
	bad "--aggregate --summary (status $st)"
	diff "$WORK/su1.t" "$WORK/su2.t" | head -4
	diff "$WORK/su1.a" "$WORK/su2.a" | head -4
	cat "$WORK/su.err"
fi
# The same traffic as run-pg.sh's table (seed 7): the same summaries,
# byte for byte, as PostgreSQL's GROUP BY printed them.
SU=mongodb://127.0.0.1:$port/summary
"$LOAD" "$SU" tyk_analytics --demo 7 2000 >/dev/null || exit 1
"$T" -n --aggregate --summary -f "$ORGS" "$SU" >"$WORK/su3" 2>/dev/null
st=$?
if [ $st = 0 ] && cmp -s "$WORK/su3" "$top_srcdir/tests/fixtures/summary-seed7.jsonl"; then
	ok "--summary: as PostgreSQL's for the same traffic"
else
	bad "--summary differs from PostgreSQL's (status $st)"
	cmp "$WORK/su3" "$top_srcdir/tests/fixtures/summary-seed7.jsonl"
fi
"$T" -n --aggregate --summary -f 'ua:curl' "$U" >"$WORK/o" 2>"$WORK/e"
st=$?
"$T" -n --aggregate --summary -f '!status:200' "$U" >"$WORK/o" 2>"$WORK/e2"
st2=$?
"$T" -n --aggregate --summary $FILES >"$WORK/o" 2>"$WORK/e3"
st3=$?
if [ $st = 2 ] && grep -q 'the filter cannot be computed on the server' \
    "$WORK/e" && [ $st2 = 2 ] && grep -q 'cannot be computed' "$WORK/e2" &&
    [ $st3 = 2 ] && grep -q 'needs a PostgreSQL or MongoDB source' \
    "$WORK/e3"; then
	ok "--summary: only a pushed-down filter, only a database"
else
	bad "--summary refusals: $st $st2 $st3"
	cat "$WORK/e" "$WORK/e2" "$WORK/e3"
fi

# A document that is not a usable record is a bad record with its
# position; the others are read.
X=mongodb://127.0.0.1:$port/bad
"$LOAD" "$X" tyk_analytics --json \
    '{"method":"GET","path":"/a","responsecode":200,"timestamp":{"$date":"2024-02-29T10:00:00Z"}}' \
    '{"method":"GET","path":"/b","responsecode":500,"timestamp":"yesterday"}' \
    '{"method":"GET","path":"/c","responsecode":200,"timestamp":{"$date":"2024-02-29T10:00:01Z"}}' \
    >/dev/null || exit 1
"$T" -n --format tsv "$X" >"$WORK/o" 2>"$WORK/e"
st=$?
if [ $st = 0 ] && [ "$(wc -l <"$WORK/o")" = 3 ] &&
    grep -q 'mongodb:bad.tyk_analytics:[0-9]*: bad record: unusable timestamp' \
    "$WORK/e"; then
	ok "bad document: a bad record, the others read"
else
	bad "bad document: status $st"
	cat "$WORK/o" "$WORK/e"
fi

# --health: one line per collection read.
"$T" -n --health "$U" >"$WORK/h" 2>&1
st=$?
if [ $st = 0 ] && [ "$(wc -l <"$WORK/h")" = 2 ] && grep -q \
    '"collection":"tyk_analytics.tyk_analytics","source":"mongodb:tyk_analytics.tyk_analytics","kind":"raw","documents":1905,"bad":0,"newest":"2024-02-29T10:01:35' \
    "$WORK/h"; then
	ok "--health"
else
	bad "--health (status $st)"
	cat "$WORK/h"
fi

# Errors: exit 2 with a message, fast; the password never shown.
t0=$(date +%s%N)
"$T" -n "mongodb://tyk:SeCrEtPw@127.0.0.1:1/tyk_analytics" \
    >"$WORK/o" 2>"$WORK/e"
st=$?
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
if [ $st = 2 ] && grep -q 'server selection failed' "$WORK/e" &&
    grep -q 'mongodb://tyk@127.0.0.1:1/tyk_analytics' "$WORK/e" &&
    ! grep -q SeCrEtPw "$WORK/e" && [ $ms -lt 6000 ]; then
	ok "unreachable server: exit 2 in $ms ms"
else
	bad "unreachable server: status $st in $ms ms"
	cat "$WORK/e"
fi
"$T" -n "mongodb://127.0.0.1:$port/no_such_db" >"$WORK/o" 2>"$WORK/e"
st=$?
if [ $st = 2 ] && grep -q "database 'no_such_db' has no collections" \
    "$WORK/e"; then
	ok "wrong database: exit 2"
else
	bad "wrong database: status $st"
	cat "$WORK/e"
fi
"$LOAD" "mongodb://127.0.0.1:$port/other" tyk_apis --file "$APIS" \
    >/dev/null || exit 1
"$T" -n "mongodb://127.0.0.1:$port/other" >"$WORK/o" 2>"$WORK/e"
st=$?
if [ $st = 2 ] && grep -q \
    "no Tyk analytics collections in database 'other' (it has tyk_apis)" \
    "$WORK/e"; then
	ok "database without Tyk collections: exit 2"
else
	bad "database without Tyk collections: status $st"
	cat "$WORK/e"
fi
"$T" -n "mongodb://127.0.0.1:$port/tyk_analytics?authMechanism=NOPE" \
    >"$WORK/o" 2>"$WORK/e"
st=$?
if [ $st = 2 ] && grep -q "bad MongoDB URI" "$WORK/e"; then
	ok "bad URI: exit 2"
else
	bad "bad URI: status $st"
	cat "$WORK/e"
fi

# --follow: records inserted while following (in an existing and a new
# collection) are printed, once each; it stops at --limit, the records
# expected, or fails after --duration.
F=mongodb://127.0.0.1:$port/follow
"$LOAD" "$F" tyk_analytics --demo 1 100 >"$WORK/n1" || exit 1
want=$(( $(cat "$WORK/n1") + $("$TYKSCOPE_GEN" --seed 2 --count 100 \
    --start 2024-02-29T11:00:00Z --format bson --out "$WORK/c.bson" &&
    "$T" -n --count "$WORK/c.bson") + $("$TYKSCOPE_GEN" --seed 3 \
    --count 50 --start 2024-02-29T11:00:00Z --format bson \
    --out "$WORK/d.bson" && "$T" -n --count "$WORK/d.bson") ))
"$T" -n --follow --duration 20 --limit $want "$F" >"$WORK/fo" \
    2>"$WORK/fe" &
fpid=$!
sleep 1.5
"$LOAD" "$F" tyk_analytics --demo 2 100 1709204400 >/dev/null
"$LOAD" "$F" z_tyk_analyticz_neworg --demo 3 50 1709204400 >/dev/null
wait $fpid
got=$(wc -l <"$WORK/fo")
dups=$(nopos <"$WORK/fo" | sort | uniq -d | wc -l)
if [ "$got" = "$want" ] && [ "$dups" = 0 ] &&
    grep -q 'following follow every' "$WORK/fe"; then
	ok "--follow sees new records and collections ($got)"
else
	bad "--follow: $got records ($dups twice), want $want"
	cat "$WORK/fe"
fi

echo "$pass passed, $fail failed"
[ $fail = 0 ]
