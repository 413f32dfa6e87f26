/* SPDX-License-Identifier: ISC */
/*
 * The demo traffic generator.  A fixed catalogue (three orgs, eight APIs,
 * their endpoints, keys, policies, OAuth clients and client devices) is
 * built from a constant seed, so that every run knows the same gateway;
 * the traffic itself comes from the configured seed through a xorshift64*
 * generator seeded by splitmix64, one record at a time, so the n-th record
 * of a seed is always the same whatever is done with it.
 *
 * What a record looks like follows what the gateway does
 * (tyk-formats.md 1.8): the Path of a tracked endpoint is its pattern
 * while RawPath is the real path; APIKey is the token, or the hex murmur3
 * of it on a gateway with hash_keys (so keyless traffic there is
 * "00000000"); tags are pol-*, session tags, API tags, cached-response,
 * then key-*, org-*, api-*; gateway-generated errors (401, 403, 429) have
 * no upstream time; upstream timeouts (502, 504) take the proxy timeout;
 * one API fails for 40 s in every other 5-minute window (an error burst);
 * the TCP API emits a network-statistics record (response code -1) every
 * second.  Detailed recordings (a share of the records) carry the wire
 * messages demo-http.c writes, base64-encoded on one line.
 */
#include "config.h"

#include "demo.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "demo-http.h"
#include "record.h"
#include "store.h"
#include "timefmt.h"
#include "xmalloc.h"

#define DEMO_CATALOGUE_SEED	0x74796b73636f7065ULL	/* "tykscope" */
#define DEMO_NKEYS		12	/* keys per org */
#define DEMO_NCLIENTS		64
#define DEMO_NOAUTH		3	/* OAuth clients */
#define DEMO_BURST_PERIOD	300	/* s: one window per 5 minutes */
#define DEMO_BURST_LENGTH	40	/* s: failing part of a window */

enum demo_auth {
	DEMO_AUTH_KEYLESS,
	DEMO_AUTH_TOKEN,
	DEMO_AUTH_OAUTH,
	DEMO_AUTH_TCP
};

enum demo_rq {
	DEMO_RQ_NONE,
	DEMO_RQ_JSON,
	DEMO_RQ_FORM,
	DEMO_RQ_XML,
	DEMO_RQ_CHUNKED,	/* JSON sent chunked */
	DEMO_RQ_EMPTY		/* POST with Content-Length: 0 */
};

enum demo_rs {
	DEMO_RS_JSON,
	DEMO_RS_LIST,		/* a JSON array, gzip-able */
	DEMO_RS_GZIP,		/* upstream always gzips */
	DEMO_RS_PNG,
	DEMO_RS_EMPTY,
	DEMO_RS_XML
};

struct demo_org {
	const char	*id;
	const char	*name;
	bool		 hash_keys;
	bool		 geo;		/* enable_geo_ip */
	int64_t		 expire;	/* expire_analytics_after, 0: 100y */
};

struct demo_endpoint {
	const char	*method;
	const char	*pattern;	/* track pattern, {param} parts */
	const char	*query;		/* appended to the URI, or NULL */
	bool		 tracked;
	enum demo_rq	 rq;
	enum demo_rs	 rs;
	int		 ok;		/* success status */
	int		 weight;
};

struct demo_api {
	int				 org;
	const char			*id;
	const char			*name;
	const char			*listen;
	const char			*upstream;	/* Host field */
	const char			*gateway;	/* request Host header */
	const char			*server;	/* upstream Server header */
	const char *const		*versions;	/* NULL: Non Versioned */
	enum demo_auth			 auth;
	const char *const		*tags;		/* API tags */
	const struct demo_endpoint	*eps;
	int				 weight;
	int				 upstream_ms;
	int				 timeout_ms;
	bool				 h2;		/* upstream speaks HTTP/2 */
	bool				 cache;
};

struct demo_geo {
	const char	*iso;
	uint32_t	 geoname_id;
	const char	*names[3][2];
	double		 lat, lon;
	const char	*tz;
	const char	*ipv4;		/* prefix */
	const char	*ipv6;		/* prefix */
};

struct demo_key {
	int		 org;
	char		 token[160];
	char		 recorded[160];	/* APIKey as recorded */
	const char	*alias;
	const char	*pol[2];
	const char	*stags[2];
	int		 client;
};

struct demo_oauth {
	char		 id[33];
	char		 secret[33];
	char		 token[2][33];
	char		 recorded[2][33];
	const char	*pol;
};

struct demo_client {
	char		 ip[48];
	int		 geo;		/* index, -1: not resolvable */
	int		 ua;
	bool		 browser;
	bool		 gzip;		/* sends Accept-Encoding */
};

struct demo {
	struct demo_config	 cfg;
	uint64_t		 rng;
	uint64_t		 count;		/* records handed out */
	uint64_t		 nnormal;	/* HTTP records (batch clock) */
	int64_t			 interval;	/* ns between batch records */
	int64_t			 net_next;	/* ns: next network record */

	char			 pols[3][3][25];
	struct demo_key		 keys[3][DEMO_NKEYS];
	struct demo_oauth	 oauth[DEMO_NOAUTH];
	struct demo_client	 clients[DEMO_NCLIENTS];
	struct buf		 png;

	/* Per-record scratch; the record's slices point here. */
	struct buf		 raw_path, path, orig, uri, key, token, tags,
				 names, req, resp, req64, resp64, body, rbody,
				 tmp, ip;
};

static const struct demo_org demo_orgs[] = {
	{ "5e9d9544a1dcd60001d0ed20", "Acme", true, true, 0 },
	{ "62a0f0c1b3e4d5000190a7c3", "Globex", false, true, 30 * 86400 },
	{ "64f1c2d3e4a5b60001c7d8e9", "Initech", false, false, 7 * 86400 },
};

static const char *const demo_v12[] = { "v1", "v2", NULL };
static const char *const demo_vdefault[] = { "Default", NULL };
static const char *const demo_v1[] = { "v1", NULL };
static const char *const demo_tags_pets[] = { "production", "pets", NULL };
static const char *const demo_tags_pci[] = { "pci", NULL };
static const char *const demo_tags_shop[] = { "shop", NULL };

static const struct demo_endpoint demo_eps_pets[] = {
	{ "GET", "/pet/{petId}", NULL, true, DEMO_RQ_NONE, DEMO_RS_JSON,
	    200, 30 },
	{ "GET", "/pet/findByStatus", "?status=available", true,
	    DEMO_RQ_NONE, DEMO_RS_LIST, 200, 15 },
	{ "POST", "/pet", NULL, true, DEMO_RQ_JSON, DEMO_RS_JSON, 200, 8 },
	{ "PUT", "/pet", NULL, false, DEMO_RQ_JSON, DEMO_RS_JSON, 200, 3 },
	{ "DELETE", "/pet/{petId}", NULL, true, DEMO_RQ_NONE, DEMO_RS_EMPTY,
	    204, 3 },
	{ "GET", "/store/inventory", NULL, false, DEMO_RQ_NONE, DEMO_RS_GZIP,
	    200, 6 },
	{ "POST", "/pet/{petId}/uploadImage", NULL, false, DEMO_RQ_CHUNKED,
	    DEMO_RS_JSON, 200, 2 },
	{ NULL, NULL, NULL, false, 0, 0, 0, 0 }
};

static const struct demo_endpoint demo_eps_httpbin[] = {
	{ "GET", "/get", NULL, false, DEMO_RQ_NONE, DEMO_RS_JSON, 200, 20 },
	{ "POST", "/post", NULL, false, DEMO_RQ_JSON, DEMO_RS_JSON, 200, 6 },
	{ "POST", "/anything", NULL, false, DEMO_RQ_FORM, DEMO_RS_JSON, 200,
	    3 },
	{ "GET", "/gzip", NULL, false, DEMO_RQ_NONE, DEMO_RS_GZIP, 200, 6 },
	{ "GET", "/image/png", NULL, false, DEMO_RQ_NONE, DEMO_RS_PNG, 200,
	    5 },
	{ "POST", "/post", NULL, false, DEMO_RQ_EMPTY, DEMO_RS_JSON, 200, 2 },
	{ "PUT", "/put", NULL, false, DEMO_RQ_CHUNKED, DEMO_RS_JSON, 200, 2 },
	{ "GET", "/status/418", NULL, false, DEMO_RQ_NONE, DEMO_RS_EMPTY, 418,
	    1 },
	{ "GET", "/redirect-to", "?url=%2Fget", false, DEMO_RQ_NONE,
	    DEMO_RS_EMPTY, 302, 1 },
	{ "GET", "/headers", NULL, false, DEMO_RQ_NONE, DEMO_RS_JSON, 200,
	    3 },
	{ NULL, NULL, NULL, false, 0, 0, 0, 0 }
};

static const struct demo_endpoint demo_eps_pay[] = {
	{ "POST", "/v1/charges", NULL, true, DEMO_RQ_JSON, DEMO_RS_JSON, 201,
	    10 },
	{ "GET", "/v1/charges/{chargeId}", NULL, true, DEMO_RQ_NONE,
	    DEMO_RS_JSON, 200, 15 },
	{ "POST", "/oauth/token", NULL, false, DEMO_RQ_FORM, DEMO_RS_JSON,
	    200, 4 },
	{ "GET", "/v1/balance", NULL, true, DEMO_RQ_NONE, DEMO_RS_JSON, 200,
	    5 },
	{ NULL, NULL, NULL, false, 0, 0, 0, 0 }
};

static const struct demo_endpoint demo_eps_orders[] = {
	{ "GET", "/orders", "?page=1&limit=20", false, DEMO_RQ_NONE,
	    DEMO_RS_LIST, 200, 15 },
	{ "GET", "/orders/{orderId}", NULL, true, DEMO_RQ_NONE, DEMO_RS_JSON,
	    200, 20 },
	{ "POST", "/orders", NULL, true, DEMO_RQ_JSON, DEMO_RS_JSON, 201, 6 },
	{ "PATCH", "/orders/{orderId}", NULL, true, DEMO_RQ_JSON,
	    DEMO_RS_JSON, 200, 3 },
	{ "DELETE", "/orders/{orderId}", NULL, true, DEMO_RQ_NONE,
	    DEMO_RS_EMPTY, 204, 1 },
	{ NULL, NULL, NULL, false, 0, 0, 0, 0 }
};

static const struct demo_endpoint demo_eps_users[] = {
	{ "GET", "/users/{id}", NULL, true, DEMO_RQ_NONE, DEMO_RS_JSON, 200,
	    20 },
	{ "GET", "/users", "?page=2", false, DEMO_RQ_NONE, DEMO_RS_LIST, 200,
	    8 },
	{ "POST", "/users", NULL, false, DEMO_RQ_JSON, DEMO_RS_JSON, 201, 4 },
	{ "DELETE", "/users/{id}", NULL, true, DEMO_RQ_NONE, DEMO_RS_EMPTY,
	    204, 1 },
	{ "GET", "/users/{id}/avatar", NULL, true, DEMO_RQ_NONE, DEMO_RS_PNG,
	    200, 3 },
	{ NULL, NULL, NULL, false, 0, 0, 0, 0 }
};

static const struct demo_endpoint demo_eps_soap[] = {
	{ "POST", "/CalculatorService", NULL, false, DEMO_RQ_XML,
	    DEMO_RS_XML, 200, 10 },
	{ "GET", "/CalculatorService", "?wsdl", false, DEMO_RQ_NONE,
	    DEMO_RS_XML, 200, 2 },
	{ NULL, NULL, NULL, false, 0, 0, 0, 0 }
};

static const struct demo_endpoint demo_eps_weather[] = {
	{ "GET", "/forecast", "?city=London&days=3", true, DEMO_RQ_NONE,
	    DEMO_RS_LIST, 200, 15 },
	{ "GET", "/radar/{tile}", NULL, true, DEMO_RQ_NONE, DEMO_RS_PNG, 200,
	    5 },
	{ NULL, NULL, NULL, false, 0, 0, 0, 0 }
};

static const struct demo_api demo_apis[] = {
	{ 0, "b4ea4fd3b7f84c0b4c4b1e5d1f0a7c21", "Petstore", "/petstore/",
	    "petstore.internal:8080", "api.acme.example", "nginx/1.25.3",
	    demo_v12, DEMO_AUTH_TOKEN, demo_tags_pets, demo_eps_pets, 30, 45,
	    30000, false, false },
	{ 0, "727dad853a8a45f64ab981154d1ffdad", "httpbin", "/httpbin/",
	    "httpbin.org", "api.acme.example", "gunicorn/19.9.0", NULL,
	    DEMO_AUTH_KEYLESS, NULL, demo_eps_httpbin, 20, 120, 10000, true,
	    false },
	{ 0, "9f3c1a2b4d5e6f708192a3b4c5d6e7f8", "Payments API",
	    "/payments/", "payments.svc.cluster.local:9000",
	    "api.acme.example", "envoy", NULL, DEMO_AUTH_OAUTH, demo_tags_pci,
	    demo_eps_pay, 12, 80, 15000, false, false },
	{ 1, "3d6a9e1f2b8c4d7e9a0b1c2d3e4f5a6b", "Orders Service", "/shop/",
	    "orders.internal:3000", "gateway.globex.example", "Kestrel",
	    demo_vdefault, DEMO_AUTH_TOKEN, demo_tags_shop, demo_eps_orders,
	    18, 60, 30000, false, false },
	{ 1, "c0ffee00d15ea5e0b01dface12345678", "Users API", "/users-api/",
	    "users.internal:8081", "gateway.globex.example", "Jetty(11.0.18)",
	    demo_v12, DEMO_AUTH_TOKEN, NULL, demo_eps_users, 12, 35, 30000,
	    false, false },
	{ 1, "5a1b2c3d4e5f60718293a4b5c6d7e8f9", "Inventory TCP Proxy", "",
	    "inventory-db.internal:5432", "", "", NULL, DEMO_AUTH_TCP, NULL,
	    NULL, 0, 0, 0, false, false },
	{ 2, "e1d2c3b4a5968778695a4b3c2d1e0f90", "Legacy SOAP Bridge",
	    "/soap/", "soap-legacy.initech.local:8443", "apis.initech.example",
	    "Microsoft-IIS/8.5", NULL, DEMO_AUTH_KEYLESS, NULL, demo_eps_soap,
	    5, 300, 60000, false, false },
	{ 2, "0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d", "Weather", "/weather/",
	    "api.weather.example", "apis.initech.example", "cloudflare",
	    demo_v1, DEMO_AUTH_TOKEN, NULL, demo_eps_weather, 10, 150, 5000,
	    true, true },
};
#define DEMO_NAPIS	(sizeof demo_apis / sizeof demo_apis[0])
#define DEMO_TCP_API	5

static const struct demo_geo demo_geos[] = {
	{ "US", 5128581, { { "en", "New York" }, { "de", "New York" },
	    { "ja", "ニューヨーク" } }, 40.7143, -74.006, "America/New_York",
	    "73.162.", "2601:646:" },
	{ "GB", 2643743, { { "en", "London" }, { "fr", "Londres" },
	    { NULL, NULL } }, 51.5085, -0.1257, "Europe/London", "81.2.",
	    "2a00:23c7:" },
	{ "DE", 2950159, { { "en", "Berlin" }, { "ru", "Берлин" },
	    { NULL, NULL } }, 52.5244, 13.4105, "Europe/Berlin", "91.64.",
	    "2003:e5:" },
	{ "FR", 2988507, { { "en", "Paris" }, { NULL, NULL }, { NULL, NULL } },
	    48.8534, 2.3488, "Europe/Paris", "90.84.", "2a01:cb00:" },
	{ "JP", 1850147, { { "en", "Tokyo" }, { "ja", "東京" },
	    { NULL, NULL } }, 35.6895, 139.6917, "Asia/Tokyo", "126.78.",
	    "240b:10:" },
	{ "IN", 1275339, { { "en", "Mumbai" }, { NULL, NULL }, { NULL, NULL } },
	    19.0728, 72.8826, "Asia/Kolkata", "49.36.", "2401:4900:" },
	{ "BR", 3448439, { { "en", "São Paulo" }, { "pt-BR", "São Paulo" },
	    { NULL, NULL } }, -23.5475, -46.6361, "America/Sao_Paulo",
	    "177.92.", "2804:14c:" },
	{ "AU", 2147714, { { "en", "Sydney" }, { NULL, NULL }, { NULL, NULL } },
	    -33.8678, 151.2073, "Australia/Sydney", "101.160.", "2001:8003:" },
	{ "NG", 2332459, { { "en", "Lagos" }, { NULL, NULL }, { NULL, NULL } },
	    6.4541, 3.3947, "Africa/Lagos", "102.89.", "2c0f:f5c0:" },
	{ "CA", 6167865, { { "en", "Toronto" }, { "fr", "Toronto" },
	    { NULL, NULL } }, 43.7001, -79.4163, "America/Toronto", "99.229.",
	    "2607:fea8:" },
};
#define DEMO_NGEOS	(sizeof demo_geos / sizeof demo_geos[0])

static const char *const demo_uas[] = {
	"curl/8.5.0",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
	    "(KHTML, like Gecko) Chrome/121.0.0.0 Safari/537.36",
	"Mozilla/5.0 (iPhone; CPU iPhone OS 17_3 like Mac OS X) "
	    "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.3 "
	    "Mobile/15E148 Safari/604.1",
	"okhttp/4.12.0",
	"PostmanRuntime/7.36.1",
	"python-requests/2.31.0",
	"Apache-HttpClient/4.5.14 (Java/17.0.9)",
	"axios/1.6.7",
	"",		/* none: recorded as Go-http-client/1.1 */
};
#define DEMO_NUAS	(sizeof demo_uas / sizeof demo_uas[0])

/* The API that fails in each burst window, in turn. */
static const int demo_burst_apis[] = { 0, 3, 1, 7 };

static const char *const demo_aliases[] = {
	"alice@example.com", "mobile-app-ios", "partner-acme", "",
	"billing-batch", "bob", "grafana-probe", "", "checkout-web",
	"data-team", "", "legacy-integration"
};
static const char *const demo_stags[] = {
	"tier-gold", "tier-free", "team-mobile", "partner", "internal"
};

/* splitmix64: seeds the generator, and makes catalogue ids. */
static uint64_t
demo_splitmix(uint64_t *x)
{
	uint64_t	 z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (z ^ (z >> 31));
}

/* xorshift64*: the traffic's random numbers. */
static uint64_t
demo_rand(struct demo *d)
{
	d->rng ^= d->rng >> 12;
	d->rng ^= d->rng << 25;
	d->rng ^= d->rng >> 27;
	return (d->rng * 0x2545f4914f6cdd1dULL);
}

/* A number in [0, n). */
static uint32_t
demo_below(struct demo *d, uint32_t n)
{
	return (n == 0 ? 0 : (uint32_t)((demo_rand(d) >> 32) % n));
}

/* A double in [0, 1). */
static double
demo_unit(struct demo *d)
{
	return ((double)(demo_rand(d) >> 11) * (1.0 / 9007199254740992.0));
}

static void
demo_hex(uint64_t *x, char *out, size_t n)
{
	static const char	 digits[] = "0123456789abcdef";
	uint64_t		 v = 0;
	size_t			 i;

	for (i = 0; i < n; i++) {
		if (i % 16 == 0)
			v = demo_splitmix(x);
		out[i] = digits[v & 0xf];
		v >>= 4;
	}
	out[n] = '\0';
}

/*
 * MurmurHash3 x86_32 of len bytes: Tyk's default key hash (hash_keys),
 * written as 8 hex digits.  The hash of "" with seed 0 is 0.
 */
uint32_t
demo_murmur3(const void *key, size_t len, uint32_t seed)
{
	const unsigned char	*p = key;
	uint32_t		 h = seed, k;
	size_t			 i, nblocks = len / 4;

	for (i = 0; i < nblocks; i++) {
		k = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 |
		    (uint32_t)p[4 * i + 2] << 16 | (uint32_t)p[4 * i + 3] << 24;
		k *= 0xcc9e2d51;
		k = (k << 15) | (k >> 17);
		k *= 0x1b873593;
		h ^= k;
		h = (h << 13) | (h >> 19);
		h = h * 5 + 0xe6546b64;
	}
	k = 0;
	p += nblocks * 4;
	if ((len & 3) == 3)
		k ^= (uint32_t)p[2] << 16;
	if ((len & 3) >= 2)
		k ^= (uint32_t)p[1] << 8;
	if ((len & 3) >= 1) {
		k ^= p[0];
		k *= 0xcc9e2d51;
		k = (k << 15) | (k >> 17);
		k *= 0x1b873593;
		h ^= k;
	}
	h ^= (uint32_t)len;
	h ^= h >> 16;
	h *= 0x85ebca6b;
	h ^= h >> 13;
	h *= 0xc2b2ae35;
	h ^= h >> 16;
	return (h);
}

/* Append standard base64 (RFC 4648, padded, no line breaks) of len bytes. */
void
demo_base64(struct buf *b, const void *in, size_t len)
{
	static const char	 t[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char	*p = in;
	char			*o;
	size_t			 i, olen = (len + 2) / 3 * 4;
	uint32_t		 v;

	buf_reserve(b, b->len + olen + 1);
	o = b->data + b->len;
	for (i = 0; i + 2 < len; i += 3) {
		v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 | p[i + 2];
		*o++ = t[v >> 18];
		*o++ = t[(v >> 12) & 0x3f];
		*o++ = t[(v >> 6) & 0x3f];
		*o++ = t[v & 0x3f];
	}
	if (i < len) {
		v = (uint32_t)p[i] << 16;
		if (i + 1 < len)
			v |= (uint32_t)p[i + 1] << 8;
		*o++ = t[v >> 18];
		*o++ = t[(v >> 12) & 0x3f];
		*o++ = i + 1 < len ? t[(v >> 6) & 0x3f] : '=';
		*o++ = '=';
	}
	b->len += olen;
	b->data[b->len] = '\0';
}

static void
demo_png_chunk(struct buf *b, const char *type, const unsigned char *data,
    size_t len)
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
demo_make_png(struct buf *b)
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
	demo_png_chunk(b, "IHDR", ihdr, sizeof ihdr);
	demo_png_chunk(b, "IDAT", z, zlen);
	demo_png_chunk(b, "IEND", NULL, 0);
}

/* Gzip len bytes into out (deterministic: no name, mtime 0). */
static void
demo_gzip(struct buf *out, const void *in, size_t len)
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

/* Build the fixed catalogue: policies, keys, OAuth clients, devices. */
static void
demo_catalogue(struct demo *d)
{
	uint64_t		 x = DEMO_CATALOGUE_SEED;
	struct demo_key		*k;
	struct demo_client	*c;
	const struct demo_geo	*g;
	char			 hex[40], js[160];
	size_t			 o, i, j;
	uint64_t		 r;

	for (o = 0; o < 3; o++)
		for (i = 0; i < 3; i++)
			demo_hex(&x, d->pols[o][i], 24);
	for (i = 0; i < DEMO_NCLIENTS; i++) {
		c = &d->clients[i];
		r = demo_splitmix(&x);
		c->ua = (int)(r % DEMO_NUAS);
		c->browser = c->ua == 1 || c->ua == 2;
		c->gzip = c->browser || c->ua == 3 || c->ua == 5 ||
		    (r >> 20) % 3 == 0;
		if ((r >> 8) % 10 == 0) {
			c->geo = -1;
			snprintf(c->ip, sizeof c->ip, "10.%u.%u.%u",
			    (unsigned)((r >> 24) & 0xff),
			    (unsigned)((r >> 32) & 0xff),
			    (unsigned)((r >> 40) % 254 + 1));
			continue;
		}
		c->geo = (int)((r >> 12) % DEMO_NGEOS);
		g = &demo_geos[c->geo];
		if ((r >> 16) % 5 == 0)
			snprintf(c->ip, sizeof c->ip, "%s%x:%x:%x",
			    g->ipv6, (unsigned)((r >> 24) & 0xffff),
			    (unsigned)((r >> 40) & 0xfff),
			    (unsigned)((r >> 52) & 0xfff) + 1);
		else
			snprintf(c->ip, sizeof c->ip, "%s%u.%u", g->ipv4,
			    (unsigned)((r >> 24) & 0xff),
			    (unsigned)((r >> 32) % 254 + 1));
	}
	for (o = 0; o < 3; o++) {
		for (i = 0; i < DEMO_NKEYS; i++) {
			k = &d->keys[o][i];
			r = demo_splitmix(&x);
			k->org = (int)o;
			demo_hex(&x, hex, 32);
			if (o == 1 && i % 4 == 1) {
				/* Newer key format: base64 of a JSON id. */
				struct buf	 b;

				snprintf(js, sizeof js, "{\"org\":\"%s\","
				    "\"id\":\"%s\",\"h\":\"murmur64\"}",
				    demo_orgs[o].id, hex);
				buf_init(&b);
				demo_base64(&b, js, strlen(js));
				for (j = 0; j < b.len; j++)
					if (b.data[j] == '=')
						b.len = j;
				snprintf(k->token, sizeof k->token, "%.*s",
				    (int)b.len, b.data);
				buf_clear(&b);
			} else if (o == 2 && i == 3)
				snprintf(k->token, sizeof k->token,
				    "initech-reporting-key");
			else
				snprintf(k->token, sizeof k->token, "%s%s",
				    demo_orgs[o].id, hex);
			if (demo_orgs[o].hash_keys)
				snprintf(k->recorded, sizeof k->recorded,
				    "%08x", demo_murmur3(k->token,
				    strlen(k->token), 0));
			else
				snprintf(k->recorded, sizeof k->recorded, "%s",
				    k->token);
			k->alias = demo_aliases[(i + o) %
			    (sizeof demo_aliases / sizeof demo_aliases[0])];
			k->pol[0] = d->pols[o][r % 3];
			k->pol[1] = (r >> 8) % 4 == 0 ?
			    d->pols[o][(r % 3 + 1) % 3] : NULL;
			k->stags[0] = (r >> 16) % 3 == 0 ? NULL :
			    demo_stags[(r >> 24) % 5];
			k->stags[1] = (r >> 32) % 5 == 0 ? "beta" : NULL;
			k->client = (int)((r >> 40) % DEMO_NCLIENTS);
		}
	}
	for (i = 0; i < DEMO_NOAUTH; i++) {
		demo_hex(&x, d->oauth[i].id, 32);
		demo_hex(&x, d->oauth[i].secret, 32);
		for (j = 0; j < 2; j++) {
			demo_hex(&x, d->oauth[i].token[j], 32);
			snprintf(d->oauth[i].recorded[j],
			    sizeof d->oauth[i].recorded[j], "%08x",
			    demo_murmur3(d->oauth[i].token[j], 32, 0));
		}
		d->oauth[i].pol = d->pols[0][i];
	}
}

/* Default configuration: seed 1, 20 records/s, 2024-02-29T10:00:00Z. */
void
demo_config_init(struct demo_config *c)
{
	c->seed = 1;
	c->rate = 20;
	c->start_sec = DEMO_START_SEC;
	c->payload_fraction = 0.3;
}

/* Create a generator. */
struct demo *
demo_create(const struct demo_config *cfg)
{
	struct demo	*d;
	uint64_t	 x;
	double		 iv;

	d = xcalloc(1, sizeof *d);
	d->cfg = *cfg;
	x = cfg->seed;
	d->rng = demo_splitmix(&x);
	if (d->rng == 0)
		d->rng = 1;
	iv = cfg->rate > 0 ? 1e9 / cfg->rate : 1e9 / 20;
	d->interval = iv < 1 ? 1 : (int64_t)iv;
	d->net_next = cfg->start_sec * 1000000000LL + 250000000;
	buf_init(&d->png);
	demo_catalogue(d);
	demo_make_png(&d->png);
	return (d);
}

/* Free a generator. */
void
demo_free(struct demo *d)
{
	struct buf	*bufs[] = { &d->png, &d->raw_path, &d->path, &d->orig,
	    &d->uri, &d->key, &d->token, &d->tags, &d->names, &d->req,
	    &d->resp, &d->req64, &d->resp64, &d->body, &d->rbody, &d->tmp,
	    &d->ip };
	size_t		 i;

	if (d == NULL)
		return;
	for (i = 0; i < sizeof bufs / sizeof bufs[0]; i++)
		buf_clear(bufs[i]);
	free(d);
}

/* Records handed out so far. */
uint64_t
demo_count(const struct demo *d)
{
	return (d->count);
}

static struct slice
demo_sl(const struct buf *b)
{
	struct slice	 s;

	s.ptr = b->data != NULL ? b->data : "";
	s.len = b->len;
	return (s);
}

static struct slice
demo_cs(const char *s)
{
	struct slice	 r;

	r.ptr = s != NULL ? s : "";
	r.len = s != NULL ? strlen(s) : 0;
	return (r);
}

static void
demo_tag(struct demo *d, const char *prefix, const char *s, size_t len)
{
	size_t	 plen = strlen(prefix);

	buf_reset(&d->tmp);
	buf_add(&d->tmp, prefix, plen);
	buf_add(&d->tmp, s, len);
	record_list_add(&d->tags, d->tmp.data, d->tmp.len);
}

/* An empty record: zero numbers, every string "" (never NULL). */
static void
demo_blank(struct demo_record *out)
{
	struct slice	*f[] = { &out->method, &out->host, &out->path,
	    &out->raw_path, &out->user_agent, &out->api_key,
	    &out->api_version, &out->api_name, &out->api_id, &out->org_id,
	    &out->oauth_id, &out->raw_request, &out->raw_response,
	    &out->ip_address, &out->iso_code, &out->names, &out->time_zone,
	    &out->tags, &out->alias, &out->api_schema, &out->original_path,
	    &out->listen_path };
	size_t		 i;

	memset(out, 0, sizeof *out);
	for (i = 0; i < sizeof f / sizeof f[0]; i++)
		*f[i] = demo_cs("");
}

/* Set dates, ExpireAt and the org of a record. */
static void
demo_times(struct demo_record *out, const struct demo_org *org, int64_t ts)
{
	int64_t	 y;
	int	 mi, s;

	out->ts_sec = ts / 1000000000;
	out->ts_nsec = (uint32_t)(ts % 1000000000);
	timefmt_civil(out->ts_sec, &y, &out->month, &out->day, &out->hour,
	    &mi, &s);
	out->year = (int)y;
	out->exp_sec = out->ts_sec + (org->expire != 0 ? org->expire :
	    DEMO_EXPIRE_100Y);
	out->exp_nsec = out->ts_nsec;
	out->org_id = demo_cs(org->id);
}

/* A network-statistics record of the TCP API (response code -1). */
static void
demo_network(struct demo *d, int64_t ts, struct demo_record *out)
{
	const struct demo_api	*a = &demo_apis[DEMO_TCP_API];

	demo_blank(out);
	buf_reset(&d->tags);
	demo_times(out, &demo_orgs[a->org], ts);
	out->response_code = -1;
	out->api_name = demo_cs(a->name);
	out->api_id = demo_cs(a->id);
	out->path = demo_cs("/");
	out->raw_path = demo_cs("/");
	out->open_connections = demo_below(d, 6);
	out->closed_connection = demo_below(d, 5);
	out->bytes_in = 200 + demo_below(d, 48000);
	out->bytes_out = 500 + demo_below(d, 250000);
	demo_tag(d, "org-", out->org_id.ptr, out->org_id.len);
	demo_tag(d, "api-", out->api_id.ptr, out->api_id.len);
	out->tags = demo_sl(&d->tags);
}

static const struct demo_api *
demo_pick_api(struct demo *d)
{
	uint32_t	 total = 0, r;
	size_t		 i;

	for (i = 0; i < DEMO_NAPIS; i++)
		total += (uint32_t)demo_apis[i].weight;
	r = demo_below(d, total);
	for (i = 0; i < DEMO_NAPIS; i++) {
		if (r < (uint32_t)demo_apis[i].weight)
			return (&demo_apis[i]);
		r -= (uint32_t)demo_apis[i].weight;
	}
	return (&demo_apis[0]);
}

static const struct demo_endpoint *
demo_pick_ep(struct demo *d, const struct demo_api *a)
{
	const struct demo_endpoint	*e;
	uint32_t			 total = 0, r;

	for (e = a->eps; e->method != NULL; e++)
		total += (uint32_t)e->weight;
	r = demo_below(d, total);
	for (e = a->eps; e->method != NULL; e++) {
		if (r < (uint32_t)e->weight)
			return (e);
		r -= (uint32_t)e->weight;
	}
	return (a->eps);
}

/* Expand a track pattern into a real path. */
static void
demo_expand(struct demo *d, const char *pat, struct buf *out)
{
	const char	*p, *e;
	char		 hex[40];
	uint64_t	 x;
	unsigned	 z, tx, ty;

	buf_reset(out);
	for (p = pat; *p != '\0'; p++) {
		if (*p != '{') {
			buf_addc(out, *p);
			continue;
		}
		e = strchr(p, '}');
		if (e == NULL)
			break;
		if (strncmp(p, "{orderId}", 9) == 0) {
			x = demo_rand(d);
			demo_hex(&x, hex, 32);
			buf_printf(out, "%.8s-%.4s-4%.3s-a%.3s-%.12s", hex,
			    hex + 8, hex + 12, hex + 15, hex + 18);
		} else if (strncmp(p, "{chargeId}", 10) == 0) {
			x = demo_rand(d);
			demo_hex(&x, hex, 24);
			buf_printf(out, "ch_%s", hex);
		} else if (strncmp(p, "{tile}", 6) == 0) {
			/* One call per statement: argument order varies. */
			z = 6 + demo_below(d, 4);
			tx = demo_below(d, 64);
			ty = demo_below(d, 64);
			buf_printf(out, "%u-%u-%u.png", z, tx, ty);
		} else
			buf_printf(out, "%u", 1 + demo_below(d, 9999));
		p = e;
	}
}

/* The upstream's JSON body for a successful call. */
static void
demo_json_body(struct demo *d, const struct demo_api *a,
    const struct demo_endpoint *e, struct buf *b, bool request)
{
	unsigned	 n, i, id = 1 + demo_below(d, 9999);
	uint64_t	 r1, r2;
	int		 lo, hi;
	static const char *const names[] = { "doggie", "Rex", "Mittens",
	    "Nemo", "Polly", "Bubbles" };
	static const char *const status[] = { "available", "pending",
	    "sold" };

	if (a->eps == demo_eps_pets) {
		if (e->rs == DEMO_RS_LIST) {
			n = 3 + demo_below(d, 8);
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
	} else if (a->eps == demo_eps_pay) {
		if (request)
			buf_printf(b, "{\"amount\":%u,\"currency\":\"usd\","
			    "\"source\":\"tok_visa\",\"description\":"
			    "\"Order #%u\",\"metadata\":{\"customer\":"
			    "\"cus_%u\"}}", 100 + demo_below(d, 99900), id,
			    id * 7);
		else if (strcmp(e->pattern, "/oauth/token") == 0) {
			r1 = demo_rand(d);
			r2 = demo_rand(d);
			buf_printf(b, "{\"access_token\":\"%016llx%016llx\","
			    "\"expires_in\":3600,\"token_type\":\"bearer\"}",
			    (unsigned long long)r1, (unsigned long long)r2);
		}
		else
			buf_printf(b, "{\"id\":\"ch_%u\",\"object\":\"charge\","
			    "\"amount\":%u,\"currency\":\"usd\",\"paid\":true,"
			    "\"status\":\"succeeded\"}", id,
			    100 + demo_below(d, 99900));
	} else if (a->eps == demo_eps_orders || a->eps == demo_eps_users) {
		if (e->rs == DEMO_RS_LIST) {
			n = 2 + demo_below(d, 6);
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
	} else if (a->eps == demo_eps_weather) {
		n = 3;
		buf_adds(b, "{\"city\":\"London\",\"days\":[");
		for (i = 0; i < n; i++) {
			lo = (int)demo_below(d, 10) - 2;
			hi = 8 + (int)demo_below(d, 12);
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
			    demo_below(d, 100));
		else {
			n = demo_below(d, 256);
			r1 = demo_rand(d);
			i = 1 + demo_below(d, 254);
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

struct demo_req {
	const struct demo_api		*api;
	const struct demo_endpoint	*ep;
	const struct demo_client	*client;
	const char			*token;		/* presented, or "" */
	const char			*oauth_id;
	const char			*oauth_secret;
	int				 code;
	bool				 gw_error;	/* HTTP/0.0 response */
	const char			*gw_message;
	bool				 cached;
	bool				 chunked;
};

/* Build raw_request and raw_response (base64) for a detailed record. */
static void
demo_detail(struct demo *d, struct demo_req *q, struct demo_record *out)
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

	buf_reset(&d->req);
	buf_reset(&d->resp);
	buf_reset(&d->req64);
	buf_reset(&d->resp64);
	buf_reset(&d->body);
	buf_reset(&d->rbody);
	memset(&hs, 0, sizeof hs);

	/* Request body. */
	switch (e->rq) {
	case DEMO_RQ_NONE:
		break;
	case DEMO_RQ_JSON:
	case DEMO_RQ_CHUNKED:
		demo_json_body(d, a, e, &d->body, true);
		ctype = "application/json";
		framing = e->rq == DEMO_RQ_JSON ? DEMO_BODY_LENGTH :
		    demo_below(d, 3) == 0 ? DEMO_BODY_CHUNKED_FULL :
		    DEMO_BODY_CHUNKED;
		break;
	case DEMO_RQ_FORM:
		if (q->oauth_id != NULL)
			buf_printf(&d->body, "grant_type=client_credentials&"
			    "client_id=%s&client_secret=%s&scope=charges%%3A"
			    "write", q->oauth_id, q->oauth_secret);
		else
			buf_printf(&d->body, "name=Jane+Doe&email=jane%%40"
			    "example.com&comment=caf%%C3%%A9+%%26+cr%%C3%%A8me"
			    "&n=%u", demo_below(d, 1000));
		ctype = "application/x-www-form-urlencoded";
		framing = DEMO_BODY_LENGTH;
		break;
	case DEMO_RQ_XML:
		ia = demo_below(d, 100);
		ib = demo_below(d, 100);
		buf_printf(&d->body, "<?xml version=\"1.0\" encoding=\"utf-8\"?>"
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
	    (int64_t)d->body.len : framing == DEMO_BODY_NONE ||
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
		x = demo_rand(d);
		snprintf(cookie, sizeof cookie, "session=%016llx; _ga=GA1.2.%u."
		    "1709%06u", (unsigned long long)x,
		    (unsigned)(x >> 40), (unsigned)(x % 1000000));
		demo_http_add(&hs, "Cookie", cookie);
	}
	if (q->code == 304) {
		snprintf(etag, sizeof etag, "W/\"%08x\"", demo_below(d,
		    0x7fffffff));
		demo_http_add(&hs, "If-None-Match", etag);
	}
	if (demo_below(d, 3) == 0) {
		x = demo_rand(d);
		snprintf(rid, sizeof rid, "%016llx", (unsigned long long)x);
		demo_http_add(&hs, "X-Request-Id", rid);
	}
	demo_http_request(&d->req, e->method, d->uri.data, a->gateway, ua, &hs,
	    framing, d->body.data, d->body.len);
	demo_base64(&d->req64, d->req.data, d->req.len);
	out->raw_request = demo_sl(&d->req64);

	/* A cached response has no response copy. */
	if (q->cached) {
		out->raw_response = demo_cs("");
		return;
	}

	memset(&hs, 0, sizeof hs);
	if (q->gw_error) {
		buf_printf(&d->rbody, "{\n    \"error\": \"%s\"\n}",
		    q->gw_message);
		demo_http_add(&hs, "Content-Type", "application/json");
		demo_http_response(&d->resp, 0, 0, q->code, &hs, 0, e->method,
		    d->rbody.data, d->rbody.len);
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
			buf_adds(&d->rbody, "\n    -=[ teapot ]=-\n\n"
			    "       _...._\n     .'  _ _ `.\n    | .\"` ^ `\". _,"
			    "\n    \\_;`\"---\"`|//\n      |       ;/\n      \\_"
			    "     _/\n        `\"\"\"`\n");
		ctype = NULL;
	} else if (q->code == 301 || q->code == 302) {
		demo_http_add(&hs, "Location", "/get");
		buf_adds(&d->rbody, "");
		ctype = NULL;
	} else if (q->code >= 400) {
		if (q->code == 502 || q->code == 503) {
			buf_printf(&d->rbody, "<html>\r\n<head><title>%d %s"
			    "</title></head>\r\n<body>\r\n<center><h1>%d %s"
			    "</h1></center>\r\n<hr><center>nginx</center>\r\n"
			    "</body>\r\n</html>\r\n", q->code,
			    demo_http_status_text(q->code), q->code,
			    demo_http_status_text(q->code));
			ctype = "text/html";
		} else
			buf_printf(&d->rbody, "{\"code\":%d,\"type\":\"error\","
			    "\"message\":\"%s\"}", q->code, q->code == 404 ?
			    "not found" : q->code == 400 ?
			    "invalid input: missing field 'name'" :
			    "internal error");
	} else {
		switch (e->rs) {
		case DEMO_RS_JSON:
		case DEMO_RS_LIST:
			demo_json_body(d, a, e, &d->rbody, false);
			if (e->rs == DEMO_RS_LIST && q->client->gzip &&
			    demo_below(d, 2) == 0)
				gz_label = true;
			break;
		case DEMO_RS_GZIP:
			demo_json_body(d, a, e, &d->rbody, false);
			if (q->client->gzip) {
				/*
				 * Mostly what today's gateway records: the
				 * body gunzipped, the header kept.  Some
				 * records keep the real gzip bytes (older
				 * gateways), so viewers must sniff 1f 8b.
				 */
				if (demo_below(d, 4) == 0)
					gz_real = true;
				else
					gz_label = true;
			}
			break;
		case DEMO_RS_PNG:
			buf_add(&d->rbody, d->png.data, d->png.len);
			ctype = "image/png";
			break;
		case DEMO_RS_EMPTY:
			ctype = NULL;
			break;
		case DEMO_RS_XML:
			buf_printf(&d->rbody, "<?xml version=\"1.0\" encoding="
			    "\"utf-8\"?><soap:Envelope xmlns:soap=\"http://"
			    "schemas.xmlsoap.org/soap/envelope/\"><soap:Body>"
			    "<AddResponse xmlns=\"http://tempuri.org/\">"
			    "<AddResult>%u</AddResult></AddResponse>"
			    "</soap:Body></soap:Envelope>", demo_below(d, 200));
			ctype = "text/xml; charset=utf-8";
			break;
		}
		if (a->eps == demo_eps_httpbin) {
			demo_http_add(&hs, "Access-Control-Allow-Credentials",
			    "true");
			demo_http_add(&hs, "Access-Control-Allow-Origin", "*");
		}
		if (q->client->browser && a->eps == demo_eps_orders)
			demo_http_add(&hs, "Set-Cookie", "cart=7f3a; Path=/; "
			    "HttpOnly; Secure");
	}
	if (ctype != NULL)
		demo_http_add(&hs, "Content-Type", ctype);
	length = (int64_t)d->rbody.len;
	if (gz_label || gz_real) {
		demo_http_add(&hs, "Content-Encoding", "gzip");
		demo_http_add(&hs, "Vary", "Accept-Encoding");
	}
	if (gz_real) {
		buf_reset(&d->tmp);
		demo_gzip(&d->tmp, d->rbody.data, d->rbody.len);
		buf_reset(&d->rbody);
		buf_add(&d->rbody, d->tmp.data, d->tmp.len);
		length = (int64_t)d->rbody.len;
	} else if (gz_label)
		length = -1;
	demo_http_response(&d->resp, major, minor, q->code, &hs, length,
	    e->method, d->rbody.data, d->rbody.len);
done:
	demo_base64(&d->resp64, d->resp.data, d->resp.len);
	out->raw_response = demo_sl(&d->resp64);
}

/* Latency of an upstream round trip: a skewed distribution, some tail. */
static int64_t
demo_upstream_ms(struct demo *d, const struct demo_api *a)
{
	double	 u = demo_unit(d), v;

	v = a->upstream_ms * (0.35 + -log(1.0 - u) * 0.8);
	if (demo_below(d, 50) == 0)
		v *= 6 + demo_below(d, 10);
	return ((int64_t)v + 1);
}

/* An HTTP record at ts (ns). */
static void
demo_http(struct demo *d, int64_t ts, struct demo_record *out)
{
	struct demo_req			 q;
	const struct demo_api		*a;
	const struct demo_endpoint	*e;
	const struct demo_org		*org;
	const struct demo_key		*k = NULL;
	const struct demo_oauth		*oc = NULL;
	const struct demo_geo		*g;
	const char			*alias = "", *listen;
	int64_t				 sec, win, up, gw;
	double				 r;
	size_t				 i, llen;
	bool				 session = false, bogus = false;

	demo_blank(out);
	memset(&q, 0, sizeof q);
	buf_reset(&d->tags);
	buf_reset(&d->names);
	a = demo_pick_api(d);
	e = demo_pick_ep(d, a);
	org = &demo_orgs[a->org];
	q.api = a;
	q.ep = e;
	q.token = "";
	demo_times(out, org, ts);

	/* Who calls. */
	switch (a->auth) {
	case DEMO_AUTH_TOKEN:
		k = &d->keys[a->org][demo_below(d, DEMO_NKEYS)];
		q.client = &d->clients[k->client];
		q.token = k->token;
		session = true;
		alias = k->alias;
		break;
	case DEMO_AUTH_OAUTH:
		oc = &d->oauth[demo_below(d, DEMO_NOAUTH)];
		i = demo_below(d, 2);
		q.client = &d->clients[(oc - d->oauth) * 7 + i];
		if (strcmp(e->pattern, "/oauth/token") == 0) {
			q.oauth_id = oc->id;
			q.oauth_secret = oc->secret;
		} else {
			q.token = oc->token[i];
			q.oauth_id = oc->id;
			session = true;
		}
		break;
	default:
		q.client = &d->clients[demo_below(d, DEMO_NCLIENTS)];
		break;
	}

	/* What happens. */
	sec = out->ts_sec;
	win = sec / DEMO_BURST_PERIOD;
	r = demo_unit(d);
	if (win % 2 == 1 && sec % DEMO_BURST_PERIOD < DEMO_BURST_LENGTH &&
	    a == &demo_apis[demo_burst_apis[(win / 2) % 4]] && r < 0.85) {
		r = demo_unit(d);
		q.code = r < 0.4 ? 502 : r < 0.6 ? 503 : 504;
		q.gw_error = q.code != 503;
	} else if (session && r < 0.03) {
		q.code = 401;
		q.token = "";
		session = false;
		alias = "";
		q.gw_error = true;
		q.gw_message = "Authorization field missing";
	} else if (session && r < 0.045) {
		q.code = 403;
		bogus = true;
		session = false;
		alias = "";
		q.gw_error = true;
		q.gw_message = "Access to this API has been disallowed";
	} else if (session && r < 0.06) {
		q.code = 429;
		q.gw_error = true;
		q.gw_message = "Rate limit exceeded";
	} else if (session && r < 0.063) {
		q.code = 403;
		q.gw_error = true;
		q.gw_message = "Quota exceeded";
	} else if (r < 0.068) {
		q.code = 499;
		q.gw_error = true;
		q.gw_message = "Client closed request";
	} else {
		r = demo_unit(d);
		if (r < 0.03 && strchr(e->pattern, '{') != NULL)
			q.code = 404;
		else if (r < 0.045 && e->rq != DEMO_RQ_NONE)
			q.code = 400;
		else if (r < 0.052)
			q.code = 500;
		else if (r < 0.055)
			q.code = 503;
		else if (r < 0.058)
			q.code = 502, q.gw_error = true;
		else if (r < 0.06)
			q.code = 504, q.gw_error = true;
		else if (r < 0.09 && strcmp(e->method, "GET") == 0 &&
		    e->rs != DEMO_RS_PNG && e->ok == 200)
			q.code = 304;
		else
			q.code = e->ok;
		if (a->cache && q.code == 200 && demo_below(d, 4) == 0)
			q.cached = true;
	}
	if (q.code == 502)
		q.gw_message = "There was a problem proxying the request";
	else if (q.code == 504)
		q.gw_message = "Upstream service reached hard timeout.";

	/* How long it took. */
	gw = 1 + demo_below(d, 3) + (a->auth != DEMO_AUTH_KEYLESS);
	switch (q.code) {
	case 401:
	case 403:
	case 429:
		up = 0;
		gw = demo_below(d, 3);
		break;
	case 499:
		up = 1500 + demo_below(d, 18000);
		gw = 1;
		break;
	case 502:
		/* Half time out connecting, half are refused at once. */
		up = demo_below(d, 2) == 0 ? a->timeout_ms +
		    demo_below(d, 40) : demo_below(d, 4);
		break;
	case 504:
		up = a->timeout_ms + demo_below(d, 25);
		break;
	default:
		up = demo_upstream_ms(d, a);
	}
	if (q.cached) {
		up = 0;
		gw = demo_below(d, 3);
	}
	out->lat_upstream = up;
	out->lat_gateway = gw;
	out->lat_total = up + gw;
	out->request_time = out->lat_total;
	out->response_code = q.code;

	/* The request. */
	out->method = demo_cs(e->method);
	demo_expand(d, e->pattern, &d->raw_path);
	buf_reset(&d->uri);
	buf_add(&d->uri, d->raw_path.data, d->raw_path.len);
	if (e->query != NULL)
		buf_adds(&d->uri, e->query);
	buf_reset(&d->orig);
	listen = a->listen;
	llen = strlen(listen);
	if (llen > 0 && listen[llen - 1] == '/')
		llen--;
	buf_add(&d->orig, listen, llen);
	buf_add(&d->orig, d->raw_path.data, d->raw_path.len);
	out->raw_path = demo_sl(&d->raw_path);
	out->path = e->tracked ? demo_cs(e->pattern) : out->raw_path;
	out->track_path = e->tracked;
	out->original_path = demo_sl(&d->orig);
	out->listen_path = demo_cs(a->listen);
	out->host = demo_cs(a->upstream);
	out->user_agent = demo_cs(demo_uas[q.client->ua]);
	out->ip_address = demo_cs(q.client->ip);
	out->api_name = demo_cs(a->name);
	out->api_id = demo_cs(a->id);
	if (a->versions == NULL)
		out->api_version = demo_cs("Non Versioned");
	else {
		for (i = 0; a->versions[i] != NULL; i++)
			;
		out->api_version = demo_cs(a->versions[i > 1 &&
		    demo_below(d, 10) < 3 ? 1 + demo_below(d,
		    (uint32_t)i - 1) : 0]);
	}
	out->alias = demo_cs(alias);
	if (q.oauth_id != NULL && (session || q.code == 429))
		out->oauth_id = demo_cs(q.oauth_id);
	else
		out->oauth_id = demo_cs("");

	/* APIKey: the presented token, hashed on hash_keys gateways. */
	buf_reset(&d->token);
	buf_reset(&d->key);
	if (bogus) {
		buf_printf(&d->token, "%s%016llx", org->id,
		    (unsigned long long)demo_rand(d));
		q.token = d->token.data;
	}
	if (org->hash_keys)
		buf_printf(&d->key, "%08x", demo_murmur3(q.token,
		    strlen(q.token), 0));
	else
		buf_adds(&d->key, q.token);
	out->api_key = demo_sl(&d->key);

	/* Tags in the gateway's order. */
	if (session) {
		if (k != NULL) {
			for (i = 0; i < 2; i++)
				if (k->pol[i] != NULL)
					demo_tag(d, "pol-", k->pol[i],
					    strlen(k->pol[i]));
			for (i = 0; i < 2; i++)
				if (k->stags[i] != NULL)
					record_list_add(&d->tags, k->stags[i],
					    strlen(k->stags[i]));
		} else if (oc != NULL)
			demo_tag(d, "pol-", oc->pol, strlen(oc->pol));
	}
	for (i = 0; a->tags != NULL && a->tags[i] != NULL; i++)
		record_list_add(&d->tags, a->tags[i], strlen(a->tags[i]));
	if (q.cached)
		record_list_add(&d->tags, "cached-response", 15);
	if (out->api_key.len != 0)
		demo_tag(d, "key-", out->api_key.ptr, out->api_key.len);
	demo_tag(d, "org-", out->org_id.ptr, out->org_id.len);
	demo_tag(d, "api-", out->api_id.ptr, out->api_id.len);
	out->tags = demo_sl(&d->tags);

	/* Geo, when the gateway has a GeoIP database and knows the IP. */
	if (org->geo && q.client->geo >= 0) {
		g = &demo_geos[q.client->geo];
		out->iso_code = demo_cs(g->iso);
		out->geoname_id = g->geoname_id;
		for (i = 0; i < 3 && g->names[i][0] != NULL; i++) {
			record_list_add(&d->names, g->names[i][0],
			    strlen(g->names[i][0]));
			record_list_add(&d->names, g->names[i][1],
			    strlen(g->names[i][1]));
		}
		out->names = demo_sl(&d->names);
		out->latitude = g->lat;
		out->longitude = g->lon;
		out->time_zone = demo_cs(g->tz);
	} else {
		out->iso_code = out->time_zone = out->names = demo_cs("");
	}

	out->content_length = e->rq == DEMO_RQ_CHUNKED ? -1 : 0;
	out->raw_request = out->raw_response = demo_cs("");
	if (demo_unit(d) < d->cfg.payload_fraction)
		demo_detail(d, &q, out);
	else if (e->rq == DEMO_RQ_JSON || e->rq == DEMO_RQ_FORM ||
	    e->rq == DEMO_RQ_XML)
		out->content_length = 60 + demo_below(d, 400);
	out->api_schema = demo_cs("");
}

/*
 * The next record at ts (ns since the epoch, UTC): a network-statistics
 * record if one is due (one a second), else an HTTP record.  For live
 * traffic.  The record's slices stay valid until the next call.
 */
void
demo_next_at(struct demo *d, int64_t ts, struct demo_record *out)
{
	if (ts - d->net_next > 5000000000LL)
		d->net_next = ts - ts % 1000000000 + 250000000;
	if (ts >= d->net_next) {
		demo_network(d, d->net_next + demo_below(d, 1000000), out);
		d->net_next += 1000000000;
	} else {
		demo_http(d, ts, out);
		d->nnormal++;
	}
	d->count++;
}

/*
 * The next record of batch traffic: HTTP records come at the configured
 * rate from the start time (with jitter inside each interval), network
 * records once a second in between.
 */
void
demo_next(struct demo *d, struct demo_record *out)
{
	int64_t	 ts;

	ts = d->cfg.start_sec * 1000000000LL + (int64_t)d->nnormal *
	    d->interval;
	ts += (int64_t)(demo_rand(d) % (uint64_t)d->interval);
	demo_next_at(d, ts, out);
}

/*
 * Fill b (reset by the caller) with r, interning its strings in st.  The
 * payload is copied by store_add (payload_stable is false).
 */
void
demo_build(const struct demo_record *r, struct store *st,
    struct record_build *b)
{
	const struct {
		enum record_str		 f;
		const struct slice	*s;
	} strs[] = {
		{ RS_METHOD, &r->method }, { RS_HOST, &r->host },
		{ RS_PATH, &r->path }, { RS_RAW_PATH, &r->raw_path },
		{ RS_USER_AGENT, &r->user_agent }, { RS_API_KEY, &r->api_key },
		{ RS_API_VERSION, &r->api_version },
		{ RS_API_NAME, &r->api_name }, { RS_API_ID, &r->api_id },
		{ RS_ORG_ID, &r->org_id }, { RS_OAUTH_ID, &r->oauth_id },
		{ RS_IP_ADDRESS, &r->ip_address }, { RS_ALIAS, &r->alias },
		{ RS_ORIGINAL_PATH, &r->original_path },
		{ RS_LISTEN_PATH, &r->listen_path },
	};
	struct slice		 t;
	size_t			 i, off = 0;

	for (i = 0; i < sizeof strs / sizeof strs[0]; i++)
		record_build_str(b, st, strs[i].f, strs[i].s->ptr,
		    strs[i].s->len);
	b->ts_set = b->exp_set = true;
	b->ts_sec = r->ts_sec;
	b->ts_nsec = r->ts_nsec;
	b->exp_sec = r->exp_sec;
	b->exp_nsec = r->exp_nsec;
	b->ts_prec = b->exp_prec = 9;
	b->content_length = r->content_length;
	b->request_time = r->request_time;
	b->lat_total = r->lat_total;
	b->lat_upstream = r->lat_upstream;
	b->lat_gateway = r->lat_gateway;
	b->response_code = r->response_code;
	b->year = r->year;
	b->month = r->month;
	b->day = r->day;
	b->hour = r->hour;
	if (r->track_path)
		b->rec.flags |= REC_TRACK_PATH;
	b->rec.flags |= (uint32_t)REC_ENC_DEMO << REC_ENC_SHIFT;
	if (r->tags_nil)
		b->rec.flags |= REC_TAGS_NULL;
	while (record_list_next(r->tags, &off, &t))
		record_build_tag(b, t.ptr, t.len);
	if (r->iso_code.len != 0 || r->geoname_id != 0 || r->names.len != 0 ||
	    r->time_zone.len != 0 || r->latitude != 0 || r->longitude != 0) {
		b->has_geo = true;
		b->geo.iso_code = strtab_intern(&st->strs, r->iso_code.ptr,
		    r->iso_code.len);
		b->geo.geoname_id = (uint32_t)r->geoname_id;
		b->geo.time_zone = strtab_intern(&st->strs, r->time_zone.ptr,
		    r->time_zone.len);
		b->geo.latitude = r->latitude;
		b->geo.longitude = r->longitude;
		if (r->names.len != 0)
			buf_add(&b->names, r->names.ptr, r->names.len);
	}
	if (r->response_code == -1 || r->open_connections != 0 ||
	    r->closed_connection != 0 || r->bytes_in != 0 ||
	    r->bytes_out != 0) {
		b->rec.flags |= REC_NETWORK;
		b->ex.open_connections = r->open_connections;
		b->ex.closed_connection = r->closed_connection;
		b->ex.bytes_in = r->bytes_in;
		b->ex.bytes_out = r->bytes_out;
		b->has_extra = true;
	}
	if (r->api_schema.len != 0) {
		b->ex.api_schema = strtab_intern(&st->strs, r->api_schema.ptr,
		    r->api_schema.len);
		b->has_extra = true;
	}
	b->req = r->raw_request.ptr;
	b->req_len = r->raw_request.len;
	b->resp = r->raw_response.ptr;
	b->resp_len = r->raw_response.len;
	b->payload_stable = false;
}

/* A view of a stored record (slices borrow from the store). */
void
demo_record_from_store(const struct store *st, const struct record *r,
    struct demo_record *out)
{
	const struct record_extra	*ex = record_extra(st, r);
	struct record_geo		 g;

	memset(out, 0, sizeof *out);
	out->method = record_strs(st, r, RS_METHOD);
	out->host = record_strs(st, r, RS_HOST);
	out->path = record_strs(st, r, RS_PATH);
	out->raw_path = record_strs(st, r, RS_RAW_PATH);
	out->content_length = record_content_length(st, r);
	out->user_agent = record_strs(st, r, RS_USER_AGENT);
	if ((r->flags & REC_WIDE) && ex != NULL) {
		out->day = (int)ex->day;
		out->month = (int)ex->month;
		out->year = (int)ex->year;
		out->hour = (int)ex->hour;
	} else {
		out->day = record_day(r);
		out->month = record_month(r);
		out->year = record_year(r);
		out->hour = record_hour(r);
	}
	out->response_code = record_response_code(st, r);
	out->api_key = record_strs(st, r, RS_API_KEY);
	out->ts_sec = record_ts_sec(st, r);
	out->ts_nsec = record_ts_nsec(st, r);
	out->api_version = record_strs(st, r, RS_API_VERSION);
	out->api_name = record_strs(st, r, RS_API_NAME);
	out->api_id = record_strs(st, r, RS_API_ID);
	out->org_id = record_strs(st, r, RS_ORG_ID);
	out->oauth_id = record_strs(st, r, RS_OAUTH_ID);
	out->request_time = record_request_time(st, r);
	out->raw_request = record_raw_request(r);
	out->raw_response = record_raw_response(r);
	out->ip_address = record_strs(st, r, RS_IP_ADDRESS);
	record_geo(st, r, &g);
	out->iso_code = strtab_get(&st->strs, g.iso_code);
	out->geoname_id = g.geoname_id;
	out->names = strtab_get(&st->strs, g.names);
	out->latitude = g.latitude;
	out->longitude = g.longitude;
	out->time_zone = strtab_get(&st->strs, g.time_zone);
	if (ex != NULL && (r->flags & REC_NETWORK)) {
		out->open_connections = ex->open_connections;
		out->closed_connection = ex->closed_connection;
		out->bytes_in = ex->bytes_in;
		out->bytes_out = ex->bytes_out;
	}
	out->lat_total = record_lat_total(st, r);
	out->lat_upstream = record_lat_upstream(st, r);
	out->lat_gateway = record_lat_gateway(st, r);
	out->tags = record_strs(st, r, RS_TAGS);
	out->tags_nil = (r->flags & REC_TAGS_NULL) && out->tags.len == 0;
	out->alias = record_strs(st, r, RS_ALIAS);
	out->track_path = (r->flags & REC_TRACK_PATH) != 0;
	out->exp_sec = record_exp_sec(st, r);
	out->exp_nsec = record_exp_nsec(st, r);
	out->api_schema = strtab_get(&st->strs, ex != NULL ? ex->api_schema :
	    0);
	out->original_path = record_strs(st, r, RS_ORIGINAL_PATH);
	out->listen_path = record_strs(st, r, RS_LISTEN_PATH);
}
