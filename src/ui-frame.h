/* SPDX-License-Identifier: ISC */
/*
 * The shared frame of the screens: header line, bottom line (prompt, menu,
 * message, hints) and safe lines drawn in a scrolled box.
 */
#ifndef UI_FRAME_H
#define UI_FRAME_H

#include <stddef.h>
#include <stdint.h>

#include "ui.h"

void		 ui_frame_header(struct ui *);
void		 ui_frame_bottom(struct ui *);
void		 ui_frame_lines(struct ui *, const struct ui_lines *, size_t,
		    int, int, int, int);
void		 ui_frame_num(char *, size_t, uint64_t);
void		 ui_frame_snum(char *, size_t, int64_t);

#endif
