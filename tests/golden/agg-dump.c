/* SPDX-License-Identifier: ISC */
/*
 * Test tool: write stored aggregate documents for a dump, the way the
 * Mongo Aggregate pump would have written them, from tykscope's own
 * computation (so reconcile can be tested against a known truth).
 *
 *   agg-dump [--drop N] [--split] [--mixed] [--expect FILE] SOURCE DIR
 *
 * Reads SOURCE, aggregates its records (in timestamp order) and writes
 * DIR/z_tyk_analyticz_aggregate_<org>.bson with BSON types as the pump
 * writes them (int32 counts, double totals, int64 latencies, datetimes),
 * plus a "lists" snapshot that readers must ignore.
 *   --drop N    leave every Nth record (in time order) out, as if the pump
 *               lost it; --expect FILE gets one line per (org, hour,
 *               dimension, key) the lost records touched: exactly what
 *               --reconcile must report.
 *   --split     write each (org, hour) as two documents, one from the
 *               even and one from the odd records (two racing pumps, Q8).
 *   --mixed     also write DIR/tyk_analytics_aggregates.bson with copies
 *               (use_mixed_collection), which readers must not add again.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bson/bson.h>

#include "agg.h"
#include "batch.h"
#include "options.h"
#include "record.h"
#include "source.h"
#include "store.h"
#include "timefmt.h"
#include "xmalloc.h"

static void
put_str(bson_t *d, const char *k, const struct agg *a, uint32_t id)
{
	struct slice	 s = agg_str(a, id);

	bson_append_utf8(d, k, -1, s.ptr, (int)s.len);
}

static void
put_counter(bson_t *parent, const char *key, size_t klen,
    const struct agg *a, const struct agg_counter *c)
{
	bson_t		 d, m, l, e;
	struct agg_err	*errs;
	size_t		 n, i;
	char		 idx[32];
	struct slice	 s;

	bson_append_document_begin(parent, key, (int)klen, &d);
	BSON_APPEND_INT32(&d, "hits", (int32_t)c->hits);
	BSON_APPEND_INT32(&d, "success", (int32_t)c->success);
	BSON_APPEND_INT32(&d, "errortotal", (int32_t)c->errortotal);
	BSON_APPEND_DOUBLE(&d, "requesttime", agg_avg(c->totalrequesttime,
	    c->hits));
	BSON_APPEND_DOUBLE(&d, "totalrequesttime", c->totalrequesttime);
	put_str(&d, "identifier", a, c->identifier);
	put_str(&d, "humanidentifier", a, c->humanidentifier);
	BSON_APPEND_DATE_TIME(&d, "lasttime", c->lasttime);
	BSON_APPEND_INT64(&d, "openconnections", c->openconnections);
	BSON_APPEND_INT64(&d, "closedconnections", c->closedconnections);
	BSON_APPEND_INT64(&d, "bytesin", c->bytesin);
	BSON_APPEND_INT64(&d, "bytesout", c->bytesout);
	BSON_APPEND_INT64(&d, "maxupstreamlatency", c->maxupstreamlatency);
	if (c->has_min)
		BSON_APPEND_INT64(&d, "minupstreamlatency",
		    c->minupstreamlatency);
	BSON_APPEND_INT64(&d, "totalupstreamlatency",
	    c->totalupstreamlatency);
	BSON_APPEND_DOUBLE(&d, "upstreamlatency",
	    agg_avg((double)c->totalupstreamlatency, c->hits));
	BSON_APPEND_INT64(&d, "maxlatency", c->maxlatency);
	if (c->has_min)
		BSON_APPEND_INT64(&d, "minlatency", c->minlatency);
	BSON_APPEND_INT64(&d, "totallatency", c->totallatency);
	BSON_APPEND_DOUBLE(&d, "latency", agg_avg((double)c->totallatency,
	    c->hits));
	agg_sorted_errs(a, c, &errs, &n);
	if (n != 0) {
		bson_append_document_begin(&d, "errormap", -1, &m);
		for (i = 0; i < n; i++) {
			s = agg_str(a, errs[i].code);
			bson_append_int32(&m, s.ptr, (int)s.len,
			    (int32_t)errs[i].count);
		}
		bson_append_document_end(&d, &m);
	}
	bson_append_array_begin(&d, "errorlist", -1, &l);
	for (i = 0; i < n; i++) {
		snprintf(idx, sizeof idx, "%zu", i);
		bson_append_document_begin(&l, idx, -1, &e);
		put_str(&e, "code", a, errs[i].code);
		BSON_APPEND_INT32(&e, "count", (int32_t)errs[i].count);
		bson_append_document_end(&l, &e);
	}
	bson_append_array_end(&d, &l);
	free(errs);
	bson_append_document_end(parent, &d);
}

/* The i-th bucket of a as the pump's document. */
static void
put_doc(bson_t *d, const struct agg *a, size_t i, uint64_t oid)
{
	const struct agg_bucket		*b = agg_bucket_at(a, i);
	const struct agg_counter	*ctrs, *c;
	const uint32_t			*idx;
	bson_t				 m, p, t, lists, arr;
	bson_oid_t			 o;
	size_t				 n, j;
	int				 dim;
	uint32_t			 parent = 0;
	bool				 open;
	struct slice			 s;
	uint8_t				 raw[12];

	memset(raw, 0, sizeof raw);
	memcpy(raw + 4, &oid, sizeof oid);
	bson_oid_init_from_data(&o, raw);
	BSON_APPEND_OID(d, "_id", &o);
	put_str(d, "orgid", a, b->org);
	BSON_APPEND_DATE_TIME(d, "timestamp", b->timestamp * 1000);
	BSON_APPEND_DATE_TIME(d, "expireAt", b->expire);
	bson_append_document_begin(d, "timeid", -1, &t);
	BSON_APPEND_INT32(&t, "year", b->year);
	BSON_APPEND_INT32(&t, "month", b->month);
	BSON_APPEND_INT32(&t, "day", b->day);
	BSON_APPEND_INT32(&t, "hour", b->hour);
	bson_append_document_end(d, &t);
	BSON_APPEND_DATE_TIME(d, "lasttime", b->lasttime);
	put_counter(d, "total", 5, a, &a->ctrs[b->total]);
	for (dim = AGG_APIID; dim < AGG_NDIMS; dim++) {
		bson_append_document_begin(d, agg_dim_name((enum agg_dim)dim),
		    -1, &m);
		ctrs = agg_counters(a, i, (enum agg_dim)dim, &n, &idx);
		open = false;
		for (j = 0; j < n; j++) {
			c = &ctrs[idx[j]];
			if (dim == AGG_KEYENDPOINTS ||
			    dim == AGG_OAUTHENDPOINTS) {
				if (!open || c->parent != parent) {
					if (open)
						bson_append_document_end(&m,
						    &p);
					s = agg_str(a, c->parent);
					bson_append_document_begin(&m, s.ptr,
					    (int)s.len, &p);
					open = true;
					parent = c->parent;
				}
				s = agg_str(a, c->key);
				put_counter(&p, s.ptr, s.len, a, c);
			} else {
				s = agg_str(a, c->key);
				put_counter(&m, s.ptr, s.len, a, c);
			}
		}
		if (open)
			bson_append_document_end(&m, &p);
		bson_append_document_end(d, &m);
	}
	/* A stale snapshot that readers must ignore. */
	bson_append_document_begin(d, "lists", -1, &lists);
	bson_append_array_begin(&lists, "apiid", -1, &arr);
	put_counter(&arr, "0", 1, a, &a->ctrs[b->total]);
	bson_append_array_end(&lists, &arr);
	bson_append_document_end(d, &lists);
}

/* Append every document of a to DIR/z_tyk_analyticz_aggregate_<org>. */
static void
write_docs(const struct agg *a, const char *dir, bool mixed, uint64_t *oid)
{
	const struct agg_bucket	*b;
	struct slice		 org;
	bson_t			 d;
	char			*path;
	FILE			*f;
	size_t			 i;

	for (i = 0; i < a->nbuckets; i++) {
		b = agg_bucket_at(a, i);
		org = agg_str(a, b->org);
		if (mixed)
			xasprintf(&path, "%s/tyk_analytics_aggregates.bson",
			    dir);
		else
			xasprintf(&path, "%s/z_tyk_analyticz_aggregate_%.*s"
			    ".bson", dir, (int)org.len, org.ptr);
		f = fopen(path, "ab");
		if (f == NULL) {
			perror(path);
			exit(2);
		}
		bson_init(&d);
		put_doc(&d, a, i, (*oid)++);
		fwrite(bson_get_data(&d), 1, d.len, f);
		bson_destroy(&d);
		fclose(f);
		free(path);
	}
}

/* Aggregate the records seqs[i] with i % mod == rem (mod 0: all). */
static struct agg *
compute(const struct store *st, const uint64_t *seqs, size_t n,
    size_t mod, size_t rem)
{
	uint64_t	*v;
	size_t		 i, k = 0;
	struct agg	*a;
	char		*cause = NULL;

	v = xcalloc(n + 1, sizeof *v);
	for (i = 0; i < n; i++)
		if (mod == 0 || i % mod == rem)
			v[k++] = seqs[i];
	a = agg_compute(st, v, k, NULL, &cause);
	free(v);
	if (a == NULL)
		exit(2);
	return (a);
}

static int
cmp_ts(const void *x, const void *y, void *arg)
{
	const struct store	*st = arg;
	const struct record	*a = store_get(st, *(const uint64_t *)x);
	const struct record	*b = store_get(st, *(const uint64_t *)y);

	if (a->ts != b->ts)
		return (a->ts < b->ts ? -1 : 1);
	return (*(const uint64_t *)x < *(const uint64_t *)y ? -1 : 1);
}

int
main(int argc, char **argv)
{
	struct options		 o;
	struct store		 st;
	struct source		**srcs = NULL;
	struct agg		*a, *b;
	const struct agg_bucket	*bk;
	const struct agg_counter *ctrs;
	const uint32_t		*idx;
	const struct record	*r;
	size_t			 nsrcs = 0, i, j, n = 0, nk, drop = 0;
	size_t			 nd;
	uint64_t		*seqs, *kept, *dropped, seq, oid = 1;
	char			*cause = NULL, *expect = NULL, *oargv[4];
	bool			 split = false, mixed = false, live;
	int			 d, arg;
	FILE			*f;
	struct slice		 s, p;
	char			 tbuf[TIMEFMT_MAX];

	for (arg = 1; arg < argc && argv[arg][0] == '-'; arg++) {
		if (strcmp(argv[arg], "--drop") == 0 && arg + 1 < argc)
			drop = strtoul(argv[++arg], NULL, 10);
		else if (strcmp(argv[arg], "--split") == 0)
			split = true;
		else if (strcmp(argv[arg], "--mixed") == 0)
			mixed = true;
		else if (strcmp(argv[arg], "--expect") == 0 && arg + 1 < argc)
			expect = argv[++arg];
		else
			break;
	}
	if (argc - arg != 2) {
		fprintf(stderr, "usage: agg-dump [--drop N] [--split] "
		    "[--mixed] [--expect FILE] SOURCE DIR\n");
		return (2);
	}
	oargv[0] = argv[0];
	oargv[1] = (char *)"-n";
	oargv[2] = argv[arg];
	oargv[3] = NULL;
	if (options_parse(&o, 3, oargv, &cause) != 0) {
		fprintf(stderr, "agg-dump: %s\n", cause);
		return (2);
	}
	store_init(&st, 0);
	if (batch_open_sources(&o, &st, &srcs, &nsrcs) != 0)
		return (2);
	do {
		live = false;
		for (i = 0; i < nsrcs; i++)
			if (srcs[i]->ops->poll(srcs[i], &st, 65536) ==
			    SOURCE_MORE)
				live = true;
	} while (live);

	seqs = xcalloc(store_count(&st) + 1, sizeof *seqs);
	for (seq = st.first; seq < st.next; seq++) {
		r = store_get(&st, seq);
		if (!(r->flags & (REC_BAD | REC_GAP)))
			seqs[n++] = seq;
	}
	qsort_r(seqs, n, sizeof *seqs, cmp_ts, &st);
	kept = xcalloc(n + 1, sizeof *kept);
	dropped = xcalloc(n + 1, sizeof *dropped);
	nk = nd = 0;
	for (i = 0; i < n; i++) {
		if (drop != 0 && i % drop == drop - 1)
			dropped[nd++] = seqs[i];
		else
			kept[nk++] = seqs[i];
	}
	if (split) {
		a = compute(&st, kept, nk, 2, 0);
		b = compute(&st, kept, nk, 2, 1);
		write_docs(a, argv[arg + 1], false, &oid);
		write_docs(b, argv[arg + 1], false, &oid);
		agg_free(b);
	} else {
		a = compute(&st, kept, nk, 0, 0);
		write_docs(a, argv[arg + 1], false, &oid);
	}
	if (mixed) {
		/* Copies: same documents (other _ids) in the mixed collection. */
		write_docs(a, argv[arg + 1], true, &oid);
	}
	agg_free(a);

	if (expect != NULL) {
		f = fopen(expect, "w");
		if (f == NULL) {
			perror(expect);
			return (2);
		}
		a = compute(&st, dropped, nd, 0, 0);
		for (i = 0; i < a->nbuckets; i++) {
			bk = agg_bucket_at(a, i);
			for (d = AGG_TOTAL; d < AGG_NDIMS; d++) {
				if (d == AGG_TOTAL) {
					ctrs = a->ctrs;
					nk = 1;
					idx = &bk->total;
				} else
					ctrs = agg_counters(a, i,
					    (enum agg_dim)d, &nk, &idx);
				for (j = 0; j < nk; j++) {
					s = agg_str(a, bk->org);
					timefmt_rfc3339(tbuf, sizeof tbuf,
					    bk->timestamp, 0, 0);
					fprintf(f, "%.*s %s %s ", (int)s.len,
					    s.ptr, tbuf,
					    agg_dim_name((enum agg_dim)d));
					if (d == AGG_TOTAL) {
						fprintf(f, "-\n");
						continue;
					}
					p = agg_str(a, ctrs[idx[j]].parent);
					if (d == AGG_KEYENDPOINTS ||
					    d == AGG_OAUTHENDPOINTS)
						fprintf(f, "%.*s.", (int)p.len,
						    p.ptr);
					s = agg_str(a, ctrs[idx[j]].key);
					fprintf(f, "%.*s\n", (int)s.len, s.ptr);
				}
			}
		}
		agg_free(a);
		fclose(f);
	}
	free(seqs);
	free(kept);
	free(dropped);
	for (i = 0; i < nsrcs; i++)
		source_free(srcs[i]);
	free(srcs);
	store_clear(&st);
	options_clear(&o);
	return (0);
}
