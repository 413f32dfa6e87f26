#!/bin/sh
# SPDX-License-Identifier: ISC
# The manual's key list (between BEGIN KEYS and END KEYS) is the one the
# key table in src/ui-keys.c generates.  To update it after changing the
# table: TYKSCOPE_KEYS_MDOC=1 tykscope, and paste.
: "${top_srcdir:=.}"
: "${top_builddir:=.}"
: "${TYKSCOPE:=$top_builddir/src/tykscope}"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/tykscope-keys.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
sed -n '/^\.\\" BEGIN KEYS/,/^\.\\" END KEYS/p' \
    "$top_srcdir/man/tykscope.1.in" | sed '1d;$d' >"$tmp/man"
TYKSCOPE_KEYS_MDOC=1 "$TYKSCOPE" >"$tmp/table"
if [ ! -s "$tmp/man" ]; then
	echo "FAIL: no BEGIN KEYS/END KEYS section in the manual"
	exit 1
fi
if ! diff -u "$tmp/man" "$tmp/table"; then
	echo "FAIL: the manual's key list differs from the key table"
	exit 1
fi
echo "ok man-keys ($(grep -c '^\.It' "$tmp/table") keys)"
