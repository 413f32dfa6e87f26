/* SPDX-License-Identifier: ISC */
/*
 * What a source with a worker thread (live MongoDB, PostgreSQL) shares
 * between the worker and the main thread: a lock and its two conditions,
 * the state line, the fatal error, done and stop; the worker's stoppable
 * sleep; and the state as the main thread shows it.
 */
#ifndef SOURCE_THREAD_H
#define SOURCE_THREAD_H

#include <pthread.h>
#include <stdbool.h>

#define SOURCE_THREAD_STATE_MAX	1024

struct source_thread {
	pthread_mutex_t	 mu;
	pthread_cond_t	 wake_worker;
	pthread_cond_t	 wake_main;
	/* Under mu. */
	char		 state[SOURCE_THREAD_STATE_MAX];
	char		*fatal;		/* the worker gave up (batch) */
	bool		 done;		/* the worker finished */
	bool		 stop;		/* the main thread wants it gone */
	/* Main thread only. */
	char		 mstate[SOURCE_THREAD_STATE_MAX];
};

void		 source_thread_init(struct source_thread *);
void		 source_thread_destroy(struct source_thread *);
void		 source_thread_set_state(struct source_thread *, const char *,
		    ...) __attribute__((format(printf, 2, 3)));
bool		 source_thread_sleep(struct source_thread *, int);
const char	*source_thread_state(struct source_thread *);

#endif
