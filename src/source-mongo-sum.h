/* SPDX-License-Identifier: ISC */
/*
 * The live MongoDB source's server-side summaries (--summary): the
 * aggregation pipelines that group raw records on the server, and the
 * folding of their groups into documents shaped like the pump's stored
 * aggregates (tyk-formats.md 5.1), one per (org, hour).  Used by the
 * worker (source-mongo-worker.c).
 */
#ifndef SOURCE_MONGO_SUM_H
#define SOURCE_MONGO_SUM_H

#include <bson/bson.h>

struct mongo_sum;

/* Pipelines per collection: the total and errors, apiid and versions,
 * apikeys, oauthids, geo. */
#define MONGO_SUM_PASSES	5

struct mongo_sum *source_mongo_sum_create(void);
void		  source_mongo_sum_pipeline(int, const bson_t *, bson_t *);
void		  source_mongo_sum_add(struct mongo_sum *, int,
		    const bson_t *);
bson_t		 *source_mongo_sum_next(struct mongo_sum *);
void		  source_mongo_sum_free(struct mongo_sum *);

#endif
