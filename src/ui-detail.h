/* SPDX-License-Identifier: ISC */
/*
 * The Detail screen: one record in tabs (Summary, Request, Response, Raw),
 * as safe lines; also builds the preview pane's lines.
 */
#ifndef UI_DETAIL_H
#define UI_DETAIL_H

#include "ui.h"
#include "ui-keys.h"

void		 ui_detail_draw(struct ui *);
unsigned	 ui_detail_action(struct ui *, enum ui_action);
void		 ui_detail_build(struct ui *, const struct record *,
		    enum ui_tab, struct ui_lines *);
void		 ui_detail_preview(struct ui *, int, int);
void		 ui_detail_draw_lines(struct ui *, const struct ui_lines *,
		    size_t, int, int, int, int);

#endif
