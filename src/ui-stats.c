/* SPDX-License-Identifier: ISC */
/*
 * The Aggregates screen.  TEMPORARY: until the aggregation module lands
 * it says so.
 */
#include "config.h"

#include "ui-stats.h"

#include "ui-curses.h"
#include "ui-draw.h"
#include "ui-records.h"

/* Draw the Aggregates screen. */
void
ui_stats_draw(struct ui *ui)
{
	ui_records_header(ui);
	ui_draw_str(ui, 1, 0, ui->cols, " Aggregates", ui_attr(ui,
	    UI_C_TITLE));
	ui_draw_str(ui, 3, 2, ui->cols - 4, "aggregation module not "
	    "available yet", ui_attr(ui, UI_C_DIM));
	ui_records_bottom(ui);
}

/* Handle an action on the Aggregates screen. */
unsigned
ui_stats_action(struct ui *ui, enum ui_action a)
{
	switch (a) {
	case UI_A_BACK:
	case UI_A_ESCAPE:
		ui->screen = UI_RECORDS;
		return (UI_REDRAW);
	default:
		return (0);
	}
}

/* Free the screen's state. */
void
ui_stats_free(struct ui *ui)
{
	(void)ui;
}
