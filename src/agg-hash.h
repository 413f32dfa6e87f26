/* SPDX-License-Identifier: ISC */
/*
 * The aggregates' one table: open addressing keyed by a few small
 * integers (bucket, kind, a, b, c), never by strings, holding a 32-bit
 * value.  Every lookup of agg.c (buckets, counters, escaped keys, tag
 * lists, histograms) goes through it.  Kept at most half full.
 */
#ifndef AGG_HASH_H
#define AGG_HASH_H

#include <stdbool.h>
#include <stdint.h>

#define AGG_NONE	UINT32_MAX

struct agg_hkey {
	uint32_t	 bucket;
	uint32_t	 kind;
	uint32_t	 a, b, c;
};

struct agg_hent {
	struct agg_hkey	 k;
	uint32_t	 v;
};

struct agg_hash {
	struct agg_hent	*e;
	uint32_t	 mask;
	uint32_t	 n;
};

struct agg_hash	*agg_hash_create(uint32_t);
void		 agg_hash_free(struct agg_hash *);
struct agg_hash	*agg_hash_dup(const struct agg_hash *);
void		 agg_hash_put(struct agg_hash *, const struct agg_hkey *,
		    uint32_t);

/* Inline: the lookups are the aggregates' hot path. */
/* Mix a hash key into 64 bits. */
static inline uint64_t
agg_hkey_hash(const struct agg_hkey *k)
{
	uint64_t	 h;

	h = ((uint64_t)k->bucket << 32 | k->kind) * 0x9e3779b97f4a7c15ULL;
	h ^= (uint64_t)k->a << 32 | k->b;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 31;
	h ^= k->c;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 29;
	return (h);
}

static inline bool
agg_hkey_eq(const struct agg_hkey *x, const struct agg_hkey *y)
{
	return (x->kind == y->kind && x->bucket == y->bucket && x->a == y->a &&
	    x->b == y->b && x->c == y->c);
}

/* The value for k, or AGG_NONE. */
static inline uint32_t
agg_hash_find(const struct agg_hash *h, const struct agg_hkey *k)
{
	uint32_t	 i = (uint32_t)agg_hkey_hash(k) & h->mask;

	for (;;) {
		if (h->e[i].k.kind == 0)
			return (AGG_NONE);
		if (agg_hkey_eq(&h->e[i].k, k))
			return (h->e[i].v);
		i = (i + 1) & h->mask;
	}
}

#endif
