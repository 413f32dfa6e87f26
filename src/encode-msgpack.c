/* SPDX-License-Identifier: ISC */
/*
 * msgpack writer for analytics records, byte-for-byte what the gateway's
 * msgpack.Marshal(record) produces (checked against the vector in
 * tyk-formats.md Appendix A by tests/unit/test-encode-msgpack.c).  Written
 * by hand rather than through msgpack-c so that every choice of code (map16
 * for 35 keys, fixarray time, str family only) is explicit.
 */
#include "config.h"

#include "encode-msgpack.h"

#include <string.h>

#include "demo.h"
#include "record.h"

static void
encode_msgpack_be(struct buf *b, unsigned char code, uint64_t v, int n)
{
	unsigned char	 tmp[9];
	int		 i;

	tmp[0] = code;
	for (i = 0; i < n; i++)
		tmp[1 + i] = (unsigned char)(v >> (8 * (n - 1 - i)));
	buf_add(b, tmp, (size_t)n + 1);
}

/* An integer at minimal width (unsigned codes when v >= 0). */
void
encode_msgpack_int(struct buf *b, int64_t v)
{
	if (v >= 0) {
		if (v <= 0x7f)
			buf_addc(b, (char)v);
		else if (v <= 0xff)
			encode_msgpack_be(b, 0xcc, (uint64_t)v, 1);
		else if (v <= 0xffff)
			encode_msgpack_be(b, 0xcd, (uint64_t)v, 2);
		else if (v <= 0xffffffffLL)
			encode_msgpack_be(b, 0xce, (uint64_t)v, 4);
		else
			encode_msgpack_be(b, 0xcf, (uint64_t)v, 8);
	} else {
		if (v >= -32)
			buf_addc(b, (char)(0xe0 | (v & 0x1f)));
		else if (v >= -128)
			encode_msgpack_be(b, 0xd0, (uint64_t)v, 1);
		else if (v >= -32768)
			encode_msgpack_be(b, 0xd1, (uint64_t)v, 2);
		else if (v >= -2147483648LL)
			encode_msgpack_be(b, 0xd2, (uint64_t)v, 4);
		else
			encode_msgpack_be(b, 0xd3, (uint64_t)v, 8);
	}
}

/* A string (str family only, as v2 writes). */
void
encode_msgpack_str(struct buf *b, const char *s, size_t len)
{
	if (len < 32)
		buf_addc(b, (char)(0xa0 | len));
	else if (len < 256)
		encode_msgpack_be(b, 0xd9, len, 1);
	else if (len < 65536)
		encode_msgpack_be(b, 0xda, len, 2);
	else
		encode_msgpack_be(b, 0xdb, len, 4);
	if (len != 0)
		buf_add(b, s, len);
}

static void
encode_msgpack_key(struct buf *b, const char *k)
{
	encode_msgpack_str(b, k, strlen(k));
}

static void
encode_msgpack_sl(struct buf *b, const char *k, struct slice s)
{
	encode_msgpack_key(b, k);
	encode_msgpack_str(b, s.ptr, s.len);
}

static void
encode_msgpack_kint(struct buf *b, const char *k, int64_t v)
{
	encode_msgpack_key(b, k);
	encode_msgpack_int(b, v);
}

static void
encode_msgpack_map(struct buf *b, size_t n)
{
	if (n < 16)
		buf_addc(b, (char)(0x80 | n));
	else if (n < 65536)
		encode_msgpack_be(b, 0xde, n, 2);
	else
		encode_msgpack_be(b, 0xdf, n, 4);
}

static void
encode_msgpack_array(struct buf *b, size_t n)
{
	if (n < 16)
		buf_addc(b, (char)(0x90 | n));
	else if (n < 65536)
		encode_msgpack_be(b, 0xdc, n, 2);
	else
		encode_msgpack_be(b, 0xdd, n, 4);
}

static void
encode_msgpack_bool(struct buf *b, const char *k, bool v)
{
	encode_msgpack_key(b, k);
	buf_addc(b, (char)(v ? 0xc3 : 0xc2));
}

static void
encode_msgpack_double(struct buf *b, const char *k, double v)
{
	uint64_t	 u;

	memcpy(&u, &v, sizeof u);
	encode_msgpack_key(b, k);
	encode_msgpack_be(b, 0xcb, u, 8);
}

/* time.Time as v2 writes it: [int64 seconds, int nanoseconds]. */
static void
encode_msgpack_time(struct buf *b, const char *k, int64_t sec,
    uint32_t nsec)
{
	encode_msgpack_key(b, k);
	buf_addc(b, (char)0x92);
	encode_msgpack_int(b, sec);
	encode_msgpack_int(b, nsec);
}

/* Append one record as the gateway's msgpack value. */
void
encode_msgpack_record(struct buf *b, const struct demo_record *r)
{
	struct slice	 e, v;
	size_t		 off, n;

	encode_msgpack_map(b, 35);
	encode_msgpack_sl(b, "Method", r->method);
	encode_msgpack_sl(b, "Host", r->host);
	encode_msgpack_sl(b, "Path", r->path);
	encode_msgpack_sl(b, "RawPath", r->raw_path);
	encode_msgpack_kint(b, "ContentLength", r->content_length);
	encode_msgpack_sl(b, "UserAgent", r->user_agent);
	encode_msgpack_kint(b, "Day", r->day);
	encode_msgpack_kint(b, "Month", r->month);
	encode_msgpack_kint(b, "Year", r->year);
	encode_msgpack_kint(b, "Hour", r->hour);
	encode_msgpack_kint(b, "ResponseCode", r->response_code);
	encode_msgpack_sl(b, "APIKey", r->api_key);
	encode_msgpack_time(b, "TimeStamp", r->ts_sec, r->ts_nsec);
	encode_msgpack_sl(b, "APIVersion", r->api_version);
	encode_msgpack_sl(b, "APIName", r->api_name);
	encode_msgpack_sl(b, "APIID", r->api_id);
	encode_msgpack_sl(b, "OrgID", r->org_id);
	encode_msgpack_sl(b, "OauthID", r->oauth_id);
	encode_msgpack_kint(b, "RequestTime", r->request_time);
	encode_msgpack_sl(b, "RawRequest", r->raw_request);
	encode_msgpack_sl(b, "RawResponse", r->raw_response);
	encode_msgpack_sl(b, "IPAddress", r->ip_address);

	encode_msgpack_key(b, "Geo");
	encode_msgpack_map(b, 3);
	encode_msgpack_key(b, "Country");
	encode_msgpack_map(b, 1);
	encode_msgpack_sl(b, "ISOCode", r->iso_code);
	encode_msgpack_key(b, "City");
	encode_msgpack_map(b, 2);
	encode_msgpack_kint(b, "GeoNameID", r->geoname_id);
	encode_msgpack_key(b, "Names");
	if (r->names.len == 0)
		buf_addc(b, (char)0xc0);
	else {
		n = 0;
		off = 0;
		while (record_list_next(r->names, &off, &e) &&
		    record_list_next(r->names, &off, &v))
			n++;
		encode_msgpack_map(b, n);
		off = 0;
		while (record_list_next(r->names, &off, &e) &&
		    record_list_next(r->names, &off, &v)) {
			encode_msgpack_str(b, e.ptr, e.len);
			encode_msgpack_str(b, v.ptr, v.len);
		}
	}
	encode_msgpack_key(b, "Location");
	encode_msgpack_map(b, 3);
	encode_msgpack_double(b, "Latitude", r->latitude);
	encode_msgpack_double(b, "Longitude", r->longitude);
	encode_msgpack_sl(b, "TimeZone", r->time_zone);

	encode_msgpack_key(b, "Network");
	encode_msgpack_map(b, 4);
	encode_msgpack_kint(b, "OpenConnections", r->open_connections);
	encode_msgpack_kint(b, "ClosedConnection", r->closed_connection);
	encode_msgpack_kint(b, "BytesIn", r->bytes_in);
	encode_msgpack_kint(b, "BytesOut", r->bytes_out);

	encode_msgpack_key(b, "Latency");
	encode_msgpack_map(b, 3);
	encode_msgpack_kint(b, "Total", r->lat_total);
	encode_msgpack_kint(b, "Upstream", r->lat_upstream);
	encode_msgpack_kint(b, "Gateway", r->lat_gateway);

	encode_msgpack_key(b, "Tags");
	if (r->tags_nil && r->tags.len == 0)
		buf_addc(b, (char)0xc0);
	else {
		n = 0;
		off = 0;
		while (record_list_next(r->tags, &off, &e))
			n++;
		encode_msgpack_array(b, n);
		off = 0;
		while (record_list_next(r->tags, &off, &e))
			encode_msgpack_str(b, e.ptr, e.len);
	}
	encode_msgpack_sl(b, "Alias", r->alias);
	encode_msgpack_bool(b, "TrackPath", r->track_path);
	encode_msgpack_time(b, "ExpireAt", r->exp_sec, r->exp_nsec);
	encode_msgpack_sl(b, "ApiSchema", r->api_schema);
	encode_msgpack_sl(b, "OriginalPath", r->original_path);
	encode_msgpack_sl(b, "ListenPath", r->listen_path);

	encode_msgpack_key(b, "GraphQLStats");
	encode_msgpack_map(b, 7);
	encode_msgpack_sl(b, "Variables", SLICE_LIT(""));
	encode_msgpack_key(b, "RootFields");
	buf_addc(b, (char)0xc0);
	encode_msgpack_key(b, "Types");
	buf_addc(b, (char)0xc0);
	encode_msgpack_key(b, "Errors");
	buf_addc(b, (char)0xc0);
	encode_msgpack_kint(b, "OperationType", 0);
	encode_msgpack_bool(b, "HasErrors", false);
	encode_msgpack_bool(b, "IsGraphQL", false);

	encode_msgpack_key(b, "MCPStats");
	encode_msgpack_map(b, 4);
	encode_msgpack_bool(b, "IsMCP", false);
	encode_msgpack_sl(b, "JSONRPCMethod", SLICE_LIT(""));
	encode_msgpack_sl(b, "PrimitiveType", SLICE_LIT(""));
	encode_msgpack_sl(b, "PrimitiveName", SLICE_LIT(""));

	encode_msgpack_sl(b, "CollectionName", SLICE_LIT(""));
}
