/* SPDX-License-Identifier: ISC */
/*
 * gzindex: access points into a gzip stream and random reads from them.
 * The first point is the start of the file (a fresh inflater); the others
 * come from gzstream as it inflates (gzindex_due says when one is wanted).
 * After GZINDEX_STEP points the span between them doubles, so the index
 * of a very large file stays small (a 30 GB stream: about 3,000 points of
 * some 10-20 KiB each, compressed) while a read inflates at most a few
 * spans.
 *
 * A read finds the last point at or before its offset, inflates from
 * there to the next point (or to the end of the range) and keeps that
 * span in a two-slot cache, so that reading the records of a dump in
 * order inflates each span once.
 */
#include "config.h"

#include "gzindex.h"

#include <sys/mman.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifdef HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif
#include <zlib.h>

#include "log.h"
#include "xmalloc.h"

#define GZINDEX_WINDOW	32768U
#define GZINDEX_SLOTS	2
#ifdef HAVE_ISAL
#define GZINDEX_STATE	sizeof(struct inflate_state)
#else
#define GZINDEX_STATE	GZINDEX_WINDOW
#endif

struct gzindex_point {
	uint64_t	 out;		/* decompressed offset */
	uint64_t	 in;		/* compressed offset to go on from */
	int		 bits;		/* zlib: unused bits of in[-1] */
	uint8_t		*blob;		/* the state; NULL: the start */
	uint32_t	 bloblen;
	uint32_t	 rawlen;	/* state bytes before compression */
	bool		 packed;	/* blob is compressed */
};

/* A decoded span: stream bytes [start, start + len). */
struct gzindex_slot {
	uint64_t	 start;
	size_t		 len;
	uint8_t		*data;
	size_t		 cap;
	uint64_t	 used;		/* tick of the last hit */
};

struct gzindex {
	const uint8_t		*in;		/* borrowed */
	size_t			 inlen;
	bool			 mapped;	/* a file mapping: may drop pages */
	pthread_mutex_t		 mtx;

	struct gzindex_point	*points;
	size_t			 npoints;
	size_t			 cap;
	size_t			 packed;	/* points [0, packed) compressed */
	uint64_t		 span;
	uint64_t		 due;
	size_t			 memory;

	bool			 finished;
	uint64_t		 end;		/* output of the sequential pass */
	char			 error[160];	/* why that pass stopped early */

	struct gzindex_slot	 slots[GZINDEX_SLOTS];
	uint8_t			*spare;		/* a span buffer to reuse */
	size_t			 spare_cap;
	uint64_t		 tick;
	uint64_t		 nerrors;
};

static void	 gzindex_add(struct gzindex *, uint64_t, uint64_t, int,
		    const void *, size_t);
static void	 gzindex_drop(const struct gzindex *, uint64_t, size_t);
static size_t	 gzindex_inflate(const struct gzindex *,
		    const struct gzindex_point *, void *, uint8_t *, size_t,
		    char *, size_t);

/*
 * Index len bytes of gzip at in (borrowed); mapped: in is a read-only file
 * mapping, whose pages may be dropped.
 */
struct gzindex *
gzindex_create(const void *in, size_t len, bool mapped)
{
	struct gzindex	*ix;

	ix = xcalloc(1, sizeof *ix);
	ix->in = in;
	ix->inlen = len;
	ix->mapped = mapped;
	if (pthread_mutex_init(&ix->mtx, NULL) != 0)
		fatalx("pthread_mutex_init failed");
	ix->span = GZINDEX_SPAN;
	ix->cap = 64;
	ix->points = xcalloc(ix->cap, sizeof *ix->points);
	ix->npoints = 1;	/* the start: zeroed */
	ix->due = ix->span;
	ix->memory = sizeof *ix + ix->cap * sizeof *ix->points;
	return (ix);
}

/* Start with span bytes between points (before any is added: tests). */
void
gzindex_set_span(struct gzindex *ix, uint64_t span)
{
	ix->span = span;
	ix->due = span;
}

/* Output offset from which the next point is wanted (inflater only). */
uint64_t
gzindex_due(const struct gzindex *ix)
{
	return (ix->due);
}

/*
 * Append a point whose state is the len bytes at raw.  The copy is kept
 * as it is until gzindex_compact compresses it, on the reader's thread:
 * the inflater, the slower of the two, only copies.
 */
static void
gzindex_add(struct gzindex *ix, uint64_t in, uint64_t out, int bits,
    const void *raw, size_t len)
{
	struct gzindex_point	*pt;
	uint8_t			*blob;

	blob = xmalloc(len == 0 ? 1 : len);
	memcpy(blob, raw, len);

	pthread_mutex_lock(&ix->mtx);
	if (ix->npoints == ix->cap) {
		ix->points = xreallocarray(ix->points, ix->cap * 2,
		    sizeof *ix->points);
		ix->memory += ix->cap * sizeof *ix->points;
		ix->cap *= 2;
	}
	pt = &ix->points[ix->npoints++];
	pt->out = out;
	pt->in = in;
	pt->bits = bits;
	pt->blob = blob;
	pt->bloblen = (uint32_t)len;
	pt->rawlen = (uint32_t)len;
	pt->packed = false;
	ix->memory += len;
	if (ix->npoints % GZINDEX_STEP == 0)
		ix->span *= 2;
	ix->due = out + ix->span;
	pthread_mutex_unlock(&ix->mtx);
}

/*
 * Compress the states of the points added since the last call (any
 * thread; readers use a state only under the lock, so the raw copy can
 * go once the compressed one is in).
 */
void
gzindex_compact(struct gzindex *ix)
{
	struct gzindex_point	*pt;
	const uint8_t		*raw;
	uint8_t			*blob;
	uLongf			 clen;
	size_t			 i, len;

	pthread_mutex_lock(&ix->mtx);
	while (ix->packed < ix->npoints) {
		i = ix->packed++;
		pt = &ix->points[i];
		if (pt->blob == NULL || pt->packed)
			continue;
		raw = pt->blob;
		len = pt->rawlen;
		pthread_mutex_unlock(&ix->mtx);

		/* Only this call frees raw: it is safe to read unlocked. */
		clen = compressBound((uLong)len);
		blob = xmalloc(clen);
		if (compress2(blob, &clen, raw, (uLong)len, 1) != Z_OK)
			fatalx("compress2 failed");
		blob = xrealloc(blob, clen);

		pthread_mutex_lock(&ix->mtx);
		pt = &ix->points[i];
		free(pt->blob);
		pt->blob = blob;
		pt->bloblen = (uint32_t)clen;
		pt->packed = true;
		ix->memory = ix->memory - len + clen;
	}
	pthread_mutex_unlock(&ix->mtx);
}

/* Copy point pt's state into dst (cap bytes; under the lock). */
static void
gzindex_state(const struct gzindex_point *pt, void *dst, size_t cap)
{
	uLongf	 dlen = cap;

	if (pt->blob == NULL)
		return;
	if (!pt->packed) {
		if (pt->rawlen > cap)
			fatalx("gzindex: a saved state is too large");
		memcpy(dst, pt->blob, pt->rawlen);
		return;
	}
	if (uncompress(dst, &dlen, pt->blob, pt->bloblen) != Z_OK ||
	    dlen != pt->rawlen)
		fatalx("gzindex: a saved state does not inflate");
}

/*
 * Add a point from the inflater's state (ISA-L: struct inflate_state;
 * zlib: a z_stream just returned from inflate(Z_BLOCK) at a block
 * boundary) after in compressed and out decompressed bytes.
 */
void
gzindex_point(struct gzindex *ix, const void *state, uint64_t in,
    uint64_t out)
{
#ifdef HAVE_ISAL
	const struct inflate_state	*s = state;
	size_t				 len;

	/* The state up to its output buffer, and what that holds. */
	len = offsetof(struct inflate_state, tmp_out_buffer);
	if (s->tmp_out_valid > 0)
		len += (size_t)s->tmp_out_valid;
	gzindex_add(ix, in, out, 0, s, len);
#else
	z_stream	*z = (z_stream *)(uintptr_t)state;
	uint8_t		 win[GZINDEX_WINDOW];
	uInt		 len = sizeof win;

	if (inflateGetDictionary(z, win, &len) != Z_OK)
		len = 0;
	gzindex_add(ix, in, out, z->data_type & 7, win, len);
#endif
}

/*
 * The sequential pass ended after out bytes; error says why if it ended
 * early (else NULL or "").
 */
void
gzindex_finish(struct gzindex *ix, uint64_t out, const char *error)
{
	pthread_mutex_lock(&ix->mtx);
	ix->finished = true;
	ix->end = out;
	if (error != NULL)
		snprintf(ix->error, sizeof ix->error, "%s", error);
	pthread_mutex_unlock(&ix->mtx);
}

#ifdef HAVE_ISAL
/* Inflate from pt into out (at most want bytes); returns the bytes made. */
static size_t
gzindex_inflate(const struct gzindex *ix, const struct gzindex_point *pt,
    void *state, uint8_t *out, size_t want, char *cause, size_t causelen)
{
	struct inflate_state	*s;
	uint64_t		 used, left;
	size_t			 got = 0;
	const uint8_t		*next;
	int			 rc;

	s = state;
	if (pt->blob == NULL) {
		isal_inflate_init(s);
		s->crc_flag = ISAL_GZIP;
	}
	s->next_in = (uint8_t *)(uintptr_t)ix->in + pt->in;
	s->avail_in = 0;
	*cause = '\0';
	while (got < want) {
		used = (uint64_t)(s->next_in - ix->in);
		left = ix->inlen - used;
		if (s->avail_in == 0 && left != 0)
			s->avail_in = left > UINT32_MAX ? UINT32_MAX :
			    (uint32_t)left;
		s->next_out = out + got;
		s->avail_out = want - got > UINT32_MAX ? UINT32_MAX :
		    (uint32_t)(want - got);
		rc = isal_inflate(s);
		got = (size_t)(s->next_out - out);
		used = (uint64_t)(s->next_in - ix->in);
		if (rc < 0) {
			snprintf(cause, causelen, "%s at compressed offset "
			    "%llu", rc == ISAL_INCORRECT_CHECKSUM ?
			    "gzip checksum mismatch" : "corrupt gzip data",
			    (unsigned long long)used);
			break;
		}
		if (s->block_state == ISAL_BLOCK_FINISH) {
			next = s->next_in;
			left = ix->inlen - used;
			/* A point of gzstream's second core: raw DEFLATE. */
			if (s->crc_flag == ISAL_DEFLATE) {
				used = (used * 8 - (uint64_t)s->read_in_length +
				    7) / 8 + 8;
				if (used > ix->inlen)
					break;
				next = ix->in + used;
				left = ix->inlen - used;
			}
			if (left < 2 || next[0] != 0x1f || next[1] != 0x8b)
				break;	/* the end, or trailing bytes */
			isal_inflate_reset(s);
			s->crc_flag = ISAL_GZIP;
			s->next_in = (uint8_t *)(uintptr_t)next;
			s->avail_in = 0;
			continue;
		}
		if (s->avail_in == 0 && used == ix->inlen &&
		    s->avail_out != 0) {
			snprintf(cause, causelen, "gzip stream cut short at "
			    "compressed offset %llu", (unsigned long long)used);
			break;
		}
	}
	return (got);
}
#else
/* Inflate from pt into out (at most want bytes); returns the bytes made. */
static size_t
gzindex_inflate(const struct gzindex *ix, const struct gzindex_point *pt,
    void *state, uint8_t *out, size_t want, char *cause, size_t causelen)
{
	z_stream	 z;
	uint64_t	 used, left;
	const uint8_t	*next;
	bool		 raw = pt->blob != NULL;
	int		 rc;
	size_t		 made = 0;	/* total_out restarts with a member */

	memset(&z, 0, sizeof z);
	if (inflateInit2(&z, raw ? -15 : 15 + 16) != Z_OK)
		fatalx("inflateInit2 failed");
	if (raw) {
		if (pt->bits != 0)
			inflatePrime(&z, pt->bits,
			    ix->in[pt->in - 1] >> (8 - pt->bits));
		if (pt->rawlen != 0)
			inflateSetDictionary(&z, state, pt->rawlen);
	}
	z.next_in = (Bytef *)(uintptr_t)ix->in + pt->in;
	*cause = '\0';
	while (made < want) {
		used = (uint64_t)(z.next_in - ix->in);
		left = ix->inlen - used;
		if (z.avail_in == 0 && left != 0)
			z.avail_in = left > UINT32_MAX ? UINT32_MAX :
			    (uInt)left;
		z.next_out = out + made;
		z.avail_out = want - made > UINT32_MAX ? UINT32_MAX :
		    (uInt)(want - made);
		rc = inflate(&z, Z_NO_FLUSH);
		made = (size_t)(z.next_out - out);
		used = (uint64_t)(z.next_in - ix->in);
		if (rc == Z_STREAM_END) {
			next = z.next_in;
			left = ix->inlen - used;
			if (raw) {
				/* A raw restart: step over the trailer. */
				if (left < 8)
					break;
				next += 8;
				left -= 8;
			}
			if (left < 2 || next[0] != 0x1f || next[1] != 0x8b)
				break;
			if (raw)
				inflateReset2(&z, 15 + 16);
			else
				inflateReset(&z);
			raw = false;
			z.next_in = (Bytef *)(uintptr_t)next;
			z.avail_in = 0;
			continue;
		}
		if (rc == Z_BUF_ERROR && z.avail_in == 0 &&
		    used == ix->inlen) {
			snprintf(cause, causelen, "gzip stream cut short at "
			    "compressed offset %llu", (unsigned long long)used);
			break;
		}
		if (rc != Z_OK && rc != Z_BUF_ERROR) {
			snprintf(cause, causelen, "corrupt gzip data at "
			    "compressed offset %llu", (unsigned long long)used);
			break;
		}
	}
	inflateEnd(&z);
	return (made);
}
#endif

/*
 * Drop the pages of the mapping a read from compressed offset in touched
 * (no more than the output it made, plus what a block may span).
 */
static void
gzindex_drop(const struct gzindex *ix, uint64_t in, size_t out)
{
	uintptr_t	 from, to, pg = 4096;
	uint64_t	 end;

	end = in + out + (1U << 20);
	if (end > ix->inlen || end < in)
		end = ix->inlen;
	from = ((uintptr_t)ix->in + in) & ~(pg - 1);
	to = ((uintptr_t)ix->in + end) & ~(pg - 1);
	if (to > from)
		madvise((void *)from, to - from, MADV_DONTNEED);
}

/* Keep a span buffer no longer used for the next read (under the lock). */
static void
gzindex_unspare(struct gzindex *ix, uint8_t *data, size_t cap)
{
	if (data == NULL)
		return;
	if (ix->spare == NULL) {
		ix->spare = data;
		ix->spare_cap = cap;
	} else
		free(data);
}

/*
 * Read len bytes of the decompressed stream at off into buf.  Returns 0,
 * or -1 with a message in cause (the range is past the end of the
 * stream, or the data there does not inflate); failures are counted.
 */
int
gzindex_read(struct gzindex *ix, uint64_t off, void *buf, size_t len,
    char *cause, size_t causelen)
{
	struct gzindex_point	 pt;
	struct gzindex_slot	*sl;
	uint64_t		 to, want;
	size_t			 lo, hi, mid, i, got, cap;
	uint8_t			*data;
	void			*state;

	if (len == 0)
		return (0);
	pthread_mutex_lock(&ix->mtx);
	for (i = 0; i < GZINDEX_SLOTS; i++) {
		sl = &ix->slots[i];
		if (sl->data != NULL && off >= sl->start &&
		    off - sl->start <= sl->len && len <= sl->len -
		    (off - sl->start)) {
			memcpy(buf, sl->data + (off - sl->start), len);
			sl->used = ++ix->tick;
			pthread_mutex_unlock(&ix->mtx);
			return (0);
		}
	}
	if (off + len < off || (ix->finished && off + len > ix->end)) {
		ix->nerrors++;
		if (ix->error[0] != '\0')
			snprintf(cause, causelen, "bytes %llu-%llu are past "
			    "where the stream could be read (%s)",
			    (unsigned long long)off,
			    (unsigned long long)(off + len), ix->error);
		else
			snprintf(cause, causelen, "bytes %llu-%llu are past "
			    "the end of the stream (%llu bytes)",
			    (unsigned long long)off,
			    (unsigned long long)(off + len),
			    (unsigned long long)ix->end);
		pthread_mutex_unlock(&ix->mtx);
		return (-1);
	}
	/* The last point at or before off. */
	lo = 0;
	hi = ix->npoints;
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (ix->points[mid].out <= off)
			lo = mid;
		else
			hi = mid;
	}
	pt = ix->points[lo];
	to = off + len;
	if (lo + 1 < ix->npoints && ix->points[lo + 1].out > to)
		to = ix->points[lo + 1].out;
	else if (lo + 1 == ix->npoints && pt.out + ix->span > to)
		to = pt.out + ix->span;
	if (ix->finished && to > ix->end)
		to = ix->end;
	want = to - pt.out;
	if (want > SIZE_MAX - 1)
		fatalx("gzindex: span too large");
	/* Reuse a buffer: a fresh one costs a page fault per 4 KiB. */
	data = ix->spare;
	cap = ix->spare_cap;
	ix->spare = NULL;
	ix->spare_cap = 0;
	state = xcalloc(1, GZINDEX_STATE);
	gzindex_state(&pt, state, GZINDEX_STATE);
	pthread_mutex_unlock(&ix->mtx);

	/* Inflate the span without the lock, from the copied state. */
	if (cap < want) {
		free(data);
		cap = (size_t)want;
		data = xmalloc(cap);
	}
	got = gzindex_inflate(ix, &pt, state, data, (size_t)want, cause,
	    causelen);
	free(state);
	if (ix->mapped)
		gzindex_drop(ix, pt.in, got);

	pthread_mutex_lock(&ix->mtx);
	if (got < off + len - pt.out) {
		ix->nerrors++;
		if (*cause == '\0')
			snprintf(cause, causelen, "the gzip stream ends before "
			    "bytes %llu-%llu", (unsigned long long)off,
			    (unsigned long long)(off + len));
		gzindex_unspare(ix, data, cap);
		pthread_mutex_unlock(&ix->mtx);
		return (-1);
	}
	memcpy(buf, data + (off - pt.out), len);
	sl = &ix->slots[0];
	for (i = 1; i < GZINDEX_SLOTS; i++)
		if (ix->slots[i].used < sl->used)
			sl = &ix->slots[i];
	gzindex_unspare(ix, sl->data, sl->cap);
	sl->data = data;
	sl->cap = cap;
	sl->start = pt.out;
	sl->len = got;
	sl->used = ++ix->tick;
	pthread_mutex_unlock(&ix->mtx);
	return (0);
}

/* Access points held (the start included). */
size_t
gzindex_points(const struct gzindex *ix)
{
	size_t	 n;

	pthread_mutex_lock((pthread_mutex_t *)&ix->mtx);
	n = ix->npoints;
	pthread_mutex_unlock((pthread_mutex_t *)&ix->mtx);
	return (n);
}

/* Bytes held by the index (points and the decoded spans cached). */
size_t
gzindex_memory(const struct gzindex *ix)
{
	size_t	 n, i;

	pthread_mutex_lock((pthread_mutex_t *)&ix->mtx);
	n = ix->memory;
	for (i = 0; i < GZINDEX_SLOTS; i++)
		n += ix->slots[i].cap;
	n += ix->spare_cap;
	pthread_mutex_unlock((pthread_mutex_t *)&ix->mtx);
	return (n);
}

/* Reads that failed so far. */
uint64_t
gzindex_errors(const struct gzindex *ix)
{
	uint64_t	 n;

	pthread_mutex_lock((pthread_mutex_t *)&ix->mtx);
	n = ix->nerrors;
	pthread_mutex_unlock((pthread_mutex_t *)&ix->mtx);
	return (n);
}

/* Free the index (not its input). */
void
gzindex_free(struct gzindex *ix)
{
	size_t	 i;

	if (ix == NULL)
		return;
	for (i = 0; i < ix->npoints; i++)
		free(ix->points[i].blob);
	free(ix->points);
	for (i = 0; i < GZINDEX_SLOTS; i++)
		free(ix->slots[i].data);
	free(ix->spare);
	pthread_mutex_destroy(&ix->mtx);
	free(ix);
}
