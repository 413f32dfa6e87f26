/* SPDX-License-Identifier: ISC */
/*
 * Streaming gunzip of a gzip file held in memory (a mapping): the caller
 * pulls decompressed bytes in pieces of its choosing.  HTTP bodies
 * (wire-body.c) use it too, for gzip, zlib and raw DEFLATE.  Uses ISA-L's
 * isal_inflate when configure found it (about 2.4x zlib's speed), zlib
 * otherwise.  Concatenated gzip members are read as one stream, as gzip(1)
 * does.  The input is borrowed and must outlive the stream.
 *
 * Optionally the stream adds access points to a gzindex as it goes
 * (gzstream_index), and inflates on a thread of its own, a few MiB ahead
 * of the reader (gzstream_background); reads stay on the caller's thread.
 * In the background, a large gzip file (ISA-L builds) is inflated on two
 * cores: a helper thread inflates chunks ahead with inflate16, which the
 * inflater proves and fills in when it gets there (gzstream.c).
 */
#ifndef GZSTREAM_H
#define GZSTREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct gzindex;
struct gzstream;

enum gzstream_format {
	GZSTREAM_GZIP,		/* gzip members (RFC 1952) */
	GZSTREAM_ZLIB,		/* a zlib stream (RFC 1950) */
	GZSTREAM_DEFLATE	/* raw DEFLATE (RFC 1951) */
};

struct gzstream	*gzstream_create(const void *, size_t);
struct gzstream	*gzstream_create_format(const void *, size_t,
		    enum gzstream_format);
bool		 gzstream_cut(const struct gzstream *);
ssize_t		 gzstream_read(struct gzstream *, void *, size_t);
const char	*gzstream_error(const struct gzstream *);
uint64_t	 gzstream_consumed(const struct gzstream *);
uint64_t	 gzstream_produced(const struct gzstream *);
void		 gzstream_index(struct gzstream *, struct gzindex *);
void		 gzstream_background(struct gzstream *);
void		 gzstream_free(struct gzstream *);
void		 gzstream_parallel(uint64_t, size_t, unsigned, bool);
uint64_t	 gzstream_chunks(const struct gzstream *);
bool		 gzstream_is_gzip(const void *, size_t);

#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
/*
 * Fuzz builds only: if set, called before each read for the most it may
 * return (0: no limit), so the readers' refills land anywhere.
 */
extern size_t	(*gzstream_fuzz_step)(void);
#endif

#endif
