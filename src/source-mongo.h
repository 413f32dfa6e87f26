/* SPDX-License-Identifier: ISC */
/*
 * The live MongoDB source (mongodb:// and mongodb+srv:// URIs): reads the
 * raw record collections and, for --stored/--reconcile, the stored
 * aggregate collections of one database through libmongoc, with the time
 * range and the indexed part of the filter pushed down as the query.
 * Read-only.  source_mongo_open is declared in source.h; the push-down
 * helpers are here for the unit tests.
 */
#ifndef SOURCE_MONGO_H
#define SOURCE_MONGO_H

#include <stdbool.h>
#include <stdint.h>

#include <bson/bson.h>
#include <mongoc/mongoc.h>

struct filter;
struct mongo_push;
struct options;
struct source;

/* A relative-time base that is not known (nothing relative is pushed). */
#define MONGO_BASE_UNKNOWN	INT64_MIN

struct mongo_push *source_mongo_push_create(const struct options *,
		    struct filter *);
void		  source_mongo_push_query(const struct mongo_push *, int64_t,
		    bool, bson_t *);
bool		  source_mongo_push_relative(const struct mongo_push *);
void		  source_mongo_push_free(struct mongo_push *);
const char	 *source_mongo_state(struct source *);
mongoc_uri_t	 *source_mongo_parse_uri(const char *, char **);

#endif
