/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <stdlib.h>

#include "render.h"
#include "render-stream.h"
#include "unit.h"
#include "utf8.h"

static char *
rs(const char *s, size_t len, int flags)
{
	struct buf	 b;

	buf_init(&b);
	render_safe(&b, s, len, flags);
	return (buf_take(&b));
}

/* Assert that out has no control bytes and is valid UTF-8. */
static void
assert_safe(const char *out, int allow_nl)
{
	const unsigned char	*p = (const unsigned char *)out;

	for (; *p != '\0'; p++) {
		if (*p == '\n' && allow_nl)
			continue;
		assert_true(*p >= 0x20 && *p != 0x7f);
	}
}

static void
test_controls(void **state)
{
	char	*o;

	o = rs("a\x1b]0;pwned\x07z", 12, 0);
	assert_string_equal(o, "a^[]0;pwned^Gz");
	free(o);
	o = rs("x\ny\tz\x7f", 6, 0);
	assert_string_equal(o, "x\\ny\\tz^?");
	free(o);
	o = rs("x\ny", 3, RENDER_NEWLINES);
	assert_string_equal(o, "x\ny");
	free(o);
	o = rs("a\tb", 3, RENDER_TABS);
	assert_string_equal(o, "a       b");
	free(o);
}

static void
test_utf8(void **state)
{
	char	*o;

	o = rs("caf\xc3\xa9", 5, 0);
	assert_string_equal(o, "caf\xc3\xa9");
	free(o);
	o = rs("\xff\xc3", 2, 0);
	assert_string_equal(o, "\\xff\\xc3");
	free(o);
	/* C1 CSI (U+009B) and bidi override (U+202E) are made visible. */
	o = rs("\xc2\x9b" "2J", 4, 0);
	assert_string_equal(o, "<U+009B>2J");
	free(o);
	o = rs("\xe2\x80\xae" "abc", 6, 0);
	assert_string_equal(o, "<U+202E>abc");
	free(o);
	/* Overlong and surrogate encodings are invalid. */
	o = rs("\xc0\xaf\xed\xa0\x80", 5, 0);
	assert_string_equal(o, "\\xc0\\xaf\\xed\\xa0\\x80");
	free(o);
}

static void
test_all_bytes(void **state)
{
	char	 in[256 * 3], *o;
	size_t	 i;

	for (i = 0; i < sizeof in; i++)
		in[i] = (char)(i * 7);
	o = rs(in, sizeof in, 0);
	assert_safe(o, 0);
	free(o);
	o = rs(in, sizeof in, RENDER_NEWLINES | RENDER_TABS);
	assert_safe(o, 1);
	free(o);
}

/* Output is valid UTF-8 (strict decoder) with no control bytes. */
static void
assert_safe_utf8(const char *out, size_t len, int allow_nl)
{
	size_t		 i = 0, n;
	uint32_t	 cp;

	while (i < len) {
		if ((unsigned char)out[i] < 0x80) {
			if (out[i] == '\n' && allow_nl) {
				i++;
				continue;
			}
			assert_true((unsigned char)out[i] >= 0x20 &&
			    out[i] != 0x7f);
			i++;
			continue;
		}
		n = utf8_decode(out + i, len - i, &cp);
		assert_true(n != 0);
		assert_false(cp >= 0x80 && cp <= 0x9f);
		i += n;
	}
}

static void
test_invisible(void **state)
{
	char	*o;

	/* Zero width space, line separator, tag character, BOM. */
	o = rs("a\xe2\x80\x8b" "b\xe2\x80\xa8\xf3\xa0\x80\x81\xef\xbb\xbf",
	    15, 0);
	assert_string_equal(o, "a<U+200B>b<U+2028><U+E0001><U+FEFF>");
	free(o);
	/* Bidi isolates and the Trojan Source overrides. */
	o = rs("\xe2\x81\xa6x\xe2\x81\xa9", 7, 0);
	assert_string_equal(o, "<U+2066>x<U+2069>");
	free(o);
	/* A header value carrying an OSC 52 clipboard write. */
	o = rs("ok\x1b]52;c;cHduZWQ=\x07", 18, 0);
	assert_string_equal(o, "ok^[]52;c;cHduZWQ=^G");
	free(o);
}

static void
test_width(void **state)
{
	struct buf	 b;

	assert_int_equal(render_width("abc", 3), 3);
	/* East Asian wide: 2 columns each; combining accent: 0. */
	assert_int_equal(render_width("\xe6\x97\xa5\xe6\x9c\xac", 6), 4);
	assert_int_equal(render_width("e\xcc\x81", 3), 1);
	assert_int_equal(utf8_width(0x1f600), 2);
	buf_init(&b);
	render_truncate(&b, "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e", 9, 5,
	    "~");
	/* Two wide chars (4 columns) then the mark: never half a char. */
	assert_string_equal(b.data, "\xe6\x97\xa5\xe6\x9c\xac~");
	buf_reset(&b);
	render_truncate(&b, "abcdef", 6, 4, "...");
	assert_string_equal(b.data, "a...");
	buf_reset(&b);
	render_truncate(&b, "abc", 3, 4, "...");
	assert_string_equal(b.data, "abc");
	buf_clear(&b);
	/* Tabs expand to the next multiple of 8 after wide chars. */
	{
		char	*o = rs("\xe6\x97\xa5\tx", 5, RENDER_TABS);

		assert_string_equal(o, "\xe6\x97\xa5      x");
		free(o);
	}
	assert_true(render_valid_utf8("caf\xc3\xa9", 5));
	assert_false(render_valid_utf8("caf\xc3", 4));
	assert_false(render_valid_utf8("\xed\xa0\x80", 3));
}

/* Pseudo-random inputs: the output is always safe. */
static void
test_random(void **state)
{
	char		 in[512];
	struct buf	 b;
	uint32_t	 x = 2463534242u;
	size_t		 i, round, n;

	buf_init(&b);
	for (round = 0; round < 2000; round++) {
		n = round % sizeof in;
		for (i = 0; i < n; i++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			/* Bias toward UTF-8 lead and control bytes. */
			in[i] = (char)((x & 3) == 0 ? 0xe2 : (x & 7) == 1 ?
			    0x80 | (x >> 8 & 0x3f) : x >> 8);
		}
		buf_reset(&b);
		render_safe(&b, in, n, (int)(round & 3));
		assert_safe_utf8(b.data != NULL ? b.data : "", b.len,
		    (round & RENDER_NEWLINES) != 0);
	}
	buf_clear(&b);
}

/* Filter s whole, in mode m. */
static char *
rf(const char *s, size_t len, enum render_stream_mode m)
{
	struct render_filter	 f;
	struct buf		 b;

	buf_init(&b);
	render_filter_init(&f, m);
	render_filter(&f, &b, s, len);
	render_filter_finish(&f, &b);
	buf_addc(&b, '\0');
	return (buf_take(&b));
}

/* The stream filter: the terminal rule, newlines and tabs kept. */
static void
test_filter(void **state)
{
	char	*o;

	o = rf("a\tb\n\x1b]0;x\x07\x7f", 11, RENDER_STREAM_TEXT);
	assert_string_equal(o, "a\tb\n^[]0;x^G^?");
	free(o);
	/* U+009B, U+202E, an invalid byte, U+E0041 (a tag character). */
	o = rf("\xc2\x9b|\xe2\x80\xae|\xff|\xf3\xa0\x81\x81|\xc3\xa9", 16,
	    RENDER_STREAM_TEXT);
	assert_string_equal(o, "<U+009B>|<U+202E>|\\xff|<U+E0041>|\xc3\xa9");
	free(o);
	o = rf("\"\xc2\x9b\xe2\x80\xae\x7f\xf3\xa0\x81\x81\xc3\xa9\"", 14,
	    RENDER_STREAM_JSON);
	assert_string_equal(o,
	    "\"\\u009B\\u202E\\u007F\\uDB40\\uDC41\xc3\xa9\"");
	free(o);
	/* A sequence cut at the very end is escaped, byte by byte. */
	o = rf("x\xe2\x80", 3, RENDER_STREAM_TEXT);
	assert_string_equal(o, "x\\xe2\\x80");
	free(o);
	assert_true(render_term_safe("ok\t\xc3\xa9\n", 6));
	assert_false(render_term_safe("\x1b", 1));
	assert_false(render_term_safe("\xc2\x9b", 2));
	assert_false(render_term_safe("\xe2\x80", 2));
}

/*
 * Written in pieces of every size, the filter writes what it writes for
 * the whole: stdio's buffer boundaries never change the output, and a
 * sequence cut between two writes is neither escaped nor lost.
 */
static void
test_filter_split(void **state)
{
	static const char	 in[] = "a\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80"
	    "\xc2\x9b\xe2\x80\xae\x1b[2J\xff\xe2\x82\xf0\x9f\x98\x80z";
	size_t			 len = sizeof in - 1, step, i, n;
	struct render_filter	 f;
	struct buf		 b;
	char			*whole;
	int			 m;

	for (m = 0; m < 2; m++) {
		whole = rf(in, len, (enum render_stream_mode)m);
		for (step = 1; step <= len; step++) {
			buf_init(&b);
			render_filter_init(&f, (enum render_stream_mode)m);
			for (i = 0; i < len; i += n) {
				n = len - i < step ? len - i : step;
				render_filter(&f, &b, in + i, n);
			}
			render_filter_finish(&f, &b);
			buf_addc(&b, '\0');
			assert_string_equal(b.data, whole);
			assert_true(render_term_safe(b.data, b.len - 1));
			buf_clear(&b);
		}
		free(whole);
	}
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_filter),
	cmocka_unit_test(test_filter_split),
	cmocka_unit_test(test_invisible),
	cmocka_unit_test(test_width),
	cmocka_unit_test(test_random),
	cmocka_unit_test(test_controls),
	cmocka_unit_test(test_utf8),
	cmocka_unit_test(test_all_bytes),
};
UNIT_MAIN(tests)
