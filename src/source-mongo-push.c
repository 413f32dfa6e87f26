/* SPDX-License-Identifier: ISC */
/*
 * The push-down of the live MongoDB source: what of the options and the
 * filter becomes the find query (see source-mongo.c for the rules: only
 * plain tokens on the logBrowserIndex fields and the time range, always a
 * superset of what the filter selects).
 */
#include "config.h"

#include "source-mongo-push.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "field.h"
#include "filter.h"
#include "options.h"
#include "timefmt.h"
#include "xmalloc.h"

#define MONGO_HOUR_NS		(3600 * 1000000000LL)

/*
 * What can be pushed down, from the options and the filter: an absolute
 * time range (ns, inclusive), the largest relative lower bound (an offset
 * from a base time), and the other conditions as an array of documents.
 */
struct mongo_push {
	int64_t		 lo, hi;
	bool		 rel;
	int64_t		 rel_lo;
	bson_t		*conds;		/* heap: bson_t wants 128-byte alignment */
	uint32_t	 nconds;
	bool		 exact;		/* every predicate pushed as it is */
};

/* Saturating a + b. */
int64_t
source_mongo_sat_add(int64_t a, int64_t b)
{
	if (b > 0 && a > INT64_MAX - b)
		return (INT64_MAX);
	if (b < 0 && a < INT64_MIN - b)
		return (INT64_MIN);
	return (a + b);
}

/* floor(ns / 1e6) and ceil(ns / 1e6): nanoseconds to milliseconds. */
static int64_t
mongo_ms_floor(int64_t ns)
{
	int64_t	 q = ns / 1000000, r = ns % 1000000;

	return (r < 0 ? q - 1 : q);
}

static int64_t
mongo_ms_ceil(int64_t ns)
{
	int64_t	 q = ns / 1000000, r = ns % 1000000;

	return (r > 0 ? q + 1 : q);
}

/* Append key: an integer, as int32 when it fits. */
static void
mongo_append_int(bson_t *d, const char *key, int64_t v)
{
	if (v >= INT32_MIN && v <= INT32_MAX)
		bson_append_int32(d, key, -1, (int32_t)v);
	else
		bson_append_int64(d, key, -1, v);
}

/* The next array key ("0", "1", ...) for element *n. */
static const char *
mongo_key(uint32_t *n, char *tmp, size_t len)
{
	const char	*key;

	bson_uint32_to_string((*n)++, &key, tmp, len);
	return (key);
}

/* A substring as a PCRE/JS regex that matches it literally. */
static char *
mongo_regex_quote(const char *s, size_t len)
{
	struct buf	 b;
	size_t		 i;
	unsigned char	 c;

	buf_init(&b);
	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c < 0x80 && !((c >= '0' && c <= '9') || (c >= 'a' &&
		    c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
		    c == ' '))
			buf_addc(&b, '\\');
		buf_addc(&b, (char)c);
	}
	buf_addc(&b, '\0');
	return (buf_take(&b));
}

/*
 * Push a status predicate (alternatives are ranges) as responsecode
 * conditions.  A range that holds 0 is not pushed: a missing responsecode
 * decodes as 0.
 */
static bool
mongo_push_status(struct mongo_push *mp, const struct filter *flt, size_t i,
    size_t nalts)
{
	struct filter_term	 t;
	bson_t			 cond, arr, alt, range;
	uint32_t		 n = 0;
	size_t			 j, nonempty = 0;
	char			 tmp[16];

	for (j = 0; j < nalts; j++) {
		filter_term(flt, i, j, &t);
		if (t.op != FILTER_TERM_RANGE || (t.lo <= 0 && t.hi >= 0))
			return (false);
		if (t.lo <= t.hi)
			nonempty++;
	}
	if (nonempty == 0)
		return (false);		/* $or must not be empty */
	bson_append_document_begin(mp->conds, mongo_key(&mp->nconds, tmp,
	    sizeof tmp), -1, &cond);
	bson_append_array_begin(&cond, "$or", -1, &arr);
	for (j = 0; j < nalts; j++) {
		filter_term(flt, i, j, &t);
		if (t.lo > t.hi)
			continue;	/* empty */
		bson_append_document_begin(&arr, mongo_key(&n, tmp,
		    sizeof tmp), -1, &alt);
		if (t.lo == t.hi)
			mongo_append_int(&alt, "responsecode", t.lo);
		else {
			bson_append_document_begin(&alt, "responsecode", -1,
			    &range);
			if (t.lo != INT64_MIN)
				mongo_append_int(&range, "$gte", t.lo);
			if (t.hi != INT64_MAX)
				mongo_append_int(&range, "$lte", t.hi);
			bson_append_document_end(&alt, &range);
		}
		bson_append_document_end(&arr, &alt);
	}
	bson_append_array_end(&cond, &arr);
	bson_append_document_end(mp->conds, &cond);
	return (true);
}

/*
 * Push a text predicate on the keys of its field (org: orgid; api: apiid,
 * apiname; key: apikey, alias): each alternative is an equality (=value)
 * or an escaped substring regex; empty values are not pushed (a missing
 * key decodes as the empty string).
 */
static bool
mongo_push_text(struct mongo_push *mp, const struct filter *flt, size_t i,
    size_t nalts, const char *const *keys, int nkeys)
{
	struct filter_term	 t;
	bson_t			 cond, arr, alt, rx;
	uint32_t		 n = 0;
	size_t			 j;
	int			 k;
	char			 tmp[16], *q;

	for (j = 0; j < nalts; j++) {
		filter_term(flt, i, j, &t);
		if ((t.op != FILTER_TERM_EXACT && t.op != FILTER_TERM_SUBSTR) ||
		    t.len == 0 || memchr(t.s, '\0', t.len) != NULL ||
		    !bson_utf8_validate(t.s, t.len, false))
			return (false);
	}
	bson_append_document_begin(mp->conds, mongo_key(&mp->nconds, tmp,
	    sizeof tmp), -1, &cond);
	bson_append_array_begin(&cond, "$or", -1, &arr);
	for (k = 0; k < nkeys; k++) {
		for (j = 0; j < nalts; j++) {
			filter_term(flt, i, j, &t);
			bson_append_document_begin(&arr, mongo_key(&n, tmp,
			    sizeof tmp), -1, &alt);
			if (t.op == FILTER_TERM_EXACT)
				bson_append_utf8(&alt, keys[k], -1, t.s,
				    (int)t.len);
			else {
				q = mongo_regex_quote(t.s, t.len);
				bson_append_document_begin(&alt, keys[k], -1,
				    &rx);
				bson_append_utf8(&rx, "$regex", -1, q, -1);
				bson_append_document_end(&alt, &rx);
				free(q);
			}
			bson_append_document_end(&arr, &alt);
		}
	}
	bson_append_array_end(&cond, &arr);
	bson_append_document_end(mp->conds, &cond);
	return (true);
}

/* Narrow the time range by one time predicate, if it is one range. */
static bool
mongo_push_time(struct mongo_push *mp, const struct filter *flt, size_t i,
    size_t nalts)
{
	struct filter_term	 t;

	if (nalts != 1)
		return (false);
	filter_term(flt, i, 0, &t);
	if (t.op != FILTER_TERM_RANGE)
		return (false);
	if (t.rel_lo) {
		/* The filter's now is 0 here: lo is the offset. */
		if (!mp->rel || t.lo > mp->rel_lo)
			mp->rel_lo = t.lo;
		mp->rel = true;
	} else if (t.lo > mp->lo)
		mp->lo = t.lo;
	if (t.rel_hi)
		return (false);		/* not pushed: not whole */
	if (t.hi < mp->hi)
		mp->hi = t.hi;
	return (true);
}

/*
 * What of --since, --until and the filter can be pushed down.  flt may be
 * NULL; its relative times are moved (filter_set_now), so it must be the
 * caller's own copy.
 */
struct mongo_push *
source_mongo_push_create(const struct options *o, struct filter *flt)
{
	static const char *const org[] = { "orgid" };
	static const char *const api[] = { "apiid", "apiname" };
	static const char *const key[] = { "apikey", "alias" };
	struct mongo_push	*mp;
	int64_t			 lo0, hi0, lo1, hi1, until;
	const char		*err;
	size_t			 i, npreds, nalts;
	bool			 negate, ok;
	int			 field;

	mp = xcalloc(1, sizeof *mp);
	mp->lo = INT64_MIN;
	mp->hi = INT64_MAX;
	mp->conds = bson_new();
	mp->exact = o->filter == NULL || flt != NULL;

	/* --since/--until: relative when the result moves with now. */
	if (o->since != NULL && timefmt_parse(o->since, strlen(o->since), 0,
	    &lo0, &hi0, &err) == 0 && timefmt_parse(o->since,
	    strlen(o->since), 1000000000, &lo1, &hi1, &err) == 0) {
		if (lo0 != lo1) {
			mp->rel = true;
			mp->rel_lo = lo0;
		} else
			mp->lo = lo0;
	}
	if (o->until != NULL) {
		if (timefmt_parse(o->until, strlen(o->until), 0, &lo0, &hi0,
		    &err) == 0 && timefmt_parse(o->until, strlen(o->until),
		    1000000000, &lo1, &hi1, &err) == 0 && lo0 == lo1) {
			until = o->until[0] == '-' ? lo0 : hi0;	/* exclusive */
			if (until != INT64_MIN)
				mp->hi = until - 1;
		} else
			mp->exact = false;
	}

	if (flt == NULL)
		return (mp);
	filter_set_now(flt, 0);
	npreds = filter_npredicates(flt);
	for (i = 0; i < npreds; i++) {
		field = filter_predicate(flt, i, &negate, &nalts);
		ok = false;
		if (negate || nalts == 0) {
			mp->exact = false;
			continue;
		}
		switch (field) {
		case FIELD_TIME:
		case FIELD_SINCE:
		case FIELD_UNTIL:
			ok = mongo_push_time(mp, flt, i, nalts);
			break;
		case FIELD_STATUS:
			ok = mongo_push_status(mp, flt, i, nalts);
			break;
		case FIELD_ORG:
			ok = mongo_push_text(mp, flt, i, nalts, org, 1);
			break;
		case FIELD_API:
			ok = mongo_push_text(mp, flt, i, nalts, api, 2);
			break;
		case FIELD_KEY:
			ok = mongo_push_text(mp, flt, i, nalts, key, 2);
			break;
		default:
			break;
		}
		if (!ok)
			mp->exact = false;
	}
	return (mp);
}

/* Does the push-down have a relative lower bound (needs a base)? */
bool
source_mongo_push_relative(const struct mongo_push *mp)
{
	return (mp->rel);
}

/*
 * Was every predicate pushed as it is (relative bounds or not)?  Then the
 * find query selects what the filter does, and the server may summarise.
 */
bool
source_mongo_push_whole(const struct mongo_push *mp)
{
	return (mp->exact);
}

/* Free a push-down. */
void
source_mongo_push_free(struct mongo_push *mp)
{
	if (mp == NULL)
		return;
	bson_destroy(mp->conds);
	free(mp);
}

/*
 * Write the find filter into out (initialised by the caller): the time
 * range (relative bounds counted from base, ns, unless it is
 * MONGO_BASE_UNKNOWN), widened by an hour below for aggregate documents,
 * whose timestamp is the start of their bucket; the other conditions for
 * raw collections; and timestamp >= tail_ms unless tail_ms is INT64_MIN.
 */
void
source_mongo_push_find(const struct mongo_push *mp, int64_t base, bool agg,
    int64_t tail_ms, bson_t *out)
{
	bson_t		 arr, cond, range;
	bson_iter_t	 it;
	int64_t		 lo = mp->lo, hi = mp->hi, rlo, lo_ms, hi_ms;
	uint32_t	 n = 0;
	char		 tmp[16];
	bool		 has_lo, has_hi;

	if (mp->rel && base != MONGO_BASE_UNKNOWN) {
		rlo = source_mongo_sat_add(base, mp->rel_lo);
		if (rlo > lo)
			lo = rlo;
	}
	if (agg && lo != INT64_MIN)
		lo = source_mongo_sat_add(lo, -MONGO_HOUR_NS);
	has_lo = lo != INT64_MIN;
	has_hi = hi != INT64_MAX;
	lo_ms = has_lo ? mongo_ms_ceil(lo) : 0;
	hi_ms = has_hi ? mongo_ms_floor(hi) : 0;
	if (tail_ms != INT64_MIN && (!has_lo || tail_ms > lo_ms)) {
		has_lo = true;
		lo_ms = tail_ms;
	}
	if (!has_lo && !has_hi && (agg || mp->nconds == 0))
		return;
	bson_append_array_begin(out, "$and", -1, &arr);
	if (has_lo || has_hi) {
		bson_append_document_begin(&arr, mongo_key(&n, tmp,
		    sizeof tmp), -1, &cond);
		bson_append_document_begin(&cond, "timestamp", -1, &range);
		if (has_lo)
			bson_append_date_time(&range, "$gte", -1, lo_ms);
		if (has_hi)
			bson_append_date_time(&range, "$lte", -1, hi_ms);
		bson_append_document_end(&cond, &range);
		bson_append_document_end(&arr, &cond);
	}
	if (!agg && bson_iter_init(&it, mp->conds)) {
		while (bson_iter_next(&it))
			bson_append_iter(&arr, mongo_key(&n, tmp, sizeof tmp),
			    -1, &it);
	}
	bson_append_array_end(out, &arr);
}

/* The find filter for raw records (see source_mongo_push_find), for the tests. */
void
source_mongo_push_query(const struct mongo_push *mp, int64_t base, bool agg,
    bson_t *out)
{
	source_mongo_push_find(mp, base, agg, INT64_MIN, out);
}
