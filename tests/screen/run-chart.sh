#!/bin/sh
# SPDX-License-Identifier: ISC
# The Chart screen (5): traffic over time at 80x24 and 200x50, the
# latency heatmap, the bucket cursor and Enter (the bucket's records),
# bucket sizes (+/-), the scope (a: all records; 5 on an aggregate row:
# that row), --tz, and the ASCII fallback.  27 hours of demo traffic.
. "${top_srcdir:-.}/tests/screen/lib.sh"

DEMO="--demo --demo-count 3000 --demo-seed 7 --demo-rate 0.015"

start 80 24 $DEMO
wait_for 'OFFLINE' && keys 5
wait_for 'Traffic  3,000 records' && screen chart-80x24
keys v
wait_for 'Heatmap' && screen chart-heat-80x24
keys v h h h
wait_for '2024-03-01 08:00.09:00 UTC' && screen chart-cursor
keys Enter
wait_for 'range: 2024-03-01 08:00.09:00 UTC' && screen chart-enter
# Finer and coarser buckets; the scope.
keys C-t
wait_for 'filter: none' && keys 5 +
wait_for '155 buckets of 10 min  UTC'
keys - - -
wait_for 'buckets of 1 day are the coarsest'
keys a
wait_for 'chart of all records'
keys q
wait_for 'filter: none'
# From the Aggregates screen: the row under the cursor.
keys 3
wait_for 'computed from 3,000' && keys j 5
wait_for 'records, row org:' && screen chart-row
resize 200 50
wait_for '154 buckets of 10 min \(auto\)' && screen chart-row-200x50
keys a
wait_for 'Traffic  3,000 records, no filter' && screen chart-200x50
keys v
wait_for 'Heatmap' && screen chart-heat-200x50
quit

# --tz: buckets on the zone's wall clock, the zone named.
start 80 24 --tz America/New_York $DEMO
wait_for 'OFFLINE' && keys 5
wait_for 'America/New_York' && screen chart-tz
quit

# A record centuries away: even day buckets are too many; the newest
# 100,000 days are charted and the rest counted, no crash.
"$TYKSCOPE" -n --demo --demo-count 3 --demo-seed 7 --format jsonl |
    sed '1s/"timestamp":"[^"]*"/"timestamp":"1200-01-01T00:00:00Z"/' \
    >"$WORK/far.jsonl"
start 80 24 far.jsonl
wait_for 'OFFLINE' && keys 5
wait_for '3 records, 1 not charted, no filter  100,000 buckets of 1 day'
wait_for 'range too wide: the newest 100000 days are charted'
keys h l
wait_for '2024-02-29 UTC  hits 2'
quit

# No UTF-8 locale: ASCII bars, shades and rules.
ENV="LC_ALL=C"
start 80 24 $DEMO
wait_for 'OFFLINE' && keys 5
wait_for 'Traffic'
capture >"$WORK/ascii.txt"
! LC_ALL=C grep -q '[^ -~]' "$WORK/ascii.txt"
check $? chart-ascii
keys v
wait_for 'Heatmap'
capture >"$WORK/ascii.txt"
! LC_ALL=C grep -q '[^ -~]' "$WORK/ascii.txt"
check $? heat-ascii
quit

# In colour: the hits bars stacked by class, 5xx red and 4xx yellow (in
# the hits panel, lines 4-13 of 24), the p95 bars cyan.
ENV="-u NO_COLOR"
start 80 24 $DEMO
wait_for 'OFFLINE' && keys 5
wait_for 'Traffic'
capture -e | sed -n 4,13p >"$WORK/hits.ans"
grep -Pq '\x1b\[([0-9;]*;)?31[;m]' "$WORK/hits.ans" &&
    grep -Pq '\x1b\[([0-9;]*;)?33[;m]' "$WORK/hits.ans"
check $? chart-classes
capture -e | sed -n 15,21p >"$WORK/lat.ans"
grep -Pq '\x1b\[([0-9;]*;)?36[;m]' "$WORK/lat.ans"
check $? chart-p95-colour
quit

# --theme light: no yellow on a light background (4xx magenta instead).
start 80 24 --theme light $DEMO
wait_for 'OFFLINE' && keys 5
wait_for 'Traffic'
capture -e | sed -n 4,13p >"$WORK/light.ans"
grep -Pq '\x1b\[([0-9;]*;)?35[;m]' "$WORK/light.ans" &&
    ! grep -Pq '\x1b\[([0-9;]*;)?33[;m]' "$WORK/light.ans"
check $? theme-light
quit
finish
