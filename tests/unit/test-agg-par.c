/* SPDX-License-Identifier: ISC */
/*
 * Aggregates on several threads (agg_compute_ctl) against one pass
 * (agg_compute), on generated stores: several orgs over days of hours,
 * records out of time order with many equal timestamps, zones with :30
 * offsets and clocks going back (Antarctica/Troll by two hours, where a
 * cut can land inside a repeated hour; 40% of the records are near it),
 * bad records, gap markers, GraphQL and MCP exclusions, tags, network
 * records, two-level maps.  Compared
 * through the pump's documents (agg-output.h) and field by field for what
 * the TUI reads (first and last access, histograms, names), and index for
 * index (the merge claims to give the single pass's arrays); a cut
 * inside an hour bucket with the cases only the merge rules get right.
 * Then cancellation and progress, and the incremental aggregates of
 * live sources (agg-acc.c) against agg_compute after every batch.
 */
#include "config.h"

#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>

#include "agg.h"
#include "agg-output.h"
#include "record.h"
#include "store.h"
#include "unit.h"

/* 2024-10-26T12:00:00Z: Berlin and Troll go back on the 27th at 01:00Z. */
#define T0	1729944000LL

static uint64_t	 rng;

static uint64_t
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (rng);
}

static void
setf(struct record_build *b, struct store *st, enum record_str f,
    const char *fmt, unsigned v)
{
	char	 tmp[64];
	int	 n;

	n = snprintf(tmp, sizeof tmp, fmt, v);
	record_build_str(b, st, f, tmp, (size_t)n);
}

/*
 * n records: 40% within three hours of T0 + 13 h (the Troll and Berlin
 * transitions), the rest over four days, in random order, on a
 * millisecond grid so that timestamps repeat.
 */
static void
generate(struct store *st, size_t n, bool live)
{
	static const int	 codes[] = { 200, 200, 200, 200, 201, 204, 302,
				    100, 401, 404, 429, 500, 503, -1 };
	static const char	*isos[] = { "US", "GB", "DE", "IN" };
	static const char	*orgs[] = { "orgA", "orgB", "orgC", "" };
	static const char	*tags[] = { "key-abc", "team-x", " spaced.tag ",
				    "env.prod", "tyk-graph-analytics", "a",
				    "b.c", "region-eu" };
	struct record_build	 b;
	uint16_t		 src;
	size_t			 i;
	unsigned		 j, api, x;
	int64_t			 ms;

	src = store_source_add(st, "gen", STORE_SRC_FILE);
	record_build_init(&b);
	for (i = 0; i < n; i++) {
		x = (unsigned)(next() % 1000);
		if (x < 4) {
			store_add_bad(st, src, i, (T0 + (int64_t)(next() %
			    345600)) * 1000000000LL, "bad", "xx", 2);
			continue;
		}
		if (x < 6) {
			store_add_gap(st, src, i, T0 * 1000000000LL,
			    (T0 + 60) * 1000000000LL, 5, "k");
			continue;
		}
		record_build_reset(&b);
		b.ts_set = b.exp_set = true;
		if (live)
			ms = T0 * 1000 + (int64_t)i * 300 +
			    (int64_t)(next() % 3000);
		else if (next() % 10 < 4)
			ms = (T0 + 13 * 3600 - 3 * 3600) * 1000 +
			    (int64_t)(next() % (6 * 3600 * 50)) * 20;
		else
			ms = T0 * 1000 + (int64_t)(next() % (4 * 86400 * 10)) *
			    100;
		b.ts_sec = ms / 1000;
		b.ts_nsec = (uint32_t)(ms % 1000) * 1000000;
		b.exp_sec = b.ts_sec + 86400 + (int64_t)(next() % 100);
		b.response_code = codes[next() % 14];
		b.lat_total = (int64_t)(next() % 3000);
		b.lat_upstream = b.lat_total / 2 + (int64_t)(next() % 5);
		b.request_time = b.lat_total + 1;
		api = (unsigned)(next() % 7);
		j = (unsigned)(next() % 4);
		record_build_str(&b, st, RS_ORG_ID, orgs[j], strlen(orgs[j]));
		if (next() % 10 != 0) {
			setf(&b, st, RS_API_ID, "api%u", api);
			setf(&b, st, RS_API_NAME, "API %u", api +
			    (unsigned)(next() % 2) * 10);
		}
		if (next() % 3 != 0)
			setf(&b, st, RS_API_VERSION, "v%u",
			    (unsigned)(next() % 3));
		if (next() % 4 != 0) {
			j = (unsigned)(next() % 50);
			setf(&b, st, RS_API_KEY, "key:%u", j);
			setf(&b, st, RS_ALIAS, "alias %u", j);
		}
		if (next() % 6 == 0)
			setf(&b, st, RS_OAUTH_ID, "client.%u",
			    (unsigned)(next() % 5));
		setf(&b, st, RS_PATH, "/p%u/x.y", (unsigned)(next() % 20));
		if (next() % 2)
			b.rec.flags |= REC_TRACK_PATH;
		if (next() % 5 != 0) {
			b.geo.iso_code = strtab_intern(&st->strs,
			    isos[next() % 4], 2);
			b.has_geo = true;
		}
		if (next() % 3 != 0)
			for (j = 0; j < 1 + next() % 4; j++)
				record_build_tag(&b, tags[(i + j * 3) % 8],
				    strlen(tags[(i + j * 3) % 8]));
		b.rec.flags |= (uint32_t)(next() % 2 ? REC_ENC_BSON :
		    REC_ENC_MSGPACK) << REC_ENC_SHIFT;
		if (next() % 50 == 0)
			b.rec.flags |= REC_GRAPHQL;
		if (next() % 70 == 0)
			b.rec.flags |= REC_MCP;
		if (b.response_code == -1) {
			b.rec.flags |= REC_NETWORK;
			b.ex.open_connections = (int64_t)(next() % 4);
			b.ex.closed_connection = (int64_t)(next() % 3);
			b.ex.bytes_in = (int64_t)(next() % 1000);
			b.ex.bytes_out = (int64_t)(next() % 2000);
			b.has_extra = true;
		}
		store_add(st, &b, src, i);
	}
	record_build_clear(&b);
}

/*
 * Every seq of st shuffled, a few not held and, with dups, a few twice
 * (agg-par.c then reads the seqs as they are, not through a bitmap).
 */
static uint64_t *
seqs_of(struct store *st, size_t *n, bool dups)
{
	uint64_t	*s, x;
	size_t		 i, k, m = store_count(st), nd = dups ? m / 100 : 0;

	*n = m + nd + 3;
	s = calloc(*n, sizeof *s);
	for (i = 0; i < m; i++)
		s[i] = st->first + i;
	for (i = m; i < m + nd; i++)
		s[i] = st->first + next() % m;
	s[m + nd] = st->next;
	s[m + nd + 1] = st->next + 100;
	s[m + nd + 2] = UINT64_MAX;
	for (i = *n; i > 1; i--) {
		k = (size_t)(next() % i);
		x = s[i - 1];
		s[i - 1] = s[k];
		s[k] = x;
	}
	return (s);
}

static char *
json(const struct agg *a)
{
	char	*out = NULL;
	size_t	 len = 0;
	FILE	*f;

	f = open_memstream(&out, &len);
	agg_output_json(f, a, NULL);
	fclose(f);
	return (out);
}

static void
same_str(const struct agg *x, uint32_t i, const struct agg *y, uint32_t j)
{
	struct slice	 s = agg_str(x, i), t = agg_str(y, j);

	assert_int_equal(s.len, t.len);
	assert_memory_equal(s.ptr, t.ptr, s.len);
}

/* y (threads) is x (one pass) in every field the outputs and TUI read. */
static void
same_agg(const struct agg *x, const struct agg *y)
{
	const struct agg_bucket		*bx, *by;
	const struct agg_counter	*cx, *cy;
	const uint32_t			*ix, *iy, *hx, *hy;
	struct agg_err			*ex, *ey;
	size_t				 i, k, nx, ny, nex, ney, e;
	char				*jx, *jy;
	int				 d;

	jx = json(x);
	jy = json(y);
	assert_string_equal(jx, jy);
	free(jx);
	free(jy);
	assert_int_equal(x->added, y->added);
	assert_int_equal(x->excluded, y->excluded);
	assert_int_equal(x->nbuckets, y->nbuckets);
	assert_int_equal(x->nctrs, y->nctrs);
	assert_int_equal(x->strs.count, y->strs.count);
	for (i = 0; i < x->nbuckets; i++) {
		bx = agg_bucket_at(x, i);
		by = agg_bucket_at(y, i);
		same_str(x, bx->org, y, by->org);
		assert_int_equal(bx->timestamp, by->timestamp);
		assert_int_equal(bx->hour, by->hour);
		assert_int_equal(bx->day, by->day);
		assert_int_equal(bx->expire, by->expire);
		assert_int_equal(bx->lasttime, by->lasttime);
		assert_int_equal(bx->records, by->records);
		for (d = 0; d < AGG_NDIMS; d++) {
			cx = agg_counters(x, i, (enum agg_dim)d, &nx, &ix);
			cy = agg_counters(y, i, (enum agg_dim)d, &ny, &iy);
			assert_int_equal(nx, ny);
			for (k = 0; k < nx; k++) {
				const struct agg_counter *p = &cx[ix[k]];
				const struct agg_counter *q = &cy[iy[k]];

				/* Index for index, too. */
				assert_int_equal(ix[k], iy[k]);
				same_str(x, p->key, y, q->key);
				same_str(x, p->parent, y, q->parent);
				same_str(x, p->identifier, y, q->identifier);
				same_str(x, p->humanidentifier, y,
				    q->humanidentifier);
				assert_int_equal(p->hits, q->hits);
				assert_int_equal(p->success, q->success);
				assert_int_equal(p->errortotal, q->errortotal);
				assert_true(p->totalrequesttime ==
				    q->totalrequesttime);
				assert_int_equal(p->totallatency,
				    q->totallatency);
				assert_int_equal(p->totalupstreamlatency,
				    q->totalupstreamlatency);
				assert_int_equal(p->maxlatency, q->maxlatency);
				assert_int_equal(p->minlatency, q->minlatency);
				assert_int_equal(p->maxupstreamlatency,
				    q->maxupstreamlatency);
				assert_int_equal(p->minupstreamlatency,
				    q->minupstreamlatency);
				assert_int_equal(p->first_ts, q->first_ts);
				assert_int_equal(p->last_ts, q->last_ts);
				assert_int_equal(p->lasttime, q->lasttime);
				assert_int_equal(p->openconnections,
				    q->openconnections);
				assert_int_equal(p->closedconnections,
				    q->closedconnections);
				assert_int_equal(p->bytesin, q->bytesin);
				assert_int_equal(p->bytesout, q->bytesout);
				assert_int_equal(p->has_min, q->has_min);
				agg_sorted_errs(x, p, &ex, &nex);
				agg_sorted_errs(y, q, &ey, &ney);
				assert_int_equal(nex, ney);
				for (e = 0; e < nex; e++) {
					same_str(x, ex[e].code, y, ey[e].code);
					assert_int_equal(ex[e].count,
					    ey[e].count);
				}
				free(ex);
				free(ey);
				hx = agg_hist(x, ix[k]);
				hy = agg_hist(y, iy[k]);
				assert_int_equal(hx == NULL, hy == NULL);
				if (hx != NULL)
					assert_memory_equal(hx, hy,
					    AGG_HIST_N * sizeof *hx);
			}
		}
	}
}

static size_t	 nruns, nparallel;

/* One pass against 2 and 3 threads for zone tz. */
static void
compare(struct store *st, const char *tz, bool all_paths, bool dups)
{
	static char		 ign[] = "team-";
	static char *const	 ignore[] = { ign };
	struct agg_config	 cfg;
	struct agg_ctl		 ctl;
	struct agg		*one, *par;
	uint64_t		*seqs;
	size_t			 n;
	unsigned		 t;
	char			*cause = NULL;

	memset(&cfg, 0, sizeof cfg);
	cfg.tz = tz;
	cfg.track_all_paths = all_paths;
	cfg.ignore_tag_prefix = ignore;
	cfg.nignore_tag_prefix = 1;
	seqs = seqs_of(st, &n, dups);
	one = agg_compute(st, seqs, n, &cfg, &cause);
	assert_non_null(one);
	assert_true(one->nbuckets > 20);
	for (t = 2; t <= 3; t++) {
		memset(&ctl, 0, sizeof ctl);
		ctl.threads = t;
		par = agg_compute_ctl(st, seqs, n, &cfg, &ctl, &cause);
		assert_non_null(par);
		assert_null(cause);
		assert_int_equal(ctl.done, n);
		assert_int_equal(ctl.phase, AGG_PHASE_FINISH);
		nruns++;
		if (ctl.parts > 1)
			nparallel++;
		if (getenv("AGG_DEBUG") != NULL)
			fprintf(stderr, "%s %u threads: %u parts\n",
			    tz != NULL ? tz : "UTC", t, ctl.parts);
		same_agg(one, par);
		agg_free(par);
	}
	agg_free(one);
	free(seqs);
}

static void
test_same(void **state)
{
	static const char	*zones[] = { NULL, "UTC", "Asia/Kolkata",
				    "Australia/Lord_Howe", "America/New_York",
				    "Antarctica/Troll" };
	struct store		 st;
	size_t			 z;

	rng = 0x9e3779b97f4a7c15ULL;
	store_init(&st, 0);
	generate(&st, 30000, false);
	for (z = 0; z < sizeof zones / sizeof zones[0]; z++)
		compare(&st, zones[z], z == 1, z % 2 == 0);
	store_clear(&st);
	/* The threads did run: most runs were cut in several parts. */
	assert_true(nparallel * 4 >= nruns * 3);
}

/* Records in time order with the whole store as the view. */
static void
test_sorted_input(void **state)
{
	struct agg_ctl		 ctl;
	struct store		 st;
	struct record_build	 b;
	struct agg		*one, *par;
	uint64_t		*seqs, i;
	char			*cause = NULL;
	unsigned		 t;

	store_init(&st, 0);
	store_source_add(&st, "s", STORE_SRC_FILE);
	record_build_init(&b);
	for (i = 0; i < 50000; i++) {
		record_build_reset(&b);
		b.ts_set = b.exp_set = true;
		b.ts_sec = T0 + (int64_t)(i / 5);
		b.exp_sec = b.ts_sec + 60;
		b.response_code = i % 9 == 0 ? 500 : 200;
		b.lat_total = (int64_t)(i % 77);
		setf(&b, &st, RS_ORG_ID, "org%u", (unsigned)(i % 2));
		setf(&b, &st, RS_API_ID, "api%u", (unsigned)(i % 3));
		store_add(&st, &b, 0, i);
	}
	record_build_clear(&b);
	seqs = calloc(50000, sizeof *seqs);
	for (i = 0; i < 50000; i++)
		seqs[i] = st.first + i;
	one = agg_compute(&st, seqs, 50000, NULL, &cause);
	for (t = 2; t <= 4; t++) {
		memset(&ctl, 0, sizeof ctl);
		ctl.threads = t;
		par = agg_compute_ctl(&st, seqs, 50000, NULL, &ctl, &cause);
		assert_non_null(par);
		assert_int_equal(ctl.parts, t);
		same_agg(one, par);
		agg_free(par);
	}
	agg_free(one);
	free(seqs);
	store_clear(&st);
}

/*
 * A cut inside the hour bucket, with what only the merge rules get right
 * on both sides: a counter made by a network record before the cut and
 * hit after it, an org total without hits before it, a counter whose
 * first record after the cut is an error (its latency must not lower the
 * minimum), a 304 (lowers a dimension's minimum, not the total's), tag
 * lists, errors with codes on either side.
 */
static void
test_split_bucket(void **state)
{
	struct agg_ctl		 ctl;
	struct store		 st;
	struct record_build	 b;
	struct agg		*one, *par;
	uint64_t		*seqs, i;
	int64_t			 ms;
	char			*cause = NULL;
	const char		*org, *api, *key, *tag;
	int			 code, lat;

	store_init(&st, 0);
	store_source_add(&st, "s", STORE_SRC_FILE);
	record_build_init(&b);
	for (i = 0; i < 20000; i++) {
		ms = i < 10000 ? T0 * 1000 + (int64_t)i :
		    (T0 + 100) * 1000 + (int64_t)(i - 10000);
		org = "o1";
		api = "f";
		key = NULL;
		tag = i % 3 ? "t0" : NULL;
		code = i % 11 == 0 ? 502 : 200;
		lat = 100 + (int)(i % 7);
		switch (i) {
		case 5:
			api = "n";
			code = -1;
			break;
		case 6:
			org = "o2";
			api = "m";
			code = -1;
			break;
		case 7:
			key = "k";
			lat = 50;
			tag = "t1";
			break;
		case 8:
			key = "k";
			code = 503;
			break;
		case 10005:
			api = "n";
			lat = 70;
			break;
		case 10006:
			org = "o2";
			api = "m";
			lat = 40;
			break;
		case 10007:
			key = "k";
			code = 404;
			lat = 10;
			tag = "t1";
			break;
		case 10008:
			key = "k";
			lat = 30;
			tag = "t1";
			break;
		case 10009:
			key = "k";
			code = 304;
			lat = 5;
			break;
		}
		record_build_reset(&b);
		b.ts_set = b.exp_set = true;
		b.ts_sec = ms / 1000;
		b.ts_nsec = (uint32_t)(ms % 1000) * 1000000;
		b.exp_sec = b.ts_sec + 60;
		b.response_code = code;
		b.lat_total = lat;
		b.lat_upstream = lat / 2;
		record_build_str(&b, &st, RS_ORG_ID, org, 2);
		record_build_str(&b, &st, RS_API_ID, api, 1);
		record_build_str(&b, &st, RS_API_NAME, api, 1);
		if (key != NULL)
			record_build_str(&b, &st, RS_API_KEY, key, 1);
		if (tag != NULL)
			record_build_tag(&b, tag, 2);
		if (code == -1) {
			b.rec.flags |= REC_NETWORK;
			b.ex.bytes_in = 7;
			b.has_extra = true;
		}
		store_add(&st, &b, 0, i);
	}
	record_build_clear(&b);
	seqs = calloc(20000, sizeof *seqs);
	for (i = 0; i < 20000; i++)
		seqs[i] = st.first + 19999 - i;
	one = agg_compute(&st, seqs, 20000, NULL, &cause);
	memset(&ctl, 0, sizeof ctl);
	ctl.threads = 2;
	par = agg_compute_ctl(&st, seqs, 20000, NULL, &ctl, &cause);
	assert_non_null(par);
	assert_int_equal(ctl.parts, 2);
	assert_int_equal(par->nbuckets, 2);
	same_agg(one, par);
	agg_free(par);
	agg_free(one);
	free(seqs);
	store_clear(&st);
}

struct canceller {
	struct agg_ctl	*ctl;
	uint64_t	 at;
	int		 phase;
};

/* Set cancel once done reaches at and the phase is reached. */
static void *
canceller(void *arg)
{
	struct canceller	*c = arg;

	while (atomic_load(&c->ctl->done) < c->at ||
	    atomic_load(&c->ctl->phase) < c->phase)
		sched_yield();
	atomic_store(&c->ctl->cancel, true);
	return (NULL);
}

/*
 * Cancelled before it starts, and while adding (on one thread and on
 * two): NULL, no cause, nothing leaked (ASan's leak check in CI).
 */
static void
test_cancel(void **state)
{
	struct agg_ctl		 ctl;
	struct canceller	 c;
	struct store		 st;
	struct agg		*a;
	pthread_t		 thr;
	uint64_t		*seqs;
	size_t			 n;
	unsigned		 t;
	char			*cause = NULL;

	rng = 0x2545f4914f6cdd1dULL;
	store_init(&st, 0);
	generate(&st, 200000, false);
	seqs = seqs_of(&st, &n, false);
	for (t = 1; t <= 2; t++) {
		memset(&ctl, 0, sizeof ctl);
		ctl.threads = t;
		atomic_store(&ctl.cancel, true);
		a = agg_compute_ctl(&st, seqs, n, NULL, &ctl, &cause);
		assert_null(a);
		assert_null(cause);

		memset(&ctl, 0, sizeof ctl);
		ctl.threads = t;
		c.ctl = &ctl;
		c.at = n / 8;
		c.phase = 0;
		assert_int_equal(pthread_create(&thr, NULL, canceller, &c), 0);
		a = agg_compute_ctl(&st, seqs, n, NULL, &ctl, &cause);
		pthread_join(thr, NULL);
		assert_null(a);
		assert_null(cause);
		assert_true(ctl.done < n);
	}
	/*
	 * Cancelled while merging or finishing (usually: the run may end
	 * first): NULL, or a finished aggregate; never a leak.
	 */
	for (t = AGG_PHASE_MERGE; t <= AGG_PHASE_FINISH; t++) {
		memset(&ctl, 0, sizeof ctl);
		ctl.threads = 2;
		c.ctl = &ctl;
		c.at = 0;
		c.phase = (int)t;
		assert_int_equal(pthread_create(&thr, NULL, canceller, &c), 0);
		a = agg_compute_ctl(&st, seqs, n, NULL, &ctl, &cause);
		pthread_join(thr, NULL);
		if (getenv("AGG_DEBUG") != NULL)
			fprintf(stderr, "cancel in phase %u: %s\n", t,
			    a == NULL ? "cancelled" : "finished first");
		assert_true(a == NULL || a->finished);
		assert_null(cause);
		agg_free(a);
	}
	/* Not cancelled: done reaches n. */
	memset(&ctl, 0, sizeof ctl);
	ctl.threads = 2;
	a = agg_compute_ctl(&st, seqs, n, NULL, &ctl, &cause);
	assert_non_null(a);
	assert_int_equal(ctl.done, n);
	agg_free(a);
	/* A bad zone: a cause, whatever the threads. */
	a = agg_compute_ctl(&st, seqs, n, &(struct agg_config){ .tz =
	    "No/Such_Zone" }, &ctl, &cause);
	assert_null(a);
	assert_non_null(cause);
	free(cause);
	free(seqs);
	store_clear(&st);
}

/* Snapshots of an accumulator fed in batches equal agg_compute. */
static void
acc_run(struct store *st, const char *tz)
{
	struct agg_config	 cfg;
	struct agg_acc		*acc;
	struct agg		*one, *snap;
	uint64_t		*seqs;
	size_t			 done = 0, k, n = store_count(st), b;
	char			*cause = NULL;
	unsigned		 snaps = 0;

	memset(&cfg, 0, sizeof cfg);
	cfg.tz = tz;
	seqs = calloc(n + 1, sizeof *seqs);
	for (k = 0; k < n; k++)
		seqs[k] = st->first + k;
	acc = agg_acc_create(&cfg, 5000000000LL, &cause);
	assert_non_null(acc);
	/* Before any record (a live source just opened): empty. */
	snap = agg_acc_snapshot(acc, st, &cause);
	assert_non_null(snap);
	one = agg_compute(st, seqs, 0, &cfg, &cause);
	same_agg(one, snap);
	agg_free(one);
	agg_free(snap);
	while (done < n) {
		b = 1 + (size_t)(next() % 1000);
		if (b > n - done)
			b = n - done;
		assert_true(agg_acc_add(acc, st, seqs + done, b));
		done += b;
		if (next() % 4 != 0 && done != n)
			continue;
		snap = agg_acc_snapshot(acc, st, &cause);
		assert_non_null(snap);
		one = agg_compute(st, seqs, done, &cfg, &cause);
		same_agg(one, snap);
		agg_free(one);
		agg_free(snap);
		snaps++;
	}
	assert_true(snaps > 3);
	assert_false(agg_acc_stale(acc));
	agg_acc_free(acc);

	/* Holding nothing back, the jitter makes it stale, for good. */
	acc = agg_acc_create(&cfg, 0, &cause);
	for (done = 0; done < n; done += 500)
		if (!agg_acc_add(acc, st, seqs + done, n - done < 500 ?
		    n - done : 500))
			break;
	assert_true(done < n);
	assert_true(agg_acc_stale(acc));
	assert_false(agg_acc_add(acc, st, seqs, 1));
	agg_acc_free(acc);
	free(seqs);
}

static void
test_acc(void **state)
{
	struct store	 st;

	rng = 0x1234567887654321ULL;
	store_init(&st, 0);
	generate(&st, 20000, true);
	acc_run(&st, NULL);
	acc_run(&st, "Asia/Kolkata");
	store_clear(&st);
}

int
main(void)
{
	const struct CMUnitTest	 tests[] = {
		cmocka_unit_test(test_same),
		cmocka_unit_test(test_sorted_input),
		cmocka_unit_test(test_split_bucket),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_acc),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
