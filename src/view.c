/* SPDX-License-Identifier: ISC */
/*
 * View state: the selected rows of the store in sort order, the cursor,
 * scrolling, follow mode, marks, search and the column layout.  Pure: no
 * terminal, no clock.
 *
 * Sorting.  A full sort (after a filter change or a new sort column) is a
 * stable LSD radix sort of (key, seq) pairs: first by time (skipped when
 * the rows already are in time order, the usual case), then by the column
 * key, where strings are ranked by their bytes once per sort.  Records
 * that arrive later are sorted among themselves with the full comparator
 * and merged in from the end, so appending in time order touches only the
 * tail.
 */
#include "config.h"

#include "view.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "store.h"
#include "strtab.h"
#include "xmalloc.h"

struct view_ent {
	uint64_t	 key;
	uint64_t	 seq;
};

static const char *view_col_names[VIEW_COL_COUNT] = {
	"TIME", "METHOD", "STATUS", "LATENCY", "API", "PATH", "KEY", "IP",
	"UPSTREAM", "GATEWAY", "ORG", "VERSION", "REASON"
};

static void	 view_scroll(struct view *);
static void	 view_marks_prune(struct view *, const struct store *);
static int	 view_cmp(const struct view *, const struct store *, uint64_t,
		    uint64_t);
static size_t	 view_find(const struct view *, const struct store *,
		    uint64_t, bool *);

/* Has the work of ctl been cancelled? */
static inline bool
view_cancelled(struct view_ctl *ctl)
{
	return (ctl != NULL && atomic_load_explicit(&ctl->cancel,
	    memory_order_relaxed));
}

/* Count work to do (total) and work done in ctl. */
static inline void
view_work(struct view_ctl *ctl, uint64_t total, uint64_t done)
{
	if (ctl == NULL)
		return;
	if (total != 0)
		atomic_fetch_add_explicit(&ctl->total, total,
		    memory_order_relaxed);
	if (done != 0)
		atomic_fetch_add_explicit(&ctl->done, done,
		    memory_order_relaxed);
}

/* Initialise an empty view: time order, following. */
void
view_init(struct view *v)
{
	memset(v, 0, sizeof *v);
	v->follow = true;
	v->height = 1;
	v->sort = VIEW_COL_TIME;
	v->col = VIEW_COL_PATH;
	v->since = INT64_MIN;
	v->until = INT64_MAX;
}

/* Free what the view holds. */
void
view_clear(struct view *v)
{
	free(v->rows);
	free(v->marks);
	memset(v, 0, sizeof *v);
}

/* Set the filter predicate (NULL: all records); call view_rebuild after. */
void
view_set_filter(struct view *v, view_match_fn fn, void *arg)
{
	v->match = fn;
	v->match_at = NULL;
	v->select_at = NULL;
	v->match_arg = arg;
}

/*
 * Give the filter set by view_set_filter its column forms (same
 * argument), one record and a chunk at a time, which whole-set passes use
 * instead; call after view_set_filter.
 */
void
view_set_filter_at(struct view *v, view_match_at_fn fn,
    view_select_at_fn sel)
{
	v->match_at = v->match != NULL ? fn : NULL;
	v->select_at = v->match != NULL ? sel : NULL;
}

/* Set the time range [since, until) in ns; call view_rebuild after. */
void
view_set_range(struct view *v, int64_t since, int64_t until)
{
	v->since = since;
	v->until = until;
}

/* Name of a column, for headers and the sort indicator. */
const char *
view_col_name(enum view_col c)
{
	if ((unsigned)c >= VIEW_COL_COUNT)
		return ("?");
	return (view_col_names[c]);
}

/* The string a string column sorts by. */
static enum record_str
view_col_str(enum view_col c)
{
	switch (c) {
	case VIEW_COL_METHOD:
		return (RS_METHOD);
	case VIEW_COL_API:
		return (RS_API_NAME);
	case VIEW_COL_PATH:
		return (RS_PATH);
	case VIEW_COL_KEY:
		return (RS_API_KEY);
	case VIEW_COL_IP:
		return (RS_IP_ADDRESS);
	case VIEW_COL_ORG:
		return (RS_ORG_ID);
	case VIEW_COL_VERSION:
		return (RS_API_VERSION);
	default:
		return (RS_COUNT);
	}
}

/* Does record i of chunk c pass the filter and the time range? */
static bool
view_selects(const struct view *v, const struct store *st,
    const struct store_chunk *c, uint32_t i)
{
	struct record	 r;
	int64_t		 ts = c->ts[i];

	if (ts < v->since || ts >= v->until) {
		if (!(c->flags[i] & (REC_BAD | REC_GAP)) ||
		    (v->since == INT64_MIN && v->until == INT64_MAX))
			return (false);
	}
	if (v->match == NULL)
		return (true);
	if (v->match_at != NULL)
		return (v->match_at(v->match_arg, st, c, i));
	store_fill_at(st, c, i, &r);
	return (v->match(v->match_arg, st, &r));
}

/* Numeric sort key of a record for a numeric column, biased unsigned. */
static uint64_t
view_numkey(const struct store *st, const struct record *r, enum view_col c)
{
	int64_t	 x;

	switch (c) {
	case VIEW_COL_STATUS:
	case VIEW_COL_REASON:
		x = r->flags & (REC_BAD | REC_GAP) ? -1 :
		    record_response_code(st, r);
		break;
	case VIEW_COL_UPSTREAM:
		x = r->flags & (REC_BAD | REC_GAP) ? -1 :
		    record_lat_upstream(st, r);
		break;
	case VIEW_COL_GATEWAY:
		x = r->flags & (REC_BAD | REC_GAP) ? -1 :
		    record_lat_gateway(st, r);
		break;
	case VIEW_COL_LATENCY:
		x = r->flags & (REC_BAD | REC_GAP) ? -1 :
		    record_lat_total(st, r);
		break;
	default:
		x = r->ts;
		break;
	}
	return ((uint64_t)x ^ (1ULL << 63));
}

/* view_numkey of record i of chunk c, from the columns. */
static uint64_t
view_numkey_at(const struct store *st, const struct store_chunk *c,
    uint32_t i, enum view_col col)
{
	struct record	 r;
	int64_t		 x;

	if (c->flags[i] & REC_WIDE) {
		store_fill_at(st, c, i, &r);
		return (view_numkey(st, &r, col));
	}
	switch (col) {
	case VIEW_COL_STATUS:
		x = c->flags[i] & (REC_BAD | REC_GAP) ? -1 : c->status[i];
		break;
	case VIEW_COL_LATENCY:
		x = c->flags[i] & (REC_BAD | REC_GAP) ? -1 : c->lat_total[i];
		break;
	case VIEW_COL_UPSTREAM:
		x = c->flags[i] & (REC_BAD | REC_GAP) ? -1 :
		    c->lat_upstream[i];
		break;
	case VIEW_COL_GATEWAY:
		x = c->flags[i] & (REC_BAD | REC_GAP) ? -1 : c->lat_gateway[i];
		break;
	default:
		x = c->ts[i];
		break;
	}
	return ((uint64_t)x ^ (1ULL << 63));
}

/* Compare two strtab strings by bytes, then length. */
static int
view_strcmp(const struct store *st, uint32_t a, uint32_t b)
{
	struct slice	 x, y;
	int		 c;

	if (a == b)
		return (0);
	x = strtab_get(&st->strs, a);
	y = strtab_get(&st->strs, b);
	c = memcmp(x.ptr, y.ptr, x.len < y.len ? x.len : y.len);
	if (c != 0)
		return (c < 0 ? -1 : 1);
	return (x.len < y.len ? -1 : x.len > y.len);
}

/* The full order: column key (reversed if asked), then time, then seq. */
static int
view_cmp(const struct view *v, const struct store *st, uint64_t a,
    uint64_t b)
{
	const struct record	*ra = store_get(st, a), *rb = store_get(st, b);
	enum record_str		 s = view_col_str(v->sort);
	uint64_t		 ka, kb;
	int			 c = 0;

	if (s != RS_COUNT)
		c = view_strcmp(st, ra->str[s], rb->str[s]);
	else if (v->sort != VIEW_COL_TIME) {
		ka = view_numkey(st, ra, v->sort);
		kb = view_numkey(st, rb, v->sort);
		c = ka < kb ? -1 : ka > kb;
	}
	if (c == 0 && v->sort == VIEW_COL_TIME)
		c = ra->ts < rb->ts ? -1 : ra->ts > rb->ts;
	if (c != 0)
		return (v->sort_reverse ? -c : c);
	if (ra->ts != rb->ts)
		return (ra->ts < rb->ts ? -1 : 1);
	return (a < b ? -1 : a > b);
}

#define VIEW_RADIX_BITS		11
#define VIEW_RADIX_BUCKETS	(1U << VIEW_RADIX_BITS)
#define VIEW_RADIX_PASSES	6	/* ceil(64 / 11) */

/*
 * Stable LSD radix sort of n entries of size bytes (a struct view_ent or
 * a packed uint64_t) by passes digits of their first uint64_t from bit
 * lo, 11 bits a pass: the counters of a pass fit in L1, so the scatter
 * stays cheap.  All histograms are counted in one read, and a pass whose
 * digit is the same for every key (the high bits of small numbers) is
 * skipped.
 */
static bool
view_radix_sort(void *base, size_t n, size_t size, unsigned lo,
    unsigned passes, struct view_ctl *ctl)
{
	unsigned char	*src = base, *dst = NULL, *tmp = NULL, *t;
	struct view_ent	*es, *ed;
	uint64_t	*ps, *pd, key;
	size_t		*count, *c, i, sum, k;
	unsigned	 p, d, shift;

	if (n < 2)
		return (true);
	/* The key is each entry's first uint64_t. */
	count = xcalloc((size_t)passes * VIEW_RADIX_BUCKETS, sizeof *count);
	for (i = 0; i < n; i++) {
		memcpy(&key, src + i * size, sizeof key);
		for (p = 0; p < passes; p++)
			count[p * VIEW_RADIX_BUCKETS + ((key >> (lo + p *
			    VIEW_RADIX_BITS)) & (VIEW_RADIX_BUCKETS - 1))]++;
	}
	for (p = 0; p < passes; p++) {
		c = count + p * VIEW_RADIX_BUCKETS;
		shift = lo + p * VIEW_RADIX_BITS;
		memcpy(&key, src, sizeof key);
		if (c[(key >> shift) & (VIEW_RADIX_BUCKETS - 1)] == n)
			continue;
		if (view_cancelled(ctl))
			break;
		if (tmp == NULL) {
			tmp = xreallocarray(NULL, n, size);
			dst = tmp;
		}
		sum = 0;
		for (d = 0; d < VIEW_RADIX_BUCKETS; d++) {
			k = c[d];
			c[d] = sum;
			sum += k;
		}
		/* The scatter, typed: the compiler moves whole entries. */
		if (size == sizeof *ps) {
			ps = (uint64_t *)(void *)src;
			pd = (uint64_t *)(void *)dst;
			for (i = 0; i < n; i++)
				pd[c[(ps[i] >> shift) &
				    (VIEW_RADIX_BUCKETS - 1)]++] = ps[i];
		} else {
			es = (struct view_ent *)(void *)src;
			ed = (struct view_ent *)(void *)dst;
			for (i = 0; i < n; i++)
				ed[c[(es[i].key >> shift) &
				    (VIEW_RADIX_BUCKETS - 1)]++] = es[i];
		}
		t = src;
		src = dst;
		dst = t;
	}
	if (src != (unsigned char *)base && !view_cancelled(ctl))
		memcpy(base, src, n * size);
	free(tmp);
	free(count);
	return (!view_cancelled(ctl));
}

/* view_radix_sort of whole entries by their 64-bit key. */
static bool
view_radix(struct view_ent *e, size_t n, struct view_ctl *ctl)
{
	return (view_radix_sort(e, n, sizeof *e, 0, VIEW_RADIX_PASSES, ctl));
}

/*
 * Stable LSD radix sort of packed entries (key << 32 | seq offset) by
 * the key only: half the bytes of a struct view_ent to move.
 */
static bool
view_radix32(uint64_t *e, size_t n, struct view_ctl *ctl)
{
	return (view_radix_sort(e, n, sizeof *e, 32, 3, ctl));
}

/* Rank every string id of field s used by the rows, in byte order. */
static uint32_t *
view_ranks(const uint64_t *rows, size_t n, const struct store *st,
    enum record_str s)
{
	uint32_t		*rank, *ids, nids = 0, i, count = st->strs.count;
	const struct store_chunk *c;
	size_t			 j, k, lo;

	rank = xcalloc(count + 1, sizeof *rank);
	for (j = 0; j < n; j++) {
		c = store_chunk_of(st, rows[j], &i);
		rank[store_str_id(st, c, i, s)] = 1;
	}
	ids = xreallocarray(NULL, count + 1, sizeof *ids);
	for (i = 0; i < count; i++)
		if (rank[i])
			ids[nids++] = i;
	/* Insertion into a sorted list would be quadratic: merge sort. */
	for (k = 1; k < nids; k *= 2) {
		uint32_t	*tmp = xreallocarray(NULL, nids, sizeof *tmp);
		size_t		 a, b, ae, be, o = 0;

		for (lo = 0; lo < nids; lo += 2 * k) {
			a = lo;
			ae = lo + k < nids ? lo + k : nids;
			b = ae;
			be = lo + 2 * k < nids ? lo + 2 * k : nids;
			while (a < ae && b < be)
				tmp[o++] = view_strcmp(st, ids[b], ids[a]) < 0 ?
				    ids[b++] : ids[a++];
			while (a < ae)
				tmp[o++] = ids[a++];
			while (b < be)
				tmp[o++] = ids[b++];
		}
		memcpy(ids, tmp, nids * sizeof *ids);
		free(tmp);
	}
	for (i = 0; i < nids; i++)
		rank[ids[i]] = i;
	free(ids);
	return (rank);
}

/*
 * Put the rows (distinct held seqs) in seq order through a bitmap of the
 * store's seqs.  False (rows untouched) if they are not all held and
 * distinct.
 */
static bool
view_seq_order(uint64_t *rows, size_t nrows, const struct store *st)
{
	uint64_t	*bits, *out, base = st->first, x, d;
	size_t		 i, n = 0, w, nw;

	for (i = 1; i < nrows && rows[i - 1] < rows[i]; i++)
		/* nothing */;
	if (i >= nrows)
		return (true);
	nw = (size_t)((st->next - base + 63) / 64);
	bits = xcalloc(nw, sizeof *bits);
	for (i = 0; i < nrows; i++) {
		if (rows[i] < base || rows[i] >= st->next) {
			free(bits);
			return (false);
		}
		d = rows[i] - base;
		bits[d >> 6] |= 1ULL << (d & 63);
	}
	out = xreallocarray(NULL, nrows, sizeof *out);
	for (w = 0; w < nw; w++)
		for (x = bits[w]; x != 0 && n < nrows; x &= x - 1)
			out[n++] = base + w * 64 + (uint64_t)__builtin_ctzll(x);
	free(bits);
	if (n != nrows) {	/* duplicates */
		free(out);
		return (false);
	}
	memcpy(rows, out, n * sizeof *out);
	free(out);
	return (true);
}

/* Are the rows in time order (ties by seq)? */
static bool
view_time_sorted(const uint64_t *rows, size_t n, const struct store *st)
{
	int64_t		 ts, last = INT64_MIN;
	size_t		 i;

	for (i = 0; i < n; i++) {
		ts = store_ts_of(st, rows[i]);
		if (i > 0 && (ts < last || (ts == last &&
		    rows[i] < rows[i - 1])))
			return (false);
		last = ts;
	}
	return (true);
}

/* One thread's share of a sort phase: keys, then a radix sort. */
struct view_part {
	const struct view	*q;
	const struct store	*st;
	const uint64_t		*rows;	/* this part's, in the base order */
	struct view_ent		*e;
	size_t			 n;
	bool			 by_ts;	/* key: time; else the column */
	enum record_str		 s;	/* string column, or RS_COUNT */
	uint32_t		*rank;	/* its ranks (owned by the caller) */
	struct view_ctl		*ctl;
	uint64_t		*pk;	/* packed entries, or NULL */
	bool			 wide;	/* a key did not fit 32 bits */
	bool			 ok;
};

/*
 * Fill a part's packed entries (key << 32 | seq - first) and sort them.
 */
static void
view_part_packed(struct view_part *p)
{
	const struct store_chunk	*c;
	uint32_t			 ci;
	uint64_t			 key;
	size_t				 i;

	for (i = 0; i < p->n; i++) {
		c = store_chunk_of(p->st, p->rows[i], &ci);
		if (p->rank != NULL)
			key = p->rank[store_str_id(p->st, c, ci, p->s)];
		else {
			/* Biased: fits when the value is an int32. */
			key = view_numkey_at(p->st, c, ci, p->q->sort) -
			    ((1ULL << 63) - (1ULL << 31));
			if (key > UINT32_MAX) {
				p->wide = true;
				return;
			}
		}
		if (p->q->sort_reverse)
			key = UINT32_MAX - key;
		p->pk[i] = key << 32 | (p->rows[i] - p->st->first);
	}
	view_work(p->ctl, 0, p->n);
	p->ok = view_radix32(p->pk, p->n, p->ctl);
	view_work(p->ctl, 0, p->n);
}

/* Fill a part's keys and sort it (a thread's function). */
static void *
view_part_run(void *arg)
{
	struct view_part		*p = arg;
	const struct store_chunk	*c;
	uint32_t			 ci;
	size_t				 i;

	if (p->pk != NULL) {
		view_part_packed(p);
		return (NULL);
	}
	for (i = 0; i < p->n; i++) {
		p->e[i].seq = p->rows[i];
		c = store_chunk_of(p->st, p->rows[i], &ci);
		if (p->by_ts)
			p->e[i].key = (uint64_t)c->ts[ci] ^ (1ULL << 63);
		else if (p->rank != NULL)
			p->e[i].key = p->rank[store_str_id(p->st, c, ci, p->s)];
		else
			p->e[i].key = view_numkey_at(p->st, c, ci, p->q->sort);
		if (!p->by_ts && p->q->sort_reverse)
			p->e[i].key = ~p->e[i].key;
	}
	view_work(p->ctl, 0, p->n);
	p->ok = view_radix(p->e, p->n, p->ctl);
	view_work(p->ctl, 0, p->n);
	return (NULL);
}

#define VIEW_PAR_MIN	131072	/* rows below which one thread sorts */

/*
 * view_sort_phase by a column key packed with the record's seq (as an
 * offset from the store's first): false with *wide when a key does not
 * fit 32 bits (a value beyond an int32: the caller sorts with whole
 * keys), else as view_sort_phase.
 */
static bool
view_sort_packed(const struct view_part *proto, uint64_t *rows, size_t n,
    struct view_ent *e, unsigned nthreads, bool *wide)
{
	struct view_part	 p[2];
	pthread_t		 th;
	uint64_t		*pk = (uint64_t *)e, first = proto->st->first;
	size_t			 i, j, k, h, np;

	*wide = false;
	np = nthreads < 2 || n < VIEW_PAR_MIN ? 1 : 2;
	h = np == 1 ? n : n / 2;
	p[0] = p[1] = *proto;
	p[0].rows = rows;
	p[0].n = h;
	p[0].pk = pk;
	p[1].rows = rows + h;
	p[1].n = n - h;
	p[1].pk = pk + h;
	if (np == 1)
		view_part_run(&p[0]);
	else if (pthread_create(&th, NULL, view_part_run, &p[1]) != 0) {
		view_part_run(&p[1]);	/* no thread: in turn */
		view_part_run(&p[0]);
	} else {
		view_part_run(&p[0]);
		pthread_join(th, NULL);
	}
	if (p[0].wide || (np == 2 && p[1].wide)) {
		*wide = true;
		return (false);
	}
	if (!p[0].ok || (np == 2 && !p[1].ok) || view_cancelled(proto->ctl))
		return (false);
	if (np == 1) {
		for (i = 0; i < n; i++)
			rows[i] = first + (pk[i] & UINT32_MAX);
		return (true);
	}
	/* Equal keys: the first half's first (the base order). */
	i = 0;
	j = h;
	k = 0;
	while (i < h && j < n)
		rows[k++] = first + ((pk[j] >> 32 < pk[i] >> 32 ? pk[j++] :
		    pk[i++]) & UINT32_MAX);
	while (i < h)
		rows[k++] = first + (pk[i++] & UINT32_MAX);
	while (j < n)
		rows[k++] = first + (pk[j++] & UINT32_MAX);
	return (true);
}

/*
 * Sort rows[0..n) stably by the key of proto (time, or q's column): on
 * nthreads threads when there are many, each sorting a contiguous share
 * (stable), then merged, the earlier share first on equal keys.
 */
static bool
view_sort_phase(const struct view_part *proto, uint64_t *rows, size_t n,
    struct view_ent *e, unsigned nthreads)
{
	struct view_part	 p[2];
	pthread_t		 th;
	size_t			 i, j, k, h;

	if (nthreads < 2 || n < VIEW_PAR_MIN) {
		p[0] = *proto;
		p[0].rows = rows;
		p[0].e = e;
		p[0].n = n;
		view_part_run(&p[0]);
		if (!p[0].ok)
			return (false);
		for (i = 0; i < n; i++)
			rows[i] = e[i].seq;
		return (true);
	}
	h = n / 2;
	p[0] = p[1] = *proto;
	p[0].rows = rows;
	p[0].e = e;
	p[0].n = h;
	p[1].rows = rows + h;
	p[1].e = e + h;
	p[1].n = n - h;
	if (pthread_create(&th, NULL, view_part_run, &p[1]) != 0) {
		view_part_run(&p[1]);	/* no thread: in turn */
		view_part_run(&p[0]);
	} else {
		view_part_run(&p[0]);
		pthread_join(th, NULL);
	}
	if (!p[0].ok || !p[1].ok || view_cancelled(proto->ctl))
		return (false);
	i = 0;
	j = h;
	k = 0;
	while (i < h && j < n)
		rows[k++] = e[j].key < e[i].key ? e[j++].seq : e[i++].seq;
	while (i < h)
		rows[k++] = e[i++].seq;
	while (j < n)
		rows[k++] = e[j++].seq;
	return (true);
}

/*
 * Sort rows[0..n) by q's order (q->sort, q->sort_reverse), on up to
 * nthreads threads (two at most are used).  in_time_order says the
 * caller knows the rows are in time order already (saves a pass).  With
 * a ctl, reports progress in it and stops early when it is cancelled:
 * then returns false and the rows are in no particular order.
 */
bool
view_sort_seqs(const struct view *q, const struct store *st, uint64_t *rows,
    size_t n, bool in_time_order, struct view_ctl *ctl, unsigned nthreads)
{
	struct view_ent		*e;
	struct view_part	 proto;
	size_t			 i;
	bool			 by_time, ok = true, wide, packs;

	if (n < 2)
		return (!view_cancelled(ctl));
	by_time = q->sort == VIEW_COL_TIME && !q->sort_reverse;
	/* The usual case: selected in seq order, which is time order. */
	if (by_time && (in_time_order || view_time_sorted(rows, n, st)))
		return (!view_cancelled(ctl));
	view_work(ctl, (uint64_t)n * 5, 0);
	/*
	 * Time order with ties by seq is the base of every stable sort.
	 * Seq order first (a bitmap of the held seqs: two light passes);
	 * most stores hold records in time order, so that is often enough.
	 */
	e = xreallocarray(NULL, n, sizeof *e);
	if (!view_seq_order(rows, n, st)) {
		for (i = 0; i < n; i++)
			e[i].seq = e[i].key = rows[i];
		if ((ok = view_radix(e, n, ctl)))
			for (i = 0; i < n; i++)
				rows[i] = e[i].seq;
	}
	view_work(ctl, 0, n);
	memset(&proto, 0, sizeof proto);
	proto.q = q;
	proto.st = st;
	proto.ctl = ctl;
	proto.s = RS_COUNT;
	if (ok && !view_time_sorted(rows, n, st)) {
		proto.by_ts = true;
		ok = view_sort_phase(&proto, rows, n, e, nthreads);
	} else
		view_work(ctl, 0, 2 * n);
	if (ok && !by_time && !view_cancelled(ctl)) {
		proto.by_ts = false;
		proto.s = view_col_str(q->sort);
		if (proto.s != RS_COUNT)
			proto.rank = view_ranks(rows, n, st, proto.s);
		/* Keys of 32 bits (most): packed with the row's index. */
		wide = false;
		packs = st->next - st->first <= UINT32_MAX;
		if (packs)
			ok = view_sort_packed(&proto, rows, n, e, nthreads,
			    &wide);
		if (!packs || wide)
			ok = view_sort_phase(&proto, rows, n, e, nthreads);
		free(proto.rank);
	} else
		view_work(ctl, 0, 2 * n);
	free(e);
	return (ok && !view_cancelled(ctl));
}

/* Sort all rows by the current order (view_sort_seqs). */
static void
view_sort_rows(struct view *v, const struct store *st, bool in_time_order)
{
	view_sort_seqs(v, st, v->rows, v->n, in_time_order, NULL, 1);
}

/* Make room for n rows. */
static void
view_reserve(struct view *v, size_t n)
{
	if (n <= v->cap)
		return;
	v->cap = v->cap < 1024 ? 1024 : v->cap;
	while (v->cap < n)
		v->cap *= 2;
	v->rows = xreallocarray(v->rows, v->cap, sizeof *v->rows);
}

/*
 * Binary search for seq in the rows (which are in view_cmp order).
 * Returns its index and sets *found, or the insertion point.
 */
static size_t
view_find(const struct view *v, const struct store *st, uint64_t seq,
    bool *found)
{
	size_t	 lo = 0, hi = v->n, mid;
	int	 c;

	*found = false;
	if (store_get(st, seq) == NULL)
		return (0);
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		c = view_cmp(v, st, v->rows[mid], seq);
		if (c == 0) {
			*found = true;
			return (mid);
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (lo);
}

/* Put the cursor back on seq if it is still shown, else clamp. */
static void
view_restore(struct view *v, const struct store *st, uint64_t seq,
    size_t old_cursor, size_t old_top)
{
	bool	 found = false;
	size_t	 i = 0;

	if (v->follow) {
		v->cursor = v->n == 0 ? 0 : v->n - 1;
		view_scroll(v);
		return;
	}
	if (seq != UINT64_MAX)
		i = view_find(v, st, seq, &found);
	if (found) {
		/* Keep the cursor on the same screen line. */
		v->cursor = i;
		v->top = old_cursor - old_top <= i ? i - (old_cursor -
		    old_top) : 0;
	} else {
		v->cursor = old_cursor < v->n ? old_cursor :
		    (v->n == 0 ? 0 : v->n - 1);
		v->top = old_top;
	}
	view_scroll(v);
}

/* Drop marks no longer held by the store. */
static void
view_marks_prune(struct view *v, const struct store *st)
{
	size_t	 i = 0;

	while (i < v->nmarks && v->marks[i] < st->first)
		i++;
	if (i == 0)
		return;
	memmove(v->marks, v->marks + i, (v->nmarks - i) * sizeof *v->marks);
	v->nmarks -= i;
}

/*
 * Select the records of store chunks [k0, k1) that q shows (its filter,
 * time range and marked-only setting), in seq order, into out, which has
 * room for all of them.  With a ctl, reports progress and stops early
 * when cancelled (returns false).  q is only read, so several threads may
 * select disjoint chunk ranges at once, each with its own copy of the
 * filter (view_set_filter's argument caches answers).
 */
bool
view_select_chunks(const struct view *q, const struct store *st, size_t k0,
    size_t k1, uint64_t *out, struct view_sel *res, struct view_ctl *ctl)
{
	const struct store_chunk *c;
	struct view		 tmp;
	uint32_t		 i, from, *idx = NULL;
	size_t			 k, j, nidx, n = 0;
	int64_t			 last = INT64_MIN;

	res->in_order = true;
	res->first_ts = INT64_MAX;
	res->last_ts = INT64_MIN;
	if (q->select_at != NULL && k0 < k1)
		idx = xreallocarray(NULL, (size_t)1 << st->chunk_shift,
		    sizeof *idx);
	for (k = k0; k < k1 && !view_cancelled(ctl); k++) {
		/* A chunk at a time: the filter, then the time range. */
		c = st->chunks[k];
		from = k == 0 ? (uint32_t)(st->first - c->first) : 0;
		if (idx != NULL) {
			nidx = q->select_at(q->match_arg, st, c, from, c->n,
			    idx);
			tmp = *q;
			tmp.match = NULL;
		} else
			nidx = c->n - from;
		for (j = 0; j < nidx; j++) {
			i = idx != NULL ? idx[j] : from + (uint32_t)j;
			if (!view_selects(idx != NULL ? &tmp : q, st, c, i) ||
			    (q->marked_only && !view_is_marked(q, c->first + i)))
				continue;
			/* Seq order is time order unless a record is older. */
			if (c->ts[i] < last)
				res->in_order = false;
			last = c->ts[i];
			if (n == 0)
				res->first_ts = last;
			out[n++] = c->first + i;
		}
		view_work(ctl, 0, c->n - from);
	}
	free(idx);
	res->n = n;
	res->last_ts = last;
	return (!view_cancelled(ctl));
}

/*
 * Put rows computed elsewhere (view_select_chunks, view_sort_seqs; owned
 * now, cap their allocated count) in place of v's: what says whether they
 * are a new selection of the whole store (VIEW_SELECTED) and sorted by
 * sort and reverse (VIEW_SORTED, else they are in v's order).  The cursor
 * stays on the same record if it is still shown.
 */
void
view_install(struct view *v, const struct store *st, uint64_t *rows,
    size_t n, size_t cap, unsigned what, enum view_col sort, bool reverse)
{
	uint64_t	 cur = view_cursor_seq(v);
	size_t		 oc = v->cursor, ot = v->top;

	free(v->rows);
	v->rows = rows;
	v->n = n;
	v->cap = cap;
	if (what & VIEW_SELECTED) {
		v->scanned = st->next;
		v->generation = st->generation;
		v->pending = 0;
		view_marks_prune(v, st);
	}
	if (what & VIEW_SORTED) {
		v->sort = sort;
		v->sort_reverse = reverse;
		if (!(what & VIEW_SELECTED) && v->follow &&
		    !(sort == VIEW_COL_TIME && !reverse))
			v->follow = false;
	}
	if (cur != UINT64_MAX && store_get(st, cur) == NULL)
		cur = UINT64_MAX;
	view_restore(v, st, cur, oc, ot);
}

/*
 * Select and sort every held record again (after a filter, range or store
 * change).  The cursor stays on the same record if it is still selected.
 */
void
view_rebuild(struct view *v, const struct store *st)
{
	uint64_t		 cur = view_cursor_seq(v);
	struct view_sel		 sel;
	size_t			 oc = v->cursor, ot = v->top;

	v->n = 0;
	view_reserve(v, (size_t)store_count(st));
	view_select_chunks(v, st, 0, st->nchunks, v->rows, &sel, NULL);
	v->n = sel.n;
	v->scanned = st->next;
	v->generation = st->generation;
	v->pending = 0;
	view_marks_prune(v, st);
	view_sort_rows(v, st, sel.in_order);
	if (cur != UINT64_MAX && store_get(st, cur) == NULL)
		cur = UINT64_MAX;
	view_restore(v, st, cur, oc, ot);
}

/* Drop rows whose records were evicted. */
static void
view_evict(struct view *v, const struct store *st)
{
	size_t	 i, o = 0;

	for (i = 0; i < v->n; i++)
		if (v->rows[i] >= st->first)
			v->rows[o++] = v->rows[i];
	v->n = o;
	if (v->scanned < st->first)
		v->scanned = st->first;
	v->generation = st->generation;
	view_marks_prune(v, st);
}

struct view_sortctx {
	const struct view	*v;
	const struct store	*st;
};

/* qsort_r adapter for view_cmp. */
static int
view_qsort_cmp(const void *a, const void *b, void *arg)
{
	const struct view_sortctx	*c = arg;

	return (view_cmp(c->v, c->st, *(const uint64_t *)a,
	    *(const uint64_t *)b));
}

/*
 * The usual arrival: time order, and new records no older than the last
 * row.  Then they go at the end, read from the time column only (no
 * whole record per comparison); returns false, with nothing done, when
 * the general merge is needed.
 */
static bool
view_append_in_order(struct view *v, const struct store *st,
    const uint64_t *add, size_t nadd)
{
	int64_t	 last, ts;
	size_t	 i;

	if (v->sort != VIEW_COL_TIME || v->sort_reverse)
		return (false);
	last = v->n > 0 ? store_ts_of(st, v->rows[v->n - 1]) : INT64_MIN;
	for (i = 0; i < nadd; i++) {
		ts = store_ts_of(st, add[i]);
		if (ts < last)
			return (false);
		last = ts;
	}
	/* Equal times: seq order, and new seqs are the largest. */
	view_reserve(v, v->n + nadd);
	memcpy(v->rows + v->n, add, nadd * sizeof *add);
	v->n += nadd;
	return (true);
}

/*
 * Follow the store: drop evicted rows and, unless frozen, take in the
 * records added since the last call.  When frozen, new records are only
 * counted (pending).  Returns true if anything visible changed.
 */
bool
view_update(struct view *v, const struct store *st, bool frozen)
{
	uint64_t		 cur = view_cursor_seq(v), seq, *add = NULL;
	size_t			 oc = v->cursor, ot = v->top, nadd = 0, i, j, k;
	const struct store_chunk *c;
	uint32_t		 ci;
	struct view_sortctx	 ctx;
	bool			 changed = false;

	if (v->generation != st->generation) {
		view_evict(v, st);
		if (cur != UINT64_MAX && cur < st->first)
			cur = UINT64_MAX;
		changed = true;
	}
	if (frozen) {
		if (v->pending != st->next - v->scanned)
			changed = true;
		v->pending = st->next - v->scanned;
		if (changed)
			view_restore(v, st, cur, oc, ot);
		return (changed);
	}
	v->pending = 0;
	if (v->scanned < st->next) {
		add = xreallocarray(NULL, (size_t)(st->next - v->scanned),
		    sizeof *add);
		for (seq = v->scanned; seq < st->next; seq++) {
			c = store_chunk_of(st, seq, &ci);
			if (view_selects(v, st, c, ci) &&
			    (!v->marked_only || view_is_marked(v, seq)))
				add[nadd++] = seq;
		}
		v->scanned = st->next;
	}
	if (nadd > 0 && view_append_in_order(v, st, add, nadd)) {
		changed = true;
		nadd = 0;
	}
	if (nadd > 0) {
		ctx.v = v;
		ctx.st = st;
		for (i = 1; i < nadd; i++)
			if (view_cmp(v, st, add[i - 1], add[i]) > 0)
				break;
		if (i < nadd)
			qsort_r(add, nadd, sizeof *add, view_qsort_cmp, &ctx);
		/* Merge from the end: appends only touch the tail. */
		view_reserve(v, v->n + nadd);
		i = v->n;
		j = nadd;
		k = v->n + nadd;
		while (j > 0) {
			if (i > 0 && view_cmp(v, st, v->rows[i - 1],
			    add[j - 1]) > 0)
				v->rows[--k] = v->rows[--i];
			else
				v->rows[--k] = add[--j];
		}
		v->n += nadd;
		changed = true;
	}
	free(add);
	if (changed)
		view_restore(v, st, cur, oc, ot);
	return (changed);
}

/* Keep the cursor inside the visible window. */
static void
view_scroll(struct view *v)
{
	if (v->n == 0) {
		v->cursor = v->top = 0;
		return;
	}
	if (v->cursor >= v->n)
		v->cursor = v->n - 1;
	if (v->height == 0)
		v->height = 1;
	if (v->top > v->cursor)
		v->top = v->cursor;
	if (v->cursor >= v->top + v->height)
		v->top = v->cursor - v->height + 1;
	/* Do not leave empty space below the last row. */
	if (v->n >= v->height && v->top > v->n - v->height)
		v->top = v->n - v->height;
	if (v->n < v->height)
		v->top = 0;
}

/* Set the number of visible rows (after a resize). */
void
view_set_height(struct view *v, size_t h)
{
	v->height = h == 0 ? 1 : h;
	if (v->follow && v->n > 0)
		v->cursor = v->n - 1;
	view_scroll(v);
}

/*
 * Move the cursor by delta rows.  Moving anywhere but onto the last row
 * leaves follow mode; only view_end (G, End) and F resume it.
 */
void
view_move(struct view *v, long delta)
{
	size_t	 c = v->cursor;

	if (v->n == 0)
		return;
	if (delta < 0)
		c = (size_t)-delta > c ? 0 : c - (size_t)-delta;
	else
		c = (size_t)delta > v->n - 1 - c ? v->n - 1 : c + (size_t)delta;
	if (delta < 0 && v->follow)
		v->follow = false;
	v->cursor = c;
	view_scroll(v);
}

/* Move a page down (dir > 0) or up, scrolling the window with it. */
void
view_page(struct view *v, int dir)
{
	size_t	 h = v->height, maxtop;

	if (v->n == 0)
		return;
	if (dir < 0) {
		v->follow = false;
		v->top = v->top > h ? v->top - h : 0;
		v->cursor = v->cursor > h ? v->cursor - h : 0;
	} else {
		maxtop = v->n > h ? v->n - h : 0;
		v->top = v->top + h > maxtop ? maxtop : v->top + h;
		v->cursor = v->cursor + h >= v->n ? v->n - 1 : v->cursor + h;
	}
	view_scroll(v);
}

/* Go to the first row (pauses follow). */
void
view_home(struct view *v)
{
	v->follow = false;
	v->cursor = 0;
	view_scroll(v);
}

/* Go to the last row and follow. */
void
view_end(struct view *v)
{
	v->follow = true;
	v->cursor = v->n == 0 ? 0 : v->n - 1;
	view_scroll(v);
}

/* Put the cursor on row i (pauses follow unless it is the last row). */
void
view_goto(struct view *v, size_t i)
{
	if (v->n == 0)
		return;
	if (i >= v->n)
		i = v->n - 1;
	if (i != v->n - 1)
		v->follow = false;
	v->cursor = i;
	view_scroll(v);
}

/* Put the cursor on the row of seq; false if that record is not shown. */
bool
view_goto_seq(struct view *v, const struct store *st, uint64_t seq)
{
	bool	 found;
	size_t	 i;

	i = view_find(v, st, seq, &found);
	if (!found)
		return (false);
	v->follow = false;
	v->cursor = i;
	view_scroll(v);
	return (true);
}

/* The row index of seq, or SIZE_MAX if it is not shown. */
size_t
view_index(const struct view *v, const struct store *st, uint64_t seq)
{
	bool	 found;
	size_t	 i;

	i = view_find(v, st, seq, &found);
	return (found ? i : SIZE_MAX);
}

/* The seq under the cursor, or UINT64_MAX when nothing is shown. */
uint64_t
view_cursor_seq(const struct view *v)
{
	if (v->n == 0)
		return (UINT64_MAX);
	return (v->rows[v->cursor < v->n ? v->cursor : v->n - 1]);
}

/* The seq of row i, or UINT64_MAX. */
uint64_t
view_seq(const struct view *v, size_t i)
{
	return (i < v->n ? v->rows[i] : UINT64_MAX);
}

/* Sort by column c (stable: ties stay in time order). */
void
view_sort(struct view *v, const struct store *st, enum view_col c,
    bool reverse)
{
	uint64_t	 cur = view_cursor_seq(v);
	size_t		 oc = v->cursor, ot = v->top;

	v->sort = c;
	v->sort_reverse = reverse;
	view_sort_rows(v, st, false);
	if (v->follow && !(c == VIEW_COL_TIME && !reverse))
		v->follow = false;
	view_restore(v, st, cur, oc, ot);
}

/* Toggle the mark on seq; returns true if it is now marked. */
bool
view_mark_toggle(struct view *v, uint64_t seq)
{
	size_t	 lo = 0, hi = v->nmarks, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (v->marks[mid] < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < v->nmarks && v->marks[lo] == seq) {
		memmove(v->marks + lo, v->marks + lo + 1,
		    (v->nmarks - lo - 1) * sizeof *v->marks);
		v->nmarks--;
		return (false);
	}
	if (v->nmarks == v->marks_cap) {
		v->marks_cap = v->marks_cap == 0 ? 16 : v->marks_cap * 2;
		v->marks = xreallocarray(v->marks, v->marks_cap,
		    sizeof *v->marks);
	}
	memmove(v->marks + lo + 1, v->marks + lo,
	    (v->nmarks - lo) * sizeof *v->marks);
	v->marks[lo] = seq;
	v->nmarks++;
	return (true);
}

/* Is seq marked? */
bool
view_is_marked(const struct view *v, uint64_t seq)
{
	size_t	 lo = 0, hi = v->nmarks, mid;

	if (v->nmarks == 0)
		return (false);
	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (v->marks[mid] < seq)
			lo = mid + 1;
		else
			hi = mid;
	}
	return (lo < v->nmarks && v->marks[lo] == seq);
}

/* Remove every mark. */
void
view_marks_clear(struct view *v)
{
	v->nmarks = 0;
}

/*
 * Search from the row after (dir > 0) or before (dir < 0) the cursor,
 * wrapping around, for a record fn accepts.  Moves the cursor there and
 * returns its index, or -1 when nothing matches.
 */
long
view_search(struct view *v, const struct store *st, view_match_fn fn,
    void *arg, int dir)
{
	size_t	 i, k;

	if (v->n == 0)
		return (-1);
	i = v->cursor;
	for (k = 0; k < v->n; k++) {
		if (dir < 0)
			i = i == 0 ? v->n - 1 : i - 1;
		else
			i = i + 1 == v->n ? 0 : i + 1;
		if (fn(arg, st, store_get(st, v->rows[i]))) {
			view_goto(v, i);
			return ((long)i);
		}
	}
	return (-1);
}

/*
 * The search of view_search and view_search_at without moving the
 * cursor, for another thread: from the row after (dir > 0) or before
 * row from, wrapping around, the first row that fn (on a whole record)
 * or fn_at (on the columns) accepts.  Returns its index, -1 when nothing
 * matches, -2 when ctl was cancelled.  Only reads v.
 */
long
view_scan(const struct view *v, const struct store *st, size_t from,
    view_match_fn fn, view_match_at_fn fn_at, void *arg, int dir,
    struct view_ctl *ctl)
{
	const struct store_chunk	*c;
	struct record			 r;
	size_t				 i, k;
	uint32_t			 ci;

	if (v->n == 0)
		return (-1);
	view_work(ctl, v->n, 0);
	i = from < v->n ? from : v->n - 1;
	for (k = 0; k < v->n; k++) {
		if ((k & 0xffff) == 0xffff) {
			view_work(ctl, 0, 0x10000);
			if (view_cancelled(ctl))
				return (-2);
		}
		if (dir < 0)
			i = i == 0 ? v->n - 1 : i - 1;
		else
			i = i + 1 == v->n ? 0 : i + 1;
		c = store_chunk_of(st, v->rows[i], &ci);
		if (fn_at != NULL ? fn_at(arg, st, c, ci) :
		    (store_fill_at(st, c, ci, &r), fn(arg, st, &r)))
			return ((long)i);
	}
	return (-1);
}

/* view_search with a predicate on the store's columns. */
long
view_search_at(struct view *v, const struct store *st, view_match_at_fn fn,
    void *arg, int dir)
{
	const struct store_chunk	*c;
	size_t				 i, k;
	uint32_t			 ci;

	if (v->n == 0)
		return (-1);
	i = v->cursor;
	for (k = 0; k < v->n; k++) {
		if (dir < 0)
			i = i == 0 ? v->n - 1 : i - 1;
		else
			i = i + 1 == v->n ? 0 : i + 1;
		c = store_chunk_of(st, v->rows[i], &ci);
		if (fn(arg, st, c, ci)) {
			view_goto(v, i);
			return ((long)i);
		}
	}
	return (-1);
}

/* Add a cell to a layout. */
static void
view_cell(struct view_layout *l, enum view_col c, int line, int x, int w,
    bool right)
{
	struct view_cell	*cell = &l->cells[l->ncells++];

	cell->col = c;
	cell->line = line;
	cell->x = x;
	cell->width = w;
	cell->right = right;
}

/*
 * Lay the columns out for a terminal width; the last column is left free
 * (scrollbar, marks), so cells fill width - 1.  At VIEW_WIDE columns and more
 * a row is one line: TIME METHOD STATUS LATENCY API PATH KEY IP, where API
 * and PATH share what is left (API a third, at most 32) and KEY and IP
 * grow a little on very wide screens.  Narrower, a row takes two lines:
 * TIME METHOD STATUS LATENCY API KEY, then PATH and IP, indented.
 */
void
view_layout(struct view_layout *l, int width)
{
	int	 x, rest, api, key = 14, ip = 15, path;

	memset(l, 0, sizeof *l);
	if (width < 40)
		width = 40;
	l->lines = width >= VIEW_WIDE ? 1 : 2;
	width--;
	l->width = width;
	if (l->lines == 1) {
		if (width >= 159) {
			key = 20;
			ip = 20;
		}
		/* 12 time, 7 method, 3 status, 7 latency, 7 separators. */
		rest = width - (12 + 7 + 3 + 7 + key + ip + 7);
		api = rest / 3;
		if (api > 32)
			api = 32;
		if (api < 8)
			api = 8;
		path = rest - api;
		x = 0;
		view_cell(l, VIEW_COL_TIME, 0, x, 12, false);
		x += 13;
		view_cell(l, VIEW_COL_METHOD, 0, x, 7, false);
		x += 8;
		view_cell(l, VIEW_COL_STATUS, 0, x, 3, true);
		x += 4;
		view_cell(l, VIEW_COL_LATENCY, 0, x, 7, true);
		x += 8;
		view_cell(l, VIEW_COL_API, 0, x, api, false);
		x += api + 1;
		view_cell(l, VIEW_COL_PATH, 0, x, path, false);
		x += path + 1;
		view_cell(l, VIEW_COL_KEY, 0, x, key, false);
		x += key + 1;
		view_cell(l, VIEW_COL_IP, 0, x, width - x, false);
		return;
	}
	/* Line 0: time method status latency api key (at the right). */
	x = 0;
	view_cell(l, VIEW_COL_TIME, 0, x, 12, false);
	x += 13;
	view_cell(l, VIEW_COL_METHOD, 0, x, 7, false);
	x += 8;
	view_cell(l, VIEW_COL_STATUS, 0, x, 3, true);
	x += 4;
	view_cell(l, VIEW_COL_LATENCY, 0, x, 7, true);
	x += 8;
	view_cell(l, VIEW_COL_API, 0, x, width - x - key - 1, false);
	view_cell(l, VIEW_COL_KEY, 0, width - key, key, false);
	/* Line 1: path, ip at the right. */
	view_cell(l, VIEW_COL_PATH, 1, 2, width - 2 - ip - 1, false);
	view_cell(l, VIEW_COL_IP, 1, width - ip, ip, false);
}
