/* SPDX-License-Identifier: ISC */
/*
 * The live Redis source (product.md "redis://", tyk-formats.md 2): a
 * read-only tail of the gateway's analytics lists.  Opened through
 * source_redis_open (source.h); this header adds what the TUI's Health
 * screen and batch --health read.  Everything here is main-thread only
 * and is current as of the last poll.
 */
#ifndef SOURCE_REDIS_H
#define SOURCE_REDIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;
struct redis_conf;
struct source;

/* Health of one watched key. */
struct source_redis_health {
	const char	*key;		/* list key name (borrowed) */
	const char	*source;	/* store source name "redis:KEY" */
	const char	*serializer;	/* "msgpack" or "protobuf" */
	bool		 exists;	/* key present at the last check */
	bool		 skipped;	/* wrong type or refused: not read */
	const char	*type;		/* TYPE reply ("list", "none", ...) */
	int64_t		 length;	/* LLEN */
	int64_t		 ttl;		/* seconds; -1 none, -2 no key */
	double		 oldest_age;	/* s since the head record; -1 n/a */
	double		 newest_age;	/* s since the tail record; -1 n/a */
	uint64_t	 seen;		/* good records read */
	uint64_t	 bad;		/* undecodable values */
	uint64_t	 gaps;		/* gap markers inserted */
	uint64_t	 drains;	/* drains, trims, expiries seen */
	double		 drain_period;	/* s between drains (EWMA); -1 n/a */
	double		 rate;		/* records/s (record time); 0 n/a */
	double		 checked_age;	/* s since the last health check */
	const char	*node;		/* host:port that served it, or "" */
	const char	*role;		/* "master" or "replica" */
	bool		 link_up;	/* the connection to it is open */
};

const struct source_redis_health *source_redis_health(struct source *,
		    size_t *);
const char	*source_redis_state(struct source *);
void		 source_redis_health_json(struct source *, struct buf *);
int		 source_redis_parse_uri(const char *, struct redis_conf *,
		    char **, char **);
void		 source_redis_conf_clear(struct redis_conf *);

#endif
