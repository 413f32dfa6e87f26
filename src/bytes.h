/* SPDX-License-Identifier: ISC */
/*
 * Binary-safe slices and a growable byte buffer.  A struct slice borrows
 * its bytes; a struct buf owns them.  Nothing here assumes NUL termination,
 * but buf keeps a NUL after the data so that buf->data can be passed to
 * functions that want a C string when the content has no NUL bytes.
 */
#ifndef BYTES_H
#define BYTES_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct slice {
	const char	*ptr;		/* borrowed */
	size_t		 len;
};

struct buf {
	char		*data;		/* owned; NUL after len bytes */
	size_t		 len;
	size_t		 cap;
};

#define SLICE_LIT(s)	((struct slice){ (s), sizeof(s) - 1 })

void	 buf_init(struct buf *);
void	 buf_clear(struct buf *);
void	 buf_reset(struct buf *);
void	 buf_reserve(struct buf *, size_t);
void	 buf_add(struct buf *, const void *, size_t);
void	 buf_addc(struct buf *, char);
void	 buf_adds(struct buf *, const char *);
void	 buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
void	 buf_vprintf(struct buf *, const char *, va_list)
	    __attribute__((format(printf, 2, 0)));
char	*buf_take(struct buf *);

bool	 slice_eq(struct slice, const char *);
bool	 slice_caseeq(struct slice, const char *);

#endif
