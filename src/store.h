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
 * Records are stored as columns (struct store_chunk) and handed out as
 * struct record values: store_read fills the caller's, store_get one of
 * STORE_RING per thread, valid until that thread's next STORE_RING calls
 * (use it, do not keep it; store_read a copy to keep).  Whole-set passes
 * (filter, sort keys, aggregates) read the columns of each chunk instead.
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
#include "idtuple.h"
#include "record.h"
#include "strtab.h"

/* Records per chunk: 2^chunk_shift, between 2^6 and 2^16 (max/16). */
#define STORE_CHUNK_SHIFT_MIN	6
#define STORE_CHUNK_SHIFT_MAX	16
#define STORE_MAX_SOURCES	65535
#define STORE_RING		256	/* store_get values per thread */

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
	struct gzindex		*gzidx;		/* REC_PAYREF payloads (borrowed) */
};

struct gzindex;
struct _bson_t;			/* libbson's bson_t, kept out of this header */

/*
 * The string ids a chunk keeps as columns of their own; the others are
 * kept as tuples (STORE_API_*, STORE_KEY_*), one tuple id per record.
 */
enum store_scol {
	SC_METHOD,
	SC_HOST,
	SC_PATH,
	SC_RAW_PATH,
	SC_USER_AGENT,
	SC_IP_ADDRESS,
	SC_ORIGINAL_PATH,
	SC_TAGS,
	SC_GEO,
	SC_COUNT
};
/* The API tuple: API id, name, version, org, listen path. */
#define STORE_API_WIDTH	5
/* The key tuple: API key, alias, OAuth client id. */
#define STORE_KEY_WIDTH	3

/* What few records have (payload references, an extra block). */
struct store_cold {
	const char	*payload;	/* as struct record */
	uint32_t	 req_len;
	uint32_t	 resp_off;
	uint32_t	 resp_len;
	uint32_t	 extra;		/* store extra index, 0 = none */
	uint32_t	 payload_at;	/* REC_PAYREF: as struct record */
};

/*
 * A chunk of up to 2^chunk_shift records, as columns: each hot field of
 * every record of the chunk in an array of its own, so that a pass over
 * one field reads only that field.  Rare and wide data is in colds,
 * named by the cold column (0: none).
 */
struct store_chunk {
	uint64_t	 first;		/* seq of record 0 */
	uint32_t	 n;		/* records used */
	uint32_t	 extras_end;	/* extras_next when the chunk filled */
	struct arena	 arena;		/* extras, payload copies, bad bytes */
	void		*block;		/* every column, one allocation */
	int64_t		*ts;
	int64_t		*expire;
	uint64_t	*pos;
	int32_t		*lat_total;
	int32_t		*lat_upstream;
	int32_t		*lat_gateway;
	int32_t		*request_time;
	int32_t		*content_length;
	uint32_t	*ymdh;
	uint32_t	*flags;
	uint32_t	*cold;		/* index in colds, 0 = none */
	uint32_t	*api;		/* API tuple id */
	uint32_t	*key;		/* key tuple id */
	uint32_t	*str[SC_COUNT];
	int16_t		*status;	/* response_code */
	struct store_cold *colds;	/* colds[0] unused */
	uint32_t	 ncolds;
	uint32_t	 colds_cap;
};

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
	struct idtuple		  api_tuples;	/* STORE_API_WIDTH ids */
	struct idtuple		  key_tuples;	/* STORE_KEY_WIDTH ids */
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
bool		 store_read(const struct store *, uint64_t, struct record *);
void		 store_fill_at(const struct store *, const struct store_chunk *,
		    uint32_t, struct record *);
uint32_t	 store_str_id(const struct store *, const struct store_chunk *,
		    uint32_t, enum record_str);
const uint32_t	*store_str_column(const struct store_chunk *, enum record_str);
const char	*store_source_name(const struct store *, const struct record *);
size_t		 store_memory(const struct store *);

/*
 * The chunk holding seq (which must be held) and seq's index in it, for
 * passes that read columns directly.
 */
static inline const struct store_chunk *
store_chunk_of(const struct store *st, uint64_t seq, uint32_t *idx)
{
	uint64_t	 d = seq - st->chunks[0]->first;

	*idx = (uint32_t)(d & ((1ULL << st->chunk_shift) - 1));
	return (st->chunks[d >> st->chunk_shift]);
}

/* The timestamp column of held record seq (ns). */
static inline int64_t
store_ts_of(const struct store *st, uint64_t seq)
{
	const struct store_chunk	*c;
	uint32_t			 i;

	c = store_chunk_of(st, seq, &i);
	return (c->ts[i]);
}

/* Number of records held. */
static inline uint64_t
store_count(const struct store *st)
{
	return (st->next - st->first);
}

#endif
