#!/bin/sh
# SPDX-License-Identifier: ISC
# The terminal rule in batch mode, and write errors.  Hostile records
# (OSC, CSI, DCS, C1 both as a raw byte and as U+009B, bidi overrides,
# zero-width characters, invalid UTF-8, DEL, a large string), hostile file
# and collection names, and damage reports go through every batch format
# with stdout and stderr on a terminal (script(1) gives a pty and records
# every byte written to it); tests/tools/term-check, written apart from
# the program's rule, fails on any byte a terminal would act on.  Then:
# a full disk, a closed pipe with SIGPIPE ignored (batch and follow), and
# ~/ in the configuration file.
. "${top_srcdir:-.}/tests/golden/lib.sh"

CHECK="$top_builddir/tests/tools/term-check"
if ! command -v script >/dev/null 2>&1; then
	echo "SKIP $SUITE: script(1) not found"
	exit 77
fi
: "${TERM_BIG_MB:=4}"

check() {
	if [ "$1" = 0 ]; then
		echo "ok $SUITE/$2"
		pass=$((pass + 1))
	else
		echo "FAIL $SUITE/$2"
		fail=$((fail + 1))
	fi
}

# The hostile corpus: the screen tests' records plus raw bytes, invisible
# characters and a string of TERM_BIG_MB MiB of escape sequences.
H="$WORK/hostile.jsonl"
cp "$FIXTURES/screen/hostile.jsonl" "$H"
printf '{"path":"/raw\233[6n\377\376x","api_name":"z\\u200bw\\u2066i\\u202ed\\u007f","api_key":"\\u009b]0;PWNED\\u0007","host":"dcs\\u001bP1$r\\u001b\\\\","timestamp":"2024-02-29T10:00:01Z","response_code":500}\n' >>"$H"
{
	printf '{"timestamp":"2024-02-29T10:00:02Z","response_code":200,"path":"/big'
	yes '\u001b]0;PWNED\u0007\u009b2J' | head -n $((TERM_BIG_MB * 1024 * 1024 / 24)) | tr -d '\n'
	printf '"}\n'
} >>"$H"
# A name that is itself hostile, holding a bad record.
NAME=$(printf 'h\033]0;PWNED\007\302\233.jsonl')
cp "$H" "$WORK/$NAME"
printf '{"path": "/cut\033[2J' >>"$WORK/$NAME"
# A dump directory whose collection name is hostile, with damage.
mkdir -p "$WORK/dump/tyk_analytics"
COLL=$(printf 'z_tyk_analyticz_\033]0;PWNED\007')
cp "$FIXTURES/tyk_analytics.bson" "$WORK/dump/tyk_analytics/$COLL.bson"
printf '\377\377\377\177\033]0;PWNED\007' >>"$WORK/dump/tyk_analytics/$COLL.bson"

# Run ARGS on a terminal; NAME's typescript must obey the rule and show
# the marker (so that the record was printed, escaped).
on_tty() {
	name=$1; marker=$2; shift 2
	{
		printf 'cd "%s" || exit 9\nexec' "$WORK"
		printf ' "%s"' "$TYKSCOPE" "$@"
		printf '\n'
	} >"$WORK/$name.sh"
	timeout 120 script -q -e -c "sh '$WORK/$name.sh'" "$WORK/$name.ts" \
	    >/dev/null 2>&1 </dev/null
	# The first and last lines are script's own.
	sed -e '1d' -e '$d' "$WORK/$name.ts" >"$WORK/$name.tty"
	ok=0
	"$CHECK" "$WORK/$name.tty" || ok=1
	if ! grep -q -- "$marker" "$WORK/$name.tty"; then
		echo "$name: marker '$marker' not in the output:"
		head -c 600 "$WORK/$name.tty"
		ok=1
	fi
	check $ok "tty-$name"
}

on_tty jsonl 'PWNED' -n "$NAME"
on_tty jsonl-c1 '\\u009B' -n hostile.jsonl
on_tty decode 'PWNED' -n --decode hostile.jsonl
on_tty tsv 'PWNED' -n --format tsv "$NAME"
on_tty tsv-c1 '<U+009B>' -n --format tsv hostile.jsonl
on_tty table 'PWNED' -n --format table "$NAME"
on_tty curl 'curl' -n --format curl hostile.jsonl
on_tty raw-request 'PWNED' -n --format raw-request hostile.jsonl
on_tty raw-response 'HTTP' -n --format raw-response hostile.jsonl
on_tty aggregate 'PWNED' -n --aggregate hostile.jsonl
on_tty aggregate-table 'HITS' -n --aggregate --format table --reveal \
    hostile.jsonl
on_tty count '^[0-9]' -n --count "$NAME"
on_tty dump 'z_tyk_analyticz_^\[\]0;PWNED^G' -n --count dump
on_tty missing 'PWNED' -n "$(printf 'gone\033]0;PWNED\007')"
on_tty filter-error 'filter' -n -f "$(printf 'path:~\033]0;PWNED\007(')" \
    hostile.jsonl

# Off a terminal, stdout keeps the bytes as stored, stderr is still safe.
"$TYKSCOPE" -n "$WORK/$NAME" >"$WORK/pipe.out" 2>"$WORK/pipe.err"
ok=0
"$CHECK" "$WORK/pipe.err" || ok=1
grep -q 'bad record' "$WORK/pipe.err" || ok=1
check $ok stderr-to-file
"$TYKSCOPE" -n --format tsv "$H" >"$WORK/pipe.tsv" 2>/dev/null
grep -q "$(printf '\033')" "$WORK/pipe.tsv"
check $? tsv-to-pipe-as-stored

# Write errors: exit status 2 and a message, never a silent cut.
wr() {
	name=$1; want=$2; to=$3; shift 3
	"$@" >"$to" 2>"$WORK/$name.err"
	st=$?
	ok=0
	[ "$st" = 2 ] || { echo "$name: exit status $st"; ok=1; }
	grep -q "stdout: $want" "$WORK/$name.err" ||
	    { echo "$name: stderr:"; cat "$WORK/$name.err"; ok=1; }
	check $ok "$name"
}
full='No space left on device'
wr full "$full" /dev/full "$TYKSCOPE" -n "$H"
wr full-tsv "$full" /dev/full "$TYKSCOPE" -n --format tsv "$H"
wr full-count "$full" /dev/full "$TYKSCOPE" -n --count "$H"
wr full-aggregate "$full" /dev/full "$TYKSCOPE" -n --aggregate "$H"

# SIGPIPE ignored: the reader is gone, tykscope stops (batch and follow).
pipe_case() {
	name=$1; shift
	{
		trap '' PIPE
		timeout 30 "$TYKSCOPE" "$@" 2>"$WORK/$name.err"
		echo $? >"$WORK/$name.st"
	} | head -c 100 >/dev/null
	st=$(cat "$WORK/$name.st")
	ok=0
	[ "$st" = 2 ] || { echo "$name: exit status $st"; ok=1; }
	grep -q 'stdout: Broken pipe' "$WORK/$name.err" || ok=1
	check $ok "$name"
}
pipe_case epipe -n --demo --demo-count 20000
pipe_case epipe-follow -n --follow --demo --demo-rate 200

# ~/ in the configuration file is $HOME, as in the example file.
printf 'verbose-log ~/debug.log\n' >"$WORK/tilde.conf"
HOME="$WORK" TYKSCOPE_CONFIG="$WORK/tilde.conf" "$TYKSCOPE" -n --count \
    "$H" >/dev/null 2>&1
[ -s "$WORK/debug.log" ]
check $? config-tilde

finish
