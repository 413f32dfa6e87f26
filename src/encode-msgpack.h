/* SPDX-License-Identifier: ISC */
/*
 * Writes a record as msgpack exactly as the gateway does
 * (gopkg.in/vmihailenco/msgpack.v2, tyk-formats.md 1.3): a map16 of the
 * 35 fields in declaration order keyed by Go field name, integers at
 * minimal width with the unsigned codes for non-negative values, doubles
 * as float64, times as [seconds, nanoseconds] arrays, nil slices and maps
 * as nil, CollectionName "".
 */
#ifndef ENCODE_MSGPACK_H
#define ENCODE_MSGPACK_H

#include <stdint.h>

#include "bytes.h"

struct demo_record;

void	 encode_msgpack_record(struct buf *, const struct demo_record *);
void	 encode_msgpack_int(struct buf *, int64_t);
void	 encode_msgpack_str(struct buf *, const char *, size_t);

#endif
