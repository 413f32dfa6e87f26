/* SPDX-License-Identifier: ISC */
/*
 * Fuzz the whole decode chain: bytes -> base64 -> HTTP -> de-chunk ->
 * inflate -> charset -> views, plus the --decode JSON, the raw message and
 * the curl command built from it.  The input is the raw HTTP message
 * (base64-encoded here, then cut at a length taken from the input, as the
 * pump's max_record_size does), or, after a leading 0xff byte, base64
 * text as stored.  Asserts that every view line and every curl command is
 * terminal-safe.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_gen.h>

#include "base64.h"
#include "curl.h"
#include "mask.h"
#include "record.h"
#include "render.h"
#include "store.h"
#include "wire.h"
#include "wire-view.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Abort unless s is safe for a terminal (\n allowed when nl). */
static void
check_safe(const char *s, size_t len, int nl)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] < 0x20 && !(nl && s[i] == '\n')) ||
		    s[i] == 0x7f)
			abort();
	if (!render_valid_utf8(s, len))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf		 b64, out;
	struct wire_msg		 m;
	struct wire_view	 v;
	struct mask		 mk = { NULL, 0, false };
	struct store		 st;
	struct record_build	 rb;
	yajl_gen		 g;
	const char		*line;
	size_t			 i, len, cut;
	int			 mode;

	buf_init(&b64);
	if (size > 0 && data[0] == 0xff)
		buf_add(&b64, data + 1, size - 1);
	else {
		base64_encode_buf(&b64, data, size);
		cut = size > 0 ? data[size - 1] : 0;
		if (cut < 16 && cut * 7 < b64.len)	/* sometimes cut */
			b64.len -= cut * 7;
	}
	if (b64.data == NULL)
		buf_reserve(&b64, 1);

	wire_init(&m);
	m.max_inflate = 64 * 1024;	/* keep executions fast */
	(void)wire_decode(&m, b64.data, b64.len);
	g = yajl_gen_alloc(NULL);
	wire_gen_json(g, &m);
	yajl_gen_free(g);
	buf_init(&out);
	wire_message(&out, &m, &mk);
	wire_view_init(&v);
	for (mode = WIRE_VIEW_PRETTY; mode <= WIRE_VIEW_WIRE; mode++) {
		wire_view_build(&v, &m, (enum wire_view_mode)mode,
		    mode & 1 ? &mk : NULL);
		for (i = 0; i < v.nlines; i++) {
			line = wire_view_line(&v, i, &len, NULL, NULL);
			check_safe(line, len, 0);
		}
	}
	wire_view_clear(&v);
	wire_clear(&m);

	/* The same payload as a record's raw_request, as curl. */
	store_init(&st, 1024);	/* small chunks: cheap per execution */
	record_build_init(&rb);
	rb.ts_set = rb.exp_set = true;
	record_build_str(&rb, &st, RS_HOST, "up.example", 10);
	rb.req = b64.data;
	rb.req_len = b64.len;
	rb.payload_stable = true;
	store_add(&st, &rb, store_source_add(&st, "fuzz", STORE_SRC_FILE), 0);
	record_build_clear(&rb);
	buf_reset(&out);
	curl_command(&out, &st, store_get(&st, st.first), &mk, CURL_GATEWAY);
	curl_command(&out, &st, store_get(&st, st.first), NULL,
	    CURL_UPSTREAM);
	check_safe(out.data != NULL ? out.data : "", out.len, 1);
	store_clear(&st);
	buf_clear(&out);
	buf_clear(&b64);
	return (0);
}
