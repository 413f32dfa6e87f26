/* SPDX-License-Identifier: ISC */
/*
 * Hourly aggregates with Tyk Pump's rules (tyk-formats.md 5.4, quirks 5.6).
 *
 * Speed.  Every lookup goes through one open-addressing hash keyed by small
 * integers, never by strings.  A record first finds its bucket (cached for
 * runs of records of the same org and hour), then for each dimension a
 * "hot" entry keyed by the record's interned store ids.  Only on a hot
 * miss is the pump's map key built (base64, hex, dot escaping), interned in
 * the aggregate's own string table, and looked up as a "canonical" entry
 * (bucket, dimension, parent, key).  Distinct raw ids that escape to the
 * same key (possible with ':' in ids) therefore share one counter, as in
 * the pump.
 *
 * Time zones.  The pump buckets by wall-clock hours of its host's zone
 * (time.Date(y, m, d, h, 0, 0, 0, loc)).  With --tz the zone's TZif file
 * is read once, in agg_create, into an immutable table (tz.c) that
 * answers offsets without the C library's global TZ state, so aggregating
 * is safe while other threads (the Redis and Mongo readers) run.  Offsets
 * are looked up only when a record leaves the cached hour, i.e. about
 * once per hour of data.  A zone that is UTC at every instant is kept as
 * NULL, the UTC fast path.
 */
#include "config.h"

#include "agg.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agg-hash.h"
#include "agg-impl.h"
#include "agg-key.h"
#include "base64.h"
#include "bytes.h"
#include "log.h"
#include "record.h"
#include "store.h"
#include "timefmt.h"
#include "tz.h"
#include "xmalloc.h"

static uint32_t	 agg_bucket_get_id(struct agg *, uint32_t, int64_t, bool *);

static const char *const agg_dim_names[AGG_NDIMS] = {
	"total", "apiid", "errors", "versions", "apikeys", "oauthids", "geo",
	"tags", "endpoints", "apiendpoints", "keyendpoints", "oauthendpoints"
};

/* The name of a dimension as a BSON key. */
const char *
agg_dim_name(enum agg_dim d)
{
	if ((unsigned)d >= AGG_NDIMS)
		return ("?");
	return (agg_dim_names[d]);
}

/* The dimension called name, or -1. */
int
agg_dim_from_name(const char *name)
{
	int	 i;

	for (i = 0; i < AGG_NDIMS; i++)
		if (strcmp(agg_dim_names[i], name) == 0)
			return (i);
	return (-1);
}

/* String id of the aggregate's table as a slice. */
struct slice
agg_str(const struct agg *a, uint32_t id)
{
	return (strtab_get(&a->strs, id));
}

/* Intern len bytes in the aggregate's string table. */
uint32_t
agg_intern(struct agg *a, const char *s, size_t len)
{
	return (strtab_intern(&a->strs, s, len));
}

/*
 * Seconds limited to +-10^13 (about 300,000 years), so that milliseconds,
 * zone offsets and hour arithmetic cannot overflow on absurd input.
 */
static int64_t
agg_clamp_sec(int64_t sec)
{
	if (sec > 10000000000000LL)
		return (10000000000000LL);
	if (sec < -10000000000000LL)
		return (-10000000000000LL);
	return (sec);
}

static int64_t
agg_floor_div(int64_t x, int64_t d)
{
	int64_t	 q = x / d;

	if ((x % d) != 0 && (x < 0) != (d < 0))
		q--;
	return (q);
}

/*
 * Find the hour bucket of Unix time sec: a->hour_start (the bucket's
 * instant), a->hour_ymdh (its wall clock in the pump's zone) and the range
 * [hour_lo, hour_hi) of instants that share it.
 */
static void
agg_hour(struct agg *a, int64_t sec)
{
	int64_t	 wall, wh, year;
	long	 o0, o;
	int	 mon, day, hour, mi, se;

	if (a->tz == NULL) {
		wh = agg_floor_div(sec, 3600) * 3600;
		a->hour_start = a->hour_lo = wh;
		a->hour_hi = wh + 3600;
	} else {
		o0 = tz_offset(a->tz, sec);
		wall = sec + o0;
		wh = agg_floor_div(wall, 3600) * 3600;
		/*
		 * Go's time.Date(y, m, d, h, 0, 0, 0, loc) looks the offset
		 * up at the wall time read as UTC and, if the instant that
		 * gives lies outside that offset's period, again at that
		 * instant; either way the result is the offset at
		 * wh - offset(wh).  For an hour repeated when clocks go
		 * back this is the later instant east of UTC (Europe/Berlin)
		 * and the earlier one west of it (America/New_York), as in
		 * Go's own tests.
		 */
		o = tz_offset(a->tz, wh - tz_offset(a->tz, wh));
		a->hour_start = wh - o;
		if (tz_offset(a->tz, wh - o0 + 3600 - 1) == o0 &&
		    tz_offset(a->tz, wh - o0) == o0) {
			a->hour_lo = wh - o0;
			a->hour_hi = wh - o0 + 3600;
		} else {
			/* A transition inside this hour: no caching. */
			a->hour_lo = sec;
			a->hour_hi = sec + 1;
		}
	}
	timefmt_civil(wh, &year, &mon, &day, &hour, &mi, &se);
	a->hour_ymdh[0] = (int)year;
	a->hour_ymdh[1] = mon;
	a->hour_ymdh[2] = day;
	a->hour_ymdh[3] = hour;
}

/* The pump's timeid for bucket start ts (Unix seconds). */
void
agg_timeid(const struct agg *a, int64_t ts, int *y, int *m, int *d, int *h)
{
	int64_t	 year;
	long	 off = 0;
	int	 mi, se;

	if (a->tz != NULL)
		off = tz_offset(a->tz, ts);
	timefmt_civil(ts + off, &year, m, d, h, &mi, &se);
	*y = (int)year;
}

/*
 * Create an empty aggregate; NULL with *cause (if cause is not NULL) if
 * the zone is unknown.
 */
struct agg *
agg_create(const struct agg_config *cfg, char **cause)
{
	struct agg	*a;
	struct tz	*tz = NULL;
	char		*why = NULL;

	if (cfg != NULL && cfg->tz != NULL &&
	    (tz = tz_load(cfg->tz, &why)) == NULL) {
		if (cause != NULL)
			*cause = why;
		else
			free(why);
		return (NULL);
	}
	if (tz != NULL && tz_is_utc(tz)) {
		tz_free(tz);
		tz = NULL;
	}
	a = xcalloc(1, sizeof *a);
	if (cfg != NULL)
		a->cfg = *cfg;
	a->cfg.tz = NULL;
	a->tz = tz;
	strtab_init(&a->strs);
	a->hash = agg_hash_create(256);
	a->kcache = agg_hash_create(4096);
	a->hhash = agg_hash_create(256);
	buf_init(&a->scratch);
	buf_init(&a->scratch2);
	a->last_bucket = AGG_NONE;
	return (a);
}

/* Free an aggregate and everything it owns. */
void
agg_free(struct agg *a)
{
	uint32_t	 i;

	if (a == NULL)
		return;
	for (i = 0; i < a->nctrs; i++)
		free(a->ctrs[i].errs);
	free(a->ctrs);
	for (i = 0; i < a->nbuckets; i++) {
		agg_hash_free(a->buckets[i].chash);
		free(a->buckets[i].ctab);
	}
	free(a->buckets);
	free(a->border);
	free(a->order);
	free(a->map);
	free(a->tagpool);
	for (i = 0; i < a->nlctrs; i++)
		free(a->lctrs[i].errs);
	free(a->lctrs);
	free(a->hists);
	tz_free(a->tz);
	buf_clear(&a->scratch);
	buf_clear(&a->scratch2);
	agg_hash_free(a->hash);
	agg_hash_free(a->kcache);
	agg_hash_free(a->hhash);
	strtab_clear(&a->strs);
	free(a);
}

/* Map a store string id to an aggregate string id. */
static inline uint32_t
agg_map(struct agg *a, const struct store *st, uint32_t id)
{
	struct slice	 s;
	uint32_t	 n;

	if (id == 0)
		return (0);
	if (id >= a->map_cap) {
		n = st->strs.count > id ? st->strs.count : id + 1;
		n += n / 2;
		a->map = xreallocarray(a->map, n, sizeof *a->map);
		memset(a->map + a->map_cap, 0,
		    (size_t)(n - a->map_cap) * sizeof *a->map);
		a->map_cap = n;
	}
	if (a->map[id] == 0) {
		s = strtab_get(&st->strs, id);
		a->map[id] = strtab_intern(&a->strs, s.ptr, s.len) + 1;
	}
	return (a->map[id] - 1);
}

/*
 * Make room for cap counters.  The array is kept 64-byte aligned, so that
 * a counter spans three cache lines, not four: realloc keeps a large
 * (mapped) array's alignment as it grows, and a small one that moves to
 * a worse place is copied to an aligned one.
 */
void
agg_ctrs_reserve(struct agg *a, uint32_t cap)
{
	struct agg_counter	*p;
	void			*q;

	if (cap <= a->ctrs_cap)
		return;
	p = xreallocarray(a->ctrs, cap, sizeof *a->ctrs);
	if (((uintptr_t)p & 63) != 0) {
		if (posix_memalign(&q, 64, (size_t)cap * sizeof *p) != 0)
			fatalx("out of memory");
		memcpy(q, p, (size_t)a->nctrs * sizeof *p);
		free(p);
		p = q;
	}
	a->ctrs = p;
	a->ctrs_cap = cap;
}

/* A new zeroed counter; returns its index. */
static uint32_t
agg_counter_new(struct agg *a, uint32_t bucket, enum agg_dim dim,
    uint32_t parent, uint32_t key)
{
	struct agg_counter	*c;

	if (a->nctrs == a->ctrs_cap) {
		if (a->ctrs_cap >= UINT32_MAX / 2)
			fatalx("too many aggregate counters");
		agg_ctrs_reserve(a, a->ctrs_cap == 0 ? 1024 : a->ctrs_cap * 2);
	}
	c = &a->ctrs[a->nctrs];
	memset(c, 0, sizeof *c);
	c->bucket = bucket;
	c->dim = (uint8_t)dim;
	c->parent = parent;
	c->key = key;
	c->nemin = c->nemin_up = INT64_MAX;
	a->finished = false;
	return (a->nctrs++);
}

/*
 * The bucket of (org, start), created if needed (*created says so).  New
 * buckets get their timeid; expire and lasttime are the caller's.
 */
uint32_t
agg_bucket_get(struct agg *a, const char *org, size_t len, int64_t start,
    bool *created)
{
	return (agg_bucket_get_id(a, agg_intern(a, org, len), start, created));
}

static uint32_t
agg_bucket_get_id(struct agg *a, uint32_t org, int64_t start, bool *created)
{
	struct agg_hkey		 k;
	struct agg_bucket	*b;
	uint32_t		 v;

	memset(&k, 0, sizeof k);
	k.kind = AGG_K_BUCKET;
	k.bucket = org;
	k.a = (uint32_t)((uint64_t)start & 0xffffffff);
	k.b = (uint32_t)((uint64_t)start >> 32);
	v = agg_hash_find(a->hash, &k);
	if (v != AGG_NONE) {
		if (created != NULL)
			*created = false;
		return (v);
	}
	if (a->nbuckets == a->buckets_cap) {
		a->buckets_cap = a->buckets_cap == 0 ? 64 : a->buckets_cap * 2;
		a->buckets = xreallocarray(a->buckets, a->buckets_cap,
		    sizeof *a->buckets);
	}
	v = a->nbuckets++;
	b = &a->buckets[v];
	memset(b, 0, sizeof *b);
	b->org = org;
	b->timestamp = start;
	agg_timeid(a, start, &b->year, &b->month, &b->day, &b->hour);
	b->total = agg_counter_new(a, v, AGG_TOTAL, 0, 0);
	b->chash = agg_hash_create(64);
	agg_hash_put(a->hash, &k, v);
	a->finished = false;
	if (created != NULL)
		*created = true;
	return (v);
}

/* Hash of a counter's identity in its bucket. */
uint64_t
agg_ctab_hash(enum agg_dim dim, uint32_t parent, uint32_t key)
{
	uint64_t	 h;

	h = ((uint64_t)parent << 32 | key) * 0x9e3779b97f4a7c15ULL;
	h ^= (uint64_t)dim * 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 29;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 32;
	return (h);
}

/*
 * Insert counter v (hash h) in bucket b's counter table.  Entries are 8
 * bytes, the hash's high half and the counter index + 1, and are checked
 * against the counter itself, which the caller touches next anyway: the
 * table stays a third of the size of a keyed one, so more of it is cached.
 */
void
agg_ctab_put(struct agg *a, struct agg_bucket *b, uint64_t h, uint32_t v)
{
	uint64_t		*old;
	uint32_t		 oldn, i, j;
	const struct agg_counter *c;
	uint64_t		 hh;

	if (b->ctab == NULL || (b->ctab_n + 1) * 2 > b->ctab_mask + 1) {
		old = b->ctab;
		oldn = old == NULL ? 0 : b->ctab_mask + 1;
		if (oldn > UINT32_MAX / 4)
			fatalx("aggregate counter table too large");
		b->ctab_mask = oldn == 0 ? 63 : oldn * 2 - 1;
		b->ctab = xcalloc((size_t)b->ctab_mask + 1, sizeof *b->ctab);
		for (j = 0; j < oldn; j++) {
			if (old[j] == 0)
				continue;
			c = &a->ctrs[(uint32_t)old[j] - 1];
			hh = agg_ctab_hash((enum agg_dim)c->dim, c->parent,
			    c->key);
			i = (uint32_t)hh & b->ctab_mask;
			while (b->ctab[i] != 0)
				i = (i + 1) & b->ctab_mask;
			b->ctab[i] = old[j];
		}
		free(old);
	}
	i = (uint32_t)h & b->ctab_mask;
	while (b->ctab[i] != 0)
		i = (i + 1) & b->ctab_mask;
	b->ctab[i] = (h >> 32) << 32 | ((uint64_t)v + 1);
	b->ctab_n++;
}

/* The counter (bucket, dim, parent, key), or AGG_NONE. */
uint32_t
agg_counter_find(const struct agg *a, uint32_t bucket, enum agg_dim dim,
    uint32_t parent, uint32_t key)
{
	const struct agg_bucket	*b = &a->buckets[bucket];
	const struct agg_counter *c;
	uint64_t		 h, e;
	uint32_t		 i;

	if (dim == AGG_TOTAL)
		return (b->total);
	if (b->ctab == NULL)
		return (AGG_NONE);
	h = agg_ctab_hash(dim, parent, key);
	i = (uint32_t)h & b->ctab_mask;
	while ((e = b->ctab[i]) != 0) {
		if ((uint32_t)(e >> 32) == (uint32_t)(h >> 32)) {
			c = &a->ctrs[(uint32_t)e - 1];
			if (c->key == key && c->parent == parent &&
			    c->dim == (uint8_t)dim)
				return ((uint32_t)e - 1);
		}
		i = (i + 1) & b->ctab_mask;
	}
	return (AGG_NONE);
}

/*
 * The counter (bucket, dim, parent, key), created zeroed if needed
 * (*created says so).  Returns its index.
 */
uint32_t
agg_counter_get(struct agg *a, uint32_t bucket, enum agg_dim dim,
    uint32_t parent, uint32_t key, bool *created)
{
	struct agg_bucket	*b;
	struct agg_counter	*c;
	uint64_t		 h, e;
	uint32_t		 v, i;

	if (dim == AGG_TOTAL) {
		if (created != NULL)
			*created = false;
		return (a->buckets[bucket].total);
	}
	b = &a->buckets[bucket];
	h = agg_ctab_hash(dim, parent, key);
	if (b->ctab != NULL) {
		i = (uint32_t)h & b->ctab_mask;
		while ((e = b->ctab[i]) != 0) {
			if ((uint32_t)(e >> 32) == (uint32_t)(h >> 32)) {
				c = &a->ctrs[(uint32_t)e - 1];
				if (c->key == key && c->parent == parent &&
				    c->dim == (uint8_t)dim) {
					if (created != NULL)
						*created = false;
					return ((uint32_t)e - 1);
				}
			}
			i = (i + 1) & b->ctab_mask;
		}
	}
	v = agg_counter_new(a, bucket, dim, parent, key);
	agg_ctab_put(a, b, h, v);
	if (created != NULL)
		*created = true;
	return (v);
}

/* Add n to the errormap entry for code (a string id) of counter ci. */
void
agg_counter_add_err(struct agg *a, uint32_t ci, uint32_t code, int64_t n)
{
	struct agg_counter	*c = &a->ctrs[ci];
	uint32_t		 i;

	for (i = 0; i < c->nerrs; i++) {
		if (c->errs[i].code == code) {
			/* Wraps rather than overflows: stored counts are input. */
			c->errs[i].count = (int64_t)((uint64_t)c->errs[i].count +
			    (uint64_t)n);
			return;
		}
	}
	if (c->nerrs == c->errs_cap) {
		c->errs_cap = c->errs_cap == 0 ? 2 : c->errs_cap * 2;
		c->errs = xreallocarray(c->errs, c->errs_cap, sizeof *c->errs);
	}
	c->errs[c->nerrs].code = code;
	c->errs[c->nerrs].count = n;
	c->nerrs++;
}

/* The errormap count of code (a string id) in counter ci. */
int64_t
agg_counter_err(const struct agg *a, uint32_t ci, uint32_t code)
{
	const struct agg_counter	*c = &a->ctrs[ci];
	uint32_t			 i;

	for (i = 0; i < c->nerrs; i++)
		if (c->errs[i].code == code)
			return (c->errs[i].count);
	return (0);
}

/* A new dimension counter takes the record's counter (incrementOrSetUnit). */
static void
agg_rc_set(struct agg *a, uint32_t ci, const struct agg_rc *rc)
{
	struct agg_counter	*c = &a->ctrs[ci];

	c->hits = 1;
	c->success = rc->success;
	c->errortotal = rc->errortotal;
	c->totalrequesttime = rc->rt;
	c->maxlatency = c->minlatency = c->totallatency = rc->lat;
	c->maxupstreamlatency = c->minupstreamlatency =
	    c->totalupstreamlatency = rc->up;
	c->lasttime = rc->ms;
	c->first_ts = c->last_ts = rc->ns;
	if (rc->errortotal != 0)
		agg_counter_add_err(a, ci, rc->code, 1);
	else {
		c->nemin = rc->lat;
		c->nemin_up = rc->up;
	}
}

/*
 * Merge the record's counter into an existing one: lasttime is not
 * updated (Q3), and the minimum only moves for codes below 400 (Q5).
 */
static void
agg_rc_merge(struct agg *a, uint32_t ci, const struct agg_rc *rc)
{
	struct agg_counter	*c = &a->ctrs[ci];

	c->hits++;
	c->success += rc->success;
	c->errortotal += rc->errortotal;
	if (rc->errortotal != 0)
		agg_counter_add_err(a, ci, rc->code, 1);
	c->totalrequesttime += rc->rt;
	if (c->maxlatency < rc->lat)
		c->maxlatency = rc->lat;
	if (c->maxupstreamlatency < rc->up)
		c->maxupstreamlatency = rc->up;
	if (rc->errortotal == 0) {
		if (c->minlatency > rc->lat)
			c->minlatency = rc->lat;
		if (c->minupstreamlatency > rc->up)
			c->minupstreamlatency = rc->up;
		if (c->nemin > rc->lat)
			c->nemin = rc->lat;
		if (c->nemin_up > rc->up)
			c->nemin_up = rc->up;
	}
	c->totallatency += rc->lat;
	c->totalupstreamlatency += rc->up;
	if (c->first_ts == 0 || rc->ns < c->first_ts)
		c->first_ts = rc->ns;
	if (c->last_ts == 0 || rc->ns > c->last_ts)
		c->last_ts = rc->ns;
}

/* Text id of a status code. */
static uint32_t
agg_code_id(struct agg *a, int64_t code)
{
	struct agg_hkey	 k;
	uint32_t	 v;
	char		 tmp[32];
	int		 n;

	memset(&k, 0, sizeof k);
	k.kind = AGG_K_CODE;
	k.a = (uint32_t)((uint64_t)code & 0xffffffff);
	k.b = (uint32_t)((uint64_t)code >> 32);
	v = agg_hash_find(a->kcache, &k);
	if (v == AGG_NONE) {
		n = snprintf(tmp, sizeof tmp, "%lld", (long long)code);
		v = strtab_intern(&a->strs, tmp, (size_t)n);
		agg_hash_put(a->kcache, &k, v);
	}
	return (v);
}

/* Append the store string id to b. */
static void
agg_add_sid(struct buf *b, const struct store *st, uint32_t id)
{
	struct slice	 s = strtab_get(&st->strs, id);

	buf_add(b, s.ptr, s.len);
}

/*
 * The counter for a dimension value given by store ids x, y, z (see
 * agg_add for what they are per dimension).  The pump's map key is built
 * (base64, hex, dot escaping) only the first time the ids are seen, in a
 * small cache shared by every bucket; the counter itself is found in the
 * bucket's own table, which stays in cache while its hour is aggregated.
 */
static uint32_t
agg_slot(struct agg *a, const struct store *st, uint32_t bucket,
    enum agg_dim dim, uint32_t x, uint32_t y, uint32_t z, bool *created)
{
	struct agg_hkey	 k, hk;
	struct buf	*s = &a->scratch, *e = &a->scratch2;
	uint32_t	 parent = 0, key, v;
	struct slice	 p;
	size_t		 i;

	switch (dim) {
	case AGG_APIID:
	case AGG_APIKEYS:
	case AGG_OAUTHIDS:
		return (agg_counter_get(a, bucket, dim, 0, agg_map(a, st, x),
		    created));
	case AGG_KEYENDPOINTS:
	case AGG_OAUTHENDPOINTS:
		parent = agg_map(a, st, x);
		x = 0;
		break;
	default:
		break;
	}
	/* This bucket has seen these ids before: one lookup. */
	hk.bucket = 0;
	hk.kind = AGG_K_HOT + (uint32_t)dim;
	hk.a = dim == AGG_KEYENDPOINTS || dim == AGG_OAUTHENDPOINTS ?
	    parent : x;
	hk.b = y;
	hk.c = z;
	v = agg_hash_find(a->buckets[bucket].chash, &hk);
	if (v != AGG_NONE) {
		*created = false;
		return (v);
	}
	k.bucket = 0;
	k.kind = AGG_K_KEY + (uint32_t)dim;
	if (dim == AGG_OAUTHENDPOINTS)	/* same inner keys as keyendpoints */
		k.kind = AGG_K_KEY + AGG_KEYENDPOINTS;
	k.a = x;
	k.b = y;
	k.c = z;
	key = agg_hash_find(a->kcache, &k);
	if (key != AGG_NONE) {
		v = agg_counter_get(a, bucket, dim, parent, key, created);
		agg_hash_put(a->buckets[bucket].chash, &hk, v);
		return (v);
	}
	buf_reset(s);
	buf_reset(e);
	switch (dim) {
	case AGG_ERRORS:
		key = agg_code_id(a, (int64_t)((uint64_t)y << 32 | x));
		break;
	case AGG_VERSIONS:
		agg_add_sid(s, st, x);
		buf_addc(s, ':');
		agg_add_sid(s, st, y);
		base64_encode_nopad(e, s->data, s->len);
		key = strtab_intern(&a->strs, e->data, e->len);
		break;
	case AGG_KEYENDPOINTS:
	case AGG_OAUTHENDPOINTS:
		agg_add_sid(s, st, y);
		buf_addc(s, ':');
		agg_add_sid(s, st, z);
		base64_encode_nopad(e, s->data, s->len);
		key = strtab_intern(&a->strs, e->data, e->len);
		break;
	case AGG_ENDPOINTS:
		p = strtab_get(&st->strs, x);
		for (i = 0; i < p.len; i++) {
			if (p.ptr[i] == '.')
				buf_add(s, "\\u2e", 4);
			else
				buf_addc(s, p.ptr[i]);
		}
		key = strtab_intern(&a->strs, s->data, s->len);
		break;
	case AGG_APIENDPOINTS:
		agg_add_sid(s, st, x);
		buf_addc(s, ':');
		agg_add_sid(s, st, y);
		buf_addc(s, ':');
		agg_add_sid(s, st, z);
		buf_add_hex(e, s->data, s->len);
		key = strtab_intern(&a->strs, e->data, e->len);
		break;
	default:
		fatalx("agg_slot: dimension %d", (int)dim);
	}
	agg_hash_put(a->kcache, &k, key);
	v = agg_counter_get(a, bucket, dim, parent, key, created);
	agg_hash_put(a->buckets[bucket].chash, &hk, v);
	return (v);
}

/*
 * The tags of blob id as aggregate tag keys: trimmed, dots removed, empty
 * ones and those whose original text starts with "key-" or an ignored
 * prefix dropped (TrimTag, ignoreTag).  Returns a pointer into the pool:
 * p[0] = count | AGG_TAG_GQL if "tyk-graph-analytics" is among them, then
 * the ids.  Valid until the next call.
 */
static const uint32_t *
agg_tags(struct agg *a, const struct store *st, uint32_t blob)
{
	struct agg_hkey	 k;
	struct slice	 list, t;
	size_t		 off = 0, start, i, j, b, e;
	uint32_t	 v, n = 0, gql = 0;
	bool		 skip;

	memset(&k, 0, sizeof k);
	k.kind = AGG_K_TAGS;
	k.a = blob;
	v = agg_hash_find(a->kcache, &k);
	if (v != AGG_NONE)
		return (a->tagpool + v);
	start = a->tagpool_len;
	if (start + 1 > a->tagpool_cap) {
		a->tagpool_cap = a->tagpool_cap == 0 ? 256 :
		    a->tagpool_cap * 2;
		a->tagpool = xreallocarray(a->tagpool, a->tagpool_cap,
		    sizeof *a->tagpool);
	}
	a->tagpool_len++;
	list = strtab_get(&st->strs, blob);
	while (record_list_next(list, &off, &t)) {
		if (t.len == 19 && memcmp(t.ptr, "tyk-graph-analytics", 19) == 0)
			gql = AGG_TAG_GQL;
		skip = t.len >= 4 && memcmp(t.ptr, "key-", 4) == 0;
		for (i = 0; !skip && i < a->cfg.nignore_tag_prefix; i++) {
			j = strlen(a->cfg.ignore_tag_prefix[i]);
			if (t.len >= j && memcmp(t.ptr,
			    a->cfg.ignore_tag_prefix[i], j) == 0)
				skip = true;
		}
		if (skip)
			continue;
		/* strings.TrimSpace, then drop every dot. */
		b = 0;
		e = t.len;
		while (b < e && (i = agg_key_space_at(t.ptr + b, e - b)) != 0)
			b += i;
		while (e > b && (i = agg_key_space_before(t.ptr + b, e - b)) != 0)
			e -= i;
		buf_reset(&a->scratch);
		for (i = b; i < e; i++)
			if (t.ptr[i] != '.')
				buf_addc(&a->scratch, t.ptr[i]);
		if (a->scratch.len == 0)
			continue;
		if (a->tagpool_len + 1 > a->tagpool_cap) {
			a->tagpool_cap *= 2;
			a->tagpool = xreallocarray(a->tagpool, a->tagpool_cap,
			    sizeof *a->tagpool);
		}
		a->tagpool[a->tagpool_len++] = strtab_intern(&a->strs,
		    a->scratch.data, a->scratch.len);
		n++;
	}
	a->tagpool[start] = n | gql;
	agg_hash_put(a->kcache, &k, (uint32_t)start);
	return (a->tagpool + start);
}

/* The aggregate id of the ISO country code in geo blob id (0 if none). */
static uint32_t
agg_geo_iso(struct agg *a, const struct store *st, uint32_t blob)
{
	struct agg_hkey		 k;
	struct record_geo	 g;
	struct slice		 s;
	uint32_t		 v;

	memset(&k, 0, sizeof k);
	k.kind = AGG_K_GEO;
	k.a = blob;
	v = agg_hash_find(a->kcache, &k);
	if (v != AGG_NONE)
		return (v);
	v = 0;
	s = strtab_get(&st->strs, blob);
	if (s.len == sizeof g) {
		memcpy(&g, s.ptr, sizeof g);
		v = agg_map(a, st, g.iso_code);
	}
	agg_hash_put(a->kcache, &k, v);
	return (v);
}

/* Does the record carry the tyk-graph-analytics tag? */
static bool
agg_has_gql_tag(const struct store *st, const struct record *r)
{
	struct slice	 list, t;
	size_t		 off = 0;

	list = strtab_get(&st->strs, r->str[RS_TAGS]);
	while (record_list_next(list, &off, &t))
		if (t.len == 19 && memcmp(t.ptr, "tyk-graph-analytics", 19) == 0)
			return (true);
	return (false);
}

/*
 * Could the record's GraphQL flag not be seen?  BSON never stores it, nor
 * does mongoexport JSON; there the tyk-graph-analytics tag stands in.
 */
static bool
agg_gql_unknown(const struct record *r)
{
	enum record_encoding	 e = record_encoding(r);

	return (e == REC_ENC_BSON || (e == REC_ENC_JSON &&
	    !(r->flags & REC_HAS_GQL)));
}

/*
 * Is the record left out of the aggregates as the pump leaves it out
 * (empty org, GraphQL, MCP; bad records and gap markers)?
 */
bool
agg_excluded(const struct store *st, const struct record *r)
{
	if (r->flags & (REC_BAD | REC_GAP | REC_GRAPHQL | REC_MCP))
		return (true);
	if (r->str[RS_ORG_ID] == 0)
		return (true);
	if (r->str[RS_TAGS] != 0 && agg_gql_unknown(r) &&
	    agg_has_gql_tag(st, r))
		return (true);
	return (false);
}

/* The bucket of an org (store id) at Unix time sec, created if needed. */
static uint32_t
agg_bucket_for(struct agg *a, const struct store *st,
    const struct record *r, uint32_t org, int64_t sec)
{
	struct agg_bucket	*b;
	uint32_t		 v;
	bool			 created;

	if (org == a->last_org && sec >= a->last_lo && sec < a->last_hi)
		return (a->last_bucket);
	if (sec < a->hour_lo || sec >= a->hour_hi || a->hour_lo == a->hour_hi)
		agg_hour(a, sec);
	v = agg_bucket_get_id(a, agg_map(a, st, org), a->hour_start,
	    &created);
	if (created) {
		b = &a->buckets[v];
		b->expire = agg_clamp_sec(record_exp_sec(st, r)) * 1000 +
		    record_exp_nsec(st, r) / 1000000;
	}
	a->last_org = org;
	a->last_lo = a->hour_lo;
	a->last_hi = a->hour_hi;
	a->last_bucket = v;
	return (v);
}

/*
 * Aggregate one record (tyk-formats.md 5.4 add_record).  Records must come
 * in timestamp order.  Returns false if the record is excluded.
 */
bool
agg_add(struct agg *a, const struct store *st, const struct record *r)
{
	const struct record_extra	*ex;
	struct agg_counter		*c, *tot;
	struct agg_rc			 rc;
	const uint32_t			*tags;
	struct agg_hkey			 k;
	uint32_t			 bi, ci, api, ver, key, oauth, path;
	uint32_t			 iso, v;
	int64_t				 sec, code;
	bool				 created, track;

	if (a->finished)
		return (false);		/* finished aggregates are final */
	if (r->flags & (REC_BAD | REC_GAP | REC_GRAPHQL | REC_MCP) ||
	    r->str[RS_ORG_ID] == 0) {
		a->excluded++;
		return (false);
	}
	tags = NULL;
	if (r->str[RS_TAGS] != 0) {
		tags = agg_tags(a, st, r->str[RS_TAGS]);
		if ((tags[0] & AGG_TAG_GQL) && agg_gql_unknown(r)) {
			a->excluded++;
			return (false);
		}
	}
	a->added++;

	sec = agg_clamp_sec(record_ts_sec(st, r));
	rc.ns = r->ts;
	rc.ms = sec * 1000 + record_ts_nsec(st, r) / 1000000;
	bi = agg_bucket_for(a, st, r, r->str[RS_ORG_ID], sec);
	a->buckets[bi].lasttime = rc.ms;
	a->buckets[bi].records++;
	tot = &a->ctrs[a->buckets[bi].total];
	tot->lasttime = rc.ms;
	api = r->str[RS_API_ID];
	code = record_response_code(st, r);

	if (code == -1) {
		/* Network statistics: no hit, only the network fields. */
		ex = (r->flags & REC_NETWORK) ? record_extra(st, r) : NULL;
		if (ex == NULL)
			return (true);
		tot->openconnections += ex->open_connections;
		tot->closedconnections += ex->closed_connection;
		tot->bytesin += ex->bytes_in;
		tot->bytesout += ex->bytes_out;
		if (api != 0) {
			ci = agg_slot(a, st, bi, AGG_APIID, api, 0, 0,
			    &created);
			c = &a->ctrs[ci];
			if (created) {
				c->identifier = agg_map(a, st, api);
				c->humanidentifier = agg_map(a, st,
				    r->str[RS_API_NAME]);
				c->lasttime = AGG_GO_ZERO_MS;
			}
			c->bytesin += ex->bytes_in;
			c->bytesout += ex->bytes_out;
		}
		return (true);
	}

	rc.lat = record_lat_total(st, r);
	rc.up = record_lat_upstream(st, r);
	rc.rt = (double)record_request_time(st, r);
	rc.success = code >= 200 && code < 300;
	rc.errortotal = code >= 400;
	rc.code = rc.errortotal ? agg_code_id(a, code) : 0;

	/* The org total, with its own minimum rule. */
	tot = &a->ctrs[a->buckets[bi].total];
	tot->hits++;
	tot->totalrequesttime += rc.rt;
	if (rc.errortotal) {
		tot->errortotal++;
		agg_counter_add_err(a, a->buckets[bi].total, rc.code, 1);
		tot = &a->ctrs[a->buckets[bi].total];
	}
	tot->success += rc.success;
	tot->totallatency += rc.lat;
	tot->totalupstreamlatency += rc.up;
	if (tot->maxlatency < rc.lat)
		tot->maxlatency = rc.lat;
	if (tot->maxupstreamlatency < rc.up)
		tot->maxupstreamlatency = rc.up;
	if (tot->hits == 1) {
		tot->minlatency = rc.lat;
		tot->minupstreamlatency = rc.up;
	} else if (rc.success) {
		if (tot->minlatency > rc.lat)
			tot->minlatency = rc.lat;
		if (tot->minupstreamlatency > rc.up)
			tot->minupstreamlatency = rc.up;
	}
	if (rc.success) {
		if (tot->nemin > rc.lat)
			tot->nemin = rc.lat;
		if (tot->nemin_up > rc.up)
			tot->nemin_up = rc.up;
	}
	if (tot->first_ts == 0 || rc.ns < tot->first_ts)
		tot->first_ts = rc.ns;
	if (tot->last_ts == 0 || rc.ns > tot->last_ts)
		tot->last_ts = rc.ns;

	track = a->cfg.track_all_paths || (r->flags & REC_TRACK_PATH);
	ver = r->str[RS_API_VERSION];
	key = r->str[RS_API_KEY];
	oauth = r->str[RS_OAUTH_ID];
	path = r->str[RS_PATH];

#define AGG_UPDATE(dim, x, y, z) do {					\
	ci = agg_slot(a, st, bi, dim, x, y, z, &created);		\
	if (created)							\
		agg_rc_set(a, ci, &rc);					\
	else								\
		agg_rc_merge(a, ci, &rc);				\
	c = &a->ctrs[ci];						\
} while (0)

	agg_hist_add(a, a->buckets[bi].total, rc.lat);
	if (api != 0) {
		AGG_UPDATE(AGG_APIID, api, 0, 0);
		c->identifier = c->key;
		c->humanidentifier = agg_map(a, st, r->str[RS_API_NAME]);
		agg_hist_add(a, ci, rc.lat);
	}
	if (rc.errortotal) {
		AGG_UPDATE(AGG_ERRORS, (uint32_t)((uint64_t)code & 0xffffffff),
		    (uint32_t)((uint64_t)code >> 32), 0);
		c->identifier = rc.code;
	}
	if (ver != 0) {
		AGG_UPDATE(AGG_VERSIONS, api, ver, 0);
		c->identifier = c->humanidentifier = agg_map(a, st, ver);
	}
	if (key != 0) {
		AGG_UPDATE(AGG_APIKEYS, key, 0, 0);
		c->identifier = c->key;
		c->humanidentifier = agg_map(a, st, r->str[RS_ALIAS]);
		if (track) {
			AGG_UPDATE(AGG_KEYENDPOINTS, key, api, path);
			c->identifier = c->humanidentifier = c->key;
		}
	}
	if (oauth != 0) {
		AGG_UPDATE(AGG_OAUTHIDS, oauth, 0, 0);
		c->identifier = c->key;
		if (track) {
			AGG_UPDATE(AGG_OAUTHENDPOINTS, oauth, api, path);
			c->identifier = c->humanidentifier = c->key;
		}
	}
	if (r->str[RS_GEO] != 0 &&
	    (iso = agg_geo_iso(a, st, r->str[RS_GEO])) != 0) {
		ci = agg_counter_get(a, bi, AGG_GEO, 0, iso, &created);
		if (created)
			agg_rc_set(a, ci, &rc);
		else
			agg_rc_merge(a, ci, &rc);
		a->ctrs[ci].identifier = a->ctrs[ci].humanidentifier = iso;
	}
	if (tags != NULL && (tags[0] & ~AGG_TAG_GQL) != 0) {
		memset(&k, 0, sizeof k);
		k.kind = AGG_K_TAGLIST;
		k.a = r->str[RS_TAGS];
		v = agg_hash_find(a->buckets[bi].chash, &k);
		if (v == AGG_NONE) {
			v = agg_lctr_new(a, bi, (uint32_t)(tags - a->tagpool),
			    &rc);
			agg_hash_put(a->buckets[bi].chash, &k, v);
		} else
			agg_lctr_merge(a, v, &rc);
	}
	if (track) {
		AGG_UPDATE(AGG_ENDPOINTS, path, 0, 0);
		c->identifier = c->humanidentifier = agg_map(a, st, path);
		AGG_UPDATE(AGG_APIENDPOINTS, api, ver, path);
		c->identifier = c->key;
		c->humanidentifier = agg_map(a, st, path);
	}
#undef AGG_UPDATE
	return (true);
}

/* Order of aggregation: timestamp, then seq. */
int
agg_cmp_tsseq(const void *va, const void *vb)
{
	const struct agg_tsseq	*x = va, *y = vb;

	if (x->ts != y->ts)
		return (x->ts < y->ts ? -1 : 1);
	return (x->seq < y->seq ? -1 : x->seq > y->seq);
}

/*
 * Aggregate the records seqs[0..n) of st in timestamp order (ties keep
 * seq order) and finish.  NULL with *cause on a bad configuration.
 */
struct agg *
agg_compute(const struct store *st, const uint64_t *seqs, size_t n,
    const struct agg_config *cfg, char **cause)
{
	return (agg_compute_ctl(st, seqs, n, cfg, NULL, cause));
}
