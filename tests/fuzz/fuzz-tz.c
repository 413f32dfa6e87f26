/* SPDX-License-Identifier: ISC */
/*
 * Fuzz tz_parse (TZif files, RFC 8536) and tz_offset on what it accepts.
 * An input that does not start with "TZif" is also tried as the footer's
 * POSIX TZ string of a minimal version 3 file, so that the rule parser
 * and the rule arithmetic are reached without the fuzzer having to build
 * a whole file first.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tz.h"

#define FUZZ_TZ_FOOTER	256

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Ask tz for offsets at fixed instants and at instants taken from data. */
static void
fuzz_tz_offsets(const struct tz *tz, const uint8_t *data, size_t size)
{
	static const int64_t	 at[] = {
		INT64_MIN, INT64_MIN + 1, -62135596800LL, -2208988800LL,
		-1, 0, 1, 1700000000, 2147483647, 2147483648LL,
		13569465600LL, INT64_MAX - 1, INT64_MAX
	};
	uint64_t		 v;
	size_t			 i, k;
	long			 off;

	for (i = 0; i < sizeof at / sizeof at[0]; i++) {
		off = tz_offset(tz, at[i]);
		if (off < -89999 || off > 93599)
			abort();
	}
	for (i = 0; i + 8 <= size && i < 8 * 16; i += 8) {
		v = 0;
		for (k = 0; k < 8; k++)
			v = v << 8 | data[size - 1 - i - k];
		off = tz_offset(tz, (int64_t)v);
		if (off < -89999 || off > 93599)
			abort();
	}
}

/* Parse data[0..size), check the error contract, and ask offsets. */
static void
fuzz_tz_one(const uint8_t *data, size_t size)
{
	struct tz	*tz;
	char		*cause = NULL;

	tz = tz_parse(data, size, &cause);
	if (tz == NULL) {
		if (cause == NULL || *cause == '\0')
			abort();
		free(cause);
		return;
	}
	if (cause != NULL)
		abort();
	fuzz_tz_offsets(tz, data, size);
	tz_free(tz);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t	 hdr[44] = {
		'T', 'Z', 'i', 'f', '3', [39] = 1, [43] = 4
	};
	static const uint8_t	 blk[10] = {
		0, 0, 0, 0, 0, 0, 'X', 'X', 'X', 0
	};
	uint8_t			*copy, file[2 * 54 + FUZZ_TZ_FOOTER + 2];
	size_t			 len = 0, n;

	/* An exact-size copy, so that reads past the end are caught. */
	if ((copy = malloc(size == 0 ? 1 : size)) == NULL)
		return (0);
	memcpy(copy, data, size);
	fuzz_tz_one(copy, size);
	free(copy);
	if (size >= 4 && memcmp(data, "TZif", 4) == 0)
		return (0);

	n = size < FUZZ_TZ_FOOTER ? size : FUZZ_TZ_FOOTER;
	memcpy(file, hdr, sizeof hdr);
	memcpy(file + 44, blk, sizeof blk);
	memcpy(file + 54, hdr, sizeof hdr);
	memcpy(file + 98, blk, sizeof blk);
	len = 108;
	file[len++] = '\n';
	memcpy(file + len, data, n);
	len += n;
	file[len++] = '\n';
	fuzz_tz_one(file, len);
	return (0);
}
