#!/bin/sh
# SPDX-License-Identifier: ISC
# Live data (the demo source at a high rate): FOLLOW, pause with Z (ingest
# continues and PAUSED +N grows), resume with Z and with G, scrolling up
# pauses, and a small ring (--max-records) evicting while paused; an
# offline source with --max-records keeps exactly the newest N.
. "${top_srcdir:-.}/tests/screen/lib.sh"

# The number after PAUSED +.
pending() {
	capture | sed -n 's/.*PAUSED +\([0-9]*\).*/\1/p' | head -1
}

start 100 30 --demo --demo-rate 500 --max-records 2000
wait_for 'FOLLOW'
keys Z
wait_for 'PAUSED \+[0-9]'
n1=$(pending)
i=0
while n2=$(pending); [ "${n2:-0}" -le "$n1" ] && [ "$i" -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
[ "${n2:-0}" -gt "$n1" ]
check $? pause-counts
keys Z
wait_for 'FOLLOW'
check $? resume-z

# Scrolling up pauses; G resumes.
keys k k
wait_for 'PAUSED \+'
check $? up-pauses
keys G
wait_for 'FOLLOW'
check $? g-resumes

# Opening a record pauses too; q and F come back to following.
keys Enter
wait_for 'Summary'
keys q
wait_for 'PAUSED \+'
keys F
wait_for 'FOLLOW'
check $? follow-key

# The ring evicts (2000 records at 500/s) and says so, paused or not;
# it holds exactly the limit, not a rounded chunk below it.
keys Z
wait_for 'dropped [0-9]'
check $? evicts-while-paused
wait_for ' 2,000 held .*dropped [0-9]'
check $? ring-holds-exactly-the-limit
keys G
wait_for 'FOLLOW'
quit

# An offline source is bounded only when --max-records is given, and then
# exactly: 3000 records, the newest 1000 held, 2000 dropped.
start 100 30 --demo --demo-count 3000 --max-records 1000
wait_for 'OFFLINE  1,000 held  bad 0  dropped 2,000'
check $? offline-limit-exact
quit
finish
