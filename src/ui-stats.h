/* SPDX-License-Identifier: ISC */
/*
 * The Aggregates screen: hourly aggregates per dimension over the current
 * filter, with drill-down to records.
 */
#ifndef UI_STATS_H
#define UI_STATS_H

#include "ui.h"
#include "ui-screen.h"

extern const struct ui_screen_ops ui_stats_screen;

void		 ui_stats_free(struct ui *);
void		 ui_stats_invalidate(struct ui *);

#endif
