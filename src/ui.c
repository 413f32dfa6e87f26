/* SPDX-License-Identifier: ISC */
/*
 * The curses session and the poll loop.  One thread: each turn polls the
 * sources for at most UI_BUDGET_NS (so a large dump shows its first screen
 * at once and keeps loading between keystrokes), lets the view take in the
 * new records (or only count them while paused), draws if something
 * changed, then waits in poll() on the terminal with a timeout.  Keys are
 * read without blocking and go through the key table.
 *
 * Redraws caused by data are limited to UI_DATA_FPS a second; redraws
 * caused by keys happen at once.  A fatal error restores the terminal
 * first (the fatal hook).
 */
#include "config.h"

#include "ui.h"

#include <errno.h>
#include <langinfo.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "batch.h"
#include "log.h"
#include "options.h"
#include "record.h"
#include "render.h"
#include "source.h"
#include "timefmt.h"
#include "ui-copy.h"
#include "ui-curses.h"
#include "ui-detail.h"
#include "ui-draw.h"
#include "ui-filter.h"
#include "ui-health.h"
#include "ui-keys.h"
#include "ui-prompt.h"
#include "ui-records.h"
#include "ui-stats.h"
#include "xmalloc.h"

#define UI_BUDGET_NS	(25 * 1000000LL)	/* source polling per turn */
#define UI_POLL_MAX	4096			/* records per poll call */
#define UI_DATA_NS	(100 * 1000000LL)	/* data redraw interval */

static volatile sig_atomic_t	 ui_signalled;
static bool			 ui_curses_on;

static void	 ui_draw(struct ui *);

/* Monotonic clock in ns. */
int64_t
ui_clock(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);
}

/* Restore the terminal before a fatal message (the fatal hook). */
static void
ui_fatal_hook(void)
{
	if (ui_curses_on) {
		endwin();
		ui_curses_on = false;
	}
}

static void
ui_on_signal(int sig)
{
	(void)sig;
	ui_signalled = 1;
}

/*
 * Show a message on the bottom line until the next key (not for a time,
 * so that what is on the screen depends only on what was typed).
 */
void
ui_message(struct ui *ui, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	vsnprintf(ui->msg, sizeof ui->msg, fmt, ap);
	va_end(ap);
	ui->dirty |= UI_REDRAW;
}

/* Is the view frozen (live data only counted, not shown)? */
bool
ui_frozen(const struct ui *ui)
{
	return (ui->live && !ui->v.follow);
}

/* Initialise an empty line list. */
void
ui_lines_init(struct ui_lines *l)
{
	memset(l, 0, sizeof *l);
	buf_init(&l->text);
}

/* Empty a line list, keeping its memory. */
void
ui_lines_reset(struct ui_lines *l)
{
	buf_reset(&l->text);
	l->n = 0;
	l->nspans = 0;
}

/* Free a line list. */
void
ui_lines_clear(struct ui_lines *l)
{
	buf_clear(&l->text);
	free(l->off);
	free(l->cls);
	free(l->span0);
	free(l->nsp);
	free(l->spans);
	memset(l, 0, sizeof *l);
}

/* Add one line of text that is already safe (no newline in it). */
void
ui_lines_add(struct ui_lines *l, int cls, const char *s, size_t len)
{
	if (l->n == l->cap) {
		l->cap = l->cap == 0 ? 64 : l->cap * 2;
		l->off = xreallocarray(l->off, l->cap, sizeof *l->off);
		l->cls = xreallocarray(l->cls, l->cap, sizeof *l->cls);
		l->span0 = xreallocarray(l->span0, l->cap, sizeof *l->span0);
		l->nsp = xreallocarray(l->nsp, l->cap, sizeof *l->nsp);
	}
	l->off[l->n] = l->text.len;
	l->cls[l->n] = (uint8_t)cls;
	l->span0[l->n] = l->nspans;
	l->nsp[l->n] = 0;
	l->n++;
	buf_add(&l->text, s, len);
	buf_addc(&l->text, '\0');
}

/* Style bytes [off, off+len) of the last line added with class cls. */
void
ui_lines_add_span(struct ui_lines *l, size_t off, size_t len, int cls)
{
	if (l->n == 0)
		return;
	if (l->nspans == l->spans_cap) {
		l->spans_cap = l->spans_cap == 0 ? 64 : l->spans_cap * 2;
		l->spans = xreallocarray(l->spans, l->spans_cap,
		    sizeof *l->spans);
	}
	l->spans[l->nspans].off = (uint32_t)off;
	l->spans[l->nspans].len = (uint32_t)len;
	l->spans[l->nspans].cls = (uint8_t)cls;
	l->nspans++;
	l->nsp[l->n - 1]++;
}

/* Add untrusted text, made safe, split at newlines. */
void
ui_lines_add_safe(struct ui_lines *l, int cls, const char *s, size_t len)
{
	struct buf	 b;
	size_t		 i, start = 0;

	buf_init(&b);
	render_safe(&b, s, len, RENDER_NEWLINES | RENDER_TABS);
	for (i = 0; i <= b.len; i++) {
		if (i == b.len || b.data[i] == '\n') {
			if (i == b.len && i == start && start != 0)
				break;
			ui_lines_add(l, cls, b.data == NULL ? "" :
			    b.data + start, i - start);
			start = i + 1;
		}
	}
	buf_clear(&b);
}

/* Line i (NUL-terminated). */
const char *
ui_lines_get(const struct ui_lines *l, size_t i)
{
	return (l->text.data + l->off[i]);
}

/* Open the detail screen on record seq; pauses follow. */
void
ui_open_detail(struct ui *ui, uint64_t seq)
{
	if (store_get(&ui->st, seq) == NULL)
		return;
	ui->detail_seq = seq;
	ui->screen = UI_DETAIL;
	ui->dscroll = 0;
	ui->dlines_ok = false;
	if (ui->v.follow && ui->live)
		ui->v.follow = false;
	ui->dirty |= UI_REDRAW;
}

/*
 * Apply a filter expression (NULL or empty: none).  Returns 0 and rebuilds
 * the view, or -1 with the error in filter_err (the old filter stays).
 */
int
ui_apply_filter(struct ui *ui, const char *text)
{
	void	*c = NULL;
	char	*err = NULL;
	int	 col = 0;

	if (text != NULL && *text != '\0') {
		if (ui_filter_compile(ui, text, &c, &err, &col) != 0) {
			free(ui->filter_err);
			ui->filter_err = err;
			ui->filter_errcol = col;
			ui->dirty |= UI_REDRAW;
			return (-1);
		}
	}
	ui_filter_free(ui->filter_c);
	ui->filter_c = c;
	free(ui->filter);
	ui->filter = text != NULL && *text != '\0' ? xstrdup(text) : NULL;
	free(ui->filter_err);
	ui->filter_err = NULL;
	view_set_filter(&ui->v, c != NULL ? ui_filter_match : NULL, c);
	view_rebuild(&ui->v, &ui->st);
	ui->dirty |= UI_REDRAW;
	return (0);
}

/*
 * Poll every unfinished source for up to budget ns.  Returns true when a
 * source has more ready now.
 */
static bool
ui_poll_sources(struct ui *ui, int64_t budget)
{
	int64_t			 end = ui_clock() + budget;
	enum source_status	 ss;
	size_t			 i;
	bool			 more, any = false;

	ui->loading = false;
	do {
		more = false;
		for (i = 0; i < ui->nsrcs; i++) {
			if (ui->src_state[i] == SOURCE_EOF ||
			    ui->src_state[i] == SOURCE_ERROR)
				continue;
			ss = ui->srcs[i]->ops->poll(ui->srcs[i], &ui->st,
			    UI_POLL_MAX);
			ui->src_state[i] = ss;
			if (ss == SOURCE_MORE)
				more = true;
			else if (ss == SOURCE_ERROR)
				ui_message(ui, "%s: %s", ui->srcs[i]->arg,
				    ui->srcs[i]->error != NULL ?
				    ui->srcs[i]->error : "unusable source");
		}
		if (more)
			any = true;
	} while (more && ui_clock() < end);
	for (i = 0; i < ui->nsrcs; i++)
		if (!ui->srcs[i]->live && (ui->src_state[i] == SOURCE_MORE ||
		    ui->src_state[i] == SOURCE_IDLE))
			ui->loading = true;
	return (any);
}

/* Count new records into the per-second rate ring (record time). */
static void
ui_rate_update(struct ui *ui)
{
	const struct record	*r;
	uint64_t		 seq;
	int64_t			 sec;
	unsigned		 k;

	if (ui->rate_scanned < ui->st.first)
		ui->rate_scanned = ui->st.first;
	for (seq = ui->rate_scanned; seq < ui->st.next; seq++) {
		r = store_get(&ui->st, seq);
		if (r->flags & (REC_BAD | REC_GAP))
			continue;
		sec = r->ts / 1000000000;
		k = (unsigned)(sec & 15);
		if (ui->rate_sec[k] != sec) {
			if (ui->rate_sec[k] > sec)
				continue;
			ui->rate_sec[k] = sec;
			ui->rate_n[k] = 0;
		}
		ui->rate_n[k]++;
	}
	ui->rate_scanned = ui->st.next;
}

/* Work out the terminal size and lay the screens out again. */
static void
ui_resize(struct ui *ui)
{
	if (!ui->headless)
		getmaxyx(stdscr, ui->lines, ui->cols);
	view_set_height(&ui->v, ui_records_height(ui));
	ui->dlines_ok = false;
	ui->dirty |= UI_REDRAW;
}

/* Draw the current screen. */
static void
ui_draw(struct ui *ui)
{
	if (!ui->headless)
		erase();
	switch (ui->screen) {
	case UI_RECORDS:
		ui_records_draw(ui);
		break;
	case UI_DETAIL:
		ui_detail_draw(ui);
		break;
	case UI_STATS:
		ui_stats_draw(ui);
		break;
	case UI_HEALTH:
		ui_health_draw(ui);
		break;
	case UI_HELP:
		ui_detail_draw(ui);
		break;
	default:
		break;
	}
	if (!ui->headless)
		refresh();
}

/* Handle one key; returns reaction flags. */
static unsigned
ui_key(struct ui *ui, int ch)
{
	unsigned	 r;

	if (ch == KEY_RESIZE) {
		ui_resize(ui);
		return (UI_REDRAW);
	}
	if (ch != KEY_MOUSE)
		ui->msg[0] = '\0';
	if (ui->prompt != NULL)
		r = ui_prompt_key(ui, ch);
	else if (ui->menu != 0)
		r = ui_copy_menu_key(ui, ch);
	else
		r = ui_keys_dispatch(ui, ch);
	if (r & UI_REFILTER) {
		view_rebuild(&ui->v, &ui->st);
		ui->spark_n = SIZE_MAX;
	}
	return (r);
}

/* Set up curses on the terminal. */
static void
ui_curses_init(struct ui *ui)
{
	const char	*cs = nl_langinfo(CODESET);

	ui->utf8 = cs != NULL && (strcasecmp(cs, "UTF-8") == 0 ||
	    strcasecmp(cs, "utf8") == 0);
	initscr();
	ui_curses_on = true;
	log_set_fatal_hook(ui_fatal_hook);
	cbreak();
	noecho();
	nonl();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	ui->color = has_colors() && getenv("NO_COLOR") == NULL;
	ui_draw_init(ui);
	if (ui->mouse)
		mousemask(ALL_MOUSE_EVENTS, NULL);
	getmaxyx(stdscr, ui->lines, ui->cols);
}

/* Free everything the UI holds (not the curses session). */
static void
ui_free(struct ui *ui)
{
	size_t	 i;

	ui_prompt_free(ui);
	ui_prompt_history_clear();
	ui_stats_free(ui);
	for (i = 0; i < ui->nsrcs; i++)
		source_free(ui->srcs[i]);
	free(ui->srcs);
	free(ui->src_state);
	view_clear(&ui->v);
	ui_filter_free(ui->filter_c);
	ui_filter_free(ui->search_c);
	free(ui->filter);
	free(ui->filter_err);
	free(ui->range_label);
	free(ui->search);
	free(ui->spark);
	free(ui->spark_err);
	ui_lines_clear(&ui->dlines);
	ui_lines_clear(&ui->plines);
	store_clear(&ui->st);
}

/* Set the UI state up and open the sources; -1 on failure. */
static int
ui_setup(struct ui *ui, const struct options *o)
{
	size_t	 i;

	memset(ui, 0, sizeof *ui);
	ui->o = o;
	ui->mouse = o->mouse;
	ui->hints = true;
	ui->cols = 80;
	ui->lines = 24;
	store_init(&ui->st, o->max_records);
	view_init(&ui->v);
	ui_lines_init(&ui->dlines);
	ui_lines_init(&ui->plines);
	if (batch_open_sources(o, &ui->st, &ui->srcs, &ui->nsrcs) != 0) {
		store_clear(&ui->st);
		view_clear(&ui->v);
		return (-1);
	}
	ui->src_state = xcalloc(ui->nsrcs + 1, sizeof *ui->src_state);
	for (i = 0; i < ui->nsrcs; i++) {
		ui->src_state[i] = SOURCE_MORE;
		if (ui->srcs[i]->live)
			ui->live = true;
	}
	ui->spark_n = SIZE_MAX;
	return (0);
}

/* Run the TUI until the user quits; returns the exit status. */
int
ui_run(const struct options *o)
{
	struct ui		 ui;
	struct pollfd		 pfd;
	struct sigaction	 sa;
	int64_t			 now, last_draw = 0, wait;
	bool			 more;
	unsigned		 r;
	int			 ch, timeout;

	if (ui_setup(&ui, o) != 0)
		return (2);
	if (o->filter != NULL && ui_apply_filter(&ui, o->filter) != 0) {
		fprintf(stderr, "tykscope: --filter: %s (at column %d)\n",
		    ui.filter_err, ui.filter_errcol + 1);
		ui_free(&ui);
		return (2);
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = ui_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);

	ui_curses_init(&ui);
	ui_resize(&ui);
	/* First screen at once, even before anything is loaded. */
	ui_draw(&ui);
	last_draw = ui_clock();

	while (!ui_signalled) {
		more = ui_poll_sources(&ui, UI_BUDGET_NS);
		ui_rate_update(&ui);
		if (view_update(&ui.v, &ui.st, ui_frozen(&ui)))
			ui.dirty |= UI_REDRAW;
		if (ui.loading || ui.live)
			ui.dirty |= UI_REDRAW;	/* progress, rate */
		now = ui_clock();
		timeout = more ? 0 : (ui.live ? 100 : 500);
		if (ui.dirty & UI_REDRAW) {
			if (now - last_draw >= UI_DATA_NS) {
				ui.dirty = 0;
				ui_draw(&ui);
				last_draw = now;
			} else {
				wait = (UI_DATA_NS - (now - last_draw)) /
				    1000000;
				if (!more && wait < timeout)
					timeout = (int)wait + 1;
			}
		}

		pfd.fd = STDIN_FILENO;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, timeout) == -1 && errno != EINTR)
			break;
		r = 0;
		while ((ch = getch()) != ERR) {
			r |= ui_key(&ui, ch);
			if (r & UI_QUIT)
				break;
		}
		if (r & UI_QUIT)
			break;
		if (r & UI_REDRAW) {
			/* Keys redraw at once. */
			if (view_update(&ui.v, &ui.st, ui_frozen(&ui)))
				ui.dirty |= UI_REDRAW;
			ui.dirty = 0;
			ui_draw(&ui);
			last_draw = ui_clock();
		}
	}
	if (ui_curses_on) {
		endwin();
		ui_curses_on = false;
	}
	log_set_fatal_hook(NULL);
	ui_free(&ui);
	return (0);
}
