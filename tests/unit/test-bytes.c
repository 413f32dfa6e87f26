/* SPDX-License-Identifier: ISC */
/*
 * bytes: the buffer, and the hex helpers every module shares (digits, the
 * pump's lowercase hex, the one hexdump line format).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "bytes.h"
#include "unit.h"

static void
test_buf(void **state)
{
	struct buf	 b;
	char		*s;

	(void)state;
	buf_init(&b);
	buf_add(&b, "a\0b", 3);
	assert_int_equal(b.len, 3);
	assert_int_equal(b.data[3], '\0');
	buf_printf(&b, "%d", 42);
	assert_memory_equal(b.data, "a\0b42", 5);
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	buf_adds(&b, "x");
	s = buf_take(&b);
	assert_string_equal(s, "x");
	assert_null(b.data);
	free(s);
}

static void
test_hex(void **state)
{
	struct buf	 b;
	int		 c, n = 0;

	(void)state;
	for (c = 0; c < 256; c++)
		if (hex_value(c) >= 0)
			n++;
	assert_int_equal(n, 22);
	assert_int_equal(hex_value('0'), 0);
	assert_int_equal(hex_value('f'), 15);
	assert_int_equal(hex_value('F'), 15);
	assert_int_equal(hex_value('g'), -1);
	assert_int_equal(hex_value('/'), -1);
	buf_init(&b);
	buf_add_hex(&b, "A:\xff\x00", 4);
	assert_string_equal(b.data, "413aff00");
	buf_clear(&b);
}

static void
test_hexdump(void **state)
{
	struct hexdump_line	 h;
	char			 want[64];

	(void)state;
	hexdump_line(&h, 0x10, "GET /\r\n\x1b[2J0123456789", 21);
	assert_string_equal(h.off, "00000010");
	assert_string_equal(h.hex, " 47 45 54 20 2f 0d 0a 1b  5b 32 4a 30 31 32 "
	    "33 34  ");
	assert_string_equal(h.text, "|GET /...[2J01234|");
	/* A short last line keeps the columns. */
	hexdump_line(&h, 0, "\x7f" "a", 2);
	snprintf(want, sizeof want, " 7f 61%45s", "");
	assert_string_equal(h.hex, want);
	assert_int_equal(strlen(h.hex), 51);
	assert_string_equal(h.text, "|.a|");
	hexdump_line(&h, 0, "", 0);
	assert_string_equal(h.text, "||");
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_buf),
	cmocka_unit_test(test_hex),
	cmocka_unit_test(test_hexdump),
};

UNIT_MAIN(tests)
