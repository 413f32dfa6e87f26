/* SPDX-License-Identifier: ISC */
/*
 * Payload access.  A referenced payload is one read of the decompressed
 * stream: raw_request and raw_response lie in the same document, the
 * request first, so the bytes from the start of the one to the end of the
 * other are read together and both slices point into them.
 */
#include "config.h"

#include "payload.h"

#include <stdio.h>
#include <string.h>

#include "gzindex.h"
#include "record.h"
#include "store.h"

/* Initialise an empty payload. */
void
payload_init(struct payload *p)
{
	memset(p, 0, sizeof *p);
	buf_init(&p->buf);
	p->req.ptr = p->resp.ptr = "";
}

/* Free what the payload holds. */
void
payload_clear(struct payload *p)
{
	buf_clear(&p->buf);
	memset(p, 0, sizeof *p);
	p->req.ptr = p->resp.ptr = "";
}

/*
 * Set p to record r's payloads.  Returns 0, or -1 if a referenced payload
 * could not be read: both slices are then empty and p->error says why.
 */
int
payload_get(struct payload *p, const struct store *st, const struct record *r)
{
	struct gzindex	*ix;
	uint16_t	 src = REC_POS_SOURCE(r->pos);
	uint64_t	 at;
	size_t		 len;

	p->error = NULL;
	p->req.ptr = p->resp.ptr = "";
	p->req.len = p->resp.len = 0;
	if (!(r->flags & REC_PAYREF)) {
		p->req = record_raw_request(r);
		p->resp = record_raw_response(r);
		return (0);
	}
	if (r->req_len == 0 && r->resp_len == 0)
		return (0);
	ix = src < st->nsources ? st->sources[src].gzidx : NULL;
	if (ix == NULL) {
		snprintf(p->cause, sizeof p->cause, "payload not available "
		    "(its source has no gzip index)");
		p->error = p->cause;
		return (-1);
	}
	at = REC_POS_OFFSET(r->pos) + r->payload_at;
	len = r->req_len != 0 ? (size_t)r->resp_off + r->resp_len :
	    r->resp_len;
	if (r->req_len > len)
		len = r->req_len;
	buf_reset(&p->buf);
	buf_reserve(&p->buf, len + 1);
	if (gzindex_read(ix, at, p->buf.data, len, p->cause,
	    sizeof p->cause) != 0) {
		p->error = p->cause;
		return (-1);
	}
	p->buf.len = len;
	p->buf.data[len] = '\0';
	if (r->req_len != 0) {
		p->req.ptr = p->buf.data;
		p->req.len = r->req_len;
		if (r->resp_len != 0) {
			p->resp.ptr = p->buf.data + r->resp_off;
			p->resp.len = r->resp_len;
		}
	} else {
		p->resp.ptr = p->buf.data;
		p->resp.len = r->resp_len;
	}
	return (0);
}
