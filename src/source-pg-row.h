/* SPDX-License-Identifier: ISC */
/*
 * The PostgreSQL source's rows (source-pg-row.c): the columns of the sql
 * and sql_aggregate pumps' tables (stores.md 2-3), a tyk_analytics row ->
 * a record, tyk_aggregated rows -> the aggregate documents Mongo holds
 * (tyk-formats.md 5.2), and PostgreSQL's timestamps.
 */
#ifndef SOURCE_PG_ROW_H
#define SOURCE_PG_ROW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <bson/bson.h>
#include <libpq-fe.h>

struct record_build;
struct store;

/* The columns of tyk_analytics (stores.md 2), in the pump's order. */
enum pg_col {
	PGC_METHOD, PGC_HOST, PGC_PATH, PGC_RAWPATH, PGC_CONTENTLENGTH,
	PGC_USERAGENT, PGC_DAY, PGC_MONTH, PGC_YEAR, PGC_HOUR,
	PGC_RESPONSECODE, PGC_APIKEY, PGC_TIMESTAMP, PGC_APIVERSION,
	PGC_API_NAME, PGC_APIID, PGC_ORGID, PGC_OAUTHID, PGC_REQUESTTIME,
	PGC_RAWREQUEST, PGC_RAWRESPONSE, PGC_IPADDRESS, PGC_GEO_ISO,
	PGC_GEO_ID, PGC_GEO_NAMES, PGC_GEO_LAT, PGC_GEO_LON, PGC_GEO_TZ,
	PGC_NET_OPEN, PGC_NET_CLOSED, PGC_NET_IN, PGC_NET_OUT,
	PGC_LAT_TOTAL, PGC_LAT_UPSTREAM, PGC_LAT_GATEWAY, PGC_TAGS,
	PGC_ALIAS, PGC_TRACKPATH, PGC_EXPIREAT, PGC_ORIGINALPATH,
	PGC_LISTENPATH, PGC_GQL_VARIABLES, PGC_GQL_ROOT_FIELDS,
	PGC_GQL_TYPES, PGC_GQL_ERRORS, PGC_GQL_OPTYPE, PGC_GQL_HAS_ERRORS,
	PGC_GQL_IS_GRAPHQL, PGC_MCP_IS_MCP, PGC_MCP_METHOD, PGC_MCP_PTYPE,
	PGC_MCP_PNAME,
	PGC_COUNT
};

/* The columns of tyk_aggregated (stores.md 3). */
enum pga_col {
	PGA_ID, PGA_HITS, PGA_SUCCESS, PGA_ERROR, PGA_REQUEST_TIME,
	PGA_TOTAL_REQUEST_TIME, PGA_IDENTIFIER, PGA_HUMAN_IDENTIFIER,
	PGA_LAST_TIME, PGA_OPEN, PGA_CLOSED, PGA_BYTES_IN, PGA_BYTES_OUT,
	PGA_MAX_UPSTREAM, PGA_MIN_UPSTREAM, PGA_TOTAL_UPSTREAM,
	PGA_UPSTREAM, PGA_MAX_LATENCY, PGA_MIN_LATENCY, PGA_TOTAL_LATENCY,
	PGA_LATENCY, PGA_ERROR_MAP, PGA_ERROR_LIST, PGA_TIMESTAMP,
	PGA_ORG_ID, PGA_DIMENSION, PGA_DIMENSION_VALUE,
	PGA_CODE_1X, PGA_CODE_200, PGA_CODE_201, PGA_CODE_2X, PGA_CODE_301,
	PGA_CODE_302, PGA_CODE_303, PGA_CODE_304, PGA_CODE_3X, PGA_CODE_400,
	PGA_CODE_401, PGA_CODE_403, PGA_CODE_404, PGA_CODE_429, PGA_CODE_4X,
	PGA_CODE_500, PGA_CODE_501, PGA_CODE_502, PGA_CODE_503, PGA_CODE_504,
	PGA_CODE_5X,
	PGA_COUNT
};

extern const char *const pg_col_names[PGC_COUNT];
extern const char *const pga_col_names[PGA_COUNT];

int		 source_pg_row(const PGresult *, int, const int *,
		    struct store *, struct record_build *, const char **);
int		 source_pg_time(const char *, size_t, int64_t *, uint32_t *);

/* tyk_aggregated rows of one (org, bucket) -> one aggregate document. */
struct pg_aggdoc;
struct pg_aggdoc *source_pg_aggdoc_create(void);
bool		 source_pg_aggdoc_add(struct pg_aggdoc *, const PGresult *,
		    int, const int *);
bson_t		*source_pg_aggdoc_take(struct pg_aggdoc *);
void		 source_pg_aggdoc_free(struct pg_aggdoc *);

#endif
