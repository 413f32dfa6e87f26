/* SPDX-License-Identifier: ISC */
/*
 * The Records table's columns.  The list comes from the columns option
 * (command line or configuration file), by name; the layout puts the
 * fixed-width columns at their widths and shares what is left between
 * API (a third, at most 32) and PATH, as view_layout does for the default
 * list, which this reproduces cell for cell.  At VIEW_WIDE columns and
 * more a row is one line; narrower, PATH and IP go on a second line and
 * the rest stay on the first, with API taking the room the others leave.
 * Columns that do not fit are left out, last first (on two lines, the
 * first line's last first); a list with nothing for one of the two lines
 * takes one line.  When the loaded
 * records span days, TIME is wider and shows the date.
 */
#include "config.h"

#include "ui-columns.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

static const struct {
	const char	*name;
	enum view_col	 col;
	const char	*title;
	int		 width;		/* 0: flexible (API, PATH) */
	bool		 right;
} ui_columns[] = {
	{ "time", VIEW_COL_TIME, "TIME", 12, false },
	{ "method", VIEW_COL_METHOD, "METHOD", 7, false },
	{ "status", VIEW_COL_STATUS, "ST", 3, true },
	{ "latency", VIEW_COL_LATENCY, "LATENCY", 7, true },
	{ "api", VIEW_COL_API, "API", 0, false },
	{ "path", VIEW_COL_PATH, "PATH", 0, false },
	{ "key", VIEW_COL_KEY, "KEY", 14, false },
	{ "ip", VIEW_COL_IP, "IP", 15, false },
	{ "upstream", VIEW_COL_UPSTREAM, "UPSTREAM", 8, true },
	{ "gateway", VIEW_COL_GATEWAY, "GATEWAY", 7, true },
	{ "org", VIEW_COL_ORG, "ORG", 12, false },
	{ "version", VIEW_COL_VERSION, "VERSION", 8, false },
	{ "reason", VIEW_COL_REASON, "REASON", 12, false },
};
#define UI_NCOLUMNS	((int)(sizeof ui_columns / sizeof ui_columns[0]))

static const enum view_col ui_columns_default[] = {
	VIEW_COL_TIME, VIEW_COL_METHOD, VIEW_COL_STATUS, VIEW_COL_LATENCY,
	VIEW_COL_API, VIEW_COL_PATH, VIEW_COL_KEY, VIEW_COL_IP
};

/* The table entry of column c. */
static int
ui_columns_find(enum view_col c)
{
	int	 i;

	for (i = 0; i < UI_NCOLUMNS; i++)
		if (ui_columns[i].col == c)
			return (i);
	return (0);
}

/*
 * Parse a comma-separated list of column names into v (at most
 * VIEW_COL_COUNT, each once).  Returns 0, or -1 with *err (owned).
 */
int
ui_columns_parse(const char *s, enum view_col *v, int *n, char **err)
{
	const char	*p = s, *e;
	size_t		 len;
	int		 i, k;

	*n = 0;
	*err = NULL;
	while (*p != '\0') {
		e = strchr(p, ',');
		len = e != NULL ? (size_t)(e - p) : strlen(p);
		for (i = 0; i < UI_NCOLUMNS; i++)
			if (strlen(ui_columns[i].name) == len &&
			    strncmp(ui_columns[i].name, p, len) == 0)
				break;
		if (i == UI_NCOLUMNS) {
			xasprintf(err, "unknown column '%.*s' (time, method, "
			    "status, latency, upstream, gateway, api, path, "
			    "key, ip, org, version, reason)", (int)len, p);
			return (-1);
		}
		for (k = 0; k < *n; k++)
			if (v[k] == ui_columns[i].col) {
				xasprintf(err, "column '%s' given twice",
				    ui_columns[i].name);
				return (-1);
			}
		v[(*n)++] = ui_columns[i].col;
		p += len;
		if (*p == ',')
			p++;
	}
	if (*n == 0) {
		*err = xstrdup("no columns");
		return (-1);
	}
	return (0);
}

/* The columns shown, in order. */
static const enum view_col *
ui_columns_list(const struct ui *ui, int *n)
{
	if (ui->ncols > 0) {
		*n = ui->ncols;
		return (ui->cols_v);
	}
	*n = (int)(sizeof ui_columns_default / sizeof ui_columns_default[0]);
	return (ui_columns_default);
}

/* The fixed width of column c at table width w (0: flexible). */
static int
ui_columns_width(const struct ui *ui, enum view_col c, int w)
{
	int	 i = ui_columns_find(c);

	if (c == VIEW_COL_TIME && ui_spans_days(ui))
		return (14);		/* MM-DD HH:MM:SS */
	if ((c == VIEW_COL_KEY || c == VIEW_COL_IP) && w >= 159)
		return (20);
	return (ui_columns[i].width);
}

/* Add a cell. */
static void
ui_columns_cell(struct view_layout *l, enum view_col c, int line, int x,
    int w)
{
	struct view_cell	*cell = &l->cells[l->ncells++];

	cell->col = c;
	cell->line = line;
	cell->x = x;
	cell->width = w;
	cell->right = ui_columns[ui_columns_find(c)].right;
}

/* One line of columns v[0..n) in [x0, w): flexible ones share the rest. */
static bool
ui_columns_line(const struct ui *ui, struct view_layout *l, int line,
    const enum view_col *v, int n, int x0, int w, bool last_right)
{
	int	 i, fixed = 0, nflex = 0, rest, api = 0, path = 0, x, cw;
	bool	 has_api = false;

	for (i = 0; i < n; i++) {
		cw = ui_columns_width(ui, v[i], w);
		if (cw == 0) {
			nflex++;
			if (v[i] == VIEW_COL_API)
				has_api = true;
		}
		fixed += cw;
	}
	rest = w - x0 - fixed - (n - 1);
	if (rest < nflex * 8 || (nflex == 0 && rest < 0))
		return (false);
	if (nflex == 2) {
		api = rest / 3;
		if (api > 32)
			api = 32;
		if (api < 8)
			api = 8;
		path = rest - api;
	} else if (has_api)
		api = rest;
	else
		path = rest;
	x = x0;
	for (i = 0; i < n; i++) {
		cw = ui_columns_width(ui, v[i], w);
		if (cw == 0)
			cw = v[i] == VIEW_COL_API ? api : path;
		if (i == n - 1 && (nflex == 0 || last_right))
			cw = w - x;	/* the last one takes what is left */
		if (i == n - 1 && last_right && nflex == 0)
			cw = ui_columns_width(ui, v[i], w), x = w - cw;
		ui_columns_cell(l, v[i], line, x, cw);
		x += cw + 1;
	}
	return (true);
}

/* Where every shown column goes at the terminal's width. */
void
ui_columns_layout(const struct ui *ui, struct view_layout *l)
{
	const enum view_col	*list;
	enum view_col		 v0[VIEW_COL_COUNT], v1[VIEW_COL_COUNT];
	int			 n, n0, n1, i, k, width = ui->cols;

	list = ui_columns_list(ui, &n);
	memset(l, 0, sizeof *l);
	if (width < 40)
		width = 40;
	l->lines = width >= VIEW_WIDE ? 1 : 2;
	width--;
	l->width = width;
	/* Two lines: PATH and IP below, the rest above. */
	n0 = n1 = 0;
	for (i = 0; i < n; i++) {
		if (list[i] == VIEW_COL_PATH || list[i] == VIEW_COL_IP)
			v1[n1++] = list[i];
		else
			v0[n0++] = list[i];
	}
	if (l->lines == 2 && (n0 == 0 || n1 == 0))
		l->lines = 1;		/* nothing for one of the lines */
	if (l->lines == 1) {
		for (; n > 0; n--) {
			l->ncells = 0;
			if (ui_columns_line(ui, l, 0, list, n, 0, width,
			    false))
				return;
		}
		return;
	}
	/* What does not fit the first line goes, its last columns first. */
	for (; n0 > 0; n0--) {
		l->ncells = 0;
		if (ui_columns_line(ui, l, 0, v0, n0, 0, width, false))
			break;
	}
	for (k = l->ncells; n1 > 0; n1--) {
		l->ncells = k;
		if (ui_columns_line(ui, l, 1, v1, n1, 2, width, true))
			break;
	}
}

/* The column after (dir 1) or before (-1) c in the shown list. */
enum view_col
ui_columns_next(const struct ui *ui, enum view_col c, int dir)
{
	const enum view_col	*list;
	int			 n, i;

	list = ui_columns_list(ui, &n);
	for (i = 0; i < n && list[i] != c; i++)
		/* nothing */;
	if (i == n)
		return (list[0]);
	return (list[(i + n + dir) % n]);
}

/* Does column c hold numbers (the first s sorts it largest first)? */
bool
ui_columns_numeric(enum view_col c)
{
	return (c == VIEW_COL_STATUS || c == VIEW_COL_LATENCY ||
	    c == VIEW_COL_UPSTREAM || c == VIEW_COL_GATEWAY ||
	    c == VIEW_COL_REASON);
}

/* The title of column c. */
const char *
ui_columns_title(enum view_col c)
{
	return (ui_columns[ui_columns_find(c)].title);
}

/* The name of column c as --columns takes it ("upstream"). */
const char *
ui_columns_name(enum view_col c)
{
	return (ui_columns[ui_columns_find(c)].name);
}
