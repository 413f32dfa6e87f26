/* SPDX-License-Identifier: ISC */
/*
 * Time buckets for the traffic chart (see timeline.h).  Two passes over
 * the records are the caller's: one for the range (in wall time, so that
 * timeline_start knows how many buckets), one adding.  The 95th
 * percentile is exact (nearest rank): latencies are kept while adding,
 * placed by bucket with a counting sort at timeline_finish, and each
 * bucket's rank found by quickselect, so the whole is linear.
 */
#include "config.h"

#include "timeline.h"

#include <stdlib.h>
#include <string.h>

#include "tz.h"
#include "xmalloc.h"

const int64_t timeline_sizes[TIMELINE_NSTEPS] = { 60, 600, 3600, 86400 };
const int64_t timeline_bands[TIMELINE_NBANDS] = {
	0, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000
};

static const char *timeline_names[TIMELINE_NSTEPS] = {
	"1 min", "10 min", "1 hour", "1 day"
};

/* Floor division (for times before 1970). */
static int64_t
timeline_floor(int64_t a, int64_t b)
{
	int64_t	 q = a / b;

	if ((a % b) != 0 && ((a < 0) != (b < 0)))
		q--;
	return (q);
}

/* The name of a bucket size ("10 min"). */
const char *
timeline_step_name(enum timeline_step s)
{
	return (timeline_names[s]);
}

/* Local wall time of instant sec in tz (NULL: UTC), as seconds. */
int64_t
timeline_wall(const struct tz *tz, int64_t sec)
{
	if (tz == NULL)
		return (sec);
	return (sec + tz_offset(tz, sec));
}

/*
 * The first instant whose wall time is k or later (k is a bucket start).
 * Outside a transition that is k - offset; near one, a binary search
 * over the two days around k finds where the wall clock reaches k.
 */
static int64_t
timeline_instant(const struct tz *tz, int64_t k)
{
	int64_t	 t, lo, hi, mid;

	if (tz == NULL)
		return (k);
	t = k - tz_offset(tz, k - tz_offset(tz, k));
	if (timeline_wall(tz, t) == k && timeline_wall(tz, t - 1) < k)
		return (t);
	lo = k - 2 * 86400;
	hi = k + 2 * 86400;
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (timeline_wall(tz, mid) >= k)
			hi = mid;
		else
			lo = mid;
	}
	return (hi);
}

/* Initialise an empty timeline in zone tz (NULL or UTC: UTC). */
void
timeline_init(struct timeline *tl, const struct tz *tz)
{
	memset(tl, 0, sizeof *tl);
	tl->tz = tz != NULL && !tz_is_utc(tz) ? tz : NULL;
}

/* Free the buckets. */
void
timeline_clear(struct timeline *tl)
{
	const struct tz	*tz = tl->tz;

	free(tl->b);
	free(tl->lat);
	memset(tl, 0, sizeof *tl);
	tl->tz = tz;
}

/* Buckets of size s between wall times wlo and whi (inclusive). */
size_t
timeline_count(const struct tz *tz, enum timeline_step s, int64_t wlo,
    int64_t whi)
{
	int64_t	 size = timeline_sizes[s], n;

	(void)tz;
	if (whi < wlo)
		return (0);
	n = timeline_floor(whi, size) - timeline_floor(wlo, size) + 1;
	if (n > TIMELINE_MAX_BUCKETS)
		return (TIMELINE_MAX_BUCKETS + 1);
	return ((size_t)n);
}

/*
 * The finest bucket size that shows wall times wlo..whi in at most width
 * buckets; a day when none does.
 */
enum timeline_step
timeline_pick(const struct tz *tz, int64_t wlo, int64_t whi, size_t width)
{
	int	 s;

	for (s = 0; s < TIMELINE_NSTEPS; s++)
		if (timeline_count(tz, s, wlo, whi) <= width)
			return (s);
	return (TIMELINE_DAY);
}

/*
 * Make the empty buckets of size s for wall times wlo..whi.  Returns 0,
 * or -1 (nothing changed) when that would be more than
 * TIMELINE_MAX_BUCKETS.
 */
int
timeline_start(struct timeline *tl, enum timeline_step s, int64_t wlo,
    int64_t whi)
{
	size_t	 n, i;
	int64_t	 size = timeline_sizes[s], k;

	if (whi < wlo)
		whi = wlo;
	n = timeline_count(tl->tz, s, wlo, whi);
	if (n > TIMELINE_MAX_BUCKETS)
		return (-1);
	timeline_clear(tl);
	tl->step = s;
	tl->size = size;
	tl->n = n;
	tl->b = xcalloc(n, sizeof *tl->b);
	k = timeline_floor(wlo, size) * size;
	for (i = 0; i < n; i++) {
		tl->b[i].wall = k + (int64_t)i * size;
		tl->b[i].since = i == 0 ? timeline_instant(tl->tz,
		    tl->b[i].wall) : tl->b[i - 1].until;
		tl->b[i].until = timeline_instant(tl->tz, tl->b[i].wall + size);
		tl->b[i].lat_max = tl->b[i].p95 = -1;
	}
	return (0);
}

/* The latency band of ms. */
int
timeline_band(int64_t ms)
{
	int	 b;

	for (b = TIMELINE_NBANDS - 1; b > 0; b--)
		if (ms >= timeline_bands[b])
			break;
	return (b);
}

/* The bucket holding instant sec, or tl->n when none does. */
size_t
timeline_find(const struct timeline *tl, int64_t sec)
{
	int64_t	 k;

	if (tl->n == 0)
		return (0);
	k = timeline_floor(timeline_wall(tl->tz, sec), tl->size) * tl->size;
	if (k < tl->b[0].wall || k > tl->b[tl->n - 1].wall)
		return (tl->n);
	return ((size_t)((k - tl->b[0].wall) / tl->size));
}

/* Count a record: its time (s), status code and total latency (ms). */
void
timeline_add(struct timeline *tl, int64_t sec, int64_t code, int64_t lat)
{
	struct timeline_bucket	*b;
	size_t			 i;

	i = timeline_find(tl, sec);
	if (i >= tl->n) {
		tl->outside++;
		return;
	}
	b = &tl->b[i];
	tl->total++;
	b->hits++;
	if (code >= 400 && code < 500)
		b->e4xx++;
	else if (code >= 500)
		b->e5xx++;
	if (lat < 0)
		lat = 0;
	if (lat > UINT32_MAX)
		lat = UINT32_MAX;
	b->lat_sum += (double)lat;
	if (lat > b->lat_max)
		b->lat_max = lat;
	b->band[timeline_band(lat)]++;
	if (tl->nlat == tl->lat_cap) {
		tl->lat_cap = tl->lat_cap == 0 ? 1024 : tl->lat_cap * 2;
		tl->lat = xreallocarray(tl->lat, tl->lat_cap, sizeof *tl->lat);
	}
	tl->lat[tl->nlat++] = (uint64_t)i << 32 | (uint64_t)lat;
}

/* Swap two values. */
static void
timeline_swap(uint32_t *a, uint32_t *b)
{
	uint32_t	 t = *a;

	*a = *b;
	*b = t;
}

/*
 * The 95th percentile of v[0..n) by nearest rank (the value at rank
 * ceil(0.95 n) in ascending order); -1 when n is 0.  Reorders v.
 */
int64_t
timeline_p95(uint32_t *v, size_t n)
{
	size_t		 want, lo, hi, i, j;
	uint32_t	 pivot;

	if (n == 0)
		return (-1);
	want = (n * 95 + 99) / 100 - 1;
	lo = 0;
	hi = n - 1;
	while (lo < hi) {
		/* Median of three as the pivot, Hoare partition. */
		i = lo + (hi - lo) / 2;
		if (v[i] < v[lo])
			timeline_swap(&v[i], &v[lo]);
		if (v[hi] < v[lo])
			timeline_swap(&v[hi], &v[lo]);
		if (v[hi] < v[i])
			timeline_swap(&v[hi], &v[i]);
		pivot = v[i];
		i = lo;
		j = hi;
		for (;;) {
			while (v[i] < pivot)
				i++;
			while (v[j] > pivot)
				j--;
			if (i >= j)
				break;
			timeline_swap(&v[i], &v[j]);
			i++;
			j--;
		}
		if (want <= j)
			hi = j;
		else
			lo = j + 1;
	}
	return (v[want]);
}

/* Work out each bucket's 95th percentile; the adding is over. */
void
timeline_finish(struct timeline *tl)
{
	size_t		*at, i, k;
	uint32_t	*v;

	if (tl->n == 0 || tl->nlat == 0) {
		free(tl->lat);
		tl->lat = NULL;
		tl->nlat = tl->lat_cap = 0;
		return;
	}
	at = xcalloc(tl->n + 1, sizeof *at);
	for (i = 0; i < tl->n; i++)
		at[i + 1] = at[i] + tl->b[i].hits;
	v = xreallocarray(NULL, tl->nlat, sizeof *v);
	for (k = 0; k < tl->nlat; k++) {
		i = (size_t)(tl->lat[k] >> 32);
		v[at[i]++] = (uint32_t)tl->lat[k];
	}
	free(tl->lat);
	tl->lat = NULL;
	tl->nlat = tl->lat_cap = 0;
	/* at[i] is now the end of bucket i. */
	for (i = 0; i < tl->n; i++)
		tl->b[i].p95 = timeline_p95(v + at[i] - tl->b[i].hits,
		    tl->b[i].hits);
	free(v);
	free(at);
}
