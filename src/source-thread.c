/* SPDX-License-Identifier: ISC */
/* The worker-thread state of the database sources (see source-thread.h). */
#include "config.h"

#include "source-thread.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

void
source_thread_init(struct source_thread *th)
{
	memset(th, 0, sizeof *th);
	pthread_mutex_init(&th->mu, NULL);
	pthread_cond_init(&th->wake_worker, NULL);
	pthread_cond_init(&th->wake_main, NULL);
}

/* After the worker has been joined. */
void
source_thread_destroy(struct source_thread *th)
{
	pthread_mutex_destroy(&th->mu);
	pthread_cond_destroy(&th->wake_worker);
	pthread_cond_destroy(&th->wake_main);
	free(th->fatal);
	th->fatal = NULL;
}

/* Set the state line (takes mu). */
void
source_thread_set_state(struct source_thread *th, const char *fmt, ...)
{
	va_list	 ap;

	pthread_mutex_lock(&th->mu);
	va_start(ap, fmt);
	vsnprintf(th->state, sizeof th->state, fmt, ap);
	va_end(ap);
	pthread_mutex_unlock(&th->mu);
}

/*
 * Sleep for up to msec, or until asked to stop (the worker).  Returns true
 * to stop.
 */
bool
source_thread_sleep(struct source_thread *th, int msec)
{
	struct timespec	 ts;
	bool		 stop;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += msec / 1000;
	ts.tv_nsec += (long)(msec % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&th->mu);
	while (!th->stop) {
		if (pthread_cond_timedwait(&th->wake_worker, &th->mu, &ts) ==
		    ETIMEDOUT)
			break;
	}
	stop = th->stop;
	pthread_mutex_unlock(&th->mu);
	return (stop);
}

/*
 * The state as the main thread shows it: the fatal error, "read" when the
 * worker is done, else its state line.  Valid until the next call.
 */
const char *
source_thread_state(struct source_thread *th)
{
	pthread_mutex_lock(&th->mu);
	if (th->fatal != NULL)
		snprintf(th->mstate, sizeof th->mstate, "%s", th->fatal);
	else if (th->done && !th->stop)
		snprintf(th->mstate, sizeof th->mstate, "read");
	else
		memcpy(th->mstate, th->state, sizeof th->mstate);
	pthread_mutex_unlock(&th->mu);
	return (th->mstate);
}
