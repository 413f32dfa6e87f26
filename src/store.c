/* SPDX-License-Identifier: ISC */
/*
 * Store implementation.  Chunks are kept in an array used as a queue
 * (oldest at index 0; eviction shifts the array, which is short).  Extra
 * blocks are named by a global index that grows with the records, so that
 * evicting the oldest chunk frees a prefix of the extras table.
 */
#include "config.h"

#include "store.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bson/bson.h>

#include "xmalloc.h"

struct store_chunk {
	uint64_t	 first;		/* seq of recs[0] */
	uint32_t	 n;		/* records used */
	uint32_t	 extras_end;	/* extras_next when the chunk filled */
	struct arena	 arena;		/* extras, payload copies, bad bytes */
	struct record	*recs;		/* STORE_CHUNK records */
};

static struct store_chunk *store_chunk_new(struct store *);
static void	 store_evict(struct store *);
static void	 store_trim(struct store *);
static struct record *store_slot(struct store *);
static uint32_t	 store_extra_new(struct store *, const struct record_extra *);

/* The store an out-of-memory message describes (the last initialised). */
static const struct store	*store_oom;

/* What an out-of-memory message adds: the records held, what bounds them. */
static const char *
store_oom_hint(void)
{
	static char	 buf[256];

	if (store_oom == NULL)
		return (NULL);
	if (store_oom->max_records == 0)
		snprintf(buf, sizeof buf, " with %llu records held (about %zu "
		    "MiB); --max-records N keeps only the newest N",
		    (unsigned long long)store_count(store_oom),
		    store_memory(store_oom) >> 20);
	else
		snprintf(buf, sizeof buf, " with %llu records held (about %zu "
		    "MiB); a smaller --max-records than %llu keeps fewer",
		    (unsigned long long)store_count(store_oom),
		    store_memory(store_oom) >> 20,
		    (unsigned long long)store_oom->max_records);
	return (buf);
}

/* Chunks of about 1/16 of the limit (at most 64 Ki records). */
static unsigned
store_chunk_shift(uint64_t max_records)
{
	unsigned	 shift = STORE_CHUNK_SHIFT_MAX;

	while (max_records != 0 && shift > STORE_CHUNK_SHIFT_MIN &&
	    (1ULL << shift) * 16 > max_records)
		shift--;
	return (shift);
}

/* Initialise an empty store holding at most max_records (0: no limit). */
void
store_init(struct store *st, uint64_t max_records)
{
	memset(st, 0, sizeof *st);
	strtab_init(&st->strs);
	st->max_records = max_records;
	st->chunk_shift = store_chunk_shift(max_records);
	st->extras_base = 1;
	st->extras_next = 1;
	st->newest_ts = INT64_MIN;
	st->oldest_ts = INT64_MAX;
	store_oom = st;
	xmalloc_set_hint(store_oom_hint);
}

/* Free everything the store holds. */
void
store_clear(struct store *st)
{
	size_t	 i;

	for (i = 0; i < st->nchunks; i++) {
		arena_clear(&st->chunks[i]->arena);
		free(st->chunks[i]->recs);
		free(st->chunks[i]);
	}
	free(st->chunks);
	free(st->extras);
	for (i = 0; i < st->nsources; i++) {
		free(st->sources[i].name);
		free(st->sources[i].damage);
	}
	free(st->sources);
	for (i = 0; i < st->naggdocs; i++)
		bson_destroy(st->aggdocs[i].doc);
	free(st->aggdocs);
	for (i = 0; i < st->nkeeps; i++)
		st->keeps[i].release(st->keeps[i].ptr, st->keeps[i].len);
	free(st->keeps);
	strtab_clear(&st->strs);
	memset(st, 0, sizeof *st);
	if (store_oom == st) {
		store_oom = NULL;
		xmalloc_set_hint(NULL);
	}
}

/*
 * Register a source; returns its id (used in record.pos).  Ids are 16 bits
 * and input decides how many sources there are (a dump directory or an
 * archive with very many collections), so the last id is an overflow
 * source: past the limit every new source shares it, and its damage
 * report says how many were grouped there.  Never fails.
 */
uint16_t
store_source_add(struct store *st, const char *name,
    enum store_source_kind kind)
{
	struct store_source	*s;

	if (st->nsources == STORE_MAX_SOURCES) {
		st->nover++;
		store_source_damage(st, STORE_MAX_SOURCES - 1, "more than %u "
		    "sources: the records of the last %llu are grouped here",
		    STORE_MAX_SOURCES - 1, (unsigned long long)st->nover);
		return (STORE_MAX_SOURCES - 1);
	}
	if (st->nsources == STORE_MAX_SOURCES - 1) {
		st->nover = 0;
		name = "(sources over the limit)";
	}
	if (st->nsources == st->sources_cap) {
		st->sources_cap = st->sources_cap == 0 ? 8 :
		    st->sources_cap * 2;
		st->sources = xreallocarray(st->sources, st->sources_cap,
		    sizeof *st->sources);
	}
	s = &st->sources[st->nsources];
	memset(s, 0, sizeof *s);
	s->name = xstrdup(name);
	s->kind = kind;
	if (st->nsources == STORE_MAX_SOURCES - 1) {
		st->nsources++;
		return (store_source_add(st, name, kind));
	}
	return (st->nsources++);
}

/* Record a damage report (truncation, corruption) against a source. */
void
store_source_damage(struct store *st, uint16_t id, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	free(st->sources[id].damage);
	st->sources[id].damage = msg;
}

static struct store_chunk *
store_chunk_new(struct store *st)
{
	struct store_chunk	*c;

	if (st->nchunks == st->chunks_cap) {
		st->chunks_cap = st->chunks_cap == 0 ? 16 : st->chunks_cap * 2;
		st->chunks = xreallocarray(st->chunks, st->chunks_cap,
		    sizeof *st->chunks);
	}
	c = xcalloc(1, sizeof *c);
	c->first = st->next;
	c->recs = xmalloc(((size_t)1 << st->chunk_shift) * sizeof *c->recs);
	arena_init(&c->arena, 256 * 1024);
	st->chunks[st->nchunks++] = c;
	return (c);
}

/*
 * Free the oldest chunk, whose records store_trim has all evicted.  Memory
 * goes back a whole chunk at a time, which keeps eviction O(1) per record
 * and record memory in large blocks.
 */
static void
store_evict(struct store *st)
{
	struct store_chunk	*c = st->chunks[0];
	uint32_t		 drop;

	drop = c->extras_end - st->extras_base;
	if (drop > st->extras_next - st->extras_base)
		drop = st->extras_next - st->extras_base;
	if (drop != 0)	/* extras may be NULL: no arithmetic on it */
		memmove(st->extras, st->extras + drop,
		    (st->extras_next - st->extras_base - drop) *
		    sizeof *st->extras);
	st->extras_base += drop;
	arena_clear(&c->arena);
	free(c->recs);
	free(c);
	st->nchunks--;
	memmove(st->chunks, st->chunks + 1, st->nchunks * sizeof *st->chunks);
}

/* Return the chunk the next record goes into. */
static struct store_chunk *
store_tail(struct store *st)
{
	struct store_chunk	*c;

	c = st->nchunks == 0 ? NULL : st->chunks[st->nchunks - 1];
	if (c == NULL || c->n == 1U << st->chunk_shift) {
		if (c != NULL)
			c->extras_end = st->extras_next;
		c = store_chunk_new(st);
	}
	return (c);
}

/*
 * Evict exactly the oldest records beyond max_records.  The oldest chunk
 * is freed once every record in it is gone (it is never the chunk being
 * filled: at least one record, the newest, is held).
 */
static void
store_trim(struct store *st)
{
	struct store_chunk	*c;
	uint64_t		 drop;

	if (st->max_records == 0 || store_count(st) <= st->max_records)
		return;
	drop = store_count(st) - st->max_records;
	st->first += drop;
	st->evicted += drop;
	st->generation++;
	while (st->nchunks > 1) {
		c = st->chunks[0];
		if (c->first + c->n > st->first)
			break;
		store_evict(st);
	}
}

/*
 * Bound the store to max_records (0: no limit) from now on, evicting the
 * oldest records beyond it at once.  Before the first record the chunk
 * size follows the limit, so that a partly evicted oldest chunk costs at
 * most about a sixteenth more than the limit.
 */
void
store_limit(struct store *st, uint64_t max_records)
{
	st->max_records = max_records;
	if (st->nchunks == 0)
		st->chunk_shift = store_chunk_shift(max_records);
	store_trim(st);
}

static struct record *
store_slot(struct store *st)
{
	struct store_chunk	*c = store_tail(st);
	struct record		*r = &c->recs[c->n++];

	memset(r, 0, sizeof *r);
	st->next++;
	store_trim(st);
	return (r);
}

/*
 * Keep len bytes at ptr (e.g. a file mapping that records point into)
 * until store_clear, which calls release(ptr, len) after freeing the
 * records.  Ownership passes to the store.
 */
void
store_keep(struct store *st, void *ptr, size_t len,
    void (*release)(void *, size_t))
{
	struct store_keep	*k;

	st->keeps = xreallocarray(st->keeps, st->nkeeps + 1,
	    sizeof *st->keeps);
	k = &st->keeps[st->nkeeps++];
	k->ptr = ptr;
	k->len = len;
	k->release = release;
}

/* Allocate size bytes that live as long as the newest chunk. */
void *
store_alloc(struct store *st, size_t size)
{
	return (arena_alloc(&store_tail(st)->arena, size));
}

static uint32_t
store_extra_new(struct store *st, const struct record_extra *ex)
{
	struct record_extra	*p;
	size_t			 n = st->extras_next - st->extras_base;

	if (st->extras_next == UINT32_MAX)
		return (0);
	if (n == st->extras_cap) {
		st->extras_cap = st->extras_cap == 0 ? 256 : st->extras_cap * 2;
		st->extras = xreallocarray(st->extras, st->extras_cap,
		    sizeof *st->extras);
	}
	p = store_alloc(st, sizeof *p);
	*p = *ex;
	st->extras[n] = p;
	return (st->extras_next++);
}

static bool
store_fits32(int64_t v)
{
	return (v >= INT32_MIN && v <= INT32_MAX);
}

/* Convert seconds + nanoseconds to ns since the epoch, if representable. */
static bool
store_ns(int64_t sec, uint32_t nsec, int64_t *out)
{
	if (sec < -9223372035LL || sec > 9223372035LL)
		return (false);
	*out = sec * 1000000000LL + nsec;
	return (true);
}

/*
 * Add the record in b (from source src at offset off) and return its seq.
 * Payloads are copied into the chunk unless b->payload_stable says they
 * outlive the store and raw_response follows raw_request within 4 GiB.
 */
uint64_t
store_add(struct store *st, struct record_build *b, uint16_t src,
    uint64_t off)
{
	struct record		*r;
	struct record_extra	*ex = &b->ex;
	bool			 wide = false;
	int64_t			 ts, exp;
	char			*p;

	if (!b->ts_set) {
		b->ts_sec = REC_GO_ZERO_SEC;
		b->ts_nsec = 0;
	}
	if (!b->exp_set) {
		b->exp_sec = REC_GO_ZERO_SEC;
		b->exp_nsec = 0;
	}
	if (b->ts_sec == REC_GO_ZERO_SEC && b->ts_nsec == 0)
		b->rec.flags |= REC_TS_ZERO;
	if (b->exp_sec == REC_GO_ZERO_SEC && b->exp_nsec == 0)
		b->rec.flags |= REC_EXP_ZERO;
	if (b->ts_nsec > 999999999)
		b->ts_nsec = 999999999;
	if (b->exp_nsec > 999999999)
		b->exp_nsec = 999999999;
	/*
	 * Go's zero time (a missing TimeStamp/ExpireAt) is common in old or
	 * foreign records and does not fit in ns: a flag says it, so that it
	 * costs no extra block.  Other out-of-range times go wide.
	 */
	if (b->rec.flags & REC_TS_ZERO)
		ts = INT64_MIN;
	else if (!store_ns(b->ts_sec, b->ts_nsec, &ts)) {
		ts = b->ts_sec < 0 ? INT64_MIN : INT64_MAX;
		wide = true;
	}
	if (b->rec.flags & REC_EXP_ZERO)
		exp = INT64_MIN;
	else if (!store_ns(b->exp_sec, b->exp_nsec, &exp)) {
		exp = b->exp_sec < 0 ? INT64_MIN : INT64_MAX;
		wide = true;
	}
	if (!store_fits32(b->content_length) ||
	    !store_fits32(b->request_time) || !store_fits32(b->lat_total) ||
	    !store_fits32(b->lat_upstream) || !store_fits32(b->lat_gateway) ||
	    b->response_code < INT16_MIN || b->response_code > INT16_MAX ||
	    b->year < 0 || b->year > 0xffff || b->month < 0 || b->month > 15 ||
	    b->day < 0 || b->day > 63 || b->hour < 0 || b->hour > 63)
		wide = true;

	if (b->ntags > 0)
		b->rec.str[RS_TAGS] = strtab_intern(&st->strs, b->tags.data,
		    b->tags.len);
	if (b->has_geo || b->names.len != 0) {
		if (b->names.len != 0)
			b->geo.names = strtab_intern(&st->strs, b->names.data,
			    b->names.len);
		if (b->geo.iso_code != 0 || b->geo.geoname_id != 0 ||
		    b->geo.names != 0 || b->geo.time_zone != 0 ||
		    b->geo.latitude != 0 || b->geo.longitude != 0)
			b->rec.str[RS_GEO] = strtab_intern(&st->strs,
			    (const char *)&b->geo, sizeof b->geo);
	}

	r = store_slot(st);
	*r = b->rec;
	r->pos = REC_POS(src, off);
	r->ts = ts;
	r->expire = exp;
	r->flags |= (uint32_t)(b->ts_prec & REC_PREC_MASK) << REC_TSPREC_SHIFT;
	r->flags |= (uint32_t)(b->exp_prec & REC_PREC_MASK) <<
	    REC_EXPPREC_SHIFT;
	r->content_length = (int32_t)b->content_length;
	r->request_time = (int32_t)b->request_time;
	r->lat_total = (int32_t)b->lat_total;
	r->lat_upstream = (int32_t)b->lat_upstream;
	r->lat_gateway = (int32_t)b->lat_gateway;
	r->response_code = (int16_t)b->response_code;
	r->ymdh = (uint32_t)(b->year & 0xffff) << 16 |
	    (uint32_t)(b->month & 0xf) << 12 | (uint32_t)(b->day & 0x3f) << 6 |
	    (uint32_t)(b->hour & 0x3f);

	/* Payloads. */
	r->payload = NULL;
	r->req_len = r->resp_off = r->resp_len = 0;
	if (b->req_len > UINT32_MAX)
		b->req_len = 0;
	if (b->resp_len > UINT32_MAX)
		b->resp_len = 0;
	if (b->req_len != 0 || b->resp_len != 0) {
		if (b->payload_stable && (b->req_len == 0 ||
		    (b->resp_len == 0 || (b->resp >= b->req &&
		    (size_t)(b->resp - b->req) <= UINT32_MAX)))) {
			if (b->req_len != 0) {
				r->payload = b->req;
				r->req_len = (uint32_t)b->req_len;
				if (b->resp_len != 0)
					r->resp_off = (uint32_t)(b->resp -
					    b->req);
			} else
				r->payload = b->resp;
			r->resp_len = (uint32_t)b->resp_len;
		} else if (b->req_len + b->resp_len <= UINT32_MAX) {
			p = arena_alloc(&st->chunks[st->nchunks - 1]->arena,
			    b->req_len + b->resp_len + 1);
			if (b->req_len != 0)
				memcpy(p, b->req, b->req_len);
			if (b->resp_len != 0)
				memcpy(p + b->req_len, b->resp, b->resp_len);
			p[b->req_len + b->resp_len] = '\0';
			r->payload = p;
			r->req_len = (uint32_t)b->req_len;
			r->resp_off = (uint32_t)b->req_len;
			r->resp_len = (uint32_t)b->resp_len;
		}
	}

	if (wide) {
		r->flags |= REC_WIDE;
		ex->ts_sec = b->ts_sec;
		ex->ts_nsec = b->ts_nsec;
		ex->exp_sec = b->exp_sec;
		ex->exp_nsec = b->exp_nsec;
		ex->content_length = b->content_length;
		ex->request_time = b->request_time;
		ex->lat_total = b->lat_total;
		ex->lat_upstream = b->lat_upstream;
		ex->lat_gateway = b->lat_gateway;
		ex->response_code = b->response_code;
		ex->year = b->year;
		ex->month = b->month;
		ex->day = b->day;
		ex->hour = b->hour;
		b->has_extra = true;
	}
	if (b->has_extra) {
		r->extra = store_extra_new(st, ex);
		if (r->extra != 0)
			r->flags |= REC_EXTRA;
		else
			r->flags &= ~(uint32_t)REC_WIDE;
	}

	if (!(r->flags & (REC_BAD | REC_GAP)) && !(r->flags & REC_TS_ZERO)) {
		if (ts > st->newest_ts)
			st->newest_ts = ts;
		if (ts < st->oldest_ts)
			st->oldest_ts = ts;
	}
	if (r->flags & REC_BAD) {
		st->sources[src].bad++;
		st->nbad++;
	} else if (r->flags & REC_GAP) {
		st->sources[src].gaps++;
		st->ngaps++;
	} else
		st->sources[src].records++;
	return (st->next - 1);
}

/*
 * Add a bad record: undecodable input at (src, off).  ts is the best guess
 * at its time (ns; e.g. the previous record's), err the message; up to
 * REC_BAD_RAW_MAX bytes of raw are kept.
 */
uint64_t
store_add_bad(struct store *st, uint16_t src, uint64_t off, int64_t ts,
    const char *err, const void *raw, size_t len)
{
	struct record_build	 b;
	size_t			 keep = len > REC_BAD_RAW_MAX ?
				    REC_BAD_RAW_MAX : len;
	uint64_t		 seq;

	memset(&b, 0, sizeof b);
	b.rec.flags = REC_BAD;
	b.ts_set = b.exp_set = true;
	b.ts_sec = ts / 1000000000;
	b.ts_nsec = (uint32_t)(ts % 1000000000);
	if (ts < 0) {
		b.ts_sec = REC_GO_ZERO_SEC;
		b.ts_nsec = 0;
	}
	b.exp_sec = REC_GO_ZERO_SEC;
	b.ex.bad_error = strtab_intern(&st->strs, err, strlen(err));
	b.ex.bad_raw_total = len;
	b.ex.bad_raw_len = (uint32_t)keep;
	b.ex.bad_raw = arena_memdup(&store_tail(st)->arena, raw, keep);
	b.has_extra = true;
	seq = store_add(st, &b, src, off);
	return (seq);
}

/*
 * Add a gap marker: records pushed to key between from and to (ns) were
 * drained before they could be read; count is the estimate or -1.
 */
uint64_t
store_add_gap(struct store *st, uint16_t src, uint64_t off, int64_t from,
    int64_t to, int64_t count, const char *key)
{
	struct record_build	 b;

	memset(&b, 0, sizeof b);
	b.rec.flags = REC_GAP;
	b.ts_set = b.exp_set = true;
	b.ts_sec = to / 1000000000;
	b.ts_nsec = (uint32_t)(to % 1000000000);
	b.exp_sec = REC_GO_ZERO_SEC;
	b.ex.gap_from = from;
	b.ex.gap_to = to;
	b.ex.gap_count = count;
	b.ex.gap_key = strtab_intern(&st->strs, key, strlen(key));
	b.has_extra = true;
	return (store_add(st, &b, src, off));
}

/* Keep a copy of a stored aggregate document read from a dump. */
void
store_add_aggdoc(struct store *st, uint16_t src, uint64_t off,
    const bson_t *doc)
{
	struct store_aggdoc	*a;

	st->aggdocs = xreallocarray(st->aggdocs, st->naggdocs + 1,
	    sizeof *st->aggdocs);
	a = &st->aggdocs[st->naggdocs++];
	a->doc = bson_copy(doc);
	a->source = src;
	a->offset = off;
}

/* The record with sequence number seq, or NULL if not held. */
const struct record *
store_get(const struct store *st, uint64_t seq)
{
	size_t	 ci;

	if (seq < st->first || seq >= st->next || st->nchunks == 0)
		return (NULL);
	ci = (size_t)((seq - st->chunks[0]->first) >> st->chunk_shift);
	return (&st->chunks[ci]->recs[(seq - st->chunks[0]->first) &
	    ((1ULL << st->chunk_shift) - 1)]);
}

/* The name of the source a record came from. */
const char *
store_source_name(const struct store *st, const struct record *r)
{
	uint16_t	 id = REC_POS_SOURCE(r->pos);

	if (id >= st->nsources)
		return ("?");
	return (st->sources[id].name);
}

/* Approximate bytes held (records, arenas, strings). */
size_t
store_memory(const struct store *st)
{
	size_t	 i, n;

	n = strtab_memory(&st->strs);
	for (i = 0; i < st->nchunks; i++)
		n += ((size_t)1 << st->chunk_shift) * sizeof(struct record) +
		    st->chunks[i]->arena.total;
	return (n + st->extras_cap * sizeof *st->extras);
}
