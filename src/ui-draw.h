/* SPDX-License-Identifier: ISC */
/*
 * Drawing primitives over curses: colour classes with monochrome and
 * NO_COLOR fallbacks, text clipped to a width by display columns (wcwidth),
 * and glyphs with ASCII fallbacks when the locale is not UTF-8.  Text given
 * to ui_draw_text must already be terminal-safe (render_safe).
 */
#ifndef UI_DRAW_H
#define UI_DRAW_H

#include <stdbool.h>
#include <stddef.h>

#include "ui.h"
#include "ui-curses.h"

/* Attributes as int, so they mix with ui_attr() without sign warnings. */
#define UI_AT_NORMAL	((int)A_NORMAL)
#define UI_AT_BOLD	((int)A_BOLD)
#define UI_AT_REVERSE	((int)A_REVERSE)
#define UI_AT_UNDERLINE	((int)A_UNDERLINE)

enum ui_glyph {
	UI_G_ELLIPSIS,
	UI_G_HLINE,
	UI_G_VLINE,
	UI_G_BULLET,
	UI_G_UP,
	UI_G_DOWN,
	UI_G_SEP,
	UI_G_DASH,
	UI_NGLYPHS
};

void		 ui_draw_init(struct ui *);
int		 ui_attr(const struct ui *, enum ui_class);
int		 ui_draw_text(const struct ui *, int, int, int, const char *,
		    size_t, int);
int		 ui_draw_str(const struct ui *, int, int, int, const char *,
		    int);
void		 ui_draw_fill(const struct ui *, int, int, int, int);
void		 ui_draw_hline(const struct ui *, int, int, int, int);
size_t		 ui_text_width(const struct ui *, const char *, size_t);
const char	*ui_glyph(const struct ui *, enum ui_glyph);
const char	*ui_spark_glyph(const struct ui *, unsigned);
int		 ui_status_class(int64_t);

#endif
