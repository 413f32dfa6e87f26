/* SPDX-License-Identifier: ISC */
/*
 * Batch mode.  Offline sources are read to the end, the selected records
 * are sorted by timestamp (stable, so records with equal times keep their
 * source order) and written by output.c.  Bad records and damage reports go
 * to stderr, after the records, so that stdout stays machine-readable.
 */
#include "config.h"

#include "batch.h"

#include <sys/stat.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agg-output.h"
#include "filter.h"
#include "log.h"
#include "log-warn.h"
#include "options.h"
#include "output.h"
#include "record.h"
#include "render.h"
#include "render-stream.h"
#include "source.h"
#include "store.h"
#include "timefmt.h"
#include "xmalloc.h"

#define BATCH_BAD_LINES	20	/* bad records listed before "N more" */

struct batch_sel {
	int64_t		 ts;
	uint64_t	 seq;
};

static int
batch_cmp(const void *a, const void *b)
{
	const struct batch_sel	*x = a, *y = b;

	if (x->ts != y->ts)
		return (x->ts < y->ts ? -1 : 1);
	return (x->seq < y->seq ? -1 : x->seq > y->seq);
}

/*
 * Is source i the same file or directory as an earlier one (or the same
 * URL)?  Reading it twice would count every record twice.
 */
static bool
batch_named_before(const struct options *o, size_t i)
{
	struct stat	 a, b;
	size_t		 j;
	bool		 file;

	file = stat(o->sources.v[i], &a) == 0;
	for (j = 0; j < i; j++) {
		if (strcmp(o->sources.v[j], o->sources.v[i]) == 0 &&
		    strcmp(o->sources.v[i], "-") != 0)
			return (true);
		if (file && stat(o->sources.v[j], &b) == 0 &&
		    a.st_dev == b.st_dev && a.st_ino == b.st_ino)
			return (true);
	}
	return (false);
}

/*
 * Open every source named in o (and the demo source with --demo).  On
 * failure prints "tykscope: SOURCE: why" and returns -1 after freeing
 * what was opened.
 */
int
batch_open_sources(const struct options *o, struct store *st,
    struct source ***out, size_t *nout)
{
	struct source	**v = NULL, *s;
	size_t		  n = 0, i;
	char		 *cause, *safe;

	for (i = 0; i < o->sources.n; i++) {
		if (!o->keep_duplicates && batch_named_before(o, i)) {
			safe = source_safe_arg(o->sources.v[i]);
			warnx_("%s: named twice: read once (--keep-duplicates "
			    "reads it again)", safe);
			free(safe);
			continue;
		}
		s = source_open(o->sources.v[i], o, st, &cause);
		if (s == NULL) {
			safe = source_safe_arg(o->sources.v[i]);
			warnx_("%s: %s", safe, cause);
			free(safe);
			free(cause);
			goto fail;
		}
		v = xreallocarray(v, n + 1, sizeof *v);
		v[n++] = s;
	}
	if (o->demo) {
		s = source_demo_open(o, st, &cause);
		if (s == NULL) {
			warnx_("--demo: %s", cause);
			free(cause);
			goto fail;
		}
		v = xreallocarray(v, n + 1, sizeof *v);
		v[n++] = s;
	}
	*out = v;
	*nout = n;
	return (0);
fail:
	for (i = 0; i < n; i++)
		source_free(v[i]);
	free(v);
	return (-1);
}

/* Print bad records (at most BATCH_BAD_LINES), damage and a summary. */
void
batch_report_bad(const struct store *st, uint64_t from)
{
	const struct record		*r;
	const struct record_extra	*ex;
	struct slice			 e;
	struct buf			 safe;
	uint64_t			 seq, shown = 0, i;

	buf_init(&safe);
	for (seq = from; seq < st->next && st->nbad != 0; seq++) {
		r = store_get(st, seq);
		if (r == NULL || !(r->flags & REC_BAD))
			continue;
		if (shown++ >= BATCH_BAD_LINES)
			continue;
		ex = record_extra(st, r);
		e = strtab_get(&st->strs, ex != NULL ? ex->bad_error : 0);
		/* Decoder messages may quote input bytes: warnx_ escapes. */
		buf_reset(&safe);
		buf_add(&safe, e.ptr, e.len);
		warnx_("%s:%llu: bad record: %s", store_source_name(st, r),
		    (unsigned long long)REC_POS_OFFSET(r->pos),
		    safe.data != NULL ? safe.data : "");
	}
	if (shown > BATCH_BAD_LINES)
		warnx_("... and %llu more bad records",
		    (unsigned long long)(shown - BATCH_BAD_LINES));
	for (i = 0; i < st->nsources; i++) {
		if (st->sources[i].damage != NULL)
			warnx_("%s: %s", st->sources[i].name,
			    st->sources[i].damage);
	}
	if (st->nbad != 0) {
		buf_reset(&safe);
		buf_printf(&safe, "%llu bad record%s:",
		    (unsigned long long)st->nbad, st->nbad == 1 ? "" : "s");
		for (i = 0; i < st->nsources; i++)
			if (st->sources[i].bad != 0)
				buf_printf(&safe, " %s %llu", st->sources[i].name,
				    (unsigned long long)st->sources[i].bad);
		warnx_("%s", safe.data);
	}
	buf_clear(&safe);
}

static volatile sig_atomic_t batch_stop;

/*
 * Has writing to stdout failed (a full disk, a closed pipe with SIGPIPE
 * ignored, a hung-up terminal)?  The first failure's errno goes to *werr.
 * With poll_fd, also ask the kernel whether the reader of a pipe or the
 * terminal has gone, so that a follow that prints nothing still ends.
 */
static bool
batch_stdout_failed(int *werr, bool poll_fd)
{
	struct pollfd	 pfd;

	if (*werr != 0)
		return (true);
	if (ferror(stdout)) {
		*werr = errno != 0 ? errno : EIO;
		return (true);
	}
	if (poll_fd) {
		pfd.fd = STDOUT_FILENO;
		pfd.events = 0;
		pfd.revents = 0;
		if (poll(&pfd, 1, 0) == 1 && (pfd.revents & (POLLERR |
		    POLLHUP))) {
			*werr = EPIPE;
			return (true);
		}
	}
	return (false);
}

static void
batch_on_signal(int sig)
{
	batch_stop = 1;
}

/*
 * Follow mode (--follow or --duration): print records as the sources add
 * them, in arrival order, until every source ends, the duration or --limit
 * is reached, SIGINT/SIGTERM, or stdout fails.
 * The store is a ring of --max-records, so memory stays bounded (records
 * are printed as they arrive; the ring only bounds what stays held).
 */
static int
batch_follow(const struct options *o, struct filter *flt, bool want_bad)
{
	struct store		  st;
	struct source		**srcs = NULL;
	size_t			  nsrcs = 0, i, active;
	enum source_status	  ss;
	const struct record	 *r;
	struct output		 *out = NULL;
	struct sigaction	  sa, old_int, old_term;
	struct timespec		  nap = { 0, 2 * 1000 * 1000 };
	uint64_t		  seq, next = 0, printed = 0;
	int64_t			  start, since = INT64_MIN, until = INT64_MAX;
	int64_t			  lo, hi;
	const char		 *err;
	int			  status = 0, *done, more, werr = 0;
	struct batch_live	  bl;

	start = timefmt_now();
	if (o->since != NULL) {
		if (timefmt_parse(o->since, strlen(o->since), start, &lo, &hi,
		    &err) != 0) {
			warnx_("--since %s: %s", o->since, err);
			return (2);
		}
		since = lo;
	}
	if (o->until != NULL) {
		if (timefmt_parse(o->until, strlen(o->until), start, &lo, &hi,
		    &err) != 0) {
			warnx_("--until %s: %s", o->until, err);
			return (2);
		}
		until = o->until[0] == '-' ? lo : hi;
	}

	store_init(&st, options_record_limit(o, true));
	if (batch_open_sources(o, &st, &srcs, &nsrcs) != 0) {
		store_clear(&st);
		return (2);
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = batch_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	batch_stop = 0;

	if (!o->count && !o->health)
		out = output_create(stdout, o, &st);
	if (out != NULL)
		output_set_tty(out, isatty(STDOUT_FILENO));
	batch_live_init(&bl);
	done = xcalloc(nsrcs + 1, sizeof *done);
	while (!batch_stop) {
		active = 0;
		more = 0;
		for (i = 0; i < nsrcs; i++) {
			if (done[i])
				continue;
			ss = srcs[i]->ops->poll(srcs[i], &st, 4096);
			if (ss == SOURCE_EOF)
				done[i] = 1;
			else if (ss == SOURCE_ERROR) {
				warnx_("%s: %s", srcs[i]->arg,
				    srcs[i]->error != NULL ? srcs[i]->error :
				    "unusable source");
				done[i] = 1;
				status = 2;
			} else {
				active++;
				if (ss == SOURCE_MORE)
					more = 1;
			}
		}
		batch_live_poll(&bl, srcs, nsrcs, &st);
		if (o->health)
			printed += batch_live_health(&bl, srcs, nsrcs, &st,
			    false) != 0;
		if (next < st.first)
			next = st.first;
		for (seq = next; seq < st.next; seq++) {
			if (o->limit >= 0 && (int64_t)printed >= o->limit)
				break;
			r = store_get(&st, seq);
			if (r->flags & REC_GAP)
				batch_live_gap(&st, r);
			if ((r->flags & (REC_BAD | REC_GAP)) && !want_bad)
				continue;
			if (o->health)
				continue;
			if (!(r->flags & (REC_BAD | REC_GAP)) && (r->ts < since ||
			    r->ts >= until))
				continue;
			if (flt != NULL && !(r->flags & REC_GAP) &&
			    !filter_match(flt, &st, r))
				continue;
			if (out != NULL)
				output_record(out, r);
			printed++;
			if (batch_stdout_failed(&werr, false))
				break;
		}
		next = st.next;
		fflush(stdout);
		if (batch_stdout_failed(&werr, true))
			break;
		if (active == 0 || (o->limit >= 0 &&
		    (int64_t)printed >= o->limit))
			break;
		if (o->duration > 0 && (double)(timefmt_now() - start) / 1e9 >=
		    o->duration)
			break;
		if (!more)
			nanosleep(&nap, NULL);
	}
	free(done);
	output_free(out);
	if (o->count)
		printf("%llu\n", (unsigned long long)printed);
	fflush(stdout);
	if (status == 0)
		status = printed != 0 || batch_stop ? 0 : 1;
	if (batch_stdout_failed(&werr, false)) {
		warnx_("stdout: %s", strerror(werr));
		status = 2;
	}
	batch_live_clear(&bl);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	batch_report_bad(&st, st.first);
	for (i = 0; i < nsrcs; i++)
		source_free(srcs[i]);
	free(srcs);
	store_clear(&st);
	return (status);
}

/* Read, select and print (batch_run's work); returns the exit status. */
static int
batch_read_all(const struct options *o)
{
	struct store		  st;
	struct source		**srcs = NULL;
	size_t			  nsrcs = 0, i, nsel = 0, live, idle;
	struct timespec		  nap = { 0, 1000000 };
	struct buf		  hb;
	struct batch_sel	 *sel = NULL;
	enum source_status	  ss;
	const struct store_chunk *c;
	struct output		 *out;
	uint64_t		  seq, printed = 0;
	uint32_t		  ci;
	int64_t			  since = INT64_MIN, until = INT64_MAX, lo, hi;
	int64_t			  now;
	struct filter		 *flt = NULL;
	char			 *fcause, *fx;
	bool			  want_bad = false;
	const char		 *err;
	int			  status, *done, werr = 0;

	/*
	 * A filter syntax error is a usage error: report it before reading.
	 * @NAME is a saved filter, as in the TUI; an unknown name is an error.
	 */
	if (o->filter != NULL) {
		if ((fx = filter_expand_saved(o->filter, o->saved_filters.v,
		    o->saved_filters.n, &fcause, NULL)) == NULL) {
			warnx_("filter: %s", fcause);
			free(fcause);
			return (2);
		}
		if (filter_compile(fx, timefmt_now(), &flt, &fcause,
		    NULL) != 0) {
			warnx_("filter: %s", fcause);
			free(fcause);
			free(fx);
			return (2);
		}
		free(fx);
		want_bad = filter_selects_bad(flt);
	}
	if (!o->aggregate && (o->follow || o->duration > 0)) {
		status = batch_follow(o, flt, want_bad);
		filter_free(flt);
		return (status);
	}

	store_init(&st, 0);
	if (batch_open_sources(o, &st, &srcs, &nsrcs) != 0) {
		filter_free(flt);
		store_clear(&st);
		return (2);
	}

	/* Read every source to its end. */
	done = xcalloc(nsrcs + 1, sizeof *done);
	status = 0;
	do {
		live = idle = 0;
		for (i = 0; i < nsrcs; i++) {
			if (done[i])
				continue;
			ss = srcs[i]->ops->poll(srcs[i], &st, 65536);
			if (ss == SOURCE_IDLE)
				idle++;
			if (ss == SOURCE_EOF)
				done[i] = 1;
			else if (ss == SOURCE_ERROR) {
				warnx_("%s: %s", srcs[i]->arg,
				    srcs[i]->error != NULL ? srcs[i]->error :
				    "unusable source");
				done[i] = 1;
				status = 2;
			} else
				live++;
		}
		/* Live sources still reading: wait instead of spinning. */
		if (live != 0 && idle == live)
			nanosleep(&nap, NULL);
	} while (live != 0);
	free(done);
	if (status == 2)
		goto out;

	/* --health: the live sources' state instead of records. */
	if (o->health) {
		buf_init(&hb);
		for (i = 0; i < nsrcs; i++)
			if (srcs[i]->ops->health != NULL)
				srcs[i]->ops->health(srcs[i], &st, &hb);
		fwrite(hb.data, 1, hb.len, stdout);
		fflush(stdout);
		status = hb.len != 0 ? 0 : 1;
		buf_clear(&hb);
		goto out;
	}

	/*
	 * Relative times in the filter count back from now for live sources
	 * and from the newest loaded record otherwise (as --since does).
	 */
	now = st.newest_ts == INT64_MIN ? timefmt_now() : st.newest_ts;
	for (i = 0; i < nsrcs; i++)
		if (srcs[i]->live)
			now = timefmt_now();
	if (flt != NULL)
		filter_set_now(flt, now);

	/* Time range: relative forms count back from the newest record. */
	if (o->since != NULL) {
		if (timefmt_parse(o->since, strlen(o->since), st.newest_ts ==
		    INT64_MIN ? timefmt_now() : st.newest_ts, &lo, &hi,
		    &err) != 0) {
			warnx_("--since %s: %s", o->since, err);
			status = 2;
			goto out;
		}
		since = lo;
	}
	if (o->until != NULL) {
		if (timefmt_parse(o->until, strlen(o->until), st.newest_ts ==
		    INT64_MIN ? timefmt_now() : st.newest_ts, &lo, &hi,
		    &err) != 0) {
			warnx_("--until %s: %s", o->until, err);
			status = 2;
			goto out;
		}
		until = o->until[0] == '-' ? lo : hi;
	}

	sel = xreallocarray(NULL, store_count(&st) + 1, sizeof *sel);
	for (seq = st.first; seq < st.next; seq++) {
		/* The columns the selection needs, not whole records. */
		c = store_chunk_of(&st, seq, &ci);
		if ((c->flags[ci] & (REC_BAD | REC_GAP)) && !want_bad)
			continue;
		if (flt != NULL && !filter_match_at(flt, &st, c, ci))
			continue;
		if (c->ts[ci] < since || c->ts[ci] >= until)
			continue;
		sel[nsel].ts = c->ts[ci];
		sel[nsel].seq = seq;
		nsel++;
	}
	qsort(sel, nsel, sizeof *sel, batch_cmp);

	if (o->aggregate) {
		uint64_t	*seqs;

		seqs = xreallocarray(NULL, nsel + 1, sizeof *seqs);
		for (i = 0; i < nsel; i++)
			seqs[i] = sel[i].seq;
		status = agg_output_batch(o, &st, seqs, nsel, since, until);
		free(seqs);
		goto out;
	}

	if (o->count) {
		if (o->limit >= 0 && (int64_t)nsel > o->limit)
			nsel = (size_t)o->limit;
		printf("%zu\n", nsel);
		printed = nsel;
	} else {
		out = output_create(stdout, o, &st);
		output_set_tty(out, isatty(STDOUT_FILENO));
		for (i = 0; i < nsel; i++) {
			if (o->limit >= 0 && (int64_t)printed >= o->limit)
				break;
			output_record(out, store_get(&st, sel[i].seq));
			printed++;
			if (batch_stdout_failed(&werr, false))
				break;
		}
		output_free(out);
	}
	fflush(stdout);
	status = printed != 0 ? 0 : 1;
	if (o->count)
		status = nsel != 0 ? 0 : 1;
	if (batch_stdout_failed(&werr, false)) {
		warnx_("stdout: %s", strerror(werr));
		status = 2;
	}

out:
	batch_report_bad(&st, st.first);
	free(sel);
	filter_free(flt);
	for (i = 0; i < nsrcs; i++)
		source_free(srcs[i]);
	free(srcs);
	store_clear(&st);
	return (status);
}

/*
 * Run batch mode to completion; returns the exit status.  On a terminal,
 * stdout is a render_stream for the run: whatever any format writes obeys
 * the terminal rule (JSON formats get \\uXXXX escapes, so they stay JSON).
 * Any failed write makes the status 2, with a message.
 */
int
batch_run(const struct options *o)
{
	FILE			*saved = stdout, *term = NULL;
	enum render_stream_mode	 mode;
	int			 status, werr = 0;

	if (isatty(STDOUT_FILENO)) {
		switch (o->format) {
		case OPT_FMT_TSV:
		case OPT_FMT_TABLE:
		case OPT_FMT_CURL:
		case OPT_FMT_RAW_REQUEST:
		case OPT_FMT_RAW_RESPONSE:
			mode = RENDER_STREAM_TEXT;
			break;
		default:
			mode = RENDER_STREAM_JSON;
			break;
		}
		fflush(stdout);
		if ((term = render_stream_open(STDOUT_FILENO, mode,
		    _IOLBF)) != NULL)
			stdout = term;
	}
	status = batch_read_all(o);
	fflush(stdout);
	batch_stdout_failed(&werr, false);
	if (term != NULL) {
		stdout = saved;
		if (fclose(term) == EOF && werr == 0)
			werr = errno != 0 ? errno : EIO;
	}
	if (werr != 0 && status != 2) {
		warnx_("stdout: %s", strerror(werr));
		status = 2;
	}
	return (status);
}
