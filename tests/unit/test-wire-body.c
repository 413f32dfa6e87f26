/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <stdlib.h>

#include <zlib.h>

#include "base64.h"
#include "wire.h"
#include "wire-body.h"
#include "wire-view.h"
#include "unit.h"

/* Compress len bytes at p with windowBits wb into b. */
static void
zip(struct buf *b, const void *p, size_t len, int wb)
{
	z_stream	 z;
	unsigned char	 out[65536];
	int		 zr;

	memset(&z, 0, sizeof z);
	assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, wb, 8,
	    Z_DEFAULT_STRATEGY), Z_OK);
	z.next_in = (Bytef *)(uintptr_t)p;
	z.avail_in = (uInt)len;
	do {
		z.next_out = out;
		z.avail_out = sizeof out;
		zr = deflate(&z, Z_FINISH);
		buf_add(b, out, sizeof out - z.avail_out);
	} while (zr == Z_OK);
	assert_int_equal(zr, Z_STREAM_END);
	deflateEnd(&z);
}

static void
test_dechunk(void **state)
{
	struct buf		 b;
	struct wire_body_status	 st;
	const char		*full = "5\r\nhello\r\n6;ext=1;q=\"x\"\r\n world"
	    "\r\n0\r\nTrailer: x\r\n\r\n";
	size_t			 n;

	buf_init(&b);
	assert_int_equal(wire_body_dechunk(&b, full, strlen(full), &st), 0);
	assert_false(st.truncated);
	assert_int_equal(st.chunks, 3);
	assert_string_equal(b.data, "hello world");
	buf_clear(&b);

	/* LF-only framing. */
	assert_int_equal(wire_body_dechunk(&b, "3\nabc\n0\n\n", 9, &st), 0);
	assert_string_equal(b.data, "abc");
	assert_false(st.truncated);
	buf_clear(&b);

	/* Cut off anywhere: keeps what arrived, never fails. */
	for (n = 0; n < strlen(full) - 9; n++) {
		assert_int_equal(wire_body_dechunk(&b, full, n, &st), 0);
		if (n < 20)
			assert_true(st.truncated);
		assert_true(b.len <= 11);
		if (b.len != 0)
			assert_memory_equal(b.data, "hello world", b.len);
		buf_clear(&b);
	}
	assert_int_equal(wire_body_dechunk(&b, "5\r\nhel", 6, &st), 0);
	assert_true(st.truncated);
	assert_string_equal(b.data, "hel");
	assert_string_equal(st.error, "chunk 1 cut off (3 of 5 bytes)");
	buf_clear(&b);

	/* Malformed sizes. */
	assert_int_equal(wire_body_dechunk(&b, "3\r\nabc\r\nzz\r\n", 12, &st),
	    -1);
	assert_string_equal(b.data, "abc");
	assert_string_equal(st.error, "bad chunk size at offset 8");
	buf_clear(&b);
	assert_int_equal(wire_body_dechunk(&b, "ffffffffffffffffff\r\n", 20,
	    &st), -1);
	buf_clear(&b);
}

static void
test_sniff(void **state)
{
	struct slice	 none = { "", 0 };

	assert_int_equal(wire_body_sniff("\x1f\x8b\x08", 3, none),
	    WIRE_BODY_GZIP);
	assert_int_equal(wire_body_sniff("\x78\x9c", 2, none), WIRE_BODY_ZLIB);
	assert_int_equal(wire_body_sniff("\x78\x01", 2, none), WIRE_BODY_ZLIB);
	assert_int_equal(wire_body_sniff("{}", 2, none), WIRE_BODY_IDENTITY);
	/* The header alone proves nothing: a plain body stays plain. */
	assert_int_equal(wire_body_sniff("{}", 2, SLICE_LIT("gzip")),
	    WIRE_BODY_IDENTITY);
	assert_int_equal(wire_body_sniff("\xcb\x48", 2, SLICE_LIT("deflate")),
	    WIRE_BODY_DEFLATE);
}

static void
test_inflate(void **state)
{
	const char		*text = "{\"hello\": \"world\", \"n\": [1,2,3]}";
	struct buf		 z, out;
	struct wire_body_status	 st;
	static const int	 wbs[] = { 16 + 15, 15, -15 };
	static const enum wire_body_codec cs[] = { WIRE_BODY_GZIP,
	    WIRE_BODY_ZLIB, WIRE_BODY_DEFLATE };
	size_t			 i;

	for (i = 0; i < 3; i++) {
		buf_init(&z);
		buf_init(&out);
		zip(&z, text, strlen(text), wbs[i]);
		if (i < 2)
			assert_int_equal(wire_body_sniff(z.data, z.len,
			    SLICE_LIT("")), cs[i]);
		assert_int_equal(wire_body_inflate(&out, z.data, z.len, cs[i],
		    WIRE_BODY_MAX_INFLATE, &st), 0);
		assert_false(st.truncated);
		assert_string_equal(out.data, text);
		buf_reset(&out);
		/* Cut off: what there is, and truncated. */
		assert_int_equal(wire_body_inflate(&out, z.data, z.len - 6,
		    cs[i], WIRE_BODY_MAX_INFLATE, &st), 0);
		assert_true(st.truncated);
		buf_clear(&z);
		buf_clear(&out);
	}
	/* Two gzip members. */
	buf_init(&z);
	buf_init(&out);
	zip(&z, "abc", 3, 31);
	zip(&z, "def", 3, 31);
	assert_int_equal(wire_body_inflate(&out, z.data, z.len,
	    WIRE_BODY_GZIP, 100, &st), 0);
	assert_string_equal(out.data, "abcdef");
	buf_clear(&out);
	/* Corrupt. */
	z.data[12] ^= 0x55;
	z.data[13] ^= 0x55;
	assert_int_equal(wire_body_inflate(&out, z.data, z.len,
	    WIRE_BODY_GZIP, 100, &st), -1);
	assert_non_null(strstr(st.error, "corrupt"));
	buf_clear(&z);
	buf_clear(&out);
	/* Not deflate at all. */
	assert_int_equal(wire_body_inflate(&out, "\xff\xff\xff", 3,
	    WIRE_BODY_DEFLATE, 100, &st), -1);
	assert_int_equal(out.len, 0);
	buf_clear(&out);
}

/* A 100 MB gzip bomb is refused at the cap, not inflated whole. */
static void
test_bomb(void **state)
{
	struct buf		 z, out;
	struct wire_body_status	 st;
	char			*zeros;
	size_t			 n = 100 * 1024 * 1024;

	zeros = calloc(1, n);
	assert_non_null(zeros);
	buf_init(&z);
	buf_init(&out);
	zip(&z, zeros, n, 31);
	free(zeros);
	assert_true(z.len < 200 * 1024);
	assert_int_equal(wire_body_inflate(&out, z.data, z.len,
	    WIRE_BODY_GZIP, WIRE_BODY_MAX_INFLATE, &st), -1);
	assert_int_equal(out.len, WIRE_BODY_MAX_INFLATE);
	assert_non_null(strstr(st.error, "decompression bomb"));
	buf_reset(&out);
	assert_int_equal(wire_body_inflate(&out, z.data, z.len,
	    WIRE_BODY_GZIP, 1000, &st), -1);
	assert_int_equal(out.len, 1000);
	buf_clear(&z);
	buf_clear(&out);
}

/* The bomb through the whole chain: an error, the output capped. */
static void
test_bomb_chain(void **state)
{
	struct buf		 z, msg, b64;
	struct wire_msg		 m;
	struct wire_view	 v;
	char			*zeros;
	size_t			 n = 100 * 1024 * 1024;

	zeros = calloc(1, n);
	assert_non_null(zeros);
	buf_init(&z);
	buf_init(&msg);
	buf_init(&b64);
	zip(&z, zeros, n, 31);
	free(zeros);
	buf_printf(&msg, "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n"
	    "Content-Length: %zu\r\n\r\n", z.len);
	buf_add(&msg, z.data, z.len);
	base64_encode_buf(&b64, msg.data, msg.len);
	wire_init(&m);
	m.max_inflate = 8 * 1024 * 1024;
	assert_int_equal(wire_decode(&m, b64.data, b64.len), -1);
	assert_true(m.truncated);
	assert_non_null(strstr(m.error, "decompression bomb"));
	assert_int_equal(m.body.len, 8 * 1024 * 1024);
	assert_int_equal(m.type, WIRE_TYPE_BINARY);
	/* The hexdump view is capped too. */
	wire_view_init(&v);
	wire_view_build(&v, &m, WIRE_VIEW_PRETTY, NULL);
	assert_true(v.nlines < 70000);
	wire_view_clear(&v);
	wire_clear(&m);
	buf_clear(&z);
	buf_clear(&msg);
	buf_clear(&b64);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_bomb_chain),
	cmocka_unit_test(test_dechunk),
	cmocka_unit_test(test_sniff),
	cmocka_unit_test(test_inflate),
	cmocka_unit_test(test_bomb),
};
UNIT_MAIN(tests)
