/* SPDX-License-Identifier: ISC */
/*
 * Test helper for the Redis source: a gateway-like writer and a pump-like
 * drainer, over hiredis, against the test's own redis-server.
 *
 *   redis-writer push SOCK [options] KEY...
 *	Generate records (deterministic from --seed) and RPUSH them, one
 *	value per RPUSH, pipelined as the gateway does, round-robin over the
 *	keys; "_protobuf" keys get protobuf, others msgpack.  Each record's
 *	path is /seq/N.
 *	-n N		records (default 100)
 *	-r RATE		records per second (default: as fast as possible)
 *	-p BYTES	raw_request/raw_response payload size (default 64)
 *	-b SEC		base time: record N is at SEC + N us (default: the
 *			wall clock when it is pushed)
 *	-g EVERY	every EVERY-th value is garbage instead of a record
 *	-e FILE		write the expected JSON lines (as tykscope -n prints
 *			them; needs -b) of the good records to FILE
 *	-s N		first sequence number (default 0)
 *
 *   redis-writer drain SOCK [options] KEY...
 *	Every period, per key: MULTI / LRANGE k 0 -1 / DEL k / EXEC (or with
 *	-c N: LRANGE k 0 N-1 / LTRIM k N -1) and count the values.  On
 *	SIGTERM/SIGINT drain once more and print "drained N".
 *	-t MS		period (default 1000)
 *	-c N		chunk (LTRIM variant)
 *
 *   redis-writer lat
 *	Read tykscope's JSON lines on stdin and, per line, compare the wall
 *	clock on arrival with the record's timestamp (the writer stamps
 *	records with the wall clock when it pushes them); at EOF print
 *	"lines N unique N p50_ms X p99_ms X max_ms X".
 *
 * SOCK may also be cluster:HOST:PORT, a node of a Redis Cluster: every
 * command then goes to the node of its key, following MOVED and ASK
 * (ASKING first) as a cluster client does; push sends one RPUSH at a time
 * there (pipelined per node; a value redirected is sent again, in order),
 * and drain one transaction at a time.
 *
 * Exit status 0, or 1 on an error (printed on stderr).
 */
#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <hiredis/hiredis.h>
#include <msgpack.h>

#include "analytics.pb-c.h"
#include "options.h"
#include "output.h"
#include "record.h"
#include "store.h"
#include "timefmt.h"

struct gen {
	uint64_t	 seq;
	int64_t		 sec;
	uint32_t	 nsec;
	const char	*method;
	const char	*host;
	char		 path[64];
	const char	*api_id;
	const char	*api_name;
	const char	*org_id;
	const char	*api_key;
	int		 code;
	int64_t		 lat_total, lat_upstream, lat_gateway;
	int64_t		 content_length;
	const char	*ip;
	const char	*iso;
	char		 req[8192], resp[8192];
	char		 tags[3][64];
	int		 ntags;
	bool		 track;
	bool		 network;
	int		 year, month, day, hour;
};

static volatile sig_atomic_t	 stop_flag;

static void
on_signal(int sig)
{
	stop_flag = sig;
}

static uint64_t
rng_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return (*s);
}

static int64_t
now_ns(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);
}

static void
b64(const unsigned char *in, size_t len, char *out, size_t outsz)
{
	static const char t[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t	 i, o = 0;
	uint32_t v;

	for (i = 0; i + 2 < len && o + 5 < outsz; i += 3) {
		v = (uint32_t)in[i] << 16 | (uint32_t)in[i + 1] << 8 | in[i + 2];
		out[o++] = t[v >> 18];
		out[o++] = t[(v >> 12) & 63];
		out[o++] = t[(v >> 6) & 63];
		out[o++] = t[v & 63];
	}
	out[o] = '\0';
}

static void
gen_record(struct gen *g, uint64_t seq, uint64_t seed, int64_t ts,
    size_t payload)
{
	static const char *const methods[] = { "GET", "POST", "PUT", "DELETE" };
	static const char *const apis[] = { "727dad853a8a45f64ab981154d1ffdad",
	    "41433797848f41a558c1573d3e55a410" };
	static const char *const names[] = { "httpbin", "petstore" };
	static const int codes[] = { 200, 200, 200, 201, 404, 500, 502 };
	static unsigned char filler[6144 + 1024];
	unsigned char	 raw[6144];
	uint64_t	 s = seed * 2654435761ULL + seq * 40503ULL + 1;
	uint64_t	 fs = 88172645463325252ULL;
	size_t		 n, i;
	int64_t		 day;

	memset(g, 0, sizeof *g);
	rng_next(&s);
	g->seq = seq;
	g->sec = ts / 1000000000;
	g->nsec = (uint32_t)(ts % 1000000000);
	g->method = methods[rng_next(&s) % 4];
	g->host = "upstream.example";
	snprintf(g->path, sizeof g->path, "/seq/%llu", (unsigned long long)seq);
	i = rng_next(&s) % 2;
	g->api_id = apis[i];
	g->api_name = names[i];
	g->org_id = "5e9d9544a1dcd60001d0ed20";
	g->api_key = (rng_next(&s) % 3) == 0 ? "" : "00000000";
	g->code = codes[rng_next(&s) % 7];
	g->lat_upstream = (int64_t)(rng_next(&s) % 400);
	g->lat_gateway = (int64_t)(rng_next(&s) % 5);
	g->lat_total = g->lat_upstream + g->lat_gateway;
	g->content_length = (int64_t)(rng_next(&s) % 5000);
	g->ip = (rng_next(&s) % 2) ? "172.18.0.1" : "10.0.0.7";
	g->iso = (rng_next(&s) % 2) ? "DE" : "";
	g->track = (rng_next(&s) % 4) == 0;
	g->network = (rng_next(&s) % 10) == 0;
	g->ntags = 0;
	if (*g->api_key != '\0')
		snprintf(g->tags[g->ntags++], 64, "key-%s", g->api_key);
	snprintf(g->tags[g->ntags++], 64, "org-%s", g->org_id);
	snprintf(g->tags[g->ntags++], 64, "api-%s", g->api_id);
	day = g->sec / 86400;
	g->hour = (int)((g->sec % 86400) / 3600);
	g->year = 2024;
	g->month = (int)(day % 12) + 1;
	g->day = (int)(day % 28) + 1;
	if (payload > sizeof raw)
		payload = sizeof raw;
	/* Filler from a fixed random block, rotated by the record. */
	if (filler[0] == 0)
		for (i = 0; i < sizeof filler; i++)
			filler[i] = 'a' + (unsigned char)(rng_next(&fs) % 26);
	n = (size_t)snprintf((char *)raw, sizeof raw, "%s %s HTTP/1.1\r\n"
	    "Host: gw.example\r\nX-Seq: %llu\r\n\r\n", g->method, g->path,
	    (unsigned long long)seq);
	if (payload > n)
		memcpy(raw + n, filler + seq % 1024, payload - n);
	b64(raw, payload > n ? payload : n, g->req, sizeof g->req);
	n = (size_t)snprintf((char *)raw, sizeof raw, "HTTP/1.1 %d X\r\n"
	    "Content-Type: text/plain\r\n\r\n", g->code);
	if (payload > n)
		memcpy(raw + n, filler + (seq * 7) % 1024, payload - n);
	b64(raw, payload > n ? payload : n, g->resp, sizeof g->resp);
}

static void
mp_str(msgpack_packer *pk, const char *s)
{
	msgpack_pack_str(pk, strlen(s));
	msgpack_pack_str_body(pk, s, strlen(s));
}

static void
mp_time(msgpack_packer *pk, int64_t sec, uint32_t nsec)
{
	msgpack_pack_array(pk, 2);
	msgpack_pack_int64(pk, sec);
	msgpack_pack_uint32(pk, nsec);
}

/* The gateway's encoding: a 35-key map in declaration order. */
static void
encode_msgpack(const struct gen *g, msgpack_sbuffer *sb)
{
	msgpack_packer	 pk;
	int		 i;

	msgpack_packer_init(&pk, sb, msgpack_sbuffer_write);
	msgpack_pack_map(&pk, 35);
	mp_str(&pk, "Method"); mp_str(&pk, g->method);
	mp_str(&pk, "Host"); mp_str(&pk, g->host);
	mp_str(&pk, "Path"); mp_str(&pk, g->path);
	mp_str(&pk, "RawPath"); mp_str(&pk, g->path);
	mp_str(&pk, "ContentLength"); msgpack_pack_int64(&pk, g->content_length);
	mp_str(&pk, "UserAgent"); mp_str(&pk, "curl/8.5.0");
	mp_str(&pk, "Day"); msgpack_pack_int(&pk, g->day);
	mp_str(&pk, "Month"); msgpack_pack_int(&pk, g->month);
	mp_str(&pk, "Year"); msgpack_pack_int(&pk, g->year);
	mp_str(&pk, "Hour"); msgpack_pack_int(&pk, g->hour);
	mp_str(&pk, "ResponseCode"); msgpack_pack_int(&pk, g->code);
	mp_str(&pk, "APIKey"); mp_str(&pk, g->api_key);
	mp_str(&pk, "TimeStamp"); mp_time(&pk, g->sec, g->nsec);
	mp_str(&pk, "APIVersion"); mp_str(&pk, "Non Versioned");
	mp_str(&pk, "APIName"); mp_str(&pk, g->api_name);
	mp_str(&pk, "APIID"); mp_str(&pk, g->api_id);
	mp_str(&pk, "OrgID"); mp_str(&pk, g->org_id);
	mp_str(&pk, "OauthID"); mp_str(&pk, "");
	mp_str(&pk, "RequestTime"); msgpack_pack_int64(&pk, g->lat_total);
	mp_str(&pk, "RawRequest"); mp_str(&pk, g->req);
	mp_str(&pk, "RawResponse"); mp_str(&pk, g->resp);
	mp_str(&pk, "IPAddress"); mp_str(&pk, g->ip);
	mp_str(&pk, "Geo");
	msgpack_pack_map(&pk, 3);
	mp_str(&pk, "Country");
	msgpack_pack_map(&pk, 1);
	mp_str(&pk, "ISOCode"); mp_str(&pk, g->iso);
	mp_str(&pk, "City");
	msgpack_pack_map(&pk, 2);
	mp_str(&pk, "GeoNameID"); msgpack_pack_uint32(&pk, 0);
	mp_str(&pk, "Names"); msgpack_pack_nil(&pk);
	mp_str(&pk, "Location");
	msgpack_pack_map(&pk, 3);
	mp_str(&pk, "Latitude"); msgpack_pack_double(&pk, 0);
	mp_str(&pk, "Longitude"); msgpack_pack_double(&pk, 0);
	mp_str(&pk, "TimeZone"); mp_str(&pk, "");
	mp_str(&pk, "Network");
	msgpack_pack_map(&pk, 4);
	mp_str(&pk, "OpenConnections"); msgpack_pack_int(&pk, g->network ? 3 : 0);
	mp_str(&pk, "ClosedConnection"); msgpack_pack_int(&pk, g->network ? 1 : 0);
	mp_str(&pk, "BytesIn"); msgpack_pack_int(&pk, g->network ? 1234 : 0);
	mp_str(&pk, "BytesOut"); msgpack_pack_int(&pk, g->network ? 4321 : 0);
	mp_str(&pk, "Latency");
	msgpack_pack_map(&pk, 3);
	mp_str(&pk, "Total"); msgpack_pack_int64(&pk, g->lat_total);
	mp_str(&pk, "Upstream"); msgpack_pack_int64(&pk, g->lat_upstream);
	mp_str(&pk, "Gateway"); msgpack_pack_int64(&pk, g->lat_gateway);
	mp_str(&pk, "Tags");
	msgpack_pack_array(&pk, (size_t)g->ntags);
	for (i = 0; i < g->ntags; i++)
		mp_str(&pk, g->tags[i]);
	mp_str(&pk, "Alias"); mp_str(&pk, "");
	mp_str(&pk, "TrackPath");
	if (g->track)
		msgpack_pack_true(&pk);
	else
		msgpack_pack_false(&pk);
	mp_str(&pk, "ExpireAt"); mp_time(&pk, g->sec + 3153600000LL, g->nsec);
	mp_str(&pk, "ApiSchema"); mp_str(&pk, "");
	mp_str(&pk, "OriginalPath"); mp_str(&pk, g->path);
	mp_str(&pk, "ListenPath"); mp_str(&pk, "/listen/");
	mp_str(&pk, "GraphQLStats");
	msgpack_pack_map(&pk, 7);
	mp_str(&pk, "Variables"); mp_str(&pk, "");
	mp_str(&pk, "RootFields"); msgpack_pack_nil(&pk);
	mp_str(&pk, "Types"); msgpack_pack_nil(&pk);
	mp_str(&pk, "Errors"); msgpack_pack_nil(&pk);
	mp_str(&pk, "OperationType"); msgpack_pack_int(&pk, 0);
	mp_str(&pk, "HasErrors"); msgpack_pack_false(&pk);
	mp_str(&pk, "IsGraphQL"); msgpack_pack_false(&pk);
	mp_str(&pk, "MCPStats");
	msgpack_pack_map(&pk, 4);
	mp_str(&pk, "IsMCP"); msgpack_pack_false(&pk);
	mp_str(&pk, "JSONRPCMethod"); mp_str(&pk, "");
	mp_str(&pk, "PrimitiveType"); mp_str(&pk, "");
	mp_str(&pk, "PrimitiveName"); mp_str(&pk, "");
	mp_str(&pk, "CollectionName"); mp_str(&pk, "");
}

/* The pump's protobuf encoding (Latency.Gateway is not carried). */
static uint8_t *
encode_protobuf(const struct gen *g, size_t *len)
{
	Tyk__AnalyticsRecord	 m = TYK__ANALYTICS_RECORD__INIT;
	Tyk__Timestamp		 ts = TYK__TIMESTAMP__INIT;
	Tyk__Timestamp		 exp = TYK__TIMESTAMP__INIT;
	Tyk__Latency		 lat = TYK__LATENCY__INIT;
	Tyk__GeoData		 geo = TYK__GEO_DATA__INIT;
	Tyk__Country		 country = TYK__COUNTRY__INIT;
	Tyk__City		 city = TYK__CITY__INIT;
	Tyk__Location		 loc = TYK__LOCATION__INIT;
	Tyk__NetworkStats	 net = TYK__NETWORK_STATS__INIT;
	char			*tags[3];
	uint8_t			*p;
	int			 i;

	m.method = (char *)g->method;
	m.host = (char *)g->host;
	m.path = (char *)g->path;
	m.rawpath = (char *)g->path;
	m.contentlength = g->content_length;
	m.useragent = (char *)"curl/8.5.0";
	m.day = g->day;
	m.month = g->month;
	m.year = g->year;
	m.hour = g->hour;
	m.responsecode = g->code;
	m.apikey = (char *)g->api_key;
	ts.seconds = g->sec;
	ts.nanos = (int32_t)g->nsec;
	m.timestamp = &ts;
	m.apiversion = (char *)"Non Versioned";
	m.apiname = (char *)g->api_name;
	m.apiid = (char *)g->api_id;
	m.orgid = (char *)g->org_id;
	m.requesttime = g->lat_total;
	lat.total = g->lat_total;
	lat.upstream = g->lat_upstream;
	m.latency = &lat;
	m.rawrequest = (char *)g->req;
	m.rawresponse = (char *)g->resp;
	m.ipaddress = (char *)g->ip;
	country.isocode = (char *)g->iso;
	geo.country = &country;
	geo.city = &city;
	geo.location = &loc;
	m.geo = &geo;
	if (g->network) {
		net.openconnections = 3;
		net.closedconnections = 1;
		net.bytesin = 1234;
		net.bytesout = 4321;
	}
	m.network = &net;
	for (i = 0; i < g->ntags; i++)
		tags[i] = (char *)g->tags[i];
	m.n_tags = (size_t)g->ntags;
	m.tags = tags;
	m.trackpath = g->track;
	exp.seconds = g->sec + 3153600000LL;
	exp.nanos = (int32_t)g->nsec;
	m.expireat = &exp;
	m.timezone = (char *)"Local";
	m.originalpath = (char *)g->path;
	m.listenpath = (char *)"/listen/";
	*len = tyk__analytics_record__get_packed_size(&m);
	p = malloc(*len + 1);
	tyk__analytics_record__pack(&m, p);
	return (p);
}

/* The record tykscope should decode from g (for the expected output). */
static void
expect_record(struct store *st, uint16_t src, uint64_t idx,
    const struct gen *g, bool protobuf)
{
	struct record_build	 b;
	int			 i;

	record_build_init(&b);
	b.rec.flags = (uint32_t)(protobuf ? REC_ENC_PROTOBUF :
	    REC_ENC_MSGPACK) << REC_ENC_SHIFT;
	if (g->track)
		b.rec.flags |= REC_TRACK_PATH;
	b.ts_set = b.exp_set = true;
	b.ts_sec = g->sec;
	b.ts_nsec = g->nsec;
	b.exp_sec = g->sec + 3153600000LL;
	b.exp_nsec = g->nsec;
	b.ts_prec = b.exp_prec = 9;
	record_build_str(&b, st, RS_METHOD, g->method, strlen(g->method));
	record_build_str(&b, st, RS_HOST, g->host, strlen(g->host));
	record_build_str(&b, st, RS_PATH, g->path, strlen(g->path));
	record_build_str(&b, st, RS_RAW_PATH, g->path, strlen(g->path));
	record_build_str(&b, st, RS_USER_AGENT, "curl/8.5.0", 10);
	record_build_str(&b, st, RS_API_KEY, g->api_key, strlen(g->api_key));
	record_build_str(&b, st, RS_API_VERSION, "Non Versioned", 13);
	record_build_str(&b, st, RS_API_NAME, g->api_name,
	    strlen(g->api_name));
	record_build_str(&b, st, RS_API_ID, g->api_id, strlen(g->api_id));
	record_build_str(&b, st, RS_ORG_ID, g->org_id, strlen(g->org_id));
	record_build_str(&b, st, RS_IP_ADDRESS, g->ip, strlen(g->ip));
	record_build_str(&b, st, RS_ORIGINAL_PATH, g->path, strlen(g->path));
	record_build_str(&b, st, RS_LISTEN_PATH, "/listen/", 8);
	b.content_length = g->content_length;
	b.request_time = g->lat_total;
	b.lat_total = g->lat_total;
	b.lat_upstream = g->lat_upstream;
	b.lat_gateway = protobuf ? 0 : g->lat_gateway;
	b.response_code = g->code;
	b.year = g->year;
	b.month = g->month;
	b.day = g->day;
	b.hour = g->hour;
	if (*g->iso != '\0') {
		b.geo.iso_code = strtab_intern(&st->strs, g->iso,
		    strlen(g->iso));
		b.has_geo = true;
	}
	for (i = 0; i < g->ntags; i++)
		record_build_tag(&b, g->tags[i], strlen(g->tags[i]));
	if (g->network) {
		b.ex.open_connections = 3;
		b.ex.closed_connection = 1;
		b.ex.bytes_in = 1234;
		b.ex.bytes_out = 4321;
		b.rec.flags |= REC_NETWORK;
		b.has_extra = true;
	}
	b.req = g->req;
	b.req_len = strlen(g->req);
	b.resp = g->resp;
	b.resp_len = strlen(g->resp);
	store_add(st, &b, src, idx);
	record_build_clear(&b);
}

/* Cluster mode: a connection per node, and the node of each key. */
#define CL_MAX	32
static int		 cl_mode;
static struct {
	char		 host[64];
	int		 port;
	redisContext	*c;
} cl_nodes[CL_MAX];
static int		 cl_n;
static redisContext	*cl_key[256];

static redisContext *
cl_get(const char *host, int port)
{
	redisContext	*c;
	int		 i;

	for (i = 0; i < cl_n; i++)
		if (cl_nodes[i].port == port &&
		    strcmp(cl_nodes[i].host, host) == 0)
			return (cl_nodes[i].c);
	c = redisConnect(host, port);
	if (c == NULL || c->err || cl_n == CL_MAX) {
		fprintf(stderr, "redis-writer: %s:%d: %s\n", host, port,
		    c != NULL ? c->errstr : "out of memory");
		exit(1);
	}
	snprintf(cl_nodes[cl_n].host, sizeof cl_nodes[cl_n].host, "%s", host);
	cl_nodes[cl_n].port = port;
	cl_nodes[cl_n].c = c;
	cl_n++;
	return (c);
}

/* A MOVED/ASK reply: the node it names (1 for ASK), or -1. */
static int
cl_redirect(const redisReply *r, redisContext **to)
{
	char	 host[64];
	int	 port, slot;

	if (r == NULL || r->type != REDIS_REPLY_ERROR)
		return (-1);
	if (sscanf(r->str, "MOVED %d %63[^:]:%d", &slot, host, &port) == 3) {
		*to = cl_get(host, port);
		return (0);
	}
	if (sscanf(r->str, "ASK %d %63[^:]:%d", &slot, host, &port) == 3) {
		*to = cl_get(host, port);
		return (1);
	}
	return (-1);
}

/*
 * Run argv (about keys[k]) on the key's node; with n > 1, argv is a
 * whole transaction of n commands of argc[i] words, and the reply is
 * the last one.  Follows MOVED and ASK.
 */
static redisReply *
cl_run(size_t k, int n, const int *argc, const char ***argv,
    const size_t **lens)
{
	redisContext	*c = cl_key[k], *to = NULL;
	redisReply	*r, *last = NULL, *first_err;
	int		 i, tries, ask = 0, red;

	for (tries = 0; tries < 10; tries++) {
		if (ask)
			redisAppendCommand(c, "ASKING");
		for (i = 0; i < n; i++)
			redisAppendCommandArgv(c, argc[i], argv[i], lens[i]);
		first_err = NULL;
		if (ask) {
			if (redisGetReply(c, (void **)&r) != REDIS_OK)
				goto fail;
			freeReplyObject(r);
		}
		for (i = 0; i < n; i++) {
			if (redisGetReply(c, (void **)&r) != REDIS_OK)
				goto fail;
			if (first_err == NULL && r->type == REDIS_REPLY_ERROR &&
			    (strncmp(r->str, "MOVED ", 6) == 0 ||
			    strncmp(r->str, "ASK ", 4) == 0))
				first_err = r;
			else if (i == n - 1)
				last = r;
			else
				freeReplyObject(r);
		}
		if (first_err == NULL)
			return (last);
		if (last != NULL)
			freeReplyObject(last);
		last = NULL;
		red = cl_redirect(first_err, &to);
		freeReplyObject(first_err);
		if (red == 0)
			cl_key[k] = c = to;
		else {
			c = to;
			ask = 1;
			continue;
		}
		ask = 0;
	}
	fprintf(stderr, "redis-writer: too many redirections\n");
	exit(1);
fail:
	fprintf(stderr, "redis-writer: %s\n", c->errstr);
	exit(1);
}

/* One command on key k's node. */
static redisReply *
cl_one(size_t k, int argc, const char **argv, const size_t *lens)
{
	const char	**av[1] = { argv };
	const size_t	 *ln[1] = { lens };

	return (cl_run(k, 1, &argc, av, ln));
}

/* Cluster push: the values in flight, in the order sent. */
static struct cl_fly {
	size_t		 k;
	redisContext	*c;
	char		*key, *val;
	size_t		 len;
} *cl_fly;
static size_t	 cl_nfly;

static void
cl_push(size_t k, const char *key, const char *val, size_t len)
{
	struct cl_fly	*f;
	const char	*argv[3] = { "RPUSH", key, NULL };
	size_t		 lens[3] = { 5, strlen(key), len };

	cl_fly = realloc(cl_fly, (cl_nfly + 1) * sizeof *cl_fly);
	f = &cl_fly[cl_nfly++];
	f->k = k;
	f->c = cl_key[k];
	f->key = strdup(key);
	f->val = malloc(len + 1);
	memcpy(f->val, val, len);
	f->len = len;
	argv[2] = f->val;
	redisAppendCommandArgv(f->c, 3, argv, lens);
}

/*
 * Read every reply in flight, then send each redirected value again,
 * alone and in order (once the replies before it were read: a connection
 * answers in order).
 */
static void
cl_flush(void)
{
	struct cl_fly	*f;
	redisReply	*r;
	const char	*argv[3];
	size_t		 i, lens[3];
	char		*again;

	again = calloc(cl_nfly + 1, 1);
	for (i = 0; i < cl_nfly; i++) {
		f = &cl_fly[i];
		if (redisGetReply(f->c, (void **)&r) != REDIS_OK) {
			fprintf(stderr, "redis-writer: %s\n", f->c->errstr);
			exit(1);
		}
		again[i] = r->type == REDIS_REPLY_ERROR;
		freeReplyObject(r);
	}
	for (i = 0; i < cl_nfly; i++) {
		f = &cl_fly[i];
		if (again[i]) {
			argv[0] = "RPUSH";
			argv[1] = f->key;
			argv[2] = f->val;
			lens[0] = 5;
			lens[1] = strlen(f->key);
			lens[2] = f->len;
			freeReplyObject(cl_one(f->k, 3, argv, lens));
		}
		free(f->key);
		free(f->val);
	}
	free(again);
	cl_nfly = 0;
}

static redisContext *
connect_sock(const char *sock)
{
	redisContext	*c;
	char		 host[64];
	int		 port;
	size_t		 k;

	if (sscanf(sock, "cluster:%63[^:]:%d", host, &port) == 2) {
		cl_mode = 1;
		c = cl_get(host, port);
		for (k = 0; k < sizeof cl_key / sizeof cl_key[0]; k++)
			cl_key[k] = c;
		return (c);
	}
	c = redisConnectUnix(sock);
	if (c == NULL || c->err) {
		fprintf(stderr, "redis-writer: %s: %s\n", sock,
		    c != NULL ? c->errstr : "out of memory");
		exit(1);
	}
	return (c);
}

static int
is_protobuf(const char *key)
{
	size_t	 len = strlen(key);

	return (len >= 9 && strcmp(key + len - 9, "_protobuf") == 0);
}

static const char *const garbage[] = {
	"\x01\x02\x03 not msgpack at all",
	"\xde\x00\x23\xa6Method\xa3GET",		/* truncated */
	"\x81\xacResponseCode\xa3\x32\x30\x30",	/* wrong type: "200" */
	"\xdd\xff\xff\xff\xff",				/* absurd length */
};

static int
cmd_push(const char *sock, int argc, char **argv)
{
	redisContext	*c;
	msgpack_sbuffer	 sb;
	struct gen	*g;
	struct store	 st;
	struct options	 o;
	struct output	*out = NULL;
	FILE		*ef = NULL;
	uint16_t	*srcs = NULL;
	uint64_t	*idx = NULL, n = 100, seq0 = 0, i, seed = 1, garb = 0;
	double		 rate = 0;
	size_t		 payload = 64, len, nkeys, k, inflight = 0;
	int64_t		 base = -1, t0, due, ts;
	const char	*expect = NULL, *key, *argvv[3];
	size_t		 argvlen[3];
	char		*oargv[] = { (char *)"tykscope", (char *)"-n",
			    (char *)"x", NULL };
	char		*cause;
	void		*reply;
	uint8_t		*pb;
	int		 ch, gi = 0;

	while ((ch = getopt(argc, argv, "n:r:p:b:g:e:s:S:")) != -1) {
		switch (ch) {
		case 'n': n = strtoull(optarg, NULL, 10); break;
		case 'r': rate = strtod(optarg, NULL); break;
		case 'p': payload = strtoul(optarg, NULL, 10); break;
		case 'b': base = strtoll(optarg, NULL, 10); break;
		case 'g': garb = strtoull(optarg, NULL, 10); break;
		case 'e': expect = optarg; break;
		case 's': seq0 = strtoull(optarg, NULL, 10); break;
		case 'S': seed = strtoull(optarg, NULL, 10); break;
		default: return (1);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		fprintf(stderr, "redis-writer push: no keys\n");
		return (1);
	}
	nkeys = (size_t)argc;
	c = connect_sock(sock);
	g = malloc(sizeof *g);
	idx = calloc(nkeys, sizeof *idx);
	if (expect != NULL) {
		if (base < 0) {
			fprintf(stderr, "redis-writer: -e needs -b\n");
			return (1);
		}
		if ((ef = fopen(expect, "w")) == NULL) {
			perror(expect);
			return (1);
		}
		if (options_parse(&o, 3, oargv, &cause) != 0) {
			fprintf(stderr, "redis-writer: %s\n", cause);
			return (1);
		}
		store_init(&st, 0);
		srcs = calloc(nkeys, sizeof *srcs);
		for (k = 0; k < nkeys; k++) {
			char name[512];

			snprintf(name, sizeof name, "redis:%s", argv[k]);
			srcs[k] = store_source_add(&st, name, STORE_SRC_REDIS);
			/* Start where the list already ends. */
			argvv[0] = "LLEN";
			argvv[1] = argv[k];
			reply = cl_mode ? cl_one(k, 2, argvv, NULL) :
			    redisCommandArgv(c, 2, argvv, NULL);
			if (reply != NULL)
				idx[k] = (uint64_t)((redisReply *)reply)->integer;
			freeReplyObject(reply);
		}
		out = output_create(ef, &o, &st);
	}
	t0 = now_ns();
	for (i = 0; i < n; i++) {
		if (rate > 0) {
			due = t0 + (int64_t)((double)i * 1e9 / rate);
			while (now_ns() < due) {
				/* Flush what is queued before sleeping. */
				if (cl_mode)
					cl_flush();
				for (; inflight > 0; inflight--) {
					if (redisGetReply(c, &reply) != REDIS_OK)
						goto fail;
					freeReplyObject(reply);
				}
				if (due - now_ns() > 200000)
					usleep(100);
			}
		}
		k = i % nkeys;
		key = argv[k];
		ts = base >= 0 ? base * 1000000000LL + (int64_t)(seq0 + i) *
		    1000 + 7 : now_ns();
		gen_record(g, seq0 + i, seed, ts, payload);
		argvv[0] = "RPUSH";
		argvv[1] = key;
		argvlen[0] = 5;
		argvlen[1] = strlen(key);
		pb = NULL;
		msgpack_sbuffer_init(&sb);
		if (garb != 0 && (i + 1) % garb == 0) {
			argvv[2] = garbage[gi % 4];
			argvlen[2] = gi % 4 == 3 ? 5 : strlen(garbage[gi % 4]);
			gi++;
		} else if (is_protobuf(key)) {
			pb = encode_protobuf(g, &len);
			argvv[2] = (const char *)pb;
			argvlen[2] = len;
			if (out != NULL)
				expect_record(&st, srcs[k], idx[k], g, true);
		} else {
			encode_msgpack(g, &sb);
			argvv[2] = sb.data;
			argvlen[2] = sb.size;
			if (out != NULL)
				expect_record(&st, srcs[k], idx[k], g, false);
		}
		idx[k]++;
		if (cl_mode) {
			cl_push(k, key, argvv[2], argvlen[2]);
			if (cl_nfly >= 1000)
				cl_flush();
		} else {
			redisAppendCommandArgv(c, 3, argvv, argvlen);
			inflight++;
		}
		msgpack_sbuffer_destroy(&sb);
		free(pb);
		/* The gateway flushes pipelines of up to ~1000. */
		if (inflight >= 1000) {
			for (; inflight > 0; inflight--) {
				if (redisGetReply(c, &reply) != REDIS_OK)
					goto fail;
				freeReplyObject(reply);
			}
		}
	}
	if (cl_mode)
		cl_flush();
	for (; inflight > 0; inflight--) {
		if (redisGetReply(c, &reply) != REDIS_OK)
			goto fail;
		freeReplyObject(reply);
	}
	if (out != NULL) {
		for (i = st.first; i < st.next; i++)
			output_record(out, store_get(&st, i));
		output_free(out);
		fclose(ef);
		store_clear(&st);
		options_clear(&o);
	}
	printf("pushed %llu\n", (unsigned long long)n);
	redisFree(c);
	free(g);
	free(idx);
	free(srcs);
	return (0);
fail:
	fprintf(stderr, "redis-writer: %s\n", c->errstr);
	return (1);
}

static uint64_t
drain_once(redisContext *c, char **keys, size_t nkeys, long chunk)
{
	redisReply	*r;
	uint64_t	 total = 0;
	size_t		 k;
	char		 end[32], start[32];

	for (k = 0; k < nkeys && cl_mode; k++) {
		const char	*m[1] = { "MULTI" }, *e[1] = { "EXEC" };
		const char	*lr[4] = { "LRANGE", keys[k], "0", "-1" };
		const char	*d[2] = { "DEL", keys[k] };
		const char	*lt[4] = { "LTRIM", keys[k], start, "-1" };
		const char	**av[4] = { m, lr, chunk > 0 ? lt : d, e };
		const size_t	*ln[4] = { NULL, NULL, NULL, NULL };
		int		 ac[4] = { 1, 4, chunk > 0 ? 4 : 2, 1 };

		snprintf(end, sizeof end, "%ld", chunk - 1);
		snprintf(start, sizeof start, "%ld", chunk);
		if (chunk > 0)
			lr[3] = end;
		r = cl_run(k, 4, ac, av, ln);
		if (r->type == REDIS_REPLY_ARRAY && r->elements == 2 &&
		    r->element[0]->type == REDIS_REPLY_ARRAY)
			total += r->element[0]->elements;
		freeReplyObject(r);
	}
	for (k = 0; k < nkeys && !cl_mode; k++) {
		r = redisCommand(c, "MULTI");
		freeReplyObject(r);
		if (chunk > 0) {
			snprintf(end, sizeof end, "%ld", chunk - 1);
			snprintf(start, sizeof start, "%ld", chunk);
			freeReplyObject(redisCommand(c, "LRANGE %s 0 %s",
			    keys[k], end));
			freeReplyObject(redisCommand(c, "LTRIM %s %s -1",
			    keys[k], start));
		} else {
			freeReplyObject(redisCommand(c, "LRANGE %s 0 -1",
			    keys[k]));
			freeReplyObject(redisCommand(c, "DEL %s", keys[k]));
		}
		r = redisCommand(c, "EXEC");
		if (r == NULL) {
			fprintf(stderr, "redis-writer: %s\n", c->errstr);
			exit(1);
		}
		if (r->type == REDIS_REPLY_ARRAY && r->elements == 2 &&
		    r->element[0]->type == REDIS_REPLY_ARRAY)
			total += r->element[0]->elements;
		freeReplyObject(r);
	}
	return (total);
}

static int
cmd_drain(const char *sock, int argc, char **argv)
{
	redisContext	*c;
	long		 period = 1000, chunk = 0;
	uint64_t	 total = 0, got;
	int		 ch;
	struct sigaction sa;

	while ((ch = getopt(argc, argv, "t:c:")) != -1) {
		switch (ch) {
		case 't': period = strtol(optarg, NULL, 10); break;
		case 'c': chunk = strtol(optarg, NULL, 10); break;
		default: return (1);
		}
	}
	argc -= optind;
	argv += optind;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	c = connect_sock(sock);
	while (!stop_flag) {
		usleep((useconds_t)period * 1000);
		total += drain_once(c, argv, (size_t)argc, chunk);
	}
	/* Final drain: everything left, whatever the chunk. */
	do {
		got = drain_once(c, argv, (size_t)argc, chunk);
		total += got;
	} while (chunk > 0 && got > 0);
	printf("drained %llu\n", (unsigned long long)total);
	redisFree(c);
	return (0);
}

static int
cmp_i64(const void *a, const void *b)
{
	int64_t	 x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x < y ? -1 : x > y);
}

static int
cmd_lat(void)
{
	char		*line = NULL, *p, *q;
	size_t		 cap = 0, n = 0, alloc = 0, uniq = 0, maxseq = 0;
	ssize_t		 len;
	int64_t		*lat = NULL, lo, hi, now;
	unsigned char	*seen = NULL;
	unsigned long	 seq;
	const char	*err;

	while ((len = getline(&line, &cap, stdin)) > 0) {
		now = now_ns();
		if (line[0] != '{') {
			/* --format tsv: timestamp is the first column. */
			p = line;
			if ((q = strchr(p, '\t')) == NULL)
				continue;
		} else {
			if ((p = strstr(line, "\"timestamp\":\"")) == NULL)
				continue;
			p += 13;
			if ((q = strchr(p, '"')) == NULL)
				continue;
		}
		if (timefmt_parse(p, (size_t)(q - p), now, &lo, &hi, &err) != 0)
			continue;
		if (n == alloc) {
			alloc = alloc == 0 ? 65536 : alloc * 2;
			lat = realloc(lat, alloc * sizeof *lat);
		}
		lat[n++] = now - lo;
		if ((p = strstr(line, "\"path\":\"/seq/")) != NULL ||
		    (p = strstr(line, "\t/seq/")) != NULL) {
			seq = strtoul(p + (*p == '\t' ? 6 : 13), NULL, 10);
			if (seq >= maxseq) {
				seen = realloc(seen, seq + 65536);
				memset(seen + maxseq, 0, seq + 65536 - maxseq);
				maxseq = seq + 65536;
			}
			if (!seen[seq]) {
				seen[seq] = 1;
				uniq++;
			}
		}
	}
	if (n == 0) {
		printf("lines 0 unique 0 p50_ms 0 p99_ms 0 max_ms 0\n");
		return (0);
	}
	qsort(lat, n, sizeof *lat, cmp_i64);
	printf("lines %zu unique %zu p50_ms %.1f p99_ms %.1f max_ms %.1f\n",
	    n, uniq, lat[n / 2] / 1e6, lat[n * 99 / 100] / 1e6,
	    lat[n - 1] / 1e6);
	free(lat);
	free(seen);
	free(line);
	return (0);
}

int
main(int argc, char **argv)
{
	if (argc == 2 && strcmp(argv[1], "lat") == 0)
		return (cmd_lat());
	if (argc < 3) {
		fprintf(stderr, "usage: redis-writer push|drain SOCK ...\n");
		return (1);
	}
	if (strcmp(argv[1], "push") == 0)
		return (cmd_push(argv[2], argc - 2, argv + 2));
	if (strcmp(argv[1], "drain") == 0)
		return (cmd_drain(argv[2], argc - 2, argv + 2));
	fprintf(stderr, "redis-writer: unknown command %s\n", argv[1]);
	return (1);
}
