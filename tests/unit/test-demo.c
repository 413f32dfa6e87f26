/* SPDX-License-Identifier: ISC */
/*
 * The demo generator: determinism, the gateway's invariants (tags order,
 * latency identities, dates, network-statistics records) and the wire
 * messages inside raw_request/raw_response.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <zlib.h>

#include "base64.h"
#include "bytes.h"
#include "decode-bson.h"
#include "decode-msgpack.h"
#include "decode-protobuf.h"
#include "demo-catalogue.h"
#include "demo.h"
#include "encode-bson.h"
#include "encode-msgpack.h"
#include "encode-protobuf.h"
#include "record.h"
#include "store.h"
#include "timefmt.h"
#include "unit.h"

#define NRECS	3000

static int
b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return (c - 'A');
	if (c >= 'a' && c <= 'z')
		return (c - 'a' + 26);
	if (c >= '0' && c <= '9')
		return (c - '0' + 52);
	if (c == '+')
		return (62);
	if (c == '/')
		return (63);
	return (-1);
}

/* Strict decoder: standard alphabet, padded, one line. */
static void
b64decode(struct slice s, struct buf *out)
{
	size_t		 i;
	int		 v[4], j;

	assert_int_equal(s.len % 4, 0);
	for (i = 0; i < s.len; i += 4) {
		for (j = 0; j < 4; j++) {
			v[j] = b64val((unsigned char)s.ptr[i + j]);
			if (v[j] < 0) {
				assert_true(s.ptr[i + j] == '=');
				assert_true(i + 4 == s.len && j >= 2);
			}
		}
		buf_addc(out, (char)(v[0] << 2 | v[1] >> 4));
		if (v[2] >= 0)
			buf_addc(out, (char)((v[1] & 0xf) << 4 | v[2] >> 2));
		if (v[3] >= 0)
			buf_addc(out, (char)((v[2] & 3) << 6 | v[3]));
	}
}

static bool
has_prefix(struct slice s, const char *p)
{
	return (s.len >= strlen(p) && memcmp(s.ptr, p, strlen(p)) == 0);
}

static void
test_base64(void **state)
{
	static const char *const in[] = { "", "f", "fo", "foo", "foob",
	    "fooba", "foobar" };
	static const char *const out[] = { "", "Zg==", "Zm8=", "Zm9v",
	    "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy" };
	const char	*appb = "GET /get HTTP/1.1\r\nHost: tyk-gateway.localhost:"
	    "8080\r\nUser-Agent: curl/7.79.1\r\nAccept: */*\r\n\r\n";
	struct buf	 b;
	size_t		 i;

	buf_init(&b);
	for (i = 0; i < 7; i++) {
		buf_reset(&b);
		base64_encode_buf(&b, in[i], strlen(in[i]));
		assert_int_equal(b.len, strlen(out[i]));
		assert_memory_equal(b.data, out[i], b.len);
	}
	buf_reset(&b);
	base64_encode_buf(&b, appb, strlen(appb));
	assert_string_equal(b.data, "R0VUIC9nZXQgSFRUUC8xLjENCkhvc3Q6IHR5ay1nY"
	    "XRld2F5LmxvY2FsaG9zdDo4MDgwDQpVc2VyLUFnZW50OiBjdXJsLzcuNzkuMQ0K"
	    "QWNjZXB0OiAqLyoNCg0K");
	buf_clear(&b);
}

static void
test_murmur3(void **state)
{
	assert_int_equal(demo_murmur3("", 0, 0), 0);
	assert_int_equal(demo_murmur3("hello", 5, 0), 0x248bfa47);
	assert_int_equal(demo_murmur3("The quick brown fox jumps over the "
	    "lazy dog", 43, 0), 0x2e4ff723);
}

static void
encode_all(uint64_t seed, struct buf *out, uint64_t n)
{
	struct demo_config	 cfg;
	struct demo		*d;
	struct demo_record	 r;
	uint64_t		 i;

	demo_config_init(&cfg);
	cfg.seed = seed;
	d = demo_create(&cfg);
	for (i = 0; i < n; i++) {
		demo_next(d, &r);
		encode_msgpack_record(out, &r);
	}
	assert_int_equal(demo_count(d), n);
	demo_free(d);
}

static void
test_determinism(void **state)
{
	struct buf	 a, b, c;

	buf_init(&a);
	buf_init(&b);
	buf_init(&c);
	encode_all(42, &a, 500);
	encode_all(42, &b, 500);
	encode_all(43, &c, 500);
	assert_int_equal(a.len, b.len);
	assert_memory_equal(a.data, b.data, a.len);
	assert_true(a.len != c.len || memcmp(a.data, c.data, a.len) != 0);
	buf_clear(&a);
	buf_clear(&b);
	buf_clear(&c);
}

/* Tags: pol-* first, then others, then key-<APIKey>?, org-, api- last. */
static void
check_tags(const struct demo_record *r, int *cached)
{
	struct slice	 t[16];
	size_t		 n = 0, off = 0, i;
	char		 want[128];
	bool		 seen_other = false;

	while (n < 16 && record_list_next(r->tags, &off, &t[n]))
		n++;
	assert_true(n >= 2);
	snprintf(want, sizeof want, "api-%.*s", (int)r->api_id.len,
	    r->api_id.ptr);
	assert_true(t[n - 1].len == strlen(want) &&
	    memcmp(t[n - 1].ptr, want, t[n - 1].len) == 0);
	snprintf(want, sizeof want, "org-%.*s", (int)r->org_id.len,
	    r->org_id.ptr);
	assert_true(t[n - 2].len == strlen(want) &&
	    memcmp(t[n - 2].ptr, want, t[n - 2].len) == 0);
	if (r->api_key.len != 0) {
		assert_true(n >= 3);
		snprintf(want, sizeof want, "key-%.*s", (int)r->api_key.len,
		    r->api_key.ptr);
		assert_true(t[n - 3].len == strlen(want) &&
		    memcmp(t[n - 3].ptr, want, t[n - 3].len) == 0);
	}
	for (i = 0; i < n; i++) {
		if (has_prefix(t[i], "pol-"))
			assert_false(seen_other);
		else
			seen_other = true;
		if (t[i].len == 15 && memcmp(t[i].ptr, "cached-response",
		    15) == 0) {
			(*cached)++;
			assert_true(i + 2 + (r->api_key.len != 0) == n - 1 ||
			    i + 2 + (r->api_key.len != 0) == n);
		}
	}
}

struct wire_stats {
	int	 requests, responses, chunked, gzip_real, gzip_label;
	int	 png, http00, form, empty_chunked;
};

/* Check a decoded request: Go's Request.Write layout. */
static void
check_request(const struct demo_record *r, struct buf *m,
    struct wire_stats *ws)
{
	char		*eoh, *p, *line, *next, prev[64] = "";
	size_t		 hlen, blen;
	long		 cl = -1;
	bool		 chunked = false;

	ws->requests++;
	eoh = strstr(m->data, "\r\n\r\n");
	assert_non_null(eoh);
	hlen = (size_t)(eoh - m->data);
	blen = m->len - hlen - 4;
	assert_true(m->len > r->method.len &&
	    memcmp(m->data, r->method.ptr, r->method.len) == 0);
	line = strstr(m->data, " HTTP/1.1\r\nHost: ");
	assert_non_null(line);
	assert_true(line < eoh);
	p = strstr(line + 11, "\r\n");
	assert_true(strncmp(p, "\r\nUser-Agent: ", 14) == 0);
	line = strstr(p + 2, "\r\n") + 2;
	/* Transfer headers, then the rest sorted. */
	if (strncmp(line, "Content-Length: ", 16) == 0)
		cl = strtol(line + 16, NULL, 10);
	else if (strncmp(line, "Transfer-Encoding: chunked\r\n", 28) == 0)
		chunked = true;
	if (cl >= 0 || chunked)
		line = strstr(line, "\r\n") + 2;
	for (; line < eoh; line = next + 2) {
		next = strstr(line, "\r\n");
		p = strchr(line, ':');
		assert_true(p != NULL && p < next);
		assert_true(strlen(prev) == 0 || strncmp(prev, line,
		    sizeof prev) <= 0);
		snprintf(prev, sizeof prev, "%.*s", (int)(p - line), line);
		assert_true(strcmp(prev, "Host") != 0 &&
		    strcmp(prev, "Content-Length") != 0 &&
		    strcmp(prev, "Transfer-Encoding") != 0);
		if (strcmp(prev, "Content-Type") == 0 && strncmp(p + 2,
		    "application/x-www-form-urlencoded", 33) == 0)
			ws->form++;
	}
	if (cl >= 0) {
		assert_int_equal((size_t)cl, blen);
		assert_int_equal(r->content_length, cl);
	} else if (chunked) {
		ws->chunked++;
		assert_true(blen >= 5);
		assert_memory_equal(m->data + m->len - 5, "0\r\n\r\n", 5);
		if (blen == 5 && r->content_length == 0)
			ws->empty_chunked++;
		if (r->content_length != 0)
			assert_int_equal(r->content_length, -1);
	} else
		assert_int_equal(blen, 0);
}

/* Check a decoded response: status line, framing, bodies. */
static void
check_response(const struct demo_record *r, struct buf *m,
    struct wire_stats *ws)
{
	char		 start[32];
	char		*eoh, *body;
	size_t		 blen;
	unsigned char	 out[65536];
	z_stream	 zs;

	ws->responses++;
	eoh = strstr(m->data, "\r\n\r\n");
	assert_non_null(eoh);
	body = eoh + 4;
	blen = m->len - (size_t)(body - m->data);
	snprintf(start, sizeof start, " %03lld ", (long long)r->response_code);
	assert_true(strncmp(m->data, "HTTP/", 5) == 0);
	assert_true(strncmp(m->data + 8, start, 5) == 0);
	if (strncmp(m->data, "HTTP/0.0 ", 9) == 0) {
		ws->http00++;
		assert_null(strstr(m->data, "Content-Length"));
		assert_null(strstr(m->data, "Connection: close"));
		assert_true(r->response_code >= 400);
	}
	if (strstr(m->data, "Content-Length: ") != NULL &&
	    strstr(m->data, "Content-Length: ") < eoh)
		assert_int_equal(strtol(strstr(m->data, "Content-Length: ") +
		    16, NULL, 10), (long)blen);
	if (blen >= 8 && memcmp(body, "\x89PNG\r\n\x1a\n", 8) == 0)
		ws->png++;
	if (blen >= 2 && (unsigned char)body[0] == 0x1f &&
	    (unsigned char)body[1] == 0x8b) {
		memset(&zs, 0, sizeof zs);
		assert_int_equal(inflateInit2(&zs, 15 + 16), Z_OK);
		zs.next_in = (unsigned char *)body;
		zs.avail_in = (uInt)blen;
		zs.next_out = out;
		zs.avail_out = sizeof out;
		assert_int_equal(inflate(&zs, Z_FINISH), Z_STREAM_END);
		assert_true(zs.total_out > 0 && out[0] == '{');
		inflateEnd(&zs);
		ws->gzip_real++;
	} else if (strstr(m->data, "Content-Encoding: gzip") != NULL) {
		/* Gunzipped by the gateway, header kept, length unknown. */
		assert_true(strncmp(strstr(m->data, "\r\n") + 2,
		    "Connection: close\r\n", 19) == 0);
		ws->gzip_label++;
	}
}

static void
test_invariants(void **state)
{
	struct demo_config	 cfg;
	struct demo		*d;
	struct demo_record	 r;
	struct wire_stats	 ws;
	struct buf		 m;
	int64_t			 y, prev_net = 0;
	int			 mo, da, h, mi, s, i, net = 0, cached = 0;
	int			 nonver = 0, gw401 = 0, e5xx = 0, noua = 0;
	int			 codes[600];

	memset(&ws, 0, sizeof ws);
	memset(codes, 0, sizeof codes);
	buf_init(&m);
	demo_config_init(&cfg);
	cfg.payload_fraction = 0.5;
	cfg.rate = 5;	/* 10 minutes: crosses an error burst */
	d = demo_create(&cfg);
	for (i = 0; i < NRECS; i++) {
		demo_next(d, &r);
		timefmt_civil(r.ts_sec, &y, &mo, &da, &h, &mi, &s);
		assert_int_equal(r.year, y);
		assert_int_equal(r.month, mo);
		assert_int_equal(r.day, da);
		assert_int_equal(r.hour, h);
		assert_int_equal(r.exp_nsec, r.ts_nsec);
		assert_true(r.exp_sec - r.ts_sec == DEMO_EXPIRE_100Y ||
		    r.exp_sec - r.ts_sec == 30 * 86400 ||
		    r.exp_sec - r.ts_sec == 7 * 86400);
		assert_int_equal(r.org_id.len, 24);
		assert_int_equal(r.api_id.len, 32);
		if (r.response_code == -1) {
			net++;
			assert_true(r.ts_sec * 1000000000LL + r.ts_nsec >
			    prev_net);
			prev_net = r.ts_sec * 1000000000LL + r.ts_nsec;
			assert_true(r.path.len == 1 && r.path.ptr[0] == '/');
			assert_true(r.raw_path.len == 1);
			assert_int_equal(r.method.len, 0);
			assert_int_equal(r.host.len, 0);
			assert_int_equal(r.api_key.len, 0);
			assert_int_equal(r.raw_request.len, 0);
			assert_int_equal(r.raw_response.len, 0);
			assert_int_equal(r.lat_total, 0);
			assert_true(r.bytes_in > 0 && r.bytes_out > 0);
			assert_true(r.api_name.len > 0);
			check_tags(&r, &cached);
			continue;
		}
		assert_true(r.response_code >= 200 && r.response_code < 600);
		codes[r.response_code]++;
		assert_int_equal(r.request_time, r.lat_total);
		assert_int_equal(r.lat_gateway, r.lat_total - r.lat_upstream);
		assert_true(r.lat_upstream >= 0 && r.lat_gateway >= 0);
		if (r.response_code == 401 || r.response_code == 429 ||
		    (r.response_code == 403 && r.raw_response.len != 0 &&
		    r.lat_upstream == 0)) {
			assert_int_equal(r.lat_upstream, 0);
			assert_int_equal(r.lat_gateway, r.lat_total);
		}
		if (r.response_code == 401)
			gw401++;
		if (r.response_code == 504)
			assert_true(r.lat_upstream >= 5000);
		if (r.response_code >= 500)
			e5xx++;
		if (r.api_version.len == 13 && memcmp(r.api_version.ptr,
		    "Non Versioned", 13) == 0)
			nonver++;
		if (r.user_agent.len == 0)
			noua++;
		if (r.track_path)
			assert_true(memchr(r.path.ptr, '{', r.path.len) !=
			    NULL || r.path.len == r.raw_path.len);
		else
			assert_true(r.path.len == r.raw_path.len &&
			    memcmp(r.path.ptr, r.raw_path.ptr,
			    r.path.len) == 0);
		check_tags(&r, &cached);
		if (r.raw_request.len != 0) {
			buf_reset(&m);
			b64decode(r.raw_request, &m);
			check_request(&r, &m, &ws);
			if (r.user_agent.len == 0)
				assert_non_null(strstr(m.data,
				    "\r\nUser-Agent: Go-http-client/1.1\r\n"));
		}
		if (r.raw_response.len != 0) {
			buf_reset(&m);
			b64decode(r.raw_response, &m);
			check_response(&r, &m, &ws);
		}
	}
	/* Something of everything. */
	assert_true(net >= NRECS / 6 - 10);
	assert_true(cached > 0 && nonver > 0 && gw401 > 0 && noua > 0);
	assert_true(codes[200] > NRECS / 3);
	assert_true(codes[403] > 0 && codes[404] > 0 && codes[429] > 0);
	assert_true(codes[499] > 0 && codes[502] > 0 && codes[503] > 0 &&
	    codes[504] > 0 && codes[304] > 0 && codes[204] > 0);
	assert_true(e5xx > 40);		/* the burst */
	assert_true(ws.chunked > 0 && ws.empty_chunked > 0 && ws.png > 0);
	assert_true(ws.gzip_real > 0 && ws.gzip_label > 0 && ws.http00 > 0);
	assert_true(ws.form > 0);
	demo_free(d);
	buf_clear(&m);
}

/* demo_build then demo_record_from_store gives the same record back. */
static void
test_store_roundtrip(void **state)
{
	struct demo_config	 cfg;
	struct demo		*d;
	struct demo_record	 r, back;
	struct record_build	 b;
	struct store		 st;
	struct buf		 x, y;
	uint16_t		 src;
	uint64_t		 seq;
	int			 i;

	demo_config_init(&cfg);
	cfg.payload_fraction = 0.5;
	d = demo_create(&cfg);
	store_init(&st, 0);
	src = store_source_add(&st, "demo", STORE_SRC_DEMO);
	record_build_init(&b);
	buf_init(&x);
	buf_init(&y);
	for (i = 0; i < 300; i++) {
		demo_next(d, &r);
		record_build_reset(&b);
		demo_build(&r, &st, &b);
		seq = store_add(&st, &b, src, (uint64_t)i);
		assert_int_equal(record_encoding(store_get(&st, seq)),
		    REC_ENC_DEMO);
		demo_record_from_store(&st, store_get(&st, seq), &back);
		buf_reset(&x);
		buf_reset(&y);
		encode_msgpack_record(&x, &r);
		encode_msgpack_record(&y, &back);
		assert_int_equal(x.len, y.len);
		assert_memory_equal(x.data, y.data, x.len);
	}
	buf_clear(&x);
	buf_clear(&y);
	record_build_clear(&b);
	store_clear(&st);
	demo_free(d);
}

/*
 * Writers against the decoders: generated record -> msgpack -> decoder ->
 * store -> msgpack again gives the same bytes (nanoseconds survive), and
 * the same through BSON (milliseconds both ways).
 */
static void
test_decoders_roundtrip(void **state)
{
	struct demo_config	 cfg;
	struct demo		*d;
	struct demo_record	 r, back;
	struct record_build	 b;
	struct store		 st;
	struct buf		 x, y;
	bson_t			 doc, doc2;
	bson_oid_t		 oid;
	enum decode_bson_kind	 kind;
	size_t			 erroff;
	const char		*why;
	char			 err[DECODE_ERR_MAX];
	uint16_t		 src;
	uint64_t		 seq;
	int			 i;

	demo_config_init(&cfg);
	cfg.payload_fraction = 0.5;
	d = demo_create(&cfg);
	store_init(&st, 0);
	src = store_source_add(&st, "x", STORE_SRC_FILE);
	record_build_init(&b);
	buf_init(&x);
	buf_init(&y);
	for (i = 0; i < 400; i++) {
		demo_next(d, &r);
		buf_reset(&x);
		buf_reset(&y);
		encode_msgpack_record(&x, &r);
		record_build_reset(&b);
		assert_int_equal(decode_msgpack_record(&st, &b, x.data, x.len,
		    err, sizeof err), 0);
		seq = store_add(&st, &b, src, (uint64_t)i);
		demo_record_from_store(&st, store_get(&st, seq), &back);
		encode_msgpack_record(&y, &back);
		assert_int_equal(x.len, y.len);
		assert_memory_equal(x.data, y.data, x.len);

		encode_bson_oid(&oid, r.ts_sec, (uint64_t)i, 1);
		bson_init(&doc);
		encode_bson_record(&doc, &r, &oid);
		record_build_reset(&b);
		assert_int_equal(decode_bson_record(&doc, &st, &b, &kind,
		    &erroff, &why), 0);
		assert_int_equal(kind, DECODE_BSON_RAW);
		seq = store_add(&st, &b, src, (uint64_t)i);
		demo_record_from_store(&st, store_get(&st, seq), &back);
		bson_init(&doc2);
		encode_bson_record(&doc2, &back, &oid);
		assert_int_equal(doc.len, doc2.len);
		assert_memory_equal(bson_get_data(&doc), bson_get_data(&doc2),
		    doc.len);
		bson_destroy(&doc);
		bson_destroy(&doc2);
	}
	buf_clear(&x);
	buf_clear(&y);
	record_build_clear(&b);
	store_clear(&st);
	demo_free(d);
}

/*
 * The protobuf writer against the protobuf decoder.  The format drops
 * Latency.Gateway (tyk-formats.md 1.6); everything else comes back.
 */
static void
test_protobuf_roundtrip(void **state)
{
	struct demo_config	 cfg;
	struct demo		*d;
	struct demo_record	 r, back;
	struct record_build	 b;
	struct store		 st;
	struct buf		 p, x, y;
	char			 err[DECODE_ERR_MAX];
	uint16_t		 src;
	uint64_t		 seq;
	int			 i;

	demo_config_init(&cfg);
	cfg.payload_fraction = 0.5;
	d = demo_create(&cfg);
	store_init(&st, 0);
	src = store_source_add(&st, "x", STORE_SRC_REDIS);
	record_build_init(&b);
	buf_init(&p);
	buf_init(&x);
	buf_init(&y);
	for (i = 0; i < 400; i++) {
		demo_next(d, &r);
		buf_reset(&p);
		buf_reset(&x);
		buf_reset(&y);
		encode_protobuf_record(&p, &r);
		record_build_reset(&b);
		assert_int_equal(decode_protobuf_record(&st, &b, p.data, p.len,
		    err, sizeof err), 0);
		seq = store_add(&st, &b, src, (uint64_t)i);
		demo_record_from_store(&st, store_get(&st, seq), &back);
		back.lat_gateway = r.lat_gateway;
		encode_msgpack_record(&x, &r);
		encode_msgpack_record(&y, &back);
		assert_int_equal(x.len, y.len);
		assert_memory_equal(x.data, y.data, x.len);
	}
	buf_clear(&p);
	buf_clear(&x);
	buf_clear(&y);
	record_build_clear(&b);
	store_clear(&st);
	demo_free(d);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_base64),
	cmocka_unit_test(test_murmur3),
	cmocka_unit_test(test_determinism),
	cmocka_unit_test(test_invariants),
	cmocka_unit_test(test_store_roundtrip),
	cmocka_unit_test(test_decoders_roundtrip),
	cmocka_unit_test(test_protobuf_roundtrip),
};

UNIT_MAIN(tests)
