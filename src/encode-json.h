/* SPDX-License-Identifier: ISC */
/*
 * Writes a record as Go's encoding/json writes an AnalyticsRecord
 * (tyk-formats.md 1.5): the json tag keys in declaration order, times as
 * RFC 3339 with nanoseconds (trailing zeros trimmed, UTC "Z"), nil tags
 * and names as null, GraphQL/MCP stats always present, no CollectionName.
 * This is the shape of the stdout/kafka pumps and of the RPC purger.
 */
#ifndef ENCODE_JSON_H
#define ENCODE_JSON_H

#include "bytes.h"

struct demo_record;

void	 encode_json_record(struct buf *, const struct demo_record *);

#endif
