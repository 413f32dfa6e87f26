/* SPDX-License-Identifier: ISC */
/*
 * Map-key escaping, tag white space and the --tz zone check for agg.c.
 * Zone offsets themselves come from tz.c, which needs no TZ environment.
 */
#include "config.h"

#include "agg-key.h"

#include <stdbool.h>

#include "tz.h"
#include "utf8.h"

/* Is c white space for Go's unicode.IsSpace? */
static bool
agg_key_is_space(uint32_t c)
{
	switch (c) {
	case '\t': case '\n': case '\v': case '\f': case '\r': case ' ':
	case 0x85: case 0xa0: case 0x1680: case 0x2028: case 0x2029:
	case 0x202f: case 0x205f: case 0x3000:
		return (true);
	}
	return (c >= 0x2000 && c <= 0x200a);
}

/* Length of the white-space character starting s, or 0. */
size_t
agg_key_space_at(const char *s, size_t len)
{
	size_t		 n;
	uint32_t	 c;

	n = utf8_decode(s, len, &c);
	return (n != 0 && agg_key_is_space(c) ? n : 0);
}

/* Length of the white-space character ending s[0..len), or 0. */
size_t
agg_key_space_before(const char *s, size_t len)
{
	size_t		 k, n;
	uint32_t	 c;

	for (k = 1; k <= 3 && k <= len; k++) {
		if (k < len && k < 3 && utf8_is_cont((unsigned char)s[len - k]))
			continue;
		n = utf8_decode(s + len - k, k, &c);
		if (n != 0 && n == k && agg_key_is_space(c))
			return (k);
		return (0);
	}
	return (0);
}

/*
 * Check that zone names a time zone this machine knows (see tz_load:
 * "UTC" and its aliases, a TZif file under $TZDIR or /usr/share/zoneinfo,
 * or an absolute path).  Returns 0, or -1 with *cause set.
 */
int
agg_key_tz_check(const char *zone, char **cause)
{
	struct tz	*tz;

	if ((tz = tz_load(zone, cause)) == NULL)
		return (-1);
	tz_free(tz);
	return (0);
}
