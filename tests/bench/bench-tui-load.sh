#!/bin/sh
# SPDX-License-Identifier: ISC
# TUI load benchmark (make bench; not part of make check): the wall time
# of the TUI loading a dump, against `tykscope -n --count` on the same
# file in the same run.  The TUI runs in a detached 200x50 tmux window;
# the hidden TYKSCOPE_UI_QUIT_LOADED makes it quit as soon as every
# offline source is read and the view has taken the records in, and print
# the time from start (options, sources opened) to there on stderr.
# Target (issue 10, item 5): the TUI within 1.2 x of batch mode.
# Uses the data of run-readers.sh (BENCH_RECORDS, BENCH_KEEP as there) or
# the files given as arguments; BENCH_RUNS (3) runs each, the median kept.
set -eu
: "${top_builddir:=.}"
B=$top_builddir
T=${TYKSCOPE:-$B/src/tykscope}
N=${BENCH_RECORDS:-330000}
RUNS=${BENCH_RUNS:-3}
DIR=${TMPDIR:-/tmp}/tykscope-bench-readers
command -v tmux >/dev/null 2>&1 || { echo "bench-tui-load: no tmux"; exit 0; }
own=0
if [ $# -eq 0 ]; then
	own=1
	if [ ! -s "$DIR/big.bson" ] || [ ! -s "$DIR/big.bson.gz" ] ||
	    [ "$(cat "$DIR/records" 2>/dev/null)" != "$N" ]; then
		mkdir -p "$DIR"
		echo "generating $N records in $DIR (libbson; gzip level 1)..."
		"$B/tests/fixtures/mkbson" bench "$DIR/big.bson" "$N" \
		    "$DIR/big.bson.gz"
		echo "$N" >"$DIR/records"
	fi
	set -- "$DIR/big.bson" "$DIR/big.bson.gz"
fi
out=$(mktemp)
sock=tykscope-bench-load$$
trap 'tmux -L $sock kill-server >/dev/null 2>&1; rm -f "$out" "$out.t"' EXIT

median() { sort -n | awk -v n="$RUNS" 'NR == int((n + 1) / 2)'; }

# TUI load seconds of FILE
tui() {
	tmux -L "$sock" -f /dev/null new-session -d -x 200 -y 50 \
	    "env TERM=screen TYKSCOPE_CONFIG=/dev/null TYKSCOPE_UI_QUIT_LOADED=1 '$T' '$1' 2>'$out'"
	while tmux -L "$sock" has-session 2>/dev/null; do sleep 0.05; done
	awk '/^loaded/ { print $(NF - 1) }' "$out"
}

printf '%-28s %9s %9s %7s\n' "file" "batch s" "TUI s" "TUI/bat"
for f; do
	cat "$f" >/dev/null
	i=0; : >"$out.t"
	while [ $i -lt "$RUNS" ]; do
		/usr/bin/time -f %e -a -o "$out.t" "$T" -n --count "$f" \
		    >/dev/null
		i=$((i + 1))
	done
	bt=$(median <"$out.t")
	i=0; : >"$out.t"
	while [ $i -lt "$RUNS" ]; do
		tui "$f" >>"$out.t"
		i=$((i + 1))
	done
	tt=$(median <"$out.t")
	[ -n "$tt" ] || { echo "bench-tui-load: the TUI did not report"; exit 1; }
	printf '%-28s %9.2f %9.2f %7.2f  [<= 1.20]\n' "$(basename "$f")" \
	    "$bt" "$tt" "$(echo "$tt $bt" | awk '{ print ($2 > 0 ? $1 / $2 : 0) }')"
done
if [ "$own" = 1 ] && [ "${BENCH_KEEP:-0}" != 1 ]; then
	rm -rf "$DIR"
fi
