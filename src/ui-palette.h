/* SPDX-License-Identifier: ISC */
/*
 * The : command palette: actions by name, and commands with arguments
 * (filter, since, until, tz, export, write-jsonl, write-har, bind).
 */
#ifndef UI_PALETTE_H
#define UI_PALETTE_H

#include <stddef.h>

#include "ui.h"
#include "ui-lines.h"

const char	*ui_palette_name(size_t);
const char	*ui_palette_check(const char *);
unsigned	 ui_palette_run(struct ui *, const char *);
int		 ui_palette_bind_line(const char *, char **);
void		 ui_palette_help(struct ui_lines *);

#endif
