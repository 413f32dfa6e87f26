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
finish
