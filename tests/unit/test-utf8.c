/* SPDX-License-Identifier: ISC */
/*
 * utf8: the strict decoder (every rejection the terminal filter and JSON
 * escaping rely on), the encoder round trip, and the display widths the
 * batch and the UI share.
 */
#include "config.h"

#include "agg-key.h"
#include "unit.h"
#include "utf8.h"

static size_t
dec(const char *s, size_t len, uint32_t *cp)
{
	*cp = 0xfffffffU;
	return (utf8_decode(s, len, cp));
}

static void
test_decode(void **state)
{
	uint32_t	 cp;

	(void)state;
	assert_int_equal(dec("a", 1, &cp), 1);
	assert_int_equal(cp, 'a');
	assert_int_equal(dec("\xc2\x80", 2, &cp), 2);
	assert_int_equal(cp, 0x80);
	assert_int_equal(dec("\xe2\x82\xac", 3, &cp), 3);
	assert_int_equal(cp, 0x20ac);
	assert_int_equal(dec("\xf0\x9f\x98\x80", 4, &cp), 4);
	assert_int_equal(cp, 0x1f600);
	assert_int_equal(dec("\xf4\x8f\xbf\xbf", 4, &cp), 4);
	assert_int_equal(cp, 0x10ffff);
	/* Overlong forms, of NUL and of '/' and ' '. */
	assert_int_equal(dec("\xc0\x80", 2, &cp), 0);
	assert_int_equal(dec("\xc1\xaf", 2, &cp), 0);
	assert_int_equal(dec("\xe0\x80\xa0", 3, &cp), 0);
	assert_int_equal(dec("\xf0\x80\x80\xa0", 4, &cp), 0);
	/* Surrogates, beyond U+10FFFF, stray and bad continuation bytes. */
	assert_int_equal(dec("\xed\xa0\x80", 3, &cp), 0);
	assert_int_equal(dec("\xed\xbf\xbf", 3, &cp), 0);
	assert_int_equal(dec("\xf4\x90\x80\x80", 4, &cp), 0);
	assert_int_equal(dec("\xf5\x80\x80\x80", 4, &cp), 0);
	assert_int_equal(dec("\x80", 1, &cp), 0);
	assert_int_equal(dec("\xff", 1, &cp), 0);
	assert_int_equal(dec("\xe2\x28\xa1", 3, &cp), 0);
	/* Cut short: never reads past len. */
	assert_int_equal(dec("\xe2\x82", 2, &cp), 0);
	assert_int_equal(dec("\xf0\x9f\x98", 3, &cp), 0);
}

/* Every scalar value encodes and decodes back to itself. */
static void
test_round_trip(void **state)
{
	char		 b[4];
	uint32_t	 c, cp;
	size_t		 n;

	(void)state;
	for (c = 0; c <= 0x10ffff; c++) {
		if (c >= 0xd800 && c <= 0xdfff)
			continue;
		n = utf8_encode(b, c);
		assert_int_equal(n, c < 0x80 ? 1 : c < 0x800 ? 2 :
		    c < 0x10000 ? 3 : 4);
		assert_int_equal(utf8_decode(b, n, &cp), n);
		assert_int_equal(cp, c);
	}
}

static void
test_width(void **state)
{
	uint32_t	 c;

	(void)state;
	assert_int_equal(utf8_width('a'), 1);
	assert_int_equal(utf8_width(0), 0);
	assert_int_equal(utf8_width(0x1b), 0);
	assert_int_equal(utf8_width(0x7f), 0);
	assert_int_equal(utf8_width(0x9b), 0);		/* C1 CSI */
	assert_int_equal(utf8_width(0xe9), 1);
	assert_int_equal(utf8_width(0x301), 0);		/* combining acute */
	assert_int_equal(utf8_width(0x200b), 0);	/* zero width space */
	assert_int_equal(utf8_width(0xfe0f), 0);	/* variation sel. */
	assert_int_equal(utf8_width(0x65e5), 2);	/* CJK */
	assert_int_equal(utf8_width(0xac00), 2);	/* Hangul */
	assert_int_equal(utf8_width(0xff21), 2);	/* fullwidth A */
	assert_int_equal(utf8_width(0x1f600), 2);	/* emoji */
	assert_int_equal(utf8_width(0x231a), 2);	/* watch, emoji */
	assert_int_equal(utf8_width(0x2603), 1);	/* snowman, text */
	assert_int_equal(utf8_width(0x378), 1);		/* unassigned */
	/* Never negative, never more than two. */
	for (c = 0; c <= 0x10ffff; c += 7)
		assert_true(utf8_width(c) >= 0 && utf8_width(c) <= 2);
}

/*
 * The aggregates trim Go's white space with the strict decoder: an
 * overlong space (E0 80 A0) is not white space for Go's utf8 either.
 */
static void
test_agg_key_space(void **state)
{
	(void)state;
	assert_int_equal(agg_key_space_at(" x", 2), 1);
	assert_int_equal(agg_key_space_at("\xe3\x80\x80x", 4), 3);
	assert_int_equal(agg_key_space_at("\xe0\x80\xa0x", 4), 0);
	assert_int_equal(agg_key_space_before("x\xc2\xa0", 3), 2);
	assert_int_equal(agg_key_space_before("x\xe0\x80\xa0", 4), 0);
	assert_int_equal(agg_key_space_before("x\xf0\x9f\x98\x80", 5), 0);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_decode),
	cmocka_unit_test(test_round_trip),
	cmocka_unit_test(test_width),
	cmocka_unit_test(test_agg_key_space),
};

UNIT_MAIN(tests)
