#!/bin/sh
# SPDX-License-Identifier: ISC
# Hostile records (tests/fixtures/screen/hostile.jsonl): escape sequences
# in the path, headers, bodies and other fields are drawn as visible text.
# The terminal's title stays, no clipboard buffer appears (tmux accepts
# OSC 52 here: set-clipboard on), and with NO_COLOR no colour is drawn,
# on every screen.  Then copying (c) is the one way to the clipboard.
. "${top_srcdir:-.}/tests/screen/lib.sh"

FIX="$top_srcdir/tests/fixtures/screen/hostile.jsonl"
sgr='\x1b\[([0-9;]*;)?(3[0-7]|4[0-7]|38|48|9[0-7])(;[0-9;]*)?m'

# Nothing reached the terminal: title, buffers, colours, no OSC at all.
clean() {
	ok=0
	t=$($TMUX_CMD display-message -p -t t '#{pane_title}')
	[ "$t" = "$title0" ] || { echo "title changed to '$t'"; ok=1; }
	b=$($TMUX_CMD list-buffers 2>/dev/null | wc -l)
	[ "$b" = 0 ] || { echo "$b clipboard buffers"; ok=1; }
	capture -e >"$WORK/$1.ans"
	if grep -Pq "$sgr" "$WORK/$1.ans"; then
		echo "colour in the capture"
		ok=1
	fi
	if grep 'PWNED' "$WORK/$1.ans" | grep -Evq '(\^\[|\\u001B)\]0;PWNED'
	then
		echo "PWNED shown without its escape made visible"
		ok=1
	fi
	check $ok "clean-$1"
}

start 100 30 "$FIX"
title0=$($TMUX_CMD display-message -p -t t '#{pane_title}')
wait_for 'OFFLINE' && screen hostile-list
clean list

keys Enter
wait_for 'Summary' && screen hostile-summary
clean summary
keys Tab
wait_for 'decoded' && screen hostile-request
clean request
keys Tab
wait_for 'X-Title' && screen hostile-response
clean response
keys Tab
wait_for '"path"' && screen hostile-raw
clean raw

# The copy menu is the one way to the clipboard: OSC 52 and a file.
keys c j
wait_for 'copied record JSON'
b=$($TMUX_CMD list-buffers 2>/dev/null | wc -l)
[ "$b" = 1 ]
check $? copy-osc52
$TMUX_CMD show-buffer | grep -iq '"path": "/v1/\\u001b\]0;PWNED'
check $? copy-content
# Saved as record.json in $XDG_STATE_HOME/tykscope (lib.sh: the work dir).
f="$WORK/state/tykscope/record.json"
[ -f "$f" ] && grep -q 'PWNED' "$f"
check $? copy-file
rm -f "$f"
quit
finish
