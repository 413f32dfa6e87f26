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
#include <isa-l/crc.h>
#include <isa-l/igzip_lib.h>
#include <sched.h>
#else
#include <zlib.h>
#endif

#include "gzindex.h"
#include "inflate16.h"
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

#ifdef HAVE_ISAL
/*
 * The second core (gzstream_background on a large gzip file).  A helper
 * thread, at idle priority so that it only takes what the reader leaves,
 * looks a little ahead of the inflater for a block boundary and inflates
 * a chunk from there with inflate16, without the window; the inflater,
 * reaching the chunk's first bit, proves the boundary (it lands on it
 * exactly), fills in the window and copies the chunk out, then goes on
 * with ISA-L after it.  The inflater then decodes raw DEFLATE and checks
 * each member's trailer itself.
 */
#define GZSTREAM_NSLOT	3		/* chunks made or in the making */
#define GZSTREAM_ROOM	(64U << 10)	/* output room for landing */

static uint64_t	gzstream_par_min = 64ULL << 20;
static size_t	gzstream_par_chunk = 1536U << 10;
static unsigned	gzstream_par_gap = 5;
static bool	gzstream_par_wait;

enum gzstream_slot_state {
	GZSTREAM_SLOT_FREE,
	GZSTREAM_SLOT_BUSY,		/* the helper is at it */
	GZSTREAM_SLOT_READY,		/* a chunk, x to e */
	GZSTREAM_SLOT_NONE		/* nothing there */
};

struct gzstream_slot {
	enum gzstream_slot_state state;
	uint16_t	*v;		/* inflate16's values */
	size_t		 n;
	uint64_t	 from;		/* where the search began (byte) */
	uint64_t	 x;		/* first bit */
	uint64_t	 e;		/* the bit after the chunk */
};

struct gzstream_spec {
	pthread_t	 thread;
	pthread_mutex_t	 mtx;
	pthread_cond_t	 cond;
	struct gzstream_slot slot[GZSTREAM_NSLOT];
	size_t		 chunk;		/* values a chunk aims at */
	size_t		 cap;		/* most values a slot holds */
	uint64_t	 find;		/* compressed bytes searched */
	uint64_t	 lead0;		/* least lead */
	uint64_t	 hseq;		/* slots the helper began */
	uint64_t	 iseq;		/* slots the inflater let go */
	uint64_t	 pos;		/* compressed bytes the inflater read */
	uint64_t	 plan;		/* where the helper looks next */
	uint64_t	 lead;		/* least distance to the inflater */
	unsigned	 gap;		/* inflater's share: gap per chunk */
	atomic_bool	 cancel;	/* the inflater passed the busy slot */
	bool		 stop;
	bool		 done;		/* the helper has stopped */

	/* The inflater's own. */
	struct gzstream_slot *cur;	/* the chunk being copied out */
	size_t		 cpos;		/* values of it copied */
	bool		 header;	/* a member header is next */
	uint32_t	 crc;		/* of the member so far */
	uint64_t	 mout;		/* the member's output so far */
	uint64_t	 taken;		/* chunks copied out */
	uint8_t		 hist[INFLATE16_WINDOW];	/* output before out */
	uint8_t		 map[INFLATE16_MARK + INFLATE16_WINDOW];
	uint8_t		 dict[INFLATE16_WINDOW];
	struct inflate_state land;	/* a copy, to try a landing */
};
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
	struct gzstream_spec	*spec;	/* the second core, or NULL */
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

/* An inflate call made got bytes: count them; returns as gzstream_read. */
static ssize_t
gzstream_made(struct gzstream *gz, size_t got)
{
	gz->inflated += got;
	if (gz->idx != NULL && (gz->done || gz->failed))
		gzindex_finish(gz->idx, gz->inflated, gz->error);
	if (got == 0 && gz->failed)
		return (-1);
	return ((ssize_t)got);
}

#ifdef HAVE_ISAL
/*
 * One isal_inflate call into out + *got (at most GZSTREAM_STEP, and what
 * is left of len), then an index point if one is due: any return is a
 * point, the state holds all it needs.  Returns isal_inflate's code.
 */
static int
gzstream_isal_step(struct gzstream *gz, uint8_t *out, size_t *got,
    size_t len)
{
	int	 rc;

	gz->st.next_out = out + *got;
	gz->st.avail_out = (uint32_t)(len - *got > GZSTREAM_STEP ?
	    GZSTREAM_STEP : len - *got);
	rc = isal_inflate(&gz->st);
	*got = (size_t)(gz->st.next_out - out);
	if (rc >= 0 && gz->idx != NULL && gz->st.block_state !=
	    ISAL_BLOCK_FINISH && gz->inflated + *got >= gzindex_due(gz->idx))
		gzindex_point(gz->idx, &gz->st, gzstream_used(gz),
		    gz->inflated + *got);
	return (rc);
}
#endif

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
		rc = gzstream_isal_step(gz, out, &got, len);
		if (rc < 0) {
			gzstream_fail(gz, rc == ISAL_INCORRECT_CHECKSUM ?
			    GZSTREAM_CHECKSUM : GZSTREAM_CORRUPT);
			break;
		}
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
	return (gzstream_made(gz, got));
}

#ifdef HAVE_ISAL
/*
 * Tune the second core (tests): inputs of at least min compressed bytes
 * use it, with chunks of about chunk bytes of output, one for every gap
 * the inflater decodes itself (0 keeps a value); if wait, the inflater
 * waits for each chunk the helper makes, so that each is landed on.
 */
void
gzstream_parallel(uint64_t min, size_t chunk, unsigned gap, bool wait)
{
	gzstream_par_wait = wait;
	if (min != 0)
		gzstream_par_min = min;
	if (chunk != 0)
		gzstream_par_chunk = chunk < INFLATE16_WINDOW ?
		    INFLATE16_WINDOW : chunk;
	if (gap != 0)
		gzstream_par_gap = gap;
}

/*
 * The helper is behind (the inflater passed a chunk, or the chunk being
 * made): leave the inflater more, and start further ahead.  The helper's
 * share of the core it has is not known in advance; this finds it.
 */
static void
gzstream_spec_slower(struct gzstream_spec *sp)
{
	if (sp->gap < 16)
		sp->gap += 2;
	if (sp->lead < 8 * sp->lead0)
		sp->lead *= 2;
}

/* The helper is ahead (every slot made): take a larger share. */
static void
gzstream_spec_faster(struct gzstream_spec *sp)
{
	if (sp->gap > 3)
		sp->gap--;
	if (sp->lead > sp->lead0)
		sp->lead /= 2;
}

/* The helper thread: chunks ahead of the inflater, in order. */
static void *
gzstream_helper(void *arg)
{
	struct gzstream		*gz = arg;
	struct gzstream_spec	*sp = gz->spec;
	struct gzstream_slot	*s;
	enum inflate16_status	 rc;
	uint64_t		 from, x, e;
	size_t			 n;
#ifdef SCHED_IDLE
	struct sched_param	 prm;

	memset(&prm, 0, sizeof prm);
	(void)pthread_setschedparam(pthread_self(), SCHED_IDLE, &prm);
#endif
	pthread_mutex_lock(&sp->mtx);
	for (;;) {
		if (!sp->stop && sp->hseq - sp->iseq == GZSTREAM_NSLOT)
			gzstream_spec_faster(sp);
		while (!sp->stop && sp->hseq - sp->iseq == GZSTREAM_NSLOT)
			pthread_cond_wait(&sp->cond, &sp->mtx);
		if (sp->stop)
			break;
		from = sp->plan > sp->pos + sp->lead ? sp->plan :
		    sp->pos + sp->lead;
		if (from >= gz->inlen || gz->inlen - from < 2 * sp->find)
			break;		/* the inflater is near the end */
		s = &sp->slot[sp->hseq % GZSTREAM_NSLOT];
		s->state = GZSTREAM_SLOT_BUSY;
		s->from = from;
		atomic_store(&sp->cancel, false);
		pthread_mutex_unlock(&sp->mtx);

		n = 0;
		e = 0;
		rc = INFLATE16_BAD;
		x = inflate16_find(gz->in, gz->inlen, from * 8,
		    (from + sp->find) * 8);
		if (x != UINT64_MAX)
			rc = inflate16_run(gz->in, gz->inlen, x, sp->chunk,
			    sp->cap, s->v, &n, &e, &sp->cancel);

		pthread_mutex_lock(&sp->mtx);
		if (rc == INFLATE16_OK && n >= INFLATE16_WINDOW) {
			s->x = x;
			s->e = e;
			s->n = n;
			s->state = GZSTREAM_SLOT_READY;
			sp->plan = e / 8 + (e - x) / 8 * sp->gap;
		} else {
			if (atomic_load(&sp->cancel))
				gzstream_spec_slower(sp);
			/* Past a member's end, a false start or nothing. */
			s->state = GZSTREAM_SLOT_NONE;
			sp->plan = rc == INFLATE16_FINAL ? e / 8 :
			    x != UINT64_MAX ? x / 8 + 1 : from + sp->find;
		}
		sp->hseq++;
		pthread_cond_broadcast(&sp->cond);
	}
	sp->done = true;
	pthread_cond_broadcast(&sp->cond);
	pthread_mutex_unlock(&sp->mtx);
	return (NULL);
}

/* Start the second core on gz (raw DEFLATE from its first header on). */
static void
gzstream_spec_start(struct gzstream *gz)
{
	struct gzstream_spec	*sp;
	size_t			 i;

	sp = xcalloc(1, sizeof *sp);
	sp->chunk = gzstream_par_chunk;
	sp->cap = sp->chunk + sp->chunk / 2;
	for (i = 0; i < GZSTREAM_NSLOT; i++)
		sp->slot[i].v = xmalloc((sp->cap + INFLATE16_SLACK) *
		    sizeof *sp->slot[i].v);
	sp->header = true;
	/*
	 * About a chunk's compressed size ahead; a sixth of it searched
	 * (zlib's blocks are at most some 64 KiB, compressed).
	 */
	sp->lead0 = sp->lead = sp->chunk * 4 / 3;
	sp->find = sp->chunk / 6 > 65536 ? sp->chunk / 6 : 65536;
	sp->gap = gzstream_par_gap;
	if (pthread_mutex_init(&sp->mtx, NULL) != 0 ||
	    pthread_cond_init(&sp->cond, NULL) != 0)
		fatalx("pthread_mutex_init failed");
	gz->spec = sp;
	if (pthread_create(&sp->thread, NULL, gzstream_helper, gz) != 0)
		fatalx("pthread_create failed");
}

/* Stop the helper and free what the second core holds. */
static void
gzstream_spec_free(struct gzstream *gz)
{
	struct gzstream_spec	*sp = gz->spec;
	size_t			 i;

	if (sp == NULL)
		return;
	pthread_mutex_lock(&sp->mtx);
	sp->stop = true;
	atomic_store(&sp->cancel, true);
	pthread_cond_broadcast(&sp->cond);
	pthread_mutex_unlock(&sp->mtx);
	pthread_join(sp->thread, NULL);
	for (i = 0; i < GZSTREAM_NSLOT; i++)
		free(sp->slot[i].v);
	pthread_mutex_destroy(&sp->mtx);
	pthread_cond_destroy(&sp->cond);
	free(sp);
	gz->spec = NULL;
}

/*
 * Tell the helper where the inflater is; let go of chunks it has passed.
 * Returns the next chunk it may land on (its first bit at or after the
 * input read so far), or NULL.
 */
static struct gzstream_slot *
gzstream_spec_next(struct gzstream *gz)
{
	struct gzstream_spec	*sp = gz->spec;
	struct gzstream_slot	*s, *next = NULL;
	uint64_t		 used = gzstream_used(gz);

	pthread_mutex_lock(&sp->mtx);
	sp->pos = used;
	s = &sp->slot[sp->hseq % GZSTREAM_NSLOT];
	if (sp->hseq - sp->iseq < GZSTREAM_NSLOT &&
	    s->state == GZSTREAM_SLOT_BUSY && s->from <= used)
		atomic_store(&sp->cancel, true);
	for (;;) {
		if (sp->iseq == sp->hseq) {
			if (!gzstream_par_wait || sp->done)
				break;
			pthread_cond_wait(&sp->cond, &sp->mtx);
			continue;
		}
		s = &sp->slot[sp->iseq % GZSTREAM_NSLOT];
		if (s->state == GZSTREAM_SLOT_READY && s->x / 8 >= used) {
			next = s;
			break;
		}
		if (s->state == GZSTREAM_SLOT_READY)
			gzstream_spec_slower(sp);
		s->state = GZSTREAM_SLOT_FREE;
		sp->iseq++;
		pthread_cond_broadcast(&sp->cond);
	}
	pthread_mutex_unlock(&sp->mtx);
	return (next);
}

/* Let go of the chunk the inflater is at (the oldest). */
static void
gzstream_spec_release(struct gzstream_spec *sp)
{
	pthread_mutex_lock(&sp->mtx);
	sp->slot[sp->iseq % GZSTREAM_NSLOT].state = GZSTREAM_SLOT_FREE;
	sp->iseq++;
	pthread_cond_broadcast(&sp->cond);
	pthread_mutex_unlock(&sp->mtx);
}

/* Output bytes of the member: its checksum and length. */
static void
gzstream_spec_sum(struct gzstream_spec *sp, const uint8_t *p, size_t n)
{
	sp->crc = crc32_gzip_refl(sp->crc, p, n);
	sp->mout += n;
}

/* Read the member header at the input read so far (raw DEFLATE after). */
static void
gzstream_spec_header(struct gzstream *gz)
{
	struct gzstream_spec	*sp = gz->spec;
	struct isal_gzip_header	 h;
	uint64_t		 at = gzstream_used(gz), rest = gz->inlen - at;
	int			 rc;

	isal_inflate_init(&gz->st);
	gz->st.crc_flag = ISAL_DEFLATE;
	gz->st.next_in = (uint8_t *)(uintptr_t)gz->in + at;
	gz->st.avail_in = rest > UINT32_MAX ? UINT32_MAX : (uint32_t)rest;
	isal_gzip_header_init(&h);
	rc = isal_read_gzip_header(&gz->st, &h);
	if (rc == ISAL_END_INPUT || (rc == ISAL_DECOMP_OK &&
	    gz->st.block_state != ISAL_BLOCK_NEW_HDR)) {
		gzstream_fail(gz, GZSTREAM_CUT);
		return;
	}
	if (rc != ISAL_DECOMP_OK) {
		gzstream_fail(gz, rc == ISAL_INCORRECT_CHECKSUM ?
		    GZSTREAM_CHECKSUM : GZSTREAM_CORRUPT);
		return;
	}
	sp->header = false;
	sp->crc = 0;
	sp->mout = 0;
}

/* The member's DEFLATE data ended: check its trailer; the next member. */
static void
gzstream_spec_trailer(struct gzstream *gz)
{
	struct gzstream_spec	*sp = gz->spec;
	uint64_t		 t, rest;
	const uint8_t		*p;
	uint32_t		 crc, len;

	/* After the last bit used (ISA-L may hold bytes read ahead). */
	t = (gzstream_used(gz) * 8 - (uint64_t)gz->st.read_in_length + 7) / 8;
	p = gz->in + t;

	if (gz->inlen - t < 8) {
		gz->st.next_in = (uint8_t *)(uintptr_t)gz->in + gz->inlen;
		gzstream_fail(gz, GZSTREAM_CUT);
		return;
	}
	crc = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24;
	len = (uint32_t)p[4] | (uint32_t)p[5] << 8 | (uint32_t)p[6] << 16 |
	    (uint32_t)p[7] << 24;
	gz->st.next_in = (uint8_t *)(uintptr_t)p + 8;
	if (crc != sp->crc || len != (uint32_t)sp->mout) {
		gzstream_fail(gz, GZSTREAM_CHECKSUM);
		return;
	}
	rest = gz->inlen - (t + 8);
	if (rest >= 2 && gzstream_is_gzip(p + 8, rest))
		sp->header = true;
	else
		gz->done = true;
}

/*
 * The inflater has read the input up to chunk s's first byte: does its
 * decoding end exactly on the chunk's first bit?  Inflate a copy of the
 * state on from there with, in place of the chunk, the bits of an empty
 * last block: a true boundary ends the stream there.  The bytes the copy
 * makes are the stream's own up to the chunk (at out + *got).
 */
static bool
gzstream_spec_land(struct gzstream *gz, struct gzstream_slot *s,
    uint8_t *out, size_t *got, size_t len)
{
	struct gzstream_spec	*sp = gz->spec;
	struct inflate_state	*c = &sp->land;
	uint8_t			 tail[16];
	unsigned		 k = (unsigned)(s->x % 8), v;
	size_t			 n, bits;

	memset(tail, 0, sizeof tail);
	v = k != 0 ? gz->in[s->x / 8] & ((1U << k) - 1) : 0;
	v |= 3U << k;		/* BFINAL 1, BTYPE 01, then code 256: 0000000 */
	tail[0] = (uint8_t)v;
	tail[1] = (uint8_t)(v >> 8);
	memcpy(c, &gz->st, sizeof *c);
	c->next_in = tail;
	c->avail_in = sizeof tail;
	c->next_out = out + *got;
	c->avail_out = (uint32_t)(len - *got);
	if (isal_inflate(c) != ISAL_DECOMP_OK ||
	    c->block_state != ISAL_BLOCK_FINISH)
		return (false);
	/* The bits used, or whole bytes if ISA-L gave back what it read. */
	bits = (size_t)(c->next_in - tail) * 8 - (size_t)c->read_in_length;
	if (bits != k + 10 && (c->read_in_length != 0 ||
	    bits != (k + 10 + 7) / 8 * 8))
		return (false);
	n = (size_t)(c->next_out - (out + *got));
	if (sp->mout + n < INFLATE16_WINDOW)
		return (false);		/* the window is not all this member */
	gzstream_spec_sum(sp, out + *got, n);
	*got += n;
	return (true);
}

/*
 * Landed on chunk s: the window is the 32 KiB before out + got (with the
 * history of earlier output); go on with ISA-L after the chunk, a point
 * of the index there if one is due.
 */
static void
gzstream_spec_take(struct gzstream *gz, struct gzstream_slot *s,
    const uint8_t *out, size_t got)
{
	struct gzstream_spec	*sp = gz->spec;
	size_t			 old;
	uint64_t		 at;

	if (got >= INFLATE16_WINDOW)
		inflate16_map(out + got - INFLATE16_WINDOW, sp->map);
	else {
		old = INFLATE16_WINDOW - got;
		memcpy(sp->dict, sp->hist + got, old);
		memcpy(sp->dict + old, out, got);
		inflate16_map(sp->dict, sp->map);
	}
	inflate16_apply(s->v + s->n - INFLATE16_WINDOW, INFLATE16_WINDOW,
	    sp->map, sp->dict);
	sp->cur = s;
	sp->cpos = 0;
	sp->taken++;

	isal_inflate_init(&gz->st);
	gz->st.crc_flag = ISAL_DEFLATE;
	if (isal_inflate_set_dict(&gz->st, sp->dict, INFLATE16_WINDOW) !=
	    COMP_OK)
		fatalx("isal_inflate_set_dict failed");
	at = s->e / 8;
	if (s->e % 8 != 0) {
		gz->st.read_in = gz->in[at] >> (s->e % 8);
		gz->st.read_in_length = (int32_t)(8 - s->e % 8);
		at++;
	}
	gz->st.next_in = (uint8_t *)(uintptr_t)gz->in + at;
	gz->st.avail_in = 0;
	if (gz->idx != NULL && gz->inflated + got + s->n >=
	    gzindex_due(gz->idx))
		gzindex_point(gz->idx, &gz->st, at, gz->inflated + got + s->n);
}

/*
 * gzstream_inflate with the second core: ISA-L on raw DEFLATE, up to the
 * next chunk the helper made, and the chunk's bytes once it has landed.
 */
static ssize_t
gzstream_spec_inflate(struct gzstream *gz, uint8_t *out, size_t len)
{
	struct gzstream_spec	*sp = gz->spec;
	struct gzstream_slot	*s;
	size_t			 got = 0, before, n, keep;
	uint64_t		 limit, used;
	int			 rc;

	if (gz->failed)
		return (-1);
	while (got < len && !gz->done && !gz->failed) {
		if ((s = sp->cur) != NULL) {
			n = s->n - sp->cpos;
			if (n > len - got)
				n = len - got;
			inflate16_apply(s->v + sp->cpos, n, sp->map,
			    out + got);
			gzstream_spec_sum(sp, out + got, n);
			got += n;
			if ((sp->cpos += n) == s->n) {
				sp->cur = NULL;
				gzstream_spec_release(sp);
			}
			continue;
		}
		if (sp->header) {
			gzstream_spec_header(gz);
			continue;
		}
		s = gzstream_spec_next(gz);
		used = gzstream_used(gz);
		limit = s != NULL ? s->x / 8 : gz->inlen;
		gz->st.avail_in = limit - used > UINT32_MAX ? UINT32_MAX :
		    (uint32_t)(limit - used);
		before = got;
		rc = gzstream_isal_step(gz, out, &got, len);
		gzstream_spec_sum(sp, out + before, got - before);
		if (rc < 0) {
			gzstream_fail(gz, GZSTREAM_CORRUPT);
			break;
		}
		if (gz->st.block_state == ISAL_BLOCK_FINISH) {
			gzstream_spec_trailer(gz);
			continue;
		}
		used = gzstream_used(gz);
		if (s != NULL && used == limit && gz->st.avail_out != 0) {
			if (len - got < GZSTREAM_ROOM)
				break;	/* land with room, on the next call */
			if (gzstream_spec_land(gz, s, out, &got, len))
				gzstream_spec_take(gz, s, out, got);
			else
				gzstream_spec_release(sp);
			continue;
		}
		if (gz->st.avail_in == 0 && used == gz->inlen &&
		    gz->st.avail_out != 0) {
			gzstream_fail(gz, GZSTREAM_CUT);
			break;
		}
	}
	/* The last 32 KiB made, for a window that starts before out. */
	if (got >= INFLATE16_WINDOW)
		memcpy(sp->hist, out + got - INFLATE16_WINDOW,
		    INFLATE16_WINDOW);
	else {
		keep = INFLATE16_WINDOW - got;
		memmove(sp->hist, sp->hist + got, keep);
		memcpy(sp->hist + keep, out, got);
	}
	return (gzstream_made(gz, got));
}

/* Chunks the second core made and the inflater copied out (tests). */
uint64_t
gzstream_chunks(const struct gzstream *gz)
{
	return (gz->spec != NULL ? gz->spec->taken : 0);
}
#else
void
gzstream_parallel(uint64_t min, size_t chunk, unsigned gap, bool wait)
{
	(void)min;
	(void)chunk;
	(void)gap;
	(void)wait;
}

uint64_t
gzstream_chunks(const struct gzstream *gz)
{
	(void)gz;
	return (0);
}
#endif

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
#ifdef HAVE_ISAL
		if (gz->spec != NULL)
			n = gzstream_spec_inflate(gz, pp->buf[i],
			    GZSTREAM_BUF);
		else
#endif
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
#ifdef HAVE_ISAL
	/* A large gzip file not read yet: the second core too. */
	if (gz->fmt == GZSTREAM_GZIP && gz->inlen >= gzstream_par_min &&
	    gz->inflated == 0 && gzstream_used(gz) == 0)
		gzstream_spec_start(gz);
#endif
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
#ifdef HAVE_ISAL
		gzstream_spec_free(gz);
#endif
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
