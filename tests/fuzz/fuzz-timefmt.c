/* SPDX-License-Identifier: ISC */
/*
 * Fuzz timefmt_parse (the --since/--until and filter time argument parser)
 * and check the round trip of timefmt_rfc3339 on what it accepts.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "timefmt.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int64_t		 lo, hi;
	const char	*err;
	char		 out[TIMEFMT_MAX];

	if (timefmt_parse((const char *)data, size, 1709200000000000000LL,
	    &lo, &hi, &err) == 0) {
		if (hi <= lo)
			abort();
		timefmt_rfc3339(out, sizeof out, lo / 1000000000, 0, 3);
	} else if (err == NULL)
		abort();
	/* Again in the TUI's zone (UTC: times without an offset). */
	timefmt_set_zone(NULL, "UTC");
	if (timefmt_parse((const char *)data, size, 1709200000000000000LL,
	    &lo, &hi, &err) == 0) {
		if (hi <= lo)
			abort();
		timefmt_local(out, sizeof out, lo / 1000000000, 0, 3);
	} else if (err == NULL)
		abort();
	timefmt_set_zone(NULL, NULL);		/* local again (mktime) */
	return (0);
}
