/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "bytes.h"
#include "field.h"
#include "filter.h"
#include "filter-parse.h"
#include "record.h"
#include "store.h"
#include "timefmt.h"
#include "unit.h"

#define T0	1709200800LL	/* 2024-02-29T10:00:00Z */
#define NOW	((T0 + 3600) * 1000000000LL)

/* A hand-built record; NULL strings stay empty. */
struct spec {
	int		 status;
	const char	*path, *raw_path, *key, *alias, *api_id, *api_name;
	const char	*org, *version, *method, *host, *oauth, *ip, *country;
	const char	*tags[3];
	const char	*ua;
	int64_t		 latency, upstream, size;
	int64_t		 sec;		/* offset from T0 */
	bool		 track, wide;
	const char	*req, *resp;	/* raw_request/raw_response (base64) */
};

#define REQ0	"UE9TVCAvdjEvb3JkZXJzLzQyIEhUVFAvMS4xDQpIb3N0OiBhcGkuZXhhbXBs" \
    "ZS5jb20NClgtVHJhY2U6IGFiYzEyMw0KQ29udGVudC1UeXBlOiBhcHBsaWNhdGlvbi9q" \
    "c29uDQpDb250ZW50LUxlbmd0aDogMTINCg0KeyJhbW91bnQiOjV9"
#define RESP0	"SFRUUC8xLjEgNDAyIFBheW1lbnQgUmVxdWlyZWQNCkNvbnRlbnQtVHlwZTog" \
    "YXBwbGljYXRpb24vanNvbg0KQ29udGVudC1MZW5ndGg6IDMwDQoNCnsiZXJyb3IiOiJp" \
    "bnN1ZmZpY2llbnQgZnVuZHMifQ=="
/* chunked, gzip: "caf\xc3\xa9 latte" */
#define RESP1	"SFRUUC8xLjEgMjAwIE9LDQpUcmFuc2Zlci1FbmNvZGluZzogY2h1bmtlZA0K" \
    "Q29udGVudC1FbmNvZGluZzogZ3ppcA0KU2V0LUNvb2tpZTogcz0xDQoNCjFmDQofiwgA" \
    "AAAAAAIDS05MO7xSISexpCQVAGnmcGgLAAAADQowDQoNCg=="

static void
str(struct record_build *b, struct store *st, enum record_str f,
    const char *s)
{
	if (s != NULL)
		record_build_str(b, st, f, s, strlen(s));
}

static uint64_t
add(struct store *st, const struct spec *sp)
{
	struct record_build	 b;
	uint64_t		 seq;
	int			 i;

	record_build_init(&b);
	b.ts_set = b.exp_set = true;
	b.ts_sec = T0 + sp->sec;
	b.exp_sec = T0 + 86400;
	b.response_code = sp->status;
	b.lat_total = sp->latency;
	b.lat_upstream = sp->upstream;
	b.lat_gateway = sp->latency - sp->upstream;
	b.content_length = sp->size;
	if (sp->wide)
		b.lat_total = 1LL << 40;
	str(&b, st, RS_PATH, sp->path);
	str(&b, st, RS_RAW_PATH, sp->raw_path);
	str(&b, st, RS_API_KEY, sp->key);
	str(&b, st, RS_ALIAS, sp->alias);
	str(&b, st, RS_API_ID, sp->api_id);
	str(&b, st, RS_API_NAME, sp->api_name);
	str(&b, st, RS_ORG_ID, sp->org);
	str(&b, st, RS_API_VERSION, sp->version);
	str(&b, st, RS_METHOD, sp->method);
	str(&b, st, RS_HOST, sp->host);
	str(&b, st, RS_OAUTH_ID, sp->oauth);
	str(&b, st, RS_IP_ADDRESS, sp->ip);
	str(&b, st, RS_USER_AGENT, sp->ua);
	for (i = 0; i < 3 && sp->tags[i] != NULL; i++)
		record_build_tag(&b, sp->tags[i], strlen(sp->tags[i]));
	if (sp->country != NULL) {
		b.geo.iso_code = strtab_intern(&st->strs, sp->country,
		    strlen(sp->country));
		b.has_geo = true;
	}
	if (sp->track)
		b.rec.flags |= REC_TRACK_PATH;
	if (sp->req != NULL) {
		b.req = sp->req;
		b.req_len = strlen(sp->req);
	}
	if (sp->resp != NULL) {
		b.resp = sp->resp;
		b.resp_len = strlen(sp->resp);
	}
	seq = store_add(st, &b, 0, (uint64_t)sp->sec);
	record_build_clear(&b);
	return (seq);
}

static const struct spec specs[] = {
	/* 0 */ { .status = 200, .path = "/v1/orders/42",
	    .raw_path = "/v1/orders/42?x=1", .key = "1a1d61aa",
	    .alias = "alice",
	    .api_id = "c5a6ef01", .api_name = "payments", .org = "org1",
	    .version = "v1", .method = "GET", .host = "api.example.com",
	    .ip = "10.1.2.3", .country = "GB", .tags = { "gold", "pol-7" },
	    .ua = "curl/8.0", .latency = 120, .upstream = 100, .size = 512,
	    .sec = 0, .track = true, .req = REQ0, .resp = RESP0 },
	/* 1 */ { .status = 500, .path = "/charges", .raw_path = "/charges",
	    .key = "00000000", .api_id = "ab12", .api_name = "billing",
	    .org = "org2", .method = "post", .ip = "2001:db8::1",
	    .country = "de", .latency = 900, .upstream = 850, .size = 0,
	    .sec = 1800, .resp = RESP1 },
	/* 2 */ { .status = 404, .path = "/caf\xc3\xa9/men\xc3\xbc",
	    .raw_path = "/caf%C3%A9/men%C3%BC", .method = "PUT",
	    .ip = "::ffff:192.168.0.9", .tags = { "silver" }, .latency = 3,
	    .sec = 3600 },
	/* 3 */ { .status = 503, .path = "/a b", .key = "k\"q", .alias = "",
	    .method = "DELETE", .ip = "192.168.1.255", .sec = -7200,
	    .wide = true },
};
#define NSPECS	(sizeof specs / sizeof specs[0])

struct fixture {
	struct store	 st;
	struct record	*r[8];
};

static int
setup(void **state)
{
	struct fixture	*fx = calloc(1, sizeof *fx);
	size_t		 i;

	store_init(&fx->st, 0);
	store_source_add(&fx->st, "t", STORE_SRC_FILE);
	for (i = 0; i < NSPECS; i++)
		add(&fx->st, &specs[i]);
	store_add_bad(&fx->st, 0, 99, (T0 + 60) * 1000000000LL, "bad thing",
	    "\x01\x02", 2);
	store_add_gap(&fx->st, 0, 100, (T0 + 10) * 1000000000LL,
	    (T0 + 20) * 1000000000LL, 5, "analytics-x");
	*state = fx;
	return (0);
}

static int
teardown(void **state)
{
	struct fixture	*fx = *state;

	store_clear(&fx->st);
	free(fx);
	return (0);
}

/* Which records match: a string of '0'/'1', one per record seq. */
static char *
matches(struct fixture *fx, const char *expr)
{
	struct filter			*f;
	const struct store_chunk	*c;
	char				*cause, *out;
	uint64_t			 seq;
	uint32_t			 i, from, *sel;
	size_t				 k, j, nsel;
	int				 col;
	bool				 yes;

	if (filter_compile(expr, NOW, &f, &cause, &col) != 0) {
		fprintf(stderr, "compile '%s': %s\n", expr, cause);
		free(cause);
		return (strdup("error"));
	}
	out = calloc(1, (size_t)(fx->st.next + 1));
	for (seq = fx->st.first; seq < fx->st.next; seq++)
		out[seq] = filter_match(f, &fx->st, store_get(&fx->st, seq)) ?
		    '1' : '0';
	/* The column form (whole-set passes) must agree on every record. */
	for (seq = fx->st.first; seq < fx->st.next; seq++) {
		c = store_chunk_of(&fx->st, seq, &i);
		if (filter_match_at(f, &fx->st, c, i) != (out[seq] == '1')) {
			free(out);
			out = strdup("column form differs");
			break;
		}
	}
	/* And so must the chunk-at-a-time form. */
	sel = calloc((size_t)1 << fx->st.chunk_shift, sizeof *sel);
	for (k = 0; k < fx->st.nchunks && strcmp(out, "column form differs");
	    k++) {
		c = fx->st.chunks[k];
		from = k == 0 ? (uint32_t)(fx->st.first - c->first) : 0;
		nsel = filter_select_at(f, &fx->st, c, from, c->n, sel);
		j = 0;
		for (i = from; i < c->n; i++) {
			yes = j < nsel && sel[j] == i;
			if (yes)
				j++;
			if (yes != (out[c->first + i] == '1')) {
				free(out);
				out = strdup("chunk form differs");
				break;
			}
		}
		if (i == c->n && j != nsel) {
			free(out);
			out = strdup("chunk form differs");
		}
		if (strncmp(out, "chunk", 5) == 0)
			break;
	}
	free(sel);
	filter_free(f);
	return (out);
}

static const struct {
	const char	*expr;
	const char	*want;	/* records 0..3, then bad, then gap */
} evals[] = {
	{ "", "111111" },
	{ "   ", "111111" },
	{ "status:500", "010000" },
	{ "status:5xx", "010100" },
	{ "status:5XX", "010100" },
	{ "status:4xx|5xx", "011100" },
	{ "status:>=400", "011100" },
	{ "status:>404", "010100" },
	{ "status:<404", "100000" },
	{ "status:<=404", "101000" },
	{ "status:500-599", "010100" },
	{ "status:50x", "010100" },
	{ "code:200", "100000" },
	{ "!status:5xx", "101000" },
	{ "!status:200|404", "010100" },
	{ "path:/charges", "010000" },
	{ "path:x=1", "100000" },
	{ "path:=/v1/orders/42", "100000" },
	{ "path:=/v1/orders", "000000" },
	{ "path:~^/v1/orders/\\d+$", "100000" },
	{ "path:~\"^/v1/orders/\\d+$\"", "100000" },
	{ "path:~^/caf\xc3\xa9/", "001000" },
	{ "path:~^/caf./", "001000" },
	{ "path:caf\xc3\xa9", "001000" },
	{ "path:%C3%A9", "001000" },
	{ "/charges", "010000" },
	{ "orders", "100000" },
	{ "!orders", "011100" },
	{ "~\"^/(charges|a )\"", "010100" },
	{ "path:\"/a b\"", "000100" },
	{ "\"/a b\"", "000100" },
	{ "path:/a\\ b", "000100" },
	{ "path:\"a|b\"", "000000" },
	{ "path:/charges|/a\\ b", "010100" },
	{ "key:1a1d61", "100000" },
	{ "key:alice", "100000" },
	{ "!key:00000000", "101100" },
	{ "key:=", "001000" },
	{ "key:=\"\"", "001000" },
	{ "!key:=", "110100" },
	{ "key:\"k\\\"q\"", "000100" },
	{ "key:k\\\"q", "000100" },
	{ "key:=k\\\"q", "000100" },
	/* key:#DIGEST (mask_key_digest), as + puts it: no key shown. */
	{ "key:#9366a8cc7a45", "100000" },
	{ "key:#9366A8", "100000" },
	{ "key:#508b2abb65a0", "100000" },
	{ "!key:#9366a8cc7a45", "011100" },
	{ "key:#000000000000", "000000" },
	{ "key:\"#9366a8cc7a45\"", "000000" },
	{ "api:payments", "100000" },
	{ "api:c5a6ef", "100000" },
	{ "api:=ab12|=payments", "110000" },
	{ "org:org2", "010000" },
	{ "version:v1", "100000" },
	{ "method:POST", "010000" },
	{ "method:get|put", "101000" },
	{ "method:=Post", "010000" },
	{ "method:~^p", "011000" },
	{ "method:~^P", "011000" },
	{ "host:example", "100000" },
	{ "oauth:=", "111100" },
	{ "ip:10.0.0.0/8", "100000" },
	{ "ip:10.1.2.3", "100000" },
	{ "ip:10.1.2.4", "000000" },
	{ "ip:10.1.2.3/32", "100000" },
	{ "ip:0.0.0.0/0", "101100" },
	{ "ip:::/0", "010000" },
	{ "ip:2001:db8::/32", "010000" },
	{ "ip:2001:db8:0:0::1", "010000" },
	{ "ip:2001:db9::/32", "000000" },
	{ "ip:192.168.0.0/16", "001100" },
	{ "ip:192.168.0.0/24", "001000" },
	{ "ip:192.168.1.0/24", "000100" },
	{ "ip:192.168.1.255/31", "000100" },
	{ "ip:192.168.1.254/32", "000000" },
	{ "ip:::ffff:192.168.0.0/112", "001100" },
	{ "ip:192.168.0.9", "001000" },
	{ "ip:192.168.", "001100" },
	{ "ip:=::ffff:192.168.0.9", "001000" },
	{ "ip:~^2001:", "010000" },
	{ "!ip:10.0.0.0/8|2001:db8::/32", "001100" },
	{ "country:gb", "100000" },
	{ "country:DE", "010000" },
	{ "country:=", "001100" },
	{ "tag:gold", "100000" },
	{ "tag:=pol-7", "100000" },
	{ "tag:~^pol-", "100000" },
	{ "tag:=", "010100" },
	{ "tag:silver|gold", "101000" },
	{ "ua:curl", "100000" },
	{ "latency:>500", "010100" },
	{ "latency:100-200", "100000" },
	{ "latency:>0.5s", "error" },
	{ "latency:<1s", "111000" },
	{ "latency:100ms-200ms", "100000" },
	{ "size:<1k", "111100" },
	{ "size:>=1KB", "000000" },
	{ "latency:<=3", "001000" },
	{ "upstream:>=850", "010000" },
	{ "gateway:20", "100000" },
	{ "size:512", "100000" },
	{ "size:0", "011100" },
	{ "since:2024-02-29T10:30", "011000" },
	{ "since:-30m", "011000" },
	{ "since:-29m", "001000" },
	{ "since:-1h", "111011" },
	{ "since:-61m", "111011" },
	{ "until:2024-02-29T10:00", "100101" },
	{ "until:2024-02-29", "111111" },
	{ "until:-1h", "000100" },
	{ "time:2024-02-29T10", "110011" },
	{ "time:>=2024-02-29T11", "001000" },
	{ "time:<2024-02-29T10", "000100" },
	{ "time:>2024-02-29T10:00", "011010" },
	{ "time:2024-02-29T10:00:00Z", "100000" },
	{ "time:2024-02-29T12:00:00+02:00", "100000" },
	{ "track:yes", "100000" },
	{ "!track:yes", "011100" },
	{ "detailed:yes", "110000" },
	{ "detailed:no", "001100" },
	{ "body:insufficient", "100000" },
	{ "respbody:insufficient", "100000" },
	{ "reqbody:insufficient", "000000" },
	{ "reqbody:amount", "100000" },
	{ "body:~\"^caf\xc3\xa9 latte$\"", "010000" },
	{ "respbody:\"caf\xc3\xa9 \"", "010000" },
	{ "body:=", "001100" },
	{ "!body:=", "110000" },
	{ "reqbody:=", "011100" },
	{ "hdr:=", "001100" },
	{ "hdr:x-trace", "100000" },
	{ "hdr:\"set-cookie: s=1\"", "010000" },
	{ "hdr:~^content-type:\\s*application/json", "100000" },
	{ "hdr:=\"host: api.example.com\"", "100000" },
	{ "status:5xx body:funds", "000000" },
	{ "!hdr:x-trace", "011100" },
	{ "bad:yes", "000010" },
	{ "!bad:yes", "111101" },
	{ "bad:no", "111101" },
	{ "gap:yes", "000001" },
	{ "bad:yes|no", "111111" },
	{ "bad:yes since:2024-02-29T10:01", "000010" },
	{ "bad:yes status:500", "000000" },
	{ "!status:500", "101100" },
	{ "status:5xx method:post path:charges", "010000" },
	{ "status:5xx !method:post", "000100" },
	{ "STATUS:500 Path:/charges", "010000" },
	{ "\tstatus:500\n", "010000" },
};

static void
test_eval(void **state)
{
	struct fixture	*fx = *state;
	char		*got;
	size_t		 i;
	int		 bad = 0;

	for (i = 0; i < sizeof evals / sizeof evals[0]; i++) {
		got = matches(fx, evals[i].expr);
		if (strcmp(got, evals[i].want) != 0) {
			fprintf(stderr, "'%s': got %s, want %s\n",
			    evals[i].expr, got, evals[i].want);
			bad++;
		}
		free(got);
	}
	assert_int_equal(bad, 0);
}

static const struct {
	const char	*expr;
	const char	*want;	/* filter_describe, or the error */
	int		 column;	/* 0 when no error */
} parses[] = {
	{ "status:5xx", "status:500..599", 0 },
	{ "status:4xx|>=500|-1", "status:400..499|500..|-1", 0 },
	{ "status:<400", "status:..399", 0 },
	{ "status:200-204", "status:200..204", 0 },
	{ "!key:=", "!key:=\"\"", 0 },
	{ "key:=abc", "key:=\"abc\"", 0 },
	{ "key:#9366A8cc7a45", "key:#9366a8cc7a45", 0 },
	{ "key:#xyz", "bad key digest '#xyz' at column 5 (a key digest is "
	    "1 to 12 hex digits, as + puts it)", 5 },
	{ "/health", "path:\"/health\"", 0 },
	{ "path:~^/v1/orders/\\d+$", "path:~\"^/v1/orders/\\\\d+$\"", 0 },
	{ "body2:x", "unknown field 'body2' at column 1 (did you mean "
	    "'body'?)", 1 },
	{ "stauts:500", "unknown field 'stauts' at column 1 (did you mean "
	    "'status'?)", 1 },
	{ "status:500 !mehtod:GET", "unknown field 'mehtod' at column 13 "
	    "(did you mean 'method'?)", 13 },
	{ "zzzzzz:1", "unknown field 'zzzzzz' at column 1", 1 },
	{ "lat:>5", "unknown field 'lat' at column 1 (did you mean "
	    "'latency'?)", 1 },
	{ "ip:10.0.0.0/8 ip:::1 ip:2001:db8::/32",
	    "ip:10.0.0.0/8 ip:::1 ip:2001:db8::/32", 0 },
	{ "ip:::ffff:10.0.0.0/104", "ip:10.0.0.0/8", 0 },
	{ "ip:10.0.0.0/33", "bad CIDR block '10.0.0.0/33' at column 4 "
	    "(expected e.g. 10.0.0.0/8 or 2001:db8::/32)", 4 },
	{ "ip:10.0.0/8", "bad CIDR block '10.0.0/8' at column 4 "
	    "(expected e.g. 10.0.0.0/8 or 2001:db8::/32)", 4 },
	{ "status:abc", "bad number 'abc' for 'status' at column 8 "
	    "(expected e.g. 500, 5xx, >=400, 500-599)", 8 },
	{ "status:599-500", "empty range '599-500' at column 8", 8 },
	{ "latency:fast", "bad number 'fast' for 'latency' at column 9 "
	    "(expected e.g. 500, >500, <=2s, 100-200)", 9 },
	{ "size:1x", "bad number '1x' for 'size' at column 6 "
	    "(expected e.g. 500, >10k, <=1m, 100-200)", 6 },
	{ "latency:>2s size:<=1m|1k-2k", "latency:2001.. "
	    "size:..1048576|1024..2048", 0 },
	{ "status:1s", "bad number '1s' for 'status' at column 8 "
	    "(expected e.g. 500, 5xx, >=400, 500-599)", 8 },
	{ "path:~(a", "bad regex at column 9 (missing closing parenthesis)",
	    9 },
	{ "path:\"abc", "unterminated quote at column 6", 6 },
	{ "path:abc\\", "backslash at the end of the filter at column 9", 9 },
	{ "key:", "empty value for 'key' (use key:= to match an empty key) "
	    "at column 5", 5 },
	{ "key:a||b", "empty value for 'key' (use key:= to match an empty "
	    "key) at column 7", 7 },
	{ "!", "'!' with nothing to negate at column 1", 1 },
	{ "a ! b", "'!' with nothing to negate at column 3", 3 },
	{ "path:>5", "'path' is a text field: no '<' or '>' at column 6 "
	    "(they compare numbers and times)", 6 },
	{ "status:~5", "'status' is not a text field: no '~' at column 8 "
	    "(regexes match text fields)", 8 },
	{ "path:a|~b", "'~' after '|' at column 8 (a regex takes the whole "
	    "value; use (a|b) inside it)", 8 },
	{ "bad:maybe", "bad value 'maybe' for 'bad' at column 5 (expected "
	    "yes or no)", 5 },
	{ "body:~x", "body:~\"x\"", 0 },
	{ "hdr:>5", "'hdr' is a text field: no '<' or '>' at column 5 "
	    "(they compare numbers and times)", 5 },
	{ "since:2024-13-01", "bad time '2024-13-01' for 'since' at column 7 "
	    "(date or time out of range)", 7 },
	{ "since:>2024-01-01", "'since' takes a time, not an operator at "
	    "column 7 (use time:>... or time:<...)", 7 },
	{ "since:2024-02-29T10:00Z", "since:2024-02-29T10:00:00Z..", 0 },
	{ "until:2024-02-29Z", "until:..2024-02-29T23:59:59.999999999Z", 0 },
	{ "since:-15m", "since:now-900..", 0 },
	{ "time:2024-02-29Z", "time:2024-02-29T00:00:00Z.."
	    "2024-02-29T23:59:59.999999999Z", 0 },
	{ "time:\"2024-02-29T10Z\"", "time:2024-02-29T10:00:00Z.."
	    "2024-02-29T10:59:59.999999999Z", 0 },
	{ "time:>=2024-02-29T10:00:00.5Z", "time:2024-02-29T10:00:00."
	    "500000000Z..", 0 },
	{ "caf\xc3\xa9 \"x", "unterminated quote at column 6", 6 },
	{ "tag:=gold|=\"a b\"", "tag:=\"gold\"|=\"a b\"", 0 },
	{ "detailed:YES track:0", "detailed:yes track:no", 0 },
	{ "path:\\~x", "path:\"~x\"", 0 },
	{ "path:\"~x\"", "path:\"~x\"", 0 },
	{ "path:\"=x\"", "path:\"=x\"", 0 },
};

static void
test_parse(void **state)
{
	struct filter	*f;
	struct buf	 b;
	char		*cause;
	size_t		 i;
	int		 col, bad = 0;

	for (i = 0; i < sizeof parses / sizeof parses[0]; i++) {
		buf_init(&b);
		if (filter_compile(parses[i].expr, NOW, &f, &cause,
		    &col) == 0) {
			filter_describe(f, &b);
			buf_addc(&b, '\0');
			cause = buf_take(&b);
			col = 0;
			filter_free(f);
		}
		buf_clear(&b);
		if (strcmp(cause, parses[i].want) != 0 ||
		    col != parses[i].column) {
			fprintf(stderr, "'%s':\n got  %s (%d)\n want %s (%d)\n",
			    parses[i].expr, cause, col, parses[i].want,
			    parses[i].column);
			bad++;
		}
		free(cause);
	}
	assert_int_equal(bad, 0);
}

static void
test_limits(void **state)
{
	struct filter	*f;
	char		*cause, *big;
	size_t		 i;

	big = malloc(FILTER_MAX_LEN + 2);
	memset(big, 'a', FILTER_MAX_LEN + 1);
	big[FILTER_MAX_LEN + 1] = '\0';
	assert_int_equal(filter_compile(big, 0, &f, &cause, NULL), -1);
	assert_non_null(strstr(cause, "too long"));
	free(cause);
	for (i = 0; i < FILTER_MAX_LEN; i += 2) {
		big[i] = 'a';
		big[i + 1] = ' ';
	}
	big[FILTER_MAX_LEN] = '\0';
	assert_int_equal(filter_compile(big, 0, &f, &cause, NULL), -1);
	assert_non_null(strstr(cause, "too many tokens"));
	free(cause);
	free(big);
	assert_int_equal(filter_compile(NULL, 0, &f, &cause, NULL), 0);
	assert_true(filter_is_empty(f));
	filter_free(f);
}

static void
test_catastrophic_regex(void **state)
{
	struct fixture		*fx = *state;
	struct record_build	 b;
	struct filter		*f;
	char			*cause, s[4000];

	memset(s, 'a', sizeof s - 1);
	s[sizeof s - 1] = '\0';
	record_build_init(&b);
	record_build_str(&b, &fx->st, RS_PATH, s, strlen(s));
	store_add(&fx->st, &b, 0, 1);
	record_build_clear(&b);
	assert_int_equal(filter_compile("path:~^(a+)+$b", 0, &f, &cause,
	    NULL), 0);
	assert_false(filter_match(f, &fx->st, store_get(&fx->st,
	    fx->st.next - 1)));
	filter_free(f);
}

static void
test_relative_and_select(void **state)
{
	struct fixture	*fx = *state;
	struct filter	*f;
	char		*cause;
	uint64_t	 out[16];
	size_t		 n;

	assert_int_equal(filter_compile("since:-30m", NOW, &f, &cause, NULL),
	    0);
	assert_true(filter_is_relative(f));
	n = filter_select(f, &fx->st, 0, fx->st.next, out);
	assert_int_equal(n, 2);
	assert_int_equal(out[0], 1);
	filter_set_now(f, NOW - 3600 * 1000000000LL);
	n = filter_select(f, &fx->st, 0, fx->st.next, out);
	assert_int_equal(n, 5);		/* 0, 1, 2, bad, gap */
	filter_free(f);

	assert_int_equal(filter_compile("bad:yes", NOW, &f, &cause, NULL), 0);
	assert_true(filter_selects_bad(f));
	assert_true(filter_uses_field(f, FIELD_BAD));
	filter_free(f);
	assert_int_equal(filter_compile("!bad:yes", NOW, &f, &cause, NULL),
	    0);
	assert_false(filter_selects_bad(f));
	filter_free(f);
	assert_int_equal(filter_compile("status:5xx", NOW, &f, &cause, NULL),
	    0);
	assert_false(filter_selects_bad(f));
	assert_false(filter_is_relative(f));
	n = filter_select(f, &fx->st, 0, 100, out);
	assert_int_equal(n, 2);
	n = filter_select(NULL, &fx->st, 1, 3, out);
	assert_int_equal(n, 2);
	filter_free(f);
}

static void
test_rebind(void **state)
{
	struct fixture	*fx = *state;
	struct store	 other;
	struct spec	 sp = { .status = 200, .path = "/other" };
	struct filter	*f;
	char		*cause;

	store_init(&other, 0);
	store_source_add(&other, "o", STORE_SRC_FILE);
	add(&other, &sp);
	assert_int_equal(filter_compile("path:/other", NOW, &f, &cause, NULL),
	    0);
	assert_false(filter_match(f, &fx->st, store_get(&fx->st, 0)));
	assert_true(filter_match(f, &other, store_get(&other, 0)));
	assert_false(filter_match(f, &fx->st, store_get(&fx->st, 0)));
	filter_free(f);
	store_clear(&other);
}

static void
test_token_append(void **state)
{
	struct fixture	*fx = *state;
	struct buf	 b;
	struct filter	*f;
	char		*cause;

	buf_init(&b);
	buf_adds(&b, "status:5xx");
	filter_token_append(&b, field_get(FIELD_KEY), "k\"q", 3, false);
	filter_token_append(&b, field_get(FIELD_PATH), "/x y", 4, true);
	filter_token_append(&b, field_get(FIELD_STATUS), "503", 3, false);
	buf_addc(&b, '\0');
	assert_string_equal(b.data,
	    "status:5xx key:=\"k\\\"q\" !path:=\"/x y\" status:\"503\"");
	assert_int_equal(filter_compile(b.data, NOW, &f, &cause, NULL), 0);
	assert_true(filter_match(f, &fx->st, store_get(&fx->st, 3)));
	assert_false(filter_match(f, &fx->st, store_get(&fx->st, 1)));
	filter_free(f);
	buf_clear(&b);
}

static void
test_fields(void **state)
{
	struct fixture	*fx = *state;
	struct buf	 b;
	size_t		 i;

	for (i = 0; i < FIELD_COUNT; i++) {
		assert_int_equal(field_table[i].id, i);
		assert_ptr_equal(field_find(field_table[i].name,
		    strlen(field_table[i].name)), &field_table[i]);
	}
	assert_ptr_equal(field_find("CODE", 4), field_get(FIELD_STATUS));
	assert_null(field_find("nope", 4));
	assert_string_equal(field_suggest("stauts", 6), "status");
	assert_string_equal(field_suggest("contry", 6), "country");
	assert_null(field_suggest("x", 1));
	buf_init(&b);
	field_format(field_get(FIELD_TAG), &fx->st, store_get(&fx->st, 0),
	    &b);
	buf_addc(&b, '|');
	field_format(field_get(FIELD_KEY), &fx->st, store_get(&fx->st, 0),
	    &b);
	buf_addc(&b, '|');
	field_format(field_get(FIELD_KEY), &fx->st, store_get(&fx->st, 2),
	    &b);
	buf_addc(&b, '|');
	field_format(field_get(FIELD_COUNTRY), &fx->st, store_get(&fx->st, 0),
	    &b);
	buf_addc(&b, '|');
	field_format(field_get(FIELD_LATENCY), &fx->st, store_get(&fx->st, 3),
	    &b);
	buf_addc(&b, '|');
	field_format(field_get(FIELD_TIME), &fx->st, store_get(&fx->st, 0),
	    &b);
	buf_addc(&b, '|');
	field_format(field_get(FIELD_DETAILED), &fx->st,
	    store_get(&fx->st, 0), &b);
	buf_addc(&b, '\0');
	assert_string_equal(b.data, "gold,pol-7|1a1d61aa||GB|1099511627776|"
	    "2024-02-29T10:00:00.000Z|yes");
	buf_clear(&b);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test_setup_teardown(test_eval, setup, teardown),
	cmocka_unit_test(test_parse),
	cmocka_unit_test(test_limits),
	cmocka_unit_test_setup_teardown(test_catastrophic_regex, setup,
	    teardown),
	cmocka_unit_test_setup_teardown(test_relative_and_select, setup,
	    teardown),
	cmocka_unit_test_setup_teardown(test_rebind, setup, teardown),
	cmocka_unit_test_setup_teardown(test_token_append, setup, teardown),
	cmocka_unit_test_setup_teardown(test_fields, setup, teardown),
};

UNIT_MAIN(tests)
