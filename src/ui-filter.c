/* SPDX-License-Identifier: ISC */
/*
 * Bridge to the filter module (filter.h).  Relative times (since:-15m)
 * count back from the wall clock when a source is live, and from the
 * newest loaded record otherwise, as batch mode does.
 */
#include "config.h"

#include "ui-filter.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "field.h"
#include "filter.h"
#include "mask.h"
#include "options.h"
#include "record.h"
#include "render.h"
#include "ui-draw.h"
#include "store.h"
#include "timefmt.h"
#include "xmalloc.h"

/* The end of the filter token that starts at p (filter_token_end). */
const char *
ui_filter_token_end(const char *p)
{
	return (filter_token_end(p));
}

/* The expression of saved filter name (len bytes), or NULL. */
const char *
ui_filter_saved(struct ui *ui, const char *name, size_t len)
{
	const struct options_list	*l = &ui->o->saved_filters;
	size_t				 i;

	for (i = 0; i < l->n; i++)
		if (strncmp(l->v[i], name, len) == 0 && l->v[i][len] == '=')
			return (l->v[i] + len + 1);
	return (NULL);
}

/* Expand the @NAME tokens of text (filter_expand_saved). */
static char *
ui_filter_expand(struct ui *ui, const char *text, char **err, int *col)
{
	return (filter_expand_saved(text, ui->o->saved_filters.v,
	    ui->o->saved_filters.n, err, col));
}

/*
 * Compile text; 0 and *out, or -1 with *err (owned) and *col (0-based
 * column of the problem).
 */
int
ui_filter_compile(struct ui *ui, const char *text, void **out, char **err,
    int *col)
{
	struct filter	*f = NULL;
	char		*x;
	int64_t		 now;
	int		 c = 0, rc;

	now = ui->live || ui->st.newest_ts == INT64_MIN ? timefmt_now() :
	    ui->st.newest_ts;
	*out = NULL;
	*err = NULL;
	if ((x = ui_filter_expand(ui, text, err, col)) == NULL)
		return (-1);
	rc = filter_compile(x, now, &f, err, &c);
	if (rc != 0 && strcmp(x, text) != 0)
		c = 0;		/* the column is in the expansion */
	free(x);
	if (rc != 0) {
		*col = c > 0 ? c - 1 : 0;
		if (*err == NULL)
			*err = xstrdup("invalid filter");
		return (-1);
	}
	*col = 0;
	*out = f;
	return (0);
}

/* Does the compiled filter arg accept r? */
bool
ui_filter_match(void *arg, const struct store *st, const struct record *r)
{
	return (filter_match(arg, st, r));
}

/* The same on record i of store chunk c, reading only the columns needed. */
bool
ui_filter_match_at(void *arg, const struct store *st,
    const struct store_chunk *c, uint32_t i)
{
	return (filter_match_at(arg, st, c, i));
}

/* The same on records [from, to) of chunk c; writes the indexes matched. */
size_t
ui_filter_select_at(void *arg, const struct store *st,
    const struct store_chunk *c, uint32_t from, uint32_t to, uint32_t *out)
{
	return (filter_select_at(arg, st, c, from, to, out));
}

/*
 * Move the "now" of a relative filter (since:-15m) to the wall clock;
 * returns true if the filter is relative (the view needs a rebuild).
 */
bool
ui_filter_slide(void *c)
{
	if (c == NULL || !filter_is_relative(c))
		return (false);
	filter_set_now(c, timefmt_now());
	return (true);
}

/*
 * Anchor the relative times of a filter at now (the newest record of an
 * offline source); returns true if the filter is relative.
 */
bool
ui_filter_anchor(void *c, int64_t now)
{
	if (c == NULL || !filter_is_relative(c))
		return (false);
	filter_set_now(c, now);
	return (true);
}

/* A copy of a compiled filter for another thread (NULL: NULL). */
void *
ui_filter_clone(const void *c)
{
	return (c != NULL ? filter_clone(c) : NULL);
}

/* Free a compiled filter. */
void
ui_filter_free(void *c)
{
	if (c != NULL)
		filter_free(c);
}

/*
 * Append the value of a filter token (v, len: bare, or "..." with \"
 * and \\ escapes) unquoted to b.  Returns false when it is not one
 * plain value (an unquoted '|' makes alternatives).
 */
static bool
ui_filter_unquote(struct buf *b, const char *v, size_t len)
{
	size_t	 i;
	bool	 q = false;

	for (i = 0; i < len; i++) {
		if (v[i] == '"')
			q = !q;
		else if (v[i] == '\\' && i + 1 < len)
			buf_addc(b, v[++i]);
		else if (v[i] == '|' && !q)
			return (false);
		else
			buf_addc(b, v[i]);
	}
	return (!q);
}

/*
 * Copy filter text to b with each key:=KEY token (as + and drill-down
 * make them) turned into key:#DIGEST (mask_key_digest), which selects
 * the same records without showing the key on the filter line, in the
 * prompt or its history.  Keys typed in other forms stay as typed.
 */
void
ui_filter_hide_keys(const char *text, struct buf *b)
{
	const char	*p = text, *tok, *v;
	struct buf	 k;

	buf_init(&k);
	while (*p != '\0') {
		tok = p;
		p = ui_filter_token_end(p);
		v = tok + (*tok == '!');
		buf_reset(&k);
		if (strncmp(v, "key:=", 5) == 0 && ui_filter_unquote(&k,
		    v + 5, (size_t)(p - v - 5)) && k.len != 0) {
			buf_add(b, tok, (size_t)(v - tok));
			buf_adds(b, "key:#");
			mask_key_digest(b, k.data, k.len);
		} else
			buf_add(b, tok, (size_t)(p - tok));
		while (*p == ' ')
			buf_addc(b, *p++);
	}
	buf_addc(b, '\0');
	b->len--;
	buf_clear(&k);
}

/*
 * A key as the screens show it unrevealed: its alias, or a short stable
 * digest of the key ("#" and the first digits of mask_key_digest, which
 * key:#DIGEST matches), never a byte of the key itself: Tyk's base64-JSON
 * keys all end alike, so their last characters tell nothing apart.  With
 * an alias, four digits of the digest follow it ("ops-bot#1a2b"); the
 * alias is cut to fit width columns.  Appends safe text to b.
 */
void
ui_filter_key_label(const struct ui *ui, const char *key, size_t klen,
    const char *alias, size_t alen, size_t width, struct buf *b)
{
	struct buf	 d, t;
	size_t		 n, used, digits;

	if (klen == 0 && alen == 0)
		return;
	buf_init(&d);
	buf_init(&t);
	if (klen > 0)
		mask_key_digest(&d, key, klen);
	if (alen == 0) {
		buf_addc(b, '#');
		buf_add(b, d.data, 8);
	} else {
		digits = klen > 0 ? 4 : 0;
		render_safe(&t, alias, alen, 0);
		n = t.len;
		if (width > 0 && width > digits + 1 &&
		    render_width(t.data, t.len) + digits + 1 > width) {
			n = render_fit(t.data, t.len, width - digits - 2,
			    &used);
			buf_add(b, t.data, n);
			buf_adds(b, ui_glyph(ui, UI_G_ELLIPSIS));
		} else
			buf_add(b, t.data, n);
		if (digits > 0) {
			buf_addc(b, '#');
			buf_add(b, d.data, digits);
		}
	}
	buf_clear(&d);
	buf_clear(&t);
}

/* The field the +/- keys use for a column (NULL: none). */
static const struct field *
ui_filter_field(enum view_col col)
{
	switch (col) {
	case VIEW_COL_METHOD:
		return (field_get(FIELD_METHOD));
	case VIEW_COL_STATUS:
		return (field_get(FIELD_STATUS));
	case VIEW_COL_API:
		return (field_get(FIELD_API));
	case VIEW_COL_PATH:
		return (field_get(FIELD_PATH));
	case VIEW_COL_KEY:
		return (field_get(FIELD_KEY));
	case VIEW_COL_IP:
		return (field_get(FIELD_IP));
	case VIEW_COL_ORG:
		return (field_get(FIELD_ORG));
	case VIEW_COL_VERSION:
		return (field_get(FIELD_VERSION));
	default:
		return (NULL);
	}
}

/*
 * Append the token selecting (or, negate, excluding) r's value in col.
 * Returns -1 when the column has no filterable value.
 */
int
ui_filter_token(struct ui *ui, const struct record *r, enum view_col col,
    bool negate, struct buf *b)
{
	const struct field	*fl;
	struct slice		 s;
	char			 t[64];

	if (r->flags & (REC_BAD | REC_GAP)) {
		if (b->len > 0 && b->data[b->len - 1] != ' ')
			buf_addc(b, ' ');
		buf_printf(b, "%s%s:yes", negate ? "!" : "",
		    r->flags & REC_BAD ? "bad" : "gap");
		return (0);
	}
	switch (col) {
	case VIEW_COL_LATENCY:
		/* At least (or below) this latency. */
		if (b->len > 0 && b->data[b->len - 1] != ' ')
			buf_addc(b, ' ');
		buf_printf(b, "latency:%s%lld", negate ? "<" : ">=",
		    (long long)record_lat_total(&ui->st, r));
		return (0);
	case VIEW_COL_UPSTREAM:
	case VIEW_COL_GATEWAY:
		if (b->len > 0 && b->data[b->len - 1] != ' ')
			buf_addc(b, ' ');
		buf_printf(b, "%s:%s%lld", col == VIEW_COL_UPSTREAM ?
		    "upstream" : "gateway", negate ? "<" : ">=",
		    (long long)(col == VIEW_COL_UPSTREAM ?
		    record_lat_upstream(&ui->st, r) :
		    record_lat_gateway(&ui->st, r)));
		return (0);
	case VIEW_COL_TIME:
		/* Since (or until) this second. */
		timefmt_local(t, sizeof t, record_ts_sec(&ui->st, r), 0, 0);
		t[19] = '\0';
		if (b->len > 0 && b->data[b->len - 1] != ' ')
			buf_addc(b, ' ');
		buf_printf(b, "%s:%s", negate ? "until" : "since", t);
		return (0);
	case VIEW_COL_STATUS:
	case VIEW_COL_REASON:
		if (b->len > 0 && b->data[b->len - 1] != ' ')
			buf_addc(b, ' ');
		buf_printf(b, "%sstatus:%lld", negate ? "!" : "",
		    (long long)record_response_code(&ui->st, r));
		return (0);
	case VIEW_COL_API:
		/* The name, as the cell shows it; api: matches id or name. */
		s = record_strs(&ui->st, r, RS_API_NAME);
		if (s.len == 0)
			s = record_strs(&ui->st, r, RS_API_ID);
		break;
	case VIEW_COL_KEY:
		s = record_strs(&ui->st, r, RS_API_KEY);
		if (s.len == 0)
			s = record_strs(&ui->st, r, RS_ALIAS);
		break;
	case VIEW_COL_PATH:
		s = record_strs(&ui->st, r, RS_PATH);
		break;
	case VIEW_COL_METHOD:
		s = record_strs(&ui->st, r, RS_METHOD);
		break;
	case VIEW_COL_IP:
		s = record_strs(&ui->st, r, RS_IP_ADDRESS);
		break;
	case VIEW_COL_ORG:
		s = record_strs(&ui->st, r, RS_ORG_ID);
		break;
	case VIEW_COL_VERSION:
		s = record_strs(&ui->st, r, RS_API_VERSION);
		break;
	default:
		return (-1);
	}
	fl = ui_filter_field(col);
	if (fl == NULL)
		return (-1);
	filter_token_append(b, fl, s.ptr, s.len, negate);
	return (0);
}
