#!/bin/sh
# SPDX-License-Identifier: ISC
# Gzipped-dump benchmark (make bench; not part of make check): peak RSS
# and load time of `tykscope -n --count` on a mongodump collection with
# payloads, .bson against the same .bson.gz, and the time to open a
# payload as the detail screen does (bench-load -p: payload_get and the
# decode of both messages, records picked at random, so every open
# inflates from its access point).  Targets (issue 10, item 4): peak RSS
# of the .gz within 1.15 x that of the .bson + 32 MiB; a payload in
# <= 50 ms.  BASELINE=path/to/an/older/tykscope adds its figures ("before")
# for the load-time ratio (target: the .gz loads >= 1.6 x faster).
# The data is shared with run-readers.sh: BENCH_RECORDS (330000, about
# 1.04 GB), BENCH_KEEP=1 keeps it for the next run; BENCH_RUNS (3) runs
# each, the median time and the largest RSS kept.
set -eu
: "${top_builddir:=.}"
B=$top_builddir
T=$B/src/tykscope
N=${BENCH_RECORDS:-330000}
RUNS=${BENCH_RUNS:-3}
DIR=${TMPDIR:-/tmp}/tykscope-bench-readers
F=$DIR/big.bson
G=$DIR/big.bson.gz
mkdir -p "$DIR"

if [ ! -s "$F" ] || [ ! -s "$G" ] || [ "$(cat "$DIR/records" 2>/dev/null)" != "$N" ]; then
	echo "generating $N records in $DIR (libbson; gzip level 1)..."
	"$B/tests/fixtures/mkbson" bench "$F" "$N" "$G"
	echo "$N" >"$DIR/records"
fi
cat "$F" "$G" >/dev/null

# "SECONDS RSS_KIB": median wall time and largest RSS of RUNS runs
measure() {
	i=0
	: >"$DIR/gz-times"
	while [ $i -lt "$RUNS" ]; do
		/usr/bin/time -f "%e %M" -o "$DIR/gz-time.out" "$@" \
		    >/dev/null 2>"$DIR/gz-cmd.err" || {
			echo "failed: $*"; cat "$DIR/gz-cmd.err"; exit 1; }
		cat "$DIR/gz-time.out" >>"$DIR/gz-times"
		i=$((i + 1))
	done
	sort -n "$DIR/gz-times" | awk -v n="$RUNS" \
	    'NR == int((n + 1) / 2) { t = $1 } { if ($2 > m) m = $2 }
	    END { print t, m }'
}

printf '%s: %d records, %d bytes; .gz %d bytes\n' "$F" "$N" \
    "$(stat -c %s "$F")" "$(stat -c %s "$G")"
printf '%-36s %8s %10s\n' "command" "seconds" "peak RSS"
row() {
	label=$1; var=$2; shift 2
	res=$(measure "$@")
	set -- $res
	printf '%-36s %8.2f %6d MiB\n' "$label" "$1" $(($2 / 1024))
	eval "$var=\"\$res\""
}
row "tykscope -n --count big.bson" r_bson "$T" -n --count "$F"
row "tykscope -n --count big.bson.gz" r_gz "$T" -n --count "$G"
if [ -n "${BASELINE:-}" ]; then
	row "before: -n --count big.bson" b_bson "$BASELINE" -n --count "$F"
	row "before: -n --count big.bson.gz" b_gz "$BASELINE" -n --count "$G"
fi
pay=$("$B/tests/bench/bench-load" -p 200 "$G" | tail -1)

echo
echo "$r_bson $r_gz ${b_gz:-0 0}" | awk '{
	lim = $2 * 1.15 + 32 * 1024
	printf "  .gz peak RSS / .bson peak RSS       %5.2f  (%.0f MiB; limit 1.15 x + 32 MiB = %.0f MiB) %s\n",
	    $4 / $2, $4 / 1024, lim / 1024, ($4 <= lim ? "ok" : "OVER")
	printf "  .gz load time / .bson load time     %5.2f\n", ($1 > 0 ? $3 / $1 : 0)
	if ($5 > 0)
		printf "  .gz load: before / now              %5.2f  [>= 1.6]; peak RSS before %.0f MiB\n",
		    ($3 > 0 ? $5 / $3 : 0), $6 / 1024
}'
echo "$pay" | awk '{
	for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
	printf "  open a payload (.gz, random record)  median %.1f ms, slowest %.1f ms  [<= 50]\n",
	    v["payload_ms_p50"], v["payload_ms_max"]
	printf "    in thread CPU time                 median %.1f ms, slowest %.1f ms\n",
	    v["payload_cpu_ms_p50"], v["payload_cpu_ms_max"]
	printf "  gzip index: %d access points, %.1f MiB\n", v["index_points"],
	    v["index_bytes"] / 1048576
}'
if [ "${BENCH_KEEP:-0}" != 1 ]; then
	rm -rf "$DIR"
fi
