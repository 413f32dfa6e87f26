/* SPDX-License-Identifier: ISC */
/*
 * The terminal UI: one struct ui holds the state every screen shares (the
 * store, the sources, the view, the filter, the screen size and the
 * terminal's capabilities).  ui.c owns the curses session and the poll
 * loop; the screens (ui-records.c, ui-detail.c, ui-stats.c, ui-health.c)
 * draw from this state and the key table (ui-keys.c) changes it.  Each
 * screen is a struct ui_screen_ops (ui-screen.h) that ui_screen_ops
 * returns by enum ui_screen; screens reach each other only through it.
 *
 * Nothing from a record reaches the terminal except through render_safe
 * (ui_draw_* take text that is already safe).
 */
#ifndef UI_H
#define UI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bytes.h"
#include "store.h"
#include "ui-lines.h"
#include "view.h"

struct options;
struct source;
struct ui_prompt;
struct ui_screen_ops;
struct ui_stats;
struct ui_chart;
struct ui_jobs;
struct tz;

enum ui_screen {
	UI_RECORDS,
	UI_DETAIL,
	UI_STATS,
	UI_HEALTH,
	UI_CHART,
	UI_HELP,
	UI_NSCREENS
};

/* Screen masks for the key table. */
#define UI_ON_RECORDS	(1U << UI_RECORDS)
#define UI_ON_DETAIL	(1U << UI_DETAIL)
#define UI_ON_STATS	(1U << UI_STATS)
#define UI_ON_HEALTH	(1U << UI_HEALTH)
#define UI_ON_CHART	(1U << UI_CHART)
#define UI_ON_HELP	(1U << UI_HELP)
#define UI_ON_ALL	0xffU

/* Reaction flags returned by actions. */
#define UI_REDRAW	0x1	/* draw again */
#define UI_REFILTER	0x2	/* the filter or range changed: rebuild */
#define UI_QUIT		0x4
#define UI_PALETTE	0x8	/* open the : prompt */

/* Detail tabs. */
enum ui_tab {
	UI_TAB_SUMMARY,
	UI_TAB_REQUEST,
	UI_TAB_RESPONSE,
	UI_TAB_RAW,
	UI_NTABS
};

/* Body views (v). */
enum ui_body {
	UI_BODY_PRETTY,
	UI_BODY_RAW,
	UI_BODY_HEX,
	UI_NBODY
};

/* Colour themes (--theme, theme in the configuration). */
enum ui_theme {
	UI_THEME_DEFAULT,
	UI_THEME_MONOCHROME,	/* attributes only, as NO_COLOR */
	UI_THEME_LIGHT,		/* for a light background */
	UI_THEME_HIGH_CONTRAST,	/* every colour bold */
	UI_NTHEMES
};

/* Colour classes (pairs); monochrome maps them to attributes. */
enum ui_class {
	UI_C_NORMAL,
	UI_C_HEADER,
	UI_C_TITLE,
	UI_C_2XX,
	UI_C_3XX,
	UI_C_4XX,
	UI_C_5XX,
	UI_C_GAP,
	UI_C_BAD,
	UI_C_DIM,
	UI_C_ERROR,
	UI_C_OK,
	UI_C_CURSOR,
	UI_C_MARK,
	UI_C_MATCH,
	UI_C_SPARK,
	UI_C_SPARKERR,
	UI_C_KEY,
	UI_C_STRING,
	UI_C_NUMBER,
	UI_NCLASSES
};

struct ui {
	const struct options	 *o;
	struct store		  st;
	struct source		**srcs;
	size_t			  nsrcs;
	int			 *src_state;	/* enum source_status per source */
	bool			  live;		/* some source follows new data */
	bool			  loading;	/* some offline source not done */
	struct ui_load		 *load;		/* the loader thread, or NULL */
	struct ui_jobs		 *jobs;		/* whole-set work (ui-job.c) */
	uint64_t		  selections;	/* rows selected anew so far */

	struct view		  v;
	enum ui_screen		  screen;
	enum ui_screen		  back;		/* where q goes from help */

	int			  cols, lines;
	bool			  utf8;
	bool			  color;
	enum ui_theme		  theme;
	bool			  mouse;
	bool			  hints;	/* hint line shown */
	bool			  reveal;	/* r: secrets shown */
	bool			  reltime;	/* t: relative times */
	bool			  headless;	/* benchmark: no real terminal */
	bool			  quit_asked;	/* q with marks: confirm */
	struct tz		 *tz;		/* display and input zone */
	enum view_col		  cols_v[VIEW_COL_COUNT];	/* --columns */
	int			  ncols;	/* 0: the default list */
	unsigned		  dirty;	/* UI_REDRAW... pending */

	/* Filter: text as typed, compiled form, error. */
	char			 *filter;
	void			 *filter_c;	/* compiled (filter module) */
	char			 *filter_err;
	int			  filter_errcol;
	char			 *range_label;	/* drill-down time range */
	char			 *drill;	/* tokens the last drill-down added */
	int64_t			  drill_since;	/* the range before it */
	int64_t			  drill_until;

	/* Search (/): text, compiled form. */
	char			 *search;
	void			 *search_c;

	struct ui_prompt	 *prompt;	/* active prompt or NULL */
	int			  menu;		/* active menu ('c') or 0 */

	/* Detail screen. */
	uint64_t		  detail_seq;
	enum ui_tab		  tab;
	enum ui_body		  body;
	size_t			  dscroll;
	size_t			  dhoff;	/* columns scrolled right */
	struct ui_lines		  dlines;
	bool			  dlines_ok;	/* dlines match the state */
	struct ui_lines		  dview;	/* dlines wrapped, hits marked */
	bool			  dview_ok;
	bool			  dwrap;	/* C-w: wrap long lines */
	char			 *find;		/* / in the detail: text found */
	size_t			 *find_hits;	/* dview line of each hit */
	size_t			  nfind_hits;
	size_t			  find_cur;	/* the hit last moved to */

	/* Preview pane (wide terminals). */
	struct ui_lines		  plines;
	struct ui_lines		  plines2;	/* response, side by side */
	uint64_t		  pseq;		/* record in plines */
	enum ui_tab		  ptab;
	bool			  plines_ok;

	/* Aggregates screen (ui-stats.c). */
	struct ui_stats		 *stats;

	/* Chart screen (ui-chart.c); the aggregate row to chart, set by
	   the Aggregates screen (a filter, keys hidden), bumped gen. */
	struct ui_chart		 *chart;
	char			 *chart_row;
	uint64_t		  chart_row_gen;

	/* The zone :tz set (NULL: --tz), bumped gen when it changes. */
	char			 *zone;
	uint64_t		  zone_gen;

	/* Help screen. */
	size_t			  hscroll;

	/* Message line, until the next key. */
	char			  msg[512];

	/* Rate: records per second of record time, a ring of seconds. */
	int64_t			  rate_sec[16];
	uint64_t		  rate_n[16];
	uint64_t		  rate_scanned;
	int64_t			  rate_at;	/* monotonic ns of the last arrival */

	/* Sparkline cache. */
	uint32_t		 *spark;	/* counts per bucket */
	uint32_t		 *spark_err;
	int			  spark_w;
	size_t			  spark_n;	/* rows when computed */
	uint64_t		  spark_gen;
	int64_t			  spark_at;	/* monotonic ns */
	bool			  spark_asked;	/* a count is on its way */
	int64_t			  spark_lo, spark_hi;
};

int		 ui_run(const struct options *);
int		 ui_bench(const struct options *);

/* Helpers the screens share (ui.c). */
void		 ui_message(struct ui *, const char *, ...)
		    __attribute__((format(printf, 2, 3)));
int64_t		 ui_clock(void);
bool		 ui_frozen(const struct ui *);
bool		 ui_spans_days(const struct ui *);
const char	*ui_disconnected(const struct ui *);
void		 ui_open_detail(struct ui *, uint64_t);
const struct ui_screen_ops *ui_screen_ops(enum ui_screen);
int		 ui_apply_filter(struct ui *, const char *);
char		*ui_filter_without(const char *, const char *, bool);

#endif
