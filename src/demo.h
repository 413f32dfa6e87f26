/* SPDX-License-Identifier: ISC */
/*
 * Demo traffic: a deterministic generator of realistic Tyk analytics
 * records (tyk-formats.md 1.8 and 3).  Several orgs and APIs, keys (empty,
 * raw, hashed, aliased), OAuth clients, geo data, tags in the gateway's
 * order, status codes with the latency each implies, error bursts,
 * network-statistics records, and detailed recordings whose raw_request and
 * raw_response are base64 of the exact bytes Go's Request.Write and
 * Response.Write produce.
 *
 * The same seed always gives the same sequence of records.  Each record is
 * handed out as a struct demo_record, a view whose slices point into the
 * generator and stay valid until the next demo_next call.  The encoders
 * (encode-*.c) write a demo_record as BSON, msgpack or Tyk JSON;
 * demo_record_from_store makes the same view of a stored record.
 */
#ifndef DEMO_H
#define DEMO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bytes.h"

struct record;
struct record_build;
struct store;
struct demo;

/* 2024-02-29T10:00:00Z: the default start of batch demo traffic. */
#define DEMO_START_SEC		1709200800LL
/* ExpireAt for expire_analytics_after 0: 100 years of 365 days. */
#define DEMO_EXPIRE_100Y	(365LL * 100 * 86400)

/*
 * One record, every field of tyk-formats.md 1.1/1.2 with full-width
 * values.  Slices are borrowed.  tags is a list blob and names a pairs
 * blob (key, value, key, value...) in record_list format (record.h).
 */
struct demo_record {
	struct slice	 method;
	struct slice	 host;
	struct slice	 path;
	struct slice	 raw_path;
	int64_t		 content_length;
	struct slice	 user_agent;
	int		 day, month, year, hour;
	int64_t		 response_code;
	struct slice	 api_key;
	int64_t		 ts_sec;		/* TimeStamp, UTC */
	uint32_t	 ts_nsec;
	struct slice	 api_version;
	struct slice	 api_name;
	struct slice	 api_id;
	struct slice	 org_id;
	struct slice	 oauth_id;
	int64_t		 request_time;		/* ms */
	struct slice	 raw_request;		/* base64 text */
	struct slice	 raw_response;		/* base64 text */
	struct slice	 ip_address;
	struct slice	 iso_code;
	int64_t		 geoname_id;
	struct slice	 names;			/* pairs blob; empty = nil */
	double		 latitude, longitude;
	struct slice	 time_zone;
	int64_t		 open_connections;
	int64_t		 closed_connection;
	int64_t		 bytes_in, bytes_out;
	int64_t		 lat_total, lat_upstream, lat_gateway;	/* ms */
	struct slice	 tags;			/* list blob */
	bool		 tags_nil;		/* nil slice (no tags at all) */
	struct slice	 alias;
	bool		 track_path;
	int64_t		 exp_sec;		/* ExpireAt, UTC */
	uint32_t	 exp_nsec;
	struct slice	 api_schema;
	struct slice	 original_path;
	struct slice	 listen_path;
};

struct demo_config {
	uint64_t	 seed;
	double		 rate;		/* records per second (batch times) */
	int64_t		 start_sec;	/* first batch timestamp */
	double		 payload_fraction; /* share with raw_request/response */
};

void		 demo_config_init(struct demo_config *);
struct demo	*demo_create(const struct demo_config *);
void		 demo_free(struct demo *);
void		 demo_next(struct demo *, struct demo_record *);
void		 demo_next_at(struct demo *, int64_t, struct demo_record *);
uint64_t	 demo_count(const struct demo *);
void		 demo_build(const struct demo_record *, struct store *,
		    struct record_build *);
void		 demo_record_from_store(const struct store *,
		    const struct record *, struct demo_record *);
void		 demo_base64(struct buf *, const void *, size_t);
uint32_t	 demo_murmur3(const void *, size_t, uint32_t);

#endif
