#!/bin/sh
# SPDX-License-Identifier: ISC
# Readers: mongodump .bson/.bson.gz, dump directories, archives, JSON lines,
# damaged input, batch output of each (tykscope -n).
. "${top_srcdir:-.}/tests/golden/lib.sh"
F=$FIXTURES
T=$TYKSCOPE

# One collection as the mongo pump writes it, in every output format.
run_case bson-jsonl 0 "$T" -n "$F/tyk_analytics.bson"
run_case bson-tsv 0 "$T" -n --format tsv "$F/tyk_analytics.bson"
run_case bson-table 0 "$T" -n --format table "$F/tyk_analytics.bson"
run_case bson-count 0 "$T" -n --count "$F/tyk_analytics.bson"
run_case bson-limit 0 "$T" -n --limit 2 --format tsv "$F/tyk_analytics.bson"
run_case bson-since 0 "$T" -n --format tsv --since 2024-01-02T03:04:05Z \
    --until 2024-01-02T04:00 "$F/tyk_analytics.bson"
run_case bson-none 1 "$T" -n --since 2030-01-01 "$F/tyk_analytics.bson"
# The same records gzipped: identical but for the source names.
run_case bsongz-jsonl 0 "$T" -n "$F/tyk_analytics.bson.gz"
# Another writer: other field order, int64/double widths, no _id.
run_case other-writer 0 "$T" -n "$F/other-writer.bson"
# A dump directory at any depth: raw collections (plain and gzip) and
# aggregates (kept, not printed); tyk_apis/uptime skipped.
run_case dump-dir 0 "$T" -n --format tsv "$F/dump"
run_case dump-dir-count 0 "$T" -n --count "$F/dump"
# mongodump --archive, plain and gzip; segments interleaved.
run_case archive 0 "$T" -n --format tsv "$F/dump.archive"
run_case archive-gz 0 "$T" -n --format tsv "$F/dump.archive.gz"
# Several sources merged in timestamp order.
run_case merged 0 "$T" -n --format tsv "$F/other-writer.bson" \
    "$F/dump.archive" "$F/mongoexport.jsonl"
# mongoexport Extended JSON (canonical and relaxed), with a broken line.
run_case mongoexport 0 "$T" -n "$F/mongoexport.jsonl"
# Tyk JSON keys (as a stdout/kafka pump writes them), from a file and stdin.
run_case tyk-json 0 "$T" -n "$F/tyk.jsonl"
run_case tyk-json-stdin 0 sh -c "\"$T\" -n --format tsv - < \"$F/tyk.jsonl\""
# The last line without its newline, read as a stream (stdin, gzip): a
# good record like the others, not one read from a moved window.
# (a last line longer than the bytes before it, so the window's memmove
# overwrites where the old pointer looked).
{ sed -n 3p "$F/tyk.jsonl"; sed -n 1p "$F/tyk.jsonl" | tr -d '\n'; } \
    >"$WORK/nonl.jsonl"
run_case tyk-json-stdin-nonl 0 sh -c "\"$T\" -n --format tsv - < \"$WORK/nonl.jsonl\""
gzip -c "$WORK/nonl.jsonl" >"$WORK/nonl.jsonl.gz"
run_case tyk-json-gz-nonl 0 "$T" -n --format tsv "$WORK/nonl.jsonl.gz"
# Damage: every record before it is read, the damage is reported.
run_case corrupt-truncated 0 "$T" -n --format tsv "$F/corrupt/truncated.bson"
run_case corrupt-truncated-gz 0 "$T" -n --format tsv \
    "$F/corrupt/truncated.bson.gz"
run_case corrupt-cut-gz 0 "$T" -n --format tsv "$F/corrupt/cut.bson.gz"
run_case corrupt-bad-length 0 "$T" -n --format tsv \
    "$F/corrupt/bad-length.bson"
run_case corrupt-garbage 0 "$T" -n --format tsv "$F/corrupt/garbage.bson"
run_case corrupt-bad-element 0 "$T" -n --format tsv \
    "$F/corrupt/bad-element.bson"
run_case corrupt-archive 0 "$T" -n --format tsv \
    "$F/corrupt/truncated.archive"
run_case corrupt-archive-garbage 0 "$T" -n --format tsv \
    "$F/corrupt/garbage.archive"
# A huge first length (ff ff ff 7f) at offset 0: still a .bson, the
# first document is the damage, the later ones are read.
{ printf '\377\377\377\177'; tail -c +5 "$F/tyk_analytics.bson"; } \
    >"$WORK/huge-first.bson"
gzip -c "$WORK/huge-first.bson" >"$WORK/huge-first.bson.gz"
run_case corrupt-huge-first 0 "$T" -n --format tsv "$WORK/huge-first.bson"
run_case corrupt-huge-first-gz 0 "$T" -n --format tsv \
    "$WORK/huge-first.bson.gz"
# Damage in the archive prelude: 300 bytes of garbage over the end of the
# metadata (its terminator skipped with them), or no terminator at all.
# The namespace header still ends the prelude: every record is read and
# the damage is one bad record.
head -c 300 /dev/zero | tr '\000' '\356' >"$WORK/garbage"
{ head -c 377 "$F/dump.archive"; cat "$WORK/garbage"
    tail -c +378 "$F/dump.archive"; } >"$WORK/prelude-garbage.archive"
{ head -c 377 "$F/dump.archive"; tail -c +382 "$F/dump.archive"; } \
    >"$WORK/prelude-noterm.archive"
gzip -c "$WORK/prelude-noterm.archive" >"$WORK/prelude-noterm.archive.gz"
for a in prelude-garbage.archive prelude-noterm.archive \
    prelude-noterm.archive.gz; do
	run_case "corrupt-$a" 0 "$T" -n --format tsv "$WORK/$a"
done
# A dump directory with damage in two files and one unreadable file: the
# rest is read, each file's damage is reported.
run_case corrupt-dump 0 "$T" -n --format tsv "$F/corrupt/dump"
run_case not-bson-text 2 "$T" -n "$F/corrupt/not-bson.txt"
run_case not-bson-binary 2 "$T" -n "$F/corrupt/not-bson.bin"
# Gzipped: the message shows the gunzipped head, not the gzip magic.
gzip -c "$F/corrupt/not-bson.txt" >"$WORK/not-bson.txt.gz"
run_case not-bson-gz 2 "$T" -n "$WORK/not-bson.txt.gz"
run_case missing-file 2 "$T" -n "$F/no-such-file.bson"
: >"$WORK/empty.bson"
run_case empty-file 1 "$T" -n "$WORK/empty.bson"
# Table cells are cut by display columns: a path of wide characters ends
# in "~" at the column's width (not after as many code points), a
# combining mark stays with its letter.
head -1 "$F/tyk.jsonl" | sed 's|"/status/{code}"|"/日本語日本語日本語日本語日本語日本語日本語日本語日本語日本語日本語"|; s|"httpbin"|"Café API"|' >"$WORK/wide.jsonl"
run_case table-wide 0 "$T" -n --format table "$WORK/wide.jsonl"
mkdir "$WORK/empty"
run_case empty-dir 2 "$T" -n "$WORK/empty"
finish
