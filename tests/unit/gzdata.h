/* SPDX-License-Identifier: ISC */
/*
 * Test data for the gzip suites (test-gzindex, test-gzstream,
 * test-inflate16): deterministic text that deflates with matches near
 * and far, deflating it with zlib, and reading it back through an index.
 */
#ifndef GZDATA_H
#define GZDATA_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "gzindex.h"
#include "unit.h"

/*
 * len bytes of words from seed, one in noise a random byte; with mixed,
 * also runs of one byte and stretches of random bytes (stored blocks).
 */
static inline uint8_t *
gzdata_text(size_t len, uint32_t seed, unsigned noise, bool mixed)
{
	static const char	*words[] = { "method", "GET", "/v1/charges/",
				    "rawrequest", "UkVR", "response_code",
				    "200", "Content-Type: application/json",
				    "\r\n", "tyk_analytics", "\x00\x01\x02" };
	uint8_t			*p = malloc(len);
	size_t			 i = 0, n, j;
	uint32_t		 x = seed, r;
	const char		*w;

	while (i < len) {
		x = x * 1103515245U + 12345U;
		r = (x >> 16) % (mixed ? 41 : noise);
		if (mixed && r == 0) {		/* a run */
			n = 1 + (x >> 8) % 600;
			for (j = 0; j < n && i < len; j++)
				p[i++] = (uint8_t)(x >> 24);
			continue;
		}
		if (mixed && r == 1) {		/* random bytes */
			n = 1 + (x >> 8) % 3000;
			for (j = 0; j < n && i < len; j++) {
				x = x * 1103515245U + 12345U;
				p[i++] = (uint8_t)(x >> 16);
			}
			continue;
		}
		if (mixed ? r >= 2 && r < 2 + 41 / noise : r == 0) {
			p[i++] = (uint8_t)(x >> 8);	/* noise */
			continue;
		}
		w = words[(x >> 16) % (sizeof words / sizeof words[0])];
		n = strlen(w) + 1;
		if (n > len - i)
			n = len - i;
		memcpy(p + i, w, n);
		i += n;
	}
	return (p);
}

/*
 * Append len bytes at p deflated at level and strategy with windowBits
 * wbits (15 + 16: a gzip member; -15: raw DEFLATE) to *z (*zlen bytes).
 */
static inline void
gzdata_deflate(uint8_t **z, size_t *zlen, const uint8_t *p, size_t len,
    int level, int strategy, int wbits)
{
	z_stream	 zs;
	size_t		 cap = compressBound((uLong)len) + 64;

	*z = realloc(*z, *zlen + cap);
	memset(&zs, 0, sizeof zs);
	assert_int_equal(deflateInit2(&zs, level, Z_DEFLATED, wbits, 8,
	    strategy), Z_OK);
	zs.next_in = (Bytef *)(uintptr_t)p;
	zs.avail_in = (uInt)len;
	zs.next_out = *z + *zlen;
	zs.avail_out = (uInt)cap;
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	*zlen += zs.total_out;
	deflateEnd(&zs);
}

/* Read [off, off + n) through the index and compare with want. */
static inline void
gzdata_check_range(struct gzindex *ix, const uint8_t *want, uint64_t off,
    size_t n)
{
	uint8_t	*b = malloc(n + 1);
	char	 cause[160];

	if (gzindex_read(ix, off, b, n, cause, sizeof cause) != 0)
		fail_msg("read %llu+%zu: %s", (unsigned long long)off, n,
		    cause);
	assert_memory_equal(b, want + off, n);
	free(b);
}

#endif
