/* SPDX-License-Identifier: ISC */
/*
 * Input sources behind one small interface (after redis's rio.h).  A source
 * is opened from a command-line argument, then polled: each poll adds up to
 * max records (good, bad or gap markers) to the store and says whether more
 * are ready now, later, or never.  Polling never blocks for long: a live
 * source does its network I/O on its own thread and hands raw bytes over;
 * decoding and store_add happen on the caller's (main) thread.
 */
#ifndef SOURCE_H
#define SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bytes.h"

struct filter;
struct options;
struct store;
struct source;

enum source_status {
	SOURCE_MORE,		/* call poll again now */
	SOURCE_IDLE,		/* nothing ready; poll again later */
	SOURCE_EOF,		/* finished: every record was added */
	SOURCE_ERROR		/* unusable (source->error says why) */
};

struct source_ops {
	const char	*name;		/* "bson", "redis", ... */
	enum source_status (*poll)(struct source *, struct store *, size_t);
	/* Bytes done and total, for progress (total 0: unknown). */
	void		(*progress)(struct source *, uint64_t *, uint64_t *);
	/* One line for the header/health: state, keys, serializers. */
	void		(*describe)(struct source *, struct buf *);
	/* Connection state of a live source (NULL: no such state). */
	const char	*(*state)(struct source *);
	/* Health as JSON objects, one per line (NULL: not live). */
	void		(*health)(struct source *, struct store *, struct buf *);
	void		(*free)(struct source *);
};

struct source {
	const struct source_ops	*ops;
	char			*arg;		/* as given, owned; no password */
	char			*error;		/* owned, for SOURCE_ERROR */
	bool			 live;		/* follows new data */
	void			*data;		/* the implementation's */
};

struct source	*source_open(const char *, const struct options *,
		    struct store *, char **);
void		 source_free(struct source *);
struct source	*source_create(const struct source_ops *, const char *,
		    void *);
char		*source_safe_arg(const char *);
bool		 source_uri_password(const char *, const char **, size_t *);

/* Implementations (source-*.c). */
struct source	*source_file_open(const char *, const struct options *,
		    struct store *, char **);
struct source	*source_demo_open(const struct options *, struct store *,
		    char **);
struct source	*source_redis_open(const char *, const struct options *,
		    struct store *, char **);
struct source	*source_mongo_open(const char *, const struct options *,
		    struct store *, char **);
struct source	*source_pg_open(const char *, const struct options *,
		    struct store *, char **);
bool		 source_pg_is_conninfo(const char *);
char		*source_pg_safe_arg(const char *);
void		 source_hide_password(char *);
char		*source_scrub(char *, const char *);
bool		 source_no_payload(const struct options *,
		    const struct filter *);

#endif
