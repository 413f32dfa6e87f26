/* SPDX-License-Identifier: ISC */
/*
 * String interning.  Every repeated string of a record (API id and name,
 * org, key, path, host, user agent, tags, geo) is stored once and named by a
 * 32-bit id.  Id 0 is always the empty string.  Strings are binary-safe and
 * are followed by a NUL; their bytes never move and are never freed before
 * strtab_clear, so slices returned here stay valid for the table's life.
 *
 * Ids are dense (1, 2, 3, ...), so modules that evaluate something once per
 * distinct string (the filter) can keep a side array indexed by id.
 */
#ifndef STRTAB_H
#define STRTAB_H

#include <stddef.h>
#include <stdint.h>

#include "bytes.h"

struct strtab_slot;

struct strtab {
	const char		**ptrs;		/* id -> bytes (len at ptr-4) */
	uint32_t		  count;	/* ids in use, including 0 */
	uint32_t		  ptrs_cap;
	struct strtab_slot	 *slots;	/* open addressing hash */
	uint32_t		  mask;		/* slots - 1 */
	char			 *chunk;	/* current storage chunk */
	size_t			  chunk_used;
	size_t			  chunk_size;
	char			**chunks;	/* every chunk, owned */
	size_t			  nchunks;
	size_t			  bytes;	/* string bytes stored */
};

void		 strtab_init(struct strtab *);
void		 strtab_clear(struct strtab *);
uint32_t	 strtab_intern(struct strtab *, const char *, size_t);
void		 strtab_intern_many(struct strtab *, size_t,
		    const char *const *, const size_t *, const uint32_t *,
		    uint32_t *);
void		 strtab_prefetch(const struct strtab *, uint32_t);
uint32_t	 strtab_find(const struct strtab *, const char *, size_t);
struct slice	 strtab_get(const struct strtab *, uint32_t);
size_t		 strtab_memory(const struct strtab *);
uint64_t	 strtab_hash(const void *, size_t);

/* The bytes of string id (NUL-terminated; may contain NULs). */
static inline const char *
strtab_str(const struct strtab *st, uint32_t id)
{
	return (st->ptrs[id]);
}

/* The length of string id. */
static inline uint32_t
strtab_len(const struct strtab *st, uint32_t id)
{
	const unsigned char *p = (const unsigned char *)st->ptrs[id] - 4;

	return ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24);
}

#endif
