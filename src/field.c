/* SPDX-License-Identifier: ISC */
/*
 * The record field table and its accessors.  Adding a field: add its id to
 * enum field_id, a row here (in the same order: field_get indexes the
 * table), and its handling in filter.c.  Names are matched
 * case-insensitively.
 */
#include "config.h"

#include "field.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "store.h"
#include "strtab.h"
#include "timefmt.h"

static int64_t	field_ts(const struct store *, const struct record *);

#define S1(a)		1, { a, 0 }
#define S2(a, b)	2, { a, b }
#define S0		0, { 0, 0 }

const struct field field_table[FIELD_COUNT] = {
	{ FIELD_STATUS, "status", FIELD_T_STATUS, 0, S0,
	  record_response_code, "response code: 500, 5xx, >=400, 500-599" },
	{ FIELD_PATH, "path", FIELD_T_TEXT, 0, S2(RS_PATH, RS_RAW_PATH),
	  NULL, "path or raw path" },
	{ FIELD_KEY, "key", FIELD_T_TEXT, 0, S2(RS_API_KEY, RS_ALIAS),
	  NULL, "API key or its alias" },
	{ FIELD_API, "api", FIELD_T_TEXT, 0, S2(RS_API_ID, RS_API_NAME),
	  NULL, "API id or name" },
	{ FIELD_ORG, "org", FIELD_T_TEXT, 0, S1(RS_ORG_ID),
	  NULL, "organisation id" },
	{ FIELD_VERSION, "version", FIELD_T_TEXT, 0, S1(RS_API_VERSION),
	  NULL, "API version" },
	{ FIELD_METHOD, "method", FIELD_T_TEXT, FIELD_CASELESS,
	  S1(RS_METHOD), NULL, "HTTP method (any case)" },
	{ FIELD_HOST, "host", FIELD_T_TEXT, 0, S1(RS_HOST),
	  NULL, "Host header" },
	{ FIELD_OAUTH, "oauth", FIELD_T_TEXT, 0, S1(RS_OAUTH_ID),
	  NULL, "OAuth client id" },
	{ FIELD_IP, "ip", FIELD_T_IP, 0, S1(RS_IP_ADDRESS),
	  NULL, "client address or CIDR block (IPv4, IPv6)" },
	{ FIELD_COUNTRY, "country", FIELD_T_TEXT, FIELD_CASELESS | FIELD_GEO,
	  S1(RS_GEO), NULL, "country ISO code (any case)" },
	{ FIELD_TAG, "tag", FIELD_T_TEXT, FIELD_LIST, S1(RS_TAGS),
	  NULL, "any of the record's tags" },
	{ FIELD_UA, "ua", FIELD_T_TEXT, 0, S1(RS_USER_AGENT),
	  NULL, "User-Agent" },
	{ FIELD_LATENCY, "latency", FIELD_T_INT, 0, S0,
	  record_lat_total, "total latency, ms" },
	{ FIELD_UPSTREAM, "upstream", FIELD_T_INT, 0, S0,
	  record_lat_upstream, "upstream latency, ms" },
	{ FIELD_GATEWAY, "gateway", FIELD_T_INT, 0, S0,
	  record_lat_gateway, "gateway latency, ms" },
	{ FIELD_SIZE, "size", FIELD_T_INT, 0, S0,
	  record_content_length, "content length, bytes" },
	{ FIELD_TIME, "time", FIELD_T_TIME, FIELD_RECORDS, S0,
	  field_ts, "timestamp: 2024-02-29, >=2024-02-29T10, <-1h" },
	{ FIELD_SINCE, "since", FIELD_T_TIME, FIELD_RECORDS, S0,
	  field_ts, "at or after a time: 2024-02-29T10:00, -15m" },
	{ FIELD_UNTIL, "until", FIELD_T_TIME, FIELD_RECORDS, S0,
	  field_ts, "up to the end of a time: 2024-02-29, -1h" },
	{ FIELD_BODY, "body", FIELD_T_PAYLOAD, 0, S0,
	  NULL, "request or response body (decoded)" },
	{ FIELD_REQBODY, "reqbody", FIELD_T_PAYLOAD, 0, S0,
	  NULL, "request body (decoded)" },
	{ FIELD_RESPBODY, "respbody", FIELD_T_PAYLOAD, 0, S0,
	  NULL, "response body (decoded)" },
	{ FIELD_HDR, "hdr", FIELD_T_PAYLOAD, FIELD_CASELESS, S0,
	  NULL, "request or response headers, \"Name: value\" (any case)" },
	{ FIELD_TRACK, "track", FIELD_T_BOOL, 0, S0,
	  NULL, "track_path set: yes or no" },
	{ FIELD_DETAILED, "detailed", FIELD_T_BOOL, 0, S0,
	  NULL, "has raw request or response: yes or no" },
	{ FIELD_BAD, "bad", FIELD_T_BOOL, FIELD_RECORDS, S0,
	  NULL, "undecodable (bad) records: yes or no" },
	{ FIELD_GAP, "gap", FIELD_T_BOOL, FIELD_RECORDS, S0,
	  NULL, "gap markers (records drained unseen): yes or no" },
};

/* Other names accepted for fields (never shown as suggestions). */
const struct field_alias field_aliases[] = {
	{ "code", FIELD_STATUS },
	{ "response_code", FIELD_STATUS },
	{ "api_key", FIELD_KEY },
	{ "alias", FIELD_KEY },
	{ "api_id", FIELD_API },
	{ "api_name", FIELD_API },
	{ "org_id", FIELD_ORG },
	{ "api_version", FIELD_VERSION },
	{ "tags", FIELD_TAG },
	{ "user_agent", FIELD_UA },
	{ "ip_address", FIELD_IP },
	{ "content_length", FIELD_SIZE },
	{ "ts", FIELD_TIME },
	{ "timestamp", FIELD_TIME },
	{ "headers", FIELD_HDR },
	{ NULL, FIELD_COUNT }
};

/* Timestamp in ns (saturated when outside the narrow range). */
static int64_t
field_ts(const struct store *st, const struct record *r)
{
	return (r->ts);
}

/* The table row for id. */
const struct field *
field_get(enum field_id id)
{
	if ((int)id < 0 || id >= FIELD_COUNT)
		return (NULL);
	return (&field_table[id]);
}

/* Field named name (len bytes, any case, or an alias); NULL if none. */
const struct field *
field_find(const char *name, size_t len)
{
	size_t	 i;

	for (i = 0; i < FIELD_COUNT; i++) {
		if (strlen(field_table[i].name) == len &&
		    strncasecmp(field_table[i].name, name, len) == 0)
			return (&field_table[i]);
	}
	for (i = 0; field_aliases[i].name != NULL; i++) {
		if (strlen(field_aliases[i].name) == len &&
		    strncasecmp(field_aliases[i].name, name, len) == 0)
			return (&field_table[field_aliases[i].id]);
	}
	return (NULL);
}

/* Case-insensitive edit distance, capped at 3 (names are short). */
static int
field_distance(const char *a, size_t alen, const char *b, size_t blen)
{
	int	 d[33][33];
	size_t	 i, j;
	int	 c, v;

	if (alen > 32 || blen > 32)
		return (3);
	for (i = 0; i <= alen; i++)
		d[i][0] = (int)i;
	for (j = 0; j <= blen; j++)
		d[0][j] = (int)j;
	for (i = 1; i <= alen; i++) {
		for (j = 1; j <= blen; j++) {
			c = (a[i - 1] | 0x20) == (b[j - 1] | 0x20) ? 0 : 1;
			v = d[i - 1][j - 1] + c;
			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			/* Transposition counts as one edit: stauts. */
			if (i > 1 && j > 1 &&
			    (a[i - 1] | 0x20) == (b[j - 2] | 0x20) &&
			    (a[i - 2] | 0x20) == (b[j - 1] | 0x20) &&
			    d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	return (d[alen][blen] > 3 ? 3 : d[alen][blen]);
}

/*
 * The field name closest to name (for "did you mean"), or NULL if nothing
 * is close: at most two edits, and fewer than the name's length.
 */
const char *
field_suggest(const char *name, size_t len)
{
	const char	*best = NULL;
	int		 bestd = 3, d;
	size_t		 i, n;

	if (len >= 2) {
		/* A prefix: "lat" for latency. */
		for (i = 0; i < FIELD_COUNT; i++) {
			if (strlen(field_table[i].name) > len &&
			    strncasecmp(field_table[i].name, name, len) == 0)
				return (field_table[i].name);
		}
	}
	for (i = 0; i < FIELD_COUNT; i++) {
		n = strlen(field_table[i].name);
		d = field_distance(name, len, field_table[i].name, n);
		if (d < bestd && (size_t)d < len) {
			best = field_table[i].name;
			bestd = d;
		}
	}
	return (best);
}

/* A yes/no field's value. */
bool
field_bool(const struct field *f, const struct record *r)
{
	switch (f->id) {
	case FIELD_TRACK:
		return ((r->flags & REC_TRACK_PATH) != 0);
	case FIELD_DETAILED:
		return (r->req_len != 0 || r->resp_len != 0);
	case FIELD_BAD:
		return ((r->flags & REC_BAD) != 0);
	case FIELD_GAP:
		return ((r->flags & REC_GAP) != 0);
	default:
		return (false);
	}
}

/*
 * String i (0 <= i < f->nstrs) of a text field: for tag the list blob
 * (iterate with record_list_next), for country the ISO code.  Empty for
 * other fields or i out of range.  The slice lives as long as the store.
 */
struct slice
field_string(const struct field *f, const struct store *st,
    const struct record *r, int i)
{
	struct record_geo	 g;
	struct slice		 s = { "", 0 };

	if (i < 0 || i >= f->nstrs)
		return (s);
	if (f->flags & FIELD_GEO) {
		record_geo(st, r, &g);
		return (strtab_get(&st->strs, g.iso_code));
	}
	return (record_strs(st, r, f->strs[i]));
}

/*
 * Append the field's value as plain text: the first non-empty string of
 * a text field, tags joined with ",", numbers in decimal, times in RFC
 * 3339 UTC, booleans as yes/no.  Not escaped for the terminal: pass the
 * result through render_safe before display.
 */
void
field_format(const struct field *f, const struct store *st,
    const struct record *r, struct buf *b)
{
	struct slice	 s, e;
	size_t		 off = 0;
	char		 t[TIMEFMT_MAX];
	int		 i, n = 0;

	switch (f->type) {
	case FIELD_T_TEXT:
	case FIELD_T_IP:
		if (f->flags & FIELD_LIST) {
			s = field_string(f, st, r, 0);
			while (record_list_next(s, &off, &e)) {
				if (n++ > 0)
					buf_addc(b, ',');
				buf_add(b, e.ptr, e.len);
			}
			break;
		}
		for (i = 0; i < f->nstrs; i++) {
			s = field_string(f, st, r, i);
			if (s.len != 0) {
				buf_add(b, s.ptr, s.len);
				break;
			}
		}
		break;
	case FIELD_T_STATUS:
	case FIELD_T_INT:
		buf_printf(b, "%" PRId64, field_number(f, st, r));
		break;
	case FIELD_T_TIME:
		timefmt_rfc3339(t, sizeof t, record_ts_sec(st, r),
		    record_ts_nsec(st, r), 3);
		buf_adds(b, t);
		break;
	case FIELD_T_BOOL:
		buf_adds(b, field_bool(f, r) ? "yes" : "no");
		break;
	case FIELD_T_PAYLOAD:
		break;
	}
}
