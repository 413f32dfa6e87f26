/* SPDX-License-Identifier: ISC */
/*
 * Protobuf record decoder.  A cheap walk over the top-level wire format
 * first gives a precise error ("truncated at byte N", "wire type 7") for
 * damaged values and locates the payload strings, then protobuf-c unpacks
 * the message.  Strings are interned and the unpacked message is freed
 * before returning; raw_request/raw_response point into the input
 * (payload_stable false: store_add copies them).
 *
 * Proto3 omits zero values, so every missing field is zero or empty.  A
 * missing TimeStamp/ExpireAt is the Unix epoch, as the pump's AsTime()
 * makes it; the pump's re-localisation through TimeZone (field 30) does not
 * change the instant and is not reproduced.  TimeZone itself is kept in the
 * extra block unless it is "Local", the gateway's normal value.
 */
#include "config.h"

#include "decode-protobuf.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "analytics.pb-c.h"
#include "bytes.h"
#include "record.h"
#include "store.h"
#include "strtab.h"

/* Read a varint at *off; returns -1 if truncated or longer than 10 bytes. */
static int
pb_varint(const unsigned char *p, size_t len, size_t *off, uint64_t *v)
{
	unsigned	 shift = 0;

	*v = 0;
	while (*off < len && shift < 70) {
		*v |= (uint64_t)(p[*off] & 0x7f) << shift;
		if ((p[(*off)++] & 0x80) == 0)
			return (0);
		shift += 7;
	}
	return (-1);
}

/* Fields 33 and 34 as found by pb_check (see pb_legacy). */
struct pb_scan {
	struct slice	 f33, f34;
	bool		 has33;
};

/*
 * Walk the top-level fields; 0 if well formed, else -1 with a message.
 * Also finds RawRequest (20) and RawResponse (21) in the input, so that
 * the payloads can point there as with msgpack (the last occurrence wins,
 * as in protobuf).
 */
static int
pb_check(const unsigned char *p, size_t len, struct record_build *b,
    struct pb_scan *sc, char *err, size_t errlen)
{
	size_t		 off = 0, at;
	uint64_t	 key, n;

	while (off < len) {
		at = off;
		if (pb_varint(p, len, &off, &key) != 0)
			goto truncated;
		if ((key >> 3) == 0) {
			snprintf(err, errlen, "protobuf: field number 0 at "
			    "byte %zu", at);
			return (-1);
		}
		switch (key & 7) {
		case 0:
			if (pb_varint(p, len, &off, &n) != 0)
				goto truncated;
			break;
		case 1:
			if (len - off < 8)
				goto truncated;
			off += 8;
			break;
		case 2:
			if (pb_varint(p, len, &off, &n) != 0 || n > len - off)
				goto truncated;
			if ((key >> 3) == 20) {
				b->req = (const char *)p + off;
				b->req_len = (size_t)n;
			} else if ((key >> 3) == 21) {
				b->resp = (const char *)p + off;
				b->resp_len = (size_t)n;
			} else if ((key >> 3) == 33) {
				sc->f33.ptr = (const char *)p + off;
				sc->f33.len = (size_t)n;
				sc->has33 = true;
			} else if ((key >> 3) == 34) {
				sc->f34.ptr = (const char *)p + off;
				sc->f34.len = (size_t)n;
			}
			off += (size_t)n;
			break;
		case 5:
			if (len - off < 4)
				goto truncated;
			off += 4;
			break;
		default:
			snprintf(err, errlen, "protobuf: wire type %u at byte "
			    "%zu", (unsigned)(key & 7), at);
			return (-1);
		}
	}
	return (0);
truncated:
	snprintf(err, errlen, "protobuf: truncated at byte %zu", len);
	return (-1);
}

/*
 * Whether bytes can be an MCPStats message (fields 1 varint, 2-4 strings).
 * One tyk-pump analytics.proto had OriginalPath = 33 and ListenPath = 34
 * (strings) and no MCPStats; tyk-formats.md 1.1 has MCPStats = 33,
 * OriginalPath = 34, ListenPath = 35.  A path ("/...") is never a valid
 * MCPStats ('/' is field 5, wire type 7), so the layout can be told apart.
 */
static bool
pb_is_mcp(const unsigned char *p, size_t len)
{
	size_t		 off = 0;
	uint64_t	 key, n;

	while (off < len) {
		if (pb_varint(p, len, &off, &key) != 0)
			return (false);
		if ((key >> 3) == 1 && (key & 7) == 0) {
			if (pb_varint(p, len, &off, &n) != 0)
				return (false);
		} else if ((key >> 3) >= 2 && (key >> 3) <= 4 &&
		    (key & 7) == 2) {
			if (pb_varint(p, len, &off, &n) != 0 || n > len - off)
				return (false);
			off += (size_t)n;
		} else
			return (false);
	}
	return (true);
}

/* Copy the top-level fields of a well-formed message except 33 and 34. */
static void
pb_strip(const unsigned char *p, size_t len, struct buf *out)
{
	size_t		 off = 0, at;
	uint64_t	 key, n;

	while (off < len) {
		at = off;
		pb_varint(p, len, &off, &key);
		switch (key & 7) {
		case 0:
			pb_varint(p, len, &off, &n);
			break;
		case 1:
			off += 8;
			break;
		case 2:
			pb_varint(p, len, &off, &n);
			off += (size_t)n;
			break;
		default:
			off += 4;
			break;
		}
		if ((key >> 3) != 33 && (key >> 3) != 34)
			buf_add(out, p + at, off - at);
	}
}

static void
pb_str(struct record_build *b, struct store *st, enum record_str f,
    const char *s)
{
	if (s != NULL && *s != '\0')
		record_build_str(b, st, f, s, strlen(s));
}

static uint32_t
pb_intern(struct store *st, const char *s)
{
	if (s == NULL || *s == '\0')
		return (0);
	return (strtab_intern(&st->strs, s, strlen(s)));
}

static void
pb_time(const Tyk__Timestamp *t, bool *set, int64_t *sec, uint32_t *nsec)
{
	int64_t	 s = 0, ns = 0;

	if (t != NULL) {
		s = t->seconds;
		ns = t->nanos;
	}
	if (ns < 0 || ns >= 1000000000) {
		s += ns / 1000000000;
		ns %= 1000000000;
		if (ns < 0) {
			ns += 1000000000;
			s--;
		}
	}
	*set = true;
	*sec = s;
	*nsec = (uint32_t)ns;
}

static void
pb_geo(struct record_build *b, struct store *st, const Tyk__GeoData *g)
{
	size_t	 i;

	if (g->country != NULL)
		b->geo.iso_code = pb_intern(st, g->country->isocode);
	if (g->city != NULL) {
		b->geo.geoname_id = g->city->geonameid;
		for (i = 0; i < g->city->n_names; i++) {
			const Tyk__City__NamesEntry *e = g->city->names[i];

			record_build_name(b, e->key, strlen(e->key), e->value,
			    strlen(e->value));
		}
	}
	if (g->location != NULL) {
		b->geo.latitude = g->location->latitude;
		b->geo.longitude = g->location->longitude;
		b->geo.time_zone = pb_intern(st, g->location->timezone);
	}
	b->has_geo = true;
}

static void
pb_graphql(struct record_build *b, struct store *st,
    const Tyk__GraphQLStats *g)
{
	struct record_extra	*ex = &b->ex;
	struct buf		 tmp, inner;
	size_t			 i, j;
	const Tyk__RepeatedFields *rf;

	buf_init(&tmp);
	buf_init(&inner);
	if (g->isgraphql)
		b->rec.flags |= REC_GRAPHQL;
	ex->gql_operation_type = (int32_t)g->operationtype;
	ex->gql_variables = pb_intern(st, g->variables);
	ex->gql_has_errors = g->haserror;
	for (i = 0; i < g->n_rootfields; i++)
		record_list_add(&tmp, g->rootfields[i],
		    strlen(g->rootfields[i]));
	if (tmp.len != 0)
		ex->gql_root_fields = strtab_intern(&st->strs, tmp.data,
		    tmp.len);
	buf_reset(&tmp);
	for (i = 0; i < g->n_grapherrors; i++)
		record_list_add(&tmp, g->grapherrors[i],
		    strlen(g->grapherrors[i]));
	if (tmp.len != 0)
		ex->gql_errors = strtab_intern(&st->strs, tmp.data, tmp.len);
	buf_reset(&tmp);
	/* Pairs blob: type name, then its fields as a list blob. */
	for (i = 0; i < g->n_types; i++) {
		record_list_add(&tmp, g->types[i]->key,
		    strlen(g->types[i]->key));
		buf_reset(&inner);
		rf = g->types[i]->value;
		for (j = 0; rf != NULL && j < rf->n_fields; j++)
			record_list_add(&inner, rf->fields[j],
			    strlen(rf->fields[j]));
		record_list_add(&tmp, inner.data != NULL ? inner.data : "",
		    inner.len);
	}
	if (tmp.len != 0)
		ex->gql_types = strtab_intern(&st->strs, tmp.data, tmp.len);
	buf_clear(&tmp);
	buf_clear(&inner);
	b->rec.flags |= REC_HAS_GQL;
	b->has_extra = true;
}

/*
 * Decode the protobuf record in buf into b (reset first).  Returns 0, or -1
 * with a message in err.
 */
int
decode_protobuf_record(struct store *st, struct record_build *b,
    const void *buf, size_t len, char *err, size_t errlen)
{
	Tyk__AnalyticsRecord	*m;
	struct pb_scan		 sc;
	struct buf		 stripped;
	size_t			 i;
	bool			 legacy;

	record_build_reset(b);
	b->rec.flags = (uint32_t)REC_ENC_PROTOBUF << REC_ENC_SHIFT;
	b->ts_prec = b->exp_prec = 9;
	b->payload_stable = false;

	memset(&sc, 0, sizeof sc);
	if (pb_check(buf, len, b, &sc, err, errlen) != 0)
		return (-1);
	legacy = sc.has33 && !pb_is_mcp((const unsigned char *)sc.f33.ptr,
	    sc.f33.len);
	if (legacy) {
		buf_init(&stripped);
		pb_strip(buf, len, &stripped);
		m = tyk__analytics_record__unpack(NULL, stripped.len,
		    (const uint8_t *)(stripped.data != NULL ? stripped.data :
		    ""));
		buf_clear(&stripped);
	} else
		m = tyk__analytics_record__unpack(NULL, len, buf);
	if (m == NULL) {
		snprintf(err, errlen, "protobuf: not an AnalyticsRecord "
		    "(%zu bytes: wrong field type or invalid nested message)",
		    len);
		return (-1);
	}

	pb_str(b, st, RS_HOST, m->host);
	pb_str(b, st, RS_METHOD, m->method);
	pb_str(b, st, RS_PATH, m->path);
	pb_str(b, st, RS_RAW_PATH, m->rawpath);
	b->content_length = m->contentlength;
	pb_str(b, st, RS_USER_AGENT, m->useragent);
	b->day = m->day;
	b->month = m->month;
	b->year = m->year;
	b->hour = m->hour;
	b->response_code = m->responsecode;
	pb_str(b, st, RS_API_KEY, m->apikey);
	pb_time(m->timestamp, &b->ts_set, &b->ts_sec, &b->ts_nsec);
	pb_str(b, st, RS_API_VERSION, m->apiversion);
	pb_str(b, st, RS_API_NAME, m->apiname);
	pb_str(b, st, RS_API_ID, m->apiid);
	pb_str(b, st, RS_ORG_ID, m->orgid);
	b->request_time = m->requesttime;
	if (m->latency != NULL) {
		b->lat_total = m->latency->total;
		b->lat_upstream = m->latency->upstream;
	}
	pb_str(b, st, RS_IP_ADDRESS, m->ipaddress);
	if (m->geo != NULL)
		pb_geo(b, st, m->geo);
	if (m->network != NULL && (m->network->openconnections != 0 ||
	    m->network->closedconnections != 0 || m->network->bytesin != 0 ||
	    m->network->bytesout != 0)) {
		b->ex.open_connections = m->network->openconnections;
		b->ex.closed_connection = m->network->closedconnections;
		b->ex.bytes_in = m->network->bytesin;
		b->ex.bytes_out = m->network->bytesout;
		b->rec.flags |= REC_NETWORK;
		b->has_extra = true;
	}
	/* Proto3 cannot tell nil tags from empty ones. */
	for (i = 0; i < m->n_tags; i++)
		record_build_tag(b, m->tags[i], strlen(m->tags[i]));
	pb_str(b, st, RS_ALIAS, m->alias);
	if (m->trackpath)
		b->rec.flags |= REC_TRACK_PATH;
	pb_time(m->expireat, &b->exp_set, &b->exp_sec, &b->exp_nsec);
	pb_str(b, st, RS_OAUTH_ID, m->oauthid);
	if (m->timezone != NULL && *m->timezone != '\0' &&
	    strcmp(m->timezone, "Local") != 0) {
		b->ex.time_zone = pb_intern(st, m->timezone);
		b->has_extra = true;
	}
	b->ex.api_schema = pb_intern(st, m->apischema);
	if (b->ex.api_schema != 0)
		b->has_extra = true;
	if (m->graphqlstats != NULL)
		pb_graphql(b, st, m->graphqlstats);
	if (m->mcpstats != NULL) {
		if (m->mcpstats->ismcp)
			b->rec.flags |= REC_MCP;
		b->ex.mcp_method = pb_intern(st, m->mcpstats->jsonrpcmethod);
		b->ex.mcp_primitive_type = pb_intern(st,
		    m->mcpstats->primitivetype);
		b->ex.mcp_primitive_name = pb_intern(st,
		    m->mcpstats->primitivename);
		b->rec.flags |= REC_HAS_MCP;
		b->has_extra = true;
	}
	if (legacy) {
		if (sc.f33.len != 0)
			record_build_str(b, st, RS_ORIGINAL_PATH, sc.f33.ptr,
			    sc.f33.len);
		if (sc.f34.len != 0)
			record_build_str(b, st, RS_LISTEN_PATH, sc.f34.ptr,
			    sc.f34.len);
	} else {
		pb_str(b, st, RS_ORIGINAL_PATH, m->originalpath);
		pb_str(b, st, RS_LISTEN_PATH, m->listenpath);
	}
	tyk__analytics_record__free_unpacked(m, NULL);
	return (0);
}
