#!/bin/sh
# SPDX-License-Identifier: ISC
# The : command palette (actions by name with Tab completion, since,
# until, tz, write-jsonl, export, bind, errors) and the configuration's
# theme and bind lines.
. "${top_srcdir:-.}/tests/screen/lib.sh"

DEMO="--demo --demo-count 3000 --demo-seed 7 --demo-rate 0.015"

start 80 24 $DEMO
wait_for 'OFFLINE'
# Completion: the names starting with "c", then one completed.
keys : c Tab
wait_for 'copy close chart coarser chart-scope' && screen palette-complete
type_text 'hart'
keys Enter
wait_for 'Traffic  3,000 records'
keys q
wait_for 'filter: none'
# since and until edit the filter line's own tokens.
keys :
type_text 'since 2024-03-01T08:00'
keys Enter
wait_for 'filter: since:2024-03-01T08:00 ' && keys :
type_text 'until 2024-03-01T09:00'
keys Enter
wait_for 'since:2024-03-01T08:00 until:2024-03-01T09:00' &&
    screen palette-range
keys :
type_text 'since'
keys Enter
wait_for 'filter: until:2024-03-01T09:00 '
keys :
type_text 'since yesterday'
keys Enter
wait_for 'since yesterday: '
# Unknown names: red while typed, a message when run.
keys :
type_text 'nope'
wait_for 'col 1: Tab lists them: unknown com'
keys Enter
wait_for 'nope: unknown command'
# write-jsonl and export: named files, never replaced.  (until:09:00
# takes in the minute it names, as the filter does.)
keys :
type_text 'write-jsonl shown.jsonl'
keys Enter
wait_for 'wrote [0-9]+ shown records to shown.jsonl'
n=$(capture | sed -n 's/.*wrote \([0-9]*\) shown records.*/\1/p')
[ "$n" = 2687 ] && [ "$(wc -l <"$WORK/shown.jsonl")" -eq "$n" ] &&
    ! grep -Eq '"timestamp":"2024-03-01T(09:0[1-9]|09:[1-5]|1[0-9])' \
    "$WORK/shown.jsonl"
check $? write-jsonl
keys :
type_text 'write-jsonl shown.jsonl'
keys Enter
wait_for 'shown.jsonl: File exists \(not replaced'
keys :
type_text 'write-har shown.har'
keys Enter
wait_for 'wrote 2687 shown records to shown.har'
head -c 9 "$WORK/shown.har" | grep -q '^{"log":{' &&
    [ "$(grep -c '^,\{0,1\}{"startedDateTime":' "$WORK/shown.har")" -eq 2687 ] &&
    tail -1 "$WORK/shown.har" | grep -q '^]}}$'
check $? write-har
keys m :
type_text 'export marked.jsonl'
keys Enter
wait_for 'wrote 1 marked record to marked.jsonl'
[ "$(wc -l <"$WORK/marked.jsonl")" -eq 1 ]
check $? export-marked
keys :
type_text 'export marked.har'
keys Enter
wait_for 'wrote 1 marked record to marked.har'
[ "$(grep -c '^{"startedDateTime":' "$WORK/marked.har")" -eq 1 ]
check $? export-marked-har
# Copies are named for what they hold, in $XDG_STATE_HOME/tykscope
# (lib.sh points it into the work directory), never replaced.  Wide,
# so that the message shows the whole path.
resize 200 50
keys c j
wait_for "also in $WORK/state/tykscope/record.json" && keys c j
wait_for "also in $WORK/state/tykscope/record-2.json"
[ "$(stat -c %a "$WORK/state/tykscope/record.json")" = 600 ] &&
    [ "$(stat -c %a "$WORK/state")" = 700 ]
check $? copy-names
keys :
type_text 'filter detailed:yes path:.png'
keys Enter
wait_for 'filter: detailed:yes path:.png' && keys c b
wait_for "also in $WORK/state/tykscope/response-body.png"
head -c 8 "$WORK/state/tykscope/response-body.png" | od -An -c | grep -q 'P   N   G'
check $? copy-png
keys :
type_text 'filter detailed:yes method:POST'
keys Enter
wait_for 'filter: detailed:yes method:POST' && keys g
wait_for 'PAUSED|OFFLINE' && keys c b
wait_for "also in $WORK/state/tykscope/request-body.json"
keys C-t
wait_for 'filter: none'
# An action with nothing to do here, then tz: the header, the times and
# the chart follow it.
keys :
type_text 'heatmap'
keys Enter
wait_for 'heatmap: nothing to do on the Records screen'
keys :
type_text 'tz America/New_York'
keys Enter
wait_for 'times and chart buckets in America/New_York'
wait_for 'bad 0  America/New_York' && keys 5
wait_for 'America/New_York  hits'
keys :
type_text 'tz Mars/Olympus'
keys Enter
wait_for 'tz Mars/Olympus: '
# :columns sets the Records table's columns, shows them, and refuses an
# unknown one; default goes back.
keys 1 :
type_text 'columns time,status,upstream,gateway,path'
keys Enter
wait_for 'TIME[^ ]* +ST +UPSTREAM +GATEWAY +PATH'
keys :
type_text 'columns'
keys Enter
wait_for 'columns: time,status,upstream,gateway,path'
keys :
type_text 'columns time,bogus'
keys Enter
wait_for "columns: unknown column 'bogus'"
keys :
type_text 'columns default'
keys Enter
wait_for 'TIME[^ ]* +METHOD +ST +LATENCY API'
quit

# No XDG_STATE_HOME: ~/.local/state/tykscope.
ENV="-u XDG_STATE_HOME HOME=$WORK/home"
start 200 50 $DEMO
wait_for 'OFFLINE' && keys c u
wait_for "also in $WORK/home/.local/state/tykscope/url.txt"
quit

# The configuration file: bind and theme; the help lists the binds.
cat >"$WORK/config" <<'EOT'
theme monochrome
bind C-n chart
bind F5 heatmap
EOT
ENV="-u NO_COLOR TYKSCOPE_CONFIG=$WORK/config"
start 80 24 $DEMO
wait_for 'OFFLINE' && keys C-n
wait_for 'Traffic  3,000' && keys F5
wait_for 'Heatmap  3,000'
capture -e >"$WORK/mono.ans"
sgr='\x1b\[([0-9;]*;)?(3[0-7]|4[0-7]|38|48|9[0-7])(;[0-9;]*)?m'
! grep -Pq "$sgr" "$WORK/mono.ans"
check $? theme-monochrome
keys '?'
wait_for 'tykscope keys' && keys G
wait_for 'actions by name' && screen palette-help-actions
keys b
wait_for 'bound in the configuration file' && screen palette-help-binds
quit

# A bad bind stops the program with a message.
printf 'bind C-n no-such-action\n' >"$WORK/bad"
ENV="TYKSCOPE_CONFIG=$WORK/bad"
start 80 24 $DEMO
i=0
while [ ! -s "$WORK/exit" ] && [ "$i" -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ "$(cat "$WORK/exit")" = 2 ] &&
    grep -q 'bind C-n no-such-action: unknown action' "$WORK/stderr"
check $? bad-bind
$TMUX_CMD kill-server >/dev/null 2>&1
finish
