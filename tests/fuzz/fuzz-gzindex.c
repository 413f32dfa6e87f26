/* SPDX-License-Identifier: ISC */
/*
 * Fuzz the gzip index reader.  The input starts with 8 control bytes:
 * mode, span (KiB), sequential read step, then reads' seeds; the rest is
 * either a gzip stream as is (mode bit 0 clear) or data the target
 * deflates itself into one or two members (set), optionally with one byte
 * flipped at a place the controls choose.  The stream is gunzipped front
 * to back with the index built on the way (on a thread when mode bit 2 is
 * set), then ranges are read through the index: each read either fails
 * with a message or returns exactly the bytes the sequential pass made;
 * reads past them fail.  An index on a stream never inflated (reads
 * before the sequential pass) is checked the same way.
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "gzindex.h"
#include "gzstream.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FGZ_MAX		(1U << 20)	/* decompressed bytes kept */

/* Deflate len bytes at p as a gzip member, appended to *z. */
static void
fgz_member(uint8_t **z, size_t *zlen, const uint8_t *p, size_t len,
    int level)
{
	z_stream	 zs;
	size_t		 cap = compressBound((uLong)len) + 64;

	*z = realloc(*z, *zlen + cap);
	if (*z == NULL)
		abort();
	memset(&zs, 0, sizeof zs);
	if (deflateInit2(&zs, level, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		abort();
	zs.next_in = (Bytef *)(uintptr_t)p;
	zs.avail_in = (uInt)len;
	zs.next_out = *z + *zlen;
	zs.avail_out = (uInt)cap;
	if (deflate(&zs, Z_FINISH) != Z_STREAM_END)
		abort();
	*zlen += zs.total_out;
	deflateEnd(&zs);
}

/*
 * Read ranges chosen by seed through ix; check them against out (made
 * bytes, from the sequential pass).  open: the pass ended early (capped,
 * or a corrupt stream: how much a corrupt stream yields before its error
 * depends on the read sizes, as ISA-L keeps what it decodes for a small
 * buffer), so reads may return bytes past made.
 */
static void
fgz_reads(struct gzindex *ix, const uint8_t *out, size_t made, bool open,
    uint32_t x)
{
	uint8_t		*b;
	char		 cause[160];
	size_t		 n;
	uint64_t	 off;
	int		 i, rc;

	for (i = 0; i < 12; i++) {
		x = x * 1103515245U + 12345U;
		off = made == 0 ? 0 : (x >> 3) % (made + 64);
		x = x * 1103515245U + 12345U;
		n = 1 + (x >> 5) % 70000;
		b = malloc(n);
		if (b == NULL)
			abort();
		cause[0] = '\0';
		rc = gzindex_read(ix, off, b, n, cause, sizeof cause);
		if (rc == 0) {
			if (off + n > made && !open)
				abort();	/* bytes the pass did not make */
			if (off < made && memcmp(b, out + off, off + n > made ?
			    made - off : n) != 0)
				abort();	/* other bytes */
		} else if (cause[0] == '\0')
			abort();		/* an error says why */
		free(b);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct gzstream	*gz;
	struct gzindex	*ix;
	uint8_t		*z = NULL, *out;
	const uint8_t	*in;
	size_t		 zlen = 0, inlen, made = 0, step, half;
	ssize_t		 n = 0;
	bool		 open;
	uint32_t	 seed;

	if (size < 8)
		return (0);
	seed = (uint32_t)data[4] | (uint32_t)data[5] << 8 |
	    (uint32_t)data[6] << 16 | (uint32_t)data[7] << 24;
	if (data[0] & 1) {
		half = (size - 8) / 2;
		fgz_member(&z, &zlen, data + 8, half, (data[0] >> 4) % 10);
		if (data[0] & 2)
			fgz_member(&z, &zlen, data + 8 + half,
			    size - 8 - half, 1);
		if ((data[0] & 8) && zlen != 0)
			z[seed % zlen] ^= (uint8_t)(1 + data[3]);
		in = z;
		inlen = zlen;
	} else {
		in = data + 8;
		inlen = size - 8;
	}
	step = 1 + (size_t)data[2] * 64;

	out = malloc(FGZ_MAX + step);
	if (out == NULL)
		abort();
	ix = gzindex_create(in, inlen, false);
	gzindex_set_span(ix, 1024 * (1 + (uint64_t)data[1]));
	gz = gzstream_create(in, inlen);
	gzstream_index(gz, ix);
	if (data[0] & 4)
		gzstream_background(gz);
	while (made < FGZ_MAX &&
	    (n = gzstream_read(gz, out + made, step)) > 0)
		made += (size_t)n;
	open = (made >= FGZ_MAX && n > 0) || n < 0;
	gzstream_free(gz);
	fgz_reads(ix, out, made, open, seed);
	gzindex_free(ix);

	/* No sequential pass: reads inflate from the start. */
	ix = gzindex_create(in, inlen, false);
	fgz_reads(ix, out, made, open, seed ^ 0x5a5a5a5aU);
	gzindex_free(ix);

	free(out);
	free(z);
	return (0);
}
