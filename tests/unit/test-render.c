/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <stdlib.h>

#include "render.h"
#include "unit.h"

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

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_controls),
	cmocka_unit_test(test_utf8),
	cmocka_unit_test(test_all_bytes),
};
UNIT_MAIN(tests)
