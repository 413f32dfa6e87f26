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
run_case "gen-bad-count" 2 "$TYKSCOPE_GEN" --count 12x --format jsonl --out -
run_case "gen-bad-fraction" 2 "$TYKSCOPE_GEN" --payload-fraction 1.5 \
    --format jsonl --out -

# Every Mongo format of the same traffic reads back as the same records
# (network-statistics records are not written to Mongo, as the pumps skip
# them), and so does the JSON (which keeps them).
gen() {
	"$TYKSCOPE_GEN" --count 300 --seed 5 --payload-fraction 0.5 "$@"
}
gen --format bson --out "$WORK/a.bson"
gen --format bson-gz --out "$WORK/a.bson.gz"
gen --format archive --out "$WORK/a.archive"
gen --format archive-gz --sharded --segment-bytes 30000 --out "$WORK/b.archive"
gen --format mongodump-dir --out "$WORK/dump1"
gen --format mongodump-dir --gzip --sharded --out "$WORK/dump2"
gen --format jsonl --out "$WORK/a.jsonl"
gen --format msgpack --out "$WORK/a.msgpack"
records() {
	"$TYKSCOPE" -n --format jsonl "$@" | sed 's/,"source":"[^"]*"}$/}/'
}
records "$WORK/a.bson" >"$WORK/want"
for f in a.bson.gz a.archive b.archive dump1 dump2; do
	records "$WORK/$f" >"$WORK/got.$f"
	run_case "same-$f" 0 cmp "$WORK/want" "$WORK/got.$f"
done
records "$WORK/a.jsonl" | grep -v \
    '"response_code":-1' | sed 's/\(T[0-9:]*\.[0-9]\{3\}\)[0-9]*Z/\1Z/g' \
    >"$WORK/got.jsonl"
run_case "same-jsonl" 0 cmp "$WORK/want" "$WORK/got.jsonl"
run_case "count-mongo" 0 "$TYKSCOPE" -n --count "$WORK/dump2"
run_case "count-jsonl" 0 "$TYKSCOPE" -n --count "$WORK/a.jsonl"
run_case "msgpack-size" 0 sh -c "wc -c <'$WORK/a.msgpack'"
finish
