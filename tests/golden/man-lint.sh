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
# Quotes render closed: in each rendered paragraph every opening single
# quote is closed before the next opens (several Ql on one line render
# as "'a, 'b, 'c'''").
bad=$(mandoc -Tutf8 "$man" 2>/dev/null | sed -e 's/.\x08//g' \
    -e 's/‘/\x01/g' -e 's/’/\x02/g' | awk '
	/^[[:space:]]*$/ { if (d != 0) print p; d = 0; p = ""; next }
	{
		p = p " " $0
		for (i = 1; i <= length($0); i++) {
			ch = substr($0, i, 1)
			if (ch == "\001") { if (++d > 1) bad = 1 }
			else if (ch == "\002") d--
		}
		if (bad) { print p; bad = 0; d = 0 }
	}' | tr '\001\002' "''")
if [ -n "$bad" ]; then
	echo "FAIL quotes not closed in the rendered manual:"
	echo "$bad" | head -5
	fail=$((fail + 1))
else
	echo "ok quotes closed"
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
