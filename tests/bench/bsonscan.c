/* SPDX-License-Identifier: ISC */
/*
 * Baselines for the reader benchmark (tests/bench/run-readers.sh): a bare
 * libbson loop that visits every field of every document, and a zlib-only
 * gunzip.  Each mode prints "MODE DOCS SECONDS" (its own loop time).
 *
 *	bsonscan static FILE.bson	mmap + bson_init_static per document
 *	bsonscan gz FILE.bson.gz	bson_reader over gzread (zlib)
 *	bsonscan gunzip FILE.gz		gzread into a buffer, nothing else
 */
#include "config.h"

#include <sys/mman.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <bson/bson.h>
#include <zlib.h>

static uint64_t	 sink;

static double
now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

/* Read every value of a document, recursing into documents and arrays. */
static void
visit(bson_iter_t *it)
{
	bson_iter_t	 child;
	uint32_t	 len;
	const char	*s;

	while (bson_iter_next(it)) {
		sink += strlen(bson_iter_key(it));
		switch (bson_iter_type(it)) {
		case BSON_TYPE_UTF8:
			s = bson_iter_utf8(it, &len);
			sink += len + (uint8_t)s[0];
			break;
		case BSON_TYPE_INT32:
			sink += (uint64_t)bson_iter_int32(it);
			break;
		case BSON_TYPE_INT64:
			sink += (uint64_t)bson_iter_int64(it);
			break;
		case BSON_TYPE_DOUBLE:
			sink += (uint64_t)bson_iter_double(it);
			break;
		case BSON_TYPE_BOOL:
			sink += bson_iter_bool(it);
			break;
		case BSON_TYPE_DATE_TIME:
			sink += (uint64_t)bson_iter_date_time(it);
			break;
		case BSON_TYPE_OID:
			sink += bson_iter_oid(it)->bytes[0];
			break;
		case BSON_TYPE_DOCUMENT:
		case BSON_TYPE_ARRAY:
			if (bson_iter_recurse(it, &child))
				visit(&child);
			break;
		default:
			break;
		}
	}
}

static int
scan_static(const char *path)
{
	struct stat	 sb;
	const uint8_t	*p;
	size_t		 off = 0;
	uint32_t	 len;
	uint64_t	 n = 0;
	bson_t		 b;
	bson_iter_t	 it;
	double		 t0;
	int		 fd;

	if ((fd = open(path, O_RDONLY)) == -1 || fstat(fd, &sb) == -1) {
		perror(path);
		return (1);
	}
	p = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (p == MAP_FAILED) {
		perror("mmap");
		return (1);
	}
	t0 = now();
	while (off + 4 <= (size_t)sb.st_size) {
		memcpy(&len, p + off, 4);
		if (len < 5 || off + len > (size_t)sb.st_size ||
		    !bson_init_static(&b, p + off, len))
			break;
		if (bson_iter_init(&it, &b))
			visit(&it);
		off += len;
		n++;
	}
	printf("static %llu %.3f\n", (unsigned long long)n, now() - t0);
	return (0);
}

static ssize_t
gz_read(void *h, void *buf, size_t len)
{
	return (gzread(h, buf, (unsigned)len));
}

static int
scan_gz(const char *path)
{
	gzFile		 gz;
	bson_reader_t	*r;
	const bson_t	*b;
	bson_iter_t	 it;
	bool		 eof = false;
	uint64_t	 n = 0;
	double		 t0;

	if ((gz = gzopen(path, "rb")) == NULL) {
		perror(path);
		return (1);
	}
	gzbuffer(gz, 1 << 20);
	t0 = now();
	r = bson_reader_new_from_handle(gz, gz_read, NULL);
	while ((b = bson_reader_read(r, &eof)) != NULL) {
		if (bson_iter_init(&it, b))
			visit(&it);
		n++;
	}
	bson_reader_destroy(r);
	printf("gz %llu %.3f\n", (unsigned long long)n, now() - t0);
	gzclose(gz);
	return (0);
}

static int
scan_gunzip(const char *path)
{
	gzFile		 gz;
	char		*buf;
	int		 n;
	uint64_t	 total = 0;
	double		 t0;

	if ((gz = gzopen(path, "rb")) == NULL) {
		perror(path);
		return (1);
	}
	gzbuffer(gz, 1 << 20);
	buf = malloc(1 << 20);
	t0 = now();
	while ((n = gzread(gz, buf, 1 << 20)) > 0)
		total += (uint64_t)n;
	printf("gunzip %llu %.3f\n", (unsigned long long)total, now() - t0);
	free(buf);
	gzclose(gz);
	return (0);
}

int
main(int argc, char **argv)
{
	int	 rc = 2;

	if (argc == 3 && strcmp(argv[1], "static") == 0)
		rc = scan_static(argv[2]);
	else if (argc == 3 && strcmp(argv[1], "gz") == 0)
		rc = scan_gz(argv[2]);
	else if (argc == 3 && strcmp(argv[1], "gunzip") == 0)
		rc = scan_gunzip(argv[2]);
	else
		fprintf(stderr, "usage: bsonscan static|gz|gunzip FILE\n");
	if (sink == 42)
		putchar(' ');
	return (rc);
}
