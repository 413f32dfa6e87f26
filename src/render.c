/* SPDX-License-Identifier: ISC */
/*
 * render_safe: bytes in, printable valid UTF-8 out.  C0 controls and DEL
 * are shown in caret notation (^[ for ESC), C1 controls and invalid UTF-8
 * as \xNN, bidi overrides and zero-width characters as <U+XXXX>.
 */
#include "config.h"

#include "render.h"

#include <stdint.h>
#include <stdio.h>

/* Decode one UTF-8 sequence at s (len > 0); returns its length or 0. */
static size_t
render_utf8(const unsigned char *s, size_t len, uint32_t *cp)
{
	size_t		 n, i;
	uint32_t	 c;

	if (s[0] < 0x80) {
		*cp = s[0];
		return (1);
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		c = s[0] & 0x07;
	} else
		return (0);
	if (len < n)
		return (0);
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return (0);
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 ||
	    c > 0x10ffff)) || (c >= 0xd800 && c <= 0xdfff))
		return (0);
	*cp = c;
	return (n);
}

/* True for code points that must not reach a terminal as themselves. */
static int
render_invisible(uint32_t c)
{
	return ((c >= 0x80 && c <= 0x9f) ||	/* C1 controls */
	    c == 0xad ||			/* soft hyphen */
	    (c >= 0x200b && c <= 0x200f) ||	/* zero width, LRM/RLM */
	    (c >= 0x202a && c <= 0x202e) ||	/* bidi embeddings/overrides */
	    (c >= 0x2060 && c <= 0x2064) ||	/* word joiner etc. */
	    (c >= 0x2066 && c <= 0x2069) ||	/* bidi isolates */
	    c == 0xfeff ||			/* BOM / ZWNBSP */
	    (c >= 0xfff9 && c <= 0xfffb) ||	/* interlinear annotation */
	    c == 0x061c);			/* Arabic letter mark */
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

	while (i < len) {
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
		n = render_utf8(p + i, len - i, &cp);
		if (n == 0) {
			snprintf(tmp, sizeof tmp, "\\x%02x", p[i]);
			buf_add(out, tmp, 4);
			col += 4;
			i++;
			continue;
		}
		if (render_invisible(cp)) {
			n = (size_t)snprintf(tmp, sizeof tmp, "<U+%04X>",
			    (unsigned)cp);
			buf_add(out, tmp, n);
			col += n;
			i += render_utf8(p + i, len - i, &cp);
			continue;
		}
		buf_add(out, p + i, n);
		col++;
		i += n;
	}
}

/* Number of code points in already-safe UTF-8 text (approximate width). */
size_t
render_width(const char *s, size_t len)
{
	size_t	 i, w = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			w++;
	return (w);
}
