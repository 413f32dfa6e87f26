/* SPDX-License-Identifier: ISC */
/*
 * HTTP/1.1 wire messages exactly as Go's (*http.Request).Write and
 * (*http.Response).Write produce them for the gateway's detailed
 * recording (tyk-formats.md 3.2): request line, Host, User-Agent, transfer
 * headers, the remaining headers sorted by canonical name, CRLF, body.
 * Used by the demo generator; header names must already be canonical.
 */
#ifndef DEMO_HTTP_H
#define DEMO_HTTP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bytes.h"

#define DEMO_HTTP_MAX_HEADERS	24

struct demo_http_headers {
	struct {
		const char	*name;		/* canonical, borrowed */
		const char	*value;		/* borrowed */
		size_t		 len;
	}		 h[DEMO_HTTP_MAX_HEADERS];
	size_t		 n;
};

/* How a request body is framed in the recording. */
enum demo_http_body {
	DEMO_BODY_NONE,		/* GET-like: no framing, no body */
	DEMO_BODY_LENGTH,	/* Content-Length: N and the body */
	DEMO_BODY_CHUNKED,	/* chunked, body already consumed: 0 CRLF CRLF */
	DEMO_BODY_CHUNKED_FULL,	/* chunked with the body framed (greedy) */
};

void		 demo_http_add(struct demo_http_headers *, const char *,
		    const char *);
void		 demo_http_addn(struct demo_http_headers *, const char *,
		    const char *, size_t);
void		 demo_http_request(struct buf *, const char *, const char *,
		    const char *, const char *, struct demo_http_headers *,
		    enum demo_http_body, const void *, size_t);
void		 demo_http_response(struct buf *, int, int, int,
		    struct demo_http_headers *, int64_t, const char *,
		    const void *, size_t);
const char	*demo_http_status_text(int);
void		 demo_http_date(char *, size_t, int64_t);

#endif
