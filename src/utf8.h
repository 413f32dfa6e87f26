/* SPDX-License-Identifier: ISC */
/*
 * UTF-8: the one decoder (strict: shortest form, no surrogates, nothing
 * above U+10FFFF) and display widths from libutf8proc, so that the batch
 * output, the terminal filter and the UI measure every character alike,
 * whatever the locale.
 */
#ifndef UTF8_H
#define UTF8_H

#include <stddef.h>
#include <stdint.h>

size_t	 utf8_decode(const char *, size_t, uint32_t *);
size_t	 utf8_encode(char *, uint32_t);
int	 utf8_width(uint32_t);

/* Is byte c a continuation byte (10xxxxxx)? */
static inline int
utf8_is_cont(unsigned char c)
{
	return ((c & 0xc0) == 0x80);
}

#endif
