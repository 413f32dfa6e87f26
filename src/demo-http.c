/* SPDX-License-Identifier: ISC */
/*
 * Wire messages as Go writes them (golang/go net/http request.go
 * (*Request).write, response.go (*Response).Write, transfer.go
 * transferWriter).  The rules reproduced here:
 *
 * Request: "METHOD URI HTTP/1.1" always; "Host:"; "User-Agent:" (Go's
 * default "Go-http-client/1.1" when the client sent none); then
 * Content-Length or Transfer-Encoding; then every other header sorted by
 * name, one line per value.  A chunked body whose bytes the proxy already
 * consumed shows only the terminating chunk.
 *
 * Response: "HTTP/maj.min NNN text" (text "status code NNN" when Go knows
 * none); "Connection: close" when the length is unknown and the protocol
 * is at least 1.1; "Content-Length: N" when known and positive, or zero
 * for a POST/PUT/PATCH; the sorted headers; "Content-Length: 0" after
 * them when the length is zero, not yet sent and the status allows a body.
 * The body is never chunk-framed (the gateway strips chunked first).
 */
#include "config.h"

#include "demo-http.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "timefmt.h"

/* Add a header (value NUL-terminated); silently drops past the limit. */
void
demo_http_add(struct demo_http_headers *hs, const char *name,
    const char *value)
{
	demo_http_addn(hs, name, value, strlen(value));
}

/* Add a header with a value of len bytes. */
void
demo_http_addn(struct demo_http_headers *hs, const char *name,
    const char *value, size_t len)
{
	if (hs->n >= DEMO_HTTP_MAX_HEADERS)
		return;
	hs->h[hs->n].name = name;
	hs->h[hs->n].value = value;
	hs->h[hs->n].len = len;
	hs->n++;
}

/* Stable insertion sort by name: Go sorts keys, values keep their order. */
static void
demo_http_sort(struct demo_http_headers *hs)
{
	size_t	 i, j;

	for (i = 1; i < hs->n; i++) {
		for (j = i; j > 0 && strcmp(hs->h[j - 1].name,
		    hs->h[j].name) > 0; j--) {
			const char	*n = hs->h[j].name, *v = hs->h[j].value;
			size_t		 l = hs->h[j].len;

			hs->h[j] = hs->h[j - 1];
			hs->h[j - 1].name = n;
			hs->h[j - 1].value = v;
			hs->h[j - 1].len = l;
		}
	}
}

static void
demo_http_write_headers(struct buf *b, struct demo_http_headers *hs)
{
	size_t	 i;

	demo_http_sort(hs);
	for (i = 0; i < hs->n; i++) {
		buf_adds(b, hs->h[i].name);
		buf_add(b, ": ", 2);
		buf_add(b, hs->h[i].value, hs->h[i].len);
		buf_add(b, "\r\n", 2);
	}
}

/*
 * Append a request as (*http.Request).Write would record it.  ua NULL or
 * empty means the client sent no User-Agent.
 */
void
demo_http_request(struct buf *b, const char *method, const char *uri,
    const char *host, const char *ua, struct demo_http_headers *hs,
    enum demo_http_body framing, const void *body, size_t len)
{
	buf_printf(b, "%s %s HTTP/1.1\r\nHost: %s\r\n", method, uri, host);
	buf_printf(b, "User-Agent: %s\r\n", ua != NULL && *ua != '\0' ? ua :
	    "Go-http-client/1.1");
	switch (framing) {
	case DEMO_BODY_NONE:
		break;
	case DEMO_BODY_LENGTH:
		buf_printf(b, "Content-Length: %zu\r\n", len);
		break;
	case DEMO_BODY_CHUNKED:
	case DEMO_BODY_CHUNKED_FULL:
		buf_adds(b, "Transfer-Encoding: chunked\r\n");
		break;
	}
	demo_http_write_headers(b, hs);
	buf_add(b, "\r\n", 2);
	switch (framing) {
	case DEMO_BODY_NONE:
		break;
	case DEMO_BODY_LENGTH:
		buf_add(b, body, len);
		break;
	case DEMO_BODY_CHUNKED_FULL:
		if (len != 0) {
			buf_printf(b, "%zx\r\n", len);
			buf_add(b, body, len);
			buf_add(b, "\r\n", 2);
		}
		buf_add(b, "0\r\n\r\n", 5);
		break;
	case DEMO_BODY_CHUNKED:
		buf_add(b, "0\r\n\r\n", 5);
		break;
	}
}

/* Go's http.StatusText for the codes the generator uses ("" if none). */
const char *
demo_http_status_text(int code)
{
	switch (code) {
	case 200: return ("OK");
	case 201: return ("Created");
	case 202: return ("Accepted");
	case 204: return ("No Content");
	case 301: return ("Moved Permanently");
	case 302: return ("Found");
	case 304: return ("Not Modified");
	case 400: return ("Bad Request");
	case 401: return ("Unauthorized");
	case 403: return ("Forbidden");
	case 404: return ("Not Found");
	case 405: return ("Method Not Allowed");
	case 409: return ("Conflict");
	case 418: return ("I'm a teapot");
	case 422: return ("Unprocessable Entity");
	case 429: return ("Too Many Requests");
	case 500: return ("Internal Server Error");
	case 502: return ("Bad Gateway");
	case 503: return ("Service Unavailable");
	case 504: return ("Gateway Timeout");
	}
	return ("");
}

/*
 * Append a response as (*http.Response).Write would record it.  length is
 * the response's ContentLength (-1 unknown); method is the request's.
 * Protocol 0.0 is the gateway's own error responses.
 */
void
demo_http_response(struct buf *b, int major, int minor, int code,
    struct demo_http_headers *hs, int64_t length, const char *method,
    const void *body, size_t len)
{
	const char	*text = demo_http_status_text(code);
	int		 post, cl_sent = 0, body_ok;

	if (*text != '\0')
		buf_printf(b, "HTTP/%d.%d %03d %s\r\n", major, minor, code, text);
	else
		buf_printf(b, "HTTP/%d.%d %03d status code %d\r\n", major, minor,
		    code, code);
	/* A zero length with a body present is really unknown. */
	if (length == 0 && len != 0)
		length = -1;
	if (length < 0 && (major > 1 || (major == 1 && minor >= 1)))
		buf_adds(b, "Connection: close\r\n");
	post = strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0 ||
	    strcmp(method, "PATCH") == 0;
	if (length > 0 || (length == 0 && post)) {
		buf_printf(b, "Content-Length: %lld\r\n", (long long)length);
		cl_sent = 1;
	}
	demo_http_write_headers(b, hs);
	body_ok = !(code >= 100 && code < 200) && code != 204 && code != 304;
	if (length == 0 && !cl_sent && body_ok)
		buf_adds(b, "Content-Length: 0\r\n");
	buf_add(b, "\r\n", 2);
	buf_add(b, body, len);
}

/* Format sec as an HTTP date ("Thu, 29 Feb 2024 10:00:00 GMT"). */
void
demo_http_date(char *out, size_t size, int64_t sec)
{
	static const char *const days[] = { "Thu", "Fri", "Sat", "Sun",
	    "Mon", "Tue", "Wed" };
	static const char *const mons[] = { "Jan", "Feb", "Mar", "Apr",
	    "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	int64_t	 y, d;
	int	 mo, da, h, mi, s;

	timefmt_civil(sec, &y, &mo, &da, &h, &mi, &s);
	d = sec / 86400;
	if (sec % 86400 < 0)
		d--;
	d %= 7;
	if (d < 0)
		d += 7;
	snprintf(out, size, "%s, %02d %s %04lld %02d:%02d:%02d GMT", days[d],
	    da, mons[mo - 1], (long long)y, h, mi, s);
}
