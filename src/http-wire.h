/* SPDX-License-Identifier: ISC */
/*
 * HTTP/1.x message parsing for decoded raw_request/raw_response
 * (tyk-formats.md 3.2, 3.4): start line, headers in order with duplicates,
 * and the body.  Everything is a slice into the caller's bytes: nothing is
 * copied and no length from the input is trusted (a Content-Length larger
 * than what is there marks the message truncated).  CRLF and bare LF line
 * ends, obs-fold continuation lines, "HTTP/0.0" status lines (gateway
 * errors), absolute-URI request targets and missing bodies are accepted.
 */
#ifndef HTTP_WIRE_H
#define HTTP_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bytes.h"

#define HTTP_WIRE_MAX_HEADERS	1024	/* further header lines are dropped */

enum http_wire_kind {
	HTTP_WIRE_UNKNOWN,	/* start line is neither a request nor status */
	HTTP_WIRE_REQUEST,
	HTTP_WIRE_RESPONSE
};

struct http_wire_header {
	struct slice	 name;
	struct slice	 value;		/* raw: may span folded lines */
	bool		 folded;	/* value has obs-fold line breaks */
};

struct http_wire {
	enum http_wire_kind	 kind;
	struct slice		 start_line;	/* without the line end */
	struct slice		 method;	/* request */
	struct slice		 target;	/* request: URI as sent */
	struct slice		 version;	/* "HTTP/1.1", "HTTP/0.0" */
	int			 status;	/* response: 0-999 */
	struct slice		 reason;	/* response */
	struct http_wire_header	*headers;	/* owned array of slices */
	size_t			 nheaders;
	size_t			 dropped;	/* header lines over the cap */
	size_t			 bad_lines;	/* header lines without ':' */
	struct slice		 head;		/* start line to blank line */
	struct slice		 body;		/* what is there of the body */
	int64_t			 content_length; /* -1: none or invalid */
	bool			 chunked;	/* Transfer-Encoding: chunked */
	bool			 head_complete;	/* blank line seen */
	bool			 lf_only;	/* bare LF line ends seen */
	bool			 truncated;	/* body shorter than declared */
	size_t			 excess;	/* bytes after Content-Length */
};

int	 http_wire_parse(struct http_wire *, const char *, size_t);
void	 http_wire_clear(struct http_wire *);
const struct http_wire_header *http_wire_find(const struct http_wire *,
	    const char *, size_t *);
void	 http_wire_value(struct buf *, const struct http_wire_header *);
bool	 http_wire_value_has(struct slice, const char *);
bool	 http_wire_param(struct slice, const char *, struct slice *);

#endif
