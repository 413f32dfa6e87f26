/* SPDX-License-Identifier: ISC */
/*
 * What batch follow mode reports besides records, for live sources: gap
 * markers, connection state changes and damage reports (on stderr, as they
 * happen, so that stdout stays machine-readable), and with --health the
 * sources' health as JSON lines on stdout once a second.
 */
#include "config.h"

#include "batch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bytes.h"
#include "log.h"
#include "log-warn.h"
#include "record.h"
#include "source.h"
#include "store.h"
#include "strtab.h"
#include "timefmt.h"
#include "xmalloc.h"

#define BATCH_LIVE_HEALTH_NS	1000000000LL

static int64_t
batch_live_mono(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);
}

static void
batch_live_time(char *buf, size_t size, int64_t ns)
{
	int64_t	 sec = ns / 1000000000;
	int64_t	 rem = ns % 1000000000;

	if (rem < 0) {
		rem += 1000000000;
		sec--;
	}
	timefmt_rfc3339(buf, size, sec, (uint32_t)rem, 3);
}

/* Prepare the report state. */
void
batch_live_init(struct batch_live *bl)
{
	memset(bl, 0, sizeof *bl);
}

/* Free the report state. */
void
batch_live_clear(struct batch_live *bl)
{
	size_t	 i;

	for (i = 0; i < bl->nstates; i++)
		free(bl->states[i]);
	for (i = 0; i < bl->ndamage; i++)
		free(bl->damage[i]);
	free(bl->states);
	free(bl->damage);
	memset(bl, 0, sizeof *bl);
}

/* Print state changes of live sources and new damage reports. */
void
batch_live_poll(struct batch_live *bl, struct source **srcs, size_t nsrcs,
    const struct store *st)
{
	const char	*s;
	size_t		 i;

	if (nsrcs > bl->nstates) {
		bl->states = xreallocarray(bl->states, nsrcs,
		    sizeof *bl->states);
		memset(bl->states + bl->nstates, 0, (nsrcs - bl->nstates) *
		    sizeof *bl->states);
		bl->nstates = nsrcs;
	}
	for (i = 0; i < nsrcs; i++) {
		if (srcs[i]->ops->state == NULL)
			continue;
		s = srcs[i]->ops->state(srcs[i]);
		if (bl->states[i] == NULL || strcmp(bl->states[i], s) != 0) {
			warnx_("%s: %s", srcs[i]->arg, s);
			free(bl->states[i]);
			bl->states[i] = xstrdup(s);
		}
	}
	if (st->nsources > bl->ndamage) {
		bl->damage = xreallocarray(bl->damage, st->nsources,
		    sizeof *bl->damage);
		memset(bl->damage + bl->ndamage, 0, (st->nsources -
		    bl->ndamage) * sizeof *bl->damage);
		bl->ndamage = st->nsources;
	}
	for (i = 0; i < st->nsources; i++) {
		s = st->sources[i].damage;
		if (s == NULL || (bl->damage[i] != NULL &&
		    strcmp(bl->damage[i], s) == 0))
			continue;
		warnx_("%s: %s", st->sources[i].name, s);
		free(bl->damage[i]);
		bl->damage[i] = xstrdup(s);
	}
}

/* Report a gap marker on stderr. */
void
batch_live_gap(const struct store *st, const struct record *r)
{
	const struct record_extra	*ex = record_extra(st, r);
	char				 from[TIMEFMT_MAX], to[TIMEFMT_MAX];
	struct slice			 key;

	if (ex == NULL)
		return;
	key = strtab_get(&st->strs, ex->gap_key);
	batch_live_time(from, sizeof from, ex->gap_from);
	batch_live_time(to, sizeof to, ex->gap_to);
	if (ex->gap_count >= 0)
		warnx_("gap: %.*s: about %lld records "
		    "drained unseen between %s and %s", (int)key.len,
		    key.ptr, (long long)ex->gap_count, from, to);
	else
		warnx_("gap: %.*s: records drained unseen "
		    "between %s and %s", (int)key.len, key.ptr, from, to);
}

/*
 * Print the live sources' health on stdout, at most once a second unless
 * force.  Returns the bytes printed.
 */
size_t
batch_live_health(struct batch_live *bl, struct source **srcs, size_t nsrcs,
    struct store *st, bool force)
{
	struct buf	 b;
	size_t		 i, len;
	int64_t		 now = batch_live_mono();

	if (!force && now < bl->next_health)
		return (0);
	bl->next_health = now + BATCH_LIVE_HEALTH_NS;
	buf_init(&b);
	for (i = 0; i < nsrcs; i++)
		if (srcs[i]->ops->health != NULL)
			srcs[i]->ops->health(srcs[i], st, &b);
	if (b.len != 0)
		fwrite(b.data, 1, b.len, stdout);
	fflush(stdout);
	len = b.len;
	buf_clear(&b);
	return (len);
}
