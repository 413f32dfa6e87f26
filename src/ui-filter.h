/* SPDX-License-Identifier: ISC */
/*
 * The TUI's bridge to the filter module: compile the filter line and the
 * search text, match records, and build the +/- tokens for the value under
 * the column cursor (keys as digests, never shown).
 */
#ifndef UI_FILTER_H
#define UI_FILTER_H

#include <stdbool.h>

#include "ui.h"

int		 ui_filter_compile(struct ui *, const char *, void **, char **,
		    int *);
bool		 ui_filter_match(void *, const struct store *,
		    const struct record *);
bool		 ui_filter_match_at(void *, const struct store *,
		    const struct store_chunk *, uint32_t);
size_t		 ui_filter_select_at(void *, const struct store *,
		    const struct store_chunk *, uint32_t, uint32_t, uint32_t *);
void		 ui_filter_free(void *);
void		*ui_filter_clone(const void *);
bool		 ui_filter_slide(void *);
bool		 ui_filter_anchor(void *, int64_t);
void		 ui_filter_key_label(const struct ui *, const char *, size_t,
		    const char *, size_t, size_t, struct buf *);
const char	*ui_filter_saved(struct ui *, const char *, size_t);
int		 ui_filter_token(struct ui *, const struct record *,
		    enum view_col, bool, struct buf *);
void		 ui_filter_hide_keys(const char *, struct buf *);
const char	*ui_filter_token_end(const char *);

#endif
