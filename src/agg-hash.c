/* SPDX-License-Identifier: ISC */
/* The aggregates' integer-keyed hash table (see agg-hash.h). */
#include "config.h"

#include "agg-hash.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "xmalloc.h"

struct agg_hash *
agg_hash_create(uint32_t size)
{
	struct agg_hash	*h;

	h = xcalloc(1, sizeof *h);
	h->mask = size - 1;
	h->e = xcalloc(h->mask + 1, sizeof *h->e);
	return (h);
}

void
agg_hash_free(struct agg_hash *h)
{
	if (h == NULL)
		return;
	free(h->e);
	free(h);
}

/* Insert k (not present) with value v; keeps the table at most half full. */
void
agg_hash_put(struct agg_hash *h, const struct agg_hkey *k, uint32_t v)
{
	struct agg_hent	*old;
	uint32_t	 i, j, oldn;

	if ((h->n + 1) * 2 > h->mask + 1) {
		old = h->e;
		oldn = h->mask + 1;
		if (oldn > UINT32_MAX / 2)
			fatalx("aggregate hash too large");
		h->mask = oldn * 2 - 1;
		h->e = xcalloc((size_t)h->mask + 1, sizeof *h->e);
		for (j = 0; j < oldn; j++) {
			if (old[j].k.kind == 0)
				continue;
			i = (uint32_t)agg_hkey_hash(&old[j].k) & h->mask;
			while (h->e[i].k.kind != 0)
				i = (i + 1) & h->mask;
			h->e[i] = old[j];
		}
		free(old);
	}
	i = (uint32_t)agg_hkey_hash(k) & h->mask;
	while (h->e[i].k.kind != 0)
		i = (i + 1) & h->mask;
	h->e[i].k = *k;
	h->e[i].v = v;
	h->n++;
}

/* A copy of h (NULL stays NULL). */
struct agg_hash *
agg_hash_dup(const struct agg_hash *h)
{
	struct agg_hash	*d;

	if (h == NULL)
		return (NULL);
	d = xmalloc(sizeof *d);
	*d = *h;
	d->e = xreallocarray(NULL, (size_t)h->mask + 1, sizeof *d->e);
	memcpy(d->e, h->e, ((size_t)h->mask + 1) * sizeof *d->e);
	return (d);
}
