/* SPDX-License-Identifier: ISC */
/*
 * BSON document -> record.  One pass over the document: each key is
 * mapped to a field by its length and bytes (decode_bson_key_field in
 * decode-bson-key.c), never with bson_iter_find, so the cost is
 * one iteration of the document whatever its field order.  Keys that do
 * not match exactly are folded (lowercased, '_' removed) and tried again,
 * which makes the Tyk JSON names (response_code, api_key, ...) and other
 * writers' capitalisation decode the same way; unknown keys are skipped.
 *
 * The document's structure is checked as it is walked: a corrupt element
 * stops the walk and the document is reported as an error with the
 * element's offset.  Only the sub-documents the decoder reads (geo,
 * network, latency, tags, ...) are walked; decode_bson_check validates a
 * whole document when a reader needs to (resynchronising after garbage).
 */
#include "config.h"

#include "decode-bson.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "decode-bson-key.h"
#include "record.h"
#include "store.h"
#include "strtab.h"
#include "timefmt.h"

struct dbs_state {
	struct store		*st;
	struct record_build	*b;
	int			 raw_keys;	/* keys only records have */
	int			 agg_keys;	/* keys only aggregates have */
	struct decode_bson_cache *cache;	/* or NULL */
	const uint8_t		*top;		/* the top-level document */
	uint32_t		 err_off;	/* of a corrupt element */
	bool			 err;
	const char		*bad;		/* a field that is unusable */
	/* String fields waiting to be interned together (with a cache). */
	int			 npend;
	enum record_str		 pend_f[RS_COUNT];
	const char		*pend_s[RS_COUNT];
	size_t			 pend_len[RS_COUNT];
	uint32_t		 pend_h[RS_COUNT];
	struct decode_bson_cache_slot *pend_e[RS_COUNT];
};

/* A sub-document being walked. */
struct dbs_sub {
	bson_iter_t	 it;
	uint32_t	 last;		/* next_off of the last good member */
	uint32_t	 len;
	uint32_t	 base;		/* its offset in the parent */
};

/* Element types without a call into libbson (the iterator checked them). */
#define DBS_HOLDS(t, it)	(bson_iter_type_unsafe(it) == (t))


static enum decode_bson_key_id	 decode_bson_key(const bson_iter_t *);
static bool	 decode_bson_int(const bson_iter_t *, int64_t *);
static bool	 decode_bson_double(const bson_iter_t *, double *);
static bool	 decode_bson_time(const bson_iter_t *, int64_t *, uint32_t *,
		    int *);
static void	 decode_bson_str(struct dbs_state *, const bson_iter_t *,
		    enum record_str);
static void	 decode_bson_blobs(struct dbs_state *);
static void	 decode_bson_judge(struct decode_bson_cache *,
		    enum record_str);
static struct decode_bson_cache_slot *decode_bson_slot(struct dbs_state *,
		    enum record_str, const char *, size_t);
static uint32_t	 decode_bson_cached(struct dbs_state *, enum record_str,
		    const char *, size_t);
static bool	 decode_bson_enter(struct dbs_state *, const bson_iter_t *,
		    struct dbs_sub *);
static bool	 decode_bson_next(struct dbs_state *, struct dbs_sub *);
static bool	 decode_bson_intern(struct dbs_state *, const bson_iter_t *,
		    uint32_t *);
static void	 decode_bson_top(struct dbs_state *, const bson_iter_t *,
		    enum decode_bson_key_id);

/* Read any BSON number (or bool) as an int64; false if not a number. */
static bool
decode_bson_int(const bson_iter_t *it, int64_t *v)
{
	double	 d;

	switch (bson_iter_type_unsafe(it)) {
	case BSON_TYPE_INT32:
		*v = bson_iter_int32_unsafe(it);
		return (true);
	case BSON_TYPE_INT64:
		*v = bson_iter_int64_unsafe(it);
		return (true);
	case BSON_TYPE_DOUBLE:
		d = bson_iter_double_unsafe(it);
		if (isnan(d))
			*v = 0;
		else if (d >= 9.2e18)
			*v = INT64_MAX;
		else if (d <= -9.2e18)
			*v = INT64_MIN;
		else
			*v = (int64_t)d;
		return (true);
	case BSON_TYPE_BOOL:
		*v = bson_iter_bool_unsafe(it) ? 1 : 0;
		return (true);
	case BSON_TYPE_NULL:
		*v = 0;
		return (true);
	default:
		return (false);
	}
}

/* Read any BSON number as a double. */
static bool
decode_bson_double(const bson_iter_t *it, double *v)
{
	switch (bson_iter_type_unsafe(it)) {
	case BSON_TYPE_DOUBLE:
		*v = bson_iter_double_unsafe(it);
		return (true);
	case BSON_TYPE_INT32:
		*v = bson_iter_int32_unsafe(it);
		return (true);
	case BSON_TYPE_INT64:
		*v = (double)bson_iter_int64_unsafe(it);
		return (true);
	default:
		return (false);
	}
}

/*
 * Parse an RFC 3339 timestamp as Go writes it (RFC3339Nano: trailing
 * zeros of the fraction trimmed, a zone offset or Z).  *prec is the number
 * of fraction digits given (at most 9 are kept).  Returns 0 or -1.
 */
int
decode_bson_rfc3339(const char *s, size_t len, int64_t *sec,
    uint32_t *nsec, int *prec)
{
	const char	*p = s, *end = s + len;
	int64_t		 v[6];
	int		 widths[6] = { 4, 2, 2, 2, 2, 2 };
	const char	 seps[6] = { '-', '-', 'T', ':', ':', 0 };
	int		 i, j, n = 0, sign = 0, oh, om;
	uint32_t	 frac = 0;

	for (i = 0; i < 6; i++) {
		v[i] = 0;
		for (j = 0; j < widths[i]; j++) {
			if (p >= end || *p < '0' || *p > '9')
				return (-1);
			v[i] = v[i] * 10 + (*p++ - '0');
		}
		if (seps[i] != 0) {
			if (p >= end || (*p != seps[i] && !(seps[i] == 'T' &&
			    (*p == 't' || *p == ' '))))
				return (-1);
			p++;
		}
	}
	if (v[1] < 1 || v[1] > 12 || v[2] < 1 || v[2] > 31 || v[3] > 23 ||
	    v[4] > 59 || v[5] > 60)
		return (-1);
	if (p < end && *p == '.') {
		p++;
		while (p < end && *p >= '0' && *p <= '9') {
			if (n < 9) {
				frac = frac * 10 + (uint32_t)(*p - '0');
				n++;
			}
			p++;
		}
		if (n == 0)
			return (-1);
	}
	*prec = n;
	while (n++ < 9)
		frac *= 10;
	if (p < end && (*p == 'Z' || *p == 'z'))
		p++;
	else if (p < end && (*p == '+' || *p == '-')) {
		sign = *p++ == '-' ? -1 : 1;
		if (end - p < 5 || p[2] != ':')
			return (-1);
		for (i = 0; i < 5; i++)
			if (i != 2 && (p[i] < '0' || p[i] > '9'))
				return (-1);
		oh = (p[0] - '0') * 10 + (p[1] - '0');
		om = (p[3] - '0') * 10 + (p[4] - '0');
		p += 5;
		if (oh > 23 || om > 59)
			return (-1);
		sign *= oh * 3600 + om * 60;
	} else
		return (-1);
	if (p != end)
		return (-1);
	*sec = timefmt_days_from_civil(v[0], (unsigned)v[1], (unsigned)v[2]) *
	    86400 + v[3] * 3600 + v[4] * 60 + v[5] - sign;
	*nsec = frac;
	return (0);
}

/* Read a BSON datetime (ms) or an RFC 3339 string. */
static bool
decode_bson_time(const bson_iter_t *it, int64_t *sec, uint32_t *nsec,
    int *prec)
{
	int64_t		 ms, s;
	const char	*str;
	size_t		 len;
	uint32_t	 t, inc;

	switch (bson_iter_type_unsafe(it)) {
	case BSON_TYPE_DATE_TIME:
		ms = bson_iter_date_time(it);
		s = ms / 1000;
		if (ms % 1000 < 0)
			s--;
		*sec = s;
		*nsec = (uint32_t)(ms - s * 1000) * 1000000;
		*prec = 3;
		return (true);
	case BSON_TYPE_UTF8:
		str = bson_iter_utf8_unsafe(it, &len);
		return (decode_bson_rfc3339(str, len, sec, nsec, prec) == 0);
	case BSON_TYPE_TIMESTAMP:
		bson_iter_timestamp(it, &t, &inc);
		*sec = t;
		*nsec = 0;
		*prec = 0;
		return (true);
	default:
		return (false);
	}
}

/* Empty the cache and tie it to store st. */
void
decode_bson_cache_init(struct decode_bson_cache *c, const struct store *st)
{
	memset(c, 0, sizeof *c);
	c->st = st;
}

/* The cache slot for len bytes at s in field f, or NULL (no cache). */
static struct decode_bson_cache_slot *
decode_bson_slot(struct dbs_state *ds, enum record_str f, const char *s,
    size_t len)
{
	uint64_t	 a = 0, z = 0, h;

	if (ds->cache == NULL || ds->cache->st != ds->st || len > UINT32_MAX)
		return (NULL);
	if (len >= 8) {
		memcpy(&a, s, 8);
		memcpy(&z, s + len - 8, 8);
	} else
		memcpy(&a, s, len);
	h = (a ^ (z * 0x9e3779b97f4a7c15ULL) ^ len) * 0xbf58476d1ce4e5b9ULL;
	return (&ds->cache->slot[f][h >> (64 - DECODE_BSON_CACHE_BITS)]);
}

/* Intern len bytes at s for field f, through the cache when there is one. */
static uint32_t
decode_bson_cached(struct dbs_state *ds, enum record_str f, const char *s,
    size_t len)
{
	struct decode_bson_cache_slot	*e;
	uint32_t			 id;

	if ((e = decode_bson_slot(ds, f, s, len)) == NULL)
		return (strtab_intern(&ds->st->strs, s, len));
	if (e->len == len && e->str != NULL && memcmp(e->str, s, len) == 0)
		return (e->id);
	id = strtab_intern(&ds->st->strs, s, len);
	e->str = strtab_str(&ds->st->strs, id);
	e->len = (uint32_t)len;
	e->id = id;
	return (id);
}

/*
 * Intern the tag list and geo blobs through the cache, as store_add would
 * (which then leaves them alone): they repeat from record to record.
 */
static void
decode_bson_blobs(struct dbs_state *ds)
{
	struct record_build	*b = ds->b;
	struct record_geo	*g = &b->geo;

	if (b->ntags > 0) {
		b->rec.str[RS_TAGS] = decode_bson_cached(ds, RS_TAGS,
		    b->tags.data, b->tags.len);
		b->ntags = 0;
		buf_reset(&b->tags);
	}
	if (b->has_geo || b->names.len != 0) {
		if (b->names.len != 0)
			g->names = decode_bson_cached(ds, RS_GEO,
			    b->names.data, b->names.len);
		if (g->iso_code != 0 || g->geoname_id != 0 ||
		    g->names != 0 || g->time_zone != 0 ||
		    g->latitude != 0 || g->longitude != 0)
			b->rec.str[RS_GEO] = decode_bson_cached(ds, RS_GEO,
			    (const char *)g, sizeof *g);
		b->has_geo = false;
		buf_reset(&b->names);
	}
}

/* Set string field f from a UTF-8 element (null: empty). */
static void
decode_bson_str(struct dbs_state *ds, const bson_iter_t *it,
    enum record_str f)
{
	struct decode_bson_cache	*c;
	struct decode_bson_cache_slot	*e;
	const char			*s;
	size_t				 len;
	int				 n;

	if (bson_iter_type_unsafe(it) != BSON_TYPE_UTF8)
		return;
	s = bson_iter_utf8_unsafe(it, &len);
	if (len == 0)
		return;
	if (ds->cache == NULL || ds->cache->st != ds->st ||
	    ds->npend == RS_COUNT || len > UINT32_MAX) {
		ds->b->rec.str[f] = decode_bson_cached(ds, f, s, len);
		return;
	}
	c = ds->cache;
	e = NULL;
	if (c->skip[f] != 0)
		c->skip[f]--;	/* a field that rarely repeats */
	else {
		e = decode_bson_slot(ds, f, s, len);
		if (e->len == len && e->str != NULL &&
		    memcmp(e->str, s, len) == 0) {
			ds->b->rec.str[f] = e->id;
			c->hits[f]++;
			decode_bson_judge(c, f);
			return;
		}
		decode_bson_judge(c, f);
	}
	/* A miss: start loading its table slot now, intern it at the end. */
	n = ds->npend++;
	ds->pend_f[n] = f;
	ds->pend_s[n] = s;
	ds->pend_len[n] = len;
	ds->pend_e[n] = e;
	ds->pend_h[n] = (uint32_t)strtab_hash(s, len);
	strtab_prefetch(&ds->st->strs, ds->pend_h[n]);
}

/*
 * Intern the pending string fields (cache misses) in one
 * strtab_intern_many batch, their table slots already on their way.
 */
static void
decode_bson_flush(struct dbs_state *ds)
{
	uint32_t			 ids[RS_COUNT];
	struct decode_bson_cache_slot	*e;
	int				 i;

	if (ds->npend == 0)
		return;
	strtab_intern_many(&ds->st->strs, (size_t)ds->npend, ds->pend_s,
	    ds->pend_len, ds->pend_h, ids);
	for (i = 0; i < ds->npend; i++) {
		ds->b->rec.str[ds->pend_f[i]] = ids[i];
		if ((e = ds->pend_e[i]) == NULL)
			continue;
		e->str = strtab_str(&ds->st->strs, ids[i]);
		e->len = (uint32_t)ds->pend_len[i];
		e->id = ids[i];
	}
	ds->npend = 0;
}

/*
 * Count a cache lookup for field f.  Every 1024 lookups, a field that hit
 * less than one time in eight skips the cache for the next 64 Ki values
 * (then it is measured again): its lookups would only cost a memcmp.
 */
static void
decode_bson_judge(struct decode_bson_cache *c, enum record_str f)
{
	if (++c->tries[f] < 1024)
		return;
	if (c->hits[f] * 8 < c->tries[f])
		c->skip[f] = 65536;
	c->tries[f] = c->hits[f] = 0;
}


/* Enter the sub-document (or array) at parent; false if it is neither. */
static bool
decode_bson_enter(struct dbs_state *ds, const bson_iter_t *parent,
    struct dbs_sub *sub)
{
	const uint8_t	*d = NULL;

	if (DBS_HOLDS(BSON_TYPE_DOCUMENT, parent))
		bson_iter_document(parent, &sub->len, &d);
	else if (DBS_HOLDS(BSON_TYPE_ARRAY, parent))
		bson_iter_array(parent, &sub->len, &d);
	if (d == NULL || !bson_iter_recurse(parent, &sub->it))
		return (false);
	sub->last = 4;
	sub->base = (uint32_t)(d - ds->top);
	return (true);
}

/*
 * Next member of a sub-document.  At the end, a walk that stopped before
 * the terminating byte means a corrupt element: the first is recorded.
 */
static bool
decode_bson_next(struct dbs_state *ds, struct dbs_sub *sub)
{
	if (bson_iter_next(&sub->it)) {
		sub->last = sub->it.next_off;
		return (true);
	}
	if (sub->last + 1 != sub->len && !ds->err) {
		ds->err = true;
		ds->err_off = sub->base + sub->last;
	}
	return (false);
}

/* The field a member's key names. */
static enum decode_bson_key_id
decode_bson_key(const bson_iter_t *it)
{
	const char	*key = bson_iter_key_unsafe(it);
	uint32_t	 klen = it->d1 - it->key - 1;
	enum decode_bson_key_id	 f;

	f = decode_bson_key_field(key, klen);
	if (f == DBK_NONE && klen != 0 && key[0] != '_')
		f = decode_bson_key_fold(key, klen);
	return (f);
}

/* Intern a UTF-8 member into *id (empty strings stay 0). */
static bool
decode_bson_intern(struct dbs_state *ds, const bson_iter_t *it,
    uint32_t *id)
{
	const char	*s;
	size_t		 len;

	if (!DBS_HOLDS(BSON_TYPE_UTF8, it))
		return (false);
	s = bson_iter_utf8_unsafe(it, &len);
	if (len == 0)
		return (false);
	*id = strtab_intern(&ds->st->strs, s, len);
	return (true);
}

/* geo.city: {geonameid, names: {lang: name}} */
static void
decode_bson_city(struct dbs_state *ds, const bson_iter_t *city)
{
	struct record_build	*b = ds->b;
	struct dbs_sub		 c, nm;
	const char		*s;
	size_t			 len;
	int64_t			 v;

	if (!decode_bson_enter(ds, city, &c))
		return;
	while (decode_bson_next(ds, &c)) {
		switch (decode_bson_key(&c.it)) {
		case DBK_GEONAMEID:
			if (decode_bson_int(&c.it, &v) && v != 0) {
				b->geo.geoname_id = (uint32_t)v;
				b->has_geo = true;
			}
			break;
		case DBK_NAMES:
			if (!decode_bson_enter(ds, &c.it, &nm))
				break;
			while (decode_bson_next(ds, &nm)) {
				if (!DBS_HOLDS(BSON_TYPE_UTF8, &nm.it))
					continue;
				s = bson_iter_utf8_unsafe(&nm.it, &len);
				record_build_name(b,
				    bson_iter_key_unsafe(&nm.it),
				    nm.it.d1 - nm.it.key - 1, s, len);
			}
			break;
		default:
			break;
		}
	}
}

/* geo: {country: {isocode}, city: {...}, location: {...}} */
static void
decode_bson_geo(struct dbs_state *ds, const bson_iter_t *geo)
{
	struct record_build	*b = ds->b;
	struct dbs_sub		 g, c;
	double			 d;

	if (!decode_bson_enter(ds, geo, &g))
		return;
	while (decode_bson_next(ds, &g)) {
		switch (decode_bson_key(&g.it)) {
		case DBK_COUNTRY:
			if (!decode_bson_enter(ds, &g.it, &c))
				break;
			while (decode_bson_next(ds, &c))
				if (decode_bson_key(&c.it) == DBK_ISOCODE &&
				    decode_bson_intern(ds, &c.it,
				    &b->geo.iso_code))
					b->has_geo = true;
			break;
		case DBK_CITY:
			decode_bson_city(ds, &g.it);
			break;
		case DBK_LOCATION:
			if (!decode_bson_enter(ds, &g.it, &c))
				break;
			while (decode_bson_next(ds, &c)) {
				switch (decode_bson_key(&c.it)) {
				case DBK_LATITUDE:
					if (decode_bson_double(&c.it, &d) &&
					    d != 0) {
						b->geo.latitude = d;
						b->has_geo = true;
					}
					break;
				case DBK_LONGITUDE:
					if (decode_bson_double(&c.it, &d) &&
					    d != 0) {
						b->geo.longitude = d;
						b->has_geo = true;
					}
					break;
				case DBK_TIMEZONE:
					if (decode_bson_intern(ds, &c.it,
					    &b->geo.time_zone))
						b->has_geo = true;
					break;
				default:
					break;
				}
			}
			break;
		default:
			break;
		}
	}
}

/* network: {openconnections, closedconnection, bytesin, bytesout} */
static void
decode_bson_network(struct dbs_state *ds, const bson_iter_t *net)
{
	struct record_build	*b = ds->b;
	struct dbs_sub		 n;
	int64_t			 v;
	bool			 any = false;

	if (!decode_bson_enter(ds, net, &n))
		return;
	while (decode_bson_next(ds, &n)) {
		if (!decode_bson_int(&n.it, &v) || v == 0)
			continue;
		switch (decode_bson_key(&n.it)) {
		case DBK_OPENCONNECTIONS:
			b->ex.open_connections = v;
			any = true;
			break;
		case DBK_CLOSEDCONNECTION:
			b->ex.closed_connection = v;
			any = true;
			break;
		case DBK_BYTESIN:
			b->ex.bytes_in = v;
			any = true;
			break;
		case DBK_BYTESOUT:
			b->ex.bytes_out = v;
			any = true;
			break;
		default:
			break;
		}
	}
	/* All-zero statistics (every ordinary record) cost nothing. */
	if (any) {
		b->rec.flags |= REC_NETWORK;
		b->has_extra = true;
	}
}

/* latency: {total, upstream, gateway} */
static void
decode_bson_latency(struct dbs_state *ds, const bson_iter_t *lat)
{
	struct record_build	*b = ds->b;
	struct dbs_sub		 l;
	int64_t			 v;

	if (!decode_bson_enter(ds, lat, &l))
		return;
	while (decode_bson_next(ds, &l)) {
		if (!decode_bson_int(&l.it, &v))
			continue;
		switch (decode_bson_key(&l.it)) {
		case DBK_TOTAL:
			b->lat_total = v;
			break;
		case DBK_UPSTREAM:
			b->lat_upstream = v;
			break;
		case DBK_GATEWAY:
			b->lat_gateway = v;
			break;
		default:
			break;
		}
	}
}

/* tags: array of strings (null: nil). */
static void
decode_bson_tags(struct dbs_state *ds, const bson_iter_t *tags)
{
	struct record_build	*b = ds->b;
	struct dbs_sub		 t;
	const char		*s;
	size_t			 len;

	if (bson_iter_type_unsafe(tags) == BSON_TYPE_NULL) {
		b->rec.flags |= REC_TAGS_NULL;
		return;
	}
	if (!DBS_HOLDS(BSON_TYPE_ARRAY, tags) ||
	    !decode_bson_enter(ds, tags, &t))
		return;
	ds->raw_keys++;
	while (decode_bson_next(ds, &t)) {
		if (!DBS_HOLDS(BSON_TYPE_UTF8, &t.it))
			continue;
		s = bson_iter_utf8_unsafe(&t.it, &len);
		record_build_tag(b, s, len);
	}
}

/* A list of strings (RootFields) or of {message} (Errors) as a blob id. */
static uint32_t
decode_bson_list(struct dbs_state *ds, const bson_iter_t *arr)
{
	struct dbs_sub	 e, m;
	struct buf	 list;
	const char	*s;
	size_t		 len;
	uint32_t	 id;

	if (!decode_bson_enter(ds, arr, &e))
		return (0);
	buf_init(&list);
	while (decode_bson_next(ds, &e)) {
		if (DBS_HOLDS(BSON_TYPE_UTF8, &e.it)) {
			s = bson_iter_utf8_unsafe(&e.it, &len);
			record_list_add(&list, s, len);
		} else if (decode_bson_enter(ds, &e.it, &m)) {
			while (decode_bson_next(ds, &m)) {
				if (decode_bson_key(&m.it) != DBK_MESSAGE ||
				    !DBS_HOLDS(BSON_TYPE_UTF8, &m.it))
					continue;
				s = bson_iter_utf8_unsafe(&m.it, &len);
				record_list_add(&list, s, len);
			}
		}
	}
	id = list.len == 0 ? 0 : strtab_intern(&ds->st->strs, list.data,
	    list.len);
	buf_clear(&list);
	return (id);
}

/* Operation type as a number (JSON) or a name (graph collections). */
static int32_t
decode_bson_optype(const bson_iter_t *it)
{
	const char	*s;
	size_t		 len;
	int64_t		 v;

	if (decode_bson_int(it, &v))
		return ((int32_t)v);
	if (!DBS_HOLDS(BSON_TYPE_UTF8, it))
		return (0);
	s = bson_iter_utf8_unsafe(it, &len);
	if (len == 5 && strncasecmp(s, "query", 5) == 0)
		return (1);
	if (len == 8 && strncasecmp(s, "mutation", 8) == 0)
		return (2);
	if (len == 12 && strncasecmp(s, "subscription", 12) == 0)
		return (3);
	return (0);
}

/* One GraphQL field, from graphql_stats or a graph collection document. */
static void
decode_bson_gql_field(struct dbs_state *ds, const bson_iter_t *it,
    enum decode_bson_key_id f)
{
	struct record_build	*b = ds->b;
	int64_t			 v;

	switch (f) {
	case DBK_ISGRAPHQL:
		if (decode_bson_int(it, &v) && v != 0)
			b->rec.flags |= REC_GRAPHQL | REC_HAS_GQL;
		break;
	case DBK_OPERATIONTYPE:
		b->ex.gql_operation_type = decode_bson_optype(it);
		if (b->ex.gql_operation_type != 0)
			b->rec.flags |= REC_HAS_GQL;
		break;
	case DBK_VARIABLES:
		if (decode_bson_intern(ds, it, &b->ex.gql_variables))
			b->rec.flags |= REC_HAS_GQL;
		break;
	case DBK_ROOTFIELDS:
		b->ex.gql_root_fields = decode_bson_list(ds, it);
		if (b->ex.gql_root_fields != 0)
			b->rec.flags |= REC_HAS_GQL;
		break;
	case DBK_ERRORS:
		b->ex.gql_errors = decode_bson_list(ds, it);
		if (b->ex.gql_errors != 0)
			b->rec.flags |= REC_HAS_GQL;
		break;
	case DBK_HASERRORS:
		if (decode_bson_int(it, &v) && v != 0) {
			b->ex.gql_has_errors = true;
			b->rec.flags |= REC_HAS_GQL;
		}
		break;
	default:
		break;
	}
	if (b->rec.flags & REC_HAS_GQL)
		b->has_extra = true;
}

/* One MCP field. */
static void
decode_bson_mcp_field(struct dbs_state *ds, const bson_iter_t *it,
    enum decode_bson_key_id f)
{
	struct record_build	*b = ds->b;
	int64_t			 v;
	uint32_t		*id;

	switch (f) {
	case DBK_ISMCP:
		if (decode_bson_int(it, &v) && v != 0) {
			b->rec.flags |= REC_MCP | REC_HAS_MCP;
			b->has_extra = true;
		}
		return;
	case DBK_JSONRPCMETHOD:
		id = &b->ex.mcp_method;
		break;
	case DBK_PRIMITIVETYPE:
		id = &b->ex.mcp_primitive_type;
		break;
	case DBK_PRIMITIVENAME:
		id = &b->ex.mcp_primitive_name;
		break;
	default:
		return;
	}
	if (decode_bson_intern(ds, it, id)) {
		b->rec.flags |= REC_HAS_MCP;
		b->has_extra = true;
	}
}

/* graphql_stats or mcp_stats (JSON): Go field names. */
static void
decode_bson_stats(struct dbs_state *ds, const bson_iter_t *stats, bool mcp)
{
	struct dbs_sub	 s;
	enum decode_bson_key_id	 f;

	if (!decode_bson_enter(ds, stats, &s))
		return;
	while (decode_bson_next(ds, &s)) {
		f = decode_bson_key(&s.it);
		if (mcp)
			decode_bson_mcp_field(ds, &s.it, f);
		else
			decode_bson_gql_field(ds, &s.it, f);
	}
}

/* One top-level element. */
static void
decode_bson_top(struct dbs_state *ds, const bson_iter_t *it,
    enum decode_bson_key_id f)
{
	struct record_build	*b = ds->b;
	int64_t			 v;

	switch (f) {
	case DBK_METHOD:
		ds->raw_keys++;
		decode_bson_str(ds, it, RS_METHOD);
		break;
	case DBK_HOST:
		ds->raw_keys++;
		decode_bson_str(ds, it, RS_HOST);
		break;
	case DBK_PATH:
		ds->raw_keys++;
		decode_bson_str(ds, it, RS_PATH);
		break;
	case DBK_RAWPATH:
		ds->raw_keys++;
		decode_bson_str(ds, it, RS_RAW_PATH);
		break;
	case DBK_CONTENTLENGTH:
		if (decode_bson_int(it, &v))
			b->content_length = v;
		break;
	case DBK_USERAGENT:
		ds->raw_keys++;
		decode_bson_str(ds, it, RS_USER_AGENT);
		break;
	case DBK_DAY:
		if (decode_bson_int(it, &v))
			b->day = v < -1 || v > 0xffff ? -1 : (int)v;
		break;
	case DBK_MONTH:
		if (decode_bson_int(it, &v))
			b->month = v < -1 || v > 0xffff ? -1 : (int)v;
		break;
	case DBK_YEAR:
		if (decode_bson_int(it, &v))
			b->year = v < -1 || v > 0xffff ? -1 : (int)v;
		break;
	case DBK_HOUR:
		if (decode_bson_int(it, &v))
			b->hour = v < -1 || v > 0xffff ? -1 : (int)v;
		break;
	case DBK_RESPONSECODE:
		ds->raw_keys++;
		if (decode_bson_int(it, &v))
			b->response_code = v;
		break;
	case DBK_APIKEY:
		ds->raw_keys++;
		decode_bson_str(ds, it, RS_API_KEY);
		break;
	case DBK_TIMESTAMP:
		if (decode_bson_time(it, &b->ts_sec, &b->ts_nsec,
		    &b->ts_prec))
			b->ts_set = true;
		else if (bson_iter_type_unsafe(it) != BSON_TYPE_NULL)
			ds->bad = "unusable timestamp";
		break;
	case DBK_APIVERSION:
		decode_bson_str(ds, it, RS_API_VERSION);
		break;
	case DBK_APINAME:
		decode_bson_str(ds, it, RS_API_NAME);
		break;
	case DBK_APIID:
		decode_bson_str(ds, it, RS_API_ID);
		break;
	case DBK_ORGID:
		decode_bson_str(ds, it, RS_ORG_ID);
		break;
	case DBK_OAUTHID:
		decode_bson_str(ds, it, RS_OAUTH_ID);
		break;
	case DBK_REQUESTTIME:
		ds->raw_keys++;
		if (decode_bson_int(it, &v))
			b->request_time = v;
		break;
	case DBK_RAWREQUEST:
		ds->raw_keys++;
		if (DBS_HOLDS(BSON_TYPE_UTF8, it))
			b->req = bson_iter_utf8_unsafe(it, &b->req_len);
		break;
	case DBK_RAWRESPONSE:
		ds->raw_keys++;
		if (DBS_HOLDS(BSON_TYPE_UTF8, it))
			b->resp = bson_iter_utf8_unsafe(it, &b->resp_len);
		break;
	case DBK_IPADDRESS:
		ds->raw_keys++;
		decode_bson_str(ds, it, RS_IP_ADDRESS);
		break;
	case DBK_GEO:
		decode_bson_geo(ds, it);
		break;
	case DBK_NETWORK:
		decode_bson_network(ds, it);
		break;
	case DBK_LATENCY:
		ds->raw_keys++;
		decode_bson_latency(ds, it);
		break;
	case DBK_TAGS:
		decode_bson_tags(ds, it);
		break;
	case DBK_ALIAS:
		decode_bson_str(ds, it, RS_ALIAS);
		break;
	case DBK_TRACKPATH:
		if (decode_bson_int(it, &v) && v != 0)
			b->rec.flags |= REC_TRACK_PATH;
		break;
	case DBK_EXPIREAT:
		if (decode_bson_time(it, &b->exp_sec, &b->exp_nsec,
		    &b->exp_prec))
			b->exp_set = true;
		break;
	case DBK_ORIGINALPATH:
		decode_bson_str(ds, it, RS_ORIGINAL_PATH);
		break;
	case DBK_LISTENPATH:
		decode_bson_str(ds, it, RS_LISTEN_PATH);
		break;
	case DBK_APISCHEMA:
		if (decode_bson_intern(ds, it, &b->ex.api_schema))
			b->has_extra = true;
		break;
	case DBK_GRAPHQLSTATS:
		decode_bson_stats(ds, it, false);
		break;
	case DBK_MCPSTATS:
		decode_bson_stats(ds, it, true);
		break;
	case DBK_ERRORS:
		/* An array in graph records, a document in aggregates. */
		if (bson_iter_type_unsafe(it) == BSON_TYPE_ARRAY)
			decode_bson_gql_field(ds, it, f);
		else if (bson_iter_type_unsafe(it) == BSON_TYPE_DOCUMENT)
			ds->agg_keys++;
		break;
	case DBK_OPERATIONTYPE:
	case DBK_VARIABLES:
	case DBK_ROOTFIELDS:
	case DBK_HASERRORS:
	case DBK_ISGRAPHQL:
		decode_bson_gql_field(ds, it, f);
		break;
	case DBK_JSONRPCMETHOD:
	case DBK_PRIMITIVETYPE:
	case DBK_PRIMITIVENAME:
	case DBK_ISMCP:
		decode_bson_mcp_field(ds, it, f);
		break;
	case DBK_TOTAL:
	case DBK_AGGKEY:
		ds->agg_keys++;
		break;
	default:
		break;
	}
}

/*
 * Decode doc into b (which the caller has reset).  *kind says what the
 * document is: DECODE_BSON_RAW (b holds the record), DECODE_BSON_AGG (an
 * aggregate document: store it whole) or DECODE_BSON_OTHER.  Returns 0, or
 * -1 when the document is corrupt (*why says what, and *erroff is the
 * offset of the first corrupt element) or its timestamp is unusable (*why
 * says so, *erroff is 0); b then holds what was read.
 */
int
decode_bson_record(const bson_t *doc, struct store *st,
    struct record_build *b, enum decode_bson_kind *kind, size_t *erroff,
    const char **why)
{
	return (decode_bson_record_cached(doc, st, b, NULL, kind, erroff,
	    why));
}

/* decode_bson_record with a cache of recent values (may be NULL). */
int
decode_bson_record_cached(const bson_t *doc, struct store *st,
    struct record_build *b, struct decode_bson_cache *cache,
    enum decode_bson_kind *kind, size_t *erroff, const char **why)
{
	struct dbs_state	 ds;
	bson_iter_t		 it;
	uint32_t		 last, klen;
	const char		*key;
	enum decode_bson_key_id		 f;

	memset(&ds, 0, sizeof ds);
	ds.st = st;
	ds.b = b;
	ds.cache = cache;
	ds.top = bson_get_data(doc);
	*kind = DECODE_BSON_OTHER;
	*erroff = 0;
	*why = "bad document length";
	if (!bson_iter_init(&it, doc))
		return (-1);
	last = 4;
	while (bson_iter_next(&it)) {
		key = bson_iter_key_unsafe(&it);
		klen = it.d1 - it.key - 1;
		f = decode_bson_key_field(key, klen);
		if (f == DBK_NONE && klen != 0 && key[0] != '_')
			f = decode_bson_key_fold(key, klen);
		if (f != DBK_NONE)
			decode_bson_top(&ds, &it, f);
		last = it.next_off;
	}
	if (last + 1 != doc->len) {
		ds.err = true;
		ds.err_off = last;
	}
	if (cache != NULL) {
		decode_bson_flush(&ds);
		decode_bson_blobs(&ds);
	}
	if (ds.agg_keys > 0 && ds.raw_keys == 0)
		*kind = DECODE_BSON_AGG;
	else if (ds.raw_keys > 0)
		*kind = DECODE_BSON_RAW;
	if (ds.err) {
		*erroff = ds.err_off;
		*why = "corrupt BSON element";
		return (-1);
	}
	if (ds.bad != NULL && *kind == DECODE_BSON_RAW) {
		*why = ds.bad;
		return (-1);
	}
	*why = NULL;
	return (0);
}

/*
 * What a document is, from its top-level keys alone (no decoding): a
 * record has at least two record-only keys, an aggregate has orgid and an
 * aggregate-only key.  Used when resynchronising after damage, where a
 * sub-document of a broken record must not pass for a document.
 */
enum decode_bson_kind
decode_bson_classify(const bson_t *doc)
{
	bson_iter_t	 it;
	int		 raw = 0, agg = 0;
	bool		 org = false;

	if (!bson_iter_init(&it, doc))
		return (DECODE_BSON_OTHER);
	while (bson_iter_next(&it)) {
		switch (decode_bson_key(&it)) {
		case DBK_METHOD:
		case DBK_HOST:
		case DBK_PATH:
		case DBK_RAWPATH:
		case DBK_USERAGENT:
		case DBK_RESPONSECODE:
		case DBK_APIKEY:
		case DBK_REQUESTTIME:
		case DBK_RAWREQUEST:
		case DBK_RAWRESPONSE:
		case DBK_IPADDRESS:
		case DBK_LATENCY:
			raw++;
			break;
		case DBK_ORGID:
			org = true;
			break;
		case DBK_TOTAL:
		case DBK_AGGKEY:
			agg++;
			break;
		default:
			break;
		}
	}
	if (raw >= 2)
		return (DECODE_BSON_RAW);
	if (org && agg > 0)
		return (DECODE_BSON_AGG);
	return (DECODE_BSON_OTHER);
}

/* What a collection holds, judged by its name. */
enum decode_bson_kind
decode_bson_collection_kind(const char *name)
{
	static const char	*raw_prefix = "z_tyk_analyticz_";
	static const char	*agg_prefix = "z_tyk_analyticz_aggregate_";

	if (strncmp(name, "system.", 7) == 0)
		return (DECODE_BSON_SKIP);
	if (strncmp(name, agg_prefix, strlen(agg_prefix)) == 0 ||
	    strcmp(name, "tyk_analytics_aggregates") == 0 ||
	    strcmp(name, "tyk_analytics_aggregate") == 0)
		return (DECODE_BSON_AGG);
	if (strcmp(name, "tyk_analytics") == 0 ||
	    strncmp(name, raw_prefix, strlen(raw_prefix)) == 0)
		return (DECODE_BSON_RAW);
	/*
	 * Uptime, graph and MCP collections: graph and MCP documents inline
	 * the record fields, but the mongo pump also writes GraphQL records
	 * to tyk_analytics, so reading both would count them twice.
	 */
	if (strstr(name, "uptime") != NULL || strstr(name, "graph") != NULL ||
	    strstr(name, "mcp_analytic") != NULL)
		return (DECODE_BSON_SKIP);
	return (DECODE_BSON_OTHER);
}

/* Recursively validate the structure of len bytes at p (depth-capped). */
static int
decode_bson_check_doc(const uint8_t *p, size_t len, int depth,
    size_t base, size_t *erroff)
{
	bson_t		 b;
	bson_iter_t	 it;
	uint32_t	 last = 4, sublen;
	const uint8_t	*sub;

	if (depth > 100 || !bson_init_static(&b, p, len)) {
		*erroff = base;
		return (-1);
	}
	if (!bson_iter_init(&it, &b)) {
		*erroff = base;
		return (-1);
	}
	while (bson_iter_next(&it)) {
		if (DBS_HOLDS(BSON_TYPE_DOCUMENT, &it) ||
		    DBS_HOLDS(BSON_TYPE_ARRAY, &it)) {
			bson_iter_document(&it, &sublen, &sub);
			if (DBS_HOLDS(BSON_TYPE_ARRAY, &it))
				bson_iter_array(&it, &sublen, &sub);
			if (sub == NULL || decode_bson_check_doc(sub, sublen,
			    depth + 1, base + it.d1, erroff) != 0)
				return (-1);
		}
		last = it.next_off;
	}
	if (last + 1 != len) {
		*erroff = base + last;
		return (-1);
	}
	return (0);
}

/*
 * Check that len bytes at p are one structurally valid BSON document
 * (lengths, element types, nesting; not UTF-8).  Returns 0, or -1 with the
 * offset of the first bad element in *erroff.
 */
int
decode_bson_check(const uint8_t *p, size_t len, size_t *erroff)
{
	*erroff = 0;
	if (len < 5 || len > INT32_MAX)
		return (-1);
	return (decode_bson_check_doc(p, len, 0, 0, erroff));
}
