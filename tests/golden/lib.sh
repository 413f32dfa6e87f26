# SPDX-License-Identifier: ISC
# Golden-test helpers.  run_case NAME STATUS CMD... runs CMD with a
# timeout, captures stdout and stderr, and compares them (and the exit
# status) with tests/golden/expected/SUITE/NAME.{out,err}.  With
# UPDATE_GOLDEN=1 the expected files are rewritten instead.
set -u
: "${top_srcdir:=.}"
: "${top_builddir:=.}"
: "${TYKSCOPE:=$top_builddir/src/tykscope}"
top_srcdir=$(cd "$top_srcdir" && pwd)
top_builddir=$(cd "$top_builddir" && pwd)
SUITE=$(basename "$0" .sh)
EXPECTED="$top_srcdir/tests/golden/expected/$SUITE"
FIXTURES="$top_srcdir/tests/fixtures"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/tykscope-golden.XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM
export TZ=UTC LC_ALL=C.UTF-8 NO_COLOR=1
: "${TYKSCOPE_CONFIG:=/dev/null}"
export TYKSCOPE_CONFIG
pass=0
fail=0

# Replace volatile text (the version, the work and source paths).
normalise() {
	sed -e "s|$WORK|@WORK@|g" -e "s|$top_srcdir|@SRC@|g" \
	    -e "s|$top_builddir|@BUILD@|g" \
	    -e "s|tykscope [0-9][0-9.]*[^ ]*$|tykscope @VERSION@|" \
	    -e 's|"creator":{"name":"tykscope","version":"[^"]*"}|"creator":{"name":"tykscope","version":"@VERSION@"}|'
}

run_case() {
	name=$1; want=$2; shift 2
	timeout 60 "$@" >"$WORK/$name.out.raw" 2>"$WORK/$name.err.raw"
	got=$?
	normalise <"$WORK/$name.out.raw" >"$WORK/$name.out"
	normalise <"$WORK/$name.err.raw" >"$WORK/$name.err"
	if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
		mkdir -p "$EXPECTED"
		cp "$WORK/$name.out" "$EXPECTED/$name.out"
		cp "$WORK/$name.err" "$EXPECTED/$name.err"
	fi
	ok=1
	if [ "$got" != "$want" ]; then
		echo "FAIL $SUITE/$name: exit status $got, want $want"
		ok=0
	fi
	for s in out err; do
		if ! diff -u "$EXPECTED/$name.$s" "$WORK/$name.$s" \
		    >"$WORK/$name.$s.diff" 2>&1; then
			echo "FAIL $SUITE/$name: std$s differs:"
			head -40 "$WORK/$name.$s.diff"
			ok=0
		fi
	done
	if [ $ok = 1 ]; then
		echo "ok $SUITE/$name"
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
	fi
}

finish() {
	echo "$pass passed, $fail failed"
	[ "$fail" = 0 ]
}
