#!/bin/sh
# SPDX-License-Identifier: ISC
# Reader benchmark (make bench): in one run, times `tykscope -n --count` on
# a tykscope-gen mongodump collection (.bson) and its .bson.gz against a
# bare libbson loop that visits every field, a zlib-only gunzip and
# `cat FILE > /dev/null`, and prints the ratios (product.md 8), the memory
# per record (anonymous memory beyond the unique strings) and the memory
# of the .gz against the .bson.  Each time is the median of BENCH_RUNS
# (3) whole-process runs on a warm page cache.
# BENCH_RECORDS (10000000; about 13.7 GB, of which tykscope-gen writes
# the ~95% that are not network-statistics records) sets the size; the
# data is generated once into BENCH_DIR (default
# $XDG_CACHE_HOME/tykscope-bench, else ~/.cache/tykscope-bench) and kept
# for the next run.
set -eu
: "${top_builddir:=.}"
: "${top_srcdir:=.}"
B=$top_builddir
T=$B/src/tykscope
: "${TYKSCOPE_GEN:=$B/contrib/tykscope-gen}"
N=${BENCH_RECORDS:-10000000}
RUNS=${BENCH_RUNS:-3}
DIR=${BENCH_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/tykscope-bench}
F=$DIR/$N.bson
G=$DIR/$N.bson.gz
mkdir -p "$DIR"
export TYKSCOPE_CONFIG=/dev/null

for f in "$F" "$G"; do
	[ ! -s "$f" ] || continue
	case $f in *.gz) fmt=bson-gz ;; *) fmt=bson ;; esac
	echo "generating $N records of tykscope-gen traffic in $f (kept)..."
	"$TYKSCOPE_GEN" --count "$N" --format $fmt --out "$f.tmp"
	mv "$f.tmp" "$f"
done
cat "$F" "$G" >/dev/null
N=$("$T" -n --count "$F")	# network-statistics records are not written

# median wall seconds, max RSS (KiB) and median CPU seconds (user + sys)
# of RUNS runs of a command
measure() {
	i=0
	: >"$DIR/times"
	while [ $i -lt "$RUNS" ]; do
		/usr/bin/time -f "%e %M %U %S" -o "$DIR/time.out" "$@" \
		    >"$DIR/cmd.out" 2>"$DIR/cmd.err" || {
			echo "failed: $*"; cat "$DIR/cmd.err"; exit 1; }
		cat "$DIR/time.out" >>"$DIR/times"
		i=$((i + 1))
	done
	awk '{ print $3 + $4 }' "$DIR/times" | sort -n |
	    awk -v n="$RUNS" 'NR == int((n + 1) / 2)' >"$DIR/cpu"
	sort -n "$DIR/times" | awk -v n="$RUNS" -v cpu="$(cat "$DIR/cpu")" \
	    'NR == int((n + 1) / 2) { t = $1 } { if ($2 > m) m = $2 }
	    END { print t, m, cpu }'
}

size=$(stat -c %s "$F")
gzsize=$(stat -c %s "$G")
printf '%s: %d records, %d bytes; %s: %d bytes\n' "$F" "$N" "$size" \
    "$G" "$gzsize"
printf '%-40s %8s %8s %9s %10s\n' "command" "seconds" "cpu s" "MB/s" \
    "peak RSS"

# row LABEL VAR CMD...: print one result line, keep "SECONDS RSS" in VAR
row() {
	label=$1; var=$2; shift 2
	res=$(measure "$@")
	set -- $res
	printf '%-40s %8.3f %8.3f %9.0f %8d MiB\n' "$label" "$1" "$3" \
	    "$(echo "$size $1" | awk '{ print ($2 > 0 ? $1 / $2 / 1e6 : 0) }')" \
	    $(($2 / 1024))
	eval "$var=\"\$res\""
}

row "cat .bson > /dev/null" r_cat sh -c "cat '$F' > /dev/null"
row "libbson loop (mmap, static)" r_lib "$B/tests/bench/bsonscan" static "$F"
row "tykscope -n --count .bson" r_tyk "$T" -n --count "$F"
row "libbson loop over gzread (zlib)" r_libgz "$B/tests/bench/bsonscan" gz "$G"
row "zlib-only gunzip" r_gunzip "$B/tests/bench/bsonscan" gunzip "$G"
row "tykscope -n --count .bson.gz" r_tykgz "$T" -n --count "$G"
row "tykscope -n --count (tiny file)" r_base "$T" -n --count \
    "$top_srcdir/tests/fixtures/tyk_analytics.bson"
count=$("$T" -n --count "$G")
[ "$count" = "$N" ] || { echo "tykscope counted $count records in the .gz, want $N"; exit 1; }

load=$("$B/tests/bench/bench-load" "$F")
echo "bench-load .bson: $load"
loadgz=$("$B/tests/bench/bench-load" "$G")
echo "bench-load .bson.gz: $loadgz"

first() { echo "$1"; }
third() { echo "$3"; }
t_cat=$(first $r_cat); t_lib=$(first $r_lib); t_tyk=$(first $r_tyk)
t_libgz=$(first $r_libgz); t_gunzip=$(first $r_gunzip)
t_tykgz=$(first $r_tykgz)
c_cat=$(third $r_cat); c_lib=$(third $r_lib); c_tyk=$(third $r_tyk)
c_libgz=$(third $r_libgz); c_gunzip=$(third $r_gunzip)
c_tykgz=$(third $r_tykgz)
rss=$(echo $r_tyk | cut -d' ' -f2)
base=$(echo $r_base | cut -d' ' -f2)
echo
echo "ratios: baseline time / tykscope time (>= 1 is faster), by wall clock"
echo "and by CPU time (user + sys, steadier on a busy machine); target in []"
ratio() {
	awk -v l="$1" -v a="$2" -v b="$3" -v c="$4" -v d="$5" -v t="$6" \
	    'BEGIN { printf "  %-32s wall %5.2f  cpu %5.2f  %s\n", l,
	    (b > 0 ? a / b : 0), (d > 0 ? c / d : 0), t }'
}
ratio ".bson vs libbson loop" "$t_lib" "$t_tyk" "$c_lib" "$c_tyk" "[>= 0.50]"
ratio ".bson vs cat" "$t_cat" "$t_tyk" "$c_cat" "$c_tyk" "[>= 0.25]"
ratio ".bson.gz vs libbson+zlib loop" "$t_libgz" "$t_tykgz" "$c_libgz" \
    "$c_tykgz" "[>= 0.50]"
ratio ".bson.gz vs zlib-only gunzip" "$t_gunzip" "$t_tykgz" "$c_gunzip" \
    "$c_tykgz" ""
echo "memory:"
rssgz=$(echo $r_tykgz | cut -d' ' -f2)
echo "$load" | awk -v rss="$rss" -v rssgz="$rssgz" -v base="$base" -v n="$N" \
    -v gz="$loadgz" '{
	for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
	m = split(gz, f, " ")
	for (i = 1; i <= m; i++) { split(f[i], kv, "="); g[kv[1]] = kv[2] }
	printf "  tykscope -n --count .bson: peak RSS %.0f MiB, empty run %.0f MiB\n", rss / 1024, base / 1024
	printf "  unique strings (string table)             %6.1f MiB (%.0f B/record)\n", v["string_bytes"] / 1048576, v["string_bytes"] / n
	printf "  peak RSS / records                        %6.0f B\n", rss * 1024 / n
	printf "  (peak RSS - empty run - strings) / records %5.0f B\n", (rss - base) * 1024 / n - v["string_bytes"] / n
	printf "  anonymous memory / records                %6.0f B (beyond the strings %.0f B) [<= 140, <= 120]\n", v["anon_kb"] * 1024 / n, v["anon_kb"] * 1024 / n - v["string_bytes"] / n
	printf "  store held (records + arenas) / records   %6.0f B (chunks of 64 Ki records, the last part-filled)\n", (v["store_bytes"] - v["string_bytes"]) / n
	printf "  load only (bench-load): %.2f s, peak RSS %.0f MiB\n", v["seconds"], v["maxrss_kb"] / 1024
	printf "  first records after                       %6.1f ms\n", v["first"] * 1000
	printf "  .bson.gz: anonymous %.0f B/record, load %.2f s, peak RSS %.0f MiB\n", g["anon_kb"] * 1024 / n, g["seconds"], g["maxrss_kb"] / 1024
	printf "  .bson.gz vs .bson: peak RSS (-n --count) %.2fx, anonymous %.2fx [RSS <= 1.15x + 32 MiB]\n", (rss > 0 ? rssgz / rss : 0), (v["anon_kb"] > 0 ? g["anon_kb"] / v["anon_kb"] : 0)
}'
