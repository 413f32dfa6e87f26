/* SPDX-License-Identifier: ISC */
/*
 * Incremental aggregates for live sources: an accumulator that records
 * are added to as they arrive, and whose snapshot (a finished struct
 * agg) equals agg_compute over every record added so far, without
 * aggregating them again.
 *
 * agg_compute adds records in (timestamp, seq) order; buckets never
 * interact, so an accumulator gives the same result as long as the
 * records of each bucket come in that order.  Live records arrive nearly
 * but not exactly in time order (several gateways push to one list), so
 * the newest records are held back: a record is committed (aggregated)
 * once it is more than hold ns older than the newest timestamp seen, in
 * order; the held ones are added to each snapshot's copy only.  A record
 * that arrives after a later record of its bucket was committed cannot
 * be placed (so can a record far ahead of the others, from a gateway
 * whose clock is wrong, commit everything before it; bad records and gap
 * markers, whose times are guesses and which are never aggregated, move
 * no window): agg_acc_add says so (false, and from then on), and the
 * caller starts over with a new accumulator.  The caller starts over too
 * when the store evicts records it added (the accumulator keeps what it
 * was given; agg_compute sees only what is held).
 *
 * A snapshot copies the committed aggregate (counters, strings, caches:
 * proportional to the counters, not the records), adds the held records
 * to the copy and finishes it.
 */
#include "config.h"

#include "agg.h"

#include <stdlib.h>
#include <string.h>

#include "agg-hash.h"
#include "agg-impl.h"
#include "record.h"
#include "store.h"
#include "xmalloc.h"

/* The last record committed to a bucket. */
struct agg_acc_last {
	struct agg_tsseq	 e;
	bool			 set;
};

struct agg_acc {
	struct agg_config	 cfg;
	char			*tz;		/* owned copy of cfg.tz */
	struct agg		*a;		/* the committed records */
	struct agg_tsseq	*held;		/* [head, nheld) sorted */
	size_t			 head, nheld, held_cap;
	int64_t			 hold;		/* ns */
	int64_t			 newest;	/* ts, INT64_MIN before any */
	struct agg_acc_last	*last;		/* per bucket of a */
	uint32_t		 last_cap;
	bool			 stale;
};

/*
 * An empty accumulator holding back records for hold ns (0: every record
 * is committed at once, so any disorder between calls makes it stale).
 * NULL with *cause if the zone is unknown.  cfg's tag prefixes are
 * borrowed and must outlive it.
 */
struct agg_acc *
agg_acc_create(const struct agg_config *cfg, int64_t hold, char **cause)
{
	struct agg_acc	*acc;
	struct agg	*a;

	if ((a = agg_create(cfg, cause)) == NULL)
		return (NULL);
	acc = xcalloc(1, sizeof *acc);
	if (cfg != NULL)
		acc->cfg = *cfg;
	if (acc->cfg.tz != NULL) {
		acc->tz = xstrdup(acc->cfg.tz);
		acc->cfg.tz = acc->tz;
	}
	acc->a = a;
	acc->hold = hold < 0 ? 0 : hold;
	acc->newest = INT64_MIN;
	return (acc);
}

void
agg_acc_free(struct agg_acc *acc)
{
	if (acc == NULL)
		return;
	agg_free(acc->a);
	free(acc->held);
	free(acc->last);
	free(acc->tz);
	free(acc);
}

/* Aggregate one record into a; false if it came too late for its bucket. */
static bool
agg_acc_commit(struct agg_acc *acc, struct agg *a, const struct store *st,
    const struct agg_tsseq *e, bool check)
{
	struct record	 r;
	uint32_t	 bi, n;

	if (!store_read(st, e->seq, &r) || !agg_add(a, st, &r) || !check)
		return (true);
	bi = a->last_bucket;
	if (bi >= acc->last_cap) {
		n = a->nbuckets + a->nbuckets / 2 + 16;
		acc->last = xreallocarray(acc->last, n, sizeof *acc->last);
		memset(acc->last + acc->last_cap, 0,
		    (size_t)(n - acc->last_cap) * sizeof *acc->last);
		acc->last_cap = n;
	}
	if (acc->last[bi].set && agg_cmp_tsseq(e, &acc->last[bi].e) < 0)
		return (false);
	acc->last[bi].e = *e;
	acc->last[bi].set = true;
	return (true);
}

/*
 * Add records seqs[0..n) (in any order; those not held are skipped).
 * False if a record came after a later one of its bucket was committed,
 * or any earlier call said so: start over.
 */
bool
agg_acc_add(struct agg_acc *acc, const struct store *st,
    const uint64_t *seqs, size_t n)
{
	const struct store_chunk	*c;
	struct agg_tsseq		*v, *w, *e;
	size_t				 i, j, k, m = 0, lo, hi, mid, t;
	uint32_t			 ci;

	if (acc->stale)
		return (false);
	v = xreallocarray(NULL, n + 1, sizeof *v);
	for (i = 0; i < n; i++) {
		if (seqs[i] < st->first || seqs[i] >= st->next)
			continue;
		c = store_chunk_of(st, seqs[i], &ci);
		v[m].ts = c->ts[ci];
		v[m++].seq = seqs[i];
		/* A bad record's time is a guess: it moves no window. */
		if (!(c->flags[ci] & (REC_BAD | REC_GAP)) &&
		    c->ts[ci] > acc->newest)
			acc->newest = c->ts[ci];
	}
	agg_sort_tsseq(v, m, NULL);

	/*
	 * Merge into the held records from where the batch starts: new
	 * records are mostly the newest, so this is mostly an append.
	 */
	if (m > 0) {
		lo = acc->head;
		hi = acc->nheld;
		while (lo < hi) {
			mid = lo + (hi - lo) / 2;
			if (agg_cmp_tsseq(&acc->held[mid], &v[0]) <= 0)
				lo = mid + 1;
			else
				hi = mid;
		}
		t = acc->nheld - lo;
		if (acc->nheld + m > acc->held_cap) {
			acc->held_cap = (acc->nheld + m) * 2;
			acc->held = xreallocarray(acc->held, acc->held_cap,
			    sizeof *acc->held);
		}
		w = xreallocarray(NULL, t + 1, sizeof *w);
		memcpy(w, acc->held + lo, t * sizeof *w);
		i = j = 0;
		k = lo;
		while (i < t || j < m) {
			if (j == m ||
			    (i < t && agg_cmp_tsseq(&w[i], &v[j]) <= 0))
				acc->held[k++] = w[i++];
			else
				acc->held[k++] = v[j++];
		}
		acc->nheld = k;
		free(w);
	}
	free(v);

	/* Commit those older than the window. */
	for (; acc->head < acc->nheld; acc->head++) {
		e = &acc->held[acc->head];
		if (acc->hold > 0 && e->ts > acc->newest - acc->hold)
			break;
		if (!agg_acc_commit(acc, acc->a, st, e, true)) {
			acc->stale = true;
			return (false);
		}
	}
	if (acc->head > acc->nheld - acc->head) {
		memmove(acc->held, acc->held + acc->head,
		    (acc->nheld - acc->head) * sizeof *acc->held);
		acc->nheld -= acc->head;
		acc->head = 0;
	}
	return (true);
}

/* Deep copy of an unfinished aggregate, with its own zone. */
static struct agg *
agg_acc_dup(const struct agg *a, const struct agg_config *cfg, char **cause)
{
	struct agg	*d;
	struct slice	 s;
	uint32_t	 i;

	if ((d = agg_create(cfg, cause)) == NULL)
		return (NULL);
	for (i = 1; i < a->strs.count; i++) {
		s = agg_str(a, i);
		strtab_intern(&d->strs, s.ptr, s.len);
	}
	d->buckets = xreallocarray(NULL, a->nbuckets + 1, sizeof *d->buckets);
	if (a->nbuckets > 0)	/* none yet: a->buckets is NULL */
		memcpy(d->buckets, a->buckets, a->nbuckets *
		    sizeof *d->buckets);
	d->nbuckets = d->buckets_cap = a->nbuckets;
	for (i = 0; i < a->nbuckets; i++) {
		d->buckets[i].chash = agg_hash_dup(a->buckets[i].chash);
		if (a->buckets[i].ctab != NULL) {
			d->buckets[i].ctab = xreallocarray(NULL,
			    (size_t)a->buckets[i].ctab_mask + 1,
			    sizeof *d->buckets[i].ctab);
			memcpy(d->buckets[i].ctab, a->buckets[i].ctab,
			    ((size_t)a->buckets[i].ctab_mask + 1) *
			    sizeof *d->buckets[i].ctab);
		}
	}
	agg_ctrs_reserve(d, a->nctrs + 1);
	if (a->nctrs > 0)
		memcpy(d->ctrs, a->ctrs, a->nctrs * sizeof *d->ctrs);
	d->nctrs = a->nctrs;
	for (i = 0; i < a->nctrs; i++) {
		if (a->ctrs[i].errs == NULL)
			continue;
		d->ctrs[i].errs = xreallocarray(NULL, a->ctrs[i].errs_cap,
		    sizeof *d->ctrs[i].errs);
		memcpy(d->ctrs[i].errs, a->ctrs[i].errs,
		    a->ctrs[i].nerrs * sizeof *d->ctrs[i].errs);
	}
	d->added = a->added;
	d->excluded = a->excluded;
	agg_hash_free(d->hash);
	agg_hash_free(d->kcache);
	agg_hash_free(d->hhash);
	d->hash = agg_hash_dup(a->hash);
	d->kcache = agg_hash_dup(a->kcache);
	d->hhash = agg_hash_dup(a->hhash);
	if (a->map_cap > 0) {
		d->map = xreallocarray(NULL, a->map_cap, sizeof *d->map);
		memcpy(d->map, a->map, a->map_cap * sizeof *d->map);
		d->map_cap = a->map_cap;
	}
	if (a->tagpool_len > 0) {
		d->tagpool = xreallocarray(NULL, a->tagpool_len,
		    sizeof *d->tagpool);
		memcpy(d->tagpool, a->tagpool,
		    a->tagpool_len * sizeof *d->tagpool);
		d->tagpool_len = d->tagpool_cap = a->tagpool_len;
	}
	if (a->nhists > 0) {
		d->hists = xreallocarray(NULL, a->nhists,
		    AGG_HIST_N * sizeof *d->hists);
		memcpy(d->hists, a->hists,
		    (size_t)a->nhists * AGG_HIST_N * sizeof *d->hists);
		d->nhists = d->hists_cap = a->nhists;
	}
	if (a->nlctrs > 0) {
		d->lctrs = xreallocarray(NULL, a->nlctrs, sizeof *d->lctrs);
		memcpy(d->lctrs, a->lctrs, a->nlctrs * sizeof *d->lctrs);
		d->nlctrs = d->lctrs_cap = a->nlctrs;
		for (i = 0; i < a->nlctrs; i++) {
			if (a->lctrs[i].errs == NULL)
				continue;
			d->lctrs[i].errs = xreallocarray(NULL,
			    a->lctrs[i].errs_cap, sizeof *d->lctrs[i].errs);
			memcpy(d->lctrs[i].errs, a->lctrs[i].errs,
			    a->lctrs[i].nerrs * sizeof *d->lctrs[i].errs);
		}
	}
	d->hour_lo = a->hour_lo;
	d->hour_hi = a->hour_hi;
	d->hour_start = a->hour_start;
	memcpy(d->hour_ymdh, a->hour_ymdh, sizeof d->hour_ymdh);
	d->last_org = a->last_org;
	d->last_lo = a->last_lo;
	d->last_hi = a->last_hi;
	d->last_bucket = a->last_bucket;
	return (d);
}

/*
 * The finished aggregate of every record added so far (free it with
 * agg_free); the accumulator stays usable.  NULL with *cause if the zone
 * can no longer be read.
 */
struct agg *
agg_acc_snapshot(const struct agg_acc *acc, const struct store *st,
    char **cause)
{
	struct agg	*d;
	size_t		 i;

	if (cause != NULL)
		*cause = NULL;
	if ((d = agg_acc_dup(acc->a, &acc->cfg, cause)) == NULL)
		return (NULL);
	for (i = acc->head; i < acc->nheld; i++)
		agg_acc_commit(NULL, d, st, &acc->held[i], false);
	agg_finish(d);
	return (d);
}

/* Has a record come too late (start over)? */
bool
agg_acc_stale(const struct agg_acc *acc)
{
	return (acc->stale);
}
