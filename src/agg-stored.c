/* SPDX-License-Identifier: ISC */
/*
 * Stored aggregate documents, as mongo-pump-aggregate leaves them in
 * z_tyk_analyticz_aggregate_<org> and tyk_analytics_aggregates.
 *
 * - Documents with the same (orgid, timestamp) are summed (quirk Q8: no
 *   unique index, racing pumps make duplicates): counts and totals add,
 *   maxima take the maximum, minima the minimum of those present, and
 *   identifiers, lasttime and expireAt come from the later document.
 * - The mixed collection holds copies of the per-org documents when the
 *   pump has use_mixed_collection, so for an (org, hour) found in both only
 *   the per-org documents count.  The same _id seen twice (a file given
 *   twice) counts once.
 * - Every number may be int32, int64 or double.
 * - A '.' in a map key makes Mongo nest sub-documents (quirk Q1): a
 *   sub-document that is not a counter (has no numeric "hits") is a dotted
 *   key, and is flattened back.
 * - lists (a stale snapshot of the maps) and errorlist (derived) are
 *   ignored.
 */
#include "config.h"

#include "agg-stored.h"

#include <stdlib.h>
#include <string.h>

#include <bson/bson.h>

#include "store.h"
#include "xmalloc.h"

/* Nesting deeper than this is not a key with dots but an attack. */
#define AGG_STORED_DEPTH	64

struct agg_stored_doc {
	const bson_t	*doc;
	const char	*org;
	uint32_t	 orglen;
	int64_t		 ts;		/* ms */
	bool		 mixed;
	bool		 has_oid;
	bson_oid_t	 oid;
	size_t		 idx;
};

/* x + y, wrapping instead of overflowing (stored numbers are input). */
static int64_t
agg_stored_add64(int64_t x, int64_t y)
{
	return ((int64_t)((uint64_t)x + (uint64_t)y));
}

/* A number of any BSON numeric type (or a bool) as a double. */
static bool
agg_stored_num(const bson_iter_t *it, double *d)
{
	switch (bson_iter_type(it)) {
	case BSON_TYPE_INT32:
		*d = bson_iter_int32(it);
		return (true);
	case BSON_TYPE_INT64:
		*d = (double)bson_iter_int64(it);
		return (true);
	case BSON_TYPE_DOUBLE:
		*d = bson_iter_double(it);
		return (true);
	case BSON_TYPE_BOOL:
		*d = bson_iter_bool(it);
		return (true);
	default:
		return (false);
	}
}

/* An integer of any BSON numeric type. */
static bool
agg_stored_int(const bson_iter_t *it, int64_t *v)
{
	double	 d;

	switch (bson_iter_type(it)) {
	case BSON_TYPE_INT32:
		*v = bson_iter_int32(it);
		return (true);
	case BSON_TYPE_INT64:
		*v = bson_iter_int64(it);
		return (true);
	default:
		if (!agg_stored_num(it, &d))
			return (false);
		if (d != d || d >= 9.2e18 || d <= -9.2e18)
			return (false);
		*v = (int64_t)d;
		return (true);
	}
}

/* A time as BSON ms (datetime, or a number of ms). */
static bool
agg_stored_time(const bson_iter_t *it, int64_t *ms)
{
	if (BSON_ITER_HOLDS_DATE_TIME(it)) {
		*ms = bson_iter_date_time(it);
		return (true);
	}
	return (agg_stored_int(it, ms));
}

/* Is the document at it a Counter (has a numeric "hits")? */
static bool
agg_stored_is_counter(const bson_iter_t *it)
{
	bson_iter_t	 c;
	double		 d;

	if (!BSON_ITER_HOLDS_DOCUMENT(it) || !bson_iter_recurse(it, &c))
		return (false);
	while (bson_iter_next(&c)) {
		if (strcmp(bson_iter_key(&c), "hits") == 0)
			return (agg_stored_num(&c, &d));
	}
	return (false);
}

/* A string element as a slice (empty if not a string). */
static struct slice
agg_stored_str(const bson_iter_t *it)
{
	struct slice	 s = { "", 0 };
	uint32_t	 len;

	if (BSON_ITER_HOLDS_UTF8(it)) {
		s.ptr = bson_iter_utf8(it, &len);
		s.len = len;
	}
	return (s);
}

/* Add the Counter document at it into counter ci (later documents win). */
static void
agg_stored_counter(struct agg *a, uint32_t ci, const bson_iter_t *it,
    bool created)
{
	struct agg_counter	*c;
	bson_iter_t		 f, e;
	const char		*k;
	struct slice		 s;
	uint32_t		 ident = 0, human = 0, code;
	int64_t			 v, lasttime = 0, minl = 0, minu = 0;
	double			 d;
	bool			 has_last = false, has_minl = false;
	bool			 has_minu = false, has_ident = false;

	if (!bson_iter_recurse(it, &f))
		return;
	while (bson_iter_next(&f)) {
		k = bson_iter_key(&f);
		c = &a->ctrs[ci];
		if (strcmp(k, "identifier") == 0) {
			s = agg_stored_str(&f);
			ident = agg_intern(a, s.ptr, s.len);
			has_ident = true;
		} else if (strcmp(k, "humanidentifier") == 0) {
			s = agg_stored_str(&f);
			human = agg_intern(a, s.ptr, s.len);
			has_ident = true;
		} else if (strcmp(k, "lasttime") == 0)
			has_last = agg_stored_time(&f, &lasttime);
		else if (strcmp(k, "totalrequesttime") == 0) {
			if (agg_stored_num(&f, &d))
				c->totalrequesttime += d;
		} else if (strcmp(k, "errormap") == 0) {
			if (!BSON_ITER_HOLDS_DOCUMENT(&f) ||
			    !bson_iter_recurse(&f, &e))
				continue;
			while (bson_iter_next(&e)) {
				if (!agg_stored_int(&e, &v))
					continue;
				code = agg_intern(a, bson_iter_key(&e),
				    bson_iter_key_len(&e));
				agg_counter_add_err(a, ci, code, v);
			}
		} else if (!agg_stored_int(&f, &v))
			continue;
		else if (strcmp(k, "hits") == 0)
			c->hits = agg_stored_add64(c->hits, v);
		else if (strcmp(k, "success") == 0)
			c->success = agg_stored_add64(c->success, v);
		else if (strcmp(k, "errortotal") == 0)
			c->errortotal = agg_stored_add64(c->errortotal, v);
		else if (strcmp(k, "totallatency") == 0)
			c->totallatency = agg_stored_add64(c->totallatency, v);
		else if (strcmp(k, "totalupstreamlatency") == 0)
			c->totalupstreamlatency = agg_stored_add64(c->totalupstreamlatency, v);
		else if (strcmp(k, "openconnections") == 0)
			c->openconnections = agg_stored_add64(c->openconnections, v);
		else if (strcmp(k, "closedconnections") == 0)
			c->closedconnections = agg_stored_add64(c->closedconnections, v);
		else if (strcmp(k, "bytesin") == 0)
			c->bytesin = agg_stored_add64(c->bytesin, v);
		else if (strcmp(k, "bytesout") == 0)
			c->bytesout = agg_stored_add64(c->bytesout, v);
		else if (strcmp(k, "maxlatency") == 0) {
			if (created || v > c->maxlatency)
				c->maxlatency = v;
		} else if (strcmp(k, "maxupstreamlatency") == 0) {
			if (created || v > c->maxupstreamlatency)
				c->maxupstreamlatency = v;
		} else if (strcmp(k, "minlatency") == 0) {
			minl = v;
			has_minl = true;
		} else if (strcmp(k, "minupstreamlatency") == 0) {
			minu = v;
			has_minu = true;
		}
	}
	c = &a->ctrs[ci];
	if (has_minl) {
		if (!c->has_min || minl < c->minlatency)
			c->minlatency = minl;
	}
	if (has_minu) {
		if (!c->has_min || minu < c->minupstreamlatency)
			c->minupstreamlatency = minu;
	}
	if (has_minl || has_minu)
		c->has_min = true;
	if (created || (has_last && lasttime >= c->lasttime)) {
		if (has_last)
			c->lasttime = lasttime;
		if (has_ident || created) {
			c->identifier = ident;
			c->humanidentifier = human;
		}
	}
}

/*
 * Walk a dimension map at it: every Counter found under a (possibly
 * dotted, because nested) key path goes into bucket b.  Two-level maps
 * split the path at its last dot: the endpoint key (base64) has none.
 */
static void
agg_stored_map(struct agg *a, uint32_t b, enum agg_dim dim,
    const bson_iter_t *it, struct buf *path, int depth)
{
	bson_iter_t	 m;
	size_t		 plen = path->len;
	uint32_t	 parent, key, ci;
	const char	*dot;
	bool		 created;

	if (depth > AGG_STORED_DEPTH || !BSON_ITER_HOLDS_DOCUMENT(it) ||
	    !bson_iter_recurse(it, &m))
		return;
	while (bson_iter_next(&m)) {
		if (!BSON_ITER_HOLDS_DOCUMENT(&m))
			continue;
		path->len = plen;
		if (plen != 0)
			buf_addc(path, '.');
		buf_add(path, bson_iter_key(&m), bson_iter_key_len(&m));
		if (!agg_stored_is_counter(&m)) {
			agg_stored_map(a, b, dim, &m, path, depth + 1);
			continue;
		}
		parent = 0;
		if (dim == AGG_KEYENDPOINTS || dim == AGG_OAUTHENDPOINTS) {
			dot = NULL;
			if (path->len != 0)
				dot = memrchr(path->data, '.', path->len);
			if (dot == NULL)
				continue;	/* a counter without an outer key */
			parent = agg_intern(a, path->data,
			    (size_t)(dot - path->data));
			key = agg_intern(a, dot + 1,
			    path->len - (size_t)(dot - path->data) - 1);
		} else
			key = agg_intern(a, path->data, path->len);
		ci = agg_counter_get(a, b, dim, parent, key, &created);
		agg_stored_counter(a, ci, &m, created);
	}
	path->len = plen;
	if (path->data != NULL)
		path->data[plen] = '\0';
}

/* Load one document into the aggregate. */
static void
agg_stored_add(struct agg *a, const struct agg_stored_doc *sd)
{
	struct agg_bucket	*bk;
	bson_iter_t		 it, t;
	struct buf		 path;
	const char		*k;
	int64_t			 v, sec, ms;
	uint32_t		 b;
	int			 d;
	bool			 created, later;

	sec = sd->ts / 1000 - (sd->ts % 1000 < 0);
	b = agg_bucket_get(a, sd->org, sd->orglen, sec, &created);
	bk = &a->buckets[b];
	bk->records++;
	later = true;
	if (bson_iter_init_find(&it, sd->doc, "lasttime") &&
	    agg_stored_time(&it, &ms)) {
		later = created || ms >= bk->lasttime;
		if (later)
			bk->lasttime = ms;
	}
	if (later && bson_iter_init_find(&it, sd->doc, "expireAt") &&
	    agg_stored_time(&it, &ms))
		bk->expire = ms;
	if (created && bson_iter_init_find(&it, sd->doc, "timeid") &&
	    BSON_ITER_HOLDS_DOCUMENT(&it) && bson_iter_recurse(&it, &t)) {
		while (bson_iter_next(&t)) {
			if (!agg_stored_int(&t, &v))
				continue;
			k = bson_iter_key(&t);
			if (strcmp(k, "year") == 0)
				bk->year = (int)v;
			else if (strcmp(k, "month") == 0)
				bk->month = (int)v;
			else if (strcmp(k, "day") == 0)
				bk->day = (int)v;
			else if (strcmp(k, "hour") == 0)
				bk->hour = (int)v;
		}
	}
	buf_init(&path);
	if (!bson_iter_init(&it, sd->doc))
		return;
	while (bson_iter_next(&it)) {
		k = bson_iter_key(&it);
		if (strcmp(k, "total") == 0) {
			if (agg_stored_is_counter(&it))
				agg_stored_counter(a, a->buckets[b].total, &it,
				    created);
			continue;
		}
		d = agg_dim_from_name(k);
		if (d <= AGG_TOTAL)
			continue;
		buf_reset(&path);
		agg_stored_map(a, b, (enum agg_dim)d, &it, &path, 0);
	}
	buf_clear(&path);
}

static int
agg_stored_cmp(const void *va, const void *vb)
{
	const struct agg_stored_doc	*x = va, *y = vb;
	int				 c;

	c = memcmp(x->org, y->org, x->orglen < y->orglen ? x->orglen :
	    y->orglen);
	if (c != 0)
		return (c);
	if (x->orglen != y->orglen)
		return (x->orglen < y->orglen ? -1 : 1);
	if (x->ts != y->ts)
		return (x->ts < y->ts ? -1 : 1);
	if (x->mixed != y->mixed)
		return (x->mixed ? 1 : -1);
	if (x->has_oid && y->has_oid &&
	    (c = bson_oid_compare(&x->oid, &y->oid)) != 0)
		return (c);
	return (x->idx < y->idx ? -1 : x->idx > y->idx);
}

/*
 * Load the stored aggregate documents of st.  *nskipped (if not NULL)
 * counts documents without an orgid or timestamp.  NULL with *cause on a
 * bad configuration.
 */
struct agg *
agg_stored_load(const struct store *st, const struct agg_config *cfg,
    uint64_t *nskipped, char **cause)
{
	struct agg		*a;
	struct agg_stored_doc	*v, *p;
	const struct store_aggdoc *ad;
	const char		*name;
	bson_iter_t		 it;
	uint32_t		 len;
	size_t			 n = 0, i, j;
	uint64_t		 skipped = 0;

	a = agg_create(cfg, cause);
	if (a == NULL)
		return (NULL);
	a->is_stored = true;
	v = xreallocarray(NULL, st->naggdocs + 1, sizeof *v);
	for (i = 0; i < st->naggdocs; i++) {
		ad = &st->aggdocs[i];
		p = &v[n];
		memset(p, 0, sizeof *p);
		p->doc = ad->doc;
		p->idx = i;
		if (!bson_iter_init_find(&it, ad->doc, "orgid") ||
		    !BSON_ITER_HOLDS_UTF8(&it)) {
			skipped++;
			continue;
		}
		p->org = bson_iter_utf8(&it, &len);
		p->orglen = len;
		if (!bson_iter_init_find(&it, ad->doc, "timestamp") ||
		    !agg_stored_time(&it, &p->ts)) {
			skipped++;
			continue;
		}
		if (bson_iter_init_find(&it, ad->doc, "_id") &&
		    BSON_ITER_HOLDS_OID(&it)) {
			bson_oid_copy(bson_iter_oid(&it), &p->oid);
			p->has_oid = true;
		}
		name = ad->source < st->nsources ?
		    st->sources[ad->source].name : "";
		p->mixed = strstr(name, "tyk_analytics_aggregates") != NULL;
		n++;
	}
	qsort(v, n, sizeof *v, agg_stored_cmp);
	for (i = 0; i < n; i = j) {
		/* One (org, timestamp): per-org documents first. */
		for (j = i + 1; j < n; j++)
			if (v[j].orglen != v[i].orglen || memcmp(v[j].org,
			    v[i].org, v[i].orglen) != 0 || v[j].ts != v[i].ts)
				break;
		agg_stored_add(a, &v[i]);
		for (p = &v[i + 1]; p < &v[j]; p++) {
			if (p->mixed != v[i].mixed)
				break;
			if (p->has_oid && p[-1].has_oid &&
			    bson_oid_equal(&p->oid, &p[-1].oid))
				continue;
			agg_stored_add(a, p);
		}
	}
	free(v);
	if (nskipped != NULL)
		*nskipped = skipped;
	agg_finish(a);
	return (a);
}
