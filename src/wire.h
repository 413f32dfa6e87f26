/* SPDX-License-Identifier: ISC */
/*
 * The decode chain for detailed recording (product.md 4, tyk-formats.md
 * 3): base64 -> HTTP/1.x -> de-chunk -> gunzip/inflate -> charset -> view.
 * A struct wire_msg holds one decoded raw_request or raw_response and the
 * chain that was actually applied, where it stopped and why, and, for an
 * empty payload, why it is empty.  It owns its buffers; the HTTP slices
 * point into them.  Nothing here masks or escapes: wire-view.c and the
 * batch writers do that.
 */
#ifndef WIRE_H
#define WIRE_H

#include <stdbool.h>
#include <stddef.h>

#include <yajl/yajl_gen.h>

#include "bytes.h"
#include "http-wire.h"

struct mask;
struct record;
struct store;

#define WIRE_MAX_CHAIN	8

/* The Mongo pump's replacement for oversized payloads (tyk-formats 3.3). */
#define WIRE_MONGO_PLACEHOLDER \
	"Document too large, not writing raw request and raw response!"
#define WIRE_MONGO_PLACEHOLDER_B64 \
	"RG9jdW1lbnQgdG9vIGxhcmdlLCBub3Qgd3JpdGluZyByYXcgcmVxdWVzdCBhbmQg" \
	"cmF3IHJlc3BvbnNlIQ=="

enum wire_which {
	WIRE_REQUEST,
	WIRE_RESPONSE
};

enum wire_type {
	WIRE_TYPE_NONE,		/* no body */
	WIRE_TYPE_JSON,
	WIRE_TYPE_FORM,
	WIRE_TYPE_MULTIPART,
	WIRE_TYPE_TEXT,
	WIRE_TYPE_BINARY
};

struct wire_msg {
	size_t			 max_inflate;	/* cap; 0: do not inflate */
	bool			 head;		/* response to HEAD: no body */
	const char		*chain[WIRE_MAX_CHAIN];	/* static names */
	size_t			 nchain;
	bool			 empty;		/* stored payload was "" */
	bool			 placeholder;	/* Mongo "too large" text */
	bool			 is_http;	/* http parsed */
	bool			 truncated;	/* something was cut off */
	size_t			 b64_len;	/* stored base64 characters */
	struct buf		 raw;		/* base64-decoded bytes */
	struct http_wire	 http;		/* slices into raw */
	struct buf		 dechunked;
	struct buf		 inflated;
	struct buf		 utf8;		/* charset-converted text */
	struct slice		 body;		/* final body bytes */
	struct slice		 text;		/* body as UTF-8 text */
	enum wire_type		 type;
	bool			 binary;	/* body is not text */
	const char		*charset;	/* "utf-8", "latin1" or NULL */
	char			 error[160];	/* where decoding stopped */
	char			 note[160];	/* why empty / placeholder */
};

void	 wire_init(struct wire_msg *);
void	 wire_clear(struct wire_msg *);
int	 wire_decode(struct wire_msg *, const char *, size_t);
int	 wire_decode_record(const struct store *, const struct record *,
	    enum wire_which, struct wire_msg *);
const char *wire_type_name(enum wire_type);
void	 wire_chain_text(struct buf *, const struct wire_msg *, const char *);
void	 wire_headers_text(struct buf *, const struct wire_msg *);
struct slice wire_body_text(const struct wire_msg *);
const struct http_wire_header *wire_header(const struct wire_msg *,
	    const char *);
typedef bool (*wire_search_cb)(void *, const char *, size_t);

#define WIRE_SEARCH_REQUEST	0x1	/* the request's body or headers */
#define WIRE_SEARCH_RESPONSE	0x2
#define WIRE_SEARCH_HEADERS	0x4	/* header lines, else the bodies */

bool	 wire_search(const struct store *, const struct record *, int,
	    wire_search_cb, void *);
void	 wire_gen_json(yajl_gen, const struct wire_msg *);
void	 wire_message(struct buf *, const struct wire_msg *,
	    const struct mask *);
bool	 wire_raw(struct buf *, const struct wire_msg *,
	    const struct mask *);
struct slice wire_body_masked(const struct wire_msg *, struct slice,
	    const struct mask *, struct buf *);
void	 wire_gen_record(yajl_gen, const struct store *,
	    const struct record *);

#endif
