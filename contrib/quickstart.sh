#!/bin/sh
# SPDX-License-Identifier: ISC
# Quick start: install the dependencies, build, and open tykscope on its
# built-in demo traffic.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
"$top/contrib/deps.sh"
"$top/contrib/build.sh"
exec "$top/build/src/tykscope" --demo "$@"
