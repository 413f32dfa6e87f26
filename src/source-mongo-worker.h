/* SPDX-License-Identifier: ISC */
/*
 * The live MongoDB source's shared state and its worker thread, which owns
 * the mongoc client and does all network I/O (see source-mongo.c:
 * Threads).  Only source-mongo.c and source-mongo-worker.c include this.
 */
#ifndef SOURCE_MONGO_WORKER_H
#define SOURCE_MONGO_WORKER_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <mongoc/mongoc.h>

#include "decode-bson.h"
#include "record.h"
#include "source-thread.h"

#define MONGO_DEFAULT_DB	"tyk_analytics"
#define MONGO_SELECT_MS		5000	/* serverSelectionTimeoutMS default */
#define MONGO_CONNECT_MS	5000	/* connectTimeoutMS default */
#define MONGO_SOCKET_MS		60000	/* socketTimeoutMS default */
#define MONGO_BATCH		1000	/* find batchSize */
#define MONGO_QUEUE_DOCS	4096
#define MONGO_QUEUE_BYTES	(32U << 20)
#define MONGO_WAIT_MS		10	/* poll's longest wait */
#define MONGO_FOLLOW_MS		1000	/* --follow: time between queries */
#define MONGO_RETRY_MS_MAX	30000	/* --follow: longest backoff */
#define MONGO_FOLLOW_SLACK	(60 * 1000000000LL)	/* ns, see push */
#define MONGO_MSG_MAX		900

/* A collection as the worker reads it. */
struct mongo_wcoll {
	char			*name;
	enum decode_bson_kind	 kind;		/* RAW, AGG, SKIP */
	size_t			 id;		/* announcement index */
	bool			 announced;
	bool			 read;		/* first pass done */
	uint64_t		 next;		/* index of the next document */
	bool			 have_last;
	int64_t			 last_ms;	/* newest timestamp read */
	bson_oid_t		*last_ids;	/* read at last_ms */
	size_t			 nlast, lastcap;
};

/* One document handed to the main thread. */
struct mongo_item {
	bson_t		*doc;
	size_t		 coll;		/* announcement index */
	uint64_t	 index;
};

/* A collection as the main thread knows it. */
struct mongo_mcoll {
	char		*name;		/* "db.collection" */
	bool		 agg;		/* a stored aggregate collection */
	uint16_t	 src;
	int64_t		 last_ts;	/* ns, for bad records */
	int64_t		 newest;	/* ns, INT64_MIN: none */
	uint64_t	 docs, bad;
};

struct mongo_src {
	/* Set at open, read-only afterwards. */
	mongoc_client_t		*client;	/* the worker's */
	char			*db;
	char			*safe;		/* URI without the password */
	bool			 follow;
	bool			 want_raw, want_agg;
	bool			 no_payload;	/* raw_request/response unused */
	bool			 summary;	/* --aggregate --summary */
	int32_t			 select_ms;	/* serverSelectionTimeoutMS */
	int32_t			 connect_ms;	/* connectTimeoutMS */
	int32_t			 socket_ms;	/* socketTimeoutMS */
	struct mongo_push	*push;
	pthread_t		 thread;
	bool			 started;

	/* Worker only. */
	struct mongo_wcoll	*wcolls;
	size_t			 nwcolls;
	bool			 first_done;
	struct mongo_wcoll	 sumcoll;	/* --summary's documents */

	/* Shared, under mu. */
	struct source_thread	 th;		/* mu, state, fatal, done, stop */
	struct mongo_item	*q;		/* ring of MONGO_QUEUE_DOCS */
	size_t			 qhead, qlen;
	size_t			 qbytes;
	char			**names;	/* announced collections */
	enum decode_bson_kind	 *kinds;	/* and what they hold */
	size_t			 nnames;
	uint64_t		 docs;		/* documents read */

	/* Main thread only. */
	struct mongo_mcoll	*mcolls;
	size_t			 nmcolls;
	struct record_build	 b;
};

void	*source_mongo_worker(void *);

#endif
