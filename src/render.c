/* SPDX-License-Identifier: ISC */
/*
 * render_safe: bytes in, printable valid UTF-8 out.  C0 controls and DEL
 * are shown in caret notation (^[ for ESC), C1 controls and invalid UTF-8
 * as \xNN, bidi overrides, zero-width and other invisible characters as
 * <U+XXXX>.  The width helpers measure text that is already safe, in
 * terminal columns, with utf8_width (libutf8proc's tables), so that batch
 * output is measured the same way in every locale and as the UI does.
 */
#include "config.h"

#include "render.h"

#include <stdio.h>
#include <string.h>

#include "utf8.h"

/* Is s valid UTF-8 throughout (NUL bytes allowed)? */
bool
render_valid_utf8(const char *s, size_t len)
{
	size_t		 i = 0, n;
	uint32_t	 cp;

	while (i < len) {
		if ((unsigned char)s[i] < 0x80) {
			i++;
			continue;
		}
		n = utf8_decode(s + i, len - i, &cp);
		if (n == 0)
			return (false);
		i += n;
	}
	return (true);
}

/* True for code points that must not reach a terminal as themselves. */
static int
render_invisible(uint32_t c)
{
	return ((c >= 0x80 && c <= 0x9f) ||	/* C1 controls */
	    c == 0xad ||			/* soft hyphen */
	    c == 0x034f ||			/* combining grapheme joiner */
	    c == 0x061c ||			/* Arabic letter mark */
	    c == 0x115f || c == 0x1160 ||	/* Hangul fillers */
	    c == 0x180e ||			/* Mongolian vowel separator */
	    (c >= 0x200b && c <= 0x200f) ||	/* zero width, LRM/RLM */
	    (c >= 0x2028 && c <= 0x202e) ||	/* line/para sep, bidi */
	    (c >= 0x2060 && c <= 0x206f) ||	/* joiners, isolates, ... */
	    c == 0x3164 || c == 0xffa0 ||	/* Hangul fillers */
	    c == 0xfeff ||			/* BOM / ZWNBSP */
	    (c >= 0xfff9 && c <= 0xfffb) ||	/* interlinear annotation */
	    (c >= 0xe0000 && c <= 0xe007f));	/* tag characters */
}

/*
 * The terminal rule: may code point c reach a terminal as itself?  C0
 * controls, DEL, C1 controls and the invisible characters above may not
 * (newline and tab are the caller's to allow: they only move the cursor
 * forward).  Every output path applies this one rule, through render_safe
 * or render-stream.c.
 */
bool
render_cp_safe(uint32_t c)
{
	return (c >= 0x20 && c != 0x7f && !render_invisible(c));
}

/*
 * Append a terminal-safe rendering of len bytes at s to out.  flags:
 * RENDER_NEWLINES keeps newlines, RENDER_TABS expands tabs to the next
 * multiple of 8 columns (counted from the start of s's current line).
 * The output never holds a byte below 0x20 (except \n with
 * RENDER_NEWLINES), nor 0x7f, nor invalid UTF-8.
 */
void
render_safe(struct buf *out, const char *s, size_t len, int flags)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i = 0, n, col = 0;
	uint32_t		 cp;
	char			 tmp[16];
	int			 w;

	buf_reserve(out, len);
	while (i < len) {
		if (p[i] >= 0x20 && p[i] < 0x7f) {
			buf_addc(out, (char)p[i]);
			col++;
			i++;
			continue;
		}
		if (p[i] == '\n' && (flags & RENDER_NEWLINES)) {
			buf_addc(out, '\n');
			col = 0;
			i++;
			continue;
		}
		if (p[i] == '\t' && (flags & RENDER_TABS)) {
			do {
				buf_addc(out, ' ');
				col++;
			} while (col % 8 != 0);
			i++;
			continue;
		}
		if (p[i] < 0x20 || p[i] == 0x7f) {
			if (p[i] == '\t')
				buf_add(out, "\\t", 2);
			else if (p[i] == '\n')
				buf_add(out, "\\n", 2);
			else if (p[i] == '\r')
				buf_add(out, "\\r", 2);
			else {
				tmp[0] = '^';
				tmp[1] = p[i] == 0x7f ? '?' : (char)(p[i] + 0x40);
				buf_add(out, tmp, 2);
			}
			col += 2;
			i++;
			continue;
		}
		n = utf8_decode(s + i, len - i, &cp);
		if (n == 0) {
			snprintf(tmp, sizeof tmp, "\\x%02x", p[i]);
			buf_add(out, tmp, 4);
			col += 4;
			i++;
			continue;
		}
		if (!render_cp_safe(cp)) {
			n = (size_t)snprintf(tmp, sizeof tmp, "<U+%04X>",
			    (unsigned)cp);
			buf_add(out, tmp, n);
			col += n;
			i += utf8_decode(s + i, len - i, &cp);
			continue;
		}
		buf_add(out, p + i, n);
		w = utf8_width(cp);
		col += w > 0 ? (size_t)w : 0;
		i += n;
	}
}

/* Columns taken by already-safe UTF-8 text. */
size_t
render_width(const char *s, size_t len)
{
	size_t		 i = 0, w = 0, n;
	uint32_t	 cp;

	while (i < len) {
		if ((unsigned char)s[i] < 0x80) {
			w++;
			i++;
			continue;
		}
		n = utf8_decode(s + i, len - i, &cp);
		if (n == 0) {
			w++;
			i++;
			continue;
		}
		w += (size_t)utf8_width(cp);
		i += n;
	}
	return (w);
}

/*
 * How many bytes of already-safe text s fit in width columns, never
 * splitting a character; *used gets the columns they take.
 */
size_t
render_fit(const char *s, size_t len, size_t width, size_t *used)
{
	size_t		 i = 0, w = 0, n, cw;
	uint32_t	 cp;

	while (i < len) {
		n = utf8_decode(s + i, len - i, &cp);
		if (n == 0) {
			n = 1;
			cw = 1;
		} else
			cw = (size_t)utf8_width(cp);
		if (w + cw > width)
			break;
		w += cw;
		i += n;
	}
	/* Keep zero-width marks that follow the last character. */
	while (i < len && (n = utf8_decode(s + i, len - i, &cp)) != 0 &&
	    cp >= 0x80 && utf8_width(cp) == 0)
		i += n;
	if (used != NULL)
		*used = w;
	return (i);
}

/*
 * Append already-safe text cut to at most width columns; when cut, the
 * last columns hold mark (e.g. "~" or "..." ; NULL for none).
 */
void
render_truncate(struct buf *b, const char *s, size_t len, size_t width,
    const char *mark)
{
	size_t	 mw, n, used;

	if (render_width(s, len) <= width) {
		buf_add(b, s, len);
		return;
	}
	mw = mark != NULL ? render_width(mark, strlen(mark)) : 0;
	if (mw > width) {
		mark = NULL;
		mw = 0;
	}
	n = render_fit(s, len, width - mw, &used);
	buf_add(b, s, n);
	if (mark != NULL)
		buf_adds(b, mark);
}
