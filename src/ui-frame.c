/* SPDX-License-Identifier: ISC */
/*
 * The frame every screen shares: the header line (sources, follow or
 * loading state, counts), the bottom line (prompt, copy menu, message or
 * key hints) and the drawing of safe lines (struct ui_lines) in a box
 * with vertical and horizontal scrolling.  A leaf of the UI: it includes
 * no screen, so screens draw their frame without calling each other.
 */
#include "config.h"

#include "ui-frame.h"

#include <stdio.h>
#include <string.h>

#include "render.h"
#include "source.h"
#include "timefmt.h"
#include "ui-copy.h"
#include "ui-curses.h"
#include "ui-draw.h"
#include "ui-job.h"
#include "ui-keys.h"
#include "ui-lines.h"
#include "ui-prompt.h"

/* Format a number with thousands separators. */
void
ui_frame_num(char *out, size_t size, uint64_t n)
{
	char	 tmp[32];
	size_t	 len, i, o = 0;

	len = (size_t)snprintf(tmp, sizeof tmp, "%llu", (unsigned long long)n);
	for (i = 0; i < len && o + 2 < size; i++) {
		if (i > 0 && (len - i) % 3 == 0)
			out[o++] = ',';
		out[o++] = tmp[i];
	}
	out[o] = '\0';
}

/* Format a signed number with thousands separators. */
void
ui_frame_snum(char *out, size_t size, int64_t n)
{
	if (n < 0 && size > 1) {
		out[0] = '-';
		ui_frame_num(out + 1, size - 1, n == INT64_MIN ?
		    (uint64_t)INT64_MAX + 1 : (uint64_t)-n);
	} else
		ui_frame_num(out, size, (uint64_t)n);
}

/*
 * Records per second over the last ten seconds of record time.  When
 * nothing arrives the window slides on with the clock (idle seconds since
 * the last arrival), so the rate falls to 0 within ten seconds of the
 * writer stopping or the server going away.
 */
static uint64_t
ui_frame_rate(const struct ui *ui)
{
	int64_t		 newest = INT64_MIN, s, idle;
	uint64_t	 sum = 0;
	unsigned	 k;

	for (k = 0; k < 16; k++)
		if (ui->rate_n[k] != 0 && ui->rate_sec[k] > newest)
			newest = ui->rate_sec[k];
	if (newest == INT64_MIN)
		return (0);
	idle = ui->rate_at == 0 ? 0 : (ui_clock() - ui->rate_at) / 1000000000;
	if (idle >= 10)
		return (0);
	for (k = 0; k < 16; k++) {
		s = ui->rate_sec[k];
		if (s < newest && s >= newest - 10 + idle)
			sum += ui->rate_n[k];
	}
	return (sum / 10);
}

/* Draw the header line (every screen has it). */
void
ui_frame_header(struct ui *ui)
{
	struct buf	 left, right, d;
	char		 n1[32], n2[32];
	uint64_t	 done, total, sd = 0, stt = 0;
	size_t		 i;
	int		 attr = ui_attr(ui, UI_C_HEADER), w, rw;
	bool		 unknown = false;
	const char	*down, *job;
	int		 pct;

	buf_init(&left);
	buf_init(&right);
	buf_init(&d);
	buf_adds(&left, " tykscope ");
	for (i = 0; i < ui->nsrcs; i++) {
		buf_reset(&d);
		if (ui->srcs[i]->ops->describe != NULL)
			ui->srcs[i]->ops->describe(ui->srcs[i], &d);
		else
			buf_adds(&d, ui->srcs[i]->arg);
		buf_addc(&left, ' ');
		render_safe(&left, d.data == NULL ? "" : d.data, d.len, 0);
		if (ui->srcs[i]->ops->progress != NULL && !ui->srcs[i]->live) {
			ui->srcs[i]->ops->progress(ui->srcs[i], &done, &total);
			sd += done;
			stt += total;
			if (total == 0)
				unknown = true;
		}
	}
	if ((job = ui_job_what(ui, &pct)) != NULL)
		buf_printf(&right, "%s %d%%  ", job, pct);
	if (ui->reveal)
		buf_adds(&right, "REVEALED  ");
	if (ui->live && (down = ui_disconnected(ui)) != NULL) {
		/* Not "FOLLOW": nothing can come until it reconnects. */
		if (strstr(down, "reconnecting") != NULL)
			buf_adds(&right, "DISCONNECTED reconnecting ");
		else
			buf_adds(&right, "CONNECTING ");
	} else if (ui->live) {
		if (ui_frozen(ui))
			buf_printf(&right, "%s PAUSED +%llu ",
			    ui_glyph(ui, UI_G_BULLET),
			    (unsigned long long)ui->v.pending);
		else
			buf_printf(&right, "%s FOLLOW ",
			    ui_glyph(ui, UI_G_BULLET));
	} else if (ui->loading) {
		if (!unknown && stt > 0)
			buf_printf(&right, "LOADING %d%% ",
			    (int)(sd * 100 / stt));
		else
			buf_adds(&right, "LOADING ");
	} else
		buf_adds(&right, "OFFLINE ");
	ui_frame_num(n1, sizeof n1, store_count(&ui->st));
	buf_printf(&right, " %s held", n1);
	if (ui->live) {
		ui_frame_num(n2, sizeof n2, ui_frame_rate(ui));
		buf_printf(&right, "  %s/s", n2);
	}
	if (ui->st.ngaps != 0 || ui->live) {
		ui_frame_num(n2, sizeof n2, ui->st.ngaps);
		buf_printf(&right, "  gaps %s", n2);
	}
	ui_frame_num(n2, sizeof n2, ui->st.nbad);
	buf_printf(&right, "  bad %s", n2);
	if (ui->st.evicted != 0) {
		ui_frame_num(n2, sizeof n2, ui->st.evicted);
		buf_printf(&right, "  dropped %s", n2);
	}
	/* The zone every time on the screen is in (and typed times). */
	buf_printf(&right, "  %s ", timefmt_zone_name());

	ui_draw_fill(ui, 0, 0, ui->cols, attr);
	rw = (int)ui_text_width(ui, right.data, right.len);
	if (rw > ui->cols)
		rw = ui->cols;
	w = ui->cols - rw - 1;
	ui_draw_text(ui, 0, 0, w, left.data, left.len, attr | UI_AT_BOLD);
	ui_draw_text(ui, 0, ui->cols - rw, rw, right.data, right.len,
	    ui_frozen(ui) ? attr | UI_AT_BOLD : attr);
	buf_clear(&left);
	buf_clear(&right);
	buf_clear(&d);
}

/* Draw the bottom line: prompt, menu, message or hints. */
void
ui_frame_bottom(struct ui *ui)
{
	char	 h[256];
	int	 y = ui->lines - 1;

	if (ui->prompt != NULL && !ui_prompt_on_filter_line(ui)) {
		ui_prompt_draw(ui, y);
		return;
	}
	if (ui->menu != 0) {
		ui_copy_menu_draw(ui, y);
		return;
	}
	if (ui->msg[0] != '\0') {
		ui_draw_str(ui, y, 0, ui->cols, ui->msg, UI_AT_BOLD);
		return;
	}
	if (!ui->hints)
		return;
	ui_keys_hints(ui, h, sizeof h);
	ui_draw_str(ui, y, 0, ui->cols, h, ui_attr(ui, UI_C_DIM));
}

/* Byte offset in s after skipping cols display columns. */
static size_t
ui_frame_skip(const struct ui *ui, const char *s, size_t len, size_t cols)
{
	size_t	 i = 0, n, w = 0;

	while (i < len && w < cols) {
		n = 1;
		while (i + n < len && ((unsigned char)s[i + n] & 0xc0) == 0x80)
			n++;
		w += ui_text_width(ui, s + i, n);
		i += n;
	}
	return (i);
}

/* Draw lines from scroll on in the box (y, x, h, w). */
void
ui_frame_lines(struct ui *ui, const struct ui_lines *l, size_t scroll,
    int y, int x, int h, int w)
{
	const struct ui_span	*sp;
	const char		*s;
	size_t			 i, len, skip, j, sc, sw, hoff = ui->dhoff;
	int			 k;

	for (k = 0; k < h; k++) {
		i = scroll + (size_t)k;
		if (i >= l->n)
			break;
		s = ui_lines_get(l, i);
		len = strlen(s);
		skip = ui_frame_skip(ui, s, len, hoff);
		ui_draw_text(ui, y + k, x, w, s + skip, len - skip,
		    ui_attr(ui, l->cls[i]));
		/* Spans: draw their part inside [hoff, hoff + w). */
		for (j = 0; j < l->nsp[i]; j++) {
			sp = &l->spans[l->span0[i] + j];
			if (sp->off + sp->len > len)
				continue;
			sc = ui_text_width(ui, s, sp->off);
			sw = ui_text_width(ui, s + sp->off, sp->len);
			if (sc + sw <= hoff || sc >= hoff + (size_t)w)
				continue;
			skip = 0;
			if (sc < hoff) {
				skip = ui_frame_skip(ui, s + sp->off,
				    sp->len, hoff - sc);
				sc = hoff;
			}
			ui_draw_text(ui, y + k, x + (int)(sc - hoff),
			    w - (int)(sc - hoff), s + sp->off + skip,
			    sp->len - skip, ui_attr(ui, sp->cls));
		}
	}
}
