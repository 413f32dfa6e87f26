/* SPDX-License-Identifier: ISC */
/*
 * Load sources into a store the way batch mode does and report what it
 * cost: records, seconds, time to the first records (the first screen),
 * store and string-table bytes, peak RSS and the anonymous memory the
 * loaded store holds (RssAnon after the load, less before).  Output is one line of
 * key=value pairs for tests/bench/run-readers.sh.
 */
#include "config.h"

#include <sys/resource.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "options.h"
#include "source.h"
#include "store.h"

/* Anonymous resident memory (RssAnon) in KiB, or 0 if unknown. */
static long
anon_kb(void)
{
	FILE	*f;
	char	 line[256];
	long	 kb = 0;

	if ((f = fopen("/proc/self/status", "r")) == NULL)
		return (0);
	while (fgets(line, sizeof line, f) != NULL)
		if (sscanf(line, "RssAnon: %ld", &kb) == 1)
			break;
	fclose(f);
	return (kb);
}

static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

int
main(int argc, char **argv)
{
	struct options		 o;
	struct store		 st;
	struct source		*s;
	struct rusage		 ru;
	enum source_status	 ss;
	char			*cause;
	double			 t0, first = -1;
	long			 anon0;
	int			 i;

	if (argc < 2) {
		fprintf(stderr, "usage: bench-load SOURCE...\n");
		return (2);
	}
	memset(&o, 0, sizeof o);
	anon0 = anon_kb();
	store_init(&st, 0);
	t0 = now();
	for (i = 1; i < argc; i++) {
		if ((s = source_open(argv[i], &o, &st, &cause)) == NULL) {
			fprintf(stderr, "%s: %s\n", argv[i], cause);
			return (2);
		}
		do {
			ss = s->ops->poll(s, &st, 4096);
			if (first < 0 && store_count(&st) > 0)
				first = now() - t0;
		} while (ss == SOURCE_MORE || ss == SOURCE_IDLE);
		source_free(s);
	}
	getrusage(RUSAGE_SELF, &ru);
	printf("records=%llu bad=%llu seconds=%.3f first=%.4f "
	    "store_bytes=%zu string_bytes=%zu maxrss_kb=%ld anon_kb=%ld\n",
	    (unsigned long long)store_count(&st),
	    (unsigned long long)st.nbad, now() - t0, first,
	    store_memory(&st), strtab_memory(&st.strs), ru.ru_maxrss,
	    anon_kb() - anon0);
	store_clear(&st);
	return (0);
}
