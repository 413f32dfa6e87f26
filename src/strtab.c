/* SPDX-License-Identifier: ISC */
/*
 * Interning table: open addressing with linear probing over (hash, id)
 * slots, kept at most half full.  String bytes live in 1 MiB chunks (larger
 * strings get a chunk of their own), each entry laid out as a 4-byte
 * little-endian length, the bytes and a NUL.
 */
#include "config.h"

#include "strtab.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xmalloc.h"

struct strtab_slot {
	uint32_t	 hash;
	uint32_t	 id;		/* 0 = empty slot */
};

#define STRTAB_CHUNK	(1024 * 1024)
#define STRTAB_MAXLEN	(UINT32_MAX - 16)
#define STRTAB_BATCH	32	/* lookups started together */

static uint32_t	strtab_intern_hashed(struct strtab *, const char *, size_t,
		    uint32_t);

static const char strtab_empty[8] = { 0, 0, 0, 0, 0, 0, 0, 0 };

/* Initialise a table holding only the empty string (id 0). */
void
strtab_init(struct strtab *st)
{
	memset(st, 0, sizeof *st);
	st->ptrs_cap = 1024;
	st->ptrs = xcalloc(st->ptrs_cap, sizeof *st->ptrs);
	st->ptrs[0] = strtab_empty + 4;
	st->count = 1;
	st->mask = 1023;
	st->slots = xcalloc(st->mask + 1, sizeof *st->slots);
}

/* Free everything; every id and slice from this table becomes invalid. */
void
strtab_clear(struct strtab *st)
{
	size_t	 i;

	for (i = 0; i < st->nchunks; i++)
		free(st->chunks[i]);
	free(st->chunks);
	free(st->ptrs);
	free(st->slots);
	memset(st, 0, sizeof *st);
}

/* 64-bit hash of len bytes (8 bytes per step, then a final mix). */
uint64_t
strtab_hash(const void *p, size_t len)
{
	const unsigned char	*s = p;
	uint64_t		 h = 0x9e3779b97f4a7c15ULL ^ len, k;

	while (len >= 8) {
		memcpy(&k, s, 8);
		k *= 0xbf58476d1ce4e5b9ULL;
		k ^= k >> 31;
		h = (h ^ k) * 0x94d049bb133111ebULL;
		s += 8;
		len -= 8;
	}
	k = 0;
	if (len != 0)
		memcpy(&k, s, len);
	h = (h ^ k) * 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 29;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 32;
	return (h);
}

static void
strtab_grow(struct strtab *st)
{
	struct strtab_slot	*old = st->slots, *s;
	uint32_t		 oldn = st->mask + 1, i, j;

	st->mask = oldn * 2 - 1;
	st->slots = xcalloc(st->mask + 1, sizeof *st->slots);
	for (i = 0; i < oldn; i++) {
		if (old[i].id == 0)
			continue;
		for (j = old[i].hash & st->mask;; j = (j + 1) & st->mask) {
			s = &st->slots[j];
			if (s->id == 0) {
				*s = old[i];
				break;
			}
		}
	}
	free(old);
}

static const char *
strtab_store(struct strtab *st, const char *s, size_t len)
{
	size_t		 need = len + 5, size;
	unsigned char	*p;

	if (st->chunk == NULL || st->chunk_size - st->chunk_used < need) {
		size = need > STRTAB_CHUNK ? need : STRTAB_CHUNK;
		p = xmalloc(size);
		st->chunks = xreallocarray(st->chunks, st->nchunks + 1,
		    sizeof *st->chunks);
		st->chunks[st->nchunks++] = (char *)p;
		if (size == STRTAB_CHUNK || st->chunk == NULL) {
			st->chunk = (char *)p;
			st->chunk_used = 0;
			st->chunk_size = size;
		} else {
			/* Oversized string: a chunk of its own. */
			p[0] = len & 0xff;
			p[1] = (len >> 8) & 0xff;
			p[2] = (len >> 16) & 0xff;
			p[3] = (len >> 24) & 0xff;
			memcpy(p + 4, s, len);
			p[4 + len] = '\0';
			return ((char *)p + 4);
		}
	}
	p = (unsigned char *)st->chunk + st->chunk_used;
	p[0] = len & 0xff;
	p[1] = (len >> 8) & 0xff;
	p[2] = (len >> 16) & 0xff;
	p[3] = (len >> 24) & 0xff;
	memcpy(p + 4, s, len);
	p[4 + len] = '\0';
	st->chunk_used += need;
	return ((char *)p + 4);
}

/* Return the id of the len bytes at s, adding them if new. */
uint32_t
strtab_intern(struct strtab *st, const char *s, size_t len)
{
	if (len == 0)
		return (0);
	return (strtab_intern_hashed(st, s, len,
	    (uint32_t)strtab_hash(s, len)));
}

/*
 * Start loading the table slot a string of hash h (strtab_hash, truncated
 * to 32 bits) will probe, so that a later strtab_intern_many finds it in
 * the cache.  Only a hint.
 */
void
strtab_prefetch(const struct strtab *st, uint32_t h)
{
	__builtin_prefetch(&st->slots[h & st->mask]);
}

/* strtab_intern with the hash already computed. */
static uint32_t
strtab_intern_hashed(struct strtab *st, const char *s, size_t len,
    uint32_t h)
{
	struct strtab_slot	*slot;
	uint32_t		 i, id;

	if (len == 0)
		return (0);
	if (len > STRTAB_MAXLEN)
		fatalx("strtab_intern: %zu bytes is too long", len);
	for (i = h & st->mask;; i = (i + 1) & st->mask) {
		slot = &st->slots[i];
		if (slot->id == 0)
			break;
		if (slot->hash == h && strtab_len(st, slot->id) == len &&
		    memcmp(st->ptrs[slot->id], s, len) == 0)
			return (slot->id);
	}
	if (st->count == UINT32_MAX)
		fatalx("strtab_intern: too many strings");
	if (st->count == st->ptrs_cap) {
		st->ptrs_cap *= 2;
		st->ptrs = xreallocarray(st->ptrs, st->ptrs_cap,
		    sizeof *st->ptrs);
	}
	id = st->count++;
	st->ptrs[id] = strtab_store(st, s, len);
	st->bytes += len;
	slot->hash = h;
	slot->id = id;
	if ((uint64_t)st->count * 2 > (uint64_t)st->mask + 1)
		strtab_grow(st);
	return (id);
}

/*
 * Intern n strings at once (s[i], len[i] -> ids[i]); hashes[i], if not
 * NULL, is (uint32_t)strtab_hash(s[i], len[i]).  The same result as n
 * strtab_intern calls, but the table lookups of a batch are started
 * together (prefetches in three stages: slot, id -> pointer, bytes), so
 * their cache misses overlap instead of queueing.  Decoders use it for the
 * string fields of one record.
 */
void
strtab_intern_many(struct strtab *st, size_t n, const char *const *s,
    const size_t *len, const uint32_t *hashes, uint32_t *ids)
{
	uint32_t			 h[STRTAB_BATCH], id;
	const struct strtab_slot	*slot;
	size_t				 i, j, m;

	for (i = 0; i < n; i += m) {
		m = n - i < STRTAB_BATCH ? n - i : STRTAB_BATCH;
		for (j = 0; j < m; j++) {
			h[j] = hashes != NULL ? hashes[i + j] :
			    (uint32_t)strtab_hash(s[i + j], len[i + j]);
			__builtin_prefetch(&st->slots[h[j] & st->mask]);
		}
		for (j = 0; j < m; j++) {
			slot = &st->slots[h[j] & st->mask];
			if (slot->id != 0 && slot->hash == h[j])
				__builtin_prefetch(&st->ptrs[slot->id]);
		}
		for (j = 0; j < m; j++) {
			slot = &st->slots[h[j] & st->mask];
			id = slot->id;
			if (id != 0 && slot->hash == h[j])
				__builtin_prefetch(st->ptrs[id] - 4);
		}
		for (j = 0; j < m; j++)
			ids[i + j] = strtab_intern_hashed(st, s[i + j],
			    len[i + j], h[j]);
	}
}

/* Return the id of s if interned, else UINT32_MAX. */
uint32_t
strtab_find(const struct strtab *st, const char *s, size_t len)
{
	const struct strtab_slot	*slot;
	uint32_t			 h, i;

	if (len == 0)
		return (0);
	h = (uint32_t)strtab_hash(s, len);
	for (i = h & st->mask;; i = (i + 1) & st->mask) {
		slot = &st->slots[i];
		if (slot->id == 0)
			return (UINT32_MAX);
		if (slot->hash == h && strtab_len(st, slot->id) == len &&
		    memcmp(st->ptrs[slot->id], s, len) == 0)
			return (slot->id);
	}
}

/* The string with the given id as a slice. */
struct slice
strtab_get(const struct strtab *st, uint32_t id)
{
	struct slice	 sl;

	sl.ptr = st->ptrs[id];
	sl.len = strtab_len(st, id);
	return (sl);
}

/* Bytes of memory the table holds. */
size_t
strtab_memory(const struct strtab *st)
{
	return (st->nchunks * STRTAB_CHUNK + (size_t)st->ptrs_cap *
	    sizeof *st->ptrs + ((size_t)st->mask + 1) * sizeof *st->slots);
}
