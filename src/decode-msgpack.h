/* SPDX-License-Identifier: ISC */
/*
 * msgpack analytics record decoder (tyk-formats.md 1.3): one Redis list
 * value, as the gateway's vmihailenco/msgpack.v2 encoder writes it, into a
 * struct record_build.  Strings are interned in the store; raw_request and
 * raw_response point into the input (payload_stable is false, so store_add
 * copies them).
 */
#ifndef DECODE_MSGPACK_H
#define DECODE_MSGPACK_H

#include <stddef.h>

struct record_build;
struct store;

/* Longest error message the decoders write (including the NUL). */
#define DECODE_ERR_MAX	160

int	 decode_msgpack_record(struct store *, struct record_build *,
	    const void *, size_t, char *, size_t);
int	 decode_msgpack_check(const void *, size_t, size_t *, char *,
	    size_t);

#endif
