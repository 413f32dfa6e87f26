/* SPDX-License-Identifier: ISC */
/*
 * Time zones read from the system's TZif files (RFC 8536) into a small
 * immutable table, so that UTC offsets need neither setenv("TZ") nor
 * tzset() and can be asked from any thread.
 */
#ifndef TZ_H
#define TZ_H

#include <stddef.h>
#include <stdint.h>

struct tz;

struct tz	*tz_load(const char *, char **);
struct tz	*tz_parse(const void *, size_t, char **);
long		 tz_offset(const struct tz *, int64_t);
int		 tz_is_utc(const struct tz *);
void		 tz_free(struct tz *);

#endif
