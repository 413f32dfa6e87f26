#!/bin/sh
# SPDX-License-Identifier: ISC
# Install the Debian packages tykscope needs to build and test.
# Uses sudo when not run as root.  Idempotent and quiet.
set -e
PKGS="build-essential autoconf automake autoconf-archive pkg-config
libncurses-dev libhiredis-dev libmongoc-dev libbson-dev libb64-dev
libpcre2-dev libssl-dev openssl libmsgpack-dev zlib1g-dev libyajl-dev libprotobuf-c-dev libutf8proc-dev
protobuf-c-compiler libisal-dev libcmocka-dev redis-server redis-tools tmux
mandoc clang tzdata libpq-dev postgresql"
SUDO=
if [ "$(id -u)" != 0 ]; then
	SUDO=sudo
fi
missing=
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
	    grep -q 'install ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "tykscope: installing:$missing"
	$SUDO apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq \
	    --no-install-recommends $missing >/dev/null
fi
