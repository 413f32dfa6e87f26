/* SPDX-License-Identifier: ISC */
/*
 * The one "add a decoded document" path of the BSON-based sources (dump
 * and archive files, JSON lines, live MongoDB): a raw record, a stored
 * aggregate document, or a counted bad record with its reason and bytes.
 */
#ifndef SOURCE_DOC_H
#define SOURCE_DOC_H

#include <stddef.h>
#include <stdint.h>

#include <bson/bson.h>

#include "decode-bson.h"

struct record_build;
struct store;

/* Where a document came from, and the last good timestamp (ns, or -1). */
struct source_doc {
	uint16_t	 src;
	uint64_t	 pos;		/* offset, line or index */
	int64_t		*last_ts;	/* updated by each raw record */
	const void	*raw;		/* the input bytes, kept when bad */
	size_t		 rawlen;
};

void	 source_doc_bad(struct store *, const struct source_doc *,
	    const char *, uint64_t);
void	 source_doc_add(struct store *, struct record_build *,
	    const struct source_doc *, const bson_t *, enum decode_bson_kind);

#endif
