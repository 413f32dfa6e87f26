/* SPDX-License-Identifier: ISC */
/*
 * Filter matching (compiling is in filter-parse.c).
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
 * Matching never fails.  PCRE2 runs under a match limit, so no expression
 * can make matching unbounded.
 */
#include "config.h"

#include "filter.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "field.h"
#include "filter-parse.h"
#include "log.h"
#include "mask.h"
#include "record.h"
#include "store.h"
#include "strtab.h"
#include "timefmt.h"
#include "wire.h"
#include "xmalloc.h"

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

/* Does the digest of (s, len) start with digest alternative a? */
static bool
filter_digest_has(const struct filter_alt *a, const char *s, size_t len)
{
	struct buf	 b;
	bool		 eq;

	buf_init(&b);
	mask_key_digest(&b, s, len);
	eq = a->len <= b.len && memcmp(b.data, a->s, a->len) == 0;
	buf_clear(&b);
	return (eq);
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
		case FILTER_DIGEST:
			if (len != 0 && filter_digest_has(a, s, len))
				return (true);
			break;
		case FILTER_ADDR:
		case FILTER_CIDR:
			if (parsed == 0)
				parsed = filter_parse_addr(s, len, &fam,
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

/* Context of a wire_search callback. */
struct filter_payload {
	const struct filter		*f;
	const struct filter_pred	*p;
};

/* wire_search callback: does one body or header line match? */
static bool
filter_payload_cb(void *arg, const char *s, size_t len)
{
	struct filter_payload	*fp = arg;

	return (filter_text_eval1(fp->f, fp->p, s != NULL ? s : "", len));
}

/*
 * Evaluate payload predicate p on record r: wire_search decodes the
 * request and/or the response and hands over the body text, or each
 * header as "Name: value"; a record without payloads is one empty body.
 * Costly, so payload predicates run last, after the cheap ones have
 * rejected what they can.
 */
static bool
filter_payload_test(const struct filter *f, const struct filter_pred *p,
    const struct store *st, const struct record *r)
{
	struct filter_payload	 fp;
	int			 what;

	switch (p->field->id) {
	case FIELD_REQBODY:
		what = WIRE_SEARCH_REQUEST;
		break;
	case FIELD_RESPBODY:
		what = WIRE_SEARCH_RESPONSE;
		break;
	case FIELD_HDR:
		what = WIRE_SEARCH_REQUEST | WIRE_SEARCH_RESPONSE |
		    WIRE_SEARCH_HEADERS;
		break;
	default:
		what = WIRE_SEARCH_REQUEST | WIRE_SEARCH_RESPONSE;
		break;
	}
	fp.f = f;
	fp.p = p;
	return (wire_search(st, r, what, filter_payload_cb, &fp));
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
		v = field_number(fl, st, r);
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
 * Predicate p on record i of chunk c, from the columns; *r is filled from
 * them (once, *filled says) when a predicate needs the whole record
 * (payloads, wide numbers, fields without a column).
 */
static bool
filter_pred_test_at(struct filter *f, struct filter_pred *p,
    const struct store *st, const struct store_chunk *c, uint32_t i,
    struct record *r, bool *filled)
{
	const struct field	*fl = p->field;
	int64_t			 v;
	uint32_t		 a, b;
	size_t			 j;

	switch (p->kind) {
	case FILTER_K_NUM:
		if (c->flags[i] & REC_WIDE)
			break;
		switch (fl->id) {
		case FIELD_STATUS:
			v = c->status[i];
			break;
		case FIELD_LATENCY:
			v = c->lat_total[i];
			break;
		case FIELD_UPSTREAM:
			v = c->lat_upstream[i];
			break;
		case FIELD_GATEWAY:
			v = c->lat_gateway[i];
			break;
		case FIELD_SIZE:
			v = c->content_length[i];
			break;
		case FIELD_TIME:
		case FIELD_SINCE:
		case FIELD_UNTIL:
			v = c->ts[i];
			break;
		default:
			goto whole;
		}
		for (j = 0; j < p->nalts; j++)
			if (v >= p->alts[j].lo && v <= p->alts[j].hi)
				return (true);
		return (false);
	case FILTER_K_TEXT:
		a = store_str_id(st, c, i, fl->strs[0]);
		b = fl->nstrs > 1 ? store_str_id(st, c, i, fl->strs[1]) : 0;
		if (b == 0)
			return (filter_text_id(f, p, a));
		if (a == 0)
			return (filter_text_id(f, p, b));
		return (filter_text_id(f, p, a) || filter_text_id(f, p, b));
	default:
		break;
	}
whole:
	if (!*filled) {
		store_fill_at(st, c, i, r);
		*filled = true;
	}
	return (filter_pred_test(f, p, st, r));
}

/*
 * filter_match for record i of chunk c, reading only the columns its
 * predicates need: a one-field filter reads one column.
 */
bool
filter_match_at(struct filter *f, const struct store *st,
    const struct store_chunk *c, uint32_t i)
{
	struct filter_pred	*p;
	struct record		 r;
	size_t			 k;
	bool			 filled = false;

	if (f->strs != &st->strs)
		filter_rebind(f, &st->strs);
	if (c->flags[i] & (REC_BAD | REC_GAP)) {
		for (k = 0; k < f->npreds; k++) {
			p = f->order[k];
			if (!(p->field->flags & FIELD_RECORDS))
				return (false);
			if (filter_pred_test_at(f, p, st, c, i, &r,
			    &filled) == p->negate)
				return (false);
		}
		return (true);
	}
	for (k = 0; k < f->npreds; k++) {
		p = f->order[k];
		if (filter_pred_test_at(f, p, st, c, i, &r, &filled) ==
		    p->negate)
			return (false);
	}
	return (true);
}

/* The column of number field id in chunk c, by type; false if none. */
static bool
filter_num_col(const struct store_chunk *c, enum field_id id,
    const int16_t **c16, const int32_t **c32, const int64_t **c64)
{
	*c16 = NULL;
	*c32 = NULL;
	*c64 = NULL;
	switch (id) {
	case FIELD_STATUS:
		*c16 = c->status;
		return (true);
	case FIELD_LATENCY:
		*c32 = c->lat_total;
		return (true);
	case FIELD_UPSTREAM:
		*c32 = c->lat_upstream;
		return (true);
	case FIELD_GATEWAY:
		*c32 = c->lat_gateway;
		return (true);
	case FIELD_SIZE:
		*c32 = c->content_length;
		return (true);
	case FIELD_TIME:
	case FIELD_SINCE:
	case FIELD_UNTIL:
		*c64 = c->ts;
		return (true);
	default:
		return (false);
	}
}

/*
 * Select the records [from, to) of chunk c that match f, writing their
 * indexes to out (room for to - from); returns how many.  A filter of one
 * number or text predicate runs as a tight loop over its column(s);
 * other filters, and bad, gap and wide records, go through
 * filter_match_at.
 */
size_t
filter_select_at(struct filter *f, const struct store *st,
    const struct store_chunk *c, uint32_t from, uint32_t to, uint32_t *out)
{
	struct filter_pred	*p;
	const int16_t		*c16 = NULL;
	const int32_t		*c32 = NULL;
	const int64_t		*c64 = NULL;
	const uint32_t		*ids = NULL, *ids2 = NULL;
	const uint32_t		 special = REC_BAD | REC_GAP | REC_WIDE;
	uint32_t		 a, b;
	int64_t			 v;
	uint32_t		 i;
	size_t			 n = 0, j;
	bool			 yes, one = false;

	if (f->strs != &st->strs)
		filter_rebind(f, &st->strs);
	p = f->npreds == 1 ? f->order[0] : NULL;
	if (p != NULL && p->kind == FILTER_K_NUM)
		one = filter_num_col(c, p->field->id, &c16, &c32, &c64);
	else if (p != NULL && p->kind == FILTER_K_TEXT) {
		ids = store_str_column(c, p->field->strs[0]);
		if (p->field->nstrs > 1)
			ids2 = store_str_column(c, p->field->strs[1]);
		one = ids != NULL && (p->field->nstrs == 1 || ids2 != NULL);
	}
	if (!one) {
		for (i = from; i < to; i++)
			if (filter_match_at(f, st, c, i))
				out[n++] = i;
		return (n);
	}
	for (i = from; i < to; i++) {
		if (c->flags[i] & special) {
			if (filter_match_at(f, st, c, i))
				out[n++] = i;
			continue;
		}
		if (ids2 != NULL) {
			/* As filter_pred_test: any non-empty one of two. */
			a = ids[i];
			b = ids2[i];
			if (b == 0)
				yes = filter_text_id(f, p, a);
			else if (a == 0)
				yes = filter_text_id(f, p, b);
			else
				yes = filter_text_id(f, p, a) ||
				    filter_text_id(f, p, b);
		} else if (ids != NULL)
			yes = filter_text_id(f, p, ids[i]);
		else {
			v = c16 != NULL ? c16[i] : c32 != NULL ? c32[i] : c64[i];
			yes = false;
			for (j = 0; j < p->nalts; j++)
				if (v >= p->alts[j].lo && v <= p->alts[j].hi) {
					yes = true;
					break;
				}
		}
		if (yes != p->negate)
			out[n++] = i;
	}
	return (n);
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
	const struct store_chunk	*c;
	uint64_t			 seq;
	uint32_t			 i;
	size_t				 n = 0;

	if (from < st->first)
		from = st->first;
	if (to > st->next)
		to = st->next;
	for (seq = from; seq < to; seq++) {
		if (f == NULL) {
			out[n++] = seq;
			continue;
		}
		c = store_chunk_of(st, seq, &i);
		if (filter_match_at(f, st, c, i))
			out[n++] = seq;
	}
	return (n);
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
				a->lo = filter_sat_add(now, a->dlo);
			if (a->rel_hi)
				a->hi = filter_sat_add(now, a->dhi);
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

/* Number of predicates (tokens) in f. */
size_t
filter_npredicates(const struct filter *f)
{
	return (f == NULL ? 0 : f->npreds);
}

/*
 * Predicate i of f: returns its field (enum field_id) and says whether it
 * is negated and how many alternatives it has.
 */
int
filter_predicate(const struct filter *f, size_t i, bool *negate,
    size_t *nalts)
{
	const struct filter_pred	*p = &f->preds[i];

	*negate = p->negate;
	*nalts = p->nalts;
	return ((int)p->field->id);
}

/* Alternative j of predicate i of f, as a term. */
void
filter_term(const struct filter *f, size_t i, size_t j,
    struct filter_term *t)
{
	const struct filter_alt	*a = &f->preds[i].alts[j];

	memset(t, 0, sizeof *t);
	switch (a->op) {
	case FILTER_RANGE:
		t->op = FILTER_TERM_RANGE;
		t->lo = a->lo;
		t->hi = a->hi;
		t->rel_lo = a->rel_lo;
		t->rel_hi = a->rel_hi;
		break;
	case FILTER_EXACT:
	case FILTER_SUB:
		t->op = a->op == FILTER_EXACT ? FILTER_TERM_EXACT :
		    FILTER_TERM_SUBSTR;
		t->s = a->s;
		t->len = a->len;
		break;
	default:
		t->op = FILTER_TERM_OTHER;
		break;
	}
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
	free(f->expr);
	if (f->mctx != NULL)
		pcre2_match_context_free(f->mctx);
	free(f);
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
	struct filter	*f;
	size_t		 j, n;
	int		 cost, col = 0;

	*fp = NULL;
	*cause = NULL;
	f = xcalloc(1, sizeof *f);
	f->now = now;
	f->preds = xcalloc(FILTER_MAX_TOKENS, sizeof *f->preds);
	if (filter_parse_expr(f, expr != NULL ? expr : "", now, cause,
	    &col) != 0) {
		if (column != NULL)
			*column = col;
		filter_free(f);
		return (-1);
	}
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
	f->expr = xstrdup(expr != NULL ? expr : "");
	f->now0 = now;
	*fp = f;
	if (column != NULL)
		*column = 0;
	return (0);
}

/*
 * A copy of f with caches and match data of its own, for another thread
 * (a filter's caches fill as it matches, so one filter is one thread's).
 */
struct filter *
filter_clone(const struct filter *f)
{
	struct filter	*c;
	char		*cause = NULL;

	if (filter_compile(f->expr, f->now0, &c, &cause, NULL) != 0)
		fatalx("filter_clone: %s", cause != NULL ? cause : "failed");
	if (f->now != f->now0)
		filter_set_now(c, f->now);
	return (c);
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
		buf_printf(b, "now%+lld", (long long)(filter_sat_sub(ns, now) /
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
			case FILTER_DIGEST:
				buf_addc(b, '#');
				buf_add(b, a->s, a->len);
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

/*
 * The end of the filter token that starts at p: the first space outside
 * double quotes (a backslash escapes the next byte), or the NUL.
 */
const char *
filter_token_end(const char *p)
{
	bool	 q = false;

	while (*p != '\0' && (q || *p != ' ')) {
		if (*p == '"')
			q = !q;
		else if (*p == '\\' && p[1] != '\0')
			p++;
		p++;
	}
	return (p);
}

/*
 * Replace each "@NAME" token of text with saved filter NAME (saved[] holds
 * "NAME=EXPR", as saved-filter lines of the configuration file give them):
 * tokens are ANDed, so the expression can simply go in its place.  The TUI
 * and batch mode both expand this way, so -f @NAME means one thing.
 * Returns an allocated string, or NULL with *err (owned) and *col (0-based
 * column of the unknown name).
 */
char *
filter_expand_saved(const char *text, char *const *saved, size_t nsaved,
    char **err, int *col)
{
	struct buf	 b;
	const char	*p = text, *tok, *e;
	size_t		 i, len;

	buf_init(&b);
	while (*p != '\0') {
		tok = p;
		p = filter_token_end(p);
		if (*tok == '@') {
			len = (size_t)(p - tok - 1);
			e = NULL;
			for (i = 0; i < nsaved && e == NULL; i++)
				if (strncmp(saved[i], tok + 1, len) == 0 &&
				    saved[i][len] == '=')
					e = saved[i] + len + 1;
			if (e == NULL) {
				xasprintf(err, "no saved filter '%.*s' (add "
				    "\"saved-filter NAME EXPR\" to the "
				    "configuration file)", (int)len, tok + 1);
				if (col != NULL)
					*col = (int)(tok - text);
				buf_clear(&b);
				return (NULL);
			}
			buf_adds(&b, e);
		} else
			buf_add(&b, tok, (size_t)(p - tok));
		while (*p == ' ')
			buf_addc(&b, *p++);
	}
	buf_addc(&b, '\0');
	b.len--;
	return (buf_take(&b));
}
