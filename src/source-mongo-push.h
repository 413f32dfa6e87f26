/* SPDX-License-Identifier: ISC */
/*
 * The live MongoDB source's push-down: the time range and the indexed
 * part of the filter as a find query.  Used by the worker
 * (source-mongo-worker.c) and the unit tests.
 */
#ifndef SOURCE_MONGO_PUSH_H
#define SOURCE_MONGO_PUSH_H

#include <stdbool.h>
#include <stdint.h>

#include <bson/bson.h>

struct filter;
struct mongo_push;
struct options;

/* A relative-time base that is not known (nothing relative is pushed). */
#define MONGO_BASE_UNKNOWN	INT64_MIN

struct mongo_push *source_mongo_push_create(const struct options *,
		    struct filter *);
void		  source_mongo_push_find(const struct mongo_push *, int64_t,
		    bool, int64_t, bson_t *);
void		  source_mongo_push_query(const struct mongo_push *, int64_t,
		    bool, bson_t *);
bool		  source_mongo_push_relative(const struct mongo_push *);
bool		  source_mongo_push_whole(const struct mongo_push *);
void		  source_mongo_push_free(struct mongo_push *);
int64_t		  source_mongo_sat_add(int64_t, int64_t);

#endif
