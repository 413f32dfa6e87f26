/* SPDX-License-Identifier: ISC */
/*
 * Filter compilation: the expression is scanned once, token by token.  A
 * token is [!][field:]value; a value is one regex (~...) or alternatives
 * separated by an unquoted |, each with an optional operator (=, >, >=,
 * <, <=).  Double quotes group (and are removed), a backslash makes the
 * next byte literal; in a regex the backslash is kept, so \d reaches PCRE2
 * intact.  Each token becomes a predicate with typed alternatives:
 * substring, exact, regex, address, CIDR block, numeric or time range,
 * yes/no.
 *
 * Errors come back as a message with the (1-based, in characters) column
 * of the problem.  Input is capped (FILTER_MAX_*) so compiling is bounded.
 */
#include "config.h"

#include "filter-parse.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "field.h"
#include "log.h"
#include "mask.h"
#include "render.h"
#include "strnum.h"
#include "timefmt.h"
#include "xmalloc.h"

/* One alternative as scanned, before it is typed. */
struct filter_raw {
	int		 op;		/* 0 = > G(>=) < L(<=) ~ */
	struct buf	 text;		/* unquoted, unescaped bytes */
	size_t		*map;		/* expression offset of each byte */
	size_t		 mapcap;
	size_t		 start;		/* its offset in the expression */
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

static void	filter_parse_fail(struct filter_parse *, size_t, const char *,
		    const char *, ...) __attribute__((format(printf, 4, 5)));

/* 1-based column of byte offset off, counting UTF-8 characters. */
static int
filter_parse_column(const char *s, size_t len, size_t off)
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
filter_parse_fail(struct filter_parse *p, size_t off, const char *hint,
    const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	if (p->cause != NULL)
		return;
	va_start(ap, fmt);
	xvasprintf(&msg, fmt, ap);
	va_end(ap);
	p->column = filter_parse_column(p->expr, p->len, off);
	if (hint != NULL)
		xasprintf(&p->cause, "%s at column %d (%s)", msg, p->column,
		    hint);
	else
		xasprintf(&p->cause, "%s at column %d", msg, p->column);
	free(msg);
}

/* Quote user text for an error message: terminal-safe and capped. */
static char *
filter_parse_quote(const char *s, size_t len)
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
filter_parse_raw_clear(struct filter_raw *r)
{
	buf_clear(&r->text);
	free(r->map);
}

/* Append a byte to the current alternative, remembering where it was. */
static void
filter_parse_raw_add(struct filter_raw *r, char c, size_t off)
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
filter_parse_raw_new(struct filter_parse *p, size_t off, bool regex_ok)
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
		filter_parse_fail(p, off, NULL,
		    "too many alternatives (at most %d)", FILTER_MAX_ALTS);
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
filter_parse_space(char c)
{
	return (c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
	    c == '\f' || c == '\v');
}

/*
 * Scan one value from p->pos into p->raws.  Returns -1 on error (p->cause
 * set).
 */
static int
filter_parse_value(struct filter_parse *p)
{
	const char		*s = p->expr;
	struct filter_raw	*r;
	bool			 inquote = false, regex;
	size_t			 qpos = 0;
	char			 c;

	p->nraws = 0;
	r = filter_parse_raw_new(p, p->pos, true);
	regex = r->op == '~';
	while (p->pos < p->len) {
		c = s[p->pos];
		if (!inquote && filter_parse_space(c))
			break;
		if (c == '"') {
			inquote = !inquote;
			qpos = p->pos++;
			r->quoted = true;
			continue;
		}
		if (c == '\\') {
			if (p->pos + 1 >= p->len) {
				filter_parse_fail(p, p->pos, NULL,
				    "backslash at the end of the filter");
				return (-1);
			}
			if (regex)
				filter_parse_raw_add(r, c, p->pos);
			p->pos++;
			filter_parse_raw_add(r, s[p->pos], p->pos);
			p->pos++;
			r->quoted = true;
			continue;
		}
		if (c == '|' && !inquote && !regex) {
			p->pos++;
			r = filter_parse_raw_new(p, p->pos, false);
			if (r->op == 0 && p->pos < p->len && s[p->pos] == '~') {
				filter_parse_fail(p, p->pos, "a regex takes "
				    "the whole value; use (a|b) inside it",
				    "'~' after '|'");
				return (-1);
			}
			continue;
		}
		filter_parse_raw_add(r, c, p->pos);
		p->pos++;
	}
	if (inquote) {
		filter_parse_fail(p, qpos, NULL, "unterminated quote");
		return (-1);
	}
	return (p->cause != NULL ? -1 : 0);
}

/* Parse an IP address (v4-mapped v6 becomes v4); 0 on success. */
int
filter_parse_addr(const char *s, size_t len, int *family, uint8_t *addr)
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

/* Compile a regex alternative; -1 on error. */
static int
filter_parse_regex(struct filter_parse *p, struct filter_pred *pr,
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
		filter_parse_fail(p, at, (const char *)msg, "bad regex");
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
filter_parse_int(const char *s, size_t len, int64_t *v)
{
	return (strnum_parsen(s, len, INT64_MIN, INT64_MAX, v));
}

/*
 * Parse a number of field fl, with a unit for latencies (ms, s) and sizes
 * (k, m, g: binary multiples, optionally followed by b); 0 on success.
 */
static int
filter_parse_num(const struct field *fl, const char *s, size_t len,
    int64_t *v)
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

	if (filter_parse_int(s, len, v) == 0)
		return (0);
	if (!is_size && fl->id != FIELD_LATENCY && fl->id != FIELD_UPSTREAM &&
	    fl->id != FIELD_GATEWAY)
		return (-1);
	for (i = 0; i < sizeof units / sizeof units[0]; i++) {
		ulen = strlen(units[i].unit);
		if (units[i].is_size != is_size || len <= ulen ||
		    strncasecmp(s + len - ulen, units[i].unit, ulen) != 0)
			continue;
		if (filter_parse_int(s, len - ulen, v) != 0)
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
filter_parse_number(struct filter_parse *p, struct filter_pred *pr,
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
		if (filter_parse_num(pr->field, s, len, &n) != 0)
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
		if (filter_parse_int(s, digits, &n) != 0)
			goto bad;
		for (scale = 1, i = digits; i < len; i++)
			scale *= 10;
		a->lo = n * scale;
		a->hi = a->lo + scale - 1;
		return (0);
	}
	if (filter_parse_num(pr->field, s, len, &n) == 0) {
		a->lo = a->hi = n;
		return (0);
	}
	/* A range N-M (N may be negative). */
	q = len > 1 ? memchr(s + 1, '-', len - 1) : NULL;
	if (q != NULL &&
	    filter_parse_num(pr->field, s, (size_t)(q - s), &n) == 0 &&
	    filter_parse_num(pr->field, q + 1, len - (size_t)(q + 1 - s),
	    &m) == 0) {
		if (n > m) {
			filter_parse_fail(p, r->start, NULL,
			    "empty range '%.*s'", (int)len, s);
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
	q = filter_parse_quote(s, len);
	filter_parse_fail(p, r->start, hint, "bad number '%s' for '%s'", q,
	    pr->field->name);
	free(q);
	return (-1);
}

/* A time alternative (see the man page for the forms).  -1 on error. */
static int
filter_parse_time(struct filter_parse *p, struct filter_pred *pr,
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
		q = filter_parse_quote(s, len);
		filter_parse_fail(p, r->start, hint,
		    "bad time '%s' for '%s'", q, pr->field->name);
		free(q);
		return (-1);
	}
	if (op != 0 && op != '=' && pr->field->id != FIELD_TIME) {
		filter_parse_fail(p, r->start, "use time:>... or time:<...",
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
		a->hi = filter_sat_add(hi, -1);
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
		a->hi = filter_sat_add(lo, -1);
		a->rel_hi = rel;
		break;
	case 'L':
		/* until:-1h ends at that instant, until:2024-02-29 at the
		 * end of the day (as --until). */
		a->hi = filter_sat_add(rel ? lo : hi, -1);
		a->rel_hi = rel;
		break;
	}
	if (a->rel_lo)
		a->dlo = filter_sat_sub(a->lo, p->now);
	if (a->rel_hi)
		a->dhi = filter_sat_sub(a->hi, p->now);
	if (rel)
		p->f->relative = true;
	return (0);
}

/* A yes/no alternative.  -1 on error. */
static int
filter_parse_bool(struct filter_parse *p, struct filter_pred *pr,
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
	q = filter_parse_quote(s, len);
	filter_parse_fail(p, r->start, "expected yes or no",
	    "bad value '%s' for '%s'", q, pr->field->name);
	free(q);
	return (-1);
}

/* A text (or ip) alternative.  -1 on error. */
static int
filter_parse_text(struct filter_parse *p, struct filter_pred *pr,
    struct filter_alt *a, struct filter_raw *r)
{
	const char	*s = r->text.data != NULL ? r->text.data : "";
	size_t		 len = r->text.len;
	const char	*slash;
	int64_t		 bits;
	bool		 mapped;
	char		*q;
	size_t		 i;

	switch (r->op) {
	case '~':
		return (filter_parse_regex(p, pr, a, r));
	case '=':
		a->op = FILTER_EXACT;
		a->s = xmemdup(s, len + 1);
		a->s[len] = '\0';
		a->len = len;
		return (0);
	case 0:
		break;
	default:
		filter_parse_fail(p, r->start, "they compare numbers and times",
		    "'%s' is a text field: no '<' or '>'", pr->field->name);
		return (-1);
	}
	if (pr->field->id == FIELD_KEY && !r->quoted && len >= 2 &&
	    s[0] == '#') {
		/* key:#DIGEST (mask_key_digest): a key not shown. */
		for (i = 1; i < len && i <= MASK_DIGEST_LEN &&
		    strchr("0123456789abcdefABCDEF", s[i]) != NULL; i++)
			;
		if (i != len) {
			q = filter_parse_quote(s, len);
			filter_parse_fail(p, r->start, "a key digest is 1 to "
			    "12 hex digits, as + puts it",
			    "bad key digest '%s'", q);
			free(q);
			return (-1);
		}
		a->op = FILTER_DIGEST;
		a->s = xmemdup(s + 1, len);
		a->len = len - 1;
		for (i = 0; i < a->len; i++)
			if (a->s[i] >= 'A' && a->s[i] <= 'F')
				a->s[i] = (char)(a->s[i] - 'A' + 'a');
		return (0);
	}
	if (len == 0 && !r->quoted) {
		filter_parse_fail(p, r->start, NULL, "empty value for '%s' "
		    "(use %s:= to match an empty %s)", pr->field->name,
		    pr->field->name, pr->field->name);
		return (-1);
	}
	if (pr->field->type == FIELD_T_IP && len != 0 && !r->quoted) {
		slash = memchr(s, '/', len);
		if (slash != NULL) {
			mapped = memchr(s, ':', (size_t)(slash - s)) != NULL;
			if (filter_parse_addr(s, (size_t)(slash - s),
			    &a->family, a->addr) != 0 ||
			    strnum_parsen(slash + 1, len - (size_t)(slash + 1 -
			    s), 0, 128, &bits) != 0 || (a->family == AF_INET &&
			    mapped && bits < 96) || bits > (mapped ? 128 :
			    32)) {
				q = filter_parse_quote(s, len);
				filter_parse_fail(p, r->start, "expected e.g. "
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
		if (filter_parse_addr(s, len, &a->family, a->addr) == 0) {
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
filter_parse_pred(struct filter_parse *p, struct filter_pred *pr)
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
			filter_parse_fail(p, r->start,
			    "regexes match text fields",
			    "'%s' is not a text field: no '~'",
			    pr->field->name);
			return (-1);
		}
		switch (pr->field->type) {
		case FIELD_T_TEXT:
		case FIELD_T_IP:
		case FIELD_T_PAYLOAD:
			rc = filter_parse_text(p, pr, a, r);
			break;
		case FIELD_T_STATUS:
		case FIELD_T_INT:
			rc = filter_parse_number(p, pr, a, r);
			break;
		case FIELD_T_TIME:
			rc = filter_parse_time(p, pr, a, r);
			break;
		case FIELD_T_BOOL:
			rc = filter_parse_bool(p, pr, a, r);
			break;
		}
	}
	return (rc);
}

/* Parse one token at p->pos.  Returns -1 on error. */
static int
filter_parse_token(struct filter_parse *p)
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
		if (p->pos >= p->len || filter_parse_space(s[p->pos])) {
			filter_parse_fail(p, start, NULL,
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
			filter_parse_fail(p, name, hint != NULL ? buf : NULL,
			    "unknown field '%.*s'", (int)(j - name > 32 ?
			    32 : j - name), s + name);
			return (-1);
		}
		p->pos = j + 1;
	} else
		fl = field_get(FIELD_PATH);	/* a bare word */

	if (f->npreds == FILTER_MAX_TOKENS) {
		filter_parse_fail(p, start, NULL,
		    "too many tokens (at most %d)", FILTER_MAX_TOKENS);
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
	if (filter_parse_value(p) != 0)
		return (-1);
	return (filter_parse_pred(p, pr));
}

/*
 * Parse expr into f's predicates (f->preds has room for FILTER_MAX_TOKENS).
 * Returns 0, or -1 with *cause (allocated) and *column (1-based).
 */
int
filter_parse_expr(struct filter *f, const char *expr, int64_t now,
    char **cause, int *column)
{
	struct filter_parse	 p;
	size_t			 i;
	int			 rc = 0;

	memset(&p, 0, sizeof p);
	p.expr = expr;
	p.len = strlen(expr);
	p.now = now;
	p.f = f;
	if (p.len > FILTER_MAX_LEN) {
		filter_parse_fail(&p, FILTER_MAX_LEN, NULL,
		    "filter too long (at most %d bytes)", FILTER_MAX_LEN);
		rc = -1;
	}
	while (rc == 0) {
		while (p.pos < p.len && filter_parse_space(p.expr[p.pos]))
			p.pos++;
		if (p.pos >= p.len)
			break;
		rc = filter_parse_token(&p);
		for (i = 0; i < p.nraws; i++)
			filter_parse_raw_clear(&p.raws[i]);
		p.nraws = 0;
	}
	free(p.raws);
	if (rc != 0 || p.cause != NULL) {
		*cause = p.cause;
		*column = p.column;
		return (-1);
	}
	/* Columns were byte offsets while parsing. */
	for (i = 0; i < f->npreds; i++)
		f->preds[i].column = filter_parse_column(p.expr, p.len,
		    (size_t)f->preds[i].column);
	return (0);
}
