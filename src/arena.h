/* SPDX-License-Identifier: ISC */
/*
 * Bump allocator.  Many small objects are carved from large blocks and
 * freed all at once with arena_clear; nothing is freed one by one.  Memory
 * returned by an arena belongs to it and stays valid (never moves) until
 * arena_clear.
 */
#ifndef ARENA_H
#define ARENA_H

#include <stddef.h>

struct arena_block;

struct arena {
	struct arena_block	*head;		/* current block, newest first */
	size_t			 block_size;	/* default block size */
	size_t			 total;		/* bytes allocated from malloc */
};

void	 arena_init(struct arena *, size_t);
void	 arena_clear(struct arena *);
void	*arena_alloc(struct arena *, size_t);
void	*arena_zalloc(struct arena *, size_t);
void	*arena_memdup(struct arena *, const void *, size_t);
char	*arena_strndup(struct arena *, const char *, size_t);

#endif
