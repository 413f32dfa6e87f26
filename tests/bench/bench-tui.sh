#!/bin/sh
# SPDX-License-Identifier: ISC
# TUI keystroke-to-redraw benchmark (make bench; not part of make check).
# The program's hidden benchmark mode (TYKSCOPE_UI_BENCH=N) fills the
# store with N synthetic records, draws through curses into /dev/null at
# 200x50, and times each key from dispatch to the end of the redraw in
# thread CPU time, against a bare full-screen redraw measured in the same
# run.  Target (product.md 8): < 50 ms with 10,000,000 records.
# Usage: bench-tui.sh [N...]   (default: 1000000 10000000)
: "${top_builddir:=.}"
: "${TYKSCOPE:=$top_builddir/src/tykscope}"
[ $# -gt 0 ] || set -- 1000000 10000000
for n in "$@"; do
	TYKSCOPE_UI_BENCH=$n LC_ALL=C.UTF-8 "$TYKSCOPE" --demo --demo-count 0 ||
	    exit 1
	echo
done
