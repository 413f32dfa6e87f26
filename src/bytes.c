/* SPDX-License-Identifier: ISC */
/*
 * Growable byte buffers (after redis's sds: binary-safe, always followed by
 * a NUL) and slice helpers.
 */
#include "config.h"

#include "bytes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "xmalloc.h"

/* Initialise an empty buffer. */
void
buf_init(struct buf *b)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

/* Free the buffer's memory. */
void
buf_clear(struct buf *b)
{
	free(b->data);
	buf_init(b);
}

/* Empty the buffer, keeping its memory. */
void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

/* Make room for at least extra more bytes (plus the NUL). */
void
buf_reserve(struct buf *b, size_t extra)
{
	size_t	 need, cap;

	need = b->len + extra + 1;
	if (need < b->len)
		fatalx("buf_reserve: overflow");
	if (need <= b->cap)
		return;
	cap = b->cap == 0 ? 64 : b->cap;
	while (cap < need)
		cap = cap * 2 < cap ? need : cap * 2;
	b->data = xrealloc(b->data, cap);
	b->cap = cap;
}

/* Append len bytes. */
void
buf_add(struct buf *b, const void *p, size_t len)
{
	buf_reserve(b, len);
	if (len != 0)
		memcpy(b->data + b->len, p, len);
	b->len += len;
	b->data[b->len] = '\0';
}

/* Append one byte. */
void
buf_addc(struct buf *b, char c)
{
	buf_reserve(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}

/* Append a C string. */
void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

/* Append formatted text. */
void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

/* va_list form of buf_printf. */
void
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list	 aq;
	int	 n;

	va_copy(aq, ap);
	n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		fatalx("buf_vprintf: bad format");
	buf_reserve(b, (size_t)n);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

/* Hand the data (NUL-terminated, never NULL) to the caller; b is emptied. */
char *
buf_take(struct buf *b)
{
	char	*p;

	if (b->data == NULL)
		buf_reserve(b, 0);
	b->data[b->len] = '\0';
	p = b->data;
	buf_init(b);
	return (p);
}

/* True if the slice equals the C string s. */
bool
slice_eq(struct slice s, const char *t)
{
	size_t	 n = strlen(t);

	return (s.len == n && memcmp(s.ptr, t, n) == 0);
}

/* A slice of b's bytes; an empty buffer gives "" (never a NULL ptr). */
struct slice
slice_buf(const struct buf *b)
{
	struct slice	 s;

	s.ptr = b->data != NULL ? b->data : "";
	s.len = b->len;
	return (s);
}

/* A slice of the C string s; NULL gives an empty slice. */
struct slice
slice_str(const char *s)
{
	struct slice	 r;

	r.ptr = s != NULL ? s : "";
	r.len = s != NULL ? strlen(s) : 0;
	return (r);
}

/* True if the slice equals s, ignoring ASCII case. */
bool
slice_caseeq(struct slice s, const char *t)
{
	size_t	 n = strlen(t);

	return (s.len == n && strncasecmp(s.ptr, t, n) == 0);
}

/* The value of hex digit c (either case), or -1. */
int
hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return (c - '0');
	if (c >= 'a' && c <= 'f')
		return (c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (c - 'A' + 10);
	return (-1);
}

/* Append the lowercase hex of len bytes at p (Go's hex.EncodeToString). */
void
buf_add_hex(struct buf *b, const void *p, size_t len)
{
	static const char	 tab[] = "0123456789abcdef";
	const unsigned char	*s = p;
	size_t			 i;

	buf_reserve(b, 2 * len);
	for (i = 0; i < len; i++) {
		b->data[b->len++] = tab[s[i] >> 4];
		b->data[b->len++] = tab[s[i] & 15];
	}
	b->data[b->len] = '\0';
}

/*
 * Format the n (at most 16) bytes at p, which start at offset off, as one
 * hexdump line: the callers lay the three parts out and colour them.
 */
void
hexdump_line(struct hexdump_line *h, size_t off, const void *p, size_t n)
{
	static const char	 tab[] = "0123456789abcdef";
	const unsigned char	*s = p;
	size_t			 i, k = 0, t = 0;

	if (n > HEXDUMP_WIDTH)
		n = HEXDUMP_WIDTH;
	snprintf(h->off, sizeof h->off, "%08zx", off);
	for (i = 0; i < HEXDUMP_WIDTH; i++) {
		if (i == HEXDUMP_WIDTH / 2)
			h->hex[k++] = ' ';
		h->hex[k++] = ' ';
		h->hex[k++] = i < n ? tab[s[i] >> 4] : ' ';
		h->hex[k++] = i < n ? tab[s[i] & 15] : ' ';
	}
	h->hex[k++] = ' ';
	h->hex[k++] = ' ';
	h->hex[k] = '\0';
	h->text[t++] = '|';
	for (i = 0; i < n; i++)
		h->text[t++] = s[i] >= 0x20 && s[i] < 0x7f ? (char)s[i] : '.';
	h->text[t++] = '|';
	h->text[t] = '\0';
}
