/* SPDX-License-Identifier: ISC */
/*
 * The record field table: one row per field a user can name (in a filter,
 * a column chooser or a formatter), with its type, the record strings it
 * reads and an accessor.  The filter (filter.c), the TUI columns and the
 * drill-down from aggregates all use this one table, so a field means the
 * same thing everywhere.
 *
 * Text fields read one or two interned strings of the record (record.h
 * RS_*): path reads path and raw_path, key reads api_key and alias, api
 * reads api_id and api_name.  tag reads the tags list blob, country reads
 * the geo blob's ISO code.  Numbers and times are read on the record
 * directly (narrow fields) unless REC_WIDE is set.  The table is static and
 * read-only.
 */
#ifndef FIELD_H
#define FIELD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bytes.h"
#include "record.h"

struct store;

enum field_id {
	FIELD_STATUS,
	FIELD_PATH,
	FIELD_KEY,
	FIELD_API,
	FIELD_ORG,
	FIELD_VERSION,
	FIELD_METHOD,
	FIELD_HOST,
	FIELD_OAUTH,
	FIELD_IP,
	FIELD_COUNTRY,
	FIELD_TAG,
	FIELD_UA,
	FIELD_LATENCY,
	FIELD_UPSTREAM,
	FIELD_GATEWAY,
	FIELD_SIZE,
	FIELD_TIME,
	FIELD_SINCE,
	FIELD_UNTIL,
	FIELD_BODY,
	FIELD_REQBODY,
	FIELD_RESPBODY,
	FIELD_HDR,
	FIELD_TRACK,
	FIELD_DETAILED,
	FIELD_BAD,
	FIELD_GAP,
	FIELD_COUNT
};

enum field_type {
	FIELD_T_TEXT,		/* interned strings (strs[]) */
	FIELD_T_STATUS,		/* integer, also classes like 5xx */
	FIELD_T_INT,		/* integer (ms or bytes) */
	FIELD_T_TIME,		/* timestamp, ns since the epoch, UTC */
	FIELD_T_IP,		/* text, also addresses and CIDR blocks */
	FIELD_T_BOOL,		/* yes or no */
	FIELD_T_PAYLOAD		/* decoded raw_request/raw_response */
};

/* Field flags. */
#define FIELD_CASELESS	0x01	/* compare text case-insensitively */
#define FIELD_LIST	0x02	/* strs[0] is a list blob (tags) */
#define FIELD_GEO	0x04	/* strs[0] is the geo blob: ISO code */
#define FIELD_RECORDS	0x08	/* meaningful on bad records and gaps too */

struct field {
	enum field_id	 id;
	const char	*name;		/* as typed: "status" */
	enum field_type	 type;
	int		 flags;		/* FIELD_* */
	int		 nstrs;		/* record strings read (text) */
	enum record_str	 strs[2];
	/* Numbers: the full-width value (NULL for others). */
	int64_t		(*num)(const struct store *, const struct record *);
	const char	*help;		/* one line, for --help and the TUI */
};

/* An alternative name for a field. */
struct field_alias {
	const char	*name;
	enum field_id	 id;
};

extern const struct field	 field_table[FIELD_COUNT];
extern const struct field_alias	 field_aliases[];

const struct field	*field_get(enum field_id);
const struct field	*field_find(const char *, size_t);
const char		*field_suggest(const char *, size_t);

bool			 field_bool(const struct field *,
			    const struct record *);
struct slice		 field_string(const struct field *,
			    const struct store *, const struct record *, int);
void			 field_format(const struct field *,
			    const struct store *, const struct record *,
			    struct buf *);

/*
 * A number or time field's value: narrow fields are read on the record,
 * the accessor is used only for wide records.
 */
static inline int64_t
field_number(const struct field *f, const struct store *st,
    const struct record *r)
{
	if (r->flags & REC_WIDE)
		return (f->num != NULL ? f->num(st, r) : 0);
	switch (f->id) {
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
	case FIELD_TIME:
	case FIELD_SINCE:
	case FIELD_UNTIL:
		return (r->ts);
	default:
		return (f->num != NULL ? f->num(st, r) : 0);
	}
}

#endif
