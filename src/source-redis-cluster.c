/* SPDX-License-Identifier: ISC */
/*
 * Redis Cluster arithmetic (see the header).  The CRC is the bitwise
 * CRC16/XMODEM (polynomial 0x1021, initial 0): 22 keys are hashed once
 * per slot-map change, so no table is needed.
 */
#include "config.h"

#include "source-redis-cluster.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strnum.h"
#include "xmalloc.h"

/*
 * Is s (len bytes) a plausible host name or address?  Printable ASCII
 * only: a host from a reply is shown in messages and on the screen.
 */
static bool
cluster_host_ok(const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		if (s[i] <= ' ' || s[i] >= 0x7f || s[i] == '/' || s[i] == '@' ||
		    s[i] == ',')
			return (false);
	return (true);
}

/* CRC16/XMODEM; "123456789" gives 0x31c3. */
uint16_t
source_redis_cluster_crc16(const void *p, size_t len)
{
	const unsigned char	*s = p;
	uint16_t		 crc = 0;
	size_t			 i;
	int			 b;

	for (i = 0; i < len; i++) {
		crc ^= (uint16_t)(s[i] << 8);
		for (b = 0; b < 8; b++)
			crc = (crc & 0x8000) != 0 ?
			    (uint16_t)(crc << 1 ^ 0x1021) : (uint16_t)(crc << 1);
	}
	return (crc);
}

/*
 * The slot of a key: only the part between the first '{' and the first
 * '}' after it is hashed when that part is not empty.
 */
int
source_redis_cluster_slot(const char *key, size_t len)
{
	size_t	 s, e;

	for (s = 0; s < len && key[s] != '{'; s++)
		;
	if (s < len) {
		for (e = s + 1; e < len && key[e] != '}'; e++)
			;
		if (e < len && e != s + 1)
			return (source_redis_cluster_crc16(key + s + 1,
			    e - s - 1) & (REDIS_SLOTS - 1));
	}
	return (source_redis_cluster_crc16(key, len) & (REDIS_SLOTS - 1));
}

/*
 * Parse "MOVED 3999 127.0.0.1:6381" or "ASK 3999 host:port" (an IPv6
 * address has colons: the port is after the last one; an empty host means
 * the node that replied, peer).  Returns 0, or -1 if it is not one.
 */
int
source_redis_cluster_redirect(const char *s, size_t len, const char *peer,
    struct redis_redirect *rd)
{
	char		 buf[320], *p, *sp, *colon;
	const char	*errstr;
	long long	 n;

	memset(rd, 0, sizeof *rd);
	if (len >= sizeof buf)
		return (-1);
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (strncmp(buf, "MOVED ", 6) == 0)
		p = buf + 6;
	else if (strncmp(buf, "ASK ", 4) == 0) {
		rd->ask = true;
		p = buf + 4;
	} else
		return (-1);
	if ((sp = strchr(p, ' ')) == NULL)
		return (-1);
	*sp++ = '\0';
	n = strnum_parse(p, 0, REDIS_SLOTS - 1, &errstr);
	if (errstr != NULL)
		return (-1);
	rd->slot = (int)n;
	if ((colon = strrchr(sp, ':')) == NULL)
		return (-1);
	*colon++ = '\0';
	n = strnum_parse(colon, 1, 65535, &errstr);
	if (errstr != NULL)
		return (-1);
	rd->port = (int)n;
	if (sp[0] == '[' && colon - sp >= 3 && colon[-2] == ']') {
		colon[-2] = '\0';
		sp++;
	}
	if (!cluster_host_ok(sp, strlen(sp)))
		return (-1);
	snprintf(rd->host, sizeof rd->host, "%s", *sp != '\0' ? sp :
	    peer != NULL ? peer : "127.0.0.1");
	return (0);
}

/* host, port (and id) from a node entry of CLUSTER SLOTS. */
static int
cluster_node(const redisReply *e, const char *peer, struct redis_slot_range *r)
{
	const redisReply	*h, *p;

	if (e->type != REDIS_REPLY_ARRAY || e->elements < 2)
		return (-1);
	h = e->element[0];
	p = e->element[1];
	if (h->type != REDIS_REPLY_STRING || p->type != REDIS_REPLY_INTEGER ||
	    p->integer < 1 || p->integer > 65535 || h->len >= sizeof r->host ||
	    !cluster_host_ok(h->str, h->len))
		return (-1);
	/* "" or "?" means: the address the client used. */
	if (h->len == 0 || (h->len == 1 && h->str[0] == '?'))
		snprintf(r->host, sizeof r->host, "%s", peer);
	else
		snprintf(r->host, sizeof r->host, "%.*s", (int)h->len, h->str);
	r->port = (int)p->integer;
	r->id[0] = '\0';
	if (e->elements >= 3 && e->element[2]->type == REDIS_REPLY_STRING)
		snprintf(r->id, sizeof r->id, "%.*s", (int)e->element[2]->len,
		    e->element[2]->str);
	return (0);
}

/*
 * The ranges of a CLUSTER SLOTS reply: [start, end, master, replica...]
 * per range.  With replica, the first replica of a range serves it (its
 * master when it has none).  peer is the host the reply came from.
 * Returns 0 with *out (free it) and *n, or -1 with a message.
 */
int
source_redis_cluster_ranges(const redisReply *r, const char *peer,
    bool replica, struct redis_slot_range **out, size_t *n, char *err,
    size_t errlen)
{
	struct redis_slot_range	*v, *x;
	const redisReply	*e;
	size_t			 i, nv = 0;

	*out = NULL;
	*n = 0;
	if (r->type != REDIS_REPLY_ARRAY || r->elements == 0) {
		snprintf(err, errlen, "CLUSTER SLOTS: no slot is served");
		return (-1);
	}
	v = xcalloc(r->elements, sizeof *v);
	for (i = 0; i < r->elements; i++) {
		e = r->element[i];
		x = &v[nv];
		if (e->type != REDIS_REPLY_ARRAY || e->elements < 3 ||
		    e->element[0]->type != REDIS_REPLY_INTEGER ||
		    e->element[1]->type != REDIS_REPLY_INTEGER ||
		    e->element[0]->integer < 0 ||
		    e->element[1]->integer >= REDIS_SLOTS ||
		    e->element[0]->integer > e->element[1]->integer ||
		    cluster_node(e->element[2], peer, x) != 0) {
			snprintf(err, errlen, "CLUSTER SLOTS: malformed "
			    "entry %zu", i);
			free(v);
			return (-1);
		}
		x->start = (int)e->element[0]->integer;
		x->end = (int)e->element[1]->integer;
		if (replica && e->elements >= 4 &&
		    cluster_node(e->element[3], peer, x) == 0)
			x->replica = true;
		nv++;
	}
	*out = v;
	*n = nv;
	return (0);
}
