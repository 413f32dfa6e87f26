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

/* True if the slice equals s, ignoring ASCII case. */
bool
slice_caseeq(struct slice s, const char *t)
{
	size_t	 n = strlen(t);

	return (s.len == n && strncasecmp(s.ptr, t, n) == 0);
}
