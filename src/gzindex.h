/* SPDX-License-Identifier: ISC */
/*
 * A seekable index of a gzip file held in memory (a mapping): access
 * points every few MiB of output, so that any range of the decompressed
 * stream can be read again later without inflating it from the start, as
 * zlib's examples/zran.c does.  gzstream.c adds the points while it
 * inflates the file once, front to back (gzindex_point, from its own
 * inflate state); gzindex_read then decodes a range from the nearest
 * point before it.
 *
 * A point is the inflater's whole state where it stopped: with ISA-L
 * (configure found it) a copy of struct inflate_state, which holds the
 * Huffman tables of the block in progress, the unread bits and the last
 * 32 KiB of output, so any return of isal_inflate is a point; with zlib a
 * block boundary (inflate with Z_BLOCK), the bit offset and the 32 KiB
 * window (inflatePrime and inflateSetDictionary to restart).  States are
 * kept compressed (gzindex_compact, called by the reader's thread, so that
 * the inflater only copies them).  Concatenated members are read on as gzstream does.
 *
 * The input is borrowed and must outlive the index.  If it is a read-only
 * file mapping, the pages a read touched are dropped after it, so that
 * reads all over the file do not pile its pages up in memory.  Adding points (one
 * thread, the inflater) and reading (any thread) may run at once: a mutex
 * guards the points and a small cache of decoded spans.
 */
#ifndef GZINDEX_H
#define GZINDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Output between access points at first; doubled every GZINDEX_STEP. */
#define GZINDEX_SPAN	(4U << 20)
#define GZINDEX_STEP	1024

struct gzindex;

struct gzindex	*gzindex_create(const void *, size_t, bool);
void		 gzindex_set_span(struct gzindex *, uint64_t);
uint64_t	 gzindex_due(const struct gzindex *);
void		 gzindex_point(struct gzindex *, const void *, uint64_t,
		    uint64_t);
void		 gzindex_compact(struct gzindex *);
void		 gzindex_finish(struct gzindex *, uint64_t, const char *);
int		 gzindex_read(struct gzindex *, uint64_t, void *, size_t,
		    char *, size_t);
size_t		 gzindex_points(const struct gzindex *);
size_t		 gzindex_memory(const struct gzindex *);
uint64_t	 gzindex_errors(const struct gzindex *);
void		 gzindex_free(struct gzindex *);

#endif
