#!/bin/sh
# SPDX-License-Identifier: ISC
# Whole-set work off the input path (ui-job.h): with every job held for
# TYKSCOPE_JOB_DELAY_MS, the header says what runs, keys move the cursor
# over the previous rows meanwhile, Esc cancels (the filter line goes
# back), a new filter supersedes the running one, and a sort, a search,
# the aggregates (and a pane's rows), the chart's count and an export each
# finish after their job; live aggregates are added to as records arrive.
. "${top_srcdir:-.}/tests/screen/lib.sh"

# Both conditions on one capture of the screen.
both() {
	i=0
	while [ "$i" -lt $((WAIT * 10)) ]; do
		capture >"$WORK/both"
		if grep -Eq -- "$1" "$WORK/both" &&
		    grep -Eq -- "$2" "$WORK/both"; then
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	echo "FAIL $SUITE: timed out waiting for /$1/ and /$2/; screen:"
	cat "$WORK/both"
	fail=$((fail + 1))
	return 1
}

ENV=TYKSCOPE_JOB_DELAY_MS=1200 start 100 30 --demo --demo-count 400 \
    --demo-seed 7
wait_for 'OFFLINE'
check $? launch

# A filter runs; g and j are drawn meanwhile, over the 400 rows.
keys f
type_text 'status:5xx'
keys Enter
wait_for 'filtering [0-9]+%'
keys g j
both 'filtering [0-9]+%' 'row 2 of 400'
check $? keys-while-filtering
# Esc cancels it: the old filter (none) is back, nothing runs.
keys Escape
both 'filter: none' 'cancelled'
check $? esc-cancels
wait_gone 'filtering'
both 'row 2 of 400' 'filter: none'
check $? cancelled-rows-kept

# A second filter supersedes the first one while it runs.
keys f C-u
type_text 'status:5xx'
keys Enter
wait_for 'filtering [0-9]+%'
keys f C-u
type_text 'status:4xx'
keys Enter
wait_for 'row [0-9]+ of 4[0-9] *$'
both 'filter: status:4xx' 'OFFLINE'
check $? superseded
! grep -q 'filtering' "$WORK/both"
check $? superseded-done
! grep -Eq ' 50[0-9] ' "$WORK/both"
check $? no-5xx-rows
keys C-t
wait_for 'row [0-9]+ of 400'

# A sort runs on the job thread and is said when it is shown.
keys h h h s
wait_for 'sorting [0-9]+%'
wait_for 'sorted by STATUS'
check $? sort-done
keys h h s
wait_for 'sorted by TIME'

# Search: the cursor moves when the job has found the match.
keys g /
type_text 'status:502'
keys Enter
wait_for 'searching [0-9]+%'
wait_for 'row 234 of 400'
check $? search-done

# Aggregates: computed on the job thread, shown when ready; a pane's
# rows are listed there too.
keys 3
wait_for 'aggregating [0-9]+%'
wait_for 'computed from 400 records'
check $? aggregates-done
wait_for 'Petstore'
keys Tab
both 'listing [0-9]+%' 'listing\.\.\.'
check $? pane-listing
wait_for '/pet/\{petId\}'
check $? pane-listed
# Esc stops an aggregation; 3 starts it again.
keys 1 f C-u
type_text 'status:2xx'
keys Enter
wait_for 'row [0-9]+ of 3[0-9][0-9] *$'
keys 3
wait_for 'aggregating [0-9]+%'
keys Escape
wait_for 'aggregation cancelled \(3: again\)'
check $? aggregation-cancelled
wait_gone 'aggregating [0-9]+%'
keys 3
wait_for 'aggregating [0-9]+%'
wait_for 'computed from 3[0-9][0-9] records \(filtered\)'
check $? aggregation-again
keys 1 C-t
wait_for 'row [0-9]+ of 400'

# The chart's buckets are counted as a job, then drawn.
keys 5
wait_for 'charting [0-9]+%'
wait_for 'bucket(s)? of'
check $? chart-counted
# Enter narrows to the bucket's time range; Esc while it is selected
# puts the range back (none).
keys Enter
wait_for 'filtering [0-9]+%'
keys Escape
both 'cancelled' 'row [0-9]+ of 400'
check $? range-cancelled
! grep -q 'range:' "$WORK/both"
check $? range-undone
keys 1

# An export runs as a job; Esc cancels it and removes the partial file.
keys x
wait_for 'exporting [0-9]+%'
keys Escape
wait_for 'cancelled; partial file removed'
[ ! -e "$WORK/tykscope-export-1.jsonl" ]
check $? export-cancelled
keys x
wait_for 'exported 400 shown records to tykscope-export-'
n=$(cat "$WORK"/tykscope-export-*.jsonl | wc -l)
[ "$n" = 400 ]
check $? export-done

quit

# Live: the aggregates grow with the rows that arrive, added to what was
# aggregated (the debug log says so), not aggregated again each time.
start 100 30 -v "$WORK/live.log" --demo --demo-rate 300
wait_for 'FOLLOW'
keys 3
wait_for 'computed from [0-9,]+ records'
first=$(capture | sed -n 's/.*computed from \([0-9,]*\) records.*/\1/p' |
    tr -d ,)
i=0
while [ "$i" -lt 100 ]; do
	grep -q 'live aggregates: [0-9]* rows added' "$WORK/live.log" && break
	sleep 0.1
	i=$((i + 1))
done
grep -q 'live aggregates: [0-9]* rows from the start' "$WORK/live.log"
check $? live-aggregates-start
grep -q 'live aggregates: [0-9]* rows added' "$WORK/live.log"
check $? live-aggregates-added
# The count, commas dropped, must pass the first one.
i=0
now=$first
while [ "$i" -lt $((WAIT * 10)) ] && [ "${now:-0}" -le "$first" ]; do
	sleep 0.1
	now=$(capture | sed -n 's/.*computed from \([0-9,]*\) records.*/\1/p' |
	    tr -d ,)
	i=$((i + 1))
done
[ "${now:-0}" -gt "$first" ]
check $? live-aggregates-grow
quit
finish
