/* SPDX-License-Identifier: ISC */
/*
 * Fuzz the protobuf record decoder (one Redis list value): whatever the
 * bytes, decode_protobuf_record either fills a record that the store
 * accepts and output.c can print, or fails with a message, which becomes a
 * bad record.  Never a crash, a leak or an allocation driven by a length
 * read from the input.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "bytes.h"
#include "decode-msgpack.h"
#include "decode-protobuf.h"
#include "output.h"
#include "record.h"
#include "store.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct store		 st;
	struct record_build	 b;
	struct buf		 out;
	char			 err[DECODE_ERR_MAX];
	uint16_t		 src;
	uint64_t		 seq;

	store_init(&st, 1024);	/* small chunks: fast per input */
	src = store_source_add(&st, "redis:fuzz", STORE_SRC_REDIS);
	record_build_init(&b);
	err[0] = '\0';
	if (decode_protobuf_record(&st, &b, data, size, err, sizeof err) == 0)
		seq = store_add(&st, &b, src, 0);
	else {
		if (err[0] == '\0')
			abort();
		seq = store_add_bad(&st, src, 0, 0, err, data, size);
	}
	buf_init(&out);
	output_record_json_buf(&out, &st, store_get(&st, seq), false);
	buf_clear(&out);
	record_build_clear(&b);
	store_clear(&st);
	return (0);
}
