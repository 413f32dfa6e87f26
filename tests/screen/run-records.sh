#!/bin/sh
# SPDX-License-Identifier: ISC
# Records screen on fixed demo data: launch, navigate, sort, filter (with
# a live-validated error), search, detail with a decoded gzip JSON body,
# help, and quitting cleanly.
. "${top_srcdir:-.}/tests/screen/lib.sh"

start 80 24 --demo --demo-count 400 --demo-seed 7
wait_for 'OFFLINE' && screen launch-80x24

# Navigate: top, down three, page down, bottom.
keys g j j j
screen nav-top
keys Space
screen nav-page
keys G
screen nav-bottom

# Sort by status (column cursor from PATH to ST), then back to time.
keys h h h s
wait_for 'sorted by STATUS' && screen sort-status
keys h h s
wait_for 'sorted by TIME' && keys G

# Filter: a typo first (red, with the column), then a good one.
keys f
type_text 'stauts:5xx'
wait_for 'col 1' && screen filter-error
keys C-u
type_text 'status:5xx'
keys Enter
wait_for 'filter: status:5xx' && screen filter-5xx
keys C-t
wait_for 'filter: none'

# Search moves to the first match after the cursor: a gzip response.
keys g /
type_text 'hdr:"Content-Encoding: gzip" since:2024-02-29T10:00:15'
keys Enter
wait_for '^10:00:15.477' && screen search-gzip

# Detail of that record: Response tab, gzip JSON pretty-printed.
keys Enter
wait_for 'Summary' && keys Tab Tab
wait_for 'gzip ' && screen detail-gzip-response
keys v
wait_for 'body view: raw' && screen detail-gzip-raw
keys q
wait_for 'filter: none'

# Marks and export: two marked records, as JSON lines.
keys g m m x
wait_for 'exported 2 marked records to tykscope-export-1.jsonl'
[ "$(wc -l <"$WORK/tykscope-export-1.jsonl")" = 2 ]
check $? export-marked

# +/- on the value under the column cursor (ST, then METHOD).
keys g l l +
wait_for 'filter: status:200 ' && keys h -
wait_for 'filter: status:200 !method:="GET"' && screen filter-in-out
keys C-t

# Tab completes field names in the filter prompt.
keys f
type_text 'sta'
keys Tab
wait_for 'filter> status:'
type_text '4xx'
keys Enter
wait_for 'filter: status:4xx'
check $? tab-completion
keys C-t
wait_for 'filter: none'

# Help, generated from the key table.
keys '?'
wait_for 'tykscope keys' && screen help
keys q
wait_for 'row [0-9,]+ of'
quit

# Saved filters from the configuration file: @NAME, completed with Tab.
printf 'saved-filter errors status:5xx\nsaved-filter slow latency:>500\n' \
    >"$WORK/saved.conf"
start 80 24 --config "$WORK/saved.conf" --demo --demo-count 400 --demo-seed 7
wait_for 'OFFLINE'
keys f
type_text '@e'
keys Tab
wait_for 'filter> @errors' && keys Enter
wait_for 'filter: @errors +row [0-9]+ of [0-9]'
check $? saved-filter
quit
# SIGQUIT (kill -QUIT: in raw mode Ctrl-\\ is a key) restores the terminal
# as SIGTERM does: out of the alternate screen, cursor shown, status 0.
# The pane lives on after tykscope (a dead pane has no cursor to check).
start 80 24 --demo --demo-count 100
$TMUX_CMD respawn-pane -k -t t "cd '$WORK' && env TERM=screen '$TYKSCOPE' \
    --demo --demo-count 100; echo \$? >'$WORK/exit'; sleep 600"
wait_for 'OFFLINE'
[ "$($TMUX_CMD display-message -p -t t '#{alternate_on}')" = 1 ]
check $? alternate-screen-on
pkill -QUIT -P "$($TMUX_CMD display-message -p -t t '#{pane_pid}')"
i=0
while [ ! -s "$WORK/exit" ] && [ "$i" -lt $((WAIT * 10)) ]; do
	sleep 0.1
	i=$((i + 1))
done
[ "$(cat "$WORK/exit")" = 0 ] &&
    [ "$($TMUX_CMD display-message -p -t t '#{alternate_on}')" = 0 ] &&
    [ "$($TMUX_CMD display-message -p -t t '#{cursor_flag}')" = 1 ]
check $? sigquit-restores-terminal
$TMUX_CMD kill-server >/dev/null 2>&1
finish
