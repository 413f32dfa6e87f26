/* SPDX-License-Identifier: ISC */
/*
 * gzstream: pull-style gunzip over a memory buffer.  An error (corrupt
 * deflate data, a stream cut short) is sticky: gzstream_read returns what
 * was decompressed before it, then -1, and gzstream_error says what
 * happened and at which compressed offset.
 */
#include "config.h"

#include "gzstream.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef HAVE_ISAL
#include <isa-l/igzip_lib.h>
#else
#include <zlib.h>
#endif

#include "gzindex.h"
#include "log.h"
#include "xmalloc.h"

#define GZSTREAM_NBUF	4		/* buffers between the threads */
#define GZSTREAM_BUF	(1U << 20)
#define GZSTREAM_STEP	(256U << 10)	/* output per isal_inflate call */

/* The inflater thread and what it has made (gzstream_background). */
struct gzstream_pipe {
	pthread_t	 thread;
	pthread_mutex_t	 mtx;
	pthread_cond_t	 cond;
	uint8_t		*buf[GZSTREAM_NBUF];
	size_t		 len[GZSTREAM_NBUF];
	uint64_t	 head;		/* buffers filled */
	uint64_t	 tail;		/* buffers read */
	size_t		 rpos;		/* read offset in the tail buffer */
	uint64_t	 consumed;	/* compressed bytes, after head */
	bool		 eof;		/* the inflater has stopped */
	bool		 stop;		/* gzstream_free: stop now */
};

#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
size_t	(*gzstream_fuzz_step)(void);
#endif

struct gzstream {
	const uint8_t	*in;		/* borrowed */
	size_t		 inlen;
	enum gzstream_format fmt;
	bool		 cut;		/* failed because the input ended */
	uint64_t	 produced;	/* decompressed bytes so far */
	bool		 done;		/* every member finished */
	bool		 failed;
	char		 error[128];
	uint64_t	 inflated;	/* by the inflater */
	struct gzindex	*idx;		/* points to add, or NULL */
	struct gzstream_pipe *pipe;	/* background inflater, or NULL */
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

/* The format's name in messages. */
static const char *
gzstream_name(const struct gzstream *gz)
{
	switch (gz->fmt) {
	case GZSTREAM_ZLIB:
		return ("zlib");
	case GZSTREAM_DEFLATE:
		return ("deflate");
	default:
		return ("gzip");
	}
}

#ifdef HAVE_ISAL
/* ISA-L's name for the format (its crc_flag). */
static int
gzstream_isal_flag(enum gzstream_format fmt)
{
	return (fmt == GZSTREAM_ZLIB ? ISAL_ZLIB : fmt == GZSTREAM_DEFLATE ?
	    ISAL_DEFLATE : ISAL_GZIP);
}
#endif

/* Start decompressing len bytes at in (borrowed), a gzip file. */
struct gzstream *
gzstream_create(const void *in, size_t len)
{
	return (gzstream_create_format(in, len, GZSTREAM_GZIP));
}

/*
 * Start decompressing len bytes at in (borrowed) in format fmt: gzip
 * (members read as one stream), a zlib stream or raw DEFLATE, as HTTP's
 * Content-Encoding gzip and deflate carry them.
 */
struct gzstream *
gzstream_create_format(const void *in, size_t len, enum gzstream_format fmt)
{
	struct gzstream	*gz;

	gz = xcalloc(1, sizeof *gz);
	gz->in = in;
	gz->inlen = len;
	gz->fmt = fmt;
#ifdef HAVE_ISAL
	isal_inflate_init(&gz->st);
	gz->st.crc_flag = gzstream_isal_flag(fmt);
	gz->st.next_in = (uint8_t *)(uintptr_t)in;
	gz->st.avail_in = len > UINT32_MAX ? UINT32_MAX : (uint32_t)len;
#else
	if (inflateInit2(&gz->z, fmt == GZSTREAM_ZLIB ? 15 :
	    fmt == GZSTREAM_DEFLATE ? -15 : 15 + 16) != Z_OK)
		fatalx("inflateInit2 failed");
	gz->z.next_in = (Bytef *)(uintptr_t)in;
	gz->z.avail_in = len > UINT32_MAX ? UINT32_MAX : (uInt)len;
#endif
	return (gz);
}

/* Compressed bytes the inflater has consumed so far. */
static uint64_t
gzstream_used(const struct gzstream *gz)
{
#ifdef HAVE_ISAL
	return ((uint64_t)(gz->st.next_in - gz->in));
#else
	return ((uint64_t)(gz->z.next_in - gz->in));
#endif
}

/* Compressed bytes consumed so far (by the inflater thread, if any). */
uint64_t
gzstream_consumed(const struct gzstream *gz)
{
	struct gzstream_pipe	*pp = gz->pipe;
	uint64_t		 n;

	if (pp == NULL)
		return (gzstream_used(gz));
	pthread_mutex_lock(&pp->mtx);
	n = pp->consumed;
	pthread_mutex_unlock(&pp->mtx);
	return (n);
}

/* Decompressed bytes read so far. */
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

/* Why a stream fails. */
enum gzstream_why {
	GZSTREAM_CORRUPT,
	GZSTREAM_CHECKSUM,
	GZSTREAM_CUT
};

/* Make the stream fail (sticky) for why, at the current offset. */
static void
gzstream_fail(struct gzstream *gz, enum gzstream_why why)
{
	const char	*name = gzstream_name(gz);
	char		 w[64];

	gz->failed = true;
	if (why == GZSTREAM_CUT) {
		gz->cut = true;
		snprintf(w, sizeof w, "%s stream cut short", name);
	} else if (why == GZSTREAM_CHECKSUM)
		snprintf(w, sizeof w, "%s checksum mismatch", name);
	else
		snprintf(w, sizeof w, "corrupt %s data", name);
	snprintf(gz->error, sizeof gz->error, "%s at compressed offset %llu",
	    w, (unsigned long long)gzstream_used(gz));
}

/* Did the stream fail because its input ended (not corrupt data)? */
bool
gzstream_cut(const struct gzstream *gz)
{
	return (gz->cut);
}

/* Refill the 4 GiB input window of a very large file. */
static void
gzstream_window(struct gzstream *gz)
{
	uint64_t	 used = gzstream_used(gz), left = gz->inlen - used;
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
 * Inflate up to len bytes into out, adding index points when they are
 * due.  Returns as gzstream_read.
 */
static ssize_t
gzstream_inflate(struct gzstream *gz, void *out, size_t len)
{
	size_t		 got = 0;
	uint64_t	 rest;
	int		 rc;
	const uint8_t	*next;

	if (gz->failed)
		return (-1);
	while (got < len && !gz->done) {
		gzstream_window(gz);
#ifdef HAVE_ISAL
		gz->st.next_out = (uint8_t *)out + got;
		gz->st.avail_out = (uint32_t)(len - got > GZSTREAM_STEP ?
		    GZSTREAM_STEP : len - got);
		rc = isal_inflate(&gz->st);
		got = (size_t)(gz->st.next_out - (uint8_t *)out);
		if (rc < 0) {
			gzstream_fail(gz, rc == ISAL_INCORRECT_CHECKSUM ?
			    GZSTREAM_CHECKSUM : GZSTREAM_CORRUPT);
			break;
		}
		/* Any return is a point: the state holds all it needs. */
		if (gz->idx != NULL && gz->st.block_state !=
		    ISAL_BLOCK_FINISH && gz->inflated + got >=
		    gzindex_due(gz->idx))
			gzindex_point(gz->idx, &gz->st, gzstream_used(gz),
			    gz->inflated + got);
		if (gz->st.block_state == ISAL_BLOCK_FINISH) {
			next = gz->st.next_in;
			rest = gz->inlen - gzstream_used(gz);
			if (gz->fmt == GZSTREAM_GZIP && rest >= 2 &&
			    gzstream_is_gzip(next, rest)) {
				isal_inflate_reset(&gz->st);
				gz->st.crc_flag = ISAL_GZIP;
				gz->st.next_in = (uint8_t *)(uintptr_t)next;
				gz->st.avail_in = rest > UINT32_MAX ?
				    UINT32_MAX : (uint32_t)rest;
			} else
				gz->done = true;
			continue;
		}
		if (gz->st.avail_in == 0 && gzstream_used(gz) ==
		    gz->inlen && gz->st.avail_out != 0) {
			gzstream_fail(gz, GZSTREAM_CUT);
			break;
		}
#else
		gz->z.next_out = (Bytef *)out + got;
		gz->z.avail_out = (uInt)(len - got);
		rc = inflate(&gz->z, gz->idx != NULL ? Z_BLOCK : Z_NO_FLUSH);
		got = len - gz->z.avail_out;
		/* A point at a block boundary (not the last block's end). */
		if (gz->idx != NULL && rc == Z_OK &&
		    (gz->z.data_type & 128) && !(gz->z.data_type & 64) &&
		    gz->inflated + got >= gzindex_due(gz->idx))
			gzindex_point(gz->idx, &gz->z, gzstream_used(gz),
			    gz->inflated + got);
		if (rc == Z_STREAM_END) {
			next = gz->z.next_in;
			rest = gz->inlen - gzstream_used(gz);
			if (gz->fmt == GZSTREAM_GZIP && rest >= 2 &&
			    gzstream_is_gzip(next, rest))
				inflateReset(&gz->z);
			else
				gz->done = true;
			continue;
		}
		if (rc == Z_BUF_ERROR && gz->z.avail_in == 0 &&
		    gzstream_used(gz) == gz->inlen) {
			gzstream_fail(gz, GZSTREAM_CUT);
			break;
		}
		if (rc != Z_OK && rc != Z_BUF_ERROR) {
			gzstream_fail(gz, rc == Z_DATA_ERROR &&
			    gz->z.msg != NULL && strstr(gz->z.msg, "check") ?
			    GZSTREAM_CHECKSUM : GZSTREAM_CORRUPT);
			break;
		}
#endif
	}
	gz->inflated += got;
	if (gz->idx != NULL && (gz->done || gz->failed))
		gzindex_finish(gz->idx, gz->inflated, gz->error);
	if (got == 0 && gz->failed)
		return (-1);
	return ((ssize_t)got);
}

/* The inflater thread: fill buffers until the stream ends or stop. */
static void *
gzstream_thread(void *arg)
{
	struct gzstream		*gz = arg;
	struct gzstream_pipe	*pp = gz->pipe;
	ssize_t			 n;
	size_t			 i;

	for (;;) {
		pthread_mutex_lock(&pp->mtx);
		while (!pp->stop && pp->head - pp->tail == GZSTREAM_NBUF)
			pthread_cond_wait(&pp->cond, &pp->mtx);
		if (pp->stop) {
			pthread_mutex_unlock(&pp->mtx);
			break;
		}
		i = (size_t)(pp->head % GZSTREAM_NBUF);
		pthread_mutex_unlock(&pp->mtx);

		/* Only this thread touches buffer i until head moves. */
		n = gzstream_inflate(gz, pp->buf[i], GZSTREAM_BUF);

		pthread_mutex_lock(&pp->mtx);
		pp->consumed = gzstream_used(gz);
		if (n > 0) {
			pp->len[i] = (size_t)n;
			pp->head++;
		} else
			pp->eof = true;
		pthread_cond_broadcast(&pp->cond);
		pthread_mutex_unlock(&pp->mtx);
		if (n <= 0)
			break;
	}
	return (NULL);
}

/*
 * Inflate on a thread of its own from now on, a few MiB ahead of the
 * reader, so that inflating and what the reader does with the bytes run
 * at once.
 */
void
gzstream_background(struct gzstream *gz)
{
	struct gzstream_pipe	*pp;
	size_t			 i;

	if (gz->pipe != NULL)
		return;
	pp = xcalloc(1, sizeof *pp);
	for (i = 0; i < GZSTREAM_NBUF; i++)
		pp->buf[i] = xmalloc(GZSTREAM_BUF);
	pp->consumed = gzstream_used(gz);
	if (pthread_mutex_init(&pp->mtx, NULL) != 0 ||
	    pthread_cond_init(&pp->cond, NULL) != 0)
		fatalx("pthread_mutex_init failed");
	gz->pipe = pp;
	if (pthread_create(&pp->thread, NULL, gzstream_thread, gz) != 0)
		fatalx("pthread_create failed");
}

/* Copy up to len bytes the inflater thread has made. */
static ssize_t
gzstream_take(struct gzstream *gz, uint8_t *out, size_t len)
{
	struct gzstream_pipe	*pp = gz->pipe;
	size_t			 got = 0, i, n;

	while (got < len) {
		pthread_mutex_lock(&pp->mtx);
		while (pp->head == pp->tail && !pp->eof)
			pthread_cond_wait(&pp->cond, &pp->mtx);
		if (pp->head == pp->tail) {
			pthread_mutex_unlock(&pp->mtx);
			break;
		}
		i = (size_t)(pp->tail % GZSTREAM_NBUF);
		pthread_mutex_unlock(&pp->mtx);

		n = pp->len[i] - pp->rpos;
		if (n > len - got)
			n = len - got;
		memcpy(out + got, pp->buf[i] + pp->rpos, n);
		got += n;
		pp->rpos += n;
		if (pp->rpos == pp->len[i]) {
			pp->rpos = 0;
			pthread_mutex_lock(&pp->mtx);
			pp->tail++;
			pthread_cond_broadcast(&pp->cond);
			pthread_mutex_unlock(&pp->mtx);
		}
		/* Return what is there rather than wait for more. */
		if (got != 0)
			break;
	}
	if (got == 0 && gz->failed)
		return (-1);
	return ((ssize_t)got);
}

/*
 * Decompress up to len bytes into out.  Returns the number of bytes (0 at
 * the end of the stream) or -1 after an error (see gzstream_error); bytes
 * decompressed before an error are returned first.
 */
ssize_t
gzstream_read(struct gzstream *gz, void *out, size_t len)
{
	ssize_t		 n;
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
	size_t		 step;
#endif

	if (len > (1U << 30))
		len = 1U << 30;
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
	if (gzstream_fuzz_step != NULL && (step = gzstream_fuzz_step()) != 0 &&
	    len > step)
		len = step;
#endif
	if (gz->pipe != NULL)
		n = gzstream_take(gz, out, len);
	else
		n = gzstream_inflate(gz, out, len);
	/* Compress new index points here, off the inflater's thread. */
	if (gz->idx != NULL)
		gzindex_compact(gz->idx);
	if (n > 0)
		gz->produced += (uint64_t)n;
	return (n);
}

/*
 * Add access points to idx as the stream is inflated (call before the
 * first read; the index must outlive the stream's reads).
 */
void
gzstream_index(struct gzstream *gz, struct gzindex *idx)
{
	gz->idx = idx;
}

/* Free the stream (not its input). */
void
gzstream_free(struct gzstream *gz)
{
	struct gzstream_pipe	*pp;
	size_t			 i;

	if (gz == NULL)
		return;
	if ((pp = gz->pipe) != NULL) {
		pthread_mutex_lock(&pp->mtx);
		pp->stop = true;
		pthread_cond_broadcast(&pp->cond);
		pthread_mutex_unlock(&pp->mtx);
		pthread_join(pp->thread, NULL);
		for (i = 0; i < GZSTREAM_NBUF; i++)
			free(pp->buf[i]);
		pthread_mutex_destroy(&pp->mtx);
		pthread_cond_destroy(&pp->cond);
		free(pp);
	}
#ifndef HAVE_ISAL
	inflateEnd(&gz->z);
#endif
	free(gz);
}
