/* SPDX-License-Identifier: ISC */
/*
 * Bridge to wire decoding (wire.h, wire-view.h): the Request and Response
 * tabs are wire views (already safe lines with style spans) preceded by
 * the decode chain as a breadcrumb; secrets are masked unless revealed.
 * The copy menu's texts are built here too: the URL (query credentials
 * masked unless revealed), a curl command (through the gateway; hop-by-hop
 * headers dropped, Accept-Encoding as --compressed, secrets masked unless
 * revealed; never executed), the decoded request or response, the body,
 * and the record as JSON.
 */
#include "config.h"

#include "ui-wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mask.h"
#include "output.h"
#include "record.h"
#include "render.h"
#include "wire-view.h"
#include "wire.h"
#include "xmalloc.h"

/* The UI class of a wire view style. */
static int
ui_wire_class(uint8_t style)
{
	switch (style) {
	case WS_START:
		return (UI_C_TITLE);
	case WS_HNAME:
	case WS_KEY:
		return (UI_C_KEY);
	case WS_MASKED:
		return (UI_C_MARK);
	case WS_STRING:
		return (UI_C_STRING);
	case WS_NUMBER:
	case WS_LITERAL:
		return (UI_C_NUMBER);
	case WS_NOTE:
	case WS_OFFSET:
	case WS_DIM:
		return (UI_C_DIM);
	case WS_ERROR:
		return (UI_C_ERROR);
	default:
		return (UI_C_NORMAL);
	}
}

/* Set up masking as the options and reveal say. */
static void
ui_wire_mask(struct ui *ui, struct mask *mk)
{
	mask_init(mk, ui->o);
	mk->reveal = ui->reveal;
}

/* Lines for the Request (response false) or Response tab. */
void
ui_wire_lines(struct ui *ui, const struct record *r, bool response,
    struct ui_lines *l)
{
	struct wire_msg			 m;
	struct wire_view		 v;
	struct mask			 mk;
	struct buf			 b;
	const struct wire_span		*sp;
	const char			*s;
	enum wire_view_mode		 mode;
	size_t				 i, j, len, nsp;

	wire_init(&m);
	wire_view_init(&v);
	buf_init(&b);
	ui_wire_mask(ui, &mk);
	wire_decode_record(&ui->st, r, response ? WIRE_RESPONSE :
	    WIRE_REQUEST, &m);
	if (m.nchain > 0) {
		buf_adds(&b, "decoded: ");
		wire_chain_text(&b, &m, ui->utf8 ? " \xe2\x80\xba " : " > ");
		if (m.truncated)
			buf_adds(&b, "  (truncated)");
		ui_lines_add(l, UI_C_DIM, b.data, b.len);
		ui_lines_add(l, UI_C_NORMAL, "", 0);
	}
	switch (ui->body) {
	case UI_BODY_RAW:
		mode = WIRE_VIEW_RAW;
		break;
	case UI_BODY_HEX:
		mode = WIRE_VIEW_HEX;
		break;
	default:
		mode = WIRE_VIEW_PRETTY;
		break;
	}
	wire_view_build(&v, &m, mode, &mk);
	for (i = 0; i < v.nlines; i++) {
		s = wire_view_line(&v, i, &len, &sp, &nsp);
		ui_lines_add(l, UI_C_NORMAL, s, len);
		for (j = 0; j < nsp; j++)
			ui_lines_add_span(l, sp[j].off, sp[j].len,
			    ui_wire_class(sp[j].style));
	}
	buf_clear(&b);
	wire_view_clear(&v);
	wire_clear(&m);
}

/* Is a header hop-by-hop (or recomputed by curl)? */
static bool
ui_wire_hop(struct slice name)
{
	static const char	*hop[] = { "Connection", "Content-Length",
				    "Transfer-Encoding", "Keep-Alive",
				    "Proxy-Connection", "TE", "Trailer",
				    "Upgrade", "Host", "Accept-Encoding" };
	size_t			 i;

	for (i = 0; i < sizeof hop / sizeof hop[0]; i++)
		if (slice_caseeq(name, hop[i]))
			return (true);
	return (false);
}

/* Append s single-quoted for a POSIX shell. */
static void
ui_wire_shquote(struct buf *b, const char *s, size_t len)
{
	size_t	 i;

	buf_addc(b, '\'');
	for (i = 0; i < len; i++) {
		if (s[i] == '\'')
			buf_adds(b, "'\\''");
		else
			buf_addc(b, s[i]);
	}
	buf_addc(b, '\'');
}

/* The URL through the gateway: http://host + raw path (query masked). */
static void
ui_wire_url(struct ui *ui, const struct record *r, const struct mask *mk,
    struct buf *b)
{
	struct slice	 h, p;

	h = record_strs(&ui->st, r, RS_HOST);
	p = record_strs(&ui->st, r, RS_RAW_PATH);
	if (p.len == 0)
		p = record_strs(&ui->st, r, RS_PATH);
	buf_adds(b, "http://");
	buf_add(b, h.ptr, h.len);
	mask_query(b, mk, p.ptr, p.len);
}

/* A curl command for the request (never executed). */
static int
ui_wire_curl(struct ui *ui, const struct record *r, const struct mask *mk,
    struct buf *b)
{
	struct wire_msg			 m;
	const struct http_wire_header	*hd;
	struct buf			 t, u;
	struct slice			 meth, body;
	size_t				 i;
	bool				 gz = false;

	wire_init(&m);
	buf_init(&t);
	buf_init(&u);
	wire_decode_record(&ui->st, r, WIRE_REQUEST, &m);
	meth = record_strs(&ui->st, r, RS_METHOD);
	buf_adds(b, "curl");
	if (meth.len > 0 && !slice_eq(meth, "GET")) {
		buf_adds(b, " -X ");
		ui_wire_shquote(b, meth.ptr, meth.len);
	}
	if (m.is_http) {
		for (i = 0; i < m.http.nheaders; i++) {
			hd = &m.http.headers[i];
			if (slice_caseeq(hd->name, "Accept-Encoding"))
				gz = true;
			if (ui_wire_hop(hd->name))
				continue;
			buf_reset(&t);
			buf_add(&t, hd->name.ptr, hd->name.len);
			buf_adds(&t, ": ");
			mask_header_value(&t, mk, hd->name.ptr, hd->name.len,
			    hd->value.ptr, hd->value.len);
			buf_adds(b, " \\\n  -H ");
			ui_wire_shquote(b, t.data, t.len);
		}
	}
	if (gz)
		buf_adds(b, " \\\n  --compressed");
	body = wire_body_text(&m);
	if (body.len == 0)
		body = m.body;
	if (body.len > 0) {
		buf_adds(b, " \\\n  --data-binary ");
		ui_wire_shquote(b, body.ptr, body.len);
	}
	ui_wire_url(ui, r, mk, &u);
	buf_adds(b, " \\\n  ");
	ui_wire_shquote(b, u.data, u.len);
	buf_addc(b, '\n');
	buf_clear(&t);
	buf_clear(&u);
	wire_clear(&m);
	return (0);
}

/* Build the text to copy; 0, or -1 with *err (owned) set. */
int
ui_wire_copy(struct ui *ui, const struct record *r, enum ui_wire_copy what,
    struct buf *b, char **err)
{
	struct wire_msg		 m;
	struct wire_view	 v;
	struct mask		 mk;
	struct slice		 s;
	int			 rc = 0;

	*err = NULL;
	ui_wire_mask(ui, &mk);
	if (r->flags & (REC_BAD | REC_GAP) && what != UI_WIRE_JSON) {
		*err = xstrdup("not a request record");
		return (-1);
	}
	switch (what) {
	case UI_WIRE_URL:
		ui_wire_url(ui, r, &mk, b);
		return (0);
	case UI_WIRE_CURL:
		return (ui_wire_curl(ui, r, &mk, b));
	case UI_WIRE_JSON:
		output_record_json_buf(b, &ui->st, r, true);
		buf_addc(b, '\n');
		return (0);
	default:
		break;
	}
	wire_init(&m);
	wire_view_init(&v);
	wire_decode_record(&ui->st, r, what == UI_WIRE_RESPONSE ?
	    WIRE_RESPONSE : WIRE_REQUEST, &m);
	if (what == UI_WIRE_BODY) {
		/* The response body, else the request's. */
		if (m.body.len == 0) {
			wire_clear(&m);
			wire_init(&m);
			wire_decode_record(&ui->st, r, WIRE_RESPONSE, &m);
		}
		s = wire_body_text(&m);
		if (s.len == 0)
			s = m.body;
		if (s.len == 0) {
			*err = xstrdup("no body");
			rc = -1;
		} else
			buf_add(b, s.ptr, s.len);
	} else if (m.empty) {
		*err = xstrdup(m.note[0] != '\0' ? m.note : "empty");
		rc = -1;
	} else {
		wire_view_build(&v, &m, WIRE_VIEW_RAW, &mk);
		wire_view_text(b, &v);
	}
	wire_view_clear(&v);
	wire_clear(&m);
	return (rc);
}
