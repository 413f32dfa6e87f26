/* SPDX-License-Identifier: ISC */
/*
 * What the modules of the aggregates share and nobody else sees: the
 * table's entry kinds, a record's contribution, the tag-list counters,
 * and the functions agg.c calls in agg-hist.c and agg-tags.c.  Included
 * only by agg*.c.
 */
#ifndef AGG_IMPL_H
#define AGG_IMPL_H

#include <stdbool.h>
#include <stdint.h>

#include "agg.h"

/* Hash entry kinds (0 = empty slot). */
#define AGG_K_BUCKET	1		/* bucket=org id, a,b = start */
#define AGG_K_CANON	2		/* +dim: a=parent, b=key (per bucket) */
#define AGG_K_KEY	32		/* +dim: a,b,c = store ids -> key */
#define AGG_K_HOT	48		/* +dim: store ids -> counter (bucket) */
#define AGG_K_TAGS	64		/* a = tags blob id -> pool offset */
#define AGG_K_GEO	65		/* a = geo blob id -> iso id */
#define AGG_K_CODE	66		/* a,b = code -> code text id */
#define AGG_K_TAGLIST	67		/* a = tags blob id -> lctr (bucket) */
#define AGG_K_HIST	68		/* a = counter -> histogram */

#define AGG_TAG_GQL	0x80000000U

/* What one HTTP record contributes to each counter it touches. */
struct agg_rc {
	int64_t		 success;
	int64_t		 errortotal;
	double		 rt;
	int64_t		 lat, up;
	int64_t		 ms;		/* timestamp, BSON ms */
	int64_t		 ns;		/* timestamp, ns */
	uint32_t	 code;		/* code text id (errors only) */
};

/*
 * The records of one bucket that carry the same tag list, summed.  A
 * record's tags then cost one update instead of one per tag; agg_finish
 * folds each list into its tags' counters.  This is exact: a dimension
 * counter's minimum is its first record's latency lowered by every later
 * non-error record, so keeping each list's first record and its minimum
 * over non-error records is enough, and lists are created (hence folded)
 * in record order.
 */
struct agg_lctr {
	int64_t		 hits, success, errortotal;
	double		 totalrequesttime;
	int64_t		 totallatency, totalupstreamlatency;
	int64_t		 maxlatency, maxupstreamlatency;
	int64_t		 firstlat, firstup;	/* the first record's */
	int64_t		 nemin, nemin_up;	/* min over non-errors */
	int64_t		 first_ms;		/* the first record's */
	int64_t		 first_ts, last_ts;	/* ns */
	struct agg_err	*errs;
	uint32_t	 nerrs, errs_cap;
	uint32_t	 bucket;
	uint32_t	 tags;			/* tagpool offset */
};

/* A record's place in aggregation order: timestamp, then seq. */
struct agg_tsseq {
	int64_t		 ts;
	uint64_t	 seq;
};

void		 agg_hist_add(struct agg *, uint32_t, int64_t);
uint32_t	 agg_lctr_new(struct agg *, uint32_t, uint32_t,
		    const struct agg_rc *);
void		 agg_lctr_merge(struct agg *, uint32_t, const struct agg_rc *);
void		 agg_lctr_fold(struct agg *);

/* agg.c, for merging (agg-merge.c) and splitting (agg-par.c). */
void		 agg_ctrs_reserve(struct agg *, uint32_t);
uint64_t	 agg_ctab_hash(enum agg_dim, uint32_t, uint32_t);
void		 agg_ctab_put(struct agg *, struct agg_bucket *, uint64_t,
		    uint32_t);
uint32_t	 agg_counter_find(const struct agg *, uint32_t, enum agg_dim,
		    uint32_t, uint32_t);
int		 agg_cmp_tsseq(const void *, const void *);

/* agg-merge.c */
bool		 agg_merge(struct agg *, struct agg *, struct agg_ctl *);

/* agg-par.c */
bool		 agg_sort_tsseq(struct agg_tsseq *, size_t, struct agg_ctl *);

#endif
