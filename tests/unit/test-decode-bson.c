/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <bson/bson.h>

#include "decode-bson.h"
#include "record.h"
#include "store.h"
#include "unit.h"

/* A record as the mongo pump writes it (tyk-formats.md 1.4). */
static void
pump_doc(bson_t *b)
{
	bson_t		 geo, c, city, names, loc, net, lat, tags;
	bson_oid_t	 oid;

	bson_oid_init_from_string(&oid, "65937d25a1dcd60001d0ed20");
	bson_init(b);
	BSON_APPEND_OID(b, "_id", &oid);
	BSON_APPEND_UTF8(b, "method", "POST");
	BSON_APPEND_UTF8(b, "host", "up.internal");
	BSON_APPEND_UTF8(b, "path", "/v1/x");
	BSON_APPEND_UTF8(b, "rawpath", "/v1/x?a=1");
	BSON_APPEND_INT64(b, "contentlength", 123);
	BSON_APPEND_UTF8(b, "useragent", "curl/8");
	BSON_APPEND_INT32(b, "day", 2);
	BSON_APPEND_INT32(b, "month", 1);
	BSON_APPEND_INT32(b, "year", 2024);
	BSON_APPEND_INT32(b, "hour", 3);
	BSON_APPEND_INT32(b, "responsecode", 502);
	BSON_APPEND_UTF8(b, "apikey", "k1");
	BSON_APPEND_DATE_TIME(b, "timestamp", 1704164645123LL);
	BSON_APPEND_UTF8(b, "apiversion", "Non Versioned");
	BSON_APPEND_UTF8(b, "apiname", "API");
	BSON_APPEND_UTF8(b, "apiid", "a1");
	BSON_APPEND_UTF8(b, "orgid", "o1");
	BSON_APPEND_UTF8(b, "oauthid", "");
	BSON_APPEND_INT64(b, "requesttime", 77);
	BSON_APPEND_UTF8(b, "rawrequest", "UkVR");
	BSON_APPEND_UTF8(b, "rawresponse", "UkVTUA==");
	BSON_APPEND_UTF8(b, "ipaddress", "10.0.0.1");
	BSON_APPEND_DOCUMENT_BEGIN(b, "geo", &geo);
	BSON_APPEND_DOCUMENT_BEGIN(&geo, "country", &c);
	BSON_APPEND_UTF8(&c, "isocode", "DE");
	bson_append_document_end(&geo, &c);
	BSON_APPEND_DOCUMENT_BEGIN(&geo, "city", &city);
	BSON_APPEND_INT32(&city, "geonameid", 2950159);
	BSON_APPEND_DOCUMENT_BEGIN(&city, "names", &names);
	BSON_APPEND_UTF8(&names, "en", "Berlin");
	bson_append_document_end(&city, &names);
	bson_append_document_end(&geo, &city);
	BSON_APPEND_DOCUMENT_BEGIN(&geo, "location", &loc);
	BSON_APPEND_DOUBLE(&loc, "latitude", 52.5);
	BSON_APPEND_DOUBLE(&loc, "longitude", 13.4);
	BSON_APPEND_UTF8(&loc, "timezone", "Europe/Berlin");
	bson_append_document_end(&geo, &loc);
	bson_append_document_end(b, &geo);
	BSON_APPEND_DOCUMENT_BEGIN(b, "network", &net);
	BSON_APPEND_INT64(&net, "openconnections", 0);
	BSON_APPEND_INT64(&net, "closedconnection", 0);
	BSON_APPEND_INT64(&net, "bytesin", 0);
	BSON_APPEND_INT64(&net, "bytesout", 0);
	bson_append_document_end(b, &net);
	BSON_APPEND_DOCUMENT_BEGIN(b, "latency", &lat);
	BSON_APPEND_INT64(&lat, "total", 77);
	BSON_APPEND_INT64(&lat, "upstream", 70);
	BSON_APPEND_INT64(&lat, "gateway", 7);
	bson_append_document_end(b, &lat);
	BSON_APPEND_ARRAY_BEGIN(b, "tags", &tags);
	BSON_APPEND_UTF8(&tags, "0", "key-k1");
	BSON_APPEND_UTF8(&tags, "1", "org-o1");
	bson_append_array_end(b, &tags);
	BSON_APPEND_UTF8(b, "alias", "al");
	BSON_APPEND_BOOL(b, "trackpath", true);
	BSON_APPEND_DATE_TIME(b, "expireAt", 4857764645123LL);
	BSON_APPEND_UTF8(b, "originalpath", "/api/v1/x");
	BSON_APPEND_UTF8(b, "listenpath", "/api/");
}

/* Decode doc and add it; returns the seq. */
static uint64_t
decode_add(struct store *st, const bson_t *doc, enum decode_bson_kind *kind)
{
	struct record_build	 b;
	size_t			 erroff;
	const char		*why;
	uint64_t		 seq;
	uint16_t		 src;

	src = store_source_add(st, "t", STORE_SRC_FILE);

	record_build_init(&b);
	assert_int_equal(decode_bson_record(doc, st, &b, kind, &erroff,
	    &why), 0);
	seq = store_add(st, &b, src, 0);
	record_build_clear(&b);
	return (seq);
}

static void
check_record(struct store *st, const struct record *r)
{
	struct slice		 s;
	struct record_geo	 geo;
	size_t			 off = 0;

	s = record_strs(st, r, RS_METHOD);
	assert_int_equal(s.len, 4);
	assert_memory_equal(s.ptr, "POST", 4);
	s = record_strs(st, r, RS_RAW_PATH);
	assert_memory_equal(s.ptr, "/v1/x?a=1", 9);
	s = record_strs(st, r, RS_LISTEN_PATH);
	assert_memory_equal(s.ptr, "/api/", 5);
	assert_int_equal(record_content_length(st, r), 123);
	assert_int_equal(record_response_code(st, r), 502);
	assert_int_equal(record_request_time(st, r), 77);
	assert_int_equal(record_lat_total(st, r), 77);
	assert_int_equal(record_lat_upstream(st, r), 70);
	assert_int_equal(record_lat_gateway(st, r), 7);
	assert_int_equal(record_year(r), 2024);
	assert_int_equal(record_month(r), 1);
	assert_int_equal(record_day(r), 2);
	assert_int_equal(record_hour(r), 3);
	assert_int_equal(record_ts_sec(st, r), 1704164645);
	assert_int_equal(record_ts_nsec(st, r), 123000000);
	assert_int_equal((r->flags >> REC_TSPREC_SHIFT) & REC_PREC_MASK, 3);
	assert_int_equal(record_exp_sec(st, r), 4857764645LL);
	assert_true(r->flags & REC_TRACK_PATH);
	assert_false(r->flags & REC_NETWORK);
	assert_false(r->flags & REC_EXTRA);
	s = record_raw_request(r);
	assert_int_equal(s.len, 4);
	assert_memory_equal(s.ptr, "UkVR", 4);
	s = record_raw_response(r);
	assert_int_equal(s.len, 8);
	assert_memory_equal(s.ptr, "UkVTUA==", 8);
	s = record_strs(st, r, RS_TAGS);
	assert_true(record_list_next(s, &off, &s));
	assert_memory_equal(s.ptr, "key-k1", 6);
	record_geo(st, r, &geo);
	assert_int_equal(geo.geoname_id, 2950159);
	assert_true(geo.latitude == 52.5);
	s = strtab_get(&st->strs, geo.iso_code);
	assert_memory_equal(s.ptr, "DE", 2);
	s = strtab_get(&st->strs, geo.time_zone);
	assert_memory_equal(s.ptr, "Europe/Berlin", 13);
}

static void
test_pump_layout(void **state)
{
	struct store		 st;
	bson_t			 doc;
	enum decode_bson_kind	 kind;
	uint64_t		 seq;

	store_init(&st, 0);
	pump_doc(&doc);
	seq = decode_add(&st, &doc, &kind);
	assert_int_equal(kind, DECODE_BSON_RAW);
	check_record(&st, store_get(&st, seq));
	assert_int_equal(decode_bson_classify(&doc), DECODE_BSON_RAW);
	bson_destroy(&doc);
	store_clear(&st);
}

/* Other writers: other order, other integer widths, JSON key names. */
static void
test_other_writers(void **state)
{
	struct store		 st;
	bson_t			 src, doc;
	bson_iter_t		 it;
	enum decode_bson_kind	 kind;
	const char		*keys[64];
	int			 n = 0, i;
	uint64_t		 seq;
	bson_error_t		 err;
	const char		*json;

	store_init(&st, 0);
	/* Reversed order, int32 <-> int64 <-> double swapped. */
	pump_doc(&src);
	assert_true(bson_iter_init(&it, &src));
	while (bson_iter_next(&it) && n < 64)
		keys[n++] = bson_iter_key(&it);
	bson_init(&doc);
	for (i = n - 1; i >= 0; i--) {
		assert_true(bson_iter_init_find(&it, &src, keys[i]));
		switch (bson_iter_type(&it)) {
		case BSON_TYPE_INT32:
			BSON_APPEND_INT64(&doc, keys[i], bson_iter_int32(&it));
			break;
		case BSON_TYPE_INT64:
			if (bson_iter_int64(&it) % 2 == 0)
				BSON_APPEND_DOUBLE(&doc, keys[i],
				    (double)bson_iter_int64(&it));
			else
				BSON_APPEND_INT32(&doc, keys[i],
				    (int32_t)bson_iter_int64(&it));
			break;
		default:
			bson_append_iter(&doc, keys[i], -1, &it);
			break;
		}
	}
	seq = decode_add(&st, &doc, &kind);
	assert_int_equal(kind, DECODE_BSON_RAW);
	check_record(&st, store_get(&st, seq));
	bson_destroy(&doc);
	bson_destroy(&src);

	/* Tyk JSON keys through libbson's JSON parser. */
	json = "{\"method\":\"POST\",\"raw_path\":\"/v1/x?a=1\","
	    "\"listen_path\":\"/api/\",\"content_length\":123,"
	    "\"response_code\":502,\"request_time\":77,"
	    "\"timestamp\":\"2024-01-02T04:04:05.123+01:00\","
	    "\"expireAt\":\"2123-12-09T03:04:05.123Z\",\"year\":2024,"
	    "\"month\":1,\"day\":2,\"hour\":3,\"track_path\":true,"
	    "\"raw_request\":\"UkVR\",\"raw_response\":\"UkVTUA==\","
	    "\"latency\":{\"total\":77,\"upstream\":70,\"gateway\":7},"
	    "\"tags\":[\"key-k1\"],\"network\":{\"open_connections\":0},"
	    "\"geo\":{\"country\":{\"iso_code\":\"DE\"},\"city\":"
	    "{\"geoname_id\":2950159,\"names\":{\"en\":\"Berlin\"}},"
	    "\"location\":{\"latitude\":52.5,\"longitude\":13.4,"
	    "\"time_zone\":\"Europe/Berlin\"}}}";
	assert_true(bson_init_from_json(&doc, json, -1, &err));
	seq = decode_add(&st, &doc, &kind);
	assert_int_equal(kind, DECODE_BSON_RAW);
	check_record(&st, store_get(&st, seq));
	bson_destroy(&doc);
	store_clear(&st);
}

static void
test_network_tags_null(void **state)
{
	struct store		 st;
	bson_t			*doc;
	enum decode_bson_kind	 kind;
	const struct record	*r;
	const struct record_extra *ex;
	bson_error_t		 err;

	store_init(&st, 0);
	doc = bson_new_from_json((const uint8_t *)"{\"responsecode\":-1,"
	    "\"method\":\"\",\"network\":{\"openconnections\":3,"
	    "\"closedconnection\":{\"$numberLong\":\"2\"},\"bytesin\":10.0,"
	    "\"bytesout\":20},\"tags\":null}", -1, &err);
	assert_non_null(doc);
	r = store_get(&st, decode_add(&st, doc, &kind));
	assert_int_equal(record_response_code(&st, r), -1);
	assert_true(r->flags & REC_NETWORK);
	assert_true(r->flags & REC_TAGS_NULL);
	ex = record_extra(&st, r);
	assert_non_null(ex);
	assert_int_equal(ex->open_connections, 3);
	assert_int_equal(ex->closed_connection, 2);
	assert_int_equal(ex->bytes_in, 10);
	assert_int_equal(ex->bytes_out, 20);
	assert_true(r->flags & REC_TS_ZERO);
	bson_destroy(doc);
	store_clear(&st);
}

static void
test_kinds(void **state)
{
	struct store		 st;
	struct record_build	 b;
	bson_t			*doc;
	enum decode_bson_kind	 kind;
	size_t			 erroff;
	const char		*why;
	bson_error_t		 err;

	store_init(&st, 0);
	record_build_init(&b);
	doc = bson_new_from_json((const uint8_t *)"{\"orgid\":\"o\","
	    "\"timestamp\":{\"$date\":\"2024-01-02T03:00:00Z\"},\"total\":"
	    "{\"hits\":3,\"lasttime\":{\"$date\":\"2024-01-02T03:00:00Z\"}},"
	    "\"timeid\":{\"year\":2024}}", -1, &err);
	assert_non_null(doc);
	assert_int_equal(decode_bson_record(doc, &st, &b, &kind, &erroff,
	    &why), 0);
	assert_int_equal(kind, DECODE_BSON_AGG);
	assert_int_equal(decode_bson_classify(doc), DECODE_BSON_AGG);
	bson_destroy(doc);
	record_build_reset(&b);
	doc = bson_new_from_json((const uint8_t *)"{\"name\":\"httpbin\","
	    "\"api_id\":\"x\"}", -1, &err);
	assert_int_equal(decode_bson_record(doc, &st, &b, &kind, &erroff,
	    &why), 0);
	assert_int_equal(kind, DECODE_BSON_OTHER);
	assert_int_equal(decode_bson_classify(doc), DECODE_BSON_OTHER);
	bson_destroy(doc);
	record_build_clear(&b);

	assert_int_equal(decode_bson_collection_kind("tyk_analytics"),
	    DECODE_BSON_RAW);
	assert_int_equal(decode_bson_collection_kind("z_tyk_analyticz_abc"),
	    DECODE_BSON_RAW);
	assert_int_equal(decode_bson_collection_kind(
	    "z_tyk_analyticz_aggregate_abc"), DECODE_BSON_AGG);
	assert_int_equal(decode_bson_collection_kind(
	    "tyk_analytics_aggregates"), DECODE_BSON_AGG);
	assert_int_equal(decode_bson_collection_kind("tyk_uptime_analytics"),
	    DECODE_BSON_SKIP);
	assert_int_equal(decode_bson_collection_kind("system.views"),
	    DECODE_BSON_SKIP);
	assert_int_equal(decode_bson_collection_kind("tyk_graph_analytics"),
	    DECODE_BSON_SKIP);
	assert_int_equal(decode_bson_collection_kind("my_custom"),
	    DECODE_BSON_OTHER);
	store_clear(&st);
}

static void
test_corrupt(void **state)
{
	struct store		 st;
	struct record_build	 b;
	bson_t			 doc, bad;
	enum decode_bson_kind	 kind;
	uint8_t			*copy;
	size_t			 erroff;
	const char		*why;
	bson_iter_t		 it;
	uint32_t		 off;

	store_init(&st, 0);
	record_build_init(&b);
	pump_doc(&doc);
	copy = malloc(doc.len);
	memcpy(copy, bson_get_data(&doc), doc.len);
	/* Break the type byte of "host". */
	assert_true(bson_iter_init_find(&it, &doc, "host"));
	off = it.type;
	copy[off] = 0x42;
	assert_true(bson_init_static(&bad, copy, doc.len));
	assert_int_equal(decode_bson_record(&bad, &st, &b, &kind, &erroff,
	    &why), -1);
	assert_int_equal(erroff, off);
	assert_string_equal(why, "corrupt BSON element");
	assert_int_equal(decode_bson_check(copy, doc.len, &erroff), -1);
	assert_int_equal(erroff, off);
	/* A corrupt element inside geo is found too. */
	memcpy(copy, bson_get_data(&doc), doc.len);
	assert_true(bson_iter_init_find(&it, &doc, "geo"));
	copy[it.d1 + 4] = 0x77;
	record_build_reset(&b);
	assert_int_equal(decode_bson_record(&bad, &st, &b, &kind, &erroff,
	    &why), -1);
	assert_int_equal(erroff, it.d1 + 4);
	assert_int_equal(decode_bson_check(copy, doc.len, &erroff), -1);
	memcpy(copy, bson_get_data(&doc), doc.len);
	assert_int_equal(decode_bson_check(copy, doc.len, &erroff), 0);
	free(copy);
	bson_destroy(&doc);
	record_build_clear(&b);
	store_clear(&st);
}

static void
test_rfc3339(void **state)
{
	int64_t		 sec;
	uint32_t	 nsec;
	int		 prec;

	assert_int_equal(decode_bson_rfc3339("2024-01-02T03:04:05.123456789Z",
	    30, &sec, &nsec, &prec), 0);
	assert_int_equal(sec, 1704164645);
	assert_int_equal(nsec, 123456789);
	assert_int_equal(prec, 9);
	assert_int_equal(decode_bson_rfc3339("2024-01-02T05:04:05.5+02:00",
	    27, &sec, &nsec, &prec), 0);
	assert_int_equal(sec, 1704164645);
	assert_int_equal(nsec, 500000000);
	assert_int_equal(prec, 1);
	assert_int_equal(decode_bson_rfc3339("0001-01-01T00:00:00Z", 20, &sec,
	    &nsec, &prec), 0);
	assert_int_equal(sec, REC_GO_ZERO_SEC);
	assert_int_equal(prec, 0);
	assert_int_equal(decode_bson_rfc3339("2024-01-02T03:04:05", 19, &sec,
	    &nsec, &prec), -1);
	assert_int_equal(decode_bson_rfc3339("yesterday", 9, &sec, &nsec,
	    &prec), -1);
	assert_int_equal(decode_bson_rfc3339("2024-13-02T03:04:05Z", 20, &sec,
	    &nsec, &prec), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pump_layout),
		cmocka_unit_test(test_other_writers),
		cmocka_unit_test(test_network_tags_null),
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_corrupt),
		cmocka_unit_test(test_rfc3339),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
