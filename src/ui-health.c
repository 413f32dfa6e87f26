/* SPDX-License-Identifier: ISC */
/*
 * The Health screen: for each live Redis source its connection state and,
 * per watched key, the list depth, TTL, age of the oldest and newest
 * record (an old head means a stuck pump), records seen, bad records,
 * gaps, drains seen and the inferred pump drain period.  Other sources
 * show their one-line description, and their health JSON if they have
 * any.  A source whose keys are on several nodes (a Redis Cluster) adds a
 * line per node: its address, role, link and how many keys it serves.  Read fresh on every draw; the loop redraws live screens often.
 */
#include "config.h"

#include "ui-health.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "render.h"
#include "source-redis.h"
#include "source.h"
#include "ui-curses.h"
#include "ui-draw.h"
#include "ui-frame.h"
#include "ui-lines.h"

#define UI_HEALTH_STUCK	60.0	/* s: an older head suggests no pump */
#define UI_HEALTH_DRAINS 3.0	/* drain periods: an older head, stuck */

/*
 * Is the pump draining key h stuck?  Its oldest record is much older
 * than the drain period (three periods and 5 s of slack), or, with no
 * drain seen yet, over a minute old.
 */
static bool
ui_health_stuck(const struct source_redis_health *h)
{
	if (!h->exists || h->skipped || h->oldest_age < 0 || h->length <= 0)
		return (false);
	if (h->drain_period > 0)
		return (h->oldest_age > UI_HEALTH_DRAINS * h->drain_period +
		    5);
	return (h->oldest_age > UI_HEALTH_STUCK);
}

/* Format seconds compactly ("-" when unknown). */
static void
ui_health_age(char *out, size_t size, double s)
{
	if (s < 0)
		snprintf(out, size, "-");
	else if (s < 120)
		snprintf(out, size, "%.1fs", s);
	else if (s < 7200)
		snprintf(out, size, "%.0fm", s / 60);
	else
		snprintf(out, size, "%.0fh", s / 3600);
}

/*
 * A line per node when the keys are spread over several (a cluster):
 * address, role, link state and the number of watched keys on it.
 */
static int
ui_health_nodes(struct ui *ui, const struct source_redis_health *h,
    size_t n, int y)
{
	char	 t[256];
	size_t	 i, j, keys;
	bool	 seen, several = false;

	for (i = 1; i < n; i++)
		if (strcmp(h[i].node, h[0].node) != 0)
			several = true;
	if (!several)
		return (y);
	for (i = 0; i < n && y < ui->lines - 1; i++) {
		for (j = 0, seen = false; j < i; j++)
			if (strcmp(h[j].node, h[i].node) == 0)
				seen = true;
		if (seen || h[i].node[0] == '\0')
			continue;
		for (j = i, keys = 0; j < n; j++)
			if (strcmp(h[j].node, h[i].node) == 0)
				keys++;
		snprintf(t, sizeof t, "  node %-28.28s %-7s %-4s %zu key%s",
		    h[i].node, h[i].role, h[i].link_up ? "up" : "down", keys,
		    keys == 1 ? "" : "s");
		ui_draw_str(ui, y++, 0, ui->cols, t, h[i].link_up ?
		    UI_AT_NORMAL : ui_attr(ui, UI_C_5XX));
	}
	return (y);
}

/* One Redis source: state line, titles, a line per key. */
static int
ui_health_redis(struct ui *ui, struct source *s, int y)
{
	const struct source_redis_health	*h;
	struct buf				 b;
	char					 t[256], o[16], nw[16];
	char					 dp[16], ttl[32];
	char					 ln[32], sn[32], rt[32];
	size_t					 n, i, absent = 0;
	int					 kw, attr;

	buf_init(&b);
	buf_printf(&b, "%s  ", s->arg);
	buf_adds(&b, source_redis_state(s));
	ui_draw_text(ui, y++, 0, ui->cols, b.data, b.len, UI_AT_BOLD);
	buf_clear(&b);
	kw = ui->cols - 1 - (8 + 7 + 8 + 8 + 9 + 6 + 6 + 7 + 8 + 8 + 6);
	if (kw < 12)
		kw = 12;
	snprintf(t, sizeof t, "%-*s %7s %6s %7s %7s %8s %7s %5s %5s %6s %7s",
	    kw, "KEY", "LEN", "TTL", "OLDEST", "NEWEST", "SEEN", "RATE/s",
	    "BAD", "GAPS", "DRAINS", "PERIOD");
	ui_draw_str(ui, y++, 0, ui->cols, t, ui_attr(ui, UI_C_TITLE));
	h = source_redis_health(s, &n);
	for (i = 0; i < n && y < ui->lines - 1; i++) {
		if (!h[i].exists) {
			absent++;
			continue;
		}
		buf_init(&b);
		render_safe(&b, h[i].key, strlen(h[i].key), 0);
		attr = h[i].skipped ? ui_attr(ui, UI_C_DIM) : UI_AT_NORMAL;
		ui_draw_text(ui, y, 0, kw, b.data, b.len, attr);
		buf_clear(&b);
		if (h[i].skipped) {
			snprintf(t, sizeof t, "(skipped: a %s, not a list)",
			    h[i].type != NULL ? h[i].type : "?");
			ui_draw_str(ui, y++, kw + 1, ui->cols - kw - 1, t,
			    attr);
			continue;
		}
		ui_health_age(o, sizeof o, h[i].oldest_age);
		ui_health_age(nw, sizeof nw, h[i].newest_age);
		ui_health_age(dp, sizeof dp, h[i].drain_period);
		if (h[i].ttl >= 0)
			snprintf(ttl, sizeof ttl, "%llds", (long long)h[i].ttl);
		else
			snprintf(ttl, sizeof ttl, "-");
		ui_frame_num(ln, sizeof ln, h[i].length > 0 ?
		    (uint64_t)h[i].length : 0);
		ui_frame_num(sn, sizeof sn, h[i].seen);
		if (h[i].rate > 0)
			snprintf(rt, sizeof rt, "%.1f", h[i].rate);
		else
			snprintf(rt, sizeof rt, "-");
		snprintf(t, sizeof t, "%7s %6s %7s %7s %8s %7s %5llu %5llu "
		    "%6llu %7s%s", ln, ttl, o, nw, sn, rt,
		    (unsigned long long)h[i].bad,
		    (unsigned long long)h[i].gaps,
		    (unsigned long long)h[i].drains, dp,
		    ui_health_stuck(&h[i]) ? " STUCK" : "");
		ui_draw_str(ui, y++, kw + 1, ui->cols - kw - 1, t,
		    ui_health_stuck(&h[i]) ? ui_attr(ui, UI_C_ERROR) |
		    UI_AT_BOLD : (h[i].gaps > 0 ? ui_attr(ui, UI_C_5XX) :
		    UI_AT_NORMAL));
	}
	if (absent > 0 && y < ui->lines - 1) {
		snprintf(t, sizeof t, "%zu more watched key%s absent", absent,
		    absent == 1 ? "" : "s");
		ui_draw_str(ui, y++, 0, ui->cols, t, ui_attr(ui, UI_C_DIM));
	}
	y = ui_health_nodes(ui, h, n, y);
	if (n > 0 && y < ui->lines - 1) {
		for (i = 0; i < n; i++)
			if (ui_health_stuck(&h[i]))
				break;
		if (i < n) {
			ui_health_age(o, sizeof o, h[i].oldest_age);
			ui_health_age(dp, sizeof dp, h[i].drain_period);
			if (h[i].drain_period > 0)
				snprintf(t, sizeof t, "  is the pump stuck? "
				    "the oldest record is %s old, and it "
				    "drained every %s", o, dp);
			else
				snprintf(t, sizeof t, "  is a pump draining "
				    "this list? the oldest record is %s old",
				    o);
			ui_draw_str(ui, y++, 0, ui->cols, t,
			    ui_attr(ui, UI_C_ERROR) | UI_AT_BOLD);
		}
	}
	return (y + 1);
}

/* Draw the Health screen. */
static void
ui_health_draw(struct ui *ui)
{
	struct ui_lines	 l;
	struct buf	 b;
	size_t		 i;
	int		 y = 3;
	bool		 any = false;

	ui_frame_header(ui);
	ui_draw_str(ui, 1, 0, ui->cols, " Health", ui_attr(ui, UI_C_TITLE));
	ui_lines_init(&l);
	buf_init(&b);
	for (i = 0; i < ui->nsrcs && y < ui->lines - 1; i++) {
		if (strcmp(ui->srcs[i]->ops->name, "redis") == 0) {
			y = ui_health_redis(ui, ui->srcs[i], y);
			any = true;
			continue;
		}
		buf_reset(&b);
		if (ui->srcs[i]->ops->describe != NULL)
			ui->srcs[i]->ops->describe(ui->srcs[i], &b);
		ui_lines_reset(&l);
		ui_lines_add_safe(&l, UI_C_NORMAL, b.data == NULL ? "" : b.data,
		    b.len);
		if (ui->srcs[i]->ops->health != NULL) {
			buf_reset(&b);
			ui->srcs[i]->ops->health(ui->srcs[i], &ui->st, &b);
			ui_lines_add_safe(&l, UI_C_NORMAL, b.data == NULL ?
			    "" : b.data, b.len);
			any = true;
		}
		ui_frame_lines(ui, &l, 0, y, 0, ui->lines - 1 - y,
		    ui->cols);
		y += (int)l.n + 1;
	}
	if (!any && y < ui->lines - 1)
		ui_draw_str(ui, y, 2, ui->cols - 2, "no live Redis source: "
		    "per-key health is shown for redis:// sources",
		    ui_attr(ui, UI_C_DIM));
	ui_lines_clear(&l);
	buf_clear(&b);
	ui_frame_bottom(ui);
}

/* Handle an action on the Health screen. */
static unsigned
ui_health_action(struct ui *ui, enum ui_action a)
{
	switch (a) {
	case UI_A_BACK:
	case UI_A_ESCAPE:
		ui->screen = UI_RECORDS;
		return (UI_REDRAW);
	default:
		return (0);
	}
}

const struct ui_screen_ops ui_health_screen = {
	.title = "Health",
	.draw = ui_health_draw,
	.action = ui_health_action
};
