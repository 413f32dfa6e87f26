/* SPDX-License-Identifier: ISC */
/*
 * Hourly aggregates: every rule and quirk of tyk-formats.md 5.4/5.6 with
 * hand-computed expectations, the fixtures of tyk-pump's own tests
 * (analytics/aggregate_test.go, pumps/mongo_aggregate_test.go) re-derived
 * as records, stored documents and reconciliation.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <bson/bson.h>

#include "agg.h"
#include "base64.h"
#include "agg-key.h"
#include "agg-output.h"
#include "agg-rows.h"
#include "agg-stored.h"
#include "record.h"
#include "store.h"
#include "unit.h"

#define T0	1680602400LL	/* 2023-04-04T10:00:00Z (the fixtures') */

struct trec {
	int64_t		 sec;
	int		 code;
	int64_t		 lat, up, rt;
	const char	*org, *api, *apiname, *ver, *key, *alias, *oauth;
	const char	*path, *iso;
	const char	*tags[6];
	bool		 track;
	uint32_t	 flags;
	int		 enc;
	int64_t		 net[4];	/* open, closed, in, out */
	int64_t		 expire;
};

static void
str(struct record_build *b, struct store *st, enum record_str f,
    const char *s)
{
	if (s != NULL)
		record_build_str(b, st, f, s, strlen(s));
}

/* Add one record described by t; returns its seq. */
static uint64_t
add(struct store *st, const struct trec *t)
{
	struct record_build	 b;
	uint64_t		 seq;
	int			 i;

	record_build_init(&b);
	b.ts_set = b.exp_set = true;
	b.ts_sec = t->sec;
	b.ts_nsec = 123456789;
	b.exp_sec = t->expire != 0 ? t->expire : t->sec + 86400;
	b.response_code = t->code;
	b.lat_total = t->lat;
	b.lat_upstream = t->up;
	b.request_time = t->rt;
	str(&b, st, RS_ORG_ID, t->org != NULL ? t->org : "org1");
	str(&b, st, RS_API_ID, t->api);
	str(&b, st, RS_API_NAME, t->apiname);
	str(&b, st, RS_API_VERSION, t->ver);
	str(&b, st, RS_API_KEY, t->key);
	str(&b, st, RS_ALIAS, t->alias);
	str(&b, st, RS_OAUTH_ID, t->oauth);
	str(&b, st, RS_PATH, t->path != NULL ? t->path : "/");
	if (t->iso != NULL) {
		b.geo.iso_code = strtab_intern(&st->strs, t->iso,
		    strlen(t->iso));
		b.has_geo = true;
	}
	for (i = 0; i < 6 && t->tags[i] != NULL; i++)
		record_build_tag(&b, t->tags[i], strlen(t->tags[i]));
	b.rec.flags = t->flags;
	if (t->track)
		b.rec.flags |= REC_TRACK_PATH;
	b.rec.flags |= (uint32_t)t->enc << REC_ENC_SHIFT;
	if (t->code == -1) {
		b.rec.flags |= REC_NETWORK;
		b.ex.open_connections = t->net[0];
		b.ex.closed_connection = t->net[1];
		b.ex.bytes_in = t->net[2];
		b.ex.bytes_out = t->net[3];
		b.has_extra = true;
	}
	seq = store_add(st, &b, 0, 0);
	record_build_clear(&b);
	return (seq);
}

/* Aggregate every record of st. */
static struct agg *
run(struct store *st, const struct agg_config *cfg)
{
	uint64_t	*seqs, i;
	struct agg	*a;
	char		*cause = NULL;

	seqs = calloc(store_count(st) + 1, sizeof *seqs);
	for (i = 0; i < store_count(st); i++)
		seqs[i] = st->first + i;
	a = agg_compute(st, seqs, store_count(st), cfg, &cause);
	assert_non_null(a);
	free(seqs);
	return (a);
}

static struct store *
newstore(void)
{
	struct store	*st = calloc(1, sizeof *st);

	store_init(st, 0);
	store_source_add(st, "test", STORE_SRC_FILE);
	return (st);
}

static void
freestore(struct store *st)
{
	store_clear(st);
	free(st);
}

/* The counter of bucket i, dim, parent.key (NULL if absent). */
static const struct agg_counter *
ctr(const struct agg *a, size_t i, enum agg_dim d, const char *parent,
    const char *key)
{
	const struct agg_counter	*c;
	const uint32_t			*idx;
	struct slice			 p, k;
	size_t				 n, j;

	if (d == AGG_TOTAL)
		return (&a->ctrs[agg_bucket_at(a, i)->total]);
	c = agg_counters(a, i, d, &n, &idx);
	for (j = 0; j < n; j++) {
		p = agg_str(a, c[idx[j]].parent);
		k = agg_str(a, c[idx[j]].key);
		if (strlen(key) == k.len && memcmp(key, k.ptr, k.len) == 0 &&
		    strlen(parent != NULL ? parent : "") == p.len &&
		    (p.len == 0 || memcmp(parent, p.ptr, p.len) == 0))
			return (&c[idx[j]]);
	}
	return (NULL);
}

static size_t
ndim(const struct agg *a, size_t i, enum agg_dim d)
{
	const uint32_t	*idx;
	size_t		 n;

	agg_counters(a, i, d, &n, &idx);
	return (n);
}

static bool
streq(const struct agg *a, uint32_t id, const char *s)
{
	struct slice	 x = agg_str(a, id);

	return (x.len == strlen(s) && memcmp(x.ptr, s, x.len) == 0);
}

/* Q6: success is 2xx only, error is >= 400 only. */
static void
test_classes(void **state)
{
	struct store			*st = newstore();
	struct agg			*a;
	const struct agg_counter	*t;
	static const int		 codes[] = { 101, 200, 204, 302, 400,
					    404, 500, 500 };
	struct trec			 r;
	size_t				 i;

	for (i = 0; i < 8; i++) {
		memset(&r, 0, sizeof r);
		r.sec = T0 + (int64_t)i;
		r.code = codes[i];
		r.api = "api1";
		add(st, &r);
	}
	a = run(st, NULL);
	assert_int_equal(a->nbuckets, 1);
	t = ctr(a, 0, AGG_TOTAL, NULL, "");
	assert_int_equal(t->hits, 8);
	assert_int_equal(t->success, 2);
	assert_int_equal(t->errortotal, 4);
	assert_int_equal(t->nerrs, 3);
	assert_int_equal(ndim(a, 0, AGG_ERRORS), 3);
	assert_non_null(ctr(a, 0, AGG_ERRORS, NULL, "400"));
	assert_int_equal(ctr(a, 0, AGG_ERRORS, NULL, "500")->hits, 2);
	assert_int_equal(ctr(a, 0, AGG_ERRORS, NULL, "500")->errortotal, 2);
	/* errors: identifier is the code, human identifier stays empty. */
	assert_true(streq(a, ctr(a, 0, AGG_ERRORS, NULL, "404")->identifier,
	    "404"));
	assert_true(streq(a, ctr(a, 0, AGG_ERRORS, NULL,
	    "404")->humanidentifier, ""));
	assert_null(ctr(a, 0, AGG_ERRORS, NULL, "302"));
	assert_int_equal(ctr(a, 0, AGG_APIID, NULL, "api1")->hits, 8);
	agg_free(a);
	freestore(st);
}

/* Q5: the total's minimum differs from a dimension's. */
static void
test_min_rules(void **state)
{
	struct store			*st = newstore();
	struct agg			*a;
	const struct agg_counter	*t, *c;
	struct trec			 r;
	static const int		 code[] = { 500, 200, 302, 200 };
	static const int64_t		 lat[] = { 5, 10, 1, 3 };
	size_t				 i;

	for (i = 0; i < 4; i++) {
		memset(&r, 0, sizeof r);
		r.sec = T0 + (int64_t)i;
		r.code = code[i];
		r.lat = lat[i];
		r.up = lat[i] * 2;
		r.api = "api1";
		add(st, &r);
	}
	/* A key that only ever failed: no min fields written. */
	memset(&r, 0, sizeof r);
	r.sec = T0 + 10;
	r.code = 404;
	r.lat = 7;
	r.key = "k-err";
	add(st, &r);
	a = run(st, NULL);
	t = ctr(a, 0, AGG_TOTAL, NULL, "");
	/* First hit sets it (even an error); then only 2xx lowers it. */
	assert_int_equal(t->minlatency, 3);
	assert_int_equal(t->minupstreamlatency, 6);
	assert_int_equal(t->maxlatency, 10);
	assert_true(t->has_min);
	c = ctr(a, 0, AGG_APIID, NULL, "api1");
	/* Created by the error (5), lowered by the 302 (any code < 400). */
	assert_int_equal(c->minlatency, 1);
	assert_int_equal(c->minupstreamlatency, 2);
	assert_int_equal(c->maxlatency, 10);
	assert_true(c->has_min);
	c = ctr(a, 0, AGG_APIKEYS, NULL, "k-err");
	assert_false(c->has_min);
	c = ctr(a, 0, AGG_ERRORS, NULL, "500");
	assert_false(c->has_min);
	agg_free(a);
	freestore(st);
}

/* Averages, lasttime (Q3), expireAt, human identifiers. */
static void
test_times_and_names(void **state)
{
	struct store			*st = newstore();
	struct agg			*a;
	const struct agg_bucket		*b;
	const struct agg_counter	*t, *c;
	struct trec			 r;

	memset(&r, 0, sizeof r);
	r.sec = T0 + 60;
	r.code = 200;
	r.lat = 10;
	r.up = 4;
	r.rt = 10;
	r.api = "api1";
	r.apiname = "First Name";
	r.ver = "v1";
	r.key = "key1";
	r.alias = "alias-a";
	r.oauth = "client1";
	r.expire = T0 + 1000;
	add(st, &r);
	r.sec = T0 + 120;
	r.lat = 20;
	r.up = 6;
	r.rt = 25;
	r.apiname = "Second Name";
	r.alias = "alias-b";
	r.expire = T0 + 2000;
	add(st, &r);
	a = run(st, NULL);
	b = agg_bucket_at(a, 0);
	assert_int_equal(b->timestamp, T0);
	assert_int_equal(b->year, 2023);
	assert_int_equal(b->month, 4);
	assert_int_equal(b->day, 4);
	assert_int_equal(b->hour, 10);
	/* expireAt of the first record, lasttime of the last. */
	assert_int_equal(b->expire, (T0 + 1000) * 1000);
	assert_int_equal(b->lasttime, (T0 + 120) * 1000 + 123);
	t = ctr(a, 0, AGG_TOTAL, NULL, "");
	assert_int_equal(t->lasttime, (T0 + 120) * 1000 + 123);
	assert_true(agg_avg(t->totalrequesttime, t->hits) == 17.5);
	assert_true(agg_avg((double)t->totallatency, t->hits) == 15.0);
	assert_true(agg_avg((double)t->totalupstreamlatency, t->hits) == 5.0);
	assert_true(streq(a, t->identifier, ""));
	c = ctr(a, 0, AGG_APIID, NULL, "api1");
	/* Dimension lasttime: the first record (existing counters keep it). */
	assert_int_equal(c->lasttime, (T0 + 60) * 1000 + 123);
	/* The true last access is kept for the TUI. */
	assert_int_equal(c->last_ts, (T0 + 120) * 1000000000LL + 123456789);
	assert_true(streq(a, c->identifier, "api1"));
	assert_true(streq(a, c->humanidentifier, "Second Name"));
	c = ctr(a, 0, AGG_APIKEYS, NULL, "key1");
	assert_true(streq(a, c->humanidentifier, "alias-b"));
	c = ctr(a, 0, AGG_VERSIONS, NULL, "YXBpMTp2MQ");	/* api1:v1 */
	assert_non_null(c);
	assert_true(streq(a, c->identifier, "v1"));
	assert_true(streq(a, c->humanidentifier, "v1"));
	c = ctr(a, 0, AGG_OAUTHIDS, NULL, "client1");
	assert_true(streq(a, c->identifier, "client1"));
	assert_true(streq(a, c->humanidentifier, ""));
	agg_free(a);
	freestore(st);
}

/* Tags: trimmed, dots removed, key- and ignored prefixes skipped. */
static void
test_tags(void **state)
{
	struct store			*st = newstore();
	struct agg			*a;
	struct agg_config		 cfg;
	static char			 pol[] = "pol-";
	char				*ign[] = { pol };
	struct trec			 r;
	const struct agg_counter	*c;

	memset(&r, 0, sizeof r);
	r.sec = T0;
	r.code = 200;
	r.tags[0] = " gold ";
	r.tags[1] = "a.b.c";
	r.tags[2] = "key-xyz";
	r.tags[3] = " key-abc";
	r.tags[4] = "pol-1";
	r.tags[5] = "...";
	add(st, &r);
	memset(&r, 0, sizeof r);
	r.sec = T0 + 1;
	r.code = 200;
	r.tags[0] = "t";
	r.tags[1] = "t";
	r.tags[2] = "\xc2\xa0nbsp\xe2\x80\x83";
	r.tags[3] = "";
	r.tags[4] = "   ";
	add(st, &r);
	memset(&cfg, 0, sizeof cfg);
	cfg.ignore_tag_prefix = ign;
	cfg.nignore_tag_prefix = 1;
	a = run(st, &cfg);
	assert_int_equal(ndim(a, 0, AGG_TAGS), 5);
	assert_non_null(ctr(a, 0, AGG_TAGS, NULL, "gold"));
	assert_non_null(ctr(a, 0, AGG_TAGS, NULL, "abc"));
	/* Only the original text is checked for "key-". */
	assert_non_null(ctr(a, 0, AGG_TAGS, NULL, "key-abc"));
	assert_null(ctr(a, 0, AGG_TAGS, NULL, "key-xyz"));
	assert_null(ctr(a, 0, AGG_TAGS, NULL, "pol-1"));
	/* Duplicates count twice. */
	c = ctr(a, 0, AGG_TAGS, NULL, "t");
	assert_int_equal(c->hits, 2);
	assert_true(streq(a, c->identifier, "t"));
	assert_non_null(ctr(a, 0, AGG_TAGS, NULL, "nbsp"));
	agg_free(a);
	freestore(st);
}

/*
 * A tag seen through different tag lists keeps the dimension rules: the
 * first record (an error, L=5) sets min and lasttime; later non-errors
 * from any list lower min (3), errors do not (1).
 */
static void
test_tag_lists(void **state)
{
	struct store			*st = newstore();
	struct agg			*a;
	struct trec			 r;
	const struct agg_counter	*c;

	memset(&r, 0, sizeof r);
	r.sec = T0;
	r.code = 500;
	r.lat = 5;
	r.tags[0] = "t";
	add(st, &r);
	r.sec = T0 + 1;
	r.code = 200;
	r.lat = 10;
	r.tags[1] = "u";
	add(st, &r);
	r.sec = T0 + 2;
	r.code = 404;
	r.lat = 1;
	add(st, &r);
	r.sec = T0 + 3;
	r.code = 200;
	r.lat = 3;
	r.tags[1] = NULL;
	add(st, &r);
	a = run(st, NULL);
	c = ctr(a, 0, AGG_TAGS, NULL, "t");
	assert_int_equal(c->hits, 4);
	assert_int_equal(c->success, 2);
	assert_int_equal(c->errortotal, 2);
	assert_int_equal(c->minlatency, 3);
	assert_int_equal(c->maxlatency, 10);
	assert_int_equal(c->totallatency, 19);
	assert_int_equal(c->lasttime, T0 * 1000 + 123);
	assert_int_equal(c->nerrs, 2);
	c = ctr(a, 0, AGG_TAGS, NULL, "u");
	assert_int_equal(c->hits, 2);
	assert_int_equal(c->minlatency, 10);	/* created by the 200 */
	assert_int_equal(c->lasttime, (T0 + 1) * 1000 + 123);
	assert_true(c->has_min);
	agg_free(a);
	freestore(st);
}

/* tyk-pump TestAggregate_Tags and TestTrimTag. */
static void
test_pump_tags(void **state)
{
	struct store	*st = newstore();
	struct agg	*a;
	struct trec	 r;

	memset(&r, 0, sizeof r);
	r.org = "ORG123";
	r.api = "123";
	r.sec = T0;
	r.tags[0] = "tag1";
	r.tags[1] = "";
	add(st, &r);
	r.tags[0] = "";
	r.tags[1] = "   ";
	r.tags[2] = "tag2";
	add(st, &r);
	a = run(st, NULL);
	assert_int_equal(ndim(a, 0, AGG_TAGS), 2);	/* "empty tags" */
	agg_free(a);
	freestore(st);

	st = newstore();
	memset(&r, 0, sizeof r);
	r.org = "ORG123";
	r.api = "123";
	r.sec = T0;
	r.tags[0] = "tag1";
	r.tags[1] = "";
	add(st, &r);
	r.tags[0] = "";
	r.tags[1] = "...";
	r.tags[2] = "tag1";
	add(st, &r);
	r.tags[0] = "internal.group1.dc1.";
	r.tags[1] = "tag1";
	r.tags[2] = "";
	add(st, &r);
	a = run(st, NULL);
	assert_int_equal(ndim(a, 0, AGG_TAGS), 2);	/* "dot" */
	assert_non_null(ctr(a, 0, AGG_TAGS, NULL, "internalgroup1dc1"));
	agg_free(a);
	freestore(st);

	/* TrimTag */
	st = newstore();
	memset(&r, 0, sizeof r);
	r.sec = T0;
	r.tags[0] = "...";
	r.tags[1] = "hello.world";
	r.tags[2] = ".hello.world..";
	r.tags[3] = " hello world ";
	add(st, &r);
	a = run(st, NULL);
	assert_int_equal(ndim(a, 0, AGG_TAGS), 2);
	assert_int_equal(ctr(a, 0, AGG_TAGS, NULL, "helloworld")->hits, 2);
	assert_non_null(ctr(a, 0, AGG_TAGS, NULL, "hello world"));
	agg_free(a);
	freestore(st);
}

/* Endpoints: tracked paths only, and each map's key escaping. */
static void
test_endpoints(void **state)
{
	struct store			*st = newstore();
	struct agg			*a;
	struct agg_config		 cfg;
	struct trec			 r;
	const struct agg_counter	*c;

	memset(&r, 0, sizeof r);
	r.sec = T0;
	r.code = 200;
	r.api = "api1";
	r.ver = "v1";
	r.key = "key.1";
	r.oauth = "cl1";
	r.path = "/v1.2/x";
	r.track = true;
	add(st, &r);
	r.track = false;
	r.path = "/untracked";
	add(st, &r);
	a = run(st, NULL);
	assert_int_equal(ndim(a, 0, AGG_ENDPOINTS), 1);
	c = ctr(a, 0, AGG_ENDPOINTS, NULL, "/v1\\u2e2/x");
	assert_non_null(c);
	assert_true(streq(a, c->identifier, "/v1.2/x"));
	assert_true(streq(a, c->humanidentifier, "/v1.2/x"));
	/* hex("api1:v1:/v1.2/x") */
	c = ctr(a, 0, AGG_APIENDPOINTS, NULL,
	    "617069313a76313a2f76312e322f78");
	assert_non_null(c);
	assert_true(streq(a, c->identifier,
	    "617069313a76313a2f76312e322f78"));
	assert_true(streq(a, c->humanidentifier, "/v1.2/x"));
	/* base64 without padding of "api1:/v1.2/x" */
	c = ctr(a, 0, AGG_KEYENDPOINTS, "key.1", "YXBpMTovdjEuMi94");
	assert_non_null(c);
	assert_true(streq(a, c->humanidentifier, "YXBpMTovdjEuMi94"));
	assert_non_null(ctr(a, 0, AGG_OAUTHENDPOINTS, "cl1",
	    "YXBpMTovdjEuMi94"));
	assert_int_equal(ctr(a, 0, AGG_APIKEYS, NULL, "key.1")->hits, 2);
	agg_free(a);

	memset(&cfg, 0, sizeof cfg);
	cfg.track_all_paths = true;
	a = run(st, &cfg);
	assert_int_equal(ndim(a, 0, AGG_ENDPOINTS), 2);
	assert_int_equal(ndim(a, 0, AGG_KEYENDPOINTS), 2);
	assert_non_null(ctr(a, 0, AGG_ENDPOINTS, NULL, "/untracked"));
	agg_free(a);
	freestore(st);
}

/* Padding: base64 of 1, 2 and 3 byte tails. */
static void
test_escaping(void **state)
{
	struct buf	 b;

	buf_init(&b);
	base64_encode_nopad(&b, "a:1", 3);
	assert_string_equal(b.data, "YTox");
	buf_reset(&b);
	base64_encode_nopad(&b, "a:12", 4);
	assert_string_equal(b.data, "YToxMg");
	buf_reset(&b);
	base64_encode_nopad(&b, "a:123", 5);
	assert_string_equal(b.data, "YToxMjM");
	buf_reset(&b);
	base64_encode_nopad(&b, "\xfb\xff", 2);
	assert_string_equal(b.data, "+/8");
	buf_reset(&b);
	buf_add_hex(&b, "A:\xff", 3);
	assert_string_equal(b.data, "413aff");
	buf_clear(&b);
}

/* Q4: network statistics records count into network fields only. */
static void
test_network(void **state)
{
	struct store			*st = newstore();
	struct agg			*a;
	struct trec			 r;
	const struct agg_counter	*t, *c;

	memset(&r, 0, sizeof r);
	r.sec = T0;
	r.code = -1;
	r.api = "tcp1";
	r.apiname = "TCP API";
	r.net[0] = 3;
	r.net[1] = 1;
	r.net[2] = 100;
	r.net[3] = 200;
	add(st, &r);
	r.sec = T0 + 1;
	add(st, &r);
	a = run(st, NULL);
	t = ctr(a, 0, AGG_TOTAL, NULL, "");
	assert_int_equal(t->hits, 0);
	assert_int_equal(t->openconnections, 6);
	assert_int_equal(t->closedconnections, 2);
	assert_int_equal(t->bytesin, 200);
	assert_int_equal(t->bytesout, 400);
	assert_false(t->has_min);
	assert_int_equal(t->lasttime, (T0 + 1) * 1000 + 123);
	c = ctr(a, 0, AGG_APIID, NULL, "tcp1");
	assert_int_equal(c->hits, 0);
	assert_int_equal(c->bytesin, 200);
	assert_int_equal(c->bytesout, 400);
	assert_int_equal(c->openconnections, 0);
	assert_int_equal(c->lasttime, AGG_GO_ZERO_MS);
	assert_true(streq(a, c->humanidentifier, "TCP API"));
	agg_free(a);

	/* An HTTP record after it: the counter's min stays 0. */
	memset(&r, 0, sizeof r);
	r.sec = T0 + 2;
	r.code = 200;
	r.lat = 50;
	r.api = "tcp1";
	add(st, &r);
	a = run(st, NULL);
	c = ctr(a, 0, AGG_APIID, NULL, "tcp1");
	assert_int_equal(c->hits, 1);
	assert_int_equal(c->minlatency, 0);
	assert_int_equal(c->maxlatency, 50);
	assert_true(c->has_min);
	assert_int_equal(ctr(a, 0, AGG_TOTAL, NULL, "")->minlatency, 50);
	agg_free(a);
	freestore(st);
}

/* Q7 and tyk-pump TestAggregateData_SkipGraphRecords. */
static void
test_exclusions(void **state)
{
	struct store	*st = newstore();
	struct agg	*a;
	struct trec	 r;

	memset(&r, 0, sizeof r);
	r.sec = T0;
	r.code = 200;
	r.org = "123";
	r.tags[0] = "tag_1";
	r.tags[1] = "tag_2";
	r.enc = REC_ENC_BSON;
	add(st, &r);
	r.org = "777-graph";
	r.tags[2] = "tyk-graph-analytics";
	add(st, &r);
	memset(&r, 0, sizeof r);
	r.sec = T0;
	r.org = "987";
	r.enc = REC_ENC_BSON;
	add(st, &r);
	r.org = "555-graph";
	r.tags[0] = "tyk-graph-analytics";
	add(st, &r);
	/* msgpack: the flag is known; the tag alone does not exclude. */
	r.org = "mp-tag";
	r.enc = REC_ENC_MSGPACK;
	add(st, &r);
	r.org = "mp-flag";
	r.flags = REC_GRAPHQL;
	add(st, &r);
	r.org = "mcp";
	r.flags = REC_MCP;
	add(st, &r);
	r.org = "";
	r.flags = 0;
	add(st, &r);
	a = run(st, NULL);
	assert_int_equal(a->nbuckets, 3);
	assert_true(streq(a, agg_bucket_at(a, 0)->org, "123"));
	assert_true(streq(a, agg_bucket_at(a, 1)->org, "987"));
	assert_true(streq(a, agg_bucket_at(a, 2)->org, "mp-tag"));
	assert_int_equal(a->excluded, 5);
	agg_free(a);
	freestore(st);
}

/* Hour buckets in UTC, sorted by hour then org; and with --tz. */
static void
test_buckets_tz(void **state)
{
	struct store		*st = newstore();
	struct agg		*a;
	struct agg_config	 cfg;
	struct trec		 r;
	char			*cause = NULL;

	memset(&r, 0, sizeof r);
	r.code = 200;
	r.org = "b";
	r.sec = T0 + 3599;
	add(st, &r);
	r.org = "a";
	r.sec = T0 + 3600;
	add(st, &r);
	r.org = "b";
	r.sec = T0 + 1800;
	add(st, &r);
	r.org = "a";
	r.sec = T0 + 10;
	add(st, &r);
	a = run(st, NULL);
	assert_int_equal(a->nbuckets, 3);
	assert_int_equal(agg_bucket_at(a, 0)->timestamp, T0);
	assert_true(streq(a, agg_bucket_at(a, 0)->org, "a"));
	assert_true(streq(a, agg_bucket_at(a, 1)->org, "b"));
	assert_int_equal(agg_bucket_at(a, 1)->records, 2);
	assert_int_equal(agg_bucket_at(a, 2)->timestamp, T0 + 3600);
	agg_free(a);

	/* Asia/Kolkata (+05:30): buckets start at :30 UTC. */
	memset(&cfg, 0, sizeof cfg);
	cfg.tz = "Asia/Kolkata";
	a = run(st, &cfg);
	assert_int_equal(a->nbuckets, 3);
	assert_int_equal(agg_bucket_at(a, 0)->timestamp, T0 - 1800);
	assert_true(streq(a, agg_bucket_at(a, 0)->org, "a"));
	assert_int_equal(agg_bucket_at(a, 0)->hour, 15);
	assert_int_equal(agg_bucket_at(a, 0)->year, 2023);
	assert_int_equal(agg_bucket_at(a, 1)->timestamp, T0 + 1800);
	assert_int_equal(agg_bucket_at(a, 1)->hour, 16);
	agg_free(a);
	freestore(st);

	/*
	 * Europe/Berlin, 2024-10-27: 02:00-03:00 local happens twice
	 * (00:00-01:00 and 01:00-02:00 UTC).  time.Date picks the later
	 * instant, so both hours land in the bucket of 01:00 UTC.
	 */
	st = newstore();
	memset(&r, 0, sizeof r);
	r.code = 200;
	r.sec = 1729989000;	/* 00:30 UTC = 02:30 CEST */
	add(st, &r);
	r.sec = 1729992600;	/* 01:30 UTC = 02:30 CET */
	add(st, &r);
	r.sec = 1729985400;	/* 23:30 UTC = 01:30 CEST */
	add(st, &r);
	cfg.tz = "Europe/Berlin";
	a = run(st, &cfg);
	assert_int_equal(a->nbuckets, 2);
	assert_int_equal(agg_bucket_at(a, 0)->timestamp, 1729983600);
	assert_int_equal(agg_bucket_at(a, 1)->timestamp, 1729990800);
	assert_int_equal(agg_bucket_at(a, 1)->records, 2);
	assert_int_equal(agg_bucket_at(a, 1)->hour, 2);
	agg_free(a);
	freestore(st);

	/*
	 * America/New_York, 2024-11-03: 01:00-02:00 local happens twice
	 * (05:00-06:00 UTC in EDT, 06:00-07:00 UTC in EST).  Go's
	 * time.Date(2024, 11, 3, 1, 0, 0, 0, loc) looks the offset up at
	 * the wall time read as UTC (01:00Z, still EDT) and keeps it, since
	 * 01:00 EDT exists: west of UTC that is the earlier instant (Go's
	 * own time_test.go dateTests: 2011-11-06 1:00 in Los Angeles is
	 * 1:00 PDT, 1320566400).  Both hours land in the bucket of 05:00
	 * UTC; timeid hour 1.
	 */
	st = newstore();
	memset(&r, 0, sizeof r);
	r.code = 200;
	r.sec = 1730611800;	/* 05:30 UTC = 01:30 EDT */
	add(st, &r);
	r.sec = 1730615400;	/* 06:30 UTC = 01:30 EST */
	add(st, &r);
	r.sec = 1730617199;	/* 06:59:59 UTC = 01:59:59 EST */
	add(st, &r);
	r.sec = 1730608200;	/* 04:30 UTC = 00:30 EDT */
	add(st, &r);
	r.sec = 1730619000;	/* 07:30 UTC = 02:30 EST */
	add(st, &r);
	/* 2024-03-10: 02:00-03:00 local is skipped (07:00 UTC). */
	r.sec = 1710055800;	/* 07:30 UTC = 03:30 EDT */
	add(st, &r);
	r.sec = 1710052200;	/* 06:30 UTC = 01:30 EST */
	add(st, &r);
	cfg.tz = "America/New_York";
	a = run(st, &cfg);
	assert_int_equal(a->nbuckets, 5);
	assert_int_equal(agg_bucket_at(a, 0)->timestamp, 1710050400);
	assert_int_equal(agg_bucket_at(a, 0)->hour, 1);
	assert_int_equal(agg_bucket_at(a, 1)->timestamp, 1710054000);
	assert_int_equal(agg_bucket_at(a, 1)->hour, 3);
	assert_int_equal(agg_bucket_at(a, 2)->timestamp, 1730606400);
	assert_int_equal(agg_bucket_at(a, 2)->hour, 0);
	assert_int_equal(agg_bucket_at(a, 3)->timestamp, 1730610000);
	assert_int_equal(agg_bucket_at(a, 3)->records, 3);
	assert_int_equal(agg_bucket_at(a, 3)->day, 3);
	assert_int_equal(agg_bucket_at(a, 3)->hour, 1);
	assert_int_equal(agg_bucket_at(a, 4)->timestamp, 1730617200);
	assert_int_equal(agg_bucket_at(a, 4)->hour, 2);
	agg_free(a);
	freestore(st);

	cfg.tz = "Mars/Olympus_Mons";
	assert_null(agg_create(&cfg, &cause));
	assert_non_null(cause);
	free(cause);
	assert_int_equal(agg_key_tz_check("UTC", &cause), 0);
}

/*
 * tyk-pump TestAnalyticsRecordAggregate_AsChange ("apiid - with errors")
 * and _AsTimeUpdate, as records: api1 fails three times (404, 500, 500),
 * api2 succeeds once.
 */
static void
test_pump_as_change(void **state)
{
	struct store			*st = newstore();
	struct agg			*a;
	struct trec			 r;
	const struct agg_counter	*t, *c;
	struct agg_err			*errs;
	size_t				 n;
	static const int		 code[] = { 404, 500, 500, 200 };
	static const int64_t		 lat[] = { 100, 0, 0, 100 };
	static const int64_t		 up[] = { 100, 100, 0, 200 };
	static const int64_t		 rt[] = { 50, 50, 100, 0 };
	size_t				 i;

	for (i = 0; i < 4; i++) {
		memset(&r, 0, sizeof r);
		r.org = "testorg";
		r.sec = T0 + (int64_t)i;
		r.code = code[i];
		r.lat = lat[i];
		r.up = up[i];
		r.rt = rt[i];
		r.api = i < 3 ? "api1" : "api2";
		r.key = "apikey1";
		r.oauth = "oauthid1";
		r.path = "/get";
		r.track = i < 3;
		add(st, &r);
	}
	a = run(st, NULL);
	t = ctr(a, 0, AGG_TOTAL, NULL, "");
	assert_int_equal(t->hits, 4);
	assert_int_equal(t->success, 1);
	assert_int_equal(t->errortotal, 3);
	assert_int_equal(t->totallatency, 200);
	assert_int_equal(t->totalupstreamlatency, 400);
	assert_true(t->totalrequesttime == 200.0);
	assert_true(t->has_min);
	agg_sorted_errs(a, t, &errs, &n);
	assert_int_equal(n, 2);
	assert_true(streq(a, errs[0].code, "404"));
	assert_int_equal(errs[0].count, 1);
	assert_true(streq(a, errs[1].code, "500"));
	assert_int_equal(errs[1].count, 2);
	free(errs);
	c = ctr(a, 0, AGG_APIID, NULL, "api1");
	assert_int_equal(c->hits, 3);
	assert_int_equal(c->errortotal, 3);
	assert_int_equal(c->totallatency, 100);
	assert_int_equal(c->totalupstreamlatency, 200);
	assert_true(c->totalrequesttime == 200.0);
	assert_int_equal(c->maxlatency, 100);
	assert_int_equal(c->maxupstreamlatency, 100);
	assert_false(c->has_min);	/* "$min" only for total and api2 */
	assert_int_equal(agg_counter_err(a, (uint32_t)(c - a->ctrs),
	    agg_intern(a, "500", 3)), 2);
	c = ctr(a, 0, AGG_APIID, NULL, "api2");
	assert_int_equal(c->success, 1);
	assert_true(c->has_min);
	/* AsTimeUpdate: tracked-path counters that only failed. */
	c = ctr(a, 0, AGG_KEYENDPOINTS, "apikey1", "YXBpMTovZ2V0");
	assert_int_equal(c->hits, 3);
	assert_true(agg_avg((double)c->totallatency, c->hits) == 100.0 / 3);
	assert_false(c->has_min);
	assert_non_null(ctr(a, 0, AGG_OAUTHENDPOINTS, "oauthid1",
	    "YXBpMTovZ2V0"));
	assert_int_equal(ndim(a, 0, AGG_APIENDPOINTS), 1);
	agg_free(a);
	freestore(st);
}

/* tyk-pump latencySetter: averages are total / hits, 0 without hits. */
static void
test_pump_latency_setter(void **state)
{
	assert_true(agg_avg(100, 2) == 50.0);
	assert_true(agg_avg(200, 2) == 100.0);
	assert_true(agg_avg(200, 0) == 0.0);
}

/* Append a Counter document with the given numbers. */
static void
counter_doc(bson_t *parent, const char *key, int hits, int success,
    int errors, bool with_min, const char *errcode)
{
	bson_t	 c, m;

	bson_append_document_begin(parent, key, -1, &c);
	BSON_APPEND_INT32(&c, "hits", hits);
	BSON_APPEND_INT64(&c, "success", success);
	BSON_APPEND_DOUBLE(&c, "errortotal", errors);
	BSON_APPEND_DOUBLE(&c, "totalrequesttime", 10.0 * hits);
	BSON_APPEND_UTF8(&c, "identifier", key);
	BSON_APPEND_UTF8(&c, "humanidentifier", "");
	BSON_APPEND_DATE_TIME(&c, "lasttime", T0 * 1000);
	BSON_APPEND_INT64(&c, "maxlatency", 9);
	if (with_min)
		BSON_APPEND_INT64(&c, "minlatency", 2);
	BSON_APPEND_INT64(&c, "totallatency", 5 * hits);
	bson_append_document_begin(&c, "errormap", -1, &m);
	if (errcode != NULL)
		BSON_APPEND_INT32(&m, errcode, errors);
	bson_append_document_end(&c, &m);
	bson_append_document_end(parent, &c);
}

/* A stored aggregate document for org at T0. */
static void
stored_doc(struct store *st, uint16_t src, const char *org, int hits)
{
	bson_t	 d, m, k, t;

	bson_init(&d);
	BSON_APPEND_UTF8(&d, "orgid", org);
	BSON_APPEND_DATE_TIME(&d, "timestamp", T0 * 1000);
	bson_append_document_begin(&d, "timeid", -1, &t);
	BSON_APPEND_INT32(&t, "year", 2023);
	BSON_APPEND_INT32(&t, "month", 4);
	BSON_APPEND_INT32(&t, "day", 4);
	BSON_APPEND_INT32(&t, "hour", 10);
	bson_append_document_end(&d, &t);
	counter_doc(&d, "total", hits, hits - 1, 1, true, "500");
	bson_append_document_begin(&d, "apikeys", -1, &m);
	counter_doc(&m, "plain", hits, hits, 0, true, NULL);
	/* "ab.cd" as Mongo stores it: nested. */
	bson_append_document_begin(&m, "ab", -1, &k);
	counter_doc(&k, "cd", 1, 0, 1, false, "404");
	bson_append_document_end(&m, &k);
	bson_append_document_end(&d, &m);
	bson_append_document_begin(&d, "keyendpoints", -1, &m);
	bson_append_document_begin(&m, "x", -1, &k);
	bson_append_document_begin(&k, "y", -1, &t);
	counter_doc(&t, "ZW5k", 2, 2, 0, true, NULL);
	bson_append_document_end(&k, &t);
	bson_append_document_end(&m, &k);
	bson_append_document_end(&d, &m);
	bson_append_document_begin(&d, "lists", -1, &m);
	bson_append_document_end(&d, &m);
	store_add_aggdoc(st, src, 0, &d);
	bson_destroy(&d);
}

/*
 * Stored documents: duplicates summed (Q8; tyk-pump's two-pump fixture
 * ends with total.hits 6 from two writers of 3), mixed-collection copies
 * ignored, nesting undone, any numeric type accepted.
 */
static void
test_stored(void **state)
{
	struct store			*st = newstore();
	struct agg			*a;
	const struct agg_counter	*c;
	uint16_t			 mixed;
	uint64_t			 skipped;
	char				*cause = NULL;

	mixed = store_source_add(st, "tyk_analytics_aggregates.bson",
	    STORE_SRC_FILE);
	stored_doc(st, 0, "org1", 3);
	stored_doc(st, 0, "org1", 3);
	stored_doc(st, mixed, "org1", 3);	/* a copy: ignored */
	stored_doc(st, mixed, "org2", 4);	/* only there: counts */
	a = agg_stored_load(st, NULL, &skipped, &cause);
	assert_non_null(a);
	assert_int_equal(skipped, 0);
	assert_int_equal(a->nbuckets, 2);
	c = ctr(a, 0, AGG_TOTAL, NULL, "");
	assert_int_equal(c->hits, 6);
	assert_int_equal(c->success, 4);
	assert_int_equal(c->errortotal, 2);
	assert_true(c->totalrequesttime == 60.0);
	assert_int_equal(c->minlatency, 2);
	assert_true(c->has_min);
	assert_int_equal(agg_counter_err(a, (uint32_t)(c - a->ctrs),
	    agg_intern(a, "500", 3)), 2);
	assert_int_equal(agg_bucket_at(a, 0)->hour, 10);
	assert_int_equal(ctr(a, 0, AGG_APIKEYS, NULL, "plain")->hits, 6);
	c = ctr(a, 0, AGG_APIKEYS, NULL, "ab.cd");
	assert_non_null(c);
	assert_int_equal(c->hits, 2);
	assert_false(c->has_min);
	c = ctr(a, 0, AGG_KEYENDPOINTS, "x.y", "ZW5k");
	assert_non_null(c);
	assert_int_equal(c->hits, 4);
	assert_int_equal(ctr(a, 1, AGG_TOTAL, NULL, "")->hits, 4);
	agg_free(a);
	freestore(st);
}

/* Reconcile finds exactly the keys whose counts differ. */
static void
test_reconcile(void **state)
{
	struct store	*st = newstore();
	struct agg	*as, *ac;
	struct trec	 r;
	char		*cause = NULL, *out = NULL;
	size_t		 len = 0, n;
	FILE		*f;
	int		 i;

	/* Computed: org1, key "plain" 3 hits (2 ok, 1 500). */
	for (i = 0; i < 3; i++) {
		memset(&r, 0, sizeof r);
		r.org = "org1";
		r.sec = T0 + i;
		r.code = i == 0 ? 500 : 200;
		r.key = "plain";
		add(st, &r);
	}
	stored_doc(st, 0, "org1", 3);
	as = agg_stored_load(st, NULL, NULL, &cause);
	ac = run(st, NULL);
	f = open_memstream(&out, &len);
	n = agg_output_reconcile(f, as, ac, NULL, false, false);
	fclose(f);
	if (getenv("AGG_DEBUG") != NULL)
		fputs(out, stderr);
	/*
	 * total agrees (3/2/1); plain differs in success and errors; ab.cd
	 * and x.y.ZW5k are missing from the records; errors.500 is missing
	 * from the stored document.
	 */
	assert_int_equal(n, 4);
	assert_non_null(strstr(out, "{\"orgid\":\"org1\",\"timestamp\":"
	    "\"2023-04-04T10:00:00.000Z\",\"dimension\":\"errors\",\"key\":"
	    "\"500\",\"stored\":{\"hits\":0,"));
	assert_non_null(strstr(out, "\"dimension\":\"apikeys\",\"key\":"
	    "\"plain\",\"stored\":{\"hits\":3,\"success\":3,\"errortotal\":0},"
	    "\"computed\":{\"hits\":3,\"success\":2,\"errortotal\":1}"));
	assert_non_null(strstr(out, "\"key\":\"ab.cd\""));
	assert_non_null(strstr(out, "\"key\":\"x.y.ZW5k\""));
	free(out);
	out = NULL;
	f = open_memstream(&out, &len);
	assert_int_equal(agg_output_reconcile(f, ac, ac, NULL, false,
	    false), 0);
	fclose(f);
	free(out);
	agg_free(as);
	agg_free(ac);
	freestore(st);
}

/* JSON document shape: BSON keys, all counter fields, sorted errorlist. */
static void
test_json(void **state)
{
	struct store	*st = newstore();
	struct agg	*a;
	struct trec	 r;
	char		*out = NULL;
	size_t		 len = 0;
	FILE		*f;

	memset(&r, 0, sizeof r);
	r.org = "o";
	r.sec = T0;
	r.code = 500;
	r.lat = 3;
	r.rt = 1;
	r.api = "a";
	r.apiname = "A";
	add(st, &r);
	r.code = 1000;
	add(st, &r);
	a = run(st, NULL);
	f = open_memstream(&out, &len);
	assert_int_equal(agg_output_json(f, a, NULL), 1);
	fclose(f);
	if (getenv("AGG_DEBUG") != NULL)
		fputs(out, stderr);
	assert_non_null(strstr(out, "{\"orgid\":\"o\",\"timestamp\":"
	    "\"2023-04-04T10:00:00.000Z\",\"timeid\":{\"year\":2023,"
	    "\"month\":4,\"day\":4,\"hour\":10},\"expireAt\":"
	    "\"2023-04-05T10:00:00.000Z\",\"lasttime\":"
	    "\"2023-04-04T10:00:00.123Z\",\"total\":{\"hits\":2,"
	    "\"success\":0,\"errortotal\":2,\"requesttime\":1,"
	    "\"totalrequesttime\":2,\"identifier\":\"\",\"humanidentifier\":"
	    "\"\",\"lasttime\":\"2023-04-04T10:00:00.123Z\","
	    "\"openconnections\":0,\"closedconnections\":0,\"bytesin\":0,"
	    "\"bytesout\":0,\"maxupstreamlatency\":0,"
	    "\"totalupstreamlatency\":0,\"upstreamlatency\":0,"
	    "\"maxlatency\":3,\"totallatency\":6,\"latency\":3,"
	    "\"errormap\":{\"1000\":1,\"500\":1},\"errorlist\":[{\"code\":"
	    "\"1000\",\"count\":1},{\"code\":\"500\",\"count\":1}]},"
	    "\"apiid\":{\"a\":{"));
	assert_non_null(strstr(out, "\"oauthendpoints\":{}}\n"));
	free(out);
	agg_free(a);
	freestore(st);
}

/* TUI rows and drill-down filters. */
static void
test_rows(void **state)
{
	struct store	*st = newstore();
	struct agg	*a;
	struct agg_row	*rows;
	struct trec	 r;
	size_t		 n;
	char		*f;

	memset(&r, 0, sizeof r);
	r.org = "o";
	r.code = 200;
	r.lat = 10;
	r.api = "a1";
	r.ver = "v 1";
	r.key = "k1";
	r.path = "/p";
	r.track = true;
	r.sec = T0;
	add(st, &r);
	r.sec = T0 + 3600;
	r.code = 500;
	r.lat = 30;
	add(st, &r);
	a = run(st, NULL);
	agg_rows(a, -1, AGG_APIID, &rows, &n);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].hits, 2);
	assert_int_equal(rows[0].errors, 1);
	assert_true(rows[0].error_rate == 0.5);
	assert_true(rows[0].avg_latency == 20.0);
	assert_int_equal(rows[0].max_latency, 30);
	assert_int_equal(rows[0].last_access,
	    (T0 + 3600) * 1000000000LL + 123456789);
	assert_int_equal(rows[0].since, T0 * 1000000000LL);
	assert_int_equal(rows[0].until, (T0 + 7200) * 1000000000LL);
	assert_int_equal(rows[0].p50, 10);
	assert_int_equal(rows[0].p99, 30);	/* bucket [30, 31] */
	f = agg_row_filter(a, &rows[0]);
	assert_string_equal(f, "org:=o api:=a1");
	free(f);
	free(rows);
	agg_rows(a, 1, AGG_VERSIONS, &rows, &n);
	assert_int_equal(n, 1);
	assert_int_equal(rows[0].hits, 1);
	assert_int_equal(rows[0].p50, -1);
	f = agg_row_filter(a, &rows[0]);
	assert_string_equal(f, "org:=o api:=a1 version:=\"v 1\"");
	free(f);
	free(rows);
	agg_rows(a, 0, AGG_APIENDPOINTS, &rows, &n);
	f = agg_row_filter(a, &rows[0]);
	assert_string_equal(f,
	    "org:=o api:=a1 version:=\"v 1\" path:=/p track:yes");
	free(f);
	free(rows);
	agg_rows(a, 0, AGG_KEYENDPOINTS, &rows, &n);
	f = agg_row_filter(a, &rows[0]);
	assert_string_equal(f, "org:=o key:=k1 api:=a1 path:=/p track:yes");
	free(f);
	free(rows);
	agg_rows(a, 1, AGG_ERRORS, &rows, &n);
	f = agg_row_filter(a, &rows[0]);
	assert_string_equal(f, "org:=o status:500");
	free(f);
	free(rows);
	agg_free(a);
	freestore(st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classes),
		cmocka_unit_test(test_min_rules),
		cmocka_unit_test(test_times_and_names),
		cmocka_unit_test(test_tags),
		cmocka_unit_test(test_tag_lists),
		cmocka_unit_test(test_pump_tags),
		cmocka_unit_test(test_endpoints),
		cmocka_unit_test(test_escaping),
		cmocka_unit_test(test_network),
		cmocka_unit_test(test_exclusions),
		cmocka_unit_test(test_buckets_tz),
		cmocka_unit_test(test_pump_as_change),
		cmocka_unit_test(test_pump_latency_setter),
		cmocka_unit_test(test_stored),
		cmocka_unit_test(test_reconcile),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_rows),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
