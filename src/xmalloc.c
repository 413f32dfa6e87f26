/* SPDX-License-Identifier: ISC */
/*
 * Fatal-on-exhaustion allocators, after tmux's xmalloc.c.  Zero-size and
 * overflowing requests are bugs and are treated as such.
 */
#include "config.h"

#include "xmalloc.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"

static const char	*(*xmalloc_hint)(void);

/*
 * Set what an out-of-memory message adds (e.g. how many records were
 * held and what bounds them), or NULL for nothing.
 */
void
xmalloc_set_hint(const char *(*hint)(void))
{
	xmalloc_hint = hint;
}

static const char *
xmalloc_oom(void)
{
	const char	*h;

	if (xmalloc_hint == NULL || (h = xmalloc_hint()) == NULL)
		return ("");
	return (h);
}

/* Allocate size bytes; fatal on failure. */
void *
xmalloc(size_t size)
{
	void	*p;

	if (size == 0)
		fatalx("xmalloc: zero size");
	if ((p = malloc(size)) == NULL)
		fatalx("xmalloc: allocating %zu bytes: out of memory%s", size,
		    xmalloc_oom());
	return (p);
}

/* Allocate a zeroed array of n elements of size bytes; fatal on failure. */
void *
xcalloc(size_t n, size_t size)
{
	void	*p;

	if (n == 0 || size == 0)
		fatalx("xcalloc: zero size");
	if ((p = calloc(n, size)) == NULL)
		fatalx("xcalloc: allocating %zu * %zu bytes: out of memory%s",
		    n, size, xmalloc_oom());
	return (p);
}

/* Resize p to size bytes; fatal on failure. */
void *
xrealloc(void *p, size_t size)
{
	return (xreallocarray(p, 1, size));
}

/* Resize p to n elements of size bytes, checking for overflow. */
void *
xreallocarray(void *p, size_t n, size_t size)
{
	void	*q;

	if (n == 0 || size == 0)
		fatalx("xreallocarray: zero size");
	if (SIZE_MAX / n < size)
		fatalx("xreallocarray: %zu * %zu overflows", n, size);
	if ((q = realloc(p, n * size)) == NULL)
		fatalx("xreallocarray: allocating %zu * %zu bytes: out of "
		    "memory%s", n, size, xmalloc_oom());
	return (q);
}

/* Duplicate a NUL-terminated string. */
char *
xstrdup(const char *s)
{
	return (xstrndup(s, strlen(s)));
}

/* Duplicate at most len bytes of s, always NUL-terminating the copy. */
char *
xstrndup(const char *s, size_t len)
{
	char	*p;
	size_t	 n;

	n = strnlen(s, len);
	p = xmalloc(n + 1);
	memcpy(p, s, n);
	p[n] = '\0';
	return (p);
}

/* Copy len bytes (len may be zero) into a new buffer with a trailing NUL. */
void *
xmemdup(const void *s, size_t len)
{
	char	*p;

	p = xmalloc(len + 1);
	if (len != 0)
		memcpy(p, s, len);
	p[len] = '\0';
	return (p);
}

/* Format into a newly allocated string; returns its length. */
int
xasprintf(char **ret, const char *fmt, ...)
{
	va_list	 ap;
	int	 i;

	va_start(ap, fmt);
	i = xvasprintf(ret, fmt, ap);
	va_end(ap);
	return (i);
}

/* va_list form of xasprintf. */
int
xvasprintf(char **ret, const char *fmt, va_list ap)
{
	int	 i;

	i = vasprintf(ret, fmt, ap);
	if (i < 0 || *ret == NULL)
		fatalx("xvasprintf: %s", strerror(errno));
	return (i);
}
