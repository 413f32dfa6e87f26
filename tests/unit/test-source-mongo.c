/* SPDX-License-Identifier: ISC */
/*
 * The live MongoDB source's pure parts: the URI without its password and
 * the push-down of --since/--until and the filter into a find filter.
 * (Talking to a server is tests/integration/run-mongo.sh.)
 */
#include "config.h"

#include <stdlib.h>

#include <bson/bson.h>

#include "filter.h"
#include "options.h"
#include "source-mongo-push.h"
#include "source-mongo.h"
#include "source.h"
#include "unit.h"

/* 2024-02-29T10:00:00Z in ns. */
#define T0	(1709200800LL * 1000000000LL)

static void
test_safe_arg(void **state)
{
	static const char *const cases[][2] = {
		{ "mongodb://h/db", "mongodb://h/db" },
		{ "mongodb://u@h/db", "mongodb://u@h/db" },
		{ "mongodb://u:pw@h:27017/db?x=1",
		    "mongodb://u@h:27017/db?x=1" },
		{ "mongodb+srv://u:p@ss@cluster/db", "mongodb+srv://u@cluster/db" },
		{ "mongodb://h1,h2/db?authSource=a@b", "mongodb://h1,h2/db?"
		    "authSource=a@b" },
		{ "redis://:secret@h:6379/0", "redis://@h:6379/0" },
		{ "mongodb://u:Se/cr@h/db", "mongodb://u@h/db" },
		{ "mongodb://u:Se/cr@et:77@h:1/db?w=1", "mongodb://u@h:1/db?w=1" },
		{ "mongodb://u:a/b/c@h1,h2/db", "mongodb://u@h1,h2/db" },
		{ "mongodb://u:pa#s?s@h/db?w=1", "mongodb://u@h/db?w=1" },
		{ "mongodb://u?x:sslcert@h", "mongodb://u?x@h" },
		{ "redis://u:pa?s#s@h/1", "redis://u@h/1" },
		{ "unix:///run/a:b@c.sock", "unix:///run/a:b@c.sock" },
		{ "dump/tyk_analytics", "dump/tyk_analytics" },
	};
	size_t	 i;
	char	*s;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		s = source_safe_arg(cases[i][0]);
		assert_string_equal(s, cases[i][1]);
		free(s);
	}
}

/* No piece of the password "Se/cr@et:77" is in s. */
static void
no_secret(const char *s)
{
	static const char *const pieces[] = { "Se/cr", "cr@et", "Se/",
	    "/cr", "et:77", "Se%2F" };
	size_t	 i;

	for (i = 0; i < sizeof pieces / sizeof pieces[0]; i++)
		if (strstr(s, pieces[i]) != NULL)
			fail_msg("password piece '%s' in '%s'", pieces[i], s);
}

/* A bad URI with a password holding '/' and '@': the error hides it. */
static void
test_bad_uri_secret(void **state)
{
	static const char *const uris[] = {
		"mongodb://viewer:Se/cr@et:77@h:notaport/db",
		"mongodb://viewer:Se/cr@et:77@/db",
		"mongodb://viewer:Se/cr@et:77@h/d/b",
		"mongodb://viewer:Se/cr@et:77@h/db?tls=maybe",
		"mongodb://viewer:Se%2Fcr%40et%3A77@h:x/db",
		"mongodb+srv://viewer:Se/cr@et:77@h:1/db",
	};
	struct options	 o;
	struct source	*s;
	size_t		 i;
	char		*cause, *safe;

	memset(&o, 0, sizeof o);
	o.batch = true;
	for (i = 0; i < sizeof uris / sizeof uris[0]; i++) {
		cause = NULL;
		s = source_open(uris[i], &o, NULL, &cause);
		if (s != NULL)
			fail_msg("%s: opened", uris[i]);
		assert_non_null(cause);
		no_secret(cause);
		safe = source_safe_arg(uris[i]);
		no_secret(safe);
		free(safe);
		free(cause);
	}
}

/* The find filter for expr, --since, --until as relaxed JSON. */
static char *
query(const char *expr, const char *since, const char *until, int64_t base,
    bool agg)
{
	struct options		 o;
	struct filter		*f = NULL;
	struct mongo_push	*mp;
	bson_t			 q = BSON_INITIALIZER;
	char			*cause = NULL, *json, *s;

	memset(&o, 0, sizeof o);
	o.since = (char *)since;
	o.until = (char *)until;
	if (expr != NULL)
		assert_int_equal(filter_compile(expr, T0, &f, &cause, NULL), 0);
	mp = source_mongo_push_create(&o, f);
	source_mongo_push_query(mp, base, agg, &q);
	json = bson_as_relaxed_extended_json(&q, NULL);
	s = strdup(json);
	bson_free(json);
	bson_destroy(&q);
	source_mongo_push_free(mp);
	filter_free(f);
	return (s);
}

static void
expect(const char *expr, const char *since, const char *until, int64_t base,
    bool agg, const char *want)
{
	char	*got;

	got = query(expr, since, until, base, agg);
	assert_string_equal(got, want);
	free(got);
}

static void
test_push_none(void **state)
{
	expect(NULL, NULL, NULL, MONGO_BASE_UNKNOWN, false, "{ }");
	/* Nothing indexed, negated, regex, or holding 0 / the empty key. */
	expect("method:GET !status:200 path:~^/v1 status:<=300 key:= "
	    "api:~x", NULL, NULL, MONGO_BASE_UNKNOWN, false, "{ }");
	/* An empty range ($or must not be empty). */
	expect("status:>9223372036854775807", NULL, NULL, MONGO_BASE_UNKNOWN,
	    false, "{ }");
}

static void
test_push_fields(void **state)
{
	expect("status:5xx|404 org:=o1", NULL, NULL, MONGO_BASE_UNKNOWN,
	    false, "{ \"$and\" : [ { \"$or\" : [ { \"responsecode\" : "
	    "{ \"$gte\" : 500, \"$lte\" : 599 } }, { \"responsecode\" : 404 "
	    "} ] }, { \"$or\" : [ { \"orgid\" : \"o1\" } ] } ] }");
	expect("status:>=400 key:a.b", NULL, NULL, MONGO_BASE_UNKNOWN, false,
	    "{ \"$and\" : [ { \"$or\" : [ { \"responsecode\" : { \"$gte\" : "
	    "400 } } ] }, { \"$or\" : [ { \"apikey\" : { \"$regex\" : "
	    "\"a\\\\.b\" } }, { \"alias\" : { \"$regex\" : \"a\\\\.b\" } } ] "
	    "} ] }");
	expect("api:=x|=y", NULL, NULL, MONGO_BASE_UNKNOWN, false,
	    "{ \"$and\" : [ { \"$or\" : [ { \"apiid\" : \"x\" }, { \"apiid\" "
	    ": \"y\" }, { \"apiname\" : \"x\" }, { \"apiname\" : \"y\" } ] } "
	    "] }");
	/* Aggregate documents get the time range only. */
	expect("status:500", NULL, NULL, MONGO_BASE_UNKNOWN, true, "{ }");
}

static void
test_push_time(void **state)
{
	const char	*range = "{ \"$and\" : [ { \"timestamp\" : { \"$gte\" : "
	    "{ \"$date\" : \"2024-02-29T10:00:30Z\" }, \"$lte\" : { \"$date\" : "
	    "\"2024-02-29T10:00:59.999Z\" } } } ] }";

	/* --since/--until (exclusive end) and the same as tokens. */
	expect(NULL, "2024-02-29T10:00:30Z", "2024-02-29T10:01:00Z",
	    MONGO_BASE_UNKNOWN, false, "{ \"$and\" : [ { \"timestamp\" : { "
	    "\"$gte\" : { \"$date\" : \"2024-02-29T10:00:30Z\" }, \"$lte\" : "
	    "{ \"$date\" : \"2024-02-29T10:01:00.999Z\" } } } ] }");
	expect("since:2024-02-29T10:00:30Z until:2024-02-29T10:00:59Z", NULL,
	    NULL, MONGO_BASE_UNKNOWN, false, range);
	/* The narrowest of several bounds wins. */
	expect("since:2024-02-29T10:00:30Z", "2024-02-29T09:00:00Z",
	    NULL, MONGO_BASE_UNKNOWN, false, "{ \"$and\" : [ { \"timestamp\" "
	    ": { \"$gte\" : { \"$date\" : \"2024-02-29T10:00:30Z\" } } } ] }");
	/* Aggregates: an hour earlier, for the bucket holding the start. */
	expect("since:2024-02-29T10:00:30Z", NULL, NULL, MONGO_BASE_UNKNOWN,
	    true, "{ \"$and\" : [ { \"timestamp\" : { \"$gte\" : { \"$date\" "
	    ": \"2024-02-29T09:00:30Z\" } } } ] }");
	/* Relative lower bounds need a base; relative upper bounds never. */
	expect("since:-15m", NULL, "-5m", MONGO_BASE_UNKNOWN, false, "{ }");
	expect("since:-15m", NULL, "-5m", T0, false, "{ \"$and\" : [ { "
	    "\"timestamp\" : { \"$gte\" : { \"$date\" : "
	    "\"2024-02-29T09:45:00Z\" } } } ] }");
	expect(NULL, "-1h", NULL, T0, false, "{ \"$and\" : [ { \"timestamp\" "
	    ": { \"$gte\" : { \"$date\" : \"2024-02-29T09:00:00Z\" } } } ] }");
	/* Several alternatives of a time token: not pushed. */
	expect("time:2024-02-29T10|2024-02-29T12", NULL, NULL,
	    MONGO_BASE_UNKNOWN, false, "{ }");
}

/* Is the whole of expr (and --until) pushed (what --summary needs)? */
static bool
whole(const char *expr, const char *until)
{
	struct options		 o;
	struct filter		*f = NULL;
	struct mongo_push	*mp;
	char			*cause = NULL;
	bool			 w;

	memset(&o, 0, sizeof o);
	o.filter = (char *)expr;
	o.until = (char *)until;
	if (expr != NULL)
		assert_int_equal(filter_compile(expr, T0, &f, &cause, NULL), 0);
	mp = source_mongo_push_create(&o, f);
	w = source_mongo_push_whole(mp);
	source_mongo_push_free(mp);
	filter_free(f);
	return (w);
}

static void
test_push_whole(void **state)
{
	assert_true(whole(NULL, NULL));
	assert_true(whole("status:5xx|404 org:=o1 api:pet key:k", NULL));
	assert_true(whole("since:-15m until:2024-02-29T10:00:59Z", NULL));
	assert_true(whole(NULL, "2024-02-29T10:01:00Z"));
	assert_true(whole("since:-15m", NULL));
	/* Negated, unindexed, a regex, 0 or the empty key, a relative end. */
	assert_false(whole("!status:200", NULL));
	assert_false(whole("method:GET", NULL));
	assert_false(whole("api:~x", NULL));
	assert_false(whole("status:<=300", NULL));
	assert_false(whole("key:=", NULL));
	assert_false(whole("until:-5m", NULL));
	assert_false(whole(NULL, "-5m"));
	assert_false(whole("time:2024-02-29T10|2024-02-29T12", NULL));
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_push_whole),
	cmocka_unit_test(test_safe_arg),
	cmocka_unit_test(test_bad_uri_secret),
	cmocka_unit_test(test_push_none),
	cmocka_unit_test(test_push_fields),
	cmocka_unit_test(test_push_time),
};
UNIT_MAIN(tests)
