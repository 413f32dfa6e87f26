/* SPDX-License-Identifier: ISC */
/*
 * The job thread.  ui->jobs holds the job running (cur, or NULL), what is
 * asked for and waits (want), the saved selection state (stash) and a
 * pipe the job writes a byte to when it ends, which the main loop polls
 * beside the terminal.  A job's thread only reads: the store, the view's
 * rows (sort, search, aggregates) and its own copies (the query: a copy
 * of struct view with a copy of the marks and a filter per worker).
 *
 * The selection splits the chunks into one range per worker (the job
 * thread is one of them); the ranges' rows are joined in seq order.
 * TYKSCOPE_JOB_DELAY_MS (hidden, for the screen tests) makes each job
 * wait that long, in steps that a cancel interrupts, before it ends, and
 * makes every count and listing a job however small (ui_job_worth).
 */
#include "config.h"

#include "ui-job.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "agg.h"
#include "log.h"
#include "ui-filter.h"
#include "xmalloc.h"

#define UI_JOB_WORKERS	4	/* at most, however many cores */
#define UI_JOB_MIN	65536	/* records below which one worker does */

enum ui_job_kind {
	UI_JK_VIEW,
	UI_JK_SEARCH,
	UI_JK_AGG,
	UI_JK_CALL
};

/* Work a screen asked for (ui_job_call), waiting or running. */
struct ui_job_callreq {
	const char		*what;
	ui_job_fn		 fn;
	ui_job_done_fn		 done;
	void			*arg;
	unsigned		 flags;		/* UI_JOB_KEEP */
	struct ui_job_callreq	*next;
};

struct ui_job {
	enum ui_job_kind	 kind;
	const char		*what;
	struct ui		*ui;		/* store and rows: read only */
	struct view_ctl		 ctl;
	pthread_t		 thread;
	int			 wfd;		/* the pipe's write end */
	int64_t			 started;
	unsigned		 delay_ms;
	_Atomic bool		 ended;		/* the thread is about to end */

	/* UI_JK_VIEW and UI_JK_SEARCH: the query. */
	struct view		 q;
	void			*args[UI_JOB_WORKERS];	/* filter copies */
	unsigned		 nworkers;
	bool			 select;	/* select, then sort */
	bool			 in_order;	/* selected in time order */
	uint64_t		*rows;		/* the result */
	size_t			 n, cap;
	bool			 ok;

	/* UI_JK_SEARCH */
	view_match_fn		 fn;
	size_t			 from;
	int			 dir;
	long			 found;

	/* UI_JK_CALL */
	struct ui_job_callreq	*call;

	/* UI_JK_AGG */
	struct agg_ctl		 actl;		/* its cancel follows ctl's */
	struct agg_config	 cfg;
	ui_job_agg_fn		 done;
	struct agg		*agg;
	char			*err;
};

/* A worker's part of a selection. */
struct ui_job_part {
	struct ui_job		*job;
	unsigned		 w;
	size_t			 k0, k1;
	uint64_t		*out;
	struct view_sel		 sel;
	bool			 ok;
};

struct ui_stash {
	bool		 valid;
	char		*filter;
	void		*filter_c;
	int64_t		 since, until;
	bool		 marked_only;
	char		*range_label;
	char		*drill;
};

struct ui_jobs {
	struct ui_job	*cur;
	int		 pfd[2];
	unsigned	 want;		/* UI_JOB_* */
	enum view_col	 sort;		/* the order asked for */
	bool		 reverse;
	bool		 sort_asked;
	bool		 select;	/* a new selection is asked for */
	view_match_fn	 search_fn;
	int		 search_dir;
	struct agg_config cfg;
	ui_job_agg_fn	 agg_done;
	struct ui_job_callreq *calls;	/* waiting, first first */
	struct ui_stash	 stash;
	unsigned	 workers;
	unsigned	 delay_ms;
	unsigned	 then;		/* UI_JOB_THEN_*, after the view job */
	uint64_t	 cancels;	/* Esc presses that stopped work */
	int		 pct;		/* shown, never backwards in a job */
};

static void	 ui_job_start(struct ui *);
static void	 ui_job_drop_calls(struct ui *, bool);
static void	 ui_job_stop(struct ui_job *);

/* Set the jobs up (after the view). */
void
ui_job_init(struct ui *ui)
{
	struct ui_jobs	*j;
	const char	*e;
	long		 ncpu;
	int		 i;

	j = xcalloc(1, sizeof *j);
	if (pipe(j->pfd) != 0)
		fatal("pipe");
	for (i = 0; i < 2; i++) {
		fcntl(j->pfd[i], F_SETFL, fcntl(j->pfd[i], F_GETFL) |
		    O_NONBLOCK);
		fcntl(j->pfd[i], F_SETFD, FD_CLOEXEC);
	}
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	j->workers = ncpu < 1 ? 1 : ncpu > UI_JOB_WORKERS ? UI_JOB_WORKERS :
	    (unsigned)ncpu;
	if ((e = getenv("TYKSCOPE_JOB_DELAY_MS")) != NULL)
		j->delay_ms = (unsigned)strtoul(e, NULL, 10);
	ui->jobs = j;
}

/* Forget the saved selection state. */
static void
ui_job_stash_clear(struct ui_stash *s)
{
	free(s->filter);
	ui_filter_free(s->filter_c);
	free(s->range_label);
	free(s->drill);
	memset(s, 0, sizeof *s);
}

/* Stop everything and free the jobs. */
void
ui_job_free(struct ui *ui)
{
	struct ui_jobs	*j = ui->jobs;

	if (j == NULL)
		return;
	ui_job_drop_calls(ui, true);
	j->want = 0;
	if (j->cur != NULL)
		ui_job_stop(j->cur);
	ui_job_wait(ui);
	ui_job_stash_clear(&j->stash);
	close(j->pfd[0]);
	close(j->pfd[1]);
	free(j);
	ui->jobs = NULL;
}

/*
 * Save what the view selects (filter, time range, marked-only) before a
 * change to it, unless it was saved already and not shown since: Esc
 * puts it back while the new selection is still being made.
 */
void
ui_job_stash(struct ui *ui)
{
	struct ui_stash	*s = &ui->jobs->stash;

	if (s->valid)
		return;
	s->valid = true;
	s->filter = ui->filter != NULL ? xstrdup(ui->filter) : NULL;
	s->filter_c = ui_filter_clone(ui->filter_c);
	s->since = ui->v.since;
	s->until = ui->v.until;
	s->marked_only = ui->v.marked_only;
	s->range_label = ui->range_label != NULL ?
	    xstrdup(ui->range_label) : NULL;
	s->drill = ui->drill != NULL ? xstrdup(ui->drill) : NULL;
}

/* Put the saved selection state back (Esc while it was being changed). */
static void
ui_job_unstash(struct ui *ui)
{
	struct ui_stash	*s = &ui->jobs->stash;

	if (!s->valid)
		return;
	free(ui->filter);
	ui->filter = s->filter;
	ui_filter_free(ui->filter_c);
	ui->filter_c = s->filter_c;
	view_set_filter(&ui->v, ui->filter_c != NULL ? ui_filter_match :
	    NULL, ui->filter_c);
	view_set_filter_at(&ui->v, ui_filter_match_at, ui_filter_select_at);
	view_set_range(&ui->v, s->since, s->until);
	ui->v.marked_only = s->marked_only;
	free(ui->range_label);
	ui->range_label = s->range_label;
	free(ui->drill);
	ui->drill = s->drill;
	memset(s, 0, sizeof *s);
}

/* The job thread's optional delay (screen tests), cut short by a cancel. */
static void
ui_job_delay(struct ui_job *job)
{
	struct timespec	 ts = { 0, 10 * 1000000L };
	unsigned	 t;

	for (t = 0; t < job->delay_ms; t += 10) {
		if (atomic_load(&job->ctl.cancel))
			return;
		nanosleep(&ts, NULL);
	}
}

/* One worker's selection of its chunk range. */
static void *
ui_job_select_part(void *arg)
{
	struct ui_job_part	*p = arg;
	struct view		 q = p->job->q;

	q.match_arg = p->job->args[p->w];
	p->ok = view_select_chunks(&q, &p->job->ui->st, p->k0, p->k1, p->out,
	    &p->sel, &p->job->ctl);
	return (NULL);
}

/* Select on every worker; false if cancelled. */
static bool
ui_job_select(struct ui_job *job)
{
	const struct store	*st = &job->ui->st;
	struct ui_job_part	 parts[UI_JOB_WORKERS];
	pthread_t		 th[UI_JOB_WORKERS];
	size_t			 nch = st->nchunks, total, at, k;
	unsigned		 w, nw = job->nworkers;
	bool			 ok = true, in_order = true;
	int64_t			 last = INT64_MIN;

	total = (size_t)store_count(st);
	job->cap = total > 0 ? total : 1;
	job->rows = xreallocarray(NULL, job->cap, sizeof *job->rows);
	atomic_fetch_add(&job->ctl.total, total);
	if (nw > nch)
		nw = nch > 0 ? (unsigned)nch : 1;
	at = 0;
	for (w = 0; w < nw; w++) {
		parts[w].job = job;
		parts[w].w = w;
		parts[w].k0 = nch * w / nw;
		parts[w].k1 = nch * (w + 1) / nw;
		/* The first writes in place, the others where they start. */
		parts[w].out = job->rows + at;
		for (k = parts[w].k0; k < parts[w].k1; k++)
			at += st->chunks[k]->n - (k == 0 ?
			    (size_t)(st->first - st->chunks[0]->first) : 0);
	}
	for (w = 1; w < nw; w++)
		if (pthread_create(&th[w], NULL, ui_job_select_part,
		    &parts[w]) != 0)
			fatalx("pthread_create failed");
	ui_job_select_part(&parts[0]);
	for (w = 1; w < nw; w++)
		pthread_join(th[w], NULL);
	job->n = 0;
	for (w = 0; w < nw; w++) {
		ok = ok && parts[w].ok;
		if (!ok)
			break;
		if (job->rows + job->n != parts[w].out)
			memmove(job->rows + job->n, parts[w].out,
			    parts[w].sel.n * sizeof *job->rows);
		job->n += parts[w].sel.n;
		if (parts[w].sel.n == 0)
			continue;
		if (!parts[w].sel.in_order || parts[w].sel.first_ts < last)
			in_order = false;
		last = parts[w].sel.last_ts;
	}
	job->in_order = in_order;
	return (ok);
}

static void *
ui_job_main(void *arg)
{
	struct ui_job	*job = arg;
	struct ui	*ui = job->ui;
	char		 b = 0;

	switch (job->kind) {
	case UI_JK_VIEW:
		if (job->select) {
			job->ok = ui_job_select(job);
			log_debug("job %s: %zu rows selected by %u in %.1f ms%s",
			    job->what, job->n, job->nworkers,
			    (double)(ui_clock() - job->started) / 1e6,
			    job->in_order ? ", in time order" : "");
			job->ok = job->ok && view_sort_seqs(&job->q, &ui->st,
			    job->rows, job->n, job->in_order, &job->ctl,
			    job->nworkers);
		} else {
			job->n = ui->v.n;
			job->cap = job->n > 0 ? job->n : 1;
			job->rows = xreallocarray(NULL, job->cap,
			    sizeof *job->rows);
			memcpy(job->rows, ui->v.rows, job->n *
			    sizeof *job->rows);
			job->ok = view_sort_seqs(&job->q, &ui->st, job->rows,
			    job->n, false, &job->ctl, job->nworkers);
		}
		break;
	case UI_JK_SEARCH:
		job->found = view_scan(&ui->v, &ui->st, job->from, job->fn,
		    job->fn != NULL ? NULL : ui_filter_match_at,
		    job->args[0], job->dir, &job->ctl);
		job->ok = job->found != -2;
		break;
	case UI_JK_AGG:
		atomic_store(&job->ctl.total, ui->v.n);
		job->agg = agg_compute_ctl(&ui->st, ui->v.rows, ui->v.n,
		    &job->cfg, &job->actl, &job->err);
		job->ok = job->agg != NULL || job->err != NULL;
		break;
	case UI_JK_CALL:
		job->ok = job->call->fn(ui, job->call->arg, &job->ctl);
		break;
	}
	log_debug("job %s: %.1f ms%s", job->what, (double)(ui_clock() -
	    job->started) / 1e6, atomic_load(&job->ctl.cancel) ?
	    " (cancelled)" : "");
	ui_job_delay(job);
	atomic_store(&job->ended, true);
	if (write(job->wfd, &b, 1) == -1 && errno != EAGAIN)
		log_debug("job: pipe: %s", strerror(errno));
	return (NULL);
}

/* Free a finished job. */
static void
ui_job_drop(struct ui_job *job)
{
	unsigned	 w;

	for (w = 0; w < UI_JOB_WORKERS; w++)
		ui_filter_free(job->args[w]);
	if (job->call != NULL) {
		/* Not run, or its result not taken: the caller frees. */
		job->call->done(job->ui, job->call->arg, false);
		free(job->call);
	}
	free(job->q.marks);
	free(job->rows);
	agg_free(job->agg);
	free(job->err);
	free(job);
}

/* A new job of kind k, not started. */
static struct ui_job *
ui_job_new(struct ui *ui, enum ui_job_kind k, const char *what)
{
	struct ui_job	*job;

	job = xcalloc(1, sizeof *job);
	job->kind = k;
	job->what = what;
	job->ui = ui;
	job->wfd = ui->jobs->pfd[1];
	job->delay_ms = ui->jobs->delay_ms;
	job->started = ui_clock();
	job->nworkers = 1;
	return (job);
}

/* Start the next job asked for, if none runs. */
static void
ui_job_start(struct ui *ui)
{
	struct ui_jobs	*j = ui->jobs;
	struct ui_job	*job;
	sigset_t	 all, old;
	unsigned	 w;

	if (j->cur != NULL || j->want == 0)
		return;
	if (j->want & UI_JOB_VIEW) {
		job = ui_job_new(ui, UI_JK_VIEW, j->select ? "filtering" :
		    "sorting");
		job->select = j->select;
		job->q = ui->v;
		job->q.rows = NULL;
		job->q.n = job->q.cap = 0;
		job->q.marks = NULL;
		if (ui->v.nmarks > 0) {
			job->q.marks = xreallocarray(NULL, ui->v.nmarks,
			    sizeof *job->q.marks);
			memcpy(job->q.marks, ui->v.marks, ui->v.nmarks *
			    sizeof *job->q.marks);
		}
		job->q.marks_cap = ui->v.nmarks;
		if (j->sort_asked) {
			job->q.sort = j->sort;
			job->q.sort_reverse = j->reverse;
		}
		if (store_count(&ui->st) >= UI_JOB_MIN)
			job->nworkers = j->workers;
		if (job->select && ui->v.match != NULL)
			for (w = 0; w < job->nworkers; w++)
				job->args[w] = ui_filter_clone(ui->filter_c);
		j->want &= ~UI_JOB_VIEW;
		j->select = false;
		j->sort_asked = false;
	} else if (j->want & UI_JOB_SEARCH) {
		job = ui_job_new(ui, UI_JK_SEARCH, "searching");
		job->fn = j->search_fn;
		job->dir = j->search_dir;
		job->from = ui->v.cursor;
		if (job->fn == NULL)
			job->args[0] = ui_filter_clone(ui->search_c);
		j->want &= ~UI_JOB_SEARCH;
		if (job->fn == NULL && job->args[0] == NULL) {
			ui_job_drop(job);
			ui_job_start(ui);
			return;
		}
	} else if (j->calls != NULL) {
		job = ui_job_new(ui, UI_JK_CALL, j->calls->what);
		job->call = j->calls;
		j->calls = job->call->next;
		if (j->calls == NULL)
			j->want &= ~UI_JOB_CALL;
	} else {
		job = ui_job_new(ui, UI_JK_AGG, "aggregating");
		job->cfg = j->cfg;
		job->done = j->agg_done;
		job->actl.threads = ui->v.n >= UI_JOB_MIN ? j->workers : 1;
		j->want &= ~UI_JOB_AGG;
	}
	j->pct = 0;
	j->cur = job;
	/* Signals are the main thread's (its poll). */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	if (pthread_create(&job->thread, NULL, ui_job_main, job) != 0)
		fatalx("pthread_create failed");
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* Tell a job to stop (and its aggregation, which has a control of its own). */
static void
ui_job_stop(struct ui_job *job)
{
	atomic_store(&job->ctl.cancel, true);
	atomic_store(&job->actl.cancel, true);
}

/* Stop the running job if it makes what kinds of work. */
static void
ui_job_supersede(struct ui *ui, unsigned kinds)
{
	struct ui_job	*job = ui->jobs->cur;

	if (job == NULL)
		return;
	if (((kinds & UI_JOB_VIEW) && job->kind == UI_JK_VIEW) ||
	    ((kinds & UI_JOB_SEARCH) && job->kind == UI_JK_SEARCH) ||
	    ((kinds & UI_JOB_AGG) && job->kind == UI_JK_AGG) ||
	    ((kinds & UI_JOB_CALL) && job->kind == UI_JK_CALL &&
	    !(job->call->flags & UI_JOB_KEEP)))
		ui_job_stop(job);
}

/*
 * Drop the calls waiting (their done is told they did not run): all, or
 * those that read the rows (not UI_JOB_KEEP).
 */
static void
ui_job_drop_calls(struct ui *ui, bool all)
{
	struct ui_jobs		*j = ui->jobs;
	struct ui_job_callreq	*c, **pp;

	pp = &j->calls;
	while ((c = *pp) != NULL) {
		if (!all && (c->flags & UI_JOB_KEEP)) {
			pp = &c->next;
			continue;
		}
		*pp = c->next;
		c->done(ui, c->arg, false);
		free(c);
	}
	if (j->calls == NULL)
		j->want &= ~UI_JOB_CALL;
}

/*
 * Run fn(ui, arg, ctl) on the job thread after what runs and waits; it
 * only reads the store and the rows, reports progress and stops when ctl
 * is cancelled (returning false).  Then done(ui, arg, true) on the main
 * thread; done(ui, arg, false) if it was cancelled or dropped (by Esc;
 * and, unless flags has UI_JOB_KEEP because fn does not read the rows,
 * by a new selection or sort, which changes them): done frees arg
 * either way.  what names it in the header.
 */
void
ui_job_call(struct ui *ui, const char *what, unsigned flags, ui_job_fn fn,
    ui_job_done_fn done, void *arg)
{
	struct ui_jobs		*j = ui->jobs;
	struct ui_job_callreq	*c, **pp;

	c = xcalloc(1, sizeof *c);
	c->what = what;
	c->fn = fn;
	c->done = done;
	c->arg = arg;
	c->flags = flags;
	for (pp = &j->calls; *pp != NULL; pp = &(*pp)->next)
		/* nothing */;
	*pp = c;
	j->want |= UI_JOB_CALL;
	ui_job_start(ui);
}

/*
 * Select and sort every held record again, on the job thread (after a
 * filter, range or marked-only change: call ui_job_stash before it).
 * What the rows feed (search, aggregates) runs after.
 */
void
ui_job_rebuild(struct ui *ui)
{
	struct ui_jobs	*j = ui->jobs;

	j->want |= UI_JOB_VIEW;
	j->select = true;
	ui_job_supersede(ui, UI_JOB_VIEW | UI_JOB_SEARCH | UI_JOB_AGG |
	    UI_JOB_CALL);
	ui_job_drop_calls(ui, false);
	ui_job_start(ui);
}

/* Sort by column c (reverse: descending), on the job thread. */
void
ui_job_sort(struct ui *ui, enum view_col c, bool reverse)
{
	struct ui_jobs	*j = ui->jobs;

	j->want |= UI_JOB_VIEW;
	j->sort = c;
	j->reverse = reverse;
	j->sort_asked = true;
	ui_job_supersede(ui, UI_JOB_VIEW | UI_JOB_SEARCH | UI_JOB_CALL);
	ui_job_drop_calls(ui, false);
	ui_job_start(ui);
}

/* The order the rows have, or will have when the sort asked for ends. */
void
ui_job_sort_order(const struct ui *ui, enum view_col *c, bool *reverse)
{
	const struct ui_jobs	*j = ui->jobs;
	const struct ui_job	*job = j->cur;

	if (j->sort_asked) {
		*c = j->sort;
		*reverse = j->reverse;
	} else if (job != NULL && job->kind == UI_JK_VIEW &&
	    !atomic_load(&job->ctl.cancel)) {
		*c = job->q.sort;
		*reverse = job->q.sort_reverse;
	} else {
		*c = ui->v.sort;
		*reverse = ui->v.sort_reverse;
	}
}

/*
 * Search from the cursor in direction dir for a record fn accepts (NULL:
 * the search, ui->search_c), on the job thread; the cursor moves there
 * when it is found.
 */
void
ui_job_search(struct ui *ui, view_match_fn fn, int dir)
{
	struct ui_jobs	*j = ui->jobs;

	j->want |= UI_JOB_SEARCH;
	j->search_fn = fn;
	j->search_dir = dir;
	ui_job_supersede(ui, UI_JOB_SEARCH);
	ui_job_start(ui);
}

/* Aggregate the rows with cfg on the job thread; done gets the result. */
void
ui_job_agg(struct ui *ui, const struct agg_config *cfg, ui_job_agg_fn done)
{
	struct ui_jobs	*j = ui->jobs;

	j->want |= UI_JOB_AGG;
	j->cfg = *cfg;
	j->agg_done = done;
	ui_job_start(ui);
}

/* Do what (UI_JOB_THEN_*) once the rows asked for are shown. */
void
ui_job_then(struct ui *ui, unsigned what)
{
	struct ui_jobs	*j = ui->jobs;

	if (ui_job_pending(ui, UI_JOB_VIEW)) {
		j->then = what;
		return;
	}
	j->then = 0;
	if (what & UI_JOB_THEN_HOME)
		view_home(&ui->v);
	if (what & UI_JOB_THEN_END) {
		if (!ui_job_busy(ui))
			view_update(&ui->v, &ui->st, false);
		view_end(&ui->v);
	}
}

/*
 * Should work on n records (or counters) be a job, not done at once?
 * Above small, or always when jobs are held for the screen tests.
 */
bool
ui_job_worth(const struct ui *ui, size_t n, size_t small)
{
	return (n >= small || ui->jobs->delay_ms > 0);
}

/* How many times Esc stopped work (a screen tells a cancel from a drop). */
uint64_t
ui_job_cancels(const struct ui *ui)
{
	return (ui->jobs->cancels);
}

/* Does a job run (so the store and the rows must not change)? */
bool
ui_job_busy(const struct ui *ui)
{
	return (ui->jobs != NULL && ui->jobs->cur != NULL);
}

/* Is work of these kinds running or waiting? */
bool
ui_job_pending(const struct ui *ui, unsigned kinds)
{
	const struct ui_jobs	*j = ui->jobs;
	const struct ui_job	*job;
	unsigned		 k = 0;

	if (j == NULL)
		return (false);
	if ((job = j->cur) != NULL && !atomic_load(&job->ctl.cancel))
		k = job->kind == UI_JK_VIEW ? UI_JOB_VIEW : job->kind ==
		    UI_JK_SEARCH ? UI_JOB_SEARCH : job->kind == UI_JK_AGG ?
		    UI_JOB_AGG : UI_JOB_CALL;
	return (((k | j->want) & kinds) != 0);
}

/*
 * What runs, for the header, and *pct how far (0-99), or NULL.  Work
 * that has run for less than a tenth of a second is not shown.
 */
const char *
ui_job_what(const struct ui *ui, int *pct)
{
	struct ui_jobs	*j = ui->jobs;
	struct ui_job	*job;
	uint64_t	 done, total;
	int		 p = 0;

	if (j == NULL || (job = j->cur) == NULL ||
	    ui_clock() - job->started < 100 * 1000000LL)
		return (NULL);
	done = atomic_load(&job->ctl.done);
	if (job->kind == UI_JK_AGG)
		done = atomic_load(&job->actl.done);
	total = atomic_load(&job->ctl.total);
	if (total > 0)
		p = done >= total ? 99 : (int)(done * 100 / total);
	if (p < j->pct)
		p = j->pct;
	j->pct = p;
	*pct = p;
	return (job->what);
}

/* The descriptor that becomes readable when a job ends. */
int
ui_job_fd(const struct ui *ui)
{
	return (ui->jobs->pfd[0]);
}

/* Install what a finished job made (main thread); returns UI_* flags. */
static unsigned
ui_job_finish(struct ui *ui, struct ui_job *job)
{
	struct ui_jobs	*j = ui->jobs;
	unsigned	 what;

	if (job->kind == UI_JK_CALL) {
		job->call->done(ui, job->call->arg, job->ok &&
		    !atomic_load(&job->ctl.cancel));
		free(job->call);
		job->call = NULL;
		return (UI_REDRAW);
	}
	if (atomic_load(&job->ctl.cancel) || !job->ok)
		return (0);
	switch (job->kind) {
	case UI_JK_VIEW:
		what = VIEW_SORTED | (job->select ? VIEW_SELECTED : 0);
		view_install(&ui->v, &ui->st, job->rows, job->n, job->cap,
		    what, job->q.sort, job->q.sort_reverse);
		job->rows = NULL;
		if (job->select)
			ui->selections++;
		if (job->select && !(j->want & UI_JOB_VIEW && j->select))
			ui_job_stash_clear(&j->stash);
		/* A sort keeps the set of rows: the sparkline stays. */
		if (job->select)
			ui->spark_n = SIZE_MAX;
		if (j->then != 0 && !(j->want & UI_JOB_VIEW)) {
			what = j->then;
			j->then = 0;
			if (what & UI_JOB_THEN_HOME)
				view_home(&ui->v);
			if (what & UI_JOB_THEN_END) {
				view_update(&ui->v, &ui->st, false);
				view_end(&ui->v);
			}
		}
		if (!job->select)
			ui_message(ui, "sorted by %s, %s",
			    view_col_name(ui->v.sort), ui->v.sort_reverse ?
			    "descending" : "ascending");
		break;
	case UI_JK_SEARCH:
		if (job->found >= 0)
			view_goto(&ui->v, (size_t)job->found);
		else if (job->fn != NULL)
			ui_message(ui, "no error records");
		else
			ui_message(ui, "no match: %s", ui->search != NULL ?
			    ui->search : "");
		break;
	case UI_JK_AGG:
		job->done(ui, job->agg, job->err, ui_clock() - job->started);
		job->agg = NULL;
		job->err = NULL;
		break;
	case UI_JK_CALL:
		break;
	}
	return (UI_REDRAW);
}

/*
 * On the main thread, after the job's descriptor was readable (or any
 * time): if the job has ended, install its result and start what waits.
 */
unsigned
ui_job_reap(struct ui *ui)
{
	struct ui_jobs	*j = ui->jobs;
	struct ui_job	*job = j->cur;
	char		 b[64];
	unsigned	 r;

	while (read(j->pfd[0], b, sizeof b) > 0)
		/* nothing */;
	if (job == NULL)
		return (0);
	/* The byte may be a cancelled job's, or in flight. */
	if (!atomic_load(&job->ended))
		return (0);
	pthread_join(job->thread, NULL);
	j->cur = NULL;
	r = ui_job_finish(ui, job);
	ui_job_drop(job);
	ui_job_start(ui);
	return (r | UI_REDRAW);
}

/*
 * Esc: stop the running job, drop what waits and undo a selection change
 * not shown yet.  Returns false when nothing was running.
 */
bool
ui_job_cancel(struct ui *ui)
{
	struct ui_jobs	*j = ui->jobs;

	if (j->cur == NULL && j->want == 0)
		return (false);
	j->cancels++;
	ui_job_drop_calls(ui, true);
	j->want = 0;
	j->then = 0;
	j->select = j->sort_asked = false;
	if (j->cur != NULL)
		ui_job_stop(j->cur);
	ui_job_unstash(ui);
	return (true);
}

/* Run everything asked for to the end now (benchmark, before exit). */
void
ui_job_wait(struct ui *ui)
{
	struct ui_jobs	*j = ui->jobs;
	struct ui_job	*job;

	while ((job = j->cur) != NULL) {
		pthread_join(job->thread, NULL);
		j->cur = NULL;
		ui_job_finish(ui, job);
		ui_job_drop(job);
		ui_job_start(ui);
	}
}
