#!/bin/sh
# SPDX-License-Identifier: ISC
# Command-line contract: --help, --version, usage errors and exit status.
. "${top_srcdir:-.}/tests/golden/lib.sh"

run_case "version" 0 "$TYKSCOPE" --version
run_case "help" 0 "$TYKSCOPE" --help
run_case "no-source" 2 "$TYKSCOPE" -n
run_case "bad-option" 2 "$TYKSCOPE" -n --frobnicate x
run_case "bad-format" 2 "$TYKSCOPE" -n --format xml x
run_case "bad-limit" 2 "$TYKSCOPE" -n --limit -3 x
run_case "stored-reconcile" 2 "$TYKSCOPE" -n --stored --reconcile x

# Configuration file: unknown option, missing value, missing file.
printf 'bogus 1\n' >"$WORK/bad.conf"
run_case "config-unknown" 2 "$TYKSCOPE" --config "$WORK/bad.conf" -n x
printf '# comment\nlimit\n' >"$WORK/novalue.conf"
run_case "config-novalue" 2 "$TYKSCOPE" --config "$WORK/novalue.conf" -n x
run_case "config-missing" 2 "$TYKSCOPE" --config "$WORK/none.conf" -n x
printf 'format xml\n' >"$WORK/fmt.conf"
TYKSCOPE_CONFIG="$WORK/fmt.conf" run_case "config-env" 2 "$TYKSCOPE" -n x

# A dump directory with one collection in both forms (X.bson and
# X.bson.gz) is read once, the plain file, and stderr says so;
# --keep-duplicates reads both.  A source named twice is read once.
mkdir -p "$WORK/both/tyk_analytics"
cp "$FIXTURES/tyk_analytics.bson" "$FIXTURES/tyk_analytics.bson.gz" \
    "$WORK/both/tyk_analytics/"
run_case "dup-forms" 0 "$TYKSCOPE" -n --count "$WORK/both"
run_case "dup-forms-keep" 0 "$TYKSCOPE" -n --count --keep-duplicates \
    "$WORK/both"
run_case "dup-named-twice" 0 "$TYKSCOPE" -n --count \
    "$FIXTURES/tyk_analytics.bson" "$FIXTURES/tyk_analytics.bson"

# -f @NAME is a saved filter in batch mode as in the TUI; an unknown
# name is an error (status 2), not "0 records".
printf 'saved-filter errors status:5xx\n' >"$WORK/saved.conf"
run_case "saved-filter" 0 "$TYKSCOPE" --config "$WORK/saved.conf" -n \
    --count -f '@errors method:GET' --demo --demo-count 400 --demo-seed 7
run_case "saved-filter-unknown" 2 "$TYKSCOPE" --config "$WORK/saved.conf" \
    -n --count -f @nope --demo --demo-count 400

# An unknown URI scheme says so (not "No such file or directory").
run_case "unknown-scheme" 2 "$TYKSCOPE" -n postgress://db/x
finish
