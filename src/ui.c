/* SPDX-License-Identifier: ISC */
/*
 * The curses session and the poll loop.  Offline sources (files, dumps,
 * stdin) are read by the loader thread (ui-load.c), which has the store
 * while this thread waits for input; live sources are polled here, each
 * turn for at most UI_BUDGET_NS.  Each turn lets the view take in the new
 * records (or only count them while paused), draws if something changed,
 * then waits in poll() on the terminal with a timeout.  Keys are read
 * without blocking and go through the key table.
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
#include "log-warn.h"
#include "options.h"
#include "record.h"
#include "source.h"
#include "timefmt.h"
#include "tz.h"
#include "ui-chart.h"
#include "ui-columns.h"
#include "ui-copy.h"
#include "ui-curses.h"
#include "ui-detail.h"
#include "ui-draw.h"
#include "ui-filter.h"
#include "ui-frame.h"
#include "ui-health.h"
#include "ui-job.h"
#include "ui-keys.h"
#include "ui-lines.h"
#include "ui-load.h"
#include "ui-palette.h"
#include "ui-prompt.h"
#include "ui-records.h"
#include "ui-stats.h"
#include "xmalloc.h"

#define UI_BUDGET_NS	(25 * 1000000LL)	/* source polling per turn */
#define UI_POLL_MAX	4096			/* records per poll call */
#define UI_DATA_NS	(100 * 1000000LL)	/* data redraw interval */
#define UI_SLIDE_NS	(2000 * 1000000LL)	/* relative filter refresh */

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

/* SIGINT, SIGTERM, SIGHUP, SIGQUIT: leave the loop, restore the terminal. */
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

/*
 * Do the loaded records span more than one day in the display zone?  Then
 * times show their date (TIME and LAST columns, the sparkline range).
 */
bool
ui_spans_days(const struct ui *ui)
{
	int64_t	 a, b;

	if (ui->st.oldest_ts == INT64_MIN || ui->st.newest_ts == INT64_MIN ||
	    ui->st.oldest_ts > ui->st.newest_ts)
		return (false);
	a = ui->st.oldest_ts / 1000000000;
	b = ui->st.newest_ts / 1000000000;
	a += timefmt_zone_offset(a);
	b += timefmt_zone_offset(b);
	return (a / 86400 - (a < 0 && a % 86400 != 0) !=
	    b / 86400 - (b < 0 && b % 86400 != 0));
}

/*
 * One zone for what is shown and what is typed: --tz, else $TZ, else UTC
 * (timefmt_set_zone).  A TZ the machine cannot read is taken as UTC.
 */
static void
ui_zone(struct ui *ui)
{
	const char	*z = ui->o->tz;
	char		*why = NULL;

	if (z == NULL || *z == '\0')
		z = getenv("TZ");
	if (z != NULL && *z == ':')
		z++;
	if (z == NULL || *z == '\0' || strcmp(z, "UTC") == 0 ||
	    (ui->tz = tz_load(z, &why)) == NULL) {
		free(why);
		timefmt_set_zone(NULL, "UTC");
		return;
	}
	timefmt_set_zone(ui->tz, z);
}

/*
 * The state of the first live source that is not connected ("connecting",
 * "...; reconnecting in 2 s"), or NULL when every one is (or none says).
 */
const char *
ui_disconnected(const struct ui *ui)
{
	const char	*st;
	size_t		 i;

	for (i = 0; i < ui->nsrcs; i++) {
		if (!ui->srcs[i]->live || ui->srcs[i]->ops->state == NULL)
			continue;
		st = ui->srcs[i]->ops->state(ui->srcs[i]);
		if (st != NULL && strncmp(st, "connected", 9) != 0)
			return (st);
	}
	return (NULL);
}

/* The screens, by enum ui_screen. */
static const struct ui_screen_ops *ui_screens[UI_NSCREENS] = {
	[UI_RECORDS] = &ui_records_screen,
	[UI_DETAIL] = &ui_detail_screen,
	[UI_STATS] = &ui_stats_screen,
	[UI_HEALTH] = &ui_health_screen,
	[UI_CHART] = &ui_chart_screen,
	[UI_HELP] = &ui_help_screen
};

/* The operations of screen s. */
const struct ui_screen_ops *
ui_screen_ops(enum ui_screen s)
{
	return (ui_screens[s]);
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
	ui_job_stash(ui);
	ui_filter_free(ui->filter_c);
	ui->filter_c = c;
	free(ui->filter);
	ui->filter = text != NULL && *text != '\0' ? xstrdup(text) : NULL;
	free(ui->filter_err);
	ui->filter_err = NULL;
	view_set_filter(&ui->v, c != NULL ? ui_filter_match : NULL, c);
	view_set_filter_at(&ui->v, ui_filter_match_at, ui_filter_select_at);
	ui_job_rebuild(ui);
	ui->dirty |= UI_REDRAW;
	return (0);
}

/*
 * Filter text f without part: with field true, part is a field name and
 * every plain (not negated) token on that field goes ("+" replaces its own
 * field's token); else part is a run of tokens, removed where it stands
 * whole (a drill-down replaces what the last one added).  Returns an
 * allocated string (empty when nothing is left).
 */
char *
ui_filter_without(const char *f, const char *part, bool field)
{
	struct buf	 b;
	const char	*p = f, *tok, *hit = NULL;
	size_t		 plen = strlen(part);

	buf_init(&b);
	if (!field) {
		for (p = f; (p = strstr(p, part)) != NULL; p++)
			if ((p == f || p[-1] == ' ') && (p[plen] == '\0' ||
			    p[plen] == ' ')) {
				hit = p;
				break;
			}
	}
	p = f;
	while (*p != '\0') {
		tok = p;
		if (tok == hit)
			p = tok + plen;
		else
			p = ui_filter_token_end(p);
		if (tok != hit && !(field && strncmp(tok, part, plen) == 0 &&
		    tok[plen] == ':')) {
			if (b.len > 0)
				buf_addc(&b, ' ');
			buf_add(&b, tok, (size_t)(p - tok));
		}
		while (*p == ' ')
			p++;
	}
	buf_addc(&b, '\0');
	return (buf_take(&b));
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
			    ui->src_state[i] == SOURCE_ERROR ||
			    ui_load_owns(ui->load, i))
				continue;
			ss = ui->srcs[i]->ops->poll(ui->srcs[i], &ui->st,
			    UI_POLL_MAX);
			ui->src_state[i] = ss;
			if (ss == SOURCE_MORE)
				more = true;
			else if (ss == SOURCE_ERROR)
				/* What went wrong first: the URI is long. */
				ui_message(ui, "%s (%s)", ui->srcs[i]->error !=
				    NULL ? ui->srcs[i]->error :
				    "unusable source", ui->srcs[i]->arg);
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
	const struct store_chunk	*c;
	uint64_t			 seq;
	uint32_t			 ci;
	int64_t				 sec;
	unsigned			 k;
	bool				 any = false;

	if (!ui->live)
		return;		/* shown only for live sources */
	if (ui->rate_scanned < ui->st.first)
		ui->rate_scanned = ui->st.first;
	for (seq = ui->rate_scanned; seq < ui->st.next; seq++) {
		/* The columns: the time of a wide record is its ts too. */
		c = store_chunk_of(&ui->st, seq, &ci);
		if (c->flags[ci] & (REC_BAD | REC_GAP))
			continue;
		sec = c->ts[ci] / 1000000000;
		k = (unsigned)(sec & 15);
		if (ui->rate_sec[k] != sec) {
			if (ui->rate_sec[k] > sec)
				continue;
			ui->rate_sec[k] = sec;
			ui->rate_n[k] = 0;
		}
		ui->rate_n[k]++;
		any = true;
	}
	if (any)
		ui->rate_at = ui_clock();
	ui->rate_scanned = ui->st.next;
}

/* Work out the terminal size and lay the screens out again. */
static void
ui_resize(struct ui *ui)
{
	if (!ui->headless)
		getmaxyx(stdscr, ui->lines, ui->cols);
	view_set_height(&ui->v, ui_records_screen.height(ui));
	ui->dlines_ok = ui->plines_ok = false;
	ui->dirty |= UI_REDRAW;
}

/* Draw the current screen. */
static void
ui_draw(struct ui *ui)
{
	if (!ui->headless)
		erase();
	ui_screen_ops(ui->screen)->draw(ui);
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
	if (r & UI_PALETTE)
		ui_prompt_open(ui, UI_PROMPT_COMMAND, NULL);
	if (r & UI_REFILTER)
		ui_job_rebuild(ui);
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

	ui_job_free(ui);
	ui_prompt_free(ui);
	ui_prompt_history_clear();
	ui_stats_free(ui);
	ui_chart_free(ui);
	free(ui->chart_row);
	free(ui->zone);
	ui_keys_unbind_all();
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
	free(ui->drill);
	free(ui->search);
	free(ui->spark);
	free(ui->spark_err);
	ui_lines_clear(&ui->dlines);
	ui_lines_clear(&ui->dview);
	free(ui->find);
	free(ui->find_hits);
	ui_lines_clear(&ui->plines);
	ui_lines_clear(&ui->plines2);
	store_clear(&ui->st);
	tz_free(ui->tz);
	ui->tz = NULL;
}

/* Set the UI state up and open the sources; -1 on failure. */
static int
ui_setup(struct ui *ui, const struct options *o)
{
	size_t	 i;
	char	*err;

	memset(ui, 0, sizeof *ui);
	ui->o = o;
	ui->mouse = o->mouse;
	if (o->theme != NULL)
		ui->theme = strcmp(o->theme, "monochrome") == 0 ?
		    UI_THEME_MONOCHROME : strcmp(o->theme, "light") == 0 ?
		    UI_THEME_LIGHT : strcmp(o->theme, "high-contrast") == 0 ?
		    UI_THEME_HIGH_CONTRAST : UI_THEME_DEFAULT;
	ui->hints = true;
	ui->cols = 80;
	ui->lines = 24;
	store_init(&ui->st, o->max_records);
	view_init(&ui->v);
	ui_lines_init(&ui->dlines);
	ui_lines_init(&ui->dview);
	ui_lines_init(&ui->plines);
	ui_lines_init(&ui->plines2);
	if (o->columns != NULL && ui_columns_parse(o->columns, ui->cols_v,
	    &ui->ncols, &err) != 0) {
		warnx_("--columns: %s", err);
		free(err);
		store_clear(&ui->st);
		view_clear(&ui->v);
		return (-1);
	}
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
	/* Offline sources keep every record unless told otherwise. */
	store_limit(&ui->st, options_record_limit(o, ui->live));
	ui->spark_n = SIZE_MAX;
	ui_zone(ui);
	ui_job_init(ui);
	return (0);
}

/* Append a since:/until: token for a time option to b (quoted if needed). */
static void
ui_time_token(struct buf *b, const char *name, const char *v)
{
	const char	*p;

	buf_printf(b, "%s%s:", b->len > 0 ? " " : "", name);
	if (strpbrk(v, " \"\\") == NULL) {
		buf_adds(b, v);
		return;
	}
	buf_addc(b, '"');
	for (p = v; *p != '\0'; p++) {
		if (*p == '"' || *p == '\\')
			buf_addc(b, '\\');
		buf_addc(b, *p);
	}
	buf_addc(b, '"');
}

/* The first filter: --since, --until and --filter; NULL when none. */
static char *
ui_first_filter(const struct options *o)
{
	struct buf	 b;

	buf_init(&b);
	if (o->since != NULL)
		ui_time_token(&b, "since", o->since);
	if (o->until != NULL)
		ui_time_token(&b, "until", o->until);
	if (o->filter != NULL)
		buf_printf(&b, "%s%s", b.len > 0 ? " " : "", o->filter);
	if (b.len == 0) {
		buf_clear(&b);
		return (NULL);
	}
	buf_addc(&b, '\0');
	return (buf_take(&b));
}

/*
 * Offline, relative times (since:-1h) count back from the newest record,
 * as in batch mode; that record is known only as the dump loads, so the
 * filter is anchored again while loading and once at the end.
 */
static void
ui_anchor(struct ui *ui, int64_t *anchored)
{
	if (ui->live || ui->filter_c == NULL ||
	    ui->st.newest_ts == INT64_MIN || ui->st.newest_ts == *anchored)
		return;
	*anchored = ui->st.newest_ts;
	if (ui_filter_anchor(ui->filter_c, ui->st.newest_ts)) {
		ui_job_rebuild(ui);
		ui->dirty |= UI_REDRAW;
	}
}

/* Run the TUI until the user quits; returns the exit status. */
int
ui_run(const struct options *o)
{
	struct ui		 ui;
	struct pollfd		 pfd[2];
	struct sigaction	 sa;
	int64_t			 now = 0, last_draw = 0, wait, slid = 0, start;
	int64_t			 anchored = INT64_MIN, anchor_at = 0;
	bool			 more, quit_loaded, was_loading, busy;
	unsigned		 r;
	int			 ch, timeout, rc;
	size_t			 i;
	char			*cause = NULL, *first;
	double			 loaded = -1;

	/* Hidden (tests/bench/bench-tui-load.sh): time the load, then quit. */
	quit_loaded = getenv("TYKSCOPE_UI_QUIT_LOADED") != NULL;
	start = ui_clock();
	if (ui_setup(&ui, o) != 0)
		return (2);
	for (i = 0; i < o->binds.n; i++) {
		if (ui_palette_bind_line(o->binds.v[i], &cause) != 0) {
			warnx_("%s", cause);
			free(cause);
			ui_free(&ui);
			return (2);
		}
	}
	/*
	 * --since and --until select as in batch mode: they become since:
	 * and until: tokens, so the filter line shows them and f edits them.
	 */
	first = ui_first_filter(o);
	if (first != NULL && ui_apply_filter(&ui, first) != 0) {
		warnx_("%s: %s (at column %d)", o->filter != NULL ?
		    "--filter" : "--since/--until", ui.filter_err,
		    ui.filter_errcol + 1);
		free(first);
		ui_free(&ui);
		return (2);
	}
	free(first);
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = ui_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGQUIT, &sa, NULL);

	ui_curses_init(&ui);
	ui_resize(&ui);
	/* First screen at once, even before anything is loaded. */
	ui_draw(&ui);
	last_draw = ui_clock();
	ui_job_wait(&ui);	/* the loader's first batch writes the store */
	ui.load = ui_load_start(&ui);

	while (!ui_signalled) {
		/*
		 * While a job runs (ui-job.h) nothing may write to the store:
		 * the sources wait, the loader too, and the view keeps the
		 * rows it has.
		 */
		busy = ui_job_busy(&ui);
		was_loading = ui.loading;
		more = false;
		if (!busy) {
			more = ui_poll_sources(&ui, UI_BUDGET_NS);
			/* The loader finished (maybe nothing new): say so. */
			if (was_loading && !ui.loading)
				ui.dirty |= UI_REDRAW;
			ui_rate_update(&ui);
		}
		if (!busy && (!ui.loading || now - anchor_at > UI_SLIDE_NS)) {
			anchor_at = now;
			ui_anchor(&ui, &anchored);
		}
		/* Live and since:-15m: the window slides with the clock. */
		now = ui_clock();
		if (!busy && ui.live && !ui_frozen(&ui) &&
		    now - slid > UI_SLIDE_NS) {
			slid = now;
			if (ui_filter_slide(ui.filter_c)) {
				ui_job_rebuild(&ui);
				ui.dirty |= UI_REDRAW;
			}
		}
		busy = ui_job_busy(&ui);
		if (!busy && view_update(&ui.v, &ui.st, ui_frozen(&ui)))
			ui.dirty |= UI_REDRAW;
		if (quit_loaded && !ui.loading && !more && !busy) {
			loaded = (double)(ui_clock() - start) / 1e9;
			break;
		}
		if (ui.loading || ui.live || busy)
			ui.dirty |= UI_REDRAW;	/* progress, rate */
		now = ui_clock();
		timeout = more ? 0 : (ui.live || ui.loading || busy ? 100 :
		    500);
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

		pfd[0].fd = STDIN_FILENO;
		pfd[0].events = POLLIN;
		pfd[1].fd = ui_job_fd(&ui);
		pfd[1].events = POLLIN;
		busy = ui_job_busy(&ui);
		if (!busy)
			ui_load_leave(ui.load);	/* the loader's turn */
		rc = poll(pfd, 2, timeout);
		if (!busy)
			ui_load_enter(ui.load);
		if (rc == -1 && errno != EINTR)
			break;
		/* A job ended: its result is shown, the next one starts. */
		if (ui_job_reap(&ui) & UI_REDRAW)
			ui.dirty |= UI_REDRAW;
		/* Keys act on what the loader has added meanwhile. */
		if (ui.load != NULL && !ui_job_busy(&ui) &&
		    view_update(&ui.v, &ui.st, ui_frozen(&ui)))
			ui.dirty |= UI_REDRAW;
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
			if (!ui_job_busy(&ui) &&
			    view_update(&ui.v, &ui.st, ui_frozen(&ui)))
				ui.dirty |= UI_REDRAW;
			ui.dirty = 0;
			ui_draw(&ui);
			last_draw = ui_clock();
		}
	}
	ui_job_free(&ui);		/* stops what runs */
	ui_load_stop(ui.load);
	ui.load = NULL;
	if (ui_curses_on) {
		endwin();
		ui_curses_on = false;
	}
	log_set_fatal_hook(NULL);
	if (loaded >= 0)
		fprintf(stderr, "loaded %llu records in %.3f s\n",
		    (unsigned long long)store_count(&ui.st), loaded);
	ui_free(&ui);
	return (0);
}

/*
 * Benchmark mode (TYKSCOPE_UI_BENCH=N; tests/bench/bench-tui.sh): fill the
 * store with N synthetic records, open curses on /dev/null at 200x50, and
 * time each keystroke from dispatch to the end of the redraw (refresh
 * included; whole-set work to the redraw of the job's result, and a key
 * pressed while it runs), against baselines measured in the same run: a
 * bare redraw of a full screen of text and, for whole-set work, one pass
 * reading one field of every record.  TYKSCOPE_UI_BENCH=load loads the
 * sources given instead (as the TUI does) and reports the load time and
 * the memory per record.  Prints one line per key.
 */
static void
ui_bench_fill(struct ui *ui, uint64_t n)
{
	static const char	*methods[] = { "GET", "GET", "GET", "POST",
				    "PUT", "DELETE" };
	struct record_build	 b;
	char			 t[64];
	uint64_t		 i, x = 0x2545f4914f6cdd1dULL;
	uint16_t		 src;
	int			 len;

	src = store_source_add(&ui->st, "bench", STORE_SRC_DEMO);
	record_build_init(&b);
	for (i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		record_build_reset(&b);
		b.ts_set = b.exp_set = true;
		b.ts_sec = 1709200800 + (int64_t)(i / 1000);
		b.ts_nsec = (uint32_t)(i % 1000) * 1000000;
		b.exp_sec = b.ts_sec + 86400;
		b.response_code = x % 10 == 0 ? 502 : (x % 7 == 0 ? 404 : 200);
		b.lat_total = (int64_t)(x >> 50) % 2000;
		b.lat_upstream = b.lat_total / 2;
		b.lat_gateway = b.lat_total - b.lat_upstream;
		len = snprintf(t, sizeof t, "/v1/resource%u/{id}",
		    (unsigned)(x >> 20) % 2000);
		record_build_str(&b, &ui->st, RS_PATH, t, (size_t)len);
		len = snprintf(t, sizeof t, "api-%u", (unsigned)(x >> 30) % 40);
		record_build_str(&b, &ui->st, RS_API_NAME, t, (size_t)len);
		record_build_str(&b, &ui->st, RS_API_ID, t, (size_t)len);
		record_build_str(&b, &ui->st, RS_ORG_ID, "org1", 4);
		len = snprintf(t, sizeof t, "key%08x", (unsigned)(x >> 36) %
		    20000);
		record_build_str(&b, &ui->st, RS_API_KEY, t, (size_t)len);
		len = snprintf(t, sizeof t, "10.%u.%u.%u",
		    (unsigned)(x >> 8) % 256, (unsigned)(x >> 16) % 256,
		    (unsigned)(x >> 24) % 256);
		record_build_str(&b, &ui->st, RS_IP_ADDRESS, t, (size_t)len);
		record_build_str(&b, &ui->st, RS_METHOD, methods[(x >> 40) % 6],
		    strlen(methods[(x >> 40) % 6]));
		store_add(&ui->st, &b, src, i);
	}
	record_build_clear(&b);
}

/* Thread CPU time in ns (the build machines are shared). */
static int64_t
ui_bench_cpu(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ((int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);
}

/* Feed the keys of s (C-x as "^x", Enter as "\r", PgDn as "@"). */
static void
ui_bench_feed(struct ui *ui, const char *s)
{
	const char	*p;

	for (p = s; *p != '\0'; p++) {
		if (*p == '^' && p[1] != '\0') {
			p++;
			ui_key(ui, *p & 0x1f);
		} else if (*p == '@')
			ui_key(ui, KEY_NPAGE);
		else
			ui_key(ui, (unsigned char)*p);
	}
}

/* Sort t[0..n) (few). */
static void
ui_bench_sort(double *t, int n)
{
	double	 tmp;
	int	 i, j;

	for (i = 1; i < n; i++)
		for (j = i; j > 0 && t[j - 1] > t[j]; j--) {
			tmp = t[j];
			t[j] = t[j - 1];
			t[j - 1] = tmp;
		}
}

/*
 * Feed the keys of s and time them to the end of the redraw.  Navigation
 * (scan 0) is timed in thread CPU time; whole-set work (scan > 0: the
 * one-field pass to compare with) runs on the job threads, so it is
 * timed on the wall clock to the end of the redraw of its result, and a
 * key pressed while it runs (j, then a redraw) is timed too.
 */
static double
ui_bench_keys(struct ui *ui, const char *name, const char *s, int reps,
    double base, double scan)
{
	double		 t[16], k[16], best, worst, med;
	int64_t		 t0;
	int		 r, nk = 0;

	if (reps > 16)
		reps = 16;
	for (r = 0; r < reps; r++) {
		t0 = scan > 0 ? ui_clock() : ui_bench_cpu();
		ui_bench_feed(ui, s);
		do {
			/* A screen may ask for work as it draws. */
			ui_job_wait(ui);
			view_update(&ui->v, &ui->st, ui_frozen(ui));
			ui_draw(ui);
		} while (ui_job_busy(ui));
		t[r] = (double)((scan > 0 ? ui_clock() : ui_bench_cpu()) -
		    t0) / 1e6;
	}
	ui_bench_sort(t, reps);
	best = t[0];
	worst = t[reps - 1];
	med = t[reps / 2];
	printf("  %-34s %9.2f %9.2f %9.2f %8.1fx", name, best, med, worst,
	    med / base);
	if (scan > 0)
		printf(" %7.1fx", med / scan);
	else
		printf(" %8s", "");
	printf(" %s\n", worst < 50 || scan > 0 ? "ok" : "OVER 50 ms");
	if (scan > 0) {
		/*
		 * A key while it runs: the same work again (a sort again
		 * the other way, the aggregates of the same rows).
		 */
		for (r = 0; r < reps; r++) {
			if (ui->screen == UI_STATS) {
				ui_stats_invalidate(ui);
				ui_draw(ui);
			} else
				ui_bench_feed(ui, s[strlen(s) - 1] == 's' ?
				    "s" : s);
			if (!ui_job_busy(ui)) {
				ui_job_wait(ui);
				continue;
			}
			t0 = ui_clock();
			ui_key(ui, 'j');
			ui_draw(ui);
			k[nk++] = (double)(ui_clock() - t0) / 1e6;
			do {
				ui_job_wait(ui);
				ui_draw(ui);
			} while (ui_job_busy(ui));
			ui_key(ui, 'k');
			ui_draw(ui);
		}
		if (nk > 0) {
			ui_bench_sort(k, nk);
			printf("    j while it runs: %.2f ms median, %.2f ms "
			    "worst (%d runs) %s\n", k[nk / 2], k[nk - 1], nk,
			    k[nk - 1] < 50 ? "ok" : "OVER 50 ms");
		}
	}
	fflush(stdout);
	return (med);
}

/* Anonymous resident memory (RssAnon) in KiB, or 0 if unknown. */
static long
ui_bench_anon_kb(void)
{
	FILE	*f;
	char	 line[256];
	long	 kb = 0;

	if ((f = fopen("/proc/self/status", "r")) == NULL)
		return (0);
	while (fgets(line, sizeof line, f) != NULL)
		if (sscanf(line, "RssAnon: %ld", &kb) == 1)
			break;
	fclose(f);
	return (kb);
}

/*
 * The per-operation baseline: one pass over every held record reading
 * one field (the status column), the least any whole-set operation can
 * cost.
 * Median CPU ms of five passes.
 */
static double
ui_bench_scan(struct ui *ui)
{
	const struct store_chunk	*c;
	uint32_t		 ci;
	double			 t[5], tmp;
	uint64_t		 seq, hits;
	int64_t			 t0;
	int			 i, j;

	for (i = 0; i < 5; i++) {
		t0 = ui_bench_cpu();
		hits = 0;
		for (seq = ui->st.first; seq < ui->st.next; seq++) {
			c = store_chunk_of(&ui->st, seq, &ci);
			if (c->status[ci] >= 500)
				hits++;
		}
		t[i] = (double)(ui_bench_cpu() - t0) / 1e6;
		if (hits == UINT64_MAX)
			t[i] = 0;	/* keep the loop */
	}
	for (i = 1; i < 5; i++)
		for (j = i; j > 0 && t[j - 1] > t[j]; j--) {
			tmp = t[j];
			t[j] = t[j - 1];
			t[j - 1] = tmp;
		}
	return (t[2]);
}

/* Run the benchmark; returns the exit status. */
int
ui_bench(const struct options *o)
{
	struct ui	 ui;
	SCREEN		*sc;
	FILE		*out, *in;
	uint64_t	 n;
	int64_t		 t0, c0;
	double		 base, fill, fillcpu, scan, med, t[9], tmp;
	long		 anon0, anon;
	size_t		 strs, held;
	int		 i, j, y;
	const char	*e = getenv("TYKSCOPE_UI_BENCH");

	n = strtoull(e, NULL, 10);
	anon0 = ui_bench_anon_kb();
	if (ui_setup(&ui, o) != 0)
		return (2);
	store_limit(&ui.st, 0);		/* hold all n, whatever the options */
	t0 = ui_clock();
	c0 = ui_bench_cpu();
	if (strcmp(e, "load") == 0) {
		/* The sources given, loaded as the TUI does, to the end. */
		do
			ui_poll_sources(&ui, 1000000000);
		while (ui.loading);
		n = store_count(&ui.st);
	} else
		ui_bench_fill(&ui, n);
	fill = (double)(ui_clock() - t0) / 1e9;
	fillcpu = (double)(ui_bench_cpu() - c0) / 1e9;
	anon = ui_bench_anon_kb();
	out = fopen("/dev/null", "w");
	in = fopen("/dev/null", "r");
	if (out == NULL || in == NULL)
		fatal("/dev/null");
	sc = newterm("xterm-256color", out, in);
	if (sc == NULL)
		fatalx("newterm failed");
	set_term(sc);
	ui_curses_on = true;
	log_set_fatal_hook(ui_fatal_hook);
	ui.utf8 = true;
	ui.color = has_colors();
	ui_draw_init(&ui);
	resizeterm(50, 200);
	ui.lines = 50;
	ui.cols = 200;
	t0 = ui_clock();
	view_rebuild(&ui.v, &ui.st);
	ui_resize(&ui);
	ui_draw(&ui);
	if (strcmp(e, "load") == 0)
		printf("tykscope TUI benchmark: %llu records loaded from the "
		    "sources in %.1f s (%.1f s CPU), 200x50, curses to "
		    "/dev/null\n", (unsigned long long)n, fill, fillcpu);
	else
		printf("tykscope TUI benchmark: %llu synthetic records (made in "
		    "%.1f s), 200x50, curses to /dev/null\n",
		    (unsigned long long)n, fill);
	strs = strtab_memory(&ui.st.strs);
	held = store_memory(&ui.st);
	if (n > 0)
		printf("  memory per record: %.0f B anonymous beyond the "
		    "strings (%.0f B with them; store %.0f B, strings %.1f "
		    "MiB)\n", (double)(anon - anon0) * 1024 / (double)n -
		    (double)strs / (double)n, (double)(anon - anon0) * 1024 /
		    (double)n, (double)(held - strs) / (double)n,
		    (double)strs / 1048576);
	printf("  first screen (select + sort + draw): %.1f ms\n",
	    (double)(ui_clock() - t0) / 1e6);

	/* Baseline: a bare redraw of a full screen of text. */
	for (i = 0; i < 9; i++) {
		t0 = ui_bench_cpu();
		erase();
		for (y = 0; y < 50; y++)
			mvprintw(y, 0, "%0*d", 199, y + i);
		refresh();
		t[i] = (double)(ui_bench_cpu() - t0) / 1e6;
	}
	for (i = 1; i < 9; i++)
		for (j = i; j > 0 && t[j - 1] > t[j]; j--) {
			tmp = t[j];
			t[j] = t[j - 1];
			t[j - 1] = tmp;
		}
	base = t[4];
	printf("  baseline: bare full-screen redraw %.3f ms (median)\n",
	    base);
	scan = ui_bench_scan(&ui);
	printf("  baseline for whole-set work: one pass reading every "
	    "record's status %.1f ms (%.1f ns/record)\n\n", scan,
	    n > 0 ? scan * 1e6 / (double)n : 0);
	printf("  %-34s %9s %9s %9s %9s %8s\n", "key (ms; whole-set: wall)",
	    "best", "median", "worst", "/base", "/scan");

	printf("navigation (target < 50 ms):\n");
	ui_bench_keys(&ui, "j (down)", "j", 9, base, 0);
	ui_bench_keys(&ui, "k (up, pauses)", "k", 9, base, 0);
	ui_bench_keys(&ui, "PgDn", "@", 9, base, 0);
	ui_bench_keys(&ui, "b (page up)", "b", 9, base, 0);
	ui_bench_keys(&ui, "G (bottom, follow)", "G", 9, base, 0);
	ui_bench_keys(&ui, "g (top)", "g", 9, base, 0);
	ui_bench_keys(&ui, "l (column cursor)", "l", 9, base, 0);
	ui_bench_keys(&ui, "t (time display)", "t", 9, base, 0);
	ui_bench_keys(&ui, "m (mark)", "m", 9, base, 0);
	ui_bench_keys(&ui, "e (next error)", "e", 9, base, 0);
	ui_bench_keys(&ui, "/path:/v1/resource7/ (search)",
	    "/path:/v1/resource7/\r", 5, base, 0);
	ui_bench_keys(&ui, "n (next match)", "n", 9, base, 0);
	ui_bench_keys(&ui, "Enter, q (detail and back)", "\rq", 9, base, 0);
	ui_bench_keys(&ui, "? q (help and back)", "?q", 9, base, 0);
	ui_bench_keys(&ui, "^L (redraw)", "^L", 9, base, 0);

	printf("whole-set operations (filter target < 150 ms per 1M; /scan "
	    "is against the one-field pass above):\n");
	med = ui_bench_keys(&ui, "f status:5xx (filter)", "f^Ustatus:5xx\r",
	    3, base, scan);
	printf("    (%zu records shown; %.1f ns/record)\n", ui.v.n,
	    n > 0 ? med * 1e6 / (double)n : 0);
	ui_bench_keys(&ui, "j (filtered)", "j", 9, base, 0);
	med = ui_bench_keys(&ui, "f path:~7/ (regex filter)",
	    "f^Upath:~7/\r", 3, base, scan);
	printf("    (%zu records shown; %.1f ns/record)\n", ui.v.n,
	    n > 0 ? med * 1e6 / (double)n : 0);
	ui_bench_keys(&ui, "^T (clear filter)", "^T", 3, base, scan);
	printf("    (%zu records shown)\n", ui.v.n);
	ui_bench_keys(&ui, "hhhs (sort by latency)", "hhhs", 1, base, scan);
	printf("    (sorted by %s)\n", view_col_name(ui.v.sort));
	ui_bench_keys(&ui, "s (reverse sort)", "s", 3, base, scan);
	ui_bench_keys(&ui, "j (sorted)", "j", 9, base, 0);
	ui_bench_keys(&ui, "ll (sort by path)", "lls", 1, base, scan);
	printf("    (sorted by %s)\n", view_col_name(ui.v.sort));
	ui_bench_keys(&ui, "hhhhhs (sort by time)", "hhhhhs", 1, base, scan);
	printf("    (sorted by %s)\n", view_col_name(ui.v.sort));
	ui_bench_keys(&ui, "3 (aggregates)", "3", 1, base, scan);
	ui_bench_keys(&ui, "Tab (next pane)", "\t", 3, base, 0);
	ui_bench_keys(&ui, "1 (records)", "1", 3, base, 0);
	printf("chart (buckets counted over every shown record):\n");
	ui_bench_keys(&ui, "5 (chart, first count)", "5", 1, base, scan);
	ui_bench_keys(&ui, "h (bucket cursor)", "h", 9, base, 0);
	ui_bench_keys(&ui, "- (coarser buckets)", "-", 1, base, scan);
	ui_bench_keys(&ui, "v (heatmap)", "v", 3, base, scan);
	ui_bench_keys(&ui, "a (scope: all records)", "a", 1, base, scan);
	ui_bench_keys(&ui, "q (back)", "q", 3, base, 0);

	endwin();
	ui_curses_on = false;
	log_set_fatal_hook(NULL);
	delscreen(sc);
	fclose(out);
	fclose(in);
	ui_free(&ui);
	return (0);
}
