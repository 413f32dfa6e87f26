/* SPDX-License-Identifier: ISC */
/*
 * The BSON writer: _id first, then the 31 fields in declaration order
 * with the types of tyk-formats.md 1.4.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <bson/bson.h>

#include "bytes.h"
#include "demo.h"
#include "encode-bson.h"
#include "record.h"
#include "unit.h"

static const struct {
	const char	*key;
	bson_type_t	 type;
} want[] = {
	{ "_id", BSON_TYPE_OID },
	{ "method", BSON_TYPE_UTF8 },
	{ "host", BSON_TYPE_UTF8 },
	{ "path", BSON_TYPE_UTF8 },
	{ "rawpath", BSON_TYPE_UTF8 },
	{ "contentlength", BSON_TYPE_INT64 },
	{ "useragent", BSON_TYPE_UTF8 },
	{ "day", BSON_TYPE_INT32 },
	{ "month", BSON_TYPE_INT32 },
	{ "year", BSON_TYPE_INT32 },
	{ "hour", BSON_TYPE_INT32 },
	{ "responsecode", BSON_TYPE_INT32 },
	{ "apikey", BSON_TYPE_UTF8 },
	{ "timestamp", BSON_TYPE_DATE_TIME },
	{ "apiversion", BSON_TYPE_UTF8 },
	{ "apiname", BSON_TYPE_UTF8 },
	{ "apiid", BSON_TYPE_UTF8 },
	{ "orgid", BSON_TYPE_UTF8 },
	{ "oauthid", BSON_TYPE_UTF8 },
	{ "requesttime", BSON_TYPE_INT64 },
	{ "rawrequest", BSON_TYPE_UTF8 },
	{ "rawresponse", BSON_TYPE_UTF8 },
	{ "ipaddress", BSON_TYPE_UTF8 },
	{ "geo", BSON_TYPE_DOCUMENT },
	{ "network", BSON_TYPE_DOCUMENT },
	{ "latency", BSON_TYPE_DOCUMENT },
	{ "tags", BSON_TYPE_ARRAY },
	{ "alias", BSON_TYPE_UTF8 },
	{ "trackpath", BSON_TYPE_BOOL },
	{ "expireAt", BSON_TYPE_DATE_TIME },
	{ "originalpath", BSON_TYPE_UTF8 },
	{ "listenpath", BSON_TYPE_UTF8 },
};

static void
check_keys(const bson_t *doc)
{
	bson_iter_t	 it;
	size_t		 n = 0;

	assert_true(bson_iter_init(&it, doc));
	while (bson_iter_next(&it)) {
		assert_true(n < sizeof want / sizeof want[0]);
		assert_string_equal(bson_iter_key(&it), want[n].key);
		assert_int_equal(bson_iter_type(&it), want[n].type);
		n++;
	}
	assert_int_equal(n, sizeof want / sizeof want[0]);
}

static void
check_sub(const bson_t *doc, const char *path, bson_type_t type)
{
	bson_iter_t	 it, sub;

	assert_true(bson_iter_init(&it, doc));
	assert_true(bson_iter_find_descendant(&it, path, &sub));
	assert_int_equal(bson_iter_type(&sub), type);
}

/* Generated records: every one has the layout, whatever its content. */
static void
test_generated(void **state)
{
	struct demo_config	 cfg;
	struct demo		*d;
	struct demo_record	 r;
	bson_oid_t		 oid;
	bson_t			 doc;
	bson_iter_t		 it;
	int			 i, net = 0;

	demo_config_init(&cfg);
	cfg.payload_fraction = 0.5;
	d = demo_create(&cfg);
	for (i = 0; i < 500; i++) {
		demo_next(d, &r);
		if (r.response_code == -1)
			net++;
		encode_bson_oid(&oid, r.ts_sec, (uint64_t)i, 7);
		bson_init(&doc);
		encode_bson_record(&doc, &r, &oid);
		check_keys(&doc);
		check_sub(&doc, "geo.country.isocode", BSON_TYPE_UTF8);
		check_sub(&doc, "geo.city.geonameid", BSON_TYPE_INT32);
		check_sub(&doc, "geo.city.names", BSON_TYPE_DOCUMENT);
		check_sub(&doc, "geo.location.latitude", BSON_TYPE_DOUBLE);
		check_sub(&doc, "geo.location.longitude", BSON_TYPE_DOUBLE);
		check_sub(&doc, "geo.location.timezone", BSON_TYPE_UTF8);
		check_sub(&doc, "network.openconnections", BSON_TYPE_INT64);
		check_sub(&doc, "network.closedconnection", BSON_TYPE_INT64);
		check_sub(&doc, "network.bytesin", BSON_TYPE_INT64);
		check_sub(&doc, "network.bytesout", BSON_TYPE_INT64);
		check_sub(&doc, "latency.total", BSON_TYPE_INT64);
		check_sub(&doc, "latency.upstream", BSON_TYPE_INT64);
		check_sub(&doc, "latency.gateway", BSON_TYPE_INT64);
		check_sub(&doc, "tags.0", BSON_TYPE_UTF8);
		assert_true(bson_iter_init_find(&it, &doc, "timestamp"));
		assert_int_equal(bson_iter_date_time(&it),
		    r.ts_sec * 1000 + r.ts_nsec / 1000000);
		assert_true(bson_iter_init_find(&it, &doc, "_id"));
		assert_memory_equal(bson_iter_oid(&it)->bytes, oid.bytes, 12);
		bson_destroy(&doc);
	}
	assert_true(net > 0);
	demo_free(d);
}

/* Nil tags become [], nil names {}; big values switch width. */
static void
test_empty(void **state)
{
	struct demo_record	 r;
	bson_oid_t		 oid;
	bson_t			 doc;
	bson_iter_t		 it, sub;
	uint32_t		 len;
	const uint8_t		*data;

	memset(&r, 0, sizeof r);
	r.tags_nil = true;
	r.response_code = 5000000000LL;
	r.ts_sec = REC_GO_ZERO_SEC;
	r.exp_sec = 1;
	r.exp_nsec = 999999999;
	memset(&oid, 0, sizeof oid);
	bson_init(&doc);
	encode_bson_record(&doc, &r, &oid);
	assert_true(bson_iter_init_find(&it, &doc, "tags"));
	assert_int_equal(bson_iter_type(&it), BSON_TYPE_ARRAY);
	bson_iter_array(&it, &len, &data);
	assert_int_equal(len, 5);
	assert_true(bson_iter_init(&it, &doc));
	assert_true(bson_iter_find_descendant(&it, "geo.city.names", &sub));
	bson_iter_document(&sub, &len, &data);
	assert_int_equal(len, 5);
	assert_true(bson_iter_init_find(&it, &doc, "responsecode"));
	assert_int_equal(bson_iter_type(&it), BSON_TYPE_INT64);
	assert_true(bson_iter_init_find(&it, &doc, "timestamp"));
	assert_int_equal(bson_iter_date_time(&it), -62135596800000LL);
	assert_true(bson_iter_init_find(&it, &doc, "expireAt"));
	assert_int_equal(bson_iter_date_time(&it), 1999);
	bson_destroy(&doc);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_generated),
	cmocka_unit_test(test_empty),
};

UNIT_MAIN(tests)
