/* SPDX-License-Identifier: ISC */
/*
 * The live MongoDB source's worker thread: lists the collections, reads
 * them with find (the push-down's query), and hands copies of the
 * documents to the main thread through the bounded queue of struct
 * mongo_src; with --follow it queries again every MONGO_FOLLOW_MS.
 */
#include "config.h"

#include "source-mongo-worker.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bytes.h"
#include "log.h"
#include "render.h"
#include "source-mongo-push.h"
#include "source-mongo-sum.h"
#include "timefmt.h"
#include "xmalloc.h"

/*
 * A driver error as a message: what failed, then the driver's words,
 * escaped (they may quote the server).  A server that never answers is
 * reported as "timed out after N s", N the timeout that expired.
 */
static void
mongo_error(const struct mongo_src *ms, char *msg, size_t len,
    const char *where, const bson_error_t *err)
{
	const char	*what = "";
	char		 tmo[96] = "";
	struct buf	 b;
	bool		 timeout;

	timeout = strstr(err->message, "timeout") != NULL ||
	    strstr(err->message, "timed out") != NULL;
	if (err->domain == MONGOC_ERROR_SERVER_SELECTION)
		what = "server selection failed: ";
	else if (err->domain == MONGOC_ERROR_CLIENT &&
	    err->code == MONGOC_ERROR_CLIENT_AUTHENTICATE)
		what = "authentication failed: ";
	else if (err->domain == MONGOC_ERROR_STREAM)
		what = "connection failed: ";
	/* The handshake (hello) runs under connectTimeoutMS. */
	if (timeout && strstr(err->message, "calling hello") != NULL)
		snprintf(tmo, sizeof tmo, "timed out after %g s (no answer): ",
		    ms->connect_ms / 1000.0);
	else if (timeout && err->domain == MONGOC_ERROR_SERVER_SELECTION)
		snprintf(tmo, sizeof tmo, "timed out after %g s (no answer): ",
		    ms->select_ms / 1000.0);
	else if (timeout)
		snprintf(tmo, sizeof tmo, "timed out after %g s (no reply): ",
		    ms->socket_ms / 1000.0);
	buf_init(&b);
	render_safe(&b, err->message, strnlen(err->message,
	    sizeof err->message), 0);
	snprintf(msg, len, "%s%s%s%.*s", where, what, tmo, (int)b.len,
	    b.data != NULL ? b.data : "");
	buf_clear(&b);
}

/*
 * Hand a copy of doc to the main thread, waiting while the queue is full.
 * Returns false if the worker must stop.
 */
static bool
mongo_push_doc(struct mongo_src *ms, struct mongo_wcoll *c, const bson_t *doc)
{
	struct mongo_item	*it;
	bool			 ok;

	if (!c->announced) {
		pthread_mutex_lock(&ms->th.mu);
		ms->names = xreallocarray(ms->names, ms->nnames + 1,
		    sizeof *ms->names);
		ms->kinds = xreallocarray(ms->kinds, ms->nnames + 1,
		    sizeof *ms->kinds);
		ms->kinds[ms->nnames] = c->kind;
		c->id = ms->nnames;
		ms->names[ms->nnames++] = xstrdup(c->name);
		pthread_mutex_unlock(&ms->th.mu);
		c->announced = true;
	}
	pthread_mutex_lock(&ms->th.mu);
	while (!ms->th.stop && (ms->qlen == MONGO_QUEUE_DOCS ||
	    (ms->qlen != 0 && ms->qbytes + doc->len > MONGO_QUEUE_BYTES)))
		pthread_cond_wait(&ms->th.wake_worker, &ms->th.mu);
	ok = !ms->th.stop;
	if (ok) {
		it = &ms->q[(ms->qhead + ms->qlen) % MONGO_QUEUE_DOCS];
		it->doc = bson_copy(doc);
		it->coll = c->id;
		it->index = c->next++;
		ms->qlen++;
		ms->qbytes += doc->len;
		ms->docs++;
		pthread_cond_signal(&ms->th.wake_main);
	}
	pthread_mutex_unlock(&ms->th.mu);
	return (ok);
}

/* Find a collection the worker knows, or add it. */
static struct mongo_wcoll *
mongo_wcoll(struct mongo_src *ms, const char *name, bool *added)
{
	struct mongo_wcoll	*c;
	size_t			 i;

	*added = false;
	for (i = 0; i < ms->nwcolls; i++)
		if (strcmp(ms->wcolls[i].name, name) == 0)
			return (&ms->wcolls[i]);
	ms->wcolls = xreallocarray(ms->wcolls, ms->nwcolls + 1,
	    sizeof *ms->wcolls);
	c = &ms->wcolls[ms->nwcolls++];
	memset(c, 0, sizeof *c);
	c->name = xstrdup(name);
	c->kind = decode_bson_collection_kind(name);
	*added = true;
	return (c);
}

/* What a collection whose name says nothing holds: its first document. */
static enum decode_bson_kind
mongo_probe(struct mongo_src *ms, const char *name, bson_error_t *err,
    bool *failed)
{
	mongoc_collection_t	*col;
	mongoc_cursor_t		*cur;
	const bson_t		*doc;
	bson_t			 filter = BSON_INITIALIZER, *opts;
	enum decode_bson_kind	 kind = DECODE_BSON_SKIP, k;

	*failed = false;
	col = mongoc_client_get_collection(ms->client, ms->db, name);
	opts = BCON_NEW("limit", BCON_INT64(1));
	cur = mongoc_collection_find_with_opts(col, &filter, opts, NULL);
	if (mongoc_cursor_next(cur, &doc)) {
		k = decode_bson_classify(doc);
		if (k == DECODE_BSON_RAW || k == DECODE_BSON_AGG)
			kind = k;
	} else if (mongoc_cursor_error(cur, err))
		*failed = true;
	mongoc_cursor_destroy(cur);
	bson_destroy(opts);
	bson_destroy(&filter);
	mongoc_collection_destroy(col);
	return (kind);
}

/* qsort: collections by name. */
static int
mongo_name_cmp(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

/*
 * List the database's collections and learn the new ones.  Returns 0,
 * or -1 with the reason in err.  *ntyk counts Tyk collections; others
 * (up to a few) are described in *others for the message.
 */
static int
mongo_list(struct mongo_src *ms, bson_error_t *err, size_t *ntyk,
    struct buf *others)
{
	mongoc_database_t	*db;
	mongoc_cursor_t		*cur;
	const bson_t		*doc;
	bson_iter_t		 it;
	char			**names = NULL;
	size_t			 n = 0, i, nother = 0;
	struct mongo_wcoll	*c;
	bool			 added, failed;
	int			 rc = 0;

	db = mongoc_client_get_database(ms->client, ms->db);
	cur = mongoc_database_find_collections_with_opts(db, NULL);
	while (mongoc_cursor_next(cur, &doc)) {
		if (bson_iter_init_find(&it, doc, "name") &&
		    BSON_ITER_HOLDS_UTF8(&it)) {
			names = xreallocarray(names, n + 1, sizeof *names);
			names[n++] = xstrdup(bson_iter_utf8(&it, NULL));
		}
	}
	if (mongoc_cursor_error(cur, err))
		rc = -1;
	mongoc_cursor_destroy(cur);
	mongoc_database_destroy(db);
	if (n > 1)
		qsort(names, n, sizeof *names, mongo_name_cmp);
	*ntyk = 0;
	for (i = 0; i < n && rc == 0; i++) {
		c = mongo_wcoll(ms, names[i], &added);
		if (added && c->kind == DECODE_BSON_OTHER) {
			c->kind = mongo_probe(ms, names[i], err, &failed);
			if (failed) {
				rc = -1;
				ms->nwcolls--;	/* ask again next time */
				free(c->name);
				break;
			}
		}
		if (c->kind == DECODE_BSON_RAW || c->kind == DECODE_BSON_AGG)
			(*ntyk)++;
		else if (nother++ < 8)
			buf_printf(others, "%s%s", nother > 1 ? ", " : "",
			    names[i]);
		else if (nother == 9)
			buf_adds(others, ", ...");
	}
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return (rc);
}

/*
 * The newest timestamp (ns) among the raw collections, for relative
 * bounds in batch mode; MONGO_BASE_UNKNOWN if there is none.
 */
static int
mongo_newest(struct mongo_src *ms, int64_t *newest, bson_error_t *err)
{
	mongoc_collection_t	*col;
	mongoc_cursor_t		*cur;
	const bson_t		*doc;
	bson_t			 filter = BSON_INITIALIZER, *opts;
	bson_iter_t		 it;
	size_t			 i;
	int64_t			 ms_ts;
	int			 rc = 0;

	*newest = MONGO_BASE_UNKNOWN;
	opts = BCON_NEW("sort", "{", "timestamp", BCON_INT32(-1), "}",
	    "limit", BCON_INT64(1), "projection", "{", "timestamp",
	    BCON_INT32(1), "}");
	for (i = 0; i < ms->nwcolls && rc == 0; i++) {
		if (ms->wcolls[i].kind != DECODE_BSON_RAW)
			continue;
		col = mongoc_client_get_collection(ms->client, ms->db,
		    ms->wcolls[i].name);
		cur = mongoc_collection_find_with_opts(col, &filter, opts,
		    NULL);
		if (mongoc_cursor_next(cur, &doc)) {
			if (bson_iter_init_find(&it, doc, "timestamp") &&
			    BSON_ITER_HOLDS_DATE_TIME(&it)) {
				ms_ts = bson_iter_date_time(&it);
				if (ms_ts > INT64_MIN / 1000000 &&
				    ms_ts < INT64_MAX / 1000000 &&
				    (*newest == MONGO_BASE_UNKNOWN ||
				    ms_ts * 1000000 > *newest))
					*newest = ms_ts * 1000000;
			}
		} else if (mongoc_cursor_error(cur, err))
			rc = -1;
		mongoc_cursor_destroy(cur);
		mongoc_collection_destroy(col);
	}
	bson_destroy(opts);
	bson_destroy(&filter);
	return (rc);
}

/* Was doc (at timestamp t ms) already read at the collection's last_ms? */
static bool
mongo_seen(struct mongo_wcoll *c, const bson_t *doc, int64_t t,
    bson_oid_t *oid, bool *has_oid)
{
	bson_iter_t	 it;
	size_t		 i;

	*has_oid = bson_iter_init_find(&it, doc, "_id") &&
	    BSON_ITER_HOLDS_OID(&it);
	if (*has_oid)
		bson_oid_copy(bson_iter_oid(&it), oid);
	if (!c->have_last || t != c->last_ms || !*has_oid)
		return (false);
	for (i = 0; i < c->nlast; i++)
		if (bson_oid_equal(&c->last_ids[i], oid))
			return (true);
	return (false);
}

/* Note that doc (timestamp t ms) was read: the tail's position. */
static void
mongo_note(struct mongo_wcoll *c, int64_t t, const bson_oid_t *oid,
    bool has_oid)
{
	if (!c->have_last || t > c->last_ms) {
		c->have_last = true;
		c->last_ms = t;
		c->nlast = 0;
	} else if (t < c->last_ms)
		return;
	if (!has_oid)
		return;
	if (c->nlast == c->lastcap) {
		c->lastcap = c->lastcap == 0 ? 8 : c->lastcap * 2;
		c->last_ids = xreallocarray(c->last_ids, c->lastcap,
		    sizeof *c->last_ids);
	}
	bson_oid_copy(oid, &c->last_ids[c->nlast++]);
}

/*
 * Read one collection: everything the push-down selects, or (following,
 * after the first pass) what is newer than the last read.  Returns 0, 1
 * to stop, or -1 with the cursor's error in err.
 */
static int
mongo_read(struct mongo_src *ms, struct mongo_wcoll *c, int64_t base,
    bson_error_t *err)
{
	mongoc_collection_t	*col;
	mongoc_cursor_t		*cur;
	const bson_t		*doc;
	bson_t			 filter = BSON_INITIALIZER, *opts;
	bson_iter_t		 it;
	bson_oid_t		 oid;
	bool			 agg = c->kind == DECODE_BSON_AGG, has_oid;
	int64_t			 t;
	int			 rc = 0;
	char			*json, *json2;

	source_mongo_push_find(ms->push, base, agg, !agg && c->have_last ? c->last_ms :
	    INT64_MIN, &filter);
	if (agg)
		opts = BCON_NEW("batchSize", BCON_INT32(MONGO_BATCH));
	else if (ms->no_payload)
		opts = BCON_NEW("sort", "{", "timestamp", BCON_INT32(1), "}",
		    "batchSize", BCON_INT32(MONGO_BATCH), "projection", "{",
		    "rawrequest", BCON_INT32(0), "rawresponse", BCON_INT32(0),
		    "}");
	else
		opts = BCON_NEW("sort", "{", "timestamp", BCON_INT32(1), "}",
		    "batchSize", BCON_INT32(MONGO_BATCH));
	json = bson_as_relaxed_extended_json(&filter, NULL);
	json2 = bson_as_relaxed_extended_json(opts, NULL);
	log_debug("mongodb: find %s.%s %s %s", ms->db, c->name, json, json2);
	bson_free(json);
	bson_free(json2);
	col = mongoc_client_get_collection(ms->client, ms->db, c->name);
	cur = mongoc_collection_find_with_opts(col, &filter, opts, NULL);
	while (rc == 0 && mongoc_cursor_next(cur, &doc)) {
		if (!agg && bson_iter_init_find(&it, doc, "timestamp") &&
		    BSON_ITER_HOLDS_DATE_TIME(&it)) {
			t = bson_iter_date_time(&it);
			if (mongo_seen(c, doc, t, &oid, &has_oid))
				continue;
			if (!mongo_push_doc(ms, c, doc))
				rc = 1;
			mongo_note(c, t, &oid, has_oid);
		} else if (!mongo_push_doc(ms, c, doc))
			rc = 1;
	}
	if (rc == 0 && mongoc_cursor_error(cur, err))
		rc = -1;
	mongoc_cursor_destroy(cur);
	mongoc_collection_destroy(col);
	bson_destroy(opts);
	bson_destroy(&filter);
	return (rc);
}

/*
 * --summary: group collection c on the server (the push-down's query as
 * $match, then $group; aggregate commands only, read-only) into sum.
 * Returns 0, 1 to stop, or -1 with the cursor's error in err.
 */
static int
mongo_summarise(struct mongo_src *ms, struct mongo_wcoll *c, int64_t base,
    struct mongo_sum *sum, bson_error_t *err)
{
	mongoc_collection_t	*col;
	mongoc_cursor_t		*cur;
	const bson_t		*doc;
	bson_t			 match = BSON_INITIALIZER, pipe, *opts;
	char			*json;
	int			 pass, rc = 0;

	source_mongo_push_find(ms->push, base, false, INT64_MIN, &match);
	opts = BCON_NEW("batchSize", BCON_INT32(MONGO_BATCH));
	col = mongoc_client_get_collection(ms->client, ms->db, c->name);
	for (pass = 0; pass < MONGO_SUM_PASSES && rc == 0; pass++) {
		bson_init(&pipe);
		source_mongo_sum_pipeline(pass, &match, &pipe);
		json = bson_as_relaxed_extended_json(&pipe, NULL);
		log_debug("mongodb: aggregate %s.%s %s", ms->db, c->name, json);
		bson_free(json);
		cur = mongoc_collection_aggregate(col, MONGOC_QUERY_NONE, &pipe,
		    opts, NULL);
		while (mongoc_cursor_next(cur, &doc)) {
			source_mongo_sum_add(sum, pass, doc);
			pthread_mutex_lock(&ms->th.mu);
			if (ms->th.stop)
				rc = 1;
			pthread_mutex_unlock(&ms->th.mu);
			if (rc != 0)
				break;
		}
		if (rc == 0 && mongoc_cursor_error(cur, err))
			rc = -1;
		mongoc_cursor_destroy(cur);
		bson_destroy(&pipe);
	}
	mongoc_collection_destroy(col);
	bson_destroy(opts);
	bson_destroy(&match);
	return (rc);
}

/*
 * --summary: the raw collections grouped on the server, their groups
 * folded into one document per (org, hour) and handed to the main thread
 * as aggregate documents of the pseudo collection "(summary)".
 */
static int
mongo_pass_summary(struct mongo_src *ms, int64_t base, char *msg,
    size_t msglen)
{
	struct mongo_sum	*sum;
	struct mongo_wcoll	*c;
	bson_error_t		 err;
	bson_t			*doc;
	size_t			 i;
	int			 rc = 0;
	char			 where[256];

	sum = source_mongo_sum_create();
	for (i = 0; i < ms->nwcolls && rc == 0; i++) {
		c = &ms->wcolls[i];
		if (c->kind != DECODE_BSON_RAW)
			continue;
		source_thread_set_state(&ms->th, "connected; summarising %s.%s",
		    ms->db, c->name);
		rc = mongo_summarise(ms, c, base, sum, &err);
		if (rc == -1) {
			snprintf(where, sizeof where, "%s.%s: ", ms->db,
			    c->name);
			mongo_error(ms, msg, msglen, where, &err);
		}
	}
	if (rc == 0 && ms->sumcoll.name == NULL) {
		ms->sumcoll.name = xstrdup("(summary)");
		ms->sumcoll.kind = DECODE_BSON_AGG;
	}
	while (rc == 0 && (doc = source_mongo_sum_next(sum)) != NULL) {
		if (!mongo_push_doc(ms, &ms->sumcoll, doc))
			rc = 1;
		bson_destroy(doc);
	}
	source_mongo_sum_free(sum);
	if (rc == 0)
		ms->first_done = true;
	return (rc);
}

/*
 * One pass over the database.  Returns 0 when done, 1 to stop, -1 on an
 * error (message in msg, without the password).
 */
static int
mongo_pass(struct mongo_src *ms, char *msg, size_t msglen)
{
	bson_error_t		 err;
	struct buf		 others;
	struct mongo_wcoll	*c;
	size_t			 ntyk, i;
	int64_t			 base = MONGO_BASE_UNKNOWN;
	int			 rc;
	char			 where[256];

	buf_init(&others);
	if (mongo_list(ms, &err, &ntyk, &others) != 0) {
		mongo_error(ms, msg, msglen, "", &err);
		buf_clear(&others);
		return (-1);
	}
	if (ntyk == 0) {
		buf_addc(&others, '\0');
		if (others.len <= 1)
			snprintf(msg, msglen, "database '%s' has no "
			    "collections (is the database name right? the "
			    "Dashboard's is usually tyk_analytics)", ms->db);
		else
			snprintf(msg, msglen, "no Tyk analytics collections "
			    "in database '%s' (it has %s)", ms->db,
			    others.data);
		buf_clear(&others);
		return (-2);
	}
	buf_clear(&others);
	if (source_mongo_push_relative(ms->push)) {
		if (ms->follow)
			base = source_mongo_sat_add(timefmt_now(), -MONGO_FOLLOW_SLACK);
		else if (mongo_newest(ms, &base, &err) != 0) {
			mongo_error(ms, msg, msglen, "", &err);
			return (-1);
		}
	}
	if (ms->summary)
		return (mongo_pass_summary(ms, base, msg, msglen));
	for (i = 0; i < ms->nwcolls; i++) {
		c = &ms->wcolls[i];
		if ((c->kind == DECODE_BSON_RAW && !ms->want_raw) ||
		    (c->kind == DECODE_BSON_AGG && (!ms->want_agg ||
		    c->read)) || (c->kind != DECODE_BSON_RAW &&
		    c->kind != DECODE_BSON_AGG))
			continue;
		if (!ms->follow || !ms->first_done)
			source_thread_set_state(&ms->th, "connected; reading %s.%s", ms->db,
			    c->name);
		rc = mongo_read(ms, c, base, &err);
		if (rc == 1)
			return (1);
		if (rc != 0) {
			snprintf(where, sizeof where, "%s.%s: ", ms->db,
			    c->name);
			mongo_error(ms, msg, msglen, where, &err);
			return (-1);
		}
		c->read = true;
	}
	ms->first_done = true;
	return (0);
}

/* The worker: passes until done (batch) or stopped (follow). */
void *
source_mongo_worker(void *arg)
{
	struct mongo_src	*ms = arg;
	char			 msg[MONGO_MSG_MAX];
	int			 rc, backoff = 1000;

	source_thread_set_state(&ms->th, "connecting");
	for (;;) {
		rc = mongo_pass(ms, msg, sizeof msg);
		if (rc == 1)
			break;
		if (rc == 0) {
			backoff = 1000;
			if (!ms->follow)
				break;
			source_thread_set_state(&ms->th, "connected; following %s every %d ms",
			    ms->db, MONGO_FOLLOW_MS);
			if (source_thread_sleep(&ms->th, MONGO_FOLLOW_MS))
				break;
			continue;
		}
		if (!ms->follow) {
			pthread_mutex_lock(&ms->th.mu);
			ms->th.fatal = xstrdup(msg);
			pthread_mutex_unlock(&ms->th.mu);
			break;
		}
		if (rc == -2) {
			source_thread_set_state(&ms->th, "connected; waiting: %s", msg);
			if (source_thread_sleep(&ms->th, MONGO_FOLLOW_MS))
				break;
			continue;
		}
		source_thread_set_state(&ms->th, "%s; retrying in %d s", msg, backoff / 1000);
		if (source_thread_sleep(&ms->th, backoff))
			break;
		backoff = backoff * 2 > MONGO_RETRY_MS_MAX ?
		    MONGO_RETRY_MS_MAX : backoff * 2;
	}
	pthread_mutex_lock(&ms->th.mu);
	ms->th.done = true;
	pthread_cond_broadcast(&ms->th.wake_main);
	pthread_mutex_unlock(&ms->th.mu);
	return (NULL);
}

/* ------------------------------------------------------------------ */
/* Main thread.                                                        */
