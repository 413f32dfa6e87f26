/* SPDX-License-Identifier: ISC */
/*
 * Aggregates in batch mode: --aggregate, --stored and --reconcile, as
 * JSON lines shaped like the pump's documents or as a readable table.
 */
#ifndef AGG_OUTPUT_H
#define AGG_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <yajl/yajl_gen.h>

#include "agg.h"

struct options;
struct store;

/* Hour buckets overlapping [since, until) ns are printed. */
struct agg_output_range {
	int64_t		 since;
	int64_t		 until;
};

void	 agg_output_doc(yajl_gen, const struct agg *, size_t);
size_t	 agg_output_json(FILE *, const struct agg *,
	    const struct agg_output_range *);
size_t	 agg_output_table(FILE *, const struct agg *,
	    const struct agg_output_range *, bool);
size_t	 agg_output_reconcile(FILE *, const struct agg *,
	    const struct agg *, const struct agg_output_range *, bool, bool);
int	 agg_output_batch(const struct options *, const struct store *,
	    const uint64_t *, size_t, int64_t, int64_t);

#endif
