/* SPDX-License-Identifier: ISC */
/*
 * Redis Cluster arithmetic for the Redis source, with no I/O: the hash
 * slot of a key (CRC16/XMODEM of the key or of its {hash tag}, modulo
 * 16384, as the Cluster specification says), MOVED and ASK redirections,
 * and the slot ranges of a CLUSTER SLOTS reply.
 */
#ifndef SOURCE_REDIS_CLUSTER_H
#define SOURCE_REDIS_CLUSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hiredis/hiredis.h>

#define REDIS_SLOTS	16384

/* One range of slots and the node that serves it. */
struct redis_slot_range {
	int		 start, end;	/* inclusive */
	char		 host[256];
	int		 port;
	char		 id[48];	/* node ID, "" if not sent */
	bool		 replica;	/* a replica was chosen */
};

/* A MOVED or ASK error reply, parsed. */
struct redis_redirect {
	bool		 ask;		/* ASK, else MOVED */
	int		 slot;
	char		 host[256];
	int		 port;
};

uint16_t	 source_redis_cluster_crc16(const void *, size_t);
int		 source_redis_cluster_slot(const char *, size_t);
int		 source_redis_cluster_redirect(const char *, size_t,
		    const char *, struct redis_redirect *);
int		 source_redis_cluster_ranges(const redisReply *, const char *,
		    bool, struct redis_slot_range **, size_t *, char *,
		    size_t);

#endif
