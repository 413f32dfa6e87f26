#!/bin/sh
# SPDX-License-Identifier: ISC
# TUI keystroke-to-redraw benchmark (make bench; not part of make check).
# The program's hidden benchmark mode (TYKSCOPE_UI_BENCH=N) fills the
# store with N synthetic records, draws through curses into /dev/null at
# 200x50, and times each key from dispatch to the end of the redraw in
# thread CPU time (whole-set work, which runs on the job threads, on the
# wall clock to the redraw of its result, and a key pressed while it
# runs), against baselines measured in the same run: a bare
# full-screen redraw and, for whole-set work (filter, sort, aggregates),
# one pass reading one field of every record.  With TYKSCOPE_UI_BENCH=load
# it loads a tykscope-gen dump instead, as the TUI opens it, and reports
# the load time and the memory per record.  Target (product.md 8): < 50 ms
# per key with 10,000,000 records.
#
# Usage: bench-tui.sh [N...]   synthetic runs (default: 1000000)
# then one run on BENCH_TUI_RECORDS (default 10000000) records of
# tykscope-gen traffic (0: none), generated once into BENCH_DIR (default
# $XDG_CACHE_HOME/tykscope-bench, else ~/.cache/tykscope-bench) and kept
# for the next run.
set -eu
: "${top_builddir:=.}"
: "${TYKSCOPE:=$top_builddir/src/tykscope}"
: "${TYKSCOPE_GEN:=$top_builddir/contrib/tykscope-gen}"
: "${BENCH_TUI_RECORDS:=10000000}"
: "${BENCH_DIR:=${XDG_CACHE_HOME:-$HOME/.cache}/tykscope-bench}"
export TYKSCOPE_CONFIG=/dev/null LC_ALL=C.UTF-8
[ $# -gt 0 ] || set -- 1000000
for n in "$@"; do
	TYKSCOPE_UI_BENCH=$n "$TYKSCOPE" --demo --demo-count 0 || exit 1
	echo
done
n=$BENCH_TUI_RECORDS
[ "$n" != 0 ] || exit 0
F=$BENCH_DIR/$n.bson
if [ ! -s "$F" ]; then
	mkdir -p "$BENCH_DIR"
	echo "generating $n records of tykscope-gen traffic in $F (kept)..."
	"$TYKSCOPE_GEN" --count "$n" --format bson --out "$F.tmp"
	mv "$F.tmp" "$F"
fi
cat "$F" >/dev/null
TYKSCOPE_UI_BENCH=load "$TYKSCOPE" "$F"
