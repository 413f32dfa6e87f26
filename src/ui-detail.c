/* SPDX-License-Identifier: ISC */
/*
 * The Detail screen: one record in four tabs.  Summary mirrors the Tyk Log
 * Browser's two columns (request metadata, gateway metadata) plus tags,
 * geo, the latency split and why a payload is empty; Request and Response
 * come from wire decoding (ui-wire.c); Raw is the record as JSON.  Bad
 * records show their error and a hex dump; gap markers their window.
 *
 * The tab's content is built once into safe lines (rebuilt when the
 * record, the tab, the body view, reveal or the size changes) and drawn
 * with vertical and horizontal scrolling.  The help screen uses the same
 * drawing.
 */
#include "config.h"

#include "ui-detail.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mask.h"
#include "output.h"
#include "record.h"
#include "render.h"
#include "timefmt.h"
#include "ui-copy.h"
#include "ui-curses.h"
#include "ui-draw.h"
#include "ui-prompt.h"
#include "ui-records.h"
#include "ui-wire.h"
#include "xmalloc.h"

static const char *ui_detail_tabs[UI_NTABS] = {
	"Summary", "Request", "Response", "Raw"
};
static const char *ui_detail_bodies[UI_NBODY] = { "pretty", "raw", "hex" };

/* Add "  name  value" with value made safe. */
static void
ui_detail_kv(struct ui_lines *l, const char *name, const char *v,
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
ui_detail_str(struct ui *ui, struct ui_lines *l, const char *name,
    const struct record *r, enum record_str s)
{
	struct slice	 v = record_strs(&ui->st, r, s);

	ui_detail_kv(l, name, v.ptr, v.len);
}

/* Add a formatted line (already safe). */
static void
ui_detail_printf(struct ui_lines *l, int cls, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void
ui_detail_printf(struct ui_lines *l, int cls, const char *fmt, ...)
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
ui_detail_time(char *out, size_t size, int64_t sec, uint32_t nsec)
{
	timefmt_rfc3339(out, size, sec, nsec, 3);
}

/* Hex dump lines of len bytes at p. */
static void
ui_detail_hex(struct ui_lines *l, const unsigned char *p, size_t len)
{
	char	 t[128];
	size_t	 i, j;
	int	 n;

	for (i = 0; i < len; i += 16) {
		n = snprintf(t, sizeof t, "  %08zx ", i);
		for (j = 0; j < 16; j++) {
			if (i + j < len)
				n += snprintf(t + n, sizeof t - n, " %02x",
				    p[i + j]);
			else
				n += snprintf(t + n, sizeof t - n, "   ");
		}
		n += snprintf(t + n, sizeof t - n, "  ");
		for (j = 0; j < 16 && i + j < len; j++)
			t[n++] = p[i + j] >= 0x20 && p[i + j] < 0x7f ?
			    (char)p[i + j] : '.';
		ui_lines_add(l, UI_C_NORMAL, t, (size_t)n);
	}
}

/* The Summary's answer to "why is the body empty?" (tyk#300). */
static const char ui_detail_why_empty[] = "Why are the request and response "
    "empty?  Detailed recording was off for this record: turn on "
    "enable_detailed_recording for the API, the key or the gateway "
    "(analytics_config), and check that no pump has "
    "omit_detailed_recording set.";

/* The Summary tab. */
static void
ui_detail_summary(struct ui *ui, const struct record *r, struct ui_lines *l)
{
	const struct record_extra	*ex = record_extra(&ui->st, r);
	struct record_geo		 g;
	struct mask			 mk;
	struct buf			 b, tag;
	struct slice			 s, t, k, a;
	char				 tm[TIMEFMT_MAX];
	size_t				 off = 0;
	int64_t				 tot, up, gw;
	int				 bar, ub;

	buf_init(&b);
	output_position(&b, &ui->st, r);
	if (r->flags & REC_BAD) {
		ui_detail_printf(l, UI_C_BAD, "Bad record");
		ui_detail_kv(l, "source", b.data == NULL ? "" : b.data, b.len);
		s = strtab_get(&ui->st.strs, ex != NULL ? ex->bad_error : 0);
		ui_detail_kv(l, "error", s.ptr, s.len);
		if (ex != NULL) {
			ui_detail_printf(l, UI_C_NORMAL, "  %-14s %llu "
			    "(%u kept)", "bytes",
			    (unsigned long long)ex->bad_raw_total,
			    ex->bad_raw_len);
			ui_lines_add(l, UI_C_NORMAL, "", 0);
			ui_detail_hex(l, (const unsigned char *)ex->bad_raw,
			    ex->bad_raw_len);
		}
		buf_clear(&b);
		return;
	}
	if (r->flags & REC_GAP) {
		ui_detail_printf(l, UI_C_GAP, "Possible gap");
		ui_detail_kv(l, "source", b.data == NULL ? "" : b.data, b.len);
		if (ex != NULL) {
			s = strtab_get(&ui->st.strs, ex->gap_key);
			ui_detail_kv(l, "key", s.ptr, s.len);
			ui_detail_time(tm, sizeof tm, ex->gap_from /
			    1000000000, (uint32_t)(ex->gap_from % 1000000000));
			ui_detail_printf(l, UI_C_NORMAL, "  %-14s %s",
			    "last seen", tm);
			ui_detail_time(tm, sizeof tm, ex->gap_to / 1000000000,
			    (uint32_t)(ex->gap_to % 1000000000));
			ui_detail_printf(l, UI_C_NORMAL, "  %-14s %s",
			    "next seen", tm);
			if (ex->gap_count >= 0)
				ui_detail_printf(l, UI_C_NORMAL, "  %-14s "
				    "%lld", "unseen", (long long)ex->gap_count);
			else
				ui_detail_printf(l, UI_C_NORMAL, "  %-14s "
				    "unknown", "unseen");
		}
		ui_lines_add(l, UI_C_DIM, "  The list head moved past the "
		    "read position: a pump drained records before tykscope "
		    "could read them.", 98);
		buf_clear(&b);
		return;
	}

	ui_detail_printf(l, UI_C_TITLE, "Request");
	ui_detail_time(tm, sizeof tm, record_ts_sec(&ui->st, r),
	    record_ts_nsec(&ui->st, r));
	ui_detail_kv(l, "time", tm, strlen(tm));
	ui_detail_str(ui, l, "method", r, RS_METHOD);
	ui_detail_str(ui, l, "host", r, RS_HOST);
	ui_detail_str(ui, l, "path", r, RS_PATH);
	ui_detail_str(ui, l, "raw path", r, RS_RAW_PATH);
	ui_detail_str(ui, l, "original path", r, RS_ORIGINAL_PATH);
	ui_detail_str(ui, l, "listen path", r, RS_LISTEN_PATH);
	ui_detail_printf(l, ui_status_class(record_response_code(&ui->st, r)),
	    "  %-14s %lld", "status",
	    (long long)record_response_code(&ui->st, r));
	ui_detail_printf(l, UI_C_NORMAL, "  %-14s %lld", "content length",
	    (long long)record_content_length(&ui->st, r));
	ui_detail_str(ui, l, "user agent", r, RS_USER_AGENT);
	ui_detail_str(ui, l, "ip address", r, RS_IP_ADDRESS);
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
		ui_detail_printf(l, UI_C_NORMAL, "  %-14s %s", "geo",
		    b.data == NULL ? "" : b.data);
	}

	ui_lines_add(l, UI_C_NORMAL, "", 0);
	ui_detail_printf(l, UI_C_TITLE, "Gateway");
	ui_detail_str(ui, l, "api", r, RS_API_NAME);
	ui_detail_str(ui, l, "api id", r, RS_API_ID);
	ui_detail_str(ui, l, "api version", r, RS_API_VERSION);
	ui_detail_str(ui, l, "org", r, RS_ORG_ID);
	k = record_strs(&ui->st, r, RS_API_KEY);
	a = record_strs(&ui->st, r, RS_ALIAS);
	buf_reset(&b);
	if (ui->reveal)
		render_safe(&b, k.ptr, k.len, 0);
	else {
		output_mask_key(&b, k.ptr, k.len);
		if (k.len > 0)
			buf_adds(&b, "  (masked; r reveals)");
	}
	ui_detail_printf(l, UI_C_NORMAL, "  %-14s %s", "key",
	    b.data == NULL ? "" : b.data);
	ui_detail_kv(l, "alias", a.ptr, a.len);
	ui_detail_str(ui, l, "oauth id", r, RS_OAUTH_ID);
	tot = record_lat_total(&ui->st, r);
	up = record_lat_upstream(&ui->st, r);
	gw = record_lat_gateway(&ui->st, r);
	ui_detail_printf(l, UI_C_NORMAL, "  %-14s %lld ms total = %lld "
	    "upstream + %lld gateway", "latency", (long long)tot,
	    (long long)up, (long long)gw);
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
	ui_detail_printf(l, UI_C_NORMAL, "  %-14s %lld ms", "request time",
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
	ui_detail_printf(l, UI_C_NORMAL, "  %-14s %s", "tags",
	    b.data == NULL ? "" : b.data);
	ui_detail_printf(l, UI_C_NORMAL, "  %-14s %s", "track path",
	    r->flags & REC_TRACK_PATH ? "yes" : "no");
	ui_detail_time(tm, sizeof tm, record_exp_sec(&ui->st, r),
	    record_exp_nsec(&ui->st, r));
	ui_detail_kv(l, "expire at", tm, strlen(tm));
	buf_reset(&b);
	output_position(&b, &ui->st, r);
	ui_detail_kv(l, "source", b.data == NULL ? "" : b.data, b.len);
	ui_lines_add(l, UI_C_NORMAL, "", 0);
	if (r->req_len == 0 && r->resp_len == 0)
		ui_lines_add(l, UI_C_DIM, ui_detail_why_empty,
		    sizeof ui_detail_why_empty - 1);
	else
		ui_detail_printf(l, UI_C_DIM, "Detailed recording: request "
		    "%u bytes, response %u bytes (base64); Tab for them.",
		    r->req_len, r->resp_len);
	buf_clear(&b);
}

/* Build the lines of tab for record r. */
void
ui_detail_build(struct ui *ui, const struct record *r, enum ui_tab tab,
    struct ui_lines *l)
{
	struct buf	 b;
	struct mask	 mk;

	switch (tab) {
	case UI_TAB_SUMMARY:
		ui_detail_summary(ui, r, l);
		break;
	case UI_TAB_REQUEST:
	case UI_TAB_RESPONSE:
		if (r->flags & (REC_BAD | REC_GAP)) {
			ui_detail_summary(ui, r, l);
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

/* Byte offset in s after skipping cols display columns. */
static size_t
ui_detail_skip(const struct ui *ui, const char *s, size_t len, size_t cols)
{
	size_t	 i = 0, n, w = 0;

	while (i < len && w < cols) {
		n = 1;
		while (i + n < len && ((unsigned char)s[i + n] & 0xc0) == 0x80)
			n++;
		w += ui_text_width(ui, s + i, n);
		i += n;
	}
	return (i);
}

/* Draw lines from scroll on in the box (y, x, h, w). */
void
ui_detail_draw_lines(struct ui *ui, const struct ui_lines *l, size_t scroll,
    int y, int x, int h, int w)
{
	const struct ui_span	*sp;
	const char		*s;
	size_t			 i, len, skip, j, sc, sw, hoff = ui->dhoff;
	int			 k;

	for (k = 0; k < h; k++) {
		i = scroll + (size_t)k;
		if (i >= l->n)
			break;
		s = ui_lines_get(l, i);
		len = strlen(s);
		skip = ui_detail_skip(ui, s, len, hoff);
		ui_draw_text(ui, y + k, x, w, s + skip, len - skip,
		    ui_attr(ui, l->cls[i]));
		/* Spans: draw their part inside [hoff, hoff + w). */
		for (j = 0; j < l->nsp[i]; j++) {
			sp = &l->spans[l->span0[i] + j];
			if (sp->off + sp->len > len)
				continue;
			sc = ui_text_width(ui, s, sp->off);
			sw = ui_text_width(ui, s + sp->off, sp->len);
			if (sc + sw <= hoff || sc >= hoff + (size_t)w)
				continue;
			skip = 0;
			if (sc < hoff) {
				skip = ui_detail_skip(ui, s + sp->off,
				    sp->len, hoff - sc);
				sc = hoff;
			}
			ui_draw_text(ui, y + k, x + (int)(sc - hoff),
			    w - (int)(sc - hoff), s + sp->off + skip,
			    sp->len - skip, ui_attr(ui, sp->cls));
		}
	}
}

/*
 * The preview pane of the record under the cursor (Records screen, wide
 * terminals): the tab chosen with Tab; on 160 columns and more the
 * Request and Response tabs show both messages side by side.
 */
void
ui_detail_preview(struct ui *ui, int y, int h)
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
		snprintf(t, sizeof t, " %s ", ui_detail_tabs[i]);
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
			ui_detail_build(ui, r, UI_TAB_REQUEST, &ui->plines);
			ui_detail_build(ui, r, UI_TAB_RESPONSE, &ui->plines2);
		} else
			ui_detail_build(ui, r, ui->ptab, &ui->plines);
		ui->pseq = seq;
		ui->plines_ok = true;
	}
	if (!both) {
		ui_detail_draw_lines(ui, &ui->plines, 0, y + 1, 0, h - 1,
		    ui->cols);
		return;
	}
	half = (ui->cols - 1) / 2;
	ui_detail_draw_lines(ui, &ui->plines, 0, y + 1, 0, h - 1, half);
	for (i = 1; i < h; i++)
		ui_draw_str(ui, y + i, half, 1, ui_glyph(ui, UI_G_VLINE),
		    ui_attr(ui, UI_C_DIM));
	ui_detail_draw_lines(ui, &ui->plines2, 0, y + 1, half + 2, h - 1,
	    ui->cols - half - 2);
}

/* Rows of content on the detail screen. */
static int
ui_detail_height(const struct ui *ui)
{
	int	 h = ui->lines - 3;

	return (h < 1 ? 1 : h);
}

/* Draw the tab line. */
static void
ui_detail_tabs_line(struct ui *ui, int y)
{
	char		 t[256];
	int		 x = 0, i;
	size_t		 pos;

	if (ui->screen == UI_HELP) {
		ui_draw_str(ui, y, 0, ui->cols, " Help", ui_attr(ui,
		    UI_C_TITLE));
		return;
	}
	for (i = 0; i < UI_NTABS; i++) {
		snprintf(t, sizeof t, " %s ", ui_detail_tabs[i]);
		x += ui_draw_str(ui, y, x, ui->cols - x, t, i == (int)ui->tab ?
		    ui_attr(ui, UI_C_HEADER) | UI_AT_BOLD : UI_AT_NORMAL);
		x += ui_draw_str(ui, y, x, ui->cols - x, ui_glyph(ui,
		    UI_G_VLINE), ui_attr(ui, UI_C_DIM));
	}
	pos = view_index(&ui->v, &ui->st, ui->detail_seq);
	snprintf(t, sizeof t, " body %s%s  %zu/%zu%s ",
	    ui_detail_bodies[ui->body], ui->reveal ? "  REVEALED" : "",
	    pos == SIZE_MAX ? 0 : pos + 1, ui->v.n,
	    view_is_marked(&ui->v, ui->detail_seq) ? " *" : "");
	i = (int)strlen(t);
	if (x + i < ui->cols)
		ui_draw_str(ui, y, ui->cols - i, i, t, ui->reveal ?
		    ui_attr(ui, UI_C_ERROR) : ui_attr(ui, UI_C_DIM));
}

/* Draw the Detail screen (and the Help screen). */
void
ui_detail_draw(struct ui *ui)
{
	const struct record	*r;
	int			 h = ui_detail_height(ui);

	ui_records_header(ui);
	if (!ui->dlines_ok) {
		ui_lines_reset(&ui->dlines);
		if (ui->screen == UI_HELP)
			ui_keys_help(ui, &ui->dlines);
		else {
			r = store_get(&ui->st, ui->detail_seq);
			if (r == NULL)
				ui_lines_add(&ui->dlines, UI_C_DIM,
				    "(this record was evicted)", 25);
			else
				ui_detail_build(ui, r, ui->tab, &ui->dlines);
		}
		ui->dlines_ok = true;
	}
	ui_detail_tabs_line(ui, 1);
	ui_detail_draw_lines(ui, &ui->dlines, ui->screen == UI_HELP ?
	    ui->hscroll : ui->dscroll, 2, 0, h, ui->cols);
	ui_records_bottom(ui);
}

/* Open record seq in place of the current one. */
static void
ui_detail_switch(struct ui *ui, uint64_t seq)
{
	if (seq == UINT64_MAX || store_get(&ui->st, seq) == NULL)
		return;
	ui->detail_seq = seq;
	ui->dscroll = 0;
	ui->dhoff = 0;
	ui->dlines_ok = false;
}

/* Handle an action on the Detail (or Help) screen. */
unsigned
ui_detail_action(struct ui *ui, enum ui_action a)
{
	size_t	*scroll = ui->screen == UI_HELP ? &ui->hscroll : &ui->dscroll;
	size_t	 h = (size_t)ui_detail_height(ui), n = ui->dlines.n, max;

	max = n > h ? n - h : 0;
	switch (a) {
	case UI_A_DOWN:
		if (*scroll < max)
			(*scroll)++;
		break;
	case UI_A_UP:
		if (*scroll > 0)
			(*scroll)--;
		break;
	case UI_A_PGDN:
		*scroll = *scroll + h > max ? max : *scroll + h;
		break;
	case UI_A_PGUP:
		*scroll = *scroll > h ? *scroll - h : 0;
		break;
	case UI_A_HALFDN:
		*scroll = *scroll + h / 2 > max ? max : *scroll + h / 2;
		break;
	case UI_A_HALFUP:
		*scroll = *scroll > h / 2 ? *scroll - h / 2 : 0;
		break;
	case UI_A_TOP:
		*scroll = 0;
		break;
	case UI_A_BOTTOM:
		*scroll = max;
		break;
	case UI_A_LEFT:
		ui->dhoff = ui->dhoff > 8 ? ui->dhoff - 8 : 0;
		break;
	case UI_A_RIGHT:
		ui->dhoff += 8;
		break;
	case UI_A_BACK:
	case UI_A_ESCAPE:
		ui->screen = UI_RECORDS;
		ui->dhoff = 0;
		view_goto_seq(&ui->v, &ui->st, ui->detail_seq);
		break;
	case UI_A_TAB:
		ui->tab = (ui->tab + 1) % UI_NTABS;
		ui->dscroll = 0;
		ui->dlines_ok = false;
		break;
	case UI_A_BTAB:
		ui->tab = (ui->tab + UI_NTABS - 1) % UI_NTABS;
		ui->dscroll = 0;
		ui->dlines_ok = false;
		break;
	case UI_A_NEXTREC:
	case UI_A_PREVREC:
		if (view_goto_seq(&ui->v, &ui->st, ui->detail_seq))
			view_move(&ui->v, a == UI_A_NEXTREC ? 1 : -1);
		ui_detail_switch(ui, view_cursor_seq(&ui->v));
		break;
	case UI_A_ERR_NEXT:
	case UI_A_ERR_PREV:
	case UI_A_NEXT:
	case UI_A_PREV:
		view_goto_seq(&ui->v, &ui->st, ui->detail_seq);
		ui_records_action(ui, a);
		ui_detail_switch(ui, view_cursor_seq(&ui->v));
		break;
	case UI_A_BODYVIEW:
		ui->body = (ui->body + 1) % UI_NBODY;
		ui->dlines_ok = false;
		ui_message(ui, "body view: %s", ui_detail_bodies[ui->body]);
		break;
	case UI_A_REVEAL:
		ui->reveal = !ui->reveal;
		ui->dlines_ok = ui->plines_ok = false;
		ui_message(ui, ui->reveal ? "secrets REVEALED (r to mask)" :
		    "secrets masked");
		break;
	case UI_A_MARK:
		view_mark_toggle(&ui->v, ui->detail_seq);
		break;
	case UI_A_COPY:
		return (ui_copy_open(ui));
	case UI_A_EXPORT:
		return (ui_copy_export(ui));
	case UI_A_TIME:
		ui->reltime = !ui->reltime;
		break;
	case UI_A_SEARCH:
	case UI_A_FILTER:
	case UI_A_FILTER_IN:
	case UI_A_FILTER_OUT:
	case UI_A_FOLLOW:
	case UI_A_PAUSE:
		ui->screen = UI_RECORDS;
		view_goto_seq(&ui->v, &ui->st, ui->detail_seq);
		return (ui_records_action(ui, a));
	default:
		return (0);
	}
	return (UI_REDRAW);
}
