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
#include "demo-record.h"

struct record;
struct record_build;
struct store;
struct demo;

/* 2024-02-29T10:00:00Z: the default start of batch demo traffic. */
#define DEMO_START_SEC		1709200800LL
/* ExpireAt for expire_analytics_after 0: 100 years of 365 days. */
#define DEMO_EXPIRE_100Y	(365LL * 100 * 86400)

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

#endif
