/* SPDX-License-Identifier: ISC */
/*
 * The demo gateway's catalogue (demo-catalogue.h): constant tables, and
 * the ids and devices made from DEMO_CATALOGUE_SEED.  Changing anything
 * here changes every demo record, and the goldens built on them.
 */
#include "config.h"

#include "demo-catalogue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "bytes.h"
#include "demo-rng.h"

#define DEMO_CATALOGUE_SEED	0x74796b73636f7065ULL	/* "tykscope" */

const struct demo_org demo_orgs[DEMO_NORGS] = {
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

const struct demo_api demo_apis[DEMO_NAPIS] = {
	{ 0, DEMO_APP_PETS, "b4ea4fd3b7f84c0b4c4b1e5d1f0a7c21",
	    "Petstore", "/petstore/",
	    "petstore.internal:8080", "api.acme.example", "nginx/1.25.3",
	    demo_v12, DEMO_AUTH_TOKEN, demo_tags_pets, demo_eps_pets, 30, 45,
	    30000, false, false },
	{ 0, DEMO_APP_HTTPBIN, "727dad853a8a45f64ab981154d1ffdad",
	    "httpbin", "/httpbin/",
	    "httpbin.org", "api.acme.example", "gunicorn/19.9.0", NULL,
	    DEMO_AUTH_KEYLESS, NULL, demo_eps_httpbin, 20, 120, 10000, true,
	    false },
	{ 0, DEMO_APP_PAY, "9f3c1a2b4d5e6f708192a3b4c5d6e7f8",
	    "Payments API",
	    "/payments/", "payments.svc.cluster.local:9000",
	    "api.acme.example", "envoy", NULL, DEMO_AUTH_OAUTH, demo_tags_pci,
	    demo_eps_pay, 12, 80, 15000, false, false },
	{ 1, DEMO_APP_ORDERS, "3d6a9e1f2b8c4d7e9a0b1c2d3e4f5a6b",
	    "Orders Service", "/shop/",
	    "orders.internal:3000", "gateway.globex.example", "Kestrel",
	    demo_vdefault, DEMO_AUTH_TOKEN, demo_tags_shop, demo_eps_orders,
	    18, 60, 30000, false, false },
	{ 1, DEMO_APP_USERS, "c0ffee00d15ea5e0b01dface12345678",
	    "Users API", "/users-api/",
	    "users.internal:8081", "gateway.globex.example", "Jetty(11.0.18)",
	    demo_v12, DEMO_AUTH_TOKEN, NULL, demo_eps_users, 12, 35, 30000,
	    false, false },
	{ 1, DEMO_APP_TCP, "5a1b2c3d4e5f60718293a4b5c6d7e8f9",
	    "Inventory TCP Proxy", "",
	    "inventory-db.internal:5432", "", "", NULL, DEMO_AUTH_TCP, NULL,
	    NULL, 0, 0, 0, false, false },
	{ 2, DEMO_APP_SOAP, "e1d2c3b4a5968778695a4b3c2d1e0f90",
	    "Legacy SOAP Bridge",
	    "/soap/", "soap-legacy.initech.local:8443", "apis.initech.example",
	    "Microsoft-IIS/8.5", NULL, DEMO_AUTH_KEYLESS, NULL, demo_eps_soap,
	    5, 300, 60000, false, false },
	{ 2, DEMO_APP_WEATHER, "0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d",
	    "Weather", "/weather/",
	    "api.weather.example", "apis.initech.example", "cloudflare",
	    demo_v1, DEMO_AUTH_TOKEN, NULL, demo_eps_weather, 10, 150, 5000,
	    true, true },
};

const struct demo_geo demo_geos[DEMO_NGEOS] = {
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

const char *const demo_uas[DEMO_NUAS] = {
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

/* The API that fails in each burst window, in turn. */
const int demo_burst_apis[4] = { 0, 3, 1, 7 };

const char *const demo_aliases[DEMO_NALIASES] = {
	"alice@example.com", "mobile-app-ios", "partner-acme", "",
	"billing-batch", "bob", "grafana-probe", "", "checkout-web",
	"data-team", "", "legacy-integration"
};
const char *const demo_stags[5] = {
	"tier-gold", "tier-free", "team-mobile", "partner", "internal"
};

/* Build the fixed catalogue: policies, keys, OAuth clients, devices. */
void
demo_catalogue_build(struct demo_catalogue *cat)
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
			demo_rng_hex(&x, cat->pols[o][i], 24);
	for (i = 0; i < DEMO_NCLIENTS; i++) {
		c = &cat->clients[i];
		r = demo_rng_splitmix(&x);
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
			snprintf(c->ip, sizeof c->ip, "%s%x:%x::%x",
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
			k = &cat->keys[o][i];
			r = demo_rng_splitmix(&x);
			k->org = (int)o;
			demo_rng_hex(&x, hex, 32);
			if (o == 1 && i % 4 == 1) {
				/* Newer key format: base64 of a JSON id. */
				struct buf	 b;

				snprintf(js, sizeof js, "{\"org\":\"%s\","
				    "\"id\":\"%s\",\"h\":\"murmur64\"}",
				    demo_orgs[o].id, hex);
				buf_init(&b);
				base64_encode_buf(&b, js, strlen(js));
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
			    DEMO_NALIASES];
			k->pol[0] = cat->pols[o][r % 3];
			k->pol[1] = (r >> 8) % 4 == 0 ?
			    cat->pols[o][(r % 3 + 1) % 3] : NULL;
			k->stags[0] = (r >> 16) % 3 == 0 ? NULL :
			    demo_stags[(r >> 24) % 5];
			k->stags[1] = (r >> 32) % 5 == 0 ? "beta" : NULL;
			k->client = (int)((r >> 40) % DEMO_NCLIENTS);
		}
	}
	for (i = 0; i < DEMO_NOAUTH; i++) {
		demo_rng_hex(&x, cat->oauth[i].id, 32);
		demo_rng_hex(&x, cat->oauth[i].secret, 32);
		for (j = 0; j < 2; j++) {
			demo_rng_hex(&x, cat->oauth[i].token[j], 32);
			snprintf(cat->oauth[i].recorded[j],
			    sizeof cat->oauth[i].recorded[j], "%08x",
			    demo_murmur3(cat->oauth[i].token[j], 32, 0));
		}
		cat->oauth[i].pol = cat->pols[0][i];
	}
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
