/* SPDX-License-Identifier: ISC */
/*
 * BSON document -> analytics record (tyk-formats.md 1.4), and the
 * classification of dumped collections and documents into raw records,
 * stored aggregate documents (5.2) and everything else.
 *
 * The decoder is field-order independent, accepts int32, int64 and double
 * for every number, ignores unknown keys (and _id), and also accepts the
 * Tyk JSON key names of 1.5 (raw_path, response_code, ...), so that JSON
 * lines turned into BSON by libbson's JSON parser decode through the same
 * code.  Strings are interned through record_build_str; raw_request and
 * raw_response are not copied: they point into the document, and the
 * caller says whether that memory outlives the store (payload_stable).
 */
#ifndef DECODE_BSON_H
#define DECODE_BSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bson/bson.h>

struct record_build;
struct store;

enum decode_bson_kind {
	DECODE_BSON_RAW,	/* an analytics record */
	DECODE_BSON_AGG,	/* a stored aggregate document */
	DECODE_BSON_OTHER,	/* neither (uptime, graph, unrelated) */
	DECODE_BSON_SKIP	/* a collection never read (system.*) */
};

int		 decode_bson_record(const bson_t *, struct store *,
		    struct record_build *, enum decode_bson_kind *, size_t *,
		    const char **);
enum decode_bson_kind decode_bson_collection_kind(const char *);
enum decode_bson_kind decode_bson_classify(const bson_t *);
int		 decode_bson_check(const uint8_t *, size_t, size_t *);
int		 decode_bson_rfc3339(const char *, size_t, int64_t *,
		    uint32_t *, int *);

#endif
