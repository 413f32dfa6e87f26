/* SPDX-License-Identifier: ISC */
/*
 * PostgreSQL rows -> the record model, field for field as decode-bson.c
 * reads the same traffic from Mongo: empty strings stay unset, zero
 * network statistics and geo values cost nothing, tags and
 * geo_city_names are the pump's JSON text (a JSON null tag list is nil).
 * Values arrive in libpq's text format, with the session's TimeZone UTC
 * and DateStyle ISO: "2024-02-29 10:00:00.123456+00".  A timestamp keeps
 * its microseconds; it is shown with 3 digits when they are whole
 * milliseconds (as from Mongo), else 6.  A column that is NULL or absent
 * (an older table) is an empty field.
 *
 * tyk_aggregated rows of one (org, bucket) are rebuilt into the document
 * mongo-pump-aggregate writes (tyk-formats.md 5.2): dimension -> map,
 * keyendpoints/oauthendpoints values split at the last dot into key and
 * endpoint, the error map rebuilt from the code_* columns that name one
 * code (stores.md 3), the total from dimension '' / value 'total'.
 */
#include "config.h"

#include "source-pg-row.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_tree.h>

#include "decode-bson.h"
#include "record.h"
#include "source.h"
#include "store.h"
#include "strtab.h"
#include "xmalloc.h"

const char *const pg_col_names[PGC_COUNT] = {
	"method", "host", "path", "rawpath", "contentlength", "useragent",
	"day", "month", "year", "hour", "responsecode", "apikey",
	"timestamp", "apiversion", "api_name", "apiid", "orgid", "oauthid",
	"requesttime", "rawrequest", "rawresponse", "ipaddress",
	"geo_country_iso_code", "geo_city_geoname_id", "geo_city_names",
	"geo_location_latitude", "geo_location_longitude",
	"geo_location_time_zone", "network_open_connections",
	"network_closed_connections", "network_bytes_in",
	"network_bytes_out", "latency_total", "latency_upstream",
	"latency_gateway", "tags", "alias", "trackpath", "expireAt",
	"originalpath", "listenpath", "graphql_stats_variables",
	"graphql_stats_root_fields", "graphql_stats_types",
	"graphql_stats_errors", "graphql_stats_operation_type",
	"graphql_stats_has_errors", "graphql_stats_is_graph_ql",
	"mcp_stats_is_mcp", "mcp_stats_jsonrpc_method",
	"mcp_stats_primitive_type", "mcp_stats_primitive_name"
};

const char *const pga_col_names[PGA_COUNT] = {
	"id", "counter_hits", "counter_success", "counter_error",
	"counter_request_time", "counter_total_request_time",
	"counter_identifier", "counter_human_identifier",
	"counter_last_time", "counter_open_connections",
	"counter_closed_connections", "counter_bytes_in",
	"counter_bytes_out", "counter_max_upstream_latency",
	"counter_min_upstream_latency", "counter_total_upstream_latency",
	"counter_upstream_latency", "counter_max_latency",
	"counter_min_latency", "counter_total_latency", "counter_latency",
	"counter_error_map", "counter_error_list", "timestamp", "org_id",
	"dimension", "dimension_value",
	"code_1x", "code_200", "code_201", "code_2x", "code_301", "code_302",
	"code_303", "code_304", "code_3x", "code_400", "code_401",
	"code_403", "code_404", "code_429", "code_4x", "code_500",
	"code_501", "code_502", "code_503", "code_504", "code_5x"
};

/* The value of column c in row, or NULL (absent or NULL). */
static const char *
pg_val(const PGresult *res, int row, const int *idx, int c, size_t *len)
{
	if (idx[c] < 0 || PQgetisnull(res, row, idx[c]))
		return (NULL);
	*len = (size_t)PQgetlength(res, row, idx[c]);
	return (PQgetvalue(res, row, idx[c]));
}

/* An integer column (NULL, absent or junk: false). */
static bool
pg_int(const PGresult *res, int row, const int *idx, int c, int64_t *v)
{
	const char	*s;
	char		*end;
	size_t		 len;

	if ((s = pg_val(res, row, idx, c, &len)) == NULL || len == 0)
		return (false);
	*v = strtoll(s, &end, 10);
	if (*end == '.') {	/* numeric with a fraction */
		*v = (int64_t)strtod(s, &end);
	}
	return (*end == '\0');
}

/* A double (numeric) column. */
static bool
pg_double(const PGresult *res, int row, const int *idx, int c, double *v)
{
	const char	*s;
	char		*end;
	size_t		 len;

	if ((s = pg_val(res, row, idx, c, &len)) == NULL || len == 0)
		return (false);
	*v = strtod(s, &end);
	return (*end == '\0');
}

/* A boolean column: true only for 't'. */
static bool
pg_bool(const PGresult *res, int row, const int *idx, int c)
{
	const char	*s;
	size_t		 len;

	return ((s = pg_val(res, row, idx, c, &len)) != NULL && len >= 1 &&
	    (s[0] == 't' || s[0] == 'T' || s[0] == '1'));
}

/* Set string field f from column c (empty: unset). */
static void
pg_str(const PGresult *res, int row, const int *idx, int c,
    struct store *st, struct record_build *b, enum record_str f)
{
	const char	*s;
	size_t		 len;

	if ((s = pg_val(res, row, idx, c, &len)) != NULL && len != 0)
		record_build_str(b, st, f, s, len);
}

/* Intern column c into *id (empty: false). */
static bool
pg_intern(const PGresult *res, int row, const int *idx, int c,
    struct store *st, uint32_t *id)
{
	const char	*s;
	size_t		 len;

	if ((s = pg_val(res, row, idx, c, &len)) == NULL || len == 0)
		return (false);
	*id = strtab_intern(&st->strs, s, len);
	return (true);
}

/*
 * Parse a timestamptz as PostgreSQL prints it ("2024-02-29
 * 10:00:00.123456+00", "...+05:30", also RFC 3339).  Returns the digits
 * to show (3 or 6), or -1.
 */
int
source_pg_time(const char *s, size_t len, int64_t *sec, uint32_t *nsec)
{
	char	 tmp[64];
	int	 prec;

	if (len == 0 || len + 4 > sizeof tmp)
		return (-1);
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	/* "+HH" and "+HH:MM:SS" offsets: as "+HH:MM". */
	if (len > 3 && (tmp[len - 3] == '+' || tmp[len - 3] == '-')) {
		memcpy(tmp + len, ":00", 4);
		len += 3;
	} else if (len > 9 && (tmp[len - 9] == '+' || tmp[len - 9] == '-') &&
	    tmp[len - 3] == ':') {
		if (tmp[len - 2] != '0' || tmp[len - 1] != '0')
			return (-1);
		len -= 3;
		tmp[len] = '\0';
	}
	if (decode_bson_rfc3339(tmp, len, sec, nsec, &prec) != 0)
		return (-1);
	return (*nsec % 1000000 == 0 ? 3 : 6);
}

/* A list blob id from a JSON array of strings (or of {message}). */
static uint32_t
pg_json_list(struct store *st, const char *s, size_t len, bool *null)
{
	yajl_val	 v, e, m;
	struct buf	 list;
	char		*tmp, err[64];
	size_t		 i, j;
	uint32_t	 id = 0;

	*null = false;
	tmp = xmalloc(len + 1);
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	v = yajl_tree_parse(tmp, err, sizeof err);
	free(tmp);
	if (v == NULL)
		return (0);
	if (YAJL_IS_NULL(v)) {
		*null = true;
		yajl_tree_free(v);
		return (0);
	}
	buf_init(&list);
	if (YAJL_IS_ARRAY(v)) {
		for (i = 0; i < v->u.array.len; i++) {
			e = v->u.array.values[i];
			if (YAJL_IS_STRING(e))
				record_list_add(&list, e->u.string,
				    strlen(e->u.string));
			else if (YAJL_IS_OBJECT(e)) {
				for (j = 0; j < e->u.object.len; j++) {
					m = e->u.object.values[j];
					if (strcasecmp(e->u.object.keys[j],
					    "message") == 0 &&
					    YAJL_IS_STRING(m))
						record_list_add(&list,
						    m->u.string,
						    strlen(m->u.string));
				}
			}
		}
	}
	if (list.len != 0)
		id = strtab_intern(&st->strs, list.data, list.len);
	buf_clear(&list);
	yajl_tree_free(v);
	return (id);
}

/* Tags from their JSON array text. */
static void
pg_tags(struct record_build *b, const char *s, size_t len)
{
	yajl_val	 v, e;
	char		*tmp, err[64];
	size_t		 i;

	tmp = xmalloc(len + 1);
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	v = yajl_tree_parse(tmp, err, sizeof err);
	free(tmp);
	if (v == NULL)
		return;
	if (YAJL_IS_NULL(v))
		b->rec.flags |= REC_TAGS_NULL;
	else if (YAJL_IS_ARRAY(v)) {
		for (i = 0; i < v->u.array.len; i++) {
			e = v->u.array.values[i];
			if (YAJL_IS_STRING(e))
				record_build_tag(b, e->u.string,
				    strlen(e->u.string));
		}
	}
	yajl_tree_free(v);
}

/* City names from their JSON object text, in the order written. */
static void
pg_names(struct record_build *b, const char *s, size_t len)
{
	yajl_val	 v, e;
	char		*tmp, err[64];
	size_t		 i;

	tmp = xmalloc(len + 1);
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	v = yajl_tree_parse(tmp, err, sizeof err);
	free(tmp);
	if (v == NULL)
		return;
	if (YAJL_IS_OBJECT(v)) {
		for (i = 0; i < v->u.object.len; i++) {
			e = v->u.object.values[i];
			if (YAJL_IS_STRING(e))
				record_build_name(b, v->u.object.keys[i],
				    strlen(v->u.object.keys[i]), e->u.string,
				    strlen(e->u.string));
		}
	}
	yajl_tree_free(v);
}

/* GraphQL types, {"Type": ["field", ...]}, as a pairs blob. */
static uint32_t
pg_gql_types(struct store *st, const char *s, size_t len)
{
	yajl_val	 v, e;
	struct buf	 pairs, inner;
	char		*tmp, err[64];
	size_t		 i, j;
	uint32_t	 id = 0;

	tmp = xmalloc(len + 1);
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	v = yajl_tree_parse(tmp, err, sizeof err);
	free(tmp);
	if (v == NULL)
		return (0);
	buf_init(&pairs);
	buf_init(&inner);
	if (YAJL_IS_OBJECT(v)) {
		for (i = 0; i < v->u.object.len; i++) {
			record_list_add(&pairs, v->u.object.keys[i],
			    strlen(v->u.object.keys[i]));
			buf_reset(&inner);
			e = v->u.object.values[i];
			for (j = 0; YAJL_IS_ARRAY(e) && j < e->u.array.len;
			    j++)
				if (YAJL_IS_STRING(e->u.array.values[j]))
					record_list_add(&inner,
					    e->u.array.values[j]->u.string,
					    strlen(e->u.array.values[j]->
					    u.string));
			record_list_add(&pairs, inner.data != NULL ?
			    inner.data : "", inner.len);
		}
	}
	if (pairs.len != 0)
		id = strtab_intern(&st->strs, pairs.data, pairs.len);
	buf_clear(&pairs);
	buf_clear(&inner);
	yajl_tree_free(v);
	return (id);
}

/* The GraphQL and MCP columns. */
static void
pg_stats(const PGresult *res, int row, const int *idx, struct store *st,
    struct record_build *b)
{
	const char	*s;
	size_t		 len;
	int64_t		 v;
	bool		 null;
	uint32_t	 f = 0;

	if (pg_bool(res, row, idx, PGC_GQL_IS_GRAPHQL))
		f |= REC_GRAPHQL | REC_HAS_GQL;
	if (pg_int(res, row, idx, PGC_GQL_OPTYPE, &v) && v != 0) {
		b->ex.gql_operation_type = (int32_t)v;
		f |= REC_HAS_GQL;
	}
	if (pg_intern(res, row, idx, PGC_GQL_VARIABLES, st,
	    &b->ex.gql_variables))
		f |= REC_HAS_GQL;
	if ((s = pg_val(res, row, idx, PGC_GQL_ROOT_FIELDS, &len)) != NULL &&
	    (b->ex.gql_root_fields = pg_json_list(st, s, len, &null)) != 0)
		f |= REC_HAS_GQL;
	if ((s = pg_val(res, row, idx, PGC_GQL_TYPES, &len)) != NULL &&
	    (b->ex.gql_types = pg_gql_types(st, s, len)) != 0)
		f |= REC_HAS_GQL;
	if ((s = pg_val(res, row, idx, PGC_GQL_ERRORS, &len)) != NULL &&
	    (b->ex.gql_errors = pg_json_list(st, s, len, &null)) != 0)
		f |= REC_HAS_GQL;
	if (pg_bool(res, row, idx, PGC_GQL_HAS_ERRORS)) {
		b->ex.gql_has_errors = true;
		f |= REC_HAS_GQL;
	}
	if (pg_bool(res, row, idx, PGC_MCP_IS_MCP))
		f |= REC_MCP | REC_HAS_MCP;
	if (pg_intern(res, row, idx, PGC_MCP_METHOD, st, &b->ex.mcp_method))
		f |= REC_HAS_MCP;
	if (pg_intern(res, row, idx, PGC_MCP_PTYPE, st,
	    &b->ex.mcp_primitive_type))
		f |= REC_HAS_MCP;
	if (pg_intern(res, row, idx, PGC_MCP_PNAME, st,
	    &b->ex.mcp_primitive_name))
		f |= REC_HAS_MCP;
	b->rec.flags |= f;
	if (f != 0)
		b->has_extra = true;
}

/* Day, month, year, hour as decode-bson.c narrows them. */
static void
pg_ymdh(const PGresult *res, int row, const int *idx, int c, int *out)
{
	int64_t	 v;

	if (pg_int(res, row, idx, c, &v))
		*out = v < -1 || v > 0xffff ? -1 : (int)v;
}

/*
 * Decode row of res (column numbers in idx, -1 for absent columns) into
 * b (reset by the caller).  raw_request and raw_response point into res.
 * Returns 0, or -1 with *why when the row is not a usable record.
 */
int
source_pg_row(const PGresult *res, int row, const int *idx,
    struct store *st, struct record_build *b, const char **why)
{
	const char	*s;
	size_t		 len;
	int64_t		 v;
	double		 d;
	int		 prec;

	*why = NULL;
	pg_str(res, row, idx, PGC_METHOD, st, b, RS_METHOD);
	pg_str(res, row, idx, PGC_HOST, st, b, RS_HOST);
	pg_str(res, row, idx, PGC_PATH, st, b, RS_PATH);
	pg_str(res, row, idx, PGC_RAWPATH, st, b, RS_RAW_PATH);
	if (pg_int(res, row, idx, PGC_CONTENTLENGTH, &v))
		b->content_length = v;
	pg_str(res, row, idx, PGC_USERAGENT, st, b, RS_USER_AGENT);
	pg_ymdh(res, row, idx, PGC_DAY, &b->day);
	pg_ymdh(res, row, idx, PGC_MONTH, &b->month);
	pg_ymdh(res, row, idx, PGC_YEAR, &b->year);
	pg_ymdh(res, row, idx, PGC_HOUR, &b->hour);
	if (pg_int(res, row, idx, PGC_RESPONSECODE, &v))
		b->response_code = v;
	pg_str(res, row, idx, PGC_APIKEY, st, b, RS_API_KEY);
	if ((s = pg_val(res, row, idx, PGC_TIMESTAMP, &len)) != NULL) {
		if ((prec = source_pg_time(s, len, &b->ts_sec,
		    &b->ts_nsec)) < 0)
			*why = "unusable timestamp";
		else {
			b->ts_set = true;
			b->ts_prec = prec;
		}
	}
	pg_str(res, row, idx, PGC_APIVERSION, st, b, RS_API_VERSION);
	pg_str(res, row, idx, PGC_API_NAME, st, b, RS_API_NAME);
	pg_str(res, row, idx, PGC_APIID, st, b, RS_API_ID);
	pg_str(res, row, idx, PGC_ORGID, st, b, RS_ORG_ID);
	pg_str(res, row, idx, PGC_OAUTHID, st, b, RS_OAUTH_ID);
	if (pg_int(res, row, idx, PGC_REQUESTTIME, &v))
		b->request_time = v;
	if ((s = pg_val(res, row, idx, PGC_RAWREQUEST, &len)) != NULL) {
		b->req = s;
		b->req_len = len;
	}
	if ((s = pg_val(res, row, idx, PGC_RAWRESPONSE, &len)) != NULL) {
		b->resp = s;
		b->resp_len = len;
	}
	b->payload_stable = false;
	pg_str(res, row, idx, PGC_IPADDRESS, st, b, RS_IP_ADDRESS);

	if (pg_intern(res, row, idx, PGC_GEO_ISO, st, &b->geo.iso_code))
		b->has_geo = true;
	if (pg_int(res, row, idx, PGC_GEO_ID, &v) && v != 0) {
		b->geo.geoname_id = (uint32_t)v;
		b->has_geo = true;
	}
	if ((s = pg_val(res, row, idx, PGC_GEO_NAMES, &len)) != NULL &&
	    len != 0)
		pg_names(b, s, len);
	if (pg_double(res, row, idx, PGC_GEO_LAT, &d) && d != 0) {
		b->geo.latitude = d;
		b->has_geo = true;
	}
	if (pg_double(res, row, idx, PGC_GEO_LON, &d) && d != 0) {
		b->geo.longitude = d;
		b->has_geo = true;
	}
	if (pg_intern(res, row, idx, PGC_GEO_TZ, st, &b->geo.time_zone))
		b->has_geo = true;

	if (pg_int(res, row, idx, PGC_NET_OPEN, &v) && v != 0)
		b->ex.open_connections = v;
	if (pg_int(res, row, idx, PGC_NET_CLOSED, &v) && v != 0)
		b->ex.closed_connection = v;
	if (pg_int(res, row, idx, PGC_NET_IN, &v) && v != 0)
		b->ex.bytes_in = v;
	if (pg_int(res, row, idx, PGC_NET_OUT, &v) && v != 0)
		b->ex.bytes_out = v;
	if (b->ex.open_connections != 0 || b->ex.closed_connection != 0 ||
	    b->ex.bytes_in != 0 || b->ex.bytes_out != 0) {
		b->rec.flags |= REC_NETWORK;
		b->has_extra = true;
	}
	if (pg_int(res, row, idx, PGC_LAT_TOTAL, &v))
		b->lat_total = v;
	if (pg_int(res, row, idx, PGC_LAT_UPSTREAM, &v))
		b->lat_upstream = v;
	if (pg_int(res, row, idx, PGC_LAT_GATEWAY, &v))
		b->lat_gateway = v;
	if ((s = pg_val(res, row, idx, PGC_TAGS, &len)) != NULL && len != 0)
		pg_tags(b, s, len);
	pg_str(res, row, idx, PGC_ALIAS, st, b, RS_ALIAS);
	if (pg_bool(res, row, idx, PGC_TRACKPATH))
		b->rec.flags |= REC_TRACK_PATH;
	if ((s = pg_val(res, row, idx, PGC_EXPIREAT, &len)) != NULL &&
	    (prec = source_pg_time(s, len, &b->exp_sec, &b->exp_nsec)) >= 0) {
		b->exp_set = true;
		b->exp_prec = prec;
	}
	pg_str(res, row, idx, PGC_ORIGINALPATH, st, b, RS_ORIGINAL_PATH);
	pg_str(res, row, idx, PGC_LISTENPATH, st, b, RS_LISTEN_PATH);
	pg_stats(res, row, idx, st, b);
	return (*why != NULL ? -1 : 0);
}

/* ------------------------------------------------------------------ */
/* tyk_aggregated rows -> aggregate documents.                          */

/* One counter row, kept until the document is written. */
struct pg_aggrow {
	char		*dim;
	char		*value;
	bson_t		*counter;
};

struct pg_aggdoc {
	char		*org;
	int64_t		 ts;		/* unix seconds */
	int64_t		 lasttime;	/* ms, of the total */
	bool		 have_last;
	struct pg_aggrow *rows;
	size_t		 nrows;
};

/* The codes with a column of their own, in column order. */
static const struct {
	enum pga_col	 col;
	const char	*code;
} pg_codes[] = {
	{ PGA_CODE_400, "400" }, { PGA_CODE_401, "401" },
	{ PGA_CODE_403, "403" }, { PGA_CODE_404, "404" },
	{ PGA_CODE_429, "429" }, { PGA_CODE_500, "500" },
	{ PGA_CODE_501, "501" }, { PGA_CODE_502, "502" },
	{ PGA_CODE_503, "503" }, { PGA_CODE_504, "504" }
};

/* An empty document builder. */
struct pg_aggdoc *
source_pg_aggdoc_create(void)
{
	return (xcalloc(1, sizeof (struct pg_aggdoc)));
}

/* Forget the rows held. */
static void
pg_aggdoc_reset(struct pg_aggdoc *ad)
{
	size_t	 i;

	for (i = 0; i < ad->nrows; i++) {
		free(ad->rows[i].dim);
		free(ad->rows[i].value);
		bson_destroy(ad->rows[i].counter);
	}
	free(ad->rows);
	ad->rows = NULL;
	ad->nrows = 0;
	free(ad->org);
	ad->org = NULL;
	ad->have_last = false;
}

/* Free a builder. */
void
source_pg_aggdoc_free(struct pg_aggdoc *ad)
{
	if (ad == NULL)
		return;
	pg_aggdoc_reset(ad);
	free(ad);
}

/* A string column as a NUL-terminated copy ("" for NULL). */
static char *
pg_strdup(const PGresult *res, int row, const int *idx, int c)
{
	const char	*s;
	size_t		 len;
	char		*out;

	if ((s = pg_val(res, row, idx, c, &len)) == NULL)
		return (xstrdup(""));
	out = xmalloc(len + 1);
	memcpy(out, s, len);
	out[len] = '\0';
	return (out);
}

/* The counter document of one row (tyk-formats.md 5.1 keys). */
static bson_t *
pg_counter(const PGresult *res, int row, const int *idx, int64_t *last_ms,
    bool *have_last)
{
	static const struct {
		enum pga_col	 col;
		const char	*key;
		bool		 dbl;
	} f[] = {
		{ PGA_HITS, "hits", false },
		{ PGA_SUCCESS, "success", false },
		{ PGA_ERROR, "errortotal", false },
		{ PGA_REQUEST_TIME, "requesttime", true },
		{ PGA_TOTAL_REQUEST_TIME, "totalrequesttime", true },
		{ PGA_IDENTIFIER, NULL, false },
		{ PGA_OPEN, "openconnections", false },
		{ PGA_CLOSED, "closedconnections", false },
		{ PGA_BYTES_IN, "bytesin", false },
		{ PGA_BYTES_OUT, "bytesout", false },
		{ PGA_MAX_UPSTREAM, "maxupstreamlatency", false },
		{ PGA_MIN_UPSTREAM, "minupstreamlatency", false },
		{ PGA_TOTAL_UPSTREAM, "totalupstreamlatency", false },
		{ PGA_UPSTREAM, "upstreamlatency", true },
		{ PGA_MAX_LATENCY, "maxlatency", false },
		{ PGA_MIN_LATENCY, "minlatency", false },
		{ PGA_TOTAL_LATENCY, "totallatency", false },
		{ PGA_LATENCY, "latency", true }
	};
	bson_t		*c, em;
	const char	*s;
	size_t		 i, len;
	int64_t		 v, sec, hits = 0, errors = 0;
	uint32_t	 nsec;
	double		 d;

	c = bson_new();
	for (i = 0; i < sizeof f / sizeof f[0]; i++) {
		if (f[i].key == NULL) {
			s = pg_val(res, row, idx, PGA_IDENTIFIER, &len);
			bson_append_utf8(c, "identifier", -1, s != NULL ? s :
			    "", s != NULL ? (int)len : 0);
			s = pg_val(res, row, idx, PGA_HUMAN_IDENTIFIER, &len);
			bson_append_utf8(c, "humanidentifier", -1, s != NULL ?
			    s : "", s != NULL ? (int)len : 0);
			s = pg_val(res, row, idx, PGA_LAST_TIME, &len);
			if (s != NULL && source_pg_time(s, len, &sec,
			    &nsec) >= 0) {
				v = sec * 1000 + nsec / 1000000;
				bson_append_date_time(c, "lasttime", -1, v);
				*last_ms = v;
				*have_last = true;
			}
			continue;
		}
		/* A summary has no minimum (it needs the records). */
		if (idx[f[i].col] < 0 && (f[i].col == PGA_MIN_UPSTREAM ||
		    f[i].col == PGA_MIN_LATENCY))
			continue;
		if (f[i].dbl) {
			if (!pg_double(res, row, idx, f[i].col, &d))
				d = 0;
			bson_append_double(c, f[i].key, -1, d);
		} else {
			if (!pg_int(res, row, idx, f[i].col, &v))
				v = 0;
			/*
			 * Mongo has no minimum until a non-error hit
			 * (tyk-formats.md 5.1): the column is then 0.
			 */
			if (v == 0 && (f[i].col == PGA_MIN_UPSTREAM ||
			    f[i].col == PGA_MIN_LATENCY) && hits <= errors)
				continue;
			if (f[i].col == PGA_HITS)
				hits = v;
			else if (f[i].col == PGA_ERROR)
				errors = v;
			bson_append_int64(c, f[i].key, -1, v);
		}
	}
	/* The error map, from the columns that name one code. */
	bson_append_document_begin(c, "errormap", -1, &em);
	for (i = 0; i < sizeof pg_codes / sizeof pg_codes[0]; i++) {
		if (pg_int(res, row, idx, pg_codes[i].col, &v) && v != 0)
			bson_append_int64(&em, pg_codes[i].code, -1, v);
	}
	bson_append_document_end(c, &em);
	return (c);
}

/*
 * Add row to the document being built.  Returns false, adding nothing,
 * when the row belongs to another (org, bucket): take the document first.
 */
bool
source_pg_aggdoc_add(struct pg_aggdoc *ad, const PGresult *res, int row,
    const int *idx)
{
	struct pg_aggrow	*r;
	char			*org;
	int64_t			 ts = 0, last = 0;
	bool			 have_last = false;

	org = pg_strdup(res, row, idx, PGA_ORG_ID);
	if (!pg_int(res, row, idx, PGA_TIMESTAMP, &ts))
		ts = 0;
	if (ad->org != NULL && (strcmp(org, ad->org) != 0 || ts != ad->ts)) {
		free(org);
		return (false);
	}
	if (ad->org == NULL) {
		ad->org = org;
		ad->ts = ts;
	} else
		free(org);
	ad->rows = xreallocarray(ad->rows, ad->nrows + 1, sizeof *ad->rows);
	r = &ad->rows[ad->nrows++];
	r->dim = pg_strdup(res, row, idx, PGA_DIMENSION);
	r->value = pg_strdup(res, row, idx, PGA_DIMENSION_VALUE);
	r->counter = pg_counter(res, row, idx, &last, &have_last);
	if (*r->dim == '\0' && have_last) {
		ad->lasttime = last;
		ad->have_last = true;
	}
	return (true);
}

/* qsort: rows by dimension, then value. */
static int
pg_aggrow_cmp(const void *a, const void *b)
{
	const struct pg_aggrow	*x = a, *y = b;
	int			 c;

	if ((c = strcmp(x->dim, y->dim)) != 0)
		return (c);
	return (strcmp(x->value, y->value));
}

/*
 * The document of the rows added (NULL if none); the builder is empty
 * again.  Map keys are the stored values; keyendpoints and
 * oauthendpoints nest at the last dot of theirs.
 */
bson_t *
source_pg_aggdoc_take(struct pg_aggdoc *ad)
{
	bson_t		*doc, map, sub;
	size_t		 i, j;
	const char	*dot;
	char		*key;
	bool		 nested;

	if (ad->org == NULL)
		return (NULL);
	qsort(ad->rows, ad->nrows, sizeof *ad->rows, pg_aggrow_cmp);
	doc = bson_new();
	bson_append_utf8(doc, "orgid", -1, ad->org, -1);
	bson_append_date_time(doc, "timestamp", -1, ad->ts * 1000);
	if (ad->have_last)
		bson_append_date_time(doc, "lasttime", -1, ad->lasttime);
	for (i = 0; i < ad->nrows; i++) {
		if (*ad->rows[i].dim == '\0' &&
		    strcmp(ad->rows[i].value, "total") == 0) {
			bson_append_document(doc, "total", -1,
			    ad->rows[i].counter);
		}
	}
	for (i = 0; i < ad->nrows; i = j) {
		if (*ad->rows[i].dim == '\0') {
			j = i + 1;
			continue;
		}
		nested = strcmp(ad->rows[i].dim, "keyendpoints") == 0 ||
		    strcmp(ad->rows[i].dim, "oauthendpoints") == 0;
		bson_append_document_begin(doc, ad->rows[i].dim, -1, &map);
		for (j = i; j < ad->nrows && strcmp(ad->rows[j].dim,
		    ad->rows[i].dim) == 0; ) {
			dot = nested ? strrchr(ad->rows[j].value, '.') : NULL;
			if (dot == NULL) {
				bson_append_document(&map, ad->rows[j].value,
				    -1, ad->rows[j].counter);
				j++;
				continue;
			}
			/* Rows of one key are adjacent (sorted by value). */
			key = xmalloc((size_t)(dot - ad->rows[j].value) + 1);
			memcpy(key, ad->rows[j].value,
			    (size_t)(dot - ad->rows[j].value));
			key[dot - ad->rows[j].value] = '\0';
			bson_append_document_begin(&map, key, -1, &sub);
			while (j < ad->nrows && strcmp(ad->rows[j].dim,
			    ad->rows[i].dim) == 0 && (dot =
			    strrchr(ad->rows[j].value, '.')) != NULL &&
			    (size_t)(dot - ad->rows[j].value) ==
			    strlen(key) && strncmp(ad->rows[j].value, key,
			    strlen(key)) == 0) {
				bson_append_document(&sub, dot + 1, -1,
				    ad->rows[j].counter);
				j++;
			}
			bson_append_document_end(&map, &sub);
			free(key);
		}
		bson_append_document_end(doc, &map);
	}
	pg_aggdoc_reset(ad);
	return (doc);
}

/* ------------------------------------------------------------------ */
/* Arguments.                                                          */

/*
 * Is arg a libpq key=value connection string?  It starts with one of the
 * keywords an operator writes first (host=, dbname=, service=, ...).
 */
bool
source_pg_is_conninfo(const char *arg)
{
	static const char *const kw[] = { "host=", "hostaddr=", "port=",
	    "dbname=", "user=", "service=", "sslmode=", "passfile=",
	    "application_name=", "connect_timeout=" };
	size_t	 i;

	while (*arg == ' ')
		arg++;
	for (i = 0; i < sizeof kw / sizeof kw[0]; i++)
		if (strncmp(arg, kw[i], strlen(kw[i])) == 0)
			return (true);
	return (false);
}

/*
 * A key=value string without its password= option, token by token as
 * libpq's conninfo parser reads it (spaces around '=', quoted values,
 * backslash escapes in and out of quotes).  Returns an allocated string.
 */
static char *
pg_safe_conninfo(const char *arg)
{
	struct buf	 b;
	const char	*p = arg, *start, *kw, *kwend;
	bool		 drop;

	buf_init(&b);
	while (*p != '\0') {
		start = p;
		while (isspace((unsigned char)*p))
			p++;
		kw = p;
		while (*p != '\0' && *p != '=' && !isspace((unsigned char)*p))
			p++;
		kwend = p;
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '=') {
			p++;
			while (isspace((unsigned char)*p))
				p++;
			if (*p == '\'') {
				for (p++; *p != '\0' && *p != '\''; p++)
					if (*p == '\\' && p[1] != '\0')
						p++;
				if (*p == '\'')
					p++;
			} else {
				for (; *p != '\0' && !isspace((unsigned char)*p);
				    p++)
					if (*p == '\\' && p[1] != '\0')
						p++;
			}
		}
		drop = (size_t)(kwend - kw) == 8 && strncmp(kw, "password",
		    8) == 0;
		if (!drop)
			buf_add(&b, start, (size_t)(p - start));
		if (p == start)
			p++;	/* cannot happen: every pass moves */
	}
	buf_addc(&b, '\0');
	/* The separator of a dropped first option. */
	p = b.data;
	while (isspace((unsigned char)*p))
		p++;
	start = xstrdup(p);
	buf_clear(&b);
	return ((char *)start);
}

/* Is the n-byte query option at p password=... (its key %-decoded)? */
static bool
pg_query_password(const char *p, size_t n)
{
	static const char	 hex[] = "0123456789abcdef";
	const char		*want = "password", *h, *l;
	size_t			 i = 0, k = 0;

	while (i < n && p[i] != '=') {
		if (want[k] == '\0')
			return (false);
		if (p[i] == '%' && i + 2 < n &&
		    (h = strchr(hex, tolower((unsigned char)p[i + 1]))) !=
		    NULL && *h != '\0' && (l = strchr(hex,
		    tolower((unsigned char)p[i + 2]))) != NULL && *l != '\0') {
			if ((char)((h - hex) << 4 | (l - hex)) != want[k])
				return (false);
			i += 3;
		} else if (p[i++] != want[k])
			return (false);
		k++;
	}
	return (i < n && want[k] == '\0');
}

/*
 * A connection argument fit for messages: the URI's password is removed
 * (source_safe_arg), and so is a password= option, in a URI's query or in
 * a key=value string.  Returns an allocated string.
 */
char *
source_pg_safe_arg(const char *arg)
{
	struct buf	 b;
	char		*s;
	const char	*p, *q, *host;
	size_t		 n;

	if (strncmp(arg, "postgresql://", 13) != 0 &&
	    strncmp(arg, "postgres://", 11) != 0)
		return (pg_safe_conninfo(arg));
	/*
	 * Query options ("?a=1&password=x&b=2") start at the first '?'
	 * after the userinfo, which libpq ends at the first '@' before any
	 * '/' (a '?' may be in it).
	 */
	host = strstr(arg, "://") + 3;
	for (p = host; *p != '\0' && *p != '@' && *p != '/'; p++)
		/* nothing */;
	if (*p == '@')
		host = p + 1;
	buf_init(&b);
	if ((q = strchr(host, '?')) == NULL)
		buf_adds(&b, arg);
	else {
		buf_add(&b, arg, (size_t)(q - arg));
		for (p = q + 1; *p != '\0'; ) {
			n = strcspn(p, "&");
			if (!pg_query_password(p, n))
				buf_printf(&b, "%c%.*s", b.len > (size_t)(q -
				    arg) ? '&' : '?', (int)n, p);
			p += n;
			if (*p == '&')
				p++;
		}
	}
	buf_addc(&b, '\0');
	s = source_safe_arg(b.data);
	buf_clear(&b);
	return (s);
}
