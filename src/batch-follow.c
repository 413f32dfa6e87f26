/* SPDX-License-Identifier: ISC */
/*
 * Batch mode with --follow: print records as live sources deliver them,
 * in arrival order, until --limit records were printed, --duration seconds
 * passed, or SIGINT/SIGTERM arrived (then stdout is flushed and the exit
 * status is 0).  Bad records, gap markers and connection state changes go
 * to stderr as they happen, so that stdout stays machine-readable.  With
 * --health, each second prints the live sources' health (JSON lines) on
 * stdout instead of records.
 *
 * The store is a ring of --max-records; records are printed right after
 * each poll, before they can be evicted.
 */
#include "config.h"

#include "batch.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bytes.h"
#include "filter.h"
#include "log.h"
#include "options.h"
#include "output.h"
#include "record.h"
#include "source-redis.h"
#include "source.h"
#include "store.h"
#include "strtab.h"
#include "timefmt.h"
#include "xmalloc.h"

#define FOLLOW_POLL_MAX		4096
#define FOLLOW_IDLE_NS		2000000		/* sleep when nothing came */
#define FOLLOW_HEALTH_NS	1000000000LL

static volatile sig_atomic_t	 follow_stop;

static void
follow_signal(int sig)
{
	follow_stop = sig;
}

static int64_t
follow_mono(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);
}

static void
follow_time(char *buf, size_t size, int64_t ns)
{
	int64_t	 sec = ns / 1000000000;
	int64_t	 rem = ns % 1000000000;

	if (rem < 0) {
		rem += 1000000000;
		sec--;
	}
	timefmt_rfc3339(buf, size, sec, (uint32_t)rem, 3);
}

/* Report a gap marker on stderr. */
static void
follow_gap(const struct store *st, const struct record *r)
{
	const struct record_extra	*ex = record_extra(st, r);
	char				 from[TIMEFMT_MAX], to[TIMEFMT_MAX];
	struct slice			 key;

	if (ex == NULL)
		return;
	key = strtab_get(&st->strs, ex->gap_key);
	follow_time(from, sizeof from, ex->gap_from);
	follow_time(to, sizeof to, ex->gap_to);
	if (ex->gap_count >= 0)
		fprintf(stderr, "tykscope: gap: %.*s: about %lld records "
		    "drained unseen between %s and %s\n", (int)key.len,
		    key.ptr, (long long)ex->gap_count, from, to);
	else
		fprintf(stderr, "tykscope: gap: %.*s: records drained unseen "
		    "between %s and %s\n", (int)key.len, key.ptr, from, to);
}

/* Print state changes of live sources and new damage reports. */
static void
follow_states(struct source **srcs, size_t nsrcs, char **last,
    const struct store *st, char **damage)
{
	const char	*s;
	size_t		 i;

	for (i = 0; i < nsrcs; i++) {
		if (strcmp(srcs[i]->ops->name, "redis") != 0)
			continue;
		s = source_redis_state(srcs[i]);
		if (last[i] == NULL || strcmp(last[i], s) != 0) {
			fprintf(stderr, "tykscope: %s: %s\n", srcs[i]->arg, s);
			free(last[i]);
			last[i] = xstrdup(s);
		}
	}
	for (i = 0; i < st->nsources; i++) {
		s = st->sources[i].damage;
		if (s == NULL || (damage[i] != NULL &&
		    strcmp(damage[i], s) == 0))
			continue;
		fprintf(stderr, "tykscope: %s: %s\n", st->sources[i].name, s);
		free(damage[i]);
		damage[i] = xstrdup(s);
	}
}

static void
follow_health(struct source **srcs, size_t nsrcs, struct store *st)
{
	struct buf	 b;
	size_t		 i;

	buf_init(&b);
	for (i = 0; i < nsrcs; i++)
		if (srcs[i]->ops->health != NULL)
			srcs[i]->ops->health(srcs[i], st, &b);
	if (b.len != 0)
		fwrite(b.data, 1, b.len, stdout);
	fflush(stdout);
	buf_clear(&b);
}

/* Run batch --follow; returns the exit status. */
int
batch_follow(const struct options *o)
{
	struct store		  st;
	struct source		**srcs = NULL;
	struct output		 *out = NULL;
	struct filter		 *flt = NULL;
	struct sigaction	  sa, old_int, old_term;
	const struct record	 *r;
	const struct record_extra *ex;
	struct timespec		  nap = { 0, FOLLOW_IDLE_NS };
	enum source_status	  ss;
	struct slice		  e;
	struct buf		  pos;
	char			**last = NULL, **damage = NULL, *fcause;
	size_t			  nsrcs = 0, i, running, ndamage;
	uint64_t		  seq, printed = 0;
	int64_t			  deadline = 0, next_health = 0;
	bool			  progress, want_bad = false, stop = false;
	int			  status = 0, *done = NULL;

	if (o->filter != NULL) {
		if (filter_compile(o->filter, timefmt_now(), &flt, &fcause,
		    NULL) != 0) {
			warnx_("filter: %s", fcause);
			free(fcause);
			return (2);
		}
		want_bad = filter_selects_bad(flt);
	}
	store_init(&st, o->max_records);
	if (batch_open_sources(o, &st, &srcs, &nsrcs) != 0) {
		filter_free(flt);
		store_clear(&st);
		return (2);
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = follow_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	follow_stop = 0;

	if (o->duration > 0)
		deadline = follow_mono() + (int64_t)(o->duration * 1e9);
	if (!o->health)
		out = output_create(stdout, o, &st);
	done = xcalloc(nsrcs + 1, sizeof *done);
	last = xcalloc(nsrcs + 1, sizeof *last);
	ndamage = st.nsources;
	damage = xcalloc(ndamage + 1, sizeof *damage);
	buf_init(&pos);
	seq = st.next;

	while (!stop) {
		progress = false;
		running = 0;
		for (i = 0; i < nsrcs; i++) {
			if (done[i])
				continue;
			ss = srcs[i]->ops->poll(srcs[i], &st,
			    FOLLOW_POLL_MAX);
			if (ss == SOURCE_MORE)
				progress = true;
			if (ss == SOURCE_ERROR) {
				warnx_("%s: %s", srcs[i]->arg,
				    srcs[i]->error != NULL ? srcs[i]->error :
				    "unusable source");
				status = 2;
			}
			if (ss == SOURCE_EOF || ss == SOURCE_ERROR)
				done[i] = 1;
			else
				running++;
		}
		if (st.nsources > ndamage) {
			damage = xreallocarray(damage, st.nsources + 1,
			    sizeof *damage);
			memset(damage + ndamage, 0, (st.nsources - ndamage) *
			    sizeof *damage);
			ndamage = st.nsources;
		}
		follow_states(srcs, nsrcs, last, &st, damage);

		if (seq < st.first)
			seq = st.first;
		for (; seq < st.next && !stop; seq++) {
			r = store_get(&st, seq);
			if (r->flags & REC_GAP)
				follow_gap(&st, r);
			else if (r->flags & REC_BAD) {
				ex = record_extra(&st, r);
				e = strtab_get(&st.strs, ex != NULL ?
				    ex->bad_error : 0);
				fprintf(stderr, "tykscope: %s:%llu: bad "
				    "record: %.*s\n", store_source_name(&st, r),
				    (unsigned long long)REC_POS_OFFSET(r->pos),
				    (int)e.len, e.ptr);
			}
			if (out == NULL)
				continue;
			if ((r->flags & (REC_BAD | REC_GAP)) && !want_bad)
				continue;
			if (flt != NULL) {
				filter_set_now(flt, timefmt_now());
				if (!filter_match(flt, &st, r))
					continue;
			}
			output_record(out, r);
			printed++;
			if (o->limit >= 0 && (int64_t)printed >= o->limit)
				stop = true;
		}
		fflush(stdout);

		if (o->health && follow_mono() >= next_health) {
			follow_health(srcs, nsrcs, &st);
			next_health = follow_mono() + FOLLOW_HEALTH_NS;
		}
		if (follow_stop != 0 || running == 0)
			stop = true;
		if (deadline != 0 && follow_mono() >= deadline)
			stop = true;
		if (!stop && !progress)
			nanosleep(&nap, NULL);
	}

	if (out != NULL)
		output_free(out);
	fflush(stdout);
	if (status != 2) {
		if (follow_stop != 0 || o->health)
			status = 0;
		else
			status = printed != 0 ? 0 : 1;
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	for (i = 0; i < nsrcs; i++) {
		free(last[i]);
		source_free(srcs[i]);
	}
	for (i = 0; i < ndamage; i++)
		free(damage[i]);
	free(damage);
	free(last);
	free(done);
	free(srcs);
	buf_clear(&pos);
	filter_free(flt);
	store_clear(&st);
	return (status);
}
