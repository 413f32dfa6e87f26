/* SPDX-License-Identifier: ISC */
/*
 * Tyk JSON writer, through yajl (strings via json_gen_slice, so the
 * result is valid UTF-8 whatever the record holds).  Floats use the
 * shortest form that reads back to the same double, like Go's.
 */
#include "config.h"

#include "encode-json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_gen.h>

#include "demo.h"
#include "json.h"
#include "record.h"
#include "timefmt.h"

static void
encode_json_str(yajl_gen g, const char *k, struct slice s)
{
	json_gen_key(g, k);
	json_gen_slice(g, s.ptr, s.len);
}

static void
encode_json_int(yajl_gen g, const char *k, int64_t v)
{
	json_gen_key(g, k);
	yajl_gen_integer(g, v);
}

static void
encode_json_bool(yajl_gen g, const char *k, bool v)
{
	json_gen_key(g, k);
	yajl_gen_bool(g, v);
}

/* A double as Go's encoding/json writes it. */
static void
encode_json_double(yajl_gen g, const char *k, double v)
{
	json_gen_key(g, k);
	json_gen_double(g, v);
}

/* RFC3339Nano: fraction with trailing zeros trimmed. */
static void
encode_json_time(yajl_gen g, const char *k, int64_t sec, uint32_t nsec)
{
	char	 tmp[TIMEFMT_MAX];
	size_t	 n;

	n = timefmt_rfc3339(tmp, sizeof tmp, sec, nsec, 9);
	if (n > 1 && tmp[n - 1] == 'Z') {
		n--;
		while (n > 0 && tmp[n - 1] == '0')
			n--;
		if (n > 0 && tmp[n - 1] == '.')
			n--;
		tmp[n++] = 'Z';
	}
	json_gen_key(g, k);
	yajl_gen_string(g, (const unsigned char *)tmp, n);
}

/* Append one record as a JSON object (no newline). */
void
encode_json_record(struct buf *b, const struct demo_record *r)
{
	yajl_gen		 g;
	const unsigned char	*p;
	size_t			 len, off;
	struct slice		 e, v;

	g = yajl_gen_alloc(NULL);
	yajl_gen_map_open(g);
	encode_json_str(g, "method", r->method);
	encode_json_str(g, "host", r->host);
	encode_json_str(g, "path", r->path);
	encode_json_str(g, "raw_path", r->raw_path);
	encode_json_int(g, "content_length", r->content_length);
	encode_json_str(g, "user_agent", r->user_agent);
	encode_json_int(g, "day", r->day);
	encode_json_int(g, "month", r->month);
	encode_json_int(g, "year", r->year);
	encode_json_int(g, "hour", r->hour);
	encode_json_int(g, "response_code", r->response_code);
	encode_json_str(g, "api_key", r->api_key);
	encode_json_time(g, "timestamp", r->ts_sec, r->ts_nsec);
	encode_json_str(g, "api_version", r->api_version);
	encode_json_str(g, "api_name", r->api_name);
	encode_json_str(g, "api_id", r->api_id);
	encode_json_str(g, "org_id", r->org_id);
	encode_json_str(g, "oauth_id", r->oauth_id);
	encode_json_int(g, "request_time", r->request_time);
	encode_json_str(g, "raw_request", r->raw_request);
	encode_json_str(g, "raw_response", r->raw_response);
	encode_json_str(g, "ip_address", r->ip_address);

	json_gen_key(g, "geo");
	yajl_gen_map_open(g);
	json_gen_key(g, "country");
	yajl_gen_map_open(g);
	encode_json_str(g, "iso_code", r->iso_code);
	yajl_gen_map_close(g);
	json_gen_key(g, "city");
	yajl_gen_map_open(g);
	encode_json_int(g, "geoname_id", r->geoname_id);
	json_gen_key(g, "names");
	if (r->names.len == 0)
		yajl_gen_null(g);
	else {
		yajl_gen_map_open(g);
		off = 0;
		while (record_list_next(r->names, &off, &e) &&
		    record_list_next(r->names, &off, &v)) {
			json_gen_slice(g, e.ptr, e.len);
			json_gen_slice(g, v.ptr, v.len);
		}
		yajl_gen_map_close(g);
	}
	yajl_gen_map_close(g);
	json_gen_key(g, "location");
	yajl_gen_map_open(g);
	encode_json_double(g, "latitude", r->latitude);
	encode_json_double(g, "longitude", r->longitude);
	encode_json_str(g, "time_zone", r->time_zone);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);

	json_gen_key(g, "network");
	yajl_gen_map_open(g);
	encode_json_int(g, "open_connections", r->open_connections);
	encode_json_int(g, "closed_connections", r->closed_connection);
	encode_json_int(g, "bytes_in", r->bytes_in);
	encode_json_int(g, "bytes_out", r->bytes_out);
	yajl_gen_map_close(g);

	json_gen_key(g, "latency");
	yajl_gen_map_open(g);
	encode_json_int(g, "total", r->lat_total);
	encode_json_int(g, "upstream", r->lat_upstream);
	encode_json_int(g, "gateway", r->lat_gateway);
	yajl_gen_map_close(g);

	json_gen_key(g, "tags");
	if (r->tags_nil && r->tags.len == 0)
		yajl_gen_null(g);
	else {
		yajl_gen_array_open(g);
		off = 0;
		while (record_list_next(r->tags, &off, &e))
			json_gen_slice(g, e.ptr, e.len);
		yajl_gen_array_close(g);
	}
	encode_json_str(g, "alias", r->alias);
	encode_json_bool(g, "track_path", r->track_path);
	encode_json_time(g, "expireAt", r->exp_sec, r->exp_nsec);
	encode_json_str(g, "api_schema", r->api_schema);
	encode_json_str(g, "original_path", r->original_path);
	encode_json_str(g, "listen_path", r->listen_path);

	json_gen_key(g, "graphql_stats");
	yajl_gen_map_open(g);
	encode_json_str(g, "Variables", SLICE_LIT(""));
	json_gen_key(g, "RootFields");
	yajl_gen_null(g);
	json_gen_key(g, "Types");
	yajl_gen_null(g);
	json_gen_key(g, "Errors");
	yajl_gen_null(g);
	encode_json_int(g, "OperationType", 0);
	encode_json_bool(g, "HasErrors", false);
	encode_json_bool(g, "IsGraphQL", false);
	yajl_gen_map_close(g);

	json_gen_key(g, "mcp_stats");
	yajl_gen_map_open(g);
	encode_json_bool(g, "is_mcp", false);
	encode_json_str(g, "jsonrpc_method", SLICE_LIT(""));
	encode_json_str(g, "primitive_type", SLICE_LIT(""));
	encode_json_str(g, "primitive_name", SLICE_LIT(""));
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);

	yajl_gen_get_buf(g, &p, &len);
	buf_add(b, p, len);
	yajl_gen_free(g);
}
