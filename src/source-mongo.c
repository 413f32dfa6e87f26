/* SPDX-License-Identifier: ISC */
/*
 * The live MongoDB source.  One database (the URI's path, default
 * tyk_analytics) is read through libmongoc:
 *
 *  - listCollections names the collections.  Raw record collections
 *    (tyk_analytics, z_tyk_analyticz_<org>) and stored aggregate
 *    collections (z_tyk_analyticz_aggregate_<org>, tyk_analytics_aggregates)
 *    are known by name (decode_bson_collection_kind); a collection whose
 *    name says nothing (the pump's collection_name is free) is judged by
 *    its first document, as in a dump; uptime, graph and system
 *    collections are skipped.
 *  - Raw collections are read with find, sorted on timestamp, batchSize
 *    MONGO_BATCH.  The query is the push-down: the time range (--since,
 *    --until, time/since/until tokens) and the filter tokens on the
 *    logBrowserIndex fields (status -> responsecode ranges, org -> orgid,
 *    api -> apiid or apiname, key -> apikey or alias; equality or an
 *    escaped substring $regex), ANDed.  Only plain (not negated) tokens
 *    are translated, and only in ways that select a superset of what the
 *    filter selects; batch.c matches every record against the whole
 *    filter again, so correctness never depends on the translation.  The
 *    query assumes the pump's BSON keys and datetime timestamps; records
 *    written with other keys (Tyk JSON names) are read only without a
 *    filter on those fields.  Relative times (since:-15m) count from the
 *    newest record in batch mode, which the database tells (the newest
 *    timestamp of the raw collections, never newer than the newest of all
 *    sources, so the bound can only be looser); relative upper bounds are
 *    never pushed.
 *  - raw_request and raw_response (most of a detailed record's bytes)
 *    are left on the server (a projection) in batch mode when nothing
 *    reads them: --count, --aggregate, tsv and table output, and no
 *    payload or detailed filter token.
 *  - Stored aggregate collections (with --stored or --reconcile, and in
 *    the user interface, whose Aggregates screen shows them) are
 *    read with the time range widened by an hour (a bucket starts before
 *    what it counts) into store_add_aggdoc.  With --stored alone the raw
 *    collections are not read at all.
 *  - --follow: after the first pass, every MONGO_FOLLOW_MS the collections
 *    are listed again and each raw collection is asked for timestamp >=
 *    the newest timestamp read, skipping the documents already read at
 *    that very millisecond (by _id).  A record inserted later with an
 *    older timestamp than one already read is not seen (the pump writes
 *    each drained batch in order, so this is rare).  Errors are then a
 *    state shown by describe, retried with backoff, never fatal.
 *
 * Only find, listCollections (and the driver's own handshake, hello, ping
 * and killCursors) are sent: nothing is ever written.
 *
 * Threads.  Server selection, a sort on the server and getMore can each
 * block for seconds, so all network I/O is done on a worker thread that
 * owns the mongoc client (a single-threaded mongoc_client_t, touched by no
 * other thread).  The worker copies each document (bson_copy) into a
 * bounded queue (MONGO_QUEUE_DOCS documents, MONGO_QUEUE_BYTES bytes; it
 * waits when the queue is full, so a whole collection is never held in
 * memory) and poll, on the main thread, takes up to max of them, decodes
 * them and adds records, aggregate documents and bad records to the store,
 * which only the main thread touches.  poll waits at most MONGO_WAIT_MS
 * for the first document.  Positions are mongodb:DB.COLLECTION:N, N the
 * document's index in cursor order.
 *
 * The password is only in the mongoc URI: source->arg and every message
 * use the URI without it.
 */
#include "config.h"

#include "source-mongo.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <mongoc/mongoc.h>
#include <yajl/yajl_gen.h>

#include "bytes.h"
#include "decode-bson.h"
#include "field.h"
#include "filter.h"
#include "json.h"
#include "log.h"
#include "log-warn.h"
#include "options.h"
#include "record.h"
#include "render.h"
#include "source-doc.h"
#include "source-mongo-push.h"
#include "source-mongo-worker.h"
#include "source.h"
#include "store.h"
#include "timefmt.h"
#include "xmalloc.h"

static pthread_once_t	 mongo_once = PTHREAD_ONCE_INIT;

/* The driver's own log lines go to the -v log, never to the terminal. */
static void
mongo_log(mongoc_log_level_t level, const char *domain, const char *message,
    void *arg)
{
	(void)arg;
	log_debug("mongoc %s %s: %s", mongoc_log_level_str(level), domain,
	    message);
}

/* mongoc_init once per process; mongoc_cleanup at exit. */
static void
mongo_init_once(void)
{
	mongoc_log_set_handler(mongo_log, NULL);
	mongoc_init();
	atexit(mongoc_cleanup);
}

/*
 * Scrub a message about uri: its password becomes "***", as written and
 * %-decoded (the driver may quote either).
 */
static char *
mongo_scrub_uri(char *s, const char *uri)
{
	const char	*p;
	size_t		 len;
	char		*pass, *dec;

	if (!source_uri_password(uri, &p, &len) || len == 0)
		return (s);
	pass = xstrndup(p, len);
	s = source_scrub(s, pass);
	dec = mongoc_uri_unescape(pass);
	if (dec != NULL) {
		s = source_scrub(s, dec);
		bson_free(dec);
	}
	explicit_bzero(pass, len);
	free(pass);
	return (s);
}

/* Decode one document of collection m and add it to the store. */
static void
mongo_add_doc(struct mongo_src *ms, struct store *st, struct mongo_mcoll *m,
    const bson_t *doc, uint64_t index)
{
	enum decode_bson_kind	 kind;
	size_t			 erroff;
	const char		*why;
	struct record_build	*b = &ms->b;
	struct source_doc	 d;

	d.src = m->src;
	d.pos = index;
	d.last_ts = &m->last_ts;
	d.raw = bson_get_data(doc);
	d.rawlen = doc->len;
	m->docs++;
	record_build_reset(b);
	if (decode_bson_record(doc, st, b, &kind, &erroff, &why) != 0) {
		source_doc_bad(st, &d, why, erroff);
		m->bad++;
		return;
	}
	b->payload_stable = false;	/* the copy is freed */
	source_doc_add(st, b, &d, doc, kind);
	if (kind == DECODE_BSON_RAW && m->last_ts > m->newest)
		m->newest = m->last_ts;
	else if (kind != DECODE_BSON_RAW && kind != DECODE_BSON_AGG)
		m->bad++;
}

/* Take up to max documents from the worker and add them to the store. */
static enum source_status
mongo_poll(struct source *s, struct store *st, size_t max)
{
	struct mongo_src	*ms = s->data;
	struct mongo_item	*items;
	struct mongo_mcoll	*m;
	struct timespec		 ts;
	size_t			 n, i, nnames;
	char			*name, **names = NULL;
	enum decode_bson_kind	*kinds = NULL;
	bool			 done;
	char			*fatal = NULL;

	if (max == 0)
		max = 1;
	pthread_mutex_lock(&ms->th.mu);
	if (ms->qlen == 0 && !ms->th.done) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += MONGO_WAIT_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&ms->th.wake_main, &ms->th.mu, &ts);
	}
	n = ms->qlen < max ? ms->qlen : max;
	items = xreallocarray(NULL, n + 1, sizeof *items);
	for (i = 0; i < n; i++) {
		items[i] = ms->q[ms->qhead];
		ms->qbytes -= items[i].doc->len;
		ms->qhead = (ms->qhead + 1) % MONGO_QUEUE_DOCS;
		ms->qlen--;
	}
	if (n != 0)
		pthread_cond_signal(&ms->th.wake_worker);
	nnames = ms->nnames;
	if (nnames > ms->nmcolls) {
		names = xreallocarray(NULL, nnames, sizeof *names);
		kinds = xreallocarray(NULL, nnames, sizeof *kinds);
		for (i = ms->nmcolls; i < nnames; i++) {
			names[i] = ms->names[i];	/* never freed early */
			kinds[i] = ms->kinds[i];
		}
	}
	done = ms->th.done && ms->qlen == 0;
	if (done && ms->th.fatal != NULL)
		fatal = xstrdup(ms->th.fatal);
	pthread_mutex_unlock(&ms->th.mu);

	/* New collections become store sources. */
	if (nnames > ms->nmcolls) {
		ms->mcolls = xreallocarray(ms->mcolls, nnames,
		    sizeof *ms->mcolls);
		for (i = ms->nmcolls; i < nnames; i++) {
			m = &ms->mcolls[i];
			memset(m, 0, sizeof *m);
			xasprintf(&m->name, "%s.%s", ms->db, names[i]);
			xasprintf(&name, "mongodb:%s", m->name);
			m->src = store_source_add(st, name, STORE_SRC_MONGO);
			m->agg = kinds[i] == DECODE_BSON_AGG;
			m->last_ts = -1;
			m->newest = INT64_MIN;
			free(name);
		}
		ms->nmcolls = nnames;
		free(names);
		free(kinds);
	}
	for (i = 0; i < n; i++) {
		m = &ms->mcolls[items[i].coll];
		mongo_add_doc(ms, st, m, items[i].doc, items[i].index);
		bson_destroy(items[i].doc);
	}
	free(items);

	if (fatal != NULL) {
		free(s->error);
		s->error = fatal;
		return (SOURCE_ERROR);
	}
	if (done)
		return (SOURCE_EOF);
	return (n != 0 ? SOURCE_MORE : SOURCE_IDLE);
}

/* Documents read so far (total unknown). */
static void
mongo_progress(struct source *s, uint64_t *done, uint64_t *total)
{
	struct mongo_src	*ms = s->data;

	pthread_mutex_lock(&ms->th.mu);
	*done = ms->docs;
	pthread_mutex_unlock(&ms->th.mu);
	*total = 0;
}

/*
 * The connection state for batch follow mode's reports: "connecting",
 * "connected; following DB every 1000 ms", "server selection failed: ...;
 * retrying in 2 s".  Valid until the next call.
 */
const char *
source_mongo_state(struct source *s)
{
	struct mongo_src	*ms = s->data;

	return (source_thread_state(&ms->th));
}

/* One line: URI, state, documents read. */
static void
mongo_describe(struct source *s, struct buf *b)
{
	struct mongo_src	*ms = s->data;
	uint64_t		 docs;

	pthread_mutex_lock(&ms->th.mu);
	docs = ms->docs;
	pthread_mutex_unlock(&ms->th.mu);
	buf_printf(b, "%s %s, %llu documents", s->arg, source_mongo_state(s),
	    (unsigned long long)docs);
}

/*
 * Health as JSON lines, one per collection read: its name, kind,
 * documents and bad records so far, the newest record's time and the
 * connection state.
 */
static void
mongo_health(struct source *s, struct store *st, struct buf *b)
{
	struct mongo_src	*ms = s->data;
	struct mongo_mcoll	*m;
	yajl_gen		 g;
	const unsigned char	*p;
	const char		*state;
	char			 t[TIMEFMT_MAX], *src;
	size_t			 i, len;
	int64_t			 sec, ns;

	(void)st;
	state = source_mongo_state(s);
	for (i = 0; i < ms->nmcolls; i++) {
		m = &ms->mcolls[i];
		g = yajl_gen_alloc(NULL);
		yajl_gen_map_open(g);
		json_gen_key(g, "collection");
		json_gen_slice(g, m->name, strlen(m->name));
		json_gen_key(g, "source");
		xasprintf(&src, "mongodb:%s", m->name);
		json_gen_slice(g, src, strlen(src));
		free(src);
		json_gen_key(g, "kind");
		json_gen_slice(g, m->agg ? "aggregate" : "raw",
		    m->agg ? 9 : 3);
		json_gen_key(g, "documents");
		yajl_gen_integer(g, (long long)m->docs);
		json_gen_key(g, "bad");
		yajl_gen_integer(g, (long long)m->bad);
		json_gen_key(g, "newest");
		if (m->newest == INT64_MIN)
			yajl_gen_null(g);
		else {
			sec = m->newest / 1000000000;
			ns = m->newest % 1000000000;
			if (ns < 0) {
				ns += 1000000000;
				sec--;
			}
			len = timefmt_rfc3339(t, sizeof t, sec, (uint32_t)ns,
			    3);
			json_gen_slice(g, t, len);
		}
		json_gen_key(g, "state");
		json_gen_slice(g, state, strlen(state));
		yajl_gen_map_close(g);
		yajl_gen_get_buf(g, &p, &len);
		buf_add(b, p, len);
		buf_addc(b, '\n');
		yajl_gen_free(g);
	}
}

/* Stop the worker and free everything. */
static void
mongo_free(struct source *s)
{
	struct mongo_src	*ms = s->data;
	size_t			 i;

	if (ms == NULL)
		return;
	if (ms->started) {
		pthread_mutex_lock(&ms->th.mu);
		ms->th.stop = true;
		pthread_cond_broadcast(&ms->th.wake_worker);
		pthread_mutex_unlock(&ms->th.mu);
		pthread_join(ms->thread, NULL);
	}
	for (i = 0; i < ms->qlen; i++)
		bson_destroy(ms->q[(ms->qhead + i) % MONGO_QUEUE_DOCS].doc);
	free(ms->q);
	for (i = 0; i < ms->nnames; i++)
		free(ms->names[i]);
	free(ms->names);
	free(ms->kinds);
	for (i = 0; i < ms->nmcolls; i++)
		free(ms->mcolls[i].name);
	for (i = 0; i < ms->nwcolls; i++) {
		free(ms->wcolls[i].name);
		free(ms->wcolls[i].last_ids);
	}
	free(ms->wcolls);
	free(ms->sumcoll.name);
	free(ms->mcolls);
	record_build_clear(&ms->b);
	source_mongo_push_free(ms->push);
	if (ms->client != NULL)
		mongoc_client_destroy(ms->client);
	source_thread_destroy(&ms->th);
	free(ms->db);
	free(ms->safe);
	free(ms);
	s->data = NULL;
}

static const struct source_ops mongo_ops = {
	.name = "mongodb",
	.poll = mongo_poll,
	.progress = mongo_progress,
	.describe = mongo_describe,
	.state = source_mongo_state,
	.health = mongo_health,
	.free = mongo_free
};

/* Set a URI timeout option unless the URI has it. */
static void
mongo_default_ms(mongoc_uri_t *uri, const char *opt, int32_t v)
{
	if (!mongoc_uri_has_option(uri, opt))
		mongoc_uri_set_option_as_int32(uri, opt, v);
}

/*
 * Parse a mongodb:// URI with the driver; NULL with a message that holds
 * no password in *cause if it is bad.  (Not static: tests/fuzz/fuzz-uri.c.)
 */
mongoc_uri_t *
source_mongo_parse_uri(const char *arg, char **cause)
{
	mongoc_uri_t	*uri;
	bson_error_t	 err;

	pthread_once(&mongo_once, mongo_init_once);
	uri = mongoc_uri_new_with_error(arg, &err);
	if (uri == NULL) {
		xasprintf(cause, "bad MongoDB URI: %s", err.message);
		*cause = mongo_scrub_uri(*cause, arg);
	}
	return (uri);
}

/*
 * Open a mongodb:// or mongodb+srv:// URI.  Nothing is sent yet: the
 * worker connects, and in batch mode an unreachable server or a database
 * without Tyk collections ends the source with an error from poll.
 */
struct source *
source_mongo_open(const char *arg, const struct options *o, struct store *st,
    char **cause)
{
	struct mongo_src	*ms;
	struct source		*s;
	mongoc_uri_t		*uri;
	bson_error_t		 err;
	struct filter		*flt = NULL;
	const char		*db;
	char			*fcause = NULL, *fx;
	sigset_t		 all, old;
	int			 rc;

	(void)st;
	if ((uri = source_mongo_parse_uri(arg, cause)) == NULL)
		return (NULL);
	mongo_default_ms(uri, MONGOC_URI_SERVERSELECTIONTIMEOUTMS,
	    MONGO_SELECT_MS);
	mongo_default_ms(uri, MONGOC_URI_CONNECTTIMEOUTMS, MONGO_CONNECT_MS);
	mongo_default_ms(uri, MONGOC_URI_SOCKETTIMEOUTMS, MONGO_SOCKET_MS);

	ms = xcalloc(1, sizeof *ms);
	ms->select_ms = mongoc_uri_get_option_as_int32(uri,
	    MONGOC_URI_SERVERSELECTIONTIMEOUTMS, MONGO_SELECT_MS);
	ms->connect_ms = mongoc_uri_get_option_as_int32(uri,
	    MONGOC_URI_CONNECTTIMEOUTMS, MONGO_CONNECT_MS);
	ms->socket_ms = mongoc_uri_get_option_as_int32(uri,
	    MONGOC_URI_SOCKETTIMEOUTMS, MONGO_SOCKET_MS);
	ms->safe = source_safe_arg(arg);
	db = mongoc_uri_get_database(uri);
	ms->db = xstrdup(db != NULL && *db != '\0' ? db : MONGO_DEFAULT_DB);
	ms->follow = o->follow || o->duration > 0;
	ms->want_agg = o->stored || o->reconcile || !o->batch;
	ms->want_raw = !(o->aggregate && o->stored && !o->reconcile);
	ms->client = mongoc_client_new_from_uri_with_error(uri, &err);
	if (ms->client == NULL) {
		xasprintf(cause, "bad MongoDB URI: %s", err.message);
		*cause = mongo_scrub_uri(*cause, arg);
		mongoc_uri_destroy(uri);
		free(ms->db);
		free(ms->safe);
		free(ms);
		return (NULL);
	}
	mongoc_uri_destroy(uri);
	mongoc_client_set_error_api(ms->client, MONGOC_ERROR_API_VERSION_2);
	mongoc_client_set_appname(ms->client, "tykscope");

	/* The push-down, from a private copy of the filter. */
	fx = o->filter == NULL ? NULL : filter_expand_saved(o->filter,
	    o->saved_filters.v, o->saved_filters.n, &fcause, NULL);
	if (o->filter != NULL && fx == NULL)
		free(fcause);
	if (fx != NULL && filter_compile(fx, 0, &flt, &fcause, NULL) != 0) {
		free(fcause);
		flt = NULL;
	}
	free(fx);
	ms->push = source_mongo_push_create(o, flt);
	ms->no_payload = source_no_payload(o, flt);
	filter_free(flt);
	if (o->summary) {
		/* Only what the server can compute: no local filtering. */
		if (!source_mongo_push_whole(ms->push)) {
			xasprintf(cause, "--summary: the filter cannot be "
			    "computed on the server (only the time range, "
			    "status, api, org and key, not negated); drop "
			    "--summary to aggregate the records");
			source_mongo_push_free(ms->push);
			mongoc_client_destroy(ms->client);
			free(ms->db);
			free(ms->safe);
			free(ms);
			return (NULL);
		}
		ms->summary = true;
		ms->follow = false;
		ms->want_raw = true;
		ms->want_agg = false;
		if (o->batch)
			warnx_("%s: server-side summaries (aggregation "
			    "pipelines with $group on the server): hits, "
			    "success, errors, error codes, total, average and "
			    "maximum latencies per hour for the total, apiid, "
			    "errors, versions, apikeys, oauthids and geo; not "
			    "the pump-exact counters (no minimum latencies, tags "
			    "or endpoints)", ms->safe);
	}

	record_build_init(&ms->b);
	ms->q = xcalloc(MONGO_QUEUE_DOCS, sizeof *ms->q);
	source_thread_init(&ms->th);
	snprintf(ms->th.state, sizeof ms->th.state, "connecting");

	s = source_create(&mongo_ops, ms->safe, ms);
	s->live = ms->follow;

	/* The worker takes no signals: they are the main thread's. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = pthread_create(&ms->thread, NULL, source_mongo_worker, ms);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		xasprintf(cause, "cannot start a thread: %s", strerror(rc));
		source_free(s);
		return (NULL);
	}
	ms->started = true;
	return (s);
}
