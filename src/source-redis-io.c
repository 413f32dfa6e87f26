/* SPDX-License-Identifier: ISC */
/*
 * The Redis tail's I/O thread (tyk-formats.md 2.5).  Per key it keeps
 * seen_len, the number of values of the current list already read, and the
 * index and hash of the anchor, the newest value read that is at most
 * REDIS_ANCHOR_MAX bytes (usually value seen_len-1).  Each round
 * pipelines, for every key, one transaction
 *
 *	MULTI / LLEN k / LINDEX k anchor / LRANGE k seen_len +499 / EXEC
 *
 * which is atomic with respect to the pump's own MULTI (LRANGE + DEL, or
 * LRANGE + LTRIM).  If the length did not shrink and the anchor is still
 * the value read at its index, nothing was removed and the slice is
 * exactly the new values.  The anchor is small so that an idle list costs
 * little: the last value, however large, is not sent again every poll
 * (a list with no small value is checked as io_key_result says).  Otherwise the list was drained,
 * trimmed or expired: if a trim of the size seen last time explains it
 * (the pump's purge_chunk is constant) the next round checks that
 * position; else the key is re-read from index 0 and every value is
 * checked against a set of recently seen hashes (records carry nanosecond
 * timestamps, so equal bytes are the same record).  Each change is
 * reported to the main thread as a drain event, which decides whether
 * records were lost (a gap marker).
 *
 * Each key has its own poll interval: 1 ms while values arrive (a drain
 * loses what was pushed since the previous poll, so the expected loss is
 * about (interval + round trip) / (2 * drain period): well under 1% for a
 * pump draining every second), growing by half each empty poll to 500 ms.  A round polls only
 * the keys that are due; a key with more values than one slice is polled
 * again at once.  Slices stay at 500 values: hiredis 0.14 and the
 * server are fastest between 250 and 1000 (toolchain.md 6d).
 *
 * Values are not copied: an event owns the whole EXEC reply and the main
 * thread frees it after decoding.  The queue is bounded (REDIS_QUEUE_MAX
 * bytes); when the main thread falls behind, the I/O thread waits, which
 * widens the blind window instead of growing memory.
 */
#include "config.h"

#include "source-redis-io.h"

#include <sys/socket.h>

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bytes.h"
#include "log.h"
#include "render.h"
#include "source-redis-cluster.h"
#include "strnum.h"
#include "strtab.h"
#include "xmalloc.h"

#define REDIS_CHUNK		500
#define REDIS_BUSY_US		1000
#define REDIS_IDLE_US		500000
#define REDIS_HEALTH_MS		1000
#define REDIS_SKIP_MS		5000	/* recheck a skipped key */
#define REDIS_QUEUE_MAX		((size_t)256 << 20)
#define REDIS_RING_SLOTS	((size_t)1 << 19)	/* per generation */
#define REDIS_BACKOFF_MIN	500
#define REDIS_BACKOFF_MAX	8000
#define REDIS_ANCHOR_MAX	16384	/* bytes: a value cheap to check */
#define REDIS_FULL_CHECK_MS	60000	/* no such value: LINDEX this often */
#define REDIS_BIG_PREFIX	256	/* bytes kept of a value too big */

static void	*io_main(void *);
static void	 io_links(struct redis_io *);

/*
 * Copy len bytes the server sent (an error reply, a TYPE) into dst as
 * terminal-safe text: render_safe escapes ESC and every other control
 * byte, so a reply cannot move the cursor or retitle the terminal when
 * it is shown in the state line, a warning or on stderr.
 */
static void
io_safe(char *dst, size_t dstlen, const char *s, size_t len)
{
	struct buf	 b;

	buf_init(&b);
	render_safe(&b, s != NULL ? s : "", s != NULL ? len : 0, 0);
	snprintf(dst, dstlen, "%.*s", (int)b.len, b.data != NULL ? b.data :
	    "");
	buf_clear(&b);
}

/* Wall-clock time in ns (record timestamps are wall-clock too). */
int64_t
source_redis_io_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);
}

/* Hash of a value, mixed with its key so the set can be shared. */
static uint64_t
io_hash(const void *p, size_t len, int key)
{
	uint64_t	 h;

	h = strtab_hash(p, len) ^ ((uint64_t)(key + 1) * 0x9e3779b97f4a7c15ULL);
	return (h == 0 ? 1 : h);
}

/*
 * The de-duplication set: two generations of open-addressing tables of
 * hashes.  When the newer one is half full the older one is dropped, so
 * between 256 Ki and 512 Ki of the most recent values are remembered.
 */
static bool
io_ring_has(struct redis_io *io, uint64_t h)
{
	size_t	 i, g;

	for (g = 0; g < 2; g++) {
		for (i = h & (REDIS_RING_SLOTS - 1); io->ring[g][i] != 0;
		    i = (i + 1) & (REDIS_RING_SLOTS - 1))
			if (io->ring[g][i] == h)
				return (true);
	}
	return (false);
}

static void
io_ring_add(struct redis_io *io, uint64_t h)
{
	uint64_t	*t;
	size_t		 i;

	if (io->ring_n >= REDIS_RING_SLOTS / 2) {
		t = io->ring[1];
		io->ring[1] = io->ring[0];
		memset(t, 0, REDIS_RING_SLOTS * sizeof *t);
		io->ring[0] = t;
		io->ring_n = 0;
	}
	for (i = h & (REDIS_RING_SLOTS - 1); io->ring[0][i] != 0;
	    i = (i + 1) & (REDIS_RING_SLOTS - 1))
		if (io->ring[0][i] == h)
			return;
	io->ring[0][i] = h;
	io->ring_n++;
}

/* Free an event and everything it owns. */
void
source_redis_io_ev_free(struct redis_ev *ev)
{
	if (ev == NULL)
		return;
	if (ev->reply != NULL)
		freeReplyObject(ev->reply);
	if (ev->oldest != NULL)
		freeReplyObject(ev->oldest);
	if (ev->newest != NULL)
		freeReplyObject(ev->newest);
	free(ev->dup);
	free(ev->bigsz);
	free(ev->text);
	free(ev);
}

static struct redis_ev *
io_ev(enum redis_ev_kind kind, int key)
{
	struct redis_ev	*ev;

	ev = xcalloc(1, sizeof *ev);
	ev->kind = kind;
	ev->key = key;
	return (ev);
}

/* Queue an event for the main thread. */
static void
io_post(struct redis_io *io, struct redis_ev *ev)
{
	pthread_mutex_lock(&io->lock);
	if (io->tail != NULL)
		io->tail->next_ev = ev;
	else
		io->head = ev;
	io->tail = ev;
	io->queued_bytes += ev->bytes;
	pthread_mutex_unlock(&io->lock);
}

static void
io_warn(struct redis_io *io, int key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
io_warn(struct redis_io *io, int key, const char *fmt, ...)
{
	struct redis_ev	*ev;
	va_list		 ap;

	ev = io_ev(REDIS_EV_WARN, key);
	va_start(ap, fmt);
	xvasprintf(&ev->text, fmt, ap);
	va_end(ap);
	io_post(io, ev);
}

static void
io_state(struct redis_io *io, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
io_state(struct redis_io *io, const char *fmt, ...)
{
	va_list	 ap;
	char	 s[sizeof io->state];

	va_start(ap, fmt);
	vsnprintf(s, sizeof s, fmt, ap);
	va_end(ap);
	pthread_mutex_lock(&io->lock);
	if (strcmp(s, io->state) != 0) {
		memcpy(io->state, s, sizeof s);
		io->state_gen++;
	}
	pthread_mutex_unlock(&io->lock);
}

/* Sleep us (0: just check), waking early on stop; true if stopping. */
static bool
io_sleep(struct redis_io *io, int64_t us)
{
	struct timespec	 ts, now;
	bool		 stop;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += us / 1000000;
	ts.tv_nsec += (us % 1000000) * 1000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&io->lock);
	while (!io->stop && us > 0) {
		if (pthread_cond_timedwait(&io->cond, &io->lock, &ts) ==
		    ETIMEDOUT)
			break;
		clock_gettime(CLOCK_REALTIME, &now);
		if (now.tv_sec > ts.tv_sec || (now.tv_sec == ts.tv_sec &&
		    now.tv_nsec >= ts.tv_nsec))
			break;
	}
	stop = io->stop;
	pthread_mutex_unlock(&io->lock);
	return (stop);
}

/* Wait while the main thread is behind; returns true if stopping. */
static bool
io_wait_room(struct redis_io *io)
{
	struct timespec	 ts;
	bool		 stop;

	pthread_mutex_lock(&io->lock);
	while (!io->stop && io->queued_bytes > REDIS_QUEUE_MAX) {
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 100000000;
		if (ts.tv_nsec >= 1000000000) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000;
		}
		pthread_cond_timedwait(&io->cond, &io->lock, &ts);
	}
	stop = io->stop;
	pthread_mutex_unlock(&io->lock);
	return (stop);
}

/* Consume a SIGPIPE left pending by a write to a dead server. */
static void
io_sigpipe(void)
{
	sigset_t	 pipe;
	struct timespec	 zero = { 0, 0 };

	sigemptyset(&pipe);
	sigaddset(&pipe, SIGPIPE);
	while (sigtimedwait(&pipe, NULL, &zero) > 0)
		;
}

/* "host:port", "[v6]:port" or the socket path of a node. */
static void
io_node_name(const struct redis_node *n, char *dst, size_t dstlen)
{
	if (n->host == NULL)
		snprintf(dst, dstlen, "%s", n->path);
	else if (strchr(n->host, ':') != NULL)
		snprintf(dst, dstlen, "[%.120s]:%d", n->host, n->port);
	else
		snprintf(dst, dstlen, "%.120s:%d", n->host, n->port);
}

static void
io_node_close(struct redis_io *io, struct redis_node *n)
{
	io_sigpipe();
	if (n->conn == NULL)
		return;
	pthread_mutex_lock(&io->lock);
	n->fd = -1;
	pthread_mutex_unlock(&io->lock);
	source_redis_conn_free(n->conn);
	n->conn = NULL;
}

static void
io_disconnect(struct redis_io *io)
{
	size_t	 i;

	for (i = 0; i < io->nnodes; i++)
		io_node_close(io, &io->nodes[i]);
}

/* The node at host:port (NULL host: the socket), added if new. */
static int
io_node_find(struct redis_io *io, const char *host, int port, bool replica)
{
	struct redis_node	*n;
	size_t			 i;

	for (i = 0; i < io->nnodes; i++) {
		n = &io->nodes[i];
		if (n->port == port && ((host == NULL && n->host == NULL) ||
		    (host != NULL && n->host != NULL &&
		    strcmp(host, n->host) == 0))) {
			n->replica = replica;
			return ((int)i);
		}
	}
	pthread_mutex_lock(&io->lock);
	io->nodes = xreallocarray(io->nodes, io->nnodes + 1,
	    sizeof *io->nodes);
	n = &io->nodes[io->nnodes];
	memset(n, 0, sizeof *n);
	n->host = host != NULL ? xstrdup(host) : NULL;
	n->path = io->conf.path;
	n->port = port;
	n->replica = replica;
	n->fd = -1;
	n->backoff_ms = REDIS_BACKOFF_MIN;
	n->polled = xcalloc(io->nkeys + 1, sizeof *n->polled);
	io->nnodes++;
	pthread_mutex_unlock(&io->lock);
	return ((int)io->nnodes - 1);
}

/* Set a socket that stop may shut down (under the lock). */
static void
io_set_fd(struct redis_io *io, int *fdp, int fd)
{
	pthread_mutex_lock(&io->lock);
	*fdp = fd;
	pthread_mutex_unlock(&io->lock);
}

/* Run one command on c and return its reply (NULL on an I/O error). */
static redisReply *
io_command(struct redis_conn *c, int argc, const char **argv)
{
	redisReply	*r;

	if (source_redis_conn_append(c, argc, argv) != 0 ||
	    source_redis_conn_reply(c, &r) != 0)
		return (NULL);
	return (r);
}

/*
 * Connect to host:port (NULL host: the conf's socket) and authenticate
 * with user and pass.  Returns the connection, or NULL with *rc -1 for a
 * connection failure, -2 when the server refused us; err gets a message
 * that never contains the password.
 */
static struct redis_conn *
io_open(struct redis_io *io, const char *host, int port, const char *user,
    const char *pass, int *fdp, int *rc, char *err, size_t errlen)
{
	struct redis_conf	 cf = io->conf;
	struct redis_conn	*c;
	redisReply		*r;
	const char		*argv[3];
	char			 where[300], msg[256];
	int			 argc;

	if (host != NULL) {
		cf.host = (char *)host;
		cf.port = port;
		cf.path = NULL;
		snprintf(where, sizeof where, strchr(host, ':') != NULL ?
		    "[%.120s]:%d" : "%.120s:%d", host, port);
	} else
		snprintf(where, sizeof where, "%s", cf.path);
	*rc = -1;
	if ((c = source_redis_conn_open(&cf, err, errlen)) == NULL)
		return (NULL);
	/* From here stop can interrupt a read (shutdown(2)). */
	io_set_fd(io, fdp, source_redis_conn_fd(c));
	if (pass != NULL || user != NULL) {
		argc = 0;
		argv[argc++] = "AUTH";
		if (user != NULL)
			argv[argc++] = user;
		argv[argc++] = pass != NULL ? pass : "";
		if ((r = io_command(c, argc, argv)) == NULL)
			goto ioerr;
		if (r->type == REDIS_REPLY_ERROR) {
			io_safe(msg, sizeof msg, r->str, r->len);
			snprintf(err, errlen, "auth failed: %s", msg);
			freeReplyObject(r);
			io_set_fd(io, fdp, -1);
			source_redis_conn_free(c);
			*rc = -2;
			return (NULL);
		}
		freeReplyObject(r);
	}
	*rc = 0;
	return (c);

ioerr:
	source_redis_conn_error(c, msg, sizeof msg);
	snprintf(err, errlen, "%.120s: %s", where, msg);
	io_set_fd(io, fdp, -1);
	source_redis_conn_free(c);
	io_sigpipe();
	return (NULL);
}

/*
 * Connect a node: AUTH, SELECT, READONLY for a replica, PING.  Returns
 * 0, -1 for a connection failure, -2 when the server refused us.
 */
static int
io_node_connect(struct redis_io *io, struct redis_node *n, char *err,
    size_t errlen)
{
	struct redis_conf	*cf = &io->conf;
	struct redis_conn	*c;
	redisReply		*r;
	const char		*argv[2];
	char			 where[300], db[16], msg[256];
	int			 rc, i;

	io_node_name(n, where, sizeof where);
	if ((c = io_open(io, n->host, n->port, cf->user, cf->pass, &n->fd, &rc,
	    err, errlen)) == NULL)
		return (rc);
	for (i = 0; i < 3; i++) {
		if (i == 0 && cf->db == 0)
			continue;
		if (i == 1 && !n->replica)
			continue;
		snprintf(db, sizeof db, "%d", cf->db);
		argv[0] = i == 0 ? "SELECT" : i == 1 ? "READONLY" : "PING";
		argv[1] = db;
		if ((r = io_command(c, i == 0 ? 2 : 1, argv)) == NULL)
			goto ioerr;
		if (r->type == REDIS_REPLY_ERROR) {
			io_safe(msg, sizeof msg, r->str, r->len);
			if (i == 0)
				snprintf(err, errlen, "SELECT %d failed: %s",
				    cf->db, msg);
			else
				snprintf(err, errlen, "%s failed: %s", argv[0],
				    msg);
			freeReplyObject(r);
			io_set_fd(io, &n->fd, -1);
			source_redis_conn_free(c);
			return (-2);
		}
		freeReplyObject(r);
	}
	n->conn = c;
	n->err[0] = '\0';
	n->backoff_ms = REDIS_BACKOFF_MIN;
	return (0);

ioerr:
	source_redis_conn_error(c, msg, sizeof msg);
	snprintf(err, errlen, "%.120s: %s", where, msg);
	io_set_fd(io, &n->fd, -1);
	source_redis_conn_free(c);
	io_sigpipe();
	return (-1);
}

static bool
io_is_error(const redisReply *r, const char *prefix)
{
	return (r != NULL && r->type == REDIS_REPLY_ERROR && r->str != NULL &&
	    strncmp(r->str, prefix, strlen(prefix)) == 0);
}

/* The first error reply among the replies of a key's block. */
static const redisReply *
io_first_error(redisReply **rs, size_t n)
{
	size_t	 i, j;

	for (i = 0; i < n; i++) {
		if (rs[i] == NULL)
			continue;
		if (rs[i]->type == REDIS_REPLY_ERROR)
			return (rs[i]);
		if (rs[i]->type == REDIS_REPLY_ARRAY)
			for (j = 0; j < rs[i]->elements; j++)
				if (rs[i]->element[j]->type ==
				    REDIS_REPLY_ERROR)
					return (rs[i]->element[j]);
	}
	return (NULL);
}

/* Forget what was read of a key's list (it changed, or was skipped). */
static void
io_key_forget(struct redis_key_io *k)
{
	k->seen_len = 0;
	k->last_hash = 0;
	k->anchor = -1;
	k->anchor_hash = 0;
	k->last_big = k->head_known = k->tail_known = false;
	k->force_check = false;
	k->full_due = 0;
	k->gen++;
}

/* Skip a key for a while after an error reply about it. */
static void
io_skip_key(struct redis_io *io, int i, const redisReply *e, int64_t now)
{
	struct redis_key_io	*k = &io->keys[i];
	char			 msg[256];

	k->skip_until = now + (int64_t)REDIS_SKIP_MS * 1000000;
	if (io_is_error(e, "WRONGTYPE")) {
		if (!k->wrong_type)
			io_warn(io, i, "not a list: skipped");
		k->wrong_type = true;
	} else {
		if (!k->denied) {
			io_safe(msg, sizeof msg, e->str, e->len);
			io_warn(io, i, "%s: skipped", msg);
		}
		k->denied = true;
	}
	io_key_forget(k);
	k->resync = k->probing = false;
}

/*
 * The list changed under us: remember the drain (once) and arrange to
 * read the key again from the start.  The value searched for afterwards
 * is the anchor (the check value), or the last one read.
 */
static void
io_changed(struct redis_io *io, struct redis_key_io *k, int64_t now)
{
	(void)io;
	k->gen++;
	k->head_known = false;
	if (!k->probing && !k->resync && k->trim_guess > 0 &&
	    k->seen_len - k->trim_guess > 0 && k->anchor - k->trim_guess >= 0) {
		/* Try "trimmed by the same amount as last time" first. */
		k->probing = true;
		k->probe_from = k->seen_len;
		k->drain_t_prev = k->t_prev;
		k->drain_known_lost = k->len > k->seen_len ?
		    k->len - k->seen_len : 0;
		k->seen_len -= k->trim_guess;
		k->anchor -= k->trim_guess;
		k->t_detect = now;
		return;
	}
	if (!k->drain_pending && !k->resync) {
		k->drain_pending = true;
		if (!k->probing) {
			k->drain_t_prev = k->t_prev;
			k->drain_known_lost = k->len > k->seen_len ?
			    k->len - k->seen_len : 0;
			k->t_detect = now;
		}
		k->resync_old_len = k->probing ? k->probe_from : k->seen_len;
		if (k->anchor >= 0) {
			k->resync_old_hash = k->anchor_hash;
			k->resync_old_anchor = k->anchor + (k->probing ?
			    k->probe_from - k->seen_len : 0);
		} else {
			k->resync_old_hash = k->last_hash;
			k->resync_old_anchor = k->resync_old_len - 1;
		}
		k->resync_search = k->resync_old_len > 0;
		/* At most that many old values can still be there. */
		k->dedup_until = k->resync_old_len;
	}
	k->probing = false;
	k->resync = true;
	io_key_forget(k);
}

/*
 * After a change, which of the values read from position s on (vals)
 * can be old ones still there?  If the old anchor is among them at j,
 * the list was trimmed by anchor - (s + j) and exactly the old values
 * read after the anchor follow it: those are old, everything after is
 * new, however alike the bytes (a gateway may push identical records).
 * If the search ends without it, only values read after the anchor can
 * have survived (none when the anchor was the last value read), and only
 * they are looked up in the set of recent hashes.
 */
static void
io_resync_bounds(struct redis_io *io, struct redis_key_io *k, int i,
    int64_t s, const redisReply *vals, bool *overlap)
{
	const redisReply	*v;
	size_t			 j;

	if (!k->resync_search)
		return;
	for (j = 0; j < vals->elements; j++) {
		v = vals->element[j];
		if (v->type == REDIS_REPLY_STRING && io_hash(v->str, v->len,
		    i) == k->resync_old_hash) {
			/* Found the value read before: a trim. */
			k->trim_guess = k->resync_old_anchor - (s +
			    (int64_t)j);
			k->dedup_until = s + (int64_t)j + 1 +
			    (k->resync_old_len - 1 - k->resync_old_anchor);
			k->dedup_all = true;
			k->resync_search = false;
			*overlap = true;
			return;
		}
	}
	if (s + (int64_t)vals->elements >= k->resync_old_len ||
	    vals->elements < REDIS_CHUNK) {
		/* Not there: gone, with all before it. */
		k->resync_search = false;
		k->dedup_until = k->resync_old_len - 1 - k->resync_old_anchor;
	}
}

/*
 * Keep only a prefix of a value over max_value: it becomes a bad record,
 * and the memory goes back at once.
 */
static void
io_shrink(redisReply *v)
{
	char	*p;

	p = xmalloc(REDIS_BIG_PREFIX + 1);
	memcpy(p, v->str, REDIS_BIG_PREFIX);
	p[REDIS_BIG_PREFIX] = '\0';
	free(v->str);
	v->str = p;
	v->len = REDIS_BIG_PREFIX;
}

/*
 * Handle one key's transaction result.  Takes ownership of exec.  Returns
 * the number of new values; *more is set if the key has unread values.
 *
 * The check: LLEN did not shrink below seen_len and the anchor (the
 * newest value read of at most REDIS_ANCHOR_MAX bytes) is still at its
 * index, so nothing was removed from the head.  The anchor is checked
 * every poll (it is small); a list without one (all its values large) is
 * checked with LINDEX only when LLEN moved (then the values wait for the
 * next poll, which has the check) and every REDIS_FULL_CHECK_MS, and
 * never when the last value is over max_value.  So an idle list costs an
 * LLEN and a small LINDEX per poll, not its last value.
 */
static size_t
io_key_result(struct redis_io *io, int i, redisReply *exec, int64_t now,
    bool *more)
{
	struct redis_key_io	*k = &io->keys[i];
	redisReply		*elen, *eidx, *vals, *v;
	struct redis_ev		*ev, *dev;
	int64_t			 len, s, pos;
	uint64_t		 h, want;
	size_t			 j, fresh = 0, bytes = 0;
	bool			 match, overlap, big;

	elen = exec->element[0];
	eidx = exec->element[1];
	vals = exec->element[2];
	if (elen->type == REDIS_REPLY_ERROR) {
		io_skip_key(io, i, elen, now);
		freeReplyObject(exec);
		return (0);
	}
	len = elen->type == REDIS_REPLY_INTEGER ? elen->integer : 0;
	if (k->wrong_type || k->denied) {
		k->wrong_type = k->denied = false;
	}
	s = k->seen_len;
	want = k->anchor >= 0 ? k->anchor_hash : k->last_hash;
	if (s == 0)
		match = true;
	else if (len < s)
		match = false;
	else if (k->check_sent)
		match = eidx->type == REDIS_REPLY_STRING &&
		    io_hash(eidx->str, eidx->len, i) == want;
	else if (len != k->len && !k->last_big) {
		/* Moved, unchecked: check before reading on. */
		k->force_check = true;
		*more = true;
		freeReplyObject(exec);
		return (0);
	} else
		match = true;
	if (k->check_sent)
		k->force_check = false;
	if (!match) {
		io_changed(io, k, now);
		*more = true;
		freeReplyObject(exec);
		return (0);
	}
	if (k->probing) {
		/* A trim of trim_guess values: nothing was lost. */
		ev = io_ev(REDIS_EV_DRAIN, i);
		ev->t_prev = k->drain_t_prev;
		ev->t_detect = k->t_detect;
		ev->overlap = true;
		io_post(io, ev);
		k->probing = false;
	}
	if (vals->type != REDIS_REPLY_ARRAY) {
		freeReplyObject(exec);
		return (0);
	}

	ev = io_ev(REDIS_EV_VALUES, i);
	ev->dup = xcalloc(vals->elements + 1, 1);
	overlap = false;
	io_resync_bounds(io, k, i, s, vals, &overlap);
	for (j = 0; j < vals->elements; j++) {
		v = vals->element[j];
		pos = s + (int64_t)j;
		if (v->type != REDIS_REPLY_STRING) {
			ev->dup[j] = 1;
			continue;
		}
		h = io_hash(v->str, v->len, i);
		big = io->conf.max_value > 0 && v->len > io->conf.max_value;
		/*
		 * Reading forward, every value is new by position; only
		 * after a change can old values come round again, and only
		 * below dedup_until (io_resync_bounds).
		 */
		if (pos < k->dedup_until && (k->dedup_all ||
		    io_ring_has(io, h))) {
			ev->dup[j] = 1;
			if (pos == 0)
				overlap = true;
		} else {
			io_ring_add(io, h);
			fresh++;
			if (big) {
				if (ev->bigsz == NULL)
					ev->bigsz = xcalloc(vals->elements,
					    sizeof *ev->bigsz);
				ev->bigsz[j] = v->len;
				ev->dup[j] = 2;
			}
			bytes += big ? REDIS_BIG_PREFIX : v->len;
		}
		if (!big && v->len <= REDIS_ANCHOR_MAX) {
			k->anchor = pos;
			k->anchor_hash = h;
		}
		/* The main thread knows the time of what it decoded. */
		if (pos == 0)
			k->head_known = ev->dup[j] != 1;
		if (j == vals->elements - 1) {
			k->last_hash = h;
			k->last_big = big;
			k->tail_known = ev->dup[j] != 1;
		}
		if (big)
			io_shrink(v);
	}
	if (k->dedup_until <= s + (int64_t)vals->elements)
		k->dedup_all = false;
	if (k->drain_pending) {
		/* First slice after a change: report it before the values. */
		dev = io_ev(REDIS_EV_DRAIN, i);
		dev->t_prev = k->drain_t_prev;
		dev->t_detect = k->t_detect;
		dev->overlap = overlap;
		dev->known_lost = overlap ? 0 : k->drain_known_lost;
		dev->reconnect = k->drain_reconnect;
		io_post(io, dev);
		k->drain_pending = false;
	}
	/* Checked after the reconnection: later drains are ordinary. */
	k->drain_reconnect = false;
	k->resync = false;
	k->seen_len = s + (int64_t)vals->elements;
	k->len = len;
	k->t_prev = now;
	if (vals->elements > 0) {
		k->gen++;
		/* Just read: the next full check is not due for a while. */
		k->full_due = now + (int64_t)REDIS_FULL_CHECK_MS * 1000000;
	}
	if (k->seen_len < len)
		*more = true;
	if (fresh == 0) {
		source_redis_io_ev_free(ev);
		freeReplyObject(exec);
		return (0);
	}
	ev->reply = exec;
	ev->values = vals;
	ev->first = (uint64_t)s;
	ev->bytes = bytes;
	io_post(io, ev);
	return (fresh);
}

/* Schedule a key's next poll from what the last one found. */
static void
io_key_due(struct redis_key_io *k, size_t fresh, bool more, int64_t now)
{
	if (more)
		k->interval_us = 0;
	else if (fresh > 0 || k->interval_us < REDIS_BUSY_US)
		k->interval_us = REDIS_BUSY_US;
	else if (k->interval_us < REDIS_IDLE_US) {
		k->interval_us = k->interval_us * 3 / 2;
		if (k->interval_us > REDIS_IDLE_US)
			k->interval_us = REDIS_IDLE_US;
	}
	k->next_due = now + k->interval_us * 1000;
}

/* Microseconds until the next key is due (0: now). */
static int64_t
io_next_due(struct redis_io *io)
{
	int64_t	 now = source_redis_io_now(), due = INT64_MAX;
	size_t	 i;

	for (i = 0; i < io->nkeys; i++) {
		if (io->keys[i].wrong_type || io->keys[i].denied) {
			if (io->keys[i].skip_until < due)
				due = io->keys[i].skip_until;
		} else if (io->keys[i].next_due < due)
			due = io->keys[i].next_due;
	}
	if (due <= now)
		return (0);
	if (due - now > (int64_t)REDIS_IDLE_US * 1000)
		return (REDIS_IDLE_US);
	return ((due - now + 999) / 1000);
}

/*
 * Append one key's transaction to a node's pipeline, after ASKING when
 * the slot is being imported there.  The second command is the LINDEX
 * check when one is due (io_key_result), else a second LLEN that costs
 * nothing.
 */
static int
io_append_key(struct redis_io *io, struct redis_conn *c, int i, int64_t now)
{
	struct redis_key_io	*k = &io->keys[i];
	const char		*argv[4];
	char			 a[32], b[32], cc[32];
	int64_t			 idx = -1;

	if (k->asking) {
		argv[0] = "ASKING";
		if (source_redis_conn_append(c, 1, argv) != 0)
			return (-1);
	}
	argv[0] = "MULTI";
	if (source_redis_conn_append(c, 1, argv) != 0)
		return (-1);
	argv[0] = "LLEN";
	argv[1] = k->name;
	if (source_redis_conn_append(c, 2, argv) != 0)
		return (-1);
	if (k->seen_len > 0) {
		if (k->anchor >= 0)
			idx = k->anchor;
		else if (!k->last_big && (k->force_check || k->probing ||
		    now >= k->full_due)) {
			idx = k->seen_len - 1;
			k->full_due = now + (int64_t)REDIS_FULL_CHECK_MS *
			    1000000;
		}
	}
	k->check_sent = idx >= 0;
	if (idx >= 0) {
		snprintf(a, sizeof a, "%lld", (long long)idx);
		argv[0] = "LINDEX";
		argv[2] = a;
		if (source_redis_conn_append(c, 3, argv) != 0)
			return (-1);
	} else if (source_redis_conn_append(c, 2, argv) != 0)
		return (-1);
	snprintf(b, sizeof b, "%lld", (long long)k->seen_len);
	snprintf(cc, sizeof cc, "%lld", (long long)(k->seen_len + REDIS_CHUNK -
	    1));
	argv[0] = "LRANGE";
	argv[2] = b;
	argv[3] = cc;
	if (source_redis_conn_append(c, 4, argv) != 0)
		return (-1);
	argv[0] = "EXEC";
	if (source_redis_conn_append(c, 1, argv) != 0)
		return (-1);
	return (0);
}

/* The node that serves key i (-1: none known). */
static int
io_key_node(struct redis_io *io, size_t i)
{
	if (!io->cluster)
		return (io->nnodes > 0 ? 0 : -1);
	return (io->slots[io->keys[i].slot]);
}

/* Mark the nodes that serve a watched key; close the others. */
static void
io_nodes_used(struct redis_io *io)
{
	size_t	 i;
	int	 n;

	for (i = 0; i < io->nnodes; i++)
		io->nodes[i].used = false;
	for (i = 0; i < io->nkeys; i++)
		if ((n = io_key_node(io, i)) >= 0)
			io->nodes[n].used = true;
	for (i = 0; i < io->nnodes; i++)
		if (!io->nodes[i].used)
			io_node_close(io, &io->nodes[i]);
}

/* The keys of node n lost their connection: their next drain spans it. */
static void
io_node_down(struct redis_io *io, int n, const char *why)
{
	struct redis_node	*nd = &io->nodes[n];
	size_t			 i;

	io_node_close(io, nd);
	snprintf(nd->err, sizeof nd->err, "%s", why);
	nd->retry_at = 0;
	for (i = 0; i < io->nkeys; i++)
		if (io_key_node(io, i) == n)
			io->keys[i].drain_reconnect = true;
	if (io->cluster)
		io->refresh_due = source_redis_io_now();
	io_links(io);
}

/*
 * A MOVED or ASK reply about key i: MOVED puts the slot on the node it
 * names (and asks for the whole map again: a slot seldom moves alone),
 * ASK sends only the next poll of the key there, after ASKING.
 * Returns true if e was one.
 */
static bool
io_redirect(struct redis_io *io, int i, int from, const redisReply *e)
{
	struct redis_redirect	 rd;
	struct redis_key_io	*k = &io->keys[i];
	int			 n, s;

	if (e == NULL || e->type != REDIS_REPLY_ERROR ||
	    source_redis_cluster_redirect(e->str, e->len, from >= 0 ?
	    io->nodes[from].host : NULL, &rd) != 0)
		return (false);
	if (!io->cluster) {
		/* A cluster node that did not say so (CLUSTER refused). */
		io->cluster = true;
		for (s = 0; s < REDIS_SLOTS; s++)
			io->slots[s] = from >= 0 ? from : 0;
	}
	n = io_node_find(io, rd.host, rd.port, io->conf.replica);
	if (rd.ask)
		k->ask_node = n;
	else {
		io->slots[rd.slot] = n;
		k->slot = rd.slot;
		k->ask_node = -1;
		if (!io->slots_refused)
			io->refresh_due = source_redis_io_now();
		io_nodes_used(io);
	}
	k->next_due = 0;
	return (true);
}

/* Send what every node has queued; a node that fails is down. */
static void
io_flush(struct redis_io *io)
{
	char	 err[256];
	size_t	 i;

	for (i = 0; i < io->nnodes; i++) {
		if (io->nodes[i].npolled == 0 || io->nodes[i].conn == NULL)
			continue;
		if (source_redis_conn_flush(io->nodes[i].conn) != 0) {
			source_redis_conn_error(io->nodes[i].conn, err,
			    sizeof err);
			io_node_down(io, (int)i, err);
		}
	}
}

/*
 * One polling round over every key that is due and not skipped, each on
 * its node, the nodes' pipelines sent before any reply is read.  Returns
 * the number of new values, or -1 when a node's connection failed.
 * *more is set when some key has values left to read.
 */
static ssize_t
io_round(struct redis_io *io, bool *more)
{
	struct redis_key_io	*k;
	struct redis_node	*nd;
	redisReply		*rs[6];
	const redisReply	*e;
	redisReply		*r;
	size_t			 i, j, n, p, nr, fresh = 0;
	int64_t			 now = source_redis_io_now();
	int			 rc = 0, ni, ki, failed = 0;
	bool			 kmore;
	char			 err[256];

	*more = false;
	for (i = 0; i < io->nnodes; i++)
		io->nodes[i].npolled = 0;
	for (i = 0; i < io->nkeys; i++) {
		k = &io->keys[i];
		if ((k->wrong_type || k->denied) && now < k->skip_until)
			continue;
		if (now < k->next_due)
			continue;
		ni = k->ask_node >= 0 ? k->ask_node : io_key_node(io, i);
		k->asking = k->ask_node >= 0;
		k->ask_node = -1;
		if (ni < 0 || io->nodes[ni].conn == NULL) {
			/* Its node is down: wait for the reconnection. */
			k->next_due = now + (int64_t)REDIS_BUSY_US * 100000;
			continue;
		}
		nd = &io->nodes[ni];
		if (io_append_key(io, nd->conn, (int)i, now) != 0) {
			source_redis_conn_error(nd->conn, err, sizeof err);
			io_node_down(io, ni, err);
			failed++;
			continue;
		}
		nd->polled[nd->npolled++] = (int)i;
	}
	io_flush(io);
	for (p = 0; p < io->nnodes; p++) {
		nd = &io->nodes[p];
		for (i = 0; i < nd->npolled && nd->conn != NULL; i++) {
			ki = nd->polled[i];
			k = &io->keys[ki];
			nr = k->asking ? 6 : 5;
			memset(rs, 0, sizeof rs);
			rc = 0;
			for (j = 0; j < nr; j++) {
				if (source_redis_conn_reply(nd->conn, &r) !=
				    0) {
					rc = -1;
					break;
				}
				rs[j] = r;
			}
			if (rc == 0 && rs[nr - 1]->type == REDIS_REPLY_ARRAY &&
			    rs[nr - 1]->elements == 3) {
				kmore = false;
				n = io_key_result(io, ki, rs[nr - 1], now,
				    &kmore);
				rs[nr - 1] = NULL;
				io_key_due(k, n, kmore, now);
				fresh += n;
				*more |= kmore;
			} else if (rc == 0) {
				e = io_first_error(rs, nr);
				if (io_redirect(io, ki, (int)p, e)) {
					/* io->nodes may have moved. */
					nd = &io->nodes[p];
					*more = true;
				}
				else if (io_is_error(e, "CLUSTERDOWN") ||
				    io_is_error(e, "TRYAGAIN") ||
				    io_is_error(e, "LOADING"))
					/* Not about the key: wait a little. */
					k->next_due = now +
					    (int64_t)REDIS_IDLE_US * 1000;
				else if (e != NULL)
					io_skip_key(io, ki, e, now);
			}
			for (j = 0; j < nr; j++)
				if (rs[j] != NULL)
					freeReplyObject(rs[j]);
			if (rc != 0) {
				source_redis_conn_error(nd->conn, err,
				    sizeof err);
				io_node_down(io, (int)p, err);
				failed++;
			}
		}
	}
	return (failed != 0 ? -1 : (ssize_t)fresh);
}

/*
 * Health round: TTL, TYPE, LLEN and both ends of every key, pipelined on
 * its node (plain commands: a slightly torn view does not matter here).
 * Also notices when a skipped key has become a list again.  An end is
 * read only when the list changed since the last round and the tail has
 * not read that value itself: an idle list costs three small replies, not
 * its first and last values every second.  A key whose slot is moving
 * (a redirection) keeps its last health.
 */
static int
io_health(struct redis_io *io)
{
	static const char *const cmds[5] = { "TTL", "TYPE", "LLEN", "LINDEX",
	    "LINDEX" };
	struct redis_key_io	*k;
	struct redis_node	*nd;
	struct redis_ev		*ev;
	redisReply		*rs[5];
	const char		*argv[3];
	redisReply		*r;
	size_t			 i, j, p;
	int			 rc = 0, *ends, ki, ni;
	bool			 changed;
	char			 err[256];

	ends = xcalloc(io->nkeys + 1, sizeof *ends);
	for (i = 0; i < io->nnodes; i++)
		io->nodes[i].npolled = 0;
	for (i = 0; i < io->nkeys; i++) {
		k = &io->keys[i];
		if ((ni = io_key_node(io, i)) < 0 ||
		    io->nodes[ni].conn == NULL)
			continue;
		nd = &io->nodes[ni];
		changed = k->gen != k->health_gen;
		k->health_gen = k->gen;
		if (k->seen_len > 0 && k->head_known)
			ends[i] |= REDIS_ENDS_HEAD_READ;
		else if (changed)
			ends[i] |= REDIS_ENDS_OLDEST;
		if (k->seen_len > 0 && k->seen_len == k->len && k->tail_known)
			ends[i] |= REDIS_ENDS_TAIL_READ;
		else if (changed)
			ends[i] |= REDIS_ENDS_NEWEST;
		for (j = 0; j < 5; j++) {
			argv[0] = cmds[j];
			argv[1] = k->name;
			argv[2] = j == 3 ? "0" : "-1";
			if ((j == 3 && !(ends[i] & REDIS_ENDS_OLDEST)) ||
			    (j == 4 && !(ends[i] & REDIS_ENDS_NEWEST)))
				argv[0] = "LLEN";
			if (source_redis_conn_append(nd->conn, argv[0][0] ==
			    'L' && argv[0][1] == 'I' ? 3 : 2, argv) != 0)
				break;
		}
		if (j < 5) {
			source_redis_conn_error(nd->conn, err, sizeof err);
			io_node_down(io, ni, err);
			rc = -1;
			continue;
		}
		nd->polled[nd->npolled++] = (int)i;
	}
	io_flush(io);
	for (p = 0; p < io->nnodes; p++) {
		nd = &io->nodes[p];
		for (i = 0; i < nd->npolled && nd->conn != NULL; i++) {
			ki = nd->polled[i];
			k = &io->keys[ki];
			memset(rs, 0, sizeof rs);
			for (j = 0; j < 5; j++) {
				if (source_redis_conn_reply(nd->conn, &r) != 0)
					break;
				rs[j] = r;
			}
			if (j < 5) {
				for (j = 0; j < 5; j++)
					if (rs[j] != NULL)
						freeReplyObject(rs[j]);
				source_redis_conn_error(nd->conn, err,
				    sizeof err);
				io_node_down(io, (int)p, err);
				rc = -1;
				break;
			}
			for (j = 0; j < 5; j++)
				if (io_redirect(io, ki, (int)p, rs[j]))
					break;
			nd = &io->nodes[p];
			if (j < 5) {
				for (j = 0; j < 5; j++)
					freeReplyObject(rs[j]);
				k->health_gen = UINT64_MAX;
				continue;
			}
			ev = io_ev(REDIS_EV_HEALTH, ki);
			io_node_name(nd, ev->node, sizeof ev->node);
			ev->node_replica = nd->replica;
			ev->ends = ends[ki];
			ev->ttl = rs[0]->type == REDIS_REPLY_INTEGER ?
			    rs[0]->integer : -2;
			if (rs[1]->type == REDIS_REPLY_STATUS)
				io_safe(ev->type, sizeof ev->type, rs[1]->str,
				    rs[1]->len);
			ev->llen = rs[2]->type == REDIS_REPLY_INTEGER ?
			    rs[2]->integer : 0;
			/* Ends over max_value are not decoded: no time. */
			if ((ends[ki] & REDIS_ENDS_OLDEST) &&
			    rs[3]->type == REDIS_REPLY_STRING &&
			    (io->conf.max_value == 0 || rs[3]->len <=
			    io->conf.max_value)) {
				ev->oldest = rs[3];
				rs[3] = NULL;
			}
			if ((ends[ki] & REDIS_ENDS_NEWEST) &&
			    rs[4]->type == REDIS_REPLY_STRING &&
			    (io->conf.max_value == 0 || rs[4]->len <=
			    io->conf.max_value)) {
				ev->newest = rs[4];
				rs[4] = NULL;
			}
			if (k->wrong_type && (strcmp(ev->type, "list") == 0 ||
			    strcmp(ev->type, "none") == 0)) {
				k->wrong_type = false;
				k->skip_until = 0;
			} else if (!k->wrong_type && ev->type[0] != '\0' &&
			    strcmp(ev->type, "list") != 0 &&
			    strcmp(ev->type, "none") != 0) {
				io_warn(io, ki, "a %s, not a list: skipped",
				    ev->type);
				k->wrong_type = true;
				k->skip_until = source_redis_io_now() +
				    (int64_t)REDIS_SKIP_MS * 1000000;
			}
			for (j = 0; j < 5; j++)
				if (rs[j] != NULL)
					freeReplyObject(rs[j]);
			io_post(io, ev);
		}
	}
	free(ends);
	return (rc);
}

/* After a reconnection every key is checked again from its position. */
static void
io_reconnected(struct redis_io *io)
{
	size_t	 i;

	for (i = 0; i < io->nkeys; i++)
		io->keys[i].drain_reconnect = true;
}

static void
io_fatal(struct redis_io *io, const char *msg)
{
	struct redis_ev	*ev;

	ev = io_ev(REDIS_EV_FATAL, -1);
	ev->text = xstrdup(msg);
	io_post(io, ev);
}

/*
 * Put the slots of a CLUSTER SLOTS reply (from node `from`) on nodes
 * and every key on the node of its slot.  Returns 0 or -1 with err.
 */
static int
io_cluster_map(struct redis_io *io, const redisReply *r, const char *peer,
    char *err, size_t errlen)
{
	struct redis_slot_range	*v;
	size_t			 n, i;
	int			 s, ni;

	if (source_redis_cluster_ranges(r, peer, io->conf.replica, &v, &n,
	    err, errlen) != 0)
		return (-1);
	for (s = 0; s < REDIS_SLOTS; s++)
		io->slots[s] = -1;
	for (i = 0; i < n; i++) {
		ni = io_node_find(io, v[i].host, v[i].port, v[i].replica);
		for (s = v[i].start; s <= v[i].end; s++)
			io->slots[s] = ni;
	}
	free(v);
	io->cluster = true;
	io_nodes_used(io);
	return (0);
}

/* Ask node n for the slot map.  0, -1 (I/O error) or -2 (refused). */
static int
io_cluster_refresh_from(struct redis_io *io, int n, char *err, size_t errlen)
{
	static const char	*argv[2] = { "CLUSTER", "SLOTS" };
	struct redis_node	*nd = &io->nodes[n];
	redisReply		*r;
	char			 msg[256];
	int			 rc;

	if ((r = io_command(nd->conn, 2, argv)) == NULL) {
		source_redis_conn_error(nd->conn, msg, sizeof msg);
		snprintf(err, errlen, "%s", msg);
		io_node_down(io, n, msg);
		return (-1);
	}
	if (r->type == REDIS_REPLY_ERROR) {
		io_safe(msg, sizeof msg, r->str, r->len);
		snprintf(err, errlen, "CLUSTER SLOTS: %s", msg);
		if (io_is_error(r, "NOPERM"))
			io->slots_refused = true;
		freeReplyObject(r);
		return (-2);
	}
	rc = io_cluster_map(io, r, nd->host != NULL ? nd->host : "127.0.0.1",
	    err, errlen);
	freeReplyObject(r);
	return (rc == 0 ? 0 : -2);
}

/* Refresh the slot map from any connected node, else any that connects. */
static void
io_cluster_refresh(struct redis_io *io)
{
	char	 err[512];
	size_t	 i;
	int	 pass, rc;

	io->refresh_due = 0;
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < io->nnodes; i++) {
			if (io->nodes[i].conn == NULL && (pass == 0 ||
			    io_node_connect(io, &io->nodes[i], err,
			    sizeof err) != 0))
				continue;
			rc = io_cluster_refresh_from(io, (int)i, err,
			    sizeof err);
			if (rc == 0)
				return;
			if (rc == -2 && io->slots_refused)
				/* Refused (ACL): MOVED replies keep the map. */
				return;
		}
	}
	/* None answered: try again with the next reconnection. */
	io->refresh_due = source_redis_io_now() +
	    (int64_t)REDIS_BACKOFF_MIN * 1000000;
}

/*
 * Ask the sentinels (the URI's addresses, the last one that answered
 * first) where the master is.  Returns 0 with host and port, or -1 with
 * a message.
 */
static int
io_sentinel_ask(struct redis_io *io, char *host, size_t hostlen, int *port,
    char *err, size_t errlen)
{
	struct redis_conf	*cf = &io->conf;
	struct redis_conn	*c;
	redisReply		*r;
	const char		*argv[3];
	const char		*errstr;
	char			 msg[256], where[300];
	size_t			 i, tries;
	int			 rc;

	argv[0] = "SENTINEL";
	argv[1] = "get-master-addr-by-name";
	argv[2] = cf->sentinel_master;
	err[0] = '\0';
	for (tries = 0; tries <= cf->naddrs; tries++) {
		i = tries == 0 ? 0 : tries - 1;
		if (tries == 0 && io->sentinel == NULL)
			continue;
		if (tries > 0) {
			if ((c = io_open(io, cf->addrs[i].host,
			    cf->addrs[i].port, NULL, cf->sentinel_pass,
			    &io->sentinel_fd, &rc, msg, sizeof msg)) == NULL) {
				snprintf(err, errlen, "sentinel %s", msg);
				continue;
			}
			io->sentinel = c;
			snprintf(io->sentinel_at, sizeof io->sentinel_at,
			    "%.120s:%d", cf->addrs[i].host, cf->addrs[i].port);
		}
		snprintf(where, sizeof where, "%s", io->sentinel_at);
		r = io_command(io->sentinel, 3, argv);
		if (r != NULL && r->type == REDIS_REPLY_ARRAY &&
		    r->elements == 2 &&
		    r->element[0]->type == REDIS_REPLY_STRING &&
		    r->element[1]->type == REDIS_REPLY_STRING &&
		    r->element[0]->len < hostlen) {
			snprintf(host, hostlen, "%.*s",
			    (int)r->element[0]->len, r->element[0]->str);
			*port = (int)strnum_parse(r->element[1]->str, 1, 65535,
			    &errstr);
			freeReplyObject(r);
			if (errstr == NULL)
				return (0);
			snprintf(err, errlen, "sentinel %s: bad port for master "
			    "%s", where, cf->sentinel_master);
		} else if (r == NULL) {
			source_redis_conn_error(io->sentinel, msg, sizeof msg);
			snprintf(err, errlen, "sentinel %.120s: %.300s", where, msg);
		} else {
			if (r->type == REDIS_REPLY_ERROR)
				io_safe(msg, sizeof msg, r->str, r->len);
			else
				snprintf(msg, sizeof msg, "no master named "
				    "'%.100s'", cf->sentinel_master);
			snprintf(err, errlen, "sentinel %.120s: %.300s", where, msg);
			freeReplyObject(r);
		}
		pthread_mutex_lock(&io->lock);
		io->sentinel_fd = -1;
		pthread_mutex_unlock(&io->lock);
		source_redis_conn_free(io->sentinel);
		io->sentinel = NULL;
		io_sigpipe();
	}
	return (-1);
}

/*
 * Find the servers: the sentinels' master; or the first address that
 * answers, which is the only server unless CLUSTER SLOTS says it is a
 * cluster node.  Returns 0, or -1/-2 with a message (as io_node_connect).
 */
static int
io_topology(struct redis_io *io, char *err, size_t errlen)
{
	struct redis_conf	*cf = &io->conf;
	char			 host[256], msg[512];
	size_t			 i;
	int			 port, rc = -1, n;

	if (cf->sentinel_master != NULL) {
		if (io_sentinel_ask(io, host, sizeof host, &port, err,
		    errlen) != 0)
			return (-1);
		if (io->nnodes == 0)
			io_node_find(io, host, port, false);
		if (io->nodes[0].port != port ||
		    strcmp(io->nodes[0].host, host) != 0) {
			/* The master moved: node 0 takes its address. */
			io_node_close(io, &io->nodes[0]);
			pthread_mutex_lock(&io->lock);
			free(io->nodes[0].host);
			io->nodes[0].host = xstrdup(host);
			io->nodes[0].port = port;
			pthread_mutex_unlock(&io->lock);
		}
		snprintf(io->master_at, sizeof io->master_at, "%s",
		    host);
		io->nodes[0].used = true;
		if (io->nodes[0].conn == NULL &&
		    (rc = io_node_connect(io, &io->nodes[0], err, errlen)) != 0)
			return (rc);
		io_node_name(&io->nodes[0], io->master_at,
		    sizeof io->master_at);
		return (0);
	}
	if (cf->path != NULL) {
		n = io_node_find(io, NULL, 0, false);
		io->nodes[n].used = true;
		return (io->nodes[n].conn != NULL ? 0 :
		    io_node_connect(io, &io->nodes[n], err, errlen));
	}
	for (i = 0; i < cf->naddrs; i++) {
		n = io_node_find(io, cf->addrs[i].host, cf->addrs[i].port,
		    false);
		if (io->nodes[n].conn == NULL &&
		    (rc = io_node_connect(io, &io->nodes[n], msg,
		    sizeof msg)) != 0) {
			snprintf(err, errlen, "%s", msg);
			continue;
		}
		rc = io_cluster_refresh_from(io, n, msg, sizeof msg);
		if (rc == 0)
			return (0);
		if (rc == -1) {
			snprintf(err, errlen, "%s", msg);
			continue;
		}
		/* Not a cluster (or CLUSTER refused: MOVED will say). */
		io->cluster = false;
		if (n != 0) {
			/* Node 0 is the server: swap it in. */
			struct redis_node t = io->nodes[0];

			pthread_mutex_lock(&io->lock);
			io->nodes[0] = io->nodes[n];
			io->nodes[n] = t;
			pthread_mutex_unlock(&io->lock);
		}
		io_nodes_used(io);
		return (0);
	}
	return (rc);
}

/* The error of the first used node that is down. */
static void
io_down_err(struct redis_io *io, char *err, size_t errlen)
{
	size_t	 i;

	snprintf(err, errlen, "connection lost");
	for (i = 0; i < io->nnodes; i++)
		if (io->nodes[i].used && io->nodes[i].conn == NULL &&
		    io->nodes[i].err[0] != '\0') {
			snprintf(err, errlen, "%s", io->nodes[i].err);
			return;
		}
}

/*
 * Connect every used node that is down and due; true if any is up (all
 * of them without --follow: a snapshot must not miss a node's keys).
 */
static bool
io_nodes_connect(struct redis_io *io, char *err, size_t errlen)
{
	struct redis_node	*nd;
	char			 msg[512];
	int64_t			 now = source_redis_io_now();
	size_t			 i;
	bool			 up = false;

	err[0] = '\0';
	for (i = 0; i < io->nnodes; i++) {
		nd = &io->nodes[i];
		if (!nd->used)
			continue;
		if (nd->conn == NULL && now >= nd->retry_at) {
			if (io_node_connect(io, nd, msg, sizeof msg) != 0) {
				snprintf(nd->err, sizeof nd->err, "%.250s", msg);
				nd->retry_at = now + nd->backoff_ms * 1000000;
				nd->backoff_ms *= 2;
				if (nd->backoff_ms > REDIS_BACKOFF_MAX)
					nd->backoff_ms = REDIS_BACKOFF_MAX;
				if (io->cluster && io->refresh_due == 0)
					io->refresh_due = now;
			}
		}
		if (nd->conn != NULL)
			up = true;
		else {
			if (err[0] == '\0')
				snprintf(err, errlen, "%s", nd->err);
			if (!io->conf.follow)
				return (false);
		}
	}
	return (up);
}

/* Publish each key's node and link state. */
static void
io_links(struct redis_io *io)
{
	struct redis_key_link	*l;
	size_t			 i;
	int			 n;

	pthread_mutex_lock(&io->lock);
	for (i = 0; i < io->nkeys; i++) {
		l = &io->links[i];
		if ((n = io_key_node(io, i)) < 0) {
			snprintf(l->node, sizeof l->node, "none");
			l->up = l->replica = false;
			continue;
		}
		io_node_name(&io->nodes[n], l->node, sizeof l->node);
		l->replica = io->nodes[n].replica;
		l->up = io->nodes[n].conn != NULL;
	}
	pthread_mutex_unlock(&io->lock);
}

/* The state line: "connected", or what is wrong with which node. */
static void
io_state_nodes(struct redis_io *io)
{
	char		 name[300];
	const char	*err = NULL;
	size_t		 i, used = 0, up = 0, replicas = 0;

	io_links(io);
	for (i = 0; i < io->nnodes; i++) {
		if (!io->nodes[i].used)
			continue;
		used++;
		if (io->nodes[i].replica)
			replicas++;
		if (io->nodes[i].conn != NULL)
			up++;
		else if (err == NULL) {
			err = io->nodes[i].err;
			io_node_name(&io->nodes[i], name, sizeof name);
		}
	}
	if (io->cluster && up == used)
		io_state(io, "connected (cluster: %zu node%s%s)", used,
		    used == 1 ? "" : "s", replicas > 0 ? ", replicas" : "");
	else if (io->cluster)
		io_state(io, "cluster: %zu/%zu nodes up; %s: %s", up, used,
		    name, err);
	else if (io->conf.sentinel_master != NULL)
		io_state(io, "connected (sentinel %s: master %.60s at %s)",
		    io->sentinel_at, io->conf.sentinel_master, io->master_at);
	else
		io_state(io, "connected");
}

/* Sentinel: ask again; true if the master moved (node 0 is closed). */
static bool
io_sentinel_check(struct redis_io *io)
{
	char	 host[256], err[512], why[400];
	int	 port;

	if (io_sentinel_ask(io, host, sizeof host, &port, err,
	    sizeof err) != 0)
		return (false);
	if (io->nodes[0].host != NULL && strcmp(host, io->nodes[0].host) == 0 &&
	    port == io->nodes[0].port)
		return (false);
	snprintf(why, sizeof why, "failover: master now %.120s:%d", host,
	    port);
	io_node_down(io, 0, why);
	io->ready = false;
	return (true);
}

/* The I/O thread. */
static void *
io_main(void *arg)
{
	struct redis_io	*io = arg;
	char		 err[512];
	ssize_t		 n;
	bool		 more;
	int		 rc;
	int64_t		 now, backoff;

	io->backoff_ms = REDIS_BACKOFF_MIN;
	for (;;) {
		if (!io->ready) {
			io_state(io, "connecting");
			rc = io_topology(io, err, sizeof err);
			if (rc != 0) {
				if (!io->conf.follow) {
					io_fatal(io, err);
					break;
				}
				io_state(io, "%s; reconnecting in %lld s", err,
				    (long long)(io->backoff_ms + 999) / 1000);
				if (io_sleep(io, io->backoff_ms * 1000))
					break;
				io->backoff_ms *= 2;
				if (io->backoff_ms > REDIS_BACKOFF_MAX)
					io->backoff_ms = REDIS_BACKOFF_MAX;
				continue;
			}
			if (io->connected_once)
				io_reconnected(io);
			io->connected_once = true;
			io->ready = true;
			io->backoff_ms = REDIS_BACKOFF_MIN;
			io->next_health = 0;
		}
		if (io->cluster && io->refresh_due != 0 &&
		    source_redis_io_now() >= io->refresh_due)
			io_cluster_refresh(io);
		if (!io_nodes_connect(io, err, sizeof err)) {
			if (!io->conf.follow) {
				io_fatal(io, err);
				break;
			}
			if (!io->cluster) {
				/* The only server: find it again. */
				io->ready = false;
				io_state(io, "%s; reconnecting", err);
				continue;
			}
			backoff = io->backoff_ms;
			io_state(io, "%s; reconnecting in %lld s", err,
			    (long long)(backoff + 999) / 1000);
			if (io_sleep(io, backoff * 1000))
				break;
			io->backoff_ms = backoff * 2 > REDIS_BACKOFF_MAX ?
			    REDIS_BACKOFF_MAX : backoff * 2;
			io->refresh_due = source_redis_io_now();
			continue;
		}
		io->backoff_ms = REDIS_BACKOFF_MIN;
		io_state_nodes(io);
		if (io_wait_room(io))
			break;
		if (io->conf.health_only) {
			/* --health without --follow: the lists, not values. */
			if (io_health(io) != 0) {
				io_down_err(io, err, sizeof err);
				io_fatal(io, err);
			}
			else
				io_post(io, io_ev(REDIS_EV_EOF, -1));
			break;
		}

		n = io_round(io, &more);
		now = source_redis_io_now();
		if (n >= 0 && (now >= io->next_health ||
		    (!io->conf.follow && !more))) {
			if (io_health(io) != 0)
				n = -1;
			io->next_health = now + (int64_t)REDIS_HEALTH_MS *
			    1000000;
			if (n >= 0 && io->conf.sentinel_master != NULL &&
			    io->conf.follow && io_sentinel_check(io))
				continue;
		}
		if (n < 0) {
			io_down_err(io, err, sizeof err);
			if (!io->conf.follow) {
				io_fatal(io, err);
				break;
			}
			if (!io->cluster)
				io->ready = false;
			io_state(io, "%s; reconnecting", err);
			continue;
		}
		if (!io->conf.follow && !more) {
			io_post(io, io_ev(REDIS_EV_EOF, -1));
			break;
		}
		if (more)
			continue;
		if (io_sleep(io, io_next_due(io)))
			break;
	}
	io_disconnect(io);
	if (io->sentinel != NULL) {
		pthread_mutex_lock(&io->lock);
		io->sentinel_fd = -1;
		pthread_mutex_unlock(&io->lock);
		source_redis_conn_free(io->sentinel);
		io->sentinel = NULL;
	}
	return (NULL);
}

/*
 * Start the I/O thread; keys and conf must be filled in.  The thread runs
 * with SIGPIPE blocked, so that writing to a server that went away fails
 * with EPIPE (and a reconnection) instead of killing the process.
 */
void
source_redis_io_start(struct redis_io *io)
{
	sigset_t	 pipe, old;
	size_t		 i;

	io->ring[0] = xcalloc(REDIS_RING_SLOTS, sizeof *io->ring[0]);
	io->ring[1] = xcalloc(REDIS_RING_SLOTS, sizeof *io->ring[1]);
	io->slots = xcalloc(REDIS_SLOTS, sizeof *io->slots);
	io->links = xcalloc(io->nkeys + 1, sizeof *io->links);
	for (i = 0; i < io->nkeys; i++) {
		io->keys[i].anchor = -1;
		io->keys[i].health_gen = UINT64_MAX;
		io->keys[i].ask_node = -1;
		io->keys[i].slot = source_redis_cluster_slot(io->keys[i].name,
		    strlen(io->keys[i].name));
	}
	io->sentinel_fd = -1;
	pthread_mutex_init(&io->lock, NULL);
	pthread_cond_init(&io->cond, NULL);
	snprintf(io->state, sizeof io->state, "connecting");
	sigemptyset(&pipe);
	sigaddset(&pipe, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe, &old);
	if (pthread_create(&io->thread, NULL, io_main, io) != 0)
		fatal("pthread_create");
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	io->started = true;
}

/*
 * Stop the I/O thread: a blocked read is interrupted by shutting the
 * socket down.  Frees everything the thread owned and every queued event.
 */
void
source_redis_io_stop(struct redis_io *io)
{
	struct redis_ev	*ev, *next;
	size_t		 i;

	if (!io->started)
		return;
	pthread_mutex_lock(&io->lock);
	io->stop = true;
	for (i = 0; i < io->nnodes; i++)
		if (io->nodes[i].fd != -1)
			shutdown(io->nodes[i].fd, SHUT_RDWR);
	if (io->sentinel_fd != -1)
		shutdown(io->sentinel_fd, SHUT_RDWR);
	pthread_cond_broadcast(&io->cond);
	pthread_mutex_unlock(&io->lock);
	pthread_join(io->thread, NULL);
	for (ev = io->head; ev != NULL; ev = next) {
		next = ev->next_ev;
		source_redis_io_ev_free(ev);
	}
	io->head = io->tail = NULL;
	free(io->ring[0]);
	free(io->ring[1]);
	for (i = 0; i < io->nnodes; i++) {
		free(io->nodes[i].host);
		free(io->nodes[i].polled);
	}
	free(io->nodes);
	io->nodes = NULL;
	io->nnodes = 0;
	free(io->slots);
	free(io->links);
	pthread_mutex_destroy(&io->lock);
	pthread_cond_destroy(&io->cond);
	io->started = false;
}

/* Take every queued event (oldest first); the caller frees them. */
struct redis_ev *
source_redis_io_take(struct redis_io *io)
{
	struct redis_ev	*ev;

	pthread_mutex_lock(&io->lock);
	ev = io->head;
	io->head = io->tail = NULL;
	pthread_mutex_unlock(&io->lock);
	return (ev);
}

/* The main thread finished with bytes of queued values. */
void
source_redis_io_done(struct redis_io *io, size_t bytes)
{
	pthread_mutex_lock(&io->lock);
	io->queued_bytes = io->queued_bytes > bytes ? io->queued_bytes -
	    bytes : 0;
	pthread_cond_broadcast(&io->cond);
	pthread_mutex_unlock(&io->lock);
}
