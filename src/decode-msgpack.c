/* SPDX-License-Identifier: ISC */
/*
 * msgpack record decoder.  Two passes over the value:
 *
 * 1. decode_msgpack_check walks the bytes without allocating and proves
 *    that every declared length fits in what is left of the input (each
 *    pending array or map element needs at least one byte).  msgpack-c
 *    allocates an array's element table as soon as it reads the header, so
 *    an 0xdd ffffffff from a corrupt value would otherwise ask the zone for
 *    96 GiB; after this pass no allocation exceeds 24 times the input size.
 *    It also gives precise "truncated at byte N" messages.
 * 2. msgpack_unpack_next builds the object tree (strings point into the
 *    input, zero copy) and the fields are matched by Go field name, as the
 *    pump does: unknown keys are skipped, missing keys stay zero, nil is an
 *    empty or zero value, any integer code fits any integer field.
 *
 * A top-level array is accepted too (v2 decodes a struct from an array in
 * declaration order); current gateways never write one.
 */
#include "config.h"

#include "decode-msgpack.h"

#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <msgpack.h>

#include "bytes.h"
#include "record.h"
#include "store.h"
#include "strtab.h"

enum mp_field {
	MPF_METHOD, MPF_HOST, MPF_PATH, MPF_RAW_PATH, MPF_CONTENT_LENGTH,
	MPF_USER_AGENT, MPF_DAY, MPF_MONTH, MPF_YEAR, MPF_HOUR,
	MPF_RESPONSE_CODE, MPF_API_KEY, MPF_TIMESTAMP, MPF_API_VERSION,
	MPF_API_NAME, MPF_API_ID, MPF_ORG_ID, MPF_OAUTH_ID, MPF_REQUEST_TIME,
	MPF_RAW_REQUEST, MPF_RAW_RESPONSE, MPF_IP_ADDRESS, MPF_GEO,
	MPF_NETWORK, MPF_LATENCY, MPF_TAGS, MPF_ALIAS, MPF_TRACK_PATH,
	MPF_EXPIRE_AT, MPF_API_SCHEMA, MPF_ORIGINAL_PATH, MPF_LISTEN_PATH,
	MPF_GRAPHQL_STATS, MPF_MCP_STATS, MPF_COLLECTION_NAME, MPF_COUNT
};

/* Go field names in declaration order (tyk-formats.md 1.1). */
static const char *const mp_field_names[MPF_COUNT] = {
	"Method", "Host", "Path", "RawPath", "ContentLength", "UserAgent",
	"Day", "Month", "Year", "Hour", "ResponseCode", "APIKey", "TimeStamp",
	"APIVersion", "APIName", "APIID", "OrgID", "OauthID", "RequestTime",
	"RawRequest", "RawResponse", "IPAddress", "Geo", "Network", "Latency",
	"Tags", "Alias", "TrackPath", "ExpireAt", "ApiSchema", "OriginalPath",
	"ListenPath", "GraphQLStats", "MCPStats", "CollectionName"
};

static const uint32_t mp_field_len[MPF_COUNT] = {
	6, 4, 4, 7, 13, 9, 3, 5, 4, 4, 12, 6, 9, 10, 7, 5, 5, 7, 11, 10, 11,
	9, 3, 7, 7, 4, 5, 9, 8, 9, 12, 10, 12, 8, 14
};

/* String fields and their record slot (-1: not a plain string field). */
static const int mp_field_str[MPF_COUNT] = {
	[MPF_METHOD] = RS_METHOD, [MPF_HOST] = RS_HOST, [MPF_PATH] = RS_PATH,
	[MPF_RAW_PATH] = RS_RAW_PATH, [MPF_CONTENT_LENGTH] = -1,
	[MPF_USER_AGENT] = RS_USER_AGENT, [MPF_DAY] = -1, [MPF_MONTH] = -1,
	[MPF_YEAR] = -1, [MPF_HOUR] = -1, [MPF_RESPONSE_CODE] = -1,
	[MPF_API_KEY] = RS_API_KEY, [MPF_TIMESTAMP] = -1,
	[MPF_API_VERSION] = RS_API_VERSION, [MPF_API_NAME] = RS_API_NAME,
	[MPF_API_ID] = RS_API_ID, [MPF_ORG_ID] = RS_ORG_ID,
	[MPF_OAUTH_ID] = RS_OAUTH_ID, [MPF_REQUEST_TIME] = -1,
	[MPF_RAW_REQUEST] = -1, [MPF_RAW_RESPONSE] = -1,
	[MPF_IP_ADDRESS] = RS_IP_ADDRESS, [MPF_GEO] = -1, [MPF_NETWORK] = -1,
	[MPF_LATENCY] = -1, [MPF_TAGS] = -1, [MPF_ALIAS] = RS_ALIAS,
	[MPF_TRACK_PATH] = -1, [MPF_EXPIRE_AT] = -1, [MPF_API_SCHEMA] = -1,
	[MPF_ORIGINAL_PATH] = RS_ORIGINAL_PATH,
	[MPF_LISTEN_PATH] = RS_LISTEN_PATH, [MPF_GRAPHQL_STATS] = -1,
	[MPF_MCP_STATS] = -1, [MPF_COLLECTION_NAME] = -1
};

struct mp_ctx {
	struct store		*st;
	struct record_build	*b;
	char			*err;
	size_t			 errlen;
	const char		*parent;	/* "Geo.City" while inside */
};

static int	 mp_fail(struct mp_ctx *, const char *, const char *, ...)
		    __attribute__((format(printf, 3, 4)));
static int	 mp_field(struct mp_ctx *, enum mp_field,
		    const msgpack_object *);

static const char *
mp_type_name(const msgpack_object *o)
{
	switch (o->type) {
	case MSGPACK_OBJECT_NIL:
		return ("nil");
	case MSGPACK_OBJECT_BOOLEAN:
		return ("bool");
	case MSGPACK_OBJECT_POSITIVE_INTEGER:
	case MSGPACK_OBJECT_NEGATIVE_INTEGER:
		return ("int");
	case MSGPACK_OBJECT_FLOAT32:
	case MSGPACK_OBJECT_FLOAT64:
		return ("float");
	case MSGPACK_OBJECT_STR:
		return ("str");
	case MSGPACK_OBJECT_ARRAY:
		return ("array");
	case MSGPACK_OBJECT_MAP:
		return ("map");
	case MSGPACK_OBJECT_BIN:
		return ("bin");
	case MSGPACK_OBJECT_EXT:
		return ("ext");
	}
	return ("unknown");
}

/* Write "field PARENT.NAME: message" to the error buffer; returns -1. */
static int
mp_fail(struct mp_ctx *c, const char *name, const char *fmt, ...)
{
	va_list	 ap;
	int	 n;

	if (c->parent != NULL)
		n = snprintf(c->err, c->errlen, "field %s.%s: ", c->parent,
		    name);
	else
		n = snprintf(c->err, c->errlen, "field %s: ", name);
	if (n < 0 || (size_t)n >= c->errlen)
		return (-1);
	va_start(ap, fmt);
	vsnprintf(c->err + n, c->errlen - (size_t)n, fmt, ap);
	va_end(ap);
	return (-1);
}

static uint64_t
mp_be(const unsigned char *p, size_t n)
{
	uint64_t	 v = 0;
	size_t		 i;

	for (i = 0; i < n; i++)
		v = v << 8 | p[i];
	return (v);
}

/*
 * Validate the msgpack value at the start of buf without allocating: every
 * length must fit in the input.  On success *end is the offset just past
 * the value and 0 is returned; on failure -1 with a message in err.
 */
int
decode_msgpack_check(const void *buf, size_t len, size_t *end, char *err,
    size_t errlen)
{
	const unsigned char	*p = buf;
	size_t			 off = 0, hdr, body;
	uint64_t		 pending = 1, n;
	unsigned		 c;

	while (pending > 0) {
		if (off >= len)
			goto truncated;
		c = p[off];
		hdr = 1;
		body = 0;
		n = 0;
		if (c <= 0x7f || c >= 0xe0 || c == 0xc0 || c == 0xc2 ||
		    c == 0xc3)
			;
		else if (c >= 0x80 && c <= 0x8f)
			n = 2ULL * (c & 0x0f);
		else if (c >= 0x90 && c <= 0x9f)
			n = c & 0x0f;
		else if (c >= 0xa0 && c <= 0xbf)
			body = c & 0x1f;
		else {
			switch (c) {
			case 0xc4: case 0xd9:		/* bin8, str8 */
				hdr = 2;
				break;
			case 0xc5: case 0xda:		/* bin16, str16 */
				hdr = 3;
				break;
			case 0xc6: case 0xdb:		/* bin32, str32 */
				hdr = 5;
				break;
			case 0xc7:			/* ext8 */
				hdr = 3;
				break;
			case 0xc8:			/* ext16 */
				hdr = 4;
				break;
			case 0xc9:			/* ext32 */
				hdr = 6;
				break;
			case 0xca: case 0xce: case 0xd2:
				body = 4;
				break;
			case 0xcb: case 0xcf: case 0xd3:
				body = 8;
				break;
			case 0xcc: case 0xd0:
				body = 1;
				break;
			case 0xcd: case 0xd1:
				body = 2;
				break;
			case 0xd4: case 0xd5: case 0xd6: case 0xd7: case 0xd8:
				body = 1 + ((size_t)1 << (c - 0xd4));
				break;
			case 0xdc: case 0xde:
				hdr = 3;
				break;
			case 0xdd: case 0xdf:
				hdr = 5;
				break;
			default:
				snprintf(err, errlen, "msgpack: invalid byte "
				    "0x%02x at byte %zu", c, off);
				return (-1);
			}
			if (hdr > len - off)
				goto truncated;
			switch (c) {
			case 0xc4: case 0xc5: case 0xc6:
			case 0xd9: case 0xda: case 0xdb:
				body = (size_t)mp_be(p + off + 1, hdr - 1);
				break;
			case 0xc7: case 0xc8: case 0xc9:
				/* Length, then the type byte. */
				body = (size_t)mp_be(p + off + 1, hdr - 2);
				break;
			case 0xdc: case 0xdd:
				n = mp_be(p + off + 1, hdr - 1);
				break;
			case 0xde: case 0xdf:
				n = 2 * mp_be(p + off + 1, hdr - 1);
				break;
			}
		}
		if (hdr > len - off || body > len - off - hdr)
			goto truncated;
		off += hdr + body;
		pending--;
		/*
		 * Every pending element needs at least one more byte: this
		 * bounds what msgpack-c allocates for array and map tables.
		 */
		if (n > 0 && pending + n > len - off) {
			snprintf(err, errlen, "msgpack: %llu elements declared "
			    "at byte %zu, only %zu bytes left",
			    (unsigned long long)((c >= 0x80 && c <= 0x8f) ||
			    c == 0xde || c == 0xdf ? n / 2 : n), off - hdr,
			    len - off);
			return (-1);
		}
		pending += n;
	}
	*end = off;
	return (0);

truncated:
	snprintf(err, errlen, "msgpack: truncated at byte %zu", len);
	return (-1);
}

static int
mp_int(struct mp_ctx *c, const char *name, const msgpack_object *o,
    int64_t *v)
{
	double	 d;

	*v = 0;
	switch (o->type) {
	case MSGPACK_OBJECT_NIL:
		*v = 0;
		return (0);
	case MSGPACK_OBJECT_POSITIVE_INTEGER:
		if (o->via.u64 > INT64_MAX)
			return (mp_fail(c, name, "integer %llu out of range",
			    (unsigned long long)o->via.u64));
		*v = (int64_t)o->via.u64;
		return (0);
	case MSGPACK_OBJECT_NEGATIVE_INTEGER:
		*v = o->via.i64;
		return (0);
	case MSGPACK_OBJECT_FLOAT32:
	case MSGPACK_OBJECT_FLOAT64:
		/* v2 truncates floats into integer fields. */
		d = o->via.f64;
		if (!isfinite(d) || d >= 9.2e18 || d <= -9.2e18)
			return (mp_fail(c, name, "float out of range"));
		*v = (int64_t)d;
		return (0);
	default:
		return (mp_fail(c, name, "expected integer, got %s",
		    mp_type_name(o)));
	}
}

static int
mp_int32(struct mp_ctx *c, const char *name, const msgpack_object *o,
    int *v)
{
	int64_t	 x;

	if (mp_int(c, name, o, &x) != 0)
		return (-1);
	if (x < INT32_MIN || x > INT32_MAX)
		return (mp_fail(c, name, "integer %lld out of range",
		    (long long)x));
	*v = (int)x;
	return (0);
}

static int
mp_double(struct mp_ctx *c, const char *name, const msgpack_object *o,
    double *v)
{
	switch (o->type) {
	case MSGPACK_OBJECT_NIL:
		*v = 0;
		return (0);
	case MSGPACK_OBJECT_POSITIVE_INTEGER:
		*v = (double)o->via.u64;
		return (0);
	case MSGPACK_OBJECT_NEGATIVE_INTEGER:
		*v = (double)o->via.i64;
		return (0);
	case MSGPACK_OBJECT_FLOAT32:
	case MSGPACK_OBJECT_FLOAT64:
		*v = o->via.f64;
		return (0);
	default:
		return (mp_fail(c, name, "expected float, got %s",
		    mp_type_name(o)));
	}
}

static int
mp_bool(struct mp_ctx *c, const char *name, const msgpack_object *o,
    bool *v)
{
	*v = false;
	if (o->type == MSGPACK_OBJECT_NIL)
		*v = false;
	else if (o->type == MSGPACK_OBJECT_BOOLEAN)
		*v = o->via.boolean;
	else
		return (mp_fail(c, name, "expected bool, got %s",
		    mp_type_name(o)));
	return (0);
}

/* A string field: str, bin or nil (empty). */
static int
mp_str(struct mp_ctx *c, const char *name, const msgpack_object *o,
    struct slice *s)
{
	s->ptr = "";
	s->len = 0;
	switch (o->type) {
	case MSGPACK_OBJECT_NIL:
		s->ptr = "";
		s->len = 0;
		return (0);
	case MSGPACK_OBJECT_STR:
		s->ptr = o->via.str.ptr;
		s->len = o->via.str.size;
		return (0);
	case MSGPACK_OBJECT_BIN:
		s->ptr = o->via.bin.ptr;
		s->len = o->via.bin.size;
		return (0);
	default:
		return (mp_fail(c, name, "expected string, got %s",
		    mp_type_name(o)));
	}
}

static int
mp_intern(struct mp_ctx *c, const char *name, const msgpack_object *o,
    uint32_t *id)
{
	struct slice	 s;

	if (mp_str(c, name, o, &s) != 0)
		return (-1);
	*id = s.len == 0 ? 0 : strtab_intern(&c->st->strs, s.ptr, s.len);
	return (0);
}

/* A list of strings (nil: empty) appended to a list blob. */
static int
mp_str_list(struct mp_ctx *c, const char *name, const msgpack_object *o,
    struct buf *out, int *n)
{
	struct slice	 s;
	uint32_t	 i;

	*n = 0;
	if (o->type == MSGPACK_OBJECT_NIL)
		return (0);
	if (o->type != MSGPACK_OBJECT_ARRAY)
		return (mp_fail(c, name, "expected array, got %s",
		    mp_type_name(o)));
	for (i = 0; i < o->via.array.size; i++) {
		if (mp_str(c, name, &o->via.array.ptr[i], &s) != 0)
			return (-1);
		record_list_add(out, s.ptr, s.len);
		(*n)++;
	}
	return (0);
}

/*
 * A time: [sec, nsec] (v2's codec), the timestamp extension -1 (4, 8 or 12
 * bytes), tinylib/msgp's extension 5 (8-byte sec, 4-byte nsec) or nil (the
 * zero time: *set stays false).
 */
static int
mp_time(struct mp_ctx *c, const char *name, const msgpack_object *o,
    bool *set, int64_t *sec, uint32_t *nsec)
{
	const unsigned char	*p;
	int64_t			 s, ns;
	uint64_t		 v;

	*set = false;
	switch (o->type) {
	case MSGPACK_OBJECT_NIL:
		return (0);
	case MSGPACK_OBJECT_ARRAY:
		if (o->via.array.size != 2)
			return (mp_fail(c, name, "expected [sec, nsec], got "
			    "array of %u", o->via.array.size));
		if (mp_int(c, name, &o->via.array.ptr[0], &s) != 0 ||
		    mp_int(c, name, &o->via.array.ptr[1], &ns) != 0)
			return (-1);
		break;
	case MSGPACK_OBJECT_EXT:
		p = (const unsigned char *)o->via.ext.ptr;
		if (o->via.ext.type == -1 && o->via.ext.size == 4) {
			s = (int64_t)mp_be(p, 4);
			ns = 0;
		} else if (o->via.ext.type == -1 && o->via.ext.size == 8) {
			v = mp_be(p, 8);
			ns = (int64_t)(v >> 34);
			s = (int64_t)(v & 0x3ffffffffULL);
		} else if (o->via.ext.type == -1 && o->via.ext.size == 12) {
			ns = (int64_t)mp_be(p, 4);
			s = (int64_t)mp_be(p + 4, 8);
		} else if (o->via.ext.type == 5 && o->via.ext.size == 12) {
			s = (int64_t)mp_be(p, 8);
			ns = (int32_t)(uint32_t)mp_be(p + 8, 4);
		} else
			return (mp_fail(c, name, "unknown time extension %d "
			    "of %u bytes", o->via.ext.type, o->via.ext.size));
		break;
	default:
		return (mp_fail(c, name, "expected time, got %s",
		    mp_type_name(o)));
	}
	/* Normalise as Go's time.Unix does. */
	if (ns < 0 || ns >= 1000000000) {
		if (s > INT64_MAX / 2 || s < INT64_MIN / 2)
			return (mp_fail(c, name, "time out of range"));
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
	return (0);
}

static bool
mp_key(const msgpack_object *k, const char *name)
{
	size_t	 len = strlen(name);

	return (k->type == MSGPACK_OBJECT_STR && k->via.str.size == len &&
	    memcmp(k->via.str.ptr, name, len) == 0);
}

/* Check that o is a map (nil: *is_nil); sets the parent name. */
static int
mp_map(struct mp_ctx *c, const char *name, const msgpack_object *o,
    bool *is_nil)
{
	*is_nil = o->type == MSGPACK_OBJECT_NIL;
	if (*is_nil || o->type == MSGPACK_OBJECT_MAP)
		return (0);
	return (mp_fail(c, name, "expected map, got %s", mp_type_name(o)));
}

static int
mp_geo(struct mp_ctx *c, const msgpack_object *o)
{
	struct record_build	*b = c->b;
	const msgpack_object_kv	*kv, *kv2;
	const msgpack_object	*v;
	struct slice		 k, s;
	uint32_t		 i, j, l;
	int64_t			 n;
	bool			 nil;

	if (mp_map(c, "Geo", o, &nil) != 0 || nil)
		return (nil ? 0 : -1);
	for (i = 0; i < o->via.map.size; i++) {
		kv = &o->via.map.ptr[i];
		v = &kv->val;
		if (mp_key(&kv->key, "Country")) {
			c->parent = "Geo";
			if (mp_map(c, "Country", v, &nil) != 0)
				return (-1);
			c->parent = "Geo.Country";
			for (j = 0; !nil && j < v->via.map.size; j++) {
				kv2 = &v->via.map.ptr[j];
				if (mp_key(&kv2->key, "ISOCode") &&
				    mp_intern(c, "ISOCode", &kv2->val,
				    &b->geo.iso_code) != 0)
					return (-1);
			}
		} else if (mp_key(&kv->key, "City")) {
			c->parent = "Geo";
			if (mp_map(c, "City", v, &nil) != 0)
				return (-1);
			c->parent = "Geo.City";
			for (j = 0; !nil && j < v->via.map.size; j++) {
				kv2 = &v->via.map.ptr[j];
				if (mp_key(&kv2->key, "GeoNameID")) {
					if (mp_int(c, "GeoNameID", &kv2->val,
					    &n) != 0)
						return (-1);
					if (n < 0 || n > UINT32_MAX)
						return (mp_fail(c, "GeoNameID",
						    "integer %lld out of range",
						    (long long)n));
					b->geo.geoname_id = (uint32_t)n;
				} else if (mp_key(&kv2->key, "Names")) {
					if (mp_map(c, "Names", &kv2->val,
					    &nil) != 0)
						return (-1);
					for (l = 0; !nil &&
					    l < kv2->val.via.map.size; l++) {
						if (mp_str(c, "Names",
						    &kv2->val.via.map.ptr[l].key,
						    &k) != 0 ||
						    mp_str(c, "Names",
						    &kv2->val.via.map.ptr[l].val,
						    &s) != 0)
							return (-1);
						record_build_name(b, k.ptr,
						    k.len, s.ptr, s.len);
					}
					nil = false;
				}
			}
		} else if (mp_key(&kv->key, "Location")) {
			c->parent = "Geo";
			if (mp_map(c, "Location", v, &nil) != 0)
				return (-1);
			c->parent = "Geo.Location";
			for (j = 0; !nil && j < v->via.map.size; j++) {
				kv2 = &v->via.map.ptr[j];
				if (mp_key(&kv2->key, "Latitude")) {
					if (mp_double(c, "Latitude", &kv2->val,
					    &b->geo.latitude) != 0)
						return (-1);
				} else if (mp_key(&kv2->key, "Longitude")) {
					if (mp_double(c, "Longitude",
					    &kv2->val, &b->geo.longitude) != 0)
						return (-1);
				} else if (mp_key(&kv2->key, "TimeZone")) {
					if (mp_intern(c, "TimeZone", &kv2->val,
					    &b->geo.time_zone) != 0)
						return (-1);
				}
			}
		}
		c->parent = NULL;
	}
	b->has_geo = true;
	return (0);
}

static int
mp_network(struct mp_ctx *c, const msgpack_object *o)
{
	struct record_extra	*ex = &c->b->ex;
	const msgpack_object_kv	*kv;
	uint32_t		 i;
	bool			 nil;
	int			 rc = 0;

	if (mp_map(c, "Network", o, &nil) != 0 || nil)
		return (nil ? 0 : -1);
	c->parent = "Network";
	for (i = 0; i < o->via.map.size && rc == 0; i++) {
		kv = &o->via.map.ptr[i];
		if (mp_key(&kv->key, "OpenConnections"))
			rc = mp_int(c, "OpenConnections", &kv->val,
			    &ex->open_connections);
		else if (mp_key(&kv->key, "ClosedConnection"))
			rc = mp_int(c, "ClosedConnection", &kv->val,
			    &ex->closed_connection);
		else if (mp_key(&kv->key, "BytesIn"))
			rc = mp_int(c, "BytesIn", &kv->val, &ex->bytes_in);
		else if (mp_key(&kv->key, "BytesOut"))
			rc = mp_int(c, "BytesOut", &kv->val, &ex->bytes_out);
	}
	c->parent = NULL;
	if (rc == 0 && (ex->open_connections != 0 ||
	    ex->closed_connection != 0 || ex->bytes_in != 0 ||
	    ex->bytes_out != 0)) {
		c->b->rec.flags |= REC_NETWORK;
		c->b->has_extra = true;
	}
	return (rc);
}

static int
mp_latency(struct mp_ctx *c, const msgpack_object *o)
{
	struct record_build	*b = c->b;
	const msgpack_object_kv	*kv;
	uint32_t		 i;
	bool			 nil;
	int			 rc = 0;

	if (mp_map(c, "Latency", o, &nil) != 0 || nil)
		return (nil ? 0 : -1);
	c->parent = "Latency";
	for (i = 0; i < o->via.map.size && rc == 0; i++) {
		kv = &o->via.map.ptr[i];
		if (mp_key(&kv->key, "Total"))
			rc = mp_int(c, "Total", &kv->val, &b->lat_total);
		else if (mp_key(&kv->key, "Upstream"))
			rc = mp_int(c, "Upstream", &kv->val, &b->lat_upstream);
		else if (mp_key(&kv->key, "Gateway"))
			rc = mp_int(c, "Gateway", &kv->val, &b->lat_gateway);
	}
	c->parent = NULL;
	return (rc);
}

/* Intern a list blob (0 when empty). */
static uint32_t
mp_blob(struct mp_ctx *c, const struct buf *bb)
{
	if (bb->len == 0)
		return (0);
	return (strtab_intern(&c->st->strs, bb->data, bb->len));
}

static int
mp_graphql_kv(struct mp_ctx *c, const msgpack_object_kv *kv,
    struct buf *tmp, bool *any)
{
	struct record_build	*b = c->b;
	struct record_extra	*ex = &c->b->ex;
	const msgpack_object	*v = &kv->val, *e;
	struct buf		 inner;
	struct slice		 s;
	uint32_t		 i, j;
	int			 n;
	bool			 flag, nil;

	buf_reset(tmp);
	if (mp_key(&kv->key, "Variables")) {
		if (mp_intern(c, "Variables", v, &ex->gql_variables) != 0)
			return (-1);
		*any |= ex->gql_variables != 0;
	} else if (mp_key(&kv->key, "RootFields")) {
		if (mp_str_list(c, "RootFields", v, tmp, &n) != 0)
			return (-1);
		ex->gql_root_fields = mp_blob(c, tmp);
		*any |= n != 0;
	} else if (mp_key(&kv->key, "Types")) {
		/* Pairs blob: type name, then its fields as a list blob. */
		if (mp_map(c, "Types", v, &nil) != 0)
			return (-1);
		buf_init(&inner);
		for (i = 0; !nil && i < v->via.map.size; i++) {
			if (mp_str(c, "Types", &v->via.map.ptr[i].key,
			    &s) != 0) {
				buf_clear(&inner);
				return (-1);
			}
			record_list_add(tmp, s.ptr, s.len);
			buf_reset(&inner);
			if (mp_str_list(c, "Types", &v->via.map.ptr[i].val,
			    &inner, &n) != 0) {
				buf_clear(&inner);
				return (-1);
			}
			record_list_add(tmp, inner.data != NULL ? inner.data :
			    "", inner.len);
		}
		buf_clear(&inner);
		ex->gql_types = mp_blob(c, tmp);
		*any |= ex->gql_types != 0;
	} else if (mp_key(&kv->key, "Errors")) {
		/* []GraphError{Message, Path}: keep the messages. */
		if (v->type != MSGPACK_OBJECT_NIL &&
		    v->type != MSGPACK_OBJECT_ARRAY)
			return (mp_fail(c, "Errors", "expected array, got %s",
			    mp_type_name(v)));
		for (i = 0; v->type == MSGPACK_OBJECT_ARRAY &&
		    i < v->via.array.size; i++) {
			e = &v->via.array.ptr[i];
			if (mp_map(c, "Errors", e, &nil) != 0)
				return (-1);
			s.ptr = "";
			s.len = 0;
			for (j = 0; !nil && j < e->via.map.size; j++) {
				if (mp_key(&e->via.map.ptr[j].key, "Message") &&
				    mp_str(c, "Errors", &e->via.map.ptr[j].val,
				    &s) != 0)
					return (-1);
			}
			record_list_add(tmp, s.ptr, s.len);
		}
		ex->gql_errors = mp_blob(c, tmp);
		*any |= ex->gql_errors != 0;
	} else if (mp_key(&kv->key, "OperationType")) {
		if (mp_int32(c, "OperationType", v,
		    &ex->gql_operation_type) != 0)
			return (-1);
		*any |= ex->gql_operation_type != 0;
	} else if (mp_key(&kv->key, "HasErrors")) {
		if (mp_bool(c, "HasErrors", v, &ex->gql_has_errors) != 0)
			return (-1);
		*any |= ex->gql_has_errors;
	} else if (mp_key(&kv->key, "IsGraphQL")) {
		if (mp_bool(c, "IsGraphQL", v, &flag) != 0)
			return (-1);
		if (flag)
			b->rec.flags |= REC_GRAPHQL;
		*any |= flag;
	}
	return (0);
}

static int
mp_graphql(struct mp_ctx *c, const msgpack_object *o)
{
	struct buf	 tmp;
	uint32_t	 i;
	bool		 nil, any = false;
	int		 rc = 0;

	if (mp_map(c, "GraphQLStats", o, &nil) != 0 || nil)
		return (nil ? 0 : -1);
	c->parent = "GraphQLStats";
	buf_init(&tmp);
	for (i = 0; i < o->via.map.size && rc == 0; i++)
		rc = mp_graphql_kv(c, &o->via.map.ptr[i], &tmp, &any);
	buf_clear(&tmp);
	c->parent = NULL;
	if (rc == 0 && any) {
		c->b->rec.flags |= REC_HAS_GQL;
		c->b->has_extra = true;
	}
	return (rc);
}

static int
mp_mcp(struct mp_ctx *c, const msgpack_object *o)
{
	struct record_extra	*ex = &c->b->ex;
	const msgpack_object_kv	*kv;
	uint32_t		 i;
	bool			 nil, flag = false;
	int			 rc = 0;

	if (mp_map(c, "MCPStats", o, &nil) != 0 || nil)
		return (nil ? 0 : -1);
	c->parent = "MCPStats";
	for (i = 0; i < o->via.map.size && rc == 0; i++) {
		kv = &o->via.map.ptr[i];
		if (mp_key(&kv->key, "IsMCP"))
			rc = mp_bool(c, "IsMCP", &kv->val, &flag);
		else if (mp_key(&kv->key, "JSONRPCMethod"))
			rc = mp_intern(c, "JSONRPCMethod", &kv->val,
			    &ex->mcp_method);
		else if (mp_key(&kv->key, "PrimitiveType"))
			rc = mp_intern(c, "PrimitiveType", &kv->val,
			    &ex->mcp_primitive_type);
		else if (mp_key(&kv->key, "PrimitiveName"))
			rc = mp_intern(c, "PrimitiveName", &kv->val,
			    &ex->mcp_primitive_name);
	}
	c->parent = NULL;
	if (rc != 0)
		return (-1);
	if (flag)
		c->b->rec.flags |= REC_MCP;
	if (flag || ex->mcp_method != 0 || ex->mcp_primitive_type != 0 ||
	    ex->mcp_primitive_name != 0) {
		c->b->rec.flags |= REC_HAS_MCP;
		c->b->has_extra = true;
	}
	return (0);
}

/* Decode one top-level field. */
static int
mp_field(struct mp_ctx *c, enum mp_field f, const msgpack_object *v)
{
	struct record_build	*b = c->b;
	const char		*name = mp_field_names[f];
	struct slice		 s;
	bool			 flag;
	int			 n;

	if (mp_field_str[f] >= 0) {
		if (mp_str(c, name, v, &s) != 0)
			return (-1);
		if (s.len != 0)
			record_build_str(b, c->st, (enum record_str)
			    mp_field_str[f], s.ptr, s.len);
		return (0);
	}
	switch (f) {
	case MPF_CONTENT_LENGTH:
		return (mp_int(c, name, v, &b->content_length));
	case MPF_DAY:
		return (mp_int32(c, name, v, &b->day));
	case MPF_MONTH:
		return (mp_int32(c, name, v, &b->month));
	case MPF_YEAR:
		return (mp_int32(c, name, v, &b->year));
	case MPF_HOUR:
		return (mp_int32(c, name, v, &b->hour));
	case MPF_RESPONSE_CODE:
		return (mp_int(c, name, v, &b->response_code));
	case MPF_REQUEST_TIME:
		return (mp_int(c, name, v, &b->request_time));
	case MPF_TIMESTAMP:
		return (mp_time(c, name, v, &b->ts_set, &b->ts_sec,
		    &b->ts_nsec));
	case MPF_EXPIRE_AT:
		return (mp_time(c, name, v, &b->exp_set, &b->exp_sec,
		    &b->exp_nsec));
	case MPF_RAW_REQUEST:
		if (mp_str(c, name, v, &s) != 0)
			return (-1);
		b->req = s.ptr;
		b->req_len = s.len;
		return (0);
	case MPF_RAW_RESPONSE:
		if (mp_str(c, name, v, &s) != 0)
			return (-1);
		b->resp = s.ptr;
		b->resp_len = s.len;
		return (0);
	case MPF_GEO:
		return (mp_geo(c, v));
	case MPF_NETWORK:
		return (mp_network(c, v));
	case MPF_LATENCY:
		return (mp_latency(c, v));
	case MPF_TAGS:
		buf_reset(&b->tags);
		if (v->type == MSGPACK_OBJECT_NIL) {
			b->rec.flags |= REC_TAGS_NULL;
			b->ntags = 0;
			return (0);
		}
		b->rec.flags &= ~(uint32_t)REC_TAGS_NULL;
		if (mp_str_list(c, name, v, &b->tags, &n) != 0)
			return (-1);
		b->ntags = n;
		return (0);
	case MPF_TRACK_PATH:
		if (mp_bool(c, name, v, &flag) != 0)
			return (-1);
		if (flag)
			b->rec.flags |= REC_TRACK_PATH;
		else
			b->rec.flags &= ~(uint32_t)REC_TRACK_PATH;
		return (0);
	case MPF_API_SCHEMA:
		if (mp_intern(c, name, v, &b->ex.api_schema) != 0)
			return (-1);
		if (b->ex.api_schema != 0)
			b->has_extra = true;
		return (0);
	case MPF_GRAPHQL_STATS:
		return (mp_graphql(c, v));
	case MPF_MCP_STATS:
		return (mp_mcp(c, v));
	case MPF_COLLECTION_NAME:
		/* Always "" from the gateway; type-checked, not kept. */
		return (mp_str(c, name, v, &s));
	default:
		return (0);
	}
}

/*
 * The field named by key k, or -1.  The gateway writes the fields in
 * declaration order, so the one after the previous match (*hint) is tried
 * first; older records with fewer keys fall back to a scan.
 */
static int
mp_lookup(const msgpack_object *k, int *hint)
{
	int	 i, j;

	if (k->type != MSGPACK_OBJECT_STR)
		return (-1);
	for (j = 0; j < MPF_COUNT; j++) {
		i = (*hint + j) % MPF_COUNT;
		if (mp_field_len[i] == k->via.str.size &&
		    memcmp(mp_field_names[i], k->via.str.ptr,
		    k->via.str.size) == 0) {
			*hint = i + 1;
			return (i);
		}
	}
	return (-1);
}

/*
 * Decode the msgpack record in buf into b (reset first).  Returns 0, or -1
 * with a message in err when the value is not a usable record; b is then
 * in an unspecified state.  The payload fields of b point into buf.
 */
int
decode_msgpack_record(struct store *st, struct record_build *b,
    const void *buf, size_t len, char *err, size_t errlen)
{
	struct mp_ctx		 c;
	msgpack_unpacked	 u;
	msgpack_unpack_return	 ret;
	const msgpack_object	*o;
	size_t			 end, off = 0;
	uint32_t		 i;
	int			 f, rc = 0, hint = 0;

	record_build_reset(b);
	b->rec.flags = (uint32_t)REC_ENC_MSGPACK << REC_ENC_SHIFT;
	b->ts_prec = b->exp_prec = 9;
	b->payload_stable = false;

	if (len == 0) {
		snprintf(err, errlen, "msgpack: empty value");
		return (-1);
	}
	if (decode_msgpack_check(buf, len, &end, err, errlen) != 0)
		return (-1);
	if (end != len) {
		snprintf(err, errlen, "msgpack: %zu bytes after the record "
		    "(at byte %zu)", len - end, end);
		return (-1);
	}

	msgpack_unpacked_init(&u);
	ret = msgpack_unpack_next(&u, buf, len, &off);
	if (ret != MSGPACK_UNPACK_SUCCESS) {
		snprintf(err, errlen, "msgpack: %s", ret ==
		    MSGPACK_UNPACK_NOMEM_ERROR ? "out of memory" :
		    "nested too deeply or invalid");
		msgpack_unpacked_destroy(&u);
		return (-1);
	}
	c.st = st;
	c.b = b;
	c.err = err;
	c.errlen = errlen;
	c.parent = NULL;
	o = &u.data;
	if (o->type == MSGPACK_OBJECT_MAP) {
		for (i = 0; i < o->via.map.size && rc == 0; i++) {
			f = mp_lookup(&o->via.map.ptr[i].key, &hint);
			if (f >= 0)
				rc = mp_field(&c, (enum mp_field)f,
				    &o->via.map.ptr[i].val);
		}
	} else if (o->type == MSGPACK_OBJECT_ARRAY) {
		for (i = 0; i < o->via.array.size && i < MPF_COUNT &&
		    rc == 0; i++)
			rc = mp_field(&c, (enum mp_field)i,
			    &o->via.array.ptr[i]);
	} else {
		snprintf(err, errlen, "msgpack: expected a map, got %s",
		    mp_type_name(o));
		rc = -1;
	}
	msgpack_unpacked_destroy(&u);
	return (rc);
}
