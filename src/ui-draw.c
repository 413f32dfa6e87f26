/* SPDX-License-Identifier: ISC */
/*
 * Drawing primitives.  Colours: eight-colour pairs on the terminal's
 * default background when it has colours and NO_COLOR is unset; otherwise
 * every class maps to plain attributes (bold, reverse, underline, dim), so
 * a monochrome terminal still shows status classes, errors and the cursor.
 *
 * Widths: text is decoded from UTF-8 and measured with utf8_width, so wide
 * (CJK) and combining characters take the right number of columns; a
 * string that does not fit ends in an ellipsis.  Without a UTF-8 locale
 * every non-ASCII character is drawn as '?' and glyphs have ASCII forms.
 */
#include "config.h"

#include "ui-draw.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "ui-curses.h"
#include "utf8.h"

#define UI_DRAW_MAX	1024	/* characters drawn per call */

struct ui_class_def {
	short	 fg;
	short	 bg;
	int	 color_attr;	/* added to the colour */
	int	 mono_attr;	/* instead of the colour */
};

static const struct ui_class_def ui_classes[UI_NCLASSES] = {
	[UI_C_NORMAL] =	  { -1, -1, 0, 0 },
	[UI_C_HEADER] =	  { COLOR_BLACK, COLOR_CYAN, 0, A_REVERSE },
	[UI_C_TITLE] =	  { COLOR_CYAN, -1, A_BOLD, A_BOLD },
	[UI_C_2XX] =	  { COLOR_GREEN, -1, 0, 0 },
	[UI_C_3XX] =	  { COLOR_CYAN, -1, 0, 0 },
	[UI_C_4XX] =	  { COLOR_YELLOW, -1, 0, A_UNDERLINE },
	[UI_C_5XX] =	  { COLOR_RED, -1, A_BOLD, A_BOLD },
	[UI_C_GAP] =	  { COLOR_MAGENTA, -1, A_BOLD, A_BOLD },
	[UI_C_BAD] =	  { COLOR_RED, -1, A_BOLD, A_BOLD | A_UNDERLINE },
	[UI_C_DIM] =	  { COLOR_BLUE, -1, A_BOLD, A_DIM },
	[UI_C_ERROR] =	  { COLOR_WHITE, COLOR_RED, A_BOLD, A_REVERSE | A_BOLD },
	[UI_C_OK] =	  { COLOR_GREEN, -1, 0, 0 },
	[UI_C_CURSOR] =	  { COLOR_BLACK, COLOR_WHITE, 0, A_REVERSE },
	[UI_C_MARK] =	  { COLOR_YELLOW, -1, A_BOLD, A_BOLD },
	[UI_C_MATCH] =	  { COLOR_BLACK, COLOR_YELLOW, 0, A_UNDERLINE },
	[UI_C_SPARK] =	  { COLOR_GREEN, -1, 0, 0 },
	[UI_C_SPARKERR] = { COLOR_RED, -1, 0, A_BOLD },
	[UI_C_KEY] =	  { COLOR_BLUE, -1, A_BOLD, A_BOLD },
	[UI_C_STRING] =	  { COLOR_GREEN, -1, 0, 0 },
	[UI_C_NUMBER] =	  { COLOR_CYAN, -1, 0, 0 },
};

static const char *ui_glyphs_utf8[UI_NGLYPHS] = {
	"\xe2\x80\xa6", "\xe2\x94\x80", "\xe2\x94\x82", "\xe2\x97\x8f",
	"\xe2\x86\x91", "\xe2\x86\x93", "\xe2\x80\xba", "\xe2\x80\x93"
};
static const char *ui_glyphs_ascii[UI_NGLYPHS] = {
	"~", "-", "|", "*", "^", "v", ">", "-"
};
static const char *ui_spark_utf8[9] = {
	" ", "\xe2\x96\x81", "\xe2\x96\x82", "\xe2\x96\x83", "\xe2\x96\x84",
	"\xe2\x96\x85", "\xe2\x96\x86", "\xe2\x96\x87", "\xe2\x96\x88"
};
static const char *ui_spark_ascii[9] = {
	" ", "_", ".", ",", "-", "=", "+", "*", "#"
};

/* A colour of the default theme as the light theme draws it. */
static short
ui_draw_light(short c)
{
	switch (c) {
	case COLOR_YELLOW:
		return (COLOR_MAGENTA);	/* yellow on white is unreadable */
	case COLOR_CYAN:
		return (COLOR_BLUE);
	case COLOR_WHITE:
		return (COLOR_BLACK);
	default:
		return (c);
	}
}

/* Set up colour pairs (when colour is on, and the theme has colour). */
void
ui_draw_init(struct ui *ui)
{
	short	 fg, bg;
	int	 i;

	if (ui->theme == UI_THEME_MONOCHROME)
		ui->color = false;
	if (!ui->color)
		return;
	start_color();
	use_default_colors();
	for (i = 1; i < UI_NCLASSES; i++) {
		fg = ui_classes[i].fg;
		bg = ui_classes[i].bg;
		if (ui->theme == UI_THEME_LIGHT) {
			fg = ui_draw_light(fg);
			if (i == UI_C_CURSOR) {
				fg = COLOR_WHITE;
				bg = COLOR_BLUE;
			}
		}
		init_pair((short)i, fg, bg);
	}
}

/* The curses attribute for a class. */
int
ui_attr(const struct ui *ui, enum ui_class c)
{
	if ((unsigned)c >= UI_NCLASSES || c == UI_C_NORMAL)
		return (A_NORMAL);
	if (!ui->color)
		return (ui_classes[c].mono_attr);
	if (ui->theme == UI_THEME_HIGH_CONTRAST)
		return ((int)COLOR_PAIR(c) | ui_classes[c].color_attr |
		    (int)A_BOLD);
	return ((int)COLOR_PAIR(c) | ui_classes[c].color_attr);
}

/*
 * Decode one character of safe text (valid UTF-8, from render_safe); a
 * byte that does not start a valid sequence is one '?'.
 */
static size_t
ui_utf8(const unsigned char *s, size_t len, wchar_t *wc)
{
	uint32_t	 cp;
	size_t		 n;

	if ((n = utf8_decode((const char *)s, len, &cp)) == 0) {
		*wc = '?';
		return (1);
	}
	*wc = (wchar_t)cp;
	return (n);
}

/* Display width of one character; never negative. */
static int
ui_wcwidth(const struct ui *ui, wchar_t *wc)
{
	int	 w;

	if (!ui->utf8 && *wc >= 0x80)
		*wc = '?';
	if (*wc < 0x20 || *wc == 0x7f)
		*wc = '?';
	w = utf8_width((uint32_t)*wc);
	return (w);
}

/* Display width of safe text. */
size_t
ui_text_width(const struct ui *ui, const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, w = 0;
	wchar_t			 wc;

	while (i < len) {
		i += ui_utf8(p + i, len - i, &wc);
		w += (size_t)ui_wcwidth(ui, &wc);
	}
	return (w);
}

/*
 * Draw safe text at (y, x) in at most width columns with attribute attr.
 * If it does not fit, the last column is an ellipsis.  Returns the columns
 * used.  Nothing is padded.
 */
int
ui_draw_text(const struct ui *ui, int y, int x, int width, const char *s,
    size_t len, int attr)
{
	const unsigned char	*p = (const unsigned char *)s;
	wchar_t			 wb[UI_DRAW_MAX + 2], wc;
	size_t			 i = 0, nw = 0, k;
	int			 used = 0, w;
	int			 ws[UI_DRAW_MAX + 2];
	bool			 cut = false;

	if (width <= 0 || ui->headless)
		return (0);
	while (i < len && nw < UI_DRAW_MAX) {
		k = ui_utf8(p + i, len - i, &wc);
		w = ui_wcwidth(ui, &wc);
		if (used + w > width) {
			cut = true;
			break;
		}
		i += k;
		if (w == 0 && nw == 0)
			continue;	/* combining mark with no base */
		wb[nw] = wc;
		ws[nw++] = w;
		used += w;
	}
	if (i < len && !cut)
		cut = true;
	if (cut) {
		/* Make room for the ellipsis (one column). */
		while (nw > 0 && used + 1 > width) {
			used -= ws[--nw];
		}
		while (nw > 0 && ws[nw - 1] == 0)
			nw--;
		wb[nw] = ui->utf8 ? 0x2026 : '~';
		ws[nw++] = 1;
		used++;
	}
	wb[nw] = 0;
	attrset(attr);
	mvaddnwstr(y, x, wb, (int)nw);
	attrset(A_NORMAL);
	return (used);
}

/* Draw a NUL-terminated safe string; see ui_draw_text. */
int
ui_draw_str(const struct ui *ui, int y, int x, int width, const char *s,
    int attr)
{
	return (ui_draw_text(ui, y, x, width, s, strlen(s), attr));
}

/* Fill width columns at (y, x) with spaces in attribute attr. */
void
ui_draw_fill(const struct ui *ui, int y, int x, int width, int attr)
{
	if (width <= 0 || ui->headless)
		return;
	attrset(attr);
	mvhline(y, x, ' ', width);
	attrset(A_NORMAL);
}

/* Draw a horizontal rule. */
void
ui_draw_hline(const struct ui *ui, int y, int x, int width, int attr)
{
	if (width <= 0 || ui->headless)
		return;
	attrset(attr);
	if (ui->utf8)
		mvhline_set(y, x, WACS_HLINE, width);
	else
		mvhline(y, x, '-', width);
	attrset(A_NORMAL);
}

/* A glyph, in UTF-8 or its ASCII fallback. */
const char *
ui_glyph(const struct ui *ui, enum ui_glyph g)
{
	return (ui->utf8 ? ui_glyphs_utf8[g] : ui_glyphs_ascii[g]);
}

/* A sparkline block of height level (0-8). */
const char *
ui_spark_glyph(const struct ui *ui, unsigned level)
{
	if (level > 8)
		level = 8;
	return (ui->utf8 ? ui_spark_utf8[level] : ui_spark_ascii[level]);
}

/* The colour class of an HTTP status. */
int
ui_status_class(int64_t code)
{
	if (code >= 500)
		return (UI_C_5XX);
	if (code >= 400)
		return (UI_C_4XX);
	if (code >= 300)
		return (UI_C_3XX);
	if (code >= 200)
		return (UI_C_2XX);
	return (UI_C_DIM);
}
