/* SPDX-License-Identifier: ISC */
/*
 * Line buffers of safe text, a colour class per line plus styled spans
 * (Detail, Help, preview, Health, wire decoding).
 */
#ifndef UI_LINES_H
#define UI_LINES_H

#include <stddef.h>
#include <stdint.h>

#include "bytes.h"

/* A styled part of a line: bytes [off, off+len) in class cls. */
struct ui_span {
	uint32_t	 off;
	uint32_t	 len;
	uint8_t		 cls;
};

/* Safe text lines, a class each plus optional spans (detail, help). */
struct ui_lines {
	struct buf	 text;		/* lines, each NUL-terminated */
	size_t		*off;		/* start of line i in text */
	uint8_t		*cls;		/* UI_C_* of line i */
	size_t		*span0;		/* first span of line i */
	uint32_t	*nsp;		/* spans of line i */
	size_t		 n;
	size_t		 cap;
	struct ui_span	*spans;
	size_t		 nspans;
	size_t		 spans_cap;
};

void		 ui_lines_init(struct ui_lines *);
void		 ui_lines_reset(struct ui_lines *);
void		 ui_lines_clear(struct ui_lines *);
void		 ui_lines_add(struct ui_lines *, int, const char *, size_t);
void		 ui_lines_add_safe(struct ui_lines *, int, const char *,
		    size_t);
void		 ui_lines_add_span(struct ui_lines *, size_t, size_t, int);
const char	*ui_lines_get(const struct ui_lines *, size_t);

#endif
