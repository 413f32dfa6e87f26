/* SPDX-License-Identifier: ISC */
/*
 * Building curl commands.  Where the URL comes from (tyk-formats.md 1.8,
 * 3.2): raw_request's request line holds the path after listen-path
 * stripping and rewrites, and its Host header is the Host the client sent
 * (the gateway); the record's host field is r.URL.Host, in practice the
 * upstream target.  So "through the gateway" is
 *	http://<Host header><original_path><?query of the request line>
 * and "to the upstream" is
 *	http://<record host><request line target>
 * each falling back on the other source when one is missing.  The scheme
 * is not recorded anywhere: https is assumed only for port 443.
 *
 * Hop-by-hop headers and those curl computes are dropped; Accept-Encoding
 * becomes --compressed.  The body is the request body as the client sent
 * it: de-chunked, never decompressed (the gateway never decompresses
 * request bodies either).
 */
#include "config.h"

#include "curl.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "http-wire.h"
#include "mask.h"
#include "record.h"
#include "render.h"
#include "store.h"
#include "wire.h"

/* Headers that never go on the command line. */
static const char *const curl_drop[] = {
	"Host", "Content-Length", "Transfer-Encoding", "Connection",
	"Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Upgrade",
	"Accept-Encoding", NULL
};

/* Would s print exactly as it is (render_safe changes nothing)? */
static bool
curl_is_plain(const char *s, size_t len, int flags)
{
	struct buf	 b;
	bool		 same;

	buf_init(&b);
	render_safe(&b, s, len, flags);
	same = b.len == len && (len == 0 || memcmp(b.data, s, len) == 0);
	buf_clear(&b);
	return (same);
}

/*
 * Append s quoted for the shell: as it is when it is a plain word, '...'
 * when it prints as it is, else $'...' with every byte outside printable
 * ASCII as \xNN.
 */
void
curl_quote(struct buf *b, const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i;

	for (i = 0; i < len; i++)
		if (strchr("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
		    "0123456789_-.,/:@%+", p[i]) == NULL || p[i] == '\0')
			break;
	if (len != 0 && i == len) {
		buf_add(b, s, len);	/* a plain word needs no quotes */
		return;
	}
	if (curl_is_plain(s, len, 0)) {
		buf_addc(b, '\'');
		for (i = 0; i < len; i++) {
			if (p[i] == '\'')
				buf_add(b, "'\\''", 4);
			else
				buf_addc(b, (char)p[i]);
		}
		buf_addc(b, '\'');
		return;
	}
	buf_add(b, "$'", 2);
	for (i = 0; i < len; i++) {
		if (p[i] == '\\' || p[i] == '\'')
			buf_printf(b, "\\%c", p[i]);
		else if (p[i] >= 0x20 && p[i] < 0x7f)
			buf_addc(b, (char)p[i]);
		else
			buf_printf(b, "\\x%02x", p[i]);
	}
	buf_addc(b, '\'');
}

/*
 * Append a path (with its query if query is set), %-encoding bytes that
 * cannot appear there.
 */
static void
curl_path(struct buf *b, const char *s, size_t len, bool query)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i;

	for (i = 0; i < len; i++) {
		if (p[i] <= 0x20 || p[i] >= 0x7f || strchr("\"<>\\^`{|}#",
		    p[i]) != NULL || (p[i] == '?' && !query))
			buf_printf(b, "%%%02X", p[i]);
		else
			buf_addc(b, (char)p[i]);
	}
}

/* Append scheme://authority for host h. */
static void
curl_origin(struct buf *b, struct slice h)
{
	if (h.len >= 4 && memcmp(h.ptr + h.len - 4, ":443", 4) == 0)
		buf_adds(b, "https://");
	else
		buf_adds(b, "http://");
	curl_path(b, h.ptr, h.len, false);
}

/* Build the URL of the request into u. */
static void
curl_url(struct buf *u, const struct store *st, const struct record *r,
    const struct wire_msg *m, const struct mask *mk, enum curl_target t)
{
	const struct http_wire_header	*hh = NULL;
	struct slice			 host, rhost, target = { "", 0 };
	struct slice			 path, query = { "", 0 };
	struct buf			 q;
	size_t				 n;

	if (m->is_http && m->http.kind == HTTP_WIRE_REQUEST) {
		hh = http_wire_find(&m->http, "Host", NULL);
		target = m->http.target;
	}
	rhost = record_strs(st, r, RS_HOST);
	host = hh != NULL ? hh->value : rhost;
	if (t == CURL_UPSTREAM && rhost.len != 0)
		host = rhost;
	if (host.len == 0)
		host = SLICE_LIT("localhost");

	buf_init(&q);
	/*
	 * An absolute-form target ("GET http://user:pw@gw/p HTTP/1.1")
	 * already names the upstream, userinfo masked under mk.  Through the
	 * gateway only its path and query are kept.
	 */
	if (t == CURL_UPSTREAM && target.len > 7 &&
	    (strncasecmp(target.ptr, "http://", 7) == 0 ||
	    strncasecmp(target.ptr, "https://", 8) == 0)) {
		mask_target(&q, mk, target.ptr, target.len);
		curl_path(u, q.data, q.len, true);
		buf_clear(&q);
		return;
	}
	if ((n = mask_scheme_len(target.ptr, target.len)) != 0) {
		while (n < target.len && strchr("/?#", target.ptr[n]) == NULL)
			n++;
		target.ptr += n;
		target.len -= n;
	}
	curl_origin(u, host);
	/* The query (or a fragment, which the client should not send). */
	for (n = 0; n < target.len && target.ptr[n] != '?' &&
	    target.ptr[n] != '#'; n++)
		;
	query.ptr = target.ptr + n;
	query.len = target.len - n;
	target.len = n;
	path = record_strs(st, r, RS_ORIGINAL_PATH);
	if (t != CURL_GATEWAY || path.len == 0)
		path = target;
	if (path.len == 0)
		path = record_strs(st, r, RS_RAW_PATH);
	if (path.len == 0)
		path = record_strs(st, r, RS_PATH);
	if (path.len == 0 || path.ptr[0] != '/')
		buf_addc(u, '/');	/* else it would extend the host */
	curl_path(u, path.ptr, path.len, false);
	if (query.len != 0) {
		/* As recorded, but never a space or a control byte. */
		mask_target(&q, mk, query.ptr, query.len);
		curl_path(u, q.data, q.len, true);
	}
	buf_clear(&q);
}

/*
 * Append the URL of record r's request for target t (as curl_command
 * builds it), credentials in the query masked under mk.
 */
void
curl_record_url(struct buf *u, const struct store *st,
    const struct record *r, const struct mask *mk, enum curl_target t)
{
	struct wire_msg	 m;

	wire_init(&m);
	m.max_inflate = 0;
	wire_decode_record(st, r, WIRE_REQUEST, &m);
	curl_url(u, st, r, &m, mk, t);
	wire_clear(&m);
}

/* Append a body through printf with octal escapes (binary-safe). */
static void
curl_printf(struct buf *b, const char *s, size_t len)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i;

	buf_adds(b, "printf '");
	for (i = 0; i < len; i++) {
		if (i == 0 && p[i] == '-')
			buf_adds(b, "\\055");	/* not an option */
		else if (p[i] == '%')
			buf_add(b, "%%", 2);
		else if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\' &&
		    p[i] != '\'')
			buf_addc(b, (char)p[i]);
		else
			buf_printf(b, "\\%03o", p[i]);
	}
	buf_adds(b, "' | ");
}

/*
 * Append a curl command for record r to b, ending with a newline, masked
 * under mk (NULL: reveal).  Lines starting with '#' before the command
 * say what could not be reproduced.  Returns 0, or -1 when the record has
 * no usable raw_request (the command is then built from the record's
 * fields alone).
 */
int
curl_command(struct buf *b, const struct store *st, const struct record *r,
    const struct mask *mk, enum curl_target t)
{
	struct wire_msg			 m;
	struct buf			 url, line, val, body;
	const struct http_wire_header	*hd;
	struct slice			 method, bs = { "", 0 };
	size_t				 i, j;
	bool				 compressed = false, drop;
	int				 rc = 0;
	bool				 masked = false, binary = false;
	const struct http_wire_header	*ct;

	wire_init(&m);
	buf_init(&url);
	buf_init(&line);
	buf_init(&val);
	buf_init(&body);
	m.max_inflate = 0;	/* the body is sent as the client sent it */
	wire_decode_record(st, r, WIRE_REQUEST, &m);
	if (!m.is_http || m.http.kind != HTTP_WIRE_REQUEST) {
		buf_adds(b, "# no raw_request");
		if (m.note[0] != '\0' || m.error[0] != '\0') {
			buf_adds(b, ": ");
			render_safe(b, m.note[0] != '\0' ? m.note : m.error,
			    strlen(m.note[0] != '\0' ? m.note : m.error), 0);
		}
		buf_adds(b, "; built from the record's fields\n");
		rc = -1;
	} else if (m.truncated) {
		buf_adds(b, "# incomplete request: ");
		render_safe(b, m.error, strlen(m.error), 0);
		buf_addc(b, '\n');
	}
	curl_url(&url, st, r, &m, mk, t);
	method = m.is_http && m.http.kind == HTTP_WIRE_REQUEST ?
	    m.http.method : record_strs(st, r, RS_METHOD);

	/* Body: de-chunked, as the client sent it. */
	if (m.is_http && m.http.kind == HTTP_WIRE_REQUEST) {
		if (m.http.chunked) {
			bs.ptr = m.dechunked.data != NULL ? m.dechunked.data :
			    "";
			bs.len = m.dechunked.len;
		} else
			bs = m.http.body;
		ct = http_wire_find(&m.http, "Content-Type", NULL);
		if (bs.len != 0 && ct != NULL && mask_active(mk) &&
		    mask_is_form(ct->value.ptr, ct->value.len)) {
			mask_params(&body, mk, bs.ptr, bs.len);
			if (body.len != bs.len || memcmp(body.data, bs.ptr,
			    bs.len) != 0)
				masked = true;
			bs.ptr = body.data;
			bs.len = body.len;
		}
		/* '@' would make curl read a file: send those via stdin. */
		binary = !curl_is_plain(bs.ptr, bs.len, RENDER_NEWLINES) ||
		    (bs.len != 0 && bs.ptr[0] == '@');
	}

	if (bs.len != 0 && binary)
		curl_printf(b, bs.ptr, bs.len);
	buf_adds(b, "curl");
	if (slice_caseeq(method, "HEAD"))
		buf_adds(b, " --head");
	else if (!(slice_eq(method, "GET") && bs.len == 0) && method.len != 0) {
		buf_adds(b, " -X ");
		curl_quote(b, method.ptr, method.len);
	}
	buf_addc(b, ' ');
	curl_quote(b, url.data != NULL ? url.data : "", url.len);

	for (i = 0; m.is_http && i < m.http.nheaders; i++) {
		hd = &m.http.headers[i];
		drop = false;
		for (j = 0; curl_drop[j] != NULL; j++)
			if (slice_caseeq(hd->name, curl_drop[j]))
				drop = true;
		if (slice_caseeq(hd->name, "Accept-Encoding"))
			compressed = true;
		if (drop || (hd->name.len != 0 && hd->name.ptr[0] == '@'))
			continue;	/* -H @name would read a file */
		buf_reset(&val);
		http_wire_value(&val, hd);
		buf_reset(&line);
		buf_add(&line, hd->name.ptr, hd->name.len);
		buf_add(&line, ": ", 2);
		mask_header_value(&line, mk, hd->name.ptr, hd->name.len,
		    val.data != NULL ? val.data : "", val.len);
		if (mask_is_header(mk, hd->name.ptr, hd->name.len) &&
		    val.len != 0)
			masked = true;
		buf_adds(b, " \\\n  -H ");
		curl_quote(b, line.data, line.len);
	}
	if (compressed)
		buf_adds(b, " \\\n  --compressed");
	if (bs.len != 0) {
		buf_adds(b, " \\\n  --data-binary ");
		if (binary)
			buf_adds(b, "@-");
		else {
			/* Plain text: newlines stay literal inside '...'. */
			buf_addc(b, '\'');
			for (i = 0; i < bs.len; i++) {
				if (bs.ptr[i] == '\'')
					buf_add(b, "'\\''", 4);
				else
					buf_addc(b, bs.ptr[i]);
			}
			buf_addc(b, '\'');
		}
	}
	buf_addc(b, '\n');
	if (mask_active(mk) && (masked || strstr(url.data != NULL ? url.data :
	    "", MASK_TEXT) != NULL))
		buf_adds(b, "# secrets masked: --reveal to include them\n");
	wire_clear(&m);
	buf_clear(&url);
	buf_clear(&line);
	buf_clear(&val);
	buf_clear(&body);
	return (rc);
}
