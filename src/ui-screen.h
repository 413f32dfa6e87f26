/* SPDX-License-Identifier: ISC */
/*
 * A screen's operations.  Each screen module (ui-records.c, ui-detail.c,
 * ui-stats.c, ui-health.c) exports one table; ui.c holds them by enum
 * ui_screen and everything else reaches a screen through ui_screen_ops,
 * so no screen calls another.  A header alone, as ui-curses.h.
 */
#ifndef UI_SCREEN_H
#define UI_SCREEN_H

#include <stdbool.h>
#include <stddef.h>

#include "ui.h"
#include "ui-keys.h"

struct ui_screen_ops {
	const char	*title;		/* as the help lists screens */

	/* Draw the whole screen, frame included. */
	void		 (*draw)(struct ui *);

	/* Handle an action the key table did not; reaction flags. */
	unsigned	 (*action)(struct ui *, enum ui_action);

	/* Rows of content at the current size (NULL: not a list). */
	size_t		 (*height)(const struct ui *);

	/* A click on screen line y, double when open (NULL: ignored). */
	unsigned	 (*click)(struct ui *, int, bool);
};

#endif
