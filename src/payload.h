/* SPDX-License-Identifier: ISC */
/*
 * A record's raw_request and raw_response (base64 text, as stored),
 * wherever they are: in a mapped dump or the owning chunk's arena (the
 * slices borrow them, nothing is copied), or, for a record of a gzipped
 * dump (REC_PAYREF), only referenced: then they are inflated on demand
 * from the source's gzip index (gzindex.h) into the struct payload's own
 * buffer.  Every reader of payloads goes through payload_get.
 *
 * Each caller (each thread) has its own struct payload; the slices stay
 * valid until its next payload_get or payload_clear, and for borrowed
 * payloads as long as the store holds the record.
 */
#ifndef PAYLOAD_H
#define PAYLOAD_H

#include "bytes.h"

struct record;
struct store;

struct payload {
	struct slice	 req;		/* raw_request */
	struct slice	 resp;		/* raw_response */
	const char	*error;		/* why they could not be read, or NULL */
	struct buf	 buf;		/* inflated bytes (REC_PAYREF) */
	char		 cause[200];
};

void	 payload_init(struct payload *);
int	 payload_get(struct payload *, const struct store *,
	    const struct record *);
void	 payload_clear(struct payload *);

#endif
