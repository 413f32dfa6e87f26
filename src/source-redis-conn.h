/* SPDX-License-Identifier: ISC */
/*
 * One connection to a Redis server for the I/O thread: plaintext (TCP or
 * a unix socket) through hiredis alone, or TLS (rediss://) through
 * OpenSSL with hiredis still doing the protocol: its redisReader parses
 * the replies and redisFormatCommandArgv builds the requests.  hiredis
 * 0.14, Debian 12's, has no TLS of its own.  A connection is used by one
 * thread; only its socket is shared (source_redis_conn_fd), so that
 * another thread can shut it down to interrupt a blocked read.
 */
#ifndef SOURCE_REDIS_CONN_H
#define SOURCE_REDIS_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hiredis/hiredis.h>

#define REDIS_CONNECT_S		2	/* connect and handshake timeout */
#define REDIS_READ_S		5	/* reply timeout */

/* One host:port of the URI: a seed of a cluster, or a sentinel. */
struct redis_addr {
	char		*host;
	int		 port;
};

/* Connection settings, parsed from the URI and options. */
struct redis_conf {
	char		*host;		/* NULL for a unix socket */
	int		 port;
	char		*path;		/* unix socket path */
	int		 db;
	char		*user;		/* ACL user or NULL */
	char		*pass;		/* password or NULL; never printed */
	bool		 tls;		/* rediss:// */
	char		*tls_ca;	/* CA file, NULL: the system store */
	char		*tls_cert;	/* client certificate or NULL */
	char		*tls_key;	/* its key, NULL: in tls_cert */
	char		*tls_name;	/* name verified, NULL: host */
	bool		 tls_insecure;	/* no verification at all */
	struct redis_addr *addrs;	/* every host of the URI, in order */
	size_t		 naddrs;	/* (host, port above: the first) */
	char		*sentinel_master; /* ask the sentinels for it */
	char		*sentinel_pass;	/* the sentinels' password */
	bool		 replica;	/* cluster: read replicas (READONLY) */
	bool		 follow;	/* else one snapshot, then EOF */
	bool		 health_only;	/* snapshot of health, no values */
	uint64_t	 max_value;	/* bytes; bigger values are bad */
};

struct redis_conn;

struct redis_conn *source_redis_conn_open(const struct redis_conf *, char *,
		    size_t);
int		 source_redis_conn_append(struct redis_conn *, int,
		    const char **);
int		 source_redis_conn_flush(struct redis_conn *);
int		 source_redis_conn_reply(struct redis_conn *, redisReply **);
void		 source_redis_conn_error(const struct redis_conn *, char *,
		    size_t);
int		 source_redis_conn_fd(const struct redis_conn *);
void		 source_redis_conn_free(struct redis_conn *);

#endif
