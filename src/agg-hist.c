/* SPDX-License-Identifier: ISC */
/*
 * The aggregates' latency histograms, per counter: log-spaced buckets
 * (AGG_HIST_N) from which the screens read percentiles.  Not a pump
 * counter; kept beside them, in the same table.
 */
#include "config.h"

#include "agg.h"

#include <stdlib.h>
#include <string.h>

#include "agg-hash.h"
#include "agg-impl.h"
#include "xmalloc.h"

/* The latency histogram bucket of v ms (see AGG_HIST_N). */
static uint32_t
agg_hist_bucket(int64_t v)
{
	int	 e;

	if (v < 16)
		return (v < 0 ? 0 : (uint32_t)v);
	e = 63 - __builtin_clzll((unsigned long long)v);
	return (16 + (uint32_t)(e - 4) * 8 + (uint32_t)((v >> (e - 3)) & 7));
}

/*
 * Record latency lat in the histogram of counter ci (created on first
 * use), found through a small cache of the last counters' (the org
 * totals and the busy APIs: nearly every record).  Only the org total
 * and the per-API counters have histograms: a few thousand, where every
 * counter would cost megabytes.
 */
void
agg_hist_add(struct agg *a, uint32_t ci, int64_t lat)
{
	struct agg_hkey	 k;
	uint32_t	 v, slot = ci & 63;

	if (a->hc_ci[slot] == ci + 1) {
		v = a->hc_v[slot];
		a->hists[(size_t)v * AGG_HIST_N + agg_hist_bucket(lat)]++;
		return;
	}
	memset(&k, 0, sizeof k);
	k.kind = AGG_K_HIST;
	k.a = ci;
	v = agg_hash_find(a->hhash, &k);
	if (v == AGG_NONE) {
		if (a->nhists == a->hists_cap) {
			a->hists_cap = a->hists_cap == 0 ? 16 :
			    a->hists_cap * 2;
			a->hists = xreallocarray(a->hists, a->hists_cap,
			    AGG_HIST_N * sizeof *a->hists);
		}
		v = a->nhists++;
		memset(a->hists + (size_t)v * AGG_HIST_N, 0,
		    AGG_HIST_N * sizeof *a->hists);
		agg_hash_put(a->hhash, &k, v);
	}
	a->hc_ci[slot] = ci + 1;
	a->hc_v[slot] = v;
	a->hists[(size_t)v * AGG_HIST_N + agg_hist_bucket(lat)]++;
}

/* The latency histogram of counter ci (AGG_HIST_N counts), or NULL. */
const uint32_t *
agg_hist(const struct agg *a, uint32_t ci)
{
	struct agg_hkey	 k;
	uint32_t	 v;

	memset(&k, 0, sizeof k);
	k.kind = AGG_K_HIST;
	k.a = ci;
	v = agg_hash_find(a->hhash, &k);
	if (v == AGG_NONE)
		return (NULL);
	return (a->hists + (size_t)v * AGG_HIST_N);
}

/*
 * The q-th quantile (0 < q <= 1) of histogram h in ms: the middle of the
 * bucket it falls in (exact below 16 ms, within 6% above); -1 if empty.
 */
int64_t
agg_hist_quantile(const uint32_t *h, double q)
{
	uint64_t	 total = 0, want, run = 0;
	uint32_t	 b;
	int64_t		 lo, width;
	int		 e;

	for (b = 0; b < AGG_HIST_N; b++)
		total += h[b];
	if (total == 0)
		return (-1);
	want = (uint64_t)(q * (double)total + 0.5);
	if (want < 1)
		want = 1;
	for (b = 0; b < AGG_HIST_N; b++) {
		run += h[b];
		if (run >= want)
			break;
	}
	if (b < 16)
		return (b);
	e = (int)((b - 16) / 8) + 4;
	width = (int64_t)1 << (e - 3);
	lo = (int64_t)(8 + (b - 16) % 8) << (e - 3);
	return (lo + (width - 1) / 2);
}
