/* SPDX-License-Identifier: ISC */
/*
 * The analytics record: one normalised, compact type for every field of
 * tyk-formats.md 1.1/1.2, whichever encoding (msgpack, protobuf, BSON, JSON)
 * it came from.  Missing fields are zero or empty.
 *
 * Layout.  struct record is 152 bytes, but that is only the value handed
 * out: the store keeps records as columns (store.h), about 100 bytes a
 * record.  Strings are ids into the store's string table (strtab.h); the
 * tag list and the geo data are interned as small binary blobs
 * (record_tags_*, record_geo_*).  Numbers that fit are
 * kept narrow; a value that does not fit (a latency above 2^31 ms, a time
 * outside 1678..2262) sets REC_WIDE and lives in the record's extra block,
 * as do network statistics, GraphQL/MCP data, bad-record and gap details.
 * Accessors (record_*()) hide that split: use them, not the fields, for
 * anything that can be wide.
 *
 * Payloads.  raw_request and raw_response (base64 text, as stored) are not
 * copied when they can stay where they are: payload points into a mapped
 * file or into the owning chunk's arena, req at payload[0..req_len) and
 * resp at payload[resp_off..resp_off+resp_len).  A record of a gzipped
 * dump keeps only where they are (REC_PAYREF): payload is NULL and the
 * payload starts payload_at bytes after the record's document, whose
 * offset in the decompressed stream is the record's position; payload.h
 * reads them from the source's gzip index.  Read payloads through
 * payload_get (payload.h), which handles both.
 *
 * Records are immutable once added to the store, and owned by it; a
 * struct record from store_get is a copy (see store.h for how long it
 * lasts).  Payload fields are read through record_raw_request and
 * record_raw_response, so that how a payload is referenced can change.
 */
#ifndef RECORD_H
#define RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bytes.h"

struct store;

/* Interned string fields of a record, in Tyk's declaration order. */
enum record_str {
	RS_METHOD,
	RS_HOST,
	RS_PATH,
	RS_RAW_PATH,
	RS_USER_AGENT,
	RS_API_KEY,
	RS_API_VERSION,
	RS_API_NAME,
	RS_API_ID,
	RS_ORG_ID,
	RS_OAUTH_ID,
	RS_IP_ADDRESS,
	RS_ALIAS,
	RS_ORIGINAL_PATH,
	RS_LISTEN_PATH,
	RS_TAGS,		/* blob: record_tags_next */
	RS_GEO,			/* blob: struct record_geo */
	RS_COUNT
};

/* Record flags. */
#define REC_BAD		0x0001	/* undecodable input: see extra->bad_* */
#define REC_GAP		0x0002	/* gap marker: see extra->gap_* */
#define REC_TRACK_PATH	0x0004
#define REC_TAGS_NULL	0x0008	/* tags were nil (msgpack/JSON null) */
#define REC_WIDE	0x0010	/* narrow fields invalid: use extra */
#define REC_NETWORK	0x0020	/* extra holds network statistics */
#define REC_GRAPHQL	0x0040	/* GraphQLStats.IsGraphQL */
#define REC_MCP		0x0080	/* MCPStats.IsMCP */
#define REC_EXTRA	0x0100	/* record has an extra block */
#define REC_TS_ZERO	0x0200	/* timestamp is Go's zero time */
#define REC_EXP_ZERO	0x0400	/* expireAt is Go's zero time */
#define REC_HAS_GQL	0x0800	/* extra holds GraphQL stats */
#define REC_HAS_MCP	0x1000	/* extra holds MCP stats */
#define REC_PAYREF	0x2000	/* payload by reference: see payload_at */
/* Stored sub-second precision of timestamp/expireAt, in digits (0-9). */
#define REC_TSPREC_SHIFT	16
#define REC_EXPPREC_SHIFT	20
#define REC_PREC_MASK		0xf
/* Where the record came from (for output and filters). */
#define REC_ENC_SHIFT	24
#define REC_ENC_MASK	0x7
enum record_encoding {
	REC_ENC_NONE,
	REC_ENC_MSGPACK,
	REC_ENC_PROTOBUF,
	REC_ENC_BSON,
	REC_ENC_JSON,
	REC_ENC_DEMO
};

struct record {
	int64_t		ts;		/* timestamp, ns since epoch, UTC */
	int64_t		expire;		/* expireAt, ns since epoch, UTC */
	const char	*payload;	/* raw_request then raw_response */
	uint64_t	pos;		/* source id << 48 | byte offset/index */
	uint32_t	str[RS_COUNT];	/* strtab ids */
	int32_t		content_length;
	int32_t		request_time;	/* ms */
	int32_t		lat_total;	/* ms */
	int32_t		lat_upstream;	/* ms */
	int32_t		lat_gateway;	/* ms */
	uint32_t	req_len;	/* raw_request bytes at payload */
	uint32_t	resp_off;	/* raw_response offset from payload */
	uint32_t	resp_len;
	uint32_t	extra;		/* store extra index, 0 = none */
	uint32_t	ymdh;		/* year<<16 | month<<12 | day<<6 | hour */
	uint32_t	flags;		/* REC_* */
	int16_t		response_code;
	uint32_t	payload_at;	/* REC_PAYREF: offset in the document */
};

#define REC_POS(src, off)	((uint64_t)(src) << 48 | ((off) & 0xffffffffffffULL))
#define REC_POS_SOURCE(pos)	((uint16_t)((pos) >> 48))
#define REC_POS_OFFSET(pos)	((pos) & 0xffffffffffffULL)

/* Geo data, interned as one blob per distinct value (RS_GEO). */
struct record_geo {
	uint32_t	iso_code;	/* strtab id */
	uint32_t	geoname_id;
	uint32_t	names;		/* strtab id of a pairs blob */
	uint32_t	time_zone;	/* strtab id */
	double		latitude;
	double		longitude;
};

/* What does not fit in struct record; allocated only when needed. */
struct record_extra {
	/* REC_WIDE: the full values. */
	int64_t		ts_sec;
	int64_t		exp_sec;
	uint32_t	ts_nsec;
	uint32_t	exp_nsec;
	int64_t		content_length;
	int64_t		request_time;
	int64_t		lat_total;
	int64_t		lat_upstream;
	int64_t		lat_gateway;
	int64_t		response_code;
	int64_t		year, month, day, hour;
	/* REC_NETWORK */
	int64_t		open_connections;
	int64_t		closed_connection;
	int64_t		bytes_in;
	int64_t		bytes_out;
	/* Rare strings (strtab ids). */
	uint32_t	api_schema;
	uint32_t	time_zone;	/* protobuf TimeZone field */
	/* REC_HAS_GQL */
	uint32_t	gql_variables;
	uint32_t	gql_root_fields;	/* list blob */
	uint32_t	gql_types;		/* pairs blob: type, fields */
	uint32_t	gql_errors;		/* list blob of messages */
	int32_t		gql_operation_type;
	bool		gql_has_errors;
	/* REC_HAS_MCP */
	uint32_t	mcp_method;
	uint32_t	mcp_primitive_type;
	uint32_t	mcp_primitive_name;
	/* REC_BAD */
	uint32_t	bad_error;	/* strtab id of the message */
	const char	*bad_raw;	/* copy of the input (capped) */
	uint32_t	bad_raw_len;
	uint64_t	bad_raw_total;	/* input length before the cap */
	/* REC_GAP */
	int64_t		gap_from;	/* ns: last record seen before */
	int64_t		gap_to;		/* ns: first record seen after */
	int64_t		gap_count;	/* -1 when unknown */
	uint32_t	gap_key;	/* strtab id of the Redis key */
};

#define REC_BAD_RAW_MAX	(64 * 1024)
/* Go's zero time.Time (0001-01-01T00:00:00Z) in Unix seconds. */
#define REC_GO_ZERO_SEC	(-62135596800LL)

/* A record being built by a decoder, with full-width values. */
struct record_build {
	struct record		 rec;
	struct record_extra	 ex;
	bool			 has_extra;
	bool			 ts_set, exp_set;	/* else Go zero time */
	int64_t			 ts_sec, exp_sec;
	uint32_t		 ts_nsec, exp_nsec;
	int			 ts_prec, exp_prec;
	int64_t			 content_length, request_time;
	int64_t			 lat_total, lat_upstream, lat_gateway;
	int64_t			 response_code;
	int			 year, month, day, hour;
	struct record_geo	 geo;
	bool			 has_geo;
	struct buf		 tags;		/* list blob being built */
	int			 ntags;
	struct buf		 names;		/* geo city names pairs */
	/* Payload (base64 text as stored) */
	const char		*req, *resp;
	size_t			 req_len, resp_len;
	bool			 payload_stable; /* req/resp outlive the store? */
	const char		*payload_doc;	/* else: keep by reference */
};

void		 record_build_init(struct record_build *);
void		 record_build_reset(struct record_build *);
void		 record_build_clear(struct record_build *);
void		 record_build_str(struct record_build *, struct store *,
		    enum record_str, const char *, size_t);
void		 record_build_tag(struct record_build *, const char *, size_t);
void		 record_build_name(struct record_build *, const char *, size_t,
		    const char *, size_t);

/* Accessors. */
int64_t		 record_ts_sec(const struct store *, const struct record *);
uint32_t	 record_ts_nsec(const struct store *, const struct record *);
int64_t		 record_exp_sec(const struct store *, const struct record *);
uint32_t	 record_exp_nsec(const struct store *, const struct record *);
int64_t		 record_content_length(const struct store *,
		    const struct record *);
int64_t		 record_request_time(const struct store *,
		    const struct record *);
int64_t		 record_lat_total(const struct store *, const struct record *);
int64_t		 record_lat_upstream(const struct store *,
		    const struct record *);
int64_t		 record_lat_gateway(const struct store *,
		    const struct record *);
int64_t		 record_response_code(const struct store *,
		    const struct record *);
int		 record_year(const struct record *);
int		 record_month(const struct record *);
int		 record_day(const struct record *);
int		 record_hour(const struct record *);
struct slice	 record_raw_request(const struct record *);
struct slice	 record_raw_response(const struct record *);
void		 record_geo(const struct store *, const struct record *,
		    struct record_geo *);
const struct record_extra *record_extra(const struct store *,
		    const struct record *);
struct slice	 record_strs(const struct store *, const struct record *,
		    enum record_str);
enum record_encoding record_encoding(const struct record *);

/* List blobs (tags, GraphQL root fields): iterate from *off = 0. */
int		 record_list_next(struct slice, size_t *, struct slice *);
void		 record_list_add(struct buf *, const char *, size_t);

#endif
