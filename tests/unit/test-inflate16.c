/* SPDX-License-Identifier: ISC */
/*
 * inflate16 against zlib: from every block boundary of streams deflated
 * at each level and strategy, its values, with the true window filled in,
 * are the bytes zlib inflates, and it stops on true boundaries; the
 * boundary finder finds dynamic blocks and nothing between them; damaged
 * streams are refused or inflate as zlib inflates them; the limits and
 * the cancel flag hold.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <zlib.h>

#include "gzdata.h"
#include "inflate16.h"
#include "unit.h"

#define NBOUND	4096

/* A raw DEFLATE stream, its output, and its block boundaries. */
struct stream {
	uint8_t		*z;
	size_t		 zlen;
	uint8_t		*out;
	size_t		 len;
	uint64_t	 bit[NBOUND];	/* where a block starts */
	size_t		 at[NBOUND];	/* output before it */
	bool		 dyn[NBOUND];	/* a dynamic block starts there */
	size_t		 n;
};

/* Deflate p raw at level and strategy; find the boundaries with zlib. */
static void
mkstream(struct stream *s, const uint8_t *p, size_t len, int level,
    int strategy)
{
	z_stream	 zs;
	size_t		 got;
	int		 rc;

	memset(s, 0, sizeof *s);
	gzdata_deflate(&s->z, &s->zlen, p, len, level, strategy, -15);

	s->out = malloc(len + 1);
	memset(&zs, 0, sizeof zs);
	assert_int_equal(inflateInit2(&zs, -15), Z_OK);
	zs.next_in = s->z;
	zs.avail_in = (uInt)s->zlen;
	s->bit[0] = 0;
	s->at[0] = 0;
	s->n = 1;
	got = 0;
	for (;;) {
		zs.next_out = s->out + got;
		zs.avail_out = (uInt)(len + 1 - got);
		rc = inflate(&zs, Z_BLOCK);
		got = (size_t)(zs.next_out - s->out);
		if (rc == Z_STREAM_END)
			break;
		assert_int_equal(rc, Z_OK);
		/* At a block boundary, before the last block. */
		if ((zs.data_type & 128) && !(zs.data_type & 64) &&
		    s->n < NBOUND) {
			s->bit[s->n] = (uint64_t)(zs.next_in - s->z) * 8 -
			    (uint64_t)(zs.data_type & 7);
			s->at[s->n] = got;
			s->n++;
		}
	}
	assert_int_equal(got, len);
	s->len = len;
	inflateEnd(&zs);
	for (size_t i = 0; i < s->n; i++) {
		uint64_t	b = s->bit[i];
		unsigned	v = (unsigned)(s->z[b / 8] |
				    (b / 8 + 1 < s->zlen ?
				    s->z[b / 8 + 1] << 8 : 0)) >> (b % 8);

		s->dyn[i] = (v & 7) == 4;
	}
}

static void
freestream(struct stream *s)
{
	free(s->z);
	free(s->out);
}

/* Is bit a boundary of s with at bytes before it? */
static bool
is_boundary(const struct stream *s, uint64_t bit, size_t at)
{
	size_t	 i;

	for (i = 0; i < s->n; i++)
		if (s->bit[i] == bit)
			return (s->at[i] == at);
	return (false);
}

/* From every boundary with a window: the bytes, ending on a boundary. */
static void
check_stream(const struct stream *s, size_t target)
{
	size_t		 max = target + 512U * 1024, n, i, j;
	uint16_t	*v = malloc((max + INFLATE16_SLACK) * sizeof *v);
	uint8_t		*b = malloc(max);
	uint64_t	 end;
	enum inflate16_status st;
	unsigned	 ran = 0;

	for (i = 0; i < s->n; i++) {
		if (s->at[i] < INFLATE16_WINDOW && i != 0)
			continue;
		st = inflate16_run(s->z, s->zlen, s->bit[i], target, max, v,
		    &n, &end, NULL);
		if (st == INFLATE16_BAD)
			fail_msg("block %zu at bit %llu refused", i,
			    (unsigned long long)s->bit[i]);
		assert_true(n <= s->len - s->at[i]);
		if (i == 0)
			for (j = 0; j < n; j++)
				assert_true(v[j] < INFLATE16_MARK);
		inflate16_resolve(v, n, s->out + s->at[i] -
		    (i == 0 ? 0 : INFLATE16_WINDOW), b);
		if (i == 0)
			for (j = 0; j < n; j++)
				b[j] = (uint8_t)v[j];
		assert_memory_equal(b, s->out + s->at[i], n);
		if (st == INFLATE16_OK) {
			assert_true(n >= target);
			assert_true(is_boundary(s, end, s->at[i] + n));
		} else {
			assert_int_equal(s->at[i] + n, s->len);
			assert_int_equal((end + 7) / 8, s->zlen);
		}
		ran++;
	}
	assert_true(ran > 0);
	free(v);
	free(b);
}

static void
test_levels(void **state)
{
	static const int	 strat[] = { Z_DEFAULT_STRATEGY, Z_FILTERED,
				    Z_HUFFMAN_ONLY, Z_RLE, Z_FIXED };
	size_t			 len = 1U << 20;
	uint8_t			*p = gzdata_text(len, 1, 7, true);
	struct stream		 s;
	int			 level;
	size_t			 k;

	(void)state;
	for (level = 0; level <= 9; level += (level < 2 ? 1 : 3))
		for (k = 0; k < sizeof strat / sizeof strat[0]; k++) {
			if (level == 0 && k != 0)
				continue;
			mkstream(&s, p, len, level, strat[k]);
			assert_true(s.n > 3);
			check_stream(&s, 40000);
			freestream(&s);
		}
	free(p);
}

/* Whole-stream runs and tiny targets: one block at a time. */
static void
test_targets(void **state)
{
	size_t		 len = 600U * 1024, n, i, pos;
	uint8_t		*p = gzdata_text(len, 2, 7, true);
	struct stream	 s;
	uint16_t	*v = malloc((len + INFLATE16_SLACK) * sizeof *v);
	uint64_t	 end, bit;
	enum inflate16_status st;

	(void)state;
	mkstream(&s, p, len, 6, Z_DEFAULT_STRATEGY);
	/* All of it. */
	st = inflate16_run(s.z, s.zlen, 0, SIZE_MAX, len, v, &n, &end, NULL);
	assert_int_equal(st, INFLATE16_FINAL);
	assert_int_equal(n, len);
	for (i = 0; i < n; i++)
		assert_int_equal(v[i], p[i]);
	/* Block by block, each stop the next boundary. */
	bit = 0;
	pos = 0;
	for (i = 1; i < s.n; i++) {
		st = inflate16_run(s.z, s.zlen, bit, 1, len, v, &n, &end,
		    NULL);
		assert_int_equal(st, INFLATE16_OK);
		assert_int_equal(end, s.bit[i]);
		pos += n;
		assert_int_equal(pos, s.at[i]);
		bit = end;
	}
	/* Room for three blocks: the run ends before the fourth. */
	st = inflate16_run(s.z, s.zlen, 0, SIZE_MAX, s.at[3] + 10, v, &n, &end,
	    NULL);
	assert_int_equal(st, INFLATE16_OK);
	assert_int_equal(n, s.at[3]);
	assert_int_equal(end, s.bit[3]);
	/* Too little room for the first block. */
	st = inflate16_run(s.z, s.zlen, 0, 1, 100, v, &n, &end, NULL);
	assert_int_equal(st, INFLATE16_BAD);
	/* Cancelled. */
	{
		atomic_bool	 cancel = true;

		st = inflate16_run(s.z, s.zlen, 0, 1, len, v, &n, &end,
		    &cancel);
		assert_int_equal(st, INFLATE16_BAD);
	}
	/* Cut short: the last block never ends. */
	st = inflate16_run(s.z, s.zlen / 2, s.bit[s.n / 2 > 1 ? 1 : 0],
	    SIZE_MAX, len, v, &n, &end, NULL);
	assert_int_equal(st, INFLATE16_BAD);
	freestream(&s);
	free(v);
	free(p);
}

/* The finder: every dynamic block, nothing in between. */
static void
test_find(void **state)
{
	size_t		 len = 2U << 20, i, ndyn = 0;
	uint8_t		*p = gzdata_text(len, 3, 7, true);
	struct stream	 s;
	uint64_t	 prev = 1, got;

	(void)state;
	mkstream(&s, p, len, 6, Z_DEFAULT_STRATEGY);
	for (i = 1; i < s.n; i++) {
		if (!s.dyn[i])
			continue;
		assert_true(inflate16_header(s.z, s.zlen, s.bit[i]));
		got = inflate16_find(s.z, s.zlen, prev, s.bit[i] + 1);
		if (got != s.bit[i])
			fail_msg("from %llu: found %llu, the block is at %llu",
			    (unsigned long long)prev, (unsigned long long)got,
			    (unsigned long long)s.bit[i]);
		prev = s.bit[i] + 1;
		ndyn++;
	}
	assert_true(ndyn > 10);
	/* Nothing after the last one. */
	assert_int_equal(inflate16_find(s.z, s.zlen, prev, s.zlen * 8),
	    UINT64_MAX);
	freestream(&s);
	free(p);
}

/* Write the n low bits of v at bit (LSB first), as DEFLATE packs them. */
static void
put(uint8_t *b, unsigned bit, unsigned n, unsigned v)
{
	unsigned	 i;

	for (i = 0; i < n; i++, bit++) {
		b[bit / 8] &= (uint8_t)~(1U << bit % 8);
		b[bit / 8] |= (uint8_t)(((v >> i) & 1) << bit % 8);
	}
}

/*
 * Headers zlib refuses: an over-subscribed code length code, a repeat
 * with nothing to repeat, block types that are not dynamic.
 */
static void
test_headers(void **state)
{
	uint8_t		 b[64];

	(void)state;
	/* BFINAL 0, BTYPE 10, HLIT 0, HDIST 0, HCLEN 0: lengths 1,1,1,1. */
	memset(b, 0, sizeof b);
	put(b, 0, 3, 4);
	put(b, 3, 14, 0);
	put(b, 17, 12, 01111);	/* four 3-bit lengths of 1 */
	assert_false(inflate16_header(b, sizeof b, 0));
	/* Lengths 1,1,0,0 (codes 16, 17) are complete, but 16 comes first: */
	put(b, 17, 12, 00011);
	/* a repeat of the previous length, with none before it. */
	put(b, 29, 8, 0xfe);
	assert_false(inflate16_header(b, sizeof b, 0));
	/* All zeros: BTYPE 00 is not a dynamic header. */
	memset(b, 0, sizeof b);
	assert_false(inflate16_header(b, sizeof b, 0));
	/* Ones: reserved block type. */
	memset(b, 0xff, sizeof b);
	assert_false(inflate16_header(b, sizeof b, 0));
	assert_int_equal(inflate16_find(b, sizeof b, 0, 8 * sizeof b),
	    UINT64_MAX);
	/* Too short to hold a header. */
	assert_false(inflate16_header(b, 3, 0));
}

/*
 * Damaged streams: refused, or inflated to what zlib makes of them (what
 * inflate16 takes zlib takes).
 */
static void
test_damage(void **state)
{
	size_t		 len = 200U * 1024, n, i, zn;
	uint8_t		*p = gzdata_text(len, 4, 7, true);
	uint8_t		*zo = malloc(len * 2);
	struct stream	 s;
	uint16_t	*v = malloc((len * 2 + INFLATE16_SLACK) * sizeof *v);
	uint8_t		*z;
	uint64_t	 end;
	uint32_t	 x = 99;
	enum inflate16_status st;
	z_stream	 zs;
	int		 rc, took = 0;
	bool		 marks;

	(void)state;
	mkstream(&s, p, len, 6, Z_DEFAULT_STRATEGY);
	z = malloc(s.zlen);
	for (i = 0; i < 400; i++) {
		memcpy(z, s.z, s.zlen);
		x = x * 1103515245U + 12345U;
		z[(x >> 8) % s.zlen] ^= (uint8_t)(1U << ((x >> 4) & 7));
		st = inflate16_run(z, s.zlen, 0, SIZE_MAX, len * 2, v, &n,
		    &end, NULL);
		if (st == INFLATE16_BAD)
			continue;
		assert_int_equal(st, INFLATE16_FINAL);
		marks = false;
		for (size_t j = 0; j < n; j++)
			marks |= v[j] >= INFLATE16_MARK;
		memset(&zs, 0, sizeof zs);
		assert_int_equal(inflateInit2(&zs, -15), Z_OK);
		zs.next_in = z;
		zs.avail_in = (uInt)s.zlen;
		zs.next_out = zo;
		zs.avail_out = (uInt)(len * 2);
		rc = inflate(&zs, Z_FINISH);
		zn = (size_t)(zs.next_out - zo);
		inflateEnd(&zs);
		if (marks) {
			/* A copy from before the start: zlib says so. */
			assert_int_equal(rc, Z_DATA_ERROR);
			continue;
		}
		assert_int_equal(rc, Z_STREAM_END);
		assert_int_equal(zn, n);
		for (size_t j = 0; j < n; j++)
			assert_int_equal(v[j], zo[j]);
		took++;
	}
	/* Most flips inflate to other bytes (literals); some are refused. */
	assert_true(took > 0);
	freestream(&s);
	free(z);
	free(zo);
	free(v);
	free(p);
}

/* Values to bytes: marks anywhere among the sixteen a step packs. */
static void
test_apply(void **state)
{
	uint8_t		 win[INFLATE16_WINDOW], map[INFLATE16_MARK +
			    INFLATE16_WINDOW], out[1000], want[1000];
	uint16_t	 v[1000];
	size_t		 i, n;
	uint32_t	 x = 5;

	(void)state;
	for (i = 0; i < sizeof win; i++)
		win[i] = (uint8_t)(i * 7 + 3);
	inflate16_map(win, map);
	for (n = 0; n <= 1000; n += 37) {
		for (i = 0; i < n; i++) {
			x = x * 1103515245U + 12345U;
			if ((x >> 16) % 23 == 0) {
				v[i] = (uint16_t)(INFLATE16_MARK + (x >> 8) %
				    INFLATE16_WINDOW);
				want[i] = win[v[i] - INFLATE16_MARK];
			} else {
				v[i] = (uint16_t)((x >> 8) & 255);
				want[i] = (uint8_t)v[i];
			}
		}
		memset(out, 0xee, sizeof out);
		inflate16_apply(v, n, map, out);
		assert_memory_equal(out, want, n);
		if (n < sizeof out)
			assert_int_equal(out[n], 0xee);
		inflate16_resolve(v, n, win, out);
		assert_memory_equal(out, want, n);
	}
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_levels),
	cmocka_unit_test(test_targets),
	cmocka_unit_test(test_find),
	cmocka_unit_test(test_headers),
	cmocka_unit_test(test_damage),
	cmocka_unit_test(test_apply),
};

UNIT_MAIN(tests)
