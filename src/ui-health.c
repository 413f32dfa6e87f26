/* SPDX-License-Identifier: ISC */
/*
 * The Health screen: what each live source reports about itself (per
 * Redis key: depth, TTL, oldest and newest record age, records seen,
 * gaps, bad records, inferred pump drain period, connection state).
 */
#include "config.h"

#include "ui-health.h"

#include <string.h>

#include "render.h"
#include "source.h"
#include "ui-curses.h"
#include "ui-detail.h"
#include "ui-draw.h"
#include "ui-records.h"

/* Draw the Health screen. */
void
ui_health_draw(struct ui *ui)
{
	struct ui_lines	 l;
	struct buf	 b;
	size_t		 i;
	bool		 any = false;

	ui_records_header(ui);
	ui_draw_str(ui, 1, 0, ui->cols, " Health", ui_attr(ui, UI_C_TITLE));
	ui_lines_init(&l);
	buf_init(&b);
	for (i = 0; i < ui->nsrcs; i++) {
		if (ui->srcs[i]->ops->health == NULL)
			continue;
		any = true;
		buf_reset(&b);
		ui->srcs[i]->ops->health(ui->srcs[i], &ui->st, &b);
		ui_lines_add_safe(&l, UI_C_NORMAL, b.data == NULL ? "" :
		    b.data, b.len);
	}
	if (!any)
		ui_lines_add(&l, UI_C_DIM, "  no live Redis source: health "
		    "is shown for redis:// sources", 63);
	ui_detail_draw_lines(ui, &l, 0, 3, 0, ui->lines - 4, ui->cols);
	ui_lines_clear(&l);
	buf_clear(&b);
	ui_records_bottom(ui);
}

/* Handle an action on the Health screen. */
unsigned
ui_health_action(struct ui *ui, enum ui_action a)
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
