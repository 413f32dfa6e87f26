/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <stdlib.h>

#include "base64.h"
#include "unit.h"

/* Decode s; returns rc and leaves the bytes in *out (caller frees). */
static int
dec(const char *s, struct buf *out, struct base64_result *r)
{
	buf_init(out);
	return (base64_decode_buf(out, s, strlen(s), r));
}

static void
test_appendix_b(void **state)
{
	struct buf		 b;
	struct base64_result	 r;
	const char		*want = "GET /get HTTP/1.1\r\nHost: "
	    "tyk-gateway.localhost:8080\r\nUser-Agent: curl/7.79.1\r\n"
	    "Accept: */*\r\n\r\n";

	assert_int_equal(dec("R0VUIC9nZXQgSFRUUC8xLjENCkhvc3Q6IHR5ay1nYXRld2F5"
	    "LmxvY2FsaG9zdDo4MDgwDQpVc2VyLUFnZW50OiBjdXJsLzcuNzkuMQ0KQWNjZXB0"
	    "OiAqLyoNCg0K", &b, &r), 0);
	assert_false(r.truncated);
	assert_int_equal(b.len, strlen(want));
	assert_memory_equal(b.data, want, b.len);
	buf_clear(&b);
	assert_int_equal(dec("R0VUIC9nZXQgSFRUUC8xLjEKSG9zdDogdHlrLmlv", &b,
	    &r), 0);
	assert_string_equal(b.data, "GET /get HTTP/1.1\nHost: tyk.io");
	buf_clear(&b);
}

/* The pump cuts the text anywhere: every cut decodes its whole bytes. */
static void
test_truncated_each_mod4(void **state)
{
	const char		*full = "aGVsbG8gd29ybGQh";	/* hello world! */
	char			 cut[32];
	struct buf		 b;
	struct base64_result	 r;
	size_t			 n;
	static const size_t	 want[] = { 0, 0, 1, 2, 3, 3, 4, 5, 6, 6, 7,
	    8, 9, 9, 10, 11, 12 };

	for (n = 0; n <= strlen(full); n++) {
		memcpy(cut, full, n);
		cut[n] = '\0';
		assert_int_equal(dec(cut, &b, &r), 0);
		assert_int_equal(r.len, want[n]);
		assert_memory_equal(b.data, "hello world!", r.len);
		assert_int_equal(r.truncated, n % 4 != 0);
		buf_clear(&b);
	}
	/* Missing padding. */
	assert_int_equal(dec("aGk", &b, &r), 0);
	assert_true(r.truncated);
	assert_string_equal(b.data, "hi");
	buf_clear(&b);
	assert_int_equal(dec("aA=", &b, &r), 0);
	assert_true(r.truncated);
	assert_int_equal(b.len, 1);
	buf_clear(&b);
	assert_int_equal(dec("aA==", &b, &r), 0);
	assert_false(r.truncated);
	assert_string_equal(b.data, "h");
	buf_clear(&b);
}

static void
test_invalid(void **state)
{
	struct buf		 b;
	struct base64_result	 r;

	/* libb64 would skip these; we stop with the offset. */
	assert_int_equal(dec("aGVs\nbG8g", &b, &r), -1);
	assert_true(r.invalid);
	assert_int_equal(r.error_off, 4);
	assert_string_equal(b.data, "hel");
	buf_clear(&b);
	assert_int_equal(dec("aGVsbG8-", &b, &r), -1);
	assert_int_equal(r.error_off, 7);
	assert_string_equal(r.error, "invalid character '-' at offset 7");
	assert_int_equal(r.len, 5);
	assert_string_equal(b.data, "hello");
	buf_clear(&b);
	/* Padding in the middle (concatenated chunks). */
	assert_int_equal(dec("aGk=aGk=", &b, &r), -1);
	assert_int_equal(r.error_off, 4);
	assert_string_equal(b.data, "hi");
	buf_clear(&b);
	assert_int_equal(dec("a===", &b, &r), -1);
	assert_int_equal(r.error_off, 1);
	buf_clear(&b);
	assert_int_equal(dec("aGk==", &b, &r), -1);
	assert_int_equal(r.error_off, 4);
	buf_clear(&b);
	assert_int_equal(dec("aG\xff\x01", &b, &r), -1);
	assert_string_equal(r.error, "invalid byte 0xff at offset 2");
	buf_clear(&b);
	assert_int_equal(dec("", &b, &r), 0);
	assert_int_equal(r.len, 0);
	buf_clear(&b);
}

static void
test_roundtrip(void **state)
{
	unsigned char		 in[300];
	struct buf		 e, d;
	struct base64_result	 r;
	size_t			 i, n;

	for (i = 0; i < sizeof in; i++)
		in[i] = (unsigned char)(i * 37 + 11);
	for (n = 0; n < sizeof in; n += 7) {
		buf_init(&e);
		buf_init(&d);
		base64_encode_buf(&e, in, n);
		assert_int_equal(e.len, (n + 2) / 3 * 4);
		assert_int_equal(base64_decode_buf(&d, e.data != NULL ?
		    e.data : "", e.len, &r), 0);
		assert_int_equal(d.len, n);
		if (n != 0)
			assert_memory_equal(d.data, in, n);
		buf_clear(&e);
		buf_clear(&d);
	}
}

static void
test_small_output(void **state)
{
	char			 out[4];
	struct base64_result	 r;

	assert_int_equal(base64_decode("aGVsbG8=", 8, out, sizeof out, &r),
	    -1);
	assert_int_equal(r.len, 0);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_appendix_b),
	cmocka_unit_test(test_truncated_each_mod4),
	cmocka_unit_test(test_invalid),
	cmocka_unit_test(test_roundtrip),
	cmocka_unit_test(test_small_output),
};
UNIT_MAIN(tests)
