/* SPDX-License-Identifier: ISC */
/*
 * The PostgreSQL push-down: what of --since, --until and the filter
 * becomes a WHERE on the raw columns of tyk_analytics, and which day
 * shards (tyk_analytics_YYYYMMDD) a time range needs.
 *
 * Translated, when not negated: the time range (--since, --until, time,
 * since and until tokens; relative lower bounds count from a base the
 * caller knows, relative upper bounds are never pushed), status (numbers,
 * classes, ranges and lists: responsecode ranges; a range that holds 0 is
 * not pushed, a missing code decodes as 0), and the text tokens api
 * (apiid, api_name), org (orgid), key (apikey, alias), method (any case:
 * upper() on both sides), oauth (oauthid) and path (path, rawpath):
 * =value is an equality, a plain value strpos() > 0; an empty value is
 * not pushed (NULL and '' both decode as empty).  Every value is a bound
 * parameter ($n, text format), never pasted into the SQL.  A column the
 * table lacks (an older shard) is an empty field: an alternative on it
 * alone is FALSE.
 *
 * The translation selects a superset of what the filter selects (batch.c
 * matches every record against the whole filter again); when it selects
 * exactly that set (every predicate translated, nothing relative above),
 * source_pg_push_exact says so and the caller may push a LIMIT.
 */
#include "config.h"

#include "source-pg-query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "field.h"
#include "filter.h"
#include "options.h"
#include "timefmt.h"
#include "xmalloc.h"

#define PG_HOUR_NS	(3600 * 1000000000LL)
#define PG_DAY_SEC	86400
/* Zones are UTC-12 to UTC+14: a shard's day, seen from UTC. */
#define PG_ZONE_SLACK_NS	(14 * PG_HOUR_NS)

enum pg_cond_kind {
	PG_COND_STATUS,
	PG_COND_TEXT
};

struct pg_alt {
	enum filter_term_op	 op;
	int64_t			 lo, hi;
	char			*s;
	size_t			 len;
};

struct pg_cond {
	enum pg_cond_kind	 kind;
	enum pg_col		 cols[2];
	int			 ncols;
	bool			 caseless;
	struct pg_alt		*alts;
	size_t			 nalts;
};

struct pg_push {
	int64_t			 lo, hi;	/* ns, inclusive */
	bool			 rel;
	int64_t			 rel_lo;	/* offset from the base */
	struct pg_cond		*conds;
	size_t			 nconds;
	bool			 exact;
};

/* Saturating a + b. */
static int64_t
pg_add(int64_t a, int64_t b)
{
	if (b > 0 && a > INT64_MAX - b)
		return (INT64_MAX);
	if (b < 0 && a < INT64_MIN - b)
		return (INT64_MIN);
	return (a + b);
}

/* Add a text parameter; returns its number ($n), or 0 when full. */
int
source_pg_param(struct pg_params *p, const char *s, size_t len)
{
	char	*v;

	if (p->n == PG_PARAMS_MAX) {
		p->full = true;
		return (0);
	}
	v = xmalloc(len + 1);
	memcpy(v, s, len);
	v[len] = '\0';
	p->v[p->n++] = v;
	return (p->n);
}

/* Free the parameters. */
void
source_pg_params_clear(struct pg_params *p)
{
	int	 i;

	for (i = 0; i < p->n; i++)
		free(p->v[i]);
	p->n = 0;
	p->full = false;
}

/* Append name as a quoted identifier ("expireAt", "a""b"). */
void
source_pg_quote_ident(struct buf *b, const char *name)
{
	const char	*p;

	buf_addc(b, '"');
	for (p = name; *p != '\0'; p++) {
		if (*p == '"')
			buf_addc(b, '"');
		buf_addc(b, *p);
	}
	buf_addc(b, '"');
}

/* Narrow the time range by one time predicate; false if not pushed. */
static bool
pg_push_time(struct pg_push *pp, const struct filter *flt, size_t i,
    size_t nalts)
{
	struct filter_term	 t;

	if (nalts != 1)
		return (false);
	filter_term(flt, i, 0, &t);
	if (t.op != FILTER_TERM_RANGE)
		return (false);
	if (t.rel_lo) {
		/* The filter's now is 0 here: lo is the offset. */
		if (!pp->rel || t.lo > pp->rel_lo)
			pp->rel_lo = t.lo;
		pp->rel = true;
	} else if (t.lo > pp->lo)
		pp->lo = t.lo;
	if (t.rel_hi)
		return (false);
	if (t.hi < pp->hi)
		pp->hi = t.hi;
	return (true);
}

/* A new condition (its alternatives are added by the caller). */
static struct pg_cond *
pg_cond_new(struct pg_push *pp, enum pg_cond_kind kind, size_t nalts)
{
	struct pg_cond	*c;

	pp->conds = xreallocarray(pp->conds, pp->nconds + 1,
	    sizeof *pp->conds);
	c = &pp->conds[pp->nconds++];
	memset(c, 0, sizeof *c);
	c->kind = kind;
	c->alts = xcalloc(nalts, sizeof *c->alts);
	return (c);
}

/* A status predicate: every alternative a range without 0. */
static bool
pg_push_status(struct pg_push *pp, const struct filter *flt, size_t i,
    size_t nalts)
{
	struct filter_term	 t;
	struct pg_cond		*c;
	size_t			 j;

	for (j = 0; j < nalts; j++) {
		filter_term(flt, i, j, &t);
		if (t.op != FILTER_TERM_RANGE || (t.lo <= 0 && t.hi >= 0))
			return (false);
	}
	c = pg_cond_new(pp, PG_COND_STATUS, nalts);
	c->cols[0] = PGC_RESPONSECODE;
	c->ncols = 1;
	for (j = 0; j < nalts; j++) {
		filter_term(flt, i, j, &t);
		if (t.lo > t.hi)
			continue;	/* empty: matches nothing */
		c->alts[c->nalts].op = FILTER_TERM_RANGE;
		c->alts[c->nalts].lo = t.lo;
		c->alts[c->nalts].hi = t.hi;
		c->nalts++;
	}
	return (true);
}

/* Is len bytes at s plain ASCII without NUL (upper() folds it alone)? */
static bool
pg_ascii(const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		if (s[i] == '\0' || (unsigned char)s[i] >= 0x80)
			return (false);
	return (true);
}

/* A text predicate on one or two columns: equality or substring. */
static bool
pg_push_text(struct pg_push *pp, const struct filter *flt, size_t i,
    size_t nalts, enum pg_col c0, enum pg_col c1, int ncols, bool caseless,
    bool *exact)
{
	struct filter_term	 t;
	struct pg_cond		*c;
	size_t			 j;

	for (j = 0; j < nalts; j++) {
		filter_term(flt, i, j, &t);
		if ((t.op != FILTER_TERM_EXACT && t.op != FILTER_TERM_SUBSTR) ||
		    t.len == 0 || memchr(t.s, '\0', t.len) != NULL)
			return (false);
		/* upper() may fold more than ASCII: a superset then. */
		if (caseless && !pg_ascii(t.s, t.len))
			*exact = false;
	}
	c = pg_cond_new(pp, PG_COND_TEXT, nalts);
	c->cols[0] = c0;
	c->cols[1] = c1;
	c->ncols = ncols;
	c->caseless = caseless;
	for (j = 0; j < nalts; j++) {
		filter_term(flt, i, j, &t);
		c->alts[j].op = t.op;
		c->alts[j].s = xmalloc(t.len + 1);
		memcpy(c->alts[j].s, t.s, t.len);
		c->alts[j].s[t.len] = '\0';
		c->alts[j].len = t.len;
	}
	c->nalts = nalts;
	return (true);
}

/*
 * What of --since, --until and the filter can be pushed down.  flt may be
 * NULL; its relative times are moved (filter_set_now), so it must be the
 * caller's own copy.
 */
struct pg_push *
source_pg_push_create(const struct options *o, struct filter *flt)
{
	struct pg_push	*pp;
	int64_t		 lo0, hi0, lo1, hi1, until;
	const char	*err;
	size_t		 i, npreds, nalts;
	bool		 negate, ok, exact;
	int		 field;

	pp = xcalloc(1, sizeof *pp);
	pp->lo = INT64_MIN;
	pp->hi = INT64_MAX;
	pp->exact = o->filter == NULL || flt != NULL;

	/* --since/--until: relative when the result moves with now. */
	if (o->since != NULL && timefmt_parse(o->since, strlen(o->since), 0,
	    &lo0, &hi0, &err) == 0 && timefmt_parse(o->since,
	    strlen(o->since), 1000000000, &lo1, &hi1, &err) == 0) {
		if (lo0 != lo1) {
			pp->rel = true;
			pp->rel_lo = lo0;
		} else
			pp->lo = lo0;
	}
	if (o->until != NULL) {
		if (timefmt_parse(o->until, strlen(o->until), 0, &lo0, &hi0,
		    &err) == 0 && timefmt_parse(o->until, strlen(o->until),
		    1000000000, &lo1, &hi1, &err) == 0 && lo0 == lo1) {
			until = o->until[0] == '-' ? lo0 : hi0;	/* exclusive */
			if (until != INT64_MIN)
				pp->hi = until - 1;
		} else
			pp->exact = false;
	}

	if (flt == NULL)
		return (pp);
	filter_set_now(flt, 0);
	npreds = filter_npredicates(flt);
	for (i = 0; i < npreds; i++) {
		field = filter_predicate(flt, i, &negate, &nalts);
		ok = false;
		exact = true;
		if (negate || nalts == 0) {
			pp->exact = false;
			continue;
		}
		switch (field) {
		case FIELD_TIME:
		case FIELD_SINCE:
		case FIELD_UNTIL:
			ok = pg_push_time(pp, flt, i, nalts);
			break;
		case FIELD_STATUS:
			ok = pg_push_status(pp, flt, i, nalts);
			break;
		case FIELD_ORG:
			ok = pg_push_text(pp, flt, i, nalts, PGC_ORGID,
			    PGC_ORGID, 1, false, &exact);
			break;
		case FIELD_API:
			ok = pg_push_text(pp, flt, i, nalts, PGC_APIID,
			    PGC_API_NAME, 2, false, &exact);
			break;
		case FIELD_KEY:
			ok = pg_push_text(pp, flt, i, nalts, PGC_APIKEY,
			    PGC_ALIAS, 2, false, &exact);
			break;
		case FIELD_METHOD:
			ok = pg_push_text(pp, flt, i, nalts, PGC_METHOD,
			    PGC_METHOD, 1, true, &exact);
			break;
		case FIELD_OAUTH:
			ok = pg_push_text(pp, flt, i, nalts, PGC_OAUTHID,
			    PGC_OAUTHID, 1, false, &exact);
			break;
		case FIELD_PATH:
			ok = pg_push_text(pp, flt, i, nalts, PGC_PATH,
			    PGC_RAWPATH, 2, false, &exact);
			break;
		default:
			break;
		}
		if (!ok || !exact)
			pp->exact = false;
	}
	return (pp);
}

/* Free a push-down. */
void
source_pg_push_free(struct pg_push *pp)
{
	size_t	 i, j;

	if (pp == NULL)
		return;
	for (i = 0; i < pp->nconds; i++) {
		for (j = 0; j < pp->conds[i].nalts; j++)
			free(pp->conds[i].alts[j].s);
		free(pp->conds[i].alts);
	}
	free(pp->conds);
	free(pp);
}

/* Does the push-down have a relative lower bound (needs a base)? */
bool
source_pg_push_relative(const struct pg_push *pp)
{
	return (pp->rel);
}

/* Does the WHERE select exactly what the filter and range select? */
bool
source_pg_push_exact(const struct pg_push *pp)
{
	return (pp->exact && !pp->rel);
}

/* Was every predicate translated exactly (relative bounds or not)? */
bool
source_pg_push_whole(const struct pg_push *pp)
{
	return (pp->exact);
}

/* The time range (ns, inclusive), relative bounds counted from base. */
void
source_pg_push_range(const struct pg_push *pp, int64_t base, int64_t *lo,
    int64_t *hi)
{
	int64_t	 rlo;

	*lo = pp->lo;
	*hi = pp->hi;
	if (pp->rel && base != PG_BASE_UNKNOWN) {
		rlo = pg_add(base, pp->rel_lo);
		if (rlo > *lo)
			*lo = rlo;
	}
}

/* A time (ns) as a timestamptz parameter, microseconds, UTC. */
static int
pg_param_time(struct pg_params *p, int64_t ns)
{
	char	 t[TIMEFMT_MAX];
	int64_t	 sec = ns / 1000000000, rem = ns % 1000000000;
	size_t	 len;

	if (rem < 0) {
		rem += 1000000000;
		sec--;
	}
	len = timefmt_rfc3339(t, sizeof t, sec, (uint32_t)rem, 6);
	return (source_pg_param(p, t, len));
}

/* An integer parameter. */
static int
pg_param_int(struct pg_params *p, int64_t v)
{
	char	 t[32];
	int	 n;

	n = snprintf(t, sizeof t, "%lld", (long long)v);
	return (source_pg_param(p, t, (size_t)n));
}

/* Append " AND " unless this is the first condition. */
static void
pg_and(struct buf *b, bool *first)
{
	buf_adds(b, *first ? " WHERE " : " AND ");
	*first = false;
}

/* One text alternative on column col. */
static void
pg_where_text(struct buf *b, struct pg_params *p, const struct pg_cond *c,
    const struct pg_alt *a, enum pg_col col)
{
	int	 n;

	n = source_pg_param(p, a->s, a->len);
	if (c->caseless && a->op == FILTER_TERM_EXACT) {
		buf_adds(b, "upper(");
		source_pg_quote_ident(b, pg_col_names[col]);
		buf_printf(b, ") = upper($%d::text)", n);
	} else if (c->caseless) {
		buf_adds(b, "strpos(upper(");
		source_pg_quote_ident(b, pg_col_names[col]);
		buf_printf(b, "), upper($%d::text)) > 0", n);
	} else if (a->op == FILTER_TERM_EXACT) {
		source_pg_quote_ident(b, pg_col_names[col]);
		buf_printf(b, " = $%d::text", n);
	} else {
		buf_adds(b, "strpos(");
		source_pg_quote_ident(b, pg_col_names[col]);
		buf_printf(b, ", $%d::text) > 0", n);
	}
}

/* One condition, as a parenthesised OR (FALSE when nothing can match). */
static void
pg_where_cond(struct buf *b, struct pg_params *p, const struct pg_cond *c,
    const bool *have)
{
	const struct pg_alt	*a;
	size_t			 j;
	int			 k, n = 0;

	buf_addc(b, '(');
	for (j = 0; j < c->nalts; j++) {
		a = &c->alts[j];
		for (k = 0; k < c->ncols; k++) {
			if (!have[c->cols[k]])
				continue;	/* an empty field */
			if (n++ != 0)
				buf_adds(b, " OR ");
			if (c->kind == PG_COND_TEXT) {
				pg_where_text(b, p, c, a, c->cols[k]);
				continue;
			}
			if (a->lo == a->hi)
				buf_printf(b, "\"responsecode\" = $%d::bigint",
				    pg_param_int(p, a->lo));
			else if (a->lo == INT64_MIN)
				buf_printf(b, "\"responsecode\" <= $%d::bigint",
				    pg_param_int(p, a->hi));
			else if (a->hi == INT64_MAX)
				buf_printf(b, "\"responsecode\" >= $%d::bigint",
				    pg_param_int(p, a->lo));
			else {
				buf_printf(b, "\"responsecode\" BETWEEN "
				    "$%d::bigint", pg_param_int(p, a->lo));
				buf_printf(b, " AND $%d::bigint",
				    pg_param_int(p, a->hi));
			}
		}
	}
	if (n == 0)
		buf_adds(b, "FALSE");
	buf_addc(b, ')');
}

/*
 * Append the WHERE clause (nothing when there is no condition) for a
 * table with the columns in have (NULL: an aggregate table, where only
 * the time range applies, on its bigint timestamp, widened by an hour
 * below: a bucket starts before what it counts).  Relative bounds count
 * from base.  Parameters are added to p.
 */
void
source_pg_push_where(const struct pg_push *pp, const bool *have,
    int64_t base, bool agg, struct buf *b, struct pg_params *p)
{
	int64_t	 lo, hi, s;
	size_t	 i;
	bool	 first = true;

	source_pg_push_range(pp, base, &lo, &hi);
	if (agg) {
		if (lo != INT64_MIN) {
			lo = pg_add(lo, -PG_HOUR_NS);
			s = lo / 1000000000 - (lo % 1000000000 < 0);
			pg_and(b, &first);
			buf_printf(b, "\"timestamp\" >= $%d::bigint",
			    pg_param_int(p, s));
		}
		if (hi != INT64_MAX) {
			s = hi / 1000000000 - (hi % 1000000000 < 0);
			pg_and(b, &first);
			buf_printf(b, "\"timestamp\" <= $%d::bigint",
			    pg_param_int(p, s));
		}
		return;
	}
	if (lo != INT64_MIN || hi != INT64_MAX) {
		pg_and(b, &first);
		if (!have[PGC_TIMESTAMP]) {
			buf_adds(b, "FALSE");
			return;
		}
	}
	if (lo != INT64_MIN) {
		/* Microseconds: round the lower bound up. */
		if (lo % 1000 != 0)
			lo = pg_add(lo, lo % 1000 > 0 ? 1000 - lo % 1000 :
			    -(lo % 1000));
		buf_printf(b, "\"timestamp\" >= $%d::timestamptz",
		    pg_param_time(p, lo));
	}
	if (hi != INT64_MAX) {
		if (lo != INT64_MIN)
			buf_adds(b, " AND ");
		buf_printf(b, "\"timestamp\" <= $%d::timestamptz",
		    pg_param_time(p, hi));
	}
	for (i = 0; i < pp->nconds; i++) {
		pg_and(b, &first);
		pg_where_cond(b, p, &pp->conds[i], have);
	}
}

/*
 * Is name prefix_YYYYMMDD, a day shard?  *day gets the Unix time of the
 * day's start, UTC.
 */
bool
source_pg_shard_day(const char *name, const char *prefix, int64_t *day)
{
	size_t		 n = strlen(prefix), i;
	const char	*d;
	int		 y, m, dd;

	if (strncmp(name, prefix, n) != 0 || name[n] != '_' ||
	    strlen(name + n + 1) != 8)
		return (false);
	d = name + n + 1;
	for (i = 0; i < 8; i++)
		if (d[i] < '0' || d[i] > '9')
			return (false);
	y = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 +
	    (d[3] - '0');
	m = (d[4] - '0') * 10 + (d[5] - '0');
	dd = (d[6] - '0') * 10 + (d[7] - '0');
	if (m < 1 || m > 12 || dd < 1 || dd > 31)
		return (false);
	*day = timefmt_days_from_civil(y, (unsigned)m, (unsigned)dd) *
	    PG_DAY_SEC;
	return (true);
}

/*
 * Can the shard of the day starting at day (Unix seconds) hold a record
 * in [lo, hi] (ns)?  The shard's date is the record's in its own zone, so
 * its records lie up to 14 hours either side of the UTC day.
 */
bool
source_pg_shard_wanted(int64_t day, int64_t lo, int64_t hi)
{
	int64_t	 start, end;

	if (day > INT64_MAX / 1000000000 - 2 * PG_DAY_SEC ||
	    day < INT64_MIN / 1000000000 + 2 * PG_DAY_SEC)
		return (true);
	start = day * 1000000000 - PG_ZONE_SLACK_NS;
	end = (day + PG_DAY_SEC) * 1000000000 + PG_ZONE_SLACK_NS;
	return (hi >= start && lo < end);
}
