#!/bin/sh
# SPDX-License-Identifier: ISC
# The filter language in batch mode: syntax errors (exit 2, column), then
# --count and --format jsonl on generated fixtures.
. "${top_srcdir:-.}/tests/golden/lib.sh"

# Errors are reported before any source is read.
run_case "err-unknown-field" 2 "$TYKSCOPE" -n --filter 'stauts:500' x
run_case "err-column" 2 "$TYKSCOPE" -n -f 'status:5xx !mehtod:GET' x
run_case "err-regex" 2 "$TYKSCOPE" -n -f 'path:~^/v1/(orders' x
run_case "err-quote" 2 "$TYKSCOPE" -n -f 'path:"/a b' x
run_case "err-status" 2 "$TYKSCOPE" -n -f 'status:5yy' x
run_case "err-cidr" 2 "$TYKSCOPE" -n -f 'ip:10.0.0.0/40' x
run_case "err-time" 2 "$TYKSCOPE" -n -f 'since:yesterday' x
run_case "err-hdr" 2 "$TYKSCOPE" -n -f 'hdr:>5' x
run_case "err-empty-key" 2 "$TYKSCOPE" -n -f 'key:' x
run_case "err-escape" 2 "$TYKSCOPE" -n -f "$(printf 'status:\033[31m')" x
finish
