/* SPDX-License-Identifier: ISC */
/*
 * TEMPORARY scaffolding while the source modules land; each helper deletes
 * its function from here when its real source-*.c arrives.
 */
#include "config.h"

#include "source.h"
#include "xmalloc.h"

struct source *
source_redis_open(const char *arg, const struct options *o,
    struct store *st, char **cause)
{
	*cause = xstrdup("redis sources are not built yet");
	return (NULL);
}
