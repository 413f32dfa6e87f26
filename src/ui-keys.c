/* SPDX-License-Identifier: ISC */
/*
 * The key table.  Each entry maps up to four keys, on a set of screens, to
 * one action; actions change the UI state and return reaction flags
 * (UI_REDRAW, UI_REFILTER, UI_QUIT), after htop's Action.c.  The same table
 * drives the dispatcher, the help screen (?) and the KEY BINDINGS section
 * of the man page (ui_keys_mdoc prints it; a test checks the two agree).
 *
 * Global actions (quit, help, screens, mouse, redraw, hints) are handled
 * here; the rest go to the current screen through its ops table (this
 * file names no screen module).
 */
#include "config.h"

#include "ui-keys.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "store.h"
#include "ui-curses.h"
#include "ui-job.h"
#include "ui-lines.h"
#include "ui-screen.h"

#define CTRL(c)		((c) & 0x1f)
#define UI_K_ESC	27

struct ui_key {
	int		 keys[4];	/* 0 ends the list */
	const char	*names;		/* as shown in help and the manual */
	unsigned	 on;		/* UI_ON_* screens */
	enum ui_action	 action;
	const char	*help;
};

#define REC	UI_ON_RECORDS
#define DET	UI_ON_DETAIL
#define STA	UI_ON_STATS
#define HEA	UI_ON_HEALTH
#define HLP	UI_ON_HELP
#define CHA	UI_ON_CHART
#define LISTS	(REC | DET | STA | HEA | HLP)
/* A key on all of these is listed without screen names. */
#define UI_ON_ALL_SCREENS	(REC | DET | STA | HEA)

static const struct ui_key ui_keys[] = {
	/* Moving. */
	{ { 'j', KEY_DOWN }, "j, Down", LISTS, UI_A_DOWN,
	  "move down (detail: scroll)" },
	{ { 'k', KEY_UP }, "k, Up", LISTS, UI_A_UP,
	  "move up; on the records screen this pauses follow" },
	{ { ' ', KEY_NPAGE, CTRL('f') }, "Space, PgDn, C-f", LISTS,
	  UI_A_PGDN, "page down" },
	{ { 'b', KEY_PPAGE, CTRL('b') }, "b, PgUp, C-b", LISTS, UI_A_PGUP,
	  "page up" },
	{ { CTRL('d') }, "C-d", LISTS, UI_A_HALFDN, "half a page down" },
	{ { CTRL('u') }, "C-u", LISTS, UI_A_HALFUP, "half a page up" },
	{ { 'g', KEY_HOME }, "g, Home", LISTS, UI_A_TOP,
	  "first record (pauses follow)" },
	{ { 'G', KEY_END }, "G, End", LISTS, UI_A_BOTTOM,
	  "last row of the current sort; on a live source, back to time order "
	  "and follow" },
	{ { 'h', KEY_LEFT }, "h, Left", REC | DET | STA, UI_A_LEFT,
	  "column cursor left (detail: scroll left)" },
	{ { 'l', KEY_RIGHT }, "l, Right", REC | DET | STA, UI_A_RIGHT,
	  "column cursor right (detail: scroll right)" },
	{ { 'e' }, "e", REC | DET, UI_A_ERR_NEXT,
	  "next error record (status 500 and above)" },
	{ { 'E' }, "E", REC | DET, UI_A_ERR_PREV, "previous error record" },
	{ { '\r', '\n', KEY_ENTER }, "Enter", REC | STA, UI_A_ENTER,
	  "open the record; on an aggregate row, drill down to its records" },
	{ { ']' }, "]", DET, UI_A_NEXTREC, "next record" },
	{ { '[' }, "[", DET, UI_A_PREVREC, "previous record" },

	/* Screens. */
	{ { '\t' }, "Tab", DET | STA | REC, UI_A_TAB,
	  "next tab (detail) or pane (aggregates)" },
	{ { KEY_BTAB }, "S-Tab", DET | STA | REC, UI_A_BTAB,
	  "previous tab or pane" },
	{ { '1' }, "1", UI_ON_ALL, UI_A_SCREEN1, "records screen" },
	{ { '2' }, "2", UI_ON_ALL, UI_A_SCREEN2,
	  "detail of the record under the cursor" },
	{ { '3' }, "3", UI_ON_ALL, UI_A_SCREEN3, "aggregates screen" },
	{ { '4' }, "4", UI_ON_ALL, UI_A_SCREEN4, "health screen (live Redis)" },
	{ { '5' }, "5", UI_ON_ALL, UI_A_SCREEN5,
	  "traffic over time (from an aggregate row: that row's)" },
	{ { 'q' }, "q", UI_ON_ALL, UI_A_BACK,
	  "back; on the records screen, quit (asking first when records are "
	  "marked)" },
	{ { 'Q' }, "Q", UI_ON_ALL, UI_A_QUIT, "quit" },
	{ { UI_K_ESC }, "Esc", UI_ON_ALL, UI_A_ESCAPE,
	  "stop the filter, sort, search, aggregation or export running "
	  "(undoing a filter not shown yet); else close the menu or screen" },

	/* Search and filter. */
	{ { '/' }, "/", REC | DET, UI_A_SEARCH,
	  "search: highlight matching records (filter syntax; a bare word "
	  "matches the path); in the detail, find text in the record" },
	{ { 'n' }, "n", REC | DET, UI_A_NEXT,
	  "next search match (detail: next hit)" },
	{ { 'N' }, "N", REC | DET, UI_A_PREV,
	  "previous search match (detail: previous hit)" },
	{ { 'f', '\\', KEY_F(4) }, "f, \\, F4", REC | STA | DET | CHA,
	  UI_A_FILTER,
	  "edit the filter (Up/Down: history)" },
	{ { '+' }, "+", REC | DET, UI_A_FILTER_IN,
	  "filter in: only records with the value under the column cursor" },
	{ { '-' }, "-", REC | DET, UI_A_FILTER_OUT,
	  "filter out: hide records with the value under the column cursor" },
	{ { CTRL('t') }, "C-t", REC | STA | CHA, UI_A_FILTER_CLEAR,
	  "clear the filter and the time range" },
	{ { 's' }, "s", REC | STA, UI_A_SORT,
	  "sort by the column under the cursor (numbers largest first, a down "
	  "arrow); again to reverse" },

	/* Live. */
	{ { 'F' }, "F", REC | DET, UI_A_FOLLOW,
	  "follow: jump to the newest record and stay there" },
	{ { 'Z' }, "Z", REC | DET, UI_A_PAUSE,
	  "pause or resume the view (ingest continues: PAUSED +N)" },

	/* Records. */
	{ { 'm' }, "m", REC | DET, UI_A_MARK, "mark or unmark the record" },
	{ { 'M' }, "M", REC, UI_A_MARKED_ONLY,
	  "show only the marked records, or all again" },
	{ { 'u' }, "u", REC, UI_A_MARK_NEXT, "next marked record" },
	{ { 'U' }, "U", REC, UI_A_MARK_PREV, "previous marked record" },
	{ { 'c', 'y' }, "c, y", REC | DET, UI_A_COPY,
	  "copy menu: URL, curl, request, response, body, record JSON "
	  "(OSC 52 and a file)" },
	{ { 'x' }, "x", REC | DET, UI_A_EXPORT,
	  "export the marked records, or all shown, as JSON lines" },
	{ { 'r' }, "r", REC | DET, UI_A_REVEAL,
	  "reveal or mask secrets (keys, Authorization, cookies)" },
	{ { 't' }, "t", REC | DET, UI_A_TIME,
	  "time display: absolute or relative to the newest record" },
	{ { 'v' }, "v", DET, UI_A_BODYVIEW, "body view: pretty, raw, hex" },
	{ { CTRL('w') }, "C-w", DET | HLP, UI_A_WRAP,
	  "wrap long lines, or scroll them sideways again" },

	/* Aggregates. */
	{ { '<' }, "<", STA, UI_A_HOUR_PREV, "previous hour" },
	{ { '>' }, ">", STA, UI_A_HOUR_NEXT, "next hour" },
	{ { 'S' }, "S", STA, UI_A_STORED,
	  "computed, stored, or stored vs computed aggregates" },

	/* Chart. */
	{ { 'h', KEY_LEFT }, "h, Left", CHA, UI_A_LEFT, "previous bucket" },
	{ { 'l', KEY_RIGHT }, "l, Right", CHA, UI_A_RIGHT, "next bucket" },
	{ { 'g', KEY_HOME }, "g, Home", CHA, UI_A_TOP, "first bucket" },
	{ { 'G', KEY_END }, "G, End", CHA, UI_A_BOTTOM,
	  "last bucket (stays on the newest as records arrive)" },
	{ { '<' }, "<", CHA, UI_A_HOUR_PREV, "a screen of buckets earlier" },
	{ { '>' }, ">", CHA, UI_A_HOUR_NEXT, "a screen of buckets later" },
	{ { '+' }, "+", CHA, UI_A_FINER,
	  "finer buckets (a day, an hour, ten minutes, a minute)" },
	{ { '-' }, "-", CHA, UI_A_COARSER, "coarser buckets" },
	{ { 'v' }, "v", CHA, UI_A_CHART_VIEW,
	  "traffic bars or latency heatmap" },
	{ { 'a' }, "a", CHA, UI_A_CHART_SCOPE,
	  "chart the filter, all records, or the aggregate row" },
	{ { '\r', '\n', KEY_ENTER }, "Enter", CHA, UI_A_ENTER,
	  "narrow the time range to the bucket and show its records" },

	/* Everywhere. */
	{ { '?', KEY_F(1) }, "?, F1", UI_ON_ALL, UI_A_HELP, "this help" },
	{ { ':' }, ":", UI_ON_ALL, UI_A_PALETTE,
	  "command palette: any action by name, filter, since, until, tz, "
	  "export, write-jsonl (Tab completes)" },
	{ { KEY_F(2) }, "F2", UI_ON_ALL, UI_A_MOUSE,
	  "mouse on or off (off by default, so the terminal can select)" },
	{ { CTRL('l') }, "C-l", UI_ON_ALL, UI_A_REDRAW, "redraw the screen" },
	{ { 'H' }, "H", UI_ON_ALL, UI_A_HINTS, "hide or show the hint line" },
};

#define UI_NKEYS	(sizeof ui_keys / sizeof ui_keys[0])

/*
 * Action names, for the : palette and bind in the configuration file
 * (NULL: internal, not named).
 */
static const char *ui_action_names[UI_NACTIONS] = {
	[UI_A_DOWN] = "down",
	[UI_A_UP] = "up",
	[UI_A_PGDN] = "page-down",
	[UI_A_PGUP] = "page-up",
	[UI_A_HALFDN] = "half-page-down",
	[UI_A_HALFUP] = "half-page-up",
	[UI_A_TOP] = "top",
	[UI_A_BOTTOM] = "bottom",
	[UI_A_LEFT] = "left",
	[UI_A_RIGHT] = "right",
	[UI_A_ENTER] = "enter",
	[UI_A_BACK] = "back",
	[UI_A_QUIT] = "quit",
	[UI_A_SEARCH] = "search",
	[UI_A_NEXT] = "next-match",
	[UI_A_PREV] = "previous-match",
	[UI_A_FILTER] = "filter",
	[UI_A_FILTER_IN] = "filter-in",
	[UI_A_FILTER_OUT] = "filter-out",
	[UI_A_FILTER_CLEAR] = "filter-clear",
	[UI_A_SORT] = "sort",
	[UI_A_FOLLOW] = "follow",
	[UI_A_PAUSE] = "pause",
	[UI_A_TAB] = "next-tab",
	[UI_A_BTAB] = "previous-tab",
	[UI_A_SCREEN1] = "records",
	[UI_A_SCREEN2] = "detail",
	[UI_A_SCREEN3] = "aggregates",
	[UI_A_SCREEN4] = "health",
	[UI_A_SCREEN5] = "chart",
	[UI_A_MARK] = "mark",
	[UI_A_COPY] = "copy",
	[UI_A_EXPORT] = "export",
	[UI_A_REVEAL] = "reveal",
	[UI_A_TIME] = "time-display",
	[UI_A_BODYVIEW] = "body-view",
	[UI_A_NEXTREC] = "next-record",
	[UI_A_PREVREC] = "previous-record",
	[UI_A_HOUR_PREV] = "previous-hour",
	[UI_A_HOUR_NEXT] = "next-hour",
	[UI_A_ERR_NEXT] = "next-error",
	[UI_A_ERR_PREV] = "previous-error",
	[UI_A_STORED] = "stored",
	[UI_A_HELP] = "help",
	[UI_A_MOUSE] = "mouse",
	[UI_A_REDRAW] = "redraw",
	[UI_A_HINTS] = "hints",
	[UI_A_ESCAPE] = "close",
	[UI_A_FINER] = "finer",
	[UI_A_COARSER] = "coarser",
	[UI_A_CHART_VIEW] = "heatmap",
	[UI_A_CHART_SCOPE] = "chart-scope",
	[UI_A_PALETTE] = "palette",
};

/* Keys bound by the configuration file (bind KEY ACTION): before the table. */
#define UI_BINDS_MAX	256
static struct {
	int		 key;
	enum ui_action	 action;
} ui_binds[UI_BINDS_MAX];
static size_t	 ui_nbinds;

/* Key names for bind and the help of bound keys. */
static const struct {
	const char	*name;
	int		 key;
} ui_key_names[] = {
	{ "Enter", '\r' }, { "Tab", '\t' }, { "S-Tab", KEY_BTAB },
	{ "Space", ' ' }, { "Esc", UI_K_ESC }, { "Up", KEY_UP },
	{ "Down", KEY_DOWN }, { "Left", KEY_LEFT }, { "Right", KEY_RIGHT },
	{ "Home", KEY_HOME }, { "End", KEY_END }, { "PgUp", KEY_PPAGE },
	{ "PgDn", KEY_NPAGE }, { "BSpace", KEY_BACKSPACE }, { "DC", KEY_DC },
	{ "IC", KEY_IC },
};

/* The name of action a (NULL if it has none). */
const char *
ui_keys_action_name(enum ui_action a)
{
	return ((unsigned)a < UI_NACTIONS ? ui_action_names[a] : NULL);
}

/* The action named name (len bytes); UI_A_NONE if none. */
enum ui_action
ui_keys_action_find(const char *name, size_t len)
{
	int	 a;

	for (a = 1; a < UI_NACTIONS; a++)
		if (ui_action_names[a] != NULL &&
		    strlen(ui_action_names[a]) == len &&
		    memcmp(ui_action_names[a], name, len) == 0)
			return (a);
	return (UI_A_NONE);
}

/* What action a does: the help of its first key (NULL if unbound). */
const char *
ui_keys_action_help(enum ui_action a)
{
	size_t	 i;

	for (i = 0; i < UI_NKEYS; i++)
		if (ui_keys[i].action == a)
			return (ui_keys[i].help);
	return (NULL);
}

/*
 * Parse a key name: one character (a, G, ?), C-x, F1 to F12, or a name
 * from ui_key_names.  Returns 0 and the key, or -1.
 */
int
ui_keys_parse(const char *s, int *key)
{
	size_t	 i;
	long	 n;
	char	*end;

	if (s[0] != '\0' && s[1] == '\0' && (unsigned char)s[0] > ' ' &&
	    (unsigned char)s[0] < 0x7f) {
		*key = (unsigned char)s[0];
		return (0);
	}
	if ((s[0] == 'C' || s[0] == 'c') && s[1] == '-' && s[2] != '\0' &&
	    s[3] == '\0' && ((s[2] >= 'a' && s[2] <= 'z') || (s[2] >= '@' &&
	    s[2] <= '_'))) {
		*key = CTRL(s[2]);
		return (0);
	}
	if (s[0] == 'F' && s[1] >= '1' && s[1] <= '9') {
		n = strtol(s + 1, &end, 10);
		if (*end == '\0' && n >= 1 && n <= 12) {
			*key = KEY_F(n);
			return (0);
		}
	}
	for (i = 0; i < sizeof ui_key_names / sizeof ui_key_names[0]; i++)
		if (strcasecmp(s, ui_key_names[i].name) == 0) {
			*key = ui_key_names[i].key;
			return (0);
		}
	return (-1);
}

/*
 * Bind key to action on every screen, before the table (a later bind of
 * the same key replaces it).  Returns 0, or -1 when too many are bound.
 */
int
ui_keys_bind(int key, enum ui_action a)
{
	size_t	 i;

	for (i = 0; i < ui_nbinds; i++)
		if (ui_binds[i].key == key) {
			ui_binds[i].action = a;
			return (0);
		}
	if (ui_nbinds == UI_BINDS_MAX)
		return (-1);
	ui_binds[ui_nbinds].key = key;
	ui_binds[ui_nbinds++].action = a;
	return (0);
}

/* The name of key (as bind takes it). */
static void
ui_keys_key_name(int key, char *out, size_t size)
{
	size_t	 i;

	for (i = 0; i < sizeof ui_key_names / sizeof ui_key_names[0]; i++)
		if (ui_key_names[i].key == key) {
			snprintf(out, size, "%s", ui_key_names[i].name);
			return;
		}
	if (key > ' ' && key < 0x7f)
		snprintf(out, size, "%c", key);
	else if (key >= 0 && key < ' ')
		snprintf(out, size, "C-%c", key + 'a' - 1);
	else if (key >= KEY_F(1) && key <= KEY_F(12))
		snprintf(out, size, "F%d", key - KEY_F(0));
	else
		snprintf(out, size, "key %d", key);
}

/* Forget every bind (tests, and the end of the session). */
void
ui_keys_unbind_all(void)
{
	ui_nbinds = 0;
}

/* Screen names for help and the manual. */
/* Find the action for key ch on the current screen. */
static enum ui_action
ui_keys_find(const struct ui *ui, int ch)
{
	size_t	 i, k;

	for (i = 0; i < ui_nbinds; i++)
		if (ui_binds[i].key == ch)
			return (ui_binds[i].action);
	for (i = 0; i < UI_NKEYS; i++) {
		if (!(ui_keys[i].on & (1U << ui->screen)))
			continue;
		for (k = 0; k < 4 && ui_keys[i].keys[k] != 0; k++)
			if (ui_keys[i].keys[k] == ch)
				return (ui_keys[i].action);
	}
	return (UI_A_NONE);
}

/* Switch to screen s. */
static unsigned
ui_keys_screen(struct ui *ui, enum ui_screen s)
{
	uint64_t	 seq;

	if (s == UI_DETAIL) {
		seq = view_cursor_seq(&ui->v);
		if (seq == UINT64_MAX)
			return (0);
		ui_open_detail(ui, seq);
		return (UI_REDRAW);
	}
	ui->screen = s;
	ui->dlines_ok = false;
	return (UI_REDRAW);
}

/* Handle the mouse (when on): clicks select, the wheel scrolls. */
static unsigned
ui_keys_mouse(struct ui *ui)
{
	const struct ui_screen_ops	*ops = ui_screen_ops(ui->screen);
	MEVENT				 ev;
	enum ui_action			 a;

	if (getmouse(&ev) != OK)
		return (0);
	if (ops->click != NULL && (ev.bstate & (BUTTON1_CLICKED |
	    BUTTON1_PRESSED | BUTTON1_DOUBLE_CLICKED)))
		return (ops->click(ui, ev.y, (ev.bstate &
		    BUTTON1_DOUBLE_CLICKED) != 0));
	if (ev.bstate & BUTTON4_PRESSED)
		a = UI_A_UP;
	else if (ev.bstate & BUTTON5_PRESSED)
		a = UI_A_DOWN;
	else
		return (0);
	/*
	 * The wheel moves a list (Records) three rows; on any other screen
	 * it scrolls the Detail/Help text, as it always has.
	 */
	if (ops->height != NULL)
		return (ops->action(ui, a) | ops->action(ui, a) |
		    ops->action(ui, a));
	return (ui_screen_ops(UI_DETAIL)->action(ui, a));
}

/* Dispatch one key; returns reaction flags. */
unsigned
ui_keys_dispatch(struct ui *ui, int ch)
{
	enum ui_action	 a;

	if (ch == KEY_MOUSE)
		return (ui_keys_mouse(ui));
	a = ui_keys_find(ui, ch);
	/* q asked to confirm (marks would be lost): y or q again quits. */
	if (ui->quit_asked) {
		ui->quit_asked = false;
		if (ch == 'y' || a == UI_A_BACK)
			return (UI_QUIT);
		ui_message(ui, "not quitting");
		return (UI_REDRAW);
	}
	return (ui_keys_run(ui, a));
}

/*
 * Run action a on the current screen, as its key would (the key table,
 * the : palette and bind in the configuration); returns reaction flags,
 * 0 when the action does nothing here.
 */
unsigned
ui_keys_run(struct ui *ui, enum ui_action a)
{
	/* Esc stops whole-set work before it closes anything. */
	if (a == UI_A_ESCAPE && ui_job_cancel(ui)) {
		ui_message(ui, "cancelled");
		return (UI_REDRAW);
	}
	switch (a) {
	case UI_A_NONE:
		ui_message(ui, "unknown key, ? for help");
		return (UI_REDRAW);
	case UI_A_QUIT:
		return (UI_QUIT);
	case UI_A_PALETTE:
		return (UI_PALETTE | UI_REDRAW);
	case UI_A_HELP:
		if (ui->screen != UI_HELP)
			ui->back = ui->screen;
		ui->screen = UI_HELP;
		ui->hscroll = 0;
		ui->dlines_ok = false;
		return (UI_REDRAW);
	case UI_A_MOUSE:
		ui->mouse = !ui->mouse;
		if (!ui->headless)
			mousemask(ui->mouse ? ALL_MOUSE_EVENTS : 0, NULL);
		ui_message(ui, "mouse %s", ui->mouse ? "on" : "off");
		return (UI_REDRAW);
	case UI_A_REDRAW:
		if (!ui->headless)
			clearok(curscr, TRUE);
		return (UI_REDRAW);
	case UI_A_HINTS:
		ui->hints = !ui->hints;
		view_set_height(&ui->v, ui_screen_ops(UI_RECORDS)->height(ui));
		return (UI_REDRAW);
	case UI_A_SCREEN1:
		return (ui_keys_screen(ui, UI_RECORDS));
	case UI_A_SCREEN2:
		return (ui_keys_screen(ui, UI_DETAIL));
	case UI_A_SCREEN3:
		ui_screen_ops(UI_STATS)->action(ui, UI_A_SCREEN3);
		return (ui_keys_screen(ui, UI_STATS));
	case UI_A_SCREEN4:
		return (ui_keys_screen(ui, UI_HEALTH));
	case UI_A_SCREEN5:
		/* From an aggregate row: let that screen name the row. */
		if (ui->screen == UI_STATS) {
			ui_screen_ops(UI_STATS)->action(ui, UI_A_CHART_ROW);
			ui_screen_ops(UI_CHART)->action(ui, UI_A_CHART_ROW);
		}
		return (ui_keys_screen(ui, UI_CHART));
	default:
		break;
	}
	if (ui->screen == UI_HELP) {
		if (a == UI_A_BACK || a == UI_A_ESCAPE) {
			ui->screen = ui->back;
			ui->dlines_ok = false;
			return (UI_REDRAW);
		}
	}
	return (ui_screen_ops(ui->screen)->action(ui, a));
}

/* Append the help text generated from the table to l. */
void
ui_keys_help(struct ui *ui, struct ui_lines *l)
{
	char		 line[512], name[32];
	size_t		 i;
	unsigned	 s, k;
	int		 n;

	(void)ui;
	ui_lines_add(l, UI_C_TITLE, "tykscope keys", 13);
	ui_lines_add(l, UI_C_NORMAL, "", 0);
	for (i = 0; i < UI_NKEYS; i++) {
		n = snprintf(line, sizeof line, "  %-18s %s", ui_keys[i].names,
		    ui_keys[i].help);
		if ((ui_keys[i].on & UI_ON_ALL_SCREENS) != UI_ON_ALL_SCREENS &&
		    n > 0 && (size_t)n < sizeof line) {
			k = 0;
			for (s = 0; s < UI_HELP; s++) {
				if (!(ui_keys[i].on & (1U << s)))
					continue;
				n += snprintf(line + n, sizeof line - n,
				    "%s%s", k++ == 0 ? "  (" : ", ",
				    ui_screen_ops(s)->title);
				if (n < 0 || (size_t)n >= sizeof line)
					break;
			}
			if (n > 0 && (size_t)n < sizeof line - 1) {
				line[n++] = ')';
				line[n] = '\0';
			}
		}
		ui_lines_add(l, UI_C_NORMAL, line, strlen(line));
	}
	if (ui_nbinds > 0) {
		ui_lines_add(l, UI_C_NORMAL, "", 0);
		ui_lines_add(l, UI_C_TITLE, "bound in the configuration file",
		    31);
	}
	for (i = 0; i < ui_nbinds; i++) {
		ui_keys_key_name(ui_binds[i].key, name, sizeof name);
		snprintf(line, sizeof line, "  %-18s %s: %s", name,
		    ui_action_names[ui_binds[i].action],
		    ui_keys_action_help(ui_binds[i].action) != NULL ?
		    ui_keys_action_help(ui_binds[i].action) : "");
		ui_lines_add(l, UI_C_NORMAL, line, strlen(line));
	}
	ui_lines_add(l, UI_C_NORMAL, "", 0);
	ui_lines_add(l, UI_C_DIM, "  / searches (highlights, n/N); f filters "
	    "(hides).  q or Esc closes this help.", 78);
}

/*
 * The hint line for the current screen: the most useful keys first, as
 * many as fit the width (so 80 columns show whole hints, never a cut one).
 */
void
ui_keys_hints(const struct ui *ui, char *out, size_t size)
{
	static const char *records[] = { "? help", "f filter", "/ search",
	    "Enter open", "+/- cell", "s sort", "m mark", "c copy",
	    "3 aggregates", "q quit", "x export", "F follow", "Z pause",
	    "4 health", NULL };
	static const char *detail[] = { "q back", "Tab tab", "]/[ next/prev",
	    "/ find", "v view", "C-w wrap", "r reveal", "c copy",
	    "j/k scroll", "? help", NULL };
	static const char *stats[] = { "q back", "Tab pane", "Enter drill",
	    "s sort", "</> hour", "S stored", "f filter", "? help", NULL };
	static const char *health[] = { "q back", "1 records",
	    "3 aggregates", "? help", NULL };
	static const char *chart[] = { "q back", "h/l bucket",
	    "Enter records", "+/- size", "v heatmap", "a scope", "? help",
	    NULL };
	static const char *help[] = { "q back", "j/k scroll", NULL };
	const char	**h;
	size_t		  len = 0, n, w = ui->cols > 1 ? (size_t)ui->cols - 1 :
			    79;

	switch (ui->screen) {
	case UI_DETAIL:
		h = detail;
		break;
	case UI_STATS:
		h = stats;
		break;
	case UI_HEALTH:
		h = health;
		break;
	case UI_CHART:
		h = chart;
		break;
	case UI_HELP:
		h = help;
		break;
	default:
		h = records;
		break;
	}
	if (size == 0)
		return;
	out[0] = '\0';
	for (; *h != NULL; h++) {
		n = strlen(*h) + (len > 0 ? 2 : 0);
		if (len + n > w || len + n + 1 > size)
			break;
		if (len > 0) {
			memcpy(out + len, "  ", 2);
			len += 2;
		}
		memcpy(out + len, *h, strlen(*h) + 1);
		len += strlen(*h);
	}
}

/* Print the KEY BINDINGS list of the man page (mdoc) from the table. */
int
ui_keys_mdoc(FILE *f)
{
	size_t		 i;
	unsigned	 s, k;
	const char	*p;

	fputs(".Bl -tag -width Ds\n", f);
	for (i = 0; i < UI_NKEYS; i++) {
		fputs(".It Ic ", f);
		/* A lone delimiter would be taken as punctuation. */
		if (ui_keys[i].names[1] == '\0' &&
		    strchr(".,:;()[]?!", ui_keys[i].names[0]) != NULL)
			fputs("\\&", f);
		for (p = ui_keys[i].names; *p != '\0'; p++) {
			if (*p == '\\')
				fputs("\\e", f);
			else
				fputc(*p, f);
		}
		fputc('\n', f);
		/* Sentence case; a line starting with '.' would be a macro. */
		fprintf(f, "%c%s", ui_keys[i].help[0] >= 'a' &&
		    ui_keys[i].help[0] <= 'z' ? ui_keys[i].help[0] - 'a' + 'A' :
		    ui_keys[i].help[0], ui_keys[i].help + 1);
		if ((ui_keys[i].on & UI_ON_ALL_SCREENS) != UI_ON_ALL_SCREENS) {
			k = 0;
			for (s = 0; s < UI_HELP; s++)
				if (ui_keys[i].on & (1U << s))
					fprintf(f, "%s%s", k++ == 0 ? " (" :
					    ", ", ui_screen_ops(s)->title);
			fputc(')', f);
		}
		fputs(".\n", f);
		if (ui_action_names[ui_keys[i].action] != NULL)
			fprintf(f, "Command\n.Ic :%s .\n",
			    ui_action_names[ui_keys[i].action]);
	}
	fputs(".El\n", f);
	return (0);
}
