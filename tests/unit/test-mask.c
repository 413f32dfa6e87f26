/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <stdlib.h>

#include "mask.h"
#include "options.h"
#include "unit.h"

static struct mask	 m_on = { NULL, 0, false };
static struct mask	 m_off = { NULL, 0, true };

static char *
hv(const struct mask *m, const char *name, const char *v)
{
	struct buf	 b;

	buf_init(&b);
	mask_header_value(&b, m, name, strlen(name), v, strlen(v));
	buf_addc(&b, '\0');
	return (buf_take(&b));
}

static void
check_hv(const struct mask *m, const char *name, const char *v,
    const char *want)
{
	char	*o = hv(m, name, v);

	assert_string_equal(o, want);
	free(o);
}

static void
test_headers(void **state)
{
	check_hv(&m_on, "authorization", "Bearer eyJhbGciOiJIUzI1NiJ9.abcd",
	    "Bearer ****abcd");
	check_hv(&m_on, "Authorization", "Basic dXNlcjpw", "Basic ****");
	check_hv(&m_on, "Authorization", "5f8b1c2d3e4f5a6b7c8d9e0f1a2b3c4d",
	    "****3c4d");
	check_hv(&m_on, "Proxy-Authorization", "Basic Zm9v", "Basic ****");
	check_hv(&m_on, "Cookie", "sid=abc; theme=dark", "sid=****; theme=****");
	check_hv(&m_on, "Set-Cookie", "sid=abc; Path=/; HttpOnly",
	    "sid=****; Path=/; HttpOnly");
	check_hv(&m_on, "X-Api-Key", "short", "****");
	check_hv(&m_on, "x-tyk-authorization", "secret", "****");
	check_hv(&m_on, "Content-Type", "application/json",
	    "application/json");
	check_hv(&m_off, "Authorization", "Bearer x", "Bearer x");
	check_hv(NULL, "Authorization", "Bearer x", "Bearer x");
	check_hv(&m_on, "Authorization", "", "");
}

static void
test_extra_headers(void **state)
{
	struct options	 o;
	struct mask	 m;
	char		 name[] = "X-Partner-Token";
	char		*names[] = { name, NULL };

	memset(&o, 0, sizeof o);
	o.mask_headers.v = names;
	o.mask_headers.n = 1;
	mask_init(&m, &o);
	assert_true(mask_is_header(&m, "x-partner-token", 15));
	assert_true(mask_is_header(&m, "Cookie", 6));
	assert_false(mask_is_header(&m, "Accept", 6));
	check_hv(&m, "X-PARTNER-TOKEN", "abc", "****");
	o.reveal = true;
	mask_init(&m, &o);
	assert_false(mask_is_header(&m, "Cookie", 6));
}

static void
test_query(void **state)
{
	struct buf	 b;
	const char	*u = "/get?a=1&api_key=SECRET&Token=t&access_token=&x"
	    "&password=p#frag";

	buf_init(&b);
	mask_target(&b, &m_on, u, strlen(u));
	assert_string_equal(b.data, "/get?a=1&api_key=****&Token=****&"
	    "access_token=&x&password=****#frag");
	buf_reset(&b);
	mask_target(&b, &m_off, u, strlen(u));
	assert_string_equal(b.data, u);
	buf_reset(&b);
	mask_target(&b, &m_on, "/no/query", 9);
	assert_string_equal(b.data, "/no/query");
	buf_reset(&b);
	mask_params(&b, &m_on, "user=bob&client_secret=s3", 25);
	assert_string_equal(b.data, "user=bob&client_secret=****");
	buf_clear(&b);
}

static void
test_key(void **state)
{
	struct buf	 b;

	buf_init(&b);
	mask_key(&b, "5f8b1c2d3e4f5a6b", 16);
	assert_string_equal(b.data, "****5a6b");
	buf_reset(&b);
	mask_key(&b, "abcd", 4);
	assert_string_equal(b.data, "****");
	buf_reset(&b);
	mask_key(&b, "", 0);
	assert_int_equal(b.len, 0);
	buf_clear(&b);
}

/* The result of f(b, m, s) as a NUL-terminated string (owned). */
static char *
run(void (*f)(struct buf *, const struct mask *, const char *, size_t),
    const struct mask *m, const char *s)
{
	struct buf	 b;

	buf_init(&b);
	f(&b, m, s, strlen(s));
	buf_addc(&b, '\0');
	return (buf_take(&b));
}

static void
check_run(void (*f)(struct buf *, const struct mask *, const char *, size_t),
    const struct mask *m, const char *s, const char *want)
{
	char	*o = run(f, m, s);

	assert_string_equal(o, want);
	free(o);
}

static void
test_target(void **state)
{
	/* Userinfo of an absolute-form target. */
	check_run(mask_target, &m_on, "http://user:SECRET@gw/p?x=1",
	    "http://user:****@gw/p?x=1");
	check_run(mask_target, &m_on, "https://TOKEN@gw:8443/",
	    "https://****@gw:8443/");
	check_run(mask_target, &m_on, "http://a@b:SECRET@gw?api_key=K",
	    "http://****@gw?api_key=****");
	check_run(mask_target, &m_on, "http://a&api_key=K:x@gw/",
	    "http://****@gw/");
	check_run(mask_target, &m_on, "http://gw/p@x?y=1",
	    "http://gw/p@x?y=1");
	check_run(mask_target, &m_off, "http://user:SECRET@gw/",
	    "http://user:SECRET@gw/");
	/* Not a URL: a path with a colon is left alone. */
	check_run(mask_target, &m_on, "/a:b@c", "/a:b@c");
	/* The fragment is masked like the query (OAuth implicit flow). */
	check_run(mask_target, &m_on, "/cb#access_token=SECRET&state=s",
	    "/cb#access_token=****&state=s");
	check_run(mask_target, &m_on, "/cb?a=1#id_token=SECRET",
	    "/cb?a=1#id_token=****");
	assert_int_equal(mask_scheme_len("http://x", 8), 7);
	assert_int_equal(mask_scheme_len("svn+ssh://x", 11), 10);
	assert_int_equal(mask_scheme_len("/http://x", 9), 0);
	assert_int_equal(mask_scheme_len("gw:443", 6), 0);
}

static void
test_tag(void **state)
{
	check_run(mask_tag, &m_on, "key-5f8b1c2d3e4f5a6b7c8d",
	    "key-****7c8d");
	check_run(mask_tag, &m_on, "org-5f8b1c2d3e4f", "org-5f8b1c2d3e4f");
	check_run(mask_tag, &m_on, "key-", "key-");
	check_run(mask_tag, &m_off, "key-5f8b1c2d3e4f5a6b7c8d",
	    "key-5f8b1c2d3e4f5a6b7c8d");
}

static void
test_text(void **state)
{
	/* A payload that is not HTTP, masked line by line. */
	check_run(mask_text, &m_on,
	    "GET1 /p?api_key=SECRET&a=1 HTTP/9\r\n"
	    "Authorization: Bearer SECRETSECRETSECRET\r\n"
	    "x-api-key:SECRET\r\n"
	    "see http://u:SECRET@gw/ and \"password=SECRET\"\n"
	    "token=SECRET;sid=1",
	    "GET1 /p?api_key=****&a=1 HTTP/9\r\n"
	    "Authorization: Bearer ****CRET\r\n"
	    "x-api-key:****\r\n"
	    "see http://u:****@gw/ and \"password=****\"\n"
	    "token=****;sid=1");
	check_run(mask_text, &m_on, "mykey=1&keys=2", "mykey=1&keys=2");
	check_run(mask_text, &m_off, "token=SECRET", "token=SECRET");
}

static void
test_form(void **state)
{
	assert_true(mask_is_form("application/x-www-form-urlencoded", 33));
	assert_true(mask_is_form("Application/X-WWW-Form-Urlencoded; "
	    "charset=utf-8", 48));
	assert_false(mask_is_form("application/json", 16));
	assert_false(mask_is_form("application/x-www-form", 22));
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_headers),
	cmocka_unit_test(test_extra_headers),
	cmocka_unit_test(test_query),
	cmocka_unit_test(test_key),
	cmocka_unit_test(test_target),
	cmocka_unit_test(test_tag),
	cmocka_unit_test(test_text),
	cmocka_unit_test(test_form),
};
UNIT_MAIN(tests)
