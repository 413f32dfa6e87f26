/* SPDX-License-Identifier: ISC */
/*
 * The decode chain.  Each step appends its name to m->chain when it
 * changes the bytes (or, for the last one, says how the body is read), so
 * the chain shown to the user is the one actually applied:
 * "base64 > http > chunked > gzip > json".  A step that fails keeps what
 * it produced, records the first error, and the chain carries on with what
 * there is: a debugger shows as much as it can.
 *
 * Content-Encoding is only a hint: gzip and zlib are recognised by their
 * magic bytes, because the gateway stores already-gunzipped bodies under a
 * "Content-Encoding: gzip" header (tyk-formats.md 3.2).
 */
#include "config.h"

#include "wire.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "base64.h"
#include "json.h"
#include "mask.h"
#include "payload.h"
#include "record.h"
#include "render.h"
#include "store.h"
#include "wire-body.h"

/* Prepare m for wire_decode. */
void
wire_init(struct wire_msg *m)
{
	memset(m, 0, sizeof *m);
	m->max_inflate = WIRE_BODY_MAX_INFLATE;
	buf_init(&m->raw);
	buf_init(&m->dechunked);
	buf_init(&m->inflated);
	buf_init(&m->utf8);
}

/* Free what m owns; it may be decoded again after wire_init. */
void
wire_clear(struct wire_msg *m)
{
	size_t	 max = m->max_inflate;

	http_wire_clear(&m->http);
	buf_clear(&m->raw);
	buf_clear(&m->dechunked);
	buf_clear(&m->inflated);
	buf_clear(&m->utf8);
	wire_init(m);
	m->max_inflate = max;
}

/* Append step name to the chain. */
static void
wire_step(struct wire_msg *m, const char *name)
{
	if (m->nchain < WIRE_MAX_CHAIN)
		m->chain[m->nchain++] = name;
}

/* Record the first error. */
static void __attribute__((format(printf, 2, 3)))
wire_error(struct wire_msg *m, const char *fmt, ...)
{
	va_list	 ap;

	if (m->error[0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(m->error, sizeof m->error, fmt, ap);
	va_end(ap);
}

/* Name of a body type, as a chain step. */
const char *
wire_type_name(enum wire_type t)
{
	switch (t) {
	case WIRE_TYPE_JSON:
		return ("json");
	case WIRE_TYPE_FORM:
		return ("form");
	case WIRE_TYPE_MULTIPART:
		return ("multipart");
	case WIRE_TYPE_TEXT:
		return ("text");
	case WIRE_TYPE_BINARY:
		return ("binary");
	default:
		return ("empty");
	}
}

/* The first header named name, or NULL. */
const struct http_wire_header *
wire_header(const struct wire_msg *m, const char *name)
{
	if (!m->is_http)
		return (NULL);
	return (http_wire_find(&m->http, name, NULL));
}

/* Is s valid UTF-8 without NUL bytes? */
static bool
wire_is_text(const char *s, size_t len)
{
	return (memchr(s, '\0', len) == NULL && render_valid_utf8(s, len));
}

/* Is cs a name of ISO-8859-1 (or a superset we read as it)? */
static bool
wire_is_latin1(struct slice cs)
{
	return (slice_caseeq(cs, "iso-8859-1") ||
	    slice_caseeq(cs, "iso8859-1") || slice_caseeq(cs, "latin1") ||
	    slice_caseeq(cs, "latin-1") || slice_caseeq(cs, "l1") ||
	    slice_caseeq(cs, "windows-1252") || slice_caseeq(cs, "cp1252") ||
	    slice_caseeq(cs, "iso-8859-15"));
}

/* Does (s, len) contain the NUL-terminated needle, ignoring case? */
static bool
wire_contains(const char *s, size_t len, const char *needle)
{
	size_t	 n = strlen(needle), i;

	for (i = 0; i + n <= len; i++)
		if (strncasecmp(s + i, needle, n) == 0)
			return (true);
	return (false);
}

/* Pick the body type and produce m->text. */
static void
wire_classify(struct wire_msg *m)
{
	const struct http_wire_header	*ct;
	struct slice			 ctv = { "", 0 }, cs = { "", 0 };
	size_t				 i;
	bool				 has_cs, latin1 = false;

	m->text.ptr = "";
	m->text.len = 0;
	if (m->body.len == 0) {
		m->type = WIRE_TYPE_NONE;
		return;
	}
	ct = wire_header(m, "Content-Type");
	if (ct != NULL)
		ctv = ct->value;
	has_cs = http_wire_param(ctv, "charset", &cs);
	if (has_cs && wire_is_latin1(cs))
		latin1 = true;
	else if (!render_valid_utf8(m->body.ptr, m->body.len) &&
	    !has_cs && ctv.len >= 5 && strncasecmp(ctv.ptr, "text/", 5) == 0)
		latin1 = true;	/* HTTP/1.1's historical default for text */
	/* Multipart is shown part by part even when some parts are binary. */
	if (ctv.len >= 10 && strncasecmp(ctv.ptr, "multipart/", 10) == 0 &&
	    http_wire_param(ctv, "boundary", &cs) && cs.len != 0) {
		m->type = WIRE_TYPE_MULTIPART;
		if (wire_is_text(m->body.ptr, m->body.len)) {
			m->text = m->body;
			m->charset = "utf-8";
		} else
			m->binary = true;
		return;
	}
	if (latin1 && memchr(m->body.ptr, '\0', m->body.len) == NULL) {
		const unsigned char	*p = (const unsigned char *)m->body.ptr;

		buf_reserve(&m->utf8, m->body.len * 2);
		for (i = 0; i < m->body.len; i++) {
			if (p[i] < 0x80)
				buf_addc(&m->utf8, (char)p[i]);
			else {
				buf_addc(&m->utf8, (char)(0xc0 | p[i] >> 6));
				buf_addc(&m->utf8, (char)(0x80 | (p[i] & 0x3f)));
			}
		}
		m->text.ptr = m->utf8.data;
		m->text.len = m->utf8.len;
		m->charset = "latin1";
		wire_step(m, "latin1");
	} else if (wire_is_text(m->body.ptr, m->body.len)) {
		m->text = m->body;
		m->charset = "utf-8";
	} else {
		m->type = WIRE_TYPE_BINARY;
		m->binary = true;
		return;
	}

	if (wire_contains(ctv.ptr, ctv.len, "json"))
		m->type = WIRE_TYPE_JSON;
	else if (wire_contains(ctv.ptr, ctv.len,
	    "application/x-www-form-urlencoded"))
		m->type = WIRE_TYPE_FORM;
	else {
		/* Sniff JSON when the type does not say otherwise. */
		m->type = WIRE_TYPE_TEXT;
		for (i = 0; i < m->text.len; i++) {
			if (strchr(" \t\r\n", m->text.ptr[i]) == NULL)
				break;
		}
		if (i < m->text.len && (m->text.ptr[i] == '{' ||
		    m->text.ptr[i] == '[') && (ctv.len == 0 ||
		    wire_contains(ctv.ptr, ctv.len, "text/plain") ||
		    wire_contains(ctv.ptr, ctv.len, "javascript")))
			m->type = WIRE_TYPE_JSON;
	}
}

/*
 * Decode len characters of stored base64 at b64 into m (initialised with
 * wire_init).  Returns 0 when every step succeeded (the message may still
 * be truncated: m->truncated), -1 when a step failed (m->error); m holds
 * whatever could be decoded in both cases.
 */
int
wire_decode(struct wire_msg *m, const char *b64, size_t len)
{
	struct base64_result		 br;
	struct wire_body_status		 bs;
	const struct http_wire_header	*ce;
	struct slice			 cev = { "", 0 };
	enum wire_body_codec		 codec;
	int				 rc;

	m->b64_len = len;
	if (len == 0) {
		m->empty = true;
		m->type = WIRE_TYPE_NONE;
		m->body.ptr = m->text.ptr = "";
		return (0);
	}
	rc = base64_decode_buf(&m->raw, b64, len, &br);
	wire_step(m, "base64");
	if (rc != 0)
		wire_error(m, "base64: %s", br.error);
	else if (br.truncated) {
		m->truncated = true;
		wire_error(m, "base64 cut off after %zu characters "
		    "(pump max_record_size?)", len);
	}
	if (m->raw.data == NULL)
		buf_reserve(&m->raw, 1);

	if (m->raw.len == sizeof WIRE_MONGO_PLACEHOLDER - 1 &&
	    memcmp(m->raw.data, WIRE_MONGO_PLACEHOLDER, m->raw.len) == 0) {
		m->placeholder = true;
		snprintf(m->note, sizeof m->note, "the mongo pump replaced "
		    "the payloads: document too large "
		    "(max_document_size_bytes)");
		m->body.ptr = m->raw.data;
		m->body.len = m->raw.len;
		wire_classify(m);
		wire_step(m, wire_type_name(m->type));
		return (rc);
	}

	if (http_wire_parse(&m->http, m->raw.data, m->raw.len) != 0) {
		wire_error(m, "not an HTTP/1.x message");
		rc = -1;
		m->body = m->http.body;
		wire_classify(m);
		if (m->type != WIRE_TYPE_NONE)
			wire_step(m, wire_type_name(m->type));
		return (rc);
	}
	m->is_http = true;
	wire_step(m, "http");
	if (!m->http.head_complete) {
		m->truncated = true;
		wire_error(m, "header block cut off after %zu bytes",
		    m->raw.len);
	} else if (m->http.truncated && m->http.body.len == 0 &&
	    m->http.kind == HTTP_WIRE_RESPONSE && (m->head ||
	    m->http.status / 100 == 1 || m->http.status == 204 ||
	    m->http.status == 304)) {
		/* Content-Length describes a body these never carry. */
		m->http.truncated = false;
	} else if (m->http.truncated) {
		m->truncated = true;
		wire_error(m, "body cut off: %zu of %lld bytes",
		    m->http.body.len, (long long)m->http.content_length);
	}
	m->body = m->http.body;

	if (m->http.chunked && m->body.len != 0) {
		if (wire_body_dechunk(&m->dechunked, m->body.ptr,
		    m->body.len, &bs) != 0) {
			wire_error(m, "chunked: %s", bs.error);
			rc = -1;
		} else if (bs.truncated) {
			m->truncated = true;
			wire_error(m, "%s", bs.error);
		}
		wire_step(m, "chunked");
		m->body.ptr = m->dechunked.data != NULL ? m->dechunked.data :
		    "";
		m->body.len = m->dechunked.len;
	}

	ce = wire_header(m, "Content-Encoding");
	if (ce != NULL)
		cev = ce->value;
	codec = wire_body_sniff(m->body.ptr, m->body.len, cev);
	if (codec != WIRE_BODY_IDENTITY && m->max_inflate != 0) {
		if (wire_body_inflate(&m->inflated, m->body.ptr, m->body.len,
		    codec, m->max_inflate, &bs) != 0) {
			if (codec == WIRE_BODY_DEFLATE &&
			    m->inflated.len == 0)
				codec = WIRE_BODY_IDENTITY;	/* not deflate */
			else {
				wire_error(m, "%s", bs.error);
				m->truncated = true;
				rc = -1;
			}
		} else if (bs.truncated) {
			m->truncated = true;
			wire_error(m, "%s", bs.error);
		}
		if (codec != WIRE_BODY_IDENTITY) {
			wire_step(m, wire_body_codec_name(codec));
			m->body.ptr = m->inflated.data != NULL ?
			    m->inflated.data : "";
			m->body.len = m->inflated.len;
		}
	}
	wire_classify(m);
	if (m->type != WIRE_TYPE_NONE)
		wire_step(m, wire_type_name(m->type));
	return (rc);
}

/* Does record r carry the tag t? */
static bool
wire_has_tag(const struct store *st, const struct record *r, const char *t)
{
	struct slice	 blob, e;
	size_t		 off = 0;

	blob = strtab_get(&st->strs, r->str[RS_TAGS]);
	while (record_list_next(blob, &off, &e))
		if (slice_eq(e, t))
			return (true);
	return (false);
}

/*
 * Decode r's raw_request or raw_response into m (initialised with
 * wire_init) and explain an empty payload in m->note (tyk-formats.md 3.1,
 * 3.3).  Returns as wire_decode.
 */
int
wire_decode_record(const struct store *st, const struct record *r,
    enum wire_which which, struct wire_msg *m)
{
	struct payload	 pl;
	struct slice	 req, resp, s;
	int		 rc;

	payload_init(&pl);
	if (payload_get(&pl, st, r) != 0) {
		rc = wire_decode(m, "", 0);
		snprintf(m->error, sizeof m->error, "payload not read: %s",
		    pl.error);
		snprintf(m->note, sizeof m->note, "not read: %s", pl.error);
		payload_clear(&pl);
		return (-1);
	}
	req = pl.req;
	resp = pl.resp;
	s = which == WIRE_REQUEST ? req : resp;
	if (which == WIRE_RESPONSE)
		m->head = slice_caseeq(record_strs(st, r, RS_METHOD), "HEAD");
	rc = wire_decode(m, s.ptr, s.len);
	if (!m->empty) {
		if (m->truncated && m->note[0] == '\0' && s.len % 4 != 0)
			snprintf(m->note, sizeof m->note, "truncated by the "
			    "pump (max_record_size): %zu base64 characters "
			    "kept", s.len);
	} else if (req.len == 0 && resp.len ==
	    sizeof WIRE_MONGO_PLACEHOLDER_B64 - 1 &&
	    memcmp(resp.ptr, WIRE_MONGO_PLACEHOLDER_B64, resp.len) == 0)
		snprintf(m->note, sizeof m->note, "removed by the mongo pump: "
		    "document too large (max_document_size_bytes)");
	else if (req.len == 0 && resp.len == 0)
		snprintf(m->note, sizeof m->note, "not recorded: detailed "
		    "recording was off for this request (or the pump's "
		    "omit_detailed_recording blanked it)");
	else if (which == WIRE_RESPONSE &&
	    wire_has_tag(st, r, "cached-response"))
		snprintf(m->note, sizeof m->note, "cached or mock response: "
		    "the gateway keeps no copy of it (tag cached-response)");
	else
		snprintf(m->note, sizeof m->note, "empty: not captured");
	payload_clear(&pl);
	return (rc);
}

/* Append the chain joined by sep (e.g. " \xe2\x80\xba "). */
void
wire_chain_text(struct buf *b, const struct wire_msg *m, const char *sep)
{
	size_t	 i;

	for (i = 0; i < m->nchain; i++) {
		if (i != 0)
			buf_adds(b, sep);
		buf_adds(b, m->chain[i]);
	}
}

/*
 * Append the headers as "Name: value\n" lines (folded values unfolded),
 * unmasked: for filters that search headers.
 */
void
wire_headers_text(struct buf *b, const struct wire_msg *m)
{
	size_t	 i;

	if (!m->is_http)
		return;
	for (i = 0; i < m->http.nheaders; i++) {
		buf_add(b, m->http.headers[i].name.ptr,
		    m->http.headers[i].name.len);
		buf_add(b, ": ", 2);
		http_wire_value(b, &m->http.headers[i]);
		buf_addc(b, '\n');
	}
}

/*
 * The body for searching: UTF-8 text after the chain, or the decoded bytes
 * when the body is binary.  Borrowed from m.
 */
struct slice
wire_body_text(const struct wire_msg *m)
{
	if (m->binary)
		return (m->body);
	return (m->text);
}

/*
 * Search record r's decoded payloads: call cb(arg, text, len) on the
 * request's and/or the response's body (UTF-8 text after the chain, or the
 * decoded bytes when binary), or, with WIRE_SEARCH_HEADERS, on each header
 * line as "Name: value" (unfolded, unmasked).  Stops and returns true at the
 * first call that returns true.  A record without payloads is searched as
 * one empty string, so that a negated search selects it.
 */
bool
wire_search(const struct store *st, const struct record *r, int what,
    wire_search_cb cb, void *arg)
{
	struct wire_msg	 m;
	struct payload	 pl;
	struct buf	 line;
	struct slice	 s;
	size_t		 i, searched = 0;
	int		 k;
	bool		 hit = false;

	buf_init(&line);
	payload_init(&pl);
	(void)payload_get(&pl, st, r);	/* unreadable: searched as empty */
	for (k = 0; k < 2 && !hit; k++) {
		if (!(what & (k == 0 ? WIRE_SEARCH_REQUEST :
		    WIRE_SEARCH_RESPONSE)))
			continue;
		s = k == 0 ? pl.req : pl.resp;
		if (s.len == 0)
			continue;
		wire_init(&m);
		wire_decode(&m, s.ptr, s.len);
		if (what & WIRE_SEARCH_HEADERS) {
			for (i = 0; m.is_http && i < m.http.nheaders && !hit;
			    i++) {
				buf_reset(&line);
				buf_add(&line, m.http.headers[i].name.ptr,
				    m.http.headers[i].name.len);
				buf_add(&line, ": ", 2);
				http_wire_value(&line, &m.http.headers[i]);
				hit = cb(arg, line.data, line.len);
				searched++;
			}
		} else {
			s = wire_body_text(&m);
			hit = cb(arg, s.ptr, s.len);
			searched++;
		}
		wire_clear(&m);
	}
	if (!hit && searched == 0)
		hit = cb(arg, "", 0);
	payload_clear(&pl);
	buf_clear(&line);
	return (hit);
}

/*
 * Generate m as the --decode object of product.md 7: start_line, headers
 * ([name, value] pairs in order), body or body_base64, body_length, chain,
 * truncated, and error/note when set.
 */
void
wire_gen_json(yajl_gen g, const struct wire_msg *m)
{
	struct buf	 tmp;
	size_t		 i;

	buf_init(&tmp);
	yajl_gen_map_open(g);
	json_gen_key(g, "start_line");
	json_gen_slice(g, m->is_http ? m->http.start_line.ptr : "",
	    m->is_http ? m->http.start_line.len : 0);
	json_gen_key(g, "headers");
	yajl_gen_array_open(g);
	for (i = 0; m->is_http && i < m->http.nheaders; i++) {
		yajl_gen_array_open(g);
		json_gen_slice(g, m->http.headers[i].name.ptr,
		    m->http.headers[i].name.len);
		buf_reset(&tmp);
		http_wire_value(&tmp, &m->http.headers[i]);
		json_gen_slice(g, tmp.data != NULL ? tmp.data : "",
		    tmp.len);
		yajl_gen_array_close(g);
	}
	yajl_gen_array_close(g);
	if (m->binary) {
		buf_reset(&tmp);
		base64_encode_buf(&tmp, m->body.ptr, m->body.len);
		json_gen_key(g, "body_base64");
		json_gen_slice(g, tmp.data != NULL ? tmp.data : "",
		    tmp.len);
	} else {
		json_gen_key(g, "body");
		json_gen_slice(g, m->text.ptr, m->text.len);
	}
	json_gen_key(g, "body_length");
	yajl_gen_integer(g, (long long)m->body.len);
	json_gen_key(g, "chain");
	yajl_gen_array_open(g);
	for (i = 0; i < m->nchain; i++)
		json_gen_key(g, m->chain[i]);
	yajl_gen_array_close(g);
	json_gen_key(g, "truncated");
	yajl_gen_bool(g, m->truncated);
	if (m->error[0] != '\0') {
		json_gen_key(g, "error");
		json_gen_key(g, m->error);
	}
	if (m->note[0] != '\0') {
		json_gen_key(g, "note");
		json_gen_key(g, m->note);
	}
	yajl_gen_map_close(g);
	buf_clear(&tmp);
}

/* Does m's Content-Type say it is a form (application/x-www-form-...)? */
static bool
wire_is_form(const struct wire_msg *m)
{
	const struct http_wire_header	*ct;

	ct = wire_header(m, "Content-Type");
	return (ct != NULL && mask_is_form(ct->value.ptr, ct->value.len));
}

/*
 * The body bytes body (m's decoded body or its text) as they may be shown
 * under mk: a form body (by Content-Type) with credential values masked,
 * or a payload that is not HTTP through mask_text, built in tmp; else
 * body itself.  The result borrows from m or tmp.
 */
struct slice
wire_body_masked(const struct wire_msg *m, struct slice body,
    const struct mask *mk, struct buf *tmp)
{
	struct slice	 s;

	if (!mask_active(mk) || body.len == 0)
		return (body);
	buf_reset(tmp);
	if (!m->is_http)
		mask_text(tmp, mk, body.ptr, body.len);
	else if (wire_is_form(m))
		mask_params(tmp, mk, body.ptr, body.len);
	else
		return (body);
	s.ptr = tmp->data != NULL ? tmp->data : "";
	s.len = tmp->len;
	return (s);
}

/* Append the start line and headers of m, masked under mk, CRLF ends. */
static void
wire_head(struct buf *b, const struct wire_msg *m, const struct mask *mk)
{
	const struct http_wire		*h = &m->http;
	const struct http_wire_header	*hd;
	struct buf			 val;
	size_t				 i;

	buf_init(&val);
	if (h->kind == HTTP_WIRE_REQUEST) {
		buf_add(b, h->method.ptr, h->method.len);
		buf_addc(b, ' ');
		mask_target(b, mk, h->target.ptr, h->target.len);
		buf_addc(b, ' ');
		buf_add(b, h->version.ptr, h->version.len);
	} else
		buf_add(b, h->start_line.ptr, h->start_line.len);
	buf_add(b, "\r\n", 2);
	for (i = 0; i < h->nheaders; i++) {
		hd = &h->headers[i];
		buf_add(b, hd->name.ptr, hd->name.len);
		buf_add(b, ": ", 2);
		buf_reset(&val);
		http_wire_value(&val, hd);
		mask_header_value(b, mk, hd->name.ptr, hd->name.len,
		    val.data != NULL ? val.data : "", val.len);
		buf_add(b, "\r\n", 2);
	}
	buf_clear(&val);
}

/*
 * Append m as an HTTP message for --format raw-request/raw-response: the
 * start line and headers as recorded (CRLF line ends), an empty line, then
 * the body as decoded (after de-chunking and decompression, so it no
 * longer matches the framing headers).  Under mk (NULL reveals) the
 * target's credentials, secret headers and a form body's credential values
 * are masked.  A payload that is not HTTP is appended as it is.  Raw
 * bytes: the caller escapes them before a terminal.
 */
void
wire_message(struct buf *b, const struct wire_msg *m, const struct mask *mk)
{
	struct buf	 tmp;
	struct slice	 body;

	buf_init(&tmp);
	if (!m->is_http) {
		body = wire_body_masked(m, m->body, mk, &tmp);
		buf_add(b, body.ptr, body.len);
		buf_clear(&tmp);
		return;
	}
	wire_head(b, m, mk);
	buf_add(b, "\r\n", 2);
	body = wire_body_masked(m, m->body, mk, &tmp);
	buf_add(b, body.ptr, body.len);
	buf_clear(&tmp);
}

/*
 * Append the whole message as stored (after base64) to b; under mk the
 * head is rebuilt with secrets masked and a form body has its credential
 * values masked (de-chunked first: chunk framing could split a value); a
 * payload that is not HTTP goes through mask_text.
 * Returns true when something was rebuilt.
 */
bool
wire_raw(struct buf *b, const struct wire_msg *m, const struct mask *mk)
{
	const struct http_wire	*h = &m->http;
	struct buf		 tmp;
	struct slice		 body;
	bool			 rebuilt;

	if (!mask_active(mk)) {
		buf_add(b, m->raw.data, m->raw.len);
		return (false);
	}
	buf_init(&tmp);
	if (!m->is_http) {
		mask_text(&tmp, mk, m->raw.data, m->raw.len);
		buf_add(b, tmp.data, tmp.len);
		rebuilt = tmp.len != m->raw.len || (tmp.len != 0 &&
		    memcmp(tmp.data, m->raw.data, tmp.len) != 0);
		buf_clear(&tmp);
		return (rebuilt);
	}
	wire_head(b, m, mk);
	if (h->head_complete)
		buf_add(b, "\r\n", 2);
	body.ptr = h->body.ptr;
	body.len = (size_t)(m->raw.data + m->raw.len - h->body.ptr);
	if (wire_is_form(m)) {
		if (h->chunked) {
			body.ptr = m->dechunked.data != NULL ?
			    m->dechunked.data : "";
			body.len = m->dechunked.len;
		}
		mask_params(&tmp, mk, body.ptr, body.len);
		body.ptr = tmp.data != NULL ? tmp.data : "";
		body.len = tmp.len;
	}
	buf_add(b, body.ptr, body.len);
	buf_clear(&tmp);
	return (true);
}

/* Generate "request": {...}, "response": {...} into an open map. */
void
wire_gen_record(yajl_gen g, const struct store *st, const struct record *r)
{
	struct wire_msg	 m;

	wire_init(&m);
	wire_decode_record(st, r, WIRE_REQUEST, &m);
	json_gen_key(g, "request");
	wire_gen_json(g, &m);
	wire_clear(&m);
	wire_decode_record(st, r, WIRE_RESPONSE, &m);
	json_gen_key(g, "response");
	wire_gen_json(g, &m);
	wire_clear(&m);
}
