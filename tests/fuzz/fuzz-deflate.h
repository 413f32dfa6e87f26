/* SPDX-License-Identifier: ISC */
/*
 * Shared by the fuzz targets that deflate their input themselves: len
 * bytes at p deflated at level and strategy with zlib's windowBits wbits
 * (15 + 16 gzip, -15 raw DEFLATE), into a new buffer of *zlen bytes.
 */
#ifndef FUZZ_DEFLATE_H
#define FUZZ_DEFLATE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

static inline uint8_t *
fuzz_deflate(const uint8_t *p, size_t len, int level, int strategy,
    int wbits, size_t *zlen)
{
	z_stream	 zs;
	uint8_t		*z;
	size_t		 cap;

	memset(&zs, 0, sizeof zs);
	if (deflateInit2(&zs, level, Z_DEFLATED, wbits, 8, strategy) != Z_OK)
		abort();
	cap = deflateBound(&zs, (uLong)len) + 64;
	if ((z = malloc(cap)) == NULL)
		abort();
	zs.next_in = (Bytef *)(uintptr_t)p;
	zs.avail_in = (uInt)len;
	zs.next_out = z;
	zs.avail_out = (uInt)cap;
	if (deflate(&zs, Z_FINISH) != Z_STREAM_END)
		abort();
	*zlen = zs.total_out;
	deflateEnd(&zs);
	return (z);
}

#endif
