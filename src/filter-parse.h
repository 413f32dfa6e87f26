/* SPDX-License-Identifier: ISC */
/*
 * The compiled form of a filter, shared by filter.c (matching) and
 * filter-parse.c (compiling); private to those two files.  A filter owns
 * its predicates, their alternatives (text, compiled regexes) and their
 * per-string-id caches.
 */
#ifndef FILTER_PARSE_H
#define FILTER_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "bytes.h"

struct field;
struct strtab;

/* Caps that keep compile time and memory bounded on any input. */
#define FILTER_MAX_LEN		4096	/* bytes of expression */
#define FILTER_MAX_TOKENS	64
#define FILTER_MAX_ALTS		256	/* a|b|c alternatives in all */

enum filter_op {
	FILTER_SUB,		/* substring */
	FILTER_EXACT,		/* whole string */
	FILTER_REGEX,
	FILTER_ADDR,		/* IP address, compared parsed */
	FILTER_CIDR,
	FILTER_RANGE,		/* numbers and times: lo <= v <= hi */
	FILTER_BOOL,
	FILTER_DIGEST		/* key:#HEX: mask_key_digest starts with s */
};

struct filter_alt {
	enum filter_op		 op;
	char			*s;	/* owned: text or regex source */
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
	uint8_t			*cache;	/* by string id: 0 ?, 1 no, 2 yes */
	size_t			 ncache;
};

struct filter {
	struct filter_pred	 *preds;	/* in the order typed */
	size_t			  npreds;
	struct filter_pred	**order;	/* evaluation order */
	const struct strtab	 *strs;		/* the caches' string table */
	pcre2_match_context	 *mctx;
	bool			  relative;
	int64_t			  now;
	char			 *expr;		/* as compiled (filter_clone) */
	int64_t			  now0;		/* now when compiled */
};

int	 filter_parse_expr(struct filter *, const char *, int64_t, char **,
	    int *);
int	 filter_parse_addr(const char *, size_t, int *, uint8_t *);

/* Saturating a + b. */
static inline int64_t
filter_sat_add(int64_t a, int64_t b)
{
	if (b > 0 && a > INT64_MAX - b)
		return (INT64_MAX);
	if (b < 0 && a < INT64_MIN - b)
		return (INT64_MIN);
	return (a + b);
}

/* Saturating a - b. */
static inline int64_t
filter_sat_sub(int64_t a, int64_t b)
{
	if (b == INT64_MIN)
		return (a >= 0 ? INT64_MAX : a - b);
	return (filter_sat_add(a, -b));
}

#endif
