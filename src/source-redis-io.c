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

static void
io_disconnect(struct redis_io *io)
{
	sigset_t	 pipe;
	struct timespec	 zero = { 0, 0 };

	/* Consume a SIGPIPE left pending by a write to a dead server. */
	sigemptyset(&pipe);
	sigaddset(&pipe, SIGPIPE);
	while (sigtimedwait(&pipe, NULL, &zero) > 0)
		;
	if (io->conn == NULL)
		return;
	pthread_mutex_lock(&io->lock);
	io->fd = -1;
	pthread_mutex_unlock(&io->lock);
	source_redis_conn_free(io->conn);
	io->conn = NULL;
}

/* Run one command and return its reply (NULL on an I/O error). */
static redisReply *
io_command(struct redis_io *io, int argc, const char **argv)
{
	redisReply	*r;

	if (source_redis_conn_append(io->conn, argc, argv) != 0 ||
	    source_redis_conn_reply(io->conn, &r) != 0)
		return (NULL);
	return (r);
}

/*
 * Connect, authenticate and select the database.  Returns 0, -1 for a
 * connection failure, -2 when the server refused us (auth, SELECT); err
 * gets a message that never contains the password.
 */
static int
io_connect(struct redis_io *io, char *err, size_t errlen)
{
	struct redis_conf	*cf = &io->conf;
	redisReply		*r;
	const char		*argv[3];
	char			 where[300], db[16], msg[256];
	int			 argc;

	if (cf->path != NULL)
		snprintf(where, sizeof where, "%s", cf->path);
	else
		snprintf(where, sizeof where, "%s:%d", cf->host, cf->port);
	if ((io->conn = source_redis_conn_open(cf, err, errlen)) == NULL)
		return (-1);
	pthread_mutex_lock(&io->lock);
	io->fd = source_redis_conn_fd(io->conn);
	pthread_mutex_unlock(&io->lock);

	if (cf->pass != NULL || cf->user != NULL) {
		argc = 0;
		argv[argc++] = "AUTH";
		if (cf->user != NULL)
			argv[argc++] = cf->user;
		argv[argc++] = cf->pass != NULL ? cf->pass : "";
		if ((r = io_command(io, argc, argv)) == NULL)
			goto ioerr;
		if (r->type == REDIS_REPLY_ERROR) {
			io_safe(msg, sizeof msg, r->str, r->len);
			snprintf(err, errlen, "auth failed: %s", msg);
			freeReplyObject(r);
			io_disconnect(io);
			return (-2);
		}
		freeReplyObject(r);
	}
	if (cf->db != 0) {
		snprintf(db, sizeof db, "%d", cf->db);
		argv[0] = "SELECT";
		argv[1] = db;
		if ((r = io_command(io, 2, argv)) == NULL)
			goto ioerr;
		if (r->type == REDIS_REPLY_ERROR) {
			io_safe(msg, sizeof msg, r->str, r->len);
			snprintf(err, errlen, "SELECT %d failed: %s", cf->db,
			    msg);
			freeReplyObject(r);
			io_disconnect(io);
			return (-2);
		}
		freeReplyObject(r);
	}
	argv[0] = "PING";
	if ((r = io_command(io, 1, argv)) == NULL)
		goto ioerr;
	if (r->type == REDIS_REPLY_ERROR) {
		io_safe(msg, sizeof msg, r->str, r->len);
		snprintf(err, errlen, "PING failed: %s", msg);
		freeReplyObject(r);
		io_disconnect(io);
		return (-2);
	}
	freeReplyObject(r);
	return (0);

ioerr:
	source_redis_conn_error(io->conn, msg, sizeof msg);
	snprintf(err, errlen, "%.120s: %s", where, msg);
	io_disconnect(io);
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
 * Append one key's transaction to the pipeline.  The second command is
 * the LINDEX check when one is due (io_key_result), else a second LLEN
 * that costs nothing.
 */
static int
io_append_key(struct redis_io *io, int i, int64_t now)
{
	struct redis_key_io	*k = &io->keys[i];
	const char		*argv[4];
	char			 a[32], b[32], c[32];
	int64_t			 idx = -1;

	argv[0] = "MULTI";
	if (source_redis_conn_append(io->conn, 1, argv) != 0)
		return (-1);
	argv[0] = "LLEN";
	argv[1] = k->name;
	if (source_redis_conn_append(io->conn, 2, argv) != 0)
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
		if (source_redis_conn_append(io->conn, 3, argv) != 0)
			return (-1);
	} else if (source_redis_conn_append(io->conn, 2, argv) != 0)
		return (-1);
	snprintf(b, sizeof b, "%lld", (long long)k->seen_len);
	snprintf(c, sizeof c, "%lld", (long long)(k->seen_len + REDIS_CHUNK -
	    1));
	argv[0] = "LRANGE";
	argv[2] = b;
	argv[3] = c;
	if (source_redis_conn_append(io->conn, 4, argv) != 0)
		return (-1);
	argv[0] = "EXEC";
	if (source_redis_conn_append(io->conn, 1, argv) != 0)
		return (-1);
	return (0);
}

/*
 * One polling round over every key that is not skipped.  Returns the
 * number of new values, or -1 on a connection error.  *more is set when
 * some key has values left to read.
 */
static ssize_t
io_round(struct redis_io *io, bool *more)
{
	struct redis_key_io	*k;
	redisReply		*rs[5];
	const redisReply	*e;
	redisReply		*r;
	size_t			 i, j, n, fresh = 0;
	int64_t			 now = source_redis_io_now();
	int			 rc = 0;
	bool			 kmore;

	*more = false;
	io->npolled = 0;
	for (i = 0; i < io->nkeys; i++) {
		k = &io->keys[i];
		if ((k->wrong_type || k->denied) && now < k->skip_until)
			continue;
		if (now < k->next_due)
			continue;
		if (io_append_key(io, (int)i, now) != 0)
			return (-1);
		io->polled[io->npolled++] = (int)i;
	}
	for (i = 0; i < io->npolled; i++) {
		memset(rs, 0, sizeof rs);
		for (j = 0; j < 5; j++) {
			if (source_redis_conn_reply(io->conn, &r) != 0) {
				rc = -1;
				break;
			}
			rs[j] = r;
		}
		if (rc == 0 && rs[4]->type == REDIS_REPLY_ARRAY &&
		    rs[4]->elements == 3) {
			kmore = false;
			n = io_key_result(io, io->polled[i], rs[4], now,
			    &kmore);
			rs[4] = NULL;
			io_key_due(&io->keys[io->polled[i]], n, kmore, now);
			fresh += n;
			*more |= kmore;
		} else if (rc == 0) {
			e = io_first_error(rs, 5);
			if (e != NULL)
				io_skip_key(io, io->polled[i], e, now);
		}
		for (j = 0; j < 5; j++)
			if (rs[j] != NULL)
				freeReplyObject(rs[j]);
		if (rc != 0)
			return (-1);
	}
	return ((ssize_t)fresh);
}

/*
 * Health round: TTL, TYPE, LLEN and both ends of every key, pipelined
 * (plain commands: a slightly torn view does not matter here).  Also
 * notices when a skipped key has become a list again.  An end is read
 * only when the list changed since the last round and the tail has not
 * read that value itself: an idle list costs three small replies, not
 * its first and last values every second.
 */
static int
io_health(struct redis_io *io)
{
	static const char *const cmds[5] = { "TTL", "TYPE", "LLEN", "LINDEX",
	    "LINDEX" };
	struct redis_key_io	*k;
	struct redis_ev		*ev;
	redisReply		*rs[5];
	const char		*argv[3];
	redisReply		*r;
	size_t			 i, j;
	int			 rc = 0, *ends;
	bool			 changed;

	ends = xcalloc(io->nkeys + 1, sizeof *ends);
	for (i = 0; i < io->nkeys; i++) {
		k = &io->keys[i];
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
			if (source_redis_conn_append(io->conn, argv[0][0] == 'L' &&
			    argv[0][1] == 'I' ? 3 : 2, argv) != 0) {
				free(ends);
				return (-1);
			}
		}
	}
	for (i = 0; i < io->nkeys; i++) {
		k = &io->keys[i];
		memset(rs, 0, sizeof rs);
		for (j = 0; j < 5; j++) {
			if (source_redis_conn_reply(io->conn, &r) != 0) {
				rc = -1;
				break;
			}
			rs[j] = r;
		}
		if (rc != 0) {
			for (j = 0; j < 5; j++)
				if (rs[j] != NULL)
					freeReplyObject(rs[j]);
			free(ends);
			return (-1);
		}
		ev = io_ev(REDIS_EV_HEALTH, (int)i);
		ev->ends = ends[i];
		ev->ttl = rs[0]->type == REDIS_REPLY_INTEGER ?
		    rs[0]->integer : -2;
		if (rs[1]->type == REDIS_REPLY_STATUS)
			io_safe(ev->type, sizeof ev->type, rs[1]->str,
			    rs[1]->len);
		ev->llen = rs[2]->type == REDIS_REPLY_INTEGER ?
		    rs[2]->integer : 0;
		/* Ends over max_value are not decoded: no time. */
		if ((ends[i] & REDIS_ENDS_OLDEST) &&
		    rs[3]->type == REDIS_REPLY_STRING &&
		    (io->conf.max_value == 0 || rs[3]->len <=
		    io->conf.max_value)) {
			ev->oldest = rs[3];
			rs[3] = NULL;
		}
		if ((ends[i] & REDIS_ENDS_NEWEST) &&
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
			io_warn(io, (int)i, "a %s, not a list: skipped",
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
	free(ends);
	return (0);
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

/* The I/O thread. */
static void *
io_main(void *arg)
{
	struct redis_io	*io = arg;
	char		 err[512];
	ssize_t		 n;
	bool		 more;
	int		 rc;
	int64_t		 now;

	io->backoff_ms = REDIS_BACKOFF_MIN;
	for (;;) {
		if (io->conn == NULL) {
			io_state(io, "connecting");
			rc = io_connect(io, err, sizeof err);
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
			io->backoff_ms = REDIS_BACKOFF_MIN;
			io->next_health = 0;
			io_state(io, "connected");
		}
		if (io_wait_room(io))
			break;
		if (io->conf.health_only) {
			/* --health without --follow: the lists, not values. */
			if (io_health(io) != 0) {
				source_redis_conn_error(io->conn, err, sizeof err);
				io_fatal(io, err);
			} else
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
		}
		if (n < 0) {
			source_redis_conn_error(io->conn, err, sizeof err);
			io_disconnect(io);
			if (!io->conf.follow) {
				io_fatal(io, err);
				break;
			}
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
	io->polled = xcalloc(io->nkeys + 1, sizeof *io->polled);
	for (i = 0; i < io->nkeys; i++) {
		io->keys[i].anchor = -1;
		io->keys[i].health_gen = UINT64_MAX;
	}
	io->fd = -1;
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

	if (!io->started)
		return;
	pthread_mutex_lock(&io->lock);
	io->stop = true;
	if (io->fd != -1)
		shutdown(io->fd, SHUT_RDWR);
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
	free(io->polled);
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
