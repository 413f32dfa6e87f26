/* SPDX-License-Identifier: ISC */
/*
 * Batch mode (-n): load the sources, select, sort and print records, and
 * report bad input on stderr.  Returns the exit status of product.md 7:
 * 0 when something was printed, 1 when nothing matched, 2 on a usage error
 * or an unusable source.
 */
#ifndef BATCH_H
#define BATCH_H

#include <stddef.h>
#include <stdint.h>

struct options;
struct source;
struct store;

int	 batch_run(const struct options *);
int	 batch_follow(const struct options *);
int	 batch_open_sources(const struct options *, struct store *,
	    struct source ***, size_t *);
void	 batch_report_bad(const struct store *, uint64_t);

#endif
