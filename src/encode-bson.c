/* SPDX-License-Identifier: ISC */
/*
 * BSON writer for analytics records, through libbson's append API.  The
 * integer widths follow mongo-go-driver's mgocompat registry: Go int and
 * time.Month become int32 when they fit (else int64), uint (GeoNameID)
 * int32 up to MaxInt32, int64 fields always int64.
 */
#include "config.h"

#include "encode-bson.h"

#include <string.h>

#include "demo.h"
#include "record.h"

static void
encode_bson_str(bson_t *d, const char *k, struct slice s)
{
	bson_append_utf8(d, k, -1, s.len != 0 ? s.ptr : "", (int)s.len);
}

/* A Go int: int32 when it fits. */
static void
encode_bson_int(bson_t *d, const char *k, int64_t v)
{
	if (v >= INT32_MIN && v <= INT32_MAX)
		bson_append_int32(d, k, -1, (int32_t)v);
	else
		bson_append_int64(d, k, -1, v);
}

/* UTC milliseconds, sub-millisecond part truncated. */
static void
encode_bson_time(bson_t *d, const char *k, int64_t sec, uint32_t nsec)
{
	bson_append_date_time(d, k, -1, sec * 1000 + (int64_t)(nsec /
	    1000000));
}

/*
 * A deterministic ObjectId: 4-byte big-endian seconds, 5 bytes from seed,
 * 3-byte counter, like the driver's (whose middle bytes are random).
 */
void
encode_bson_oid(bson_oid_t *oid, int64_t sec, uint64_t counter,
    uint64_t seed)
{
	uint32_t	 s = (uint32_t)sec;

	oid->bytes[0] = (uint8_t)(s >> 24);
	oid->bytes[1] = (uint8_t)(s >> 16);
	oid->bytes[2] = (uint8_t)(s >> 8);
	oid->bytes[3] = (uint8_t)s;
	oid->bytes[4] = (uint8_t)(seed >> 32);
	oid->bytes[5] = (uint8_t)(seed >> 24);
	oid->bytes[6] = (uint8_t)(seed >> 16);
	oid->bytes[7] = (uint8_t)(seed >> 8);
	oid->bytes[8] = (uint8_t)seed;
	oid->bytes[9] = (uint8_t)(counter >> 16);
	oid->bytes[10] = (uint8_t)(counter >> 8);
	oid->bytes[11] = (uint8_t)counter;
}

/* Append the record's fields to d (an empty document) after _id = oid. */
void
encode_bson_record(bson_t *d, const struct demo_record *r,
    const bson_oid_t *oid)
{
	bson_t		 geo, sub, names, net, lat, tags;
	struct slice	 e, v;
	size_t		 off;
	unsigned	 i;
	char		 idx[16];
	const char	*key;

	bson_append_oid(d, "_id", 3, oid);
	encode_bson_str(d, "method", r->method);
	encode_bson_str(d, "host", r->host);
	encode_bson_str(d, "path", r->path);
	encode_bson_str(d, "rawpath", r->raw_path);
	bson_append_int64(d, "contentlength", -1, r->content_length);
	encode_bson_str(d, "useragent", r->user_agent);
	encode_bson_int(d, "day", r->day);
	encode_bson_int(d, "month", r->month);
	encode_bson_int(d, "year", r->year);
	encode_bson_int(d, "hour", r->hour);
	encode_bson_int(d, "responsecode", r->response_code);
	encode_bson_str(d, "apikey", r->api_key);
	encode_bson_time(d, "timestamp", r->ts_sec, r->ts_nsec);
	encode_bson_str(d, "apiversion", r->api_version);
	encode_bson_str(d, "apiname", r->api_name);
	encode_bson_str(d, "apiid", r->api_id);
	encode_bson_str(d, "orgid", r->org_id);
	encode_bson_str(d, "oauthid", r->oauth_id);
	bson_append_int64(d, "requesttime", -1, r->request_time);
	encode_bson_str(d, "rawrequest", r->raw_request);
	encode_bson_str(d, "rawresponse", r->raw_response);
	encode_bson_str(d, "ipaddress", r->ip_address);

	bson_append_document_begin(d, "geo", -1, &geo);
	bson_append_document_begin(&geo, "country", -1, &sub);
	encode_bson_str(&sub, "isocode", r->iso_code);
	bson_append_document_end(&geo, &sub);
	bson_append_document_begin(&geo, "city", -1, &sub);
	if (r->geoname_id >= 0 && r->geoname_id <= INT32_MAX)
		bson_append_int32(&sub, "geonameid", -1,
		    (int32_t)r->geoname_id);
	else
		bson_append_int64(&sub, "geonameid", -1, r->geoname_id);
	bson_append_document_begin(&sub, "names", -1, &names);
	off = 0;
	while (record_list_next(r->names, &off, &e) &&
	    record_list_next(r->names, &off, &v))
		bson_append_utf8(&names, e.ptr, (int)e.len, v.ptr, (int)v.len);
	bson_append_document_end(&sub, &names);
	bson_append_document_end(&geo, &sub);
	bson_append_document_begin(&geo, "location", -1, &sub);
	bson_append_double(&sub, "latitude", -1, r->latitude);
	bson_append_double(&sub, "longitude", -1, r->longitude);
	encode_bson_str(&sub, "timezone", r->time_zone);
	bson_append_document_end(&geo, &sub);
	bson_append_document_end(d, &geo);

	bson_append_document_begin(d, "network", -1, &net);
	bson_append_int64(&net, "openconnections", -1, r->open_connections);
	bson_append_int64(&net, "closedconnection", -1, r->closed_connection);
	bson_append_int64(&net, "bytesin", -1, r->bytes_in);
	bson_append_int64(&net, "bytesout", -1, r->bytes_out);
	bson_append_document_end(d, &net);

	bson_append_document_begin(d, "latency", -1, &lat);
	bson_append_int64(&lat, "total", -1, r->lat_total);
	bson_append_int64(&lat, "upstream", -1, r->lat_upstream);
	bson_append_int64(&lat, "gateway", -1, r->lat_gateway);
	bson_append_document_end(d, &lat);

	bson_append_array_begin(d, "tags", -1, &tags);
	off = 0;
	i = 0;
	while (record_list_next(r->tags, &off, &e)) {
		bson_uint32_to_string(i++, &key, idx, sizeof idx);
		bson_append_utf8(&tags, key, -1, e.ptr, (int)e.len);
	}
	bson_append_array_end(d, &tags);

	encode_bson_str(d, "alias", r->alias);
	bson_append_bool(d, "trackpath", -1, r->track_path);
	encode_bson_time(d, "expireAt", r->exp_sec, r->exp_nsec);
	encode_bson_str(d, "originalpath", r->original_path);
	encode_bson_str(d, "listenpath", r->listen_path);
}
