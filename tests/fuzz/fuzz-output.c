/* SPDX-License-Identifier: ISC */
/*
 * Fuzz the batch output formats (output.c) on records read from the input
 * as JSON lines, through the JSON-lines reader the program runs.  For every
 * record and every format, to a pipe and to a terminal:
 *  - table and curl, and raw-request/raw-response on a terminal, must be
 *    terminal-safe by themselves (render_term_safe);
 *  - everything written to a terminal goes through the render_stream
 *    filter (as batch.c does), whose output must be terminal-safe, and
 *    JSON that parsed before the filter must still parse after it.
 * The first input byte picks masking on or off and --decode.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <yajl/yajl_tree.h>

#include "options.h"
#include "output.h"
#include "record.h"
#include "render-stream.h"
#include "source-jsonl.h"
#include "store.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Does each line of s (len bytes) parse as JSON? */
static int
json_lines_ok(const char *s, size_t len)
{
	const char	*p = s, *nl, *end = s + len;
	char		*line, err[64];
	yajl_val	 v;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		line = strndup(p, (size_t)(nl - p));
		if (line == NULL)
			abort();
		v = yajl_tree_parse(line, err, sizeof err);
		free(line);
		if (v == NULL)
			return (0);
		yajl_tree_free(v);
		p = nl + 1;
	}
	return (1);
}

/* Write r in format fmt, to a pipe (tty false) or a terminal; check. */
static void
one(struct options *o, struct store *st, const struct record *r,
    enum options_format fmt, int tty)
{
	struct output		*out;
	struct render_filter	 f;
	struct buf		 b;
	char			*data = NULL;
	size_t			 len = 0;
	FILE			*mf;
	int			 self_safe, json;

	if ((mf = open_memstream(&data, &len)) == NULL)
		abort();
	o->format = fmt;
	out = output_create(mf, o, st);
	output_set_tty(out, tty);
	output_record(out, r);
	output_free(out);
	fclose(mf);

	self_safe = fmt == OPT_FMT_TABLE || fmt == OPT_FMT_CURL ||
	    (tty && (fmt == OPT_FMT_RAW_REQUEST ||
	    fmt == OPT_FMT_RAW_RESPONSE));
	if (self_safe && !render_term_safe(data, len))
		abort();
	if (tty) {
		json = fmt == OPT_FMT_JSONL || fmt == OPT_FMT_HAR;
		buf_init(&b);
		render_filter_init(&f, json ? RENDER_STREAM_JSON :
		    RENDER_STREAM_TEXT);
		/* In two pieces, as stdio may cut it. */
		render_filter(&f, &b, data, len / 2);
		render_filter(&f, &b, data + len / 2, len - len / 2);
		render_filter_finish(&f, &b);
		if (!render_term_safe(b.data != NULL ? b.data : "", b.len))
			abort();
		if (json && json_lines_ok(data, len) &&
		    !json_lines_ok(b.data != NULL ? b.data : "", b.len))
			abort();
		buf_clear(&b);
	}
	free(data);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum options_format fmts[] = { OPT_FMT_JSONL,
	    OPT_FMT_TSV, OPT_FMT_TABLE, OPT_FMT_CURL, OPT_FMT_RAW_REQUEST,
	    OPT_FMT_RAW_RESPONSE, OPT_FMT_HAR };
	static char		 upstream[] = "upstream", gateway[] = "gateway";
	struct options		 o;
	struct store		 st;
	struct source_jsonl	*js;
	const struct record	*r;
	uint8_t			*copy;
	uint64_t		 seq;
	size_t			 i, n = 0;
	int			 tty;

	if (size < 2 || size > 65536)
		return (0);
	memset(&o, 0, sizeof o);
	o.limit = -1;
	o.reveal = (data[0] & 1) != 0;
	o.decode = (data[0] & 2) != 0;
	o.curl_target = (data[0] & 4) ? upstream : gateway;
	store_init(&st, 0);
	/* The reader unmaps its mapping: give it one. */
	copy = mmap(NULL, size - 1, PROT_READ | PROT_WRITE, MAP_PRIVATE |
	    MAP_ANONYMOUS, -1, 0);
	if (copy == MAP_FAILED)
		abort();
	memcpy(copy, data + 1, size - 1);
	js = source_jsonl_create(&st, "fuzz.jsonl", -1, copy, size - 1,
	    false);
	while (source_jsonl_poll(js, &st, 64) == SOURCE_MORE && n++ < 64)
		;
	for (seq = st.first; seq < st.next; seq++) {
		r = store_get(&st, seq);
		for (i = 0; i < sizeof fmts / sizeof fmts[0]; i++)
			for (tty = 0; tty < 2; tty++)
				one(&o, &st, r, fmts[i], tty);
	}
	source_jsonl_free(js);
	store_clear(&st);
	return (0);
}
