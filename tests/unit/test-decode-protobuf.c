/* SPDX-License-Identifier: ISC */
/*
 * protobuf decoder: a record packed by protobuf-c from src/analytics.proto
 * decodes field for field; proto3 defaults; every truncation and a wrong
 * wire type are errors, not crashes.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "analytics.pb-c.h"
#include "decode-msgpack.h"
#include "decode-protobuf.h"
#include "record.h"
#include "store.h"
#include "unit.h"

static void
assert_slice(struct slice s, const char *want)
{
	assert_int_equal(s.len, strlen(want));
	assert_memory_equal(s.ptr, want, s.len);
}

static uint8_t *
pack_sample(size_t *len)
{
	Tyk__AnalyticsRecord	 m = TYK__ANALYTICS_RECORD__INIT;
	Tyk__Timestamp		 ts = TYK__TIMESTAMP__INIT;
	Tyk__Timestamp		 exp = TYK__TIMESTAMP__INIT;
	Tyk__Latency		 lat = TYK__LATENCY__INIT;
	Tyk__GeoData		 geo = TYK__GEO_DATA__INIT;
	Tyk__Country		 country = TYK__COUNTRY__INIT;
	Tyk__NetworkStats	 net = TYK__NETWORK_STATS__INIT;
	Tyk__GraphQLStats	 gql = TYK__GRAPH_QLSTATS__INIT;
	char			*tags[] = { (char *)"key-1", (char *)"org-2" };
	char			*roots[] = { (char *)"pets" };
	uint8_t			*p;

	m.host = (char *)"httpbin.org";
	m.method = (char *)"POST";
	m.path = (char *)"/post";
	m.responsecode = 502;
	m.year = 2024;
	m.month = 1;
	m.day = 2;
	m.hour = 3;
	ts.seconds = 1704164645;
	ts.nanos = 123456789;
	m.timestamp = &ts;
	exp.seconds = 1704164645 + 3600;
	m.expireat = &exp;
	lat.total = 40;
	lat.upstream = 30;
	m.latency = &lat;
	m.requesttime = 40;
	m.n_tags = 2;
	m.tags = tags;
	country.isocode = (char *)"FR";
	geo.country = &country;
	m.geo = &geo;
	net.bytesin = 77;
	m.network = &net;
	gql.isgraphql = 1;
	gql.operationtype = TYK__GRAPH_QLOPERATIONS__OPERATION_MUTATION;
	gql.n_rootfields = 1;
	gql.rootfields = roots;
	m.graphqlstats = &gql;
	m.rawrequest = (char *)"UE9TVCAv";
	m.rawresponse = (char *)"SFRUUC8xLjE=";
	m.timezone = (char *)"Local";
	m.listenpath = (char *)"/httpbin/";
	*len = tyk__analytics_record__get_packed_size(&m);
	p = malloc(*len);
	tyk__analytics_record__pack(&m, p);
	return (p);
}

static void
test_sample(void **state)
{
	struct store			 st;
	struct record_build		 b;
	const struct record		*r;
	const struct record_extra	*ex;
	struct record_geo		 geo;
	char				 err[DECODE_ERR_MAX];
	uint8_t				*p;
	size_t				 len;
	uint16_t			 src;

	store_init(&st, 0);
	src = store_source_add(&st, "redis:k_protobuf", STORE_SRC_REDIS);
	record_build_init(&b);
	p = pack_sample(&len);
	assert_int_equal(decode_protobuf_record(&st, &b, p, len, err,
	    sizeof err), 0);
	store_add(&st, &b, src, 3);
	memset(p, 0, len);
	free(p);
	r = store_get(&st, 0);
	assert_int_equal(record_encoding(r), REC_ENC_PROTOBUF);
	assert_slice(record_strs(&st, r, RS_HOST), "httpbin.org");
	assert_slice(record_strs(&st, r, RS_METHOD), "POST");
	assert_slice(record_strs(&st, r, RS_LISTEN_PATH), "/httpbin/");
	assert_int_equal(record_response_code(&st, r), 502);
	assert_int_equal(record_ts_sec(&st, r), 1704164645);
	assert_int_equal(record_ts_nsec(&st, r), 123456789);
	assert_int_equal(record_exp_sec(&st, r), 1704164645 + 3600);
	assert_int_equal(record_lat_total(&st, r), 40);
	assert_int_equal(record_lat_upstream(&st, r), 30);
	assert_int_equal(record_lat_gateway(&st, r), 0);
	assert_int_equal(record_year(r), 2024);
	assert_slice(record_raw_request(r), "UE9TVCAv");
	assert_slice(record_raw_response(r), "SFRUUC8xLjE=");
	assert_true(r->flags & REC_NETWORK);
	assert_true(r->flags & REC_GRAPHQL);
	assert_true(r->flags & REC_HAS_GQL);
	assert_false(r->flags & REC_HAS_MCP);
	ex = record_extra(&st, r);
	assert_non_null(ex);
	assert_int_equal(ex->bytes_in, 77);
	assert_int_equal(ex->gql_operation_type, 2);
	assert_int_equal(ex->time_zone, 0);
	record_geo(&st, r, &geo);
	assert_slice(strtab_get(&st.strs, geo.iso_code), "FR");
	assert_int_equal(strtab_get(&st.strs, r->str[RS_TAGS]).len, 18);
	record_build_clear(&b);
	store_clear(&st);
}

static void
test_damaged(void **state)
{
	static const uint8_t wt7[] = { 0x0f, 0x01 };
	static const uint8_t wrong[] = { 0x5a, 0x01, 0x00 }; /* 11 as bytes */
	struct store		 st;
	struct record_build	 b;
	char			 err[DECODE_ERR_MAX];
	uint8_t			*p, *q;
	size_t			 len, n;
	int			 rc;

	store_init(&st, 0);
	record_build_init(&b);
	p = pack_sample(&len);
	for (n = 0; n < len; n++) {
		q = malloc(n + 1);
		memcpy(q, p, n);
		err[0] = '\0';
		rc = decode_protobuf_record(&st, &b, q, n, err, sizeof err);
		/* A prefix can end on a field boundary and be valid. */
		assert_true(rc == 0 || err[0] != '\0');
		free(q);
	}
	free(p);
	assert_int_equal(decode_protobuf_record(&st, &b, wt7, sizeof wt7,
	    err, sizeof err), -1);
	assert_string_equal(err, "protobuf: wire type 7 at byte 0");
	assert_int_equal(decode_protobuf_record(&st, &b, wrong, sizeof wrong,
	    err, sizeof err), -1);
	/* Empty input: every field defaults (a valid, empty record). */
	assert_int_equal(decode_protobuf_record(&st, &b, "", 0, err,
	    sizeof err), 0);
	record_build_clear(&b);
	store_clear(&st);
}

/* The older layout: OriginalPath = 33, ListenPath = 34, no MCPStats. */
static void
test_legacy_paths(void **state)
{
	static const uint8_t tail[] = {
	    0x8a, 0x02, 0x09, '/', 'o', 'l', 'd', '/', 'p', 'a', 't', 'h',
	    0x92, 0x02, 0x08, '/', 'l', 'i', 's', 't', 'e', 'n', '/' };
	static const uint8_t mcp[] = {
	    0x8a, 0x02, 0x0c, 0x08, 0x01, 0x12, 0x08, 't', 'o', 'o', 'l',
	    's', '/', 'g', 'o' };
	Tyk__AnalyticsRecord	 m = TYK__ANALYTICS_RECORD__INIT;
	struct store		 st;
	struct record_build	 b;
	const struct record	*r;
	const struct record_extra *ex;
	char			 err[DECODE_ERR_MAX];
	uint8_t			 p[256];
	size_t			 len;
	uint16_t		 src;

	store_init(&st, 0);
	src = store_source_add(&st, "redis:k_protobuf", STORE_SRC_REDIS);
	record_build_init(&b);
	m.method = (char *)"GET";
	m.responsecode = 200;
	len = tyk__analytics_record__pack(&m, p);
	memcpy(p + len, tail, sizeof tail);
	assert_int_equal(decode_protobuf_record(&st, &b, p, len + sizeof tail,
	    err, sizeof err), 0);
	store_add(&st, &b, src, 0);
	r = store_get(&st, 0);
	assert_slice(record_strs(&st, r, RS_METHOD), "GET");
	assert_slice(record_strs(&st, r, RS_ORIGINAL_PATH), "/old/path");
	assert_slice(record_strs(&st, r, RS_LISTEN_PATH), "/listen/");
	assert_false(r->flags & REC_HAS_MCP);

	/* The current layout: 33 is MCPStats. */
	memcpy(p + len, mcp, sizeof mcp);
	assert_int_equal(decode_protobuf_record(&st, &b, p, len + sizeof mcp,
	    err, sizeof err), 0);
	store_add(&st, &b, src, 1);
	r = store_get(&st, 1);
	assert_true(r->flags & REC_MCP);
	ex = record_extra(&st, r);
	assert_non_null(ex);
	assert_slice(strtab_get(&st.strs, ex->mcp_method), "tools/go");
	record_build_clear(&b);
	store_clear(&st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample),
		cmocka_unit_test(test_damaged),
		cmocka_unit_test(test_legacy_paths),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
