/* SPDX-License-Identifier: ISC */
/*
 * Redis source URIs: what source_redis_open accepts, and that the name it
 * keeps (source->arg, shown in messages) never holds the password.  No
 * server is needed: the sources are freed before they could connect.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"
#include "source-redis-cluster.h"
#include "source.h"
#include "store.h"
#include "unit.h"

static void
open_ok(const char *uri, const char *want)
{
	struct options	 o;
	struct store	 st;
	struct source	*s;
	char		*argv[] = { (char *)"tykscope", (char *)"-n",
			    (char *)uri, NULL };
	char		*cause = NULL;

	assert_int_equal(options_parse(&o, 3, argv, &cause), 0);
	store_init(&st, 0);
	s = source_open(uri, &o, &st, &cause);
	if (s == NULL)
		fail_msg("%s: %s", uri, cause);
	assert_string_equal(s->arg, want);
	/* 22 keys, one store source each. */
	assert_int_equal(st.nsources, 22);
	assert_string_equal(st.sources[0].name,
	    "redis:analytics-tyk-system-analytics");
	assert_string_equal(st.sources[21].name,
	    "redis:analytics-tyk-system-analytics_9_protobuf");
	source_free(s);
	store_clear(&st);
	options_clear(&o);
}

static void
open_bad(const char *uri, const char *want)
{
	struct options	 o;
	struct store	 st;
	struct source	*s;
	char		*argv[] = { (char *)"tykscope", (char *)"-n",
			    (char *)uri, NULL };
	char		*cause = NULL;

	assert_int_equal(options_parse(&o, 3, argv, &cause), 0);
	store_init(&st, 0);
	s = source_open(uri, &o, &st, &cause);
	assert_null(s);
	assert_non_null(cause);
	assert_non_null(strstr(cause, want));
	free(cause);
	store_clear(&st);
	options_clear(&o);
}

/* No piece of the password "Se/cr@et:77" is in s. */
static void
no_secret(const char *s)
{
	static const char *const pieces[] = { "Se/cr", "cr@et", "Se/",
	    "/cr", "et:77" };
	size_t	 i;

	for (i = 0; i < sizeof pieces / sizeof pieces[0]; i++)
		if (strstr(s, pieces[i]) != NULL)
			fail_msg("password piece '%s' in '%s'", pieces[i], s);
}

/* An error about a URI whose password holds '/', '@' and ':'. */
static void
bad_secret(const char *uri, const char *want)
{
	struct options	 o;
	struct store	 st;
	struct source	*s;
	char		*argv[] = { (char *)"tykscope", (char *)"-n",
			    (char *)uri, NULL };
	char		*cause = NULL, *safe;

	assert_int_equal(options_parse(&o, 3, argv, &cause), 0);
	store_init(&st, 0);
	s = source_open(uri, &o, &st, &cause);
	assert_null(s);
	assert_non_null(cause);
	if (strstr(cause, want) == NULL)
		fail_msg("%s: '%s' lacks '%s'", uri, cause, want);
	no_secret(cause);
	safe = source_safe_arg(uri);
	no_secret(safe);
	free(safe);
	free(cause);
	store_clear(&st);
	options_clear(&o);
}

/* Passwords with '/', '@' or ':' never appear in a message or a name. */
static void
test_password_slash(void **state)
{
	char	*safe;

	open_ok("redis://viewer:Se/cr@et:77@127.0.0.1:1/3",
	    "redis://viewer@127.0.0.1:1/3");
	open_ok("redis://:Se/cr@et:77@127.0.0.1:1",
	    "redis://127.0.0.1:1/0");
	bad_secret("redis://viewer:Se/cr@et:77@127.0.0.1:1/x", "database");
	bad_secret("redis://viewer:Se/cr@et:77@127.0.0.1:99999/1", "port");
	bad_secret("redis://viewer:Se/cr@et:77@[::1/1", "unterminated");
	bad_secret("redis://viewer:Se/cr@et:77%zz@127.0.0.1/1", "escape");
	safe = source_safe_arg("redis://viewer:Se/cr@et:77@127.0.0.1:1/3");
	assert_string_equal(safe, "redis://viewer@127.0.0.1:1/3");
	free(safe);
}

/* The slot of a key, as CLUSTER KEYSLOT gives it; MOVED and ASK. */
static void
test_cluster(void **state)
{
	struct redis_redirect	 rd;
	const char		*m = "MOVED 3999 127.0.0.1:6381";
	const char		*a = "ASK 12 [::1]:7000";
	const char		*e = "MOVED 3999 :7002";

	assert_int_equal(source_redis_cluster_crc16("123456789", 9), 0x31c3);
	/* Values from redis-server 7.0's CLUSTER KEYSLOT. */
	assert_int_equal(source_redis_cluster_slot("foo", 3), 12182);
	assert_int_equal(source_redis_cluster_slot("{user1000}.following",
	    20), source_redis_cluster_slot("user1000", 8));
	assert_int_equal(source_redis_cluster_slot("foo{}{bar}", 10),
	    source_redis_cluster_slot("foo{}{bar}", 10));
	assert_int_equal(source_redis_cluster_slot("foo{{bar}}zap", 13),
	    source_redis_cluster_slot("{bar", 4));
	assert_int_equal(source_redis_cluster_slot("foo{bar}{zap}", 13),
	    source_redis_cluster_slot("bar", 3));
	assert_int_equal(source_redis_cluster_slot(
	    "analytics-tyk-system-analytics_3", 32), 5120);
	assert_int_equal(source_redis_cluster_redirect(m, strlen(m), NULL,
	    &rd), 0);
	assert_false(rd.ask);
	assert_int_equal(rd.slot, 3999);
	assert_string_equal(rd.host, "127.0.0.1");
	assert_int_equal(rd.port, 6381);
	assert_int_equal(source_redis_cluster_redirect(a, strlen(a), NULL,
	    &rd), 0);
	assert_true(rd.ask);
	assert_string_equal(rd.host, "::1");
	assert_int_equal(rd.port, 7000);
	assert_int_equal(source_redis_cluster_redirect(e, strlen(e),
	    "10.0.0.5", &rd), 0);
	assert_string_equal(rd.host, "10.0.0.5");
	assert_int_equal(source_redis_cluster_redirect("MOVED 16384 h:1", 15,
	    NULL, &rd), -1);
	assert_int_equal(source_redis_cluster_redirect("WRONGTYPE x", 11,
	    NULL, &rd), -1);
	assert_int_equal(source_redis_cluster_redirect("MOVED 1 h", 9,
	    NULL, &rd), -1);
	/* A host that could move the cursor is no host. */
	assert_int_equal(source_redis_cluster_redirect("MOVED 1 \033]0;x:1",
	    15, NULL, &rd), -1);
}

static void
test_uris(void **state)
{
	open_ok("redis://u:pw@10.0.0.1:7000,10.0.0.2,[::1]:7002/0",
	    "redis://u@10.0.0.1:7000,10.0.0.2:6379,[::1]:7002/0");
	open_ok("rediss://a:1,b:2", "rediss://a:1,b:2/0");
	open_bad("redis://a:1,b:99999", "port");
	open_ok("redis://127.0.0.1:1", "redis://127.0.0.1:1/0");
	open_ok("redis://localhost", "redis://localhost:6379/0");
	open_ok("redis://", "redis://127.0.0.1:6379/0");
	open_ok("redis://:Secret-1@127.0.0.1:1/3", "redis://127.0.0.1:1/3");
	open_ok("redis://viewer:p%40ss%3Aw@127.0.0.1:1/0",
	    "redis://viewer@127.0.0.1:1/0");
	open_ok("redis://viewer@[::1]:1/2", "redis://viewer@[::1]:1/2");
	open_ok("unix:///nonexistent/redis.sock",
	    "unix:///nonexistent/redis.sock");
	open_ok("unix:///nonexistent/redis.sock?db=4",
	    "unix:///nonexistent/redis.sock?db=4");
	open_bad("redis://127.0.0.1:99999", "port");
	open_bad("redis://127.0.0.1:1/x", "database");
	open_bad("redis://a:b%zz@127.0.0.1:1", "escape");
	open_bad("unix://relative.sock", "unix:///");
	open_bad("unix:///x.sock?timeout=1", "db=N");
	open_ok("rediss://u:pw@127.0.0.1:6380/2", "rediss://u@127.0.0.1:6380/2");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uris),
		cmocka_unit_test(test_cluster),
		cmocka_unit_test(test_password_slash),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
