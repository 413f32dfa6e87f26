/* SPDX-License-Identifier: ISC */
/*
 * The gzip index: random reads give the bytes a sequential gunzip gives,
 * at and across access points, over concatenated members, with the
 * inflater on its own thread, and a truncated file fails clearly (and is
 * counted) past the cut while what is before it still reads.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <zlib.h>

#include "gzdata.h"
#include "gzindex.h"
#include "gzstream.h"
#include "unit.h"

#define SPAN	(64U * 1024)

/*
 * Gunzip z front to back (in reads of step bytes, on a thread if bg),
 * building an index; check the output against want (len bytes, or fewer
 * if the stream is cut).  Returns the index and the bytes made.
 */
static struct gzindex *
index_all(const uint8_t *z, size_t zlen, const uint8_t *want, size_t len,
    size_t step, bool bg, size_t *made)
{
	struct gzstream	*gz;
	struct gzindex	*ix;
	uint8_t		*out = malloc(len + step);
	size_t		 got = 0;
	ssize_t		 n;

	ix = gzindex_create(z, zlen, false);
	gzindex_set_span(ix, SPAN);
	gz = gzstream_create(z, zlen);
	gzstream_index(gz, ix);
	if (bg)
		gzstream_background(gz);
	while ((n = gzstream_read(gz, out + got, step)) > 0)
		got += (size_t)n;
	assert_true(got <= len);
	assert_memory_equal(out, want, got);
	*made = got;
	gzstream_free(gz);
	free(out);
	return (ix);
}

static void
test_random(void **state)
{
	struct gzindex	*ix;
	size_t		 len = 3U << 20, zlen = 0, made, i, n;
	uint8_t		*p = gzdata_text(len, 1, 5, false), *z = NULL;
	uint64_t	 off;
	uint32_t	 x = 7;

	gzdata_deflate(&z, &zlen, p, len, 6, Z_DEFAULT_STRATEGY,
	    15 + 16);
	ix = index_all(z, zlen, p, len, 4096, false, &made);
	assert_int_equal(made, len);
	/*
	 * About one point per span, the start included (ISA-L restarts
	 * anywhere; zlib only at block ends, and one DEFLATE block may hold
	 * more than a span of this data, so just more than the start).
	 */
#ifdef HAVE_ISAL
	assert_true(gzindex_points(ix) >= len / SPAN / 2);
#else
	assert_true(gzindex_points(ix) > 1);
#endif
	for (i = 0; i < 300; i++) {
		x = x * 1103515245U + 12345U;
		off = (x >> 4) % len;
		x = x * 1103515245U + 12345U;
		n = 1 + (x >> 8) % (3 * SPAN);
		if (n > len - off)
			n = len - (size_t)off;
		gzdata_check_range(ix, p, off, n);
	}
	gzdata_check_range(ix, p, 0, len);		/* all of it at once */
	gzdata_check_range(ix, p, len - 1, 1);		/* the last byte */
	assert_int_equal(gzindex_errors(ix), 0);
	gzindex_free(ix);
	free(z);
	free(p);
}

/* Reads that end at, start at and straddle each span boundary. */
static void
test_boundaries(void **state)
{
	struct gzindex	*ix;
	size_t		 len = 1U << 20, zlen = 0, made;
	uint8_t		*p = gzdata_text(len, 2, 5, false), *z = NULL;
	uint64_t	 b;

	gzdata_deflate(&z, &zlen, p, len, 1, Z_DEFAULT_STRATEGY,
	    15 + 16);
	/*
	 * Reads of exactly SPAN put points exactly at multiples of it (with
	 * ISA-L; zlib's are at block ends, near them).
	 */
	ix = index_all(z, zlen, p, len, SPAN, false, &made);
	assert_int_equal(made, len);
#ifdef HAVE_ISAL
	assert_true(gzindex_points(ix) >= len / SPAN - 1);
#else
	assert_true(gzindex_points(ix) > 1);
#endif
	for (b = SPAN; b < len; b += SPAN) {
		gzdata_check_range(ix, p, b - 1, 1);
		gzdata_check_range(ix, p, b, 1);
		gzdata_check_range(ix, p, b - 100, 200);
		gzdata_check_range(ix, p, b - SPAN, SPAN);
		if (b + SPAN + 10 <= len)
			gzdata_check_range(ix, p, b - 10, SPAN + 20);
	}
	gzindex_free(ix);
	free(z);
	free(p);
}

/* Three members (deflated, stored, deflated), the inflater on a thread. */
static void
test_members(void **state)
{
	struct gzindex	*ix;
	size_t		 len = 1536U * 1024, zlen = 0, made, i, a, b;
	uint8_t		*p = gzdata_text(len, 3, 5, false), *z = NULL;
	uint32_t	 x = 11;
	uint64_t	 off;

	a = len / 3 + 17;
	b = 2 * len / 3 + 5;
	gzdata_deflate(&z, &zlen, p, a, 6, Z_DEFAULT_STRATEGY,
	    15 + 16);
	gzdata_deflate(&z, &zlen, p + a, b - a, 0, Z_DEFAULT_STRATEGY,
	    15 + 16);
	gzdata_deflate(&z, &zlen, p + b, len - b, 9, Z_DEFAULT_STRATEGY,
	    15 + 16);
	ix = index_all(z, zlen, p, len, 10000, true, &made);
	assert_int_equal(made, len);
	gzdata_check_range(ix, p, a - 50, 100);	/* across member ends */
	gzdata_check_range(ix, p, b - 50, 100);
	gzdata_check_range(ix, p, 0, len);
	for (i = 0; i < 200; i++) {
		x = x * 1103515245U + 12345U;
		off = (x >> 4) % (len - 5000);
		gzdata_check_range(ix, p, off, 1 + (x & 4095));
	}
	gzindex_free(ix);
	free(z);
	free(p);
}

/* A cut file: reads before the cut work; past it, a clear error. */
static void
test_truncated(void **state)
{
	struct gzindex	*ix;
	size_t		 len = 1U << 20, zlen = 0, made;
	uint8_t		*p = gzdata_text(len, 4, 5, false), *z = NULL, b[64];
	char		 cause[160];

	gzdata_deflate(&z, &zlen, p, len, 6, Z_DEFAULT_STRATEGY,
	    15 + 16);
	ix = index_all(z, zlen * 6 / 10, p, len, 8192, true, &made);
	assert_true(made > len / 3 && made < len);
	gzdata_check_range(ix, p, made - 1000, 1000);
	gzdata_check_range(ix, p, 10, 1000);
	assert_int_equal(gzindex_read(ix, made - 10, b, sizeof b, cause,
	    sizeof cause), -1);
	assert_non_null(strstr(cause, "gzip stream cut short"));
	assert_int_equal(gzindex_errors(ix), 1);
	assert_int_equal(gzindex_read(ix, len + 5, b, 1, cause,
	    sizeof cause), -1);
	assert_int_equal(gzindex_errors(ix), 2);
	gzindex_free(ix);

	/* Read before the sequential pass got there: inflated to the cut. */
	ix = gzindex_create(z, zlen * 6 / 10, false);
	assert_int_equal(gzindex_read(ix, made - 100, b, 50, cause,
	    sizeof cause), 0);
	assert_memory_equal(b, p + made - 100, 50);
	assert_int_equal(gzindex_read(ix, made - 10, b, sizeof b, cause,
	    sizeof cause), -1);
	assert_non_null(strstr(cause, "cut short"));
	assert_int_equal(gzindex_errors(ix), 1);
	gzindex_free(ix);
	free(z);
	free(p);
}

/* Corrupt deflate data: the error names it and its offset. */
static void
test_corrupt(void **state)
{
	struct gzindex	*ix;
	size_t		 len = 512U * 1024, zlen = 0;
	uint8_t		*p = gzdata_text(len, 5, 5, false), *z = NULL, b[16];
	char		 cause[160];

	gzdata_deflate(&z, &zlen, p, len, 6, Z_DEFAULT_STRATEGY,
	    15 + 16);
	z[10] = 0xff;	/* the first block: BTYPE 11, reserved */
	ix = gzindex_create(z, zlen, false);
	assert_int_equal(gzindex_read(ix, len - 16, b, sizeof b, cause,
	    sizeof cause), -1);
	assert_non_null(strstr(cause, "compressed offset"));
	assert_int_equal(gzindex_errors(ix), 1);
	gzindex_free(ix);
	free(z);
	free(p);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_random),
	cmocka_unit_test(test_boundaries),
	cmocka_unit_test(test_members),
	cmocka_unit_test(test_truncated),
	cmocka_unit_test(test_corrupt),
};

UNIT_MAIN(tests)
