/* SPDX-License-Identifier: ISC */
/*
 * Id tuple interning: a flat array of tuples and an open-addressing hash
 * of tuple ids, grown at three quarters full.
 */
#include "config.h"

#include "idtuple.h"

#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xmalloc.h"

/* Start with tuple 0 (all zeros) only. */
void
idtuple_init(struct idtuple *it, unsigned width)
{
	if (width == 0 || width > IDTUPLE_MAX)
		fatalx("idtuple_init: width %u", width);
	memset(it, 0, sizeof *it);
	it->width = width;
	it->cap = 64;
	it->ids = xcalloc(it->cap, width * sizeof *it->ids);
	it->count = 1;
	it->mask = 127;
	it->slots = xcalloc((size_t)it->mask + 1, sizeof *it->slots);
}

/* Free every tuple. */
void
idtuple_clear(struct idtuple *it)
{
	free(it->ids);
	free(it->slots);
	memset(it, 0, sizeof *it);
}

static uint32_t
idtuple_hash(const uint32_t *ids, unsigned width)
{
	uint64_t	 h = 0x9e3779b97f4a7c15ULL;
	unsigned	 i;

	for (i = 0; i < width; i++) {
		h ^= ids[i];
		h *= 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	return ((uint32_t)h);
}

static void
idtuple_grow(struct idtuple *it)
{
	uint32_t	 mask = it->mask * 2 + 1, t, h;

	free(it->slots);
	it->slots = xcalloc((size_t)mask + 1, sizeof *it->slots);
	it->mask = mask;
	for (t = 1; t < it->count; t++) {
		h = idtuple_hash(idtuple_get(it, t), it->width) & mask;
		while (it->slots[h] != 0)
			h = (h + 1) & mask;
		it->slots[h] = t + 1;
	}
}

/*
 * The tuple id of ids (width of them), added if new.  Fatal only past
 * 2^32 - 2 distinct tuples, which the ids themselves cannot reach first.
 */
uint32_t
idtuple_intern(struct idtuple *it, const uint32_t *ids)
{
	size_t		 sz = it->width * sizeof *ids;
	uint32_t	 h, t;
	unsigned	 i;

	for (i = 0; i < it->width && ids[i] == 0; i++)
		/* nothing */;
	if (i == it->width)
		return (0);
	h = idtuple_hash(ids, it->width) & it->mask;
	while ((t = it->slots[h]) != 0) {
		if (memcmp(idtuple_get(it, t - 1), ids, sz) == 0)
			return (t - 1);
		h = (h + 1) & it->mask;
	}
	if (it->count == UINT32_MAX - 1)
		fatalx("idtuple_intern: too many tuples");
	if (it->count == it->cap) {
		it->cap *= 2;
		it->ids = xreallocarray(it->ids, it->cap, sz);
	}
	t = it->count++;
	memcpy(it->ids + (size_t)t * it->width, ids, sz);
	it->slots[h] = t + 1;
	if ((uint64_t)it->count * 4 > ((uint64_t)it->mask + 1) * 3)
		idtuple_grow(it);
	return (t);
}

/* Bytes held. */
size_t
idtuple_memory(const struct idtuple *it)
{
	return ((size_t)it->cap * it->width * sizeof *it->ids +
	    ((size_t)it->mask + 1) * sizeof *it->slots);
}
