/* SPDX-License-Identifier: ISC */
/*
 * Batch mode (-n): load the sources, select, sort and print records, and
 * report bad input on stderr.  Returns the exit status of product.md 7:
 * 0 when something was printed, 1 when nothing matched, 2 on a usage error
 * or an unusable source.
 */
#ifndef BATCH_H
#define BATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct options;
struct record;
struct source;
struct store;

/* Reports of live sources in follow mode (batch-live.c). */
struct batch_live {
	char		**states;	/* last state printed, per source */
	size_t		  nstates;
	char		**damage;	/* last damage printed, per store source */
	size_t		  ndamage;
	int64_t		  next_health;	/* monotonic ns */
};

int	 batch_run(const struct options *);
int	 batch_open_sources(const struct options *, struct store *,
	    struct source ***, size_t *);
void	 batch_report_bad(const struct store *, uint64_t);
void	 batch_live_init(struct batch_live *);
void	 batch_live_clear(struct batch_live *);
void	 batch_live_poll(struct batch_live *, struct source **, size_t,
	    const struct store *);
void	 batch_live_gap(const struct store *, const struct record *);
size_t	 batch_live_health(struct batch_live *, struct source **, size_t,
	    struct store *, bool);

#endif
