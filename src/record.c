/* SPDX-License-Identifier: ISC */
/*
 * Record building and accessors.  Decoders fill a struct record_build with
 * full-width values (record_build_*), then store_add narrows it into the
 * compact struct record, spilling what does not fit into an extra block.
 */
#include "config.h"

#include "record.h"

#include <string.h>

#include "store.h"

/* Prepare an empty builder. */
void
record_build_init(struct record_build *b)
{
	memset(b, 0, sizeof *b);
	buf_init(&b->tags);
	buf_init(&b->names);
}

/* Empty the builder for the next record, keeping its buffers. */
void
record_build_reset(struct record_build *b)
{
	struct buf	 tags = b->tags, names = b->names;

	memset(b, 0, sizeof *b);
	b->tags = tags;
	b->names = names;
	buf_reset(&b->tags);
	buf_reset(&b->names);
}

/* Free the builder's buffers. */
void
record_build_clear(struct record_build *b)
{
	buf_clear(&b->tags);
	buf_clear(&b->names);
}

/* Set string field f, interning it in the store's table. */
void
record_build_str(struct record_build *b, struct store *st, enum record_str f,
    const char *s, size_t len)
{
	b->rec.str[f] = strtab_intern(&st->strs, s, len);
}

/* Append a tag. */
void
record_build_tag(struct record_build *b, const char *s, size_t len)
{
	record_list_add(&b->tags, s, len);
	b->ntags++;
}

/* Append a (language, name) pair to the geo city names. */
void
record_build_name(struct record_build *b, const char *k, size_t klen,
    const char *v, size_t vlen)
{
	record_list_add(&b->names, k, klen);
	record_list_add(&b->names, v, vlen);
	b->has_geo = true;
}

/* Append one element to a list blob: 4-byte LE length, then the bytes. */
void
record_list_add(struct buf *b, const char *s, size_t len)
{
	unsigned char	 hdr[4];

	if (len > UINT32_MAX)
		len = UINT32_MAX;
	hdr[0] = len & 0xff;
	hdr[1] = (len >> 8) & 0xff;
	hdr[2] = (len >> 16) & 0xff;
	hdr[3] = (len >> 24) & 0xff;
	buf_add(b, hdr, 4);
	buf_add(b, s, len);
}

/* Next element of a list blob; returns 0 when there are no more. */
int
record_list_next(struct slice blob, size_t *off, struct slice *out)
{
	const unsigned char	*p;
	size_t			 len;

	if (*off + 4 > blob.len)
		return (0);
	p = (const unsigned char *)blob.ptr + *off;
	len = (size_t)p[0] | (size_t)p[1] << 8 | (size_t)p[2] << 16 |
	    (size_t)p[3] << 24;
	if (len > blob.len - *off - 4)
		return (0);
	out->ptr = (const char *)p + 4;
	out->len = len;
	*off += 4 + len;
	return (1);
}

/* The record's extra block, or NULL. */
const struct record_extra *
record_extra(const struct store *st, const struct record *r)
{
	if (r->extra == 0 || r->extra < st->extras_base ||
	    r->extra >= st->extras_next)
		return (NULL);
	return (st->extras[r->extra - st->extras_base]);
}

#define WIDE(st, r, field, narrow) do {					\
	const struct record_extra *ex_;					\
	if ((r)->flags & REC_WIDE) {					\
		ex_ = record_extra(st, r);				\
		if (ex_ != NULL)					\
			return (ex_->field);				\
	}								\
	return (narrow);						\
} while (0)

static int64_t
record_floor_div(int64_t a, int64_t b)
{
	int64_t	 q = a / b;

	if ((a % b) != 0 && ((a < 0) != (b < 0)))
		q--;
	return (q);
}

/* Timestamp, seconds since the epoch (UTC). */
int64_t
record_ts_sec(const struct store *st, const struct record *r)
{
	if (r->flags & REC_TS_ZERO)
		return (REC_GO_ZERO_SEC);
	WIDE(st, r, ts_sec, record_floor_div(r->ts, 1000000000));
}

/* Timestamp, nanoseconds within the second. */
uint32_t
record_ts_nsec(const struct store *st, const struct record *r)
{
	if (r->flags & REC_TS_ZERO)
		return (0);
	WIDE(st, r, ts_nsec, (uint32_t)(r->ts -
	    record_floor_div(r->ts, 1000000000) * 1000000000));
}

/* expireAt, seconds since the epoch. */
int64_t
record_exp_sec(const struct store *st, const struct record *r)
{
	if (r->flags & REC_EXP_ZERO)
		return (REC_GO_ZERO_SEC);
	WIDE(st, r, exp_sec, record_floor_div(r->expire, 1000000000));
}

/* expireAt, nanoseconds within the second. */
uint32_t
record_exp_nsec(const struct store *st, const struct record *r)
{
	if (r->flags & REC_EXP_ZERO)
		return (0);
	WIDE(st, r, exp_nsec, (uint32_t)(r->expire -
	    record_floor_div(r->expire, 1000000000) * 1000000000));
}

/* content_length. */
int64_t
record_content_length(const struct store *st, const struct record *r)
{
	WIDE(st, r, content_length, r->content_length);
}

/* request_time in ms. */
int64_t
record_request_time(const struct store *st, const struct record *r)
{
	WIDE(st, r, request_time, r->request_time);
}

/* latency.total in ms. */
int64_t
record_lat_total(const struct store *st, const struct record *r)
{
	WIDE(st, r, lat_total, r->lat_total);
}

/* latency.upstream in ms. */
int64_t
record_lat_upstream(const struct store *st, const struct record *r)
{
	WIDE(st, r, lat_upstream, r->lat_upstream);
}

/* latency.gateway in ms. */
int64_t
record_lat_gateway(const struct store *st, const struct record *r)
{
	WIDE(st, r, lat_gateway, r->lat_gateway);
}

/* response_code (-1 for network statistics records). */
int64_t
record_response_code(const struct store *st, const struct record *r)
{
	WIDE(st, r, response_code, r->response_code);
}

/* The stored year field. */
int
record_year(const struct record *r)
{
	return ((int)(r->ymdh >> 16));
}

/* The stored month field. */
int
record_month(const struct record *r)
{
	return ((int)((r->ymdh >> 12) & 0xf));
}

/* The stored day field. */
int
record_day(const struct record *r)
{
	return ((int)((r->ymdh >> 6) & 0x3f));
}

/* The stored hour field. */
int
record_hour(const struct record *r)
{
	return ((int)(r->ymdh & 0x3f));
}

/*
 * raw_request as held in memory (base64 text); empty slice if none, or if
 * the record only references it (REC_PAYREF): readers use payload_get.
 */
struct slice
record_raw_request(const struct record *r)
{
	struct slice	 s;

	if (r->req_len == 0 || (r->flags & REC_PAYREF))
		return ((struct slice){ "", 0 });
	s.ptr = r->payload;
	s.len = r->req_len;
	return (s);
}

/* raw_response as held in memory; as record_raw_request. */
struct slice
record_raw_response(const struct record *r)
{
	struct slice	 s;

	if (r->resp_len == 0 || (r->flags & REC_PAYREF))
		return ((struct slice){ "", 0 });
	s.ptr = r->payload + r->resp_off;
	s.len = r->resp_len;
	return (s);
}

/* Decode the record's geo blob into g (all zero if none). */
void
record_geo(const struct store *st, const struct record *r,
    struct record_geo *g)
{
	struct slice	 s;

	memset(g, 0, sizeof *g);
	if (r->str[RS_GEO] == 0)
		return;
	s = strtab_get(&st->strs, r->str[RS_GEO]);
	if (s.len == sizeof *g)
		memcpy(g, s.ptr, sizeof *g);
}

/* String field f of the record as a slice. */
struct slice
record_strs(const struct store *st, const struct record *r,
    enum record_str f)
{
	return (strtab_get(&st->strs, r->str[f]));
}

/* The encoding the record was decoded from. */
enum record_encoding
record_encoding(const struct record *r)
{
	return ((enum record_encoding)((r->flags >> REC_ENC_SHIFT) &
	    REC_ENC_MASK));
}
