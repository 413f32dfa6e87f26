/* SPDX-License-Identifier: ISC */
/*
 * Arena: a list of blocks; allocation bumps a pointer in the newest block
 * and opens a new block (at least the requested size) when it is full.
 * Allocations are aligned to 8 bytes.
 */
#include "config.h"

#include "arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xmalloc.h"

struct arena_block {
	struct arena_block	*next;
	size_t			 size;		/* usable bytes in data */
	size_t			 used;
	uint64_t		 data[];
};

/* Prepare an empty arena whose blocks are block_size bytes. */
void
arena_init(struct arena *a, size_t block_size)
{
	a->head = NULL;
	a->block_size = block_size < 4096 ? 4096 : block_size;
	a->total = 0;
}

/* Free every block; the arena can be used again afterwards. */
void
arena_clear(struct arena *a)
{
	struct arena_block	*b, *next;

	for (b = a->head; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	a->head = NULL;
	a->total = 0;
}

/* Return size bytes (8-byte aligned, uninitialised) owned by the arena. */
void *
arena_alloc(struct arena *a, size_t size)
{
	struct arena_block	*b;
	size_t			 need, bsize;
	void			*p;

	need = (size + 7) & ~(size_t)7;
	if (need < size)
		fatalx("arena_alloc: %zu bytes overflows", size);
	b = a->head;
	if (b == NULL || b->size - b->used < need) {
		bsize = need > a->block_size ? need : a->block_size;
		if (bsize > SIZE_MAX - sizeof *b)
			fatalx("arena_alloc: %zu bytes overflows", size);
		b = xmalloc(sizeof *b + bsize);
		b->size = bsize;
		b->used = 0;
		/*
		 * An oversized request gets a block of its own placed behind
		 * the current one, so the current block's free space is kept.
		 */
		if (a->head != NULL && bsize > a->block_size) {
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = a->head;
			a->head = b;
		}
		a->total += sizeof *b + bsize;
	}
	p = (char *)b->data + b->used;
	b->used += need;
	return (p);
}

/* Like arena_alloc but zeroed. */
void *
arena_zalloc(struct arena *a, size_t size)
{
	void	*p;

	p = arena_alloc(a, size == 0 ? 1 : size);
	memset(p, 0, size);
	return (p);
}

/* Copy len bytes into the arena (with a trailing NUL). */
void *
arena_memdup(struct arena *a, const void *s, size_t len)
{
	char	*p;

	p = arena_alloc(a, len + 1);
	if (len != 0)
		memcpy(p, s, len);
	p[len] = '\0';
	return (p);
}

/* Copy a string of len bytes into the arena, NUL-terminated. */
char *
arena_strndup(struct arena *a, const char *s, size_t len)
{
	return (arena_memdup(a, s, len));
}
