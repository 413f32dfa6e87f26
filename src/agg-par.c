/* SPDX-License-Identifier: ISC */
/*
 * Whole-set aggregation on several threads, cancellable, with progress
 * (agg_compute_ctl; agg_compute is it on the calling thread alone).
 *
 * The pump's rule is that the records of one (org, hour bucket) go in in
 * timestamp order.  The records are cut in time, at the quantiles of a
 * sample of their timestamps so that every thread gets as many, and each
 * thread sorts and aggregates one time range into an aggregate of its
 * own; the parts are then merged in time order (agg-merge.c), which
 * gives exactly what one pass in timestamp order gives, even for the
 * buckets a cut falls in: a counter keeps what a later part needs to be
 * merged in (the least latencies that may lower its minimum).  So no cut
 * needs to know the pump's zone, and one busy hour (the TUI's usual
 * case: one org, a few hours) is shared too.
 *
 * Four steps, each on every thread: count each thread's share of the
 * records per range; scatter them into one array, grouped by range;
 * sort and aggregate one range per thread; merge and finish on the
 * calling thread.  Cancellation is checked every AGG_PAR_SLICE records
 * (well under a millisecond) in every step and in the sort.
 *
 * The store is only read (store_read, the columns, the string table),
 * which any number of threads may do while nobody writes to it.
 */
#include "config.h"

#include "agg.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "agg-impl.h"
#include "log.h"
#include "record.h"
#include "store.h"
#include "xmalloc.h"

#define AGG_PAR_MAX	16		/* threads at most */
#define AGG_PAR_SLICE	4096		/* records between checks */
#define AGG_PAR_MIN	16384		/* fewer records: one thread */
#define AGG_PAR_SAMPLE	1024		/* timestamps sampled per thread */

struct agg_par;

/* One thread's work in each step. */
struct agg_worker {
	struct agg_par		*p;
	unsigned		 i;
	size_t			 lo, hi;	/* its share of seqs or bits */
	size_t			 cnt[AGG_PAR_MAX];	/* per range */
	size_t			 off[AGG_PAR_MAX];	/* scatter positions */
	struct agg		*a;		/* its range's aggregate */
	bool			 stop;		/* cancelled */
	pthread_t		 thr;
};

struct agg_par {
	const struct store	*st;
	const uint64_t		*seqs;
	size_t			 n;
	uint64_t		*bits;		/* the records as a bitmap */
	size_t			 nwords;
	struct agg_ctl		*ctl;
	unsigned		 nparts;
	int64_t			 cut[AGG_PAR_MAX];	/* ns; range k >= cut[k-1] */
	struct agg_tsseq	*w;		/* grouped by range */
	size_t			 start[AGG_PAR_MAX + 1];
	struct agg_worker	 wk[AGG_PAR_MAX];
	void			 (*step)(struct agg_worker *);
};

/*
 * Aggregates to free on a thread of their own: freeing millions of
 * counters takes a good part of a second, which neither a cancel nor a
 * finished run should wait for.  Small ones (and all, if no thread can
 * be started) are freed at once.
 */
#define AGG_PAR_BIG	65536		/* counters freed in the background */

struct agg_trash {
	struct agg	*a[AGG_PAR_MAX + 1];
	unsigned	 n;
	size_t		 nctrs;
};

static void
agg_trash_add(struct agg_trash *t, struct agg *a)
{
	if (a == NULL)
		return;
	t->a[t->n++] = a;
	t->nctrs += a->nctrs;
}

static void *
agg_trash_main(void *arg)
{
	struct agg_trash	*t = arg;
	unsigned		 i;

	for (i = 0; i < t->n; i++)
		agg_free(t->a[i]);
	free(t);
	return (NULL);
}

static void
agg_trash_empty(struct agg_trash *t)
{
	struct agg_trash	*h;
	pthread_attr_t		 attr;
	pthread_t		 thr;
	bool			 started = false;

	if (t->n == 0)
		return;
	h = xmalloc(sizeof *h);
	*h = *t;
	t->n = 0;
	t->nctrs = 0;
	if (h->nctrs >= AGG_PAR_BIG && pthread_attr_init(&attr) == 0) {
		if (pthread_attr_setdetachstate(&attr,
		    PTHREAD_CREATE_DETACHED) == 0)
			started = pthread_create(&thr, &attr, agg_trash_main,
			    h) == 0;
		pthread_attr_destroy(&attr);
	}
	if (!started)
		agg_trash_main(h);
}

static bool
agg_par_cancelled(struct agg_ctl *ctl)
{
	return (ctl != NULL &&
	    atomic_load_explicit(&ctl->cancel, memory_order_relaxed));
}

static void
agg_par_done(struct agg_ctl *ctl, uint64_t n)
{
	if (ctl != NULL && n != 0)
		atomic_fetch_add_explicit(&ctl->done, n, memory_order_relaxed);
}

static void
agg_par_phase(struct agg_ctl *ctl, enum agg_phase ph)
{
	if (ctl != NULL)
		atomic_store_explicit(&ctl->phase, (int)ph,
		    memory_order_relaxed);
}

/*
 * Merge sorted runs x[0..m) and x[m..n) into y, true if cancelled
 * (checked every AGG_PAR_SLICE * 16 elements, *work counts them).
 */
static bool
agg_sort_merge(const struct agg_tsseq *x, size_t m, size_t n,
    struct agg_tsseq *y, size_t *work, struct agg_ctl *ctl)
{
	size_t	 i = 0, j = m, o = 0;

	if (m == 0 || m == n || agg_cmp_tsseq(&x[m - 1], &x[m]) <= 0) {
		memcpy(y, x, n * sizeof *x);
		*work += n / 8;
	} else {
		while (i < m && j < n) {
			if (agg_cmp_tsseq(&x[j], &x[i]) < 0)
				y[o++] = x[j++];
			else
				y[o++] = x[i++];
		}
		memcpy(y + o, x + i, (m - i) * sizeof *x);
		o += m - i;
		memcpy(y + o, x + j, (n - j) * sizeof *x);
		*work += n;
	}
	if (*work >= AGG_PAR_SLICE * 16) {
		*work = 0;
		return (agg_par_cancelled(ctl));
	}
	return (false);
}

/*
 * Sort v[0..n) by (ts, seq): a bottom-up merge sort that skips merges of
 * runs already in order (nearly sorted input costs a few copies) and
 * checks for cancellation; false if cancelled.
 */
bool
agg_sort_tsseq(struct agg_tsseq *v, size_t n, struct agg_ctl *ctl)
{
	struct agg_tsseq	*tmp, *src, *dst, *sw, t;
	size_t			 i, j, lo, w, work = 0;

	for (lo = 0; lo < n; lo += 32) {
		for (i = lo + 1; i < n && i < lo + 32; i++) {
			t = v[i];
			for (j = i; j > lo && agg_cmp_tsseq(&t, &v[j - 1]) < 0;
			    j--)
				v[j] = v[j - 1];
			v[j] = t;
		}
		if ((lo & (AGG_PAR_SLICE * 4 - 1)) == 0 &&
		    agg_par_cancelled(ctl))
			return (false);
	}
	if (n <= 32)
		return (true);
	tmp = xreallocarray(NULL, n, sizeof *tmp);
	src = v;
	dst = tmp;
	for (w = 32; w < n; w *= 2) {
		for (lo = 0; lo < n; lo += 2 * w) {
			if (agg_sort_merge(src + lo, n - lo < w ? n - lo : w,
			    n - lo < 2 * w ? n - lo : 2 * w, dst + lo, &work,
			    ctl)) {
				free(tmp);
				return (false);
			}
		}
		sw = src;
		src = dst;
		dst = sw;
	}
	if (src != v)
		memcpy(v, src, n * sizeof *v);
	free(tmp);
	return (true);
}

/* Is v[0..n) in (ts, seq) order? */
static bool
agg_par_sorted(const struct agg_tsseq *v, size_t n)
{
	size_t	 i;

	for (i = 1; i < n; i++)
		if (agg_cmp_tsseq(&v[i - 1], &v[i]) > 0)
			return (false);
	return (true);
}

/* Sort (if needed) and aggregate v[0..n) into a; false if cancelled. */
static bool
agg_par_add(struct agg *a, const struct store *st, struct agg_tsseq *v,
    size_t n, struct agg_ctl *ctl)
{
	struct record	 r;
	size_t		 i;

	if (!agg_par_sorted(v, n) && !agg_sort_tsseq(v, n, ctl))
		return (false);
	agg_par_phase(ctl, AGG_PHASE_ADD);
	for (i = 0; i < n; i++) {
		if (store_read(st, v[i].seq, &r))
			agg_add(a, st, &r);
		if ((i + 1) % AGG_PAR_SLICE == 0) {
			agg_par_done(ctl, AGG_PAR_SLICE);
			if (agg_par_cancelled(ctl))
				return (false);
		}
	}
	agg_par_done(ctl, n % AGG_PAR_SLICE);
	return (true);
}

/* The timestamp of seq, or false if it is not held. */
static inline bool
agg_par_ts(const struct store *st, uint64_t seq, int64_t *ts)
{
	const struct store_chunk	*c;
	uint32_t			 ci;

	if (seq < st->first || seq >= st->next)
		return (false);
	c = store_chunk_of(st, seq, &ci);
	*ts = c->ts[ci];
	return (true);
}

/*
 * The held records of seqs as a bitmap over the store's seqs, with
 * *nheld the number set; NULL if cancelled or if a record is there
 * twice (*dups: then seqs are read as they are).  Reading the time
 * column in seq order afterwards is sequential whatever order the view
 * has (sorted by latency, say), and records mostly arrive in time order,
 * so the result is mostly sorted already.
 */
static uint64_t *
agg_par_bits(const struct store *st, const uint64_t *seqs, size_t n,
    struct agg_ctl *ctl, size_t *nwords, size_t *nheld, bool *dups)
{
	uint64_t	*bits, d, bit;
	size_t		 i, held = 0;

	*dups = false;
	*nwords = (size_t)((store_count(st) + 63) / 64);
	bits = xcalloc(*nwords + 1, sizeof *bits);
	for (i = 0; i < n; i++) {
		if (seqs[i] < st->first || seqs[i] >= st->next)
			continue;
		d = seqs[i] - st->first;
		bit = 1ULL << (d & 63);
		if (bits[d >> 6] & bit) {
			*dups = true;
			break;
		}
		bits[d >> 6] |= bit;
		held++;
		if ((i & (AGG_PAR_SLICE * 16 - 1)) == 0 &&
		    agg_par_cancelled(ctl))
			break;
	}
	if (i < n) {
		free(bits);
		return (NULL);
	}
	*nheld = held;
	return (bits);
}

/* The range of timestamp ts. */
static inline unsigned
agg_par_range(const struct agg_par *p, int64_t ts)
{
	unsigned	 k = 0;

	while (k + 1 < p->nparts && ts >= p->cut[k])
		k++;
	return (k);
}

/* Step 1: count this thread's share of records per range. */
static void
agg_par_count(struct agg_worker *w)
{
	struct agg_par	*p = w->p;
	int64_t		 ts;
	size_t		 i, gone = 0;
	uint64_t	 b, seq;

	if (p->bits != NULL) {
		for (i = w->lo; i < w->hi; i++) {
			for (b = p->bits[i]; b != 0; b &= b - 1) {
				seq = p->st->first + i * 64 +
				    (uint64_t)__builtin_ctzll(b);
				ts = store_ts_of(p->st, seq);
				w->cnt[agg_par_range(p, ts)]++;
			}
			if ((i & 1023) == 0 && agg_par_cancelled(p->ctl)) {
				w->stop = true;
				return;
			}
		}
		return;
	}
	for (i = w->lo; i < w->hi; i++) {
		if (agg_par_ts(p->st, p->seqs[i], &ts))
			w->cnt[agg_par_range(p, ts)]++;
		else
			gone++;
		if ((i & (AGG_PAR_SLICE * 4 - 1)) == 0 &&
		    agg_par_cancelled(p->ctl)) {
			w->stop = true;
			return;
		}
	}
	/* Records no longer held go through at once. */
	agg_par_done(p->ctl, gone);
}

/* Step 2: scatter this thread's share into its places. */
static void
agg_par_scatter(struct agg_worker *w)
{
	struct agg_par		*p = w->p;
	struct agg_tsseq	*e;
	int64_t			 ts;
	size_t			 i;
	uint64_t		 b, seq;

	if (p->bits != NULL) {
		for (i = w->lo; i < w->hi; i++) {
			for (b = p->bits[i]; b != 0; b &= b - 1) {
				seq = p->st->first + i * 64 +
				    (uint64_t)__builtin_ctzll(b);
				ts = store_ts_of(p->st, seq);
				e = &p->w[w->off[agg_par_range(p, ts)]++];
				e->ts = ts;
				e->seq = seq;
			}
			if ((i & 1023) == 0 && agg_par_cancelled(p->ctl)) {
				w->stop = true;
				return;
			}
		}
		return;
	}
	for (i = w->lo; i < w->hi; i++) {
		if (!agg_par_ts(p->st, p->seqs[i], &ts))
			continue;
		e = &p->w[w->off[agg_par_range(p, ts)]++];
		e->ts = ts;
		e->seq = p->seqs[i];
		if ((i & (AGG_PAR_SLICE * 4 - 1)) == 0 &&
		    agg_par_cancelled(p->ctl)) {
			w->stop = true;
			return;
		}
	}
}

/* Step 3: sort and aggregate range i. */
static void
agg_par_range_add(struct agg_worker *w)
{
	struct agg_par	*p = w->p;

	if (!agg_par_add(w->a, p->st, p->w + p->start[w->i],
	    p->start[w->i + 1] - p->start[w->i], p->ctl))
		w->stop = true;
}

static void *
agg_par_main(void *arg)
{
	struct agg_worker	*w = arg;

	w->p->step(w);
	return (NULL);
}

/*
 * Run step on every worker, one on the calling thread; true if any was
 * cancelled.  A thread that cannot be started runs on the caller.
 */
static bool
agg_par_run(struct agg_par *p, void (*step)(struct agg_worker *))
{
	bool		 started[AGG_PAR_MAX], stop = false;
	unsigned	 i;

	p->step = step;
	for (i = 1; i < p->nparts; i++)
		started[i] = pthread_create(&p->wk[i].thr, NULL, agg_par_main,
		    &p->wk[i]) == 0;
	step(&p->wk[0]);
	for (i = 1; i < p->nparts; i++) {
		if (started[i])
			pthread_join(p->wk[i].thr, NULL);
		else
			step(&p->wk[i]);
	}
	for (i = 0; i < p->nparts; i++)
		stop = stop || p->wk[i].stop;
	return (stop);
}

static int
agg_par_cmp_ts(const void *va, const void *vb)
{
	int64_t	 x = *(const int64_t *)va, y = *(const int64_t *)vb;

	return (x < y ? -1 : x > y);
}

/*
 * Choose the cuts: the quantiles of a sample of timestamps, so that each
 * range holds about as many records.  Returns the number of ranges (1 if
 * none can be cut: too few distinct timestamps).
 */
static unsigned
agg_par_cuts(struct agg_par *p, unsigned want)
{
	int64_t		*smp, ts, cut, prev;
	size_t		 ns = 0, i, step;
	unsigned	 k, m = 1;

	step = p->n / ((size_t)AGG_PAR_SAMPLE * want);
	if (step == 0)
		step = 1;
	smp = xreallocarray(NULL, p->n / step + 1, sizeof *smp);
	for (i = 0; i < p->n; i += step)
		if (agg_par_ts(p->st, p->seqs[i], &ts))
			smp[ns++] = ts;
	if (ns < want) {
		free(smp);
		return (1);
	}
	qsort(smp, ns, sizeof *smp, agg_par_cmp_ts);
	prev = smp[0];
	for (k = 1; k < want; k++) {
		cut = smp[ns * k / want];
		if (cut <= prev)
			continue;
		p->cut[m - 1] = prev = cut;
		m++;
	}
	free(smp);
	return (m);
}

/*
 * The parallel run; NULL if cancelled, or with *redo if it must be done
 * on one thread after all.
 */
static struct agg *
agg_par_compute(struct agg_par *p, unsigned want,
    const struct agg_config *cfg, bool *redo)
{
	struct agg	*a = NULL;
	struct agg_trash trash;
	size_t		 k, i, pos, t;
	bool		 stop = true;

	memset(&trash, 0, sizeof trash);

	*redo = true;
	p->nparts = agg_par_cuts(p, want);
	if (p->nparts < 2)
		return (NULL);
	*redo = false;
	for (i = 0; i < p->nparts; i++) {
		p->wk[i].p = p;
		p->wk[i].i = (unsigned)i;
		t = p->bits != NULL ? p->nwords : p->n;
		p->wk[i].lo = t * i / p->nparts;
		p->wk[i].hi = t * (i + 1) / p->nparts;
		if ((p->wk[i].a = agg_create(cfg, NULL)) == NULL)
			goto out;
	}
	if (agg_par_run(p, agg_par_count))
		goto out;
	pos = 0;
	for (k = 0; k < p->nparts; k++) {
		p->start[k] = pos;
		for (i = 0; i < p->nparts; i++) {
			p->wk[i].off[k] = pos;
			pos += p->wk[i].cnt[k];
		}
	}
	p->start[p->nparts] = pos;
	p->w = xreallocarray(NULL, pos + 1, sizeof *p->w);
	if (agg_par_run(p, agg_par_scatter) ||
	    agg_par_run(p, agg_par_range_add))
		goto out;

	agg_par_phase(p->ctl, AGG_PHASE_MERGE);
	free(p->w);
	p->w = NULL;
	a = p->wk[0].a;
	p->wk[0].a = NULL;
	for (i = 1; i < p->nparts; i++) {
		if (agg_par_cancelled(p->ctl))
			goto out;
		if (!agg_merge(a, p->wk[i].a, p->ctl)) {
			/* Cancelled; or cannot happen. */
			*redo = !agg_par_cancelled(p->ctl);
			goto out;
		}
		agg_trash_add(&trash, p->wk[i].a);
		p->wk[i].a = NULL;
	}
	stop = false;
out:
	free(p->w);
	p->w = NULL;
	for (i = 0; i < p->nparts; i++) {
		agg_trash_add(&trash, p->wk[i].a);
		p->wk[i].a = NULL;
	}
	if (stop) {
		agg_trash_add(&trash, a);
		a = NULL;
	}
	agg_trash_empty(&trash);
	return (a);
}

/*
 * Aggregate the records seqs[0..n) of st as agg_compute does, on
 * ctl->threads threads, and finish.  NULL with *cause on a bad
 * configuration, NULL with *cause NULL if ctl->cancel was set.  ctl may
 * be NULL (one thread, no cancel, no progress).
 */
struct agg *
agg_compute_ctl(const struct store *st, const uint64_t *seqs, size_t n,
    const struct agg_config *cfg, struct agg_ctl *ctl, char **cause)
{
	struct agg		*a;
	struct agg_tsseq	*v;
	struct agg_par		 p;
	struct agg_trash	 trash;
	uint64_t		*bits, b;
	unsigned		 want;
	size_t			 i, m = 0, nwords = 0, nheld = 0;
	bool			 redo, dups;

	if (cause != NULL)
		*cause = NULL;
	if (ctl != NULL)
		ctl->parts = 1;
	if ((a = agg_create(cfg, cause)) == NULL)
		return (NULL);
	agg_par_phase(ctl, AGG_PHASE_ORDER);
	want = ctl == NULL ? 1 : ctl->threads;
	if (want > AGG_PAR_MAX)
		want = AGG_PAR_MAX;
	bits = agg_par_bits(st, seqs, n, ctl, &nwords, &nheld, &dups);
	if (bits == NULL && !dups) {
		agg_free(a);
		return (NULL);
	}
	if (bits != NULL)
		agg_par_done(ctl, n - nheld);
	if (want > 1 && n >= AGG_PAR_MIN) {
		agg_free(a);
		memset(&p, 0, sizeof p);
		p.st = st;
		p.seqs = seqs;
		p.n = n;
		p.bits = bits;
		p.nwords = nwords;
		p.ctl = ctl;
		a = agg_par_compute(&p, want, cfg, &redo);
		if (a == NULL && !redo) {
			free(bits);
			return (NULL);
		}
		if (a != NULL) {
			ctl->parts = p.nparts;
			goto finish;
		}
		/* On this thread after all. */
		if ((a = agg_create(cfg, cause)) == NULL) {
			free(bits);
			return (NULL);
		}
	}

	v = xreallocarray(NULL, (bits != NULL ? nheld : n) + 1, sizeof *v);
	if (bits != NULL) {
		for (i = 0; i < nwords; i++) {
			for (b = bits[i]; b != 0; b &= b - 1) {
				v[m].seq = st->first + i * 64 +
				    (uint64_t)__builtin_ctzll(b);
				v[m].ts = store_ts_of(st, v[m].seq);
				m++;
			}
			if ((i & 1023) == 0 && agg_par_cancelled(ctl))
				goto cancel;
		}
	} else {
		for (i = 0; i < n; i++) {
			if (agg_par_ts(st, seqs[i], &v[m].ts))
				v[m++].seq = seqs[i];
			if ((i & (AGG_PAR_SLICE * 4 - 1)) == 0 &&
			    agg_par_cancelled(ctl))
				goto cancel;
		}
		agg_par_done(ctl, n - m);
	}
	if (!agg_par_add(a, st, v, m, ctl))
		goto cancel;
	free(v);

finish:
	free(bits);
	bits = NULL;
	if (!agg_par_cancelled(ctl)) {
		agg_par_phase(ctl, AGG_PHASE_FINISH);
		a->ctl = ctl;
		agg_finish(a);
		a->ctl = NULL;
		if (a->finished)
			return (a);
	}
	v = NULL;

cancel:
	free(bits);
	free(v);
	memset(&trash, 0, sizeof trash);
	agg_trash_add(&trash, a);
	agg_trash_empty(&trash);
	return (NULL);
}
