/* SPDX-License-Identifier: ISC */
/*
 * Writes a record as the BSON document the mongo pumps store
 * (tyk-formats.md 1.4): _id ObjectId first, then the 31 stored fields in
 * declaration order with lowercased Go names (expireAt excepted), Go int
 * fields as int32 when they fit, int64 fields always int64, times as UTC
 * datetimes in milliseconds, nil tags as [] and nil names as {}.
 */
#ifndef ENCODE_BSON_H
#define ENCODE_BSON_H

#include <stdint.h>

#include <bson/bson.h>

struct demo_record;

void	 encode_bson_record(bson_t *, const struct demo_record *,
	    const bson_oid_t *);
void	 encode_bson_oid(bson_oid_t *, int64_t, uint64_t, uint64_t);

#endif
