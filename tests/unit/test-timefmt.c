/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <stdlib.h>

#include "timefmt.h"
#include "unit.h"

static void
test_format(void **state)
{
	char	 b[TIMEFMT_MAX];

	timefmt_rfc3339(b, sizeof b, 1704164645, 123456789, 9);
	assert_string_equal(b, "2024-01-02T03:04:05.123456789Z");
	timefmt_rfc3339(b, sizeof b, 1704164645, 123456789, 3);
	assert_string_equal(b, "2024-01-02T03:04:05.123Z");
	timefmt_rfc3339(b, sizeof b, 1704164645, 0, 0);
	assert_string_equal(b, "2024-01-02T03:04:05Z");
	timefmt_rfc3339(b, sizeof b, -62135596800LL, 0, 0);
	assert_string_equal(b, "0001-01-01T00:00:00Z");
	timefmt_rfc3339(b, sizeof b, 1709164800, 0, 0);
	assert_string_equal(b, "2024-02-29T00:00:00Z");
}

static void
test_parse(void **state)
{
	int64_t		 lo, hi, now = 1709200000LL * 1000000000;
	const char	*err;

	assert_int_equal(timefmt_parse("2024-02-29T10:15:30Z", 20, now, &lo,
	    &hi, &err), 0);
	assert_int_equal(lo, 1709201730LL * 1000000000);
	assert_int_equal(hi, 1709201731LL * 1000000000);
	assert_int_equal(timefmt_parse("2024-02-29", 10, now, &lo, &hi, &err),
	    0);	/* TZ=UTC in the test environment */
	assert_int_equal(hi - lo, 86400LL * 1000000000);
	assert_int_equal(timefmt_parse("2024-02", 7, now, &lo, &hi, &err), 0);
	assert_int_equal(hi - lo, 29 * 86400LL * 1000000000);
	assert_int_equal(timefmt_parse("2024-02-29T10:00+02:00", 22, now, &lo,
	    &hi, &err), 0);
	assert_int_equal(lo, 1709193600LL * 1000000000);
	assert_int_equal(timefmt_parse("-15m", 4, now, &lo, &hi, &err), 0);
	assert_int_equal(lo, now - 900LL * 1000000000);
	assert_int_equal(timefmt_parse("-15x", 4, now, &lo, &hi, &err), -1);
	assert_non_null(err);
	assert_int_equal(timefmt_parse("2024-13-01", 10, now, &lo, &hi, &err),
	    -1);
	assert_int_equal(timefmt_parse("yesterday", 9, now, &lo, &hi, &err),
	    -1);
	assert_int_equal(timefmt_parse("", 0, now, &lo, &hi, &err), -1);
	/* Found by fuzz-timefmt: years outside int64 nanoseconds. */
	assert_int_equal(timefmt_parse("1093", 4, now, &lo, &hi, &err), -1);
	assert_string_equal(err, "time out of range (years 1678 to 2261)");
	assert_int_equal(timefmt_parse("9999-12-31", 10, now, &lo, &hi, &err),
	    -1);
	assert_int_equal(timefmt_parse("-999999999w", 11, now, &lo, &hi, &err),
	    -1);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_format),
	cmocka_unit_test(test_parse),
};
UNIT_MAIN(tests)
