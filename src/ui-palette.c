/* SPDX-License-Identifier: ISC */
/*
 * The : command palette (after k9s and lnav): a line is an action's name
 * from the key table (ui_keys_action_name: "chart", "next-error",
 * "heatmap"...), run as its key would be on the current screen, or one of
 * the commands below that take an argument.  A command whose argument is
 * left out and that is also an action (filter, export) runs the action.
 * The prompt (ui-prompt.c) completes the first word with ui_palette_name
 * and checks it with ui_palette_check as it is typed.
 *
 * since and until edit the filter line's own since:/until: tokens, so
 * the range is visible and editable there; tz sets the zone of the
 * Chart's buckets; export and write-jsonl write to a named file (never
 * replacing one).
 */
#include "config.h"

#include "ui-palette.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "options.h"
#include "timefmt.h"
#include "tz.h"
#include "ui-columns.h"
#include "ui-copy.h"
#include "ui-filter.h"
#include "ui-keys.h"
#include "ui-screen.h"
#include "xmalloc.h"

struct ui_palette_cmd {
	const char	*name;
	const char	*args;
	const char	*help;
	unsigned	 (*fn)(struct ui *, const char *);
};

static unsigned	 ui_palette_filter(struct ui *, const char *);
static unsigned	 ui_palette_since(struct ui *, const char *);
static unsigned	 ui_palette_until(struct ui *, const char *);
static unsigned	 ui_palette_tz(struct ui *, const char *);
static unsigned	 ui_palette_columns(struct ui *, const char *);
static unsigned	 ui_palette_export(struct ui *, const char *);
static unsigned	 ui_palette_jsonl(struct ui *, const char *);
static unsigned	 ui_palette_har(struct ui *, const char *);
static unsigned	 ui_palette_bind(struct ui *, const char *);

static const struct ui_palette_cmd ui_palette_cmds[] = {
	{ "filter", "[EXPR]", "set the filter (no EXPR: edit it)",
	  ui_palette_filter },
	{ "since", "[TIME]", "show records from TIME on (-15m, 14:00, "
	  "2024-02-29T10:00); no TIME: from the first", ui_palette_since },
	{ "until", "[TIME]", "show records before TIME; no TIME: to the last",
	  ui_palette_until },
	{ "tz", "[ZONE]", "the zone times are shown and typed in, and the "
	  "chart's buckets (UTC, Europe/Berlin); no ZONE: show it",
	  ui_palette_tz },
	{ "columns", "[LIST]", "the Records table's columns, comma-"
	  "separated (time,method,status,latency,upstream,gateway,api,path,"
	  "key,ip,org,version,reason); no LIST: show them; default: the "
	  "default list", ui_palette_columns },
	{ "export", "[FILE]", "write the marked records, or all shown, as "
	  "JSON lines (HAR if FILE ends in .har) to FILE (no FILE: as x "
	  "does)", ui_palette_export },
	{ "write-jsonl", "FILE", "write every shown record as JSON lines to "
	  "FILE", ui_palette_jsonl },
	{ "write-har", "FILE", "write every shown record to FILE as a HAR "
	  "(HTTP Archive) document", ui_palette_har },
	{ "bind", "KEY ACTION", "bind KEY to ACTION for this session",
	  ui_palette_bind },
};
#define UI_PALETTE_NCMDS \
	(sizeof ui_palette_cmds / sizeof ui_palette_cmds[0])

/* The command named name (len bytes), or NULL. */
static const struct ui_palette_cmd *
ui_palette_find(const char *name, size_t len)
{
	size_t	 i;

	for (i = 0; i < UI_PALETTE_NCMDS; i++)
		if (strlen(ui_palette_cmds[i].name) == len &&
		    memcmp(ui_palette_cmds[i].name, name, len) == 0)
			return (&ui_palette_cmds[i]);
	return (NULL);
}

/*
 * The i-th name the palette knows (commands, then the other actions), or
 * NULL past the end; for completion.
 */
const char *
ui_palette_name(size_t i)
{
	const char	*n;
	size_t		 a;

	if (i < UI_PALETTE_NCMDS)
		return (ui_palette_cmds[i].name);
	i -= UI_PALETTE_NCMDS;
	for (a = 1; a < UI_NACTIONS; a++) {
		n = ui_keys_action_name(a);
		if (n == NULL || ui_palette_find(n, strlen(n)) != NULL)
			continue;
		if (i-- == 0)
			return (n);
	}
	return (NULL);
}

/*
 * Is the first word of text a known name, or the start of one while it
 * is being typed?  NULL, or why not.
 */
const char *
ui_palette_check(const char *text)
{
	const char	*n;
	size_t		 len, i;

	while (*text == ' ')
		text++;
	len = strcspn(text, " ");
	if (len == 0 || ui_palette_find(text, len) != NULL ||
	    ui_keys_action_find(text, len) != UI_A_NONE)
		return (NULL);
	if (text[len] == '\0')
		for (i = 0; (n = ui_palette_name(i)) != NULL; i++)
			if (strncmp(n, text, len) == 0)
				return (NULL);
	return ("unknown command (Tab lists them)");
}

/* Run one palette line; reaction flags. */
unsigned
ui_palette_run(struct ui *ui, const char *text)
{
	const struct ui_palette_cmd	*c;
	enum ui_action			 a;
	const char			*arg;
	size_t				 len;
	unsigned			 r;
	char				*name;

	while (*text == ' ' || *text == ':')
		text++;
	len = strcspn(text, " ");
	if (len == 0)
		return (UI_REDRAW);
	arg = text + len;
	while (*arg == ' ')
		arg++;
	c = ui_palette_find(text, len);
	a = ui_keys_action_find(text, len);
	if (c != NULL && (*arg != '\0' || a == UI_A_NONE))
		return (c->fn(ui, arg));
	name = xstrndup(text, len);
	if (a == UI_A_NONE)
		ui_message(ui, "%s: unknown command (: then Tab lists them)",
		    name);
	else if (*arg != '\0')
		ui_message(ui, "%s takes no argument", name);
	else if ((r = ui_keys_run(ui, a)) != 0) {
		free(name);
		return (r);
	} else
		ui_message(ui, "%s: nothing to do on the %s screen", name,
		    ui_screen_ops(ui->screen)->title);
	free(name);
	return (UI_REDRAW);
}

/* :filter EXPR */
static unsigned
ui_palette_filter(struct ui *ui, const char *arg)
{
	char	*f = xstrdup(arg);

	if (ui_apply_filter(ui, f) != 0)
		ui_message(ui, "filter: %s (at column %d)", ui->filter_err,
		    ui->filter_errcol + 1);
	ui->spark_n = SIZE_MAX;
	free(f);
	return (UI_REDRAW);
}

/*
 * Replace the filter's own field: tokens (not negated) with field:value,
 * or remove them when value is empty.
 */
static unsigned
ui_palette_token(struct ui *ui, const char *field, const char *value)
{
	const char	*p, *tok;
	size_t		 fl = strlen(field);
	struct buf	 b;
	char		*f;

	buf_init(&b);
	for (p = ui->filter != NULL ? ui->filter : ""; *p != '\0';) {
		while (*p == ' ')
			p++;
		if (*p == '\0')
			break;
		tok = p;
		p = ui_filter_token_end(p);
		if (strncmp(tok, field, fl) == 0 && tok[fl] == ':')
			continue;
		if (b.len > 0)
			buf_addc(&b, ' ');
		buf_add(&b, tok, (size_t)(p - tok));
	}
	if (*value != '\0') {
		if (b.len > 0)
			buf_addc(&b, ' ');
		if (strchr(value, ' ') != NULL && value[0] != '"')
			buf_printf(&b, "%s:\"%s\"", field, value);
		else
			buf_printf(&b, "%s:%s", field, value);
	}
	buf_addc(&b, '\0');
	f = xstrdup(b.data);
	buf_clear(&b);
	if (ui_apply_filter(ui, f) != 0)
		ui_message(ui, "%s %s: %s", field, value, ui->filter_err);
	else if (*value == '\0')
		ui_message(ui, "%s: none", field);
	ui->spark_n = SIZE_MAX;
	free(f);
	return (UI_REDRAW);
}

/* :since [TIME] */
static unsigned
ui_palette_since(struct ui *ui, const char *arg)
{
	return (ui_palette_token(ui, "since", arg));
}

/* :until [TIME] */
static unsigned
ui_palette_until(struct ui *ui, const char *arg)
{
	return (ui_palette_token(ui, "until", arg));
}

/* :tz [ZONE] */
static unsigned
ui_palette_tz(struct ui *ui, const char *arg)
{
	struct tz	*tz;
	char		*cause = NULL;

	if (*arg == '\0') {
		ui_message(ui, "times in %s", timefmt_zone_name());
		return (UI_REDRAW);
	}
	if ((tz = tz_load(arg, &cause)) == NULL) {
		ui_message(ui, "tz %s: %s", arg, cause);
		free(cause);
		return (UI_REDRAW);
	}
	/* The one zone: times shown and typed, and the chart's buckets. */
	free(ui->zone);
	ui->zone = xstrdup(arg);
	ui->zone_gen++;
	tz_free(ui->tz);
	ui->tz = tz;
	timefmt_set_zone(ui->tz, ui->zone);
	ui->dlines_ok = false;
	ui->spark_n = SIZE_MAX;
	ui_message(ui, "times and chart buckets in %s", arg);
	return (UI_REDRAW);
}

/* :columns [LIST|default] */
static unsigned
ui_palette_columns(struct ui *ui, const char *arg)
{
	enum view_col	 v[VIEW_COL_COUNT];
	struct buf	 b;
	char		*cause = NULL;
	int		 n, i;

	if (*arg == '\0') {
		buf_init(&b);
		n = ui->ncols;
		for (i = 0; i < n; i++)
			buf_printf(&b, "%s%s", i > 0 ? "," : "",
			    ui_columns_name(ui->cols_v[i]));
		ui_message(ui, "columns: %s", n > 0 ? b.data : "the default");
		buf_clear(&b);
		return (UI_REDRAW);
	}
	if (strcmp(arg, "default") == 0) {
		ui->ncols = 0;
		ui_message(ui, "columns: the default");
		return (UI_REDRAW);
	}
	if (ui_columns_parse(arg, v, &n, &cause) != 0) {
		ui_message(ui, "columns: %s", cause);
		free(cause);
		return (UI_REDRAW);
	}
	memcpy(ui->cols_v, v, sizeof v);
	ui->ncols = n;
	ui_message(ui, "columns: %s", arg);
	return (UI_REDRAW);
}

/* :export [FILE]: a name ending in .har writes HAR. */
static unsigned
ui_palette_export(struct ui *ui, const char *arg)
{
	size_t	 len = strlen(arg);

	return (ui_copy_write(ui, arg, true, len > 4 &&
	    strcasecmp(arg + len - 4, ".har") == 0 ? OPT_FMT_HAR :
	    OPT_FMT_JSONL));
}

/* :write-jsonl FILE */
static unsigned
ui_palette_jsonl(struct ui *ui, const char *arg)
{
	if (*arg == '\0') {
		ui_message(ui, "write-jsonl FILE: which file?");
		return (UI_REDRAW);
	}
	return (ui_copy_write(ui, arg, false, OPT_FMT_JSONL));
}

/* :write-har FILE */
static unsigned
ui_palette_har(struct ui *ui, const char *arg)
{
	if (*arg == '\0') {
		ui_message(ui, "write-har FILE: which file?");
		return (UI_REDRAW);
	}
	return (ui_copy_write(ui, arg, false, OPT_FMT_HAR));
}

/*
 * Bind "KEY ACTION" (the configuration's bind and :bind).  Returns 0, or
 * -1 with *cause set.
 */
int
ui_palette_bind_line(const char *line, char **cause)
{
	enum ui_action	 a;
	const char	*act;
	char		*key;
	int		 k;

	while (*line == ' ')
		line++;
	key = xstrndup(line, strcspn(line, " \t"));
	act = line + strlen(key);
	while (*act == ' ' || *act == '\t')
		act++;
	if (ui_keys_parse(key, &k) != 0) {
		xasprintf(cause, "bind %s: unknown key (a character, C-x, F1 "
		    "to F12, Enter, Tab, Space, Esc, Up, Down, Left, Right, "
		    "Home, End, PgUp, PgDn)", key);
		free(key);
		return (-1);
	}
	a = ui_keys_action_find(act, strlen(act));
	if (a == UI_A_NONE) {
		xasprintf(cause, "bind %s %s: unknown action (: then Tab in "
		    "the TUI lists them)", key, act);
		free(key);
		return (-1);
	}
	free(key);
	if (ui_keys_bind(k, a) != 0) {
		xasprintf(cause, "bind: too many keys bound");
		return (-1);
	}
	return (0);
}

/* :bind KEY ACTION */
static unsigned
ui_palette_bind(struct ui *ui, const char *arg)
{
	char	*cause = NULL;

	if (ui_palette_bind_line(arg, &cause) != 0) {
		ui_message(ui, "%s", cause);
		free(cause);
	} else
		ui_message(ui, "bound %s", arg);
	return (UI_REDRAW);
}

/* Append the palette's help (commands with arguments) to l. */
void
ui_palette_help(struct ui_lines *l)
{
	char		 line[512], n[64];
	const char	*name;
	size_t		 i;
	int		 k;

	ui_lines_add(l, UI_C_NORMAL, "", 0);
	snprintf(line, sizeof line, "commands (:), besides every action by "
	    "name");
	ui_lines_add(l, UI_C_TITLE, line, strlen(line));
	for (i = 0; i < UI_PALETTE_NCMDS; i++) {
		snprintf(n, sizeof n, ":%s %s", ui_palette_cmds[i].name,
		    ui_palette_cmds[i].args);
		snprintf(line, sizeof line, "  %-18s %s", n,
		    ui_palette_cmds[i].help);
		ui_lines_add(l, UI_C_NORMAL, line, strlen(line));
	}
	ui_lines_add(l, UI_C_NORMAL, "", 0);
	snprintf(line, sizeof line, "actions by name (: then the name; bind "
	    "KEY NAME in the configuration)");
	ui_lines_add(l, UI_C_TITLE, line, strlen(line));
	k = snprintf(line, sizeof line, " ");
	for (i = UI_PALETTE_NCMDS; (name = ui_palette_name(i)) != NULL; i++) {
		if (k + strlen(name) + 2 > 78) {
			ui_lines_add(l, UI_C_NORMAL, line, (size_t)k);
			k = snprintf(line, sizeof line, " ");
		}
		k += snprintf(line + k, sizeof line - (size_t)k, " %s", name);
	}
	if (k > 1)
		ui_lines_add(l, UI_C_NORMAL, line, (size_t)k);
}
