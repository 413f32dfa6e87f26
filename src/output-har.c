/* SPDX-License-Identifier: ISC */
/*
 * --format har: the records as one HTTP Archive (HAR 1.2) document, one
 * entry per record, that browser developer tools and HAR viewers open.
 * The request and response come from the decoded raw_request and
 * raw_response (wire.c: base64, HTTP/1.x, de-chunking, gzip/deflate,
 * charset); a record without detailed recording has its request line
 * and status from the record's own fields, no headers, an empty body and
 * the reason in "_note".  Bodies that are not text are base64
 * ("encoding": "base64" in the response content, "_encoding" in postData,
 * which HAR leaves without one).
 *
 * A HAR file is made to be passed around, so secrets are masked as in
 * the human formats (Authorization, cookies, API-key headers and query
 * parameters, the api_key field) unless --reveal.  Tyk's own fields go in
 * "_tyk"; "time" and the "wait" timing are latency.total, the split is in
 * "_tyk".
 */
#include "config.h"

#include "output-har.h"

#include <string.h>

#include "base64.h"
#include "curl.h"
#include "json.h"
#include "mask.h"
#include "options.h"
#include "record.h"
#include "store.h"
#include "timefmt.h"
#include "wire.h"

/* The document's opening, up to the entries array. */
void
output_har_begin(FILE *f)
{
	fprintf(f, "{\"log\":{\"version\":\"1.2\",\"creator\":{\"name\":"
	    "\"tykscope\",\"version\":\"%s\"},\"entries\":[", PACKAGE_VERSION);
}

/* The document's end: n entries were written. */
void
output_har_end(FILE *f, uint64_t n)
{
	fputs(n > 0 ? "\n]}}\n" : "]}}\n", f);
}

static void
output_har_str(yajl_gen g, const char *k, const char *v, size_t len)
{
	json_gen_key(g, k);
	json_gen_slice(g, v != NULL ? v : "", len);
}

static void
output_har_int(yajl_gen g, const char *k, int64_t v)
{
	json_gen_key(g, k);
	yajl_gen_integer(g, v);
}

/* A record string field under key k. */
static void
output_har_field(yajl_gen g, const struct store *st, const struct record *r,
    const char *k, enum record_str f)
{
	struct slice	 s = record_strs(st, r, f);

	output_har_str(g, k, s.ptr, s.len);
}

/* The headers of m, values masked under mk, as [{name, value}]. */
static void
output_har_headers(yajl_gen g, const struct wire_msg *m,
    const struct mask *mk)
{
	const struct http_wire_header	*h;
	struct buf			 v, masked;
	size_t				 i;

	buf_init(&v);
	buf_init(&masked);
	json_gen_key(g, "headers");
	yajl_gen_array_open(g);
	for (i = 0; m->is_http && i < m->http.nheaders; i++) {
		h = &m->http.headers[i];
		buf_reset(&v);
		buf_reset(&masked);
		http_wire_value(&v, h);
		mask_header_value(&masked, mk, h->name.ptr, h->name.len,
		    v.data != NULL ? v.data : "", v.len);
		yajl_gen_map_open(g);
		output_har_str(g, "name", h->name.ptr, h->name.len);
		output_har_str(g, "value", masked.data, masked.len);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	buf_clear(&v);
	buf_clear(&masked);
}

/* The Content-Type of m, or "". */
static struct slice
output_har_type(const struct wire_msg *m)
{
	const struct http_wire_header	*h = wire_header(m, "Content-Type");
	struct slice			 s = { "", 0 };

	if (h != NULL)
		s = h->value;
	return (s);
}

/*
 * The body of m under mk: text (masked as the human views mask forms)
 * or, when it is not text, base64.  Sets *b64.
 */
static void
output_har_body(struct buf *out, const struct wire_msg *m,
    const struct mask *mk, bool *b64)
{
	struct buf	 tmp;
	struct slice	 s;

	*b64 = m->binary;
	if (m->binary) {
		base64_encode_buf(out, m->body.ptr, m->body.len);
		return;
	}
	buf_init(&tmp);
	s = wire_body_masked(m, m->text, mk, &tmp);
	buf_add(out, s.ptr, s.len);
	buf_clear(&tmp);
}

/* The query string of url as [{name, value}] (as written, not decoded). */
static void
output_har_query(yajl_gen g, const char *url, size_t len)
{
	const char	*q = memchr(url, '?', len), *end = url + len, *p, *amp;
	const char	*eq;

	json_gen_key(g, "queryString");
	yajl_gen_array_open(g);
	if (q != NULL) {
		for (p = q + 1; p < end; p = amp + 1) {
			amp = memchr(p, '&', (size_t)(end - p));
			if (amp == NULL)
				amp = end;
			if (amp > p) {
				eq = memchr(p, '=', (size_t)(amp - p));
				if (eq == NULL)
					eq = amp;
				yajl_gen_map_open(g);
				output_har_str(g, "name", p, (size_t)(eq - p));
				output_har_str(g, "value", eq < amp ? eq + 1 :
				    "", eq < amp ? (size_t)(amp - eq - 1) : 0);
				yajl_gen_map_close(g);
			}
			if (amp == end)
				break;
		}
	}
	yajl_gen_array_close(g);
}

/* The request object. */
static void
output_har_request(yajl_gen g, const struct store *st,
    const struct record *r, const struct mask *mk, enum curl_target t)
{
	struct wire_msg	 m;
	struct buf	 url, body;
	struct slice	 ct;
	bool		 b64;

	wire_init(&m);
	buf_init(&url);
	buf_init(&body);
	wire_decode_record(st, r, WIRE_REQUEST, &m);
	curl_record_url(&url, st, r, mk, t);
	yajl_gen_map_open(g);
	if (m.is_http && m.http.method.len > 0)
		output_har_str(g, "method", m.http.method.ptr,
		    m.http.method.len);
	else
		output_har_field(g, st, r, "method", RS_METHOD);
	output_har_str(g, "url", url.data, url.len);
	if (m.is_http && m.http.version.len > 0)
		output_har_str(g, "httpVersion", m.http.version.ptr,
		    m.http.version.len);
	else
		output_har_str(g, "httpVersion", "HTTP/1.1", 8);
	json_gen_key(g, "cookies");
	yajl_gen_array_open(g);
	yajl_gen_array_close(g);
	output_har_headers(g, &m, mk);
	output_har_query(g, url.data != NULL ? url.data : "", url.len);
	if (m.is_http && m.body.len > 0) {
		output_har_body(&body, &m, mk, &b64);
		json_gen_key(g, "postData");
		yajl_gen_map_open(g);
		ct = output_har_type(&m);
		output_har_str(g, "mimeType", ct.ptr, ct.len);
		output_har_str(g, "text", body.data, body.len);
		if (b64)
			output_har_str(g, "_encoding", "base64", 6);
		yajl_gen_map_close(g);
	}
	output_har_int(g, "headersSize", m.is_http ? (int64_t)m.http.head.len :
	    -1);
	output_har_int(g, "bodySize", m.is_http ? (int64_t)m.http.body.len :
	    0);
	if (!m.is_http && m.note[0] != '\0')
		output_har_str(g, "_note", m.note, strlen(m.note));
	else if (m.error[0] != '\0')
		output_har_str(g, "_error", m.error, strlen(m.error));
	yajl_gen_map_close(g);
	buf_clear(&url);
	buf_clear(&body);
	wire_clear(&m);
}

/* The response object. */
static void
output_har_response(yajl_gen g, const struct store *st,
    const struct record *r, const struct mask *mk)
{
	const struct http_wire_header	*loc;
	struct wire_msg			 m;
	struct buf			 body;
	struct slice			 ct;
	bool				 b64 = false;

	wire_init(&m);
	buf_init(&body);
	wire_decode_record(st, r, WIRE_RESPONSE, &m);
	yajl_gen_map_open(g);
	output_har_int(g, "status", m.is_http && m.http.status > 0 ?
	    m.http.status : record_response_code(st, r));
	output_har_str(g, "statusText", m.is_http ? m.http.reason.ptr : "",
	    m.is_http ? m.http.reason.len : 0);
	if (m.is_http && m.http.version.len > 0)
		output_har_str(g, "httpVersion", m.http.version.ptr,
		    m.http.version.len);
	else
		output_har_str(g, "httpVersion", "HTTP/1.1", 8);
	json_gen_key(g, "cookies");
	yajl_gen_array_open(g);
	yajl_gen_array_close(g);
	output_har_headers(g, &m, mk);
	json_gen_key(g, "content");
	yajl_gen_map_open(g);
	output_har_int(g, "size", m.is_http ? (int64_t)m.body.len : 0);
	ct = output_har_type(&m);
	output_har_str(g, "mimeType", ct.ptr, ct.len);
	if (m.is_http) {
		output_har_body(&body, &m, mk, &b64);
		output_har_str(g, "text", body.data, body.len);
		if (b64)
			output_har_str(g, "encoding", "base64", 6);
	}
	yajl_gen_map_close(g);
	loc = wire_header(&m, "Location");
	output_har_str(g, "redirectURL", loc != NULL ? loc->value.ptr : "",
	    loc != NULL ? loc->value.len : 0);
	output_har_int(g, "headersSize", m.is_http ? (int64_t)m.http.head.len :
	    -1);
	/* As sent (chunked, compressed); content.size is decoded. */
	output_har_int(g, "bodySize", m.is_http ? (int64_t)m.http.body.len :
	    -1);
	if (!m.is_http && m.note[0] != '\0')
		output_har_str(g, "_note", m.note, strlen(m.note));
	else if (m.error[0] != '\0')
		output_har_str(g, "_error", m.error, strlen(m.error));
	yajl_gen_map_close(g);
	buf_clear(&body);
	wire_clear(&m);
}

/*
 * Generate one record as a HAR entry (an object).  Bad records and gap
 * markers are not HTTP exchanges: the caller skips them.
 */
void
output_har_entry(yajl_gen g, const struct store *st, const struct record *r,
    const struct mask *mk, enum curl_target t, const char *source)
{
	char		 tbuf[TIMEFMT_MAX];
	size_t		 n;
	struct slice	 k;
	struct buf	 key;
	int64_t		 total = record_lat_total(st, r);

	buf_init(&key);
	yajl_gen_map_open(g);
	n = timefmt_rfc3339(tbuf, sizeof tbuf, record_ts_sec(st, r),
	    record_ts_nsec(st, r), 3);
	output_har_str(g, "startedDateTime", tbuf, n);
	output_har_int(g, "time", total < 0 ? 0 : total);
	json_gen_key(g, "request");
	output_har_request(g, st, r, mk, t);
	json_gen_key(g, "response");
	output_har_response(g, st, r, mk);
	json_gen_key(g, "cache");
	yajl_gen_map_open(g);
	yajl_gen_map_close(g);
	json_gen_key(g, "timings");
	yajl_gen_map_open(g);
	output_har_int(g, "send", 0);
	output_har_int(g, "wait", total < 0 ? 0 : total);
	output_har_int(g, "receive", 0);
	yajl_gen_map_close(g);
	json_gen_key(g, "_tyk");
	yajl_gen_map_open(g);
	output_har_field(g, st, r, "api_name", RS_API_NAME);
	output_har_field(g, st, r, "api_id", RS_API_ID);
	output_har_field(g, st, r, "api_version", RS_API_VERSION);
	output_har_field(g, st, r, "org_id", RS_ORG_ID);
	k = record_strs(st, r, RS_API_KEY);
	if (mask_active(mk))
		mask_key(&key, k.ptr, k.len);
	else
		buf_add(&key, k.ptr, k.len);
	output_har_str(g, "api_key", key.data, key.len);
	output_har_field(g, st, r, "alias", RS_ALIAS);
	output_har_field(g, st, r, "ip_address", RS_IP_ADDRESS);
	output_har_int(g, "response_code", record_response_code(st, r));
	json_gen_key(g, "latency");
	yajl_gen_map_open(g);
	output_har_int(g, "total", total);
	output_har_int(g, "upstream", record_lat_upstream(st, r));
	output_har_int(g, "gateway", record_lat_gateway(st, r));
	yajl_gen_map_close(g);
	output_har_str(g, "source", source, strlen(source));
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);
	buf_clear(&key);
}
