/* SPDX-License-Identifier: ISC */
/*
 * mongo-load: fill a test MongoDB (the integration tests' own server on
 * loopback) with documents, through libmongoc.
 *
 *	mongo-load URI COLLECTION --demo SEED COUNT [START]
 *	mongo-load URI COLLECTION --file FILE.bson
 *	mongo-load URI COLLECTION --json DOC...
 *
 * --demo inserts the demo generator's records (src/demo.c) as the mongo
 * pump writes them (src/encode-bson.c), with the same _ids as
 * `tykscope-gen --seed SEED --count COUNT --format bson`, so the two can be
 * compared; network-statistics records are skipped as the pumps do.
 * START (Unix seconds) moves the first timestamp (tykscope-gen --start).
 * --file inserts the documents of a .bson file (stored aggregates),
 * --json each DOC (Extended JSON) as a document.  The
 * database is the URI's.  Exits 0, or 1 with a message.  A test tool: it
 * writes, so it never runs against anything but a test server.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mongoc/mongoc.h>

#include "demo.h"
#include "encode-bson.h"

#define LOAD_BATCH	500

struct load {
	mongoc_collection_t	*col;
	bson_t			*docs[LOAD_BATCH];
	size_t			 n;
	uint64_t		 total;
};

static void
load_die(const char *what, const char *msg)
{
	fprintf(stderr, "mongo-load: %s: %s\n", what, msg);
	exit(1);
}

/* Insert the pending documents. */
static void
load_flush(struct load *l)
{
	bson_error_t	 err;
	size_t		 i;

	if (l->n == 0)
		return;
	if (!mongoc_collection_insert_many(l->col, (const bson_t **)l->docs,
	    l->n, NULL, NULL, &err))
		load_die("insert", err.message);
	for (i = 0; i < l->n; i++)
		bson_destroy(l->docs[i]);
	l->total += l->n;
	l->n = 0;
}

/* Queue a copy of doc. */
static void
load_add(struct load *l, const bson_t *doc)
{
	l->docs[l->n++] = bson_copy(doc);
	if (l->n == LOAD_BATCH)
		load_flush(l);
}

static void
load_demo(struct load *l, uint64_t seed, uint64_t count, int64_t start)
{
	struct demo_config	 cfg;
	struct demo		*d;
	struct demo_record	 r;
	bson_oid_t		 oid;
	bson_t			 doc;
	uint64_t		 i;

	demo_config_init(&cfg);
	cfg.seed = seed;
	if (start != 0)
		cfg.start_sec = start;
	d = demo_create(&cfg);
	for (i = 0; i < count; i++) {
		demo_next(d, &r);
		if (r.response_code == -1)
			continue;
		/* As tykscope-gen: the same _id for the same record. */
		encode_bson_oid(&oid, r.ts_sec, i, seed * 0x9e3779b97f4a7c15ULL);
		bson_init(&doc);
		encode_bson_record(&doc, &r, &oid);
		load_add(l, &doc);
		bson_destroy(&doc);
	}
	demo_free(d);
}

static void
load_file(struct load *l, const char *path)
{
	bson_reader_t	*rd;
	const bson_t	*doc;
	bson_error_t	 err;
	bool		 eof = false;

	rd = bson_reader_new_from_file(path, &err);
	if (rd == NULL)
		load_die(path, err.message);
	while ((doc = bson_reader_read(rd, &eof)) != NULL)
		load_add(l, doc);
	bson_reader_destroy(rd);
}

int
main(int argc, char **argv)
{
	mongoc_client_t	*client;
	mongoc_uri_t	*uri;
	bson_error_t	 err;
	struct load	 l;
	const char	*db;
	bson_t		*doc;
	int		 i;

	if (argc < 5 || (strcmp(argv[3], "--demo") == 0 && argc != 6 &&
	    argc != 7) ||
	    (strcmp(argv[3], "--file") == 0 && argc != 5)) {
		fprintf(stderr, "usage: mongo-load URI COLLECTION --demo SEED "
		    "COUNT [START] | --file FILE.bson | --json DOC...\n");
		return (1);
	}
	mongoc_init();
	uri = mongoc_uri_new_with_error(argv[1], &err);
	if (uri == NULL)
		load_die(argv[1], err.message);
	db = mongoc_uri_get_database(uri);
	client = mongoc_client_new_from_uri_with_error(uri, &err);
	if (client == NULL)
		load_die(argv[1], err.message);
	mongoc_client_set_error_api(client, MONGOC_ERROR_API_VERSION_2);
	memset(&l, 0, sizeof l);
	l.col = mongoc_client_get_collection(client, db != NULL ? db :
	    "tyk_analytics", argv[2]);
	if (strcmp(argv[3], "--demo") == 0)
		load_demo(&l, strtoull(argv[4], NULL, 10),
		    strtoull(argv[5], NULL, 10), argc == 7 ?
		    strtoll(argv[6], NULL, 10) : 0);
	else if (strcmp(argv[3], "--file") == 0)
		load_file(&l, argv[4]);
	else if (strcmp(argv[3], "--json") == 0) {
		for (i = 4; i < argc; i++) {
			doc = bson_new_from_json((const uint8_t *)argv[i], -1,
			    &err);
			if (doc == NULL)
				load_die(argv[i], err.message);
			load_add(&l, doc);
			bson_destroy(doc);
		}
	}
	else
		load_die(argv[3], "unknown mode");
	load_flush(&l);
	printf("%llu\n", (unsigned long long)l.total);
	mongoc_collection_destroy(l.col);
	mongoc_client_destroy(client);
	mongoc_uri_destroy(uri);
	mongoc_cleanup();
	return (0);
}
