/* SPDX-License-Identifier: ISC */
/*
 * Line buffers: safe text lines, each with a colour class and optional
 * styled spans, kept in one growing buffer.  The Detail and Help screens,
 * the preview pane, the Health screen and the wire decoding build them;
 * the frame draws them (ui_frame_lines).  A leaf: no curses, no screen.
 */
#include "config.h"

#include "ui-lines.h"

#include <stdlib.h>
#include <string.h>

#include "render.h"
#include "xmalloc.h"

/* Initialise an empty line list. */
void
ui_lines_init(struct ui_lines *l)
{
	memset(l, 0, sizeof *l);
	buf_init(&l->text);
}

/* Empty a line list, keeping its memory. */
void
ui_lines_reset(struct ui_lines *l)
{
	buf_reset(&l->text);
	l->n = 0;
	l->nspans = 0;
}

/* Free a line list. */
void
ui_lines_clear(struct ui_lines *l)
{
	buf_clear(&l->text);
	free(l->off);
	free(l->cls);
	free(l->span0);
	free(l->nsp);
	free(l->spans);
	memset(l, 0, sizeof *l);
}

/* Add one line of text that is already safe (no newline in it). */
void
ui_lines_add(struct ui_lines *l, int cls, const char *s, size_t len)
{
	if (l->n == l->cap) {
		l->cap = l->cap == 0 ? 64 : l->cap * 2;
		l->off = xreallocarray(l->off, l->cap, sizeof *l->off);
		l->cls = xreallocarray(l->cls, l->cap, sizeof *l->cls);
		l->span0 = xreallocarray(l->span0, l->cap, sizeof *l->span0);
		l->nsp = xreallocarray(l->nsp, l->cap, sizeof *l->nsp);
	}
	l->off[l->n] = l->text.len;
	l->cls[l->n] = (uint8_t)cls;
	l->span0[l->n] = l->nspans;
	l->nsp[l->n] = 0;
	l->n++;
	buf_add(&l->text, s, len);
	buf_addc(&l->text, '\0');
}

/* Style bytes [off, off+len) of the last line added with class cls. */
void
ui_lines_add_span(struct ui_lines *l, size_t off, size_t len, int cls)
{
	if (l->n == 0)
		return;
	if (l->nspans == l->spans_cap) {
		l->spans_cap = l->spans_cap == 0 ? 64 : l->spans_cap * 2;
		l->spans = xreallocarray(l->spans, l->spans_cap,
		    sizeof *l->spans);
	}
	l->spans[l->nspans].off = (uint32_t)off;
	l->spans[l->nspans].len = (uint32_t)len;
	l->spans[l->nspans].cls = (uint8_t)cls;
	l->nspans++;
	l->nsp[l->n - 1]++;
}

/* Add untrusted text, made safe, split at newlines. */
void
ui_lines_add_safe(struct ui_lines *l, int cls, const char *s, size_t len)
{
	struct buf	 b;
	size_t		 i, start = 0;

	buf_init(&b);
	render_safe(&b, s, len, RENDER_NEWLINES | RENDER_TABS);
	for (i = 0; i <= b.len; i++) {
		if (i == b.len || b.data[i] == '\n') {
			if (i == b.len && i == start && start != 0)
				break;
			ui_lines_add(l, cls, b.data == NULL ? "" :
			    b.data + start, i - start);
			start = i + 1;
		}
	}
	buf_clear(&b);
}

/* Line i (NUL-terminated). */
const char *
ui_lines_get(const struct ui_lines *l, size_t i)
{
	return (l->text.data + l->off[i]);
}
