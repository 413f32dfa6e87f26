/* SPDX-License-Identifier: ISC */
/*
 * Filter compilation and matching.
 *
 * Compiling scans the expression once, token by token.  A token is
 * [!][field:]value; a value is one regex (~...) or alternatives separated
 * by an unquoted |, each with an optional operator (=, >, >=, <, <=).
 * Double quotes group (and are removed), a backslash makes the next byte
 * literal; in a regex the backslash is kept, so \d reaches PCRE2 intact.
 * Each token becomes a predicate with typed alternatives: substring, exact,
 * regex, address, CIDR block, numeric or time range, yes/no.
 *
 * Matching: predicates are ANDed, cheapest first (yes/no, numbers, then
 * text).  A text predicate looks its answer up in a per-predicate cache
 * indexed by string id (0 unknown, 1 no, 2 yes), computing it on the first
 * sight of each distinct string.  A field that reads several strings (path
 * and raw_path) matches when any non-empty one does, and is the empty
 * string when all are empty, so key:= selects records with neither a key
 * nor an alias.  The tag and country caches are indexed by the tags and
 * geo blob ids.
 *
 * Payload fields (body, reqbody, respbody, hdr) cannot be cached: they
 * decode the record's raw_request/raw_response (wire.c) and run last.
 *
 * Compile errors come back as a message with the (1-based, in characters)
 * column of the problem; matching never fails.  Input is capped
 * (FILTER_MAX_*) and PCRE2 runs under a match limit, so no expression can
 * make compilation or matching unbounded.
 */
#include "config.h"

#include "filter.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "field.h"
#include "log.h"
#include "record.h"
#include "render.h"
#include "store.h"
#include "strnum.h"
#include "strtab.h"
#include "timefmt.h"
#include "wire.h"
#include "xmalloc.h"

enum filter_op {
	FILTER_SUB,		/* substring */
	FILTER_EXACT,		/* whole string */
	FILTER_REGEX,
	FILTER_ADDR,		/* IP address, compared parsed */
	FILTER_CIDR,
	FILTER_RANGE,		/* numbers and times: lo <= v <= hi */
	FILTER_BOOL
};

struct filter_alt {
	enum filter_op		 op;
	char			*s;	/* owned: SUB/EXACT text, REGEX source */
	size_t			 len;
	pcre2_code		*re;
	pcre2_match_data	*md;
	bool			 jit;		/* JIT-compiled */
	int			 family;	/* AF_INET, AF_INET6 */
	uint8_t			 addr[16];	/* network order */
	int			 prefix;	/* CIDR bits */
	int64_t			 lo, hi;	/* RANGE, inclusive */
	bool			 rel_lo, rel_hi;	/* relative times */
	int64_t			 dlo, dhi;	/* offsets from now (ns) */
	bool			 yes;		/* BOOL */
};

enum filter_kind {
	FILTER_K_BOOL,
	FILTER_K_NUM,
	FILTER_K_TEXT,
	FILTER_K_PAYLOAD	/* decoded per record (wire.c) */
};

struct filter_pred {
	const struct field	*field;
	enum filter_kind	 kind;
	bool			 negate;
	int			 column;
	struct filter_alt	*alts;
	size_t			 nalts;
	uint8_t			*cache;		/* by string id: 0 ?, 1 no, 2 yes */
	size_t			 ncache;
};

struct filter {
	struct buf		  hdr;		/* scratch: "Name: value" */
	struct filter_pred	 *preds;	/* in the order typed */
	size_t			  npreds;
	struct filter_pred	**order;	/* evaluation order */
	const struct strtab	 *strs;		/* the caches' string table */
	pcre2_match_context	 *mctx;
	bool			  relative;
	int64_t			  now;
};

/* One alternative as scanned, before it is typed. */
struct filter_raw {
	int		 op;		/* 0, '=', '>', 'G' (>=), '<', 'L' (<=), '~' */
	struct buf	 text;		/* unquoted, unescaped bytes */
	size_t		*map;		/* expression offset of each byte */
	size_t		 mapcap;
	size_t		 start;		/* expression offset of the alternative */
	bool		 quoted;	/* had quotes or escapes */
};

struct filter_parse {
	const char		*expr;
	size_t			 len;
	size_t			 pos;
	int64_t			 now;
	struct filter		*f;
	char			*cause;
	int			 column;
	struct filter_raw	*raws;
	size_t			 nraws;
	size_t			 rawcap;
	size_t			 totalts;	/* alternatives so far */
};

static void	filter_fail(struct filter_parse *, size_t, const char *,
		    const char *, ...) __attribute__((format(printf, 4, 5)));

/* 1-based column of byte offset off, counting UTF-8 characters. */
static int
filter_column(const char *s, size_t len, size_t off)
{
	size_t	 i;
	int	 col = 1;

	if (off > len)
		off = len;
	for (i = 0; i < off; i++) {
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			col++;
	}
	return (col);
}

/*
 * Record the first error: "MESSAGE at column N" with " (HINT)" if hint is
 * not NULL.  Later errors are ignored.
 */
static void
filter_fail(struct filter_parse *p, size_t off, const char *hint,
    const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	if (p->cause != NULL)
		return;
	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	p->column = filter_column(p->expr, p->len, off);
	if (hint != NULL)
		xasprintf(&p->cause, "%s at column %d (%s)", msg, p->column,
		    hint);
	else
		xasprintf(&p->cause, "%s at column %d", msg, p->column);
	free(msg);
}

/* Quote user text for an error message: terminal-safe and capped. */
static char *
filter_quote(const char *s, size_t len)
{
	struct buf	 b;
	bool		 cut = false;

	buf_init(&b);
	if (len > 40) {
		len = 40;
		while (len > 0 && ((unsigned char)s[len] & 0xc0) == 0x80)
			len--;
		cut = true;
	}
	render_safe(&b, s, len, 0);
	if (cut)
		buf_adds(&b, "...");
	buf_addc(&b, '\0');
	return (buf_take(&b));
}

/* Free one scanned alternative's buffers. */
static void
filter_raw_clear(struct filter_raw *r)
{
	buf_clear(&r->text);
	free(r->map);
}

/* Append a byte to the current alternative, remembering where it was. */
static void
filter_raw_add(struct filter_raw *r, char c, size_t off)
{
	if (r->text.len + 1 >= r->mapcap) {
		r->mapcap = r->mapcap == 0 ? 32 : r->mapcap * 2;
		r->map = xreallocarray(r->map, r->mapcap, sizeof *r->map);
	}
	r->map[r->text.len] = off;
	buf_addc(&r->text, c);
}

/* Start a new alternative at off, reading its unquoted operator. */
static struct filter_raw *
filter_raw_new(struct filter_parse *p, size_t off, bool regex_ok)
{
	struct filter_raw	*r;
	const char		*s = p->expr;

	if (p->nraws == p->rawcap) {
		p->rawcap = p->rawcap == 0 ? 4 : p->rawcap * 2;
		p->raws = xreallocarray(p->raws, p->rawcap, sizeof *p->raws);
	}
	r = &p->raws[p->nraws++];
	memset(r, 0, sizeof *r);
	buf_init(&r->text);
	r->start = off;
	if (++p->totalts > FILTER_MAX_ALTS)
		filter_fail(p, off, NULL, "too many alternatives (at most %d)",
		    FILTER_MAX_ALTS);
	if (off >= p->len)
		return (r);
	switch (s[off]) {
	case '~':
		if (regex_ok) {
			r->op = '~';
			p->pos = off + 1;
		}
		break;
	case '=':
		r->op = '=';
		p->pos = off + 1;
		break;
	case '>':
	case '<':
		if (off + 1 < p->len && s[off + 1] == '=') {
			r->op = s[off] == '>' ? 'G' : 'L';
			p->pos = off + 2;
		} else {
			r->op = s[off];
			p->pos = off + 1;
		}
		break;
	}
	return (r);
}

/* Is c a separator between tokens? */
static bool
filter_space(char c)
{
	return (c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	    c == '\f' || c == '\v');
}

/*
 * Scan one value from p->pos into p->raws.  Returns -1 on error (p->cause
 * set).
 */
static int
filter_scan_value(struct filter_parse *p)
{
	const char		*s = p->expr;
	struct filter_raw	*r;
	bool			 inquote = false, regex;
	size_t			 qpos = 0;
	char			 c;

	p->nraws = 0;
	r = filter_raw_new(p, p->pos, true);
	regex = r->op == '~';
	while (p->pos < p->len) {
		c = s[p->pos];
		if (!inquote && filter_space(c))
			break;
		if (c == '"') {
			inquote = !inquote;
			qpos = p->pos++;
			r->quoted = true;
			continue;
		}
		if (c == '\\') {
			if (p->pos + 1 >= p->len) {
				filter_fail(p, p->pos, NULL,
				    "backslash at the end of the filter");
				return (-1);
			}
			if (regex)
				filter_raw_add(r, c, p->pos);
			p->pos++;
			filter_raw_add(r, s[p->pos], p->pos);
			p->pos++;
			r->quoted = true;
			continue;
		}
		if (c == '|' && !inquote && !regex) {
			p->pos++;
			r = filter_raw_new(p, p->pos, false);
			if (r->op == 0 && p->pos < p->len && s[p->pos] == '~') {
				filter_fail(p, p->pos, "a regex takes the "
				    "whole value; use (a|b) inside it",
				    "'~' after '|'");
				return (-1);
			}
			continue;
		}
		filter_raw_add(r, c, p->pos);
		p->pos++;
	}
	if (inquote) {
		filter_fail(p, qpos, NULL, "unterminated quote");
		return (-1);
	}
	return (p->cause != NULL ? -1 : 0);
}

/* Parse an IP address (v4-mapped v6 becomes v4); 0 on success. */
static int
filter_addr_parse(const char *s, size_t len, int *family, uint8_t *addr)
{
	char	 tmp[INET6_ADDRSTRLEN + 1];

	if (len == 0 || len >= sizeof tmp || memchr(s, '\0', len) != NULL)
		return (-1);
	memcpy(tmp, s, len);
	tmp[len] = '\0';
	if (memchr(tmp, ':', len) == NULL) {
		if (inet_pton(AF_INET, tmp, addr) != 1)
			return (-1);
		*family = AF_INET;
		return (0);
	}
	if (inet_pton(AF_INET6, tmp, addr) != 1)
		return (-1);
	*family = AF_INET6;
	if (memcmp(addr, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0) {
		memmove(addr, addr + 12, 4);
		*family = AF_INET;
	}
	return (0);
}

/* Does addr (family fam) fall in the CIDR block a? */
static bool
filter_cidr_has(const struct filter_alt *a, int fam, const uint8_t *addr)
{
	int	 bytes = a->prefix / 8, bits = a->prefix % 8;
	uint8_t	 mask;

	if (fam != a->family)
		return (false);
	if (memcmp(addr, a->addr, (size_t)bytes) != 0)
		return (false);
	if (bits == 0)
		return (true);
	mask = (uint8_t)(0xff << (8 - bits));
	return ((addr[bytes] & mask) == (a->addr[bytes] & mask));
}

/* Are a and b (len bytes each) equal, ignoring ASCII case? */
static bool
filter_caseeq(const char *a, const char *b, size_t len)
{
	size_t	 i;
	int	 x, y;

	for (i = 0; i < len; i++) {
		x = (unsigned char)a[i];
		y = (unsigned char)b[i];
		if (x >= 'A' && x <= 'Z')
			x += 'a' - 'A';
		if (y >= 'A' && y <= 'Z')
			y += 'a' - 'A';
		if (x != y)
			return (false);
	}
	return (true);
}

/* Case-insensitive (ASCII) memmem; the fields using it are short. */
static bool
filter_casemem(const char *h, size_t hlen, const char *n, size_t nlen)
{
	size_t	 i;

	for (i = 0; i + nlen <= hlen; i++) {
		if (filter_caseeq(h + i, n, nlen))
			return (true);
	}
	return (false);
}

/* Does the string s match any alternative of text predicate p? */
static bool
filter_text_eval1(const struct filter *f, const struct filter_pred *p,
    const char *s, size_t len)
{
	const struct filter_alt	*a;
	bool			 caseless = p->field->flags & FIELD_CASELESS;
	int			 fam = 0, parsed = 0;
	uint8_t			 addr[16];
	size_t			 i;

	for (i = 0; i < p->nalts; i++) {
		a = &p->alts[i];
		switch (a->op) {
		case FILTER_SUB:
			if (caseless ? filter_casemem(s, len, a->s, a->len) :
			    (a->len == 0 || memmem(s, len, a->s, a->len) !=
			    NULL))
				return (true);
			break;
		case FILTER_EXACT:
			if (len == a->len && (caseless ?
			    filter_caseeq(s, a->s, len) :
			    memcmp(s, a->s, len) == 0))
				return (true);
			break;
		case FILTER_REGEX:
			if ((a->jit ? pcre2_jit_match(a->re, (PCRE2_SPTR)s,
			    len, 0, 0, a->md, f->mctx) : pcre2_match(a->re,
			    (PCRE2_SPTR)s, len, 0, 0, a->md, f->mctx)) >= 0)
				return (true);
			break;
		case FILTER_ADDR:
		case FILTER_CIDR:
			if (parsed == 0)
				parsed = filter_addr_parse(s, len, &fam,
				    addr) == 0 ? 1 : -1;
			if (parsed < 0)
				break;
			if (a->op == FILTER_ADDR) {
				if (fam == a->family && memcmp(addr, a->addr,
				    fam == AF_INET ? 4 : 16) == 0)
					return (true);
			} else if (filter_cidr_has(a, fam, addr))
				return (true);
			break;
		default:
			break;
		}
	}
	return (false);
}

/* Evaluate text predicate p on string id (a plain string or a blob). */
static bool
filter_text_eval(const struct filter *f, const struct filter_pred *p,
    uint32_t id)
{
	struct slice		 s, e;
	struct record_geo	 g;
	size_t			 off = 0;

	s = strtab_get(f->strs, id);
	if (p->field->flags & FIELD_GEO) {
		if (id == 0 || s.len != sizeof g)
			return (filter_text_eval1(f, p, "", 0));
		memcpy(&g, s.ptr, sizeof g);
		if (g.iso_code >= f->strs->count)
			g.iso_code = 0;
		s = strtab_get(f->strs, g.iso_code);
	} else if (p->field->flags & FIELD_LIST) {
		if (id == 0)
			return (filter_text_eval1(f, p, "", 0));
		while (record_list_next(s, &off, &e)) {
			if (filter_text_eval1(f, p, e.ptr, e.len))
				return (true);
		}
		return (false);
	}
	return (filter_text_eval1(f, p, s.ptr, s.len));
}

/* Make p's cache cover string id (and the whole table). */
static void
filter_cache_grow(struct filter *f, struct filter_pred *p, uint32_t id)
{
	size_t	 n = f->strs->count;

	if (n <= id)
		n = (size_t)id + 1;
	n += n / 4 + 64;
	p->cache = xrealloc(p->cache, n);
	memset(p->cache + p->ncache, 0, n - p->ncache);
	p->ncache = n;
}

/* Cached answer of text predicate p for string id. */
static inline bool
filter_text_id(struct filter *f, struct filter_pred *p, uint32_t id)
{
	uint8_t	 c;

	if (id >= p->ncache) {
		if (id >= f->strs->count)
			id = 0;		/* not a string of this table */
		if (id >= p->ncache)
			filter_cache_grow(f, p, id);
	}
	c = p->cache[id];
	if (c == 0) {
		c = filter_text_eval(f, p, id) ? 2 : 1;
		p->cache[id] = c;
	}
	return (c == 2);
}

/*
 * Evaluate payload predicate p on record r: decode the request and/or the
 * response (wire.c) and match the body text, or each header as "Name:
 * value".  Costly, so payload predicates run last, after the cheap ones
 * have rejected what they can.
 */
static bool
filter_payload_test(struct filter *f, const struct filter_pred *p,
    const struct store *st, const struct record *r)
{
	struct wire_msg			 m;
	const struct http_wire_header	*h;
	struct slice			 body;
	enum field_id			 id = p->field->id;
	bool				 yes = false;
	size_t				 i;
	int				 w;

	for (w = 0; w < 2 && !yes; w++) {
		if ((w == 0 && id == FIELD_RESPBODY) ||
		    (w == 1 && id == FIELD_REQBODY))
			continue;
		if (w == 0 ? r->req_len == 0 : r->resp_len == 0) {
			/* Nothing recorded: an empty body, no headers. */
			if (id != FIELD_HDR)
				yes = filter_text_eval1(f, p, "", 0);
			continue;
		}
		wire_init(&m);
		(void)wire_decode_record(st, r, w == 0 ? WIRE_REQUEST :
		    WIRE_RESPONSE, &m);
		if (id == FIELD_HDR) {
			for (i = 0; m.is_http && i < m.http.nheaders && !yes;
			    i++) {
				h = &m.http.headers[i];
				buf_reset(&f->hdr);
				buf_add(&f->hdr, h->name.ptr, h->name.len);
				buf_add(&f->hdr, ": ", 2);
				http_wire_value(&f->hdr, h);
				yes = filter_text_eval1(f, p, f->hdr.data,
				    f->hdr.len);
			}
		} else {
			body = wire_body_text(&m);
			yes = filter_text_eval1(f, p, body.ptr != NULL ?
			    body.ptr : "", body.len);
		}
		wire_clear(&m);
	}
	return (yes);
}

/* Narrow numeric field value of r, or the accessor's when wide. */
static inline int64_t
filter_number(const struct field *fl, const struct store *st,
    const struct record *r)
{
	if (r->flags & REC_WIDE)
		return (field_number(fl, st, r));
	switch (fl->id) {
	case FIELD_STATUS:
		return (r->response_code);
	case FIELD_LATENCY:
		return (r->lat_total);
	case FIELD_UPSTREAM:
		return (r->lat_upstream);
	case FIELD_GATEWAY:
		return (r->lat_gateway);
	case FIELD_SIZE:
		return (r->content_length);
	default:
		return (r->ts);
	}
}

/* Does record r satisfy predicate p (before negation)? */
static inline bool
filter_pred_test(struct filter *f, struct filter_pred *p,
    const struct store *st, const struct record *r)
{
	const struct field	*fl = p->field;
	int64_t			 v;
	uint32_t		 a, b;
	bool			 yes;
	size_t			 i;

	switch (p->kind) {
	case FILTER_K_BOOL:
		yes = field_bool(fl, r);
		for (i = 0; i < p->nalts; i++)
			if (p->alts[i].yes == yes)
				return (true);
		return (false);
	case FILTER_K_NUM:
		v = filter_number(fl, st, r);
		for (i = 0; i < p->nalts; i++)
			if (v >= p->alts[i].lo && v <= p->alts[i].hi)
				return (true);
		return (false);
	case FILTER_K_TEXT:
		a = r->str[fl->strs[0]];
		b = fl->nstrs > 1 ? r->str[fl->strs[1]] : 0;
		if (b == 0)
			return (filter_text_id(f, p, a));
		if (a == 0)
			return (filter_text_id(f, p, b));
		return (filter_text_id(f, p, a) || filter_text_id(f, p, b));
	case FILTER_K_PAYLOAD:
		return (filter_payload_test(f, p, st, r));
	}
	return (false);
}

/* Forget every cached answer (the string table changed). */
static void
filter_rebind(struct filter *f, const struct strtab *strs)
{
	size_t	 i;

	for (i = 0; i < f->npreds; i++) {
		free(f->preds[i].cache);
		f->preds[i].cache = NULL;
		f->preds[i].ncache = 0;
	}
	f->strs = strs;
}

/*
 * Does record r (of store st) match filter f?  Bad records and gap markers
 * match only tokens of time, since, until, bad and gap.
 */
bool
filter_match(struct filter *f, const struct store *st, const struct record *r)
{
	struct filter_pred	*p;
	size_t			 i;

	if (f->strs != &st->strs)
		filter_rebind(f, &st->strs);
	if (r->flags & (REC_BAD | REC_GAP)) {
		for (i = 0; i < f->npreds; i++) {
			p = f->order[i];
			if (!(p->field->flags & FIELD_RECORDS))
				return (false);
			if (filter_pred_test(f, p, st, r) == p->negate)
				return (false);
		}
		return (true);
	}
	for (i = 0; i < f->npreds; i++) {
		p = f->order[i];
		if (filter_pred_test(f, p, st, r) == p->negate)
			return (false);
	}
	return (true);
}

/*
 * Select the records of st with seq in [from, to) that match f (every
 * record if f is NULL), writing their seqs to out in order; out must have
 * room for to - from entries.  Returns the number written.
 */
size_t
filter_select(struct filter *f, const struct store *st, uint64_t from,
    uint64_t to, uint64_t *out)
{
	const struct record	*r;
	uint64_t		 seq;
	size_t			 n = 0;

	if (from < st->first)
		from = st->first;
	if (to > st->next)
		to = st->next;
	for (seq = from; seq < to; seq++) {
		r = store_get(st, seq);
		if (r != NULL && (f == NULL || filter_match(f, st, r)))
			out[n++] = seq;
	}
	return (n);
}

/* Saturating a + b. */
static int64_t
filter_add(int64_t a, int64_t b)
{
	if (b > 0 && a > INT64_MAX - b)
		return (INT64_MAX);
	if (b < 0 && a < INT64_MIN - b)
		return (INT64_MIN);
	return (a + b);
}

/* Saturating a - b. */
static int64_t
filter_sub(int64_t a, int64_t b)
{
	if (b == INT64_MIN)
		return (a >= 0 ? INT64_MAX : a - b);
	return (filter_add(a, -b));
}

/* Move relative times (since:-15m) to a new now. */
void
filter_set_now(struct filter *f, int64_t now)
{
	struct filter_alt	*a;
	size_t			 i, j;

	f->now = now;
	for (i = 0; i < f->npreds; i++) {
		for (j = 0; j < f->preds[i].nalts; j++) {
			a = &f->preds[i].alts[j];
			if (a->rel_lo)
				a->lo = filter_add(now, a->dlo);
			if (a->rel_hi)
				a->hi = filter_add(now, a->dhi);
		}
	}
}

/* Does the filter have no tokens (matches everything)? */
bool
filter_is_empty(const struct filter *f)
{
	return (f == NULL || f->npreds == 0);
}

/* Does the filter use relative times (so depends on now)? */
bool
filter_is_relative(const struct filter *f)
{
	return (f != NULL && f->relative);
}

/* Does the filter use field id (enum field_id)? */
bool
filter_uses_field(const struct filter *f, int id)
{
	size_t	 i;

	for (i = 0; f != NULL && i < f->npreds; i++)
		if ((int)f->preds[i].field->id == id)
			return (true);
	return (false);
}

/*
 * Can the filter select bad records or gap markers: does it have a bad or
 * gap token that is true for them (bad:yes, !bad:no)?  Batch mode prints
 * bad records on stdout only then.
 */
bool
filter_selects_bad(const struct filter *f)
{
	const struct filter_pred	*p;
	size_t				 i, j;

	for (i = 0; f != NULL && i < f->npreds; i++) {
		p = &f->preds[i];
		if (p->field->id != FIELD_BAD && p->field->id != FIELD_GAP)
			continue;
		for (j = 0; j < p->nalts; j++)
			if (p->alts[j].yes != p->negate)
				return (true);
	}
	return (false);
}

/* Free a compiled filter. */
void
filter_free(struct filter *f)
{
	struct filter_alt	*a;
	size_t			 i, j;

	if (f == NULL)
		return;
	for (i = 0; i < f->npreds; i++) {
		for (j = 0; j < f->preds[i].nalts; j++) {
			a = &f->preds[i].alts[j];
			free(a->s);
			if (a->md != NULL)
				pcre2_match_data_free(a->md);
			if (a->re != NULL)
				pcre2_code_free(a->re);
		}
		free(f->preds[i].alts);
		free(f->preds[i].cache);
	}
	free(f->preds);
	free(f->order);
	buf_clear(&f->hdr);
	if (f->mctx != NULL)
		pcre2_match_context_free(f->mctx);
	free(f);
}

/* Compile a regex alternative; -1 on error. */
static int
filter_compile_regex(struct filter_parse *p, struct filter_pred *pr,
    struct filter_alt *a, struct filter_raw *r)
{
	uint32_t	 opts = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
	int		 code;
	PCRE2_SIZE	 eoff;
	PCRE2_UCHAR	 msg[256];
	size_t		 at;

	if (pr->field->flags & FIELD_CASELESS)
		opts |= PCRE2_CASELESS;
	a->op = FILTER_REGEX;
	a->s = xstrndup(r->text.len != 0 ? r->text.data : "", r->text.len);
	a->len = r->text.len;
	a->re = pcre2_compile((PCRE2_SPTR)a->s, a->len, opts, &code, &eoff,
	    NULL);
	if (a->re == NULL) {
		pcre2_get_error_message(code, msg, sizeof msg);
		if (eoff < r->text.len)
			at = r->map[eoff];
		else if (r->text.len != 0)
			at = r->map[r->text.len - 1] + 1;
		else
			at = r->start;
		filter_fail(p, at, (const char *)msg, "bad regex");
		return (-1);
	}
	a->jit = pcre2_jit_compile(a->re, PCRE2_JIT_COMPLETE) == 0;
	a->md = pcre2_match_data_create(1, NULL);
	if (a->md == NULL)
		fatalx("pcre2_match_data_create failed");
	return (0);
}

/* Parse a whole number; 0 on success. */
static int
filter_int(const char *s, size_t len, int64_t *v)
{
	return (strnum_parsen(s, len, INT64_MIN, INT64_MAX, v));
}

/*
 * Parse a number of field fl, with a unit for latencies (ms, s) and sizes
 * (k, m, g: binary multiples, optionally followed by b); 0 on success.
 */
static int
filter_num(const struct field *fl, const char *s, size_t len, int64_t *v)
{
	static const struct {
		const char	*unit;
		int64_t		 mult;
		bool		 is_size;
	} units[] = {
		{ "ms", 1, false }, { "s", 1000, false },
		{ "kb", 1024, true }, { "k", 1024, true },
		{ "mb", 1048576, true }, { "m", 1048576, true },
		{ "gb", 1073741824, true }, { "g", 1073741824, true },
	};
	size_t	 i, ulen;
	bool	 is_size = fl->id == FIELD_SIZE;

	if (filter_int(s, len, v) == 0)
		return (0);
	if (!is_size && fl->id != FIELD_LATENCY && fl->id != FIELD_UPSTREAM &&
	    fl->id != FIELD_GATEWAY)
		return (-1);
	for (i = 0; i < sizeof units / sizeof units[0]; i++) {
		ulen = strlen(units[i].unit);
		if (units[i].is_size != is_size || len <= ulen ||
		    strncasecmp(s + len - ulen, units[i].unit, ulen) != 0)
			continue;
		if (filter_int(s, len - ulen, v) != 0)
			return (-1);
		if (*v > INT64_MAX / units[i].mult ||
		    *v < INT64_MIN / units[i].mult)
			return (-1);
		*v *= units[i].mult;
		return (0);
	}
	return (-1);
}

/*
 * A number alternative: N, =N, >N, >=N, <N, <=N, N-M, and for status a
 * class (5xx, 40x).  Returns -1 on error.
 */
static int
filter_compile_number(struct filter_parse *p, struct filter_pred *pr,
    struct filter_alt *a, struct filter_raw *r)
{
	const char	*s = r->text.data != NULL ? r->text.data : "";
	size_t		 len = r->text.len, i, digits;
	int64_t		 n, m, scale;
	char		*q;
	const char	*hint;

	a->op = FILTER_RANGE;
	a->lo = INT64_MIN;
	a->hi = INT64_MAX;
	if (r->op != 0 && r->op != '=') {
		if (filter_num(pr->field, s, len, &n) != 0)
			goto bad;
		switch (r->op) {
		case '>':
			a->lo = n == INT64_MAX ? n : n + 1;
			if (n == INT64_MAX)
				a->hi = INT64_MIN;	/* empty */
			break;
		case 'G':
			a->lo = n;
			break;
		case '<':
			a->hi = n == INT64_MIN ? n : n - 1;
			if (n == INT64_MIN)
				a->lo = INT64_MAX;	/* empty */
			break;
		case 'L':
			a->hi = n;
			break;
		}
		return (0);
	}
	if (pr->field->type == FIELD_T_STATUS && len >= 2 && len <= 4 &&
	    s[0] >= '0' && s[0] <= '9' && (s[len - 1] | 0x20) == 'x') {
		/* A class: 5xx, 40x. */
		for (digits = 0; digits < len && s[digits] >= '0' &&
		    s[digits] <= '9'; digits++)
			;
		for (i = digits; i < len; i++)
			if ((s[i] | 0x20) != 'x')
				goto bad;
		if (filter_int(s, digits, &n) != 0)
			goto bad;
		for (scale = 1, i = digits; i < len; i++)
			scale *= 10;
		a->lo = n * scale;
		a->hi = a->lo + scale - 1;
		return (0);
	}
	if (filter_num(pr->field, s, len, &n) == 0) {
		a->lo = a->hi = n;
		return (0);
	}
	/* A range N-M (N may be negative). */
	q = len > 1 ? memchr(s + 1, '-', len - 1) : NULL;
	if (q != NULL && filter_num(pr->field, s, (size_t)(q - s), &n) == 0 &&
	    filter_num(pr->field, q + 1, len - (size_t)(q + 1 - s), &m) == 0) {
		if (n > m) {
			filter_fail(p, r->start, NULL, "empty range '%.*s'",
			    (int)len, s);
			return (-1);
		}
		a->lo = n;
		a->hi = m;
		return (0);
	}
bad:
	if (pr->field->type == FIELD_T_STATUS)
		hint = "expected e.g. 500, 5xx, >=400, 500-599";
	else
		hint = pr->field->id == FIELD_SIZE ?
		    "expected e.g. 500, >10k, <=1m, 100-200" :
		    "expected e.g. 500, >500, <=2s, 100-200";
	q = filter_quote(s, len);
	filter_fail(p, r->start, hint, "bad number '%s' for '%s'", q,
	    pr->field->name);
	free(q);
	return (-1);
}

/* A time alternative (see the man page for the forms).  -1 on error. */
static int
filter_compile_time(struct filter_parse *p, struct filter_pred *pr,
    struct filter_alt *a, struct filter_raw *r)
{
	const char	*s = r->text.data != NULL ? r->text.data : "";
	size_t		 len = r->text.len;
	int64_t		 lo, hi;
	const char	*err;
	bool		 rel = len > 0 && s[0] == '-';
	int		 op = r->op;
	char		*q, hint[128];
	const char	*paren;
	size_t		 elen;

	if (timefmt_parse(s, len, p->now, &lo, &hi, &err) != 0) {
		/* "bad time (expected ...)": keep what is in brackets. */
		if (err == NULL)
			err = "bad time";
		paren = strchr(err, '(');
		elen = strlen(err);
		if (paren != NULL && elen > 0 && err[elen - 1] == ')')
			snprintf(hint, sizeof hint, "%.*s",
			    (int)(err + elen - 1 - paren - 1), paren + 1);
		else
			snprintf(hint, sizeof hint, "%s", err);
		q = filter_quote(s, len);
		filter_fail(p, r->start, hint, "bad time '%s' for '%s'", q,
		    pr->field->name);
		free(q);
		return (-1);
	}
	if (op != 0 && op != '=' && pr->field->id != FIELD_TIME) {
		filter_fail(p, r->start, "use time:>... or time:<...",
		    "'%s' takes a time, not an operator", pr->field->name);
		return (-1);
	}
	a->op = FILTER_RANGE;
	a->lo = INT64_MIN;
	a->hi = INT64_MAX;
	if (pr->field->id == FIELD_SINCE)
		op = 'G';
	else if (pr->field->id == FIELD_UNTIL)
		op = 'L';
	else if (rel && (op == 0 || op == '='))
		op = 'G';	/* time:-1h: the last hour */
	switch (op) {
	case 0:
	case '=':
		a->lo = lo;
		a->hi = filter_add(hi, -1);
		a->rel_lo = a->rel_hi = rel;
		break;
	case 'G':
		a->lo = lo;
		a->rel_lo = rel;
		break;
	case '>':
		a->lo = hi;
		a->rel_lo = rel;
		break;
	case '<':
		a->hi = filter_add(lo, -1);
		a->rel_hi = rel;
		break;
	case 'L':
		/* until:-1h ends at that instant, until:2024-02-29 at the
		 * end of the day (as --until). */
		a->hi = filter_add(rel ? lo : hi, -1);
		a->rel_hi = rel;
		break;
	}
	if (a->rel_lo)
		a->dlo = filter_sub(a->lo, p->now);
	if (a->rel_hi)
		a->dhi = filter_sub(a->hi, p->now);
	if (rel)
		p->f->relative = true;
	return (0);
}

/* A yes/no alternative.  -1 on error. */
static int
filter_compile_bool(struct filter_parse *p, struct filter_pred *pr,
    struct filter_alt *a, struct filter_raw *r)
{
	static const char	*yes[] = { "yes", "y", "true", "1", "on" };
	static const char	*no[] = { "no", "n", "false", "0", "off" };
	const char		*s = r->text.data != NULL ? r->text.data : "";
	size_t			 i, len = r->text.len;
	char			*q;

	a->op = FILTER_BOOL;
	if (r->op == 0 || r->op == '=') {
		for (i = 0; i < sizeof yes / sizeof yes[0]; i++) {
			if (strlen(yes[i]) == len &&
			    strncasecmp(yes[i], s, len) == 0) {
				a->yes = true;
				return (0);
			}
			if (strlen(no[i]) == len &&
			    strncasecmp(no[i], s, len) == 0) {
				a->yes = false;
				return (0);
			}
		}
	}
	q = filter_quote(s, len);
	filter_fail(p, r->start, "expected yes or no",
	    "bad value '%s' for '%s'", q, pr->field->name);
	free(q);
	return (-1);
}

/* A text (or ip) alternative.  -1 on error. */
static int
filter_compile_text(struct filter_parse *p, struct filter_pred *pr,
    struct filter_alt *a, struct filter_raw *r)
{
	const char	*s = r->text.data != NULL ? r->text.data : "";
	size_t		 len = r->text.len;
	const char	*slash;
	int64_t		 bits;
	bool		 mapped;
	char		*q;

	switch (r->op) {
	case '~':
		return (filter_compile_regex(p, pr, a, r));
	case '=':
		a->op = FILTER_EXACT;
		a->s = xmemdup(s, len + 1);
		a->s[len] = '\0';
		a->len = len;
		return (0);
	case 0:
		break;
	default:
		filter_fail(p, r->start, "they compare numbers and times",
		    "'%s' is a text field: no '<' or '>'", pr->field->name);
		return (-1);
	}
	if (len == 0 && !r->quoted) {
		filter_fail(p, r->start, NULL, "empty value for '%s' (use "
		    "%s:= to match an empty %s)", pr->field->name,
		    pr->field->name, pr->field->name);
		return (-1);
	}
	if (pr->field->type == FIELD_T_IP && len != 0 && !r->quoted) {
		slash = memchr(s, '/', len);
		if (slash != NULL) {
			mapped = memchr(s, ':', (size_t)(slash - s)) != NULL;
			if (filter_addr_parse(s, (size_t)(slash - s),
			    &a->family, a->addr) != 0 ||
			    strnum_parsen(slash + 1, len - (size_t)(slash + 1 -
			    s), 0, 128, &bits) != 0 || (a->family == AF_INET &&
			    mapped && bits < 96) || bits > (mapped ? 128 :
			    32)) {
				q = filter_quote(s, len);
				filter_fail(p, r->start, "expected e.g. "
				    "10.0.0.0/8 or 2001:db8::/32",
				    "bad CIDR block '%s'", q);
				free(q);
				return (-1);
			}
			/* ::ffff:10.0.0.0/104 became IPv4: shift the
			 * prefix too. */
			if (a->family == AF_INET && mapped)
				bits -= 96;
			a->op = FILTER_CIDR;
			a->prefix = (int)bits;
			return (0);
		}
		if (filter_addr_parse(s, len, &a->family, a->addr) == 0) {
			a->op = FILTER_ADDR;
			return (0);
		}
	}
	a->op = FILTER_SUB;
	a->s = xmemdup(s, len + 1);
	a->s[len] = '\0';
	a->len = len;
	return (0);
}

/* Type the scanned alternatives of one token into predicate pr. */
static int
filter_compile_pred(struct filter_parse *p, struct filter_pred *pr)
{
	struct filter_alt	*a;
	struct filter_raw	*r;
	size_t			 i;
	int			 rc = 0;

	pr->alts = xcalloc(p->nraws, sizeof *pr->alts);
	for (i = 0; i < p->nraws && rc == 0; i++) {
		a = &pr->alts[i];
		r = &p->raws[i];
		pr->nalts++;
		if (r->op == '~' && pr->field->type != FIELD_T_TEXT &&
		    pr->field->type != FIELD_T_IP &&
		    pr->field->type != FIELD_T_PAYLOAD) {
			filter_fail(p, r->start, "regexes match text fields",
			    "'%s' is not a text field: no '~'",
			    pr->field->name);
			return (-1);
		}
		switch (pr->field->type) {
		case FIELD_T_TEXT:
		case FIELD_T_IP:
		case FIELD_T_PAYLOAD:
			rc = filter_compile_text(p, pr, a, r);
			break;
		case FIELD_T_STATUS:
		case FIELD_T_INT:
			rc = filter_compile_number(p, pr, a, r);
			break;
		case FIELD_T_TIME:
			rc = filter_compile_time(p, pr, a, r);
			break;
		case FIELD_T_BOOL:
			rc = filter_compile_bool(p, pr, a, r);
			break;
		}
	}
	return (rc);
}

/* Evaluation cost class: yes/no and numbers before text. */
static int
filter_cost(const struct filter_pred *p)
{
	switch (p->kind) {
	case FILTER_K_BOOL:
		return (0);
	case FILTER_K_NUM:
		return (1);
	case FILTER_K_TEXT:
		return (2);
	default:
		return (3);
	}
}

/* Parse one token at p->pos.  Returns -1 on error. */
static int
filter_token(struct filter_parse *p)
{
	const char		*s = p->expr;
	const struct field	*fl;
	const char		*hint;
	struct filter		*f = p->f;
	struct filter_pred	*pr;
	size_t			 start = p->pos, name, j;
	bool			 negate = false;
	char			 buf[64];

	if (s[p->pos] == '!') {
		negate = true;
		p->pos++;
		if (p->pos >= p->len || filter_space(s[p->pos])) {
			filter_fail(p, start, NULL,
			    "'!' with nothing to negate");
			return (-1);
		}
	}
	name = p->pos;
	j = p->pos;
	if ((s[j] >= 'a' && s[j] <= 'z') || (s[j] >= 'A' && s[j] <= 'Z')) {
		while (j < p->len && ((s[j] >= 'a' && s[j] <= 'z') ||
		    (s[j] >= 'A' && s[j] <= 'Z') || (s[j] >= '0' &&
		    s[j] <= '9') || s[j] == '_'))
			j++;
	}
	if (j > name && j < p->len && s[j] == ':') {
		fl = field_find(s + name, j - name);
		if (fl == NULL) {
			hint = field_suggest(s + name, j - name);
			if (hint != NULL)
				snprintf(buf, sizeof buf,
				    "did you mean '%s'?", hint);
			filter_fail(p, name, hint != NULL ? buf : NULL,
			    "unknown field '%.*s'", (int)(j - name > 32 ?
			    32 : j - name), s + name);
			return (-1);
		}
		p->pos = j + 1;
	} else
		fl = field_get(FIELD_PATH);	/* a bare word */

	if (f->npreds == FILTER_MAX_TOKENS) {
		filter_fail(p, start, NULL, "too many tokens (at most %d)",
		    FILTER_MAX_TOKENS);
		return (-1);
	}
	pr = &f->preds[f->npreds++];
	memset(pr, 0, sizeof *pr);
	pr->field = fl;
	pr->negate = negate;
	pr->column = (int)name;
	switch (fl->type) {
	case FIELD_T_BOOL:
		pr->kind = FILTER_K_BOOL;
		break;
	case FIELD_T_STATUS:
	case FIELD_T_INT:
	case FIELD_T_TIME:
		pr->kind = FILTER_K_NUM;
		break;
	case FIELD_T_PAYLOAD:
		pr->kind = FILTER_K_PAYLOAD;
		break;
	default:
		pr->kind = FILTER_K_TEXT;
		break;
	}
	if (filter_scan_value(p) != 0)
		return (-1);
	return (filter_compile_pred(p, pr));
}

/*
 * Compile expr.  now (ns since the epoch) anchors relative times: the wall
 * clock for live sources, the newest loaded record for offline ones (see
 * filter_set_now).  On success returns 0 and *fp; on error returns -1 and
 * *cause (allocated, e.g. "unknown field 'stauts' at column 1 (did you
 * mean 'status'?)") and, if column is not NULL, *column (1-based).
 */
int
filter_compile(const char *expr, int64_t now, struct filter **fp,
    char **cause, int *column)
{
	struct filter_parse	 p;
	struct filter		*f;
	size_t			 i, j, n;
	int			 cost, rc = 0;

	*fp = NULL;
	memset(&p, 0, sizeof p);
	p.expr = expr != NULL ? expr : "";
	p.len = strlen(p.expr);
	p.now = now;
	f = p.f = xcalloc(1, sizeof *f);
	f->now = now;
	f->preds = xcalloc(FILTER_MAX_TOKENS, sizeof *f->preds);
	buf_init(&f->hdr);
	if (p.len > FILTER_MAX_LEN) {
		filter_fail(&p, FILTER_MAX_LEN, NULL,
		    "filter too long (at most %d bytes)", FILTER_MAX_LEN);
		rc = -1;
	}
	while (rc == 0) {
		while (p.pos < p.len && filter_space(p.expr[p.pos]))
			p.pos++;
		if (p.pos >= p.len)
			break;
		rc = filter_token(&p);
		for (i = 0; i < p.nraws; i++)
			filter_raw_clear(&p.raws[i]);
		p.nraws = 0;
	}
	free(p.raws);
	if (rc != 0 || p.cause != NULL) {
		if (column != NULL)
			*column = p.column;
		*cause = p.cause;
		filter_free(f);
		return (-1);
	}

	/* Columns were byte offsets while parsing. */
	for (i = 0; i < f->npreds; i++)
		f->preds[i].column = filter_column(p.expr, p.len,
		    (size_t)f->preds[i].column);
	f->order = xcalloc(f->npreds + 1, sizeof *f->order);
	n = 0;
	for (cost = 0; cost <= 3; cost++) {
		for (j = 0; j < f->npreds; j++)
			if (filter_cost(&f->preds[j]) == cost)
				f->order[n++] = &f->preds[j];
	}
	f->mctx = pcre2_match_context_create(NULL);
	if (f->mctx == NULL)
		fatalx("pcre2_match_context_create failed");
	pcre2_set_match_limit(f->mctx, FILTER_MATCH_LIMIT);
	pcre2_set_depth_limit(f->mctx, FILTER_MATCH_LIMIT / 10);
	*fp = f;
	*cause = NULL;
	if (column != NULL)
		*column = 0;
	return (0);
}

/* Append s as a double-quoted filter value (" and \ escaped). */
static void
filter_quote_value(struct buf *b, const char *s, size_t len)
{
	size_t	 i;

	buf_addc(b, '"');
	for (i = 0; i < len; i++) {
		if (s[i] == '"' || s[i] == '\\')
			buf_addc(b, '\\');
		buf_addc(b, s[i]);
	}
	buf_addc(b, '"');
}

/* Append a time bound for filter_describe. */
static void
filter_describe_time(struct buf *b, int64_t ns, bool rel, int64_t now)
{
	char		 t[TIMEFMT_MAX];
	int64_t		 sec, nsec;

	if (rel) {
		buf_printf(b, "now%+lld", (long long)(filter_sub(ns, now) /
		    1000000000));
		return;
	}
	sec = ns / 1000000000;
	nsec = ns % 1000000000;
	if (nsec < 0) {
		nsec += 1000000000;
		sec--;
	}
	timefmt_rfc3339(t, sizeof t, sec, (uint32_t)nsec, nsec == 0 ? 0 : 9);
	buf_adds(b, t);
}

/*
 * Append the compiled form of f, for tests and the debug log: one token
 * per predicate, in the order typed, e.g. status:500..599 !key:="" and
 * path:~"^/v1" (ranges inclusive; times as RFC 3339 UTC, relative ones as
 * now-SECONDS).
 */
void
filter_describe(const struct filter *f, struct buf *b)
{
	const struct filter_pred	*p;
	const struct filter_alt		*a;
	char				 t[INET6_ADDRSTRLEN];
	size_t				 i, j;
	bool				 is_time;

	for (i = 0; f != NULL && i < f->npreds; i++) {
		p = &f->preds[i];
		is_time = p->field->type == FIELD_T_TIME;
		if (i > 0)
			buf_addc(b, ' ');
		buf_printf(b, "%s%s:", p->negate ? "!" : "", p->field->name);
		for (j = 0; j < p->nalts; j++) {
			a = &p->alts[j];
			if (j > 0)
				buf_addc(b, '|');
			switch (a->op) {
			case FILTER_SUB:
				filter_quote_value(b, a->s, a->len);
				break;
			case FILTER_EXACT:
				buf_addc(b, '=');
				filter_quote_value(b, a->s, a->len);
				break;
			case FILTER_REGEX:
				buf_addc(b, '~');
				filter_quote_value(b, a->s, a->len);
				break;
			case FILTER_ADDR:
			case FILTER_CIDR:
				inet_ntop(a->family, a->addr, t, sizeof t);
				buf_adds(b, t);
				if (a->op == FILTER_CIDR)
					buf_printf(b, "/%d", a->prefix);
				break;
			case FILTER_RANGE:
				if (a->lo > a->hi) {
					buf_adds(b, "(empty)");
					break;
				}
				if (!is_time && a->lo == a->hi) {
					buf_printf(b, "%lld",
					    (long long)a->lo);
					break;
				}
				if (a->lo != INT64_MIN) {
					if (is_time)
						filter_describe_time(b, a->lo,
						    a->rel_lo, f->now);
					else
						buf_printf(b, "%lld",
						    (long long)a->lo);
				}
				buf_adds(b, "..");
				if (a->hi != INT64_MAX) {
					if (is_time)
						filter_describe_time(b, a->hi,
						    a->rel_hi, f->now);
					else
						buf_printf(b, "%lld",
						    (long long)a->hi);
				}
				break;
			case FILTER_BOOL:
				buf_adds(b, a->yes ? "yes" : "no");
				break;
			}
		}
	}
}

/*
 * Append a token selecting records whose field fl equals value (len
 * bytes), negated if negate: for the TUI's filter-in/out (+/-) and
 * drill-down.  Text is quoted and escaped as needed: !key:="a b".
 */
void
filter_token_append(struct buf *b, const struct field *fl,
    const char *value, size_t len, bool negate)
{
	if (b->len > 0 && b->data[b->len - 1] != ' ')
		buf_addc(b, ' ');
	buf_printf(b, "%s%s:", negate ? "!" : "", fl->name);
	switch (fl->type) {
	case FIELD_T_TEXT:
	case FIELD_T_IP:
		buf_addc(b, '=');
		filter_quote_value(b, value, len);
		break;
	default:
		filter_quote_value(b, value, len);
		break;
	}
}
