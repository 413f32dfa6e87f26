/* SPDX-License-Identifier: ISC */
/*
 * Writes a record as the gateway's protobuf serializer does
 * (tyk-formats.md 1.6): a bare AnalyticsRecord message, Latency without
 * Gateway, TimeZone "Local", GraphQL and MCP stats left out (they are sent
 * only for GraphQL/MCP records).  Values for the "_protobuf" Redis lists.
 */
#ifndef ENCODE_PROTOBUF_H
#define ENCODE_PROTOBUF_H

#include "bytes.h"

struct demo_record;

void	 encode_protobuf_record(struct buf *, const struct demo_record *);

#endif
