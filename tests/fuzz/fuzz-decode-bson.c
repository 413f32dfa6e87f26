/* SPDX-License-Identifier: ISC */
/*
 * Fuzz the dumped-BSON readers.  The first byte picks what the rest is:
 * 0 a collection file (.bson), 1 a mongodump archive, 2 and 3 the same
 * gzip-compressed, anything else one document for decode_bson_record and
 * decode_bson_check.  Everything must be read or
 * reported as damage without crashing, leaking or looping.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <bson/bson.h>

#include "decode-bson.h"
#include "record.h"
#include "source-bson.h"
#include "store.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fuzz_stream(const uint8_t *p, size_t len, bool gz, bool archive)
{
	struct store		 st;
	struct source_bson	*rd;
	enum source_status	 ss;
	int			 polls = 0;

	store_init(&st, 1000);
	rd = source_bson_create(&st, "fuzz.bson", p, len,
	    SOURCE_BSON_MAP_BORROWED, gz, archive, true);
	do {
		ss = source_bson_poll(rd, &st, 64);
		if (++polls > 1000000)
			abort();	/* no progress: a loop */
	} while (ss == SOURCE_MORE);
	source_bson_free(rd);
	store_clear(&st);
}

static void
fuzz_doc(const uint8_t *p, size_t len)
{
	struct store		 st;
	struct record_build	 b;
	bson_t			 doc;
	enum decode_bson_kind	 kind;
	size_t			 erroff;
	const char		*why;
	int			 rc;

	if (!bson_init_static(&doc, p, len))
		return;
	store_init(&st, 0);
	record_build_init(&b);
	rc = decode_bson_record(&doc, &st, &b, &kind, &erroff, &why);
	if (rc != 0 && why == NULL)
		abort();
	if (rc == 0 && kind == DECODE_BSON_RAW)
		(void)store_add(&st, &b, store_source_add(&st, "f",
		    STORE_SRC_FILE), 0);
	(void)decode_bson_check(p, len, &erroff);
	(void)decode_bson_classify(&doc);
	record_build_clear(&b);
	store_clear(&st);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t	*copy;

	if (size < 1)
		return (0);
	/* A private copy, so reads past the end are caught. */
	copy = malloc(size - 1 + 1);
	memcpy(copy, data + 1, size - 1);
	switch (data[0]) {
	case 0:
		fuzz_stream(copy, size - 1, false, false);
		break;
	case 1:
		fuzz_stream(copy, size - 1, false, true);
		break;
	case 2:
	case 3:
		fuzz_stream(copy, size - 1, true, data[0] == 3);
		break;
	default:
		fuzz_doc(copy, size - 1);
		break;
	}
	free(copy);
	return (0);
}
