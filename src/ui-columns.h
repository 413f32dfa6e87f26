/* SPDX-License-Identifier: ISC */
/*
 * The Records table's columns: which are shown, in what order (the
 * columns option: "time,method,status,latency,api,path,key,ip" by
 * default; upstream, gateway, org, version and reason can be added), and
 * where each goes at a width (a struct view_layout).
 */
#ifndef UI_COLUMNS_H
#define UI_COLUMNS_H

#include <stdbool.h>

#include "ui.h"
#include "view.h"

int		 ui_columns_parse(const char *, enum view_col *, int *,
		    char **);
void		 ui_columns_layout(const struct ui *, struct view_layout *);
enum view_col	 ui_columns_next(const struct ui *, enum view_col, int);
bool		 ui_columns_numeric(enum view_col);
const char	*ui_columns_title(enum view_col);
const char	*ui_columns_name(enum view_col);

#endif
