/* SPDX-License-Identifier: ISC */
/*
 * Rows and drill-down descriptions for the Aggregates screen.  Rows of the
 * whole range merge the counters of every bucket with the same org,
 * dimension and key: sums of hits, success, errors and latency, the
 * maximum of maxima, and the true last access where records were seen
 * (the pump's lasttime otherwise, for stored aggregates).
 */
#include "config.h"

#include "agg-rows.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "bytes.h"
#include "xmalloc.h"

#define AGG_ROWS_NS	1000000000LL

struct agg_rows_ent {
	const struct agg_bucket		*b;
	const struct agg_counter	*c;
	struct slice			 org, parent, key;
};

static int
agg_rows_cmp_slice(struct slice x, struct slice y)
{
	int	 c;

	c = memcmp(x.ptr, y.ptr, x.len < y.len ? x.len : y.len);
	if (c != 0)
		return (c);
	return (x.len < y.len ? -1 : x.len > y.len);
}

static int
agg_rows_cmp(const void *va, const void *vb)
{
	const struct agg_rows_ent	*x = va, *y = vb;
	int				 c;

	if ((c = agg_rows_cmp_slice(x->org, y->org)) != 0)
		return (c);
	if ((c = agg_rows_cmp_slice(x->parent, y->parent)) != 0)
		return (c);
	if ((c = agg_rows_cmp_slice(x->key, y->key)) != 0)
		return (c);
	if (x->b->timestamp != y->b->timestamp)
		return (x->b->timestamp < y->b->timestamp ? -1 : 1);
	return (0);
}

/* Do two entries name the same row (org, parent, key)? */
static bool
agg_rows_same(const struct agg_rows_ent *x, const struct agg_rows_ent *y)
{
	return (agg_rows_cmp_slice(x->org, y->org) == 0 &&
	    agg_rows_cmp_slice(x->parent, y->parent) == 0 &&
	    agg_rows_cmp_slice(x->key, y->key) == 0);
}

/* Set a row's percentiles from a summed histogram (if any was found). */
static void
agg_rows_pct(struct agg_row *r, const uint32_t *hist, bool *have)
{
	if (*have) {
		r->p50 = agg_hist_quantile(hist, 0.50);
		r->p95 = agg_hist_quantile(hist, 0.95);
		r->p99 = agg_hist_quantile(hist, 0.99);
	}
	*have = false;
}

/* Unix seconds as ns, saturated. */
static int64_t
agg_rows_ns(int64_t sec)
{
	if (sec > INT64_MAX / AGG_ROWS_NS)
		return (INT64_MAX);
	if (sec < INT64_MIN / AGG_ROWS_NS)
		return (INT64_MIN);
	return (sec * AGG_ROWS_NS);
}

/* The last access of a counter in ns (true if known), 0 if never. */
static int64_t
agg_rows_last(const struct agg_counter *c)
{
	if (c->last_ts != 0)
		return (c->last_ts);
	if (c->hits == 0 || c->lasttime == AGG_GO_ZERO_MS)
		return (0);
	if (c->lasttime > INT64_MAX / 1000000 ||
	    c->lasttime < INT64_MIN / 1000000)
		return (0);
	return (c->lasttime * 1000000);
}

/* Start a row from one bucket's counter. */
static void
agg_rows_set(struct agg_row *r, const struct agg_bucket *b,
    const struct agg_counter *c, double *lat)
{
	memset(r, 0, sizeof *r);
	r->org = b->org;
	r->dim = (enum agg_dim)c->dim;
	r->parent = c->parent;
	r->key = c->key;
	r->identifier = c->identifier;
	r->humanidentifier = c->humanidentifier;
	r->hits = c->hits;
	r->success = c->success;
	r->errors = c->errortotal;
	r->max_latency = c->maxlatency;
	r->last_access = agg_rows_last(c);
	r->since = agg_rows_ns(b->timestamp);
	r->until = agg_rows_ns(b->timestamp + 3600);
	if (c->first_ts != 0 && c->first_ts < r->since)
		r->since = c->first_ts;
	if (c->last_ts != 0 && c->last_ts >= r->until)
		r->until = c->last_ts + 1;
	*lat = (double)c->totallatency;
}

/* Merge a later bucket's counter into a row. */
static void
agg_rows_merge(struct agg_row *r, const struct agg_bucket *b,
    const struct agg_counter *c, double *lat)
{
	struct agg_row	 t;
	double		 l;

	agg_rows_set(&t, b, c, &l);
	r->identifier = t.identifier;
	r->humanidentifier = t.humanidentifier;
	/* Stored counts are input: wrap rather than overflow. */
	r->hits = (int64_t)((uint64_t)r->hits + (uint64_t)t.hits);
	r->success = (int64_t)((uint64_t)r->success + (uint64_t)t.success);
	r->errors = (int64_t)((uint64_t)r->errors + (uint64_t)t.errors);
	if (t.max_latency > r->max_latency)
		r->max_latency = t.max_latency;
	if (t.last_access > r->last_access)
		r->last_access = t.last_access;
	if (t.since < r->since)
		r->since = t.since;
	if (t.until > r->until)
		r->until = t.until;
	*lat += l;
}

/*
 * Rows of dimension dim for bucket (an index in agg_bucket_at order), or
 * for the whole range when bucket is -1, sorted by org then key.  *out is
 * allocated (free it) with *n rows.  The aggregate must be finished.
 */
void
agg_rows(const struct agg *a, long bucket, enum agg_dim dim,
    struct agg_row **out, size_t *n)
{
	struct agg_rows_ent	*v = NULL;
	struct agg_row		*rows;
	const struct agg_bucket	*b;
	const struct agg_counter *ctrs;
	const uint32_t		*idx;
	double			*lat;
	uint32_t		*hist;
	const uint32_t		*h;
	size_t			 nv = 0, cap = 0, i, j, k, m, nb, from, to;
	bool			 have = false;

	*out = NULL;
	*n = 0;
	if (!a->finished)
		return;
	from = 0;
	to = a->nbuckets;
	if (bucket >= 0) {
		if ((size_t)bucket >= a->nbuckets)
			return;
		from = (size_t)bucket;
		to = from + 1;
	}
	for (i = from; i < to; i++) {
		b = agg_bucket_at(a, i);
		ctrs = agg_counters(a, i, dim, &nb, &idx);
		for (j = 0; j < nb; j++) {
			if (nv == cap) {
				cap = cap == 0 ? 64 : cap * 2;
				v = xreallocarray(v, cap, sizeof *v);
			}
			v[nv].b = b;
			v[nv].c = &ctrs[idx[j]];
			v[nv].org = agg_str(a, b->org);
			v[nv].parent = agg_str(a, ctrs[idx[j]].parent);
			v[nv].key = agg_str(a, ctrs[idx[j]].key);
			nv++;
		}
	}
	if (nv == 0) {
		free(v);
		return;
	}
	qsort(v, nv, sizeof *v, agg_rows_cmp);
	rows = xreallocarray(NULL, nv, sizeof *rows);
	lat = xreallocarray(NULL, nv, sizeof *lat);
	k = 0;
	for (i = 0; i < nv; i++) {
		if (k > 0 && agg_rows_same(&v[i], &v[i - 1]))
			agg_rows_merge(&rows[k - 1], v[i].b, v[i].c,
			    &lat[k - 1]);
		else {
			agg_rows_set(&rows[k], v[i].b, v[i].c, &lat[k]);
			k++;
		}
	}
	for (i = 0; i < k; i++) {
		rows[i].avg_latency = agg_avg(lat[i], rows[i].hits);
		rows[i].error_rate = agg_avg((double)rows[i].errors,
		    rows[i].hits);
		rows[i].p50 = rows[i].p95 = rows[i].p99 = -1;
	}
	/* Percentiles: sum the histograms of each row's counters. */
	if (dim == AGG_TOTAL || dim == AGG_APIID) {
		hist = xcalloc(AGG_HIST_N, sizeof *hist);
		m = 0;
		for (i = 0; i < nv; i++) {
			if (i > 0 && !agg_rows_same(&v[i], &v[i - 1])) {
				agg_rows_pct(&rows[m], hist, &have);
				memset(hist, 0, AGG_HIST_N * sizeof *hist);
				m++;
			}
			h = agg_hist(a, (uint32_t)(v[i].c - a->ctrs));
			for (j = 0; h != NULL && j < AGG_HIST_N; j++)
				hist[j] += h[j];
			have = have || h != NULL;
		}
		agg_rows_pct(&rows[m], hist, &have);
		free(hist);
	}
	free(lat);
	free(v);
	*out = rows;
	*n = k;
}

/* Decode the pump's base64 (padded or not, as doHash writes it). */
static int
agg_rows_unb64(struct buf *out, struct slice in)
{
	struct base64_result	 r;

	return (base64_decode_buf(out, in.ptr, in.len, &r));
}

/* Decode hex; -1 if invalid. */
static int
agg_rows_unhex(struct buf *out, struct slice in)
{
	size_t	 i;
	int	 hi, lo;

	if (in.len % 2 != 0)
		return (-1);
	for (i = 0; i < in.len; i += 2) {
		hi = hex_value(in.ptr[i]);
		lo = hex_value(in.ptr[i + 1]);
		if (hi < 0 || lo < 0)
			return (-1);
		buf_addc(out, (char)(hi << 4 | lo));
	}
	return (0);
}

/* Append " field:=value", quoting the value when it needs it. */
static void
agg_rows_term(struct buf *b, const char *field, struct slice v)
{
	size_t	 i;
	bool	 quote = false;

	for (i = 0; i < v.len; i++) {
		if ((unsigned char)v.ptr[i] <= ' ' || v.ptr[i] == '"' ||
		    v.ptr[i] == '|' || v.ptr[i] == '\\' || v.ptr[i] == 0x7f)
			quote = true;
	}
	if (b->len != 0)
		buf_addc(b, ' ');
	buf_printf(b, "%s:=", field);
	if (!quote) {
		buf_add(b, v.ptr, v.len);
		return;
	}
	buf_addc(b, '"');
	for (i = 0; i < v.len; i++) {
		if (v.ptr[i] == '"' || v.ptr[i] == '\\')
			buf_addc(b, '\\');
		buf_addc(b, v.ptr[i]);
	}
	buf_addc(b, '"');
}

/* Append terms for "apiid:rest" in d; *rest gets what follows. */
static void
agg_rows_api(struct buf *b, const struct buf *d, struct slice *rest)
{
	const char	*colon;
	struct slice	 s;

	rest->ptr = d->data;
	rest->len = d->len;
	colon = d->len != 0 ? memchr(d->data, ':', d->len) : NULL;
	if (colon == NULL)
		return;
	s.ptr = d->data;
	s.len = (size_t)(colon - d->data);
	agg_rows_term(b, "api", s);
	rest->ptr = colon + 1;
	rest->len = d->len - s.len - 1;
}

/*
 * A filter expression that selects the records behind row r (with the
 * row's since/until range).  Tag rows match the pump's trimmed tag text,
 * so a tag stored with spaces or dots is not matched.  Returns an
 * allocated string.
 */
char *
agg_row_filter(const struct agg *a, const struct agg_row *r)
{
	struct buf	 b, d;
	struct slice	 rest, human = agg_str(a, r->humanidentifier);
	bool		 track = false;

	buf_init(&b);
	buf_init(&d);
	agg_rows_term(&b, "org", agg_str(a, r->org));
	switch (r->dim) {
	case AGG_TOTAL:
		break;
	case AGG_APIID:
		agg_rows_term(&b, "api", agg_str(a, r->key));
		break;
	case AGG_ERRORS:
		buf_printf(&b, " status:%.*s", (int)agg_str(a, r->key).len,
		    agg_str(a, r->key).ptr);
		break;
	case AGG_VERSIONS:
		if (agg_rows_unb64(&d, agg_str(a, r->key)) == 0)
			agg_rows_api(&b, &d, &rest);
		agg_rows_term(&b, "version", agg_str(a, r->identifier));
		break;
	case AGG_APIKEYS:
		agg_rows_term(&b, "key", agg_str(a, r->key));
		break;
	case AGG_OAUTHIDS:
		agg_rows_term(&b, "oauth", agg_str(a, r->key));
		break;
	case AGG_GEO:
		agg_rows_term(&b, "country", agg_str(a, r->key));
		break;
	case AGG_TAGS:
		agg_rows_term(&b, "tag", agg_str(a, r->key));
		break;
	case AGG_ENDPOINTS:
		agg_rows_term(&b, "path", agg_str(a, r->identifier));
		track = true;
		break;
	case AGG_APIENDPOINTS:
		if (agg_rows_unhex(&d, agg_str(a, r->key)) == 0) {
			agg_rows_api(&b, &d, &rest);
			if (rest.len > human.len + 1) {
				rest.len -= human.len + 1;
				agg_rows_term(&b, "version", rest);
			}
		}
		agg_rows_term(&b, "path", human);
		track = true;
		break;
	case AGG_KEYENDPOINTS:
	case AGG_OAUTHENDPOINTS:
		agg_rows_term(&b, r->dim == AGG_KEYENDPOINTS ? "key" : "oauth",
		    agg_str(a, r->parent));
		if (agg_rows_unb64(&d, agg_str(a, r->key)) == 0) {
			agg_rows_api(&b, &d, &rest);
			agg_rows_term(&b, "path", rest);
		}
		track = true;
		break;
	default:
		break;
	}
	if (track && !a->cfg.track_all_paths)
		buf_adds(&b, " track:yes");
	buf_clear(&d);
	return (buf_take(&b));
}

/*
 * The API id and version a row is keyed by, for the dimensions whose key
 * holds them (versions: base64 "api:version"; API endpoints: hex
 * "api:version:path"; key and OAuth endpoints: base64 "api:path").  Two
 * rows with the same name differ there (or in their org).  The slices
 * point into d, which the caller owns; empty when the row has none.
 */
void
agg_row_context(const struct agg *a, const struct agg_row *r,
    struct buf *d, struct slice *api, struct slice *version)
{
	struct slice	 k = agg_str(a, r->key), human;
	const char	*colon;
	int		 rc = -1;

	api->ptr = version->ptr = "";
	api->len = version->len = 0;
	buf_reset(d);
	switch (r->dim) {
	case AGG_VERSIONS:
	case AGG_KEYENDPOINTS:
	case AGG_OAUTHENDPOINTS:
		rc = agg_rows_unb64(d, k);
		break;
	case AGG_APIENDPOINTS:
		rc = agg_rows_unhex(d, k);
		break;
	default:
		return;
	}
	if (rc != 0 || d->len == 0 ||
	    (colon = memchr(d->data, ':', d->len)) == NULL)
		return;
	api->ptr = d->data;
	api->len = (size_t)(colon - d->data);
	if (r->dim == AGG_VERSIONS) {
		version->ptr = colon + 1;
		version->len = d->len - api->len - 1;
	} else if (r->dim == AGG_APIENDPOINTS) {
		human = agg_str(a, r->humanidentifier);
		version->ptr = colon + 1;
		version->len = d->len - api->len - 1;
		if (version->len > human.len)
			version->len -= human.len + 1;
		else
			version->len = 0;
	}
}
