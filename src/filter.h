/* SPDX-License-Identifier: ISC */
/*
 * The filter language (product.md 3): one line of tokens, ANDed, compiled
 * once and then matched against records.  The same compiled filter serves
 * batch mode, the TUI's filter line, aggregates and drill-down.
 *
 *	status:5xx !key:00000000 path:~^/v1/orders/\d+$ ip:10.0.0.0/8
 *
 * Speed.  Text predicates are evaluated once per distinct interned string:
 * each predicate keeps a cache indexed by string id (strtab ids are dense),
 * so a million records with a few thousand distinct paths cost a few
 * thousand regex runs and a million byte loads.  Numbers and times are
 * compared on the record's narrow fields.  A compiled filter is therefore
 * bound to the string table of the first store it sees; it notices another
 * store and starts its caches again.  Not thread-safe: one filter per
 * thread.
 *
 * Bad records and gap markers have no fields: only the tokens time, since,
 * until, bad and gap apply to them, and any other token (negated or not)
 * is false on them.  An empty filter matches every record.
 */
#ifndef FILTER_H
#define FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bytes.h"

struct field;
struct filter;
struct record;
struct store;
struct store_chunk;

/*
 * Caps that keep compile time and memory bounded on any input: the
 * parser's (FILTER_MAX_LEN bytes of expression, FILTER_MAX_TOKENS,
 * FILTER_MAX_ALTS) are in filter-parse.h.
 */
#define FILTER_MATCH_LIMIT	1000000	/* PCRE2 match limit per subject */

int		 filter_compile(const char *, int64_t, struct filter **,
		    char **, int *);
void		 filter_free(struct filter *);
struct filter	*filter_clone(const struct filter *);
bool		 filter_match(struct filter *, const struct store *,
		    const struct record *);
bool		 filter_match_at(struct filter *, const struct store *,
		    const struct store_chunk *, uint32_t);
size_t		 filter_select_at(struct filter *, const struct store *,
		    const struct store_chunk *, uint32_t, uint32_t, uint32_t *);
size_t		 filter_select(struct filter *, const struct store *,
		    uint64_t, uint64_t, uint64_t *);
void		 filter_set_now(struct filter *, int64_t);
bool		 filter_is_empty(const struct filter *);
bool		 filter_is_relative(const struct filter *);
bool		 filter_selects_bad(const struct filter *);
bool		 filter_uses_field(const struct filter *, int);
void		 filter_describe(const struct filter *, struct buf *);
void		 filter_token_append(struct buf *, const struct field *,
		    const char *, size_t, bool);
const char	*filter_token_end(const char *);
char		*filter_expand_saved(const char *, char *const *, size_t,
		    char **, int *);

/*
 * The compiled expression, read back for push-down to a server (a live
 * MongoDB source translates what it can into a query and still matches
 * every record locally).  Predicate i (in the order typed) names a field
 * (enum field_id), may be negated, and has alternatives (ORed), each seen
 * as a filter_term.  Times and numbers are ranges as matched now (after
 * filter_set_now); relative times say so.
 */
enum filter_term_op {
	FILTER_TERM_RANGE,	/* numbers and times: lo <= v <= hi */
	FILTER_TERM_EXACT,	/* text equal to s (=value) */
	FILTER_TERM_SUBSTR,	/* text containing s (plain value) */
	FILTER_TERM_OTHER	/* regex, address, CIDR, yes/no */
};

struct filter_term {
	enum filter_term_op	 op;
	const char		*s;		/* EXACT, SUBSTR: borrowed */
	size_t			 len;
	int64_t			 lo, hi;	/* RANGE, inclusive */
	bool			 rel_lo, rel_hi;	/* relative times */
};

size_t		 filter_npredicates(const struct filter *);
int		 filter_predicate(const struct filter *, size_t, bool *,
		    size_t *);
void		 filter_term(const struct filter *, size_t, size_t,
		    struct filter_term *);

#endif
