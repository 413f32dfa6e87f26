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
struct slice	 slice_buf(const struct buf *);
struct slice	 slice_str(const char *);

/* Hex: digits, lowercase encoding, and the one hexdump line format. */
#define HEXDUMP_WIDTH	16

/* One line of a canonical hexdump (as hexdump -C) of up to 16 bytes. */
struct hexdump_line {
	char	 off[20];	/* "00000010" */
	char	 hex[56];	/* " 41 42 ...  ... 4f 50  " (fixed width) */
	char	 text[20];	/* "|AB..OP|": printable ASCII, else '.' */
};

int	 hex_value(int);
void	 buf_add_hex(struct buf *, const void *, size_t);
void	 hexdump_line(struct hexdump_line *, size_t, const void *, size_t);

#endif
