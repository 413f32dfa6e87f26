/* SPDX-License-Identifier: ISC */
/*
 * Traffic over time: records counted into time buckets of one size (a
 * minute, ten minutes, an hour or a day) over a range, per bucket the
 * hits, the 4xx and 5xx errors, the average, maximum and 95th percentile
 * of the total latency, and a count per latency band (the heatmap).
 *
 * Buckets follow the wall clock of a zone (UTC when none): a bucket is
 * every instant whose local time, floored to the bucket size, is the
 * bucket's wall time.  In UTC every bucket is the same length; in a zone
 * with daylight saving a day bucket can be 23 or 25 hours, and an hour
 * bucket repeated when the clocks go back holds both hours.
 *
 * Use: timeline_start with the range, timeline_add per record,
 * timeline_finish (percentiles); then read b[0..n).
 */
#ifndef TIMELINE_H
#define TIMELINE_H

#include <stddef.h>
#include <stdint.h>

struct tz;

enum timeline_step {
	TIMELINE_MINUTE,
	TIMELINE_10MIN,
	TIMELINE_HOUR,
	TIMELINE_DAY,
	TIMELINE_NSTEPS
};

/* Latency bands of the heatmap, by lower bound in ms. */
#define TIMELINE_NBANDS		12
/* Buckets at most (a finer size over a longer range is refused). */
#define TIMELINE_MAX_BUCKETS	100000

struct timeline_bucket {
	int64_t		 wall;		/* local start, s since epoch as UTC */
	int64_t		 since;		/* instants [since, until), s */
	int64_t		 until;
	uint64_t	 hits;
	uint64_t	 e4xx;
	uint64_t	 e5xx;
	double		 lat_sum;	/* ms */
	int64_t		 lat_max;	/* ms; -1 when no hits */
	int64_t		 p95;		/* ms; -1 when no hits */
	uint32_t	 band[TIMELINE_NBANDS];
};

struct timeline {
	const struct tz		*tz;		/* borrowed; NULL: UTC */
	enum timeline_step	 step;
	int64_t			 size;		/* step in seconds */
	struct timeline_bucket	*b;
	size_t			 n;
	uint64_t		 total;		/* records added */
	uint64_t		 outside;	/* outside the range: skipped */

	/* Latencies while adding: bucket << 32 | ms (capped), by add. */
	uint64_t		*lat;
	size_t			 nlat, lat_cap;
};

extern const int64_t	 timeline_sizes[TIMELINE_NSTEPS];
extern const int64_t	 timeline_bands[TIMELINE_NBANDS];

void		 timeline_init(struct timeline *, const struct tz *);
void		 timeline_clear(struct timeline *);
enum timeline_step timeline_pick(const struct tz *, int64_t, int64_t,
		    size_t);
size_t		 timeline_count(const struct tz *, enum timeline_step,
		    int64_t, int64_t);
int		 timeline_start(struct timeline *, enum timeline_step, int64_t,
		    int64_t);
void		 timeline_add(struct timeline *, int64_t, int64_t, int64_t);
void		 timeline_finish(struct timeline *);
size_t		 timeline_find(const struct timeline *, int64_t);
int		 timeline_band(int64_t);
int64_t		 timeline_p95(uint32_t *, size_t);
int64_t		 timeline_wall(const struct tz *, int64_t);
const char	*timeline_step_name(enum timeline_step);

#endif
