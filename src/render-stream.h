/* SPDX-License-Identifier: ISC */
/*
 * Terminal-safe stdio streams.  render_stream_open wraps a file descriptor
 * in a FILE whose every byte passes the terminal rule of render.c before it
 * is written: whatever a module prints with printf, fwrite or fputs, nothing
 * can move the cursor, set the title, write the clipboard or make the
 * terminal answer.  Batch mode puts one on stdout when it is a terminal and
 * main puts one on stderr always, so that the rule is enforced in one place
 * for every output path that is not the TUI (which draws through
 * render_safe).
 */
#ifndef RENDER_STREAM_H
#define RENDER_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "bytes.h"

enum render_stream_mode {
	RENDER_STREAM_TEXT,	/* render_safe's notation: ^[, \xNN, <U+XXXX> */
	RENDER_STREAM_JSON	/* \uXXXX escapes, so JSON stays JSON */
};

struct render_filter {
	enum render_stream_mode	 mode;
	unsigned char		 pend[4];	/* incomplete UTF-8 sequence */
	size_t			 npend;
};

FILE	*render_stream_open(int, enum render_stream_mode, int);
void	 render_filter_init(struct render_filter *, enum render_stream_mode);
void	 render_filter(struct render_filter *, struct buf *, const char *,
	    size_t);
void	 render_filter_finish(struct render_filter *, struct buf *);
bool	 render_term_safe(const char *, size_t);

#endif
