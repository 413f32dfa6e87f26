/* SPDX-License-Identifier: ISC */
/*
 * gzstream on two cores (ISA-L builds): with small chunks, a gzip file of
 * many members and kinds of block inflates on the second core to exactly
 * the bytes a sequential gunzip gives, chunks are taken, the index built
 * on the way reads any range back (from points after chunks, in raw
 * DEFLATE, across member ends), and a bad checksum or length, a cut and
 * corrupt data fail as the sequential pass fails, with the same message;
 * and without waiting for the helper, whatever it manages, the same.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <zlib.h>

#include "gzdata.h"
#include "gzindex.h"
#include "gzstream.h"
#include "unit.h"

#define CHUNK	(256U * 1024)

/* What a gunzip of z made: the bytes, the error, the chunks taken. */
struct run {
	uint8_t		*out;
	size_t		 len;
	char		 error[128];
	uint64_t	 chunks;
};

/*
 * Gunzip z in reads of step bytes, on two cores if par (else one
 * thread), into r, adding points to ix if not NULL.
 */
static void
gunzip(const uint8_t *z, size_t zlen, size_t cap, size_t step, bool par,
    struct gzindex *ix, struct run *r)
{
	struct gzstream	*gz;
	ssize_t		 n;

	memset(r, 0, sizeof *r);
	r->out = malloc(cap + step);
	gzstream_parallel(par ? 1 : UINT64_MAX, CHUNK, 3, true);
	gz = gzstream_create(z, zlen);
	if (ix != NULL)
		gzstream_index(gz, ix);
	gzstream_background(gz);
	while ((n = gzstream_read(gz, r->out + r->len, step)) > 0) {
		r->len += (size_t)n;
		assert_true(r->len <= cap);
	}
	snprintf(r->error, sizeof r->error, "%s", gzstream_error(gz));
	r->chunks = gzstream_chunks(gz);
	gzstream_free(gz);
}

/* Members of every kind, some shorter than a window, one of many MiB. */
static uint8_t *
mkfile(const uint8_t *p, size_t len, size_t *zlen, size_t *ends)
{
	uint8_t		*z = NULL;
	size_t		 a = 0, i;
	static const size_t part[] = { 3U << 20, 20000, 1U << 20, 300000,
				    10, 2U << 20, 0 };
	static const int level[] = { 6, 6, 0, 1, 9, 9, 6 };
	static const int strat[] = { Z_DEFAULT_STRATEGY, Z_DEFAULT_STRATEGY,
				    Z_DEFAULT_STRATEGY, Z_FIXED,
				    Z_DEFAULT_STRATEGY, Z_FILTERED,
				    Z_DEFAULT_STRATEGY };

	*zlen = 0;
	for (i = 0; i < sizeof part / sizeof part[0]; i++) {
		size_t	n = part[i] != 0 ? part[i] : len - a;

		gzdata_deflate(&z, zlen, p + a, n, level[i], strat[i],
		    15 + 16);
		a += n;
		ends[i] = a;
	}
	assert_int_equal(a, len);
	return (z);
}

static void
test_members(void **state)
{
	size_t		 len = 12U << 20, zlen, ends[7], i, n;
	uint8_t		*p = gzdata_text(len, 1, 4, false), *z;
	struct gzindex	*ix;
	struct run	 r;
	uint32_t	 x = 3;
	uint64_t	 off;

	(void)state;
	z = mkfile(p, len, &zlen, ends);
	ix = gzindex_create(z, zlen, false);
	gzindex_set_span(ix, 256U * 1024);
	gunzip(z, zlen, len, 100000, true, ix, &r);
	assert_string_equal(r.error, "");
	assert_int_equal(r.len, len);
	assert_memory_equal(r.out, p, len);
#ifdef HAVE_ISAL
	/* The deflated members: the inflater took chunks. */
	assert_true(r.chunks >= 4);
#else
	assert_int_equal(r.chunks, 0);
#endif
	/* Across member ends, and anywhere. */
	for (i = 0; i + 1 < sizeof ends / sizeof ends[0]; i++)
		gzdata_check_range(ix, p, ends[i] > 50 ? ends[i] - 50 : 0, 100);
	for (i = 0; i < 300; i++) {
		x = x * 1103515245U + 12345U;
		off = (x >> 4) % len;
		x = x * 1103515245U + 12345U;
		n = 1 + (x >> 8) % (600U * 1024);
		if (n > len - off)
			n = len - (size_t)off;
		gzdata_check_range(ix, p, off, n);
	}
	gzdata_check_range(ix, p, 0, len);
	assert_int_equal(gzindex_errors(ix), 0);
	gzindex_free(ix);
	free(r.out);
	free(z);
	free(p);
}

/* Small reads, reads of odd sizes: the chunks copy out across them. */
static void
test_steps(void **state)
{
	size_t		 len = 6U << 20, zlen = 0, k;
	uint8_t		*p = gzdata_text(len, 2, 4, false), *z = NULL;
	struct run	 r;
	static const size_t step[] = { 1, 4095, 65536, 1U << 20, 3U << 20 };

	(void)state;
	gzdata_deflate(&z, &zlen, p, len, 6, Z_DEFAULT_STRATEGY,
	    15 + 16);
	for (k = 0; k < sizeof step / sizeof step[0]; k++) {
		if (step[k] == 1) {
			/* Byte reads of the first MiB, then the rest. */
			struct gzstream	*gz;
			size_t		 got = 0;
			ssize_t		 n;
			uint8_t		*o = malloc(len);

			gzstream_parallel(1, CHUNK, 3, true);
			gz = gzstream_create(z, zlen);
			gzstream_background(gz);
			while (got < (1U << 20) &&
			    (n = gzstream_read(gz, o + got, 1)) > 0)
				got += (size_t)n;
			while ((n = gzstream_read(gz, o + got, len - got)) > 0)
				got += (size_t)n;
			assert_int_equal(got, len);
			assert_memory_equal(o, p, len);
			gzstream_free(gz);
			free(o);
			continue;
		}
		gunzip(z, zlen, len, step[k], true, NULL, &r);
		assert_string_equal(r.error, "");
		assert_int_equal(r.len, len);
		assert_memory_equal(r.out, p, len);
		free(r.out);
	}
	free(z);
	free(p);
}

/*
 * Damage: both passes give the same bytes and the same message (corrupt
 * data: the same kind of message; where ISA-L stops in the input depends
 * on what it had read ahead).
 */
static void
check_same(const uint8_t *z, size_t zlen, size_t len, const char *want,
    uint64_t chunks)
{
	struct run	 a, b;

	gunzip(z, zlen, len, 100000, false, NULL, &a);
	gunzip(z, zlen, len, 100000, true, NULL, &b);
	if (strstr(a.error, want) == NULL || strstr(b.error, want) == NULL)
		fail_msg("want \"%s\": one pass \"%s\", two \"%s\"", want,
		    a.error, b.error);
	if (strcmp(want, "corrupt gzip data") != 0)
		assert_string_equal(a.error, b.error);
	assert_memory_equal(a.out, b.out, a.len < b.len ? a.len : b.len);
#ifdef HAVE_ISAL
	/* Where the damage is late, the second pass took chunks before it. */
	assert_true(b.chunks >= chunks);
#else
	(void)chunks;
#endif
	free(a.out);
	free(b.out);
}

/*
 * Copy z to d with the first block that starts at or after byte off made
 * invalid: its type set to 3, which DEFLATE reserves.
 */
static void
corrupt(const uint8_t *z, size_t zlen, size_t off, uint8_t *d)
{
	z_stream	 zs;
	uint8_t		*o = malloc(1U << 20);
	uint64_t	 bit;
	int		 rc;

	memcpy(d, z, zlen);
	memset(&zs, 0, sizeof zs);
	assert_int_equal(inflateInit2(&zs, 15 + 16), Z_OK);
	zs.next_in = d;
	zs.avail_in = (uInt)zlen;
	for (;;) {
		zs.next_out = o;
		zs.avail_out = 1U << 20;
		rc = inflate(&zs, Z_BLOCK);
		if (rc == Z_STREAM_END) {
			assert_int_equal(inflateReset(&zs), Z_OK);
			continue;
		}
		assert_int_equal(rc, Z_OK);
		bit = (uint64_t)(zs.next_in - d) * 8 -
		    (uint64_t)(zs.data_type & 7);
		if ((zs.data_type & 128) && !(zs.data_type & 64) &&
		    bit >= (uint64_t)off * 8)
			break;
	}
	inflateEnd(&zs);
	/* BFINAL stays; BTYPE, the next two bits, 11. */
	d[(bit + 1) / 8] |= (uint8_t)(1U << (bit + 1) % 8);
	d[(bit + 2) / 8] |= (uint8_t)(1U << (bit + 2) % 8);
	free(o);
}

static void
test_damage(void **state)
{
	size_t		 len = 12U << 20, zlen, ends[7], m0;
	uint8_t		*p = gzdata_text(len, 3, 4, false), *z, *d;
	z_stream	 zs;

	(void)state;
	z = mkfile(p, len, &zlen, ends);
	d = malloc(zlen);
	/* The first member's compressed size: where its trailer is. */
	memset(&zs, 0, sizeof zs);
	assert_int_equal(inflateInit2(&zs, 15 + 16), Z_OK);
	zs.next_in = z;
	zs.avail_in = (uInt)zlen;
	zs.next_out = d;
	zs.avail_out = 1;
	while (inflate(&zs, Z_NO_FLUSH) == Z_OK) {
		zs.next_out = d;
		zs.avail_out = 1;
	}
	m0 = (size_t)(zs.next_in - z);
	inflateEnd(&zs);

	memcpy(d, z, zlen);
	d[m0 - 6] ^= 1;				/* the CRC */
	check_same(d, zlen, len, "gzip checksum mismatch at compressed "
	    "offset", 0);
	memcpy(d, z, zlen);
	d[m0 - 2] ^= 1;				/* the length */
	check_same(d, zlen, len, "gzip checksum mismatch", 0);
	memcpy(d, z, zlen);
	d[zlen - 3] ^= 0x10;			/* the last member's length */
	check_same(d, zlen, len, "gzip checksum mismatch", 3);
	check_same(z, zlen * 7 / 10, len, "gzip stream cut short at "
	    "compressed offset", 1);
	check_same(z, m0 - 3, len, "gzip stream cut short", 0);
	check_same(z, m0 + 5, len, "gzip stream cut short", 0);
	corrupt(z, zlen, m0 / 2, d);
	check_same(d, zlen, len, "corrupt gzip data", 0);
	corrupt(z, zlen, m0 + (zlen - m0) * 3 / 4, d);
	check_same(d, zlen, len, "corrupt gzip data", 2);
	memcpy(d, z, zlen);
	d[m0 + 2] = 9;				/* method 9: not gzip */
	check_same(d, zlen, len, "corrupt gzip data", 1);
	free(d);
	free(z);
	free(p);
}

/*
 * Without waiting, as in use: the helper may fall behind, be cancelled,
 * or have its chunks passed, at any point; the bytes and the index stay
 * exact whatever happens.
 */
static void
test_race(void **state)
{
	size_t		 len = 12U << 20, zlen, ends[7], got, k;
	uint8_t		*p = gzdata_text(len, 5, 4, false), *z;
	uint8_t		*o = malloc(len + (1U << 20));
	struct gzstream	*gz;
	struct gzindex	*ix;
	ssize_t		 n;
	static const size_t step[] = { 65536, 1U << 20, 4096, 300000 };

	(void)state;
	z = mkfile(p, len, &zlen, ends);
	for (k = 0; k < 8; k++) {
		ix = gzindex_create(z, zlen, false);
		gzindex_set_span(ix, 1024U * 1024);
		gzstream_parallel(1, CHUNK / (1 + k % 2), 1 + (unsigned)k,
		    false);
		gz = gzstream_create(z, zlen);
		gzstream_index(gz, ix);
		gzstream_background(gz);
		got = 0;
		while ((n = gzstream_read(gz, o + got, step[k % 4])) > 0)
			got += (size_t)n;
		assert_string_equal(gzstream_error(gz), "");
		gzstream_free(gz);
		assert_int_equal(got, len);
		assert_memory_equal(o, p, len);
		gzdata_check_range(ix, p, len / 3, 1U << 20);
		gzdata_check_range(ix, p, ends[4] - 20, 40);
		gzindex_free(ix);
	}
	free(o);
	free(z);
	free(p);
}

/* Freed half way: the helper stops; nothing leaks (ASan builds). */
static void
test_stop(void **state)
{
	size_t		 len = 8U << 20, zlen = 0, got = 0;
	uint8_t		*p = gzdata_text(len, 4, 4, false), *z = NULL;
	uint8_t		*o = malloc(len);
	struct gzstream	*gz;
	ssize_t		 n;

	(void)state;
	gzdata_deflate(&z, &zlen, p, len, 6, Z_DEFAULT_STRATEGY,
	    15 + 16);
	gzstream_parallel(1, CHUNK, 3, true);
	gz = gzstream_create(z, zlen);
	gzstream_background(gz);
	while (got < len / 2 && (n = gzstream_read(gz, o + got, 65536)) > 0)
		got += (size_t)n;
	assert_memory_equal(o, p, got);
	gzstream_free(gz);
	free(o);
	free(z);
	free(p);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_members),
	cmocka_unit_test(test_steps),
	cmocka_unit_test(test_damage),
	cmocka_unit_test(test_race),
	cmocka_unit_test(test_stop),
};

UNIT_MAIN(tests)
