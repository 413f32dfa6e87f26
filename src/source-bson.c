/* SPDX-License-Identifier: ISC */
/*
 * Dumped BSON readers.  The input is a byte stream of documents: the
 * mapped file itself (.bson: zero copy, documents are bson_init_static
 * views of the mapping and payload strings stay there), or a window of
 * gunzipped bytes (.gz: the window is reused, so the store copies
 * payloads).  The walk is our own rather than bson_reader's, which drops a
 * truncated trailing document silently.
 *
 * Damage.  A document length that is impossible (below 5, above 64 MiB,
 * past the end, or a document not ending in NUL) starts a scan for the
 * next plausible document: a sane length, a valid first element, and a
 * structure that decode_bson_check accepts.  The bytes skipped become one
 * bad record (with their offset and raw bytes) and the source's damage
 * report says where reading resumed.  A document whose inner structure is
 * corrupt is a bad record on its own and the walk continues after it.
 *
 * The scan stays linear on crafted input.  A candidate that is valid BSON
 * but not a record (a sub-document of the damaged one) is stepped over
 * whole.  A candidate that fails the structure check costs the bytes
 * checked before the fault (often a few, for garbage), and crafted bytes
 * can hide such a candidate at every offset, each failing only at the
 * end of the file: so the bytes checked for candidates that were
 * rejected are capped, over the whole file, at SBSON_RESYNC_BASE plus
 * SBSON_RESYNC_FACTOR per byte skipped.  A candidate that might cost
 * more (its length) than is left is not looked at until the bytes
 * skipped since pay for it.  Accepted candidates are not counted: their
 * bytes are consumed.
 *
 * Archives (tyk-formats.md 4): magic, header document, collection
 * metadata documents, a terminator (ff ff ff ff), then segments: a
 * namespace header {db, collection, EOF, CRC}, documents, a terminator.
 * Each namespace is a store source named "ARCHIVE:db.collection".  The
 * CRC of EOF headers is not checked.  Damage in the prelude must not turn
 * the whole archive into metadata: a namespace header (it has an EOF key,
 * metadata documents do not) ends the prelude even without its
 * terminator, and a prelude document that is neither is a bad record.
 *
 * Positions (record.pos) are byte offsets of the document in the stream:
 * in the file for .bson, in the decompressed stream for .gz.
 */
#include "config.h"

#include "source-bson.h"

#include <sys/mman.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bson/bson.h>

#include "decode-bson.h"
#include "gzindex.h"
#include "gzstream.h"
#include "record.h"
#include "source-doc.h"
#include "store.h"
#include "xmalloc.h"

#define SBSON_DOC_MAX		(64U * 1024 * 1024)
#define SBSON_READ		(1U << 20)	/* gunzip step */
#define SBSON_ADVISE		(8U << 20)	/* drop scanned pages every */
#define SBSON_ARCHIVE_MAGIC	0x8199e26dU
#define SBSON_TERMINATOR	0xffffffffU
#define SBSON_RESYNC_BASE	(16U << 20)	/* check bytes, per file */
#define SBSON_RESYNC_FACTOR	32		/* per byte skipped */

enum sbson_state {
	SBSON_DOCS,		/* a plain collection file */
	SBSON_ARC_MAGIC,
	SBSON_ARC_HEADER,
	SBSON_ARC_META,		/* collection metadata until a terminator */
	SBSON_ARC_NSHEADER,	/* expecting a namespace header */
	SBSON_ARC_SEGMENT,	/* documents of cur until a terminator */
	SBSON_ARC_EOFTERM,	/* terminator after an EOF header */
	SBSON_DONE
};

/* One collection: a store source and what its documents are. */
struct sbson_coll {
	char			*ns;		/* "db.collection" (archives) */
	uint16_t		 src;
	enum decode_bson_kind	 kind;		/* OTHER: decide on first doc */
	bool			 registered;
};

struct source_bson {
	char			*name;
	const uint8_t		*map;		/* the file */
	size_t			 maplen;
	enum source_bson_map	 maptype;
	struct gzstream		*gz;		/* NULL: plain */
	struct gzindex		*idx;		/* kept by the store, or NULL */

	/* Decompressed window: stream bytes [woff, woff + wlen). */
	uint8_t			*win;
	size_t			 wlen;
	size_t			 wcap;
	uint64_t		 woff;
	bool			 gz_end;	/* gunzip finished or failed */

	uint64_t		 pos;		/* stream offset of next doc */
	uint64_t		 advised;	/* mapping dropped up to here */
	enum sbson_state	 state;
	bool			 archive;
	bool			 explicit;	/* named on the command line */

	struct sbson_coll	**colls;	/* owned, each one too */
	size_t			 ncolls;
	size_t			 colls_cap;
	struct sbson_coll	**htab;		/* colls by ns (open addr.) */
	size_t			 hcap;		/* 0 or a power of two */
	struct sbson_coll	*cur;		/* collection being read */
	uint16_t		 main_src;	/* for damage outside a ns */
	bool			 main_registered;

	struct record_build	 b;
	struct decode_bson_cache cache;
	int64_t			 last_ts;	/* for bad records */
	uint64_t		 good_end;	/* end of the last good doc */
	uint64_t		 ndamage;

	uint64_t		 resumed;	/* where resync last ended */
	uint64_t		 rs_skipped;	/* bytes resync stepped over */
	uint64_t		 rs_rejected;	/* bytes checked, rejected */
	uint64_t		 rs_checked;	/* bytes checked in all */
};

static const uint8_t *sbson_avail(struct source_bson *, struct store *,
		    uint64_t, size_t, size_t *);
static bool	 sbson_is_nsheader(const uint8_t *, uint32_t);
static void	 sbson_damage(struct source_bson *, struct store *,
		    uint16_t, uint64_t, const char *, ...)
		    __attribute__((format(printf, 5, 6)));

/* A little-endian 32-bit integer. */
static uint32_t
sbson_le32(const uint8_t *p)
{
	return ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	    (uint32_t)p[3] << 24);
}

/* Free a gzip index handed to the store (store_keep). */
static void
sbson_index_release(void *p, size_t len)
{
	(void)len;
	gzindex_free(p);
}

/* Unmap a mapping handed to the store. */
static void
sbson_unmap(void *p, size_t len)
{
	if (p != NULL && len != 0)
		munmap(p, len);
}

/*
 * Create a reader of len bytes at map (a whole file).  gzip: the bytes
 * are a gzip stream; archive: the (decompressed) stream is a mongodump
 * archive; explicit: the file was named by the user, so its collection
 * is read whatever its name.  Never fails: damage is reported by poll.
 */
struct source_bson *
source_bson_create(struct store *st, const char *name, const uint8_t *map,
    size_t len, enum source_bson_map maptype, bool gzip, bool archive,
    bool explicit)
{
	struct source_bson	*rd;
	char			*coll, *dot;
	const char		*base;

	rd = xcalloc(1, sizeof *rd);
	rd->name = xstrdup(name);
	rd->map = map;
	rd->maplen = len;
	rd->maptype = maptype;
	rd->archive = archive;
	rd->explicit = explicit;
	rd->state = archive ? SBSON_ARC_MAGIC : SBSON_DOCS;
	rd->last_ts = -1;
	record_build_init(&rd->b);
	decode_bson_cache_init(&rd->cache, st);
	if (gzip) {
		rd->gz = gzstream_create(map, len);
		if (maptype != SOURCE_BSON_MAP_OWNED) {
			/* The mapping outlives the reader: index it. */
			rd->idx = gzindex_create(map, len,
			    maptype == SOURCE_BSON_MAP_STORE);
			store_keep(st, rd->idx, 0, sbson_index_release);
			gzstream_index(rd->gz, rd->idx);
		}
		gzstream_background(rd->gz);
	} else {
		rd->win = (uint8_t *)(uintptr_t)map;
		rd->wlen = len;
		rd->gz_end = true;
	}
	if (!archive) {
		/* The collection is the file name without .bson[.gz]. */
		base = strrchr(name, '/');
		coll = xstrdup(base != NULL ? base + 1 : name);
		if ((dot = strstr(coll, ".bson")) != NULL)
			*dot = '\0';
		rd->colls = xcalloc(1, sizeof *rd->colls);
		rd->colls[0] = xcalloc(1, sizeof **rd->colls);
		rd->ncolls = 1;
		rd->cur = rd->colls[0];
		rd->cur->kind = decode_bson_collection_kind(coll);
		if (explicit && rd->cur->kind == DECODE_BSON_SKIP)
			rd->cur->kind = DECODE_BSON_OTHER;
		rd->cur->src = store_source_add(st, name, STORE_SRC_FILE);
		st->sources[rd->cur->src].gzidx = rd->idx;
		rd->cur->registered = true;
		rd->main_src = rd->cur->src;
		rd->main_registered = true;
		free(coll);
	}
	return (rd);
}

/* Source id for damage not inside a namespace. */
static uint16_t
sbson_main_src(struct source_bson *rd, struct store *st)
{
	if (!rd->main_registered) {
		rd->main_src = store_source_add(st, rd->name, STORE_SRC_FILE);
		rd->main_registered = true;
	}
	return (rd->main_src);
}

/*
 * Make stream bytes [off, off + want) available if the stream has them.
 * Returns a pointer to off and the bytes available from there in *have
 * (less than want only at the end of the stream).  Earlier bytes of a
 * gunzip window may be discarded.
 */
static const uint8_t *
sbson_avail(struct source_bson *rd, struct store *st, uint64_t off,
    size_t want, size_t *have)
{
	size_t	 keep, need;
	ssize_t	 n;

	(void)st;
	if (rd->gz == NULL) {
		if (off >= rd->maplen) {
			*have = 0;
			return (NULL);
		}
		*have = rd->maplen - off;
		return (rd->map + off);
	}
	if (off < rd->woff)
		off = rd->woff;		/* cannot happen: callers go forward */
	while (off + want > rd->woff + rd->wlen && !rd->gz_end) {
		/* Drop what is before off, then grow and fill. */
		if (off > rd->woff) {
			keep = (size_t)(rd->woff + rd->wlen - off);
			if (off - rd->woff < rd->wlen)
				memmove(rd->win, rd->win + (off - rd->woff),
				    keep);
			else
				keep = 0;
			rd->wlen = keep;
			rd->woff = off;
		}
		need = want + SBSON_READ;
		if (rd->wcap < need) {
			rd->wcap = need;
			rd->win = xrealloc(rd->win, rd->wcap);
		}
		n = gzstream_read(rd->gz, rd->win + rd->wlen,
		    rd->wcap - rd->wlen);
		if (n <= 0)
			rd->gz_end = true;
		else
			rd->wlen += (size_t)n;
	}
	if (off >= rd->woff + rd->wlen) {
		*have = 0;
		return (NULL);
	}
	*have = (size_t)(rd->woff + rd->wlen - off);
	return (rd->win + (off - rd->woff));
}

/* Record a damage report against source src (keeping a count). */
static void
sbson_damage(struct source_bson *rd, struct store *st, uint16_t src,
    uint64_t off, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	rd->ndamage++;
	(void)off;
	if (rd->ndamage == 1)
		store_source_damage(st, src, "%s", msg);
	else
		store_source_damage(st, src, "%s (damage %llu in this file; "
		    "each is listed as a bad record)", msg,
		    (unsigned long long)rd->ndamage);
	free(msg);
}

/*
 * Could a document start here?  Cheap checks only (constant work): returns
 * the candidate's length, or 0.
 */
static uint32_t
sbson_candidate(const uint8_t *p, size_t have)
{
	uint32_t	 len, i;
	uint8_t		 t;

	if (have < 5)
		return (0);
	len = sbson_le32(p);
	if (len < 5 || len > SBSON_DOC_MAX || len > have || p[len - 1] != 0)
		return (0);
	t = p[4];
	if (!((t >= 0x01 && t <= 0x13) || t == 0x7f || t == 0xff))
		return (0);
	for (i = 5; i < len && i < 5 + 64; i++) {
		if (p[i] == 0)
			break;
		if (p[i] < 0x20 || p[i] > 0x7e)
			return (0);
	}
	if (i == 5 || p[i] != 0)
		return (0);
	return (len);
}

/*
 * Does the candidate of len bytes at p (see sbson_candidate) hold a
 * document to resume at?  A structure check, then what it is.  Returns
 * 1 if so; 0 if it is valid BSON but not a record (a sub-document of a
 * damaged record: skip all of it); -1 if it is not valid BSON, with the
 * offset the check stopped at (about the work it did) in *erroff.
 */
static int
sbson_plausible(const uint8_t *p, uint32_t len, bool archive,
    size_t *erroff)
{
	bson_t		 doc;

	if (decode_bson_check(p, len, erroff) != 0)
		return (-1);
	*erroff = len;
	if (!bson_init_static(&doc, p, len))
		return (-1);
	if (archive && sbson_is_nsheader(p, len))
		return (1);
	return (decode_bson_classify(&doc) != DECODE_BSON_OTHER ? 1 : 0);
}

/*
 * Scan forward from off + 1 for the next plausible document.  Returns its
 * offset, or the end of the stream if there is none.  The structure
 * checks are budgeted (see the top of the file), so the scan is linear.
 */
static uint64_t
sbson_resync(struct source_bson *rd, struct store *st, uint64_t off)
{
	const uint8_t	*p;
	size_t		 have;
	uint64_t	 q, budget;
	uint32_t	 len;
	size_t		 work;
	int		 rc;

	for (q = off + 1;; q++) {
		p = sbson_avail(rd, st, q, 5, &have);
		if (have < 5) {
			rd->rs_skipped += q + have - off;
			return (q + have);
		}
		/* Ask for the whole candidate only when it looks right. */
		if (sbson_le32(p) < 5 || sbson_le32(p) > SBSON_DOC_MAX ||
		    p[4] > 0x13)
			continue;
		p = sbson_avail(rd, st, q, sbson_le32(p), &have);
		if ((len = sbson_candidate(p, have)) == 0)
			continue;
		budget = SBSON_RESYNC_BASE + SBSON_RESYNC_FACTOR *
		    (rd->rs_skipped + (q - off));
		if (rd->rs_rejected + len > budget)
			continue;	/* cannot afford to look */
		rc = sbson_plausible(p, len, rd->archive, &work);
		/* What the check walked: up to where it stopped. */
		work = work < len ? work + 1 : len;
		rd->rs_checked += work;
		if (rc > 0) {
			rd->rs_skipped += q - off;
			return (q);
		}
		rd->rs_rejected += work;
		if (rc == 0)
			q += len - 1;	/* valid but not a record: past it */
	}
}

/*
 * Skip damage that starts at rd->pos: find where documents resume, keep
 * the skipped bytes (capped) as a bad record and report it.
 */
static void
sbson_skip_damage(struct source_bson *rd, struct store *st, uint16_t src,
    const char *what)
{
	const uint8_t	*p;
	size_t		 have, keep;
	uint64_t	 off = rd->pos, next;
	uint8_t		*copy;
	char		 msg[160];

	p = sbson_avail(rd, st, off, 64, &have);
	keep = have < REC_BAD_RAW_MAX ? have : REC_BAD_RAW_MAX;
	copy = xmalloc(keep + 1);
	if (keep != 0)
		memcpy(copy, p, keep);
	next = sbson_resync(rd, st, off);
	if (next - off < keep)
		keep = (size_t)(next - off);
	p = sbson_avail(rd, st, next, 1, &have);
	if (have == 0) {
		snprintf(msg, sizeof msg, "%s; %llu bytes to the end skipped",
		    what, (unsigned long long)(next - off));
		sbson_damage(rd, st, src, off, "%s at offset %llu; the %llu "
		    "bytes to the end were skipped (no document after them)",
		    what, (unsigned long long)off,
		    (unsigned long long)(next - off));
	} else {
		snprintf(msg, sizeof msg, "%s; %llu bytes skipped", what,
		    (unsigned long long)(next - off));
		sbson_damage(rd, st, src, off, "%s at offset %llu; %llu bytes "
		    "skipped, reading resumed at offset %llu", what,
		    (unsigned long long)off, (unsigned long long)(next - off),
		    (unsigned long long)next);
	}
	store_add_bad(st, src, off, rd->last_ts, msg, copy, keep);
	free(copy);
	rd->pos = next;
	rd->resumed = next;
}

/* Register a collection's store source on first use. */
static void
sbson_register(struct source_bson *rd, struct store *st,
    struct sbson_coll *c)
{
	char	*name;

	if (c->registered)
		return;
	xasprintf(&name, "%s:%s", rd->name, c->ns);
	c->src = store_source_add(st, name, STORE_SRC_COLLECTION);
	st->sources[c->src].gzidx = rd->idx;
	c->registered = true;
	free(name);
}

/* Decode one document of collection c and add what it is to the store. */
static void
sbson_doc(struct source_bson *rd, struct store *st, struct sbson_coll *c,
    const uint8_t *p, uint32_t len, uint64_t off)
{
	bson_t			 doc;
	enum decode_bson_kind	 kind;
	size_t			 erroff;
	const char		*why;
	struct source_doc	 d;

	if (c->kind == DECODE_BSON_SKIP)
		return;
	sbson_register(rd, st, c);
	if (!bson_init_static(&doc, p, len)) {
		store_add_bad(st, c->src, off, rd->last_ts,
		    "bad document length", p, len);
		return;
	}
	d.src = c->src;
	d.pos = off;
	d.last_ts = &rd->last_ts;
	d.raw = p;
	d.rawlen = len;
	record_build_reset(&rd->b);
	if (decode_bson_record_cached(&doc, st, &rd->b, &rd->cache, &kind,
	    &erroff, &why) != 0) {
		source_doc_bad(st, &d, why, erroff != 0 ? off + erroff : 0);
		return;
	}
	if (c->kind == DECODE_BSON_OTHER) {
		/* A collection whose name says nothing: its first doc does. */
		if (kind == DECODE_BSON_OTHER) {
			/* In a dump, other collections are skipped quietly. */
			c->kind = DECODE_BSON_SKIP;
			if (rd->explicit)
				store_source_damage(st, c->src, "not Tyk "
				    "analytics records or aggregates (first "
				    "document at offset %llu); skipped",
				    (unsigned long long)off);
			return;
		}
		c->kind = kind;
	}
	rd->b.payload_stable = rd->gz == NULL &&
	    rd->maptype != SOURCE_BSON_MAP_OWNED;
	if (rd->idx != NULL)
		rd->b.payload_doc = (const char *)p;
	source_doc_add(st, &rd->b, &d, &doc, kind);
}

/*
 * Read the next 4-byte length at rd->pos.  Returns 1 with the document
 * (len bytes at *doc) or the terminator (*len == SBSON_TERMINATOR, *doc
 * NULL), 0 at a clean end, -1 after damage was skipped (call again).
 */
static int
sbson_next(struct source_bson *rd, struct store *st, uint16_t src,
    const uint8_t **doc, uint32_t *len)
{
	const uint8_t	*p;
	size_t		 have;
	uint32_t	 n;
	char		 what[128];

	p = sbson_avail(rd, st, rd->pos, 4, &have);
	if (have == 0)
		return (0);
	if (have < 4) {
		snprintf(what, sizeof what, "truncated document (%zu "
		    "trailing bytes)", have);
		sbson_skip_damage(rd, st, src, what);
		return (-1);
	}
	n = sbson_le32(p);
	if (rd->archive && n == SBSON_TERMINATOR) {
		*doc = NULL;
		*len = n;
		return (1);
	}
	if (n < 5 || n > SBSON_DOC_MAX) {
		snprintf(what, sizeof what, "bad document length %lld",
		    (long long)(int32_t)n);
		sbson_skip_damage(rd, st, src, what);
		return (-1);
	}
	p = sbson_avail(rd, st, rd->pos, n, &have);
	if (have < n) {
		snprintf(what, sizeof what, "truncated document (%zu of %u "
		    "bytes)", have, n);
		sbson_skip_damage(rd, st, src, what);
		return (-1);
	}
	if (p[n - 1] != 0) {
		snprintf(what, sizeof what, "bad document length %u (no "
		    "terminating NUL)", n);
		sbson_skip_damage(rd, st, src, what);
		return (-1);
	}
	*doc = p;
	*len = n;
	return (1);
}

/* Find (or add) the archive collection for db.coll. */
/* FNV-1a hash of a namespace. */
static size_t
sbson_hash(const char *ns)
{
	uint64_t	 h = 14695981039346656037ULL;

	for (; *ns != '\0'; ns++)
		h = (h ^ (uint8_t)*ns) * 1099511628211ULL;
	return ((size_t)h);
}

/* Insert c into the hash table (which has room). */
static void
sbson_hash_insert(struct source_bson *rd, struct sbson_coll *c)
{
	size_t	 i;

	i = sbson_hash(c->ns) & (rd->hcap - 1);
	while (rd->htab[i] != NULL)
		i = (i + 1) & (rd->hcap - 1);
	rd->htab[i] = c;
}

/*
 * Find (or add) the archive collection for db.coll.  An archive may name
 * very many collections, so they are hashed; the returned pointer stays
 * valid until source_bson_free.
 */
static struct sbson_coll *
sbson_coll(struct source_bson *rd, const char *db, size_t dblen,
    const char *coll, size_t colllen)
{
	struct sbson_coll	*c;
	char			*ns, *name;
	size_t			 i;

	xasprintf(&ns, "%.*s.%.*s", (int)dblen, db, (int)colllen, coll);
	if (rd->hcap != 0) {
		i = sbson_hash(ns) & (rd->hcap - 1);
		for (; rd->htab[i] != NULL; i = (i + 1) & (rd->hcap - 1)) {
			if (strcmp(rd->htab[i]->ns, ns) == 0) {
				free(ns);
				return (rd->htab[i]);
			}
		}
	}
	if ((rd->ncolls + 1) * 2 > rd->hcap) {
		/* Keep the table at most half full. */
		free(rd->htab);
		rd->hcap = rd->hcap == 0 ? 16 : rd->hcap * 2;
		rd->htab = xcalloc(rd->hcap, sizeof *rd->htab);
		for (i = 0; i < rd->ncolls; i++)
			if (rd->colls[i]->ns != NULL)
				sbson_hash_insert(rd, rd->colls[i]);
	}
	c = xcalloc(1, sizeof *c);
	c->ns = ns;
	name = xstrndup(coll, colllen);
	c->kind = decode_bson_collection_kind(name);
	free(name);
	if (rd->ncolls == rd->colls_cap) {
		rd->colls_cap = rd->colls_cap == 0 ? 8 : rd->colls_cap * 2;
		rd->colls = xreallocarray(rd->colls, rd->colls_cap,
		    sizeof *rd->colls);
	}
	rd->colls[rd->ncolls++] = c;
	sbson_hash_insert(rd, c);
	return (c);
}

/*
 * Parse an archive namespace header or metadata document: {db,
 * collection, EOF, ...}.  Returns the collection, or NULL if the document
 * is not one; *eof is its EOF flag and *is_header whether it has one (a
 * namespace header, not a metadata document).  is_header may be NULL.
 */
static struct sbson_coll *
sbson_nsheader(struct source_bson *rd, const uint8_t *p, uint32_t len,
    bool *eof, bool *is_header)
{
	bson_t		 doc;
	bson_iter_t	 it;
	const char	*db = NULL, *coll = NULL, *key;
	uint32_t	 dblen = 0, colllen = 0;
	bool		 has_eof = false;

	*eof = false;
	if (is_header != NULL)
		*is_header = false;
	if (!bson_init_static(&doc, p, len) || !bson_iter_init(&it, &doc))
		return (NULL);
	while (bson_iter_next(&it)) {
		key = bson_iter_key(&it);
		if (strcmp(key, "db") == 0 && BSON_ITER_HOLDS_UTF8(&it))
			db = bson_iter_utf8(&it, &dblen);
		else if (strcmp(key, "collection") == 0 &&
		    BSON_ITER_HOLDS_UTF8(&it))
			coll = bson_iter_utf8(&it, &colllen);
		else if (strcmp(key, "EOF") == 0 && BSON_ITER_HOLDS_BOOL(&it)) {
			*eof = bson_iter_bool(&it);
			has_eof = true;
		}
	}
	if (db == NULL || coll == NULL)
		return (NULL);
	if (is_header != NULL)
		*is_header = has_eof;
	return (sbson_coll(rd, db, dblen, coll, colllen));
}

/*
 * A prelude document (state SBSON_ARC_META) of len bytes at p.  Returns
 * true if it is a namespace header, so the prelude has ended without its
 * terminator and the caller reads it again as a header; metadata is
 * noted, anything else is a bad record.
 */
static bool
sbson_prelude_doc(struct source_bson *rd, struct store *st, uint16_t src,
    const uint8_t *p, uint32_t len)
{
	bool	 eof, is_header;

	if (sbson_nsheader(rd, p, len, &eof, &is_header) == NULL) {
		sbson_damage(rd, st, src, rd->pos, "document at offset %llu in "
		    "the archive prelude is not collection metadata",
		    (unsigned long long)rd->pos);
		store_add_bad(st, src, rd->pos, rd->last_ts, "document in the "
		    "archive prelude is not collection metadata", p, len);
		return (false);
	}
	if (!is_header)
		return (false);
	/* Just after a resync the skipped bytes already say what was lost. */
	if (rd->pos != rd->resumed || rd->ndamage == 0) {
		sbson_damage(rd, st, src, rd->pos, "archive prelude not "
		    "terminated: namespace header at offset %llu before its "
		    "ff ff ff ff; read as a header",
		    (unsigned long long)rd->pos);
		store_add_bad(st, src, rd->pos, rd->last_ts, "archive prelude "
		    "not terminated (namespace header before ff ff ff ff)", p,
		    len);
	}
	return (true);
}

/* Is this document an archive namespace header (first key "db")? */
static bool
sbson_is_nsheader(const uint8_t *p, uint32_t len)
{
	return (len > 8 && p[4] == BSON_TYPE_UTF8 && memcmp(p + 5, "db", 3) ==
	    0);
}

/* Drop mapped pages already scanned, so RSS tracks the store only. */
static void
sbson_advise(struct source_bson *rd)
{
	uint64_t	 upto;
	uintptr_t	 from, to;
	long		 pg = 4096;

	upto = rd->gz == NULL ? rd->pos : gzstream_consumed(rd->gz);
	if (upto < rd->advised + SBSON_ADVISE && upto < rd->maplen)
		return;
	from = ((uintptr_t)rd->map + rd->advised + pg - 1) &
	    ~(uintptr_t)(pg - 1);
	to = ((uintptr_t)rd->map + upto) & ~(uintptr_t)(pg - 1);
	if (to > from)
		madvise((void *)from, to - from, MADV_DONTNEED);
	rd->advised = upto;
}

/*
 * Read up to max documents.  Returns SOURCE_MORE while documents remain,
 * SOURCE_EOF at the end (damage included: it is reported, not fatal).
 */
enum source_status
source_bson_poll(struct source_bson *rd, struct store *st, size_t max)
{
	const uint8_t		*p;
	uint32_t		 len;
	size_t			 n = 0, have;
	uint16_t		 src;
	struct sbson_coll	*c;
	bool			 eof;
	int			 rc;

	while (n < max && rd->state != SBSON_DONE) {
		n++;
		src = rd->cur != NULL && rd->cur->registered ? rd->cur->src :
		    sbson_main_src(rd, st);
		if (rd->state == SBSON_ARC_MAGIC) {
			p = sbson_avail(rd, st, 0, 4, &have);
			if (have < 4 || sbson_le32(p) != SBSON_ARCHIVE_MAGIC) {
				sbson_damage(rd, st, src, 0, "not a mongodump "
				    "archive (bad magic at offset 0)");
				rd->state = SBSON_DONE;
				break;
			}
			rd->pos = 4;
			rd->state = SBSON_ARC_HEADER;
			continue;
		}
		rc = sbson_next(rd, st, src, &p, &len);
		if (rc < 0)
			continue;
		if (rc == 0) {
			if (rd->archive && rd->state != SBSON_ARC_NSHEADER &&
			    rd->ndamage == 0)
				sbson_damage(rd, st, src, rd->pos, "archive "
				    "ends in the middle of a %s at offset %llu",
				    rd->state == SBSON_ARC_SEGMENT ?
				    "segment" : "header",
				    (unsigned long long)rd->pos);
			rd->state = SBSON_DONE;
			break;
		}
		switch (rd->state) {
		case SBSON_DOCS:
			sbson_doc(rd, st, rd->cur, p, len, rd->pos);
			break;
		case SBSON_ARC_HEADER:
			if (p == NULL) {
				rd->state = SBSON_ARC_NSHEADER;
				break;
			}
			rd->state = SBSON_ARC_META;
			/* No header (damaged): this is the prelude already. */
			if (sbson_nsheader(rd, p, len, &eof, NULL) != NULL)
				continue;
			break;
		case SBSON_ARC_META:
			if (p == NULL)
				rd->state = SBSON_ARC_NSHEADER;
			else if (sbson_prelude_doc(rd, st, src, p, len)) {
				rd->state = SBSON_ARC_NSHEADER;
				continue;	/* read it again as a header */
			}
			break;
		case SBSON_ARC_NSHEADER:
			if (p == NULL)
				break;	/* a stray terminator */
			c = sbson_nsheader(rd, p, len, &eof, NULL);
			if (c == NULL) {
				sbson_damage(rd, st, src, rd->pos, "expected "
				    "a namespace header at offset %llu",
				    (unsigned long long)rd->pos);
				store_add_bad(st, src, rd->pos, rd->last_ts,
				    "document outside any namespace", p, len);
				break;
			}
			rd->cur = c;
			rd->state = eof ? SBSON_ARC_EOFTERM : SBSON_ARC_SEGMENT;
			break;
		case SBSON_ARC_SEGMENT:
			if (p == NULL) {
				rd->state = SBSON_ARC_NSHEADER;
				break;
			}
			/* After damage a new header may come unannounced. */
			if (sbson_is_nsheader(p, len) &&
			    (c = sbson_nsheader(rd, p, len, &eof,
			    NULL)) != NULL) {
				rd->cur = c;
				if (eof)
					rd->state = SBSON_ARC_EOFTERM;
				break;
			}
			sbson_doc(rd, st, rd->cur, p, len, rd->pos);
			break;
		case SBSON_ARC_EOFTERM:
			rd->state = SBSON_ARC_NSHEADER;
			if (p != NULL)
				continue;	/* read it again as a header */
			break;
		default:
			break;
		}
		rd->pos += p == NULL ? 4 : len;
		rd->good_end = rd->pos;
		if (rd->gz == NULL || (rd->pos & 0xfffff) < len)
			sbson_advise(rd);
	}
	if (rd->state == SBSON_DONE) {
		if (rd->gz != NULL && gzstream_error(rd->gz)[0] != '\0')
			store_source_damage(st, rd->cur != NULL &&
			    rd->cur->registered ? rd->cur->src :
			    sbson_main_src(rd, st), "%s; the documents before "
			    "offset %llu were read", gzstream_error(rd->gz),
			    (unsigned long long)rd->good_end);
		return (SOURCE_EOF);
	}
	return (SOURCE_MORE);
}

/* Bytes of the file read so far, and its size. */
void
source_bson_progress(struct source_bson *rd, uint64_t *done,
    uint64_t *total)
{
	*total = rd->maplen;
	if (rd->state == SBSON_DONE)
		*done = rd->maplen;
	else if (rd->gz != NULL)
		*done = gzstream_consumed(rd->gz);
	else
		*done = rd->pos;
}

/*
 * Bytes given to the structure check while looking for a document after
 * damage (for tests: the resync must stay linear in the input).
 */
uint64_t
source_bson_resync_work(const struct source_bson *rd)
{
	return (rd->rs_checked);
}

/* Free the reader; the mapping goes too unless the store keeps it. */
void
source_bson_free(struct source_bson *rd)
{
	size_t	 i;

	if (rd == NULL)
		return;
	if (rd->gz != NULL) {
		gzstream_free(rd->gz);
		free(rd->win);
	}
	if (rd->maptype == SOURCE_BSON_MAP_OWNED)
		sbson_unmap((void *)(uintptr_t)rd->map, rd->maplen);
	for (i = 0; i < rd->ncolls; i++) {
		free(rd->colls[i]->ns);
		free(rd->colls[i]);
	}
	free(rd->colls);
	free(rd->htab);
	record_build_clear(&rd->b);
	free(rd->name);
	free(rd);
}

/* Release a mapping kept by the store (see store_keep). */
void
source_bson_unmap(void *p, size_t len)
{
	sbson_unmap(p, len);
}
