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
 * messages demo-payload.c builds, base64-encoded on one line.
 *
 * The catalogue is demo-catalogue.c, the random sequence demo-rng.h; this
 * file decides each call (who, what, which outcome, how long) and turns a
 * record into a record_build (demo_build) and back (demo_record_from_store).
 */
#include "config.h"

#include "demo.h"

#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "demo-catalogue.h"
#include "demo-payload.h"
#include "demo-rng.h"
#include "record.h"
#include "store.h"
#include "timefmt.h"
#include "xmalloc.h"

#define DEMO_BURST_PERIOD	300	/* s: one window per 5 minutes */
#define DEMO_BURST_LENGTH	40	/* s: failing part of a window */

struct demo {
	struct demo_config	 cfg;
	struct demo_rng		 rng;
	uint64_t		 count;		/* records handed out */
	uint64_t		 nnormal;	/* HTTP records (batch clock) */
	int64_t			 interval;	/* ns between batch records */
	int64_t			 net_next;	/* ns: next network record */
	struct demo_catalogue	 cat;
	struct demo_payload	 pay;

	/* Per-record scratch; the record's slices point here. */
	struct buf		 raw_path, uri, orig, key, token, tags, names,
				 tmp;
};




/* The traffic's random numbers (demo-rng.h). */
static uint64_t
demo_rand(struct demo *d)
{
	return (demo_rng_next(&d->rng));
}

static uint32_t
demo_below(struct demo *d, uint32_t n)
{
	return (demo_rng_below(&d->rng, n));
}

static double
demo_unit(struct demo *d)
{
	return (demo_rng_unit(&d->rng));
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
	double		 iv;

	d = xcalloc(1, sizeof *d);
	d->cfg = *cfg;
	demo_rng_seed(&d->rng, cfg->seed);
	iv = cfg->rate > 0 ? 1e9 / cfg->rate : 1e9 / 20;
	d->interval = iv < 1 ? 1 : (int64_t)iv;
	d->net_next = cfg->start_sec * 1000000000LL + 250000000;
	demo_catalogue_build(&d->cat);
	demo_payload_init(&d->pay);
	return (d);
}

/* Free a generator. */
void
demo_free(struct demo *d)
{
	if (d == NULL)
		return;
	buf_clear(&d->raw_path);
	buf_clear(&d->uri);
	buf_clear(&d->orig);
	buf_clear(&d->key);
	buf_clear(&d->token);
	buf_clear(&d->tags);
	buf_clear(&d->names);
	buf_clear(&d->tmp);
	demo_payload_clear(&d->pay);
	free(d);
}

/* Records handed out so far. */
uint64_t
demo_count(const struct demo *d)
{
	return (d->count);
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
		*f[i] = slice_str("");
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
	out->org_id = slice_str(org->id);
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
	out->api_name = slice_str(a->name);
	out->api_id = slice_str(a->id);
	out->path = slice_str("/");
	out->raw_path = slice_str("/");
	out->open_connections = demo_below(d, 6);
	out->closed_connection = demo_below(d, 5);
	out->bytes_in = 200 + demo_below(d, 48000);
	out->bytes_out = 500 + demo_below(d, 250000);
	demo_tag(d, "org-", out->org_id.ptr, out->org_id.len);
	demo_tag(d, "api-", out->api_id.ptr, out->api_id.len);
	out->tags = slice_buf(&d->tags);
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
			demo_rng_hex(&x, hex, 32);
			buf_printf(out, "%.8s-%.4s-4%.3s-a%.3s-%.12s", hex,
			    hex + 8, hex + 12, hex + 15, hex + 18);
		} else if (strncmp(p, "{chargeId}", 10) == 0) {
			x = demo_rand(d);
			demo_rng_hex(&x, hex, 24);
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
	struct demo_payload_req	 q;
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
		k = &d->cat.keys[a->org][demo_below(d, DEMO_NKEYS)];
		q.client = &d->cat.clients[k->client];
		q.token = k->token;
		session = true;
		alias = k->alias;
		break;
	case DEMO_AUTH_OAUTH:
		oc = &d->cat.oauth[demo_below(d, DEMO_NOAUTH)];
		i = demo_below(d, 2);
		q.client = &d->cat.clients[(oc - d->cat.oauth) * 7 + i];
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
		q.client = &d->cat.clients[demo_below(d, DEMO_NCLIENTS)];
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
	out->method = slice_str(e->method);
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
	out->raw_path = slice_buf(&d->raw_path);
	out->path = e->tracked ? slice_str(e->pattern) : out->raw_path;
	out->track_path = e->tracked;
	out->original_path = slice_buf(&d->orig);
	out->listen_path = slice_str(a->listen);
	out->host = slice_str(a->upstream);
	out->user_agent = slice_str(demo_uas[q.client->ua]);
	out->ip_address = slice_str(q.client->ip);
	out->api_name = slice_str(a->name);
	out->api_id = slice_str(a->id);
	if (a->versions == NULL)
		out->api_version = slice_str("Non Versioned");
	else {
		for (i = 0; a->versions[i] != NULL; i++)
			;
		out->api_version = slice_str(a->versions[i > 1 &&
		    demo_below(d, 10) < 3 ? 1 + demo_below(d,
		    (uint32_t)i - 1) : 0]);
	}
	out->alias = slice_str(alias);
	if (q.oauth_id != NULL && (session || q.code == 429))
		out->oauth_id = slice_str(q.oauth_id);
	else
		out->oauth_id = slice_str("");

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
	out->api_key = slice_buf(&d->key);

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
	out->tags = slice_buf(&d->tags);

	/* Geo, when the gateway has a GeoIP database and knows the IP. */
	if (org->geo && q.client->geo >= 0) {
		g = &demo_geos[q.client->geo];
		out->iso_code = slice_str(g->iso);
		out->geoname_id = g->geoname_id;
		for (i = 0; i < 3 && g->names[i][0] != NULL; i++) {
			record_list_add(&d->names, g->names[i][0],
			    strlen(g->names[i][0]));
			record_list_add(&d->names, g->names[i][1],
			    strlen(g->names[i][1]));
		}
		out->names = slice_buf(&d->names);
		out->latitude = g->lat;
		out->longitude = g->lon;
		out->time_zone = slice_str(g->tz);
	} else {
		out->iso_code = out->time_zone = out->names = slice_str("");
	}

	out->content_length = e->rq == DEMO_RQ_CHUNKED ? -1 : 0;
	out->raw_request = out->raw_response = slice_str("");
	if (demo_unit(d) < d->cfg.payload_fraction) {
		q.uri = d->uri.data;
		demo_payload_build(&d->pay, &d->rng, &q, out);
	} else if (e->rq == DEMO_RQ_JSON || e->rq == DEMO_RQ_FORM ||
	    e->rq == DEMO_RQ_XML)
		out->content_length = 60 + demo_below(d, 400);
	out->api_schema = slice_str("");
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
