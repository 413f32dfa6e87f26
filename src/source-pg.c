/* SPDX-License-Identifier: ISC */
/*
 * The live PostgreSQL source: the tables of Tyk Pump's sql and
 * sql_aggregate pumps in one database and schema (--sql-schema, default
 * public), through libpq.  Four modules:
 *
 *	source-pg.c		open, poll (rows -> store), describe, health
 *	source-pg-worker.c	the worker thread: connection, listing, cursors
 *	source-pg-query.c	the push-down: a parametrised WHERE, day shards
 *	source-pg-row.c		a row -> a record, aggregate rows -> documents
 *
 *  - The argument is a postgresql:// or postgres:// URI or a key=value
 *    string (host=... dbname=...), as libpq reads them: sslmode, unix
 *    socket hosts (?host=/run/postgresql), service files.  The password
 *    comes from the URI, --password-file, PGPASSWORD or ~/.pgpass
 *    (libpq's own order after the first two); source->arg and every
 *    message use the argument without it.
 *  - Read-only by construction: the session runs SET SESSION
 *    CHARACTERISTICS AS TRANSACTION READ ONLY (and TimeZone UTC, DateStyle
 *    ISO, for the text values), then sends nothing but SELECTs on
 *    information_schema and the Tyk tables, BEGIN READ ONLY, DECLARE ...
 *    CURSOR, FETCH, CLOSE and COMMIT.  A role with SELECT alone is enough.
 *  - information_schema.columns names the tables (tyk_analytics,
 *    tyk_analytics_YYYYMMDD, tyk_aggregated, tyk_aggregated_YYYYMMDD)
 *    and their columns; only the columns a table has are selected (an
 *    older shard lacks later ones: empty fields).  Day shards outside
 *    the time range (--since, --until, time tokens) are not queried.
 *  - Raw tables are read through a server-side cursor, PG_FETCH rows per
 *    FETCH, in the table's order (no ORDER BY: the plain table has no
 *    index, and a sort would read it all before the first row); the
 *    WHERE is the push-down (source-pg-query.c), with a LIMIT when it is
 *    exact and --limit says how many; rawrequest and rawresponse are not
 *    selected when nothing reads them (as for Mongo).
 *  - Aggregate tables (--stored, --reconcile, the TUI's Aggregates screen)
 *    are read ordered by (timestamp, org_id) and rebuilt into one
 *    document per (org, bucket) (source-pg-row.c) for store_add_aggdoc.
 *  - --follow: every PG_FOLLOW_MS the tables are listed again; the plain
 *    table and the newest shard are asked for "timestamp" >= the newest
 *    timestamp read, ordered by it, skipping rows already read at that
 *    very microsecond (by ctid); a new shard is read whole.
 *  - --health: per table, rows, oldest and newest timestamp and size on
 *    disk (count(*), min, max, pg_total_relation_size), without reading
 *    the records.
 *
 * Threads: as the Mongo source.  The worker (source-pg-worker.c) owns
 * the connection and hands whole FETCH results (PGresult, which libpq
 * lets another thread read and free) or aggregate documents to the main
 * thread through a bounded queue; poll decodes rows into the store.  Positions are
 * postgresql:DB.TABLE:N (DB.SCHEMA.TABLE outside public), N the row's
 * index in the order read.
 */
#include "config.h"

#include "source-pg-worker.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>
#include <yajl/yajl_gen.h>

#include "bytes.h"
#include "field.h"
#include "filter.h"
#include "json.h"
#include "log-warn.h"
#include "options.h"
#include "source-pg-query.h"
#include "source-pg-row.h"
#include "record.h"
#include "source.h"
#include "store.h"
#include "timefmt.h"
#include "xmalloc.h"

/* Add row of the current item to the store. */
static void
pg_add_row(struct pg_src *ps, struct store *st, struct pg_mtable *m,
    const PGresult *res, int row, uint64_t index)
{
	struct record_build	*b = &ps->b;
	const char		*why;

	m->rows++;
	record_build_reset(b);
	if (source_pg_row(res, row, ps->curit.idx, st, b, &why) != 0) {
		store_add_bad(st, m->src, index, m->last_ts, why, "", 0);
		m->bad++;
		return;
	}
	store_add(st, b, m->src, index);
	if (b->ts_set && b->ts_sec > -9223372035LL &&
	    b->ts_sec < 9223372035LL) {
		m->last_ts = b->ts_sec * 1000000000LL + b->ts_nsec;
		if (m->last_ts > m->newest)
			m->newest = m->last_ts;
	}
}

/* Learn the tables announced since the last poll. */
static void
pg_learn(struct pg_src *ps, struct store *st)
{
	struct pg_mtable	*m;
	size_t			 i, n;
	char			*name;

	pthread_mutex_lock(&ps->th.mu);
	n = ps->nnames;
	if (n > ps->nmt) {
		ps->mt = xreallocarray(ps->mt, n, sizeof *ps->mt);
		for (i = ps->nmt; i < n; i++) {
			m = &ps->mt[i];
			memset(m, 0, sizeof *m);
			m->name = xstrdup(ps->names[i]);
			m->agg = ps->aggs[i];
			m->last_ts = -1;
			m->newest = INT64_MIN;
		}
	}
	for (i = 0; i < n; i++) {
		if (!ps->has_stats[i])
			continue;
		m = &ps->mt[i];
		m->stats = true;
		m->count = ps->stats[i].count;
		m->bytes = ps->stats[i].bytes;
		m->oldest_ns = ps->stats[i].oldest_ns;
		m->newest_ns = ps->stats[i].newest_ns;
	}
	pthread_mutex_unlock(&ps->th.mu);
	for (i = ps->nmt; i < n; i++) {
		m = &ps->mt[i];
		xasprintf(&name, "postgresql:%s", m->name);
		m->src = store_source_add(st, name, STORE_SRC_MONGO);
		free(name);
	}
	if (n > ps->nmt)
		ps->nmt = n;
}

/* Take items from the worker and add up to about max records. */
static enum source_status
pg_poll(struct source *s, struct store *st, size_t max)
{
	struct pg_src	*ps = s->data;
	struct pg_mtable *m;
	struct timespec	 ts;
	size_t		 added = 0;
	bool		 done, got = false;
	char		*fatal = NULL;
	uint64_t	 index;

	if (max == 0)
		max = 1;
	for (;;) {
		/* Rows left of the current result first. */
		if (ps->cur != NULL) {
			m = &ps->mt[ps->curit.table];
			index = ps->curit.index;
			while (ps->currow < PQntuples(ps->cur) &&
			    added < max) {
				if (ps->curit.skip == NULL ||
				    !ps->curit.skip[ps->currow]) {
					pg_add_row(ps, st, m, ps->cur,
					    ps->currow, index++);
					added++;
				}
				ps->currow++;
			}
			ps->curit.index = index;
			if (ps->currow < PQntuples(ps->cur))
				return (SOURCE_MORE);
			PQclear(ps->cur);
			free(ps->curit.skip);
			ps->cur = NULL;
		}
		pthread_mutex_lock(&ps->th.mu);
		if (ps->qlen == 0 && !ps->th.done && !got) {
			clock_gettime(CLOCK_REALTIME, &ts);
			ts.tv_nsec += PG_WAIT_MS * 1000000L;
			if (ts.tv_nsec >= 1000000000L) {
				ts.tv_sec++;
				ts.tv_nsec -= 1000000000L;
			}
			pthread_cond_timedwait(&ps->th.wake_main, &ps->th.mu, &ts);
		}
		got = true;
		if (ps->qlen == 0 || added >= max) {
			done = ps->th.done && ps->qlen == 0;
			if (done && ps->th.fatal != NULL)
				fatal = xstrdup(ps->th.fatal);
			pthread_mutex_unlock(&ps->th.mu);
			pg_learn(ps, st);
			break;
		}
		ps->curit = ps->q[ps->qhead];
		ps->qhead = (ps->qhead + 1) % PG_QUEUE;
		ps->qlen--;
		pthread_cond_signal(&ps->th.wake_worker);
		pthread_mutex_unlock(&ps->th.mu);
		pg_learn(ps, st);
		if (ps->curit.doc != NULL) {
			m = &ps->mt[ps->curit.table];
			m->rows++;
			store_add_aggdoc(st, m->src, ps->curit.index,
			    ps->curit.doc);
			bson_destroy(ps->curit.doc);
			ps->curit.doc = NULL;
			added++;
			continue;
		}
		ps->cur = ps->curit.res;
		ps->currow = 0;
	}
	if (fatal != NULL) {
		free(s->error);
		s->error = fatal;
		return (SOURCE_ERROR);
	}
	if (done)
		return (SOURCE_EOF);
	return (added != 0 ? SOURCE_MORE : SOURCE_IDLE);
}

/* Rows read so far (total unknown). */
static void
pg_progress(struct source *s, uint64_t *done, uint64_t *total)
{
	struct pg_src	*ps = s->data;

	pthread_mutex_lock(&ps->th.mu);
	*done = ps->rows;
	pthread_mutex_unlock(&ps->th.mu);
	*total = 0;
}

/* The connection state, as source_mongo_state. */
static const char *
pg_state_get(struct source *s)
{
	struct pg_src	*ps = s->data;

	return (source_thread_state(&ps->th));
}

/* One line: argument, state, rows read. */
static void
pg_describe(struct source *s, struct buf *b)
{
	struct pg_src	*ps = s->data;
	uint64_t	 rows;

	pthread_mutex_lock(&ps->th.mu);
	rows = ps->rows;
	pthread_mutex_unlock(&ps->th.mu);
	buf_printf(b, "%s %s, %llu rows", s->arg, pg_state_get(s),
	    (unsigned long long)rows);
}

/* A time (ns) as JSON, or null; and its age in seconds. */
static void
pg_gen_time(yajl_gen g, const char *key, int64_t ns, bool age)
{
	char	 t[TIMEFMT_MAX], k[64];
	int64_t	 sec, rem;
	size_t	 len;

	json_gen_key(g, key);
	if (ns == INT64_MIN) {
		yajl_gen_null(g);
	} else {
		sec = ns / 1000000000;
		rem = ns % 1000000000;
		if (rem < 0) {
			rem += 1000000000;
			sec--;
		}
		len = timefmt_rfc3339(t, sizeof t, sec, (uint32_t)rem, 6);
		json_gen_slice(g, t, len);
	}
	if (!age)
		return;
	snprintf(k, sizeof k, "%s_age_s", key);
	json_gen_key(g, k);
	if (ns == INT64_MIN)
		yajl_gen_null(g);
	else
		yajl_gen_integer(g, (long long)((timefmt_now() - ns) /
		    1000000000));
}

/*
 * Health as JSON lines, one per table: name, kind, rows in the table,
 * oldest and newest record (and their age), size, rows read and bad
 * records, the connection state.
 */
static void
pg_health(struct source *s, struct store *st, struct buf *b)
{
	struct pg_src		*ps = s->data;
	struct pg_mtable	*m;
	yajl_gen		 g;
	const unsigned char	*p;
	const char		*state;
	char			*src;
	size_t			 i, len;

	pg_learn(ps, st);
	state = pg_state_get(s);
	for (i = 0; i < ps->nmt; i++) {
		m = &ps->mt[i];
		g = yajl_gen_alloc(NULL);
		yajl_gen_map_open(g);
		json_gen_key(g, "table");
		json_gen_slice(g, m->name, strlen(m->name));
		json_gen_key(g, "source");
		xasprintf(&src, "postgresql:%s", m->name);
		json_gen_slice(g, src, strlen(src));
		free(src);
		json_gen_key(g, "kind");
		json_gen_slice(g, m->agg ? "aggregate" : "raw",
		    m->agg ? 9 : 3);
		if (m->stats) {
			json_gen_key(g, "rows");
			yajl_gen_integer(g, (long long)m->count);
			pg_gen_time(g, "oldest", m->oldest_ns, true);
			pg_gen_time(g, "newest", m->newest_ns, true);
			json_gen_key(g, "bytes");
			yajl_gen_integer(g, (long long)m->bytes);
		} else {
			json_gen_key(g, "read");
			yajl_gen_integer(g, (long long)m->rows);
			json_gen_key(g, "bad");
			yajl_gen_integer(g, (long long)m->bad);
			pg_gen_time(g, "newest", m->newest, false);
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

/* Free the connection parameters (a password among them). */
static void
pg_free_params(struct pg_src *ps)
{
	size_t	 i;

	for (i = 0; ps->kw != NULL && ps->kw[i] != NULL; i++) {
		free(ps->kw[i]);
		if (ps->val[i] != NULL) {
			explicit_bzero(ps->val[i], strlen(ps->val[i]));
			free(ps->val[i]);
		}
	}
	free(ps->kw);
	free(ps->val);
	ps->kw = ps->val = NULL;
}

/* Stop the worker (cancelling a query in flight) and free everything. */
static void
pg_free(struct source *s)
{
	struct pg_src	*ps = s->data;
	struct pg_item	*it;
	size_t		 i;
	char		 err[256];

	if (ps == NULL)
		return;
	if (ps->started) {
		pthread_mutex_lock(&ps->th.mu);
		ps->th.stop = true;
		if (ps->cancel != NULL)
			PQcancel(ps->cancel, err, sizeof err);
		pthread_cond_broadcast(&ps->th.wake_worker);
		pthread_mutex_unlock(&ps->th.mu);
		pthread_join(ps->thread, NULL);
	}
	for (i = 0; i < ps->qlen; i++) {
		it = &ps->q[(ps->qhead + i) % PG_QUEUE];
		PQclear(it->res);
		free(it->skip);
		if (it->doc != NULL)
			bson_destroy(it->doc);
	}
	if (ps->cur != NULL) {
		PQclear(ps->cur);
		free(ps->curit.skip);
	}
	for (i = 0; i < ps->nnames; i++)
		free(ps->names[i]);
	free(ps->names);
	free(ps->aggs);
	free(ps->stats);
	free(ps->has_stats);
	for (i = 0; i < ps->nmt; i++)
		free(ps->mt[i].name);
	free(ps->mt);
	for (i = 0; i < ps->nwt; i++) {
		free(ps->wt[i].name);
		free(ps->wt[i].last_txt);
		while (ps->wt[i].nctids > 0)
			free(ps->wt[i].ctids[--ps->wt[i].nctids]);
		free(ps->wt[i].ctids);
	}
	free(ps->wt);
	record_build_clear(&ps->b);
	source_pg_push_free(ps->push);
	pg_free_params(ps);
	if (ps->secret != NULL) {
		explicit_bzero(ps->secret, strlen(ps->secret));
		free(ps->secret);
	}
	source_thread_destroy(&ps->th);
	free(ps->db);
	free(ps->schema);
	free(ps->safe);
	free(ps);
	s->data = NULL;
}

static const struct source_ops pg_ops = {
	.name = "postgresql",
	.poll = pg_poll,
	.progress = pg_progress,
	.describe = pg_describe,
	.state = pg_state_get,
	.health = pg_health,
	.free = pg_free
};

/* Read the first line of a password file; NULL with *cause on error. */
static char *
pg_read_password(const char *path, char **cause)
{
	FILE	*f;
	char	 line[PG_PASS_MAX];
	size_t	 len;

	if ((f = fopen(path, "r")) == NULL) {
		xasprintf(cause, "--password-file %s: %s", path,
		    strerror(errno));
		return (NULL);
	}
	if (fgets(line, sizeof line, f) == NULL)
		line[0] = '\0';
	fclose(f);
	len = strlen(line);
	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		line[--len] = '\0';
	return (xstrdup(line));
}

/* Add a connection parameter. */
static void
pg_param_add(struct pg_src *ps, size_t *n, const char *k, const char *v)
{
	ps->kw = xreallocarray(ps->kw, *n + 2, sizeof *ps->kw);
	ps->val = xreallocarray(ps->val, *n + 2, sizeof *ps->val);
	ps->kw[*n] = xstrdup(k);
	ps->val[*n] = xstrdup(v);
	(*n)++;
	ps->kw[*n] = NULL;
	ps->val[*n] = NULL;
}

/*
 * Open a PostgreSQL source.  The argument is checked by libpq's parser;
 * nothing is sent yet: the worker connects, and in batch mode an
 * unreachable server, a refused login or a database without Tyk tables
 * ends the source with an error from poll.
 */
struct source *
source_pg_open(const char *arg, const struct options *o, struct store *st,
    char **cause)
{
	struct pg_src		*ps;
	struct source		*s;
	PQconninfoOption	*opts, *opt;
	struct filter		*flt = NULL;
	char			*err = NULL, *pass = NULL, *fcause = NULL;
	sigset_t		 all, old;
	size_t			 n = 0;
	int			 rc;

	(void)st;
	if ((opts = PQconninfoParse(arg, &err)) == NULL) {
		xasprintf(cause, "bad PostgreSQL connection string: %s",
		    err != NULL ? err : "out of memory");
		if (err != NULL)
			PQfreemem(err);
		return (NULL);
	}
	ps = xcalloc(1, sizeof *ps);
	for (opt = opts; opt->keyword != NULL; opt++)
		if (strcmp(opt->keyword, "password") == 0 && opt->val != NULL &&
		    *opt->val != '\0')
			ps->secret = xstrdup(opt->val);
	PQconninfoFree(opts);
	if (ps->secret == NULL && o->password_file != NULL) {
		if ((pass = pg_read_password(o->password_file, cause)) ==
		    NULL) {
			free(ps);
			return (NULL);
		}
		ps->secret = pass;
	}

	/* Defaults first: the argument (expanded last) overrides them. */
	pg_param_add(ps, &n, "connect_timeout", PG_CONNECT_TIMEOUT);
	pg_param_add(ps, &n, "application_name", "tykscope");
	if (pass != NULL)
		pg_param_add(ps, &n, "password", pass);
	pg_param_add(ps, &n, "dbname", arg);

	ps->safe = source_pg_safe_arg(arg);
	ps->schema = xstrdup(o->sql_schema != NULL ? o->sql_schema :
	    PG_DEFAULT_SCHEMA);
	ps->follow = o->follow || o->duration > 0;
	ps->health = o->health && !ps->follow;
	ps->want_agg = o->stored || o->reconcile || !o->batch;
	ps->want_raw = !(o->aggregate && o->stored && !o->reconcile);

	if (o->filter != NULL && filter_compile(o->filter, 0, &flt, &fcause,
	    NULL) != 0) {
		free(fcause);
		flt = NULL;
	}
	ps->push = source_pg_push_create(o, flt);
	ps->no_payload = source_no_payload(o, flt);
	filter_free(flt);
	ps->limit = -1;
	if (o->summary) {
		/* Only what the server can compute: no local filtering. */
		if (!source_pg_push_whole(ps->push)) {
			xasprintf(cause, "--summary: the filter cannot be "
			    "computed on the server (only the time range, "
			    "status, api, org, key, method, oauth and path, "
			    "not negated); drop --summary to aggregate the "
			    "records");
			source_pg_push_free(ps->push);
			pg_free_params(ps);
			free(ps->safe);
			free(ps->schema);
			free(ps->secret);
			free(ps);
			return (NULL);
		}
		ps->summary = true;
		ps->follow = false;
		ps->health = false;
		ps->want_raw = true;
		ps->want_agg = false;
		if (o->batch)
			warnx_("%s: server-side summaries (GROUP BY on the "
			    "server): hits, success, errors, error codes, "
			    "total, average and maximum latencies per hour for "
			    "the total, apiid, errors, versions, apikeys, "
			    "oauthids and geo; not the pump-exact counters (no "
			    "minimum latencies, tags or endpoints)", ps->safe);
	}
	if (o->batch && !ps->follow && o->limit >= 0 && !o->aggregate &&
	    !o->stored && !o->reconcile && source_pg_push_exact(ps->push))
		ps->limit = o->limit;

	record_build_init(&ps->b);
	source_thread_init(&ps->th);
	snprintf(ps->th.state, sizeof ps->th.state, "connecting");

	s = source_create(&pg_ops, ps->safe, ps);
	s->live = ps->follow;

	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	rc = pthread_create(&ps->thread, NULL, source_pg_worker, ps);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		xasprintf(cause, "cannot start a thread: %s", strerror(rc));
		source_free(s);
		return (NULL);
	}
	ps->started = true;
	return (s);
}
