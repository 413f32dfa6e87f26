#!/bin/sh
# SPDX-License-Identifier: ISC
# What an operator tripped over (issue 13): a dump holding one collection
# in both forms, --since and --tz in the interface, dates over days, the
# columns option, aggregate rows and keys that can be told apart, G on a
# sorted view, the sort direction, + and drill-down replacing their part,
# and the small things (unknown key, q with marks, the hint line).
. "${top_srcdir:-.}/tests/screen/lib.sh"
FIX="$top_srcdir/tests/fixtures"

# Quit with Q and check the exit status only (stderr is checked apart).
quit_any() {
	keys Q
	i=0
	while [ ! -s "$WORK/exit" ] && [ "$i" -lt $((WAIT * 10)) ]; do
		sleep 0.1
		i=$((i + 1))
	done
	[ "$(cat "$WORK/exit" 2>/dev/null)" = 0 ]
	check $? "quit-$1"
	$TMUX_CMD kill-server >/dev/null 2>&1
}

# One collection as X.bson and X.bson.gz: read once, said in the header
# and on stderr.
mkdir -p "$WORK/both/tyk_analytics"
cp "$FIX/tyk_analytics.bson" "$FIX/tyk_analytics.bson.gz" \
    "$WORK/both/tyk_analytics/"
start 100 24 both
wait_for 'OFFLINE' && screen dup-forms
grep -q 'tyk_analytics.bson.gz skipped: the same collection as tyk_analytics/tyk_analytics.bson' \
    "$WORK/stderr"
check $? dup-forms-stderr
quit_any dup-forms

# --since applies in the interface and shows on the filter line.
start 80 24 --demo --demo-count 400 --demo-seed 7 --since -5s
wait_for 'OFFLINE' && wait_for 'row 106 of 106' && screen since-filter
quit

# One zone for what is shown and what is typed: TZ, named in the header;
# 05:00:15 in New York is 10:00:15 UTC (85 records; read as UTC, none).
ENV="TZ=America/New_York"
start 80 24 --demo --demo-count 400 --demo-seed 7
wait_for 'OFFLINE' && screen tz-new-york
keys f C-u
type_text 'since:2024-02-29T05:00:15'
keys Enter
wait_for 'row 85 of 85'
check $? tz-typed-time
quit
ENV=

# Records over two days, in two orgs, with base64-JSON keys that all end
# in "In0=": the date shows, the columns option adds columns, keys get
# labels that differ (never their last characters).
rec() {
	printf '{"timestamp":"%s","method":"%s","path":"%s","response_code":%s,"api_name":"%s","api_id":"%s","api_version":"%s","org_id":"%s","api_key":"%s","alias":"%s","ip_address":"10.0.0.1","latency":{"total":%s,"upstream":%s},"request_time":%s,"track_path":true}\n' "$@"
}
{
	rec 2024-03-01T23:50:00Z GET /forecast/{city} 200 Weather w1 v1 org-a \
	    eyJvcmciOiJhIiwiaWQiOiIxIn0= "" 12 10 12
	rec 2024-03-01T23:55:00Z GET /forecast/{city} 503 Weather w2 v1 org-b \
	    eyJvcmciOiJiIiwiaWQiOiIyIn0= "" 40 38 40
	rec 2024-03-02T00:05:00Z GET /forecast/{city} 503 Weather w1 v2 org-a \
	    eyJvcmciOiJhIiwiaWQiOiIzIn0= ops-bot 30 25 30
	rec 2024-03-02T00:10:00Z POST /forecast/{city} 201 Weather w1 v1 org-a \
	    eyJvcmciOiJhIiwiaWQiOiIxIn0= "" 7 5 7
} >"$WORK/days.jsonl"
start 120 24 --columns time,method,status,reason,upstream,gateway,api,version,org,key,path days.jsonl
wait_for 'OFFLINE' && screen columns-days
capture | grep -q 'In0='
[ $? = 1 ]
check $? key-labels-no-key-bytes
# The aggregates: equal names in other orgs and versions are told apart.
keys 3 Tab
wait_for 'VER' && screen agg-context-endpoints
keys Tab
wait_for '^ORG' && screen agg-context-errors
keys Tab
wait_for 'Keys' && screen agg-context-keys
quit

# The columns come from the configuration file too; an unknown one is an
# error before the screen opens.
printf 'columns time,status,upstream,gateway,api,path\n' >"$WORK/cols.conf"
start 100 24 --config "$WORK/cols.conf" --demo --demo-count 400 --demo-seed 7
wait_for 'OFFLINE' && wait_for '^TIME. +ST +UPSTREAM GATEWAY API +PATH'
check $? columns-config
quit
# Narrow, too many columns: the first line drops its last ones, PATH and
# IP stay on the second.
start 80 24 --columns time,method,status,latency,upstream,gateway,api,org,version,key,path,ip --demo --demo-count 400 --demo-seed 7
wait_for 'OFFLINE' && wait_for '^TIME. +METHOD +ST +LATENCY UPSTREAM GATEWAY API +ORG$' && wait_for '^  /CalculatorService +49\.36\.94\.36'
check $? columns-narrow
quit
start 100 24 --columns time,colour --demo --demo-count 4
i=0
while [ ! -s "$WORK/exit" ] && [ "$i" -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ "$(cat "$WORK/exit")" = 2 ] && grep -q "unknown column 'colour'" "$WORK/stderr"
check $? columns-unknown
$TMUX_CMD kill-server >/dev/null 2>&1

# Sorting: the first s on a number column puts the largest first (down
# arrow); G on a sorted offline view goes to its last row, keeping the
# sort; unknown keys and q with marks.
start 80 24 --demo --demo-count 400 --demo-seed 7
wait_for 'OFFLINE' && keys h h s
wait_for 'sorted by LATENCY, descending' && keys g
wait_for 'row 1 of 400' && screen sort-latency-desc
keys G
wait_for 'row 400 of 400' && screen sort-latency-bottom
keys z
wait_for 'unknown key, \? for help'
check $? unknown-key
keys m q
wait_for 'quit\? 1 marked record will be lost'
keys n
wait_for 'not quitting'
check $? quit-asks
# The hint line fits 80 columns whole.
keys C-l
wait_gone 'not quitting'
capture | tail -1 | grep -q '^? help  f filter .*c copy *$'
check $? hints-fit-80

quit_any sort

# + on the API cell filters by its name; + on a field already filtered
# replaces its token (latency:>=41, then latency:>=70, not both); a
# drill-down replaces what the last one added.
start 80 24 --demo --demo-count 400 --demo-seed 7
wait_for 'OFFLINE' && keys h h +
wait_for 'filter: latency:>=41 ' && keys k +
wait_for 'filter: latency:>=70 ' && keys l +
wait_for 'filter: latency:>=70 api:="Users API" ' && screen plus-replaces
quit

# Tab completes values seen in the data, not only field names.
start 80 24 --demo --demo-count 400 --demo-seed 7
wait_for 'OFFLINE' && keys f
type_text 'api:Pay'
keys Tab
wait_for 'filter> api:"Payments API" ?$'
check $? complete-value
keys C-u
type_text 'method:P'
keys Tab
wait_for '^POST  PUT  PATCH'
check $? complete-values-listed
keys Escape
quit

# Marks: M shows only the marked records, u and U go from mark to mark
# (saying when they wrap); m on a record there unmarks and drops it.
start 80 24 --demo --demo-count 400 --demo-seed 7
wait_for 'OFFLINE' && keys g m j j m j j j m M
wait_for 'row 3 of 3  3 marked \(only\)' && screen marked-only
keys u
wait_for 'row 1 of 3.*' && wait_for 'marks wrapped to the top'
check $? mark-next-wraps
keys u U
wait_for 'row 1 of 3' && keys U
wait_for 'marks wrapped to the bottom'
check $? mark-prev-wraps
keys m
wait_for 'row [0-9] of 2  2 marked \(only\)'
check $? unmark-leaves
keys M
wait_for 'row [0-9]+ of 400  2 marked$'
check $? marked-only-off

# / in the detail finds text in the record: hits highlighted and counted,
# n and N from hit to hit, a notice when the search wraps.  C-w wraps
# long lines.
keys g Enter
wait_for 'Summary' && keys Tab Tab
wait_for 'Bubbles' && keys /
type_text 'ID'
keys Enter
wait_for 'hit 1 of 2' && screen find-hits
keys n
wait_for 'hit 2 of 2'
keys n
wait_for 'hit 1 of 2  \(search wrapped to the top\)'
check $? find-wraps
keys N
wait_for 'hit 2 of 2  \(search wrapped to the bottom\)'
check $? find-wraps-back
keys Escape Tab Tab Tab
wait_for '^User-Agent' && screen request-unwrapped
keys C-w
wait_for 'wrapping long lines' && screen request-wrapped
quit

# A drill-down replaces what the last one added: APIs then Endpoints
# gives the endpoint's tokens once, not the API's and then both.
start 200 24 --demo --demo-count 400 --demo-seed 7
wait_for 'OFFLINE' && keys 3
wait_for 'computed from 400' && keys Enter
wait_for 'range: ' && keys 3
wait_for 'computed from 104' && keys Tab
wait_for 'VER' && keys Enter
wait_for 'range: .*row 1 of 41' && screen drill-replaces
[ "$(capture | sed -n 2p | grep -o 'org:=' | wc -l)" = 1 ]
check $? drill-once
keys m Q
finish
