#!/bin/sh
# SPDX-License-Identifier: ISC
# The --demo source in batch mode (fixed start time, so deterministic) and
# the tykscope-gen writer.
. "${top_srcdir:-.}/tests/golden/lib.sh"
: "${TYKSCOPE_GEN:=$top_builddir/contrib/tykscope-gen}"

run_case "jsonl-20" 0 "$TYKSCOPE" -n --demo --demo-count 20 --format jsonl
run_case "table-40" 0 "$TYKSCOPE" -n --demo --demo-count 40 --format table
run_case "tsv-seed7" 0 "$TYKSCOPE" -n --demo --demo-count 10 --demo-seed 7 \
    --format tsv
run_case "count" 0 "$TYKSCOPE" -n --demo --demo-count 1234 --count
run_case "limit" 0 "$TYKSCOPE" -n --demo --demo-count 100 --limit 3 \
    --format table
run_case "gen-jsonl" 0 "$TYKSCOPE_GEN" --count 6 --payload-fraction 1 \
    --format jsonl --out -
run_case "gen-bad-format" 2 "$TYKSCOPE_GEN" --format xml --out -
finish
