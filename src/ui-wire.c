/* SPDX-License-Identifier: ISC */
/*
 * Bridge to wire decoding (wire.h, wire-view.h): the Request and Response
 * tabs are wire views (already safe lines with style spans) preceded by
 * the decode chain as a breadcrumb; secrets are masked unless revealed.
 * The copy menu's texts are built here too: the URL and a curl command
 * (curl.c: through the gateway, or to the upstream with --curl-target;
 * secrets masked unless revealed; never executed), the decoded request or
 * response, the body, and the record as JSON.
 */
#include "config.h"

#include "ui-wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "curl.h"
#include "mask.h"
#include "options.h"
#include "output.h"
#include "record.h"
#include "render.h"
#include "ui-lines.h"
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

/* Set up masking as the options and reveal (r) say. */
void
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

/* Where copied curl commands and URLs go: --curl-target. */
static enum curl_target
ui_wire_target(struct ui *ui)
{
	if (ui->o->curl_target != NULL &&
	    strcmp(ui->o->curl_target, "upstream") == 0)
		return (CURL_UPSTREAM);
	return (CURL_GATEWAY);
}

/* The URL of the request (curl.c: gateway or upstream; query masked). */
static void
ui_wire_url(struct ui *ui, const struct record *r, const struct mask *mk,
    struct buf *b)
{
	curl_record_url(b, &ui->st, r, mk, ui_wire_target(ui));
}

/* A curl command for the request (curl.c; never executed). */
static int
ui_wire_curl(struct ui *ui, const struct record *r, const struct mask *mk,
    struct buf *b)
{
	(void)curl_command(b, &ui->st, r, mk, ui_wire_target(ui));
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
	struct buf		 tmp;
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
		output_record_json_shown(b, &ui->st, r, &mk);	/* as Raw */
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
		} else {
			buf_init(&tmp);
			s = wire_body_masked(&m, s, &mk, &tmp);
			buf_add(b, s.ptr, s.len);
			buf_clear(&tmp);
		}
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

/* A file extension for a body: by its magic bytes, else Content-Type. */
static const char *
ui_wire_ext(const struct wire_msg *m)
{
	static const struct {
		const char	*type;
		const char	*ext;
	} types[] = {
		{ "json", "json" }, { "html", "html" }, { "svg", "svg" },
		{ "xml", "xml" }, { "image/png", "png" },
		{ "image/jpeg", "jpg" },
		{ "image/gif", "gif" }, { "image/webp", "webp" },
		{ "application/pdf", "pdf" }, { "application/zip", "zip" },
		{ "text/csv", "csv" }, { "text/", "txt" },
		{ "x-www-form-urlencoded", "txt" }, { "multipart/", "txt" },
	};
	const struct http_wire_header	*ct;
	const unsigned char		*b = (const unsigned char *)m->body.ptr;
	size_t				 i, k, n = m->body.len, tl;

	if (n >= 8 && memcmp(b, "\x89PNG\r\n\x1a\n", 8) == 0)
		return ("png");
	if (n >= 3 && b[0] == 0xff && b[1] == 0xd8 && b[2] == 0xff)
		return ("jpg");
	if (n >= 4 && memcmp(b, "GIF8", 4) == 0)
		return ("gif");
	if (n >= 5 && memcmp(b, "%PDF-", 5) == 0)
		return ("pdf");
	if ((ct = wire_header(m, "Content-Type")) != NULL)
		for (i = 0; i < sizeof types / sizeof types[0]; i++) {
			tl = strlen(types[i].type);
			for (k = 0; k + tl <= ct->value.len; k++)
				if (strncasecmp(ct->value.ptr + k,
				    types[i].type, tl) == 0)
					return (types[i].ext);
		}
	switch (m->type) {
	case WIRE_TYPE_JSON:
		return ("json");
	case WIRE_TYPE_BINARY:
		return ("bin");
	default:
		return (m->binary ? "bin" : "txt");
	}
}

/*
 * A file name that says what a copy holds: url.txt, curl.sh,
 * request.http, response.http, record.json, and for a body which one and
 * its type (request-body.json, response-body.png), the body being the one
 * ui_wire_copy takes.
 */
void
ui_wire_copy_name(struct ui *ui, const struct record *r,
    enum ui_wire_copy what, char *out, size_t size)
{
	struct wire_msg	 m;
	bool		 resp = false;

	switch (what) {
	case UI_WIRE_URL:
		snprintf(out, size, "url.txt");
		return;
	case UI_WIRE_CURL:
		snprintf(out, size, "curl.sh");
		return;
	case UI_WIRE_REQUEST:
		snprintf(out, size, "request.http");
		return;
	case UI_WIRE_RESPONSE:
		snprintf(out, size, "response.http");
		return;
	case UI_WIRE_JSON:
		snprintf(out, size, "record.json");
		return;
	case UI_WIRE_BODY:
		break;
	}
	wire_init(&m);
	wire_decode_record(&ui->st, r, WIRE_REQUEST, &m);
	if (m.body.len == 0) {
		wire_clear(&m);
		wire_init(&m);
		wire_decode_record(&ui->st, r, WIRE_RESPONSE, &m);
		resp = true;
	}
	snprintf(out, size, "%s-body.%s", resp ? "response" : "request",
	    ui_wire_ext(&m));
	wire_clear(&m);
}
