#!/bin/sh
# SPDX-License-Identifier: ISC
# The PostgreSQL source (postgresql://, key=value) against a real
# PostgreSQL started here (Debian's postgresql: initdb into a temporary
# directory, a unix socket there and 127.0.0.1 on a free port, stopped on
# exit; as the postgres user when run as root, since the server refuses
# root).  The tables are created with exactly the sql pump's columns and
# types (stores.md 2-3) and loaded with the demo traffic, converted from
# the very .bson files every answer is compared with (tykscope -n writes
# the records as JSON lines; psql turns each line into a row as the pump
# writes it).  tykscope connects as a role that has only SELECT, and the
# server's log_statement=all log is checked for the pushed-down WHERE
# and for the absence of any write.
#
# Skips (77) only when the PostgreSQL server binaries are missing.
# KEEP=1 keeps the temporary directory (the server's log) for a look.
set -u
: "${top_srcdir:=.}"
: "${top_builddir:=.}"
top_srcdir=$(cd "$top_srcdir" && pwd)
top_builddir=$(cd "$top_builddir" && pwd)
: "${TYKSCOPE:=$top_builddir/src/tykscope}"
: "${TYKSCOPE_GEN:=$top_builddir/contrib/tykscope-gen}"
T=$TYKSCOPE
export TZ=UTC LC_ALL=C.UTF-8 NO_COLOR=1 TYKSCOPE_CONFIG=/dev/null MONGOC_DISABLE_SHM=1
unset PGHOST PGPORT PGUSER PGDATABASE PGPASSWORD PGPASSFILE PGSERVICE \
    PGSSLMODE PGOPTIONS
pass=0
fail=0

PGBIN=
for d in /usr/lib/postgresql/*/bin; do
	[ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && PGBIN=$d
done
if [ -z "$PGBIN" ] && command -v initdb >/dev/null 2>&1; then
	PGBIN=$(dirname "$(command -v initdb)")
fi
if [ -z "$PGBIN" ] || ! command -v psql >/dev/null 2>&1; then
	echo "SKIP: PostgreSQL server binaries (initdb, pg_ctl, psql) not found"
	exit 77
fi
# The server refuses to run as root: then it runs as postgres.
AS=
if [ "$(id -u)" = 0 ]; then
	if ! id postgres >/dev/null 2>&1; then
		echo "SKIP: running as root and there is no postgres user"
		exit 77
	fi
	AS="runuser -u postgres --"
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/tykscope-pg.XXXXXX")
PGD=$WORK/pg
mkdir "$PGD"
chmod 755 "$WORK"
[ -n "$AS" ] && chown postgres "$PGD"
started=
cleanup() {
	if [ -n "$started" ]; then
		$AS "$PGBIN/pg_ctl" -D "$PGD/data" -m immediate stop \
		    >/dev/null 2>&1
	fi
	[ -n "${KEEP:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

SUPERPW=Sup3r-pw
ROPW='r0:Secret@pw'
printf '%s\n' "$SUPERPW" >"$PGD/pw"
[ -n "$AS" ] && chown postgres "$PGD/pw"
if ! $AS "$PGBIN/initdb" -D "$PGD/data" -U postgres --pwfile="$PGD/pw" \
    -A scram-sha-256 -E UTF8 --no-locale >"$WORK/initdb.log" 2>&1; then
	echo "FAIL: initdb"
	cat "$WORK/initdb.log"
	exit 1
fi
port=
for try in 1 2 3 4 5 6; do
	p=$(( 20000 + ($$ * 7 + try * 7919 + $(date +%N | sed 's/^0*//;s/^$/0/') / 1000) % 40000 ))
	if $AS "$PGBIN/pg_ctl" -D "$PGD/data" -l "$PGD/server.log" -w -t 30 \
	    -o "-p $p -k $PGD -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c log_statement=all -c log_line_prefix='%u|' -c log_min_messages=warning" \
	    start >"$WORK/pgctl.log" 2>&1; then
		port=$p
		started=1
		break
	fi
done
if [ -z "$port" ]; then
	echo "FAIL: PostgreSQL did not start"
	cat "$WORK/pgctl.log" "$PGD/server.log" 2>/dev/null | tail -20
	exit 1
fi
echo "PostgreSQL on 127.0.0.1:$port and $PGD"
LOG=$PGD/server.log

ok() {
	echo "ok $1"
	pass=$((pass + 1))
}
bad() {
	echo "FAIL $1"
	fail=$((fail + 1))
}
# psql as the superuser (the loader: the only writer, never tykscope).
sql() {
	PGPASSWORD=$SUPERPW psql -X -q -v ON_ERROR_STOP=1 \
	    "host=$PGD port=$port user=postgres dbname=${DB:-tyk}" "$@"
}
# Drop the source positions (they name the file or the table).
nopos() {
	sed -E 's/"source":"[^"]*"/"source":""/'
}

# The traffic: 2000 records of seed 7 in one table, 600 of seed 8 over
# two days in day shards (the first an old one, without the later
# columns), and a shard of a day far away.
"$TYKSCOPE_GEN" --seed 7 --count 2000 --format bson --out "$WORK/a.bson"
"$TYKSCOPE_GEN" --seed 8 --count 600 --rate 0.005 \
    --start 2024-02-28T20:00:00Z --format bson --out "$WORK/b.bson"
"$TYKSCOPE_GEN" --seed 9 --count 20 --start 2023-01-01T12:00:00Z \
    --format bson --out "$WORK/c.bson"
for f in a b c; do
	"$T" -n "$WORK/$f.bson" >"$WORK/$f.jsonl" || exit 1
done

DB=postgres sql -c "CREATE DATABASE tyk" -c "CREATE DATABASE other" \
    -c "CREATE ROLE tyk_ro LOGIN PASSWORD '$ROPW'" || exit 1
# The sql pump's table, column for column (stores.md 2).
create() {
	cat <<EOF
CREATE TABLE $1 (method text, host text, path text, rawpath text,
 contentlength bigint, useragent text, day bigint, month bigint,
 year bigint, hour bigint, responsecode bigint, apikey text,
 "timestamp" timestamptz, apiversion text, api_name text, apiid text,
 orgid text, oauthid text, requesttime bigint, rawrequest text,
 rawresponse text, ipaddress text, geo_country_iso_code text,
 geo_city_geoname_id bigint, geo_city_names text,
 geo_location_latitude decimal, geo_location_longitude decimal,
 geo_location_time_zone text, network_open_connections bigint,
 network_closed_connections bigint, network_bytes_in bigint,
 network_bytes_out bigint, latency_total bigint, latency_upstream bigint,
 latency_gateway bigint, tags text, alias text, trackpath boolean,
 "expireAt" timestamptz, originalpath text, listenpath text,
 graphql_stats_variables text, graphql_stats_root_fields text,
 graphql_stats_types text, graphql_stats_errors text,
 graphql_stats_operation_type bigint, graphql_stats_has_errors boolean,
 graphql_stats_is_graph_ql boolean, mcp_stats_is_mcp boolean,
 mcp_stats_jsonrpc_method text, mcp_stats_primitive_type text,
 mcp_stats_primitive_name text);
EOF
}
# Rows from the JSON lines in staging (n, j), as the pump writes them.
insert() {
	cat <<EOF
INSERT INTO $1 SELECT j->>'method', j->>'host', j->>'path',
 j->>'raw_path', (j->>'content_length')::bigint, j->>'user_agent',
 (j->>'day')::bigint, (j->>'month')::bigint, (j->>'year')::bigint,
 (j->>'hour')::bigint, (j->>'response_code')::bigint, j->>'api_key',
 (j->>'timestamp')::timestamptz, j->>'api_version', j->>'api_name',
 j->>'api_id', j->>'org_id', j->>'oauth_id', (j->>'request_time')::bigint,
 j->>'raw_request', j->>'raw_response', j->>'ip_address',
 j->'geo'->'country'->>'iso_code',
 (j->'geo'->'city'->>'geoname_id')::bigint,
 (j->'geo'->'city'->'names')::text,
 (j->'geo'->'location'->>'latitude')::decimal,
 (j->'geo'->'location'->>'longitude')::decimal,
 j->'geo'->'location'->>'time_zone',
 (j->'network'->>'open_connections')::bigint,
 (j->'network'->>'closed_connections')::bigint,
 (j->'network'->>'bytes_in')::bigint, (j->'network'->>'bytes_out')::bigint,
 (j->'latency'->>'total')::bigint, (j->'latency'->>'upstream')::bigint,
 (j->'latency'->>'gateway')::bigint, (j->'tags')::text, j->>'alias',
 (j->>'track_path')::boolean, (j->>'expireAt')::timestamptz,
 j->>'original_path', j->>'listen_path', '', '[]', '{}', '[]', 0,
 false, false, false, '', '', ''
 FROM staging WHERE $2 ORDER BY n;
EOF
}
stage() {
	cat <<EOF
DROP TABLE IF EXISTS staging;
CREATE TEMP TABLE staging (n serial, j json);
\\copy staging (j) FROM '$1' WITH (FORMAT csv, QUOTE E'\\x01', DELIMITER E'\\x02')
EOF
}
# The sql_aggregate pump's table (stores.md 3), and its rows from the
# aggregates of the same traffic (tykscope --aggregate: the documents
# the mongo aggregate pump would write), one per (bucket, org,
# dimension, value); codes with a column of their own go there, others
# to their class.
create_agg() {
	cat <<EOF
CREATE TABLE $1 (id text PRIMARY KEY, counter_hits bigint,
 counter_success bigint, counter_error bigint,
 counter_request_time decimal, counter_total_request_time decimal,
 counter_identifier text, counter_human_identifier text,
 counter_last_time timestamptz, counter_open_connections bigint,
 counter_closed_connections bigint, counter_bytes_in bigint,
 counter_bytes_out bigint, counter_max_upstream_latency bigint,
 counter_min_upstream_latency bigint,
 counter_total_upstream_latency bigint, counter_upstream_latency decimal,
 counter_max_latency bigint, counter_min_latency bigint,
 counter_total_latency bigint, counter_latency decimal,
 counter_error_map text, counter_error_list text, "timestamp" bigint,
 org_id text, dimension text, dimension_value text, code_1x bigint,
 code_200 bigint, code_201 bigint, code_2x bigint, code_301 bigint,
 code_302 bigint, code_303 bigint, code_304 bigint, code_3x bigint,
 code_400 bigint, code_401 bigint, code_403 bigint, code_404 bigint,
 code_429 bigint, code_4x bigint, code_500 bigint, code_501 bigint,
 code_502 bigint, code_503 bigint, code_504 bigint, code_5x bigint);
CREATE INDEX ${1}_idx_dimension ON $1 (dimension, "timestamp", org_id,
 dimension_value);
EOF
}
code() {
	echo "coalesce((c->'errormap'->>'$1')::bigint, 0)"
}
class() {
	echo "(SELECT coalesce(sum(value::text::bigint), 0) FROM json_each(c->'errormap') WHERE key LIKE '$1%' AND key NOT IN ($2))"
}
insert_agg() {
	cat <<EOF
INSERT INTO $1 SELECT
 encode(convert_to(extract(epoch FROM (j->>'timestamp')::timestamptz)::bigint::text || (j->>'orgid') || dim || val, 'UTF8'), 'hex'),
 (c->>'hits')::bigint, (c->>'success')::bigint, (c->>'errortotal')::bigint,
 (c->>'requesttime')::decimal, (c->>'totalrequesttime')::decimal,
 c->>'identifier', c->>'humanidentifier', (c->>'lasttime')::timestamptz,
 (c->>'openconnections')::bigint, (c->>'closedconnections')::bigint,
 (c->>'bytesin')::bigint, (c->>'bytesout')::bigint,
 (c->>'maxupstreamlatency')::bigint,
 coalesce((c->>'minupstreamlatency')::bigint, 0),
 (c->>'totalupstreamlatency')::bigint, (c->>'upstreamlatency')::decimal,
 (c->>'maxlatency')::bigint, coalesce((c->>'minlatency')::bigint, 0),
 (c->>'totallatency')::bigint, (c->>'latency')::decimal, '{}', '[]',
 extract(epoch FROM (j->>'timestamp')::timestamptz)::bigint, j->>'orgid',
 dim, val, 0, 0, 0, 0, 0, 0, 0, 0, 0,
 $(code 400), $(code 401), $(code 403), $(code 404), $(code 429),
 $(class 4 "'400','401','403','404','429'"),
 $(code 500), $(code 501), $(code 502), $(code 503), $(code 504),
 $(class 5 "'500','501','502','503','504'")
 FROM (
  SELECT j, '' AS dim, 'total' AS val, j->'total' AS c FROM staging
  UNION ALL
  SELECT j, k, e.key, e.value FROM staging, unnest(ARRAY['apiid',
   'errors', 'versions', 'apikeys', 'oauthids', 'geo', 'tags',
   'endpoints', 'apiendpoints']) AS k, json_each(j->k) AS e
  UNION ALL
  SELECT j, k, o.key || '.' || e.key, e.value FROM staging,
   unnest(ARRAY['keyendpoints', 'oauthendpoints']) AS k,
   json_each(j->k) AS o, json_each(o.value) AS e) AS r;
EOF
}
"$T" -n --aggregate "$WORK/a.bson" >"$WORK/agg.jsonl" || exit 1
{
	create tyk_analytics
	stage "$WORK/a.jsonl"
	insert tyk_analytics true
	create_agg tyk_aggregated
	stage "$WORK/agg.jsonl"
	insert_agg tyk_aggregated
	echo "CREATE SCHEMA shard;"
	create shard.tyk_analytics_20230101
	create shard.tyk_analytics_20240228
	create shard.tyk_analytics_20240229
	stage "$WORK/b.jsonl"
	insert shard.tyk_analytics_20240228 \
	    "(j->>'timestamp')::timestamptz < '2024-02-29T00:00:00Z'"
	insert shard.tyk_analytics_20240229 \
	    "(j->>'timestamp')::timestamptz >= '2024-02-29T00:00:00Z'"
	stage "$WORK/c.jsonl"
	insert shard.tyk_analytics_20230101 true
	# The oldest shard predates the later columns.
	echo "ALTER TABLE shard.tyk_analytics_20240228 DROP latency_gateway,"
	echo " DROP originalpath, DROP listenpath, DROP graphql_stats_variables,"
	echo " DROP graphql_stats_root_fields, DROP graphql_stats_types,"
	echo " DROP graphql_stats_errors, DROP graphql_stats_operation_type,"
	echo " DROP graphql_stats_has_errors, DROP graphql_stats_is_graph_ql,"
	echo " DROP mcp_stats_is_mcp, DROP mcp_stats_jsonrpc_method,"
	echo " DROP mcp_stats_primitive_type, DROP mcp_stats_primitive_name;"
	echo "GRANT USAGE ON SCHEMA public, shard TO tyk_ro;"
	echo "GRANT SELECT ON ALL TABLES IN SCHEMA public, shard TO tyk_ro;"
} >"$WORK/load.sql"
sql -f "$WORK/load.sql" >"$WORK/load.log" 2>&1 || {
	echo "FAIL: loading"
	cat "$WORK/load.log"
	exit 1
}
DB=other sql -c "CREATE TABLE tyk_apis (id text)" || exit 1

# tykscope's URIs: the read-only role, TCP and the unix socket.
export PGPASSWORD="$ROPW"
U="postgresql://tyk_ro@127.0.0.1:$port/tyk"
mark() {
	echo "-- mark $1" >>"$LOG.marks"
	wc -l <"$LOG" >"$WORK/mark"
}
since_mark() {
	tail -n +$(( $(cat "$WORK/mark") + 1 )) "$LOG"
}

# Same records, field for field, but for the position.
mark plain
"$T" -n "$U" >"$WORK/p.jsonl" 2>"$WORK/p.err"
st=$?
nopos <"$WORK/p.jsonl" >"$WORK/p.s"
nopos <"$WORK/a.jsonl" >"$WORK/a.s"
n=$(wc -l <"$WORK/p.s")
if [ $st = 0 ] && [ "$n" -gt 1000 ] && cmp -s "$WORK/p.s" "$WORK/a.s" &&
    [ ! -s "$WORK/p.err" ]; then
	ok "jsonl equals the .bson ($n records, in order)"
else
	bad "jsonl differs from the .bson (status $st, $n records)"
	diff "$WORK/p.s" "$WORK/a.s" | head -5 | cut -c1-300
	head -5 "$WORK/p.err"
fi
if grep -q '"source":"postgresql:tyk.tyk_analytics:0"' "$WORK/p.jsonl" &&
    grep -q "\"source\":\"postgresql:tyk.tyk_analytics:$((n - 1))\"" \
    "$WORK/p.jsonl"; then
	ok "positions are postgresql:DB.TABLE:N"
else
	bad "positions"
	head -c 300 "$WORK/p.jsonl"
fi
# The unix socket, a key=value string, postgres://.
"$T" -n --count "postgresql://tyk_ro@/tyk?host=$PGD&port=$port" \
    >"$WORK/c1" 2>&1
"$T" -n --count "host=$PGD port=$port user=tyk_ro dbname=tyk" \
    >"$WORK/c2" 2>&1
"$T" -n --count "postgres://tyk_ro@127.0.0.1:$port/tyk?sslmode=disable" \
    >"$WORK/c3" 2>&1
if [ "$(cat "$WORK/c1")" = "$n" ] && [ "$(cat "$WORK/c2")" = "$n" ] &&
    [ "$(cat "$WORK/c3")" = "$n" ]; then
	ok "unix socket, key=value and postgres:// forms"
else
	bad "connection forms: $(cat "$WORK/c1" "$WORK/c2" "$WORK/c3")"
fi

# Filters, counts and aggregates: the same answers as the .bson.
same() {
	name=$1
	src=$2
	files=$3
	shift 3
	"$T" -n --format tsv "$@" $src 2>"$WORK/e1" | cut -f1-12 \
	    >"$WORK/s1"
	"$T" -n --format tsv "$@" $files 2>"$WORK/e2" | cut -f1-12 \
	    >"$WORK/s2"
	c1=$("$T" -n --count "$@" $src 2>&1)
	c2=$("$T" -n --count "$@" $files 2>&1)
	if cmp -s "$WORK/s1" "$WORK/s2" && [ "$c1" = "$c2" ] &&
	    [ ! -s "$WORK/e1" ]; then
		ok "$name ($c1 records)"
	else
		bad "$name: $c1 records, $c2 from the .bson"
		diff "$WORK/s1" "$WORK/s2" | head -5
		head -3 "$WORK/e1"
	fi
}
A=$WORK/a.bson
same "status:5xx" "$U" "$A" -f 'status:5xx'
same "status list and range" "$U" "$A" -f 'status:500|404|>=502'
same "status range" "$U" "$A" -f 'status:400-429'
same "status negated" "$U" "$A" -f '!status:200'
same "org and api" "$U" "$A" -f 'org:=5e9d9544a1dcd60001d0ed20 api:Petstore'
same "api id or name" "$U" "$A" \
    -f 'api:=b4ea4fd3b7f84c0b4c4b1e5d1f0a7c21|Payments'
same "key substring" "$U" "$A" -f 'key:d6'
same "empty key" "$U" "$A" -f 'key:='
same "method any case, path" "$U" "$A" -f 'method:post path:/pet'
same "oauth" "$U" "$A" -f 'oauth:a'
same "unindexed field" "$U" "$A" -f 'ua:iPhone status:200'
same "payload field" "$U" "$A" -f 'detailed:yes reqbody:a'
same "--since/--until" "$U" "$A" --since 2024-02-29T10:00:20Z \
    --until 2024-02-29T10:00:50Z
same "--since relative" "$U" "$A" --since -10s
same "relative time token" "$U" "$A" -f 'time:-30s status:>=400'
same "--limit" "$U" "$A" --limit 7 -f 'status:2xx org:=5e9d9544a1dcd60001d0ed20'
"$T" -n --aggregate -f 'status:4xx|5xx' "$U" >"$WORK/a1" 2>&1
"$T" -n --aggregate -f 'status:4xx|5xx' "$A" >"$WORK/a2" 2>&1
if [ -s "$WORK/a1" ] && cmp -s "$WORK/a1" "$WORK/a2"; then
	ok "--aggregate"
else
	bad "--aggregate"
	diff "$WORK/a1" "$WORK/a2" | head -5
fi

# Stored aggregates: the documents rebuilt from tyk_aggregated are the
# aggregates of the traffic (but for what the table does not keep: the
# bucket's timeid and expireAt, and codes without a column of their own
# in the error map); --reconcile finds them equal; --stored alone reads
# no raw table.
mark stored
"$T" -n --aggregate --stored "$U" >"$WORK/st1" 2>&1
st=$?
strip() {
	sed -E 's/"timeid":\{[^}]*\},//; s/"expireAt":"[^"]*",//; s/"errormap":\{[^}]*\}//g; s/"errorlist":\[[^]]*\]//g'
}
strip <"$WORK/st1" >"$WORK/st1.s"
strip <"$WORK/agg.jsonl" >"$WORK/st2.s"
if [ $st = 0 ] && [ -s "$WORK/st1" ] && cmp -s "$WORK/st1.s" "$WORK/st2.s" &&
    grep -q '"errormap":{"400":7,"401":24,"403":11,"404":15,"429":13,"500":25,"502":3,"504":2}' \
    "$WORK/st1" && ! since_mark | grep DECLARE | grep -q '"tyk_analytics"'; then
	ok "--aggregate --stored: the traffic's aggregates"
else
	bad "--aggregate --stored (status $st)"
	diff "$WORK/st1.s" "$WORK/st2.s" | head -4 | cut -c1-400
fi
"$T" -n --aggregate --reconcile "$U" >"$WORK/r1" 2>&1
st=$?
"$T" -n --aggregate --reconcile -f 'status:>=300' "$U" >"$WORK/r2" 2>&1
st2=$?
if [ $st = 0 ] && [ ! -s "$WORK/r1" ] && [ $st2 != 0 ] &&
    grep -q '"dimension":"total"' "$WORK/r2"; then
	ok "--aggregate --reconcile: equal (and a filtered one is not)"
else
	bad "--aggregate --reconcile (status $st, $st2)"
	head -3 "$WORK/r1" "$WORK/r2" | cut -c1-300
fi

# Server-side summaries: GROUP BY on the server, no record fetched; the
# totals, their latencies and the per-API hits are those computed from
# the records.
mark summary
"$T" -n --aggregate --summary -f 'org:=5e9d9544a1dcd60001d0ed20|=62a0f0c1b3e4d5000190a7c3' "$U" >"$WORK/su1" 2>"$WORK/su.err"
st=$?
"$T" -n --aggregate -f 'org:=5e9d9544a1dcd60001d0ed20|=62a0f0c1b3e4d5000190a7c3' "$A" >"$WORK/su2" 2>&1
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
if [ $st = 0 ] && [ "$(wc -l <"$WORK/su1.t")" = 2 ] &&
    cmp -s "$WORK/su1.t" "$WORK/su2.t" && [ -s "$WORK/su1.a" ] &&
    cmp -s "$WORK/su1.a" "$WORK/su2.a" &&
    grep -q 'server-side summaries' "$WORK/su.err" &&
    since_mark | grep DECLARE | grep -q 'GROUP BY' &&
    ! since_mark | grep DECLARE | grep -v 'GROUP BY' | grep -q tyk_analytics; then
	ok "--aggregate --summary: computed by the server, as from the records"
else
	bad "--aggregate --summary (status $st)"
	diff "$WORK/su1.t" "$WORK/su2.t" | head -4
	diff "$WORK/su1.a" "$WORK/su2.a" | head -4
	cat "$WORK/su.err"
fi
# The summaries that run-mongo.sh checks the MongoDB source's against.
if cmp -s "$WORK/su1" "$top_srcdir/tests/fixtures/summary-seed7.jsonl"; then
	ok "--summary: as tests/fixtures/summary-seed7.jsonl (run-mongo.sh's)"
else
	bad "--summary differs from tests/fixtures/summary-seed7.jsonl"
	cmp "$WORK/su1" "$top_srcdir/tests/fixtures/summary-seed7.jsonl"
fi
"$T" -n --aggregate --summary -f 'ua:curl' "$U" >"$WORK/o" 2>"$WORK/e"
st=$?
"$T" -n --aggregate --summary "$A" >"$WORK/o" 2>"$WORK/e2"
st2=$?
if [ $st = 2 ] && grep -q 'the filter cannot be computed on the server' \
    "$WORK/e" && [ $st2 = 2 ] && grep -q 'needs a PostgreSQL or MongoDB source' \
    "$WORK/e2"; then
	ok "--summary: only a pushed-down filter, only a database"
else
	bad "--summary refusals: $st $st2"
	cat "$WORK/e" "$WORK/e2"
fi
# The TUI (in tmux): --summary opens the Aggregates screen on the
# server's summaries, and says that is what they are.
if command -v tmux >/dev/null 2>&1; then
	tsock=tykscope-pg-$$
	tmux -L "$tsock" -f /dev/null new-session -d -x 200 -y 30 \
	    "TERM=xterm TZ=UTC LC_ALL=C.UTF-8 NO_COLOR=1 \
	    TYKSCOPE_CONFIG=/dev/null '$T' --summary \
	    -f 'org:=5e9d9544a1dcd60001d0ed20' '$U'; sleep 30"
	i=0 scr=
	while [ $i -lt 100 ]; do
		scr=$(tmux -L "$tsock" capture-pane -p 2>/dev/null)
		case $scr in *OFFLINE*|*held*) break ;; esac
		i=$((i + 1)); sleep 0.1
	done
	tmux -L "$tsock" send-keys 3
	i=0
	while [ $i -lt 100 ]; do
		scr=$(tmux -L "$tsock" capture-pane -p 2>/dev/null)
		case $scr in *"server-side summaries"*) break ;; esac
		i=$((i + 1)); sleep 0.1
	done
	tmux -L "$tsock" send-keys q 2>/dev/null
	tmux -L "$tsock" kill-server 2>/dev/null
	if printf '%s\n' "$scr" | grep -q 'stored: server-side summaries ([0-9][0-9,]* documents), not the pump' &&
	    printf '%s\n' "$scr" | grep -q 'Petstore'; then
		ok "TUI --summary: the Aggregates screen shows the server's summaries, labelled"
	else
		bad "TUI --summary: $(printf '%s\n' "$scr" | head -8)"
	fi
fi

# Day shards: the shards the time range needs, older ones read.
B="$WORK/b.bson $WORK/c.bson"
SH="$U"
same "shards, all" "$SH" "$B" --sql-schema shard
same "shards, status" "$SH" "$B" --sql-schema shard -f 'status:4xx'
mark shards
same "shards, one day" "$SH" "$B" --sql-schema shard \
    --since 2024-02-29T06:00:00Z
if since_mark | grep -q 'tyk_analytics_20240229' &&
    since_mark | grep -q 'tyk_analytics_20240228' &&
    ! since_mark | grep 'DECLARE' | grep -q 'tyk_analytics_20230101'; then
	ok "--since skips the shards out of range"
else
	bad "shard selection"
	since_mark | grep DECLARE | head -5
fi
"$T" -n --sql-schema shard -f 'time:2024-02-28' "$SH" >"$WORK/o" 2>&1
if grep -q '"latency":{"total":[0-9]*,"upstream":[0-9]*,"gateway":0}' \
    "$WORK/o" && grep -q '"original_path":"","listen_path":""' "$WORK/o" &&
    [ "$(wc -l <"$WORK/o")" -gt 10 ]; then
	ok "an old shard without the later columns: empty fields"
else
	bad "old shard"
	head -c 600 "$WORK/o"
fi

# The push-down reaches the server as bound parameters; payloads stay
# there when nothing reads them; a LIMIT when it is exact.
mark push
"$T" -n --count -f 'status:5xx org:=x1 key:=k1 method:GET path:/a oauth:o' \
    --since 2024-02-29T10:00:20Z "$U" >/dev/null 2>&1
"$T" -n --limit 3 -f 'api:Petstore' "$U" >/dev/null 2>&1
if since_mark | grep 'DECLARE' | grep -q 'WHERE "timestamp" >= \$1::timestamptz AND ("responsecode" BETWEEN \$2::bigint AND \$3::bigint) AND ("orgid" = \$4::text) AND ("apikey" = \$5::text OR "alias" = \$6::text) AND (strpos(upper("method"), upper(\$7::text)) > 0) AND (strpos("path", \$8::text) > 0 OR strpos("rawpath", \$9::text) > 0) AND (strpos("oauthid", \$10::text) > 0)' &&
    since_mark | grep -q "parameters: \$1 = '2024-02-29 10:00:20+00', \$2 = '500', \$3 = '599', \$4 = 'x1', \$5 = 'k1', \$6 = 'k1', \$7 = 'GET'" &&
    ! since_mark | grep 'DECLARE' | grep 'BETWEEN' | grep -q rawrequest &&
    since_mark | grep 'DECLARE' | grep 'api_name' | grep -q 'LIMIT 3$'; then
	ok "push-down: a parametrised WHERE, no payload columns, LIMIT"
else
	bad "push-down not in the server's log"
	since_mark | grep -A1 DECLARE | head -6
fi

# Read-only: every statement tykscope's role sent, in the whole run.
grep '^tyk_ro|' "$LOG" | grep 'statement: ' |
    sed -E 's/^tyk_ro\|[A-Z]+:  (statement|execute [^:]*): //' |
    awk '{ print toupper($1) }' | sort | uniq -c >"$WORK/verbs"
if [ -s "$WORK/verbs" ] && ! grep -vqE ' (SELECT|SET|BEGIN|DECLARE|FETCH|CLOSE|COMMIT|ROLLBACK)$' \
    "$WORK/verbs" && grep -q 'SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY' "$LOG"; then
	ok "only reads, in a read-only session: $(tr -s ' \n' ' ' <"$WORK/verbs")"
else
	bad "statements other than reads"
	cat "$WORK/verbs"
fi

# --health: per table, rows, time range, size.
"$T" -n --health --sql-schema shard "$SH" >"$WORK/h" 2>&1
st=$?
if [ $st = 0 ] && [ "$(wc -l <"$WORK/h")" = 3 ] &&
    grep -q '"table":"tyk.shard.tyk_analytics_20230101","source":"postgresql:tyk.shard.tyk_analytics_20230101","kind":"raw","rows":[1-9][0-9]*,"oldest":"2023-01-01T12:00:00.[0-9]*Z","oldest_age_s":[0-9]*,"newest":"2023-01-01T12:0' \
    "$WORK/h" && grep -q '"bytes":[1-9]' "$WORK/h"; then
	ok "--health"
else
	bad "--health (status $st)"
	cat "$WORK/h"
fi

# Passwords: PGPASSWORD (above), ~/.pgpass (PGPASSFILE), --password-file;
# a wrong one exits 2, never shown.
unset PGPASSWORD
printf '127.0.0.1:%s:tyk:tyk_ro:%s\n' "$port" \
    "$(printf '%s' "$ROPW" | sed 's/:/\\:/g')" >"$WORK/pgpass"
chmod 600 "$WORK/pgpass"
c=$(PGPASSFILE=$WORK/pgpass "$T" -n --count "$U" 2>&1)
printf '%s\n' "$ROPW" >"$WORK/pwfile"
c2=$("$T" -n --count --password-file "$WORK/pwfile" "$U" 2>&1)
if [ "$c" = "$n" ] && [ "$c2" = "$n" ]; then
	ok "~/.pgpass and --password-file"
else
	bad "password sources: $c / $c2"
fi
t0=$(date +%s%N)
"$T" -n "postgresql://tyk_ro:Wr0ngPw@127.0.0.1:$port/tyk?password=Wr0ngPw" \
    >"$WORK/o" 2>"$WORK/e"
st=$?
if [ $st = 2 ] && grep -q 'password authentication failed for user "tyk_ro"' \
    "$WORK/e" && grep -q "postgresql://tyk_ro@127.0.0.1:$port/tyk:" \
    "$WORK/e" && ! grep -q Wr0ngPw "$WORK/e"; then
	ok "wrong password: exit 2, not shown"
else
	bad "wrong password: status $st"
	cat "$WORK/e"
fi
printf 'Wr0ngPw\n' >"$WORK/pwfile"
"$T" -n --password-file "$WORK/pwfile" "$U" >"$WORK/o" 2>"$WORK/e"
st=$?
if [ $st = 2 ] && grep -q 'password authentication failed' "$WORK/e" &&
    ! grep -q Wr0ngPw "$WORK/e"; then
	ok "wrong --password-file: exit 2, not shown"
else
	bad "wrong --password-file: status $st"
	cat "$WORK/e"
fi
export PGPASSWORD="$ROPW"

# The password leaves the command line once the options are read.
"$T" -n --follow --duration 5 \
    "postgresql://tyk_ro:r0%3ASecret%40pw@127.0.0.1:$port/tyk?sslmode=disable&password=r0%3ASecret%40pw" \
    >/dev/null 2>"$WORK/e" &
hpid=$!
sleep 1
tr '\0' ' ' <"/proc/$hpid/cmdline" >"$WORK/cmdline" 2>/dev/null
kill $hpid 2>/dev/null
wait $hpid 2>/dev/null
if grep -q "postgresql://tyk_ro@127.0.0.1:$port/tyk?sslmode=disable" \
    "$WORK/cmdline" && ! grep -q Secret "$WORK/cmdline" &&
    grep -q 'following' "$WORK/e" && ! grep -q Secret "$WORK/e"; then
	ok "the password is not on the command line (ps) nor in messages"
else
	bad "password in the command line: $(cat "$WORK/cmdline")"
	cat "$WORK/e"
fi

# Errors: exit 2 with a clear message.
"$T" -n "postgresql://tyk_ro@127.0.0.1:1/tyk" >"$WORK/o" 2>"$WORK/e"
st=$?
if [ $st = 2 ] && grep -q 'cannot connect: .*Connection refused' "$WORK/e"; then
	ok "unreachable server: exit 2"
else
	bad "unreachable server: status $st"
	cat "$WORK/e"
fi
PGPASSWORD=$SUPERPW "$T" -n "postgresql://postgres@127.0.0.1:$port/other" \
    >"$WORK/o" 2>"$WORK/e"
st=$?
if [ $st = 2 ] && grep -q \
    "no Tyk analytics tables (tyk_analytics, tyk_aggregated) in database 'other', schema 'public' (it has tyk_apis)" \
    "$WORK/e"; then
	ok "database without Tyk tables: exit 2"
else
	bad "database without Tyk tables: status $st"
	cat "$WORK/e"
fi
"$T" -n "postgresql://tyk_ro@127.0.0.1:$port/tyk?nosuchoption=1" \
    >"$WORK/o" 2>"$WORK/e"
st=$?
if [ $st = 2 ] && grep -q 'bad PostgreSQL connection string' "$WORK/e"; then
	ok "bad URI: exit 2"
else
	bad "bad URI: status $st"
	cat "$WORK/e"
fi

# --follow: rows inserted while following (into the plain table, and a
# new day shard) are printed, once each; it stops at --limit, the
# records expected.  A microsecond timestamp keeps its digits.
"$TYKSCOPE_GEN" --seed 1 --count 100 --format bson --out "$WORK/f1.bson"
"$TYKSCOPE_GEN" --seed 2 --count 100 --start 2024-02-29T11:00:00Z \
    --format bson --out "$WORK/f2.bson"
"$TYKSCOPE_GEN" --seed 3 --count 50 --start 2024-03-01T11:00:00Z \
    --format bson --out "$WORK/f3.bson"
for f in f1 f2 f3; do
	"$T" -n "$WORK/$f.bson" >"$WORK/$f.jsonl" || exit 1
done
DB=postgres sql -c "CREATE DATABASE follow" || exit 1
{
	create tyk_analytics
	stage "$WORK/f1.jsonl"
	insert tyk_analytics true
	echo "UPDATE tyk_analytics SET \"timestamp\" = \"timestamp\" +"
	echo " interval '0.000456 s' WHERE ctid = '(0,1)';"
	echo "GRANT SELECT ON ALL TABLES IN SCHEMA public TO tyk_ro;"
	echo "ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO tyk_ro;"
} >"$WORK/f.sql"
DB=follow sql -f "$WORK/f.sql" >"$WORK/load.log" 2>&1 || {
	echo "FAIL: loading"
	cat "$WORK/load.log"
	exit 1
}
F="postgresql://tyk_ro@127.0.0.1:$port/follow"
"$T" -n -f 'time:2024-02-29T10:00:00' "$F" >"$WORK/o" 2>&1
if [ "$(grep -cE '"timestamp":"[^"]*\.[0-9]{3}456Z"' "$WORK/o")" = 1 ] &&
    [ "$(grep -cE '"timestamp":"[^"]*\.[0-9]{3}Z"' "$WORK/o")" -gt 1 ]; then
	ok "microseconds kept (6 digits), milliseconds shown as 3"
else
	bad "timestamp precision"
	grep -o '"timestamp":"[^"]*"' "$WORK/o" | head -3
fi
want=$(( $(wc -l <"$WORK/f1.jsonl") + $(wc -l <"$WORK/f2.jsonl") +
    $(wc -l <"$WORK/f3.jsonl") ))
"$T" -n --follow --duration 20 --limit $want "$F" >"$WORK/fo" 2>"$WORK/fe" &
fpid=$!
sleep 1.5
{
	stage "$WORK/f2.jsonl"
	insert tyk_analytics true
	create tyk_analytics_20240301
	stage "$WORK/f3.jsonl"
	insert tyk_analytics_20240301 true
} >"$WORK/f.sql"
DB=follow sql -f "$WORK/f.sql" >"$WORK/load.log" 2>&1 || cat "$WORK/load.log"
wait $fpid
got=$(wc -l <"$WORK/fo")
dups=$(nopos <"$WORK/fo" | sort | uniq -d | wc -l)
if [ "$got" = "$want" ] && [ "$dups" = 0 ] &&
    grep -q 'following follow every' "$WORK/fe"; then
	ok "--follow sees new rows and shards ($got)"
else
	bad "--follow: $got records ($dups twice), want $want"
	cat "$WORK/fe"
fi

echo "$pass passed, $fail failed"
[ $fail = 0 ]
