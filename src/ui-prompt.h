/* SPDX-License-Identifier: ISC */
/*
 * The one-line prompt for the filter (f), search (/) and the : palette:
 * editing, history (up/down) and live validation (red, with the error
 * column, while the text does not compile or names no command).
 */
#ifndef UI_PROMPT_H
#define UI_PROMPT_H

#include "ui.h"

enum ui_prompt_kind {
	UI_PROMPT_FILTER,
	UI_PROMPT_SEARCH,
	UI_PROMPT_COMMAND,	/* the : palette */
	UI_PROMPT_FIND,		/* / in the detail: plain text */
	UI_NPROMPTS
};

void		 ui_prompt_open(struct ui *, enum ui_prompt_kind,
		    const char *);
unsigned	 ui_prompt_key(struct ui *, int);
void		 ui_prompt_draw(struct ui *, int);
bool		 ui_prompt_on_filter_line(const struct ui *);
void		 ui_prompt_free(struct ui *);
void		 ui_prompt_history_add(enum ui_prompt_kind, const char *);
void		 ui_prompt_history_clear(void);

#endif
