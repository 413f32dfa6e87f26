/* SPDX-License-Identifier: ISC */
/*
 * Merging two unfinished aggregates of the same store whose buckets are
 * disjoint, the second's records all later than the first's: what
 * agg-par.c's threads computed for consecutive time ranges becomes the
 * one aggregate a single pass over both ranges gives.
 *
 * Why the result is the same, not only equal in output.  A single pass
 * creates buckets and counters in record order, and the tag-list
 * counters too, which agg_finish folds into tag counters at the end; so
 * appending the second aggregate's buckets, counters and tag lists after
 * the first's gives the single pass's arrays, index for index.  Strings
 * are interned in the second aggregate's id order, which is the order in
 * which a single pass would first have met those the first aggregate
 * lacks.  Only the caches differ (escaped keys, store id map), and
 * caches change no result.
 */
#include "config.h"

#include "agg.h"

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

/* Rewrite the counter indices and tag-list indices of a bucket's cache. */
static void
agg_merge_chash(struct agg_hash *h, uint32_t coff, uint32_t loff)
{
	uint32_t	 i;

	for (i = 0; i <= h->mask; i++) {
		if (h->e[i].k.kind == AGG_K_TAGLIST)
			h->e[i].v += loff;
		else if (h->e[i].k.kind >= AGG_K_HOT &&
		    h->e[i].k.kind < AGG_K_HOT + AGG_NDIMS)
			h->e[i].v += coff;
	}
}

/*
 * Move everything of b into a (see above); b is left empty, to be freed.
 * False if a bucket is in both (a zone whose clocks go back by more than
 * an hour put one hour on both sides of a cut): a and b are then of no
 * use and the caller starts over in one pass.
 */
bool
agg_merge(struct agg *a, struct agg *b)
{
	struct agg_hkey		 k;
	struct agg_bucket	*bk;
	struct agg_counter	*c;
	struct agg_lctr		*l;
	struct agg_hash		*h;
	struct slice		 s;
	uint32_t		*smap, i, j, e, n, boff, coff, loff, hoff;
	size_t			 toff, t;

	if (a->finished || b->finished || a->is_stored || b->is_stored)
		return (false);
	smap = xreallocarray(NULL, (size_t)b->strs.count + 1, sizeof *smap);
	for (i = 0; i < b->strs.count; i++) {
		s = agg_str(b, i);
		smap[i] = agg_intern(a, s.ptr, s.len);
	}
	memset(&k, 0, sizeof k);
	k.kind = AGG_K_BUCKET;
	for (i = 0; i < b->nbuckets; i++) {
		k.bucket = smap[b->buckets[i].org];
		k.a = (uint32_t)((uint64_t)b->buckets[i].timestamp & 0xffffffff);
		k.b = (uint32_t)((uint64_t)b->buckets[i].timestamp >> 32);
		if (agg_hash_find(a->hash, &k) != AGG_NONE) {
			free(smap);
			return (false);
		}
	}
	boff = a->nbuckets;
	coff = a->nctrs;
	loff = a->nlctrs;
	hoff = a->nhists;
	toff = a->tagpool_len;

	/* Counters, their strings and their bucket renumbered. */
	agg_merge_grow((void **)&a->ctrs, &a->ctrs_cap, a->nctrs, b->nctrs,
	    sizeof *a->ctrs);
	for (i = 0; i < b->nctrs; i++) {
		c = &a->ctrs[coff + i];
		*c = b->ctrs[i];
		c->identifier = smap[c->identifier];
		c->humanidentifier = smap[c->humanidentifier];
		c->parent = smap[c->parent];
		c->key = smap[c->key];
		c->bucket += boff;
		for (e = 0; e < c->nerrs; e++)
			c->errs[e].code = smap[c->errs[e].code];
	}
	a->nctrs += b->nctrs;
	b->nctrs = 0;

	/* Buckets; their counter tables are rebuilt (the keys changed). */
	agg_merge_grow((void **)&a->buckets, &a->buckets_cap, a->nbuckets,
	    b->nbuckets, sizeof *a->buckets);
	for (i = 0; i < b->nbuckets; i++) {
		bk = &a->buckets[boff + i];
		*bk = b->buckets[i];
		bk->org = smap[bk->org];
		bk->total += coff;
		agg_merge_chash(bk->chash, coff, loff);
		free(bk->ctab);
		bk->ctab = NULL;
		bk->ctab_mask = bk->ctab_n = 0;
		k.bucket = bk->org;
		k.a = (uint32_t)((uint64_t)bk->timestamp & 0xffffffff);
		k.b = (uint32_t)((uint64_t)bk->timestamp >> 32);
		agg_hash_put(a->hash, &k, boff + i);
	}
	a->nbuckets += b->nbuckets;
	b->nbuckets = 0;
	for (i = coff; i < a->nctrs; i++) {
		c = &a->ctrs[i];
		if (c->dim == AGG_TOTAL)
			continue;
		agg_ctab_put(a, &a->buckets[c->bucket],
		    agg_ctab_hash((enum agg_dim)c->dim, c->parent, c->key), i);
	}

	/* Tag lists: the pool's lists, then the counters that use them. */
	if (b->tagpool_len > a->tagpool_cap - a->tagpool_len) {
		a->tagpool_cap = a->tagpool_len + b->tagpool_len;
		a->tagpool = xreallocarray(a->tagpool, a->tagpool_cap,
		    sizeof *a->tagpool);
	}
	for (t = 0; t < b->tagpool_len; t += 1 + n) {
		a->tagpool[toff + t] = b->tagpool[t];
		n = b->tagpool[t] & ~AGG_TAG_GQL;
		for (j = 0; j < n; j++)
			a->tagpool[toff + t + 1 + j] =
			    smap[b->tagpool[t + 1 + j]];
	}
	a->tagpool_len += b->tagpool_len;
	agg_merge_grow((void **)&a->lctrs, &a->lctrs_cap, a->nlctrs,
	    b->nlctrs, sizeof *a->lctrs);
	for (i = 0; i < b->nlctrs; i++) {
		l = &a->lctrs[loff + i];
		*l = b->lctrs[i];
		l->bucket += boff;
		l->tags += (uint32_t)toff;
		for (e = 0; e < l->nerrs; e++)
			l->errs[e].code = smap[l->errs[e].code];
	}
	a->nlctrs += b->nlctrs;
	b->nlctrs = 0;

	/* Histograms, keyed by counter. */
	if (b->nhists > 0) {
		if (a->nhists + b->nhists > a->hists_cap) {
			a->hists_cap = a->nhists + b->nhists;
			a->hists = xreallocarray(a->hists, a->hists_cap,
			    AGG_HIST_N * sizeof *a->hists);
		}
		memcpy(a->hists + (size_t)hoff * AGG_HIST_N, b->hists,
		    (size_t)b->nhists * AGG_HIST_N * sizeof *a->hists);
		a->nhists += b->nhists;
		h = b->hhash;
		for (i = 0; i <= h->mask; i++) {
			if (h->e[i].k.kind != AGG_K_HIST)
				continue;
			k = h->e[i].k;
			k.a += coff;
			agg_hash_put(a->hhash, &k, h->e[i].v + hoff);
		}
	}

	a->added += b->added;
	a->excluded += b->excluded;
	a->finished = false;
	free(smap);
	return (true);
}
