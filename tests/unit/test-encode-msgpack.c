/* SPDX-License-Identifier: ISC */
/*
 * The msgpack writer against tyk-formats.md Appendix A, byte for byte,
 * and the minimal-width integer rules of 1.3.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "bytes.h"
#include "demo.h"
#include "encode-msgpack.h"
#include "record.h"
#include "unit.h"

static const char appendix_a[] =
"de0023a64d6574686f64a3474554a4486f7374ab6874747062696e2e6f7267a4"
"50617468a42f676574a752617750617468a42f676574ad436f6e74656e744c65"
"6e67746800a9557365724167656e74aa6375726c2f382e352e30a344617902a5"
"4d6f6e746801a459656172cd07e8a4486f757203ac526573706f6e7365436f64"
"65ccc8a64150494b6579a83030303030303030a954696d655374616d7092ce65"
"937d25ce075bcd15aa41504956657273696f6ead4e6f6e2056657273696f6e65"
"64a74150494e616d65a76874747062696ea54150494944d92037323764616438"
"35336138613435663634616239383131353464316666646164a54f72674944b8"
"356539643935343461316463643630303031643065643230a74f617574684944"
"a0ab5265717565737454696d650caa52617752657175657374a0ab5261775265"
"73706f6e7365a0a9495041646472657373aa3137322e31382e302e31a347656f"
"83a7436f756e74727981a749534f436f6465a0a44369747982a947656f4e616d"
"65494400a54e616d6573c0a84c6f636174696f6e83a84c61746974756465cb00"
"00000000000000a94c6f6e676974756465cb0000000000000000a854696d655a"
"6f6e65a0a74e6574776f726b84af4f70656e436f6e6e656374696f6e7300b043"
"6c6f736564436f6e6e656374696f6e00a74279746573496e00a842797465734f"
"757400a74c6174656e637983a5546f74616c0ca8557073747265616d0aa74761"
"746577617902a45461677393ac6b65792d3030303030303030bc6f72672d3565"
"39643935343461316463643630303031643065643230d9246170692d37323764"
"61643835336138613435663634616239383131353464316666646164a5416c69"
"6173a0a9547261636b50617468c2a8457870697265417492cf00000001218b9b"
"25ce075bcd15a9417069536368656d61a0ac4f726967696e616c50617468ac2f"
"6874747062696e2f676574aa4c697374656e50617468a92f6874747062696e2f"
"ac4772617068514c537461747387a95661726961626c6573a0aa526f6f744669"
"656c6473c0a55479706573c0a64572726f7273c0ad4f7065726174696f6e5479"
"706500a94861734572726f7273c2a949734772617068514cc2a84d4350537461"
"747384a549734d4350c2ad4a534f4e5250434d6574686f64a0ad5072696d6974"
"69766554797065a0ad5072696d69746976654e616d65a0ae436f6c6c65637469"
"6f6e4e616d65a0";

static struct slice
sl(const char *s)
{
	struct slice	 r;

	r.ptr = s;
	r.len = strlen(s);
	return (r);
}

static void
test_appendix_a(void **state)
{
	struct demo_record	 r;
	struct buf		 b, tags, hex;
	size_t			 i;

	memset(&r, 0, sizeof r);
	buf_init(&b);
	buf_init(&tags);
	buf_init(&hex);
	r.method = sl("GET");
	r.host = sl("httpbin.org");
	r.path = sl("/get");
	r.raw_path = sl("/get");
	r.user_agent = sl("curl/8.5.0");
	r.day = 2;
	r.month = 1;
	r.year = 2024;
	r.hour = 3;
	r.response_code = 200;
	r.api_key = sl("00000000");
	r.ts_sec = 0x65937d25;
	r.ts_nsec = 123456789;
	r.api_version = sl("Non Versioned");
	r.api_name = sl("httpbin");
	r.api_id = sl("727dad853a8a45f64ab981154d1ffdad");
	r.org_id = sl("5e9d9544a1dcd60001d0ed20");
	r.oauth_id = r.raw_request = r.raw_response = sl("");
	r.request_time = 12;
	r.ip_address = sl("172.18.0.1");
	r.iso_code = r.time_zone = r.names = r.alias = sl("");
	r.lat_total = 12;
	r.lat_upstream = 10;
	r.lat_gateway = 2;
	record_list_add(&tags, "key-00000000", 12);
	record_list_add(&tags, "org-5e9d9544a1dcd60001d0ed20", 28);
	record_list_add(&tags, "api-727dad853a8a45f64ab981154d1ffdad", 36);
	r.tags.ptr = tags.data;
	r.tags.len = tags.len;
	r.exp_sec = 0x1218b9b25LL;
	r.exp_nsec = 123456789;
	r.api_schema = sl("");
	r.original_path = sl("/httpbin/get");
	r.listen_path = sl("/httpbin/");
	encode_msgpack_record(&b, &r);
	for (i = 0; i < b.len; i++)
		buf_printf(&hex, "%02x", (unsigned char)b.data[i]);
	assert_int_equal(b.len, 903);
	assert_string_equal(hex.data, appendix_a);
	buf_clear(&b);
	buf_clear(&tags);
	buf_clear(&hex);
}

static void
check_int(int64_t v, const char *want)
{
	struct buf	 b, hex;
	size_t		 i;

	buf_init(&b);
	buf_init(&hex);
	encode_msgpack_int(&b, v);
	for (i = 0; i < b.len; i++)
		buf_printf(&hex, "%02x", (unsigned char)b.data[i]);
	assert_string_equal(hex.data, want);
	buf_clear(&b);
	buf_clear(&hex);
}

static void
test_ints(void **state)
{
	check_int(0, "00");
	check_int(127, "7f");
	check_int(128, "cc80");
	check_int(200, "ccc8");
	check_int(256, "cd0100");
	check_int(65536, "ce00010000");
	check_int(4294967296LL, "cf0000000100000000");
	check_int(-1, "ff");
	check_int(-32, "e0");
	check_int(-33, "d0df");
	check_int(-129, "d1ff7f");
	check_int(-32769, "d2ffff7fff");
	check_int(-62135596800LL, "d3fffffff1886e0900");
}

static void
test_strings(void **state)
{
	struct buf	 b;
	char		 s[300];

	memset(s, 'x', sizeof s);
	buf_init(&b);
	encode_msgpack_str(&b, s, 31);
	assert_int_equal((unsigned char)b.data[0], 0xbf);
	buf_reset(&b);
	encode_msgpack_str(&b, s, 32);
	assert_int_equal((unsigned char)b.data[0], 0xd9);
	assert_int_equal((unsigned char)b.data[1], 32);
	buf_reset(&b);
	encode_msgpack_str(&b, s, 256);
	assert_int_equal((unsigned char)b.data[0], 0xda);
	assert_int_equal((unsigned char)b.data[1], 1);
	assert_int_equal((unsigned char)b.data[2], 0);
	buf_clear(&b);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_appendix_a),
	cmocka_unit_test(test_ints),
	cmocka_unit_test(test_strings),
};

UNIT_MAIN(tests)
