/* SPDX-License-Identifier: ISC */
/*
 * A record as tabs of safe lines, for the Detail screen and the Records
 * screen's preview pane.  Summary mirrors the Tyk Log Browser's two
 * columns (request metadata, gateway metadata) plus tags, geo, the latency
 * split and why a payload is empty; Request and Response come from wire
 * decoding (ui-wire.c); Raw is the record as JSON.  Bad records show their
 * error and a hex dump; gap markers their window.
 */
#include "config.h"

#include "ui-tabs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "mask.h"
#include "output.h"
#include "record.h"
#include "render.h"
#include "timefmt.h"
#include "ui-curses.h"
#include "ui-draw.h"
#include "ui-filter.h"
#include "ui-frame.h"
#include "ui-lines.h"
#include "ui-wire.h"
#include "xmalloc.h"

const char *ui_tabs_names[UI_NTABS] = {
	"Summary", "Request", "Response", "Raw"
};
const char *ui_tabs_bodies[UI_NBODY] = { "pretty", "raw", "hex" };

/* Add "  name  value" with value made safe. */
static void
ui_tabs_kv(struct ui_lines *l, const char *name, const char *v,
    size_t len)
{
	struct buf	 b;

	buf_init(&b);
	buf_printf(&b, "  %-14s ", name);
	render_safe(&b, v, len, 0);
	ui_lines_add(l, UI_C_NORMAL, b.data, b.len);
	buf_clear(&b);
}

/* Add a string field of r. */
static void
ui_tabs_str(struct ui *ui, struct ui_lines *l, const char *name,
    const struct record *r, enum record_str s)
{
	struct slice	 v = record_strs(&ui->st, r, s);

	ui_tabs_kv(l, name, v.ptr, v.len);
}

/* Add a formatted line (already safe). */
static void
ui_tabs_printf(struct ui_lines *l, int cls, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void
ui_tabs_printf(struct ui_lines *l, int cls, const char *fmt, ...)
{
	char	 t[1024];
	va_list	 ap;
	int	 n;

	va_start(ap, fmt);
	n = vsnprintf(t, sizeof t, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0;
	if ((size_t)n >= sizeof t)
		n = sizeof t - 1;
	ui_lines_add(l, cls, t, (size_t)n);
}

/* A time as RFC 3339 with ms. */
static void
ui_tabs_time(char *out, size_t size, int64_t sec, uint32_t nsec)
{
	timefmt_local(out, size, sec, nsec, 3);
}

/* Hex dump lines of len bytes at p. */
static void
ui_tabs_hex(struct ui_lines *l, const unsigned char *p, size_t len)
{
	struct hexdump_line	 h;
	char			 t[128];
	size_t			 i;
	int			 n;

	for (i = 0; i < len; i += HEXDUMP_WIDTH) {
		hexdump_line(&h, i, p + i, len - i);
		n = snprintf(t, sizeof t, "  %s %s%s", h.off, h.hex, h.text);
		ui_lines_add(l, UI_C_NORMAL, t, (size_t)n);
	}
}

/* The Summary's answer to "why is the body empty?" (tyk#300). */
static const char ui_tabs_why_empty[] = "Why are the request and response "
    "empty?  Detailed recording was off for this record: turn on "
    "enable_detailed_recording for the API, the key or the gateway "
    "(analytics_config), and check that no pump has "
    "omit_detailed_recording set.";

/* The Summary tab. */
static void
ui_tabs_summary(struct ui *ui, const struct record *r, struct ui_lines *l)
{
	const struct record_extra	*ex = record_extra(&ui->st, r);
	struct record_geo		 g;
	struct mask			 mk;
	struct buf			 b, tag;
	struct slice			 s, t, k, a;
	char				 tm[TIMEFMT_MAX];
	size_t				 off = 0;
	int64_t				 tot, up, gw;
	char				 nt[32], nu[32], ng[32];
	int				 bar, ub;

	buf_init(&b);
	output_position(&b, &ui->st, r);
	if (r->flags & REC_BAD) {
		ui_tabs_printf(l, UI_C_BAD, "Bad record");
		ui_tabs_kv(l, "source", b.data == NULL ? "" : b.data, b.len);
		s = strtab_get(&ui->st.strs, ex != NULL ? ex->bad_error : 0);
		ui_tabs_kv(l, "error", s.ptr, s.len);
		if (ex != NULL) {
			ui_tabs_printf(l, UI_C_NORMAL, "  %-14s %llu "
			    "(%u kept)", "bytes",
			    (unsigned long long)ex->bad_raw_total,
			    ex->bad_raw_len);
			ui_lines_add(l, UI_C_NORMAL, "", 0);
			ui_tabs_hex(l, (const unsigned char *)ex->bad_raw,
			    ex->bad_raw_len);
		}
		buf_clear(&b);
		return;
	}
	if (r->flags & REC_GAP) {
		ui_tabs_printf(l, UI_C_GAP, "Possible gap");
		ui_tabs_kv(l, "source", b.data == NULL ? "" : b.data, b.len);
		if (ex != NULL) {
			s = strtab_get(&ui->st.strs, ex->gap_key);
			ui_tabs_kv(l, "key", s.ptr, s.len);
			ui_tabs_time(tm, sizeof tm, ex->gap_from /
			    1000000000, (uint32_t)(ex->gap_from % 1000000000));
			ui_tabs_printf(l, UI_C_NORMAL, "  %-14s %s",
			    "last seen", tm);
			ui_tabs_time(tm, sizeof tm, ex->gap_to / 1000000000,
			    (uint32_t)(ex->gap_to % 1000000000));
			ui_tabs_printf(l, UI_C_NORMAL, "  %-14s %s",
			    "next seen", tm);
			if (ex->gap_count >= 0)
				ui_tabs_printf(l, UI_C_NORMAL, "  %-14s "
				    "%lld", "unseen", (long long)ex->gap_count);
			else
				ui_tabs_printf(l, UI_C_NORMAL, "  %-14s "
				    "unknown", "unseen");
		}
		ui_lines_add(l, UI_C_DIM, "  The list head moved past the "
		    "read position: a pump drained records before tykscope "
		    "could read them.", 98);
		buf_clear(&b);
		return;
	}

	ui_tabs_printf(l, UI_C_TITLE, "Request");
	ui_tabs_time(tm, sizeof tm, record_ts_sec(&ui->st, r),
	    record_ts_nsec(&ui->st, r));
	ui_tabs_kv(l, "time", tm, strlen(tm));
	ui_tabs_str(ui, l, "method", r, RS_METHOD);
	ui_tabs_str(ui, l, "host", r, RS_HOST);
	ui_tabs_str(ui, l, "path", r, RS_PATH);
	ui_tabs_str(ui, l, "raw path", r, RS_RAW_PATH);
	ui_tabs_str(ui, l, "original path", r, RS_ORIGINAL_PATH);
	ui_tabs_str(ui, l, "listen path", r, RS_LISTEN_PATH);
	ui_tabs_printf(l, ui_status_class(record_response_code(&ui->st, r)),
	    "  %-14s %lld", "status",
	    (long long)record_response_code(&ui->st, r));
	ui_tabs_printf(l, UI_C_NORMAL, "  %-14s %lld", "content length",
	    (long long)record_content_length(&ui->st, r));
	ui_tabs_str(ui, l, "user agent", r, RS_USER_AGENT);
	ui_tabs_str(ui, l, "ip address", r, RS_IP_ADDRESS);
	record_geo(&ui->st, r, &g);
	s = strtab_get(&ui->st.strs, g.iso_code);
	t = strtab_get(&ui->st.strs, g.time_zone);
	if (s.len > 0 || t.len > 0) {
		buf_reset(&b);
		render_safe(&b, s.ptr, s.len, 0);
		if (t.len > 0) {
			buf_adds(&b, "  ");
			render_safe(&b, t.ptr, t.len, 0);
		}
		if (g.latitude != 0 || g.longitude != 0)
			buf_printf(&b, "  %.4f,%.4f", g.latitude, g.longitude);
		ui_lines_add(l, UI_C_NORMAL, "", 0);
		ui_tabs_printf(l, UI_C_NORMAL, "  %-14s %s", "geo",
		    b.data == NULL ? "" : b.data);
	}

	ui_lines_add(l, UI_C_NORMAL, "", 0);
	ui_tabs_printf(l, UI_C_TITLE, "Gateway");
	ui_tabs_str(ui, l, "api", r, RS_API_NAME);
	ui_tabs_str(ui, l, "api id", r, RS_API_ID);
	ui_tabs_str(ui, l, "api version", r, RS_API_VERSION);
	ui_tabs_str(ui, l, "org", r, RS_ORG_ID);
	k = record_strs(&ui->st, r, RS_API_KEY);
	a = record_strs(&ui->st, r, RS_ALIAS);
	buf_reset(&b);
	if (ui->reveal)
		render_safe(&b, k.ptr, k.len, 0);
	else {
		/* A digest label, never the key's bytes. */
		ui_filter_key_label(ui, k.ptr, k.len, "", 0, 0, &b);
		if (k.len > 0)
			buf_adds(&b, "  (masked; r reveals)");
	}
	ui_tabs_printf(l, UI_C_NORMAL, "  %-14s %s", "key",
	    b.data == NULL ? "" : b.data);
	ui_tabs_kv(l, "alias", a.ptr, a.len);
	ui_tabs_str(ui, l, "oauth id", r, RS_OAUTH_ID);
	tot = record_lat_total(&ui->st, r);
	up = record_lat_upstream(&ui->st, r);
	gw = record_lat_gateway(&ui->st, r);
	ui_frame_snum(nt, sizeof nt, tot);
	ui_frame_snum(nu, sizeof nu, up);
	ui_frame_snum(ng, sizeof ng, gw);
	ui_tabs_printf(l, UI_C_NORMAL, "  %-14s %s ms total = %s upstream + "
	    "%s gateway", "latency", nt, nu, ng);
	if (up + gw > 0) {
		/* The split as a bar of 40 columns. */
		bar = 40;
		ub = (int)((double)up / (double)(up + gw) * bar + 0.5);
		buf_reset(&b);
		buf_adds(&b, "                 [");
		while (ub-- > 0 && bar-- > 0)
			buf_addc(&b, '#');
		while (bar-- > 0)
			buf_addc(&b, '-');
		buf_adds(&b, "]  # upstream  - gateway");
		ui_lines_add(l, UI_C_DIM, b.data, b.len);
	}
	ui_tabs_printf(l, UI_C_NORMAL, "  %-14s %lld ms", "request time",
	    (long long)record_request_time(&ui->st, r));
	s = record_strs(&ui->st, r, RS_TAGS);
	buf_reset(&b);
	ui_wire_mask(ui, &mk);
	buf_init(&tag);
	while (record_list_next(s, &off, &t)) {
		if (b.len > 0)
			buf_adds(&b, ", ");
		buf_reset(&tag);
		mask_tag(&tag, &mk, t.ptr, t.len);	/* key-<api key> */
		render_safe(&b, tag.data != NULL ? tag.data : "", tag.len, 0);
	}
	buf_clear(&tag);
	ui_tabs_printf(l, UI_C_NORMAL, "  %-14s %s", "tags",
	    b.data == NULL ? "" : b.data);
	ui_tabs_printf(l, UI_C_NORMAL, "  %-14s %s", "track path",
	    r->flags & REC_TRACK_PATH ? "yes" : "no");
	ui_tabs_time(tm, sizeof tm, record_exp_sec(&ui->st, r),
	    record_exp_nsec(&ui->st, r));
	ui_tabs_kv(l, "expire at", tm, strlen(tm));
	buf_reset(&b);
	output_position(&b, &ui->st, r);
	ui_tabs_kv(l, "source", b.data == NULL ? "" : b.data, b.len);
	ui_lines_add(l, UI_C_NORMAL, "", 0);
	if (r->req_len == 0 && r->resp_len == 0)
		ui_lines_add(l, UI_C_DIM, ui_tabs_why_empty,
		    sizeof ui_tabs_why_empty - 1);
	else
		ui_tabs_printf(l, UI_C_DIM, "Detailed recording: request "
		    "%u bytes, response %u bytes (base64); Tab for them.",
		    r->req_len, r->resp_len);
	buf_clear(&b);
}

/* Build the lines of tab for record r. */
void
ui_tabs_build(struct ui *ui, const struct record *r, enum ui_tab tab,
    struct ui_lines *l)
{
	struct buf	 b;
	struct mask	 mk;

	switch (tab) {
	case UI_TAB_SUMMARY:
		ui_tabs_summary(ui, r, l);
		break;
	case UI_TAB_REQUEST:
	case UI_TAB_RESPONSE:
		if (r->flags & (REC_BAD | REC_GAP)) {
			ui_tabs_summary(ui, r, l);
			break;
		}
		ui_wire_lines(ui, r, tab == UI_TAB_RESPONSE, l);
		break;
	case UI_TAB_RAW:
		buf_init(&b);
		ui_wire_mask(ui, &mk);
		output_record_json_shown(&b, &ui->st, r, &mk);
		ui_lines_add_safe(l, UI_C_NORMAL, b.data == NULL ? "" : b.data,
		    b.len);
		buf_clear(&b);
		break;
	default:
		break;
	}
}


/*
 * The preview pane of the record under the cursor (Records screen, wide
 * terminals): the tab chosen with Tab; on 160 columns and more the
 * Request and Response tabs show both messages side by side.
 */
void
ui_tabs_preview(struct ui *ui, int y, int h)
{
	uint64_t		 seq = view_cursor_seq(&ui->v);
	const struct record	*r = store_get(&ui->st, seq);
	char			 t[128];
	int			 x, i, half;
	bool			 both;

	both = ui->cols >= 160 && (ui->ptab == UI_TAB_REQUEST ||
	    ui->ptab == UI_TAB_RESPONSE);
	ui_draw_hline(ui, y, 0, ui->cols, ui_attr(ui, UI_C_DIM));
	x = 2;
	x += ui_draw_str(ui, y, x, ui->cols - x, " preview: ",
	    ui_attr(ui, UI_C_DIM));
	for (i = 0; i < UI_NTABS; i++) {
		snprintf(t, sizeof t, " %s ", ui_tabs_names[i]);
		x += ui_draw_str(ui, y, x, ui->cols - x, t, i == (int)ui->ptab ||
		    (both && (i == UI_TAB_REQUEST || i == UI_TAB_RESPONSE)) ?
		    ui_attr(ui, UI_C_HEADER) : ui_attr(ui, UI_C_DIM));
	}
	ui_draw_str(ui, y, x, ui->cols - x, "  (Tab) ", ui_attr(ui, UI_C_DIM));
	if (r == NULL)
		return;
	if (!ui->plines_ok || ui->pseq != seq) {
		ui_lines_reset(&ui->plines);
		ui_lines_reset(&ui->plines2);
		if (both) {
			ui_tabs_build(ui, r, UI_TAB_REQUEST, &ui->plines);
			ui_tabs_build(ui, r, UI_TAB_RESPONSE, &ui->plines2);
		} else
			ui_tabs_build(ui, r, ui->ptab, &ui->plines);
		ui->pseq = seq;
		ui->plines_ok = true;
	}
	if (!both) {
		ui_frame_lines(ui, &ui->plines, 0, y + 1, 0, h - 1,
		    ui->cols);
		return;
	}
	half = (ui->cols - 1) / 2;
	ui_frame_lines(ui, &ui->plines, 0, y + 1, 0, h - 1, half);
	for (i = 1; i < h; i++)
		ui_draw_str(ui, y + i, half, 1, ui_glyph(ui, UI_G_VLINE),
		    ui_attr(ui, UI_C_DIM));
	ui_frame_lines(ui, &ui->plines2, 0, y + 1, half + 2, h - 1,
	    ui->cols - half - 2);
}
