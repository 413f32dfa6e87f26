/* SPDX-License-Identifier: ISC */
/*
 * The Records screen: header line, filter line, sparkline, the record
 * table with gap and bad-record rows, the preview pane on wide terminals,
 * and the bottom line.
 */
#ifndef UI_RECORDS_H
#define UI_RECORDS_H

#include "ui.h"
#include "ui-screen.h"

extern const struct ui_screen_ops ui_records_screen;

void		 ui_records_cell(struct ui *, const struct record *,
		    enum view_col, int, struct buf *);

#endif
