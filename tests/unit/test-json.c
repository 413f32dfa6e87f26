/* SPDX-License-Identifier: ISC */
/*
 * json: the one double formatter, against the rule of Go's encoding/json
 * (floatEncoder: the shortest digits, 'f' form for 1e-6 <= |v| < 1e21,
 * else 'e' form with "e-07" cleaned to "e-7"), and json_gen_slice's
 * Latin-1 reading of invalid bytes.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "json.h"
#include "unit.h"

static void
check(double v, const char *want)
{
	char	 b[JSON_DOUBLE_MAX];
	size_t	 n;

	n = json_format_double(b, sizeof b, v);
	if (strcmp(b, want) != 0)
		fail_msg("%.17g: got \"%s\", want \"%s\"", v, b, want);
	assert_int_equal(n, strlen(want));
}

static void
test_double_go(void **state)
{
	(void)state;
	check(0, "0");
	check(-0.0, "-0");
	check(1, "1");
	check(-3, "-3");
	check(12.5, "12.5");
	check(0.1, "0.1");
	check(0.1 + 0.2, "0.30000000000000004");
	check(1.0 / 3, "0.3333333333333333");
	check(100, "100");
	check(1e14, "100000000000000");
	check(1e20, "100000000000000000000");
	check(123456789012345678901.0, "123456789012345680000");
	check(1e21, "1e+21");
	check(1.5e300, "1.5e+300");
	check(0.000001, "0.000001");
	check(0.0000012345, "0.0000012345");
	check(0.0000001, "1e-7");
	check(1.5e-7, "1.5e-7");
	check(-2.5e-10, "-2.5e-10");
	check(5e-324, "5e-324");
	check(1.7976931348623157e308, "1.7976931348623157e+308");
	check(52.3676, "52.3676");
	check(-122.4194, "-122.4194");
	check(4.9, "4.9");
	check(9007199254740993.0, "9007199254740992");
}

/* Whatever the value, the text reads back to it and fits the buffer. */
static void
test_double_round_trip(void **state)
{
	char		 b[JSON_DOUBLE_MAX];
	uint64_t	 x = 0x9e3779b97f4a7c15ULL;
	double		 v;
	unsigned	 i;

	(void)state;
	for (i = 0; i < 200000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memcpy(&v, &x, sizeof v);
		if (!isfinite(v))
			continue;
		assert_true(json_format_double(b, sizeof b, v) <
		    JSON_DOUBLE_MAX);
		assert_true(strtod(b, NULL) == v);
	}
}

/* A short buffer is cut and still terminated. */
static void
test_double_short(void **state)
{
	char	 b[4];

	(void)state;
	assert_int_equal(json_format_double(b, sizeof b, 12.5), 4);
	assert_string_equal(b, "12.");
}

static void
test_gen_slice(void **state)
{
	yajl_gen		 g;
	const unsigned char	*out;
	size_t			 len;

	(void)state;
	g = yajl_gen_alloc(NULL);
	yajl_gen_array_open(g);
	json_gen_slice(g, "ok\xff\xc3\xa9", 5);
	json_gen_double(g, NAN);
	json_gen_double(g, 2.5e-8);
	yajl_gen_array_close(g);
	yajl_gen_get_buf(g, &out, &len);
	assert_string_equal((const char *)out,
	    "[\"ok\xc3\xbf\xc3\xa9\",null,2.5e-8]");
	yajl_gen_free(g);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_double_go),
	cmocka_unit_test(test_double_round_trip),
	cmocka_unit_test(test_double_short),
	cmocka_unit_test(test_gen_slice),
};

UNIT_MAIN(tests)
