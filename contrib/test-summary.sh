#!/bin/sh
# SPDX-License-Identifier: ISC
# Print every test log of a build directory and a closing summary line.
dir=${1:-.}
for log in $(find "$dir/tests" -name '*.log' | sort); do
	echo "=== ${log#$dir/}"
	cat "$log"
done
if [ -f "$dir/test-suite.log" ]; then
	pass=$(grep -c '^PASS: ' "$dir/test-suite.log" || true)
	# test-suite.log lists only failures; count passes from the .trs files.
	pass=$(find "$dir/tests" -name '*.trs' -exec grep -l '^:test-result: PASS' {} + 2>/dev/null | wc -l)
	fail=$(find "$dir/tests" -name '*.trs' -exec grep -l '^:test-result: \(FAIL\|ERROR\)' {} + 2>/dev/null | wc -l)
	skip=$(find "$dir/tests" -name '*.trs' -exec grep -l '^:test-result: SKIP' {} + 2>/dev/null | wc -l)
	echo "suites: $pass passed, $fail failed, $skip skipped"
fi
