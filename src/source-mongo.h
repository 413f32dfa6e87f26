/* SPDX-License-Identifier: ISC */
/*
 * The live MongoDB source (mongodb:// and mongodb+srv:// URIs): reads the
 * raw record collections and, for --stored/--reconcile, the stored
 * aggregate collections of one database through libmongoc, with the time
 * range and the indexed part of the filter pushed down as the query.
 * Read-only.  source_mongo_open is declared in source.h; the push-down
 * is source-mongo-push.c, the worker thread source-mongo-worker.c.
 */
#ifndef SOURCE_MONGO_H
#define SOURCE_MONGO_H

#include <stdbool.h>
#include <stdint.h>

#include <bson/bson.h>
#include <mongoc/mongoc.h>

struct source;

const char	 *source_mongo_state(struct source *);
mongoc_uri_t	 *source_mongo_parse_uri(const char *, char **);

#endif
