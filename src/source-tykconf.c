/* SPDX-License-Identifier: ISC */
/*
 * pump.conf and tyk.conf (see the header).  The Redis settings are the
 * pump's analytics_storage_config, or the gateway's analytics_storage
 * when enable_separate_analytics_store is set, else its storage
 * (stores.md 4).  Each setting is read from the file under any of its
 * names (the pump's and the gateway's spellings, old and new), then from
 * the environment: PREFIX + the name in capitals without underscores, as
 * envconfig spells the Go field (TYK_PMP_ANALYTICSSTORAGECONFIG_HOST,
 * TYK_GW_STORAGE_MASTERNAME, ...).  Addresses come from addrs, else
 * hosts, else host:port; master_name wins over enable_cluster (a cluster
 * needs no flag here: CLUSTER SLOTS tells).
 *
 * The SQL stores of the sql and sql_aggregate pumps go through
 * tykconf_sql alone: a PostgreSQL one (meta.type "postgres") becomes a
 * PostgreSQL source, once per connection string; another kind (sqlite,
 * mysql) is said to be skipped, as this build has no source for it.
 */
#include "config.h"

#include "source-tykconf.h"

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_tree.h>

#include "bytes.h"
#include "log-warn.h"
#include "options.h"
#include "source.h"
#include "strnum.h"
#include "xmalloc.h"

#define TYKCONF_MAX	(4 << 20)	/* bytes of a configuration file */

enum tykconf_type { TC_STR, TC_INT, TC_BOOL, TC_ADDRS };

/* The Redis settings, as the pump or gateway would use them. */
struct tykconf_redis {
	char		*host;
	char		*port;
	char		*addrs;		/* "h:p,h:p" */
	char		*master_name;
	char		*sentinel_password;
	char		*username;
	char		*password;
	char		*database;
	char		*cluster;	/* bools as "true"/"false" */
	char		*ssl;
	char		*insecure;
	char		*ca_file;
	char		*cert_file;
	char		*key_file;
	char		*prefix;
};

static const struct tykconf_field {
	size_t			 off;
	enum tykconf_type	 type;
	const char		*names[3];	/* JSON names, env from each */
} tykconf_fields[] = {
	{ offsetof(struct tykconf_redis, host), TC_STR, { "host" } },
	{ offsetof(struct tykconf_redis, port), TC_INT, { "port" } },
	{ offsetof(struct tykconf_redis, addrs), TC_ADDRS,
	    { "hosts", "addrs" } },
	{ offsetof(struct tykconf_redis, master_name), TC_STR,
	    { "master_name" } },
	{ offsetof(struct tykconf_redis, sentinel_password), TC_STR,
	    { "sentinel_password" } },
	{ offsetof(struct tykconf_redis, username), TC_STR, { "username" } },
	{ offsetof(struct tykconf_redis, password), TC_STR, { "password" } },
	{ offsetof(struct tykconf_redis, database), TC_INT, { "database" } },
	{ offsetof(struct tykconf_redis, cluster), TC_BOOL,
	    { "enable_cluster" } },
	{ offsetof(struct tykconf_redis, ssl), TC_BOOL,
	    { "redis_use_ssl", "use_ssl" } },
	{ offsetof(struct tykconf_redis, insecure), TC_BOOL,
	    { "redis_ssl_insecure_skip_verify", "ssl_insecure_skip_verify" } },
	{ offsetof(struct tykconf_redis, ca_file), TC_STR,
	    { "ca_file", "ssl_ca_file" } },
	{ offsetof(struct tykconf_redis, cert_file), TC_STR,
	    { "cert_file", "ssl_cert_file" } },
	{ offsetof(struct tykconf_redis, key_file), TC_STR,
	    { "key_file", "ssl_key_file" } },
	{ offsetof(struct tykconf_redis, prefix), TC_STR,
	    { "key_prefix", "redis_key_prefix" } },
};
#define TYKCONF_NFIELDS	(sizeof tykconf_fields / sizeof tykconf_fields[0])

/* What is being read, for messages. */
struct tykconf {
	const char	*opt;		/* "--from-pump" */
	const char	*path;
	bool		 pump;
	struct buf	 summary;	/* what was opened or skipped */
};

static char **
tykconf_slot(struct tykconf_redis *r, const struct tykconf_field *f)
{
	return ((char **)(void *)((char *)r + f->off));
}

/* A JSON scalar as text ("true", "6379", ...), or NULL. */
static char *
tykconf_scalar(yajl_val v, enum tykconf_type type)
{
	struct buf	 b;
	size_t		 i;
	yajl_val	 e;
	const char	*k;
	struct yajl_val_s *c;

	if (v == NULL || YAJL_IS_NULL(v))
		return (NULL);
	if (YAJL_IS_STRING(v))
		return (*YAJL_GET_STRING(v) == '\0' ? NULL :
		    xstrdup(YAJL_GET_STRING(v)));
	if (YAJL_IS_TRUE(v))
		return (xstrdup("true"));
	if (YAJL_IS_FALSE(v))
		return (xstrdup("false"));
	if (YAJL_IS_NUMBER(v))
		return (xstrdup(YAJL_GET_NUMBER(v)));
	if (type != TC_ADDRS)
		return (NULL);
	/* addrs: ["h:p", ...]; hosts (old pumps): {"h": "p", ...}. */
	buf_init(&b);
	if ((c = v) != NULL && YAJL_IS_ARRAY(v)) {
		for (i = 0; i < c->u.array.len; i++) {
			e = c->u.array.values[i];
			if (!YAJL_IS_STRING(e) || *YAJL_GET_STRING(e) == '\0')
				continue;
			buf_printf(&b, "%s%s", b.len > 0 ? "," : "",
			    YAJL_GET_STRING(e));
		}
	} else if (YAJL_IS_OBJECT(v)) {
		for (i = 0; i < c->u.object.len; i++) {
			k = c->u.object.keys[i];
			e = c->u.object.values[i];
			buf_printf(&b, "%s%s", b.len > 0 ? "," : "", k);
			if (YAJL_IS_STRING(e) && *YAJL_GET_STRING(e) != '\0')
				buf_printf(&b, ":%s", YAJL_GET_STRING(e));
			else if (YAJL_IS_NUMBER(e))
				buf_printf(&b, ":%s", YAJL_GET_NUMBER(e));
		}
	}
	if (b.len == 0) {
		buf_clear(&b);
		return (NULL);
	}
	return (buf_take(&b));
}

static yajl_val
tykconf_get(yajl_val obj, const char *name)
{
	size_t	 i;

	if (obj == NULL || !YAJL_IS_OBJECT(obj))
		return (NULL);
	for (i = 0; i < obj->u.object.len; i++)
		if (strcmp(obj->u.object.keys[i], name) == 0)
			return (obj->u.object.values[i]);
	return (NULL);
}

/* The environment variable PREFIX + NAME in capitals, no underscores. */
static const char *
tykconf_env(const char *prefix, const char *name)
{
	char		 var[128];
	size_t		 n;
	const char	*v;

	n = (size_t)snprintf(var, sizeof var, "%s", prefix);
	if (n >= sizeof var)
		return (NULL);
	for (; *name != '\0' && n + 1 < sizeof var; name++)
		if (*name != '_')
			var[n++] = (char)(*name >= 'a' && *name <= 'z' ?
			    *name - 'a' + 'A' : *name);
	var[n] = '\0';
	v = getenv(var);
	return (v != NULL && *v != '\0' ? v : NULL);
}

/* Fill r from the object cfg, then from the environment. */
static void
tykconf_redis_read(struct tykconf_redis *r, yajl_val cfg,
    const char *const *prefixes)
{
	const struct tykconf_field	*f;
	const char			*ev;
	char				**slot, *v;
	size_t				 i, j, p;

	for (i = 0; i < TYKCONF_NFIELDS; i++) {
		f = &tykconf_fields[i];
		slot = tykconf_slot(r, f);
		/* Later names win: addrs over hosts. */
		for (j = 0; j < 3 && f->names[j] != NULL; j++) {
			v = tykconf_scalar(tykconf_get(cfg, f->names[j]),
			    f->type);
			if (v != NULL) {
				free(*slot);
				*slot = v;
			}
		}
		for (p = 0; prefixes[p] != NULL; p++) {
			for (j = 0; j < 3 && f->names[j] != NULL; j++) {
				if ((ev = tykconf_env(prefixes[p],
				    f->names[j])) == NULL)
					continue;
				free(*slot);
				*slot = xstrdup(ev);
			}
		}
	}
}

static void
tykconf_redis_clear(struct tykconf_redis *r)
{
	char	**slot;
	size_t	 i;

	for (i = 0; i < TYKCONF_NFIELDS; i++) {
		slot = tykconf_slot(r, &tykconf_fields[i]);
		if (*slot != NULL)
			explicit_bzero(*slot, strlen(*slot));
		free(*slot);
	}
}

static bool
tykconf_true(const char *s)
{
	return (s != NULL && (strcmp(s, "true") == 0 || strcmp(s, "1") == 0 ||
	    strcmp(s, "TRUE") == 0 || strcmp(s, "True") == 0));
}

/* Append s %-escaped for a URI's userinfo. */
static void
tykconf_escape(struct buf *b, const char *s)
{
	for (; *s != '\0'; s++) {
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || strchr("-._~", *s) != NULL)
			buf_addc(b, *s);
		else
			buf_printf(b, "%%%02X", (unsigned char)*s);
	}
}

/* Set an option the command line left unset. */
static void
tykconf_set(char **opt, const char *v)
{
	if (*opt == NULL && v != NULL)
		*opt = xstrdup(v);
}

/* Build the Redis URI and options from r; 0 or -1 with *cause. */
static int
tykconf_redis(struct tykconf *tc, struct tykconf_redis *r, struct options *o,
    char **cause)
{
	struct buf	 b;
	const char	*errstr;
	char		*safe;

	if (r->database != NULL) {
		strnum_parse(r->database, 0, 65535, &errstr);
		if (errstr != NULL) {
			xasprintf(cause, "%s %s: database '%s': %s", tc->opt,
			    tc->path, r->database, errstr);
			return (-1);
		}
	}
	buf_init(&b);
	buf_adds(&b, tykconf_true(r->ssl) ? "rediss://" : "redis://");
	if (r->username != NULL || r->password != NULL) {
		if (r->username != NULL)
			tykconf_escape(&b, r->username);
		if (r->password != NULL) {
			buf_addc(&b, ':');
			tykconf_escape(&b, r->password);
		}
		buf_addc(&b, '@');
	}
	if (r->addrs != NULL)
		buf_adds(&b, r->addrs);
	else
		buf_printf(&b, "%s:%s", r->host != NULL ? r->host : "localhost",
		    r->port != NULL ? r->port : "6379");
	buf_printf(&b, "/%s", r->database != NULL ? r->database : "0");
	buf_addc(&b, '\0');
	options_add_source(o, b.data);
	safe = source_safe_arg(b.data);
	explicit_bzero(b.data, b.len);
	buf_clear(&b);

	if (r->master_name != NULL) {
		tykconf_set(&o->sentinel_master, r->master_name);
		if (o->sentinel_password_file == NULL)
			tykconf_set(&o->sentinel_password,
			    r->sentinel_password);
	}
	if (tykconf_true(r->ssl)) {
		tykconf_set(&o->tls_ca_file, r->ca_file);
		tykconf_set(&o->tls_cert_file, r->cert_file);
		tykconf_set(&o->tls_key_file, r->key_file);
		if (tykconf_true(r->insecure))
			o->tls_insecure = true;
	}
	/* The prefix, unless --key-prefix changed it. */
	if (tc->pump && r->prefix != NULL && o->key_prefix != NULL &&
	    strcmp(o->key_prefix, "analytics-") == 0) {
		free(o->key_prefix);
		o->key_prefix = xstrdup(r->prefix);
	}
	buf_printf(&tc->summary, "Redis %s%s%s%s%s", safe,
	    tykconf_true(r->ssl) ? " (TLS" : "", tykconf_true(r->ssl) &&
	    tykconf_true(r->insecure) ? ", not verified" : "",
	    tykconf_true(r->ssl) ? ")" : "",
	    r->master_name != NULL ? " via sentinels" : "");
	if (r->master_name == NULL && tykconf_true(r->cluster))
		buf_adds(&tc->summary, " (cluster)");
	if (tc->pump && strcmp(o->key_prefix, "analytics-") != 0)
		buf_printf(&tc->summary, ", keys %styk-system-analytics*",
		    o->key_prefix);
	free(safe);
	return (0);
}

/*
 * The SQL store of a pump (meta.type, meta.connection_string): PostgreSQL
 * is opened, once per connection string; the others are skipped.
 */
static void
tykconf_sql(struct tykconf *tc, struct options *o, const char *name,
    const char *type, const char *kind, const char *conn)
{
	char	*safe;
	size_t	 i;
	bool	 dup = false;

	if (kind != NULL && strcmp(kind, "postgres") != 0 &&
	    strcmp(kind, "postgresql") != 0) {
		buf_printf(&tc->summary, "; pump %s (%s): skipped: no %s source "
		    "in this build", name, type, kind);
		return;
	}
	if (conn == NULL || (strncmp(conn, "postgres://", 11) != 0 &&
	    strncmp(conn, "postgresql://", 13) != 0 &&
	    !source_pg_is_conninfo(conn))) {
		buf_printf(&tc->summary, "; pump %s (%s): skipped: %s", name,
		    type, conn == NULL ? "no connection_string" :
		    "connection_string is not a PostgreSQL URI or key=value "
		    "string");
		return;
	}
	for (i = 0; i < o->sources.n; i++)
		if (strcmp(o->sources.v[i], conn) == 0)
			dup = true;
	safe = source_pg_safe_arg(conn);
	buf_printf(&tc->summary, "; pump %s (%s): %s%s", name, type,
	    dup ? "the same " : "PostgreSQL ", safe);
	free(safe);
	if (!dup)
		options_add_source(o, conn);
}

/* The pumps' Mongo and SQL stores. */
static void
tykconf_pumps(struct tykconf *tc, yajl_val root, struct options *o)
{
	yajl_val	 pumps, p, meta;
	const char	*name, *ev;
	char		*type, *url, *safe, *kind, prefix[160];
	size_t		 i, j;
	bool		 dup;

	pumps = tykconf_get(root, "pumps");
	if (pumps == NULL || !YAJL_IS_OBJECT(pumps))
		return;
	for (i = 0; i < pumps->u.object.len; i++) {
		name = pumps->u.object.keys[i];
		p = pumps->u.object.values[i];
		meta = tykconf_get(p, "meta");
		snprintf(prefix, sizeof prefix, "TYK_PMP_PUMPS_%s_", name);
		for (j = 0; prefix[j] != '\0'; j++)
			if (prefix[j] >= 'a' && prefix[j] <= 'z')
				prefix[j] = (char)(prefix[j] - 'a' + 'A');
			else if (prefix[j] == '-')
				prefix[j] = '_';
		/* Old files name the pump by its type. */
		if ((type = tykconf_scalar(tykconf_get(p, "type"),
		    TC_STR)) == NULL)
			type = xstrdup(name);
		if ((ev = tykconf_env(prefix, "type")) != NULL) {
			free(type);
			type = xstrdup(ev);
		}
		if (strcmp(type, "mongo") == 0 ||
		    strcmp(type, "mongo-pump-aggregate") == 0 ||
		    strcmp(type, "mongo-pump-selective") == 0) {
			url = tykconf_scalar(tykconf_get(meta, "mongo_url"),
			    TC_STR);
			snprintf(prefix + strlen(prefix), sizeof prefix -
			    strlen(prefix), "META_");
			if ((ev = tykconf_env(prefix, "mongo_url")) != NULL) {
				free(url);
				url = xstrdup(ev);
			}
			if (url == NULL) {
				buf_printf(&tc->summary, "; pump %s (%s): no "
				    "mongo_url", name, type);
				free(type);
				continue;
			}
			for (j = 0, dup = false; j < o->sources.n; j++)
				if (strcmp(o->sources.v[j], url) == 0)
					dup = true;
			safe = source_safe_arg(url);
			buf_printf(&tc->summary, "; pump %s (%s): %s%s", name,
			    type, dup ? "the same " : "Mongo ", safe);
			if (!dup)
				options_add_source(o, url);
			free(safe);
			explicit_bzero(url, strlen(url));
			free(url);
		} else if (strcmp(type, "sql") == 0 ||
		    strcmp(type, "sql_aggregate") == 0 ||
		    strcmp(type, "sql-aggregate") == 0) {
			url = tykconf_scalar(tykconf_get(meta,
			    "connection_string"), TC_STR);
			kind = tykconf_scalar(tykconf_get(meta, "type"),
			    TC_STR);
			snprintf(prefix + strlen(prefix), sizeof prefix -
			    strlen(prefix), "META_");
			if ((ev = tykconf_env(prefix,
			    "connection_string")) != NULL) {
				free(url);
				url = xstrdup(ev);
			}
			if ((ev = tykconf_env(prefix, "type")) != NULL) {
				free(kind);
				kind = xstrdup(ev);
			}
			tykconf_sql(tc, o, name, type, kind, url);
			if (url != NULL)
				explicit_bzero(url, strlen(url));
			free(url);
			free(kind);
		}
		free(type);
	}
}

/* Read the file into a JSON tree; NULL with *cause. */
static yajl_val
tykconf_load(struct tykconf *tc, char **cause)
{
	FILE		*f;
	char		*data, err[256];
	size_t		 len;
	yajl_val	 root;

	if ((f = fopen(tc->path, "r")) == NULL) {
		xasprintf(cause, "%s %s: %s", tc->opt, tc->path,
		    strerror(errno));
		return (NULL);
	}
	data = xmalloc(TYKCONF_MAX + 1);
	len = fread(data, 1, TYKCONF_MAX + 1, f);
	fclose(f);
	if (len > TYKCONF_MAX) {
		xasprintf(cause, "%s %s: larger than %d bytes", tc->opt,
		    tc->path, TYKCONF_MAX);
		free(data);
		return (NULL);
	}
	data[len] = '\0';
	err[0] = '\0';
	root = yajl_tree_parse(data, err, sizeof err);
	explicit_bzero(data, len);
	free(data);
	if (root == NULL || !YAJL_IS_OBJECT(root)) {
		/* yajl's message quotes the text: it may hold a secret. */
		xasprintf(cause, "%s %s: not a JSON object%s", tc->opt,
		    tc->path, root == NULL ? " (JSON syntax error)" : "");
		yajl_tree_free(root);
		return (NULL);
	}
	return (root);
}

/*
 * Read o->from_pump or o->from_gateway and add what it names to o.
 * Returns 0, or -1 with a message in *cause.
 */
int
source_tykconf_apply(struct options *o, char **cause)
{
	static const char *const pump_env[] = {
	    "TYK_PMP_ANALYTICSSTORAGECONFIG_", "TYK_PMP_TEMPORAL_STORAGE_",
	    NULL };
	static const char *const gw_env[] = { "TYK_GW_STORAGE_", NULL };
	static const char *const gw_sep_env[] = {
	    "TYK_GW_ANALYTICSSTORAGE_", NULL };
	struct tykconf		 tc;
	struct tykconf_redis	 r;
	yajl_val		 root = NULL, cfg;
	const char		*ev;
	bool			 sep, omit;
	int			 rc;

	memset(&tc, 0, sizeof tc);
	memset(&r, 0, sizeof r);
	tc.pump = o->from_pump != NULL;
	tc.opt = tc.pump ? "--from-pump" : "--from-gateway";
	tc.path = tc.pump ? o->from_pump : o->from_gateway;
	buf_init(&tc.summary);
	ev = getenv(tc.pump ? "TYK_PMP_OMITCONFIGFILE" : "TYK_GW_OMITCONFIGFILE");
	omit = tykconf_true(ev);
	if (!omit && (root = tykconf_load(&tc, cause)) == NULL) {
		buf_clear(&tc.summary);
		return (-1);
	}
	if (tc.pump) {
		cfg = tykconf_get(root, "analytics_storage_config");
		tykconf_redis_read(&r, cfg, pump_env);
	} else {
		sep = YAJL_IS_TRUE(tykconf_get(root,
		    "enable_separate_analytics_store"));
		if ((ev = getenv("TYK_GW_ENABLESEPARATEANALYTICSSTORE")) !=
		    NULL)
			sep = tykconf_true(ev);
		cfg = tykconf_get(root, sep ? "analytics_storage" : "storage");
		tykconf_redis_read(&r, cfg, sep ? gw_sep_env : gw_env);
	}
	rc = tykconf_redis(&tc, &r, o, cause);
	if (rc == 0 && tc.pump)
		tykconf_pumps(&tc, root, o);
	if (rc == 0)
		warnx_("%s %s: %.*s", tc.opt, tc.path, (int)tc.summary.len,
		    tc.summary.data);
	tykconf_redis_clear(&r);
	buf_clear(&tc.summary);
	yajl_tree_free(root);
	return (rc);
}
