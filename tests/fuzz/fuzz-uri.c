/* SPDX-License-Identifier: ISC */
/*
 * Fuzz the live sources' URI handling: the Redis URI parser, the MongoDB
 * URI as the driver parses it, and source_safe_arg (the name every
 * message shows).  The first byte picks the scheme, the rest follows
 * "scheme://".  The invariant: the password never appears in the source
 * name nor in an error, unless the same bytes are also somewhere else in
 * the URI (a user or host that holds them is not a leak).
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source-mongo.h"
#include "source-redis-io.h"
#include "source-redis.h"
#include "source.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static const char *const schemes[] = { "redis://", "mongodb://",
    "mongodb+srv://", "unix://" };

/*
 * Everything shown about in: the name (source_safe_arg), then the parser's
 * name or error.  *pass gets the password as the parser saw it, or NULL.
 */
static char *
shown(const char *in, int redis, char **pass)
{
	struct redis_conf	 cf;
	mongoc_uri_t		*uri;
	const char		*p;
	char			*name, *safe = NULL, *cause = NULL, *out;
	size_t			 len;

	*pass = NULL;
	name = source_safe_arg(in);
	if (redis) {
		if (source_redis_parse_uri(in, &cf, &safe, &cause) == 0) {
			if (cf.pass != NULL)
				*pass = strdup(cf.pass);
			source_redis_conf_clear(&cf);
		}
	} else if ((uri = source_mongo_parse_uri(in, &cause)) != NULL) {
		if ((p = mongoc_uri_get_password(uri)) != NULL)
			*pass = strdup(p);
		mongoc_uri_destroy(uri);
	}
	len = strlen(name) + (safe != NULL ? strlen(safe) : 0) +
	    (cause != NULL ? strlen(cause) : 0) + 3;
	if ((out = malloc(len)) == NULL)
		abort();
	snprintf(out, len, "%s\n%s\n%s", name, safe != NULL ? safe : "",
	    cause != NULL ? cause : "");
	free(name);
	free(safe);
	free(cause);
	return (out);
}

/*
 * A leak: out shows p (4 bytes or more), the same URI with its password
 * replaced by filler (out2) does not, and the URI outside the password
 * (rest) does not hold it: so p is not merely also a host, a port or a
 * default that happens to hold the same bytes.
 */
static void
check(const char *out, const char *out2, const char *rest, const char *p,
    size_t len)
{
	char	*s;

	if (p == NULL || len < 4)
		return;
	if ((s = strndup(p, len)) == NULL)
		abort();
	if (strstr(out, s) != NULL && (out2 == NULL || strstr(out2, s) ==
	    NULL) && strstr(rest, s) == NULL) {
		fprintf(stderr, "password '%s' shown in:\n%s\n", s, out);
		abort();
	}
	free(s);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*scheme, *raw = NULL;
	char		*in, *in2 = NULL, *out, *out2 = NULL, *pass, *pass2;
	char		*fill, *rest;
	size_t		 slen, rawlen = 0, off;
	int		 redis;

	if (size < 1 || size > 4096)
		return (0);
	scheme = schemes[data[0] % 4];
	redis = data[0] % 4 == 0 || data[0] % 4 == 3;
	slen = strlen(scheme);
	if ((in = malloc(slen + size)) == NULL)
		abort();
	memcpy(in, scheme, slen);
	memcpy(in + slen, data + 1, size - 1);
	in[slen + size - 1] = '\0';
	if (strlen(in) != slen + size - 1) {
		free(in);
		return (0);
	}
	out = shown(in, redis, &pass);
	if (source_uri_password(in, &raw, &rawlen)) {
		/* The same URI with the password as written made 'Q's. */
		off = (size_t)(raw - in);
		if ((in2 = strdup(in)) == NULL)
			abort();
		memset(in2 + off, 'Q', rawlen);
		out2 = shown(in2, redis, &pass2);
		free(pass2);
		/* The filler itself must not show either. */
		if (rawlen >= 4 && strchr(in, 'Q') == NULL) {
			if ((fill = strndup(in2 + off, rawlen)) == NULL)
				abort();
			if (strstr(out2, fill) != NULL) {
				fprintf(stderr, "filler shown in:\n%s\n", out2);
				abort();
			}
			free(fill);
		}
	}
	/* The URI without the password as written. */
	if ((rest = strdup(in)) == NULL)
		abort();
	if (in2 != NULL)
		memmove(rest + (raw - in), rest + (raw - in) + rawlen,
		    strlen(rest + (raw - in) + rawlen) + 1);
	check(out, out2, rest, raw, rawlen);
	check(out, out2, rest, pass, pass != NULL ? strlen(pass) : 0);
	free(rest);
	free(pass);
	free(out);
	free(out2);
	free(in);
	free(in2);
	return (0);
}
