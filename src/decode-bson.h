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

#include "record.h"

struct record_build;
struct store;

enum decode_bson_kind {
	DECODE_BSON_RAW,	/* an analytics record */
	DECODE_BSON_AGG,	/* a stored aggregate document */
	DECODE_BSON_OTHER,	/* neither (uptime, graph, unrelated) */
	DECODE_BSON_SKIP	/* a collection never read (system.*) */
};

/*
 * Recently interned values per string field, so that a value repeated
 * from record to record (method, API, org, key, user agent...) costs a
 * memcmp instead of a lookup in the store's large string table.  Valid
 * for one store; the caller embeds it (decode_bson_cache_init).
 */
#define DECODE_BSON_CACHE_BITS	8
#define DECODE_BSON_CACHE	(1 << DECODE_BSON_CACHE_BITS)
struct decode_bson_cache_slot {
	const char	*str;		/* the store's copy */
	uint32_t	 len;
	uint32_t	 id;
};
struct decode_bson_cache {
	const struct store		*st;
	struct decode_bson_cache_slot	 slot[RS_COUNT][DECODE_BSON_CACHE];
	/* Fields whose values rarely repeat (paths, IPs) skip the cache. */
	uint32_t			 tries[RS_COUNT];
	uint32_t			 hits[RS_COUNT];
	uint32_t			 skip[RS_COUNT]; /* lookups left */
};

void		 decode_bson_cache_init(struct decode_bson_cache *,
		    const struct store *);
int		 decode_bson_record_cached(const bson_t *, struct store *,
		    struct record_build *, struct decode_bson_cache *,
		    enum decode_bson_kind *, size_t *, const char **);
int		 decode_bson_record(const bson_t *, struct store *,
		    struct record_build *, enum decode_bson_kind *, size_t *,
		    const char **);
enum decode_bson_kind decode_bson_collection_kind(const char *);
enum decode_bson_kind decode_bson_classify(const bson_t *);
int		 decode_bson_check(const uint8_t *, size_t, size_t *);
int		 decode_bson_rfc3339(const char *, size_t, int64_t *,
		    uint32_t *, int *);

#endif
