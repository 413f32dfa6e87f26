/* SPDX-License-Identifier: ISC */
/*
 * The Chart screen (5): traffic over time, after the Tyk Dashboard's
 * activity chart and lnav's histogram.  Time buckets (timeline.c) over
 * the loaded range, sized from the range (a minute, ten minutes, an hour,
 * a day; + and - change it), two panels of block bars: hits stacked by
 * class (5xx at the bottom, then 4xx, then the rest) and latency (the
 * 95th percentile as bars, the average as a dot).  v turns both into a
 * latency heatmap (time by latency band, like lnav's spectrogram).
 *
 * Scope (a; the bucket size is chosen again): the current filter (the
 * records the Records screen shows), every record held, or the aggregate
 * row that was under the cursor when 5 was pressed on the Aggregates
 * screen (ui->chart_row, set there).  A
 * cursor (h/l) picks a bucket, whose numbers the info line shows; Enter
 * narrows the time range to it and goes to the Records screen.
 *
 * Buckets follow the wall clock of --tz or :tz (UTC by default), the zone
 * the title names; the buckets are recounted when the rows change, with live
 * data at most every UI_CHART_NS.
 */
#include "config.h"

#include "ui-chart.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "record.h"
#include "render.h"
#include "timefmt.h"
#include "timeline.h"
#include "tz.h"
#include "ui-draw.h"
#include "ui-filter.h"
#include "ui-frame.h"
#include "ui-job.h"
#include "xmalloc.h"

#define UI_CHART_NS	(1000 * 1000000LL)
#define UI_CHART_GUTTER	8		/* scale labels and the axis */
#define UI_CHART_MAXCW	6		/* columns per bucket at most */
#define UI_CHART_SYNC	100000		/* counted at once, not as a job */

enum ui_chart_scope {
	UI_CHART_FILTER,
	UI_CHART_ALL,
	UI_CHART_ROW,
	UI_CHART_NSCOPES
};

struct ui_chart {
	struct timeline		 tl;
	struct tz		*tz;
	bool			 tz_tried;
	uint64_t		 zone_gen;	/* ui->zone_gen loaded */
	const char		*zone;		/* as the title shows it */

	int			 step;		/* -1: chosen from the range */
	enum ui_chart_scope	 scope;
	bool			 heat;		/* heatmap mode */
	size_t			 cursor;	/* bucket */
	bool			 at_end;	/* cursor stays on the newest */
	size_t			 left;		/* first bucket shown */

	void			*row_c;		/* compiled ui->chart_row */
	uint64_t		 row_gen;	/* ui->chart_row_gen compiled */

	/* What the buckets were counted from. */
	bool			 valid;
	size_t			 key_n;
	uint64_t		 key_gen, key_next;
	void			*key_filter;
	int64_t			 key_since, key_until;
	int			 key_scope, key_step, key_width;
	int64_t			 at;		/* monotonic ns */
	uint64_t		 records;	/* counted */
	bool			 counting;	/* on the job thread */
};

static const char *ui_chart_scopes[UI_CHART_NSCOPES] = {
	"filter", "all records", "aggregate row"
};

/* The screen's state, created on first use. */
static struct ui_chart *
ui_chart_get(struct ui *ui)
{
	struct ui_chart	*c = ui->chart;
	char		*cause = NULL;
	const char	*name;

	if (c == NULL) {
		c = xcalloc(1, sizeof *c);
		c->step = -1;
		c->at_end = true;
		ui->chart = c;
	}
	if (!c->counting && (!c->tz_tried || c->zone_gen != ui->zone_gen)) {
		/* --tz, or the zone :tz set since. */
		c->tz_tried = true;
		c->zone_gen = ui->zone_gen;
		/* The display zone: :tz, else --tz, else TZ, else UTC. */
		name = ui->zone != NULL ? ui->zone : timefmt_zone_name();
		timeline_clear(&c->tl);
		if (c->tz != NULL)
			tz_free(c->tz);
		c->tz = NULL;
		c->zone = "UTC";
		c->valid = false;
		if (name != NULL) {
			c->tz = tz_load(name, &cause);
			if (c->tz == NULL) {
				ui_message(ui, "tz %s: %s; the chart is in UTC",
				    name, cause);
				free(cause);
			} else if (!tz_is_utc(c->tz))
				c->zone = name;
		}
		timeline_init(&c->tl, c->tz);
	}
	return (c);
}

/* Free the screen's state. */
void
ui_chart_free(struct ui *ui)
{
	struct ui_chart	*c = ui->chart;

	if (c == NULL)
		return;
	timeline_clear(&c->tl);
	if (c->tz != NULL)
		tz_free(c->tz);
	ui_filter_free(c->row_c);
	free(c);
	ui->chart = NULL;
}

/* Compile the aggregate row's filter if it changed; false if none. */
static bool
ui_chart_row(struct ui *ui, struct ui_chart *c)
{
	char	*err = NULL;
	int	 col;

	if (ui->chart_row == NULL)
		return (false);
	if (c->row_gen != ui->chart_row_gen) {
		ui_filter_free(c->row_c);
		c->row_c = NULL;
		c->row_gen = ui->chart_row_gen;
		if (ui_filter_compile(ui, ui->chart_row, &c->row_c, &err,
		    &col) != 0) {
			ui_message(ui, "aggregate row: %s", err);
			free(err);
			return (false);
		}
	}
	return (true);
}

/*
 * A count of the chart's buckets: what it counts (copied, so that the
 * job thread reads nothing the screen changes) and what it found.
 */
struct ui_chart_count {
	enum ui_chart_scope	 scope;
	int			 step;		/* asked for; -1 auto */
	int			 width;
	const struct tz		*tz;		/* the chart's, kept meanwhile */
	void			*row_c;		/* owned copy, or NULL */
	struct timeline		 tl;		/* the result */
	uint64_t		 records;
	int			 step_out;	/* c->step after */
	char			 msg[160];	/* to show, or empty */
	int64_t			 keep_at;	/* a bucket start to stay on */
	bool			 keep;
};

/* What the chart takes from a record. */
struct ui_chart_rec {
	int64_t		 sec;		/* timestamp, Unix seconds */
	int64_t		 code;		/* response code */
	int64_t		 lat;		/* latency.total, ms */
};

/*
 * Is held record seq one the chart counts?  Then its values in *out,
 * read from the store's columns.
 */
static bool
ui_chart_at(struct ui *ui, struct ui_chart_count *k, uint64_t seq,
    struct ui_chart_rec *out)
{
	const struct store_chunk	*c;
	struct record			 r;
	uint32_t			 ci;
	int64_t				 ts;

	if (seq < ui->st.first || seq >= ui->st.next)
		return (false);
	c = store_chunk_of(&ui->st, seq, &ci);
	if (c->flags[ci] & (REC_BAD | REC_GAP | REC_TS_ZERO))
		return (false);
	if (k->scope == UI_CHART_ROW && k->row_c != NULL &&
	    !ui_filter_match_at(k->row_c, &ui->st, c, ci))
		return (false);
	if (c->flags[ci] & REC_WIDE) {
		store_fill_at(&ui->st, c, ci, &r);
		out->sec = record_ts_sec(&ui->st, &r);
		out->code = record_response_code(&ui->st, &r);
		out->lat = record_lat_total(&ui->st, &r);
		return (true);
	}
	ts = c->ts[ci];
	out->sec = ts / 1000000000 - (ts % 1000000000 < 0);
	out->code = c->status[ci];
	out->lat = c->lat_total[ci];
	return (true);
}

/* The next record of the scope from *i on (which moves past it). */
static bool
ui_chart_next(struct ui *ui, struct ui_chart_count *k, uint64_t *i,
    struct ui_chart_rec *out)
{
	uint64_t	 end;

	end = k->scope == UI_CHART_ALL ? ui->st.next : ui->v.n;
	if (k->scope == UI_CHART_ALL && *i < ui->st.first)
		*i = ui->st.first;
	for (; *i < end; (*i)++)
		if (ui_chart_at(ui, k, k->scope == UI_CHART_ALL ? *i :
		    ui->v.rows[*i], out)) {
			(*i)++;
			return (true);
		}
	return (false);
}

/* Width of the plot (columns for bars). */
static int
ui_chart_plotw(const struct ui *ui)
{
	int	 w = ui->cols - UI_CHART_GUTTER - 1;

	return (w < 8 ? 8 : w);
}

/* Is the count cancelled?  Counts progress every 64k records. */
static bool
ui_chart_tick(struct view_ctl *ctl, uint64_t i)
{
	if (ctl == NULL || (i & 0xffff) != 0)
		return (false);
	atomic_fetch_add(&ctl->done, 0x10000);
	return (atomic_load(&ctl->cancel));
}

/*
 * Count the buckets into k->tl (any thread: reads the store and the
 * rows only); false if ctl was cancelled.
 */
static bool
ui_chart_count(struct ui *ui, struct ui_chart_count *k, struct view_ctl *ctl)
{
	struct ui_chart_rec	 r;
	uint64_t		 i, n;
	int64_t			 wlo = INT64_MAX, whi = INT64_MIN, w;
	int			 step;

	/*
	 * The range in wall time, then the buckets.  Rows in time order in
	 * UTC: the first and the last record are the range (as the Records
	 * sparkline takes it), one pass fewer.
	 */
	n = k->scope == UI_CHART_ALL ? store_count(&ui->st) : ui->v.n;
	if (ctl != NULL)
		atomic_fetch_add(&ctl->total, 2 * n);
	k->records = 0;
	k->step_out = k->step;
	if (k->scope == UI_CHART_FILTER && k->tz == NULL &&
	    ui->v.sort == VIEW_COL_TIME && !ui->v.sort_reverse) {
		i = 0;
		if (ui_chart_next(ui, k, &i, &r))
			wlo = r.sec;
		for (i = ui->v.n; i > 0 && whi == INT64_MIN; i--)
			if (ui_chart_at(ui, k, ui->v.rows[i - 1], &r))
				whi = r.sec;
		k->records = whi >= wlo ? 1 : 0;	/* counted below */
		if (ctl != NULL)
			atomic_fetch_add(&ctl->done, n);
	} else {
		i = 0;
		while (ui_chart_next(ui, k, &i, &r)) {
			if (ui_chart_tick(ctl, i))
				return (false);
			w = timeline_wall(k->tz, r.sec);
			if (w < wlo)
				wlo = w;
			if (w > whi)
				whi = w;
			k->records++;
		}
	}
	if (k->records == 0)
		return (true);
	step = k->step >= 0 ? k->step : (int)timeline_pick(k->tz, wlo, whi,
	    (size_t)k->width);
	while (timeline_start(&k->tl, step, wlo, whi) != 0) {
		if (step + 1 < TIMELINE_NSTEPS) {
			/* Too many buckets: the next size up. */
			step++;
			k->step_out = step;
			snprintf(k->msg, sizeof k->msg, "too many buckets: %s "
			    "buckets", timeline_step_name(step));
			continue;
		}
		/*
		 * Even days are too many (a record centuries away): chart
		 * the newest days; the others are counted as outside.
		 */
		wlo = whi - (int64_t)(TIMELINE_MAX_BUCKETS - 1) * 86400;
		snprintf(k->msg, sizeof k->msg, "range too wide: the newest %d "
		    "days are charted", TIMELINE_MAX_BUCKETS);
	}
	i = 0;
	while (ui_chart_next(ui, k, &i, &r)) {
		if (ui_chart_tick(ctl, i))
			return (false);
		timeline_add(&k->tl, r.sec, r.code, r.lat);
	}
	timeline_finish(&k->tl);
	k->records = k->tl.total + k->tl.outside;
	return (true);
}

/* Free a count. */
static void
ui_chart_count_free(struct ui_chart_count *k)
{
	timeline_clear(&k->tl);
	ui_filter_free(k->row_c);
	free(k);
}

/* Show a finished count (main thread); frees it. */
static void
ui_chart_take(struct ui *ui, struct ui_chart *c, struct ui_chart_count *k)
{
	size_t	 i;

	timeline_clear(&c->tl);
	c->tl = k->tl;
	timeline_init(&k->tl, k->tz);
	c->records = k->records;
	if (c->step == k->step && k->step_out != k->step)
		c->step = c->key_step = k->step_out;
	if (k->msg[0] != '\0')
		ui_message(ui, "%s", k->msg);
	if (c->tl.n == 0)
		c->cursor = c->left = 0;
	else if (k->keep && !c->at_end) {
		i = timeline_find(&c->tl, k->keep_at);
		c->cursor = i < c->tl.n ? i : c->tl.n - 1;
	} else if (c->at_end || c->cursor >= c->tl.n)
		c->cursor = c->tl.n - 1;
	ui_chart_count_free(k);
}

/* ui_job_call's work and result. */
static bool
ui_chart_job(struct ui *ui, void *arg, struct view_ctl *ctl)
{
	return (ui_chart_count(ui, arg, ctl));
}

static void
ui_chart_done(struct ui *ui, void *arg, bool ok)
{
	struct ui_chart	*c = ui->chart;

	if (c == NULL) {
		ui_chart_count_free(arg);
		return;
	}
	c->counting = false;
	if (!ok) {
		c->valid = false;	/* count again */
		ui_chart_count_free(arg);
		return;
	}
	ui_chart_take(ui, c, arg);
	ui->dirty |= UI_REDRAW;
}

/*
 * Count the buckets again if what they were counted from changed: at
 * once for a few records, else on the job thread while the old chart
 * stays.  keep: a zoom, the cursor stays at keep_at.
 */
static void
ui_chart_update(struct ui *ui, struct ui_chart *c, bool keep, int64_t keep_at)
{
	struct ui_chart_count	*k;
	int64_t			 now;
	int			 width = ui_chart_plotw(ui);

	if (c->scope == UI_CHART_ROW && !ui_chart_row(ui, c))
		c->scope = UI_CHART_FILTER;
	now = ui_clock();
	if (c->valid && c->key_scope == (int)c->scope &&
	    c->key_step == c->step && c->key_width == width &&
	    c->key_filter == ui->filter_c && c->key_since == ui->v.since &&
	    c->key_until == ui->v.until && c->key_gen == ui->st.generation &&
	    (c->scope != UI_CHART_ROW || c->row_gen == ui->chart_row_gen)) {
		if (c->key_n == ui->v.n && c->key_next == ui->st.next)
			return;
		if (ui->live && now - c->at < UI_CHART_NS) {
			ui->dirty |= UI_REDRAW;
			return;
		}
	}
	/* New rows on their way, or a count: wait for them. */
	if (c->counting || (c->valid && ui_job_pending(ui, UI_JOB_VIEW)))
		return;
	c->valid = true;
	c->key_scope = (int)c->scope;
	c->key_step = c->step;
	c->key_width = width;
	c->key_filter = ui->filter_c;
	c->key_since = ui->v.since;
	c->key_until = ui->v.until;
	c->key_gen = ui->st.generation;
	c->key_n = ui->v.n;
	c->key_next = ui->st.next;
	c->at = now;

	k = xcalloc(1, sizeof *k);
	k->scope = c->scope;
	k->step = c->step;
	k->width = width;
	k->tz = c->tl.tz;
	timeline_init(&k->tl, k->tz);
	k->keep = keep;
	k->keep_at = keep_at;
	if (c->scope == UI_CHART_ROW)
		k->row_c = ui_filter_clone(c->row_c);
	if (!ui_job_worth(ui, c->scope == UI_CHART_ALL ?
	    (size_t)store_count(&ui->st) : ui->v.n, UI_CHART_SYNC)) {
		ui_chart_count(ui, k, NULL);
		ui_chart_take(ui, c, k);
		return;
	}
	c->counting = true;
	ui_job_call(ui, "charting", 0, ui_chart_job, ui_chart_done, k);
}

/* Round v up to a round number for a scale (0 stays 0). */
static double
ui_chart_nice(double v)
{
	static const double	 m[] = { 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10 };
	double			 p = 1;
	size_t			 i;

	if (v <= 0)
		return (0);
	while (p * 10 < v)
		p *= 10;
	while (p > v && p > 1e-3)
		p /= 10;
	for (i = 0; i < sizeof m / sizeof m[0]; i++)
		if (v <= m[i] * p)
			return (m[i] * p);
	return (10 * p);
}

/* Bits in n: a log scale without libm. */
static int
ui_chart_bits(uint32_t n)
{
	int	 b = 0;

	while (n != 0) {
		b++;
		n >>= 1;
	}
	return (b);
}

/* A compact scale label: 950, 1.5k, 20k, 3M; ms as 500ms, 1.5s. */
static void
ui_chart_scale(char *out, size_t size, double v, bool ms)
{
	const char	*u = ms ? "ms" : "";

	if (ms && v >= 1000) {
		v /= 1000;
		u = "s";
	} else if (!ms && v >= 1e6) {
		v /= 1e6;
		u = "M";
	} else if (!ms && v >= 1e3) {
		v /= 1e3;
		u = "k";
	}
	if (v != (double)(long long)v && v < 10)
		snprintf(out, size, "%.1f%s", v, u);
	else
		snprintf(out, size, "%.0f%s", v, u);
}

/* Columns per bucket and buckets shown, for the plot width. */
static void
ui_chart_cols(const struct ui *ui, const struct ui_chart *c, int *cw,
    size_t *nv)
{
	int	 w = ui_chart_plotw(ui);

	*cw = c->tl.n == 0 ? 1 : w / (int)(c->tl.n < (size_t)w ? c->tl.n :
	    (size_t)w);
	if (*cw > UI_CHART_MAXCW)
		*cw = UI_CHART_MAXCW;
	if (*cw < 1)
		*cw = 1;
	*nv = (size_t)(w / *cw);
	if (*nv > c->tl.n)
		*nv = c->tl.n;
}

/* Keep the cursor's bucket on the screen. */
static void
ui_chart_scroll(struct ui_chart *c, size_t nv)
{
	if (nv == 0)
		return;
	if (c->cursor < c->left)
		c->left = c->cursor;
	if (c->cursor >= c->left + nv)
		c->left = c->cursor - nv + 1;
	if (c->left + nv > c->tl.n)
		c->left = c->tl.n - nv;
}

/* Draw one cell of a bar: level eighths filled from the bottom. */
static void
ui_chart_cell(struct ui *ui, int y, int x, int cw, int fill, int cls,
    bool cur)
{
	const char	*g;
	int		 attr = fill > 0 ? ui_attr(ui, cls) : UI_AT_NORMAL, k;

	if (fill > 8)
		fill = 8;
	if (fill < 0)
		fill = 0;
	g = ui_spark_glyph(ui, (unsigned)fill);
	if (cur)
		attr |= UI_AT_REVERSE;
	for (k = 0; k < cw - (cw >= 3); k++)
		ui_draw_str(ui, y, x + k, 1, g, attr);
	if (cw >= 3 && cur)
		ui_draw_str(ui, y, x + cw - 1, 1, " ", UI_AT_REVERSE);
}

/* The scale labels of a panel of h rows at y with maximum max. */
static void
ui_chart_gutter(struct ui *ui, int y, int h, double max, bool ms)
{
	char	 lab[32];
	int	 k;

	for (k = 0; k < h; k++) {
		lab[0] = '\0';
		if (k == 0)
			ui_chart_scale(lab, sizeof lab, max, ms);
		else if (h >= 4 && h % 2 == 0 && k == h / 2)
			ui_chart_scale(lab, sizeof lab, max / 2, ms);
		else if (k == h - 1)
			snprintf(lab, sizeof lab, "0");
		if (lab[0] != '\0')
			ui_draw_str(ui, y + k, UI_CHART_GUTTER - 2 -
			    (int)strlen(lab), (int)strlen(lab), lab,
			    ui_attr(ui, UI_C_DIM));
		ui_draw_str(ui, y + k, UI_CHART_GUTTER - 1, 1,
		    ui_glyph(ui, UI_G_VLINE), ui_attr(ui, UI_C_DIM));
	}
}

/* Cells of h that n of max fill (at least one when n is not 0). */
static int
ui_chart_cells(uint64_t n, double max, int h)
{
	int	 k;

	if (n == 0 || max <= 0)
		return (0);
	k = (int)((double)n * h / max + 0.5);
	return (k < 1 ? 1 : k);
}

/* The hits panel: bars stacked 5xx, 4xx, the rest, from the bottom. */
static void
ui_chart_hits(struct ui *ui, struct ui_chart *c, int y, int h, int cw,
    size_t nv)
{
	const struct timeline_bucket	*b;
	double				 max = 0;
	size_t				 i;
	int				 x, k, level, cls, c5, c4;

	for (i = 0; i < c->tl.n; i++)
		if ((double)c->tl.b[i].hits > max)
			max = (double)c->tl.b[i].hits;
	max = ui_chart_nice(max);
	ui_chart_gutter(ui, y, h, max, false);
	for (i = c->left; i < c->left + nv; i++) {
		b = &c->tl.b[i];
		x = UI_CHART_GUTTER + (int)(i - c->left) * cw;
		level = max > 0 ? (int)((double)b->hits * h * 8 / max + 0.5) :
		    0;
		if (b->hits > 0 && level == 0)
			level = 1;
		/* Cells per class from the bottom; a class seen gets one. */
		c5 = ui_chart_cells(b->e5xx, max, h);
		c4 = ui_chart_cells(b->e5xx + b->e4xx, max, h) - c5;
		if (b->e4xx > 0 && c4 < 1)
			c4 = 1;
		for (k = 0; k < h; k++) {
			cls = k < c5 ? UI_C_5XX : k < c5 + c4 ? UI_C_4XX :
			    UI_C_2XX;
			ui_chart_cell(ui, y + h - 1 - k, x, cw, level - k * 8,
			    cls, i == c->cursor);
		}
	}
}

/* The latency panel: p95 bars, the average as a dot. */
static void
ui_chart_latency(struct ui *ui, struct ui_chart *c, int y, int h, int cw,
    size_t nv)
{
	const struct timeline_bucket	*b;
	double				 max = 0, avg;
	size_t				 i;
	int				 x, k, level, ra, attr;

	for (i = 0; i < c->tl.n; i++) {
		b = &c->tl.b[i];
		if (b->hits == 0)
			continue;
		if ((double)b->p95 > max)
			max = (double)b->p95;
		if (b->lat_sum / (double)b->hits > max)
			max = b->lat_sum / (double)b->hits;
	}
	max = ui_chart_nice(max);
	ui_chart_gutter(ui, y, h, max, true);
	for (i = c->left; i < c->left + nv; i++) {
		b = &c->tl.b[i];
		x = UI_CHART_GUTTER + (int)(i - c->left) * cw;
		level = max > 0 && b->p95 > 0 ? (int)((double)b->p95 * h * 8 /
		    max + 0.5) : 0;
		for (k = 0; k < h; k++)
			ui_chart_cell(ui, y + h - 1 - k, x, cw, level - k * 8,
			    UI_C_NUMBER, i == c->cursor);
		if (b->hits == 0 || max <= 0)
			continue;
		avg = b->lat_sum / (double)b->hits;
		ra = (int)(avg * h / max);
		if (ra >= h)
			ra = h - 1;
		attr = ui_attr(ui, UI_C_MARK);
		if (i == c->cursor)
			attr |= UI_AT_REVERSE;
		ui_draw_str(ui, y + h - 1 - ra, x, 1, ui->utf8 ?
		    "\xe2\x97\x8f" : "o", attr);
	}
}

/* A band's lower bound as a label: 0ms, 500ms, 2s. */
static void
ui_chart_band(char *out, size_t size, int band)
{
	int64_t	 ms = timeline_bands[band];

	if (ms >= 1000)
		snprintf(out, size, "%llds", (long long)(ms / 1000));
	else
		snprintf(out, size, "%lldms", (long long)ms);
}

/* The heatmap: a row per latency band (slowest on top), shaded by count. */
static void
ui_chart_heat(struct ui *ui, struct ui_chart *c, int y, int h, int cw,
    size_t nv)
{
	static const char	*utf8[5] = { " ", "\xe2\x96\x91",
				    "\xe2\x96\x92", "\xe2\x96\x93",
				    "\xe2\x96\x88" };
	static const char	*ascii[5] = { " ", ".", ":", "+", "#" };
	const struct timeline_bucket	*b;
	uint32_t		 max = 0, n;
	char			 lab[32];
	size_t			 i;
	int			 band, row, x, k, level, cls, attr, rp;

	for (i = 0; i < c->tl.n; i++)
		for (band = 0; band < TIMELINE_NBANDS; band++)
			if (c->tl.b[i].band[band] > max)
				max = c->tl.b[i].band[band];
	rp = h / TIMELINE_NBANDS > 0 ? h / TIMELINE_NBANDS : 1;
	for (row = 0; row < h && row / rp < TIMELINE_NBANDS; row++) {
		band = TIMELINE_NBANDS - 1 - row / rp;
		ui_chart_band(lab, sizeof lab, band);
		if (row % rp == rp - 1)
			ui_draw_str(ui, y + row, UI_CHART_GUTTER - 2 -
			    (int)strlen(lab), (int)strlen(lab), lab,
			    ui_attr(ui, UI_C_DIM));
		ui_draw_str(ui, y + row, UI_CHART_GUTTER - 1, 1,
		    ui_glyph(ui, UI_G_VLINE), ui_attr(ui, UI_C_DIM));
		cls = timeline_bands[band] >= 1000 ? UI_C_5XX :
		    timeline_bands[band] >= 200 ? UI_C_4XX : UI_C_2XX;
		for (i = c->left; i < c->left + nv; i++) {
			b = &c->tl.b[i];
			n = b->band[band];
			x = UI_CHART_GUTTER + (int)(i - c->left) * cw;
			/* Log scale: one record shows, the busiest is full. */
			level = 0;
			if (n > 0)
				level = max <= 1 ? 4 : 1 + 3 *
				    (ui_chart_bits(n) - 1) /
				    (ui_chart_bits(max) - 1 > 0 ?
				    ui_chart_bits(max) - 1 : 1);
			if (level > 4)
				level = 4;
			attr = level > 0 ? ui_attr(ui, cls) : UI_AT_NORMAL;
			if (i == c->cursor)
				attr |= UI_AT_REVERSE;
			for (k = 0; k < cw - (cw >= 3); k++)
				ui_draw_str(ui, y + row, x + k, 1, ui->utf8 ?
				    utf8[level] : ascii[level], attr);
			if (cw >= 3 && i == c->cursor)
				ui_draw_str(ui, y + row, x + cw - 1, 1, " ",
				    UI_AT_REVERSE);
		}
	}
}

/* "HH:MM" of a wall time, or "MM-DD" at midnight and for day buckets. */
static void
ui_chart_label(const struct ui_chart *c, int64_t wall, char *out,
    size_t size)
{
	char	 t[TIMEFMT_MAX];

	timefmt_rfc3339(t, sizeof t, wall, 0, 0);
	if (c->tl.step == TIMELINE_DAY || wall % 86400 == 0)
		snprintf(out, size, "%.5s", t + 5);
	else
		snprintf(out, size, "%.5s", t + 11);
}

/* The time axis: a label every few buckets, on round bucket numbers. */
static void
ui_chart_axis(struct ui *ui, struct ui_chart *c, int y, int cw, size_t nv)
{
	static const int	 every[] = { 1, 2, 3, 4, 6, 12, 24, 48, 96, 144,
				    288, 576, 1440 };
	char			 lab[32];
	size_t			 i;
	int			 k = 1, j, x, cx, last = -1;

	for (j = 0; j < (int)(sizeof every / sizeof every[0]); j++) {
		k = every[j];
		if (k * cw >= 7)
			break;
	}
	ui_draw_str(ui, y, UI_CHART_GUTTER - 1, 1, ui->utf8 ?
	    "\xe2\x94\x94" : "+", ui_attr(ui, UI_C_DIM));
	cx = UI_CHART_GUTTER + (int)(c->cursor - c->left) * cw;
	for (i = c->left; i < c->left + nv; i++) {
		x = UI_CHART_GUTTER + (int)(i - c->left) * cw;
		if ((c->tl.b[i].wall / c->tl.size) % k != 0 || x <= last ||
		    (cx >= x && cx < x + 5))
			continue;
		ui_chart_label(c, c->tl.b[i].wall, lab, sizeof lab);
		if (x + 5 > ui->cols)
			break;
		ui_draw_str(ui, y, x, 5, lab, ui_attr(ui, UI_C_DIM));
		last = x + 5;
	}
	/* The cursor: a mark under its bucket, the info line's first. */
	ui_draw_str(ui, y, cx, 1, ui_glyph(ui, UI_G_UP), UI_AT_BOLD);
}

/* The info line: the cursor bucket's numbers. */
static void
ui_chart_info(struct ui *ui, struct ui_chart *c, int y)
{
	const struct timeline_bucket	*b = &c->tl.b[c->cursor];
	char				 t1[TIMEFMT_MAX], t2[TIMEFMT_MAX];
	char				 n[5][32];
	struct buf			 line;

	buf_init(&line);
	timefmt_rfc3339(t1, sizeof t1, b->wall, 0, 0);
	timefmt_rfc3339(t2, sizeof t2, b->wall + c->tl.size, 0, 0);
	if (c->tl.step == TIMELINE_DAY)
		buf_printf(&line, "%s%.10s", ui_glyph(ui, UI_G_UP), t1);
	else
		buf_printf(&line, "%s%.10s %.5s%s%.5s", ui_glyph(ui, UI_G_UP),
		    t1, t1 + 11, ui_glyph(ui, UI_G_DASH), t2 + 11);
	buf_printf(&line, " %s", c->zone);
	ui_frame_num(n[0], sizeof n[0], b->hits);
	ui_frame_num(n[1], sizeof n[1], b->e4xx);
	ui_frame_num(n[2], sizeof n[2], b->e5xx);
	buf_printf(&line, "  hits %s  4xx %s  5xx %s", n[0], n[1], n[2]);
	if (b->hits > 0) {
		ui_frame_num(n[3], sizeof n[3], (uint64_t)(b->lat_sum /
		    (double)b->hits + 0.5));
		ui_frame_num(n[4], sizeof n[4], (uint64_t)b->p95);
		buf_printf(&line, "  avg %sms  p95 %sms", n[3], n[4]);
		ui_frame_num(n[3], sizeof n[3], (uint64_t)b->lat_max);
		if ((int)ui_text_width(ui, line.data, line.len) + 10 +
		    (int)strlen(n[3]) <= ui->cols)
			buf_printf(&line, "  max %sms", n[3]);
	}
	ui_draw_text(ui, y, 0, ui->cols, line.data, line.len, UI_AT_BOLD);
	buf_clear(&line);
}

/* The title line: scope, bucket size, zone. */
static void
ui_chart_title(struct ui *ui, struct ui_chart *c, int y)
{
	struct buf	 t;
	char		 n[32];

	buf_init(&t);
	buf_printf(&t, " %s  ", c->heat ? "Heatmap" : "Traffic");
	ui_frame_num(n, sizeof n, c->records);
	buf_printf(&t, "%s records, ", n);
	if (c->tl.outside > 0) {
		ui_frame_num(n, sizeof n, c->tl.outside);
		buf_printf(&t, "%s not charted, ", n);
	}
	if (c->scope == UI_CHART_ROW && ui->chart_row != NULL) {
		buf_adds(&t, "row ");
		render_safe(&t, ui->chart_row, strlen(ui->chart_row), 0);
	} else if (c->scope == UI_CHART_FILTER && ui->filter != NULL) {
		buf_adds(&t, "filter ");
		render_safe(&t, ui->filter, strlen(ui->filter), 0);
	} else
		buf_adds(&t, c->scope == UI_CHART_FILTER && ui->v.since ==
		    INT64_MIN && ui->v.until == INT64_MAX ? "no filter" :
		    ui_chart_scopes[c->scope]);
	if (c->scope == UI_CHART_FILTER && ui->range_label != NULL) {
		buf_adds(&t, " range ");
		buf_adds(&t, ui->range_label);
	}
	if (c->tl.n > 0) {
		ui_frame_num(n, sizeof n, c->tl.n);
		buf_printf(&t, "  %s bucket%s of %s%s  %s", n,
		    c->tl.n == 1 ? "" : "s", timeline_step_name(c->tl.step),
		    c->step < 0 ? " (auto)" : "", c->zone);
	}
	ui_draw_text(ui, y, 0, ui->cols, t.data, t.len, ui_attr(ui,
	    UI_C_TITLE));
	buf_clear(&t);
}

/* Draw the Chart screen. */
static void
ui_chart_draw(struct ui *ui)
{
	struct ui_chart	*c = ui_chart_get(ui);
	const char	*blk = ui->utf8 ? "\xe2\x96\x88" : "#";
	char		 leg[128];
	int		 y = 2, avail, h1, h2, cw, x;
	size_t		 nv;

	ui_chart_update(ui, c, false, 0);
	ui_frame_header(ui);
	ui_chart_title(ui, c, 1);
	if (c->tl.n == 0) {
		ui_draw_str(ui, 3, 2, ui->cols - 2,
		    c->scope == UI_CHART_FILTER ? "no record matches the "
		    "filter (a: all records)" : "no records",
		    ui_attr(ui, UI_C_DIM));
		ui_frame_bottom(ui);
		return;
	}
	ui_chart_cols(ui, c, &cw, &nv);
	ui_chart_scroll(c, nv);
	/* Header, title, axis, info, bottom; a title line per panel. */
	avail = ui->lines - 5;
	if (c->heat) {
		snprintf(leg, sizeof leg, " records per %s and latency band "
		    "(log shade; ms, lower bounds)", timeline_step_name(
		    c->tl.step));
		ui_draw_str(ui, y++, 0, ui->cols, leg, ui_attr(ui, UI_C_DIM));
		h1 = avail - 1;
		if (h1 > TIMELINE_NBANDS)
			h1 = h1 / TIMELINE_NBANDS * TIMELINE_NBANDS;
		if (h1 > 0)
			ui_chart_heat(ui, c, y, h1, cw, nv);
		y += h1 > 0 ? h1 : 0;
	} else {
		h1 = (avail - 2) * 3 / 5;
		h2 = avail - 2 - h1;
		snprintf(leg, sizeof leg, " hits per %s", timeline_step_name(
		    c->tl.step));
		ui_draw_str(ui, y, 0, ui->cols, leg, ui_attr(ui, UI_C_DIM));
		x = (int)strlen(leg) + 2;
		snprintf(leg, sizeof leg, "%s 2xx/3xx", blk);
		ui_draw_str(ui, y, x, 9, leg, ui_attr(ui, UI_C_2XX));
		snprintf(leg, sizeof leg, "%s 4xx", blk);
		ui_draw_str(ui, y, x + 11, 5, leg, ui_attr(ui, UI_C_4XX));
		snprintf(leg, sizeof leg, "%s 5xx", blk);
		ui_draw_str(ui, y, x + 18, 5, leg, ui_attr(ui, UI_C_5XX));
		y++;
		if (h1 > 0)
			ui_chart_hits(ui, c, y, h1, cw, nv);
		y += h1 > 0 ? h1 : 0;
		snprintf(leg, sizeof leg, " latency ms   bars p95, %s average",
		    ui->utf8 ? "\xe2\x97\x8f" : "o");
		ui_draw_str(ui, y++, 0, ui->cols, leg, ui_attr(ui, UI_C_DIM));
		if (h2 > 0)
			ui_chart_latency(ui, c, y, h2, cw, nv);
		y += h2 > 0 ? h2 : 0;
	}
	ui_chart_axis(ui, c, y++, cw, nv);
	ui_chart_info(ui, c, y);
	ui_frame_bottom(ui);
}

/* Enter: narrow the time range to the cursor's bucket, show records. */
static unsigned
ui_chart_enter(struct ui *ui, struct ui_chart *c)
{
	const struct timeline_bucket	*b;
	char				 t1[TIMEFMT_MAX], t2[TIMEFMT_MAX];
	char				*f;
	int64_t				 since, until;
	struct buf			 fb;

	if (c->tl.n == 0)
		return (0);
	b = &c->tl.b[c->cursor];
	ui_job_stash(ui);
	since = b->since * 1000000000;
	until = b->until * 1000000000;
	if (c->scope == UI_CHART_ALL) {
		/* What the chart counted: every record, none hidden. */
		ui_apply_filter(ui, NULL);
	} else {
		if (ui->v.since > since)
			since = ui->v.since;
		if (ui->v.until < until)
			until = ui->v.until;
	}
	if (c->scope == UI_CHART_ROW && ui->chart_row != NULL) {
		buf_init(&fb);
		if (ui->filter != NULL) {
			buf_adds(&fb, ui->filter);
			buf_addc(&fb, ' ');
		}
		buf_adds(&fb, ui->chart_row);
		f = xstrdup(fb.data);
		buf_clear(&fb);
		if (ui_apply_filter(ui, f) != 0) {
			ui_message(ui, "chart: %s", ui->filter_err);
			free(f);
			return (UI_REDRAW);
		}
		free(f);
	}
	view_set_range(&ui->v, since, until);
	ui_job_rebuild(ui);
	free(ui->range_label);
	timefmt_rfc3339(t1, sizeof t1, b->wall, 0, 0);
	timefmt_rfc3339(t2, sizeof t2, b->wall + c->tl.size, 0, 0);
	xasprintf(&ui->range_label, "%.10s %.5s%s%.5s %s", t1, t1 + 11,
	    ui_glyph(ui, UI_G_DASH), c->tl.step == TIMELINE_DAY ? "24:00" :
	    t2 + 11, c->zone);
	ui->screen = UI_RECORDS;
	ui->spark_n = SIZE_MAX;
	view_home(&ui->v);
	return (UI_REDRAW);
}

/* Move the cursor to bucket i (clamped). */
static void
ui_chart_move(struct ui_chart *c, long d)
{
	long	 i = (long)c->cursor + d;

	if (c->tl.n == 0)
		return;
	if (i < 0)
		i = 0;
	if (i >= (long)c->tl.n)
		i = (long)c->tl.n - 1;
	c->cursor = (size_t)i;
	c->at_end = c->cursor + 1 == c->tl.n;
}

/* A finer (d < 0) or coarser bucket size, the cursor kept in time. */
static unsigned
ui_chart_zoom(struct ui *ui, struct ui_chart *c, int d)
{
	int64_t	 at = c->tl.n > 0 ? c->tl.b[c->cursor].since : 0;
	int	 s = (c->step >= 0 ? c->step : (int)c->tl.step) + d;

	if (s < 0 || s >= TIMELINE_NSTEPS) {
		ui_message(ui, "buckets of %s are the %s", timeline_step_name(
		    s < 0 ? 0 : TIMELINE_NSTEPS - 1), s < 0 ? "finest" :
		    "coarsest");
		return (UI_REDRAW);
	}
	c->step = s;
	ui_chart_update(ui, c, true, at);
	return (UI_REDRAW);
}

/* Handle an action on the Chart screen. */
static unsigned
ui_chart_action(struct ui *ui, enum ui_action a)
{
	struct ui_chart	*c = ui_chart_get(ui);
	int		 cw;
	size_t		 nv;

	ui_chart_cols(ui, c, &cw, &nv);
	switch (a) {
	case UI_A_BACK:
	case UI_A_ESCAPE:
		ui->screen = UI_RECORDS;
		break;
	case UI_A_LEFT:
		ui_chart_move(c, -1);
		break;
	case UI_A_RIGHT:
		ui_chart_move(c, 1);
		break;
	case UI_A_HOUR_PREV:
		ui_chart_move(c, -(long)(nv > 1 ? nv - 1 : 1));
		break;
	case UI_A_HOUR_NEXT:
		ui_chart_move(c, (long)(nv > 1 ? nv - 1 : 1));
		break;
	case UI_A_TOP:
		ui_chart_move(c, -(long)c->tl.n);
		break;
	case UI_A_BOTTOM:
		ui_chart_move(c, (long)c->tl.n);
		break;
	case UI_A_FINER:
		return (ui_chart_zoom(ui, c, -1));
	case UI_A_COARSER:
		return (ui_chart_zoom(ui, c, 1));
	case UI_A_CHART_VIEW:
		c->heat = !c->heat;
		break;
	case UI_A_CHART_SCOPE:
		do
			c->scope = (c->scope + 1) % UI_CHART_NSCOPES;
		while (c->scope == UI_CHART_ROW && !ui_chart_row(ui, c));
		c->at_end = true;
		c->step = -1;
		ui_message(ui, "chart of %s", ui_chart_scopes[c->scope]);
		break;
	case UI_A_CHART_ROW:
		/* Set by the Aggregates screen: chart that row. */
		c->scope = ui->chart_row != NULL ? UI_CHART_ROW :
		    UI_CHART_FILTER;
		c->at_end = true;
		c->step = -1;
		break;
	case UI_A_ENTER:
		return (ui_chart_enter(ui, c));
	case UI_A_FILTER:
		ui->screen = UI_RECORDS;
		return (ui_screen_ops(UI_RECORDS)->action(ui, a));
	case UI_A_FILTER_CLEAR:
		return (ui_screen_ops(UI_RECORDS)->action(ui, a));
	default:
		return (0);
	}
	return (UI_REDRAW);
}

const struct ui_screen_ops ui_chart_screen = {
	.title = "Chart",
	.draw = ui_chart_draw,
	.action = ui_chart_action
};
