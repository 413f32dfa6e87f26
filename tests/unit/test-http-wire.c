/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <stdlib.h>

#include "http-wire.h"
#include "unit.h"

static int
parse(struct http_wire *h, const char *s)
{
	return (http_wire_parse(h, s, strlen(s)));
}

static void
assert_slice(struct slice s, const char *want)
{
	assert_int_equal(s.len, strlen(want));
	assert_memory_equal(s.ptr, want, s.len);
}

static void
test_request(void **state)
{
	struct http_wire	 h;
	const char		*s = "POST /v1/charges?x=1 HTTP/1.1\r\n"
	    "Host: gw.example.com\r\nUser-Agent: curl/8\r\n"
	    "Content-Length: 5\r\nAccept: a\r\nAccept: b\r\n\r\nhello";
	size_t			 it = 0;

	assert_int_equal(parse(&h, s), 0);
	assert_int_equal(h.kind, HTTP_WIRE_REQUEST);
	assert_slice(h.method, "POST");
	assert_slice(h.target, "/v1/charges?x=1");
	assert_slice(h.version, "HTTP/1.1");
	assert_int_equal(h.nheaders, 5);
	assert_slice(h.headers[0].name, "Host");
	assert_slice(h.headers[0].value, "gw.example.com");
	assert_int_equal(h.content_length, 5);
	assert_slice(h.body, "hello");
	assert_true(h.head_complete);
	assert_false(h.truncated);
	assert_false(h.lf_only);
	/* Duplicates kept in order. */
	assert_non_null(http_wire_find(&h, "accept", &it));
	assert_slice(h.headers[it - 1].value, "a");
	assert_non_null(http_wire_find(&h, "ACCEPT", &it));
	assert_slice(h.headers[it - 1].value, "b");
	assert_null(http_wire_find(&h, "accept", &it));
	http_wire_clear(&h);
}

static void
test_response_http00(void **state)
{
	struct http_wire	 h;

	assert_int_equal(parse(&h, "HTTP/0.0 401 Unauthorized\r\n"
	    "Content-Type: application/json\r\n\r\n{\"error\": \"no\"}"), 0);
	assert_int_equal(h.kind, HTTP_WIRE_RESPONSE);
	assert_int_equal(h.status, 401);
	assert_slice(h.version, "HTTP/0.0");
	assert_slice(h.reason, "Unauthorized");
	assert_slice(h.body, "{\"error\": \"no\"}");
	assert_int_equal(h.content_length, -1);
	http_wire_clear(&h);
	assert_int_equal(parse(&h, "HTTP/0.0 000 status code 0\r\n"
	    "Content-Length: 0\r\n\r\n"), 0);
	assert_int_equal(h.status, 0);
	assert_int_equal(h.body.len, 0);
	assert_false(h.truncated);
	http_wire_clear(&h);
	assert_int_equal(parse(&h, "HTTP/2.0 204\r\n\r\n"), 0);
	assert_int_equal(h.status, 204);
	assert_int_equal(h.reason.len, 0);
	http_wire_clear(&h);
}

static void
test_lf_only_and_cut(void **state)
{
	struct http_wire	 h;

	/* The docs' example: LF only, no blank line. */
	assert_int_equal(parse(&h, "GET /get HTTP/1.1\nHost: tyk.io"), 0);
	assert_true(h.lf_only);
	assert_false(h.head_complete);
	assert_true(h.truncated);
	assert_int_equal(h.nheaders, 1);
	assert_slice(h.headers[0].value, "tyk.io");
	http_wire_clear(&h);
	assert_int_equal(parse(&h, "GET / HTTP/1.1\nA: b\n\nbody"), 0);
	assert_true(h.head_complete);
	assert_slice(h.body, "body");
	http_wire_clear(&h);
	/* Body shorter than Content-Length. */
	assert_int_equal(parse(&h, "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n"
	    "\r\nabc"), 0);
	assert_true(h.truncated);
	assert_slice(h.body, "abc");
	http_wire_clear(&h);
	/* Longer: the rest is excess. */
	assert_int_equal(parse(&h, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n"
	    "\r\nabc"), 0);
	assert_slice(h.body, "ab");
	assert_int_equal(h.excess, 1);
	http_wire_clear(&h);
	/* Lengths are not trusted. */
	assert_int_equal(parse(&h, "HTTP/1.1 200 OK\r\nContent-Length: "
	    "99999999999999999999999\r\n\r\nabc"), 0);
	assert_int_equal(h.content_length, -1);
	assert_slice(h.body, "abc");
	http_wire_clear(&h);
}

static void
test_fold_absolute_chunked(void **state)
{
	struct http_wire	 h;
	struct buf		 b;

	assert_int_equal(parse(&h, "GET http://up.example:8080/a?b HTTP/1.1\r\n"
	    "X-Long: one\r\n  two\r\n\tthree\r\nTransfer-Encoding: gzip, "
	    "Chunked\r\nbroken line\r\n\r\n0\r\n\r\n"), 0);
	assert_slice(h.target, "http://up.example:8080/a?b");
	assert_int_equal(h.nheaders, 2);
	assert_true(h.headers[0].folded);
	buf_init(&b);
	http_wire_value(&b, &h.headers[0]);
	assert_string_equal(b.data, "one two three");
	buf_clear(&b);
	assert_true(h.chunked);
	assert_int_equal(h.bad_lines, 1);
	assert_slice(h.body, "0\r\n\r\n");
	http_wire_clear(&h);
}

static void
test_not_http(void **state)
{
	struct http_wire	 h;

	assert_int_equal(parse(&h, "Document too large, not writing raw "
	    "request and raw response!"), -1);
	assert_int_equal(h.kind, HTTP_WIRE_UNKNOWN);
	assert_int_equal(h.body.len, 61);
	http_wire_clear(&h);
	assert_int_equal(parse(&h, ""), -1);
	http_wire_clear(&h);
	assert_int_equal(parse(&h, "GET /x HTTP/1\r\n\r\n"), -1);
	http_wire_clear(&h);
	assert_int_equal(parse(&h, "HTTP/1.1 2x0 OK\r\n\r\n"), -1);
	http_wire_clear(&h);
}

static void
test_params(void **state)
{
	struct slice	 v = SLICE_LIT("multipart/form-data; boundary=\"a;b\"; "
	    "charset=ISO-8859-1"), out;

	assert_true(http_wire_param(v, "boundary", &out));
	assert_slice(out, "a;b");
	assert_true(http_wire_param(v, "CHARSET", &out));
	assert_slice(out, "ISO-8859-1");
	assert_false(http_wire_param(v, "name", &out));
	assert_true(http_wire_value_has(SLICE_LIT("gzip , chunked"),
	    "chunked"));
	assert_false(http_wire_value_has(SLICE_LIT("chunkedx"), "chunked"));
}

static void
test_many_headers(void **state)
{
	struct http_wire	 h;
	struct buf		 b;
	size_t			 i;

	buf_init(&b);
	buf_adds(&b, "GET / HTTP/1.1\r\n");
	for (i = 0; i < HTTP_WIRE_MAX_HEADERS + 10; i++)
		buf_printf(&b, "H%zu: v\r\n", i);
	buf_adds(&b, "\r\n");
	assert_int_equal(http_wire_parse(&h, b.data, b.len), 0);
	assert_int_equal(h.nheaders, HTTP_WIRE_MAX_HEADERS);
	assert_int_equal(h.dropped, 10);
	http_wire_clear(&h);
	buf_clear(&b);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_request),
	cmocka_unit_test(test_response_http00),
	cmocka_unit_test(test_lf_only_and_cut),
	cmocka_unit_test(test_fold_absolute_chunked),
	cmocka_unit_test(test_not_http),
	cmocka_unit_test(test_params),
	cmocka_unit_test(test_many_headers),
};
UNIT_MAIN(tests)
