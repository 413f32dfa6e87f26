/* SPDX-License-Identifier: ISC */
/* Adding decoded BSON documents to the store (see source-doc.h). */
#include "config.h"

#include "source-doc.h"

#include <stdio.h>

#include "record.h"
#include "store.h"

/*
 * A document that did not decode: a bad record with why, at byte erroff
 * of the input when erroff is not 0.
 */
void
source_doc_bad(struct store *st, const struct source_doc *d, const char *why,
    uint64_t erroff)
{
	char	 msg[160];

	if (erroff != 0)
		snprintf(msg, sizeof msg, "%s at offset %llu", why,
		    (unsigned long long)erroff);
	else
		snprintf(msg, sizeof msg, "%s", why);
	store_add_bad(st, d->src, d->pos, *d->last_ts, msg, d->raw,
	    d->rawlen);
}

/*
 * Add what decode_bson_record made of doc: the record b, the aggregate
 * document itself, or a bad record when it is neither.
 */
void
source_doc_add(struct store *st, struct record_build *b,
    const struct source_doc *d, const bson_t *doc, enum decode_bson_kind kind)
{
	switch (kind) {
	case DECODE_BSON_RAW:
		store_add(st, b, d->src, d->pos);
		/* Seconds that fit in int64 ns, for the bad records after. */
		if (b->ts_set && b->ts_sec > -9223372035LL &&
		    b->ts_sec < 9223372035LL)
			*d->last_ts = b->ts_sec * 1000000000LL + b->ts_nsec;
		break;
	case DECODE_BSON_AGG:
		store_add_aggdoc(st, d->src, d->pos, doc);
		break;
	default:
		source_doc_bad(st, d, "not a Tyk analytics record (no record "
		    "or aggregate fields)", 0);
		break;
	}
}
