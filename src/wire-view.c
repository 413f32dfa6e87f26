/* SPDX-License-Identifier: ISC */
/*
 * Building views.  Every byte that enters a view goes through render_safe,
 * so a view's text is safe to print as is; styles are spans over it.  JSON
 * is pretty-printed from yajl's parse callbacks (so numbers keep their
 * original spelling and token classes are known); if the body is not valid
 * JSON the view falls back to text with the error position.  Hexdumps are
 * capped at WIRE_VIEW_HEX_MAX input bytes so that a large binary body
 * cannot make a view of hundreds of megabytes.
 */
#include "config.h"

#include "wire-view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yajl/yajl_parse.h>

#include "bytes.h"
#include "mask.h"
#include "render.h"
#include "wire.h"
#include "xmalloc.h"

#define WIRE_VIEW_HEX_MAX	(1024 * 1024)
#define WIRE_VIEW_JSON_DEPTH	256

/* A place to roll a view back to. */
struct wire_view_mark {
	size_t	 nlines, nspans, text_len, cur_off, cur_span;
};

struct wire_view_json {
	struct wire_view	*v;
	size_t			 depth;
	size_t			 top;		/* top-level values seen */
	uint8_t			 map[WIRE_VIEW_JSON_DEPTH];
	size_t			 count[WIRE_VIEW_JSON_DEPTH];
	struct buf		 tmp;
	bool			 too_deep;
};

/* Initialise an empty view. */
void
wire_view_init(struct wire_view *v)
{
	memset(v, 0, sizeof *v);
	buf_init(&v->text);
}

/* Free a view's memory; it is empty and reusable afterwards. */
void
wire_view_clear(struct wire_view *v)
{
	buf_clear(&v->text);
	free(v->lines);
	free(v->spans);
	wire_view_init(v);
}

/* Append s rendered safely with flags, as one span of style. */
static void
wire_view_addf(struct wire_view *v, const char *s, size_t len,
    enum wire_style style, int flags)
{
	size_t			 before = v->text.len;
	struct wire_span	*sp;

	render_safe(&v->text, s, len, flags);
	if (v->text.len == before)
		return;
	if (v->nspans == v->spans_cap) {
		v->spans_cap = v->spans_cap == 0 ? 64 : v->spans_cap * 2;
		v->spans = xreallocarray(v->spans, v->spans_cap,
		    sizeof *v->spans);
	}
	sp = &v->spans[v->nspans++];
	sp->off = (uint32_t)(before - v->cur_off);
	sp->len = (uint32_t)(v->text.len - before);
	sp->style = (uint8_t)style;
}

/* Append untrusted bytes to the current line with a style. */
void
wire_view_add(struct wire_view *v, const char *s, size_t len,
    enum wire_style style)
{
	wire_view_addf(v, s, len, style, 0);
}

/* Append a NUL-terminated string of ours. */
static void
wire_view_adds(struct wire_view *v, const char *s, enum wire_style style)
{
	wire_view_addf(v, s, strlen(s), style, 0);
}

/* End the current line. */
void
wire_view_newline(struct wire_view *v)
{
	struct wire_line	*l;

	if (v->nlines == v->lines_cap) {
		v->lines_cap = v->lines_cap == 0 ? 64 : v->lines_cap * 2;
		v->lines = xreallocarray(v->lines, v->lines_cap,
		    sizeof *v->lines);
	}
	l = &v->lines[v->nlines++];
	l->off = v->cur_off;
	l->len = v->text.len - v->cur_off;
	l->span = v->cur_span;
	l->nspans = v->nspans - v->cur_span;
	v->cur_off = v->text.len;
	v->cur_span = v->nspans;
}

/* Remember where v ends, to roll back to. */
static void
wire_view_save(const struct wire_view *v, struct wire_view_mark *mk)
{
	mk->nlines = v->nlines;
	mk->nspans = v->nspans;
	mk->text_len = v->text.len;
	mk->cur_off = v->cur_off;
	mk->cur_span = v->cur_span;
}

/* Drop everything added to v since mk. */
static void
wire_view_restore(struct wire_view *v, const struct wire_view_mark *mk)
{
	v->nlines = mk->nlines;
	v->nspans = mk->nspans;
	v->text.len = mk->text_len;
	if (v->text.data != NULL)
		v->text.data[v->text.len] = '\0';
	v->cur_off = mk->cur_off;
	v->cur_span = mk->cur_span;
}

/*
 * Line i of v: returns its text (not NUL-terminated; len bytes) and sets
 * its spans.  Borrowed from v.
 */
const char *
wire_view_line(const struct wire_view *v, size_t i, size_t *len,
    const struct wire_span **spans, size_t *nspans)
{
	const struct wire_line	*l = &v->lines[i];

	*len = l->len;
	if (spans != NULL)
		*spans = v->spans + l->span;
	if (nspans != NULL)
		*nspans = l->nspans;
	return (v->text.data + l->off);
}

/* Append every line of v to b, each ending with \n. */
void
wire_view_text(struct buf *b, const struct wire_view *v)
{
	size_t		 i, len;
	const char	*s;

	for (i = 0; i < v->nlines; i++) {
		s = wire_view_line(v, i, &len, NULL, NULL);
		buf_add(b, s, len);
		buf_addc(b, '\n');
	}
}

/* One line per \n-separated line of text (CR before LF dropped). */
static void
wire_view_lines(struct wire_view *v, const char *s, size_t len,
    enum wire_style style)
{
	const char	*p = s, *end = s + len, *nl;
	size_t		 n;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		if (nl != NULL && n > 0 && p[n - 1] == '\r')
			n--;
		wire_view_addf(v, p, n, style, RENDER_TABS);
		wire_view_newline(v);
		p = nl != NULL ? nl + 1 : end;
	}
}

/* A hexdump of at most WIRE_VIEW_HEX_MAX bytes, 16 per line. */
void
wire_view_hexdump(struct wire_view *v, const char *s, size_t len)
{
	struct hexdump_line	 h;
	size_t			 off, n = len;
	char			 tmp[80];

	if (n > WIRE_VIEW_HEX_MAX)
		n = WIRE_VIEW_HEX_MAX;
	for (off = 0; off < n; off += HEXDUMP_WIDTH) {
		hexdump_line(&h, off, s + off, n - off);
		snprintf(tmp, sizeof tmp, "%s ", h.off);
		wire_view_adds(v, tmp, WS_OFFSET);
		wire_view_adds(v, h.hex, WS_PLAIN);
		wire_view_addf(v, h.text, strlen(h.text), WS_DIM, 0);
		wire_view_newline(v);
	}
	if (n < len) {
		snprintf(tmp, sizeof tmp, "... %zu more bytes not shown",
		    len - n);
		wire_view_adds(v, tmp, WS_NOTE);
		wire_view_newline(v);
	}
}

/* Escape a JSON string's content (unescaped by yajl) back for display. */
static void
wire_view_json_escape(struct buf *b, const unsigned char *s, size_t len)
{
	size_t	 i;

	buf_addc(b, '"');
	for (i = 0; i < len; i++) {
		switch (s[i]) {
		case '"':
			buf_add(b, "\\\"", 2);
			break;
		case '\\':
			buf_add(b, "\\\\", 2);
			break;
		case '\n':
			buf_add(b, "\\n", 2);
			break;
		case '\r':
			buf_add(b, "\\r", 2);
			break;
		case '\t':
			buf_add(b, "\\t", 2);
			break;
		default:
			if (s[i] < 0x20 || s[i] == 0x7f)
				buf_printf(b, "\\u%04x", s[i]);
			else
				buf_addc(b, (char)s[i]);
		}
	}
	buf_addc(b, '"');
}

/* Two spaces per JSON nesting level. */
static void
wire_view_indent(struct wire_view *v, size_t depth)
{
	static const char	 spaces[] = "                                ";
	size_t			 n = depth * 2, k;

	while (n > 0) {
		k = n > sizeof spaces - 1 ? sizeof spaces - 1 : n;
		wire_view_addf(v, spaces, k, WS_PLAIN, 0);
		n -= k;
	}
}

/* Position for a new value: commas, line breaks and indentation. */
static int
wire_view_json_value(struct wire_view_json *j)
{
	size_t	 d = j->depth;

	if (d == 0) {
		if (j->top++ != 0)
			wire_view_newline(j->v);
		return (1);
	}
	if (!j->map[d - 1]) {
		if (j->count[d - 1] != 0)
			wire_view_adds(j->v, ",", WS_PUNCT);
		wire_view_newline(j->v);
		wire_view_indent(j->v, d);
		j->count[d - 1]++;
	}
	return (1);
}

/* A scalar JSON value in its place, with a style. */
static int
wire_view_json_scalar(struct wire_view_json *j, const char *s, size_t len,
    enum wire_style style)
{
	wire_view_json_value(j);
	wire_view_addf(j->v, s, len, style, 0);
	return (1);
}

/* yajl callbacks: each token in its place, with its class. */
static int
wire_view_json_null(void *ctx)
{
	return (wire_view_json_scalar(ctx, "null", 4, WS_LITERAL));
}

static int
wire_view_json_bool(void *ctx, int b)
{
	return (wire_view_json_scalar(ctx, b ? "true" : "false", b ? 4 : 5,
	    WS_LITERAL));
}

/* Numbers keep their original spelling. */
static int
wire_view_json_number(void *ctx, const char *s, size_t len)
{
	return (wire_view_json_scalar(ctx, s, len, WS_NUMBER));
}

/* Strings come unescaped from yajl: escape them again. */
static int
wire_view_json_string(void *ctx, const unsigned char *s, size_t len)
{
	struct wire_view_json	*j = ctx;

	buf_reset(&j->tmp);
	wire_view_json_escape(&j->tmp, s, len);
	return (wire_view_json_scalar(j, j->tmp.data, j->tmp.len,
	    WS_STRING));
}

/* A map key starts a new line: "key": value. */
static int
wire_view_json_key(void *ctx, const unsigned char *s, size_t len)
{
	struct wire_view_json	*j = ctx;
	size_t			 d = j->depth;

	if (j->count[d - 1] != 0)
		wire_view_adds(j->v, ",", WS_PUNCT);
	wire_view_newline(j->v);
	wire_view_indent(j->v, d);
	j->count[d - 1]++;
	buf_reset(&j->tmp);
	wire_view_json_escape(&j->tmp, s, len);
	wire_view_addf(j->v, j->tmp.data, j->tmp.len, WS_KEY, 0);
	wire_view_adds(j->v, ": ", WS_PUNCT);
	return (1);
}

/* Open a map or an array; refuses to nest deeper than the cap. */
static int
wire_view_json_open(struct wire_view_json *j, int map)
{
	wire_view_json_value(j);
	if (j->depth == WIRE_VIEW_JSON_DEPTH) {
		j->too_deep = true;
		return (0);
	}
	wire_view_adds(j->v, map ? "{" : "[", WS_PUNCT);
	j->map[j->depth] = (uint8_t)map;
	j->count[j->depth] = 0;
	j->depth++;
	return (1);
}

/* Close a container: "{}" stays on one line when empty. */
static int
wire_view_json_close(struct wire_view_json *j, int map)
{
	j->depth--;
	if (j->count[j->depth] != 0) {
		wire_view_newline(j->v);
		wire_view_indent(j->v, j->depth);
	}
	wire_view_adds(j->v, map ? "}" : "]", WS_PUNCT);
	return (1);
}

static int
wire_view_json_start_map(void *ctx)
{
	return (wire_view_json_open(ctx, 1));
}

static int
wire_view_json_end_map(void *ctx)
{
	return (wire_view_json_close(ctx, 1));
}

static int
wire_view_json_start_array(void *ctx)
{
	return (wire_view_json_open(ctx, 0));
}

static int
wire_view_json_end_array(void *ctx)
{
	return (wire_view_json_close(ctx, 0));
}

static const yajl_callbacks wire_view_json_callbacks = {
	wire_view_json_null,
	wire_view_json_bool,
	NULL,
	NULL,
	wire_view_json_number,
	wire_view_json_string,
	wire_view_json_start_map,
	wire_view_json_key,
	wire_view_json_end_map,
	wire_view_json_start_array,
	wire_view_json_end_array
};

/*
 * Pretty-print JSON text into v.  On invalid JSON, rolls v back, puts
 * the error and its byte offset in err and returns -1.
 */
static int
wire_view_json(struct wire_view *v, const char *s, size_t len, char *err,
    size_t errlen)
{
	struct wire_view_json	*j;
	struct wire_view_mark	 mk;
	yajl_handle		 h;
	yajl_status		 ys;
	unsigned char		*msg;
	size_t			 off, n;
	int			 rc = 0;

	j = xcalloc(1, sizeof *j);
	j->v = v;
	buf_init(&j->tmp);
	wire_view_save(v, &mk);
	h = yajl_alloc(&wire_view_json_callbacks, NULL, j);
	ys = yajl_parse(h, (const unsigned char *)s, len);
	off = yajl_get_bytes_consumed(h);
	if (ys == yajl_status_ok) {
		ys = yajl_complete_parse(h);
		off = len;
	}
	if (ys != yajl_status_ok) {
		if (j->too_deep)
			snprintf(err, errlen, "JSON nested deeper than %d "
			    "levels at byte %zu", WIRE_VIEW_JSON_DEPTH, off);
		else {
			msg = yajl_get_error(h, 0, (const unsigned char *)s,
			    len);
			n = strcspn((char *)msg, "\n");
			snprintf(err, errlen, "invalid JSON at byte %zu: %.*s",
			    off, (int)n, (char *)msg);
			yajl_free_error(h, msg);
		}
		wire_view_restore(v, &mk);
		rc = -1;
	} else
		wire_view_newline(v);
	yajl_free(h);
	buf_clear(&j->tmp);
	free(j);
	return (rc);
}

/* Append the %-decoded form of s (with '+' as space) to b. */
static void
wire_view_unescape(struct buf *b, const char *s, size_t len)
{
	size_t	 i;
	int	 hi, lo;

	for (i = 0; i < len; i++) {
		if (s[i] == '+')
			buf_addc(b, ' ');
		else if (s[i] == '%' && i + 2 < len &&
		    (hi = hex_value(s[i + 1])) >= 0 &&
		    (lo = hex_value(s[i + 2])) >= 0) {
			buf_addc(b, (char)(hi << 4 | lo));
			i += 2;
		} else
			buf_addc(b, s[i]);
	}
}

/* form-urlencoded pairs, one per line: name = value. */
static void
wire_view_form(struct wire_view *v, const char *s, size_t len,
    const struct mask *mk)
{
	const char	*p = s, *end = s + len, *amp, *eq;
	size_t		 n;
	struct buf	 tmp;

	buf_init(&tmp);
	while (p < end) {
		amp = memchr(p, '&', (size_t)(end - p));
		n = amp != NULL ? (size_t)(amp - p) : (size_t)(end - p);
		eq = memchr(p, '=', n);
		buf_reset(&tmp);
		wire_view_unescape(&tmp, p, eq != NULL ? (size_t)(eq - p) : n);
		wire_view_add(v, tmp.data, tmp.len, WS_KEY);
		if (eq != NULL) {
			wire_view_adds(v, " = ", WS_PUNCT);
			if (mask_active(mk) &&
			    mask_is_param(p, (size_t)(eq - p)))
				wire_view_adds(v, MASK_TEXT, WS_MASKED);
			else {
				buf_reset(&tmp);
				wire_view_unescape(&tmp, eq + 1,
				    (size_t)(p + n - eq - 1));
				wire_view_add(v, tmp.data, tmp.len,
				    WS_STRING);
			}
		}
		wire_view_newline(v);
		p = amp != NULL ? amp + 1 : end;
	}
	buf_clear(&tmp);
}

/* Find needle in haystack; NULL if absent. */
static const char *
wire_view_find(const char *h, size_t hlen, const char *n, size_t nlen)
{
	const char	*p = h, *end = h + hlen;

	if (nlen == 0 || hlen < nlen)
		return (NULL);
	while ((p = memchr(p, n[0], (size_t)(end - p))) != NULL) {
		if ((size_t)(end - p) < nlen)
			return (NULL);
		if (memcmp(p, n, nlen) == 0)
			return (p);
		p++;
	}
	return (NULL);
}

/* A header line: "Name: value", masked under mk. */
static void
wire_view_header(struct wire_view *v, const struct http_wire_header *hd,
    const struct mask *mk, struct buf *tmp)
{
	struct buf	 val;

	wire_view_add(v, hd->name.ptr, hd->name.len, WS_HNAME);
	wire_view_adds(v, ": ", WS_PUNCT);
	buf_reset(tmp);
	http_wire_value(tmp, hd);
	if (mask_is_header(mk, hd->name.ptr, hd->name.len)) {
		buf_init(&val);
		mask_header_value(&val, mk, hd->name.ptr, hd->name.len,
		    tmp->data != NULL ? tmp->data : "", tmp->len);
		wire_view_add(v, val.data, val.len, WS_MASKED);
		buf_clear(&val);
	} else
		wire_view_add(v, tmp->data, tmp->len, WS_HVALUE);
	wire_view_newline(v);
}

/* multipart parts: a separator, part headers, then text or a hexdump. */
static void
wire_view_multipart(struct wire_view *v, const struct wire_msg *m,
    const struct mask *mk)
{
	const struct http_wire_header	*ct = wire_header(m, "Content-Type");
	struct slice			 bnd;
	struct buf			 delim, tmp, val;
	const char			*p, *end, *next, *nl, *body;
	struct http_wire		 part;
	struct http_wire_header		 hd;
	size_t				 n = 0, i;
	char				 label[64];

	buf_init(&delim);
	buf_init(&tmp);
	buf_init(&val);
	if (ct == NULL || !http_wire_param(ct->value, "boundary", &bnd) ||
	    bnd.len == 0) {
		wire_view_lines(v, m->text.ptr, m->text.len, WS_PLAIN);
		buf_clear(&delim);
		buf_clear(&tmp);
		buf_clear(&val);
		return;
	}
	buf_add(&delim, "--", 2);
	buf_add(&delim, bnd.ptr, bnd.len);
	p = m->body.ptr;
	end = p + m->body.len;
	p = wire_view_find(p, (size_t)(end - p), delim.data, delim.len);
	while (p != NULL) {
		p += delim.len;
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			break;
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			break;
		p = nl + 1;
		next = wire_view_find(p, (size_t)(end - p), delim.data,
		    delim.len);
		body = next != NULL ? next : end;
		/* Drop the CRLF before the delimiter. */
		if (next != NULL && body > p && body[-1] == '\n')
			body--;
		if (next != NULL && body > p && body[-1] == '\r')
			body--;
		snprintf(label, sizeof label, "-- part %zu --", ++n);
		wire_view_adds(v, label, WS_NOTE);
		wire_view_newline(v);
		/* Part headers: parse them as a header block. */
		buf_reset(&tmp);
		buf_add(&tmp, "X / HTTP/1.1\r\n", 14);
		buf_add(&tmp, p, (size_t)(body - p));
		if (http_wire_parse(&part, tmp.data, tmp.len) == 0) {
			for (i = 0; i < part.nheaders; i++) {
				hd = part.headers[i];
				wire_view_header(v, &hd, mk, &val);
			}
			if (part.body.len != 0) {
				wire_view_newline(v);
				if (render_valid_utf8(part.body.ptr,
				    part.body.len))
					wire_view_lines(v, part.body.ptr,
					    part.body.len, WS_PLAIN);
				else
					wire_view_hexdump(v, part.body.ptr,
					    part.body.len);
			}
		}
		http_wire_clear(&part);
		p = next;
	}
	if (n == 0)
		wire_view_lines(v, m->text.ptr, m->text.len, WS_PLAIN);
	buf_clear(&delim);
	buf_clear(&tmp);
	buf_clear(&val);
}

/* The start line, with credentials in a request's query masked. */
static void
wire_view_start(struct wire_view *v, const struct wire_msg *m,
    const struct mask *mk)
{
	const struct http_wire	*h = &m->http;
	struct buf		 t;

	if (h->kind != HTTP_WIRE_REQUEST) {
		wire_view_add(v, h->start_line.ptr, h->start_line.len,
		    WS_START);
		wire_view_newline(v);
		return;
	}
	buf_init(&t);
	buf_add(&t, h->method.ptr, h->method.len);
	buf_addc(&t, ' ');
	mask_target(&t, mk, h->target.ptr, h->target.len);
	buf_addc(&t, ' ');
	buf_add(&t, h->version.ptr, h->version.len);
	wire_view_add(v, t.data, t.len, WS_START);
	wire_view_newline(v);
	buf_clear(&t);
}

/* The body in mode. */
static void
wire_view_body(struct wire_view *v, const struct wire_msg *m,
    enum wire_view_mode mode, const struct mask *mk)
{
	char		 err[160];
	struct buf	 tmp;
	struct slice	 s;

	if (m->type == WIRE_TYPE_NONE)
		return;
	if (mode == WIRE_VIEW_HEX || m->type == WIRE_TYPE_BINARY ||
	    (m->binary && (mode == WIRE_VIEW_RAW ||
	    m->type != WIRE_TYPE_MULTIPART))) {
		buf_init(&tmp);
		s = wire_body_masked(m, m->body, mk, &tmp);
		wire_view_hexdump(v, s.ptr, s.len);
		buf_clear(&tmp);
		return;
	}
	buf_init(&tmp);
	s = wire_body_masked(m, m->text, mk, &tmp);
	if (mode == WIRE_VIEW_RAW) {
		wire_view_lines(v, s.ptr, s.len, WS_PLAIN);
		buf_clear(&tmp);
		return;
	}
	switch (m->type) {
	case WIRE_TYPE_JSON:
		if (wire_view_json(v, s.ptr, s.len, err, sizeof err) != 0) {
			wire_view_adds(v, err, WS_ERROR);
			wire_view_newline(v);
			wire_view_lines(v, s.ptr, s.len, WS_PLAIN);
		}
		break;
	case WIRE_TYPE_FORM:
		wire_view_form(v, m->text.ptr, m->text.len, mk);
		break;
	case WIRE_TYPE_MULTIPART:
		wire_view_multipart(v, m, mk);
		break;
	default:
		wire_view_lines(v, s.ptr, s.len, WS_PLAIN);
		break;
	}
	buf_clear(&tmp);
}

/*
 * The whole message as a hexdump; with masking on, the head is rebuilt
 * and a form body masked (wire_raw).
 */
static void
wire_view_wire(struct wire_view *v, const struct wire_msg *m,
    const struct mask *mk)
{
	struct buf	 b;

	buf_init(&b);
	if (wire_raw(&b, m, mk)) {
		wire_view_adds(v, "(head rebuilt with secrets masked)",
		    WS_NOTE);
		wire_view_newline(v);
	}
	wire_view_hexdump(v, b.data, b.len);
	buf_clear(&b);
}

/*
 * Build the view of m in mode into v (emptied first): a note and an error
 * line when there is something to explain, then the start line, headers
 * (masked under mk; NULL reveals), an empty line and the body.
 */
void
wire_view_build(struct wire_view *v, const struct wire_msg *m,
    enum wire_view_mode mode, const struct mask *mk)
{
	struct buf	 tmp;
	size_t		 i;
	char		 line[64];

	wire_view_clear(v);
	buf_init(&tmp);
	if (m->note[0] != '\0') {
		wire_view_adds(v, m->note, WS_NOTE);
		wire_view_newline(v);
	}
	if (m->error[0] != '\0') {
		wire_view_adds(v, m->error, WS_ERROR);
		wire_view_newline(v);
	}
	if (mode == WIRE_VIEW_WIRE) {
		wire_view_wire(v, m, mk);
		buf_clear(&tmp);
		return;
	}
	if (m->is_http) {
		wire_view_start(v, m, mk);
		for (i = 0; i < m->http.nheaders; i++)
			wire_view_header(v, &m->http.headers[i], mk, &tmp);
		if (m->http.dropped != 0) {
			snprintf(line, sizeof line, "(%zu more headers not "
			    "shown)", m->http.dropped);
			wire_view_adds(v, line, WS_NOTE);
			wire_view_newline(v);
		}
		if (m->type != WIRE_TYPE_NONE) {
			wire_view_newline(v);
		}
	}
	wire_view_body(v, m, mode, mk);
	buf_clear(&tmp);
}
