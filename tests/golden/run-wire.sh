#!/bin/sh
# SPDX-License-Identifier: ISC
# Batch output of decoded payloads: --decode, --format curl (both targets,
# masked and revealed) and raw-request/raw-response, on the deterministic
# demo traffic and on the hand-made wire fixtures.
. "${top_srcdir:-.}/tests/golden/lib.sh"
DUMP="$top_builddir/tests/golden/wire-dump"
W="$FIXTURES/wire"
DEMO="--demo --demo-count 300 --demo-seed 7"

# shellcheck disable=SC2086
run_case "decode" 0 "$TYKSCOPE" -n $DEMO -f detailed:yes --limit 12 --decode
# shellcheck disable=SC2086
run_case "decode-off" 0 "$TYKSCOPE" -n $DEMO -f detailed:no --limit 2 --decode
# shellcheck disable=SC2086
run_case "curl" 0 "$TYKSCOPE" -n $DEMO -f detailed:yes --limit 12 \
    --format curl
# shellcheck disable=SC2086
run_case "curl-upstream" 0 "$TYKSCOPE" -n $DEMO -f 'detailed:yes method:POST' \
    --limit 4 --format curl --curl-target upstream
# shellcheck disable=SC2086
run_case "curl-reveal" 0 "$TYKSCOPE" -n $DEMO -f 'detailed:yes hdr:Authorization' \
    --limit 2 --format curl --reveal
# shellcheck disable=SC2086
run_case "curl-no-payload" 0 "$TYKSCOPE" -n $DEMO -f detailed:no --limit 1 \
    --format curl
# shellcheck disable=SC2086
run_case "mask-header" 0 "$TYKSCOPE" -n $DEMO -f 'detailed:yes hdr:X-Request-Id' \
    --limit 1 --format curl --mask-header x-request-id
# shellcheck disable=SC2086
run_case "raw-request" 0 "$TYKSCOPE" -n $DEMO -f detailed:yes --limit 6 \
    --format raw-request
# shellcheck disable=SC2086
run_case "raw-response" 0 "$TYKSCOPE" -n $DEMO -f detailed:yes --limit 6 \
    --format raw-response
# shellcheck disable=SC2086
run_case "raw-response-none" 0 "$TYKSCOPE" -n $DEMO -f detailed:no --limit 1 \
    --format raw-response
# HAR: one document, decoded request and response per entry, masked;
# revealed; records without detailed recording; and an empty document.
# shellcheck disable=SC2086
run_case "har" 0 "$TYKSCOPE" -n $DEMO -f 'detailed:yes hdr:Authorization' \
    --limit 3 --format har
# shellcheck disable=SC2086
run_case "har-reveal" 0 "$TYKSCOPE" -n $DEMO -f 'detailed:yes hdr:Authorization' \
    --limit 1 --format har --reveal
# shellcheck disable=SC2086
run_case "har-no-payload" 0 "$TYKSCOPE" -n $DEMO -f detailed:no --limit 1 \
    --format har
# shellcheck disable=SC2086
run_case "har-post" 0 "$TYKSCOPE" -n $DEMO -f 'detailed:yes method:POST' \
    --limit 2 --format har
# shellcheck disable=SC2086
run_case "har-binary" 0 "$TYKSCOPE" -n $DEMO -f 'detailed:yes path:.png' \
    --limit 2 --format har
# shellcheck disable=SC2086
run_case "har-query" 0 "$TYKSCOPE" -n $DEMO -f 'detailed:yes path:/forecast' \
    --limit 1 --format har
# shellcheck disable=SC2086
run_case "har-empty" 1 "$TYKSCOPE" -n $DEMO -f status:999 --format har
# shellcheck disable=SC2086
run_case "table-key-masked" 0 "$TYKSCOPE" -n $DEMO --limit 5 --format table

# Hand-made records for every empty-payload explanation and chain case.
E="$W/edge.jsonl"
run_case "edge-decode" 0 "$TYKSCOPE" -n --decode "$E"
run_case "edge-curl" 0 "$TYKSCOPE" -n --format curl "$E"
run_case "edge-curl-upstream" 0 "$TYKSCOPE" -n --format curl \
    --curl-target upstream "$E"
run_case "edge-raw-request" 0 "$TYKSCOPE" -n --format raw-request "$E"
run_case "edge-raw-response" 0 "$TYKSCOPE" -n --format raw-response "$E"
run_case "edge-raw-reveal" 0 "$TYKSCOPE" -n --format raw-request --reveal \
    -f api:escape-header "$E"
run_case "edge-table" 0 "$TYKSCOPE" -n --format table "$E"
run_case "edge-filter-body" 0 "$TYKSCOPE" -n --format tsv \
    -f 'respbody:~"cr.me"' "$E"

for f in "$W"/req-*.http; do
	n=$(basename "$f" .http)
	run_case "curl-$n" 0 "$DUMP" -c gateway "$f"
done
run_case "curl-upstream-absolute" 0 "$DUMP" -c upstream "$W/req-absolute.http"
run_case "curl-upstream-userinfo" 0 "$DUMP" -c upstream "$W/req-userinfo.http"
run_case "curl-reveal-userinfo" 0 "$DUMP" -r -c gateway "$W/req-userinfo.http"
run_case "curl-reveal-secrets" 0 "$DUMP" -r -c gateway "$W/req-secrets.http"
finish
