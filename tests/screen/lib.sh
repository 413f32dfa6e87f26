# SPDX-License-Identifier: ISC
# TUI screen tests driven by tmux, the way tmux tests itself.  Each test
# script gets private tmux servers (-L tykscopetest$$-N, -f /dev/null) and
# runs tykscope in a fixed-size detached session:
#
#	start W H ARGS...	run tykscope ARGS in a W x H window (in $CWD,
#				default the work directory; environment $ENV)
#	keys K...		tmux send-keys
#	wait_for RE [SECS]	poll the screen until it matches RE
#	screen NAME		compare the screen with expected/NAME.screen,
#				polling until it matches or time runs out
#	resize W H		resize the window
#	capture [-e]		print the screen (with -e, attributes)
#
# Never bare sleeps: everything waits on screen content.  UPDATE_GOLDEN=1
# rewrites the expected screens (review the diff).  The work directory
# (the program's cwd) is kept, with the log, only when a check fails.
set -u
: "${top_srcdir:=.}"
: "${top_builddir:=.}"
: "${TYKSCOPE:=$top_builddir/src/tykscope}"
top_srcdir=$(cd "$top_srcdir" && pwd)
SUITE=$(basename "$0" .sh)
EXPECTED="$top_srcdir/tests/screen/expected"
if ! command -v tmux >/dev/null 2>&1; then
	echo "SKIP $SUITE: tmux not found"
	exit 77
fi
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tykscope-screen.XXXXXX")
NSTART=0
SOCK=tykscopetest$$
TMUX_CMD="tmux -L $SOCK -f /dev/null"
unset TMUX
export TZ=UTC LC_ALL=C.UTF-8 TYKSCOPE_CONFIG=/dev/null
# Copies are saved under $XDG_STATE_HOME/tykscope: keep them in the work
# directory, never in the user's home.
export XDG_STATE_HOME="$WORK/state"
pass=0
fail=0
WAIT=${SCREEN_WAIT:-15}

cleanup() {
	$TMUX_CMD kill-server >/dev/null 2>&1
	[ -n "${CLEANUP:-}" ] && eval "$CLEANUP"
	if [ "$fail" = 0 ]; then
		rm -rf "$WORK"
	else
		echo "kept $WORK"
	fi
}
trap cleanup EXIT
trap 'exit 1' INT TERM

# Start tykscope with ARGS in a W x H window; extra environment in ENV.
start() {
	w=$1; h=$2; shift 2
	# A fresh server each time: a killed one may still hold its socket.
	NSTART=$((NSTART + 1))
	SOCK=tykscopetest$$-$NSTART
	TMUX_CMD="tmux -L $SOCK -f /dev/null"
	rm -f "$WORK/exit"
	cmd="cd '${CWD:-$WORK}' && env TERM=screen env ${ENV:-} '$TYKSCOPE'"
	for a in "$@"; do
		cmd="$cmd '$a'"
	done
	$TMUX_CMD new-session -d -s t -x "$w" -y "$h" "sleep 600" \; \
	    set-option -g status off \; set-option -g remain-on-exit on \; \
	    set-option -g set-clipboard on \; \
	    resize-window -t t -x "$w" -y "$h"
	$TMUX_CMD respawn-pane -k -t t \
	    "$cmd 2>'$WORK/stderr'; echo \$? >'$WORK/exit'"
}

keys() {
	$TMUX_CMD send-keys -t t "$@"
}

# Type literal text.
type_text() {
	$TMUX_CMD send-keys -t t -l "$1"
}

resize() {
	$TMUX_CMD resize-window -t t -x "$1" -y "$2"
}

capture() {
	$TMUX_CMD capture-pane -t t -p "$@"
}

# Normalise volatile text (work directory paths).
normalise() {
	sed -e "s|$WORK|@WORK@|g" -e "s|$top_srcdir|@SRC@|g" -e "s|${TMPDIR:-/tmp}/tykscope-copy\.[A-Za-z0-9]*|@COPY@|g"
}

# Poll the screen until it matches the extended regex $1.
wait_for() {
	re=$1
	t=${2:-$WAIT}
	i=0
	while [ "$i" -lt $((t * 10)) ]; do
		if capture | grep -Eq -- "$re"; then
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	echo "FAIL $SUITE: timed out waiting for /$re/; screen:"
	capture
	[ -s "$WORK/stderr" ] && sed 's/^/stderr: /' "$WORK/stderr"
	fail=$((fail + 1))
	return 1
}

# Poll until the screen no longer matches $1.
wait_gone() {
	re=$1
	i=0
	while [ "$i" -lt $((WAIT * 10)) ]; do
		if ! capture | grep -Eq -- "$re"; then
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	echo "FAIL $SUITE: /$re/ still on the screen"
	capture
	fail=$((fail + 1))
	return 1
}

# Compare the screen with expected/NAME.screen.
screen() {
	name=$1
	want="$EXPECTED/$name.screen"
	if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
		# Wait for the screen to settle, then take it.
		mkdir -p "$EXPECTED"
		capture | normalise >"$WORK/settle.a"
		i=0
		while [ "$i" -lt 50 ]; do
			sleep 0.2
			capture | normalise >"$WORK/settle.b"
			cmp -s "$WORK/settle.a" "$WORK/settle.b" && break
			mv "$WORK/settle.b" "$WORK/settle.a"
			i=$((i + 1))
		done
		cp "$WORK/settle.a" "$want"
	fi
	i=0
	while :; do
		capture | normalise >"$WORK/$name.screen"
		if cmp -s "$want" "$WORK/$name.screen"; then
			echo "ok $SUITE/$name"
			pass=$((pass + 1))
			return 0
		fi
		if [ "$i" -ge $((WAIT * 10)) ]; then
			break
		fi
		sleep 0.1
		i=$((i + 1))
	done
	echo "FAIL $SUITE/$name: screen differs:"
	diff -u "$want" "$WORK/$name.screen" | head -60
	fail=$((fail + 1))
	return 1
}

# Record a check done by the script itself.
check() {
	if [ "$1" = 0 ]; then
		echo "ok $SUITE/$2"
		pass=$((pass + 1))
	else
		echo "FAIL $SUITE/$2"
		fail=$((fail + 1))
	fi
}

# Quit tykscope and check it exited 0 and left nothing on stderr.
quit() {
	keys Q
	i=0
	while [ ! -s "$WORK/exit" ] && [ "$i" -lt $((WAIT * 10)) ]; do
		sleep 0.1
		i=$((i + 1))
	done
	st=$(cat "$WORK/exit" 2>/dev/null)
	if [ "$st" = 0 ] && [ ! -s "$WORK/stderr" ]; then
		echo "ok $SUITE/quit"
		pass=$((pass + 1))
	else
		echo "FAIL $SUITE/quit: exit status '$st'"
		[ -s "$WORK/stderr" ] && sed 's/^/stderr: /' "$WORK/stderr"
		fail=$((fail + 1))
	fi
	$TMUX_CMD kill-server >/dev/null 2>&1
}

finish() {
	echo "$pass passed, $fail failed"
	[ "$fail" = 0 ]
}
