/* SPDX-License-Identifier: ISC */
/*
 * Merging two unfinished aggregates of the same store, every record of
 * the second later (in aggregation order) than every record of the
 * first: what agg-par.c's threads computed for consecutive time ranges
 * becomes the one aggregate a single pass over both ranges gives, even
 * when a range boundary falls inside an hour bucket.
 *
 * A counter of both is what a single pass gives because every later
 * record merges into the counter the earlier ones made (agg_rc_merge's
 * rules): sums add, maxima take the larger, the minimum is the earlier
 * one lowered by the later records that may lower it (nemin: records
 * that are not errors, for the org total successes; unless the earlier
 * total had no hit, when the later one's stands), lasttime stays the
 * earlier (the org total's and the bucket's: the later), names and first
 * and last access follow the later records that set them.
 *
 * Why the result is the same, not only equal in output.  A single pass
 * creates buckets, counters, errormap entries and tag lists in record
 * order (agg_finish folds the lists into tag counters at the end), so
 * appending the second aggregate's new ones after the first's, in its
 * order, gives the single pass's arrays, index for index.  Strings are
 * interned in the second aggregate's id order, which is the order in
 * which a single pass would first have met those the first lacks.  Only
 * caches differ (escaped keys, store id map), and caches change no
 * result.
 */
#include "config.h"

#include "agg.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "agg-hash.h"
#include "agg-impl.h"
#include "log.h"
#include "xmalloc.h"

/* Make room for n more elements of size sz in *p (capacity *cap). */
static void
agg_merge_grow(void **p, uint32_t *cap, uint32_t used, uint32_t n, size_t sz)
{
	uint32_t	 want;

	if (n > UINT32_MAX / 2 - used)
		fatalx("aggregate too large to merge");
	want = used + n;
	if (want <= *cap)
		return;
	*cap = want < 64 ? 64 : want;
	*p = xreallocarray(*p, *cap, sz);
}

/* Merge counter y (of the later part) into x, of the same identity. */
static void
agg_merge_counter(struct agg *a, uint32_t xi, const struct agg_counter *y,
    const uint32_t *smap)
{
	struct agg_counter	*x = &a->ctrs[xi];
	uint32_t		 e;

	if (x->dim == AGG_TOTAL) {
		if (x->hits == 0) {
			x->minlatency = y->minlatency;
			x->minupstreamlatency = y->minupstreamlatency;
		} else {
			if (y->nemin < x->minlatency)
				x->minlatency = y->nemin;
			if (y->nemin_up < x->minupstreamlatency)
				x->minupstreamlatency = y->nemin_up;
		}
		x->lasttime = y->lasttime;
	} else {
		if (y->nemin < x->minlatency)
			x->minlatency = y->nemin;
		if (y->nemin_up < x->minupstreamlatency)
			x->minupstreamlatency = y->nemin_up;
	}
	if (y->hits > 0) {
		/* Set by every record with a hit. */
		if (x->dim != AGG_TOTAL) {
			x->identifier = smap[y->identifier];
			x->humanidentifier = smap[y->humanidentifier];
		}
		if (x->first_ts == 0)
			x->first_ts = y->first_ts;
		x->last_ts = y->last_ts;
	}
	if (y->nemin < x->nemin)
		x->nemin = y->nemin;
	if (y->nemin_up < x->nemin_up)
		x->nemin_up = y->nemin_up;
	if (y->maxlatency > x->maxlatency)
		x->maxlatency = y->maxlatency;
	if (y->maxupstreamlatency > x->maxupstreamlatency)
		x->maxupstreamlatency = y->maxupstreamlatency;
	x->hits += y->hits;
	x->success += y->success;
	x->errortotal += y->errortotal;
	x->totalrequesttime += y->totalrequesttime;
	x->totallatency += y->totallatency;
	x->totalupstreamlatency += y->totalupstreamlatency;
	x->openconnections += y->openconnections;
	x->closedconnections += y->closedconnections;
	x->bytesin += y->bytesin;
	x->bytesout += y->bytesout;
	for (e = 0; e < y->nerrs; e++)
		agg_counter_add_err(a, xi, smap[y->errs[e].code],
		    y->errs[e].count);
}

/* Merge tag-list counter y (of the later part) into x, of the same list. */
static void
agg_merge_lctr(struct agg_lctr *x, const struct agg_lctr *y,
    const uint32_t *smap)
{
	uint32_t	 e, i;

	x->hits += y->hits;
	x->success += y->success;
	x->errortotal += y->errortotal;
	x->totalrequesttime += y->totalrequesttime;
	x->totallatency += y->totallatency;
	x->totalupstreamlatency += y->totalupstreamlatency;
	if (y->maxlatency > x->maxlatency)
		x->maxlatency = y->maxlatency;
	if (y->maxupstreamlatency > x->maxupstreamlatency)
		x->maxupstreamlatency = y->maxupstreamlatency;
	if (y->nemin < x->nemin)
		x->nemin = y->nemin;
	if (y->nemin_up < x->nemin_up)
		x->nemin_up = y->nemin_up;
	if (y->last_ts > x->last_ts)
		x->last_ts = y->last_ts;
	for (e = 0; e < y->nerrs; e++) {
		for (i = 0; i < x->nerrs; i++)
			if (x->errs[i].code == smap[y->errs[e].code])
				break;
		if (i == x->nerrs) {
			if (x->nerrs == x->errs_cap) {
				x->errs_cap = x->errs_cap == 0 ? 2 :
				    x->errs_cap * 2;
				x->errs = xreallocarray(x->errs, x->errs_cap,
				    sizeof *x->errs);
			}
			x->errs[i].code = smap[y->errs[e].code];
			x->errs[i].count = 0;
			x->nerrs++;
		}
		x->errs[i].count += y->errs[e].count;
	}
}

/* The bucket key of (org, start). */
static void
agg_merge_bkey(struct agg_hkey *k, uint32_t org, int64_t start)
{
	memset(k, 0, sizeof *k);
	k->kind = AGG_K_BUCKET;
	k->bucket = org;
	k->a = (uint32_t)((uint64_t)start & 0xffffffff);
	k->b = (uint32_t)((uint64_t)start >> 32);
}

/* Has ctl's run been cancelled? */
static bool
agg_merge_cancelled(struct agg_ctl *ctl)
{
	return (ctl != NULL &&
	    atomic_load_explicit(&ctl->cancel, memory_order_relaxed));
}

/*
 * Move everything of b into a (see above); b is left empty, to be
 * freed.  False (a and b then of no use but to be freed) if either is
 * finished or stored documents, or if ctl (may be NULL) is cancelled
 * meanwhile.
 */
bool
agg_merge(struct agg *a, struct agg *b, struct agg_ctl *ctl)
{
	struct agg_hkey		 k;
	struct agg_bucket	*x, *y;
	struct agg_counter	*c;
	struct agg_counter	*yc;
	struct agg_lctr		*l;
	struct agg_hash		*h;
	struct slice		 s;
	uint32_t		*smap, *bmap, *cmap, *lmap, *tmap, i, j, n, v;
	uint32_t		 hv, toff;
	bool			*shared;
	size_t			 t;

	if (a->finished || b->finished || a->is_stored || b->is_stored)
		return (false);
	smap = xreallocarray(NULL, (size_t)b->strs.count + 1, sizeof *smap);
	for (i = 0; i < b->strs.count; i++) {
		s = agg_str(b, i);
		smap[i] = agg_intern(a, s.ptr, s.len);
	}

	if (agg_merge_cancelled(ctl)) {
		free(smap);
		return (false);
	}

	/* Buckets: those a has are shared, the others appended in order. */
	bmap = xreallocarray(NULL, (size_t)b->nbuckets + 1, sizeof *bmap);
	shared = xcalloc((size_t)b->nbuckets + 1, sizeof *shared);
	agg_merge_grow((void **)&a->buckets, &a->buckets_cap, a->nbuckets,
	    b->nbuckets, sizeof *a->buckets);
	for (i = 0; i < b->nbuckets; i++) {
		y = &b->buckets[i];
		agg_merge_bkey(&k, smap[y->org], y->timestamp);
		if ((v = agg_hash_find(a->hash, &k)) != AGG_NONE) {
			bmap[i] = v;
			shared[i] = true;
			x = &a->buckets[v];
			x->lasttime = y->lasttime;
			x->records += y->records;
			continue;
		}
		bmap[i] = a->nbuckets++;
		x = &a->buckets[bmap[i]];
		*x = *y;
		x->org = smap[y->org];
		y->chash = NULL;	/* moves, renumbered below */
		/* Its counters are put back below: room for them all. */
		x->ctab = y->ctab == NULL ? NULL :
		    xcalloc((size_t)y->ctab_mask + 1, sizeof *x->ctab);
		x->ctab_n = 0;
		agg_hash_put(a->hash, &k, bmap[i]);
	}

	/* Counters: merged into a's in shared buckets, else appended. */
	cmap = xreallocarray(NULL, (size_t)b->nctrs + 1, sizeof *cmap);
	if (b->nctrs > UINT32_MAX / 2 - a->nctrs)
		fatalx("aggregate too large to merge");
	agg_ctrs_reserve(a, a->nctrs + b->nctrs);
	for (i = 0; i < b->nctrs; i++) {
		if ((i & 65535) == 65535 && agg_merge_cancelled(ctl)) {
			/* Everything moved so far is a's: both free cleanly. */
			free(cmap);
			free(shared);
			free(bmap);
			free(smap);
			return (false);
		}
		yc = &b->ctrs[i];
		v = AGG_NONE;
		if (shared[yc->bucket])
			v = agg_counter_find(a, bmap[yc->bucket],
			    (enum agg_dim)yc->dim, smap[yc->parent],
			    smap[yc->key]);
		if (v != AGG_NONE) {
			agg_merge_counter(a, v, yc, smap);
			cmap[i] = v;
			continue;
		}
		cmap[i] = v = a->nctrs++;
		c = &a->ctrs[v];
		*c = *yc;
		c->identifier = smap[c->identifier];
		c->humanidentifier = smap[c->humanidentifier];
		c->parent = smap[c->parent];
		c->key = smap[c->key];
		c->bucket = bmap[yc->bucket];
		/* The errormap moves. */
		for (j = 0; j < c->nerrs; j++)
			c->errs[j].code = smap[c->errs[j].code];
		yc->errs = NULL;
		yc->nerrs = yc->errs_cap = 0;
		if (c->dim == AGG_TOTAL)
			a->buckets[c->bucket].total = v;
		else
			agg_ctab_put(a, &a->buckets[c->bucket],
			    agg_ctab_hash((enum agg_dim)c->dim, c->parent,
			    c->key), v);
	}

	/* Tag lists: the pool's lists, then the counters that use them. */
	tmap = xreallocarray(NULL, b->tagpool_len + 1, sizeof *tmap);
	if (b->tagpool_len > a->tagpool_cap - a->tagpool_len) {
		a->tagpool_cap = a->tagpool_len + b->tagpool_len;
		a->tagpool = xreallocarray(a->tagpool, a->tagpool_cap,
		    sizeof *a->tagpool);
	}
	for (t = 0; t < b->tagpool_len; t += 1 + n) {
		toff = (uint32_t)a->tagpool_len;
		tmap[t] = toff;
		a->tagpool[toff] = b->tagpool[t];
		n = b->tagpool[t] & ~AGG_TAG_GQL;
		for (j = 0; j < n; j++)
			a->tagpool[toff + 1 + j] = smap[b->tagpool[t + 1 + j]];
		a->tagpool_len += 1 + n;
	}
	lmap = xreallocarray(NULL, (size_t)b->nlctrs + 1, sizeof *lmap);
	agg_merge_grow((void **)&a->lctrs, &a->lctrs_cap, a->nlctrs,
	    b->nlctrs, sizeof *a->lctrs);
	/* Each list's store blob id, from b's bucket caches. */
	for (i = 0; i < b->nlctrs; i++)
		lmap[i] = AGG_NONE;
	for (i = 0; i < b->nbuckets; i++) {
		if (!shared[i])
			continue;
		h = b->buckets[i].chash;
		for (j = 0; j <= h->mask; j++)
			if (h->e[j].k.kind == AGG_K_TAGLIST)
				lmap[h->e[j].v] = h->e[j].k.a;
	}
	memset(&k, 0, sizeof k);
	k.kind = AGG_K_TAGLIST;
	for (i = 0; i < b->nlctrs; i++) {
		if (!shared[b->lctrs[i].bucket])
			continue;
		k.a = lmap[i];
		lmap[i] = AGG_NONE;
		v = agg_hash_find(a->buckets[bmap[b->lctrs[i].bucket]].chash,
		    &k);
		if (v != AGG_NONE) {
			agg_merge_lctr(&a->lctrs[v], &b->lctrs[i], smap);
			lmap[i] = v;
		}
	}
	for (i = 0; i < b->nlctrs; i++) {
		if (lmap[i] != AGG_NONE)
			continue;
		lmap[i] = v = a->nlctrs++;
		l = &a->lctrs[v];
		*l = b->lctrs[i];
		l->bucket = bmap[l->bucket];
		l->tags = tmap[l->tags];
		for (j = 0; j < l->nerrs; j++)
			l->errs[j].code = smap[l->errs[j].code];
		b->lctrs[i].errs = NULL;
		b->lctrs[i].nerrs = b->lctrs[i].errs_cap = 0;
	}

	/*
	 * Bucket caches: a moved one renumbered in place, a shared one
	 * given b's entries it lacks.
	 */
	for (i = 0; i < b->nbuckets; i++) {
		x = &a->buckets[bmap[i]];
		h = shared[i] ? b->buckets[i].chash : x->chash;
		for (j = 0; j <= h->mask; j++) {
			k = h->e[j].k;
			if (k.kind == AGG_K_TAGLIST)
				v = lmap[h->e[j].v];
			else if (k.kind >= AGG_K_HOT &&
			    k.kind < AGG_K_HOT + AGG_NDIMS)
				v = cmap[h->e[j].v];
			else
				continue;
			if (!shared[i])
				h->e[j].v = v;
			else if (agg_hash_find(x->chash, &k) == AGG_NONE)
				agg_hash_put(x->chash, &k, v);
		}
	}

	/* Histograms, keyed by counter: added up or appended. */
	h = b->hhash;
	memset(&k, 0, sizeof k);
	k.kind = AGG_K_HIST;
	for (i = 0; i <= h->mask; i++) {
		if (h->e[i].k.kind != AGG_K_HIST)
			continue;
		k.a = cmap[h->e[i].k.a];
		if ((hv = agg_hash_find(a->hhash, &k)) == AGG_NONE) {
			if (a->nhists == a->hists_cap) {
				a->hists_cap = a->hists_cap == 0 ? 16 :
				    a->hists_cap * 2;
				a->hists = xreallocarray(a->hists,
				    a->hists_cap, AGG_HIST_N *
				    sizeof *a->hists);
			}
			hv = a->nhists++;
			memset(a->hists + (size_t)hv * AGG_HIST_N, 0,
			    AGG_HIST_N * sizeof *a->hists);
			agg_hash_put(a->hhash, &k, hv);
		}
		for (j = 0; j < AGG_HIST_N; j++)
			a->hists[(size_t)hv * AGG_HIST_N + j] +=
			    b->hists[(size_t)h->e[i].v * AGG_HIST_N + j];
	}

	a->added += b->added;
	a->excluded += b->excluded;
	a->finished = false;
	free(tmap);
	free(lmap);
	free(cmap);
	free(shared);
	free(bmap);
	free(smap);
	return (true);
}
