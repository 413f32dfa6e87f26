#!/bin/sh
# SPDX-License-Identifier: ISC
# Aggregates (tykscope -n --aggregate, --stored, --reconcile) on dumps made
# by tykscope-gen, with stored aggregate documents written by agg-dump the
# way the Mongo Aggregate pump writes them.
. "${top_srcdir:-.}/tests/golden/lib.sh"
T=$TYKSCOPE
G=${TYKSCOPE_GEN:-$top_builddir/contrib/tykscope-gen}
A=$top_builddir/tests/golden/agg-dump

# A dump whose stored aggregates saw every record.
D=$WORK/dump
"$G" --count 200 --rate 0.01 --format mongodump-dir --out "$D" >/dev/null ||
    exit 1
"$A" "$D" "$D/tyk_analytics" || exit 1
run_case aggregate 0 "$T" -n --aggregate "$D"
run_case aggregate-table 0 "$T" -n --aggregate --format table "$D"
run_case reconcile-clean 0 "$T" -n --reconcile "$D"
# The stored documents print exactly like the computed ones.
"$T" -n --aggregate "$D" >"$WORK/computed.jsonl"
run_case stored-equals-computed 0 sh -c "\"$T\" -n --stored \"$D\" |
    cmp - \"$WORK/computed.jsonl\""

# A dump whose pump lost every 37th record, with each (org, hour) written
# as two documents (two racing pumps) and copies in the mixed collection.
L=$WORK/lossy
"$G" --count 200 --rate 0.01 --format mongodump-dir --out "$L" >/dev/null ||
    exit 1
"$A" --drop 37 --split --mixed --expect "$WORK/expect" "$L" \
    "$L/tyk_analytics" || exit 1
run_case stored-table 0 "$T" -n --stored --format table "$L"
run_case reconcile-lossy 1 "$T" -n --reconcile "$L"
run_case reconcile-lossy-table 1 "$T" -n --reconcile --format table "$L"
# Reconcile reports exactly the keys the lost records touched.
run_case reconcile-exact 0 sh -c "\"$T\" -n --reconcile --reveal --format table \
    \"$L\" | awk '{print \$1, \$2, \$3, \$4}' | diff - \"$WORK/expect\""
run_case reconcile-range 1 "$T" -n --reconcile --format table \
    --since 2024-02-29T11:00:00Z --until 2024-02-29T11:59:59Z "$L"

# Filters apply before aggregation; pump options.
run_case filter 0 "$T" -n --aggregate --format table --filter api:Petstore \
    "$D"
run_case track-all-paths 0 "$T" -n --aggregate --format table \
    --filter api:Petstore --track-all-paths "$D"
run_case ignore-tag-prefix 0 "$T" -n --aggregate --format table \
    --filter api:Petstore --ignore-tag-prefix pol- --ignore-tag-prefix org- \
    "$D"
if [ -f /usr/share/zoneinfo/Asia/Kolkata ] || [ -n "${TZDIR:-}" ]; then
	run_case tz 0 "$T" -n --aggregate --format table --filter api:Petstore \
	    --tz Asia/Kolkata "$D"
fi
run_case bad-tz 2 "$T" -n --aggregate --tz Nowhere/Land "$D"
run_case bad-format 2 "$T" -n --aggregate --format tsv "$D"
run_case nothing 1 "$T" -n --aggregate --filter api:nosuchapi "$D"
# A dump without stored aggregates.
R=$WORK/raw
"$G" --count 20 --format mongodump-dir --out "$R" >/dev/null || exit 1
run_case no-stored 1 "$T" -n --stored "$R"
finish
