/* SPDX-License-Identifier: ISC */
/*
 * UTF-8 decoding and display widths.  The decoder is written here (it is a
 * dozen lines and sits on every hot path that looks at text); the widths
 * come from libutf8proc's tables, as in tmux, instead of wcwidth(), whose
 * answers depend on the locale and the C library.
 */
#include "config.h"

#include <utf8proc.h>

#include "utf8.h"

/*
 * Decode one UTF-8 sequence at s (len > 0) into *cp; returns its length,
 * or 0 if s does not start with a valid, shortest-form, non-surrogate
 * sequence.
 */
size_t
utf8_decode(const char *str, size_t len, uint32_t *cp)
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
		if (!utf8_is_cont(s[i]))
			return (0);
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && c < 0x800) || (n == 4 && (c < 0x10000 ||
	    c > 0x10ffff)) || (c >= 0xd800 && c <= 0xdfff))
		return (0);
	*cp = c;
	return (n);
}

/*
 * Encode code point c (a scalar value) at out, which has room for 4
 * bytes; returns the length.
 */
size_t
utf8_encode(char *out, uint32_t c)
{
	unsigned char	*o = (unsigned char *)out;

	if (c < 0x80) {
		o[0] = (unsigned char)c;
		return (1);
	}
	if (c < 0x800) {
		o[0] = (unsigned char)(0xc0 | c >> 6);
		o[1] = (unsigned char)(0x80 | (c & 0x3f));
		return (2);
	}
	if (c < 0x10000) {
		o[0] = (unsigned char)(0xe0 | c >> 12);
		o[1] = (unsigned char)(0x80 | (c >> 6 & 0x3f));
		o[2] = (unsigned char)(0x80 | (c & 0x3f));
		return (3);
	}
	o[0] = (unsigned char)(0xf0 | c >> 18);
	o[1] = (unsigned char)(0x80 | (c >> 12 & 0x3f));
	o[2] = (unsigned char)(0x80 | (c >> 6 & 0x3f));
	o[3] = (unsigned char)(0x80 | (c & 0x3f));
	return (4);
}

/*
 * Terminal columns of code point c: 0 (controls, combining and other
 * zero-width characters), 1 or 2 (East Asian wide and fullwidth, emoji
 * presentation).  Never negative.
 */
int
utf8_width(uint32_t c)
{
	int	 w;

	if (c < 0x7f)
		return (c >= 0x20 ? 1 : 0);
	if (c < 0xa0)
		return (0);
	w = utf8proc_charwidth((utf8proc_int32_t)c);
	return (w < 0 ? 0 : w > 2 ? 2 : w);
}
