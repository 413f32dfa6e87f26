/* SPDX-License-Identifier: ISC */
/*
 * The Detail screen: one record in four tabs (Summary, Request, Response,
 * Raw), their lines built by ui-tabs.c once (rebuilt when the record, the
 * tab, the body view, reveal or the size changes) and drawn by the frame
 * with vertical and horizontal scrolling.  The Help screen is drawn the
 * same way from the key table's lines; both have an ops table here.
 *
 * What is drawn is a view of those lines (ui->dview): wrapped at the
 * width with C-w (lnav, less -S off), and with the hits of / (plain
 * text, ASCII case ignored) highlighted and counted; n and N move from
 * hit to hit and say when the search wrapped.
 */
#include "config.h"

#include "ui-detail.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ui-copy.h"
#include "ui-curses.h"
#include "ui-draw.h"
#include "ui-frame.h"
#include "ui-lines.h"
#include "ui-palette.h"
#include "ui-prompt.h"
#include "ui-tabs.h"
#include "xmalloc.h"

/* Rows of content on the detail screen. */
static int
ui_detail_height(const struct ui *ui)
{
	int	 h = ui->lines - 3;

	return (h < 1 ? 1 : h);
}

/* Draw the tab line. */
static void
ui_detail_tabs_line(struct ui *ui, int y)
{
	char		 t[256], n1[32], n2[32];
	int		 x = 0, i;
	size_t		 pos;

	if (ui->screen == UI_HELP) {
		ui_draw_str(ui, y, 0, ui->cols, " Help", ui_attr(ui,
		    UI_C_TITLE));
		return;
	}
	for (i = 0; i < UI_NTABS; i++) {
		snprintf(t, sizeof t, " %s ", ui_tabs_names[i]);
		x += ui_draw_str(ui, y, x, ui->cols - x, t, i == (int)ui->tab ?
		    ui_attr(ui, UI_C_HEADER) | UI_AT_BOLD : UI_AT_NORMAL);
		x += ui_draw_str(ui, y, x, ui->cols - x, ui_glyph(ui,
		    UI_G_VLINE), ui_attr(ui, UI_C_DIM));
	}
	pos = view_index(&ui->v, &ui->st, ui->detail_seq);
	ui_frame_num(n1, sizeof n1, pos == SIZE_MAX ? 0 : pos + 1);
	ui_frame_num(n2, sizeof n2, ui->v.n);
	snprintf(t, sizeof t, " body %s%s  row %s of %s%s ",
	    ui_tabs_bodies[ui->body], ui->reveal ? "  REVEALED" : "",
	    n1, n2, view_is_marked(&ui->v, ui->detail_seq) ? " *" : "");
	i = (int)strlen(t);
	if (x + i < ui->cols)
		ui_draw_str(ui, y, ui->cols - i, i, t, ui->reveal ?
		    ui_attr(ui, UI_C_ERROR) : ui_attr(ui, UI_C_DIM));
}

/* Remember that a hit is on view line y. */
static void
ui_detail_hit(struct ui *ui, size_t y)
{
	ui->find_hits = xreallocarray(ui->find_hits, ui->nfind_hits + 1,
	    sizeof *ui->find_hits);
	ui->find_hits[ui->nfind_hits++] = y;
}

/*
 * Build the drawn view of the lines: each line cut into pieces of at
 * most w columns when wrapping, its spans carried over, and the hits of
 * the find text added as spans of their own.
 */
static void
ui_detail_view(struct ui *ui, int w)
{
	const struct ui_lines	*l = &ui->dlines;
	const struct ui_span	*sp;
	const char		*s;
	size_t			 i, j, len, a, b, n, cw, fl, k, so, se;
	size_t			 hits[64], nh;

	ui_lines_reset(&ui->dview);
	ui->nfind_hits = 0;
	fl = ui->find != NULL ? strlen(ui->find) : 0;
	for (i = 0; i < l->n; i++) {
		s = ui_lines_get(l, i);
		len = strlen(s);
		/* Where the find text starts on this line (up to 64). */
		nh = 0;
		for (k = 0; fl > 0 && k + fl <= len && nh < 64; k++)
			if (strncasecmp(s + k, ui->find, fl) == 0) {
				hits[nh++] = k;
				k += fl - 1;
			}
		a = 0;
		do {
			/* One piece: [a, b), at most w columns. */
			b = len;
			if (ui->dwrap && w > 0) {
				cw = 0;
				for (b = a; b < len; b += n) {
					n = 1;
					while (b + n < len &&
					    ((unsigned char)s[b + n] & 0xc0) ==
					    0x80)
						n++;
					cw += ui_text_width(ui, s + b, n);
					if (cw > (size_t)w && b > a)
						break;
				}
			}
			ui_lines_add(&ui->dview, l->cls[i], s + a, b - a);
			for (j = 0; j < l->nsp[i]; j++) {
				sp = &l->spans[l->span0[i] + j];
				so = sp->off > a ? sp->off : a;
				se = sp->off + sp->len < b ? sp->off + sp->len :
				    b;
				if (so < se)
					ui_lines_add_span(&ui->dview, so - a,
					    se - so, sp->cls);
			}
			for (k = 0; k < nh; k++) {
				so = hits[k] > a ? hits[k] : a;
				se = hits[k] + fl < b ? hits[k] + fl : b;
				if (so < se)
					ui_lines_add_span(&ui->dview, so - a,
					    se - so, UI_C_MATCH);
				if (hits[k] >= a && hits[k] < b)
					ui_detail_hit(ui, ui->dview.n - 1);
			}
			a = b;
		} while (a < len);
	}
	ui->dview_ok = true;
}

/*
 * n, N: move to the next (dir 1) or previous find hit, counting each
 * occurrence; the first move goes to the first hit from the top of the
 * screen.  Says which hit of how many, and when the search wrapped.
 */
static void
ui_detail_find_next(struct ui *ui, int dir, size_t *scroll)
{
	size_t	 n = ui->nfind_hits, k;
	bool	 wrapped = false;

	if (n == 0) {
		ui_message(ui, "not found in this record: %s", ui->find);
		return;
	}
	if (ui->find_cur == SIZE_MAX || ui->find_cur >= n) {
		for (k = 0; k < n && ui->find_hits[k] < *scroll; k++)
			/* nothing */;
		if (k == n) {
			k = 0;
			wrapped = true;
		}
	} else if (dir > 0) {
		k = ui->find_cur + 1;
		if (k == n) {
			k = 0;
			wrapped = true;
		}
	} else {
		k = ui->find_cur;
		if (k == 0) {
			k = n;
			wrapped = true;
		}
		k--;
	}
	ui->find_cur = k;
	*scroll = ui->find_hits[k];
	ui_message(ui, "hit %zu of %zu%s", k + 1, n, wrapped ?
	    (dir > 0 ? "  (search wrapped to the top)" :
	    "  (search wrapped to the bottom)") : "");
}

/* Draw the Detail screen (and the Help screen). */
static void
ui_detail_draw(struct ui *ui)
{
	const struct record	*r;
	int			 h = ui_detail_height(ui);

	ui_frame_header(ui);
	if (!ui->dlines_ok) {
		ui_lines_reset(&ui->dlines);
		if (ui->screen == UI_HELP) {
			ui_keys_help(ui, &ui->dlines);
			ui_palette_help(&ui->dlines);
		} else {
			r = store_get(&ui->st, ui->detail_seq);
			if (r == NULL)
				ui_lines_add(&ui->dlines, UI_C_DIM,
				    "(this record was evicted)", 25);
			else
				ui_tabs_build(ui, r, ui->tab, &ui->dlines);
		}
		ui->dlines_ok = true;
		ui->dview_ok = false;
		ui->find_cur = SIZE_MAX;
	}
	if (!ui->dview_ok)
		ui_detail_view(ui, ui->cols);
	ui_detail_tabs_line(ui, 1);
	ui_frame_lines(ui, &ui->dview, ui->screen == UI_HELP ?
	    ui->hscroll : ui->dscroll, 2, 0, h, ui->cols);
	ui_frame_bottom(ui);
}

/* Open record seq in place of the current one. */
static void
ui_detail_switch(struct ui *ui, uint64_t seq)
{
	if (seq == UINT64_MAX || store_get(&ui->st, seq) == NULL)
		return;
	ui->detail_seq = seq;
	ui->dscroll = 0;
	ui->dhoff = 0;
	ui->dlines_ok = false;
}

/* Handle an action on the Detail (or Help) screen. */
static unsigned
ui_detail_action(struct ui *ui, enum ui_action a)
{
	size_t	*scroll = ui->screen == UI_HELP ? &ui->hscroll : &ui->dscroll;
	size_t	 h = (size_t)ui_detail_height(ui), n, max;

	if (!ui->dview_ok && ui->dlines_ok)
		ui_detail_view(ui, ui->cols);
	n = ui->dview.n;
	max = n > h ? n - h : 0;
	/* The find (/ in the detail): n and N move between its hits, Esc
	 * drops it before leaving. */
	if (ui->screen == UI_DETAIL) {
		if (a == UI_A_SEARCH) {
			ui_prompt_open(ui, UI_PROMPT_FIND, ui->find);
			return (UI_REDRAW);
		}
		if (ui->find != NULL && (a == UI_A_NEXT || a == UI_A_PREV)) {
			ui_detail_find_next(ui, a == UI_A_NEXT ? 1 : -1,
			    scroll);
			if (*scroll > max)
				*scroll = max;
			return (UI_REDRAW);
		}
		if (ui->find != NULL && a == UI_A_ESCAPE) {
			free(ui->find);
			ui->find = NULL;
			ui->dview_ok = false;
			return (UI_REDRAW);
		}
	}
	switch (a) {
	case UI_A_DOWN:
		if (*scroll < max)
			(*scroll)++;
		break;
	case UI_A_UP:
		if (*scroll > 0)
			(*scroll)--;
		break;
	case UI_A_PGDN:
		*scroll = *scroll + h > max ? max : *scroll + h;
		break;
	case UI_A_PGUP:
		*scroll = *scroll > h ? *scroll - h : 0;
		break;
	case UI_A_HALFDN:
		*scroll = *scroll + h / 2 > max ? max : *scroll + h / 2;
		break;
	case UI_A_HALFUP:
		*scroll = *scroll > h / 2 ? *scroll - h / 2 : 0;
		break;
	case UI_A_TOP:
		*scroll = 0;
		break;
	case UI_A_BOTTOM:
		*scroll = max;
		break;
	case UI_A_LEFT:
		ui->dhoff = ui->dhoff > 8 ? ui->dhoff - 8 : 0;
		break;
	case UI_A_RIGHT:
		ui->dhoff += 8;
		break;
	case UI_A_ESCAPE:
	case UI_A_BACK:
		ui->screen = UI_RECORDS;
		ui->dhoff = 0;
		view_goto_seq(&ui->v, &ui->st, ui->detail_seq);
		break;
	case UI_A_TAB:
		ui->tab = (ui->tab + 1) % UI_NTABS;
		ui->dscroll = 0;
		ui->dlines_ok = false;
		break;
	case UI_A_BTAB:
		ui->tab = (ui->tab + UI_NTABS - 1) % UI_NTABS;
		ui->dscroll = 0;
		ui->dlines_ok = false;
		break;
	case UI_A_NEXTREC:
	case UI_A_PREVREC:
		if (view_goto_seq(&ui->v, &ui->st, ui->detail_seq))
			view_move(&ui->v, a == UI_A_NEXTREC ? 1 : -1);
		ui_detail_switch(ui, view_cursor_seq(&ui->v));
		break;
	case UI_A_NEXT:
	case UI_A_PREV:
	case UI_A_ERR_NEXT:
	case UI_A_ERR_PREV:
		view_goto_seq(&ui->v, &ui->st, ui->detail_seq);
		ui_screen_ops(UI_RECORDS)->action(ui, a);
		ui_detail_switch(ui, view_cursor_seq(&ui->v));
		break;
	case UI_A_WRAP:
		ui->dwrap = !ui->dwrap;
		ui->dview_ok = false;
		ui->dhoff = 0;
		ui_message(ui, ui->dwrap ? "wrapping long lines (C-w: off)" :
		    "long lines scroll sideways (C-w: wrap)");
		break;
	case UI_A_BODYVIEW:
		ui->body = (ui->body + 1) % UI_NBODY;
		ui->dlines_ok = false;
		ui_message(ui, "body view: %s", ui_tabs_bodies[ui->body]);
		break;
	case UI_A_REVEAL:
		ui->reveal = !ui->reveal;
		ui->dlines_ok = ui->plines_ok = false;
		ui_message(ui, ui->reveal ? "secrets REVEALED (r to mask)" :
		    "secrets masked");
		break;
	case UI_A_MARK:
		view_mark_toggle(&ui->v, ui->detail_seq);
		break;
	case UI_A_COPY:
		return (ui_copy_open(ui));
	case UI_A_EXPORT:
		return (ui_copy_export(ui));
	case UI_A_TIME:
		ui->reltime = !ui->reltime;
		break;
	case UI_A_SEARCH:
	case UI_A_FILTER:
	case UI_A_FILTER_IN:
	case UI_A_FILTER_OUT:
	case UI_A_FOLLOW:
	case UI_A_PAUSE:
		ui->screen = UI_RECORDS;
		view_goto_seq(&ui->v, &ui->st, ui->detail_seq);
		return (ui_screen_ops(UI_RECORDS)->action(ui, a));
	default:
		return (0);
	}
	return (UI_REDRAW);
}

const struct ui_screen_ops ui_detail_screen = {
	.title = "Detail",
	.draw = ui_detail_draw,
	.action = ui_detail_action
};

const struct ui_screen_ops ui_help_screen = {
	.title = "Help",
	.draw = ui_detail_draw,
	.action = ui_detail_action
};
