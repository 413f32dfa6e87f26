/* SPDX-License-Identifier: ISC */
/*
 * The Chart screen: traffic over time (hits by class, latency) and the
 * latency heatmap, over the filter, every record, or an aggregate row.
 */
#ifndef UI_CHART_H
#define UI_CHART_H

#include "ui.h"
#include "ui-screen.h"

extern const struct ui_screen_ops ui_chart_screen;

void		 ui_chart_free(struct ui *);

#endif
