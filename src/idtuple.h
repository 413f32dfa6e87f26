/* SPDX-License-Identifier: ISC */
/*
 * Tuples of ids, interned: ids that come together (a record's API id,
 * name, version, org and listen path) are stored once per distinct
 * combination and named by one 32-bit tuple id, so a column of tuple ids
 * costs 4 bytes a record instead of 4 per id.  Tuple 0 is all zeros.
 * Tuples never move before idtuple_clear; ids are dense (0, 1, 2, ...).
 */
#ifndef IDTUPLE_H
#define IDTUPLE_H

#include <stddef.h>
#include <stdint.h>

#define IDTUPLE_MAX	8	/* ids per tuple */

struct idtuple {
	unsigned	 width;		/* ids per tuple */
	uint32_t	*ids;		/* tuple id * width -> ids */
	uint32_t	 count;		/* tuples, including 0 */
	uint32_t	 cap;
	uint32_t	*slots;		/* open addressing: tuple id + 1, 0 free */
	uint32_t	 mask;		/* slots - 1 */
};

void		 idtuple_init(struct idtuple *, unsigned);
void		 idtuple_clear(struct idtuple *);
uint32_t	 idtuple_intern(struct idtuple *, const uint32_t *);
size_t		 idtuple_memory(const struct idtuple *);

/* The ids of tuple t (width of them). */
static inline const uint32_t *
idtuple_get(const struct idtuple *it, uint32_t t)
{
	return (it->ids + (size_t)t * it->width);
}

#endif
