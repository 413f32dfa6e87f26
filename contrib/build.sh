#!/bin/sh
# SPDX-License-Identifier: ISC
# Configure and build tykscope in build/ (out of tree).  Extra arguments go
# to configure.
set -e
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
if [ ! -x configure ] || [ configure.ac -nt configure ]; then
	autoreconf -fi
fi
mkdir -p build
cd build
if [ ! -f Makefile ] || [ ../configure -nt Makefile ]; then
	../configure --enable-werror "$@"
fi
make -j"$(nproc)"
