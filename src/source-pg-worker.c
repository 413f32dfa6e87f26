/* SPDX-License-Identifier: ISC */
/*
 * The PostgreSQL source's worker thread: it owns the connection (made
 * and set up read-only here, made again after an error when following),
 * lists the Tyk tables and their columns, and reads each table through a
 * server-side cursor, handing whole FETCH results (raw rows) or rebuilt
 * aggregate documents to the main thread through the bounded queue of
 * struct pg_src.  Nothing here touches the store.  See source-pg.c.
 */
#include "config.h"

#include "source-pg-worker.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <libpq-fe.h>

#include "bytes.h"
#include "log.h"
#include "render.h"
#include "source-pg-query.h"
#include "source-pg-row.h"
#include "source.h"
#include "timefmt.h"
#include "xmalloc.h"

/* libpq's notices (from the server) go to the -v log only. */
static void
pg_notice(void *arg, const char *message)
{
	(void)arg;
	log_debug("postgresql: %s", message);
}

/*
 * A libpq message as one line: lines joined with "; ", escaped (it may
 * quote the server), the password never in it.
 */
static void
pg_message(const struct pg_src *ps, char *msg, size_t len, const char *where,
    const char *text)
{
	struct buf	 b, one;
	const char	*p;
	char		*t;

	if (text == NULL || *text == '\0')
		text = "unknown error";
	/* "line\n\tmore\n": "line; more". */
	buf_init(&one);
	for (p = text; *p != '\0'; p++) {
		if (*p != '\n') {
			buf_addc(&one, *p);
			continue;
		}
		while (p[1] == ' ' || p[1] == '\t' || p[1] == '\n')
			p++;
		if (p[1] != '\0')
			buf_adds(&one, "; ");
	}
	buf_addc(&one, '\0');
	t = source_scrub(buf_take(&one), ps->secret);
	buf_init(&b);
	render_safe(&b, t, strlen(t), 0);
	snprintf(msg, len, "%s%.*s", where, (int)b.len, b.data != NULL ?
	    b.data : "");
	buf_clear(&b);
	free(t);
}

static bool
pg_stopping(struct pg_src *ps)
{
	bool	 stop;

	pthread_mutex_lock(&ps->th.mu);
	stop = ps->th.stop;
	pthread_mutex_unlock(&ps->th.mu);
	return (stop);
}

/* The table's name for positions: "db.table" or "db.schema.table". */
static char *
pg_display(const struct pg_src *ps, const char *table)
{
	char	*s;

	if (strcmp(ps->schema, PG_DEFAULT_SCHEMA) == 0)
		xasprintf(&s, "%s.%s", ps->db, table);
	else
		xasprintf(&s, "%s.%s.%s", ps->db, ps->schema, table);
	return (s);
}

/* Announce table t to the main thread (once). */
static void
pg_announce(struct pg_src *ps, struct pg_wtable *t)
{
	if (t->announced)
		return;
	pthread_mutex_lock(&ps->th.mu);
	ps->names = xreallocarray(ps->names, ps->nnames + 1,
	    sizeof *ps->names);
	ps->aggs = xreallocarray(ps->aggs, ps->nnames + 1, sizeof *ps->aggs);
	ps->stats = xreallocarray(ps->stats, ps->nnames + 1,
	    sizeof *ps->stats);
	ps->has_stats = xreallocarray(ps->has_stats, ps->nnames + 1,
	    sizeof *ps->has_stats);
	ps->aggs[ps->nnames] = t->agg;
	ps->has_stats[ps->nnames] = false;
	memset(&ps->stats[ps->nnames], 0, sizeof ps->stats[ps->nnames]);
	t->id = ps->nnames;
	ps->names[ps->nnames++] = pg_display(ps, t->name);
	pthread_mutex_unlock(&ps->th.mu);
	t->announced = true;
}

/*
 * Queue an item for the main thread, waiting while the queue is full.
 * Returns false (the item freed) if the worker must stop.
 */
static bool
pg_queue(struct pg_src *ps, struct pg_item *it, uint64_t nrows)
{
	bool	 ok;

	pthread_mutex_lock(&ps->th.mu);
	while (!ps->th.stop && ps->qlen == PG_QUEUE)
		pthread_cond_wait(&ps->th.wake_worker, &ps->th.mu);
	ok = !ps->th.stop;
	if (ok) {
		ps->q[(ps->qhead + ps->qlen) % PG_QUEUE] = *it;
		ps->qlen++;
		ps->rows += nrows;
		pthread_cond_signal(&ps->th.wake_main);
	}
	pthread_mutex_unlock(&ps->th.mu);
	if (!ok) {
		PQclear(it->res);
		free(it->skip);
		if (it->doc != NULL)
			bson_destroy(it->doc);
	}
	return (ok);
}

/* Run a command that returns no rows; false with the message in msg. */
static bool
pg_command(struct pg_src *ps, const char *sql, char *msg, size_t len)
{
	PGresult	*res;
	bool		 ok;

	log_debug("postgresql: %s", sql);
	res = PQexec(ps->conn, sql);
	ok = PQresultStatus(res) == PGRES_COMMAND_OK;
	if (!ok)
		pg_message(ps, msg, len, "", PQerrorMessage(ps->conn));
	PQclear(res);
	return (ok);
}

/* Give up the connection (after an error: it is made again). */
static void
pg_disconnect(struct pg_src *ps)
{
	pthread_mutex_lock(&ps->th.mu);
	if (ps->cancel != NULL)
		PQfreeCancel(ps->cancel);
	ps->cancel = NULL;
	pthread_mutex_unlock(&ps->th.mu);
	if (ps->conn != NULL)
		PQfinish(ps->conn);
	ps->conn = NULL;
}

/* Connect and set the session up.  Returns 0 or -1 (msg says why). */
static int
pg_connect(struct pg_src *ps, char *msg, size_t len)
{
	PGconn		*conn;
	const char	*db;

	conn = PQconnectdbParams((const char *const *)ps->kw,
	    (const char *const *)ps->val, 1);
	if (conn == NULL) {
		snprintf(msg, len, "cannot connect: out of memory");
		return (-1);
	}
	if (PQstatus(conn) != CONNECTION_OK) {
		pg_message(ps, msg, len, "cannot connect: ",
		    PQerrorMessage(conn));
		PQfinish(conn);
		return (-1);
	}
	PQsetNoticeProcessor(conn, pg_notice, NULL);
	ps->conn = conn;
	db = PQdb(conn);
	free(ps->db);
	ps->db = xstrdup(db != NULL ? db : "");
	pthread_mutex_lock(&ps->th.mu);
	ps->cancel = PQgetCancel(conn);
	pthread_mutex_unlock(&ps->th.mu);
	if (!pg_command(ps, "SET SESSION CHARACTERISTICS AS TRANSACTION "
	    "READ ONLY", msg, len) ||
	    !pg_command(ps, "SET TimeZone = 'UTC'", msg, len) ||
	    !pg_command(ps, "SET DateStyle = 'ISO, YMD'", msg, len)) {
		pg_disconnect(ps);
		return (-1);
	}
	return (0);
}

/* Find a table the worker knows, or add it. */
static struct pg_wtable *
pg_wtable(struct pg_src *ps, const char *name)
{
	struct pg_wtable	*t;
	size_t			 i;

	for (i = 0; i < ps->nwt; i++)
		if (strcmp(ps->wt[i].name, name) == 0)
			return (&ps->wt[i]);
	ps->wt = xreallocarray(ps->wt, ps->nwt + 1, sizeof *ps->wt);
	t = &ps->wt[ps->nwt++];
	memset(t, 0, sizeof *t);
	t->name = xstrdup(name);
	t->agg = strncmp(name, PG_AGG, strlen(PG_AGG)) == 0;
	t->shard = source_pg_shard_day(name, t->agg ? PG_AGG : PG_RAW,
	    &t->day);
	return (t);
}

/* Mark column col of table t as present. */
static void
pg_have(struct pg_wtable *t, const char *col)
{
	int	 i;

	if (t->agg) {
		for (i = 0; i < PGA_COUNT; i++)
			if (strcmp(pga_col_names[i], col) == 0)
				t->have[i] = true;
	} else {
		for (i = 0; i < PGC_COUNT; i++)
			if (strcmp(pg_col_names[i], col) == 0)
				t->have[i] = true;
	}
}

/* qsort: tables by name (plain first, shards by day). */
static int
pg_wtable_cmp(const void *a, const void *b)
{
	return (strcmp(((const struct pg_wtable *)a)->name,
	    ((const struct pg_wtable *)b)->name));
}

/*
 * List the schema's Tyk tables and their columns.  Returns the number
 * of Tyk tables, or -1 on an error (msg).  With none, msg says what the
 * schema holds.
 */
static int
pg_list(struct pg_src *ps, char *msg, size_t len)
{
	static const char *sql = "SELECT table_name::text, "
	    "column_name::text FROM information_schema.columns WHERE "
	    "table_schema = $1 AND (table_name IN ('tyk_analytics', "
	    "'tyk_aggregated') OR table_name ~ "
	    "'^tyk_(analytics|aggregated)_[0-9]{8}$') "
	    "ORDER BY table_name, ordinal_position";
	static const char *other = "SELECT table_name::text FROM "
	    "information_schema.tables WHERE table_schema = $1 "
	    "ORDER BY 1 LIMIT 9";
	const char		*params[1] = { ps->schema };
	PGresult		*res;
	struct pg_wtable	*t;
	struct buf		 b;
	size_t			 i, ntyk = 0;
	int			 row, n;

	log_debug("postgresql: %s [%s]", sql, ps->schema);
	res = PQexecParams(ps->conn, sql, 1, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		pg_message(ps, msg, len, "listing tables: ",
		    PQerrorMessage(ps->conn));
		PQclear(res);
		return (-1);
	}
	for (i = 0; i < ps->nwt; i++) {
		ps->wt[i].listed = false;
		memset(ps->wt[i].have, 0, sizeof ps->wt[i].have);
	}
	for (row = 0; row < PQntuples(res); row++) {
		t = pg_wtable(ps, PQgetvalue(res, row, 0));
		t->listed = true;
		pg_have(t, PQgetvalue(res, row, 1));
	}
	PQclear(res);
	/* Sorted once, before any is announced (announced ids stay). */
	if (!ps->first_done && ps->nwt > 1)
		qsort(ps->wt, ps->nwt, sizeof *ps->wt, pg_wtable_cmp);
	for (i = 0; i < ps->nwt; i++)
		if (ps->wt[i].listed)
			ntyk++;
	if (ntyk != 0)
		return ((int)ntyk);

	res = PQexecParams(ps->conn, other, 1, NULL, params, NULL, NULL, 0);
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		pg_message(ps, msg, len, "listing tables: ",
		    PQerrorMessage(ps->conn));
		PQclear(res);
		return (-1);
	}
	n = PQntuples(res);
	buf_init(&b);
	for (row = 0; row < n && row < 8; row++)
		buf_printf(&b, "%s%s", row > 0 ? ", " : "",
		    PQgetvalue(res, row, 0));
	if (n > 8)
		buf_adds(&b, ", ...");
	buf_addc(&b, '\0');
	if (n == 0)
		snprintf(msg, len, "no Tyk analytics tables in database "
		    "'%s', schema '%s' (it has no tables visible to this "
		    "role; is the database or --sql-schema right?)", ps->db,
		    ps->schema);
	else
		snprintf(msg, len, "no Tyk analytics tables (tyk_analytics, "
		    "tyk_aggregated) in database '%s', schema '%s' (it has "
		    "%s)", ps->db, ps->schema, b.data);
	buf_clear(&b);
	PQclear(res);
	return (0);
}

/* Append the table's qualified name. */
static void
pg_qualified(const struct pg_src *ps, struct buf *b, const char *table)
{
	source_pg_quote_ident(b, ps->schema);
	buf_addc(b, '.');
	source_pg_quote_ident(b, table);
}

/*
 * The newest timestamp (ns) of the raw tables, for relative bounds in
 * batch mode (PG_BASE_UNKNOWN if none).  Returns 0 or -1 (msg).
 */
static int
pg_newest(struct pg_src *ps, int64_t *newest, char *msg, size_t len)
{
	struct pg_wtable	*t;
	struct buf		 b;
	PGresult		*res;
	size_t			 i;
	int64_t			 sec, ns;
	uint32_t		 nsec;
	const char		*v;

	*newest = PG_BASE_UNKNOWN;
	for (i = 0; i < ps->nwt; i++) {
		t = &ps->wt[i];
		if (t->agg || !t->listed || !t->have[PGC_TIMESTAMP])
			continue;
		buf_init(&b);
		buf_adds(&b, "SELECT max(\"timestamp\") FROM ");
		pg_qualified(ps, &b, t->name);
		log_debug("postgresql: %s", b.data);
		res = PQexec(ps->conn, b.data);
		buf_clear(&b);
		if (PQresultStatus(res) != PGRES_TUPLES_OK) {
			pg_message(ps, msg, len, "", PQerrorMessage(ps->conn));
			PQclear(res);
			return (-1);
		}
		if (PQntuples(res) == 1 && !PQgetisnull(res, 0, 0)) {
			v = PQgetvalue(res, 0, 0);
			if (source_pg_time(v, strlen(v), &sec, &nsec) >= 0 &&
			    sec > -9223372035LL && sec < 9223372035LL) {
				ns = sec * 1000000000 + nsec;
				if (*newest == PG_BASE_UNKNOWN || ns > *newest)
					*newest = ns;
			}
		}
		PQclear(res);
	}
	return (0);
}

/* Is t the newest raw shard? */
static bool
pg_newest_shard(const struct pg_src *ps, const struct pg_wtable *t)
{
	size_t	 i;

	if (!t->shard || t->agg)
		return (false);
	for (i = 0; i < ps->nwt; i++)
		if (ps->wt[i].listed && ps->wt[i].shard && !ps->wt[i].agg &&
		    ps->wt[i].day > t->day)
			return (false);
	return (true);
}

/* Note a row's timestamp (and ctid) as the follow position of t. */
static void
pg_note(struct pg_wtable *t, int64_t ns, const char *txt, const char *ctid)
{
	size_t	 i;

	if (!t->have_last || ns > t->last_ns) {
		for (i = 0; i < t->nctids; i++)
			free(t->ctids[i]);
		t->nctids = 0;
		t->have_last = true;
		t->last_ns = ns;
		free(t->last_txt);
		t->last_txt = xstrdup(txt);
	} else if (ns < t->last_ns)
		return;
	t->ctids = xreallocarray(t->ctids, t->nctids + 1, sizeof *t->ctids);
	t->ctids[t->nctids++] = xstrdup(ctid);
}

/* Was the row at ns with ctid read before (at the follow position)? */
static bool
pg_seen(const struct pg_wtable *t, int64_t ns, const char *ctid)
{
	size_t	 i;

	if (!t->have_last || ns != t->last_ns)
		return (false);
	for (i = 0; i < t->nctids; i++)
		if (strcmp(t->ctids[i], ctid) == 0)
			return (true);
	return (false);
}

/*
 * The SELECT for table t: the columns it has, the push-down, and for a
 * tail (following) the rows from the newest timestamp read.  idx gets
 * the result column of each raw column (-1: absent); ctid is column 0.
 */
static void
pg_select(struct pg_src *ps, struct pg_wtable *t, int64_t base, bool tail,
    struct buf *b, struct pg_params *p, int *idx)
{
	int	 c, n = 1, ncols = t->agg ? PGA_COUNT : PGC_COUNT;

	buf_adds(b, "SELECT ctid::text");
	for (c = 0; c < PG_NCOLS; c++)
		idx[c] = -1;
	for (c = 0; c < ncols; c++) {
		if (!t->have[c])
			continue;
		if (!t->agg && ps->no_payload && (c == PGC_RAWREQUEST ||
		    c == PGC_RAWRESPONSE))
			continue;
		buf_adds(b, ", ");
		source_pg_quote_ident(b, t->agg ? pga_col_names[c] :
		    pg_col_names[c]);
		idx[c] = n++;
	}
	buf_adds(b, " FROM ");
	pg_qualified(ps, b, t->name);
	if (t->agg) {
		source_pg_push_where(ps->push, NULL, base, true, b, p);
		buf_adds(b, " ORDER BY \"timestamp\", \"org_id\"");
		return;
	}
	source_pg_push_where(ps->push, t->have, base, false, b, p);
	if (tail && t->have_last) {
		buf_adds(b, strstr(b->data, " WHERE ") != NULL ? " AND " :
		    " WHERE ");
		buf_printf(b, "\"timestamp\" >= $%d::timestamptz",
		    source_pg_param(p, t->last_txt, strlen(t->last_txt)));
	}
	if (tail)
		buf_adds(b, " ORDER BY \"timestamp\"");
	if (ps->limit >= 0)
		buf_printf(b, " LIMIT %lld", (long long)ps->limit);
}

/* Column c of t, or the SQL fallback when t lacks it. */
static void
pg_col_or(struct buf *b, const struct pg_wtable *t, enum pg_col c,
    const char *fallback)
{
	if (t->have[c])
		source_pg_quote_ident(b, pg_col_names[c]);
	else
		buf_adds(b, fallback);
}

/*
 * --summary: the raw table grouped on the server into rows shaped like
 * tyk_aggregated's, one per (hour, org, dimension, value), for the
 * dimensions a GROUP BY can key without the pump's rules: the total,
 * apiid, errors, versions, apikeys, oauthids and geo.  Records the pump
 * leaves out (empty org, network statistics, GraphQL, MCP) are left out.
 * No minimum latencies: those need the records.
 */
static void
pg_select_summary(struct pg_src *ps, struct pg_wtable *t, int64_t base,
    struct buf *b, struct pg_params *p)
{
	static const struct {
		const char	*col, *as;
	} code[] = {
		{ "400", "code_400" }, { "401", "code_401" },
		{ "403", "code_403" }, { "404", "code_404" },
		{ "429", "code_429" }, { "500", "code_500" },
		{ "501", "code_501" }, { "502", "code_502" },
		{ "503", "code_503" }, { "504", "code_504" }
	};
	struct buf	 lat, up, rt;
	size_t		 i;

	buf_init(&lat);
	buf_init(&up);
	buf_init(&rt);
	pg_col_or(&lat, t, PGC_LAT_TOTAL, "0");
	pg_col_or(&up, t, PGC_LAT_UPSTREAM, "0");
	pg_col_or(&rt, t, PGC_REQUESTTIME, "0");
	buf_adds(b, "SELECT \"orgid\" AS org_id, extract(epoch FROM "
	    "date_trunc('hour', \"timestamp\"))::bigint AS \"timestamp\", "
	    "d.dim AS dimension, d.val AS dimension_value, "
	    "max(d.ident) AS counter_identifier, "
	    "max(d.human) AS counter_human_identifier, "
	    "count(*) AS counter_hits, "
	    "count(*) FILTER (WHERE \"responsecode\" BETWEEN 200 AND 299) "
	    "AS counter_success, "
	    "count(*) FILTER (WHERE \"responsecode\" >= 400) AS "
	    "counter_error, ");
	buf_printf(b, "coalesce(sum(%s), 0) AS counter_total_request_time, "
	    "coalesce(sum(%s), 0)::float8 / count(*) AS "
	    "counter_request_time, ", rt.data, rt.data);
	buf_printf(b, "coalesce(max(%s), 0) AS counter_max_latency, "
	    "coalesce(sum(%s), 0) AS counter_total_latency, "
	    "coalesce(sum(%s), 0)::float8 / count(*) AS counter_latency, ",
	    lat.data, lat.data, lat.data);
	buf_printf(b, "coalesce(max(%s), 0) AS counter_max_upstream_latency, "
	    "coalesce(sum(%s), 0) AS counter_total_upstream_latency, "
	    "coalesce(sum(%s), 0)::float8 / count(*) AS "
	    "counter_upstream_latency, ", up.data, up.data, up.data);
	buf_adds(b, "max(\"timestamp\") AS counter_last_time");
	for (i = 0; i < sizeof code / sizeof code[0]; i++)
		buf_printf(b, ", count(*) FILTER (WHERE \"responsecode\" = %s) "
		    "AS %s", code[i].col, code[i].as);
	buf_adds(b, ", count(*) FILTER (WHERE \"responsecode\" BETWEEN 400 "
	    "AND 499 AND \"responsecode\" NOT IN (400, 401, 403, 404, 429)) "
	    "AS code_4x, count(*) FILTER (WHERE \"responsecode\" >= 500 AND "
	    "\"responsecode\" NOT IN (500, 501, 502, 503, 504)) AS code_5x");
	buf_adds(b, " FROM ");
	pg_qualified(ps, b, t->name);
	buf_adds(b, " CROSS JOIN LATERAL (VALUES "
	    "('', 'total', '', ''), ");
	buf_adds(b, "('apiid', \"apiid\", \"apiid\", ");
	pg_col_or(b, t, PGC_API_NAME, "''");
	buf_adds(b, "), ('errors', CASE WHEN \"responsecode\" >= 400 THEN "
	    "\"responsecode\"::text END, \"responsecode\"::text, ''), ");
	buf_adds(b, "('versions', CASE WHEN ");
	pg_col_or(b, t, PGC_APIVERSION, "''");
	buf_adds(b, " <> '' THEN rtrim(replace(encode(convert_to("
	    "coalesce(\"apiid\", '') || ':' || ");
	pg_col_or(b, t, PGC_APIVERSION, "''");
	buf_adds(b, ", 'UTF8'), 'base64'), E'\\n', ''), '=') END, ");
	pg_col_or(b, t, PGC_APIVERSION, "''");
	buf_adds(b, ", ");
	pg_col_or(b, t, PGC_APIVERSION, "''");
	buf_adds(b, "), ('apikeys', ");
	pg_col_or(b, t, PGC_APIKEY, "''");
	buf_adds(b, ", ");
	pg_col_or(b, t, PGC_APIKEY, "''");
	buf_adds(b, ", ");
	pg_col_or(b, t, PGC_ALIAS, "''");
	buf_adds(b, "), ('oauthids', ");
	pg_col_or(b, t, PGC_OAUTHID, "''");
	buf_adds(b, ", ");
	pg_col_or(b, t, PGC_OAUTHID, "''");
	buf_adds(b, ", ''), ('geo', ");
	pg_col_or(b, t, PGC_GEO_ISO, "''");
	buf_adds(b, ", ");
	pg_col_or(b, t, PGC_GEO_ISO, "''");
	buf_adds(b, ", ");
	pg_col_or(b, t, PGC_GEO_ISO, "''");
	buf_adds(b, ")) AS d(dim, val, ident, human)");
	source_pg_push_where(ps->push, t->have, base, false, b, p);
	buf_adds(b, strstr(b->data, " WHERE ") != NULL ? " AND " : " WHERE ");
	buf_adds(b, "\"orgid\" <> '' AND d.val <> '' AND \"responsecode\" "
	    "IS DISTINCT FROM -1");
	if (t->have[PGC_GQL_IS_GRAPHQL])
		buf_adds(b, " AND \"graphql_stats_is_graph_ql\" IS NOT TRUE");
	if (t->have[PGC_MCP_IS_MCP])
		buf_adds(b, " AND \"mcp_stats_is_mcp\" IS NOT TRUE");
	buf_adds(b, " GROUP BY 1, 2, 3, 4 ORDER BY 2, 1");
	buf_clear(&lat);
	buf_clear(&up);
	buf_clear(&rt);
}

/* Hand one FETCH result of raw table t to the main thread. */
static bool
pg_hand_raw(struct pg_src *ps, struct pg_wtable *t, PGresult *res,
    const int *idx)
{
	struct pg_item	 it;
	int		 row, nrows = PQntuples(res);
	int64_t		 sec, ns;
	uint32_t	 nsec;
	const char	*v, *ctid;
	uint64_t	 added = 0;

	memset(&it, 0, sizeof it);
	it.res = res;
	memcpy(it.idx, idx, sizeof it.idx);
	it.table = t->id;
	it.index = t->next;
	if (ps->follow && idx[PGC_TIMESTAMP] >= 0) {
		it.skip = xcalloc((size_t)nrows, sizeof *it.skip);
		for (row = 0; row < nrows; row++) {
			if (PQgetisnull(res, row, idx[PGC_TIMESTAMP]))
				continue;
			v = PQgetvalue(res, row, idx[PGC_TIMESTAMP]);
			ctid = PQgetvalue(res, row, 0);
			if (source_pg_time(v, strlen(v), &sec, &nsec) < 0 ||
			    sec <= -9223372035LL || sec >= 9223372035LL)
				continue;
			ns = sec * 1000000000 + nsec;
			if (pg_seen(t, ns, ctid)) {
				it.skip[row] = true;
				continue;
			}
			pg_note(t, ns, v, ctid);
		}
	}
	for (row = 0; row < nrows; row++)
		if (it.skip == NULL || !it.skip[row])
			added++;
	t->next += added;
	return (pg_queue(ps, &it, added));
}

/* Hand the aggregate document built so far to the main thread. */
static bool
pg_hand_doc(struct pg_src *ps, struct pg_wtable *t, struct pg_aggdoc *ad)
{
	struct pg_item	 it;

	memset(&it, 0, sizeof it);
	if ((it.doc = source_pg_aggdoc_take(ad)) == NULL)
		return (true);
	it.table = t->id;
	it.index = t->next++;
	return (pg_queue(ps, &it, 1));
}

/*
 * Read table t through a cursor: everything the push-down selects, or
 * (tail) what is newer than the last read.  Returns 0, 1 to stop, or -1
 * with the message in msg.
 */
static int
pg_read(struct pg_src *ps, struct pg_wtable *t, int64_t base, bool tail,
    char *msg, size_t len)
{
	struct pg_params	 p;
	struct pg_aggdoc	*ad = NULL;
	struct buf		 b;
	PGresult		*res;
	char			 where[256];
	int			 idx[PG_NCOLS];
	int			 rc = 0, row, i;
	bool			 agg, first = true;

	memset(&p, 0, sizeof p);
	buf_init(&b);
	buf_adds(&b, "DECLARE tykscope_c NO SCROLL CURSOR FOR ");
	if (ps->summary)
		pg_select_summary(ps, t, base, &b, &p);
	else
		pg_select(ps, t, base, tail, &b, &p, idx);
	snprintf(where, sizeof where, "%s: ", t->name);
	if (p.full) {
		snprintf(msg, len, "%sthe filter has too many values to push "
		    "down (at most %d)", where, PG_PARAMS_MAX);
		buf_clear(&b);
		source_pg_params_clear(&p);
		return (-1);
	}
	if (!pg_command(ps, "BEGIN READ ONLY", msg, len)) {
		buf_clear(&b);
		source_pg_params_clear(&p);
		return (-1);
	}
	if (log_debug_file() != NULL) {
		log_debug("postgresql: %s", b.data);
		for (i = 0; i < p.n; i++)
			log_debug("postgresql:   $%d = '%s'", i + 1, p.v[i]);
	}
	res = PQexecParams(ps->conn, b.data, p.n, NULL,
	    (const char *const *)p.v, NULL, NULL, 0);
	buf_clear(&b);
	source_pg_params_clear(&p);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		pg_message(ps, msg, len, where, PQerrorMessage(ps->conn));
		PQclear(res);
		return (-1);
	}
	PQclear(res);
	pg_announce(ps, t);
	agg = t->agg || ps->summary;
	if (agg)
		ad = source_pg_aggdoc_create();
	for (;;) {
		if (pg_stopping(ps)) {
			rc = 1;
			break;
		}
		res = PQexec(ps->conn, "FETCH " PG_FETCH_S " FROM tykscope_c");
		if (PQresultStatus(res) != PGRES_TUPLES_OK) {
			pg_message(ps, msg, len, where,
			    PQerrorMessage(ps->conn));
			PQclear(res);
			rc = -1;
			break;
		}
		if (PQntuples(res) == 0) {
			PQclear(res);
			break;
		}
		/* A summary's columns are known from its first result. */
		if (ps->summary && first)
			for (i = 0; i < PG_NCOLS; i++)
				idx[i] = i < PGA_COUNT ? PQfnumber(res,
				    pga_col_names[i]) : -1;
		first = false;
		if (!agg) {
			if (!pg_hand_raw(ps, t, res, idx)) {
				rc = 1;
				break;
			}
			continue;
		}
		for (row = 0; row < PQntuples(res) && rc == 0; row++) {
			if (source_pg_aggdoc_add(ad, res, row, idx))
				continue;
			if (!pg_hand_doc(ps, t, ad))
				rc = 1;
			else
				source_pg_aggdoc_add(ad, res, row, idx);
		}
		PQclear(res);
		if (rc != 0)
			break;
	}
	if (rc == 0 && ad != NULL && !pg_hand_doc(ps, t, ad))
		rc = 1;
	source_pg_aggdoc_free(ad);
	if (rc == 0 && (!pg_command(ps, "CLOSE tykscope_c", msg, len) ||
	    !pg_command(ps, "COMMIT", msg, len)))
		rc = -1;
	return (rc);
}

/* --health: the table's rows, time range and size. */
static int
pg_table_stats(struct pg_src *ps, struct pg_wtable *t, char *msg,
    size_t len)
{
	struct buf	 b, name;
	struct pg_stat	 s;
	PGresult	*res;
	const char	*params[1], *v;
	int64_t		 sec;
	uint32_t	 nsec;
	int		 i;

	buf_init(&b);
	buf_init(&name);
	pg_qualified(ps, &name, t->name);
	if (t->agg)
		buf_adds(&b, "SELECT count(*), min(to_timestamp(\"timestamp\")),"
		    " max(to_timestamp(\"timestamp\")), "
		    "pg_total_relation_size($1::regclass) FROM ");
	else if (t->have[PGC_TIMESTAMP])
		buf_adds(&b, "SELECT count(*), min(\"timestamp\"), "
		    "max(\"timestamp\"), pg_total_relation_size($1::regclass) "
		    "FROM ");
	else
		buf_adds(&b, "SELECT count(*), NULL, NULL, "
		    "pg_total_relation_size($1::regclass) FROM ");
	buf_add(&b, name.data, name.len);
	params[0] = name.data;
	log_debug("postgresql: %s", b.data);
	res = PQexecParams(ps->conn, b.data, 1, NULL, params, NULL, NULL, 0);
	buf_clear(&b);
	buf_clear(&name);
	if (PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
		pg_message(ps, msg, len, "", PQerrorMessage(ps->conn));
		PQclear(res);
		return (-1);
	}
	s.count = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	s.bytes = strtoll(PQgetvalue(res, 0, 3), NULL, 10);
	for (i = 1; i <= 2; i++) {
		int64_t	*out = i == 1 ? &s.oldest_ns : &s.newest_ns;

		*out = INT64_MIN;
		if (PQgetisnull(res, 0, i))
			continue;
		v = PQgetvalue(res, 0, i);
		if (source_pg_time(v, strlen(v), &sec, &nsec) >= 0 &&
		    sec > -9223372035LL && sec < 9223372035LL)
			*out = sec * 1000000000 + nsec;
	}
	PQclear(res);
	pg_announce(ps, t);
	pthread_mutex_lock(&ps->th.mu);
	ps->stats[t->id] = s;
	ps->has_stats[t->id] = true;
	pthread_cond_signal(&ps->th.wake_main);
	pthread_mutex_unlock(&ps->th.mu);
	return (0);
}

/*
 * One pass over the schema.  Returns 0 when done, 1 to stop, -1 on an
 * error, -2 when there are no Tyk tables (msg says why).
 */
static int
pg_pass(struct pg_src *ps, char *msg, size_t len)
{
	struct pg_wtable	*t;
	size_t			 i;
	int64_t			 base = PG_BASE_UNKNOWN, lo, hi;
	int			 rc, n;
	bool			 tail;

	if (ps->conn == NULL || PQstatus(ps->conn) != CONNECTION_OK) {
		pg_disconnect(ps);
		if (pg_connect(ps, msg, len) != 0)
			return (-1);
	}
	if ((n = pg_list(ps, msg, len)) < 0)
		return (-1);
	if (n == 0)
		return (-2);
	if (ps->health) {
		for (i = 0; i < ps->nwt; i++) {
			t = &ps->wt[i];
			if (t->listed && pg_table_stats(ps, t, msg, len) != 0)
				return (-1);
		}
		ps->first_done = true;
		return (0);
	}
	if (source_pg_push_relative(ps->push)) {
		if (ps->follow)
			base = timefmt_now() - PG_FOLLOW_SLACK;
		else if (pg_newest(ps, &base, msg, len) != 0)
			return (-1);
	}
	source_pg_push_range(ps->push, base, &lo, &hi);
	for (i = 0; i < ps->nwt; i++) {
		t = &ps->wt[i];
		if (!t->listed || (t->agg ? !ps->want_agg : !ps->want_raw))
			continue;
		if (ps->summary && (t->read || !t->have[PGC_ORGID] ||
		    !t->have[PGC_TIMESTAMP] || !t->have[PGC_RESPONSECODE] ||
		    !t->have[PGC_APIID]))
			continue;
		if (t->agg && t->read)
			continue;
		tail = false;
		if (t->read) {
			/* Following: the plain table and the newest shard. */
			if (t->shard && !pg_newest_shard(ps, t))
				continue;
			tail = true;
		}
		if (t->shard && !tail && !source_pg_shard_wanted(t->day,
		    t->agg && lo != INT64_MIN ? lo - 3600 * 1000000000LL :
		    lo, hi)) {
			t->read = true;
			continue;
		}
		if (!ps->follow || !ps->first_done)
			source_thread_set_state(&ps->th, "connected; reading %s.%s", ps->db,
			    t->name);
		rc = pg_read(ps, t, base, tail, msg, len);
		if (rc != 0)
			return (rc);
		t->read = true;
	}
	ps->first_done = true;
	return (0);
}

/* The worker: passes until done (batch) or stopped (follow). */
void *
source_pg_worker(void *arg)
{
	struct pg_src	*ps = arg;
	char		 msg[PG_MSG_MAX];
	int		 rc, backoff = 1000;

	source_thread_set_state(&ps->th, "connecting");
	for (;;) {
		rc = pg_pass(ps, msg, sizeof msg);
		if (rc == 1)
			break;
		if (rc == 0) {
			backoff = 1000;
			if (!ps->follow)
				break;
			source_thread_set_state(&ps->th, "connected; following %s every %d ms",
			    ps->db, PG_FOLLOW_MS);
			if (source_thread_sleep(&ps->th, PG_FOLLOW_MS))
				break;
			continue;
		}
		if (!ps->follow) {
			pthread_mutex_lock(&ps->th.mu);
			ps->th.fatal = xstrdup(msg);
			pthread_mutex_unlock(&ps->th.mu);
			break;
		}
		if (rc == -2) {
			source_thread_set_state(&ps->th, "connected; waiting: %s", msg);
			if (source_thread_sleep(&ps->th, PG_FOLLOW_MS))
				break;
			continue;
		}
		pg_disconnect(ps);
		source_thread_set_state(&ps->th, "%s; retrying in %d s", msg, backoff / 1000);
		if (source_thread_sleep(&ps->th, backoff))
			break;
		backoff = backoff * 2 > PG_RETRY_MS_MAX ? PG_RETRY_MS_MAX :
		    backoff * 2;
	}
	pg_disconnect(ps);
	pthread_mutex_lock(&ps->th.mu);
	ps->th.done = true;
	pthread_cond_broadcast(&ps->th.wake_main);
	pthread_mutex_unlock(&ps->th.mu);
	return (NULL);
}
