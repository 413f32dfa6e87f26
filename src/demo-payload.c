/* SPDX-License-Identifier: ISC */
/*
 * Detailed recordings for the demo traffic (demo-payload.h).  Bodies are
 * made from the traffic's random sequence, so the same seed gives the same
 * bytes; gzip output is deterministic (no name, mtime 0).  Follows
 * tyk-formats.md 3.2: gzip responses are mostly recorded gunzipped but
 * still labelled gzip (what today's gateway does), some keep the real gzip
 * bytes (older gateways), so viewers must sniff 1f 8b; a cached response
 * has no response copy.
 */
#include "config.h"

#include "demo-payload.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "base64.h"
#include "demo-http.h"
#include "demo-record.h"

static void
demo_payload_png_chunk(struct buf *b, const char *type,
    const unsigned char *data, size_t len)
{
	unsigned char	 hdr[8], crc[4];
	uLong		 c;

	hdr[0] = (unsigned char)(len >> 24);
	hdr[1] = (unsigned char)(len >> 16);
	hdr[2] = (unsigned char)(len >> 8);
	hdr[3] = (unsigned char)len;
	memcpy(hdr + 4, type, 4);
	buf_add(b, hdr, 8);
	buf_add(b, data, len);
	c = crc32(0, hdr + 4, 4);
	c = crc32(c, data, (uInt)len);
	crc[0] = (unsigned char)(c >> 24);
	crc[1] = (unsigned char)(c >> 16);
	crc[2] = (unsigned char)(c >> 8);
	crc[3] = (unsigned char)c;
	buf_add(b, crc, 4);
}

/* A real 16x16 RGB PNG (a gradient), for binary response bodies. */
static void
demo_payload_png(struct buf *b)
{
	unsigned char	 raw[16 * (1 + 16 * 3)], z[1024];
	unsigned char	 ihdr[13] = { 0, 0, 0, 16, 0, 0, 0, 16, 8, 2, 0, 0, 0 };
	uLongf		 zlen = sizeof z;
	size_t		 x, y, o = 0;

	for (y = 0; y < 16; y++) {
		raw[o++] = 0;
		for (x = 0; x < 16; x++) {
			raw[o++] = (unsigned char)(x * 16);
			raw[o++] = (unsigned char)(y * 16);
			raw[o++] = 0x80;
		}
	}
	compress2(z, &zlen, raw, sizeof raw, 9);
	buf_add(b, "\x89PNG\r\n\x1a\n", 8);
	demo_payload_png_chunk(b, "IHDR", ihdr, sizeof ihdr);
	demo_payload_png_chunk(b, "IDAT", z, zlen);
	demo_payload_png_chunk(b, "IEND", NULL, 0);
}

/* Gzip len bytes into out (deterministic: no name, mtime 0). */
static void
demo_payload_gzip(struct buf *out, const void *in, size_t len)
{
	z_stream	 zs;
	size_t		 cap = len + len / 8 + 64;

	memset(&zs, 0, sizeof zs);
	buf_reserve(out, out->len + cap);
	if (deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY) != Z_OK)
		return;
	zs.next_in = (Bytef *)(uintptr_t)in;
	zs.avail_in = (uInt)len;
	zs.next_out = (Bytef *)out->data + out->len;
	zs.avail_out = (uInt)cap;
	if (deflate(&zs, Z_FINISH) == Z_STREAM_END)
		out->len += zs.total_out;
	deflateEnd(&zs);
}

/* Prepare the scratch buffers and the PNG. */
void
demo_payload_init(struct demo_payload *p)
{
	memset(p, 0, sizeof *p);
	buf_init(&p->req);
	buf_init(&p->resp);
	buf_init(&p->req64);
	buf_init(&p->resp64);
	buf_init(&p->body);
	buf_init(&p->rbody);
	buf_init(&p->tmp);
	buf_init(&p->png);
	demo_payload_png(&p->png);
}

/* Free the buffers. */
void
demo_payload_clear(struct demo_payload *p)
{
	buf_clear(&p->req);
	buf_clear(&p->resp);
	buf_clear(&p->req64);
	buf_clear(&p->resp64);
	buf_clear(&p->body);
	buf_clear(&p->rbody);
	buf_clear(&p->tmp);
	buf_clear(&p->png);
}

/* The upstream's JSON body for a successful call. */
static void
demo_payload_json(struct demo_rng *rng, const struct demo_api *a,
    const struct demo_endpoint *e, struct buf *b, bool request)
{
	unsigned	 n, i, id = 1 + demo_rng_below(rng, 9999);
	uint64_t	 r1, r2;
	int		 lo, hi;
	static const char *const names[] = { "doggie", "Rex", "Mittens",
	    "Nemo", "Polly", "Bubbles" };
	static const char *const status[] = { "available", "pending",
	    "sold" };

	if (a->app == DEMO_APP_PETS) {
		if (e->rs == DEMO_RS_LIST) {
			n = 3 + demo_rng_below(rng, 8);
			buf_addc(b, '[');
			for (i = 0; i < n; i++)
				buf_printf(b, "%s{\"id\":%u,\"category\":{\"id\":"
				    "%u,\"name\":\"Dogs\"},\"name\":\"%s\","
				    "\"photoUrls\":[\"https://img.example/%u.png"
				    "\"],\"tags\":[{\"id\":0,\"name\":\"string\"}"
				    "],\"status\":\"available\"}", i ? "," : "",
				    id + i, 1 + i % 3, names[(id + i) % 6],
				    id + i);
			buf_addc(b, ']');
		} else
			buf_printf(b, "{\"id\":%u,\"category\":{\"id\":1,"
			    "\"name\":\"Dogs\"},\"name\":\"%s\",\"photoUrls\":"
			    "[],\"tags\":[],\"status\":\"%s\"}", id,
			    names[id % 6], status[id % 3]);
	} else if (a->app == DEMO_APP_PAY) {
		if (request)
			buf_printf(b, "{\"amount\":%u,\"currency\":\"usd\","
			    "\"source\":\"tok_visa\",\"description\":"
			    "\"Order #%u\",\"metadata\":{\"customer\":"
			    "\"cus_%u\"}}", 100 + demo_rng_below(rng, 99900), id,
			    id * 7);
		else if (strcmp(e->pattern, "/oauth/token") == 0) {
			r1 = demo_rng_next(rng);
			r2 = demo_rng_next(rng);
			buf_printf(b, "{\"access_token\":\"%016llx%016llx\","
			    "\"expires_in\":3600,\"token_type\":\"bearer\"}",
			    (unsigned long long)r1, (unsigned long long)r2);
		}
		else
			buf_printf(b, "{\"id\":\"ch_%u\",\"object\":\"charge\","
			    "\"amount\":%u,\"currency\":\"usd\",\"paid\":true,"
			    "\"status\":\"succeeded\"}", id,
			    100 + demo_rng_below(rng, 99900));
	} else if (a->app == DEMO_APP_ORDERS || a->app == DEMO_APP_USERS) {
		if (e->rs == DEMO_RS_LIST) {
			n = 2 + demo_rng_below(rng, 6);
			buf_printf(b, "{\"page\":%u,\"items\":[", 1 + id % 3);
			for (i = 0; i < n; i++)
				buf_printf(b, "%s{\"id\":%u,\"status\":\"%s\","
				    "\"total\":%u.%02u,\"currency\":\"EUR\","
				    "\"customer\":{\"name\":\"Zoë Müller\","
				    "\"email\":\"zoe%u@example.org\"}}",
				    i ? "," : "", id + i, status[(id + i) % 3],
				    id % 500, i * 7 % 100, id + i);
			buf_adds(b, "]}");
		} else
			buf_printf(b, "{\"id\":%u,\"status\":\"%s\","
			    "\"items\":[{\"sku\":\"SKU-%u\",\"qty\":%u}],"
			    "\"note\":\"leave at the door \\u2014 thanks\"}",
			    id, status[id % 3], id * 3, 1 + id % 4);
	} else if (a->app == DEMO_APP_WEATHER) {
		n = 3;
		buf_adds(b, "{\"city\":\"London\",\"days\":[");
		for (i = 0; i < n; i++) {
			lo = (int)demo_rng_below(rng, 10) - 2;
			hi = 8 + (int)demo_rng_below(rng, 12);
			buf_printf(b, "%s{\"day\":%u,\"min\":%d,\"max\":%d,"
			    "\"summary\":\"%s\"}", i ? "," : "", i, lo, hi,
			    i % 2 ? "light rain" : "sunny intervals");
		}
		buf_adds(b, "]}");
	} else {
		/* httpbin echoes. */
		if (request)
			buf_printf(b, "{\"name\":\"widget-%u\",\"count\":%u,"
			    "\"enabled\":true,\"labels\":[\"a\",\"b\"]}", id,
			    demo_rng_below(rng, 100));
		else {
			n = demo_rng_below(rng, 256);
			r1 = demo_rng_next(rng);
			i = 1 + demo_rng_below(rng, 254);
			buf_printf(b, "{\n  \"args\": {}, \n  \"headers\": {\n"
			    "    \"Accept\": \"*/*\", \n    \"Host\": "
			    "\"httpbin.org\", \n    \"X-Amzn-Trace-Id\": "
			    "\"Root=1-65e05a%02x-%016llx\"\n  }, \n  \"origin\": "
			    "\"203.0.113.%u\", \n  \"url\": \"https://httpbin.org"
			    "%s\"\n}\n", n, (unsigned long long)r1, i,
			    e->pattern);
		}
	}
}

/*
 * Fill out->raw_request and out->raw_response (base64 of the wire bytes)
 * for the call q describes, and out->content_length from the request
 * body.  The slices point into p until the next call.
 */
void
demo_payload_build(struct demo_payload *p, struct demo_rng *rng,
    const struct demo_payload_req *q, struct demo_record *out)
{
	struct demo_http_headers	 hs;
	const struct demo_api		*a = q->api;
	const struct demo_endpoint	*e = q->ep;
	enum demo_http_body		 framing = DEMO_BODY_NONE;
	char				 date[40], rid[40], etag[24];
	char				 auth[200], cookie[96];
	const char			*ua = demo_uas[q->client->ua];
	const char			*ctype = NULL;
	int				 major = 1, minor = 1;
	unsigned			 ia, ib;
	int64_t				 length;
	bool				 gz_label = false, gz_real = false;
	uint64_t			 x;

	buf_reset(&p->req);
	buf_reset(&p->resp);
	buf_reset(&p->req64);
	buf_reset(&p->resp64);
	buf_reset(&p->body);
	buf_reset(&p->rbody);
	memset(&hs, 0, sizeof hs);

	/* Request body. */
	switch (e->rq) {
	case DEMO_RQ_NONE:
		break;
	case DEMO_RQ_JSON:
	case DEMO_RQ_CHUNKED:
		demo_payload_json(rng, a, e, &p->body, true);
		ctype = "application/json";
		framing = e->rq == DEMO_RQ_JSON ? DEMO_BODY_LENGTH :
		    demo_rng_below(rng, 3) == 0 ? DEMO_BODY_CHUNKED_FULL :
		    DEMO_BODY_CHUNKED;
		break;
	case DEMO_RQ_FORM:
		if (q->oauth_id != NULL)
			buf_printf(&p->body, "grant_type=client_credentials&"
			    "client_id=%s&client_secret=%s&scope=charges%%3A"
			    "write", q->oauth_id, q->oauth_secret);
		else
			buf_printf(&p->body, "name=Jane+Doe&email=jane%%40"
			    "example.com&comment=caf%%C3%%A9+%%26+cr%%C3%%A8me"
			    "&n=%u", demo_rng_below(rng, 1000));
		ctype = "application/x-www-form-urlencoded";
		framing = DEMO_BODY_LENGTH;
		break;
	case DEMO_RQ_XML:
		ia = demo_rng_below(rng, 100);
		ib = demo_rng_below(rng, 100);
		buf_printf(&p->body, "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
		    "\r\n<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org"
		    "/soap/envelope/\"><soap:Body><Add xmlns=\"http://tempuri"
		    ".org/\"><intA>%u</intA><intB>%u</intB></Add></soap:Body>"
		    "</soap:Envelope>", ia, ib);
		ctype = "text/xml; charset=utf-8";
		framing = DEMO_BODY_LENGTH;
		break;
	case DEMO_RQ_EMPTY:
		framing = DEMO_BODY_CHUNKED;
		break;
	}
	out->content_length = framing == DEMO_BODY_LENGTH ?
	    (int64_t)p->body.len : framing == DEMO_BODY_NONE ||
	    e->rq == DEMO_RQ_EMPTY ? 0 : -1;

	/* Request headers. */
	demo_http_add(&hs, "Accept", ctype != NULL && e->rs == DEMO_RS_XML ?
	    "text/xml" : q->client->browser ?
	    "application/json, text/plain, */*" : q->client->ua == 0 ? "*/*" :
	    "application/json");
	if (q->client->gzip)
		demo_http_add(&hs, "Accept-Encoding", q->client->browser ?
		    "gzip, deflate, br" : "gzip");
	if (*q->token != '\0') {
		snprintf(auth, sizeof auth, "%s%s", q->oauth_id != NULL ?
		    "Bearer " : "", q->token);
		demo_http_add(&hs, "Authorization", auth);
	}
	if (ctype != NULL && e->rq != DEMO_RQ_NONE)
		demo_http_add(&hs, "Content-Type", ctype);
	if (q->client->browser) {
		x = demo_rng_next(rng);
		snprintf(cookie, sizeof cookie, "session=%016llx; _ga=GA1.2.%u."
		    "1709%06u", (unsigned long long)x,
		    (unsigned)(x >> 40), (unsigned)(x % 1000000));
		demo_http_add(&hs, "Cookie", cookie);
	}
	if (q->code == 304) {
		snprintf(etag, sizeof etag, "W/\"%08x\"", demo_rng_below(rng,
		    0x7fffffff));
		demo_http_add(&hs, "If-None-Match", etag);
	}
	if (demo_rng_below(rng, 3) == 0) {
		x = demo_rng_next(rng);
		snprintf(rid, sizeof rid, "%016llx", (unsigned long long)x);
		demo_http_add(&hs, "X-Request-Id", rid);
	}
	demo_http_request(&p->req, e->method, q->uri, a->gateway, ua, &hs,
	    framing, p->body.data, p->body.len);
	base64_encode_buf(&p->req64, p->req.data, p->req.len);
	out->raw_request = slice_buf(&p->req64);

	/* A cached response has no response copy. */
	if (q->cached) {
		out->raw_response = slice_str("");
		return;
	}

	memset(&hs, 0, sizeof hs);
	if (q->gw_error) {
		buf_printf(&p->rbody, "{\n    \"error\": \"%s\"\n}",
		    q->gw_message);
		demo_http_add(&hs, "Content-Type", "application/json");
		demo_http_response(&p->resp, 0, 0, q->code, &hs, 0, e->method,
		    p->rbody.data, p->rbody.len);
		goto done;
	}

	if (a->h2) {
		major = 2;
		minor = 0;
	}
	demo_http_date(date, sizeof date, out->ts_sec);
	demo_http_add(&hs, "Date", date);
	demo_http_add(&hs, "Server", a->server);
	ctype = "application/json";
	if (q->code == 204 || q->code == 304 || q->code == 418) {
		if (q->code == 304)
			demo_http_add(&hs, "Etag", "W/\"5e1f-deadbeef\"");
		if (q->code == 418)
			buf_adds(&p->rbody, "\n    -=[ teapot ]=-\n\n"
			    "       _...._\n     .'  _ _ `.\n    | .\"` ^ `\". _,"
			    "\n    \\_;`\"---\"`|//\n      |       ;/\n      \\_"
			    "     _/\n        `\"\"\"`\n");
		ctype = NULL;
	} else if (q->code == 301 || q->code == 302) {
		demo_http_add(&hs, "Location", "/get");
		buf_adds(&p->rbody, "");
		ctype = NULL;
	} else if (q->code >= 400) {
		if (q->code == 502 || q->code == 503) {
			buf_printf(&p->rbody, "<html>\r\n<head><title>%d %s"
			    "</title></head>\r\n<body>\r\n<center><h1>%d %s"
			    "</h1></center>\r\n<hr><center>nginx</center>\r\n"
			    "</body>\r\n</html>\r\n", q->code,
			    demo_http_status_text(q->code), q->code,
			    demo_http_status_text(q->code));
			ctype = "text/html";
		} else
			buf_printf(&p->rbody, "{\"code\":%d,\"type\":\"error\","
			    "\"message\":\"%s\"}", q->code, q->code == 404 ?
			    "not found" : q->code == 400 ?
			    "invalid input: missing field 'name'" :
			    "internal error");
	} else {
		switch (e->rs) {
		case DEMO_RS_JSON:
		case DEMO_RS_LIST:
			demo_payload_json(rng, a, e, &p->rbody, false);
			if (e->rs == DEMO_RS_LIST && q->client->gzip &&
			    demo_rng_below(rng, 2) == 0)
				gz_label = true;
			break;
		case DEMO_RS_GZIP:
			demo_payload_json(rng, a, e, &p->rbody, false);
			if (q->client->gzip) {
				/*
				 * Mostly what today's gateway records: the
				 * body gunzipped, the header kept.  Some
				 * records keep the real gzip bytes (older
				 * gateways), so viewers must sniff 1f 8b.
				 */
				if (demo_rng_below(rng, 4) == 0)
					gz_real = true;
				else
					gz_label = true;
			}
			break;
		case DEMO_RS_PNG:
			buf_add(&p->rbody, p->png.data, p->png.len);
			ctype = "image/png";
			break;
		case DEMO_RS_EMPTY:
			ctype = NULL;
			break;
		case DEMO_RS_XML:
			buf_printf(&p->rbody, "<?xml version=\"1.0\" encoding="
			    "\"utf-8\"?><soap:Envelope xmlns:soap=\"http://"
			    "schemas.xmlsoap.org/soap/envelope/\"><soap:Body>"
			    "<AddResponse xmlns=\"http://tempuri.org/\">"
			    "<AddResult>%u</AddResult></AddResponse>"
			    "</soap:Body></soap:Envelope>", demo_rng_below(rng, 200));
			ctype = "text/xml; charset=utf-8";
			break;
		}
		if (a->app == DEMO_APP_HTTPBIN) {
			demo_http_add(&hs, "Access-Control-Allow-Credentials",
			    "true");
			demo_http_add(&hs, "Access-Control-Allow-Origin", "*");
		}
		if (q->client->browser && a->app == DEMO_APP_ORDERS)
			demo_http_add(&hs, "Set-Cookie", "cart=7f3a; Path=/; "
			    "HttpOnly; Secure");
	}
	if (ctype != NULL)
		demo_http_add(&hs, "Content-Type", ctype);
	length = (int64_t)p->rbody.len;
	if (gz_label || gz_real) {
		demo_http_add(&hs, "Content-Encoding", "gzip");
		demo_http_add(&hs, "Vary", "Accept-Encoding");
	}
	if (gz_real) {
		buf_reset(&p->tmp);
		demo_payload_gzip(&p->tmp, p->rbody.data, p->rbody.len);
		buf_reset(&p->rbody);
		buf_add(&p->rbody, p->tmp.data, p->tmp.len);
		length = (int64_t)p->rbody.len;
	} else if (gz_label)
		length = -1;
	demo_http_response(&p->resp, major, minor, q->code, &hs, length,
	    e->method, p->rbody.data, p->rbody.len);
done:
	base64_encode_buf(&p->resp64, p->resp.data, p->resp.len);
	out->raw_response = slice_buf(&p->resp64);
}
