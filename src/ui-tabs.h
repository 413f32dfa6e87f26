/* SPDX-License-Identifier: ISC */
/*
 * A record as tabs (Summary, Request, Response, Raw) of safe lines, and
 * the preview pane that shows them under the Records table.
 */
#ifndef UI_TABS_H
#define UI_TABS_H

#include "ui.h"

extern const char	*ui_tabs_names[UI_NTABS];
extern const char	*ui_tabs_bodies[UI_NBODY];

void		 ui_tabs_build(struct ui *, const struct record *,
		    enum ui_tab, struct ui_lines *);
void		 ui_tabs_preview(struct ui *, int, int);

#endif
