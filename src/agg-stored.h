/* SPDX-License-Identifier: ISC */
/*
 * Stored aggregate documents (tyk-formats.md 5.2) read from dumps, loaded
 * into a struct agg so that they print and compare like computed ones.
 */
#ifndef AGG_STORED_H
#define AGG_STORED_H

#include <stddef.h>
#include <stdint.h>

#include "agg.h"

struct store;

struct agg	*agg_stored_load(const struct store *, const struct agg_config *,
		    uint64_t *, char **);

#endif
