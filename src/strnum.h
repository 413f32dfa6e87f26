/* SPDX-License-Identifier: ISC */
/*
 * Strict number parsing: the whole input must be a number within range.
 */
#ifndef STRNUM_H
#define STRNUM_H

#include <stddef.h>
#include <stdint.h>

int64_t	 strnum_parse(const char *, int64_t, int64_t, const char **);
int	 strnum_parsen(const char *, size_t, int64_t, int64_t, int64_t *);

#endif
