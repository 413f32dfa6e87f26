#!/bin/sh
# SPDX-License-Identifier: ISC
# make fuzz-long [FUZZ_SECONDS=N] [FUZZ_ONLY="name ..."] [FUZZ_JOBS=J]:
# run each fuzz target (a build configured with --enable-fuzzing) for N
# seconds (default 600), J at a time, on its corpus in fuzz-corpus/NAME
# (kept between runs) plus the seeds of tests/fuzz/corpus/NAME.  Crash
# inputs land in fuzz-crashes/NAME/.  Prints one line per target:
# executions, coverage and features at the end, crashes.  Exits 1 when a
# target failed (a crash, leak, timeout or out-of-memory: libFuzzer's exit
# status, with the end of its log) or left a crash input.  make fuzz-smoke
# runs it too, for a few seconds per target.
set -u
: "${top_srcdir:?}" "${FUZZ_SECONDS:=600}" "${FUZZ_ONLY:=}" "${FUZZ_JOBS:=1}"
status=0
run() {
	f=$1
	n=$(basename "$f"); n=${n#fuzz-}
	corpus=fuzz-corpus/$n
	crashes=fuzz-crashes/$n
	mkdir -p "$corpus" "$crashes"
	seeds=$top_srcdir/tests/fuzz/corpus/$n
	[ -d "$seeds" ] || seeds=
	rc=0
	"$f" -max_total_time="$FUZZ_SECONDS" -timeout=10 -rss_limit_mb=2048 \
	    -print_final_stats=1 -artifact_prefix="$crashes/" \
	    "$corpus" $seeds >"fuzz-long-$n.log" 2>&1 || rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' \
	    "fuzz-long-$n.log")
	last=$(grep -E '^#[0-9]+' "fuzz-long-$n.log" | tail -1)
	cov=$(echo "$last" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
	ft=$(echo "$last" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
	nc=$(find "$crashes" -type f | wc -l)
	echo "fuzz $n: ${FUZZ_SECONDS} s, ${execs:-?} executions," \
	    "cov ${cov:-?}, ft ${ft:-?}, $nc crashes, exit $rc"
	if [ "$rc" != 0 ] || [ "$nc" != 0 ]; then
		tail -40 "fuzz-long-$n.log"
		: >"fuzz-failed-$n"
	fi
}
rm -f fuzz-failed-*
set -- $FUZZ_TARGETS
running=0
for f; do
	n=$(basename "$f"); n=${n#fuzz-}
	if [ -n "$FUZZ_ONLY" ]; then
		case " $FUZZ_ONLY " in *" $n "*) ;; *) continue ;; esac
	fi
	run "$f" &
	running=$((running + 1))
	if [ "$running" -ge "$FUZZ_JOBS" ]; then
		wait -n 2>/dev/null || wait
		running=$((running - 1))
	fi
done
wait
for f in fuzz-failed-*; do
	[ -e "$f" ] && status=1
done
exit $status
