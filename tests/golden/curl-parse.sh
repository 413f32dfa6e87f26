#!/bin/sh
# SPDX-License-Identifier: ISC
# Every generated curl command must be valid shell (bash -n) and must
# parse back to the request it came from.  The commands run in bash with
# curl replaced by a function that prints its arguments (and stdin, for
# --data-binary @-) escaped: nothing is ever sent anywhere.
. "${top_srcdir:-.}/tests/golden/lib.sh"
DUMP="$top_builddir/tests/golden/wire-dump"
W="$FIXTURES/wire"
command -v bash >/dev/null 2>&1 || exit 77

STUB='curl() {
	printf "curl argc=%d\n" $#
	for a in "$@"; do
		printf "  [%s]\n" "$a" | cat -v
		if [ "$a" = "@-" ]; then
			printf "  stdin:"
			od -An -tx1 | tr -s " \n" " "
			echo
		fi
	done
}'

# Commands for every detailed demo record, revealed and masked, and for
# every hand-made request fixture.
"$TYKSCOPE" -n --demo --demo-count 300 --demo-seed 7 -f detailed:yes \
    --format curl --reveal >"$WORK/demo.sh"
"$TYKSCOPE" -n --demo --demo-count 300 --demo-seed 7 -f detailed:yes \
    --format curl --curl-target upstream >>"$WORK/demo.sh"
: >"$WORK/fixtures.sh"
for f in "$W"/req-*.http; do
	"$DUMP" -r -c gateway "$f" >>"$WORK/fixtures.sh"
	"$DUMP" -c upstream "$f" >>"$WORK/fixtures.sh"
done

for s in demo fixtures; do
	if bash -n "$WORK/$s.sh" 2>"$WORK/$s.err"; then
		echo "ok curl-parse/$s-syntax"
		pass=$((pass + 1))
	else
		echo "FAIL curl-parse/$s-syntax"
		cat "$WORK/$s.err"
		fail=$((fail + 1))
	fi
	# Each record gave exactly one command.
	n=$(grep -c '^curl \|| curl ' "$WORK/$s.sh")
	echo "$n commands" >"$WORK/$s.count"
done
printf '%s\n' "$STUB" >"$WORK/stub.sh"
run_case "demo-count" 0 cat "$WORK/demo.count"
run_case "fixtures-count" 0 cat "$WORK/fixtures.count"
run_case "demo-args" 0 bash -c ". '$WORK/stub.sh'; . '$WORK/demo.sh'"
run_case "fixtures-args" 0 bash -c ". '$WORK/stub.sh'; . '$WORK/fixtures.sh'"
finish
