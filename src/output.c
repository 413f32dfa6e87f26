/* SPDX-License-Identifier: ISC */
/*
 * Batch output formats.  JSON is generated with yajl through json.c, so
 * that invalid UTF-8 in a record becomes the code points of its Latin-1
 * reading and the output is always valid UTF-8.
 */
#include "config.h"

#include "output.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base64.h"
#include "curl.h"
#include "json.h"
#include "log.h"
#include "log-warn.h"
#include "mask.h"
#include "options.h"
#include "output-har.h"
#include "payload.h"
#include "record.h"
#include "render.h"
#include "store.h"
#include "timefmt.h"
#include "wire.h"
#include "wire-view.h"
#include "xmalloc.h"

struct output {
	FILE			*f;
	struct mask		 mask;		/* human formats only */
	bool			 tty;		/* f is a terminal */
	const struct options	*o;
	const struct store	*st;
	enum options_format	 fmt;
	yajl_gen		 g;
	struct buf		 line;
	uint64_t		 n;
	bool			 har;		/* HAR document begun */
	uint64_t		 nhar;		/* its entries */
};

static void	output_record_json_gen(yajl_gen, const struct store *,
		    const struct record *, bool, const struct mask *);

static const char *const output_tsv_header =
    "timestamp\tmethod\tresponse_code\tpath\tapi_name\tapi_id\torg_id\t"
    "api_key\tlatency_total\tlatency_upstream\tip_address\thost\tsource";

/* Start writing records to f in the format o asks for. */
struct output *
output_create(FILE *f, const struct options *o, const struct store *st)
{
	struct output	*out;

	out = xcalloc(1, sizeof *out);
	out->f = f;
	out->o = o;
	out->st = st;
	out->fmt = o->format == OPT_FMT_DEFAULT ? OPT_FMT_JSONL : o->format;
	out->g = yajl_gen_alloc(NULL);
	mask_init(&out->mask, o);
	out->tty = isatty(fileno(f));
	buf_init(&out->line);
	if (out->fmt == OPT_FMT_TSV && !o->count)
		fprintf(f, "%s\n", output_tsv_header);
	if (out->fmt == OPT_FMT_HAR && !o->count) {
		output_har_begin(f);
		out->har = true;
	}
	return (out);
}

/*
 * Say whether the FILE is a terminal, for a FILE that isatty cannot ask
 * (a render_stream in front of one): raw-request and raw-response show a
 * view instead of the bytes.
 */
void
output_set_tty(struct output *out, bool tty)
{
	out->tty = tty;
}

/* Free the writer (the FILE is the caller's); a HAR document is closed. */
void
output_free(struct output *out)
{
	if (out == NULL)
		return;
	if (out->har)
		output_har_end(out->f, out->nhar);
	yajl_gen_free(out->g);
	buf_clear(&out->line);
	free(out);
}

static void
output_gen_str(yajl_gen g, const struct store *st, const char *k,
    uint32_t id)
{
	struct slice	 s = strtab_get(&st->strs, id);

	json_gen_key(g, k);
	json_gen_slice(g, s.ptr, s.len);
}

static void
output_gen_int(yajl_gen g, const char *k, int64_t v)
{
	json_gen_key(g, k);
	yajl_gen_integer(g, v);
}

static void
output_gen_time(yajl_gen g, const char *k, int64_t sec, uint32_t nsec,
    int prec)
{
	char	 tbuf[TIMEFMT_MAX];
	size_t	 n;

	n = timefmt_rfc3339(tbuf, sizeof tbuf, sec, nsec, prec);
	json_gen_key(g, k);
	yajl_gen_string(g, (const unsigned char *)tbuf, n);
}

/* A list of strings; tags as mask_tag shows them under mk (NULL: all). */
static void
output_gen_list(yajl_gen g, const struct store *st, uint32_t id,
    const struct mask *mk)
{
	struct slice	 blob = strtab_get(&st->strs, id), e;
	size_t		 off = 0;
	struct buf	 t;

	buf_init(&t);
	yajl_gen_array_open(g);
	while (record_list_next(blob, &off, &e)) {
		buf_reset(&t);
		mask_tag(&t, mk, e.ptr, e.len);
		json_gen_slice(g, t.data != NULL ? t.data : "", t.len);
	}
	yajl_gen_array_close(g);
	buf_clear(&t);
}

/* "NAME:OFFSET" of a record. */
void
output_position(struct buf *b, const struct store *st,
    const struct record *r)
{
	buf_printf(b, "%s:%llu", store_source_name(st, r),
	    (unsigned long long)REC_POS_OFFSET(r->pos));
}

/*
 * Generate one record as a JSON object with Tyk's JSON keys
 * (tyk-formats.md 1.5), plus "source".  Bad records and gap markers have
 * their own shapes ("bad": true / "gap": true).
 */
void
output_record_json(yajl_gen g, const struct store *st, const struct record *r)
{
	output_record_json_decode(g, st, r, false);
}

/*
 * Generate one record as output_record_json does; with decode, add the
 * "request" and "response" objects of --decode (product.md 7).
 */
void
output_record_json_decode(yajl_gen g, const struct store *st,
    const struct record *r, bool decode)
{
	output_record_json_gen(g, st, r, decode, NULL);
}

/*
 * Generate a payload (raw_request or raw_response, base64 as stored)
 * under mk: as stored, or decoded, masked (wire_raw) and encoded again.
 */
static void
output_gen_payload(yajl_gen g, const struct store *st, const struct record *r,
    enum wire_which w, const struct mask *mk)
{
	struct payload	 pl;
	struct slice	 s;
	struct wire_msg	 m;
	struct buf	 raw, b64;

	/* Unreadable (counted by the gzip index): written as empty. */
	payload_init(&pl);
	(void)payload_get(&pl, st, r);
	s = w == WIRE_REQUEST ? pl.req : pl.resp;
	if (!mask_active(mk) || s.len == 0) {
		json_gen_slice(g, s.ptr, s.len);
		payload_clear(&pl);
		return;
	}
	payload_clear(&pl);
	wire_init(&m);
	buf_init(&raw);
	buf_init(&b64);
	m.max_inflate = 0;	/* the bytes as stored */
	wire_decode_record(st, r, w, &m);
	(void)wire_raw(&raw, &m, mk);
	base64_encode_buf(&b64, raw.data != NULL ? raw.data : "", raw.len);
	json_gen_slice(g, b64.data != NULL ? b64.data : "", b64.len);
	buf_clear(&raw);
	buf_clear(&b64);
	wire_clear(&m);
}

/*
 * Generate one record as output_record_json_decode does, with secrets
 * masked under mk (NULL: as stored): the api_key field, key-<api key>
 * tags, and the payloads (re-encoded after masking).
 */
static void
output_record_json_gen(yajl_gen g, const struct store *st,
    const struct record *r, bool decode, const struct mask *mk)
{
	const struct record_extra	*ex = record_extra(st, r);
	struct record_geo		 geo;
	struct slice			 s, e;
	struct buf			 pos;
	size_t				 off;
	int				 tsp, exp;

	buf_init(&pos);
	output_position(&pos, st, r);
	yajl_gen_map_open(g);
	if (r->flags & REC_BAD) {
		json_gen_key(g, "bad");
		yajl_gen_bool(g, 1);
		json_gen_key(g, "source");
		json_gen_slice(g, pos.data, pos.len);
		if (ex != NULL) {
			output_gen_str(g, st, "error", ex->bad_error);
			output_gen_int(g, "raw_length",
			    (int64_t)ex->bad_raw_total);
			json_gen_key(g, "raw_hex");
			{
				struct buf	 hex;
				size_t		 i;

				buf_init(&hex);
				for (i = 0; i < ex->bad_raw_len; i++)
					buf_printf(&hex, "%02x",
					    (unsigned char)ex->bad_raw[i]);
				yajl_gen_string(g,
				    (const unsigned char *)(hex.data ?
				    hex.data : ""), hex.len);
				buf_clear(&hex);
			}
		}
		yajl_gen_map_close(g);
		buf_clear(&pos);
		return;
	}
	if (r->flags & REC_GAP) {
		json_gen_key(g, "gap");
		yajl_gen_bool(g, 1);
		if (ex != NULL) {
			output_gen_str(g, st, "key", ex->gap_key);
			output_gen_time(g, "from", ex->gap_from / 1000000000,
			    (uint32_t)(ex->gap_from % 1000000000), 3);
			output_gen_time(g, "to", ex->gap_to / 1000000000,
			    (uint32_t)(ex->gap_to % 1000000000), 3);
			json_gen_key(g, "count");
			if (ex->gap_count < 0)
				yajl_gen_null(g);
			else
				yajl_gen_integer(g, ex->gap_count);
		}
		json_gen_key(g, "source");
		json_gen_slice(g, pos.data, pos.len);
		yajl_gen_map_close(g);
		buf_clear(&pos);
		return;
	}

	tsp = (int)((r->flags >> REC_TSPREC_SHIFT) & REC_PREC_MASK);
	exp = (int)((r->flags >> REC_EXPPREC_SHIFT) & REC_PREC_MASK);
	output_gen_str(g, st, "method", r->str[RS_METHOD]);
	output_gen_str(g, st, "host", r->str[RS_HOST]);
	output_gen_str(g, st, "path", r->str[RS_PATH]);
	output_gen_str(g, st, "raw_path", r->str[RS_RAW_PATH]);
	output_gen_int(g, "content_length", record_content_length(st, r));
	output_gen_str(g, st, "user_agent", r->str[RS_USER_AGENT]);
	output_gen_int(g, "day", (r->flags & REC_WIDE) && ex ? ex->day :
	    record_day(r));
	output_gen_int(g, "month", (r->flags & REC_WIDE) && ex ? ex->month :
	    record_month(r));
	output_gen_int(g, "year", (r->flags & REC_WIDE) && ex ? ex->year :
	    record_year(r));
	output_gen_int(g, "hour", (r->flags & REC_WIDE) && ex ? ex->hour :
	    record_hour(r));
	output_gen_int(g, "response_code", record_response_code(st, r));
	if (mask_active(mk)) {
		buf_reset(&pos);
		s = record_strs(st, r, RS_API_KEY);
		mask_key(&pos, s.ptr, s.len);
		json_gen_key(g, "api_key");
		json_gen_slice(g, pos.data != NULL ? pos.data : "", pos.len);
		buf_reset(&pos);
		output_position(&pos, st, r);
	} else
		output_gen_str(g, st, "api_key", r->str[RS_API_KEY]);
	output_gen_time(g, "timestamp", record_ts_sec(st, r),
	    record_ts_nsec(st, r), tsp);
	output_gen_str(g, st, "api_version", r->str[RS_API_VERSION]);
	output_gen_str(g, st, "api_name", r->str[RS_API_NAME]);
	output_gen_str(g, st, "api_id", r->str[RS_API_ID]);
	output_gen_str(g, st, "org_id", r->str[RS_ORG_ID]);
	output_gen_str(g, st, "oauth_id", r->str[RS_OAUTH_ID]);
	output_gen_int(g, "request_time", record_request_time(st, r));
	json_gen_key(g, "raw_request");
	output_gen_payload(g, st, r, WIRE_REQUEST, mk);
	json_gen_key(g, "raw_response");
	output_gen_payload(g, st, r, WIRE_RESPONSE, mk);
	output_gen_str(g, st, "ip_address", r->str[RS_IP_ADDRESS]);

	record_geo(st, r, &geo);
	json_gen_key(g, "geo");
	yajl_gen_map_open(g);
	json_gen_key(g, "country");
	yajl_gen_map_open(g);
	output_gen_str(g, st, "iso_code", geo.iso_code);
	yajl_gen_map_close(g);
	json_gen_key(g, "city");
	yajl_gen_map_open(g);
	output_gen_int(g, "geoname_id", geo.geoname_id);
	json_gen_key(g, "names");
	if (geo.names == 0)
		yajl_gen_null(g);
	else {
		yajl_gen_map_open(g);
		s = strtab_get(&st->strs, geo.names);
		off = 0;
		while (record_list_next(s, &off, &e)) {
			json_gen_slice(g, e.ptr, e.len);
			if (!record_list_next(s, &off, &e))
				e.ptr = "", e.len = 0;
			json_gen_slice(g, e.ptr, e.len);
		}
		yajl_gen_map_close(g);
	}
	yajl_gen_map_close(g);
	json_gen_key(g, "location");
	yajl_gen_map_open(g);
	json_gen_key(g, "latitude");
	json_gen_double(g, geo.latitude);
	json_gen_key(g, "longitude");
	json_gen_double(g, geo.longitude);
	output_gen_str(g, st, "time_zone", geo.time_zone);
	yajl_gen_map_close(g);
	yajl_gen_map_close(g);

	json_gen_key(g, "network");
	yajl_gen_map_open(g);
	output_gen_int(g, "open_connections",
	    ex != NULL && (r->flags & REC_NETWORK) ? ex->open_connections : 0);
	output_gen_int(g, "closed_connections",
	    ex != NULL && (r->flags & REC_NETWORK) ? ex->closed_connection : 0);
	output_gen_int(g, "bytes_in",
	    ex != NULL && (r->flags & REC_NETWORK) ? ex->bytes_in : 0);
	output_gen_int(g, "bytes_out",
	    ex != NULL && (r->flags & REC_NETWORK) ? ex->bytes_out : 0);
	yajl_gen_map_close(g);

	json_gen_key(g, "latency");
	yajl_gen_map_open(g);
	output_gen_int(g, "total", record_lat_total(st, r));
	output_gen_int(g, "upstream", record_lat_upstream(st, r));
	output_gen_int(g, "gateway", record_lat_gateway(st, r));
	yajl_gen_map_close(g);

	json_gen_key(g, "tags");
	if ((r->flags & REC_TAGS_NULL) && r->str[RS_TAGS] == 0)
		yajl_gen_null(g);
	else
		output_gen_list(g, st, r->str[RS_TAGS], mk);
	output_gen_str(g, st, "alias", r->str[RS_ALIAS]);
	json_gen_key(g, "track_path");
	yajl_gen_bool(g, (r->flags & REC_TRACK_PATH) != 0);
	output_gen_time(g, "expireAt", record_exp_sec(st, r),
	    record_exp_nsec(st, r), exp);
	output_gen_str(g, st, "api_schema", ex != NULL ? ex->api_schema : 0);
	output_gen_str(g, st, "original_path", r->str[RS_ORIGINAL_PATH]);
	output_gen_str(g, st, "listen_path", r->str[RS_LISTEN_PATH]);
	if (ex != NULL && (r->flags & REC_HAS_GQL)) {
		json_gen_key(g, "graphql_stats");
		yajl_gen_map_open(g);
		json_gen_key(g, "IsGraphQL");
		yajl_gen_bool(g, (r->flags & REC_GRAPHQL) != 0);
		output_gen_int(g, "OperationType", ex->gql_operation_type);
		output_gen_str(g, st, "Variables", ex->gql_variables);
		json_gen_key(g, "RootFields");
		output_gen_list(g, st, ex->gql_root_fields, NULL);
		json_gen_key(g, "Errors");
		output_gen_list(g, st, ex->gql_errors, NULL);
		json_gen_key(g, "HasErrors");
		yajl_gen_bool(g, ex->gql_has_errors);
		yajl_gen_map_close(g);
	}
	if (ex != NULL && (r->flags & REC_HAS_MCP)) {
		json_gen_key(g, "mcp_stats");
		yajl_gen_map_open(g);
		json_gen_key(g, "is_mcp");
		yajl_gen_bool(g, (r->flags & REC_MCP) != 0);
		output_gen_str(g, st, "jsonrpc_method", ex->mcp_method);
		output_gen_str(g, st, "primitive_type",
		    ex->mcp_primitive_type);
		output_gen_str(g, st, "primitive_name",
		    ex->mcp_primitive_name);
		yajl_gen_map_close(g);
	}
	json_gen_key(g, "source");
	json_gen_slice(g, pos.data, pos.len);
	if (decode)
		wire_gen_record(g, st, r);
	yajl_gen_map_close(g);
	buf_clear(&pos);
}

/* Append one record's JSON (pretty if asked) to b. */
void
output_record_json_buf(struct buf *b, const struct store *st,
    const struct record *r, bool pretty)
{
	yajl_gen		 g;
	const unsigned char	*p;
	size_t			 len;

	g = yajl_gen_alloc(NULL);
	if (pretty) {
		yajl_gen_config(g, yajl_gen_beautify, 1);
		yajl_gen_config(g, yajl_gen_indent_string, "  ");
	}
	output_record_json(g, st, r);
	yajl_gen_get_buf(g, &p, &len);
	buf_add(b, p, len);
	yajl_gen_free(g);
}

/*
 * Append one record's JSON, pretty, as a person sees it (the TUI's Raw tab
 * and its record JSON copy): secrets masked under mk (NULL: as stored).
 */
void
output_record_json_shown(struct buf *b, const struct store *st,
    const struct record *r, const struct mask *mk)
{
	yajl_gen		 g;
	const unsigned char	*p;
	size_t			 len;

	g = yajl_gen_alloc(NULL);
	yajl_gen_config(g, yajl_gen_beautify, 1);
	yajl_gen_config(g, yajl_gen_indent_string, "  ");
	output_record_json_gen(g, st, r, false, mk);
	yajl_gen_get_buf(g, &p, &len);
	buf_add(b, p, len);
	yajl_gen_free(g);
}

/*
 * Append an API key masked to its last four characters, escaped for a
 * terminal (mask_key does the masking).
 */
void
output_mask_key(struct buf *b, const char *k, size_t len)
{
	struct buf	 tmp;

	buf_init(&tmp);
	mask_key(&tmp, k, len);
	render_safe(b, tmp.data != NULL ? tmp.data : "", tmp.len, 0);
	buf_clear(&tmp);
}

static void
output_tsv_field(struct buf *b, const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++) {
		switch (s[i]) {
		case '\t':
			buf_add(b, "\\t", 2);
			break;
		case '\n':
			buf_add(b, "\\n", 2);
			break;
		case '\r':
			buf_add(b, "\\r", 2);
			break;
		case '\\':
			buf_add(b, "\\\\", 2);
			break;
		default:
			buf_addc(b, s[i]);
		}
	}
}

static void
output_tsv(struct output *out, const struct record *r)
{
	const struct store	*st = out->st;
	struct buf		*b = &out->line;
	char			 tbuf[TIMEFMT_MAX];
	size_t			 n;
	struct slice		 s;
	static const enum record_str cols[] = { RS_PATH, RS_API_NAME,
	    RS_API_ID, RS_ORG_ID, RS_API_KEY };
	size_t			 i;

	buf_reset(b);
	n = timefmt_rfc3339(tbuf, sizeof tbuf, record_ts_sec(st, r),
	    record_ts_nsec(st, r),
	    (int)((r->flags >> REC_TSPREC_SHIFT) & REC_PREC_MASK));
	buf_add(b, tbuf, n);
	buf_addc(b, '\t');
	s = record_strs(st, r, RS_METHOD);
	output_tsv_field(b, s.ptr, s.len);
	buf_printf(b, "\t%lld", (long long)record_response_code(st, r));
	for (i = 0; i < sizeof cols / sizeof cols[0]; i++) {
		buf_addc(b, '\t');
		s = record_strs(st, r, cols[i]);
		output_tsv_field(b, s.ptr, s.len);
	}
	buf_printf(b, "\t%lld\t%lld\t", (long long)record_lat_total(st, r),
	    (long long)record_lat_upstream(st, r));
	s = record_strs(st, r, RS_IP_ADDRESS);
	output_tsv_field(b, s.ptr, s.len);
	buf_addc(b, '\t');
	s = record_strs(st, r, RS_HOST);
	output_tsv_field(b, s.ptr, s.len);
	buf_addc(b, '\t');
	{
		struct buf	 pos;

		buf_init(&pos);
		output_position(&pos, st, r);
		output_tsv_field(b, pos.data, pos.len);
		buf_clear(&pos);
	}
	buf_addc(b, '\n');
	fwrite(b->data, 1, b->len, out->f);
}

static void
output_table_cell(struct buf *b, const char *s, size_t len, size_t width,
    bool right)
{
	struct buf	 tmp;
	size_t		 w, i, n;
	const char	*p;

	buf_init(&tmp);
	render_safe(&tmp, s, len, 0);
	w = render_width(tmp.data ? tmp.data : "", tmp.len);
	p = tmp.data ? tmp.data : "";
	if (w > width) {
		/* Cut to width-1 columns and mark with "~". */
		n = render_fit(p, tmp.len, width - 1, &w);
		buf_add(b, p, n);
		buf_addc(b, '~');
		for (i = w + 1; i < width; i++)
			buf_addc(b, ' ');
	} else {
		if (right)
			for (i = w; i < width; i++)
				buf_addc(b, ' ');
		buf_add(b, p, tmp.len);
		if (!right)
			for (i = w; i < width; i++)
				buf_addc(b, ' ');
	}
	buf_clear(&tmp);
}

static void
output_table(struct output *out, const struct record *r)
{
	const struct store	*st = out->st;
	struct buf		*b = &out->line, tmp;
	char			 tbuf[TIMEFMT_MAX];
	size_t			 n;
	struct slice		 s;

	buf_reset(b);
	if (out->n == 0) {
		buf_printf(b, "%-23s %-7s %6s %7s %-20s %-34s %-10s %s\n",
		    "TIME", "METHOD", "STATUS", "LATENCY", "API", "PATH", "KEY",
		    "IP");
	}
	if (r->flags & (REC_BAD | REC_GAP)) {
		buf_init(&tmp);
		output_record_json_buf(&tmp, st, r, false);
		buf_adds(b, r->flags & REC_BAD ? "BAD " : "GAP ");
		render_safe(b, tmp.data, tmp.len, 0);
		buf_addc(b, '\n');
		buf_clear(&tmp);
		fwrite(b->data, 1, b->len, out->f);
		return;
	}
	n = timefmt_rfc3339(tbuf, sizeof tbuf, record_ts_sec(st, r),
	    record_ts_nsec(st, r), 3);
	buf_add(b, tbuf, n > 23 ? 23 : n);
	buf_addc(b, ' ');
	s = record_strs(st, r, RS_METHOD);
	output_table_cell(b, s.ptr, s.len, 7, false);
	buf_printf(b, " %6lld %5lldms ", (long long)record_response_code(st,
	    r), (long long)record_lat_total(st, r));
	s = record_strs(st, r, r->str[RS_API_NAME] != 0 ? RS_API_NAME :
	    RS_API_ID);
	output_table_cell(b, s.ptr, s.len, 20, false);
	buf_addc(b, ' ');
	s = record_strs(st, r, RS_PATH);
	output_table_cell(b, s.ptr, s.len, 34, false);
	buf_addc(b, ' ');
	s = record_strs(st, r, RS_API_KEY);
	buf_init(&tmp);
	if (!mask_active(&out->mask))
		buf_add(&tmp, s.ptr, s.len);
	else
		mask_key(&tmp, s.ptr, s.len);
	output_table_cell(b, tmp.data ? tmp.data : "", tmp.len, 10, false);
	buf_clear(&tmp);
	buf_addc(b, ' ');
	s = record_strs(st, r, RS_IP_ADDRESS);
	output_table_cell(b, s.ptr, s.len, 39, false);
	while (b->len > 0 && b->data[b->len - 1] == ' ')
		b->len--;
	buf_addc(b, '\n');
	fwrite(b->data, 1, b->len, out->f);
}

/* Write one curl command (--format curl), records apart by a blank line. */
static void
output_curl(struct output *out, const struct record *r)
{
	struct buf	*b = &out->line;

	buf_reset(b);
	if (out->n != 0)
		buf_addc(b, '\n');
	curl_command(b, out->st, r, &out->mask,
	    out->o->curl_target != NULL && strcmp(out->o->curl_target,
	    "upstream") == 0 ? CURL_UPSTREAM : CURL_GATEWAY);
	fwrite(b->data, 1, b->len, out->f);
}

/*
 * Write one decoded message (--format raw-request/raw-response).  To a
 * file or pipe the bytes are written as decoded; to a terminal the message
 * is shown as a view (escaped, binary bodies as a hexdump).  An empty
 * payload is explained on stderr.
 */
static void
output_raw(struct output *out, const struct record *r, enum wire_which w)
{
	struct wire_msg		 m;
	struct wire_view	 v;
	struct buf		*b = &out->line, pos;

	buf_reset(b);
	wire_init(&m);
	wire_decode_record(out->st, r, w, &m);
	if (m.empty) {
		buf_init(&pos);
		output_position(&pos, out->st, r);
		buf_printf(&pos, ": no %s: %s", w == WIRE_REQUEST ?
		    "raw_request" : "raw_response", m.note);
		warnx_("%s", pos.data);
		buf_clear(&pos);
		wire_clear(&m);
		return;
	}
	if (out->tty) {
		wire_view_init(&v);
		wire_view_build(&v, &m, WIRE_VIEW_RAW, &out->mask);
		if (out->n != 0)
			buf_addc(b, '\n');
		wire_view_text(b, &v);
		wire_view_clear(&v);
	} else {
		wire_message(b, &m, &out->mask);
		if (b->len == 0 || b->data[b->len - 1] != '\n')
			buf_addc(b, '\n');
	}
	fwrite(b->data, 1, b->len, out->f);
	wire_clear(&m);
}

/* Write one HAR entry (bad records and gap markers are no exchange). */
static void
output_har(struct output *out, const struct record *r)
{
	const unsigned char	*p;
	size_t			 len;
	struct buf		 pos;

	if (r->flags & (REC_BAD | REC_GAP))
		return;
	buf_init(&pos);
	output_position(&pos, out->st, r);
	yajl_gen_clear(out->g);
	yajl_gen_reset(out->g, NULL);
	output_har_entry(out->g, out->st, r, &out->mask,
	    out->o->curl_target != NULL && strcmp(out->o->curl_target,
	    "upstream") == 0 ? CURL_UPSTREAM : CURL_GATEWAY, pos.data);
	yajl_gen_get_buf(out->g, &p, &len);
	fputs(out->nhar == 0 ? "\n" : ",\n", out->f);
	fwrite(p, 1, len, out->f);
	out->nhar++;
	buf_clear(&pos);
}

/* Write one record. */
void
output_record(struct output *out, const struct record *r)
{
	const unsigned char	*p;
	size_t			 len;

	switch (out->fmt) {
	case OPT_FMT_TSV:
		output_tsv(out, r);
		break;
	case OPT_FMT_TABLE:
		output_table(out, r);
		break;
	case OPT_FMT_CURL:
		output_curl(out, r);
		break;
	case OPT_FMT_RAW_REQUEST:
	case OPT_FMT_RAW_RESPONSE:
		output_raw(out, r, out->fmt == OPT_FMT_RAW_REQUEST ?
		    WIRE_REQUEST : WIRE_RESPONSE);
		break;
	case OPT_FMT_HAR:
		output_har(out, r);
		break;
	default:
		yajl_gen_clear(out->g);
		yajl_gen_reset(out->g, NULL);
		output_record_json_decode(out->g, out->st, r, out->o->decode);
		yajl_gen_get_buf(out->g, &p, &len);
		fwrite(p, 1, len, out->f);
		fputc('\n', out->f);
		break;
	}
	out->n++;
}
