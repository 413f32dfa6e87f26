/* SPDX-License-Identifier: ISC */
/*
 * The demo generator's view of one record (demo.h hands them out;
 * demo-payload.c fills the payload fields), in a header of its own so
 * that the generator's parts need not include demo.h.
 */
#ifndef DEMO_RECORD_H
#define DEMO_RECORD_H

#include <stdbool.h>
#include <stdint.h>

#include "bytes.h"

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

#endif
