/* SPDX-License-Identifier: ISC */
/*
 * Protobuf writer for analytics records, through protobuf-c and the
 * messages generated from src/analytics.proto.  protobuf-c wants
 * NUL-terminated strings, so each field is copied for the call and freed
 * after it; proto3 leaves empty strings and zeros out of the wire bytes.
 */
#include "config.h"

#include "encode-protobuf.h"

#include <stdlib.h>
#include <string.h>

#include "analytics.pb-c.h"
#include "demo.h"
#include "record.h"
#include "xmalloc.h"

#define ENCODE_PROTOBUF_MAX_STRS	64

struct encode_protobuf_strs {
	char	*v[ENCODE_PROTOBUF_MAX_STRS + 32];
	size_t	 n;
};

/* A NUL-terminated copy of s, freed with the others after packing. */
static char *
encode_protobuf_str(struct encode_protobuf_strs *ss, struct slice s)
{
	char	*p;

	if (s.len == 0 || ss->n == sizeof ss->v / sizeof ss->v[0])
		return ((char *)protobuf_c_empty_string);
	p = xmalloc(s.len + 1);
	memcpy(p, s.ptr, s.len);
	p[s.len] = '\0';
	ss->v[ss->n++] = p;
	return (p);
}

/* Append the record's protobuf bytes to b. */
void
encode_protobuf_record(struct buf *b, const struct demo_record *r)
{
	Tyk__AnalyticsRecord		 m = TYK__ANALYTICS_RECORD__INIT;
	Tyk__Timestamp			 ts = TYK__TIMESTAMP__INIT;
	Tyk__Timestamp			 exp = TYK__TIMESTAMP__INIT;
	Tyk__Latency			 lat = TYK__LATENCY__INIT;
	Tyk__GeoData			 geo = TYK__GEO_DATA__INIT;
	Tyk__Country			 country = TYK__COUNTRY__INIT;
	Tyk__City			 city = TYK__CITY__INIT;
	Tyk__Location			 loc = TYK__LOCATION__INIT;
	Tyk__NetworkStats		 net = TYK__NETWORK_STATS__INIT;
	Tyk__City__NamesEntry		 names[16], *namep[16];
	char				*tags[32];
	struct encode_protobuf_strs	 ss;
	struct slice			 k, v;
	size_t				 off, i, len;

	ss.n = 0;
	m.method = encode_protobuf_str(&ss, r->method);
	m.host = encode_protobuf_str(&ss, r->host);
	m.path = encode_protobuf_str(&ss, r->path);
	m.rawpath = encode_protobuf_str(&ss, r->raw_path);
	m.contentlength = r->content_length;
	m.useragent = encode_protobuf_str(&ss, r->user_agent);
	m.day = r->day;
	m.month = r->month;
	m.year = r->year;
	m.hour = r->hour;
	m.responsecode = (int32_t)r->response_code;
	m.apikey = encode_protobuf_str(&ss, r->api_key);
	ts.seconds = r->ts_sec;
	ts.nanos = (int32_t)r->ts_nsec;
	m.timestamp = &ts;
	m.apiversion = encode_protobuf_str(&ss, r->api_version);
	m.apiname = encode_protobuf_str(&ss, r->api_name);
	m.apiid = encode_protobuf_str(&ss, r->api_id);
	m.orgid = encode_protobuf_str(&ss, r->org_id);
	m.oauthid = encode_protobuf_str(&ss, r->oauth_id);
	m.requesttime = r->request_time;
	lat.total = r->lat_total;
	lat.upstream = r->lat_upstream;
	m.latency = &lat;
	m.rawrequest = encode_protobuf_str(&ss, r->raw_request);
	m.rawresponse = encode_protobuf_str(&ss, r->raw_response);
	m.ipaddress = encode_protobuf_str(&ss, r->ip_address);

	country.isocode = encode_protobuf_str(&ss, r->iso_code);
	off = 0;
	i = 0;
	while (i < 16 && record_list_next(r->names, &off, &k) &&
	    record_list_next(r->names, &off, &v)) {
		tyk__city__names_entry__init(&names[i]);
		names[i].key = encode_protobuf_str(&ss, k);
		names[i].value = encode_protobuf_str(&ss, v);
		namep[i] = &names[i];
		i++;
	}
	city.n_names = i;
	city.names = namep;
	city.geonameid = (uint32_t)r->geoname_id;
	loc.latitude = r->latitude;
	loc.longitude = r->longitude;
	loc.timezone = encode_protobuf_str(&ss, r->time_zone);
	geo.country = &country;
	geo.city = &city;
	geo.location = &loc;
	m.geo = &geo;

	net.openconnections = r->open_connections;
	net.closedconnections = r->closed_connection;
	net.bytesin = r->bytes_in;
	net.bytesout = r->bytes_out;
	m.network = &net;

	off = 0;
	i = 0;
	while (i < 32 && record_list_next(r->tags, &off, &k))
		tags[i++] = encode_protobuf_str(&ss, k);
	m.n_tags = i;
	m.tags = tags;
	m.alias = encode_protobuf_str(&ss, r->alias);
	m.trackpath = r->track_path;
	exp.seconds = r->exp_sec;
	exp.nanos = (int32_t)r->exp_nsec;
	m.expireat = &exp;
	m.timezone = (char *)"Local";
	m.apischema = encode_protobuf_str(&ss, r->api_schema);
	m.originalpath = encode_protobuf_str(&ss, r->original_path);
	m.listenpath = encode_protobuf_str(&ss, r->listen_path);

	len = tyk__analytics_record__get_packed_size(&m);
	buf_reserve(b, b->len + len + 1);
	tyk__analytics_record__pack(&m, (uint8_t *)b->data + b->len);
	b->len += len;
	b->data[b->len] = '\0';
	for (i = 0; i < ss.n; i++)
		free(ss.v[i]);
}
