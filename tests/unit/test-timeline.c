/* SPDX-License-Identifier: ISC */
/*
 * The traffic chart's time buckets: the bucket size chosen from the range,
 * counts and error classes per bucket, the exact 95th percentile, UTC
 * buckets of equal length, and wall-clock buckets in a zone with daylight
 * saving (--tz; skipped with a message when the zone file is missing).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "timeline.h"
#include "timefmt.h"
#include "tz.h"
#include "unit.h"

/* Unix seconds of a UTC civil time. */
static int64_t
utc(int y, int mo, int d, int h, int mi)
{
	return (timefmt_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
	    h * 3600 + mi * 60);
}

static void
test_pick(void **state)
{
	int64_t	 t0 = utc(2026, 12, 2, 10, 0);

	(void)state;
	/* 50 minutes: minutes; 30 hours at 70 columns: hours. */
	assert_int_equal(timeline_pick(NULL, t0, t0 + 50 * 60, 70),
	    TIMELINE_MINUTE);
	assert_int_equal(timeline_pick(NULL, t0, t0 + 5 * 3600, 70),
	    TIMELINE_10MIN);
	assert_int_equal(timeline_pick(NULL, t0, t0 + 30 * 3600, 70),
	    TIMELINE_HOUR);
	/* The same 30 hours at 190 columns: ten minutes (181 buckets). */
	assert_int_equal(timeline_pick(NULL, t0, t0 + 30 * 3600, 190),
	    TIMELINE_10MIN);
	assert_int_equal(timeline_count(NULL, TIMELINE_10MIN, t0,
	    t0 + 30 * 3600), 181);
	/* A month: days; a year too, even if it does not fit. */
	assert_int_equal(timeline_pick(NULL, t0, t0 + 30 * 86400, 70),
	    TIMELINE_DAY);
	assert_int_equal(timeline_pick(NULL, t0, t0 + 365 * 86400, 70),
	    TIMELINE_DAY);
	/* One record: one minute bucket. */
	assert_int_equal(timeline_pick(NULL, t0, t0, 70), TIMELINE_MINUTE);
	assert_int_equal(timeline_count(NULL, TIMELINE_MINUTE, t0, t0), 1);
}

static void
test_too_many(void **state)
{
	struct timeline	 tl;
	int64_t		 t0 = utc(2000, 1, 1, 0, 0);

	(void)state;
	timeline_init(&tl, NULL);
	/* Ten years of minutes is refused; of days it is fine. */
	assert_int_equal(timeline_start(&tl, TIMELINE_MINUTE, t0,
	    t0 + 3650 * 86400), -1);
	assert_int_equal(tl.n, 0);
	assert_int_equal(timeline_start(&tl, TIMELINE_DAY, t0,
	    t0 + 3650 * 86400), 0);
	assert_int_equal(tl.n, 3651);
	timeline_clear(&tl);
}

static void
test_counts(void **state)
{
	struct timeline	 tl;
	int64_t		 t0 = utc(2026, 12, 2, 10, 0);

	(void)state;
	timeline_init(&tl, NULL);
	assert_int_equal(timeline_start(&tl, TIMELINE_10MIN, t0 + 125,
	    t0 + 1500), 0);
	/* 10:00, 10:10, 10:20. */
	assert_int_equal(tl.n, 3);
	assert_int_equal(tl.b[0].wall, t0);
	assert_int_equal(tl.b[0].since, t0);
	assert_int_equal(tl.b[0].until, t0 + 600);
	assert_int_equal(tl.b[2].until, t0 + 1800);
	timeline_add(&tl, t0 + 125, 200, 10);
	timeline_add(&tl, t0 + 599, 404, 30);
	timeline_add(&tl, t0 + 600, 503, 1000);
	timeline_add(&tl, t0 + 601, 500, 20);
	timeline_add(&tl, t0 + 1500, 200, -5);	/* negative: as 0 */
	timeline_add(&tl, t0 + 1800, 200, 5);	/* past the range */
	timeline_add(&tl, t0 - 1, 200, 5);	/* before it */
	timeline_finish(&tl);
	assert_int_equal(tl.total, 5);
	assert_int_equal(tl.outside, 2);
	assert_int_equal(tl.b[0].hits, 2);
	assert_int_equal(tl.b[0].e4xx, 1);
	assert_int_equal(tl.b[0].e5xx, 0);
	assert_int_equal(tl.b[1].hits, 2);
	assert_int_equal(tl.b[1].e5xx, 2);
	assert_int_equal(tl.b[1].lat_max, 1000);
	assert_true(tl.b[1].lat_sum == 1020.0);
	assert_int_equal(tl.b[1].p95, 1000);
	assert_int_equal(tl.b[2].hits, 1);
	assert_int_equal(tl.b[2].p95, 0);
	assert_int_equal(tl.b[0].band[timeline_band(10)], 1);
	assert_int_equal(tl.b[0].band[timeline_band(30)], 1);
	assert_int_equal(timeline_find(&tl, t0 + 1799), 2);
	assert_int_equal(timeline_find(&tl, t0 + 1800), tl.n);
	timeline_clear(&tl);
}

static void
test_bands(void **state)
{
	(void)state;
	assert_int_equal(timeline_band(0), 0);
	assert_int_equal(timeline_band(4), 0);
	assert_int_equal(timeline_band(5), 1);
	assert_int_equal(timeline_band(999), 7);
	assert_int_equal(timeline_band(1000), 8);
	assert_int_equal(timeline_band(INT64_MAX), TIMELINE_NBANDS - 1);
}

static int
cmp_u32(const void *a, const void *b)
{
	uint32_t	 x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x < y ? -1 : x > y);
}

static void
test_p95(void **state)
{
	uint32_t	 v[1000], w[1000], x = 12345;
	size_t		 n, i;

	(void)state;
	assert_int_equal(timeline_p95(v, 0), -1);
	v[0] = 7;
	assert_int_equal(timeline_p95(v, 1), 7);
	/* 1..100: rank 95 is 95; 1..20: rank 19 is 19. */
	for (i = 0; i < 100; i++)
		v[i] = (uint32_t)(100 - i);
	assert_int_equal(timeline_p95(v, 100), 95);
	for (i = 0; i < 20; i++)
		v[i] = (uint32_t)(i + 1);
	assert_int_equal(timeline_p95(v, 20), 19);
	/* Equal values, and random sets against a sort. */
	for (i = 0; i < 50; i++)
		v[i] = 3;
	assert_int_equal(timeline_p95(v, 50), 3);
	for (n = 1; n <= 1000; n += 37) {
		for (i = 0; i < n; i++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			v[i] = w[i] = x % 50;
		}
		qsort(w, n, sizeof *w, cmp_u32);
		assert_int_equal(timeline_p95(v, n),
		    w[(n * 95 + 99) / 100 - 1]);
	}
}

/* UTC: every hour and day bucket is the same length, whatever TZ says. */
static void
test_utc(void **state)
{
	struct timeline	 tl;
	struct tz	*z;
	int64_t		 t0 = utc(2024, 3, 9, 0, 0);
	size_t		 i;

	(void)state;
	z = tz_load("UTC", NULL);
	assert_non_null(z);
	timeline_init(&tl, z);		/* UTC is no zone at all */
	assert_null(tl.tz);
	assert_int_equal(timeline_start(&tl, TIMELINE_DAY, t0,
	    t0 + 3 * 86400), 0);
	for (i = 0; i < tl.n; i++)
		assert_int_equal(tl.b[i].until - tl.b[i].since, 86400);
	assert_int_equal(timeline_start(&tl, TIMELINE_HOUR, t0,
	    t0 + 3 * 86400), 0);
	for (i = 0; i < tl.n; i++) {
		assert_int_equal(tl.b[i].since, t0 + (int64_t)i * 3600);
		assert_int_equal(tl.b[i].until - tl.b[i].since, 3600);
	}
	timeline_clear(&tl);
	tz_free(z);
}

/* America/New_York: days start at local midnight, 23 h on 10 March. */
static void
test_tz(void **state)
{
	struct timeline	 tl;
	struct tz	*z;
	char		*cause = NULL;
	int64_t		 lo, hi;
	size_t		 i;

	(void)state;
	if ((z = tz_load("America/New_York", &cause)) == NULL) {
		printf("skipped: America/New_York: %s\n", cause);
		free(cause);
		return;
	}
	timeline_init(&tl, z);
	/* 2024-03-09 00:00 EST to 2024-03-11 12:00 EDT. */
	lo = timeline_wall(z, utc(2024, 3, 9, 5, 0));
	hi = timeline_wall(z, utc(2024, 3, 11, 16, 0));
	assert_int_equal(lo, utc(2024, 3, 9, 0, 0));
	assert_int_equal(timeline_start(&tl, TIMELINE_DAY, lo, hi), 0);
	assert_int_equal(tl.n, 3);
	assert_int_equal(tl.b[0].since, utc(2024, 3, 9, 5, 0));
	assert_int_equal(tl.b[1].since, utc(2024, 3, 10, 5, 0));
	assert_int_equal(tl.b[1].until, utc(2024, 3, 11, 4, 0));
	assert_int_equal(tl.b[1].until - tl.b[1].since, 23 * 3600);
	assert_int_equal(tl.b[2].until - tl.b[2].since, 24 * 3600);
	/* 04:30Z on the 10th is 23:30 EST on the 9th. */
	assert_int_equal(timeline_find(&tl, utc(2024, 3, 10, 4, 30)), 0);
	assert_int_equal(timeline_find(&tl, utc(2024, 3, 10, 5, 0)), 1);
	assert_int_equal(timeline_find(&tl, utc(2024, 3, 11, 3, 59)), 1);
	assert_int_equal(timeline_find(&tl, utc(2024, 3, 11, 4, 0)), 2);

	/* Hours across 3 November: the repeated 01:00 holds two hours. */
	lo = timeline_wall(z, utc(2024, 11, 3, 4, 0));	/* 00:00 EDT */
	hi = timeline_wall(z, utc(2024, 11, 3, 8, 0));	/* 03:00 EST */
	assert_int_equal(timeline_start(&tl, TIMELINE_HOUR, lo, hi), 0);
	assert_int_equal(tl.n, 4);
	assert_int_equal(tl.b[1].since, utc(2024, 11, 3, 5, 0));
	assert_int_equal(tl.b[1].until, utc(2024, 11, 3, 7, 0));
	timeline_add(&tl, utc(2024, 11, 3, 5, 30), 200, 1);	/* 01:30 EDT */
	timeline_add(&tl, utc(2024, 11, 3, 6, 30), 200, 1);	/* 01:30 EST */
	assert_int_equal(tl.b[1].hits, 2);
	/* Buckets tile time: each starts where the last ended. */
	for (i = 1; i < tl.n; i++)
		assert_int_equal(tl.b[i].since, tl.b[i - 1].until);
	timeline_finish(&tl);
	timeline_clear(&tl);
	tz_free(z);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_pick),
	cmocka_unit_test(test_too_many),
	cmocka_unit_test(test_counts),
	cmocka_unit_test(test_bands),
	cmocka_unit_test(test_p95),
	cmocka_unit_test(test_utc),
	cmocka_unit_test(test_tz),
};

UNIT_MAIN(tests)
