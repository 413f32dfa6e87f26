/* SPDX-License-Identifier: ISC */
/*
 * Allocation wrappers that never return NULL: running out of memory is
 * fatal.  Sizes that come from input must be capped by the caller before
 * they reach these functions (see style.md 7.6, tier 2).
 */
#ifndef XMALLOC_H
#define XMALLOC_H

#include <stdarg.h>
#include <stddef.h>

void	 xmalloc_set_hint(const char *(*)(void));
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
void	*xmemdup(const void *, size_t);
int	 xasprintf(char **, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
int	 xvasprintf(char **, const char *, va_list)
	    __attribute__((format(printf, 2, 0)));

#endif
