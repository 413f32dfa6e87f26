/* SPDX-License-Identifier: ISC */
/*
 * Body transformations of the decode chain (tyk-formats.md 3.2, 3.4):
 * removing chunked framing and decompressing.  The codec is chosen by the
 * body's magic bytes, never by trusting Content-Encoding: the gateway
 * writes already-gunzipped bodies under "Content-Encoding: gzip".  Raw
 * DEFLATE has no magic, so it is tried only when the header says deflate.
 * Inflated output is capped (a decompression bomb is an error, not an
 * out-of-memory abort).
 */
#ifndef WIRE_BODY_H
#define WIRE_BODY_H

#include <stdbool.h>
#include <stddef.h>

#include "bytes.h"

#define WIRE_BODY_MAX_INFLATE	(64 * 1024 * 1024)

enum wire_body_codec {
	WIRE_BODY_IDENTITY,
	WIRE_BODY_GZIP,		/* 1f 8b */
	WIRE_BODY_ZLIB,		/* CMF/FLG with deflate, check bits ok */
	WIRE_BODY_DEFLATE	/* raw, only if Content-Encoding says so */
};

struct wire_body_status {
	bool		 truncated;	/* input ended early */
	size_t		 chunks;	/* chunks seen (dechunk) */
	size_t		 used;		/* input bytes consumed */
	char		 error[96];	/* why it stopped, or "" */
};

int		 wire_body_dechunk(struct buf *, const char *, size_t,
		    struct wire_body_status *);
enum wire_body_codec wire_body_sniff(const char *, size_t, struct slice);
const char	*wire_body_codec_name(enum wire_body_codec);
int		 wire_body_inflate(struct buf *, const char *, size_t,
		    enum wire_body_codec, size_t, struct wire_body_status *);

#endif
