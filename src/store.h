/* SPDX-License-Identifier: ISC */
/*
 * The record store: every loaded record, in arrival order, in chunks of
 * STORE_CHUNK records.  Each chunk owns an arena for what its records point
 * to (extra blocks, copied payloads, bad-record bytes).  A store bounded
 * by max_records (live sources, or --max-records given) holds exactly the
 * newest max_records: each record beyond evicts the oldest, which is
 * counted; a chunk is freed once all its records are evicted.  Offline
 * sources use an unbounded store (max_records 0).
 *
 * Records are named by a sequence number (seq) that grows forever; those in
 * [first, next) are held.  Views keep seqs, never pointers, and re-clamp
 * when first moves.
 *
 * The store also owns the string table, the table of sources (a source id
 * is the high 16 bits of record.pos), and the stored aggregate documents
 * found in dumps.  Single-threaded: only the main thread touches it.
 */
#ifndef STORE_H
#define STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "record.h"
#include "strtab.h"

/* Records per chunk: 2^chunk_shift, between 2^6 and 2^16 (max/16). */
#define STORE_CHUNK_SHIFT_MIN	6
#define STORE_CHUNK_SHIFT_MAX	16
#define STORE_MAX_SOURCES	65535

enum store_source_kind {
	STORE_SRC_FILE,		/* a .bson/.bson.gz/archive/jsonl file */
	STORE_SRC_COLLECTION,	/* a collection inside a dump or archive */
	STORE_SRC_REDIS,	/* one Redis list key */
	STORE_SRC_MONGO,	/* a live MongoDB collection */
	STORE_SRC_DEMO
};

/* Where records come from: named in positions as "NAME:OFFSET". */
struct store_source {
	char			*name;		/* owned, e.g. "tyk_analytics.bson" */
	enum store_source_kind	 kind;
	uint64_t		 records;	/* good records added */
	uint64_t		 bad;		/* bad records added */
	uint64_t		 gaps;
	char			*damage;	/* owned: last damage report, or NULL */
};

struct _bson_t;			/* libbson's bson_t, kept out of this header */
struct store_chunk;

/* A stored aggregate document (tyk-formats.md 5.2) read from a dump. */
struct store_aggdoc {
	void		*doc;		/* owned bson_t copy */
	uint16_t	 source;
	uint64_t	 offset;
};

/*
 * Memory that records point into without owning it (a mapped dump file,
 * whose payload strings stay where they are).  The store releases it in
 * store_clear, after every record, so it may outlive the source that
 * made it.
 */
struct store_keep {
	void		*ptr;
	size_t		 len;
	void		(*release)(void *, size_t);
};

struct store {
	struct strtab		  strs;
	struct store_chunk	**chunks;	/* ring of held chunks, oldest first */
	size_t			  nchunks;
	size_t			  chunks_cap;
	uint64_t		  first;	/* seq of the oldest held record */
	uint64_t		  next;		/* seq the next record gets */
	uint64_t		  max_records;	/* 0 = unbounded */
	unsigned		  chunk_shift;	/* log2 records per chunk */
	uint64_t		  evicted;	/* records evicted so far */
	uint64_t		  generation;	/* bumped on every eviction */
	uint64_t		  nbad;
	uint64_t		  ngaps;

	struct record_extra	**extras;	/* extra index - extras_base */
	uint32_t		  extras_base;
	uint32_t		  extras_next;
	size_t			  extras_cap;

	struct store_source	 *sources;
	uint16_t		  nsources;
	size_t			  sources_cap;
	uint64_t		  nover;	/* sources past the limit */

	struct store_aggdoc	 *aggdocs;
	size_t			  naggdocs;

	struct store_keep	 *keeps;	/* released by store_clear */
	size_t			  nkeeps;

	int64_t			  newest_ts;	/* max timestamp seen (ns) */
	int64_t			  oldest_ts;	/* min timestamp seen (ns) */
};

void		 store_init(struct store *, uint64_t);
void		 store_clear(struct store *);
void		 store_limit(struct store *, uint64_t);
uint16_t	 store_source_add(struct store *, const char *,
		    enum store_source_kind);
void		 store_source_damage(struct store *, uint16_t, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
uint64_t	 store_add(struct store *, struct record_build *, uint16_t,
		    uint64_t);
uint64_t	 store_add_bad(struct store *, uint16_t, uint64_t, int64_t,
		    const char *, const void *, size_t);
uint64_t	 store_add_gap(struct store *, uint16_t, uint64_t, int64_t,
		    int64_t, int64_t, const char *);
void		 store_add_aggdoc(struct store *, uint16_t, uint64_t,
		    const struct _bson_t *);
void		*store_alloc(struct store *, size_t);
void		 store_keep(struct store *, void *, size_t,
		    void (*)(void *, size_t));
const struct record *store_get(const struct store *, uint64_t);
const char	*store_source_name(const struct store *, const struct record *);
size_t		 store_memory(const struct store *);

/* Number of records held. */
static inline uint64_t
store_count(const struct store *st)
{
	return (st->next - st->first);
}

#endif
