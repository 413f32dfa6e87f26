#!/bin/sh
# SPDX-License-Identifier: ISC
# Install the dependencies, build, and run every test (unit, golden, screen
# and redis integration suites; the suites start their own redis-server and
# tmux servers).  Prints each suite's log, then "N passed, N failed".
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/contrib/deps.sh"
"$top/contrib/build.sh"
cd "$top/build"
status=0
make -j"$(nproc)" check || status=$?
"$top/contrib/test-summary.sh" .
exit $status
