/* SPDX-License-Identifier: ISC */
/*
 * Load sources into a store the way batch mode does and report what it
 * cost: records, seconds, time to the first records (the first screen),
 * store and string-table bytes, peak RSS and the anonymous memory the
 * loaded store holds (RssAnon after the load, less before).  Output is one line of
 * key=value pairs for tests/bench/run-readers.sh.
 *
 * With -p N, then opens the payloads of N records picked at random as
 * the detail screen does (payload_get and the decode of both messages)
 * and reports the median and the slowest in ms (for a gzipped dump each
 * one inflates from the nearest access point: the cache is cold when the
 * spans are picked at random), and the gzip index's size.
 */
#include "config.h"

#include <sys/resource.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gzindex.h"
#include "options.h"
#include "payload.h"
#include "source.h"
#include "store.h"
#include "wire.h"

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

static double
cpu(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

static int
cmp_double(const void *a, const void *b)
{
	double	 x = *(const double *)a, y = *(const double *)b;

	return (x < y ? -1 : x > y);
}

/* Open n random records' payloads; print p50/max ms and index size. */
static void
payloads(struct store *st, int n)
{
	const struct record	*r;
	struct payload		 pl;
	struct wire_msg		 m;
	double			*ms, *cms, t, c;
	uint64_t		 x = 88172645463325252ULL, seq;
	size_t			 idx = 0, points = 0;
	uint16_t		 i;
	int			 k, done = 0, tries = 0;

	ms = calloc((size_t)n, sizeof *ms);
	cms = calloc((size_t)n, sizeof *cms);
	payload_init(&pl);
	while (done < n && tries++ < n * 100 && store_count(st) > 0) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		seq = st->first + x % store_count(st);
		r = store_get(st, seq);
		if (r->req_len == 0 && r->resp_len == 0)
			continue;
		t = now();
		c = cpu();
		if (payload_get(&pl, st, r) != 0) {
			fprintf(stderr, "payload: %s\n", pl.error);
			exit(1);
		}
		for (k = 0; k < 2; k++) {
			wire_init(&m);
			wire_decode_record(st, r, k == 0 ? WIRE_REQUEST :
			    WIRE_RESPONSE, &m);
			wire_clear(&m);
		}
		cms[done] = (cpu() - c) * 1000;
		ms[done++] = (now() - t) * 1000;
	}
	payload_clear(&pl);
	qsort(ms, (size_t)done, sizeof *ms, cmp_double);
	qsort(cms, (size_t)done, sizeof *cms, cmp_double);
	for (i = 0; i < st->nsources; i++) {
		if (st->sources[i].gzidx == NULL)
			continue;
		idx = gzindex_memory(st->sources[i].gzidx);
		points = gzindex_points(st->sources[i].gzidx);
		break;
	}
	printf("payloads=%d payload_ms_p50=%.2f payload_ms_max=%.2f "
	    "payload_cpu_ms_p50=%.2f payload_cpu_ms_max=%.2f "
	    "index_points=%zu index_bytes=%zu\n", done,
	    done ? ms[done / 2] : 0, done ? ms[done - 1] : 0,
	    done ? cms[done / 2] : 0, done ? cms[done - 1] : 0, points, idx);
	free(ms);
	free(cms);
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
	int			 i, np = 0;

	if (argc > 2 && strcmp(argv[1], "-p") == 0) {
		np = atoi(argv[2]);
		argc -= 2;
		argv += 2;
	}
	if (argc < 2) {
		fprintf(stderr, "usage: bench-load [-p N] SOURCE...\n");
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
	if (np > 0)
		payloads(&st, np);
	store_clear(&st);
	return (0);
}
