/* SPDX-License-Identifier: ISC */
/*
 * Views of a decoded message for people: lines of already terminal-safe
 * UTF-8 text, each with style spans (JSON token classes, header names,
 * masked values, notes) that a renderer maps to colours.  The TUI's
 * Request/Response tabs draw these lines; batch raw-request/raw-response
 * output to a terminal prints them.  Secrets are masked through a struct
 * mask (NULL: reveal everything).
 */
#ifndef WIRE_VIEW_H
#define WIRE_VIEW_H

#include <stddef.h>
#include <stdint.h>

#include "bytes.h"

struct mask;
struct wire_msg;

enum wire_view_mode {
	WIRE_VIEW_PRETTY,	/* JSON indented, forms as pairs, ... */
	WIRE_VIEW_RAW,		/* body text as it is (escaped) */
	WIRE_VIEW_HEX,		/* body as a hexdump */
	WIRE_VIEW_WIRE		/* the whole decoded message as a hexdump */
};

enum wire_style {
	WS_PLAIN,
	WS_START,		/* request/status line */
	WS_HNAME,		/* header name */
	WS_HVALUE,		/* header value */
	WS_MASKED,		/* a masked secret */
	WS_KEY,			/* JSON key, form or part name */
	WS_STRING,		/* JSON string, form value */
	WS_NUMBER,
	WS_LITERAL,		/* true, false, null */
	WS_PUNCT,		/* { } [ ] , : = */
	WS_NOTE,		/* explanation (empty payload, chain) */
	WS_ERROR,		/* where decoding stopped */
	WS_OFFSET,		/* hexdump offset column */
	WS_DIM			/* hexdump ASCII column, separators */
};

struct wire_span {
	uint32_t	 off;		/* byte offset in the line */
	uint32_t	 len;
	uint8_t		 style;		/* enum wire_style */
};

struct wire_line {
	size_t		 off;		/* into text */
	size_t		 len;
	size_t		 span;		/* first span */
	size_t		 nspans;
};

struct wire_view {
	struct buf	 text;		/* all lines, safe UTF-8, no \n */
	struct wire_line *lines;
	size_t		 nlines, lines_cap;
	struct wire_span *spans;
	size_t		 nspans, spans_cap;
	/* Line being built. */
	size_t		 cur_off, cur_span;
};

void	 wire_view_init(struct wire_view *);
void	 wire_view_clear(struct wire_view *);
void	 wire_view_build(struct wire_view *, const struct wire_msg *,
	    enum wire_view_mode, const struct mask *);
const char *wire_view_line(const struct wire_view *, size_t, size_t *,
	    const struct wire_span **, size_t *);
void	 wire_view_text(struct buf *, const struct wire_view *);
void	 wire_view_add(struct wire_view *, const char *, size_t,
	    enum wire_style);
void	 wire_view_newline(struct wire_view *);
void	 wire_view_hexdump(struct wire_view *, const char *, size_t);

#endif
