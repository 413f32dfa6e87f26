/* SPDX-License-Identifier: ISC */
/*
 * The PostgreSQL source's push-down (source-pg-query.c): --since, --until
 * and the filter as a WHERE of bound parameters on the raw columns, and
 * the day shards a time range needs.
 */
#ifndef SOURCE_PG_QUERY_H
#define SOURCE_PG_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bytes.h"
#include "source-pg-row.h"

struct filter;
struct options;

/* A relative-time base that is not known (nothing relative is pushed). */
#define PG_BASE_UNKNOWN	INT64_MIN

/* Bound parameters of a query, as text (libpq's text format). */
#define PG_PARAMS_MAX	256
struct pg_params {
	char		*v[PG_PARAMS_MAX];
	int		 n;
	bool		 full;		/* a condition did not fit */
};

struct pg_push;

struct pg_push	*source_pg_push_create(const struct options *,
		    struct filter *);
void		 source_pg_push_free(struct pg_push *);
bool		 source_pg_push_relative(const struct pg_push *);
bool		 source_pg_push_exact(const struct pg_push *);
bool		 source_pg_push_whole(const struct pg_push *);
void		 source_pg_push_range(const struct pg_push *, int64_t,
		    int64_t *, int64_t *);
void		 source_pg_push_where(const struct pg_push *, const bool *,
		    int64_t, bool, struct buf *, struct pg_params *);
bool		 source_pg_shard_day(const char *, const char *, int64_t *);
bool		 source_pg_shard_wanted(int64_t, int64_t, int64_t);
int		 source_pg_param(struct pg_params *, const char *, size_t);
void		 source_pg_params_clear(struct pg_params *);
void		 source_pg_quote_ident(struct buf *, const char *);

#endif
