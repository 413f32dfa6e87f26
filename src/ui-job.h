/* SPDX-License-Identifier: ISC */
/*
 * Whole-set work off the input path: selecting and sorting every record
 * (a filter, clearing it, a time range, marked-only), sorting, searching
 * and the aggregates run on a job thread (the selection on every core),
 * while the main thread keeps reading keys and drawing the previous
 * result.  One job runs at a time; what is asked for meanwhile waits, and
 * a new selection or sort supersedes the one running (which stops within
 * a chunk or a sort pass, its result dropped).  The header shows what
 * runs and how far (ui_job_what).
 *
 * While a job runs nothing writes to the store: the main thread does not
 * poll the sources nor let the loader in (ui.c), and nothing changes the
 * view's rows (the jobs install their result on the main thread, in
 * ui_job_reap).  The job threads read the store and the rows; each
 * worker matches with a filter of its own (ui_filter_clone).
 *
 * Esc cancels: the running job stops, what waits is dropped, and a
 * filter, time range or marked-only change that had not been shown yet
 * is undone (the state was saved by ui_job_stash before the change).
 */
#ifndef UI_JOB_H
#define UI_JOB_H

#include <stdbool.h>
#include <stdint.h>

#include "ui.h"

struct agg;
struct agg_config;

/* Called on the main thread with a finished aggregate (owned) or an error. */
typedef void (*ui_job_agg_fn)(struct ui *, struct agg *, char *, int64_t);
/* ui_job_call: the work (job thread), what takes its result (main). */
typedef bool (*ui_job_fn)(struct ui *, void *, struct view_ctl *);
typedef void (*ui_job_done_fn)(struct ui *, void *, bool);

void		 ui_job_init(struct ui *);
void		 ui_job_free(struct ui *);
void		 ui_job_stash(struct ui *);
void		 ui_job_rebuild(struct ui *);
void		 ui_job_sort(struct ui *, enum view_col, bool);
void		 ui_job_sort_order(const struct ui *, enum view_col *, bool *);
void		 ui_job_search(struct ui *, view_match_fn, int);
void		 ui_job_agg(struct ui *, const struct agg_config *,
		    ui_job_agg_fn);
void		 ui_job_call(struct ui *, const char *, unsigned, ui_job_fn,
		    ui_job_done_fn, void *);
void		 ui_job_then(struct ui *, unsigned);
bool		 ui_job_worth(const struct ui *, size_t, size_t);
bool		 ui_job_busy(const struct ui *);
uint64_t	 ui_job_cancels(const struct ui *);
bool		 ui_job_pending(const struct ui *, unsigned);
const char	*ui_job_what(const struct ui *, int *);
int		 ui_job_fd(const struct ui *);
unsigned	 ui_job_reap(struct ui *);
bool		 ui_job_cancel(struct ui *);
void		 ui_job_wait(struct ui *);

/* ui_job_pending: kinds of work. */
#define UI_JOB_VIEW	0x1
#define UI_JOB_SEARCH	0x2
#define UI_JOB_AGG	0x4
#define UI_JOB_CALL	0x8	/* ui_job_call */

/* ui_job_call: flags. */
#define UI_JOB_KEEP	0x1	/* reads no rows: a new selection keeps it */

/* ui_job_then: what to do once the rows asked for are shown. */
#define UI_JOB_THEN_HOME	0x1	/* the first row */
#define UI_JOB_THEN_END		0x2	/* the last row, following */

#endif
