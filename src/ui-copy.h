/* SPDX-License-Identifier: ISC */
/*
 * Copy (c) and export (x).  The copy menu builds the chosen text for the
 * record under the cursor (URL, curl, request, response, body, record
 * JSON), sends it to the terminal's clipboard with OSC 52 (base64, capped)
 * and always writes it to a file whose path is shown too, so it works over
 * SSH and on terminals without OSC 52.  Export writes the marked records,
 * or every shown record, as JSON lines.
 */
#ifndef UI_COPY_H
#define UI_COPY_H

#include "options.h"
#include "ui.h"

unsigned	 ui_copy_open(struct ui *);
unsigned	 ui_copy_menu_key(struct ui *, int);
void		 ui_copy_menu_draw(struct ui *, int);
unsigned	 ui_copy_export(struct ui *);
unsigned	 ui_copy_write(struct ui *, const char *, bool,
		    enum options_format);

#endif
