/* SPDX-License-Identifier: ISC */
/*
 * Protobuf analytics record decoder (tyk-formats.md 1.6): one value of a
 * "_protobuf" Redis list (a bare serialized AnalyticsRecord) into a struct
 * record_build, through protobuf-c and src/analytics.proto.
 */
#ifndef DECODE_PROTOBUF_H
#define DECODE_PROTOBUF_H

#include <stddef.h>

struct record_build;
struct store;

int	 decode_protobuf_record(struct store *, struct record_build *,
	    const void *, size_t, char *, size_t);

#endif
