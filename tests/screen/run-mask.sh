#!/bin/sh
# SPDX-License-Identifier: ISC
# No secret is shown unrevealed.  tests/fixtures/screen/secrets.jsonl
# (make-secrets.py) carries TOPSECRET in every place a credential can be:
# the api_key field and its key- tag, credential headers, the query, the
# fragment, form bodies (plain and chunked), an absolute-form target's
# userinfo and a payload that is not HTTP.  Every screen and tab (records,
# the preview pane at 200 columns, each record's detail tabs in every body
# view, the filter line and prompt after + on the KEY cell, aggregates,
# health), every batch format, a copy and the export are searched for it:
# absent while masked, present once revealed (r, --reveal), so the test
# can fail.  As the man page says, jsonl and tsv (and so the export, JSON
# lines) carry the data as stored; the export and copy files are 0600.
. "${top_srcdir:-.}/tests/screen/lib.sh"

FIX="$top_srcdir/tests/fixtures/screen/secrets.jsonl"
S=TOPSECRET

# Does file $1 show $S, also across the lines of a hexdump's text column?
has_secret() {
	grep -q "$S" "$1" && return 0
	sed -n 's/^[0-9a-f]\{8\}  .*|\(.*\)|$/\1/p' "$1" | tr -d '\n' |
	    grep -q "$S"
}

# The screen now must not show the secret.
hidden() {
	capture >"$WORK/$1.txt"
	! has_secret "$WORK/$1.txt"
	check $? "hidden-$1"
	if has_secret "$WORK/$1.txt"; then
		grep -n "$S" "$WORK/$1.txt" | head -5
	fi
}

# The screen now must show it.
shown() {
	capture >"$WORK/$1.txt"
	has_secret "$WORK/$1.txt"
	check $? "shown-$1"
}

# --- Batch formats --------------------------------------------------------
for f in table curl raw-request raw-response; do
	"$TYKSCOPE" -n --format "$f" "$FIX" >"$WORK/b-$f.out" 2>&1
	! has_secret "$WORK/b-$f.out"
	check $? "batch-hidden-$f"
	"$TYKSCOPE" -n --format "$f" --reveal "$FIX" >"$WORK/b-$f-r.out" 2>&1
	has_secret "$WORK/b-$f-r.out"
	check $? "batch-shown-$f"
done
"$TYKSCOPE" -n --aggregate --format table "$FIX" >"$WORK/agg.out" 2>&1
! has_secret "$WORK/agg.out" && grep -q 'apikeys .*\*\*\*\*k3y1 (ops-bot)' \
    "$WORK/agg.out"
check $? batch-hidden-aggregate
"$TYKSCOPE" -n --aggregate --format table --reveal "$FIX" \
    >"$WORK/agg-r.out" 2>&1
has_secret "$WORK/agg-r.out"
check $? batch-shown-aggregate
# Machine output carries the data as stored (the man page's contract).
for f in jsonl tsv; do
	"$TYKSCOPE" -n --format "$f" "$FIX" >"$WORK/b-$f.out" 2>&1
	has_secret "$WORK/b-$f.out"
	check $? "batch-as-stored-$f"
done
# The curl URL of an absolute-form target without original_path is one
# URL, userinfo dropped through the gateway, masked to the upstream.
grep -q "^curl 'http://gw.example.com/v1/items?x=1%23access_token=\*\*\*\*'" \
    "$WORK/b-curl.out"
check $? batch-curl-absolute-url
"$TYKSCOPE" -n --format curl --curl-target upstream "$FIX" \
    >"$WORK/b-curl-up.out" 2>&1
grep -q "'http://ops:\*\*\*\*@gw.example.com/v1/items" "$WORK/b-curl-up.out" &&
    ! has_secret "$WORK/b-curl-up.out"
check $? batch-curl-upstream-userinfo

# --- Records and the preview pane at 200 columns -----------------------------
start 200 100 "$FIX"
wait_for 'OFFLINE' && hidden list
for rec in 1 2 3 4 5; do
	wait_for 'Gateway' && hidden "preview-$rec-summary"
	keys Tab
	wait_for 'HTTP/1.1 200 OK' && hidden "preview-$rec-request"
	keys Tab
	wait_for 'Set-Cookie' && hidden "preview-$rec-response"
	keys Tab
	wait_for '"api_key"' && hidden "preview-$rec-raw"
	keys Tab j
done

# + on the KEY cell (the column right of PATH): the filter line, the
# prompt and its history show a digest, and the filter selects the key.
keys g Right +
wait_for 'filter: key:#[0-9a-f]{12} ' && hidden filter-line
wait_for " of 3" && hidden filter-count
keys f
wait_for 'filter> key:#' && hidden filter-prompt
keys Escape Escape
wait_gone 'filter>'
keys f Up
wait_for 'filter> key:#' && hidden filter-history
keys Escape Escape C-t
wait_for 'filter: ' && hidden filter-toggled

# Aggregates: every pane (Keys, Tags among them); health.
keys 3
wait_for 'computed from' && hidden agg-apis
for p in endpoints errors keys oauth countries tags versions; do
	keys Tab
	wait_for 'HITS' && hidden "agg-$p"
done
# Back to Keys, and drill down: the filter holds the key's digest.
keys BTab BTab BTab BTab
wait_for 'ops-bot' && keys Enter
wait_for 'range: ' && wait_for 'filter: .*key:#[0-9a-f]{12}' &&
    hidden agg-drill-down
keys 4
wait_for '.' && hidden health
quit

# --- Detail: every record, tab and body view ---------------------------------
start 200 100 "$FIX"
wait_for 'OFFLINE' && keys g Enter
for rec in 1 2 3 4 5; do
	wait_for "source +secrets.jsonl:$rec" && hidden "detail-$rec-summary"
	for tab in request response; do
		keys Tab
		if [ $tab = request ]; then
			wait_for 'base64'
		else
			wait_for 'Set-Cookie'
		fi
		hidden "detail-$rec-$tab-pretty"
		keys v
		wait_for 'body view: raw' && hidden "detail-$rec-$tab-raw"
		keys v
		wait_for 'body view: hex' && hidden "detail-$rec-$tab-hex"
		keys v
		wait_for 'body view: pretty'
	done
	keys Tab
	wait_for '"api_key"' && hidden "detail-$rec-raw"
	keys Tab ]
done

# A copy (record JSON, as the Raw tab shows it) and the export: 0600.
keys c j
wait_for 'copied record JSON' && hidden copy-message
f=$(capture | sed -n 's/.*also in \(\/[^ ]*\).*/\1/p')
[ -n "$f" ] && [ "$(stat -c %a "$f")" = 600 ] && ! has_secret "$f"
check $? copy-file-masked
rm -f "$f"
keys x
wait_for 'exported 5 shown records to tykscope-export-1.jsonl'
[ "$(stat -c %a "$WORK/tykscope-export-1.jsonl")" = 600 ]
check $? export-file-0600
has_secret "$WORK/tykscope-export-1.jsonl"
check $? export-as-stored

# Revealed: the same views show the secret.
keys r
wait_for 'REVEALED' && wait_for 'Gateway' && shown detail-summary-revealed
keys Tab Tab Tab
wait_for "\"api_key\": \"$S" && shown detail-raw-revealed
keys c j
wait_for 'copied record JSON'
f=$(capture | sed -n 's/.*also in \(\/[^ ]*\).*/\1/p')
[ -n "$f" ] && [ "$(stat -c %a "$f")" = 600 ] && has_secret "$f"
check $? copy-file-revealed
rm -f "$f"
keys q
wait_for 'OFFLINE' && shown list-revealed
keys r
wait_for 'secrets masked' && hidden list-masked-again
quit

# --- A full file system: no partial export, no empty copy -----------------------
# Needs root to mount a tiny tmpfs; skipped (not failed) otherwise.
FULL="$WORK/full"
mkdir -p "$FULL"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=16k tmpfs "$FULL" \
    2>/dev/null; then
	CLEANUP="umount '$FULL' 2>/dev/null"
	dd if=/dev/zero of="$FULL/filler" bs=1k count=64 2>/dev/null
	CWD=$FULL
	ENV="XDG_STATE_HOME=$FULL"
	start 200 50 "$FIX"
	CWD=
	ENV=
	wait_for 'OFFLINE' && keys x
	wait_for 'export to tykscope-export-1.jsonl failed: No space left on device; partial file removed'
	[ ! -e "$FULL/tykscope-export-1.jsonl" ]
	check $? enospc-export-removed
	keys c j
	wait_for "no file in $FULL(/tykscope)?: No space left on device"
	! ls "$FULL"/tykscope/record*.json "$FULL"/record*.json >/dev/null 2>&1
	check $? enospc-copy-removed
	quit
	umount "$FULL"
	CLEANUP=
else
	echo "skip $SUITE/enospc: cannot mount a tmpfs"
fi
finish
