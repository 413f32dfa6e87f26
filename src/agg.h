/* SPDX-License-Identifier: ISC */
/*
 * Hourly aggregates exactly as Tyk Pump's mongo-pump-aggregate computes
 * them (tyk-formats.md 5.4): one aggregate per (org, hour bucket), holding
 * a Counter for the org total and one per value of each dimension.  The
 * result equals the document the pump stores when each (org, hour)'s
 * records arrive in one flush, in timestamp order, so records must be
 * added in timestamp order (agg_compute sorts them).
 *
 * An aggregate owns its own string table: map keys (escaped as the pump
 * escapes them), identifiers and org names are agg string ids, never store
 * ids, so that stored aggregate documents (agg-stored.c) can be loaded into
 * the same structure and compared.  Counters live in one array and are
 * named by index; pointers into it are invalidated by any agg_add.
 *
 * Beside the pump-compatible fields every counter keeps what an operator
 * needs and the pump gets wrong (the true first and last access), for the
 * TUI; the pump-compatible output never uses them.
 *
 * Pure core module: no curses, no output, never exits.
 */
#ifndef AGG_H
#define AGG_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bytes.h"
#include "strtab.h"

struct agg_ctl;
struct record;
struct store;
struct tz;

/* The counter maps of a pump aggregate document, in output order. */
enum agg_dim {
	AGG_TOTAL,
	AGG_APIID,
	AGG_ERRORS,
	AGG_VERSIONS,
	AGG_APIKEYS,
	AGG_OAUTHIDS,
	AGG_GEO,
	AGG_TAGS,
	AGG_ENDPOINTS,
	AGG_APIENDPOINTS,
	AGG_KEYENDPOINTS,	/* two levels: api key, then endpoint */
	AGG_OAUTHENDPOINTS,	/* two levels: OAuth client, then endpoint */
	AGG_NDIMS
};

/* Latency histogram buckets: exact below 16 ms, then 8 per octave. */
#define AGG_HIST_N	496

/* Go's zero time.Time in BSON milliseconds. */
#define AGG_GO_ZERO_MS	(-62135596800000LL)

struct agg_config {
	bool		  track_all_paths;	/* --track-all-paths */
	char *const	 *ignore_tag_prefix;	/* --ignore-tag-prefix */
	size_t		  nignore_tag_prefix;
	const char	 *tz;		/* IANA zone of the pump; NULL = UTC */
};

/* One errormap entry. */
struct agg_err {
	uint32_t	 code;		/* agg string id of the code text */
	int64_t		 count;
};

/*
 * A Counter (tyk-formats.md 5.1).  What finding a counter compares and
 * what a record touches come first: with the array 64-byte aligned
 * (agg_ctrs_reserve), an update reads three cache lines, not four.
 */
struct agg_counter {
	uint32_t	 key;		/* map key as the pump writes it */
	uint32_t	 parent;	/* outer key (two-level maps) */
	uint32_t	 identifier;	/* agg string ids */
	uint32_t	 humanidentifier;
	uint8_t		 dim;		/* enum agg_dim */
	bool		 has_min;	/* min* fields were written */
	uint32_t	 bucket;	/* index into agg.buckets */
	int64_t		 hits;
	int64_t		 success;
	int64_t		 errortotal;
	double		 totalrequesttime;	/* ms */
	int64_t		 totallatency;		/* ms */
	int64_t		 totalupstreamlatency;	/* ms */
	int64_t		 maxlatency, minlatency;
	int64_t		 maxupstreamlatency, minupstreamlatency;
	int64_t		 last_ts;	/* ns, true last access; 0 none */
	int64_t		 first_ts;	/* ns, true first access; 0 none */
	/* Private: the least latencies of records that may lower the
	 * minimum once the counter exists (not errors; for the org total,
	 * successes), INT64_MAX if none, so that a later part of the
	 * records can be merged in (agg-merge.c). */
	int64_t		 nemin, nemin_up;
	uint32_t	 nerrs, errs_cap;
	struct agg_err	*errs;		/* errormap, owned, unsorted */
	int64_t		 lasttime;	/* BSON ms, the pump's rule (Q3) */
	int64_t		 openconnections, closedconnections;
	int64_t		 bytesin, bytesout;
};

/* One aggregate document: (org, hour bucket). */
struct agg_bucket {
	uint32_t	 org;		/* agg string id */
	int64_t		 timestamp;	/* bucket start, Unix seconds */
	int		 year, month, day, hour;	/* timeid (pump TZ) */
	int64_t		 expire;	/* expireAt, BSON ms */
	int64_t		 lasttime;	/* BSON ms */
	uint32_t	 total;		/* counter index */
	uint64_t	 records;	/* records (or documents) merged */
	struct agg_hash	*chash;		/* private: this bucket's caches */
	uint64_t	*ctab;		/* private: this bucket's counters */
	uint32_t	 ctab_mask, ctab_n;
	/* After agg_finish: this bucket's counters per dimension are
	 * agg.order[dim_off[d] .. dim_off[d + 1]), sorted by key. */
	uint32_t	 dim_off[AGG_NDIMS + 1];
};

struct agg {
	struct strtab		 strs;
	struct agg_bucket	*buckets;	/* creation order */
	uint32_t		 nbuckets, buckets_cap;
	struct agg_counter	*ctrs;
	uint32_t		 nctrs, ctrs_cap;
	uint32_t		*border;	/* bucket indices, sorted */
	uint32_t		*order;		/* counter indices, sorted */
	bool			 finished;
	uint64_t		 added;		/* records aggregated */
	uint64_t		 excluded;	/* records skipped (org, GraphQL) */

	/* Private. */
	struct agg_config	 cfg;
	struct tz		*tz;		/* owned; NULL = UTC */
	struct agg_hash		*hash;		/* buckets */
	struct agg_hash		*kcache;	/* escaped keys, tags, geo */
	struct agg_hash		*hhash;		/* counter -> histogram */
	uint32_t		*map;		/* store id -> agg id + 1 */
	uint32_t		 map_cap;
	uint32_t		*tagpool;
	size_t			 tagpool_len, tagpool_cap;
	uint32_t		*hists;		/* latency histograms */
	uint32_t		 nhists, hists_cap;
	uint32_t		 hc_ci[64];	/* counter + 1 -> hc_v */
	uint32_t		 hc_v[64];	/* its histogram (a cache) */
	struct agg_lctr		*lctrs;		/* tag-list counters */
	uint32_t		 nlctrs, lctrs_cap;
	struct buf		 scratch, scratch2;
	bool			 is_stored;	/* loaded from documents */
	struct agg_ctl		*ctl;		/* of agg_compute_ctl, or NULL */
	int64_t			 hour_lo, hour_hi, hour_start;
	int			 hour_ymdh[4];
	uint32_t		 last_org;
	int64_t			 last_lo, last_hi;
	uint32_t		 last_bucket;
};

/*
 * Control of a whole-set aggregation run (agg_compute_ctl) from another
 * thread.  The caller zeroes it and sets threads; anyone may set cancel
 * at any time, and the run then returns NULL (with no cause) after a few
 * milliseconds of work (at most about 20); what it built is freed, large
 * aggregates on a thread of their own.  done counts the records through
 * so far and reaches the number asked for before the merge and finish;
 * phase says what runs.  On return, parts says into how many time ranges
 * the records were cut (1: the calling thread did everything).
 *
 * agg_compute_ctl's result is identical to agg_compute's, index for
 * index; the store must not be written during the run (any number of
 * threads may read it meanwhile).
 */
enum agg_phase {
	AGG_PHASE_ORDER,	/* reading timestamps, sorting */
	AGG_PHASE_ADD,		/* aggregating records (done grows) */
	AGG_PHASE_MERGE,	/* joining the threads' parts */
	AGG_PHASE_FINISH	/* sorting counters for output */
};

struct agg_ctl {
	_Atomic bool		 cancel;	/* set by anyone: stop soon */
	_Atomic uint64_t	 done;		/* records through so far */
	_Atomic int		 phase;		/* enum agg_phase */
	unsigned		 threads;	/* 0 or 1: the calling thread */
	unsigned		 parts;		/* set on return */
};

struct agg	*agg_create(const struct agg_config *, char **);
void		 agg_free(struct agg *);
bool		 agg_add(struct agg *, const struct store *,
		    const struct record *);
void		 agg_finish(struct agg *);
struct agg	*agg_compute(const struct store *, const uint64_t *, size_t,
		    const struct agg_config *, char **);
struct agg	*agg_compute_ctl(const struct store *, const uint64_t *, size_t,
		    const struct agg_config *, struct agg_ctl *, char **);

/*
 * Incremental aggregates for live sources (agg-acc.c).  agg_acc_add
 * takes newly arrived records (any order, any batch); agg_acc_snapshot
 * returns a finished aggregate equal to agg_compute over every record
 * added so far (in every output and TUI field), at the cost of the
 * counters (a copy and a finish), not the records; the accumulator stays
 * usable.  Records up to hold ns older than the newest are held back and
 * only added to snapshots, so that the usual disorder of live traffic
 * costs nothing.  Start over (a
 * new accumulator, every record again) when agg_acc_add returns false (a
 * record came after a later record of its bucket was aggregated: it can
 * no longer be placed; agg_acc_stale says so from then on) and when the
 * store evicts records that were added (they stay counted here).
 */
struct agg_acc;
struct agg_acc	*agg_acc_create(const struct agg_config *, int64_t, char **);
void		 agg_acc_free(struct agg_acc *);
bool		 agg_acc_add(struct agg_acc *, const struct store *,
		    const uint64_t *, size_t);
bool		 agg_acc_stale(const struct agg_acc *);
struct agg	*agg_acc_snapshot(const struct agg_acc *, const struct store *,
		    char **);

bool		 agg_excluded(const struct store *, const struct record *);

const char	*agg_dim_name(enum agg_dim);
int		 agg_dim_from_name(const char *);
struct slice	 agg_str(const struct agg *, uint32_t);
uint32_t	 agg_intern(struct agg *, const char *, size_t);

/* Building blocks (used by agg-stored.c). */
uint32_t	 agg_bucket_get(struct agg *, const char *, size_t, int64_t,
		    bool *);
uint32_t	 agg_counter_get(struct agg *, uint32_t, enum agg_dim,
		    uint32_t, uint32_t, bool *);
void		 agg_counter_add_err(struct agg *, uint32_t, uint32_t,
		    int64_t);
int64_t		 agg_counter_err(const struct agg *, uint32_t, uint32_t);
void		 agg_timeid(const struct agg *, int64_t, int *, int *, int *,
		    int *);

/* Reading (after agg_finish). */
const struct agg_bucket *agg_bucket_at(const struct agg *, size_t);
const struct agg_counter *agg_counters(const struct agg *, size_t,
		    enum agg_dim, size_t *, const uint32_t **);
void		 agg_sorted_errs(const struct agg *, const struct agg_counter *,
		    struct agg_err **, size_t *);
double		 agg_avg(double, int64_t);
const uint32_t	*agg_hist(const struct agg *, uint32_t);
int64_t		 agg_hist_quantile(const uint32_t *, double);

#endif
