/* SPDX-License-Identifier: ISC */
/*
 * Fuzz inflate16 against zlib.  The input starts with 4 control bytes:
 * mode, level and strategy, target (KiB), the byte to flip; the rest is
 * raw DEFLATE as is (mode bit 0 clear) or data the target deflates
 * itself (set), with one byte flipped if mode bit 1 is set.  From the
 * first bit, whatever inflate16 takes zlib takes: its bytes are zlib's
 * and its stop is a block boundary zlib reaches with that output; a
 * window mark (a copy from before the start) is where zlib fails.  Every
 * bit the finder returns passes the header check, and a run from it
 * stays within its bounds.
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "fuzz-deflate.h"
#include "inflate16.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FI_MAX		(1U << 20)	/* values a run may write */

/*
 * Check a run from bit 0 (n values in v up to bit end, status st) against
 * zlib, inflating block by block up to the same bit.
 */
static void
fi_check(const uint8_t *in, size_t len, const uint16_t *v, size_t n,
    uint64_t end, enum inflate16_status st)
{
	z_stream	 zs;
	uint8_t		*o;
	size_t		 mark, i, made;
	uint64_t	 at;
	int		 rc;
	bool		 reached = false;

	for (mark = 0; mark < n && v[mark] < INFLATE16_MARK; mark++)
		;
	o = malloc(n + 1);
	if (o == NULL)
		abort();
	memset(&zs, 0, sizeof zs);
	if (inflateInit2(&zs, -15) != Z_OK)
		abort();
	zs.next_in = (Bytef *)(uintptr_t)in;
	zs.avail_in = (uInt)((end + 7) / 8 < len ? (end + 7) / 8 : len);
	zs.next_out = o;
	zs.avail_out = (uInt)n;
	for (;;) {
		rc = inflate(&zs, Z_BLOCK);
		if (rc == Z_STREAM_END) {
			reached = st == INFLATE16_FINAL;
			break;
		}
		if (rc != Z_OK)
			break;
		at = (uint64_t)(zs.next_in - in) * 8 -
		    (uint64_t)(zs.data_type & 7);
		if ((zs.data_type & 128) && at == end &&
		    st == INFLATE16_OK) {
			reached = true;
			break;
		}
	}
	made = (size_t)(zs.next_out - o);
	for (i = 0; i < made && i < mark; i++)
		if (o[i] != v[i])
			abort();
	if (mark < n) {
		/* zlib cannot make the marked byte: too far back. */
		if (rc != Z_DATA_ERROR || made > mark)
			abort();
	} else if (!reached || made != n)
		abort();
	inflateEnd(&zs);
	free(o);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint16_t	 v[FI_MAX + INFLATE16_SLACK];
	const uint8_t	*in;
	uint8_t		*z = NULL;
	size_t		 len, n, target;
	uint64_t	 end, bit, from;
	enum inflate16_status st;
	unsigned	 k;

	if (size < 4)
		return (0);
	if (data[0] & 1) {
		z = fuzz_deflate(data + 4, size - 4, data[1] % 10,
		    (data[1] / 10) % 5, -15, &len);
		if ((data[0] & 2) && len != 0)
			z[data[3] % len] ^= (uint8_t)(1 + (data[0] >> 2));
		in = z;
	} else {
		in = data + 4;
		len = size - 4;
	}
	target = (size_t)data[2] * 1024;

	st = inflate16_run(in, len, 0, target, FI_MAX, v, &n, &end, NULL);
	if (n > FI_MAX)
		abort();
	if (st != INFLATE16_BAD) {
		if (end > (uint64_t)len * 8)
			abort();
		fi_check(in, len, v, n, end, st);
	}

	/* The finder, and runs from what it finds. */
	from = 1;
	for (k = 0; k < 4; k++) {
		bit = inflate16_find(in, len, from, (uint64_t)len * 8);
		if (bit == UINT64_MAX)
			break;
		if (bit < from || !inflate16_header(in, len, bit))
			abort();
		st = inflate16_run(in, len, bit, target, FI_MAX, v, &n, &end,
		    NULL);
		if (n > FI_MAX || (st != INFLATE16_BAD &&
		    (end <= bit || end > (uint64_t)len * 8)))
			abort();
		from = bit + 1;
	}
	free(z);
	return (0);
}
