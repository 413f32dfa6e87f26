/* SPDX-License-Identifier: ISC */
/*
 * The Records screen.  Lines from the top: the header (sources, follow
 * state, counts), the filter line, the sparkline of requests and errors
 * over the shown time range, the column titles, the table, on wide and
 * tall terminals a preview pane of the record under the cursor (ui-tabs.c),
 * and the bottom line; the header and bottom lines are the shared frame
 * (ui-frame.c).
 *
 * Every cell is made safe with render_safe before it is drawn.  The
 * sparkline is cached: recounting ten million rows on every keystroke
 * would blow the redraw budget, so it is recomputed when the rows change,
 * at most once a second while data flows.
 */
#include "config.h"

#include "ui-records.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "output.h"
#include "demo-http.h"
#include "record.h"
#include "render.h"
#include "timefmt.h"
#include "ui-columns.h"
#include "ui-copy.h"
#include "ui-curses.h"
#include "ui-draw.h"
#include "ui-filter.h"
#include "ui-frame.h"
#include "ui-job.h"
#include "ui-prompt.h"
#include "ui-tabs.h"
#include "xmalloc.h"

#define UI_TOP_LINES	4	/* header, filter, sparkline, titles */
#define UI_SPARK_NS	(1000 * 1000000LL)
#define UI_SPARK_SYNC	100000	/* rows counted at once, not as a job */

/* Lines the preview pane takes (0 when the terminal is too small). */
static int
ui_records_preview_lines(const struct ui *ui)
{
	if (ui->cols < 120 || ui->lines < 30)
		return (0);
	return ((ui->lines - UI_TOP_LINES - 1) * 2 / 5);
}

/* Number of records the table shows at the current size. */
static size_t
ui_records_height(const struct ui *ui)
{
	struct view_layout	 l;
	int			 h;

	ui_columns_layout(ui, &l);
	h = ui->lines - UI_TOP_LINES - 1 - ui_records_preview_lines(ui);
	h /= l.lines;
	return (h < 1 ? 1 : (size_t)h);
}

/*
 * The filter as shown: API keys typed in key: tokens shown as their digest
 * label (ui_filter_key_label, never their bytes) unless revealed (+ and
 * drill-down put key:#DIGEST, which is shown as it is).
 * Appends safe text to b.
 */
static void
ui_records_filter_text(struct ui *ui, const char *f, struct buf *b)
{
	const char	*p = f, *tok, *v, *end;
	size_t		 vl;

	while (*p != '\0') {
		tok = p;
		p = ui_filter_token_end(p);
		end = p;
		v = tok + (*tok == '!');
		if (!ui->reveal && strncmp(v, "key:", 4) == 0) {
			v += 4;
			if (*v == '=')
				v++;
			render_safe(b, tok, (size_t)(v - tok), 0);
			vl = (size_t)(end - v);
			if (vl >= 2 && *v == '"' && end[-1] == '"') {
				v++;
				vl -= 2;
			}
			if (vl > 0 && *v != '~' && *v != '#')	/* #DIGEST */
				ui_filter_key_label(ui, v, vl, "", 0, 0, b);
			else
				render_safe(b, v, vl, 0);
		} else
			render_safe(b, tok, (size_t)(end - tok), 0);
		while (*p == ' ')
			buf_addc(b, *p++);
	}
}

/* Draw the filter line: the filter (or its prompt) and the counts. */
static void
ui_records_filter_line(struct ui *ui, int y)
{
	struct buf	 right, b;
	char		 n1[32], n2[32];
	int		 rw;

	if (ui->prompt != NULL && ui_prompt_on_filter_line(ui)) {
		ui_prompt_draw(ui, y);
		return;
	}
	buf_init(&right);
	buf_init(&b);
	ui_frame_num(n1, sizeof n1, ui->v.n);
	ui_frame_num(n2, sizeof n2, ui->v.n == 0 ? 0 : ui->v.cursor + 1);
	if (ui->range_label != NULL)
		buf_printf(&right, "range: %s  ", ui->range_label);
	buf_printf(&right, "row %s of %s", n2, n1);
	if (ui->v.nmarks > 0) {
		ui_frame_num(n1, sizeof n1, ui->v.nmarks);
		buf_printf(&right, "  %s marked%s", n1, ui->v.marked_only ?
		    " (only)" : "");
	}
	rw = (int)right.len;
	ui_draw_str(ui, y, 0, 8, "filter: ", ui_attr(ui, UI_C_TITLE));
	if (ui->filter != NULL) {
		ui_records_filter_text(ui, ui->filter, &b);
		ui_draw_text(ui, y, 8, ui->cols - 8 - rw - 2, b.data, b.len,
		    UI_AT_BOLD);
	} else if (ui->filter_err != NULL)
		ui_draw_str(ui, y, 8, ui->cols - 8 - rw - 2, ui->filter_err,
		    ui_attr(ui, UI_C_ERROR));
	else
		ui_draw_str(ui, y, 8, ui->cols - 8 - rw - 2,
		    "none (f to edit)", ui_attr(ui, UI_C_DIM));
	ui_draw_text(ui, y, ui->cols - rw, rw, right.data, right.len,
	    UI_AT_NORMAL);
	buf_clear(&right);
	buf_clear(&b);
}

/* A sparkline count (on the job thread for many rows). */
struct ui_spark {
	int		 w;
	uint32_t	*n, *err;	/* w + 1 buckets each */
	int64_t		 lo, hi;
};

/* Count the rows into sp's buckets; false if ctl was cancelled. */
static bool
ui_records_spark_count(struct ui *ui, struct ui_spark *sp,
    struct view_ctl *ctl)
{
	const struct record	*r;
	const struct store_chunk *c;
	uint32_t		 ci;
	bool			 err;
	int64_t			 lo = INT64_MAX, hi = INT64_MIN, span;
	size_t			 i;
	int			 b, w = sp->w;

	if (ctl != NULL)
		atomic_fetch_add(&ctl->total, ui->v.n * 2);
	if (ui->v.sort == VIEW_COL_TIME && !ui->v.sort_reverse) {
		/* In time order: the range is the first and last record. */
		for (i = 0; i < ui->v.n && lo == INT64_MAX; i++) {
			c = store_chunk_of(&ui->st, ui->v.rows[i], &ci);
			if (!(c->flags[ci] & (REC_BAD | REC_GAP)))
				lo = c->ts[ci];
		}
		for (i = ui->v.n; i > 0 && hi == INT64_MIN; i--) {
			c = store_chunk_of(&ui->st, ui->v.rows[i - 1], &ci);
			if (!(c->flags[ci] & (REC_BAD | REC_GAP)))
				hi = c->ts[ci];
		}
	} else {
		/* The columns, not whole records: this is a pass over all. */
		for (i = 0; i < ui->v.n; i++) {
			c = store_chunk_of(&ui->st, ui->v.rows[i], &ci);
			if (c->flags[ci] & (REC_BAD | REC_GAP))
				continue;
			if (c->ts[ci] < lo)
				lo = c->ts[ci];
			if (c->ts[ci] > hi)
				hi = c->ts[ci];
		}
	}
	if (ctl != NULL)
		atomic_fetch_add(&ctl->done, ui->v.n);
	sp->lo = lo;
	sp->hi = hi;
	if (lo > hi)
		return (true);
	span = hi - lo + 1;
	for (i = 0; i < ui->v.n; i++) {
		if (ctl != NULL && (i & 0xffff) == 0xffff) {
			atomic_fetch_add(&ctl->done, 0x10000);
			if (atomic_load(&ctl->cancel))
				return (false);
		}
		c = store_chunk_of(&ui->st, ui->v.rows[i], &ci);
		if (c->flags[ci] & (REC_BAD | REC_GAP))
			continue;
		b = (int)((double)(c->ts[ci] - lo) / (double)span * w);
		if (b >= w)
			b = w - 1;
		sp->n[b]++;
		if (c->flags[ci] & REC_WIDE) {
			r = store_get(&ui->st, ui->v.rows[i]);
			err = record_response_code(&ui->st, r) >= 500;
		} else
			err = c->status[ci] >= 500;
		if (err)
			sp->err[b]++;
	}
	return (true);
}

/* ui_job_call's work: the count. */
static bool
ui_records_spark_job(struct ui *ui, void *arg, struct view_ctl *ctl)
{
	return (ui_records_spark_count(ui, arg, ctl));
}

/* Take a count (sp, freed) as the sparkline's, for rows n. */
static void
ui_records_spark_take(struct ui *ui, struct ui_spark *sp, size_t n)
{
	free(ui->spark);
	free(ui->spark_err);
	ui->spark = sp->n;
	ui->spark_err = sp->err;
	ui->spark_w = sp->w;
	ui->spark_n = n;
	ui->spark_gen = ui->st.generation;
	ui->spark_lo = sp->lo;
	ui->spark_hi = sp->hi;
	free(sp);
}

/* ui_job_call's result: the new sparkline, unless the rows changed. */
static void
ui_records_spark_done(struct ui *ui, void *arg, bool ok)
{
	struct ui_spark	*sp = arg;

	ui->spark_asked = false;
	if (!ok) {
		free(sp->n);
		free(sp->err);
		free(sp);
		return;
	}
	ui_records_spark_take(ui, sp, ui->v.n);
	ui->dirty |= UI_REDRAW;
}

/*
 * Recount the sparkline buckets if the rows changed: at once for a few
 * rows, else on the job thread while the old line stays.
 */
static void
ui_records_spark_update(struct ui *ui, int w)
{
	struct ui_spark	*sp;
	int64_t		 now;

	now = ui_clock();
	if (ui->spark != NULL && ui->spark_w == w &&
	    ui->spark_gen == ui->st.generation) {
		if (ui->spark_n == ui->v.n)
			return;
		/*
		 * Live rows arrive, or a dump loads (a count stops the
		 * loader): recount at most once a second.
		 */
		if ((ui->live || ui->loading) && ui->spark_n != SIZE_MAX &&
		    now - ui->spark_at < UI_SPARK_NS) {
			ui->dirty |= UI_REDRAW;
			return;
		}
	}
	/* New rows on their way, or being counted: wait for them. */
	if (ui->spark_asked || (ui->spark != NULL &&
	    ui_job_pending(ui, UI_JOB_VIEW)))
		return;
	sp = xcalloc(1, sizeof *sp);
	sp->w = w;
	sp->n = xcalloc((size_t)w + 1, sizeof *sp->n);
	sp->err = xcalloc((size_t)w + 1, sizeof *sp->err);
	ui->spark_at = now;
	if (!ui_job_worth(ui, ui->v.n, UI_SPARK_SYNC)) {
		ui_records_spark_count(ui, sp, NULL);
		ui_records_spark_take(ui, sp, ui->v.n);
		return;
	}
	ui->spark_asked = true;
	ui_job_call(ui, "counting", 0, ui_records_spark_job,
	    ui_records_spark_done, sp);
}

/* Draw one sparkline of w buckets at (y, x). */
static void
ui_records_spark_draw(struct ui *ui, int y, int x, int w, const uint32_t *c,
    int cls)
{
	uint32_t	 max = 0;
	int		 i;
	unsigned	 level;
	const char	*g;

	for (i = 0; i < w; i++)
		if (c[i] > max)
			max = c[i];
	for (i = 0; i < w; i++) {
		level = 0;
		if (c[i] > 0 && max > 0)
			level = 1 + (unsigned)((uint64_t)c[i] * 7 / max);
		g = ui_spark_glyph(ui, level);
		ui_draw_str(ui, y, x + i, 1, g, ui_attr(ui, cls));
	}
}

/* Draw the sparkline line: requests and errors over the shown range. */
static void
ui_records_spark(struct ui *ui, int y)
{
	char		 lab[96], t1[TIMEFMT_MAX], t2[TIMEFMT_MAX], u[32];
	int		 w, x;
	int64_t		 span;

	w = (ui->cols - 40) / 2;
	if (w < 8)
		w = 8;
	ui_records_spark_update(ui, w);
	if (ui->spark == NULL || ui->spark_w != w) {
		/* Being counted (ui-job.h). */
		ui_draw_str(ui, y, 0, ui->cols, "counting...",
		    ui_attr(ui, UI_C_DIM));
		return;
	}
	if (ui->spark_lo > ui->spark_hi) {
		ui_draw_str(ui, y, 0, ui->cols, ui->filter != NULL ||
		    ui->v.since != INT64_MIN || ui->v.until != INT64_MAX ?
		    "no record matches the filter" : "no records yet",
		    ui_attr(ui, UI_C_DIM));
		return;
	}
	ui_draw_str(ui, y, 0, 4, "req ", ui_attr(ui, UI_C_DIM));
	ui_records_spark_draw(ui, y, 4, w, ui->spark, UI_C_SPARK);
	x = 4 + w + 1;
	ui_draw_str(ui, y, x, 4, "5xx ", ui_attr(ui, UI_C_DIM));
	ui_records_spark_draw(ui, y, x + 4, w, ui->spark_err, UI_C_SPARKERR);
	x += 4 + w + 1;
	timefmt_local(t1, sizeof t1, ui->spark_lo / 1000000000, 0, 0);
	timefmt_local(t2, sizeof t2, ui->spark_hi / 1000000000, 0, 0);
	span = (ui->spark_hi - ui->spark_lo) / w;
	/*
	 * "HH:MM-HH:MM" of the range, with the date of its start; over
	 * days, "MM-DD HH:MM-MM-DD HH:MM", and /col in s, min, h or d.
	 */
	if (strncmp(t1, t2, 10) != 0) {
		snprintf(u, sizeof u, "%llds", (long long)(span / 1000000000));
		if (span >= 2 * 86400000000000LL)
			snprintf(u, sizeof u, "%lldd", (long long)(span /
			    86400000000000LL));
		else if (span >= 2 * 3600000000000LL)
			snprintf(u, sizeof u, "%lldh", (long long)(span /
			    3600000000000LL));
		else if (span >= 120000000000LL)
			snprintf(u, sizeof u, "%lldmin", (long long)(span /
			    60000000000LL));
		snprintf(lab, sizeof lab, "%.5s %.5s%s%.5s %.5s %s/col",
		    t1 + 5, t1 + 11, ui_glyph(ui, UI_G_DASH), t2 + 5, t2 + 11,
		    u);
	} else if (span >= 1000000000)
		snprintf(lab, sizeof lab, "%.10s %.5s%s%.5s %llds/col", t1,
		    t1 + 11, ui_glyph(ui, UI_G_DASH), t2 + 11,
		    (long long)(span / 1000000000));
	else
		snprintf(lab, sizeof lab, "%.10s %.5s%s%.5s %lldms/col", t1,
		    t1 + 11, ui_glyph(ui, UI_G_DASH), t2 + 11,
		    (long long)(span / 1000000));
	ui_draw_str(ui, y, x, ui->cols - x, lab, ui_attr(ui, UI_C_DIM));
}

/* Time of a record as shown in the table (abs or relative). */
static void
ui_records_time(struct ui *ui, const struct record *r, struct buf *b)
{
	char		 t[TIMEFMT_MAX];
	int64_t		 d, s;

	if (ui->reltime && ui->st.newest_ts != INT64_MIN) {
		d = ui->st.newest_ts - r->ts;
		s = d / 1000000000;
		if (d < 0) {
			buf_adds(b, "+");
			s = -s;
		} else
			buf_adds(b, "-");
		if (s >= 86400)
			buf_printf(b, "%lldd%02lldh", (long long)(s / 86400),
			    (long long)(s % 86400 / 3600));
		else if (s >= 3600)
			buf_printf(b, "%lldh%02lldm%02llds",
			    (long long)(s / 3600), (long long)(s % 3600 / 60),
			    (long long)(s % 60));
		else
			buf_printf(b, "%lldm%02lld.%03llds",
			    (long long)(s / 60), (long long)(s % 60),
			    (long long)((d < 0 ? -d : d) / 1000000 % 1000));
		return;
	}
	timefmt_local(t, sizeof t, record_ts_sec(&ui->st, r),
	    record_ts_nsec(&ui->st, r), 3);
	/* Over days, the date: MM-DD HH:MM:SS (ui_columns_layout). */
	if (ui_spans_days(ui)) {
		buf_add(b, t + 5, 5);
		buf_addc(b, ' ');
		buf_add(b, t + 11, 8);
	} else
		buf_add(b, t + 11, 12);
}

/* A latency in ms with thousands separators. */
static void
ui_records_ms(struct buf *b, int64_t ms)
{
	char	 t[32];

	ui_frame_snum(t, sizeof t, ms);
	buf_adds(b, t);
}

/* The text of one cell of record r (safe). */
void
ui_records_cell(struct ui *ui, const struct record *r, enum view_col c,
    int width, struct buf *b)
{
	struct slice	 s, a;

	switch (c) {
	case VIEW_COL_TIME:
		ui_records_time(ui, r, b);
		break;
	case VIEW_COL_METHOD:
		s = record_strs(&ui->st, r, RS_METHOD);
		render_safe(b, s.ptr, s.len, 0);
		break;
	case VIEW_COL_STATUS:
		buf_printf(b, "%lld",
		    (long long)record_response_code(&ui->st, r));
		break;
	case VIEW_COL_LATENCY:
		ui_records_ms(b, record_lat_total(&ui->st, r));
		break;
	case VIEW_COL_API:
		s = record_strs(&ui->st, r, RS_API_NAME);
		if (s.len == 0)
			s = record_strs(&ui->st, r, RS_API_ID);
		render_safe(b, s.ptr, s.len, 0);
		break;
	case VIEW_COL_PATH:
		s = record_strs(&ui->st, r, RS_PATH);
		if (s.len == 0)
			s = record_strs(&ui->st, r, RS_RAW_PATH);
		render_safe(b, s.ptr, s.len, 0);
		break;
	case VIEW_COL_KEY:
		s = record_strs(&ui->st, r, RS_API_KEY);
		a = record_strs(&ui->st, r, RS_ALIAS);
		if (ui->reveal) {
			render_safe(b, s.ptr, s.len, 0);
			break;
		}
		ui_filter_key_label(ui, s.ptr, s.len, a.ptr, a.len,
		    width > 0 ? (size_t)width : 0, b);
		break;
	case VIEW_COL_IP:
		s = record_strs(&ui->st, r, RS_IP_ADDRESS);
		render_safe(b, s.ptr, s.len, 0);
		break;
	case VIEW_COL_UPSTREAM:
		ui_records_ms(b, record_lat_upstream(&ui->st, r));
		break;
	case VIEW_COL_GATEWAY:
		ui_records_ms(b, record_lat_gateway(&ui->st, r));
		break;
	case VIEW_COL_ORG:
		s = record_strs(&ui->st, r, RS_ORG_ID);
		render_safe(b, s.ptr, s.len, 0);
		break;
	case VIEW_COL_VERSION:
		s = record_strs(&ui->st, r, RS_API_VERSION);
		render_safe(b, s.ptr, s.len, 0);
		break;
	case VIEW_COL_REASON:
		buf_adds(b, demo_http_status_text((int)record_response_code(
		    &ui->st, r)));
		break;
	default:
		break;
	}
}

/* Draw the column titles, marking the sort column and column cursor. */
static void
ui_records_titles(struct ui *ui, const struct view_layout *l, int y)
{
	const struct view_cell	*c;
	char			 t[32];
	int			 i, attr;

	for (i = 0; i < l->ncells; i++) {
		c = &l->cells[i];
		if (c->line != 0)
			continue;
		snprintf(t, sizeof t, "%s%s", ui_columns_title(c->col),
		    ui->v.sort == c->col ? ui_glyph(ui, ui->v.sort_reverse ?
		    UI_G_DOWN : UI_G_UP) : "");
		attr = ui_attr(ui, UI_C_TITLE);
		if (ui->v.col == c->col)
			attr |= UI_AT_UNDERLINE;
		ui_draw_str(ui, y, c->x, c->width + (c->right ? 1 : 0), t,
		    attr);
	}
}

/* Draw a gap marker or bad record row across the width. */
static void
ui_records_special(struct ui *ui, const struct record *r, int y, int w,
    bool cursor)
{
	const struct record_extra	*ex = record_extra(&ui->st, r);
	struct buf			 b, pos;
	struct slice			 e;
	char				 t1[TIMEFMT_MAX], t2[TIMEFMT_MAX];
	int				 attr;

	buf_init(&b);
	buf_init(&pos);
	if (r->flags & REC_GAP) {
		attr = ui_attr(ui, UI_C_GAP);
		timefmt_local(t1, sizeof t1, ex != NULL ? ex->gap_from /
		    1000000000 : 0, 0, 0);
		timefmt_local(t2, sizeof t2, ex != NULL ? ex->gap_to /
		    1000000000 : 0, 0, 0);
		buf_printf(&b, "%s%s%s %.8s possible gap: ",
		    ui_glyph(ui, UI_G_HLINE), ui_glyph(ui, UI_G_HLINE),
		    ui_glyph(ui, UI_G_HLINE), t2 + 11);
		if (ex != NULL && ex->gap_count >= 0)
			buf_printf(&b, "%lld record%s", (long long)ex->gap_count,
			    ex->gap_count == 1 ? "" : "s");
		else
			buf_adds(&b, "records");
		buf_printf(&b, " drained unseen from ");
		e = strtab_get(&ui->st.strs, ex != NULL ? ex->gap_key : 0);
		render_safe(&b, e.ptr, e.len, 0);
		buf_printf(&b, " (%.8s%s%.8s) ", t1 + 11,
		    ui_glyph(ui, UI_G_DASH), t2 + 11);
		while ((int)ui_text_width(ui, b.data, b.len) < w)
			buf_adds(&b, ui_glyph(ui, UI_G_HLINE));
	} else {
		attr = ui_attr(ui, UI_C_BAD);
		output_position(&pos, &ui->st, r);
		buf_adds(&b, "!! bad record  ");
		render_safe(&b, pos.data == NULL ? "" : pos.data, pos.len, 0);
		buf_adds(&b, "  ");
		e = strtab_get(&ui->st.strs, ex != NULL ? ex->bad_error : 0);
		render_safe(&b, e.ptr, e.len, 0);
		if (ex != NULL)
			buf_printf(&b, "  (%llu bytes; Enter for hex)",
			    (unsigned long long)ex->bad_raw_total);
	}
	if (cursor)
		attr = ui_attr(ui, UI_C_CURSOR);
	ui_draw_text(ui, y, 0, w, b.data, b.len, attr);
	buf_clear(&b);
	buf_clear(&pos);
}

/* Draw record row i at screen line y. */
static void
ui_records_row(struct ui *ui, const struct view_layout *l, size_t i, int y)
{
	const struct record	*r;
	const struct view_cell	*c;
	struct buf		 b;
	uint64_t		 seq = view_seq(&ui->v, i);
	bool			 cursor = i == ui->v.cursor, match = false;
	int			 k, attr, base, tw;

	r = store_get(&ui->st, seq);
	if (r == NULL)
		return;
	base = cursor ? ui_attr(ui, UI_C_CURSOR) : UI_AT_NORMAL;
	if (cursor)
		for (k = 0; k < l->lines; k++)
			ui_draw_fill(ui, y + k, 0, l->width, base);
	if (view_is_marked(&ui->v, seq))
		ui_draw_str(ui, y, l->width, 1, "*", ui_attr(ui, UI_C_MARK));
	if (r->flags & (REC_BAD | REC_GAP)) {
		ui_records_special(ui, r, y, l->width, cursor);
		return;
	}
	if (ui->search_c != NULL)
		match = ui_filter_match(ui->search_c, &ui->st, r);
	buf_init(&b);
	for (k = 0; k < l->ncells; k++) {
		c = &l->cells[k];
		buf_reset(&b);
		ui_records_cell(ui, r, c->col, c->width, &b);
		attr = base;
		if (!cursor && c->col == VIEW_COL_STATUS)
			attr = ui_attr(ui, ui_status_class(
			    record_response_code(&ui->st, r)));
		if (match && c->col == VIEW_COL_PATH)
			attr = ui_attr(ui, UI_C_MATCH) | (cursor ? UI_AT_REVERSE :
			    0);
		if (c->right) {
			tw = (int)ui_text_width(ui, b.data, b.len);
			if (tw > c->width)
				tw = c->width;
			ui_draw_text(ui, y + c->line, c->x + c->width - tw,
			    tw, b.data, b.len, attr);
		} else
			ui_draw_text(ui, y + c->line, c->x, c->width, b.data,
			    b.len, attr);
	}
	buf_clear(&b);
}

/* Draw the scrollbar in the last column of the table area. */
static void
ui_records_scrollbar(struct ui *ui, int y0, int h, int x)
{
	size_t	 n = ui->v.n, pos;
	int	 y;

	if (n <= ui->v.height || h < 2)
		return;
	pos = (size_t)((double)ui->v.cursor / (double)(n - 1) * (h - 1));
	for (y = 0; y < h; y++) {
		if ((size_t)y == pos)
			ui_draw_str(ui, y0 + y, x, 1, ui_glyph(ui, UI_G_VLINE),
			    UI_AT_REVERSE);
	}
}

/* Draw the whole Records screen. */
static void
ui_records_draw(struct ui *ui)
{
	struct view_layout	 l;
	size_t			 i;
	int			 y, ph, th;

	ui_columns_layout(ui, &l);
	ph = ui_records_preview_lines(ui);
	th = ui->lines - UI_TOP_LINES - 1 - ph;
	ui_frame_header(ui);
	ui_records_filter_line(ui, 1);
	ui_records_spark(ui, 2);
	ui_records_titles(ui, &l, 3);
	if (ui->v.n == 0) {
		ui_draw_str(ui, UI_TOP_LINES + 1, 2, ui->cols - 4,
		    ui->filter != NULL || ui->v.since != INT64_MIN ||
		    ui->v.until != INT64_MAX ? "no record matches the filter" :
		    ui_disconnected(ui) != NULL ? "not connected: no records "
		    "until the source connects" :
		    (ui->loading || ui->live ? "waiting for records" :
		    "no records"), ui_attr(ui, UI_C_DIM));
	}
	y = UI_TOP_LINES;
	for (i = ui->v.top; i < ui->v.n && y + l.lines <= UI_TOP_LINES + th;
	    i++) {
		ui_records_row(ui, &l, i, y);
		y += l.lines;
	}
	ui_records_scrollbar(ui, UI_TOP_LINES, th, ui->cols - 1);
	if (ph > 0)
		ui_tabs_preview(ui, UI_TOP_LINES + th, ph);
	ui_frame_bottom(ui);
}

/* A mouse click on screen line y selects that row; a double click opens. */
static unsigned
ui_records_click(struct ui *ui, int y, bool open)
{
	struct view_layout	 l;
	size_t			 i;

	ui_columns_layout(ui, &l);
	if (y < UI_TOP_LINES || (size_t)(y - UI_TOP_LINES) / (size_t)l.lines >=
	    ui->v.height)
		return (0);
	i = ui->v.top + (size_t)(y - UI_TOP_LINES) / (size_t)l.lines;
	if (i >= ui->v.n)
		return (0);
	view_goto(&ui->v, i);
	if (open)
		ui_open_detail(ui, view_cursor_seq(&ui->v));
	return (UI_REDRAW);
}

/* Is r an error record (for e/E)? */
static bool
ui_records_is_error(void *arg, const struct store *st,
    const struct record *r)
{
	(void)arg;
	if (r->flags & (REC_BAD | REC_GAP))
		return (true);
	return (record_response_code(st, r) >= 500);
}

/* +/-: add a token for the value under the column cursor. */
static unsigned
ui_records_filter_by(struct ui *ui, bool negate)
{
	const struct record	*r = store_get(&ui->st, view_cursor_seq(&ui->v));
	struct buf		 b, t, tok;
	char			*rest, *field;
	const char		*colon;

	if (r == NULL)
		return (0);
	buf_init(&tok);
	buf_init(&b);
	buf_init(&t);
	if (ui_filter_token(ui, r, ui->v.col, negate, &t) != 0) {
		ui_message(ui, "cannot filter on this column");
		buf_clear(&b);
		buf_clear(&t);
		return (UI_REDRAW);
	}
	buf_addc(&t, '\0');
	ui_filter_hide_keys(t.data, &tok);	/* key:=KEY becomes key:#DIGEST */
	/*
	 * + replaces a token on the same field (status:200, then + on a
	 * 404: status:404, not both); - adds an exclusion once.
	 */
	rest = NULL;
	if (ui->filter != NULL) {
		if (!negate && tok.len > 0 && tok.data[0] != '!' &&
		    (colon = memchr(tok.data, ':', tok.len)) != NULL) {
			field = xstrndup(tok.data, (size_t)(colon - tok.data));
			rest = ui_filter_without(ui->filter, field, true);
			free(field);
		} else
			rest = ui_filter_without(ui->filter, tok.data, false);
	}
	if (rest != NULL && *rest != '\0') {
		buf_adds(&b, rest);
		buf_addc(&b, ' ');
	}
	free(rest);
	buf_add(&b, tok.data, tok.len);
	buf_addc(&b, '\0');
	buf_clear(&tok);
	if (ui_apply_filter(ui, b.data) != 0)
		ui_message(ui, "filter: %s", ui->filter_err);
	else
		ui_prompt_history_add(UI_PROMPT_FILTER, b.data);
	buf_clear(&b);
	buf_clear(&t);
	ui->spark_n = SIZE_MAX;
	return (UI_REDRAW);
}

/* u, U: the next (dir 1) or previous marked row, wrapping around. */
static void
ui_records_mark_jump(struct ui *ui, int dir)
{
	struct view	*v = &ui->v;
	size_t		 i, k, old = v->cursor;

	if (v->nmarks == 0 || v->n == 0) {
		ui_message(ui, "no marked records (m marks one)");
		return;
	}
	for (k = 1; k <= v->n; k++) {
		i = dir > 0 ? (v->cursor + k) % v->n :
		    (v->cursor + v->n - k % v->n) % v->n;
		if (!view_is_marked(v, view_seq(v, i)))
			continue;
		view_goto(v, i);
		if (dir > 0 ? i <= old : i >= old)
			ui_message(ui, "marks wrapped to the %s", dir > 0 ?
			    "top" : "bottom");
		return;
	}
	ui_message(ui, "no marked record is shown");
}

/* Handle an action on the Records screen. */
static unsigned
ui_records_action(struct ui *ui, enum ui_action a)
{
	struct view	*v = &ui->v;
	uint64_t	 seq;
	enum view_col	 col;
	bool		 rev;

	switch (a) {
	case UI_A_DOWN:
		view_move(v, 1);
		break;
	case UI_A_UP:
		view_move(v, -1);
		break;
	case UI_A_PGDN:
		view_page(v, 1);
		break;
	case UI_A_PGUP:
		view_page(v, -1);
		break;
	case UI_A_HALFDN:
		view_move(v, (long)(v->height / 2));
		break;
	case UI_A_HALFUP:
		view_move(v, -(long)(v->height / 2));
		break;
	case UI_A_TOP:
		view_home(v);
		break;
	case UI_A_BOTTOM:
	case UI_A_FOLLOW:
		if (a == UI_A_FOLLOW && v->follow) {
			v->follow = false;
			ui_message(ui, "follow off");
			break;
		}
		/*
		 * Offline, G is the last row of the current sort; only a
		 * live source goes back to time order and follows.
		 */
		if (!ui->live && a == UI_A_BOTTOM) {
			view_end(v);
			break;
		}
		ui_job_sort_order(ui, &col, &rev);
		if (col != VIEW_COL_TIME || rev) {
			ui_job_sort(ui, VIEW_COL_TIME, false);
			ui_job_then(ui, UI_JOB_THEN_END);
			break;
		}
		if (!ui_job_busy(ui))
			view_update(v, &ui->st, false);
		view_end(v);
		break;
	case UI_A_PAUSE:
		if (!ui->live) {
			ui_message(ui, "no live source: nothing to pause");
			break;
		}
		if (ui_frozen(ui)) {
			view_update(v, &ui->st, false);
			view_end(v);
		} else
			v->follow = false;
		break;
	case UI_A_LEFT:
		v->col = ui_columns_next(ui, v->col, -1);
		break;
	case UI_A_RIGHT:
		v->col = ui_columns_next(ui, v->col, 1);
		break;
	case UI_A_SORT:
		/* As k9s and htop: a number column sorts largest first. */
		ui_job_sort_order(ui, &col, &rev);
		rev = col == v->col ? !rev : ui_columns_numeric(v->col);
		ui_job_sort(ui, v->col, rev);
		if (ui_job_pending(ui, UI_JOB_VIEW))
			ui_message(ui, "sorting by %s, %s",
			    view_col_name(v->col), rev ? "descending" :
			    "ascending");
		break;
	case UI_A_ENTER:
		seq = view_cursor_seq(v);
		if (seq != UINT64_MAX)
			ui_open_detail(ui, seq);
		break;
	case UI_A_BACK:
		if (v->nmarks > 0) {
			ui->quit_asked = true;
			ui_message(ui, "quit? %zu marked record%s will be "
			    "lost: y or q to quit, any other key to stay",
			    v->nmarks, v->nmarks == 1 ? "" : "s");
			break;
		}
		return (UI_QUIT);
	case UI_A_ESCAPE:
		if (ui->search_c != NULL) {
			ui_filter_free(ui->search_c);
			ui->search_c = NULL;
		}
		break;
	case UI_A_SEARCH:
		ui_prompt_open(ui, UI_PROMPT_SEARCH, NULL);
		break;
	case UI_A_NEXT:
	case UI_A_PREV:
		if (ui->search_c == NULL) {
			ui_message(ui, "no search (/ to search)");
			break;
		}
		ui_job_search(ui, NULL, a == UI_A_NEXT ? 1 : -1);
		break;
	case UI_A_ERR_NEXT:
	case UI_A_ERR_PREV:
		ui_job_search(ui, ui_records_is_error,
		    a == UI_A_ERR_NEXT ? 1 : -1);
		break;
	case UI_A_FILTER:
		ui_prompt_open(ui, UI_PROMPT_FILTER, ui->filter);
		break;
	case UI_A_FILTER_IN:
	case UI_A_FILTER_OUT:
		return (ui_records_filter_by(ui, a == UI_A_FILTER_OUT));
	case UI_A_FILTER_CLEAR:
		ui_job_stash(ui);
		free(ui->range_label);
		ui->range_label = NULL;
		free(ui->drill);
		ui->drill = NULL;
		view_set_range(v, INT64_MIN, INT64_MAX);
		ui_apply_filter(ui, NULL);
		ui->spark_n = SIZE_MAX;
		ui_message(ui, "filter cleared");
		break;
	case UI_A_MARK:
		seq = view_cursor_seq(v);
		if (seq == UINT64_MAX)
			break;
		if (v->marked_only) {
			/* Unmarked: it leaves the marked-only view. */
			ui_job_stash(ui);
			view_mark_toggle(v, seq);
			if (v->nmarks == 0)
				v->marked_only = false;
			ui_job_rebuild(ui);
			break;
		}
		view_mark_toggle(v, seq);
		view_move(v, 1);
		break;
	case UI_A_MARKED_ONLY:
		if (!v->marked_only && v->nmarks == 0) {
			ui_message(ui, "no marked records (m marks one)");
			break;
		}
		ui_job_stash(ui);
		v->marked_only = !v->marked_only;
		ui_job_rebuild(ui);
		ui_message(ui, v->marked_only ? "only the marked records (M: "
		    "all)" : "all records");
		break;
	case UI_A_MARK_NEXT:
	case UI_A_MARK_PREV:
		ui_records_mark_jump(ui, a == UI_A_MARK_NEXT ? 1 : -1);
		break;
	case UI_A_COPY:
		return (ui_copy_open(ui));
	case UI_A_EXPORT:
		return (ui_copy_export(ui));
	case UI_A_REVEAL:
		ui->reveal = !ui->reveal;
		ui->plines_ok = ui->dlines_ok = false;
		ui_message(ui, ui->reveal ? "secrets REVEALED (r to mask)" :
		    "secrets masked");
		break;
	case UI_A_TIME:
		ui->reltime = !ui->reltime;
		break;
	case UI_A_TAB:
		ui->ptab = (ui->ptab + 1) % UI_NTABS;
		ui->plines_ok = false;
		break;
	case UI_A_BTAB:
		ui->ptab = (ui->ptab + UI_NTABS - 1) % UI_NTABS;
		ui->plines_ok = false;
		break;
	default:
		return (0);
	}
	return (UI_REDRAW);
}

const struct ui_screen_ops ui_records_screen = {
	.title = "Records",
	.draw = ui_records_draw,
	.action = ui_records_action,
	.height = ui_records_height,
	.click = ui_records_click
};
