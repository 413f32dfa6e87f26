/* SPDX-License-Identifier: ISC */
/*
 * Aggregate output for batch mode.
 *
 * JSON: one object per (org, hour), sorted by hour then org, with the BSON
 * key names of the pump's document (tyk-formats.md 5.1, 5.2): counters in
 * the Go struct's field order, maps sorted by key, times as RFC 3339 UTC
 * with milliseconds (what BSON keeps).  Two deliberate differences from
 * what a Mongo shell shows: a key with a '.' is printed as one dotted key,
 * not as the nested sub-documents Mongo makes of it (quirk Q1), and
 * errormap is always present ({} when empty).  min* fields are printed
 * only when the pump would have written them (a hit that was not an
 * error).  lists is never printed.
 *
 * Reconcile: one line per (org, hour, dimension, key) whose hits, success
 * or errortotal differ between the stored and the computed aggregates.
 */
#include "config.h"

#include "agg-output.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "agg-stored.h"
#include "json.h"
#include "log.h"
#include "log-warn.h"
#include "mask.h"
#include "options.h"
#include "output.h"
#include "render.h"
#include "store.h"
#include "timefmt.h"
#include "xmalloc.h"

#define AGG_OUTPUT_NS	1000000000LL

/* Format BSON ms as RFC 3339 UTC with milliseconds. */
static size_t
agg_output_ms(char *buf, size_t size, int64_t ms)
{
	int64_t	 sec = ms / 1000, rem = ms % 1000;

	if (rem < 0) {
		rem += 1000;
		sec--;
	}
	return (timefmt_rfc3339(buf, size, sec, (uint32_t)rem * 1000000, 3));
}

static void
agg_output_time(yajl_gen g, const char *k, int64_t ms)
{
	char	 tbuf[TIMEFMT_MAX];
	size_t	 n;

	n = agg_output_ms(tbuf, sizeof tbuf, ms);
	json_gen_key(g, k);
	yajl_gen_string(g, (const unsigned char *)tbuf, n);
}

static void
agg_output_int(yajl_gen g, const char *k, int64_t v)
{
	json_gen_key(g, k);
	yajl_gen_integer(g, v);
}

static void
agg_output_str(yajl_gen g, const struct agg *a, const char *k, uint32_t id)
{
	struct slice	 s = agg_str(a, id);

	if (k != NULL)
		json_gen_key(g, k);
	json_gen_slice(g, s.ptr, s.len);
}

/* Generate one Counter with all its fields. */
static void
agg_output_counter(yajl_gen g, const struct agg *a,
    const struct agg_counter *c)
{
	struct agg_err	*errs;
	struct slice	 s;
	size_t		 n, i;

	yajl_gen_map_open(g);
	agg_output_int(g, "hits", c->hits);
	agg_output_int(g, "success", c->success);
	agg_output_int(g, "errortotal", c->errortotal);
	json_gen_key(g, "requesttime");
	json_gen_double(g, agg_avg(c->totalrequesttime, c->hits));
	json_gen_key(g, "totalrequesttime");
	json_gen_double(g, c->totalrequesttime);
	agg_output_str(g, a, "identifier", c->identifier);
	agg_output_str(g, a, "humanidentifier", c->humanidentifier);
	agg_output_time(g, "lasttime", c->lasttime);
	agg_output_int(g, "openconnections", c->openconnections);
	agg_output_int(g, "closedconnections", c->closedconnections);
	agg_output_int(g, "bytesin", c->bytesin);
	agg_output_int(g, "bytesout", c->bytesout);
	agg_output_int(g, "maxupstreamlatency", c->maxupstreamlatency);
	if (c->has_min)
		agg_output_int(g, "minupstreamlatency", c->minupstreamlatency);
	agg_output_int(g, "totalupstreamlatency", c->totalupstreamlatency);
	json_gen_key(g, "upstreamlatency");
	json_gen_double(g, agg_avg((double)c->totalupstreamlatency,
	    c->hits));
	agg_output_int(g, "maxlatency", c->maxlatency);
	if (c->has_min)
		agg_output_int(g, "minlatency", c->minlatency);
	agg_output_int(g, "totallatency", c->totallatency);
	json_gen_key(g, "latency");
	json_gen_double(g, agg_avg((double)c->totallatency, c->hits));
	agg_sorted_errs(a, c, &errs, &n);
	json_gen_key(g, "errormap");
	yajl_gen_map_open(g);
	for (i = 0; i < n; i++) {
		s = agg_str(a, errs[i].code);
		json_gen_slice(g, s.ptr, s.len);
		yajl_gen_integer(g, errs[i].count);
	}
	yajl_gen_map_close(g);
	json_gen_key(g, "errorlist");
	yajl_gen_array_open(g);
	for (i = 0; i < n; i++) {
		yajl_gen_map_open(g);
		agg_output_str(g, a, "code", errs[i].code);
		agg_output_int(g, "count", errs[i].count);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	free(errs);
	yajl_gen_map_close(g);
}

/* Generate the i-th (sorted) bucket as the pump's document. */
void
agg_output_doc(yajl_gen g, const struct agg *a, size_t i)
{
	const struct agg_bucket		*b = agg_bucket_at(a, i);
	const struct agg_counter	*ctrs, *c;
	const uint32_t			*idx;
	size_t				 n, j;
	int				 d;
	uint32_t			 parent;
	bool				 open;

	yajl_gen_map_open(g);
	agg_output_str(g, a, "orgid", b->org);
	agg_output_time(g, "timestamp", b->timestamp * 1000);
	json_gen_key(g, "timeid");
	yajl_gen_map_open(g);
	agg_output_int(g, "year", b->year);
	agg_output_int(g, "month", b->month);
	agg_output_int(g, "day", b->day);
	agg_output_int(g, "hour", b->hour);
	yajl_gen_map_close(g);
	agg_output_time(g, "expireAt", b->expire);
	agg_output_time(g, "lasttime", b->lasttime);
	json_gen_key(g, "total");
	agg_output_counter(g, a, &a->ctrs[b->total]);
	for (d = AGG_APIID; d < AGG_NDIMS; d++) {
		json_gen_key(g, agg_dim_name((enum agg_dim)d));
		yajl_gen_map_open(g);
		ctrs = agg_counters(a, i, (enum agg_dim)d, &n, &idx);
		open = false;
		parent = 0;
		for (j = 0; j < n; j++) {
			c = &ctrs[idx[j]];
			if (d == AGG_KEYENDPOINTS || d == AGG_OAUTHENDPOINTS) {
				if (!open || c->parent != parent) {
					if (open)
						yajl_gen_map_close(g);
					agg_output_str(g, a, NULL, c->parent);
					yajl_gen_map_open(g);
					open = true;
					parent = c->parent;
				}
			}
			agg_output_str(g, a, NULL, c->key);
			agg_output_counter(g, a, c);
		}
		if (open)
			yajl_gen_map_close(g);
		yajl_gen_map_close(g);
	}
	yajl_gen_map_close(g);
}

/* Does bucket b's hour overlap the range? */
static bool
agg_output_in(const struct agg_bucket *b, const struct agg_output_range *r)
{
	int64_t	 lo, hi;

	if (r == NULL)
		return (true);
	lo = r->since / AGG_OUTPUT_NS - (r->since % AGG_OUTPUT_NS < 0);
	hi = r->until / AGG_OUTPUT_NS + (r->until % AGG_OUTPUT_NS > 0);
	return (b->timestamp < hi && b->timestamp > lo - 3600);
}

/* Print every document as a JSON line; returns how many. */
size_t
agg_output_json(FILE *f, const struct agg *a,
    const struct agg_output_range *r)
{
	yajl_gen		 g;
	const unsigned char	*p;
	size_t			 len, i, n = 0;

	g = yajl_gen_alloc(NULL);
	for (i = 0; i < a->nbuckets; i++) {
		if (!agg_output_in(agg_bucket_at(a, i), r))
			continue;
		agg_output_doc(g, a, i);
		yajl_gen_get_buf(g, &p, &len);
		fwrite(p, 1, len, f);
		fputc('\n', f);
		yajl_gen_clear(g);
		yajl_gen_reset(g, NULL);
		n++;
	}
	yajl_gen_free(g);
	return (n);
}

/* Append s made terminal-safe. */
static void
agg_output_safe(struct buf *b, struct slice s)
{
	render_safe(b, s.ptr, s.len, 0);
}

/*
 * Append an API key for people: masked to its last four characters unless
 * reveal, then made terminal-safe.
 */
static void
agg_output_key(struct buf *b, struct slice k, bool reveal)
{
	struct buf	 tmp;

	if (reveal) {
		agg_output_safe(b, k);
		return;
	}
	buf_init(&tmp);
	mask_key(&tmp, k.ptr, k.len);
	render_safe(b, tmp.data != NULL ? tmp.data : "", tmp.len, 0);
	buf_clear(&tmp);
}

/* One table line for a counter. */
static void
agg_output_row(FILE *f, const struct agg *a, const char *dim,
    const struct agg_counter *c, bool reveal)
{
	struct buf	 b;
	char		 tbuf[TIMEFMT_MAX];
	struct slice	 key, human;
	int64_t		 last;

	buf_init(&b);
	last = c->last_ts != 0 ? c->last_ts / 1000000 : c->lasttime;
	if (c->hits == 0 || last == AGG_GO_ZERO_MS)
		snprintf(tbuf, sizeof tbuf, "-");
	else
		timefmt_rfc3339(tbuf, sizeof tbuf, last / 1000 -
		    (last % 1000 < 0), 0, 0);
	buf_printf(&b, "  %-14s %8lld %8lld %8lld %6.1f%% %9.1f %8lld  "
	    "%-20s  ", dim, (long long)c->hits, (long long)c->success,
	    (long long)c->errortotal, 100.0 * agg_avg((double)c->errortotal,
	    c->hits), agg_avg((double)c->totallatency, c->hits),
	    (long long)c->maxlatency, tbuf);
	if (c->parent != 0) {
		if (c->dim == AGG_KEYENDPOINTS)
			agg_output_key(&b, agg_str(a, c->parent), reveal);
		else
			agg_output_safe(&b, agg_str(a, c->parent));
		buf_addc(&b, '/');
	}
	key = agg_str(a, c->key);
	if (c->dim == AGG_APIKEYS)
		agg_output_key(&b, key, reveal);
	else
		agg_output_safe(&b, key);
	human = agg_str(a, c->humanidentifier);
	if (human.len != 0 && (human.len != key.len ||
	    memcmp(human.ptr, key.ptr, key.len) != 0)) {
		buf_adds(&b, " (");
		agg_output_safe(&b, human);
		buf_addc(&b, ')');
	}
	while (b.len > 0 && b.data[b.len - 1] == ' ')
		b.data[--b.len] = '\0';
	fprintf(f, "%s\n", b.data);
	buf_clear(&b);
}

/* Print every aggregate as a readable table; returns how many. */
size_t
agg_output_table(FILE *f, const struct agg *a,
    const struct agg_output_range *r, bool reveal)
{
	const struct agg_bucket		*b;
	const struct agg_counter	*ctrs;
	const uint32_t			*idx;
	struct buf			 org;
	char				 tbuf[TIMEFMT_MAX];
	size_t				 i, j, n, done = 0;
	int				 d;

	buf_init(&org);
	for (i = 0; i < a->nbuckets; i++) {
		b = agg_bucket_at(a, i);
		if (!agg_output_in(b, r))
			continue;
		if (done++ != 0)
			fputc('\n', f);
		buf_reset(&org);
		agg_output_safe(&org, agg_str(a, b->org));
		timefmt_rfc3339(tbuf, sizeof tbuf, b->timestamp, 0, 0);
		fprintf(f, "org %s  hour %s\n", org.data != NULL ? org.data :
		    "", tbuf);
		fprintf(f, "  %-14s %8s %8s %8s %7s %9s %8s  %-20s  %s\n",
		    "DIMENSION", "HITS", "SUCCESS", "ERRORS", "ERR%",
		    "AVG_MS", "MAX_MS", "LAST", "KEY (NAME)");
		agg_output_row(f, a, "total", &a->ctrs[b->total], reveal);
		for (d = AGG_APIID; d < AGG_NDIMS; d++) {
			ctrs = agg_counters(a, i, (enum agg_dim)d, &n, &idx);
			for (j = 0; j < n; j++)
				agg_output_row(f, a,
				    agg_dim_name((enum agg_dim)d),
				    &ctrs[idx[j]], reveal);
		}
	}
	buf_clear(&org);
	return (done);
}

/* Compare two slices bytewise. */
static int
agg_output_cmp(struct slice x, struct slice y)
{
	int	 c;

	c = memcmp(x.ptr, y.ptr, x.len < y.len ? x.len : y.len);
	if (c != 0)
		return (c);
	return (x.len < y.len ? -1 : x.len > y.len);
}

struct agg_output_diff {
	FILE			*f;
	bool			 table;
	bool			 reveal;	/* table: keys unmasked */
	yajl_gen		 g;
	size_t			 n;
};

static void
agg_output_hse(yajl_gen g, const char *k, const struct agg_counter *c)
{
	json_gen_key(g, k);
	yajl_gen_map_open(g);
	agg_output_int(g, "hits", c != NULL ? c->hits : 0);
	agg_output_int(g, "success", c != NULL ? c->success : 0);
	agg_output_int(g, "errortotal", c != NULL ? c->errortotal : 0);
	yajl_gen_map_close(g);
}

/* Report one key if its stored (s) and computed (c) counts differ. */
static void
agg_output_diff1(struct agg_output_diff *df, const struct agg *as,
    const struct agg_bucket *bs, const struct agg_counter *s,
    const struct agg *ac, const struct agg_bucket *bc,
    const struct agg_counter *c)
{
	const struct agg		*a = s != NULL ? as : ac;
	const struct agg_bucket		*b = s != NULL ? bs : bc;
	const struct agg_counter	*k = s != NULL ? s : c;
	struct buf			 key, line;
	const unsigned char		*p;
	char				 tbuf[TIMEFMT_MAX];
	size_t				 len;

	if ((s != NULL ? s->hits : 0) == (c != NULL ? c->hits : 0) &&
	    (s != NULL ? s->success : 0) == (c != NULL ? c->success : 0) &&
	    (s != NULL ? s->errortotal : 0) == (c != NULL ? c->errortotal :
	    0))
		return;
	df->n++;
	buf_init(&key);
	if (k->dim != AGG_TOTAL) {
		if (k->parent != 0 || k->dim == AGG_KEYENDPOINTS ||
		    k->dim == AGG_OAUTHENDPOINTS) {
			buf_add(&key, agg_str(a, k->parent).ptr,
			    agg_str(a, k->parent).len);
			buf_addc(&key, '.');
		}
		buf_add(&key, agg_str(a, k->key).ptr, agg_str(a, k->key).len);
	}
	if (df->table) {
		buf_init(&line);
		agg_output_safe(&line, agg_str(a, b->org));
		timefmt_rfc3339(tbuf, sizeof tbuf, b->timestamp, 0, 0);
		buf_printf(&line, " %s %s ", tbuf,
		    agg_dim_name((enum agg_dim)k->dim));
		if (key.len == 0)
			buf_addc(&line, '-');
		else if (k->dim == AGG_APIKEYS) {
			agg_output_key(&line, agg_str(a, k->key), df->reveal);
		} else if (k->dim == AGG_KEYENDPOINTS) {
			agg_output_key(&line, agg_str(a, k->parent),
			    df->reveal);
			buf_addc(&line, '.');
			agg_output_safe(&line, agg_str(a, k->key));
		} else
			render_safe(&line, key.data, key.len, 0);
		buf_printf(&line, "  stored %lld/%lld/%lld  computed "
		    "%lld/%lld/%lld", (long long)(s ? s->hits : 0),
		    (long long)(s ? s->success : 0),
		    (long long)(s ? s->errortotal : 0),
		    (long long)(c ? c->hits : 0),
		    (long long)(c ? c->success : 0),
		    (long long)(c ? c->errortotal : 0));
		fprintf(df->f, "%s\n", line.data);
		buf_clear(&line);
		buf_clear(&key);
		return;
	}
	yajl_gen_map_open(df->g);
	agg_output_str(df->g, a, "orgid", b->org);
	agg_output_time(df->g, "timestamp", b->timestamp * 1000);
	json_gen_key(df->g, "dimension");
	json_gen_key(df->g, agg_dim_name((enum agg_dim)k->dim));
	json_gen_key(df->g, "key");
	json_gen_slice(df->g, key.data != NULL ? key.data : "", key.len);
	agg_output_hse(df->g, "stored", s);
	agg_output_hse(df->g, "computed", c);
	yajl_gen_map_close(df->g);
	yajl_gen_get_buf(df->g, &p, &len);
	fwrite(p, 1, len, df->f);
	fputc('\n', df->f);
	yajl_gen_clear(df->g);
	yajl_gen_reset(df->g, NULL);
	buf_clear(&key);
}

/* Compare bucket bs (index is in as, or -1) with bc (ic in ac, or -1). */
static void
agg_output_diffb(struct agg_output_diff *df, const struct agg *as, long is,
    const struct agg *ac, long ic)
{
	const struct agg_bucket		*bs = NULL, *bc = NULL;
	const struct agg_counter	*cs = NULL, *cc = NULL;
	const uint32_t			*xs = NULL, *xc = NULL;
	size_t				 ns = 0, nc = 0, i, j;
	int				 d, cmp;

	if (is >= 0)
		bs = agg_bucket_at(as, (size_t)is);
	if (ic >= 0)
		bc = agg_bucket_at(ac, (size_t)ic);
	agg_output_diff1(df, as, bs, bs ? &as->ctrs[bs->total] : NULL, ac,
	    bc, bc ? &ac->ctrs[bc->total] : NULL);
	for (d = AGG_APIID; d < AGG_NDIMS; d++) {
		if (bs != NULL)
			cs = agg_counters(as, (size_t)is, (enum agg_dim)d,
			    &ns, &xs);
		if (bc != NULL)
			cc = agg_counters(ac, (size_t)ic, (enum agg_dim)d,
			    &nc, &xc);
		i = j = 0;
		while (i < ns || j < nc) {
			if (i >= ns)
				cmp = 1;
			else if (j >= nc)
				cmp = -1;
			else {
				cmp = agg_output_cmp(agg_str(as,
				    cs[xs[i]].parent), agg_str(ac,
				    cc[xc[j]].parent));
				if (cmp == 0)
					cmp = agg_output_cmp(agg_str(as,
					    cs[xs[i]].key), agg_str(ac,
					    cc[xc[j]].key));
			}
			if (cmp < 0) {
				agg_output_diff1(df, as, bs, &cs[xs[i]], ac,
				    bc, NULL);
				i++;
			} else if (cmp > 0) {
				agg_output_diff1(df, as, bs, NULL, ac, bc,
				    &cc[xc[j]]);
				j++;
			} else {
				agg_output_diff1(df, as, bs, &cs[xs[i]], ac,
				    bc, &cc[xc[j]]);
				i++;
				j++;
			}
		}
	}
}

/*
 * Print one line per (org, hour, dimension, key) whose hits, success or
 * errortotal differ between stored (as) and computed (ac).  Returns the
 * number of lines.
 */
size_t
agg_output_reconcile(FILE *f, const struct agg *as, const struct agg *ac,
    const struct agg_output_range *r, bool table, bool reveal)
{
	struct agg_output_diff	 df;
	const struct agg_bucket	*bs, *bc;
	size_t			 i = 0, j = 0;
	int			 cmp;

	memset(&df, 0, sizeof df);
	df.f = f;
	df.table = table;
	df.reveal = reveal;
	df.g = yajl_gen_alloc(NULL);
	while (i < as->nbuckets || j < ac->nbuckets) {
		bs = i < as->nbuckets ? agg_bucket_at(as, i) : NULL;
		bc = j < ac->nbuckets ? agg_bucket_at(ac, j) : NULL;
		if (bs == NULL)
			cmp = 1;
		else if (bc == NULL)
			cmp = -1;
		else if (bs->timestamp != bc->timestamp)
			cmp = bs->timestamp < bc->timestamp ? -1 : 1;
		else
			cmp = agg_output_cmp(agg_str(as, bs->org),
			    agg_str(ac, bc->org));
		if (cmp < 0) {
			if (agg_output_in(bs, r))
				agg_output_diffb(&df, as, (long)i, ac, -1);
			i++;
		} else if (cmp > 0) {
			if (agg_output_in(bc, r))
				agg_output_diffb(&df, as, -1, ac, (long)j);
			j++;
		} else {
			if (agg_output_in(bs, r))
				agg_output_diffb(&df, as, (long)i, ac,
				    (long)j);
			i++;
			j++;
		}
	}
	yajl_gen_free(df.g);
	return (df.n);
}

/*
 * Batch mode with --aggregate: compute over the selected records seqs
 * (already filtered, any order), and print them, or the stored documents
 * (--stored), or the differences (--reconcile).  since/until (ns) bound
 * the hours printed.  Returns the exit status.
 */
int
agg_output_batch(const struct options *o, const struct store *st,
    const uint64_t *seqs, size_t n, int64_t since, int64_t until)
{
	struct agg_config	 cfg;
	struct agg_output_range	 range;
	struct agg		*ac = NULL, *as = NULL;
	char			*cause = NULL;
	uint64_t		 skipped = 0;
	size_t			 printed;
	bool			 table = o->format == OPT_FMT_TABLE;

	if (o->format != OPT_FMT_DEFAULT && o->format != OPT_FMT_JSONL &&
	    o->format != OPT_FMT_TABLE) {
		warnx_("--aggregate prints jsonl or table only");
		return (2);
	}
	memset(&cfg, 0, sizeof cfg);
	cfg.track_all_paths = o->track_all_paths;
	cfg.ignore_tag_prefix = o->ignore_tag_prefix.v;
	cfg.nignore_tag_prefix = o->ignore_tag_prefix.n;
	cfg.tz = o->tz;
	range.since = since;
	range.until = until;

	if (o->stored || o->reconcile) {
		as = agg_stored_load(st, &cfg, &skipped, &cause);
		if (as == NULL) {
			warnx_("--tz: %s", cause);
			free(cause);
			return (2);
		}
		if (skipped != 0)
			warnx_("%llu stored aggregate document%s without "
			    "orgid or timestamp ignored",
			    (unsigned long long)skipped, skipped == 1 ? "" :
			    "s");
		if (st->naggdocs == 0)
			warnx_("no stored aggregate documents found");
	}
	if (!o->stored) {
		ac = agg_compute(st, seqs, n, &cfg, &cause);
		if (ac == NULL) {
			warnx_("--tz: %s", cause);
			free(cause);
			agg_free(as);
			return (2);
		}
	}
	if (o->reconcile) {
		printed = agg_output_reconcile(stdout, as, ac, &range, table,
		    o->reveal);
		fflush(stdout);
		agg_free(as);
		agg_free(ac);
		return (printed != 0 ? 1 : 0);
	}
	if (table)
		printed = agg_output_table(stdout, o->stored ? as : ac,
		    &range, o->reveal);
	else
		printed = agg_output_json(stdout, o->stored ? as : ac, &range);
	fflush(stdout);
	agg_free(as);
	agg_free(ac);
	return (printed != 0 ? 0 : 1);
}
