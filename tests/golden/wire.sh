#!/bin/sh
# SPDX-License-Identifier: ISC
# The decode chain on hand-made wire fixtures (tests/fixtures/wire): what
# each layer made of them, and the masked, terminal-safe views.
. "${top_srcdir:-.}/tests/golden/lib.sh"
DUMP="$top_builddir/tests/golden/wire-dump"
W="$FIXTURES/wire"

for f in "$W"/*.http "$W"/*.txt; do
	n=$(basename "$f")
	n=${n%.*}
	run_case "$n" 0 "$DUMP" "$f"
done
# Styles, reveal and the other view modes.
run_case "spans-json" 0 "$DUMP" -S "$W/resp-gzip.http"
run_case "spans-secrets" 0 "$DUMP" -S "$W/req-secrets.http"
run_case "reveal" 0 "$DUMP" -r "$W/req-secrets.http"
run_case "raw-mode" 0 "$DUMP" -m raw "$W/req-chunked.http"
run_case "hex-mode" 0 "$DUMP" -m hex "$W/resp-latin1.http"
run_case "wire-mode" 0 "$DUMP" -m wire "$W/req-secrets.http"
run_case "wire-mode-reveal" 0 "$DUMP" -r -m wire "$W/req-get.http"
# A form body is masked in every mode, not only pretty.
run_case "raw-mode-form" 0 "$DUMP" -m raw "$W/req-form.http"
run_case "hex-mode-form" 0 "$DUMP" -m hex "$W/req-form.http"
run_case "wire-mode-form" 0 "$DUMP" -m wire "$W/req-form.http"
run_case "wire-mode-userinfo" 0 "$DUMP" -m wire "$W/req-userinfo.http"
# base64 cut by the pump at every length mod 4, and bad characters.
for t in 60 61 62 63; do
	run_case "cut-$t" 0 "$DUMP" -t "$t" "$W/req-get.http"
done
printf 'R0VUIC9nZXQgSFRUUC8x\nLjENCg0K' >"$WORK/nl.b64"
run_case "b64-newline" 0 "$DUMP" -b "$WORK/nl.b64"
printf 'R0VUIC9nZXQgSFRUUC8xLjENCg0K-_' >"$WORK/url.b64"
run_case "b64-urlsafe" 0 "$DUMP" -b "$WORK/url.b64"
printf 'RG9jdW1lbnQgdG9vIGxhcmdlLCBub3Qgd3JpdGluZyByYXcgcmVxdWVzdCBhbmQgcmF3IHJlc3BvbnNlIQ==' \
    >"$WORK/placeholder.b64"
run_case "b64-placeholder" 0 "$DUMP" -b "$WORK/placeholder.b64"
printf '' >"$WORK/empty.b64"
run_case "b64-empty" 0 "$DUMP" -b "$WORK/empty.b64"
finish
