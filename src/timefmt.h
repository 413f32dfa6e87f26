/* SPDX-License-Identifier: ISC */
/*
 * Time formatting and parsing: RFC 3339 in UTC, with a chosen number of
 * fractional digits, and the time arguments of --since/--until and the
 * filter (RFC 3339 prefixes, local or UTC, and relative -15m/-2h/-1d).
 * The TUI sets one zone (timefmt_set_zone: UTC, --tz or TZ) in which
 * times without an offset are read and in which timefmt_local shows them.
 */
#ifndef TIMEFMT_H
#define TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

#define TIMEFMT_MAX	40

size_t	 timefmt_rfc3339(char *, size_t, int64_t, uint32_t, int);
int	 timefmt_parse(const char *, size_t, int64_t, int64_t *, int64_t *,
	    const char **);
int64_t	 timefmt_now(void);
struct tz;
void	 timefmt_set_zone(const struct tz *, const char *);
const char *timefmt_zone_name(void);
long	 timefmt_zone_offset(int64_t);
size_t	 timefmt_local(char *, size_t, int64_t, uint32_t, int);
int64_t	 timefmt_days_from_civil(int64_t, unsigned, unsigned);
void	 timefmt_civil(int64_t, int64_t *, int *, int *, int *, int *, int *);

#endif
