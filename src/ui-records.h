/* SPDX-License-Identifier: ISC */
/*
 * The Records screen: header line, filter line, sparkline, the record
 * table with gap and bad-record rows, the preview pane on wide terminals,
 * and the hint line (shared by every screen).
 */
#ifndef UI_RECORDS_H
#define UI_RECORDS_H

#include "ui.h"
#include "ui-keys.h"

void		 ui_records_draw(struct ui *);
unsigned	 ui_records_action(struct ui *, enum ui_action);
size_t		 ui_records_height(const struct ui *);
unsigned	 ui_records_click(struct ui *, int, bool);
void		 ui_records_header(struct ui *);
void		 ui_records_bottom(struct ui *);
void		 ui_records_cell(struct ui *, const struct record *,
		    enum view_col, int, struct buf *);

#endif
