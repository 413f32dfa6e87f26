#!/bin/sh
# SPDX-License-Identifier: ISC
# Aggregates and drill-down, resizing between 80x24 and 200x50 (with the
# preview pane on the wide screen), and colour: NO_COLOR draws no colour,
# while without it statuses are coloured.
. "${top_srcdir:-.}/tests/screen/lib.sh"

start 80 24 --demo --demo-count 3000 --demo-seed 7
wait_for 'OFFLINE'

# Aggregates: APIs pane, then Endpoints, sorted by errors, then drill down.
keys 3
wait_for 'computed from 3,000' && screen agg-apis
keys Tab l l s
wait_for 'ERR. +AVG' && screen agg-endpoints-by-errors
keys Enter
wait_for 'range: ' && screen drill-down
keys C-t
wait_for 'filter: none'

# Resize: wide with the preview pane, then back.
resize 200 50
wait_for 'preview' && screen wide-200x50
keys Tab
wait_for 'Too Many Requests' && screen wide-side-by-side
keys BTab
resize 80 24
wait_gone 'preview' && screen narrow-80x24
quit

# NO_COLOR (exported by the test environment): no colour, attributes only.
start 100 30 --demo --demo-count 300 --demo-seed 7
wait_for 'OFFLINE'
capture -e >"$WORK/nocolor.ans"
sgr='\x1b\[([0-9;]*;)?(3[0-7]|4[0-7]|38|48|9[0-7])(;[0-9;]*)?m'
! grep -Pq "$sgr" "$WORK/nocolor.ans"
check $? no-color
grep -Pq '\x1b\[[0-9;]*7[;m]' "$WORK/nocolor.ans"
check $? no-color-cursor-reverse
quit

ENV="-u NO_COLOR"
start 100 30 --demo --demo-count 300 --demo-seed 7
wait_for 'OFFLINE'
capture -e >"$WORK/color.ans"
grep -Pq "$sgr" "$WORK/color.ans"
check $? color
quit

# No UTF-8 locale: ASCII only (bars, rules, ellipses); a monochrome
# terminal (vt100) still shows the cursor row in reverse video.
ENV="-u NO_COLOR LC_ALL=C TERM=vt100"
start 100 30 --demo --demo-count 300 --demo-seed 7
wait_for 'OFFLINE' && keys 2
wait_for 'Summary' && keys q
wait_for 'OFFLINE'
capture >"$WORK/ascii.txt"
! LC_ALL=C grep -q '[^ -~]' "$WORK/ascii.txt"
check $? ascii-fallback
capture -e >"$WORK/mono.ans"
! grep -Pq "$sgr" "$WORK/mono.ans" && grep -Pq '\x1b\[[0-9;]*7[;m]' "$WORK/mono.ans"
check $? monochrome
quit

# A mongodump with stored aggregates: computed, stored, stored vs computed.
ENV=
ln -s "$top_srcdir/tests/fixtures/dump" "$WORK/dump"
start 100 30 dump
wait_for 'OFFLINE' && keys 3
wait_for 'computed from 5 records  S: stored' && keys S
wait_for 'stored \(2 stored documents\)' && keys S
wait_for 'stored vs computed' && screen agg-stored-vs-computed
quit
finish
