/* SPDX-License-Identifier: ISC */
/*
 * Strict decimal parsing (after OpenBSD strtonum): no sign games, no
 * trailing junk, range-checked.  *errstr is NULL on success, otherwise
 * "invalid", "too small" or "too large".
 */
#include "config.h"

#include "strnum.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>

/* Parse a C string as a decimal integer within [min, max]. */
int64_t
strnum_parse(const char *s, int64_t min, int64_t max, const char **errstr)
{
	char		*end;
	long long	 v;

	*errstr = NULL;
	if (s == NULL || *s == '\0' || *s == ' ' || *s == '+') {
		*errstr = "invalid";
		return (0);
	}
	errno = 0;
	v = strtoll(s, &end, 10);
	if (*end != '\0') {
		*errstr = "invalid";
		return (0);
	}
	if ((errno == ERANGE && v == LLONG_MIN) || v < min) {
		*errstr = "too small";
		return (0);
	}
	if ((errno == ERANGE && v == LLONG_MAX) || v > max) {
		*errstr = "too large";
		return (0);
	}
	return (v);
}

/*
 * Parse len bytes (not NUL-terminated) as a decimal integer within
 * [min, max] into *out.  Returns 0 on success, -1 otherwise.
 */
int
strnum_parsen(const char *s, size_t len, int64_t min, int64_t max,
    int64_t *out)
{
	size_t		 i = 0;
	int		 neg = 0;
	uint64_t	 v = 0, lim;

	if (len == 0)
		return (-1);
	if (s[0] == '-') {
		neg = 1;
		i++;
		if (len == 1)
			return (-1);
	}
	lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
	for (; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return (-1);
		if (v > (lim - (uint64_t)(s[i] - '0')) / 10)
			return (-1);
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (neg) {
		if (v == (uint64_t)INT64_MAX + 1)
			*out = INT64_MIN;
		else
			*out = -(int64_t)v;
	} else
		*out = (int64_t)v;
	if (*out < min || *out > max)
		return (-1);
	return (0);
}
