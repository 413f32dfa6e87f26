/* SPDX-License-Identifier: ISC */
/*
 * The loader: a thread that reads the offline sources (files, dumps,
 * stdin, finished database queries) into the store while the main thread
 * draws and reads keys, so the TUI loads at the speed of batch mode.
 *
 * The store is single-threaded (store.h), so it is handed over whole: a
 * two-party lock in which the main thread has priority.  The main thread
 * holds the store (and the rest of struct ui) for all of each turn but the
 * wait for input (ui_load_enter / ui_load_leave); the loader takes it
 * between those, one batch of UI_LOAD_BATCH records per source at a time,
 * and gives way at the end of a batch whenever the main thread asks.  So
 * a key waits for at most one batch (a few milliseconds), the screen
 * shows what has arrived at its data redraw rate, and nothing in the
 * store, the view or the screens needs a lock of its own.
 */
#ifndef UI_LOAD_H
#define UI_LOAD_H

#include <stdbool.h>
#include <stddef.h>

#include "ui.h"

struct ui_load;

#define UI_LOAD_BATCH	4096	/* records per poll of one source */

struct ui_load	*ui_load_start(struct ui *);
void		 ui_load_enter(struct ui_load *);
void		 ui_load_leave(struct ui_load *);
bool		 ui_load_owns(const struct ui_load *, size_t);
void		 ui_load_stop(struct ui_load *);

#endif
