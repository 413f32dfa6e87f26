/* SPDX-License-Identifier: ISC */
/*
 * The --demo source: generated traffic (demo.c) as a source.  Live, records
 * arrive at --demo-rate per second of wall-clock time, stamped with the
 * time they are due.  In batch mode without --follow or --duration it
 * produces --demo-count records with fixed timestamps from
 * 2024-02-29T10:00:00Z (so output is the same on every run) and ends.
 * Positions are "demo:N", N the record's index.
 */
#include "config.h"

#include <stdlib.h>

#include "demo.h"
#include "options.h"
#include "record.h"
#include "source.h"
#include "store.h"
#include "timefmt.h"
#include "xmalloc.h"

struct source_demo {
	struct demo		*gen;
	struct record_build	 b;
	uint16_t		 src;
	double			 rate;
	uint64_t		 seed;
	uint64_t		 total;		/* batch: records to make */
	uint64_t		 produced;
	int64_t			 start;		/* live: ns at open */
	bool			 live;
};

static void
source_demo_add(struct source_demo *sd, struct store *st, int64_t ts)
{
	struct demo_record	 r;

	if (ts < 0)
		demo_next(sd->gen, &r);
	else
		demo_next_at(sd->gen, ts, &r);
	record_build_reset(&sd->b);
	demo_build(&r, st, &sd->b);
	store_add(st, &sd->b, sd->src, sd->produced);
	sd->produced++;
}

/* Add up to max records: the due ones (live) or the next ones (batch). */
static enum source_status
source_demo_poll(struct source *s, struct store *st, size_t max)
{
	struct source_demo	*sd = s->data;
	uint64_t		 due, n, i;
	int64_t			 now, ts;

	if (!sd->live) {
		n = sd->total - sd->produced;
		if (n > max)
			n = max;
		for (i = 0; i < n; i++)
			source_demo_add(sd, st, -1);
		return (sd->produced == sd->total ? SOURCE_EOF : SOURCE_MORE);
	}

	now = timefmt_now();
	due = (uint64_t)((double)(now - sd->start) / 1e9 * sd->rate);
	if (due <= sd->produced)
		return (SOURCE_IDLE);
	/* Far behind (a suspended process): skip rather than flood. */
	if (due - sd->produced > (uint64_t)(sd->rate * 5) + 1000)
		sd->produced = due - (uint64_t)(sd->rate * 5) - 1000;
	n = due - sd->produced;
	if (n > max)
		n = max;
	for (i = 0; i < n; i++) {
		ts = sd->start + (int64_t)((double)sd->produced * 1e9 /
		    sd->rate);
		if (ts > now)
			ts = now;
		source_demo_add(sd, st, ts);
	}
	return (sd->produced < due ? SOURCE_MORE : SOURCE_IDLE);
}

static void
source_demo_progress(struct source *s, uint64_t *done, uint64_t *total)
{
	struct source_demo	*sd = s->data;

	*done = sd->produced;
	*total = sd->live ? 0 : sd->total;
}

static void
source_demo_describe(struct source *s, struct buf *b)
{
	struct source_demo	*sd = s->data;

	if (sd->live)
		buf_printf(b, "demo: %g rec/s", sd->rate);
	else
		buf_printf(b, "demo: %llu records, seed %llu",
		    (unsigned long long)sd->total,
		    (unsigned long long)sd->seed);
}

static void
source_demo_free(struct source *s)
{
	struct source_demo	*sd = s->data;

	demo_free(sd->gen);
	record_build_clear(&sd->b);
	free(sd);
}

static const struct source_ops source_demo_ops = {
	.name = "demo",
	.poll = source_demo_poll,
	.progress = source_demo_progress,
	.describe = source_demo_describe,
	.free = source_demo_free
};

/* Open the demo source as the options ask.  Never fails. */
struct source *
source_demo_open(const struct options *o, struct store *st, char **cause)
{
	struct source_demo	*sd;
	struct demo_config	 cfg;
	struct source		*s;

	*cause = NULL;
	sd = xcalloc(1, sizeof *sd);
	/* In the TUI an explicit --demo-count gives fixed, offline data. */
	sd->live = (!o->batch && !o->demo_count_set) || o->follow ||
	    o->duration > 0;
	sd->rate = o->demo_rate > 0 ? o->demo_rate : 20;
	sd->seed = o->demo_seed;
	sd->total = o->demo_count;
	demo_config_init(&cfg);
	cfg.seed = o->demo_seed;
	cfg.rate = sd->rate;
	if (sd->live) {
		sd->start = timefmt_now();
		cfg.start_sec = sd->start / 1000000000;
	}
	sd->gen = demo_create(&cfg);
	record_build_init(&sd->b);
	sd->src = store_source_add(st, "demo", STORE_SRC_DEMO);
	s = source_create(&source_demo_ops, "--demo", sd);
	s->live = sd->live;
	return (s);
}
