/* SPDX-License-Identifier: ISC */
/*
 * Fuzz the file-stream readers through the program's own path: the input
 * is written to an in-memory file and opened with source_file_open (which
 * maps and sniffs it, as for a file named on the command line), or fed to
 * standard input as JSON lines, then polled to the end.
 *
 * Input: a mode byte, eight script bytes, then the payload.  The mode
 * (low three bits) says what the payload becomes:
 *
 *	0 a .bson file		4 a JSON lines file
 *	1 the same gzipped	5 the same gzipped
 *	2 a mongodump archive	6 JSON lines on standard input (a pipe)
 *	3 the same gzipped	7 the payload as it is (the sniff decides)
 *
 * For archives the harness writes the magic, so the payload starts at the
 * header document (prelude included).  The script bytes drive the number
 * of records asked for in each poll, the most each gunzip read returns
 * (gzstream_fuzz_step) and the size of each write into the pipe, which is
 * in packet mode (O_DIRECT) so every read gets one write: refills land in
 * the middle of documents and lines.  Everything must be read or reported
 * as damage without crashing, leaking or looping.
 */
#include "config.h"

#include <sys/mman.h>

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "fuzz-deflate.h"
#include "gzstream.h"
#include "source.h"
#include "store.h"

#define FSS_SCRIPT	8
#define FSS_PACKETS	128		/* pipe writes at most */
#define FSS_PIPE_MAX	(256U << 10)	/* stdin mode: bigger is skipped */

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const uint8_t	*fss_script;
static size_t		 fss_next;

/* The next script byte, cycling. */
static uint8_t
fss_byte(void)
{
	return (fss_script[fss_next++ % FSS_SCRIPT]);
}

/* A size from a script byte: 1 to 240 bytes, or 256 bytes to 32 KiB. */
static size_t
fss_size(void)
{
	uint8_t	 b = fss_byte();

	if (b < 0xf0)
		return ((size_t)b + 1);
	return ((size_t)256 << (b & 7));
}

/* gzstream_fuzz_step: the most the next gunzip read returns. */
static size_t
fss_step(void)
{
	return (fss_size());
}

/* Write len bytes at p to a memory file; returns its descriptor. */
static int
fss_memfile(const void *p, size_t len)
{
	int	 fd;

	if ((fd = memfd_create("fuzz-source-stream", MFD_CLOEXEC)) == -1)
		abort();
	if (len != 0 && write(fd, p, len) != (ssize_t)len)
		abort();
	return (fd);
}

/*
 * Put len bytes at p on standard input: a packet-mode pipe, one write per
 * script-sized piece, closed after the last.  Returns -1 if not possible.
 */
static int
fss_stdin(const uint8_t *p, size_t len)
{
	int	 fds[2];
	size_t	 off = 0, n, i;
	ssize_t	 w;

	if (len > FSS_PIPE_MAX || pipe2(fds, O_DIRECT | O_CLOEXEC) == -1)
		return (-1);
	(void)fcntl(fds[1], F_SETPIPE_SZ, 1 << 20);
	(void)fcntl(fds[1], F_SETFL, O_NONBLOCK);
	for (i = 0; off < len; i++) {
		n = i + 1 < FSS_PACKETS ? fss_size() : len - off;
		if (n > len - off)
			n = len - off;
		w = write(fds[1], p + off, n);
		if (w <= 0)
			break;		/* pipe full: the rest is cut */
		off += (size_t)w;
	}
	close(fds[1]);
	if (dup2(fds[0], STDIN_FILENO) == -1)
		abort();
	close(fds[0]);
	return (0);
}

/* Open arg and poll it to the end, asking for script-sized batches. */
static void
fss_run(const char *arg)
{
	struct store		 st;
	struct source		*s;
	enum source_status	 ss;
	uint64_t		 done, total;
	char			*cause = NULL;
	int			 polls = 0;

	store_init(&st, 1000);
	s = source_file_open(arg, NULL, &st, &cause);
	if (s == NULL) {
		if (cause == NULL)
			abort();
		free(cause);
		store_clear(&st);
		return;
	}
	do {
		ss = s->ops->poll(s, &st, (size_t)(fss_byte() % 16) + 1);
		s->ops->progress(s, &done, &total);
		if (total != 0 && done > total)
			abort();
		if (++polls > 1000000)
			abort();	/* no progress: a loop */
	} while (ss == SOURCE_MORE || ss == SOURCE_IDLE);
	source_free(s);
	store_clear(&st);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t	 magic[4] = { 0x6d, 0xe2, 0x99, 0x81 };
	const uint8_t		*p;
	uint8_t			*buf, *z = NULL;
	size_t			 len, zlen;
	int			 mode, fd, null;
	char			 path[64];

	if (size < 1 + FSS_SCRIPT)
		return (0);
	mode = data[0] & 7;
	fss_script = data + 1;
	fss_next = 0;
	p = data + 1 + FSS_SCRIPT;
	len = size - 1 - FSS_SCRIPT;

	/* The payload, with the magic for archives, maybe gzipped. */
	buf = malloc(len + 4);
	if (buf == NULL)
		abort();
	if (mode == 2 || mode == 3) {
		memcpy(buf, magic, 4);
		memcpy(buf + 4, p, len);
		len += 4;
	} else
		memcpy(buf, p, len);
	if (mode == 1 || mode == 3 || mode == 5) {
		z = fuzz_deflate(buf, len, 6, Z_DEFAULT_STRATEGY, 15 + 16,
		    &zlen);
		free(buf);
		buf = z;
		len = zlen;
	}
	gzstream_fuzz_step = fss_step;

	if (mode == 6) {
		if (fss_stdin(buf, len) == 0) {
			fss_run("-");
			if ((null = open("/dev/null", O_RDONLY)) == -1 ||
			    dup2(null, STDIN_FILENO) == -1)
				abort();
			close(null);
		}
	} else {
		fd = fss_memfile(buf, len);
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
		fss_run(path);
		close(fd);
	}
	gzstream_fuzz_step = NULL;
	free(buf);
	return (0);
}
