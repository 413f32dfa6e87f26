#!/bin/sh
# SPDX-License-Identifier: ISC
# The filter language in batch mode: syntax errors (exit 2, column), then
# --count and --format jsonl on generated fixtures.
. "${top_srcdir:-.}/tests/golden/lib.sh"

# Errors are reported before any source is read.
run_case "err-unknown-field" 2 "$TYKSCOPE" -n --filter 'stauts:500' x
run_case "err-column" 2 "$TYKSCOPE" -n -f 'status:5xx !mehtod:GET' x
run_case "err-regex" 2 "$TYKSCOPE" -n -f 'path:~^/v1/(orders' x
run_case "err-quote" 2 "$TYKSCOPE" -n -f 'path:"/a b' x
run_case "err-status" 2 "$TYKSCOPE" -n -f 'status:5yy' x
run_case "err-cidr" 2 "$TYKSCOPE" -n -f 'ip:10.0.0.0/40' x
run_case "err-time" 2 "$TYKSCOPE" -n -f 'since:yesterday' x
run_case "err-hdr" 2 "$TYKSCOPE" -n -f 'hdr:>5' x
run_case "err-empty-key" 2 "$TYKSCOPE" -n -f 'key:' x
run_case "err-escape" 2 "$TYKSCOPE" -n -f "$(printf 'status:\033[31m')" x

# --count on the demo traffic (fixed start time and seed: deterministic).
demo() {
	name=$1; status=$2; shift 2
	run_case "$name" "$status" "$TYKSCOPE" -n --demo --demo-count 2000 \
	    "$@"
}
demo count-all 0 --count
demo count-status 0 --filter 'status:500' --count
demo count-class 0 -f 'status:5xx' --count
demo count-classes 0 -f 'status:4xx|5xx' --count
demo count-ge 0 -f 'status:>=400' --count
demo count-range 0 -f 'status:400-404' --count
demo count-not-class 0 -f '!status:2xx' --count
demo count-network 0 -f 'status:-1' --count
demo count-method 0 -f 'method:post|PUT' --count
demo count-path-sub 0 -f 'path:/orders' --count
demo count-path-exact 0 -f 'path:=/orders' --count
demo count-path-regex 0 -f 'path:~^/v1/charges/' --count
demo count-raw-path 0 -f 'path:~^/pet/[0-9]+$' --count
demo count-bare 0 -f 'orders' --count
demo count-not-bare 0 -f '!orders' --count
demo count-key-empty 0 -f 'key:=' --count
demo count-key-not-empty 0 -f '!key:=' --count
demo count-alias 0 -f 'key:=alice@example.com' --count
demo count-api 0 -f 'api:Petstore' --count
demo count-org 0 -f 'org:5e9d' --count
demo count-ip-cidr 0 -f 'ip:10.0.0.0/8' --count
demo count-ip-cidr2 0 -f 'ip:73.162.0.0/16|49.36.0.0/16' --count
demo count-ip-cidr6 0 -f 'ip:2601:646::/32' --count
demo count-ip6-exact 0 -f 'ip:2601:646:91a9:9b6::d34' --count
demo count-country 0 -f 'country:us|de' --count
demo count-country-empty 0 -f 'country:=' --count
demo count-tag 0 -f 'tag:=beta !tag:=production' --count
demo count-tag-regex 0 -f 'tag:~^pol-' --count
demo count-ua 0 -f 'ua:~(?i)^curl/' --count
demo count-latency 0 -f 'latency:>500' --count
demo count-latency-s 0 -f 'latency:>=1s' --count
demo count-upstream 0 -f 'upstream:100-200' --count
demo count-since 0 -f 'since:-30s' --count
demo count-until 0 -f 'until:2024-02-29T10:00:30Z' --count
demo count-time 0 -f 'time:2024-02-29T10:01' --count
demo count-time-lt 0 -f 'time:<2024-02-29T10:00:10Z' --count
demo count-detailed 0 -f 'detailed:yes' --count
demo count-track 0 -f '!track:yes' --count
demo count-respbody 0 -f 'respbody:~(?i)error' --count
demo count-reqbody 0 -f 'reqbody:~\{' --count
demo count-hdr 0 -f 'hdr:"content-type: application/json"' --count
five='status:>=400 method:get|post !key:= latency:>10 since:-90s'
demo count-five 0 -f "$five" --count
demo count-limit 0 -f 'status:2xx' --count --limit 7
demo count-none 1 -f 'status:999' --count
demo count-bad 1 -f 'bad:yes' --count

# Records as JSON lines.
demo jsonl-5xx 0 -f 'status:5xx method:POST' --format jsonl --limit 3
demo jsonl-charges 0 -f 'path:~^/v1/charges/ detailed:yes' --format jsonl \
    --limit 2
demo tsv-slow 0 -f 'latency:>2s' --format tsv --limit 5
demo jsonl-none 1 -f 'path:~^/nothing$' --format jsonl

# Files: bad records are reported on stderr, and printed on stdout only
# with a filter that selects them.
run_case file-bad-jsonl 0 "$TYKSCOPE" -n -f 'bad:yes' --format jsonl \
    "$FIXTURES/tyk.jsonl"
run_case file-bad-count 0 "$TYKSCOPE" -n -f 'bad:yes' --count \
    "$FIXTURES/corrupt/garbage.bson"
run_case file-not-bad 0 "$TYKSCOPE" -n -f '!bad:yes' --count \
    "$FIXTURES/corrupt/garbage.bson"
run_case file-filter-hides-bad 0 "$TYKSCOPE" -n -f 'status:>=400' \
    --format tsv "$FIXTURES/tyk_analytics.bson" "$FIXTURES/tyk.jsonl"
run_case file-since-relative 0 "$TYKSCOPE" -n -f 'since:-30m' --format tsv \
    "$FIXTURES/tyk_analytics.bson"
run_case file-key 0 "$TYKSCOPE" -n -f 'key:=00000000|=a1b2c3d4 !method:put' \
    --format tsv "$FIXTURES/tyk_analytics.bson"
finish
