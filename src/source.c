/* SPDX-License-Identifier: ISC */
/*
 * Source registry: choose the implementation for a command-line argument.
 * URLs are recognised by scheme; files and directories by what they hold
 * (source_file_open sniffs magic bytes), not by name.
 */
#include "config.h"

#include "source.h"

#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "field.h"
#include "filter.h"
#include "options.h"
#include "store.h"
#include "xmalloc.h"

/* Wrap implementation data in a new source; arg is copied. */
struct source *
source_create(const struct source_ops *ops, const char *arg, void *data)
{
	struct source	*s;

	s = xcalloc(1, sizeof *s);
	s->ops = ops;
	s->arg = xstrdup(arg);
	s->data = data;
	return (s);
}

/*
 * Find the password in a URL: *pass and *passlen get the bytes between the
 * first ':' of the userinfo and the '@' that ends it, as written (still
 * %-escaped).  The userinfo ends at the LAST '@' before the query ("/?";
 * for redis://, which has none, the last '@'), not at the first '/': a
 * password may hold '/', '@', '#' or '?' unescaped (base64 passwords hold
 * '/'), and the host part holds no '@'; an option value after "/?" may,
 * and is not taken for a password.
 * Returns false when the URL has no password.
 */
bool
source_uri_password(const char *arg, const char **pass, size_t *passlen)
{
	const char	*auth, *end, *at = NULL, *colon, *p;

	/* unix:///path has no userinfo: a ':' or '@' is the path's. */
	if ((auth = strstr(arg, "://")) == NULL || strncmp(arg, "unix://",
	    7) == 0)
		return (false);
	auth += 3;
	/* redis:// has no query: there, the last '@' of all ends it. */
	if (strncmp(arg, "redis://", 8) == 0 || strncmp(arg, "rediss://",
	    9) == 0)
		end = auth + strlen(auth);
	else {
		/*
		 * Options need the '/' ("host/?opt"): the query starts at
		 * the first '?' after a '/', and a '?' before any '/' is the
		 * userinfo's, as libmongoc reads it.
		 */
		end = auth + strlen(auth);
		if ((p = memchr(auth, '/', (size_t)(end - auth))) != NULL &&
		    (p = memchr(p, '?', (size_t)(end - p))) != NULL)
			end = p;
	}
	for (p = auth; p < end; p++)
		if (*p == '@')
			at = p;
	if (at == NULL || (colon = memchr(auth, ':', (size_t)(at - auth))) ==
	    NULL)
		return (false);
	*pass = colon + 1;
	*passlen = (size_t)(at - colon - 1);
	return (true);
}

/*
 * A source argument fit for messages: a URL's password is removed
 * ("scheme://user:pass@host/..." becomes "scheme://user@host/...").
 * Returns an allocated string.
 */
char *
source_safe_arg(const char *arg)
{
	const char	*pass;
	size_t		 len;
	char		*s;

	if (!source_uri_password(arg, &pass, &len))
		return (xstrdup(arg));
	xasprintf(&s, "%.*s%s", (int)(pass - 1 - arg), arg, pass + len);
	return (s);
}

/*
 * Rewrite a source argument in place without its password, so that the
 * process's command line (ps, /proc/PID/cmdline) does not show it once
 * the options are parsed (as mysql(1) does): the argument is replaced by
 * the name messages use, the bytes left over become NULs.
 */
void
source_hide_password(char *arg)
{
	char	*safe;
	size_t	 len = strlen(arg), n;

	if (strncmp(arg, "postgresql://", 13) == 0 ||
	    strncmp(arg, "postgres://", 11) == 0 || source_pg_is_conninfo(arg))
		safe = source_pg_safe_arg(arg);
	else if (strstr(arg, "://") != NULL)
		safe = source_safe_arg(arg);
	else
		return;
	n = strlen(safe);
	if (n < len) {
		memcpy(arg, safe, n);
		memset(arg + n, '\0', len - n);
	}
	free(safe);
}

/*
 * Open the source named by arg.  Returns NULL with a message in *cause
 * (owned by the caller) if it cannot be used.
 */
struct source *
source_open(const char *arg, const struct options *o, struct store *st,
    char **cause)
{
	*cause = NULL;
	if (o->summary && strncmp(arg, "postgresql://", 13) != 0 &&
	    strncmp(arg, "postgres://", 11) != 0 &&
	    strncmp(arg, "mongodb://", 10) != 0 &&
	    strncmp(arg, "mongodb+srv://", 14) != 0 &&
	    !source_pg_is_conninfo(arg)) {
		xasprintf(cause, "--summary needs a PostgreSQL or MongoDB "
		    "source (postgresql://... or mongodb://...)");
		return (NULL);
	}
	if (strncmp(arg, "redis://", 8) == 0 || strncmp(arg, "rediss://",
	    9) == 0 || strncmp(arg, "unix://", 7) == 0)
		return (source_redis_open(arg, o, st, cause));
	if (strncmp(arg, "mongodb://", 10) == 0 ||
	    strncmp(arg, "mongodb+srv://", 14) == 0)
		return (source_mongo_open(arg, o, st, cause));
	if (strncmp(arg, "postgresql://", 13) == 0 ||
	    strncmp(arg, "postgres://", 11) == 0 || source_pg_is_conninfo(arg))
		return (source_pg_open(arg, o, st, cause));
	return (source_file_open(arg, o, st, cause));
}

/* Close a source and free it. */
void
source_free(struct source *s)
{
	if (s == NULL)
		return;
	if (s->ops->free != NULL)
		s->ops->free(s);
	free(s->arg);
	free(s->error);
	free(s);
}

/* Replace every occurrence of secret in s (allocated) by "***". */
char *
source_scrub(char *s, const char *secret)
{
	struct buf	 b;
	const char	*p, *q;
	size_t		 n;

	if (secret == NULL || *secret == '\0' || strstr(s, secret) == NULL)
		return (s);
	n = strlen(secret);
	buf_init(&b);
	for (p = s; (q = strstr(p, secret)) != NULL; p = q + n) {
		buf_add(&b, p, (size_t)(q - p));
		buf_adds(&b, "***");
	}
	buf_adds(&b, p);
	buf_addc(&b, '\0');
	free(s);
	return (buf_take(&b));
}

/*
 * Can raw_request and raw_response be left on the server (the database
 * sources' projection)?  In batch mode when nothing printed or matched
 * reads them.
 */
bool
source_no_payload(const struct options *o, const struct filter *flt)
{
	if (!o->batch || filter_uses_field(flt, FIELD_BODY) ||
	    filter_uses_field(flt, FIELD_REQBODY) ||
	    filter_uses_field(flt, FIELD_RESPBODY) ||
	    filter_uses_field(flt, FIELD_HDR) ||
	    filter_uses_field(flt, FIELD_DETAILED))
		return (false);
	return (o->count || o->aggregate || o->health ||
	    o->format == OPT_FMT_TSV || o->format == OPT_FMT_TABLE);
}
