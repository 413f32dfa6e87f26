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
#include "options.h"
#include "record.h"
#include "render.h"
#include "source.h"
#include "store.h"
#include "timefmt.h"
#include "xmalloc.h"

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
#define MONGO_HOUR_NS		(3600 * 1000000000LL)
#define MONGO_STATE_MAX		1024
#define MONGO_MSG_MAX		900

/*
 * What can be pushed down, from the options and the filter: an absolute
 * time range (ns, inclusive), the largest relative lower bound (an offset
 * from a base time), and the other conditions as an array of documents.
 */
struct mongo_push {
	int64_t		 lo, hi;
	bool		 rel;
	int64_t		 rel_lo;
	bson_t		*conds;		/* heap: bson_t wants 128-byte alignment */
	uint32_t	 nconds;
};

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

	/* Shared, under mu. */
	pthread_mutex_t		 mu;
	pthread_cond_t		 wake_worker;
	pthread_cond_t		 wake_main;
	struct mongo_item	*q;		/* ring of MONGO_QUEUE_DOCS */
	size_t			 qhead, qlen;
	size_t			 qbytes;
	char			**names;	/* announced collections */
	enum decode_bson_kind	 *kinds;	/* and what they hold */
	size_t			 nnames;
	char			 state[MONGO_STATE_MAX];
	char			*fatal;		/* worker gave up (batch) */
	bool			 done;		/* worker finished */
	bool			 stop;		/* main wants the worker gone */
	uint64_t		 docs;		/* documents read */

	/* Main thread only. */
	struct mongo_mcoll	*mcolls;
	size_t			 nmcolls;
	struct record_build	 b;
	char			 mstate[MONGO_STATE_MAX];
};

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

/* Replace every occurrence of secret in s (allocated) by "***". */
static char *
mongo_scrub(char *s, const char *secret)
{
	struct buf	 b;
	const char	*p, *q;
	size_t		 n;

	if (secret == NULL || *secret == '\0' || strstr(s, secret) == NULL)
		return (s);
	n = strlen(secret);
	buf_init(&b);
	for (p = s; (q = strstr(p, secret)) != NULL; p = q + n) {
		buf_add(&b, p, (size_t)(q - p));
		buf_adds(&b, "***");
	}
	buf_adds(&b, p);
	buf_addc(&b, '\0');
	free(s);
	return (buf_take(&b));
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
	s = mongo_scrub(s, pass);
	dec = mongoc_uri_unescape(pass);
	if (dec != NULL) {
		s = mongo_scrub(s, dec);
		bson_free(dec);
	}
	explicit_bzero(pass, len);
	free(pass);
	return (s);
}

/* Saturating a + b. */
static int64_t
mongo_add(int64_t a, int64_t b)
{
	if (b > 0 && a > INT64_MAX - b)
		return (INT64_MAX);
	if (b < 0 && a < INT64_MIN - b)
		return (INT64_MIN);
	return (a + b);
}

/* floor(ns / 1e6) and ceil(ns / 1e6): nanoseconds to milliseconds. */
static int64_t
mongo_ms_floor(int64_t ns)
{
	int64_t	 q = ns / 1000000, r = ns % 1000000;

	return (r < 0 ? q - 1 : q);
}

static int64_t
mongo_ms_ceil(int64_t ns)
{
	int64_t	 q = ns / 1000000, r = ns % 1000000;

	return (r > 0 ? q + 1 : q);
}

/* Append key: an integer, as int32 when it fits. */
static void
mongo_append_int(bson_t *d, const char *key, int64_t v)
{
	if (v >= INT32_MIN && v <= INT32_MAX)
		bson_append_int32(d, key, -1, (int32_t)v);
	else
		bson_append_int64(d, key, -1, v);
}

/* The next array key ("0", "1", ...) for element *n. */
static const char *
mongo_key(uint32_t *n, char *tmp, size_t len)
{
	const char	*key;

	bson_uint32_to_string((*n)++, &key, tmp, len);
	return (key);
}

/* A substring as a PCRE/JS regex that matches it literally. */
static char *
mongo_regex_quote(const char *s, size_t len)
{
	struct buf	 b;
	size_t		 i;
	unsigned char	 c;

	buf_init(&b);
	for (i = 0; i < len; i++) {
		c = (unsigned char)s[i];
		if (c < 0x80 && !((c >= '0' && c <= '9') || (c >= 'a' &&
		    c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
		    c == ' '))
			buf_addc(&b, '\\');
		buf_addc(&b, (char)c);
	}
	buf_addc(&b, '\0');
	return (buf_take(&b));
}

/*
 * Push a status predicate (alternatives are ranges) as responsecode
 * conditions.  A range that holds 0 is not pushed: a missing responsecode
 * decodes as 0.
 */
static bool
mongo_push_status(struct mongo_push *mp, const struct filter *flt, size_t i,
    size_t nalts)
{
	struct filter_term	 t;
	bson_t			 cond, arr, alt, range;
	uint32_t		 n = 0;
	size_t			 j, nonempty = 0;
	char			 tmp[16];

	for (j = 0; j < nalts; j++) {
		filter_term(flt, i, j, &t);
		if (t.op != FILTER_TERM_RANGE || (t.lo <= 0 && t.hi >= 0))
			return (false);
		if (t.lo <= t.hi)
			nonempty++;
	}
	if (nonempty == 0)
		return (false);		/* $or must not be empty */
	bson_append_document_begin(mp->conds, mongo_key(&mp->nconds, tmp,
	    sizeof tmp), -1, &cond);
	bson_append_array_begin(&cond, "$or", -1, &arr);
	for (j = 0; j < nalts; j++) {
		filter_term(flt, i, j, &t);
		if (t.lo > t.hi)
			continue;	/* empty */
		bson_append_document_begin(&arr, mongo_key(&n, tmp,
		    sizeof tmp), -1, &alt);
		if (t.lo == t.hi)
			mongo_append_int(&alt, "responsecode", t.lo);
		else {
			bson_append_document_begin(&alt, "responsecode", -1,
			    &range);
			if (t.lo != INT64_MIN)
				mongo_append_int(&range, "$gte", t.lo);
			if (t.hi != INT64_MAX)
				mongo_append_int(&range, "$lte", t.hi);
			bson_append_document_end(&alt, &range);
		}
		bson_append_document_end(&arr, &alt);
	}
	bson_append_array_end(&cond, &arr);
	bson_append_document_end(mp->conds, &cond);
	return (true);
}

/*
 * Push a text predicate on the keys of its field (org: orgid; api: apiid,
 * apiname; key: apikey, alias): each alternative is an equality (=value)
 * or an escaped substring regex; empty values are not pushed (a missing
 * key decodes as the empty string).
 */
static bool
mongo_push_text(struct mongo_push *mp, const struct filter *flt, size_t i,
    size_t nalts, const char *const *keys, int nkeys)
{
	struct filter_term	 t;
	bson_t			 cond, arr, alt, rx;
	uint32_t		 n = 0;
	size_t			 j;
	int			 k;
	char			 tmp[16], *q;

	for (j = 0; j < nalts; j++) {
		filter_term(flt, i, j, &t);
		if ((t.op != FILTER_TERM_EXACT && t.op != FILTER_TERM_SUBSTR) ||
		    t.len == 0 || memchr(t.s, '\0', t.len) != NULL ||
		    !bson_utf8_validate(t.s, t.len, false))
			return (false);
	}
	bson_append_document_begin(mp->conds, mongo_key(&mp->nconds, tmp,
	    sizeof tmp), -1, &cond);
	bson_append_array_begin(&cond, "$or", -1, &arr);
	for (k = 0; k < nkeys; k++) {
		for (j = 0; j < nalts; j++) {
			filter_term(flt, i, j, &t);
			bson_append_document_begin(&arr, mongo_key(&n, tmp,
			    sizeof tmp), -1, &alt);
			if (t.op == FILTER_TERM_EXACT)
				bson_append_utf8(&alt, keys[k], -1, t.s,
				    (int)t.len);
			else {
				q = mongo_regex_quote(t.s, t.len);
				bson_append_document_begin(&alt, keys[k], -1,
				    &rx);
				bson_append_utf8(&rx, "$regex", -1, q, -1);
				bson_append_document_end(&alt, &rx);
				free(q);
			}
			bson_append_document_end(&arr, &alt);
		}
	}
	bson_append_array_end(&cond, &arr);
	bson_append_document_end(mp->conds, &cond);
	return (true);
}

/* Narrow the time range by one time predicate, if it is one range. */
static void
mongo_push_time(struct mongo_push *mp, const struct filter *flt, size_t i,
    size_t nalts)
{
	struct filter_term	 t;

	if (nalts != 1)
		return;
	filter_term(flt, i, 0, &t);
	if (t.op != FILTER_TERM_RANGE)
		return;
	if (t.rel_lo) {
		/* The filter's now is 0 here: lo is the offset. */
		if (!mp->rel || t.lo > mp->rel_lo)
			mp->rel_lo = t.lo;
		mp->rel = true;
	} else if (t.lo > mp->lo)
		mp->lo = t.lo;
	if (!t.rel_hi && t.hi < mp->hi)
		mp->hi = t.hi;
}

/*
 * What of --since, --until and the filter can be pushed down.  flt may be
 * NULL; its relative times are moved (filter_set_now), so it must be the
 * caller's own copy.
 */
struct mongo_push *
source_mongo_push_create(const struct options *o, struct filter *flt)
{
	static const char *const org[] = { "orgid" };
	static const char *const api[] = { "apiid", "apiname" };
	static const char *const key[] = { "apikey", "alias" };
	struct mongo_push	*mp;
	int64_t			 lo0, hi0, lo1, hi1, until;
	const char		*err;
	size_t			 i, npreds, nalts;
	bool			 negate;
	int			 field;

	mp = xcalloc(1, sizeof *mp);
	mp->lo = INT64_MIN;
	mp->hi = INT64_MAX;
	mp->conds = bson_new();

	/* --since/--until: relative when the result moves with now. */
	if (o->since != NULL && timefmt_parse(o->since, strlen(o->since), 0,
	    &lo0, &hi0, &err) == 0 && timefmt_parse(o->since,
	    strlen(o->since), 1000000000, &lo1, &hi1, &err) == 0) {
		if (lo0 != lo1) {
			mp->rel = true;
			mp->rel_lo = lo0;
		} else
			mp->lo = lo0;
	}
	if (o->until != NULL && timefmt_parse(o->until, strlen(o->until), 0,
	    &lo0, &hi0, &err) == 0 && timefmt_parse(o->until,
	    strlen(o->until), 1000000000, &lo1, &hi1, &err) == 0 &&
	    lo0 == lo1) {
		until = o->until[0] == '-' ? lo0 : hi0;	/* exclusive */
		if (until != INT64_MIN)
			mp->hi = until - 1;
	}

	if (flt == NULL)
		return (mp);
	filter_set_now(flt, 0);
	npreds = filter_npredicates(flt);
	for (i = 0; i < npreds; i++) {
		field = filter_predicate(flt, i, &negate, &nalts);
		if (negate || nalts == 0)
			continue;
		switch (field) {
		case FIELD_TIME:
		case FIELD_SINCE:
		case FIELD_UNTIL:
			mongo_push_time(mp, flt, i, nalts);
			break;
		case FIELD_STATUS:
			mongo_push_status(mp, flt, i, nalts);
			break;
		case FIELD_ORG:
			mongo_push_text(mp, flt, i, nalts, org, 1);
			break;
		case FIELD_API:
			mongo_push_text(mp, flt, i, nalts, api, 2);
			break;
		case FIELD_KEY:
			mongo_push_text(mp, flt, i, nalts, key, 2);
			break;
		default:
			break;
		}
	}
	return (mp);
}

/* Does the push-down have a relative lower bound (needs a base)? */
bool
source_mongo_push_relative(const struct mongo_push *mp)
{
	return (mp->rel);
}

/* Free a push-down. */
void
source_mongo_push_free(struct mongo_push *mp)
{
	if (mp == NULL)
		return;
	bson_destroy(mp->conds);
	free(mp);
}

/*
 * Write the find filter into out (initialised by the caller): the time
 * range (relative bounds counted from base, ns, unless it is
 * MONGO_BASE_UNKNOWN), widened by an hour below for aggregate documents,
 * whose timestamp is the start of their bucket; the other conditions for
 * raw collections; and timestamp >= tail_ms unless tail_ms is INT64_MIN.
 */
static void
mongo_query(const struct mongo_push *mp, int64_t base, bool agg,
    int64_t tail_ms, bson_t *out)
{
	bson_t		 arr, cond, range;
	bson_iter_t	 it;
	int64_t		 lo = mp->lo, hi = mp->hi, rlo, lo_ms, hi_ms;
	uint32_t	 n = 0;
	char		 tmp[16];
	bool		 has_lo, has_hi;

	if (mp->rel && base != MONGO_BASE_UNKNOWN) {
		rlo = mongo_add(base, mp->rel_lo);
		if (rlo > lo)
			lo = rlo;
	}
	if (agg && lo != INT64_MIN)
		lo = mongo_add(lo, -MONGO_HOUR_NS);
	has_lo = lo != INT64_MIN;
	has_hi = hi != INT64_MAX;
	lo_ms = has_lo ? mongo_ms_ceil(lo) : 0;
	hi_ms = has_hi ? mongo_ms_floor(hi) : 0;
	if (tail_ms != INT64_MIN && (!has_lo || tail_ms > lo_ms)) {
		has_lo = true;
		lo_ms = tail_ms;
	}
	if (!has_lo && !has_hi && (agg || mp->nconds == 0))
		return;
	bson_append_array_begin(out, "$and", -1, &arr);
	if (has_lo || has_hi) {
		bson_append_document_begin(&arr, mongo_key(&n, tmp,
		    sizeof tmp), -1, &cond);
		bson_append_document_begin(&cond, "timestamp", -1, &range);
		if (has_lo)
			bson_append_date_time(&range, "$gte", -1, lo_ms);
		if (has_hi)
			bson_append_date_time(&range, "$lte", -1, hi_ms);
		bson_append_document_end(&cond, &range);
		bson_append_document_end(&arr, &cond);
	}
	if (!agg && bson_iter_init(&it, mp->conds)) {
		while (bson_iter_next(&it))
			bson_append_iter(&arr, mongo_key(&n, tmp, sizeof tmp),
			    -1, &it);
	}
	bson_append_array_end(out, &arr);
}

/* The find filter for raw records (see mongo_query), for the tests. */
void
source_mongo_push_query(const struct mongo_push *mp, int64_t base, bool agg,
    bson_t *out)
{
	mongo_query(mp, base, agg, INT64_MIN, out);
}

/* ------------------------------------------------------------------ */
/* Worker thread.                                                      */

/* Set the state line (under mu). */
static void
mongo_state(struct mongo_src *ms, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void
mongo_state(struct mongo_src *ms, const char *fmt, ...)
{
	va_list	 ap;

	pthread_mutex_lock(&ms->mu);
	va_start(ap, fmt);
	vsnprintf(ms->state, sizeof ms->state, fmt, ap);
	va_end(ap);
	pthread_mutex_unlock(&ms->mu);
}

/* Sleep for up to msec, or until asked to stop.  Returns true to stop. */
static bool
mongo_sleep(struct mongo_src *ms, int msec)
{
	struct timespec	 ts;
	bool		 stop;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += msec / 1000;
	ts.tv_nsec += (long)(msec % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&ms->mu);
	while (!ms->stop) {
		if (pthread_cond_timedwait(&ms->wake_worker, &ms->mu, &ts) ==
		    ETIMEDOUT)
			break;
	}
	stop = ms->stop;
	pthread_mutex_unlock(&ms->mu);
	return (stop);
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
		pthread_mutex_lock(&ms->mu);
		ms->names = xreallocarray(ms->names, ms->nnames + 1,
		    sizeof *ms->names);
		ms->kinds = xreallocarray(ms->kinds, ms->nnames + 1,
		    sizeof *ms->kinds);
		ms->kinds[ms->nnames] = c->kind;
		c->id = ms->nnames;
		ms->names[ms->nnames++] = xstrdup(c->name);
		pthread_mutex_unlock(&ms->mu);
		c->announced = true;
	}
	pthread_mutex_lock(&ms->mu);
	while (!ms->stop && (ms->qlen == MONGO_QUEUE_DOCS ||
	    (ms->qlen != 0 && ms->qbytes + doc->len > MONGO_QUEUE_BYTES)))
		pthread_cond_wait(&ms->wake_worker, &ms->mu);
	ok = !ms->stop;
	if (ok) {
		it = &ms->q[(ms->qhead + ms->qlen) % MONGO_QUEUE_DOCS];
		it->doc = bson_copy(doc);
		it->coll = c->id;
		it->index = c->next++;
		ms->qlen++;
		ms->qbytes += doc->len;
		ms->docs++;
		pthread_cond_signal(&ms->wake_main);
	}
	pthread_mutex_unlock(&ms->mu);
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

	mongo_query(ms->push, base, agg, !agg && c->have_last ? c->last_ms :
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
	if (ms->push->rel) {
		if (ms->follow)
			base = mongo_add(timefmt_now(), -MONGO_FOLLOW_SLACK);
		else if (mongo_newest(ms, &base, &err) != 0) {
			mongo_error(ms, msg, msglen, "", &err);
			return (-1);
		}
	}
	for (i = 0; i < ms->nwcolls; i++) {
		c = &ms->wcolls[i];
		if ((c->kind == DECODE_BSON_RAW && !ms->want_raw) ||
		    (c->kind == DECODE_BSON_AGG && (!ms->want_agg ||
		    c->read)) || (c->kind != DECODE_BSON_RAW &&
		    c->kind != DECODE_BSON_AGG))
			continue;
		if (!ms->follow || !ms->first_done)
			mongo_state(ms, "connected; reading %s.%s", ms->db,
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
static void *
mongo_worker(void *arg)
{
	struct mongo_src	*ms = arg;
	char			 msg[MONGO_MSG_MAX];
	int			 rc, backoff = 1000;

	mongo_state(ms, "connecting");
	for (;;) {
		rc = mongo_pass(ms, msg, sizeof msg);
		if (rc == 1)
			break;
		if (rc == 0) {
			backoff = 1000;
			if (!ms->follow)
				break;
			mongo_state(ms, "connected; following %s every %d ms",
			    ms->db, MONGO_FOLLOW_MS);
			if (mongo_sleep(ms, MONGO_FOLLOW_MS))
				break;
			continue;
		}
		if (!ms->follow) {
			pthread_mutex_lock(&ms->mu);
			ms->fatal = xstrdup(msg);
			pthread_mutex_unlock(&ms->mu);
			break;
		}
		if (rc == -2) {
			mongo_state(ms, "connected; waiting: %s", msg);
			if (mongo_sleep(ms, MONGO_FOLLOW_MS))
				break;
			continue;
		}
		mongo_state(ms, "%s; retrying in %d s", msg, backoff / 1000);
		if (mongo_sleep(ms, backoff))
			break;
		backoff = backoff * 2 > MONGO_RETRY_MS_MAX ?
		    MONGO_RETRY_MS_MAX : backoff * 2;
	}
	pthread_mutex_lock(&ms->mu);
	ms->done = true;
	pthread_cond_broadcast(&ms->wake_main);
	pthread_mutex_unlock(&ms->mu);
	return (NULL);
}

/* ------------------------------------------------------------------ */
/* Main thread.                                                        */

/* Decode one document of collection m and add it to the store. */
static void
mongo_add_doc(struct mongo_src *ms, struct store *st, struct mongo_mcoll *m,
    const bson_t *doc, uint64_t index)
{
	enum decode_bson_kind	 kind;
	size_t			 erroff;
	const char		*why;
	char			 msg[96];
	struct record_build	*b = &ms->b;

	m->docs++;
	record_build_reset(b);
	if (decode_bson_record(doc, st, b, &kind, &erroff, &why) != 0) {
		if (erroff != 0)
			snprintf(msg, sizeof msg, "%s at offset %zu", why,
			    erroff);
		else
			snprintf(msg, sizeof msg, "%s", why);
		store_add_bad(st, m->src, index, m->last_ts, msg,
		    bson_get_data(doc), doc->len);
		m->bad++;
		return;
	}
	switch (kind) {
	case DECODE_BSON_RAW:
		b->payload_stable = false;	/* the copy is freed */
		store_add(st, b, m->src, index);
		if (b->ts_set && b->ts_sec > -9223372035LL &&
		    b->ts_sec < 9223372035LL) {
			m->last_ts = b->ts_sec * 1000000000LL + b->ts_nsec;
			if (m->last_ts > m->newest)
				m->newest = m->last_ts;
		}
		break;
	case DECODE_BSON_AGG:
		store_add_aggdoc(st, m->src, index, doc);
		break;
	default:
		store_add_bad(st, m->src, index, m->last_ts, "not a Tyk "
		    "analytics record (no record or aggregate fields)",
		    bson_get_data(doc), doc->len);
		m->bad++;
		break;
	}
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
	pthread_mutex_lock(&ms->mu);
	if (ms->qlen == 0 && !ms->done) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += MONGO_WAIT_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&ms->wake_main, &ms->mu, &ts);
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
		pthread_cond_signal(&ms->wake_worker);
	nnames = ms->nnames;
	if (nnames > ms->nmcolls) {
		names = xreallocarray(NULL, nnames, sizeof *names);
		kinds = xreallocarray(NULL, nnames, sizeof *kinds);
		for (i = ms->nmcolls; i < nnames; i++) {
			names[i] = ms->names[i];	/* never freed early */
			kinds[i] = ms->kinds[i];
		}
	}
	done = ms->done && ms->qlen == 0;
	if (done && ms->fatal != NULL)
		fatal = xstrdup(ms->fatal);
	pthread_mutex_unlock(&ms->mu);

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

	pthread_mutex_lock(&ms->mu);
	*done = ms->docs;
	pthread_mutex_unlock(&ms->mu);
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

	pthread_mutex_lock(&ms->mu);
	if (ms->fatal != NULL)
		snprintf(ms->mstate, sizeof ms->mstate, "%s", ms->fatal);
	else if (ms->done && !ms->stop)
		snprintf(ms->mstate, sizeof ms->mstate, "read");
	else
		memcpy(ms->mstate, ms->state, sizeof ms->mstate);
	pthread_mutex_unlock(&ms->mu);
	return (ms->mstate);
}

/* One line: URI, state, documents read. */
static void
mongo_describe(struct source *s, struct buf *b)
{
	struct mongo_src	*ms = s->data;
	uint64_t		 docs;

	pthread_mutex_lock(&ms->mu);
	docs = ms->docs;
	pthread_mutex_unlock(&ms->mu);
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
		pthread_mutex_lock(&ms->mu);
		ms->stop = true;
		pthread_cond_broadcast(&ms->wake_worker);
		pthread_mutex_unlock(&ms->mu);
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
	free(ms->mcolls);
	record_build_clear(&ms->b);
	source_mongo_push_free(ms->push);
	if (ms->client != NULL)
		mongoc_client_destroy(ms->client);
	pthread_mutex_destroy(&ms->mu);
	pthread_cond_destroy(&ms->wake_worker);
	pthread_cond_destroy(&ms->wake_main);
	free(ms->fatal);
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
 * Can raw_request and raw_response be left on the server?  Yes in batch
 * mode when nothing printed or matched reads them: counts, aggregates,
 * tsv and table output, and a filter without payload or detailed tokens.
 */
static bool
mongo_no_payload(const struct options *o, const struct filter *flt)
{
	if (!o->batch || filter_uses_field(flt, FIELD_BODY) ||
	    filter_uses_field(flt, FIELD_REQBODY) ||
	    filter_uses_field(flt, FIELD_RESPBODY) ||
	    filter_uses_field(flt, FIELD_HDR) ||
	    filter_uses_field(flt, FIELD_DETAILED))
		return (false);
	return (o->count || o->aggregate || o->health ||
	    o->format == OPT_FMT_TSV || o->format == OPT_FMT_TABLE);
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
	char			*fcause = NULL;
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
	if (o->filter != NULL && filter_compile(o->filter, 0, &flt, &fcause,
	    NULL) != 0) {
		free(fcause);
		flt = NULL;
	}
	ms->push = source_mongo_push_create(o, flt);
	ms->no_payload = mongo_no_payload(o, flt);
	filter_free(flt);

	record_build_init(&ms->b);
	ms->q = xcalloc(MONGO_QUEUE_DOCS, sizeof *ms->q);
	snprintf(ms->state, sizeof ms->state, "connecting");
	pthread_mutex_init(&ms->mu, NULL);
	pthread_cond_init(&ms->wake_worker, NULL);
	pthread_cond_init(&ms->wake_main, NULL);

	s = source_create(&mongo_ops, ms->safe, ms);
	s->live = ms->follow;

	/* The worker takes no signals: they are the main thread's. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = pthread_create(&ms->thread, NULL, mongo_worker, ms);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		xasprintf(cause, "cannot start a thread: %s", strerror(rc));
		source_free(s);
		return (NULL);
	}
	ms->started = true;
	return (s);
}
