/* SPDX-License-Identifier: ISC */
/*
 * gzstream: pull-style gunzip over a memory buffer.  An error (corrupt
 * deflate data, a stream cut short) is sticky: gzstream_read returns what
 * was decompressed before it, then -1, and gzstream_error says what
 * happened and at which compressed offset.
 */
#include "config.h"

#include "gzstream.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef HAVE_ISAL
#include <isa-l/igzip_lib.h>
#else
#include <zlib.h>
#endif

#include "xmalloc.h"

#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
size_t	(*gzstream_fuzz_step)(void);
#endif

struct gzstream {
	const uint8_t	*in;		/* borrowed */
	size_t		 inlen;
	uint64_t	 produced;	/* decompressed bytes so far */
	bool		 done;		/* every member finished */
	bool		 failed;
	char		 error[128];
#ifdef HAVE_ISAL
	struct inflate_state	 st;
#else
	z_stream		 z;
#endif
};

/* Does the buffer start with the gzip magic (1f 8b)? */
bool
gzstream_is_gzip(const void *p, size_t len)
{
	const uint8_t	*b = p;

	return (len >= 2 && b[0] == 0x1f && b[1] == 0x8b);
}

/* Start decompressing len bytes at in (borrowed). */
struct gzstream *
gzstream_create(const void *in, size_t len)
{
	struct gzstream	*gz;

	gz = xcalloc(1, sizeof *gz);
	gz->in = in;
	gz->inlen = len;
#ifdef HAVE_ISAL
	isal_inflate_init(&gz->st);
	gz->st.crc_flag = ISAL_GZIP;
	gz->st.next_in = (uint8_t *)(uintptr_t)in;
	gz->st.avail_in = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
#else
	if (inflateInit2(&gz->z, 15 + 16) != Z_OK)
		fatalx("inflateInit2 failed");
	gz->z.next_in = (Bytef *)(uintptr_t)in;
	gz->z.avail_in = len > UINT32_MAX ? UINT32_MAX : (uInt)len;
#endif
	return (gz);
}

/* Compressed bytes consumed so far. */
uint64_t
gzstream_consumed(const struct gzstream *gz)
{
#ifdef HAVE_ISAL
	return ((uint64_t)(gz->st.next_in - gz->in));
#else
	return ((uint64_t)(gz->z.next_in - gz->in));
#endif
}

/* Decompressed bytes so far. */
uint64_t
gzstream_produced(const struct gzstream *gz)
{
	return (gz->produced);
}

/* Why the stream failed (empty if it did not). */
const char *
gzstream_error(const struct gzstream *gz)
{
	return (gz->error);
}

/* Make the stream fail (sticky) with what, at the current offset. */
static void
gzstream_fail(struct gzstream *gz, const char *what)
{
	gz->failed = true;
	snprintf(gz->error, sizeof gz->error, "%s at compressed offset %llu",
	    what, (unsigned long long)gzstream_consumed(gz));
}

/* Refill the 4 GiB input window of a very large file. */
static void
gzstream_window(struct gzstream *gz)
{
	uint64_t	 used = gzstream_consumed(gz), left = gz->inlen - used;
	uint32_t	 avail;

	avail = left > UINT32_MAX ? UINT32_MAX : (uint32_t)left;

#ifdef HAVE_ISAL
	if (gz->st.avail_in == 0 && left != 0)
		gz->st.avail_in = avail;
#else
	if (gz->z.avail_in == 0 && left != 0)
		gz->z.avail_in = avail;
#endif
}

/*
 * Decompress up to len bytes into out.  Returns the number of bytes (0 at
 * the end of the stream) or -1 after an error (see gzstream_error); bytes
 * decompressed before an error are returned first.
 */
ssize_t
gzstream_read(struct gzstream *gz, void *out, size_t len)
{
	size_t		 got = 0;
	uint64_t	 rest;
	int		 rc;
	const uint8_t	*next;
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
	size_t		 step;
#endif

	if (gz->failed)
		return (-1);
	if (len > (1U << 30))
		len = 1U << 30;
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
	if (gzstream_fuzz_step != NULL && (step = gzstream_fuzz_step()) != 0 &&
	    len > step)
		len = step;
#endif
	while (got < len && !gz->done) {
		gzstream_window(gz);
#ifdef HAVE_ISAL
		gz->st.next_out = (uint8_t *)out + got;
		gz->st.avail_out = (uint32_t)(len - got);
		rc = isal_inflate(&gz->st);
		got = len - gz->st.avail_out;
		if (rc < 0) {
			gzstream_fail(gz, rc == ISAL_INCORRECT_CHECKSUM ?
			    "gzip checksum mismatch" :
			    "corrupt gzip data");
			break;
		}
		if (gz->st.block_state == ISAL_BLOCK_FINISH) {
			next = gz->st.next_in;
			rest = gz->inlen - gzstream_consumed(gz);
			if (rest >= 2 && gzstream_is_gzip(next, rest)) {
				isal_inflate_reset(&gz->st);
				gz->st.crc_flag = ISAL_GZIP;
				gz->st.next_in = (uint8_t *)(uintptr_t)next;
				gz->st.avail_in = rest > UINT32_MAX ?
				    UINT32_MAX : (uint32_t)rest;
			} else
				gz->done = true;
			continue;
		}
		if (gz->st.avail_in == 0 && gzstream_consumed(gz) ==
		    gz->inlen && gz->st.avail_out != 0) {
			gzstream_fail(gz, "gzip stream cut short");
			break;
		}
#else
		gz->z.next_out = (Bytef *)out + got;
		gz->z.avail_out = (uInt)(len - got);
		rc = inflate(&gz->z, Z_NO_FLUSH);
		got = len - gz->z.avail_out;
		if (rc == Z_STREAM_END) {
			next = gz->z.next_in;
			rest = gz->inlen - gzstream_consumed(gz);
			if (rest >= 2 && gzstream_is_gzip(next, rest))
				inflateReset(&gz->z);
			else
				gz->done = true;
			continue;
		}
		if (rc == Z_BUF_ERROR && gz->z.avail_in == 0 &&
		    gzstream_consumed(gz) == gz->inlen) {
			gzstream_fail(gz, "gzip stream cut short");
			break;
		}
		if (rc != Z_OK && rc != Z_BUF_ERROR) {
			gzstream_fail(gz, rc == Z_DATA_ERROR &&
			    gz->z.msg != NULL && strstr(gz->z.msg, "check") ?
			    "gzip checksum mismatch" : "corrupt gzip data");
			break;
		}
#endif
	}
	gz->produced += got;
	if (got == 0 && gz->failed)
		return (-1);
	return ((ssize_t)got);
}

/* Free the stream (not its input). */
void
gzstream_free(struct gzstream *gz)
{
	if (gz == NULL)
		return;
#ifndef HAVE_ISAL
	inflateEnd(&gz->z);
#endif
	free(gz);
}
