/* SPDX-License-Identifier: ISC */
/*
 * The Aggregates screen: hourly aggregates per dimension over the current
 * filter, with drill-down to records.
 */
#ifndef UI_STATS_H
#define UI_STATS_H

#include "ui.h"
#include "ui-keys.h"

void		 ui_stats_draw(struct ui *);
unsigned	 ui_stats_action(struct ui *, enum ui_action);
void		 ui_stats_free(struct ui *);

#endif
