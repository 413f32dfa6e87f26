/* SPDX-License-Identifier: ISC */
/*
 * Helpers of the aggregate module that deal in bytes and time zones: the
 * pump's map-key escaping (base64 without padding, hex), Go's white space
 * for tag trimming, and the check of a --tz zone name.
 */
#ifndef AGG_KEY_H
#define AGG_KEY_H

#include <stddef.h>
#include <stdint.h>

#include "bytes.h"

size_t	 agg_key_space_at(const char *, size_t);
size_t	 agg_key_space_before(const char *, size_t);
int	 agg_key_tz_check(const char *, char **);

#endif
