/* SPDX-License-Identifier: ISC */
/*
 * Finishing the aggregates: fold the tag lists, order buckets by (hour,
 * org) and each bucket's counters by dimension and key as the pump's
 * documents list them, and the readers the outputs use afterwards.
 */
#include "config.h"

#include "agg.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "agg-impl.h"
#include "bytes.h"
#include "xmalloc.h"

/* Sort entries: no context needed by the comparators. */
struct agg_sortent {
	int64_t		 t;
	uint32_t	 rank;
	uint32_t	 dim;
	const char	*p, *k;
	uint32_t	 plen, klen;
	uint32_t	 idx;
};

static int
agg_cmp_bytes(const char *x, uint32_t xl, const char *y, uint32_t yl)
{
	int	 c;

	c = memcmp(x, y, xl < yl ? xl : yl);
	if (c != 0)
		return (c);
	return (xl < yl ? -1 : xl > yl);
}

static int
agg_cmp_bucket(const void *va, const void *vb)
{
	const struct agg_sortent	*x = va, *y = vb;

	if (x->t != y->t)
		return (x->t < y->t ? -1 : 1);
	return (agg_cmp_bytes(x->k, x->klen, y->k, y->klen));
}

struct agg_sortkey {
	uint64_t	 k;
	uint32_t	 idx;
};

/*
 * Sort n keys by (k, idx): quicksort with a median-of-three pivot and
 * insertion sort for short runs.  No allocation and no comparator calls,
 * unlike glibc's qsort (a merge sort that allocates).
 */
static void
agg_sort_keys(struct agg_sortkey *v, size_t n)
{
	struct agg_sortkey	 t, p;
	size_t			 i, j, m;

#define AGG_LESS(x, y)	((x).k < (y).k || ((x).k == (y).k && (x).idx < (y).idx))
#define AGG_SWAP(x, y)	do { t = (x); (x) = (y); (y) = t; } while (0)
	while (n > 16) {
		m = n / 2;
		if (AGG_LESS(v[m], v[0]))
			AGG_SWAP(v[m], v[0]);
		if (AGG_LESS(v[n - 1], v[0]))
			AGG_SWAP(v[n - 1], v[0]);
		if (AGG_LESS(v[n - 1], v[m]))
			AGG_SWAP(v[n - 1], v[m]);
		p = v[m];
		i = 0;
		j = n - 1;
		for (;;) {
			while (AGG_LESS(v[i], p))
				i++;
			while (AGG_LESS(p, v[j]))
				j--;
			if (i >= j)
				break;
			AGG_SWAP(v[i], v[j]);
			i++;
			j--;
		}
		/* Recurse into the smaller side, loop on the larger. */
		if (j + 1 < n - j - 1) {
			agg_sort_keys(v, j + 1);
			v += j + 1;
			n -= j + 1;
		} else {
			agg_sort_keys(v + j + 1, n - j - 1);
			n = j + 1;
		}
	}
	for (i = 1; i < n; i++) {
		t = v[i];
		for (j = i; j > 0 && AGG_LESS(t, v[j - 1]); j--)
			v[j] = v[j - 1];
		v[j] = t;
	}
#undef AGG_LESS
#undef AGG_SWAP
}

/* Has the run this finish is part of been cancelled (agg_compute_ctl)? */
static bool
agg_finish_cancelled(const struct agg *a)
{
	return (a->ctl != NULL &&
	    atomic_load_explicit(&a->ctl->cancel, memory_order_relaxed));
}

/*
 * Finish: decide which counters have min* fields (the pump writes them
 * only when a flush had a hit that was not an error), and sort buckets by
 * hour then org and each bucket's counters by dimension and key.
 *
 * Sorting millions of counters by string is slow, so every string of the
 * aggregate's table is ranked once (there are far fewer strings than
 * counters), counters are grouped by (bucket, dimension) with a counting
 * sort, and each group is sorted by the integer ranks of its keys.
 *
 * Within agg_compute_ctl (a->ctl set) a cancel stops it between steps
 * and groups, leaving the aggregate unfinished, to be freed.
 */
void
agg_finish(struct agg *a)
{
	struct agg_sortent	*v;
	struct agg_sortkey	*sk;
	struct agg_counter	*c;
	struct slice		 s;
	uint32_t		*rank, *srank, *off, i, j, g, d, ngroups;
	size_t			 n;

	if (a->finished)
		return;
	agg_lctr_fold(a);
	if (!a->is_stored) {
		for (i = 0; i < a->nctrs; i++) {
			c = &a->ctrs[i];
			c->has_min = c->hits != c->errortotal;
		}
	}

	/* Rank every string. */
	n = a->strs.count;
	v = xreallocarray(NULL, n + a->nbuckets + 1, sizeof *v);
	for (i = 0; i < n; i++) {
		s = agg_str(a, i);
		v[i].t = 0;
		v[i].k = s.ptr;
		v[i].klen = (uint32_t)s.len;
		v[i].idx = i;
	}
	if (agg_finish_cancelled(a)) {
		free(v);
		return;
	}
	qsort(v, n, sizeof *v, agg_cmp_bucket);
	if (agg_finish_cancelled(a)) {
		free(v);
		return;
	}
	srank = xreallocarray(NULL, n + 1, sizeof *srank);
	for (i = 0; i < n; i++)
		srank[v[i].idx] = i;

	/* Buckets by hour, then org. */
	for (i = 0; i < a->nbuckets; i++) {
		s = agg_str(a, a->buckets[i].org);
		v[i].t = a->buckets[i].timestamp;
		v[i].k = s.ptr;
		v[i].klen = (uint32_t)s.len;
		v[i].idx = i;
	}
	qsort(v, a->nbuckets, sizeof *v, agg_cmp_bucket);
	free(a->border);
	a->border = xreallocarray(NULL, a->nbuckets + 1, sizeof *a->border);
	rank = xreallocarray(NULL, a->nbuckets + 1, sizeof *rank);
	for (i = 0; i < a->nbuckets; i++) {
		a->border[i] = v[i].idx;
		rank[v[i].idx] = i;
	}
	free(v);

	/* Counting sort into (bucket rank, dimension) groups. */
	ngroups = a->nbuckets * AGG_NDIMS;
	off = xcalloc((size_t)ngroups + 1, sizeof *off);
	for (i = 0; i < a->nctrs; i++)
		off[rank[a->ctrs[i].bucket] * AGG_NDIMS + a->ctrs[i].dim + 1]++;
	for (g = 0; g < ngroups; g++)
		off[g + 1] += off[g];
	sk = xreallocarray(NULL, a->nctrs + 1, sizeof *sk);
	for (i = 0; i < a->nbuckets; i++)
		for (d = 0; d < AGG_NDIMS; d++)
			a->buckets[a->border[i]].dim_off[d] =
			    off[i * AGG_NDIMS + d];
	for (i = 0; i < a->nbuckets; i++)
		a->buckets[a->border[i]].dim_off[AGG_NDIMS] =
		    off[(i + 1) * AGG_NDIMS];
	for (i = 0; i < a->nctrs; i++) {
		c = &a->ctrs[i];
		g = rank[c->bucket] * AGG_NDIMS + c->dim;
		j = off[g]++;
		sk[j].k = (uint64_t)srank[c->parent] << 32 | srank[c->key];
		sk[j].idx = i;
	}
	free(a->order);
	a->order = xreallocarray(NULL, a->nctrs + 1, sizeof *a->order);
	j = 0;
	for (g = 0, d = 0; g < ngroups; g++) {
		agg_sort_keys(sk + j, off[g] - j);
		d += off[g] - j;
		j = off[g];
		if (d >= 65536) {
			d = 0;
			if (agg_finish_cancelled(a))
				break;
		}
	}
	if (g < ngroups) {
		free(sk);
		free(off);
		free(rank);
		free(srank);
		return;
	}
	for (i = 0; i < a->nctrs; i++)
		a->order[i] = sk[i].idx;
	free(sk);
	free(off);
	free(rank);
	free(srank);
	a->finished = true;
}

/* The i-th bucket in (hour, org) order, or NULL. */
const struct agg_bucket *
agg_bucket_at(const struct agg *a, size_t i)
{
	if (!a->finished || i >= a->nbuckets)
		return (NULL);
	return (&a->buckets[a->border[i]]);
}

/*
 * The counters of the i-th bucket for dimension d, sorted by key: returns
 * the counter array and sets *n and *idx (indices into it).
 */
const struct agg_counter *
agg_counters(const struct agg *a, size_t i, enum agg_dim d, size_t *n,
    const uint32_t **idx)
{
	const struct agg_bucket	*b = agg_bucket_at(a, i);

	if (b == NULL) {
		*n = 0;
		*idx = NULL;
		return (a->ctrs);
	}
	*idx = a->order + b->dim_off[d];
	*n = b->dim_off[d + 1] - b->dim_off[d];
	return (a->ctrs);
}

/* Sort errormap entries by code text (the pump's errorlist order). */
static int
agg_cmp_err(const void *va, const void *vb)
{
	const struct agg_sortent	*x = va, *y = vb;

	return (agg_cmp_bytes(x->k, x->klen, y->k, y->klen));
}

/*
 * The errormap of c sorted by code as a string; *out is allocated (free
 * it) with *n entries.
 */
void
agg_sorted_errs(const struct agg *a, const struct agg_counter *c,
    struct agg_err **out, size_t *n)
{
	struct agg_sortent	*v;
	struct slice		 s;
	uint32_t		 i;

	*n = c->nerrs;
	*out = xreallocarray(NULL, c->nerrs + 1, sizeof **out);
	v = xreallocarray(NULL, c->nerrs + 1, sizeof *v);
	for (i = 0; i < c->nerrs; i++) {
		s = agg_str(a, c->errs[i].code);
		v[i].k = s.ptr;
		v[i].klen = (uint32_t)s.len;
		v[i].idx = i;
	}
	qsort(v, c->nerrs, sizeof *v, agg_cmp_err);
	for (i = 0; i < c->nerrs; i++)
		(*out)[i] = c->errs[v[i].idx];
	free(v);
}

/* total / hits, 0 without hits (the pump's derived averages). */
double
agg_avg(double total, int64_t hits)
{
	return (hits > 0 ? total / (double)hits : 0.0);
}
