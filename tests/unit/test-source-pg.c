/* SPDX-License-Identifier: ISC */
/*
 * The PostgreSQL source's pure parts: the argument without its password,
 * key=value detection, the push-down into a parametrised WHERE, the LIMIT
 * rule, day shards and timestamp parsing.  (Talking to a server is
 * tests/integration/run-pg.sh.)
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "filter.h"
#include "options.h"
#include "source-pg-query.h"
#include "source-pg-row.h"
#include "source.h"
#include "unit.h"

/* 2024-02-29T10:00:00Z in ns. */
#define T0	(1709200800LL * 1000000000LL)

static void
test_safe_arg(void **state)
{
	static const char *const cases[][2] = {
		{ "postgresql://h/db", "postgresql://h/db" },
		{ "postgresql://u:pw@h:5432/db?sslmode=require",
		    "postgresql://u@h:5432/db?sslmode=require" },
		{ "postgres://u:Se/cr@et@h/db", "postgres://u@h/db" },
		{ "postgresql://u@h/db?password=pw", "postgresql://u@h/db" },
		{ "postgresql://u@h/db?password=pw&sslmode=disable",
		    "postgresql://u@h/db?sslmode=disable" },
		{ "postgresql://u@h/db?sslmode=disable&password=pw",
		    "postgresql://u@h/db?sslmode=disable" },
		{ "postgresql://u@/db?host=/run/postgresql",
		    "postgresql://u@/db?host=/run/postgresql" },
		{ "host=h dbname=d password=pw user=u",
		    "host=h dbname=d user=u" },
		{ "host=h password = 'p w\\'x' user=u", "host=h user=u" },
		{ "host=h user=u password=pw", "host=h user=u" },
		{ "host=h mypassword=x", "host=h mypassword=x" },
		{ "password=pw host=h", "host=h" },
		{ "host=h password=\fpw\\ x user=u", "host=h user=u" },
		{ "postgresql://h/db?pass%77ord=pw&a=1", "postgresql://h/db?a=1" },
		{ "postgresql://u?x@h/db?password=pw", "postgresql://u?x@h/db" },
		{ "host=h dbname=postgresql://u:pw@x", "host=h "
		    "dbname=postgresql://u:pw@x" },
	};
	size_t	 i;
	char	*s;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		s = source_pg_safe_arg(cases[i][0]);
		assert_string_equal(s, cases[i][1]);
		free(s);
	}
}

static void
test_conninfo(void **state)
{
	(void)state;
	assert_true(source_pg_is_conninfo("host=/tmp dbname=tyk"));
	assert_true(source_pg_is_conninfo("dbname=tyk"));
	assert_true(source_pg_is_conninfo("service=tyk"));
	assert_false(source_pg_is_conninfo("dump/tyk_analytics.bson"));
	assert_false(source_pg_is_conninfo("hostile.bson"));
	assert_false(source_pg_is_conninfo("-"));
}

/* The WHERE and its parameters ("$1=v1 $2=v2") for a full table. */
static void
expect(const char *expr, const char *since, const char *until, int64_t base,
    bool agg, const char *want, const char *wantp, bool exact)
{
	struct options		 o;
	struct filter		*f = NULL;
	struct pg_push		*pp;
	struct pg_params	 p;
	struct buf		 b, pb;
	bool			 have[PGC_COUNT];
	char			*cause = NULL;
	int			 i;

	memset(&o, 0, sizeof o);
	o.since = (char *)since;
	o.until = (char *)until;
	o.filter = (char *)expr;
	if (expr != NULL)
		assert_int_equal(filter_compile(expr, T0, &f, &cause, NULL), 0);
	for (i = 0; i < PGC_COUNT; i++)
		have[i] = i != PGC_LAT_GATEWAY && i != PGC_ALIAS;
	memset(&p, 0, sizeof p);
	buf_init(&b);
	buf_init(&pb);
	pp = source_pg_push_create(&o, f);
	source_pg_push_where(pp, agg ? NULL : have, base, agg, &b, &p);
	buf_addc(&b, '\0');
	for (i = 0; i < p.n; i++)
		buf_printf(&pb, "%s$%d=%s", i > 0 ? " " : "", i + 1, p.v[i]);
	buf_addc(&pb, '\0');
	assert_string_equal(b.data, want);
	assert_string_equal(pb.data, wantp);
	if (exact)
		assert_true(source_pg_push_exact(pp));
	else
		assert_false(source_pg_push_exact(pp));
	source_pg_params_clear(&p);
	source_pg_push_free(pp);
	filter_free(f);
	buf_clear(&b);
	buf_clear(&pb);
}

static void
test_push_fields(void **state)
{
	(void)state;
	expect(NULL, NULL, NULL, PG_BASE_UNKNOWN, false, "", "", true);
	expect("status:5xx", NULL, NULL, PG_BASE_UNKNOWN, false,
	    " WHERE (\"responsecode\" BETWEEN $1::bigint AND $2::bigint)",
	    "$1=500 $2=599", true);
	expect("status:404|>=500", NULL, NULL, PG_BASE_UNKNOWN, false,
	    " WHERE (\"responsecode\" = $1::bigint OR \"responsecode\" >= "
	    "$2::bigint)", "$1=404 $2=500", true);
	/* A range holding 0 (a missing code): not pushed. */
	expect("status:<300", NULL, NULL, PG_BASE_UNKNOWN, false, "", "",
	    false);
	/* The alias column is absent: only apikey. */
	expect("key:=k1 org:o'1", NULL, NULL, PG_BASE_UNKNOWN, false,
	    " WHERE (\"apikey\" = $1::text) AND (strpos(\"orgid\", $2::text) "
	    "> 0)", "$1=k1 $2=o'1", true);
	expect("method:post", NULL, NULL, PG_BASE_UNKNOWN, false,
	    " WHERE (strpos(upper(\"method\"), upper($1::text)) > 0)",
	    "$1=post", true);
	expect("path:=/a|=/b", NULL, NULL, PG_BASE_UNKNOWN, false,
	    " WHERE (\"path\" = $1::text OR \"rawpath\" = $2::text OR "
	    "\"path\" = $3::text OR \"rawpath\" = $4::text)",
	    "$1=/a $2=/a $3=/b $4=/b", true);
	/* Negated, regex, empty and unindexed tokens: local only. */
	expect("!status:200 api:~^x key:= ua:curl", NULL, NULL,
	    PG_BASE_UNKNOWN, false, "", "", false);
	/* The absent alias column is left out of the OR. */
	expect("key:=x", NULL, NULL, PG_BASE_UNKNOWN, false,
	    " WHERE (\"apikey\" = $1::text)", "$1=x", true);
}

static void
test_push_time(void **state)
{
	(void)state;
	expect(NULL, "2024-02-29T10:00:30.0000015Z", "2024-02-29T10:01",
	    PG_BASE_UNKNOWN, false, " WHERE \"timestamp\" >= $1::timestamptz"
	    " AND \"timestamp\" <= $2::timestamptz",
	    "$1=2024-02-29T10:00:30.000002Z $2=2024-02-29T10:01:59.999999Z",
	    true);
	/* Relative: pushed from a base, never exact (no LIMIT). */
	expect("since:-15m", NULL, NULL, PG_BASE_UNKNOWN, false, "", "",
	    false);
	expect(NULL, "-1h", NULL, T0, false,
	    " WHERE \"timestamp\" >= $1::timestamptz",
	    "$1=2024-02-29T09:00:00.000000Z", false);
	/* Aggregates: bigint seconds, an hour earlier. */
	expect("status:500", "2024-02-29T10:00:30Z", NULL, PG_BASE_UNKNOWN,
	    true, " WHERE \"timestamp\" >= $1::bigint", "$1=1709197230",
	    true);
}

static void
test_shards(void **state)
{
	int64_t	 day;

	(void)state;
	assert_true(source_pg_shard_day("tyk_analytics_20240229",
	    "tyk_analytics", &day));
	assert_int_equal(day, 1709164800);
	assert_false(source_pg_shard_day("tyk_analytics", "tyk_analytics",
	    &day));
	assert_false(source_pg_shard_day("tyk_analytics_2024022",
	    "tyk_analytics", &day));
	assert_false(source_pg_shard_day("tyk_analytics_20241301",
	    "tyk_analytics", &day));
	/* Records of the day in zones UTC-12 to UTC+14. */
	assert_true(source_pg_shard_wanted(1709164800, T0, T0));
	assert_true(source_pg_shard_wanted(1709164800,
	    (1709164800LL + 86400 + 13 * 3600) * 1000000000LL, INT64_MAX));
	assert_false(source_pg_shard_wanted(1709164800,
	    (1709164800LL + 86400 + 15 * 3600) * 1000000000LL, INT64_MAX));
	assert_false(source_pg_shard_wanted(1709164800, INT64_MIN,
	    (1709164800LL - 15 * 3600) * 1000000000LL));
}

static void
test_time(void **state)
{
	int64_t		 sec;
	uint32_t	 nsec;
	const char	*s;

	(void)state;
	s = "2024-02-29 10:00:00.123456+00";
	assert_int_equal(source_pg_time(s, strlen(s), &sec, &nsec), 6);
	assert_int_equal(sec, 1709200800);
	assert_int_equal(nsec, 123456000);
	s = "2024-02-29 10:00:00.12+00";
	assert_int_equal(source_pg_time(s, strlen(s), &sec, &nsec), 3);
	assert_int_equal(nsec, 120000000);
	s = "2024-02-29 12:30:00+02:30";
	assert_int_equal(source_pg_time(s, strlen(s), &sec, &nsec), 3);
	assert_int_equal(sec, 1709200800);
	s = "0001-01-01 00:00:00+00";
	assert_int_equal(source_pg_time(s, strlen(s), &sec, &nsec), 3);
	assert_int_equal(sec, -62135596800LL);
	s = "infinity";
	assert_int_equal(source_pg_time(s, strlen(s), &sec, &nsec), -1);
	s = "0044-03-15 00:00:00+00 BC";
	assert_int_equal(source_pg_time(s, strlen(s), &sec, &nsec), -1);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_safe_arg),
	cmocka_unit_test(test_conninfo),
	cmocka_unit_test(test_push_fields),
	cmocka_unit_test(test_push_time),
	cmocka_unit_test(test_shards),
	cmocka_unit_test(test_time),
};
UNIT_MAIN(tests)
