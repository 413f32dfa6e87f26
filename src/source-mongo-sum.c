/* SPDX-License-Identifier: ISC */
/*
 * Server-side summaries of the live MongoDB source (--summary), the
 * counterpart of PostgreSQL's GROUP BY (source-pg-worker.c): the same
 * dimensions (the total, apiid, errors, versions, apikeys, oauthids,
 * geo), the same counters and the same records left out (empty org,
 * network statistics, GraphQL, MCP), so that both sources print the same
 * summaries for the same traffic.
 *
 * Each collection is grouped on the server by MONGO_SUM_PASSES pipelines
 * of $match (the push-down's find query) and $group keyed by org, hour
 * (from the timestamp), the dimension's fields and the response code,
 * with $sum and $max only: success, errors and the error map come from
 * the response code here in C (CongoDB, the test server, and older
 * servers have $cond, but a key on the code needs no expression at all
 * and its groups are few: a handful of codes per value).  The groups of
 * every collection are then folded per (hour, org, dimension, value).
 */
#include "config.h"

#include "source-mongo-sum.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "xmalloc.h"

#define MONGO_SUM_HOUR_MS	3600000LL

/* One group of the server, as one row of a dimension. */
struct msum_row {
	char		*org;
	int64_t		 hour;		/* hours since the epoch */
	const char	*dim;		/* "" for the total */
	char		*value;
	char		*ident, *human;
	bool		 has_code;
	int64_t		 code;
	int64_t		 n;
	double		 rt;		/* sum of requesttime */
	int64_t		 lat, lat_max, up, up_max;
	bool		 has_last;
	int64_t		 last;		/* ms */
};

struct mongo_sum {
	struct msum_row	*rows;
	size_t		 nrows, cap;
	bool		 sorted;
	size_t		 next;		/* first row not yet taken */
};

/* The error map's codes (as source-pg-row.c's pg_codes). */
static const int64_t msum_codes[] = {
	400, 401, 403, 404, 429, 500, 501, 502, 503, 504
};

struct mongo_sum *
source_mongo_sum_create(void)
{
	return (xcalloc(1, sizeof (struct mongo_sum)));
}

void
source_mongo_sum_free(struct mongo_sum *s)
{
	size_t	 i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nrows; i++) {
		free(s->rows[i].org);
		free(s->rows[i].value);
		free(s->rows[i].ident);
		free(s->rows[i].human);
	}
	free(s->rows);
	free(s);
}

/*
 * The aggregate command's pipeline for pass (0 to MONGO_SUM_PASSES - 1)
 * into out (initialised by the caller): match is the find query.
 */
void
source_mongo_sum_pipeline(int pass, const bson_t *match, bson_t *out)
{
	static const struct {
		const char	*key[2], *field[2], *human;
	} p[MONGO_SUM_PASSES] = {
		{ { NULL, NULL }, { NULL, NULL }, NULL },
		{ { "a", "v" }, { "$apiid", "$apiversion" }, "$apiname" },
		{ { "k", NULL }, { "$apikey", NULL }, "$alias" },
		{ { "k", NULL }, { "$oauthid", NULL }, NULL },
		{ { "k", NULL }, { "$geo.country.isocode", NULL }, NULL }
	};
	bson_t	 arr, st, m, ne, g, id, h, div, sub, acc;
	int	 i, n = 0;
	char	 k[4];

	bson_append_array_begin(out, "pipeline", -1, &arr);
	if (!bson_empty(match)) {
		snprintf(k, sizeof k, "%d", n++);
		bson_append_document_begin(&arr, k, -1, &st);
		bson_append_document(&st, "$match", -1, match);
		bson_append_document_end(&arr, &st);
	}
	/* Records the pump does not aggregate; a usable timestamp. */
	snprintf(k, sizeof k, "%d", n++);
	bson_append_document_begin(&arr, k, -1, &st);
	bson_append_document_begin(&st, "$match", -1, &m);
	bson_append_document_begin(&m, "timestamp", -1, &ne);
	bson_append_utf8(&ne, "$type", -1, "date", -1);
	bson_append_document_end(&m, &ne);
	bson_append_document_begin(&m, "graphqlstats.isgraphql", -1, &ne);
	bson_append_bool(&ne, "$ne", -1, true);
	bson_append_document_end(&m, &ne);
	bson_append_document_begin(&m, "mcpstats.ismcp", -1, &ne);
	bson_append_bool(&ne, "$ne", -1, true);
	bson_append_document_end(&m, &ne);
	bson_append_document_end(&st, &m);
	bson_append_document_end(&arr, &st);

	snprintf(k, sizeof k, "%d", n++);
	bson_append_document_begin(&arr, k, -1, &st);
	bson_append_document_begin(&st, "$group", -1, &g);
	bson_append_document_begin(&g, "_id", -1, &id);
	bson_append_utf8(&id, "o", -1, "$orgid", -1);
	/* The hour: floor((timestamp - epoch) / 1 h). */
	bson_append_document_begin(&id, "h", -1, &h);
	bson_append_document_begin(&h, "$floor", -1, &div);
	bson_append_array_begin(&div, "$divide", -1, &sub);
	{
		bson_t	 s2, a2;

		bson_append_document_begin(&sub, "0", -1, &s2);
		bson_append_array_begin(&s2, "$subtract", -1, &a2);
		bson_append_utf8(&a2, "0", -1, "$timestamp", -1);
		bson_append_date_time(&a2, "1", -1, 0);
		bson_append_array_end(&s2, &a2);
		bson_append_document_end(&sub, &s2);
	}
	bson_append_int64(&sub, "1", -1, MONGO_SUM_HOUR_MS);
	bson_append_array_end(&div, &sub);
	bson_append_document_end(&h, &div);
	bson_append_document_end(&id, &h);
	bson_append_utf8(&id, "c", -1, "$responsecode", -1);
	for (i = 0; i < 2; i++)
		if (p[pass].key[i] != NULL)
			bson_append_utf8(&id, p[pass].key[i], -1,
			    p[pass].field[i], -1);
	bson_append_document_end(&g, &id);

#define MSUM_ACC(name, op, arg) do {					\
	bson_append_document_begin(&g, name, -1, &acc);			\
	bson_append_utf8(&acc, op, -1, arg, -1);			\
	bson_append_document_end(&g, &acc);				\
} while (0)
	bson_append_document_begin(&g, "n", -1, &acc);
	bson_append_int32(&acc, "$sum", -1, 1);
	bson_append_document_end(&g, &acc);
	MSUM_ACC("rt", "$sum", "$requesttime");
	MSUM_ACC("ls", "$sum", "$latency.total");
	MSUM_ACC("lm", "$max", "$latency.total");
	MSUM_ACC("us", "$sum", "$latency.upstream");
	MSUM_ACC("um", "$max", "$latency.upstream");
	MSUM_ACC("t", "$max", "$timestamp");
	if (p[pass].human != NULL)
		MSUM_ACC("hn", "$max", p[pass].human);
#undef MSUM_ACC
	bson_append_document_end(&st, &g);
	bson_append_document_end(&arr, &st);
	bson_append_array_end(out, &arr);
}

/* A number (int32, int64, double) as an integer; false if none. */
static bool
msum_int(const bson_iter_t *it, int64_t *v)
{
	if (BSON_ITER_HOLDS_INT32(it) || BSON_ITER_HOLDS_INT64(it) ||
	    BSON_ITER_HOLDS_DOUBLE(it)) {
		*v = bson_iter_as_int64(it);
		return (true);
	}
	return (false);
}

/* The number under key of doc, 0 if none. */
static int64_t
msum_get_int(const bson_t *doc, const char *key)
{
	bson_iter_t	 it;
	int64_t		 v;

	if (bson_iter_init_find(&it, doc, key) && msum_int(&it, &v))
		return (v);
	return (0);
}

/* The string under key of doc as a copy, NULL if none or empty. */
static char *
msum_get_str(const bson_t *doc, const char *key)
{
	bson_iter_t	 it;
	const char	*s;
	uint32_t	 len;

	if (!bson_iter_init_find(&it, doc, key) || !BSON_ITER_HOLDS_UTF8(&it))
		return (NULL);
	s = bson_iter_utf8(&it, &len);
	if (len == 0 || memchr(s, '\0', len) != NULL)
		return (NULL);
	return (xstrdup(s));
}

/* base64 (standard alphabet) without padding, as the pump's map keys. */
static char *
msum_base64(const char *s, size_t len)
{
	static const char	 a[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char	*u = (const unsigned char *)s;
	struct buf		 b;
	size_t			 i;
	uint32_t		 v;

	buf_init(&b);
	for (i = 0; i + 2 < len; i += 3) {
		v = (uint32_t)u[i] << 16 | (uint32_t)u[i + 1] << 8 | u[i + 2];
		buf_addc(&b, a[v >> 18 & 63]);
		buf_addc(&b, a[v >> 12 & 63]);
		buf_addc(&b, a[v >> 6 & 63]);
		buf_addc(&b, a[v & 63]);
	}
	if (len - i == 1) {
		v = (uint32_t)u[i] << 16;
		buf_addc(&b, a[v >> 18 & 63]);
		buf_addc(&b, a[v >> 12 & 63]);
	} else if (len - i == 2) {
		v = (uint32_t)u[i] << 16 | (uint32_t)u[i + 1] << 8;
		buf_addc(&b, a[v >> 18 & 63]);
		buf_addc(&b, a[v >> 12 & 63]);
		buf_addc(&b, a[v >> 6 & 63]);
	}
	buf_addc(&b, '\0');
	return (buf_take(&b));
}

/* Add a row for dim and value (owned: value, ident, human) like proto. */
static void
msum_row(struct mongo_sum *s, const struct msum_row *proto, const char *dim,
    char *value, char *ident, char *human)
{
	struct msum_row	*r;

	if (s->nrows == s->cap) {
		s->cap = s->cap == 0 ? 256 : s->cap * 2;
		s->rows = xreallocarray(s->rows, s->cap, sizeof *s->rows);
	}
	r = &s->rows[s->nrows++];
	*r = *proto;
	r->org = xstrdup(proto->org);
	r->dim = dim;
	r->value = value;
	r->ident = ident != NULL ? ident : xstrdup("");
	r->human = human != NULL ? human : xstrdup("");
	s->sorted = false;
}

/* Fold one group of pass's pipeline (a result document) in. */
void
source_mongo_sum_add(struct mongo_sum *s, int pass, const bson_t *grp)
{
	struct msum_row	 p;
	bson_iter_t	 it, sub;
	bson_t		 id;
	const uint8_t	*data;
	uint32_t	 len;
	char		*a, *v, *k, *key, tmp[32];

	memset(&p, 0, sizeof p);
	if (!bson_iter_init_find(&it, grp, "_id") ||
	    !BSON_ITER_HOLDS_DOCUMENT(&it))
		return;
	bson_iter_document(&it, &len, &data);
	if (!bson_init_static(&id, data, len))
		return;
	if (!bson_iter_init_find(&sub, &id, "h") || !msum_int(&sub, &p.hour))
		return;
	if (bson_iter_init_find(&sub, &id, "c") && msum_int(&sub, &p.code))
		p.has_code = true;
	/* Network statistics (-1) are not aggregated by the pump. */
	if (p.has_code && p.code == -1)
		return;
	if ((p.org = msum_get_str(&id, "o")) == NULL)
		return;
	p.n = msum_get_int(grp, "n");
	if (bson_iter_init_find(&it, grp, "rt") && (BSON_ITER_HOLDS_DOUBLE(&it)
	    || BSON_ITER_HOLDS_INT32(&it) || BSON_ITER_HOLDS_INT64(&it)))
		p.rt = bson_iter_as_double(&it);
	p.lat = msum_get_int(grp, "ls");
	p.lat_max = msum_get_int(grp, "lm");
	p.up = msum_get_int(grp, "us");
	p.up_max = msum_get_int(grp, "um");
	if (bson_iter_init_find(&it, grp, "t") && BSON_ITER_HOLDS_DATE_TIME(&it)) {
		p.has_last = true;
		p.last = bson_iter_date_time(&it);
	}

	switch (pass) {
	case 0:
		msum_row(s, &p, "", xstrdup("total"), NULL, NULL);
		if (p.has_code && p.code >= 400) {
			snprintf(tmp, sizeof tmp, "%lld", (long long)p.code);
			msum_row(s, &p, "errors", xstrdup(tmp), xstrdup(tmp),
			    NULL);
		}
		break;
	case 1:
		a = msum_get_str(&id, "a");
		v = msum_get_str(&id, "v");
		if (a != NULL)
			msum_row(s, &p, "apiid", xstrdup(a), xstrdup(a),
			    msum_get_str(grp, "hn"));
		if (v != NULL) {
			xasprintf(&key, "%s:%s", a != NULL ? a : "", v);
			msum_row(s, &p, "versions", msum_base64(key,
			    strlen(key)), xstrdup(v), xstrdup(v));
			free(key);
		}
		free(a);
		free(v);
		break;
	case 2:
	case 3:
	case 4:
		if ((k = msum_get_str(&id, "k")) == NULL)
			break;
		msum_row(s, &p, pass == 2 ? "apikeys" : pass == 3 ?
		    "oauthids" : "geo", k, xstrdup(k), pass == 2 ?
		    msum_get_str(grp, "hn") : pass == 4 ? xstrdup(k) : NULL);
		break;
	}
	free(p.org);
}

/* qsort: rows by hour, org, dimension, value. */
static int
msum_cmp(const void *x, const void *y)
{
	const struct msum_row	*a = x, *b = y;
	int			 c;

	if (a->hour != b->hour)
		return (a->hour < b->hour ? -1 : 1);
	if ((c = strcmp(a->org, b->org)) != 0)
		return (c);
	if ((c = strcmp(a->dim, b->dim)) != 0)
		return (c);
	return (strcmp(a->value, b->value));
}

/* Are rows a and b the same (hour, org, dimension, value)? */
static bool
msum_same(const struct msum_row *a, const struct msum_row *b, bool value)
{
	return (a->hour == b->hour && strcmp(a->org, b->org) == 0 &&
	    (!value || (strcmp(a->dim, b->dim) == 0 &&
	    strcmp(a->value, b->value) == 0)));
}

/*
 * The counter of rows[i..j) (one dimension value), appended to parent
 * under key; the newest time in *last.
 */
static void
msum_counter(bson_t *parent, const char *key, const struct msum_row *r,
    size_t n, bool *has_last, int64_t *last)
{
	bson_t		 c, em;
	int64_t		 hits = 0, ok = 0, err = 0, lat = 0, lmax = 0, up = 0;
	int64_t		 umax = 0, codes[sizeof msum_codes / sizeof
			    msum_codes[0]];
	double		 rt = 0;
	const char	*ident = "", *human = "";
	size_t		 i, k;
	char		 tmp[16];

	memset(codes, 0, sizeof codes);
	*has_last = false;
	for (i = 0; i < n; i++) {
		hits += r[i].n;
		if (r[i].has_code && r[i].code >= 200 && r[i].code <= 299)
			ok += r[i].n;
		if (r[i].has_code && r[i].code >= 400)
			err += r[i].n;
		for (k = 0; k < sizeof msum_codes / sizeof msum_codes[0]; k++)
			if (r[i].has_code && r[i].code == msum_codes[k])
				codes[k] += r[i].n;
		rt += r[i].rt;
		lat += r[i].lat;
		up += r[i].up;
		if (r[i].lat_max > lmax)
			lmax = r[i].lat_max;
		if (r[i].up_max > umax)
			umax = r[i].up_max;
		/* As PostgreSQL's max() of the text. */
		if (strcmp(r[i].ident, ident) > 0)
			ident = r[i].ident;
		if (strcmp(r[i].human, human) > 0)
			human = r[i].human;
		if (r[i].has_last && (!*has_last || r[i].last > *last)) {
			*has_last = true;
			*last = r[i].last;
		}
	}
	/* The keys and their order of source-pg-row.c's pg_counter. */
	bson_append_document_begin(parent, key, -1, &c);
	bson_append_int64(&c, "hits", -1, hits);
	bson_append_int64(&c, "success", -1, ok);
	bson_append_int64(&c, "errortotal", -1, err);
	bson_append_double(&c, "requesttime", -1, hits != 0 ? rt /
	    (double)hits : 0);
	bson_append_double(&c, "totalrequesttime", -1, rt);
	bson_append_utf8(&c, "identifier", -1, ident, -1);
	bson_append_utf8(&c, "humanidentifier", -1, human, -1);
	if (*has_last)
		bson_append_date_time(&c, "lasttime", -1, *last);
	bson_append_int64(&c, "openconnections", -1, 0);
	bson_append_int64(&c, "closedconnections", -1, 0);
	bson_append_int64(&c, "bytesin", -1, 0);
	bson_append_int64(&c, "bytesout", -1, 0);
	bson_append_int64(&c, "maxupstreamlatency", -1, umax);
	bson_append_int64(&c, "totalupstreamlatency", -1, up);
	bson_append_double(&c, "upstreamlatency", -1, hits != 0 ? (double)up /
	    (double)hits : 0);
	bson_append_int64(&c, "maxlatency", -1, lmax);
	bson_append_int64(&c, "totallatency", -1, lat);
	bson_append_double(&c, "latency", -1, hits != 0 ? (double)lat /
	    (double)hits : 0);
	bson_append_document_begin(&c, "errormap", -1, &em);
	for (k = 0; k < sizeof msum_codes / sizeof msum_codes[0]; k++) {
		if (codes[k] == 0)
			continue;
		snprintf(tmp, sizeof tmp, "%lld", (long long)msum_codes[k]);
		bson_append_int64(&em, tmp, -1, codes[k]);
	}
	bson_append_document_end(&c, &em);
	bson_append_document_end(parent, &c);
}

/*
 * The next (org, hour) document in (hour, org) order, shaped as
 * source_pg_aggdoc_take's; NULL when all are taken.
 */
bson_t *
source_mongo_sum_next(struct mongo_sum *s)
{
	struct msum_row	*r;
	bson_iter_t	 it;
	bson_t		*doc, total, map;
	size_t		 i, j, end, k;
	int64_t		 last = 0, l;
	bool		 has_last = false, hl;

	if (!s->sorted) {
		if (s->nrows > 1)
			qsort(s->rows, s->nrows, sizeof *s->rows, msum_cmp);
		s->sorted = true;
		s->next = 0;
	}
	if (s->next >= s->nrows)
		return (NULL);
	r = s->rows;
	for (end = s->next; end < s->nrows && msum_same(&r[s->next], &r[end],
	    false); end++)
		;
	doc = bson_new();
	bson_append_utf8(doc, "orgid", -1, r[s->next].org, -1);
	bson_append_date_time(doc, "timestamp", -1, r[s->next].hour *
	    MONGO_SUM_HOUR_MS);
	/* The total first (its dimension, "", sorts first). */
	bson_init(&total);
	for (i = s->next; i < end && *r[i].dim == '\0'; i = j) {
		for (j = i; j < end && msum_same(&r[i], &r[j], true); j++)
			;
		msum_counter(&total, "total", &r[i], j - i, &has_last, &last);
	}
	if (has_last)
		bson_append_date_time(doc, "lasttime", -1, last);
	if (bson_iter_init_find(&it, &total, "total"))
		bson_append_iter(doc, "total", -1, &it);
	bson_destroy(&total);
	for (; i < end; i = k) {
		bson_append_document_begin(doc, r[i].dim, -1, &map);
		for (k = i; k < end && strcmp(r[k].dim, r[i].dim) == 0; k = j) {
			for (j = k; j < end && msum_same(&r[k], &r[j], true);
			    j++)
				;
			msum_counter(&map, r[k].value, &r[k], j - k, &hl, &l);
		}
		bson_append_document_end(doc, &map);
	}
	s->next = end;
	return (doc);
}
