/* SPDX-License-Identifier: ISC */
/*
 * Per-dimension rows of an aggregate for the TUI's Aggregates screen: one
 * hour (a bucket) or the whole range (counters of every bucket merged by
 * org, dimension and key), with a drill-down description: a filter
 * expression (product.md 3) plus a time range that select the records
 * behind a row.
 */
#ifndef AGG_ROWS_H
#define AGG_ROWS_H

#include <stddef.h>
#include <stdint.h>

#include "agg.h"

/* A per-dimension row for the TUI's Aggregates screen. */
struct agg_row {
	uint32_t	 org;		/* agg string ids */
	enum agg_dim	 dim;
	uint32_t	 parent;
	uint32_t	 key;
	uint32_t	 identifier;
	uint32_t	 humanidentifier;
	int64_t		 hits;
	int64_t		 success;
	int64_t		 errors;
	double		 error_rate;	/* errors / hits, 0 when no hits */
	double		 avg_latency;	/* ms */
	int64_t		 max_latency;	/* ms */
	int64_t		 last_access;	/* ns: true last record, else the
					   pump's lasttime; 0 = never */
	int64_t		 since, until;	/* ns, drill-down range [since,until) */
	int64_t		 p50, p95, p99;	/* latency percentiles, ms; -1 when
					   unknown (only org totals and APIs
					   computed from records have them) */
};

void	 agg_rows(const struct agg *, long, enum agg_dim, struct agg_row **,
	    size_t *);
char	*agg_row_filter(const struct agg *, const struct agg_row *);
void	 agg_row_context(const struct agg *, const struct agg_row *,
	    struct buf *, struct slice *, struct slice *);

#endif
