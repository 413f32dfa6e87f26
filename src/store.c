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

/* Where each string of a record is kept: a column, or a tuple slot. */
static const struct {
	int8_t		 scol;		/* enum store_scol, or -1 */
	int8_t		 api;		/* index in the API tuple, or -1 */
	int8_t		 key;		/* index in the key tuple, or -1 */
} store_strs[RS_COUNT] = {
	[RS_METHOD] =		{ SC_METHOD, -1, -1 },
	[RS_HOST] =		{ SC_HOST, -1, -1 },
	[RS_PATH] =		{ SC_PATH, -1, -1 },
	[RS_RAW_PATH] =		{ SC_RAW_PATH, -1, -1 },
	[RS_USER_AGENT] =	{ SC_USER_AGENT, -1, -1 },
	[RS_API_KEY] =		{ -1, -1, 0 },
	[RS_API_VERSION] =	{ -1, 2, -1 },
	[RS_API_NAME] =		{ -1, 1, -1 },
	[RS_API_ID] =		{ -1, 0, -1 },
	[RS_ORG_ID] =		{ -1, 3, -1 },
	[RS_OAUTH_ID] =		{ -1, -1, 2 },
	[RS_IP_ADDRESS] =	{ SC_IP_ADDRESS, -1, -1 },
	[RS_ALIAS] =		{ -1, -1, 1 },
	[RS_ORIGINAL_PATH] =	{ SC_ORIGINAL_PATH, -1, -1 },
	[RS_LISTEN_PATH] =	{ -1, 4, -1 },
	[RS_TAGS] =		{ SC_TAGS, -1, -1 },
	[RS_GEO] =		{ SC_GEO, -1, -1 },
};

static struct store_chunk *store_chunk_new(struct store *);
static void	 store_chunk_free(struct store_chunk *);
static void	 store_evict(struct store *);
static void	 store_trim(struct store *);
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
	idtuple_init(&st->api_tuples, STORE_API_WIDTH);
	idtuple_init(&st->key_tuples, STORE_KEY_WIDTH);
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

	for (i = 0; i < st->nchunks; i++)
		store_chunk_free(st->chunks[i]);
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
	idtuple_clear(&st->api_tuples);
	idtuple_clear(&st->key_tuples);
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

/* Lay the columns of a chunk out in one block, each 8-byte aligned. */
static size_t
store_chunk_layout(struct store_chunk *c, size_t cap, char *p)
{
	size_t	 off = 0, i;

#define STORE_COL(field, n) do {					\
	if (p != NULL)							\
		c->field = (void *)(p + off);				\
	off += ((n) * sizeof *c->field + 7) & ~(size_t)7;		\
} while (0)
	STORE_COL(ts, cap);
	STORE_COL(expire, cap);
	STORE_COL(pos, cap);
	STORE_COL(lat_total, cap);
	STORE_COL(lat_upstream, cap);
	STORE_COL(lat_gateway, cap);
	STORE_COL(request_time, cap);
	STORE_COL(content_length, cap);
	STORE_COL(ymdh, cap);
	STORE_COL(flags, cap);
	STORE_COL(cold, cap);
	STORE_COL(api, cap);
	STORE_COL(key, cap);
	for (i = 0; i < SC_COUNT; i++)
		STORE_COL(str[i], cap);
	STORE_COL(status, cap);
#undef STORE_COL
	return (off);
}

/* Bytes of the columns of a chunk of 2^shift records. */
static size_t
store_chunk_bytes(unsigned shift)
{
	struct store_chunk	 c;

	return (store_chunk_layout(&c, (size_t)1 << shift, NULL));
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
	c->block = xmalloc(store_chunk_bytes(st->chunk_shift));
	store_chunk_layout(c, (size_t)1 << st->chunk_shift, c->block);
	arena_init(&c->arena, 256 * 1024);
	st->chunks[st->nchunks++] = c;
	return (c);
}

static void
store_chunk_free(struct store_chunk *c)
{
	arena_clear(&c->arena);
	free(c->block);
	free(c->colds);
	free(c);
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
	store_chunk_free(c);
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

/* A cold entry in chunk c; returns its index. */
static uint32_t
store_cold_new(struct store_chunk *c, const struct store_cold *sc)
{
	if (c->ncolds == 0)
		c->ncolds = 1;		/* 0 is none */
	if (c->ncolds >= c->colds_cap) {
		c->colds_cap = c->colds_cap == 0 ? 64 : c->colds_cap * 2;
		c->colds = xreallocarray(c->colds, c->colds_cap,
		    sizeof *c->colds);
	}
	c->colds[c->ncolds] = *sc;
	return (c->ncolds++);
}

/* Write r as the next record of the newest chunk. */
static void
store_put(struct store *st, const struct record *r)
{
	struct store_chunk	*c = store_tail(st);
	struct store_cold	 sc;
	uint32_t		 i = c->n, t[STORE_API_WIDTH], k;

	c->ts[i] = r->ts;
	c->expire[i] = r->expire;
	c->pos[i] = r->pos;
	c->lat_total[i] = r->lat_total;
	c->lat_upstream[i] = r->lat_upstream;
	c->lat_gateway[i] = r->lat_gateway;
	c->request_time[i] = r->request_time;
	c->content_length[i] = r->content_length;
	c->ymdh[i] = r->ymdh;
	c->flags[i] = r->flags;
	c->status[i] = r->response_code;
	for (k = 0; k < RS_COUNT; k++)
		if (store_strs[k].scol >= 0)
			c->str[store_strs[k].scol][i] = r->str[k];
	for (k = 0; k < RS_COUNT; k++)
		if (store_strs[k].api >= 0)
			t[store_strs[k].api] = r->str[k];
	c->api[i] = idtuple_intern(&st->api_tuples, t);
	for (k = 0; k < RS_COUNT; k++)
		if (store_strs[k].key >= 0)
			t[store_strs[k].key] = r->str[k];
	c->key[i] = idtuple_intern(&st->key_tuples, t);
	c->cold[i] = 0;
	if (r->payload != NULL || r->extra != 0 || (r->flags & REC_PAYREF)) {
		sc.payload = r->payload;
		sc.req_len = r->req_len;
		sc.resp_off = r->resp_off;
		sc.resp_len = r->resp_len;
		sc.extra = r->extra;
		sc.payload_at = r->payload_at;
		c->cold[i] = store_cold_new(c, &sc);
	}
	c->n++;
	st->next++;
	store_trim(st);
}

/* Fill r from record i of chunk c (from store_chunk_of). */
void
store_fill_at(const struct store *st, const struct store_chunk *c, uint32_t i,
    struct record *r)
{
	const struct store_cold	*sc;
	const uint32_t		*t;
	uint32_t		 k;

	r->ts = c->ts[i];
	r->expire = c->expire[i];
	r->pos = c->pos[i];
	r->lat_total = c->lat_total[i];
	r->lat_upstream = c->lat_upstream[i];
	r->lat_gateway = c->lat_gateway[i];
	r->request_time = c->request_time[i];
	r->content_length = c->content_length[i];
	r->ymdh = c->ymdh[i];
	r->flags = c->flags[i];
	r->response_code = c->status[i];
	t = idtuple_get(&st->api_tuples, c->api[i]);
	r->str[RS_API_ID] = t[0];
	r->str[RS_API_NAME] = t[1];
	r->str[RS_API_VERSION] = t[2];
	r->str[RS_ORG_ID] = t[3];
	r->str[RS_LISTEN_PATH] = t[4];
	t = idtuple_get(&st->key_tuples, c->key[i]);
	r->str[RS_API_KEY] = t[0];
	r->str[RS_ALIAS] = t[1];
	r->str[RS_OAUTH_ID] = t[2];
	r->str[RS_METHOD] = c->str[SC_METHOD][i];
	r->str[RS_HOST] = c->str[SC_HOST][i];
	r->str[RS_PATH] = c->str[SC_PATH][i];
	r->str[RS_RAW_PATH] = c->str[SC_RAW_PATH][i];
	r->str[RS_USER_AGENT] = c->str[SC_USER_AGENT][i];
	r->str[RS_IP_ADDRESS] = c->str[SC_IP_ADDRESS][i];
	r->str[RS_ORIGINAL_PATH] = c->str[SC_ORIGINAL_PATH][i];
	r->str[RS_TAGS] = c->str[SC_TAGS][i];
	r->str[RS_GEO] = c->str[SC_GEO][i];
	if ((k = c->cold[i]) != 0) {
		sc = &c->colds[k];
		r->payload = sc->payload;
		r->req_len = sc->req_len;
		r->resp_off = sc->resp_off;
		r->resp_len = sc->resp_len;
		r->extra = sc->extra;
		r->payload_at = sc->payload_at;
	} else {
		r->payload = NULL;
		r->req_len = r->resp_off = r->resp_len = 0;
		r->extra = 0;
		r->payload_at = 0;
	}
}

/* The column of string s in chunk c, or NULL if s is in a tuple. */
const uint32_t *
store_str_column(const struct store_chunk *c, enum record_str s)
{
	return (store_strs[s].scol >= 0 ? c->str[store_strs[s].scol] : NULL);
}

/* String id s of record i of chunk c (a column or a tuple slot). */
uint32_t
store_str_id(const struct store *st, const struct store_chunk *c,
    uint32_t i, enum record_str s)
{
	if (store_strs[s].scol >= 0)
		return (c->str[store_strs[s].scol][i]);
	if (store_strs[s].api >= 0)
		return (idtuple_get(&st->api_tuples,
		    c->api[i])[store_strs[s].api]);
	return (idtuple_get(&st->key_tuples, c->key[i])[store_strs[s].key]);
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
 * outlive the store and raw_response follows raw_request within 4 GiB, or
 * b->payload_doc is set: then only their place in that document (at off
 * in the source's stream) is kept, and payload.h reads them from there.
 */
uint64_t
store_add(struct store *st, struct record_build *b, uint16_t src,
    uint64_t off)
{
	struct record		 rec, *r = &rec;
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
		if (b->payload_doc != NULL && (b->req_len == 0 ||
		    b->resp_len == 0 || b->resp >= b->req) &&
		    (b->req_len != 0 ? b->req : b->resp) >= b->payload_doc &&
		    (size_t)((b->req_len != 0 ? b->req : b->resp) -
		    b->payload_doc) <= UINT32_MAX && (b->resp_len == 0 ||
		    b->req_len == 0 || (size_t)(b->resp - b->req) <=
		    UINT32_MAX)) {
			/* By reference: where in the document they are. */
			r->flags |= REC_PAYREF;
			r->payload_at = (uint32_t)((b->req_len != 0 ? b->req :
			    b->resp) - b->payload_doc);
			r->req_len = (uint32_t)b->req_len;
			if (b->req_len != 0 && b->resp_len != 0)
				r->resp_off = (uint32_t)(b->resp - b->req);
			r->resp_len = (uint32_t)b->resp_len;
		} else if (b->payload_stable && (b->req_len == 0 ||
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
			p = store_alloc(st, b->req_len + b->resp_len + 1);
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
	r->extra = 0;
	if (b->has_extra) {
		r->extra = store_extra_new(st, ex);
		if (r->extra != 0)
			r->flags |= REC_EXTRA;
		else
			r->flags &= ~(uint32_t)REC_WIDE;
	}
	store_put(st, r);

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

/* Fill *r with the record with sequence number seq; false if not held. */
bool
store_read(const struct store *st, uint64_t seq, struct record *r)
{
	const struct store_chunk	*c;
	uint32_t			 i;

	if (seq < st->first || seq >= st->next || st->nchunks == 0)
		return (false);
	c = store_chunk_of(st, seq, &i);
	store_fill_at(st, c, i, r);
	return (true);
}

/*
 * The record with sequence number seq, or NULL if not held: one of this
 * thread's STORE_RING values, overwritten STORE_RING calls later.
 */
const struct record *
store_get(const struct store *st, uint64_t seq)
{
	static __thread struct record	 ring[STORE_RING];
	static __thread unsigned	 next;
	struct record			*r = &ring[next++ % STORE_RING];

	if (!store_read(st, seq, r))
		return (NULL);
	return (r);
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

	n = strtab_memory(&st->strs) + idtuple_memory(&st->api_tuples) +
	    idtuple_memory(&st->key_tuples);
	for (i = 0; i < st->nchunks; i++)
		n += store_chunk_bytes(st->chunk_shift) +
		    st->chunks[i]->arena.total +
		    st->chunks[i]->colds_cap * sizeof(struct store_cold);
	return (n + st->extras_cap * sizeof *st->extras);
}
