/* SPDX-License-Identifier: ISC */
/*
 * Readers for dumped BSON: one collection file (.bson, or .bson.gz) or a
 * mongodump --archive stream (plain or gzip).  The caller (source-file.c)
 * maps the file and says what it holds; this module walks the documents,
 * decodes them (decode-bson.c) and adds records, stored aggregate
 * documents and bad records to the store, a bounded number per poll.
 */
#ifndef SOURCE_BSON_H
#define SOURCE_BSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "source.h"

struct store;
struct source_bson;

/* How the caller's mapping is handed over. */
enum source_bson_map {
	SOURCE_BSON_MAP_STORE,	/* already kept by the store (store_keep) */
	SOURCE_BSON_MAP_OWNED,	/* unmapped by source_bson_free */
	SOURCE_BSON_MAP_BORROWED /* the caller's; outlives the store */
};

struct source_bson *source_bson_create(struct store *, const char *,
		    const uint8_t *, size_t, enum source_bson_map, bool, bool,
		    bool);
enum source_status source_bson_poll(struct source_bson *, struct store *,
		    size_t);
void		 source_bson_progress(struct source_bson *, uint64_t *,
		    uint64_t *);
uint64_t	 source_bson_resync_work(const struct source_bson *);
void		 source_bson_free(struct source_bson *);
void		 source_bson_unmap(void *, size_t);

#endif
