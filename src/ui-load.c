/* SPDX-License-Identifier: ISC */
/*
 * Loader thread.  State under mtx: main_in (the main thread has the
 * store), main_want (it is waiting for it), loader_in (the loader has
 * it), stop.  The store itself is touched only by whichever side is in.
 * The loader blocks every signal, so that they reach the main thread's
 * poll().  A source that has nothing yet (stdin, a query still running:
 * SOURCE_IDLE) is asked again after UI_LOAD_IDLE_NS.
 */
#include "config.h"

#include "ui-load.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <time.h>

#include "log.h"
#include "source.h"
#include "xmalloc.h"

#define UI_LOAD_IDLE_NS	(20 * 1000000L)

struct ui_load {
	struct ui	*ui;
	pthread_t	 thread;
	pthread_mutex_t	 mtx;
	pthread_cond_t	 cv;
	bool		 main_in;
	unsigned	 main_want;
	bool		 loader_in;
	bool		 stop;
	bool		 done;
	unsigned	 rounds;	/* batches read */
};

/* Take the store for the loader; false if told to stop. */
static bool
ui_load_take(struct ui_load *ld)
{
	pthread_mutex_lock(&ld->mtx);
	while (!ld->stop && (ld->main_in || ld->main_want != 0))
		pthread_cond_wait(&ld->cv, &ld->mtx);
	if (ld->stop) {
		pthread_mutex_unlock(&ld->mtx);
		return (false);
	}
	ld->loader_in = true;
	pthread_mutex_unlock(&ld->mtx);
	return (true);
}

/* Give the store back (the loader); done: nothing is left to read. */
static void
ui_load_give(struct ui_load *ld, bool done)
{
	pthread_mutex_lock(&ld->mtx);
	ld->loader_in = false;
	ld->done = done;
	ld->rounds++;
	pthread_cond_broadcast(&ld->cv);
	pthread_mutex_unlock(&ld->mtx);
}

/* Poll each unfinished offline source once; returns SOURCE_MORE etc. */
static enum source_status
ui_load_round(struct ui *ui)
{
	enum source_status	 ss, all = SOURCE_EOF;
	size_t			 i;

	for (i = 0; i < ui->nsrcs; i++) {
		if (ui->srcs[i]->live || ui->src_state[i] == SOURCE_EOF ||
		    ui->src_state[i] == SOURCE_ERROR)
			continue;
		ss = ui->srcs[i]->ops->poll(ui->srcs[i], &ui->st,
		    UI_LOAD_BATCH);
		ui->src_state[i] = ss;
		if (ss == SOURCE_MORE)
			all = SOURCE_MORE;
		else if (ss == SOURCE_IDLE && all != SOURCE_MORE)
			all = SOURCE_IDLE;
		else if (ss == SOURCE_ERROR)
			ui_message(ui, "%s: %s", ui->srcs[i]->arg,
			    ui->srcs[i]->error != NULL ?
			    ui->srcs[i]->error : "unusable source");
	}
	return (all);
}

static void *
ui_load_main(void *arg)
{
	struct ui_load		*ld = arg;
	struct timespec		 ts = { 0, UI_LOAD_IDLE_NS };
	enum source_status	 ss;

	for (;;) {
		if (!ui_load_take(ld))
			break;
		ss = ui_load_round(ld->ui);
		ui_load_give(ld, ss == SOURCE_EOF);
		if (ss == SOURCE_EOF)
			break;
		if (ss == SOURCE_IDLE)
			nanosleep(&ts, NULL);
	}
	return (NULL);
}

/*
 * Start loading ui's offline sources on a thread of its own, and wait for
 * its first batch; the caller (the main thread) then has the store as
 * after ui_load_enter.  Returns NULL if there is no offline source: the
 * main thread polls them all.
 */
struct ui_load *
ui_load_start(struct ui *ui)
{
	struct ui_load	*ld;
	sigset_t	 all, old;
	size_t		 i;

	for (i = 0; i < ui->nsrcs; i++)
		if (!ui->srcs[i]->live)
			break;
	if (i == ui->nsrcs)
		return (NULL);
	ld = xcalloc(1, sizeof *ld);
	ld->ui = ui;
	if (pthread_mutex_init(&ld->mtx, NULL) != 0 ||
	    pthread_cond_init(&ld->cv, NULL) != 0)
		fatalx("pthread_mutex_init failed");
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	if (pthread_create(&ld->thread, NULL, ui_load_main, ld) != 0)
		fatalx("pthread_create failed");
	pthread_sigmask(SIG_SETMASK, &old, NULL);

	/*
	 * The first batch before the first key, as when this thread read
	 * it: a small file is all there for keys sent at once.
	 */
	pthread_mutex_lock(&ld->mtx);
	while (ld->rounds == 0)
		pthread_cond_wait(&ld->cv, &ld->mtx);
	pthread_mutex_unlock(&ld->mtx);
	ui_load_enter(ld);
	return (ld);
}

/* The main thread takes the store (waits for the loader's batch). */
void
ui_load_enter(struct ui_load *ld)
{
	if (ld == NULL)
		return;
	pthread_mutex_lock(&ld->mtx);
	ld->main_want++;
	while (ld->loader_in)
		pthread_cond_wait(&ld->cv, &ld->mtx);
	ld->main_want--;
	ld->main_in = true;
	pthread_mutex_unlock(&ld->mtx);
}

/* The main thread lets the loader have the store (while it waits). */
void
ui_load_leave(struct ui_load *ld)
{
	if (ld == NULL)
		return;
	pthread_mutex_lock(&ld->mtx);
	ld->main_in = false;
	pthread_cond_broadcast(&ld->cv);
	pthread_mutex_unlock(&ld->mtx);
}

/* Is source i the loader's (the main thread must not poll it)? */
bool
ui_load_owns(const struct ui_load *ld, size_t i)
{
	return (ld != NULL && !ld->ui->srcs[i]->live);
}

/* Stop the loader (called with the store held) and free it. */
void
ui_load_stop(struct ui_load *ld)
{
	if (ld == NULL)
		return;
	pthread_mutex_lock(&ld->mtx);
	ld->stop = true;
	pthread_cond_broadcast(&ld->cv);
	pthread_mutex_unlock(&ld->mtx);
	pthread_join(ld->thread, NULL);
	pthread_mutex_destroy(&ld->mtx);
	pthread_cond_destroy(&ld->cv);
	free(ld);
}
