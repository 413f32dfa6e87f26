/* SPDX-License-Identifier: ISC */
/*
 * The network half of the Redis source: one pthread that owns the hiredis
 * connection, runs the read-only tail of tyk-formats.md 2.5 over every
 * watched key, and hands what it read to the main thread through a queue
 * of events protected by a mutex.  The main thread (source-redis.c) only
 * takes events and decodes them; it never touches the connection.
 *
 * A single server, a Redis Cluster (one connection per node that serves
 * a watched key, each key read from the node owning its slot), or the
 * master a set of sentinels names.
 *
 * Commands sent, and no others: AUTH, SELECT, PING, MULTI, LLEN, LINDEX,
 * LRANGE, EXEC, TTL, TYPE; CLUSTER SLOTS, ASKING and READONLY (--replica)
 * in a cluster; SENTINEL GET-MASTER-ADDR-BY-NAME to a sentinel.
 */
#ifndef SOURCE_REDIS_IO_H
#define SOURCE_REDIS_IO_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <hiredis/hiredis.h>

#include "source-redis-conn.h"

enum redis_ev_kind {
	REDIS_EV_VALUES,	/* list values read from a key */
	REDIS_EV_DRAIN,		/* the key was drained/trimmed/expired */
	REDIS_EV_HEALTH,	/* TTL, TYPE, LLEN, first and last value */
	REDIS_EV_WARN,		/* a message about a key (wrong type, ACL) */
	REDIS_EV_EOF,		/* snapshot mode: everything was read */
	REDIS_EV_FATAL		/* snapshot mode: the server is unusable */
};

#define REDIS_ENDS_OLDEST	0x1	/* oldest holds LINDEX 0 */
#define REDIS_ENDS_NEWEST	0x2	/* newest holds LINDEX -1 */
#define REDIS_ENDS_HEAD_READ	0x4	/* value 0 was read by the tail */
#define REDIS_ENDS_TAIL_READ	0x8	/* the last value was read */

struct redis_ev {
	enum redis_ev_kind	 kind;
	int			 key;		/* index in the key table */
	redisReply		*reply;		/* owned: whole reply tree */
	/* REDIS_EV_VALUES */
	redisReply		*values;	/* array inside reply */
	uint64_t		 first;		/* list index of values[0] */
	unsigned char		*dup;		/* owned: 1 = seen before, */
						/* 2 = over max_value */
	uint64_t		*bigsz;		/* owned: sizes where dup 2 */
	size_t			 next;		/* next element (main) */
	/* REDIS_EV_DRAIN */
	int64_t			 t_prev;	/* ns: last poll that matched */
	int64_t			 t_detect;	/* ns: poll that saw the change */
	int64_t			 known_lost;	/* values never read, exact */
	bool			 overlap;	/* trim: old values still there */
	bool			 reconnect;	/* after a reconnection */
	/* REDIS_EV_HEALTH */
	int64_t			 llen, ttl;	/* ttl: -2 missing, -1 none */
	char			 type[16];
	int			 ends;		/* REDIS_ENDS_* */
	redisReply		*oldest;	/* owned: LINDEX 0, or NULL */
	redisReply		*newest;	/* owned: LINDEX -1, or NULL */
	char			 node[64];	/* the node that served it */
	bool			 node_replica;
	/* REDIS_EV_WARN, REDIS_EV_FATAL */
	char			*text;		/* owned */
	size_t			 bytes;		/* value bytes held */
	struct redis_ev		*next_ev;
};

struct redis_key_io {
	char		*name;		/* owned */
	int64_t		 seen_len;	/* values consumed in this list */
	uint64_t	 last_hash;	/* hash of value seen_len - 1 */
	int64_t		 anchor;	/* index of the check value, -1 */
	uint64_t	 anchor_hash;	/* its hash */
	bool		 last_big;	/* value seen_len - 1 > max_value */
	int64_t		 full_due;	/* ns: no anchor: next LINDEX */
	uint64_t	 gen;		/* bumped when the list changed */
	uint64_t	 health_gen;	/* gen when the ends were read */
	bool		 head_big;	/* value 0 > max_value */
	int64_t		 resync_old_anchor;	/* anchor before resync */
	bool		 check_sent;	/* this poll has a LINDEX check */
	bool		 force_check;	/* LLEN moved: check next poll */
	bool		 head_known;	/* value 0 decoded in this list */
	bool		 tail_known;	/* value seen_len - 1 decoded */
	int64_t		 len;		/* LLEN at the last poll */
	int64_t		 t_prev;	/* ns: last poll whose check matched */
	int64_t		 trim_guess;	/* last trim size found, 0: none */
	bool		 probing;	/* seen_len moved by trim_guess */
	bool		 resync;	/* reading from 0 after a change */
	bool		 drain_pending;	/* EV_DRAIN not sent yet */
	int64_t		 t_detect;	/* ns: when the change was seen */
	bool		 drain_reconnect;
	int64_t		 drain_t_prev;
	int64_t		 drain_known_lost;
	int64_t		 resync_old_len;	/* seen_len before resync */
	uint64_t	 resync_old_hash;
	bool		 resync_search;	/* still looking for that hash */
	int64_t		 probe_from;	/* seen_len before probing */
	int64_t		 dedup_until;	/* check the hash set below this */
	bool		 dedup_all;	/* below it all are old: no check */
	bool		 wrong_type;	/* skipped until TYPE says list */
	bool		 denied;	/* ACL refused a command */
	int64_t		 skip_until;	/* ns: recheck a skipped key */
	int64_t		 interval_us;	/* current poll interval */
	int64_t		 next_due;	/* ns: next poll */
	int		 slot;		/* cluster hash slot */
	int		 ask_node;	/* ASK: next poll there, -1 */
	bool		 asking;	/* this poll sent ASKING */
};

/* Where a key is read from, for the health (under lock). */
struct redis_key_link {
	char			 node[64];	/* host:port or the socket */
	bool			 replica;
	bool			 up;		/* the connection is open */
};

/* A server: the only one, a cluster node, or the sentinels' master. */
struct redis_node {
	char			*host;		/* owned, NULL: unix socket */
	const char		*path;		/* the socket (conf's) */
	int			 port;
	bool			 replica;	/* READONLY after connecting */
	struct redis_conn	*conn;		/* NULL: not connected */
	int			 fd;		/* under lock, -1: none */
	bool			 used;		/* serves a watched key */
	int64_t			 retry_at;	/* ns: next connection attempt */
	int64_t			 backoff_ms;
	char			 err[256];	/* why it is down, or "" */
	size_t			 npolled;	/* blocks in this round */
	int			*polled;	/* key index per block */
};

struct redis_io {
	struct redis_conf	 conf;
	struct redis_key_io	*keys;
	size_t			 nkeys;

	pthread_t		 thread;
	bool			 started;
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;		/* wakes the I/O thread */
	/* Under lock. */
	bool			 stop;
	struct redis_ev		*head, *tail;	/* queue, oldest first */
	size_t			 queued_bytes;
	char			 state[192];	/* "connected", ... */
	uint64_t		 state_gen;	/* bumped on every change */
	bool			 connected_once;
	/* Changed by the I/O thread under lock (fds read by stop). */
	struct redis_node	*nodes;
	size_t			 nnodes;
	struct redis_key_link	*links;		/* per key: its node now */
	struct redis_conn	*sentinel;	/* kept connection, or NULL */
	int			 sentinel_fd;

	/* I/O thread only. */
	bool			 ready;		/* topology known */
	bool			 cluster;
	int			*slots;		/* cluster: node per slot, -1 */
	int64_t			 refresh_due;	/* ns: CLUSTER SLOTS, 0: no */
	bool			 slots_refused;	/* NOPERM: MOVED alone */
	char			 master_at[300]; /* sentinel: its master */
	char			 sentinel_at[300]; /* the sentinel asked */
	uint64_t		*ring[2];	/* de-duplication hash sets */
	size_t			 ring_n;	/* entries in ring[0] */
	int64_t			 backoff_ms;
	int64_t			 next_health;
};

void		 source_redis_io_start(struct redis_io *);
void		 source_redis_io_stop(struct redis_io *);
struct redis_ev	*source_redis_io_take(struct redis_io *);
void		 source_redis_io_done(struct redis_io *, size_t);
void		 source_redis_io_ev_free(struct redis_ev *);
int64_t		 source_redis_io_now(void);

#endif
