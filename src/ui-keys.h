/* SPDX-License-Identifier: ISC */
/*
 * The key table: one table maps keys to actions on given screens.  The
 * dispatcher, the help screen and the man page's KEY BINDINGS section are
 * all generated from it, so they cannot disagree.  Actions have names
 * (ui_keys_action_name): the : palette runs them by name and bind in the
 * configuration file maps more keys to them.
 */
#ifndef UI_KEYS_H
#define UI_KEYS_H

#include <stdio.h>

#include "ui.h"

enum ui_action {
	UI_A_NONE,
	UI_A_DOWN,
	UI_A_UP,
	UI_A_PGDN,
	UI_A_PGUP,
	UI_A_HALFDN,
	UI_A_HALFUP,
	UI_A_TOP,
	UI_A_BOTTOM,
	UI_A_LEFT,
	UI_A_RIGHT,
	UI_A_ENTER,
	UI_A_BACK,
	UI_A_QUIT,
	UI_A_SEARCH,
	UI_A_NEXT,
	UI_A_PREV,
	UI_A_FILTER,
	UI_A_FILTER_IN,
	UI_A_FILTER_OUT,
	UI_A_FILTER_CLEAR,
	UI_A_SORT,
	UI_A_FOLLOW,
	UI_A_PAUSE,
	UI_A_TAB,
	UI_A_BTAB,
	UI_A_SCREEN1,
	UI_A_SCREEN2,
	UI_A_SCREEN3,
	UI_A_SCREEN4,
	UI_A_MARK,
	UI_A_MARKED_ONLY,
	UI_A_MARK_NEXT,
	UI_A_MARK_PREV,
	UI_A_WRAP,
	UI_A_COPY,
	UI_A_EXPORT,
	UI_A_REVEAL,
	UI_A_TIME,
	UI_A_BODYVIEW,
	UI_A_NEXTREC,
	UI_A_PREVREC,
	UI_A_HOUR_PREV,
	UI_A_HOUR_NEXT,
	UI_A_ERR_NEXT,
	UI_A_ERR_PREV,
	UI_A_STORED,
	UI_A_HELP,
	UI_A_MOUSE,
	UI_A_REDRAW,
	UI_A_HINTS,
	UI_A_ESCAPE,
	UI_A_SCREEN5,
	UI_A_FINER,
	UI_A_COARSER,
	UI_A_CHART_VIEW,
	UI_A_CHART_SCOPE,
	UI_A_CHART_ROW,		/* internal: Aggregates sets chart_row */
	UI_A_PALETTE,
	UI_NACTIONS
};

unsigned	 ui_keys_dispatch(struct ui *, int);
unsigned	 ui_keys_run(struct ui *, enum ui_action);
const char	*ui_keys_action_name(enum ui_action);
enum ui_action	 ui_keys_action_find(const char *, size_t);
const char	*ui_keys_action_help(enum ui_action);
int		 ui_keys_parse(const char *, int *);
int		 ui_keys_bind(int, enum ui_action);
void		 ui_keys_unbind_all(void);
void		 ui_keys_help(struct ui *, struct ui_lines *);
void		 ui_keys_hints(const struct ui *, char *, size_t);
int		 ui_keys_mdoc(FILE *);

#endif
