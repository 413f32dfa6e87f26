/* SPDX-License-Identifier: ISC */
/*
 * The Redis source, main-thread half: URI and credentials, the key table,
 * and poll, which takes the I/O thread's events (source-redis-io.c) and
 * turns them into store records: decoded values (msgpack, or protobuf for
 * "_protobuf" keys), bad records, and gap markers.  Every key is its own
 * store source "redis:KEY", so positions print as "redis:KEY:INDEX" where
 * INDEX is the value's list index when it was read.
 *
 * Gaps.  The tail sees every value that stays in a list for longer than
 * its poll interval; it cannot see values pushed and drained between two
 * polls (the blind window).  When the I/O thread reports that a list was
 * drained (not just trimmed past values already read), the records lost
 * are: the values known to exist but not yet read (exact), plus those
 * pushed between the last poll before the drain and the drain itself,
 * estimated from the key's record rate over the window that ends at the
 * first record read after the drain (or when the drain was seen).  A gap
 * marker is inserted when the exact part is non-zero or the estimate is
 * at least 3 records, so that ordinary jitter in a slow stream does not
 * produce markers.
 *
 * The password is held only in the connection settings; source->arg and
 * every message use the URI with the password removed.
 */
#include "config.h"

#include "source-redis.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_gen.h>

#include "bytes.h"
#include "decode-msgpack.h"
#include "decode-protobuf.h"
#include "json.h"
#include "log-warn.h"
#include "options.h"
#include "record.h"
#include "source-redis-io.h"
#include "source.h"
#include "store.h"
#include "strnum.h"
#include "xmalloc.h"

#define REDIS_BASE		"tyk-system-analytics"
#define REDIS_PASS_MAX		4096
#define REDIS_GAP_MIN_EST	3.0
#define REDIS_ADDRS_MAX		64	/* hosts in one URI */

struct redis_key {
	char		*name;		/* owned */
	char		*srcname;	/* owned: "redis:NAME" */
	uint16_t	 src;
	bool		 protobuf;
	uint64_t	 seen, bad, gaps, drains;
	int64_t		 last_ts;	/* ns: newest record read */
	int64_t		 seg_min, seg_max;	/* ns: since the last drain */
	uint64_t	 seg_n;
	double		 rate;		/* records per second */
	bool		 gap_pending;
	int64_t		 gp_from, gp_tprev, gp_tdetect, gp_known;
	bool		 gp_reconnect;	/* the window spans an outage */
	int64_t		 last_drain;	/* ns (wall) */
	double		 drain_period;
	/* From the last health event. */
	bool		 checked;
	int64_t		 checked_at;
	int64_t		 llen, ttl;
	char		 type[16];
	char		 node[64];	/* the node of the last health */
	bool		 node_replica;
	int64_t		 oldest_ts, newest_ts;	/* INT64_MIN: unknown */
	int64_t		 head_ts, tail_ts;	/* of index 0, of the last */
	bool		 skipped;
};

struct redis_src {
	struct redis_io			 io;
	struct redis_key		*keys;
	size_t				 nkeys;
	struct redis_ev			*pending, *pending_tail;
	bool				 eof;
	char				*fatal;
	struct record_build		 b;
	uint64_t			 max_value;
	struct source_redis_health	*health;
	char				 state[192];
	char				 err[DECODE_ERR_MAX];
};

static enum source_status redis_poll(struct source *, struct store *,
		    size_t);
static void	 redis_describe(struct source *, struct buf *);
static void	 redis_health(struct source *, struct store *, struct buf *);
static void	 redis_free(struct source *);

static const struct source_ops redis_ops = {
	.name = "redis",
	.poll = redis_poll,
	.describe = redis_describe,
	.state = source_redis_state,
	.health = redis_health,
	.free = redis_free
};

/* Decode %XX escapes in place (user names and passwords in URIs). */
static int
redis_unescape(char *s)
{
	char	*d = s;
	int	 hi, lo;

	for (; *s != '\0'; s++) {
		if (*s != '%') {
			*d++ = *s;
			continue;
		}
		hi = hex_value((unsigned char)s[1]);
		lo = hi < 0 ? -1 : hex_value((unsigned char)s[2]);
		if (lo < 0)
			return (-1);
		*d++ = (char)(hi << 4 | lo);
		s += 2;
	}
	*d = '\0';
	return (0);
}

/* Add one host[:port] or [v6addr][:port] of the URI to cf->addrs. */
static int
redis_parse_host(struct redis_conf *cf, char *host, char **cause)
{
	char		*q, *port = NULL, *colon;
	const char	*errstr;
	int		 n = 6379;

	if (*host == '[') {
		if ((q = strchr(host, ']')) == NULL) {
			*cause = xstrdup("unterminated [ in the host");
			return (-1);
		}
		*q = '\0';
		host++;
		if (q[1] == ':')
			port = q + 2;
	} else if ((colon = strrchr(host, ':')) != NULL) {
		*colon = '\0';
		port = colon + 1;
	}
	if (*host == '\0')
		host = (char *)"127.0.0.1";
	if (port != NULL && *port != '\0') {
		n = (int)strnum_parse(port, 1, 65535, &errstr);
		if (errstr != NULL) {
			xasprintf(cause, "port '%s': %s", port, errstr);
			return (-1);
		}
	}
	if (cf->naddrs >= REDIS_ADDRS_MAX) {
		xasprintf(cause, "more than %d hosts", REDIS_ADDRS_MAX);
		return (-1);
	}
	cf->addrs = xreallocarray(cf->addrs, cf->naddrs + 1,
	    sizeof *cf->addrs);
	cf->addrs[cf->naddrs].host = xstrdup(host);
	cf->addrs[cf->naddrs].port = n;
	cf->naddrs++;
	return (0);
}

/*
 * Parse redis://[user[:pass]@]host[:port][,host[:port]...][/db], the
 * same with rediss:// (TLS), or unix:///path[?db=N] into cf; several
 * hosts are the seeds of a cluster or, with --sentinel-master, the
 * sentinels.  *safe gets the URI without the password.  Returns 0 or -1
 * with a message in *cause.  (Not static: tests/fuzz/fuzz-uri.c.)
 */
int
source_redis_parse_uri(const char *uri, struct redis_conf *cf, char **safe,
    char **cause)
{
	char		*copy, *p, *at, *colon, *slash, *q, *host, *next;
	const char	*errstr;
	struct buf	 b;
	size_t		 i;

	memset(cf, 0, sizeof *cf);
	cf->port = 6379;
	buf_init(&b);
	if (strncmp(uri, "unix://", 7) == 0) {
		copy = xstrdup(uri + 7);
		if ((q = strchr(copy, '?')) != NULL) {
			*q++ = '\0';
			if (strncmp(q, "db=", 3) != 0) {
				xasprintf(cause, "unknown parameter '%s' (only "
				    "db=N)", q);
				goto fail;
			}
			cf->db = (int)strnum_parse(q + 3, 0, 65535, &errstr);
			if (errstr != NULL) {
				xasprintf(cause, "db %s: %s", q + 3, errstr);
				goto fail;
			}
		}
		if (copy[0] != '/') {
			*cause = xstrdup("expected unix:///path/to/socket");
			goto fail;
		}
		cf->path = xstrdup(copy);
		buf_printf(&b, "unix://%s", copy);
		if (cf->db != 0)
			buf_printf(&b, "?db=%d", cf->db);
		free(copy);
		*safe = buf_take(&b);
		return (0);
	}

	cf->tls = strncmp(uri, "rediss://", 9) == 0;
	copy = xstrdup(uri + (cf->tls ? 9 : 8));	/* after "redis://" */
	p = copy;
	/*
	 * The userinfo ends at the last '@' (the /db after the host holds
	 * none), so a password with '/' or '@' in it stays in the userinfo
	 * and out of every message below.
	 */
	at = strrchr(p, '@');
	if ((slash = strchr(at != NULL ? at + 1 : p, '/')) != NULL) {
		*slash++ = '\0';
		if (*slash != '\0') {
			cf->db = (int)strnum_parse(slash, 0, 65535, &errstr);
			if (errstr != NULL) {
				xasprintf(cause, "database '%s': %s", slash,
				    errstr);
				goto fail;
			}
		}
	}
	if (at != NULL) {
		*at = '\0';
		if ((colon = strchr(p, ':')) != NULL) {
			*colon = '\0';
			cf->pass = xstrdup(colon + 1);
			if (redis_unescape(cf->pass) != 0) {
				*cause = xstrdup("bad %-escape in the password");
				goto fail;
			}
		}
		if (*p != '\0') {
			cf->user = xstrdup(p);
			if (redis_unescape(cf->user) != 0) {
				*cause = xstrdup("bad %-escape in the user");
				goto fail;
			}
		}
		p = at + 1;
	}
	/* One host or several, comma-separated: seeds or sentinels. */
	for (host = p; host != NULL; host = next) {
		if ((next = strchr(host, ',')) != NULL)
			*next++ = '\0';
		if (redis_parse_host(cf, host, cause) != 0)
			goto fail;
	}
	cf->host = xstrdup(cf->addrs[0].host);
	cf->port = cf->addrs[0].port;
	buf_adds(&b, cf->tls ? "rediss://" : "redis://");
	if (cf->user != NULL)
		buf_printf(&b, "%s@", cf->user);
	for (i = 0; i < cf->naddrs; i++)
		buf_printf(&b, strchr(cf->addrs[i].host, ':') != NULL ?
		    "%s[%s]:%d" : "%s%s:%d", i > 0 ? "," : "",
		    cf->addrs[i].host, cf->addrs[i].port);
	buf_printf(&b, "/%d", cf->db);
	free(copy);
	*safe = buf_take(&b);
	return (0);

fail:
	free(copy);
	buf_clear(&b);
	source_redis_conf_clear(cf);
	return (-1);
}

/* Free what source_redis_parse_uri put in cf. */
void
source_redis_conf_clear(struct redis_conf *cf)
{
	size_t	 i;

	free(cf->host);
	free(cf->path);
	free(cf->user);
	if (cf->pass != NULL) {
		explicit_bzero(cf->pass, strlen(cf->pass));
		free(cf->pass);
	}
	free(cf->tls_ca);
	free(cf->tls_cert);
	free(cf->tls_key);
	free(cf->tls_name);
	for (i = 0; i < cf->naddrs; i++)
		free(cf->addrs[i].host);
	free(cf->addrs);
	free(cf->sentinel_master);
	if (cf->sentinel_pass != NULL) {
		explicit_bzero(cf->sentinel_pass, strlen(cf->sentinel_pass));
		free(cf->sentinel_pass);
	}
	memset(cf, 0, sizeof *cf);
}

/* Read the first line of a password file. */
static char *
redis_read_password(const char *opt, const char *path, char **cause)
{
	FILE	*f;
	char	 line[REDIS_PASS_MAX];
	size_t	 len;

	if ((f = fopen(path, "r")) == NULL) {
		xasprintf(cause, "%s %s: %s", opt, path, strerror(errno));
		return (NULL);
	}
	if (fgets(line, sizeof line, f) == NULL)
		line[0] = '\0';
	fclose(f);
	len = strlen(line);
	while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		line[--len] = '\0';
	return (xstrdup(line));
}

static void
redis_add_key(struct redis_src *rs, struct store *st, const char *name)
{
	struct redis_key	*k;
	size_t			 len = strlen(name);

	rs->keys = xreallocarray(rs->keys, rs->nkeys + 1, sizeof *rs->keys);
	k = &rs->keys[rs->nkeys++];
	memset(k, 0, sizeof *k);
	k->name = xstrdup(name);
	xasprintf(&k->srcname, "redis:%s", name);
	k->src = store_source_add(st, k->srcname, STORE_SRC_REDIS);
	k->protobuf = len >= 9 && strcmp(name + len - 9, "_protobuf") == 0;
	k->last_ts = INT64_MIN;
	k->seg_min = INT64_MAX;
	k->seg_max = INT64_MIN;
	k->oldest_ts = k->newest_ts = INT64_MIN;
	k->head_ts = k->tail_ts = INT64_MIN;
	k->drain_period = -1;
	k->ttl = -2;
}

/*
 * Open a Redis source.  Starts the I/O thread and returns at once: a
 * server that cannot be reached is reported by poll (SOURCE_ERROR without
 * --follow, a state with it).
 */
struct source *
source_redis_open(const char *arg, const struct options *o,
    struct store *st, char **cause)
{
	struct redis_src	*rs;
	struct source		*s;
	struct redis_conf	 cf;
	char			*safe, *name, *pass;
	const char		*env;
	size_t			 i, j;
	static const char *const sfx[2] = { "", "_protobuf" };

	if (source_redis_parse_uri(arg, &cf, &safe, cause) != 0)
		return (NULL);
	if (o->user != NULL && cf.user == NULL)
		cf.user = xstrdup(o->user);
	if (cf.pass == NULL && o->password_file != NULL) {
		if ((pass = redis_read_password("--password-file",
		    o->password_file, cause)) == NULL) {
			free(safe);
			source_redis_conf_clear(&cf);
			return (NULL);
		}
		cf.pass = pass;
	}
	if (o->sentinel_master != NULL) {
		if (cf.path != NULL) {
			*cause = xstrdup("--sentinel-master needs the sentinels' "
			    "host:port, not a unix socket");
			free(safe);
			source_redis_conf_clear(&cf);
			return (NULL);
		}
		cf.sentinel_master = xstrdup(o->sentinel_master);
		if (o->sentinel_password != NULL)
			cf.sentinel_pass = xstrdup(o->sentinel_password);
		else if (o->sentinel_password_file != NULL &&
		    (cf.sentinel_pass = redis_read_password(
		    "--sentinel-password-file", o->sentinel_password_file,
		    cause)) == NULL) {
			free(safe);
			source_redis_conf_clear(&cf);
			return (NULL);
		}
	}
	cf.replica = o->replica;
	if (cf.pass == NULL && (env = getenv("REDISCLI_AUTH")) != NULL &&
	    *env != '\0')
		cf.pass = xstrdup(env);
	if (cf.tls) {
		if (o->tls_ca_file != NULL)
			cf.tls_ca = xstrdup(o->tls_ca_file);
		if (o->tls_cert_file != NULL)
			cf.tls_cert = xstrdup(o->tls_cert_file);
		if (o->tls_key_file != NULL)
			cf.tls_key = xstrdup(o->tls_key_file);
		if (o->tls_server_name != NULL)
			cf.tls_name = xstrdup(o->tls_server_name);
		cf.tls_insecure = o->tls_insecure;
		if (cf.tls_key != NULL && cf.tls_cert == NULL) {
			*cause = xstrdup("--tls-key-file needs --tls-cert-file");
			source_redis_conf_clear(&cf);
			free(safe);
			return (NULL);
		}
		if (cf.tls_insecure)
			warnx_("%s: --tls-insecure: the server's certificate "
			    "is not verified", safe);
	}
	/* The TUI always follows; batch mode only with --follow. */
	cf.follow = o->follow || !o->batch;
	cf.health_only = o->health && !cf.follow;
	cf.max_value = o->max_value_size;

	rs = xcalloc(1, sizeof *rs);
	rs->max_value = o->max_value_size;
	if (o->keys.n != 0) {
		for (i = 0; i < o->keys.n; i++)
			redis_add_key(rs, st, o->keys.v[i]);
	} else {
		for (j = 0; j < 2; j++) {
			xasprintf(&name, "%s%s%s", o->key_prefix, REDIS_BASE,
			    sfx[j]);
			redis_add_key(rs, st, name);
			free(name);
			for (i = 0; i < 10; i++) {
				xasprintf(&name, "%s%s_%zu%s", o->key_prefix,
				    REDIS_BASE, i, sfx[j]);
				redis_add_key(rs, st, name);
				free(name);
			}
		}
	}
	rs->io.conf = cf;
	rs->io.nkeys = rs->nkeys;
	rs->io.keys = xcalloc(rs->nkeys, sizeof *rs->io.keys);
	for (i = 0; i < rs->nkeys; i++)
		rs->io.keys[i].name = xstrdup(rs->keys[i].name);
	rs->health = xcalloc(rs->nkeys, sizeof *rs->health);
	record_build_init(&rs->b);
	snprintf(rs->state, sizeof rs->state, "connecting");
	source_redis_io_start(&rs->io);

	s = source_create(&redis_ops, safe, rs);
	s->live = cf.follow;
	free(safe);
	return (s);
}

static int64_t
redis_build_ts(const struct record_build *b)
{
	if (!b->ts_set || b->ts_sec < -9223372035LL ||
	    b->ts_sec > 9223372035LL)
		return (INT64_MIN);
	return (b->ts_sec * 1000000000LL + b->ts_nsec);
}

/* Insert the pending gap marker of k, if the evidence supports one. */
static void
redis_gap_finish(struct redis_key *k, struct store *st, int64_t next_ts)
{
	int64_t	 to, from, start, count;
	double	 est = 0;

	k->gap_pending = false;
	to = k->gp_tdetect;
	if (next_ts != INT64_MIN && next_ts < to)
		to = next_ts;
	from = k->gp_from != INT64_MIN ? k->gp_from : k->gp_tprev;
	start = from > k->gp_tprev ? from : k->gp_tprev;
	/*
	 * Across a reconnection the window is the outage, seen by nobody:
	 * the rate before it says nothing about what was pushed (a server
	 * restarted empty, a writer that paused), so only the exact count
	 * is kept; the state line has shown the outage.
	 */
	if (k->rate > 0 && to > start && !k->gp_reconnect)
		est = k->rate * (double)(to - start) / 1e9;
	if (k->gp_known == 0 && est < REDIS_GAP_MIN_EST)
		return;
	count = k->gp_known + (int64_t)llround(est);
	store_add_gap(st, k->src, 0, from, to > from ? to : from, count,
	    k->name);
	k->gaps++;
}

/* A drain event: update the drain statistics and maybe expect a gap. */
static void
redis_drain(struct redis_key *k, struct store *st, const struct redis_ev *ev)
{
	double	 period;

	if (k->gap_pending)
		redis_gap_finish(k, st, INT64_MIN);
	k->drains++;
	if (k->last_drain != 0 && ev->t_detect > k->last_drain) {
		period = (double)(ev->t_detect - k->last_drain) / 1e9;
		k->drain_period = k->drain_period < 0 ? period :
		    0.7 * k->drain_period + 0.3 * period;
	}
	k->last_drain = ev->t_detect;
	if (ev->overlap)
		return;
	/* The rate of the stretch that ends here, if long enough. */
	if (k->seg_n >= 10 && k->seg_max > k->seg_min)
		k->rate = (double)(k->seg_n - 1) * 1e9 /
		    (double)(k->seg_max - k->seg_min);
	k->seg_n = 0;
	k->seg_min = INT64_MAX;
	k->seg_max = INT64_MIN;
	if (ev->t_prev == 0)
		return;
	k->gap_pending = true;
	k->gp_from = k->last_ts;
	k->gp_tprev = ev->t_prev;
	k->gp_tdetect = ev->t_detect;
	k->gp_known = ev->known_lost;
	k->gp_reconnect = ev->reconnect;
}

/*
 * Decode one value into the store; big is its size if it was over
 * --max-value-size (then v holds only a prefix and is a bad record).
 */
static void
redis_value(struct redis_src *rs, struct store *st, struct redis_key *k,
    const redisReply *v, uint64_t idx, uint64_t big)
{
	int64_t	 ts;
	int	 rc;

	if (big != 0) {
		snprintf(rs->err, sizeof rs->err, "value of %llu bytes over "
		    "--max-value-size %llu: not decoded",
		    (unsigned long long)big, (unsigned long long)rs->max_value);
		rc = -1;
	} else if (k->protobuf)
		rc = decode_protobuf_record(st, &rs->b, v->str, v->len,
		    rs->err, sizeof rs->err);
	else
		rc = decode_msgpack_record(st, &rs->b, v->str, v->len,
		    rs->err, sizeof rs->err);
	if (rc != 0) {
		if (k->gap_pending)
			redis_gap_finish(k, st, INT64_MIN);
		store_add_bad(st, k->src, idx, k->last_ts != INT64_MIN ?
		    k->last_ts : source_redis_io_now(), rs->err, v->str,
		    v->len);
		k->bad++;
		if (idx == 0)
			k->head_ts = INT64_MIN;
		k->tail_ts = INT64_MIN;
		return;
	}
	ts = redis_build_ts(&rs->b);
	if (idx == 0)
		k->head_ts = ts;
	k->tail_ts = ts;
	if (k->gap_pending)
		redis_gap_finish(k, st, ts);
	store_add(st, &rs->b, k->src, idx);
	k->seen++;
	if (ts != INT64_MIN) {
		if (k->last_ts == INT64_MIN || ts > k->last_ts)
			k->last_ts = ts;
		if (ts < k->seg_min)
			k->seg_min = ts;
		if (ts > k->seg_max)
			k->seg_max = ts;
		k->seg_n++;
	}
}

/* Timestamp of a value, for the health of the list ends. */
static int64_t
redis_value_ts(struct redis_src *rs, struct store *st, struct redis_key *k,
    const redisReply *v)
{
	int	 rc;

	if (v == NULL)
		return (INT64_MIN);
	if (k->protobuf)
		rc = decode_protobuf_record(st, &rs->b, v->str, v->len,
		    rs->err, sizeof rs->err);
	else
		rc = decode_msgpack_record(st, &rs->b, v->str, v->len,
		    rs->err, sizeof rs->err);
	return (rc == 0 ? redis_build_ts(&rs->b) : INT64_MIN);
}

/*
 * Handle one event; returns the records added.  A values event may stop
 * part way (max); ev->next says where it resumes.
 */
static size_t
redis_event(struct redis_src *rs, struct store *st, struct redis_ev *ev,
    size_t max)
{
	struct redis_key	*k = ev->key >= 0 ? &rs->keys[ev->key] : NULL;
	size_t			 n = 0;

	switch (ev->kind) {
	case REDIS_EV_VALUES:
		while (ev->next < ev->values->elements && n < max) {
			if (ev->dup[ev->next] != 1) {
				redis_value(rs, st, k,
				    ev->values->element[ev->next],
				    ev->first + ev->next, ev->dup[ev->next] == 2 ?
				    ev->bigsz[ev->next] : 0);
				n++;
			}
			ev->next++;
		}
		break;
	case REDIS_EV_DRAIN:
		redis_drain(k, st, ev);
		break;
	case REDIS_EV_HEALTH:
		k->checked = true;
		k->checked_at = source_redis_io_now();
		k->llen = ev->llen;
		k->ttl = ev->ttl;
		snprintf(k->type, sizeof k->type, "%s", ev->type);
		memcpy(k->node, ev->node, sizeof k->node);
		k->node_replica = ev->node_replica;
		k->skipped = ev->type[0] != '\0' &&
		    strcmp(ev->type, "list") != 0 &&
		    strcmp(ev->type, "none") != 0;
		/* Ends not read again keep their time (io_health). */
		if (ev->ends & REDIS_ENDS_HEAD_READ)
			k->oldest_ts = k->head_ts;
		else if (ev->ends & REDIS_ENDS_OLDEST)
			k->oldest_ts = redis_value_ts(rs, st, k, ev->oldest);
		if (ev->ends & REDIS_ENDS_TAIL_READ)
			k->newest_ts = k->tail_ts;
		else if (ev->ends & REDIS_ENDS_NEWEST)
			k->newest_ts = redis_value_ts(rs, st, k, ev->newest);
		if (ev->llen == 0)
			k->oldest_ts = k->newest_ts = INT64_MIN;
		break;
	case REDIS_EV_WARN:
		store_source_damage(st, k->src, "%s", ev->text);
		break;
	case REDIS_EV_EOF:
		rs->eof = true;
		break;
	case REDIS_EV_FATAL:
		free(rs->fatal);
		rs->fatal = xstrdup(ev->text);
		break;
	}
	return (n);
}

static enum source_status
redis_poll(struct source *s, struct store *st, size_t max)
{
	struct redis_src	*rs = s->data;
	struct redis_ev		*ev, *next;
	size_t			 n = 0, bytes = 0, i;

	ev = source_redis_io_take(&rs->io);
	if (ev != NULL) {
		if (rs->pending_tail != NULL)
			rs->pending_tail->next_ev = ev;
		else
			rs->pending = ev;
		while (ev->next_ev != NULL)
			ev = ev->next_ev;
		rs->pending_tail = ev;
	}
	while ((ev = rs->pending) != NULL && n < max) {
		n += redis_event(rs, st, ev, max - n);
		if (ev->kind == REDIS_EV_VALUES &&
		    ev->next < ev->values->elements)
			break;
		next = ev->next_ev;
		bytes += ev->bytes;
		source_redis_io_ev_free(ev);
		rs->pending = next;
		if (next == NULL)
			rs->pending_tail = NULL;
	}
	if (bytes != 0)
		source_redis_io_done(&rs->io, bytes);

	if (rs->fatal != NULL) {
		free(s->error);
		s->error = xstrdup(rs->fatal);
		return (SOURCE_ERROR);
	}
	if (rs->pending != NULL)
		return (SOURCE_MORE);
	if (rs->eof) {
		for (i = 0; i < rs->nkeys; i++)
			if (rs->keys[i].gap_pending)
				redis_gap_finish(&rs->keys[i], st, INT64_MIN);
		return (SOURCE_EOF);
	}
	return (n != 0 ? SOURCE_MORE : SOURCE_IDLE);
}

/* The connection state: "connected", "reconnecting in 2 s", ... */
const char *
source_redis_state(struct source *s)
{
	struct redis_src	*rs = s->data;

	pthread_mutex_lock(&rs->io.lock);
	memcpy(rs->state, rs->io.state, sizeof rs->state);
	pthread_mutex_unlock(&rs->io.lock);
	return (rs->state);
}

/* One line: URI, state, active keys and serializers. */
static void
redis_describe(struct source *s, struct buf *b)
{
	struct redis_src	*rs = s->data;
	size_t			 i, active = 0;
	bool			 mp = false, pb = false;

	for (i = 0; i < rs->nkeys; i++) {
		if (rs->keys[i].seen + rs->keys[i].bad == 0)
			continue;
		active++;
		if (rs->keys[i].protobuf)
			pb = true;
		else
			mp = true;
	}
	buf_printf(b, "%s%s %s, %zu/%zu keys active", s->arg,
	    !rs->io.conf.tls ? "" : rs->io.conf.tls_insecure ?
	    " (TLS NOT VERIFIED)" : " (TLS verified)",
	    source_redis_state(s), active, rs->nkeys);
	if (mp || pb)
		buf_printf(b, " (%s%s%s)", mp ? "msgpack" : "",
		    mp && pb ? ", " : "", pb ? "protobuf" : "");
}

static double
redis_age(int64_t now, int64_t ts)
{
	if (ts == INT64_MIN)
		return (-1);
	return ((double)(now - ts) / 1e9);
}

/*
 * Per-key health, one entry per watched key, valid until the next poll.
 * *n gets the number of keys.
 */
const struct source_redis_health *
source_redis_health(struct source *s, size_t *n)
{
	struct redis_src		*rs = s->data;
	struct source_redis_health	*h;
	struct redis_key		*k;
	int64_t				 now = source_redis_io_now();
	size_t				 i;

	for (i = 0; i < rs->nkeys; i++) {
		k = &rs->keys[i];
		h = &rs->health[i];
		h->key = k->name;
		h->source = k->srcname;
		h->serializer = k->protobuf ? "protobuf" : "msgpack";
		h->type = k->type[0] != '\0' ? k->type : "unknown";
		h->exists = k->checked && strcmp(k->type, "none") != 0;
		h->skipped = k->skipped;
		h->length = k->llen;
		h->ttl = k->ttl;
		h->oldest_age = redis_age(now, k->oldest_ts);
		h->newest_age = redis_age(now, k->newest_ts);
		h->seen = k->seen;
		h->bad = k->bad;
		h->gaps = k->gaps;
		h->drains = k->drains;
		h->drain_period = k->drain_period;
		h->rate = k->rate;
		h->checked_age = k->checked ? redis_age(now, k->checked_at) :
		    -1;
		pthread_mutex_lock(&rs->io.lock);
		if (rs->io.links != NULL && rs->io.links[i].node[0] != '\0') {
			memcpy(k->node, rs->io.links[i].node, sizeof k->node);
			k->node_replica = rs->io.links[i].replica;
			h->link_up = rs->io.links[i].up;
		} else
			h->link_up = false;
		pthread_mutex_unlock(&rs->io.lock);
		h->node = k->node;
		h->role = k->node_replica ? "replica" : "master";
	}
	*n = rs->nkeys;
	return (rs->health);
}

static void
redis_json_num(yajl_gen g, const char *k, double v, bool null_if_neg)
{
	char	 num[64];
	int	 len;

	json_gen_key(g, k);
	if (null_if_neg && v < 0) {
		yajl_gen_null(g);
		return;
	}
	len = snprintf(num, sizeof num, "%.3f", v);
	yajl_gen_number(g, num, (size_t)len);
}

/* Health as JSON lines, one object per watched key. */
void
source_redis_health_json(struct source *s, struct buf *b)
{
	const struct source_redis_health	*h;
	yajl_gen				 g;
	const unsigned char			*p;
	size_t					 n, i, len;

	h = source_redis_health(s, &n);
	for (i = 0; i < n; i++) {
		g = yajl_gen_alloc(NULL);
		yajl_gen_map_open(g);
		json_gen_key(g, "key");
		json_gen_slice(g, h[i].key, strlen(h[i].key));
		json_gen_key(g, "source");
		json_gen_slice(g, h[i].source, strlen(h[i].source));
		json_gen_key(g, "serializer");
		json_gen_slice(g, h[i].serializer, strlen(h[i].serializer));
		json_gen_key(g, "exists");
		yajl_gen_bool(g, h[i].exists);
		json_gen_key(g, "type");
		json_gen_slice(g, h[i].type, strlen(h[i].type));
		json_gen_key(g, "skipped");
		yajl_gen_bool(g, h[i].skipped);
		json_gen_key(g, "length");
		yajl_gen_integer(g, h[i].length);
		json_gen_key(g, "ttl");
		yajl_gen_integer(g, h[i].ttl);
		redis_json_num(g, "oldest_age", h[i].oldest_age, true);
		redis_json_num(g, "newest_age", h[i].newest_age, true);
		json_gen_key(g, "records_seen");
		yajl_gen_integer(g, (long long)h[i].seen);
		json_gen_key(g, "bad");
		yajl_gen_integer(g, (long long)h[i].bad);
		json_gen_key(g, "gaps");
		yajl_gen_integer(g, (long long)h[i].gaps);
		json_gen_key(g, "drains");
		yajl_gen_integer(g, (long long)h[i].drains);
		redis_json_num(g, "drain_period", h[i].drain_period, true);
		redis_json_num(g, "rate", h[i].rate, false);
		json_gen_key(g, "state");
		p = (const unsigned char *)source_redis_state(s);
		json_gen_slice(g, (const char *)p, strlen((const char *)p));
		json_gen_key(g, "node");
		json_gen_slice(g, h[i].node, strlen(h[i].node));
		json_gen_key(g, "role");
		json_gen_slice(g, h[i].role, strlen(h[i].role));
		json_gen_key(g, "link");
		json_gen_slice(g, h[i].link_up ? "up" : "down",
		    h[i].link_up ? 2 : 4);
		yajl_gen_map_close(g);
		yajl_gen_get_buf(g, &p, &len);
		buf_add(b, p, len);
		buf_addc(b, '\n');
		yajl_gen_free(g);
	}
}

static void
redis_health(struct source *s, struct store *st, struct buf *b)
{
	source_redis_health_json(s, b);
}

static void
redis_free(struct source *s)
{
	struct redis_src	*rs = s->data;
	struct redis_ev		*ev, *next;
	size_t			 i;

	source_redis_io_stop(&rs->io);
	for (ev = rs->pending; ev != NULL; ev = next) {
		next = ev->next_ev;
		source_redis_io_ev_free(ev);
	}
	for (i = 0; i < rs->nkeys; i++) {
		free(rs->keys[i].name);
		free(rs->keys[i].srcname);
		free(rs->io.keys[i].name);
	}
	free(rs->keys);
	free(rs->io.keys);
	source_redis_conf_clear(&rs->io.conf);
	free(rs->health);
	free(rs->fatal);
	record_build_clear(&rs->b);
	free(rs);
}
