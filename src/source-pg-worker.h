/* SPDX-License-Identifier: ISC */
/*
 * The PostgreSQL source's state, shared by its main-thread half
 * (source-pg.c: open, poll, describe, health, free) and its worker thread
 * (source-pg-worker.c: the connection, the listing, the cursors): what
 * each half alone touches, and what both touch under mu.
 */
#ifndef SOURCE_PG_WORKER_H
#define SOURCE_PG_WORKER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bson/bson.h>
#include <libpq-fe.h>

#include "record.h"
#include "source-thread.h"
#include "source-pg-query.h"
#include "source-pg-row.h"

#define PG_DEFAULT_SCHEMA	"public"
#define PG_CONNECT_TIMEOUT	"5"	/* seconds, unless the argument says */
#define PG_FETCH_S		"500"	/* rows per FETCH */
#define PG_QUEUE		16	/* results (or documents) queued */
#define PG_WAIT_MS		10	/* poll's longest wait */
#define PG_FOLLOW_MS		1000
#define PG_RETRY_MS_MAX		30000
#define PG_FOLLOW_SLACK		(60 * 1000000000LL)
#define PG_MSG_MAX		900
#define PG_PASS_MAX		1024
#define PG_RAW			"tyk_analytics"
#define PG_NCOLS		((int)PGC_COUNT > (int)PGA_COUNT ? (int)PGC_COUNT : \
				    (int)PGA_COUNT)
#define PG_AGG			"tyk_aggregated"

/* A table as the worker knows it. */
struct pg_wtable {
	char		*name;
	bool		 agg;
	bool		 shard;
	int64_t		 day;		/* shard: Unix seconds */
	bool		 have[PG_NCOLS];
	bool		 listed;	/* in the latest listing */
	size_t		 id;		/* announcement index */
	bool		 announced;
	bool		 read;		/* first pass done */
	uint64_t	 next;		/* index of the next row */
	/* --follow: the newest timestamp read, and the rows read at it. */
	bool		 have_last;
	int64_t		 last_ns;
	char		*last_txt;
	char		**ctids;
	size_t		 nctids;
};

/* One queue item: FETCH results of a raw table, or an aggregate doc. */
struct pg_item {
	PGresult	*res;
	bool		*skip;		/* rows not to add, or NULL */
	int		 idx[PG_NCOLS];
	bson_t		*doc;
	size_t		 table;		/* announcement index */
	uint64_t	 index;		/* of the first row */
};

/* A table as the main thread knows it. */
struct pg_mtable {
	char		*name;		/* "db.table" */
	bool		 agg;
	uint16_t	 src;
	int64_t		 last_ts;
	int64_t		 newest;
	uint64_t	 rows, bad;
	/* --health, from the worker. */
	bool		 stats;
	int64_t		 count, bytes;
	int64_t		 oldest_ns, newest_ns;	/* INT64_MIN: none */
};

/* Table statistics for --health, under mu. */
struct pg_stat {
	int64_t		 count, bytes;
	int64_t		 oldest_ns, newest_ns;
};

struct pg_src {
	/* Set at open, read-only afterwards. */
	char			**kw, **val;	/* connection parameters */
	char			*secret;	/* password, for scrubbing */
	char			*safe;
	char			*schema;
	bool			 follow;
	bool			 want_raw, want_agg, health;
	bool			 no_payload;
	bool			 summary;	/* --aggregate --summary */
	int64_t			 limit;		/* pushed LIMIT, -1: none */
	struct pg_push		*push;
	pthread_t		 thread;
	bool			 started;

	/* Worker only. */
	PGconn			*conn;
	char			*db;
	struct pg_wtable	*wt;
	size_t			 nwt;
	bool			 first_done;

	/* Shared, under mu. */
	struct source_thread	 th;		/* mu, state, fatal, done, stop */
	PGcancel		*cancel;
	struct pg_item		 q[PG_QUEUE];
	size_t			 qhead, qlen;
	char			**names;	/* announced tables */
	bool			*aggs;
	struct pg_stat		*stats;		/* per announced table */
	bool			*has_stats;
	size_t			 nnames;
	uint64_t		 rows;

	/* Main thread only. */
	struct pg_mtable	*mt;
	size_t			 nmt;
	struct record_build	 b;
	PGresult		*cur;		/* item being added */
	struct pg_item		 curit;
	int			 currow;
};

void		*source_pg_worker(void *);

#endif
