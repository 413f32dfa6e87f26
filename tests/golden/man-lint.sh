#!/bin/sh
# SPDX-License-Identifier: ISC
# The manual is valid mdoc (mandoc -Tlint, warnings and worse), and it and
# --help document the same long options.
: "${top_srcdir:=.}"
: "${top_builddir:=.}"
: "${TYKSCOPE:=$top_builddir/src/tykscope}"
command -v mandoc >/dev/null 2>&1 || { echo "SKIP: no mandoc"; exit 77; }
man="$top_builddir/man/tykscope.1"
fail=0
pass=0
out=$(mandoc -Tlint -W warning "$man" 2>&1 | grep -v 'outdated mandoc.db')
if [ -n "$out" ]; then
	echo "FAIL mandoc -Tlint:"
	echo "$out"
	fail=$((fail + 1))
else
	echo "ok mandoc -Tlint"
	pass=$((pass + 1))
fi
for opt in $("$TYKSCOPE" --help | grep -o -- '--[a-z][a-z0-9-]*' | sort -u); do
	name=${opt#--}
	if grep -Eq -- "^\.It .*Fl -$name( |$)" "$man"; then
		pass=$((pass + 1))
	else
		echo "FAIL --$name is in --help but not in the manual"
		fail=$((fail + 1))
	fi
done
for name in $(grep '^\.It ' "$man" | grep -Eo 'Fl -[a-z][a-z0-9-]*' | sed 's/Fl -//' | sort -u); do
	if "$TYKSCOPE" --help | grep -q -- "--$name\b"; then
		pass=$((pass + 1))
	else
		echo "FAIL --$name is in the manual but not in --help"
		fail=$((fail + 1))
	fi
done
echo "$pass passed, $fail failed"
[ $fail = 0 ]
