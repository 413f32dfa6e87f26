/* SPDX-License-Identifier: ISC */
/*
 * render_safe: bytes in, printable valid UTF-8 out.  C0 controls and DEL
 * are shown in caret notation (^[ for ESC), C1 controls and invalid UTF-8
 * as \xNN, bidi overrides, zero-width and other invisible characters as
 * <U+XXXX>.  The width helpers measure text that is already safe, in
 * terminal columns: wcwidth() when the locale knows the character, else a
 * small built-in table (East Asian wide and combining ranges), so that
 * batch output in the C locale is measured the same way.
 */
#include "config.h"

#include "render.h"

#include <stdio.h>
#include <string.h>
#include <wchar.h>

/*
 * Decode one UTF-8 sequence at s (len > 0) into *cp; returns its length,
 * or 0 if s does not start with a valid, shortest-form, non-surrogate
 * sequence.
 */
size_t
render_utf8_decode(const char *str, size_t len, uint32_t *cp)
{
	const unsigned char	*s = (const unsigned char *)str;
	size_t			 n, i;
	uint32_t		 c;

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
		n = render_utf8_decode(s + i, len - i, &cp);
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
		n = render_utf8_decode(s + i, len - i, &cp);
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
			i += render_utf8_decode(s + i, len - i, &cp);
			continue;
		}
		buf_add(out, p + i, n);
		w = render_cp_width(cp);
		col += w > 0 ? (size_t)w : 0;
		i += n;
	}
}

/* East Asian wide and fullwidth ranges (Unicode 15, abridged). */
static const uint32_t render_wide[][2] = {
	{ 0x1100, 0x115f }, { 0x231a, 0x231b }, { 0x2329, 0x232a },
	{ 0x23e9, 0x23ec }, { 0x23f0, 0x23f0 }, { 0x23f3, 0x23f3 },
	{ 0x25fd, 0x25fe }, { 0x2614, 0x2615 }, { 0x2648, 0x2653 },
	{ 0x267f, 0x267f }, { 0x2693, 0x2693 }, { 0x26a1, 0x26a1 },
	{ 0x26aa, 0x26ab }, { 0x26bd, 0x26be }, { 0x26c4, 0x26c5 },
	{ 0x26ce, 0x26ce }, { 0x26d4, 0x26d4 }, { 0x26ea, 0x26ea },
	{ 0x26f2, 0x26f3 }, { 0x26f5, 0x26f5 }, { 0x26fa, 0x26fa },
	{ 0x26fd, 0x26fd }, { 0x2705, 0x2705 }, { 0x270a, 0x270b },
	{ 0x2728, 0x2728 }, { 0x274c, 0x274c }, { 0x274e, 0x274e },
	{ 0x2753, 0x2755 }, { 0x2757, 0x2757 }, { 0x2795, 0x2797 },
	{ 0x27b0, 0x27b0 }, { 0x27bf, 0x27bf }, { 0x2b1b, 0x2b1c },
	{ 0x2b50, 0x2b50 }, { 0x2b55, 0x2b55 }, { 0x2e80, 0x303e },
	{ 0x3041, 0x33ff }, { 0x3400, 0x4dbf }, { 0x4e00, 0x9fff },
	{ 0xa000, 0xa4cf }, { 0xa960, 0xa97f }, { 0xac00, 0xd7a3 },
	{ 0xf900, 0xfaff }, { 0xfe10, 0xfe19 }, { 0xfe30, 0xfe6f },
	{ 0xff00, 0xff60 }, { 0xffe0, 0xffe6 }, { 0x16fe0, 0x16fe4 },
	{ 0x17000, 0x18cff }, { 0x1b000, 0x1b2ff }, { 0x1f004, 0x1f004 },
	{ 0x1f0cf, 0x1f0cf }, { 0x1f18e, 0x1f18e }, { 0x1f191, 0x1f19a },
	{ 0x1f200, 0x1f251 }, { 0x1f300, 0x1f320 }, { 0x1f32d, 0x1f335 },
	{ 0x1f337, 0x1f37c }, { 0x1f37e, 0x1f393 }, { 0x1f3a0, 0x1f3ca },
	{ 0x1f3cf, 0x1f3d3 }, { 0x1f3e0, 0x1f3f0 }, { 0x1f3f4, 0x1f3f4 },
	{ 0x1f3f8, 0x1f43e }, { 0x1f440, 0x1f440 }, { 0x1f442, 0x1f4fc },
	{ 0x1f4ff, 0x1f53d }, { 0x1f54b, 0x1f54e }, { 0x1f550, 0x1f567 },
	{ 0x1f57a, 0x1f57a }, { 0x1f595, 0x1f596 }, { 0x1f5a4, 0x1f5a4 },
	{ 0x1f5fb, 0x1f64f }, { 0x1f680, 0x1f6c5 }, { 0x1f6cc, 0x1f6cc },
	{ 0x1f6d0, 0x1f6d2 }, { 0x1f6d5, 0x1f6d7 }, { 0x1f6eb, 0x1f6ec },
	{ 0x1f6f4, 0x1f6fc }, { 0x1f7e0, 0x1f7eb }, { 0x1f90c, 0x1f93a },
	{ 0x1f93c, 0x1f945 }, { 0x1f947, 0x1f9ff }, { 0x1fa70, 0x1faff },
	{ 0x20000, 0x2fffd }, { 0x30000, 0x3fffd }
};

/* Zero-width combining ranges (abridged). */
static const uint32_t render_zero[][2] = {
	{ 0x0300, 0x036f }, { 0x0483, 0x0489 }, { 0x0591, 0x05bd },
	{ 0x0610, 0x061a }, { 0x064b, 0x065f }, { 0x0e31, 0x0e31 },
	{ 0x0e34, 0x0e3a }, { 0x0e47, 0x0e4e }, { 0x1ab0, 0x1aff },
	{ 0x1dc0, 0x1dff }, { 0x20d0, 0x20ff }, { 0xfe00, 0xfe0f },
	{ 0xfe20, 0xfe2f }, { 0x1f3fb, 0x1f3ff }, { 0xe0100, 0xe01ef }
};

/* Is c in one of the n sorted ranges of t? */
static int
render_in(uint32_t c, const uint32_t (*t)[2], size_t n)
{
	size_t	 lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		if (c < t[mid][0])
			hi = mid;
		else if (c > t[mid][1])
			lo = mid + 1;
		else
			return (1);
	}
	return (0);
}

/*
 * Terminal columns of code point c (0, 1 or 2): wcwidth() when the locale
 * knows it, else the built-in tables.
 */
int
render_cp_width(uint32_t c)
{
	int	 w;

	if (c < 0x7f)
		return (c >= 0x20 ? 1 : 0);
	w = wcwidth((wchar_t)c);
	if (w >= 0)
		return (w);
	if (render_in(c, render_zero, sizeof render_zero /
	    sizeof render_zero[0]))
		return (0);
	if (render_in(c, render_wide, sizeof render_wide /
	    sizeof render_wide[0]))
		return (2);
	return (1);
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
		n = render_utf8_decode(s + i, len - i, &cp);
		if (n == 0) {
			w++;
			i++;
			continue;
		}
		w += (size_t)render_cp_width(cp);
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
		n = render_utf8_decode(s + i, len - i, &cp);
		if (n == 0) {
			n = 1;
			cw = 1;
		} else
			cw = (size_t)render_cp_width(cp);
		if (w + cw > width)
			break;
		w += cw;
		i += n;
	}
	/* Keep zero-width marks that follow the last character. */
	while (i < len && (n = render_utf8_decode(s + i, len - i, &cp)) != 0 &&
	    cp >= 0x80 && render_cp_width(cp) == 0)
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
