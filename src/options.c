/* SPDX-License-Identifier: ISC */
/*
 * Command-line parsing with getopt_long.  Errors come back as a message in
 * *cause (the caller prints it and exits 2); nothing here exits.
 */
#include "config.h"

#include "options.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "strnum.h"
#include "xmalloc.h"

enum {
	OPT_FORMAT = 256, OPT_DECODE, OPT_REVEAL, OPT_COUNT, OPT_LIMIT,
	OPT_SINCE, OPT_UNTIL, OPT_TZ, OPT_AGGREGATE, OPT_STORED, OPT_RECONCILE,
	OPT_TRACK_ALL, OPT_IGNORE_TAG, OPT_FOLLOW, OPT_DURATION, OPT_HEALTH,
	OPT_KEY_PREFIX, OPT_KEY, OPT_USER, OPT_PASSWORD_FILE, OPT_TLS_CA_FILE,
	OPT_TLS_CERT_FILE, OPT_TLS_KEY_FILE, OPT_TLS_SERVER_NAME,
	OPT_TLS_INSECURE, OPT_MASK_HEADER, OPT_SENTINEL_MASTER,
	OPT_SENTINEL_PASSWORD, OPT_SENTINEL_PASSWORD_FILE, OPT_REPLICA,
	OPT_FROM_PUMP, OPT_FROM_GATEWAY,
	OPT_CURL_TARGET, OPT_MAX_RECORDS, OPT_MAX_VALUE_SIZE, OPT_DEMO, OPT_DEMO_RATE,
	OPT_DEMO_SEED, OPT_DEMO_COUNT, OPT_CONFIG, OPT_MOUSE,
	OPT_SQL_SCHEMA, OPT_SUMMARY, OPT_THEME, OPT_BIND, OPT_KEEP_DUPLICATES,
	OPT_COLUMNS
};

static const struct option options_long[] = {
	{ "batch",		no_argument,		NULL, 'n' },
	{ "filter",		required_argument,	NULL, 'f' },
	{ "format",		required_argument,	NULL, OPT_FORMAT },
	{ "decode",		no_argument,		NULL, OPT_DECODE },
	{ "reveal",		no_argument,		NULL, OPT_REVEAL },
	{ "count",		no_argument,		NULL, OPT_COUNT },
	{ "limit",		required_argument,	NULL, OPT_LIMIT },
	{ "since",		required_argument,	NULL, OPT_SINCE },
	{ "until",		required_argument,	NULL, OPT_UNTIL },
	{ "tz",			required_argument,	NULL, OPT_TZ },
	{ "aggregate",		no_argument,		NULL, OPT_AGGREGATE },
	{ "stored",		no_argument,		NULL, OPT_STORED },
	{ "reconcile",		no_argument,		NULL, OPT_RECONCILE },
	{ "summary",		no_argument,		NULL, OPT_SUMMARY },
	{ "track-all-paths",	no_argument,		NULL, OPT_TRACK_ALL },
	{ "keep-duplicates",	no_argument,		NULL, OPT_KEEP_DUPLICATES },
	{ "columns",		required_argument,	NULL, OPT_COLUMNS },
	{ "ignore-tag-prefix",	required_argument,	NULL, OPT_IGNORE_TAG },
	{ "follow",		no_argument,		NULL, OPT_FOLLOW },
	{ "duration",		required_argument,	NULL, OPT_DURATION },
	{ "health",		no_argument,		NULL, OPT_HEALTH },
	{ "key-prefix",		required_argument,	NULL, OPT_KEY_PREFIX },
	{ "key",		required_argument,	NULL, OPT_KEY },
	{ "user",		required_argument,	NULL, OPT_USER },
	{ "password-file",	required_argument,	NULL, OPT_PASSWORD_FILE },
	{ "sql-schema",		required_argument,	NULL, OPT_SQL_SCHEMA },
	{ "tls-ca-file",	required_argument,	NULL, OPT_TLS_CA_FILE },
	{ "tls-cert-file",	required_argument,	NULL, OPT_TLS_CERT_FILE },
	{ "tls-key-file",	required_argument,	NULL, OPT_TLS_KEY_FILE },
	{ "tls-server-name",	required_argument,	NULL, OPT_TLS_SERVER_NAME },
	{ "tls-insecure",	no_argument,		NULL, OPT_TLS_INSECURE },
	{ "sentinel-master",	required_argument,	NULL, OPT_SENTINEL_MASTER },
	{ "sentinel-password",	required_argument,	NULL, OPT_SENTINEL_PASSWORD },
	{ "sentinel-password-file", required_argument,	NULL,
	    OPT_SENTINEL_PASSWORD_FILE },
	{ "replica",		no_argument,		NULL, OPT_REPLICA },
	{ "from-pump",		required_argument,	NULL, OPT_FROM_PUMP },
	{ "from-gateway",	required_argument,	NULL, OPT_FROM_GATEWAY },
	{ "mask-header",	required_argument,	NULL, OPT_MASK_HEADER },
	{ "curl-target",	required_argument,	NULL, OPT_CURL_TARGET },
	{ "max-records",	required_argument,	NULL, OPT_MAX_RECORDS },
	{ "max-value-size",	required_argument,	NULL, OPT_MAX_VALUE_SIZE },
	{ "demo",		no_argument,		NULL, OPT_DEMO },
	{ "demo-rate",		required_argument,	NULL, OPT_DEMO_RATE },
	{ "demo-seed",		required_argument,	NULL, OPT_DEMO_SEED },
	{ "demo-count",		required_argument,	NULL, OPT_DEMO_COUNT },
	{ "config",		required_argument,	NULL, OPT_CONFIG },
	{ "mouse",		no_argument,		NULL, OPT_MOUSE },
	{ "theme",		required_argument,	NULL, OPT_THEME },
	{ "bind",		required_argument,	NULL, OPT_BIND },
	{ "verbose-log",	required_argument,	NULL, 'v' },
	{ "help",		no_argument,		NULL, 'h' },
	{ "version",		no_argument,		NULL, 'V' },
	{ NULL,			0,			NULL, 0 }
};

static const char options_help_text[] =
"usage: tykscope [options] SOURCE...\n"
"       tykscope -n [--filter EXPR] [--format FMT] [--decode] [--reveal]\n"
"                [--count] [--limit N] [--since T] [--until T] SOURCE...\n"
"       tykscope -n --aggregate [--stored | --reconcile] SOURCE...\n"
"       tykscope -n [--follow] [--duration S] [--health] redis://...\n"
"\n"
"Sources:\n"
"  redis://[user[:pass]@]host[:port][/db]   live tail of the analytics lists\n"
"  redis://host:port,host:port,...          a Redis Cluster's seed nodes, or\n"
"                                           sentinels (--sentinel-master)\n"
"  rediss://...                             same, over TLS\n"
"  unix:///path/redis.sock                  same, over a unix socket\n"
"  mongodb://[user[:pass]@]host[:port][/db] the pump's MongoDB collections\n"
"  mongodb+srv://...                        same, hosts from DNS SRV\n"
"  postgresql://[user@]host[:port]/db       the sql pumps' tables (read-only;\n"
"  postgres://..., host=H dbname=D ...      also libpq key=value strings)\n"
"  DIR                                      a mongodump directory\n"
"  FILE.bson, FILE.bson.gz, ARCHIVE         dumped collections\n"
"  FILE.jsonl, -                            JSON lines (Tyk or mongoexport keys)\n"
"  --demo                                   built-in demo traffic\n"
"\n"
"Options:\n"
"  -n, --batch              no TUI: print records and exit\n"
"  -f, --filter EXPR        only records matching EXPR (see tykscope(1))\n"
"      --format FMT         jsonl, tsv, table, curl, raw-request, raw-response,\n"
"                           har\n"
"      --decode             add decoded request/response objects (jsonl)\n"
"      --reveal             do not mask secrets\n"
"      --mask-header NAME   also mask header NAME (repeatable)\n"
"      --curl-target T      gateway (default) or upstream\n"
"      --count              print only the number of matching records\n"
"      --limit N            stop after N records\n"
"      --since T, --until T time range (RFC 3339 prefix or -15m, -2h, -1d)\n"
"      --tz ZONE            time zone of the pump host for hour buckets\n"
"      --aggregate          hourly aggregates as Tyk Pump computes them\n"
"      --stored             print the stored aggregates of a dump\n"
"      --reconcile          compare stored and computed aggregates\n"
"      --summary            aggregates summarised by the PostgreSQL or MongoDB\n"
"                           server (GROUP BY, $group)\n"
"      --track-all-paths    count every path as an endpoint\n"
"      --keep-duplicates    read X.bson and X.bson.gz both, and a source\n"
"                           named twice twice (default: once)\n"
"      --ignore-tag-prefix P  skip tags starting with P (repeatable)\n"
"      --follow             keep reading a live source\n"
"      --duration S         stop following after S seconds\n"
"      --health             print the health of Redis keys, Mongo collections,\n"
"                           PostgreSQL tables\n"
"      --key-prefix P       Redis key prefix (default analytics-)\n"
"      --key NAME           watch exactly this Redis key (repeatable)\n"
"      --user NAME          Redis ACL user\n"
"      --password-file F    read the Redis or PostgreSQL password from F\n"
"      --sql-schema S       PostgreSQL schema of the Tyk tables (default public)\n"
"      --tls-ca-file F      rediss://: trust the CAs in F (default: system)\n"
"      --tls-cert-file F    rediss://: client certificate (mutual TLS)\n"
"      --tls-key-file F     its private key (default: in the certificate file)\n"
"      --tls-server-name N  name sent (SNI) and verified (default: the host)\n"
"      --tls-insecure       do not verify the server's certificate\n"
"      --sentinel-master NAME  the URI's hosts are sentinels: read the master\n"
"                           they name NAME, and follow its failovers\n"
"      --sentinel-password P   the sentinels' password\n"
"      --sentinel-password-file F  read it from F\n"
"      --replica            Redis Cluster: read the keys from replicas\n"
"      --from-pump F        read what the pump of pump.conf F reads: its\n"
"                           Redis (and TYK_PMP_*), Mongo and PostgreSQL\n"
"      --from-gateway F     read the analytics Redis of tyk.conf F (TYK_GW_*)\n"
"      --max-records N      records held from live sources (default 1000000)\n"
"      --max-value-size SIZE  Redis values larger than SIZE (K, M, G) are\n"
"                           bad records, not decoded (default 64M)\n"
"      --demo-rate R        demo records per second (default 20)\n"
"      --demo-seed N        demo generator seed\n"
"      --demo-count N       demo records in batch mode (default 1000);\n"
"                           in the TUI, N fixed records instead of live\n"
"      --mouse              enable the mouse in the TUI\n"
"      --theme NAME         TUI colours: default, monochrome, light,\n"
"                           high-contrast\n"
"      --bind 'KEY ACTION'  TUI: KEY runs ACTION (repeatable; see\n"
"                           tykscope(1), KEY BINDINGS)\n"
"      --columns LIST       TUI table columns, e.g. time,method,status,\n"
"                           latency,upstream,gateway,api,path,key,ip,org,\n"
"                           version,reason\n"
"      --config FILE        configuration file\n"
"  -v, --verbose-log FILE   write a debug log to FILE\n"
"  -h, --help               show this help\n"
"  -V, --version            show the version\n";

/*
 * The store's record limit (0: none) for sources that are live or not:
 * --max-records bounds live sources, and every source when it is given.
 * Offline sources (files, stdin, a finished query) keep every record.
 */
uint64_t
options_record_limit(const struct options *o, bool live)
{
	return (live || o->max_records_set ? o->max_records : 0);
}

/* The --help text. */
const char *
options_help(void)
{
	return (options_help_text);
}

static int	options_getopt(struct options *, int, char **, char **);

/* Parse a size: N, NK, NM or NG (powers of 1024; "KiB", "MB" too). */
static int
options_size(const char *s, uint64_t *out, const char **errstr)
{
	char		 num[32];
	size_t		 n;
	int64_t		 v, mul = 1;
	const char	*sfx;

	n = strspn(s, "0123456789");
	if (n == 0 || n >= sizeof num) {
		*errstr = "expected a number, K, M or G";
		return (-1);
	}
	memcpy(num, s, n);
	num[n] = '\0';
	sfx = s + n;
	if (*sfx != '\0') {
		switch (*sfx | 0x20) {
		case 'k':
			mul = (int64_t)1 << 10;
			break;
		case 'm':
			mul = (int64_t)1 << 20;
			break;
		case 'g':
			mul = (int64_t)1 << 30;
			break;
		case 'b':
			sfx--;
			break;
		default:
			*errstr = "unknown unit (K, M or G)";
			return (-1);
		}
		sfx++;
		if (strcasecmp(sfx, "") != 0 && strcasecmp(sfx, "b") != 0 &&
		    strcasecmp(sfx, "ib") != 0) {
			*errstr = "unknown unit (K, M or G)";
			return (-1);
		}
	}
	v = strnum_parse(num, 1, INT64_MAX / mul, errstr);
	if (*errstr != NULL)
		return (-1);
	*out = (uint64_t)(v * mul);
	return (0);
}
static int	options_check(struct options *, char **);

static void
options_list_add(struct options_list *l, const char *s)
{
	l->v = xreallocarray(l->v, l->n + 1, sizeof *l->v);
	l->v[l->n++] = xstrdup(s);
}

/* Add a source, as if given on the command line (--from-pump). */
void
options_add_source(struct options *o, const char *s)
{
	options_list_add(&o->sources, s);
}

static void
options_list_clear(struct options_list *l)
{
	size_t	 i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static void
options_set(char **dst, const char *s)
{
	free(*dst);
	*dst = xstrdup(s);
}

static const struct option *
options_find(const char *name)
{
	const struct option	*opt;

	for (opt = options_long; opt->name != NULL; opt++)
		if (strcmp(opt->name, name) == 0)
			return (opt);
	return (NULL);
}

/* Which configuration file to read: --config, TYKSCOPE_CONFIG, XDG. */
static char *
options_config_path(int argc, char **argv, bool *must_exist)
{
	const char	*e, *home;
	char		*path;
	int		 i;

	*must_exist = true;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--config") == 0 && i + 1 < argc)
			return (xstrdup(argv[i + 1]));
		if (strncmp(argv[i], "--config=", 9) == 0)
			return (xstrdup(argv[i] + 9));
	}
	if ((e = getenv("TYKSCOPE_CONFIG")) != NULL && *e != '\0')
		return (xstrdup(e));
	*must_exist = false;
	if ((e = getenv("XDG_CONFIG_HOME")) != NULL && *e != '\0')
		xasprintf(&path, "%s/tykscope/config", e);
	else if ((home = getenv("HOME")) != NULL && *home != '\0')
		xasprintf(&path, "%s/.config/tykscope/config", home);
	else
		return (NULL);
	return (path);
}

/*
 * Read the configuration file into extra arguments (*args) placed before
 * the command line, so that the command line wins, plus default sources
 * (*srcs, used only when the command line names none) and saved filters.
 * Lines are "OPTION [VALUE]" with the long option names, "source SOURCE"
 * and "saved-filter NAME EXPR"; # starts a comment.  A value starting
 * with ~/ is taken from $HOME.
 */
static int
options_config(struct options *o, const char *path, bool must_exist,
    struct options_list *args, struct options_list *srcs, char **cause)
{
	FILE			*f;
	char			*line = NULL, *p, *name, *value, *end, *tmp;
	const char		*home;
	size_t			 size = 0;
	ssize_t			 n;
	unsigned		 lineno = 0;
	const struct option	*opt;

	if ((f = fopen(path, "r")) == NULL) {
		if (!must_exist && errno == ENOENT)
			return (0);
		xasprintf(cause, "config %s: %s", path, strerror(errno));
		return (-1);
	}
	o->config = xstrdup(path);
	while ((n = getline(&line, &size, f)) != -1) {
		lineno++;
		p = line;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '#' || *p == '\n' || *p == '\0')
			continue;
		end = p + strlen(p);
		while (end > p && (end[-1] == '\n' || end[-1] == '\r' ||
		    end[-1] == ' ' || end[-1] == '\t'))
			*--end = '\0';
		name = p;
		while (*p != '\0' && *p != ' ' && *p != '\t')
			p++;
		if (*p != '\0')
			*p++ = '\0';
		while (*p == ' ' || *p == '\t')
			p++;
		value = p;
		if (strcmp(name, "source") == 0 && *value != '\0') {
			options_list_add(srcs, value);
			continue;
		}
		if (strcmp(name, "saved-filter") == 0) {
			p = value;
			while (*p != '\0' && *p != ' ' && *p != '\t')
				p++;
			if (p == value || *p == '\0')
				goto bad_value;
			*p++ = '\0';
			while (*p == ' ' || *p == '\t')
				p++;
			xasprintf(&tmp, "%s=%s", value, p);
			options_list_add(&o->saved_filters, tmp);
			free(tmp);
			continue;
		}
		opt = options_find(name);
		if (opt == NULL || strcmp(name, "config") == 0 ||
		    strcmp(name, "help") == 0 || strcmp(name, "version") == 0) {
			xasprintf(cause, "config %s:%u: unknown option '%s'",
			    path, lineno, name);
			goto fail;
		}
		if (opt->has_arg == no_argument) {
			if (*value != '\0' && strcmp(value, "yes") != 0 &&
			    strcmp(value, "true") != 0 &&
			    strcmp(value, "on") != 0) {
				if (strcmp(value, "no") == 0 ||
				    strcmp(value, "false") == 0 ||
				    strcmp(value, "off") == 0)
					continue;
				goto bad_value;
			}
			xasprintf(&tmp, "--%s", name);
		} else {
			if (*value == '\0')
				goto bad_value;
			/* ~/ as a shell would expand it on the command line. */
			if (strncmp(value, "~/", 2) == 0 &&
			    (home = getenv("HOME")) != NULL && *home != '\0')
				xasprintf(&tmp, "--%s=%s%s", name, home,
				    value + 1);
			else
				xasprintf(&tmp, "--%s=%s", name, value);
		}
		options_list_add(args, tmp);
		free(tmp);
	}
	free(line);
	fclose(f);
	return (0);

bad_value:
	xasprintf(cause, "config %s:%u: bad or missing value for '%s'", path,
	    lineno, name);
fail:
	free(line);
	fclose(f);
	return (-1);
}

/*
 * Parse argv into o.  Returns 0, 1 if --help or --version was handled (the
 * text is in *cause, to be printed on stdout), or -1 with an error message
 * in *cause.
 */
int
options_parse(struct options *o, int argc, char **argv, char **cause)
{
	int			 nargc, i, rc;
	char			*cpath, **nargv;
	bool			 must_exist;
	struct options_list	 cargs, csrcs;

	memset(o, 0, sizeof *o);
	o->limit = -1;
	o->max_records = 1000000;
	o->max_value_size = OPTIONS_MAX_VALUE_SIZE;
	o->demo_rate = 20;
	o->demo_seed = 1;
	o->demo_count = 1000;
	o->key_prefix = xstrdup("analytics-");
	o->curl_target = xstrdup("gateway");
	*cause = NULL;

	memset(&cargs, 0, sizeof cargs);
	memset(&csrcs, 0, sizeof csrcs);
	cpath = options_config_path(argc, argv, &must_exist);
	if (cpath != NULL && options_config(o, cpath, must_exist, &cargs,
	    &csrcs, cause) != 0) {
		free(cpath);
		options_list_clear(&cargs);
		options_list_clear(&csrcs);
		return (-1);
	}
	free(cpath);
	nargc = argc + (int)cargs.n;
	nargv = xcalloc((size_t)nargc + 1, sizeof *nargv);
	nargv[0] = argv[0];
	for (i = 0; i < (int)cargs.n; i++)
		nargv[1 + i] = cargs.v[i];
	for (i = 1; i < argc; i++)
		nargv[cargs.n + (size_t)i] = argv[i];
	rc = options_getopt(o, nargc, nargv, cause);
	free(nargv);
	options_list_clear(&cargs);
	if (rc == 0 && o->sources.n == 0) {
		for (i = 0; i < (int)csrcs.n; i++)
			options_list_add(&o->sources, csrcs.v[i]);
	}
	options_list_clear(&csrcs);
	if (rc != 0)
		return (rc);
	return (options_check(o, cause));
}

/* The getopt loop proper. */
static int
options_getopt(struct options *o, int argc, char **argv, char **cause)
{
	int		 ch;
	int64_t		 n;
	const char	*errstr;
	char		*end;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":nf:v:hV", options_long,
	    NULL)) != -1) {
		switch (ch) {
		case 'n':
			o->batch = o->batch_forced = true;
			break;
		case 'f':
			options_set(&o->filter, optarg);
			break;
		case OPT_FORMAT:
			if (strcmp(optarg, "jsonl") == 0)
				o->format = OPT_FMT_JSONL;
			else if (strcmp(optarg, "tsv") == 0)
				o->format = OPT_FMT_TSV;
			else if (strcmp(optarg, "table") == 0)
				o->format = OPT_FMT_TABLE;
			else if (strcmp(optarg, "curl") == 0)
				o->format = OPT_FMT_CURL;
			else if (strcmp(optarg, "raw-request") == 0)
				o->format = OPT_FMT_RAW_REQUEST;
			else if (strcmp(optarg, "raw-response") == 0)
				o->format = OPT_FMT_RAW_RESPONSE;
			else if (strcmp(optarg, "har") == 0)
				o->format = OPT_FMT_HAR;
			else {
				xasprintf(cause, "unknown format '%s' (jsonl, "
				    "tsv, table, curl, raw-request, "
				    "raw-response, har)", optarg);
				return (-1);
			}
			break;
		case OPT_DECODE:
			o->decode = true;
			break;
		case OPT_REVEAL:
			o->reveal = true;
			break;
		case OPT_COUNT:
			o->count = true;
			break;
		case OPT_LIMIT:
			n = strnum_parse(optarg, 0, INT64_MAX, &errstr);
			if (errstr != NULL) {
				xasprintf(cause, "--limit %s: %s", optarg,
				    errstr);
				return (-1);
			}
			o->limit = n;
			break;
		case OPT_SINCE:
			options_set(&o->since, optarg);
			break;
		case OPT_UNTIL:
			options_set(&o->until, optarg);
			break;
		case OPT_TZ:
			options_set(&o->tz, optarg);
			break;
		case OPT_AGGREGATE:
			o->aggregate = true;
			break;
		case OPT_STORED:
			o->stored = true;
			break;
		case OPT_RECONCILE:
			o->reconcile = true;
			break;
		case OPT_SUMMARY:
			o->summary = true;
			break;
		case OPT_TRACK_ALL:
			o->track_all_paths = true;
			break;
		case OPT_KEEP_DUPLICATES:
			o->keep_duplicates = true;
			break;
		case OPT_COLUMNS:
			options_set(&o->columns, optarg);
			break;
		case OPT_IGNORE_TAG:
			options_list_add(&o->ignore_tag_prefix, optarg);
			break;
		case OPT_FOLLOW:
			o->follow = true;
			break;
		case OPT_DURATION:
			o->duration = strtod(optarg, &end);
			if (*optarg == '\0' || *end != '\0' ||
			    !(o->duration > 0)) {
				xasprintf(cause, "--duration %s: not a positive "
				    "number of seconds", optarg);
				return (-1);
			}
			break;
		case OPT_HEALTH:
			o->health = true;
			break;
		case OPT_KEY_PREFIX:
			options_set(&o->key_prefix, optarg);
			break;
		case OPT_KEY:
			options_list_add(&o->keys, optarg);
			break;
		case OPT_USER:
			options_set(&o->user, optarg);
			break;
		case OPT_PASSWORD_FILE:
			options_set(&o->password_file, optarg);
			break;
		case OPT_SQL_SCHEMA:
			options_set(&o->sql_schema, optarg);
			break;
		case OPT_TLS_CA_FILE:
			options_set(&o->tls_ca_file, optarg);
			break;
		case OPT_TLS_CERT_FILE:
			options_set(&o->tls_cert_file, optarg);
			break;
		case OPT_TLS_KEY_FILE:
			options_set(&o->tls_key_file, optarg);
			break;
		case OPT_TLS_SERVER_NAME:
			options_set(&o->tls_server_name, optarg);
			break;
		case OPT_TLS_INSECURE:
			o->tls_insecure = true;
			break;
		case OPT_SENTINEL_MASTER:
			options_set(&o->sentinel_master, optarg);
			break;
		case OPT_SENTINEL_PASSWORD:
			options_set(&o->sentinel_password, optarg);
			break;
		case OPT_SENTINEL_PASSWORD_FILE:
			options_set(&o->sentinel_password_file, optarg);
			break;
		case OPT_REPLICA:
			o->replica = true;
			break;
		case OPT_FROM_PUMP:
			options_set(&o->from_pump, optarg);
			break;
		case OPT_FROM_GATEWAY:
			options_set(&o->from_gateway, optarg);
			break;
		case OPT_MASK_HEADER:
			options_list_add(&o->mask_headers, optarg);
			break;
		case OPT_THEME:
			if (strcmp(optarg, "default") != 0 &&
			    strcmp(optarg, "monochrome") != 0 &&
			    strcmp(optarg, "light") != 0 &&
			    strcmp(optarg, "high-contrast") != 0) {
				xasprintf(cause, "--theme %s: expected default, "
				    "monochrome, light or high-contrast",
				    optarg);
				return (-1);
			}
			options_set(&o->theme, optarg);
			break;
		case OPT_BIND:
			options_list_add(&o->binds, optarg);
			break;
		case OPT_CURL_TARGET:
			if (strcmp(optarg, "gateway") != 0 &&
			    strcmp(optarg, "upstream") != 0) {
				xasprintf(cause, "--curl-target %s: expected "
				    "gateway or upstream", optarg);
				return (-1);
			}
			options_set(&o->curl_target, optarg);
			break;
		case OPT_MAX_RECORDS:
			n = strnum_parse(optarg, 1, INT64_MAX, &errstr);
			if (errstr != NULL) {
				xasprintf(cause, "--max-records %s: %s", optarg,
				    errstr);
				return (-1);
			}
			o->max_records = (uint64_t)n;
			o->max_records_set = true;
			break;
		case OPT_MAX_VALUE_SIZE:
			if (options_size(optarg, &o->max_value_size,
			    &errstr) != 0) {
				xasprintf(cause, "--max-value-size %s: %s",
				    optarg, errstr);
				return (-1);
			}
			break;
		case OPT_DEMO:
			o->demo = true;
			break;
		case OPT_DEMO_RATE:
			o->demo_rate = strtod(optarg, &end);
			if (*optarg == '\0' || *end != '\0' ||
			    !(o->demo_rate > 0 && o->demo_rate <= 1e7)) {
				xasprintf(cause, "--demo-rate %s: expected "
				    "records per second", optarg);
				return (-1);
			}
			break;
		case OPT_DEMO_SEED:
			n = strnum_parse(optarg, 0, INT64_MAX, &errstr);
			if (errstr != NULL) {
				xasprintf(cause, "--demo-seed %s: %s", optarg,
				    errstr);
				return (-1);
			}
			o->demo_seed = (uint64_t)n;
			break;
		case OPT_DEMO_COUNT:
			n = strnum_parse(optarg, 0, INT64_MAX, &errstr);
			if (errstr != NULL) {
				xasprintf(cause, "--demo-count %s: %s", optarg,
				    errstr);
				return (-1);
			}
			o->demo_count = (uint64_t)n;
			o->demo_count_set = true;
			break;
		case OPT_CONFIG:
			break;		/* read before the loop */
		case OPT_MOUSE:
			o->mouse = true;
			break;
		case 'v':
			options_set(&o->log_file, optarg);
			break;
		case 'h':
			*cause = xstrdup(options_help_text);
			return (1);
		case 'V':
			xasprintf(cause, "tykscope %s\n", PACKAGE_VERSION);
			return (1);
		case ':':
			xasprintf(cause, "option '%s' needs an argument",
			    argv[optind - 1]);
			return (-1);
		default:
			if (optopt != 0)
				xasprintf(cause, "unknown option '-%c' (see "
				    "--help)", optopt);
			else
				xasprintf(cause, "unknown option '%s' (see "
				    "--help)", argv[optind - 1]);
			return (-1);
		}
	}
	for (; optind < argc; optind++)
		options_list_add(&o->sources, argv[optind]);
	return (0);
}

/* Checks across options, after the sources are known. */
static int
options_check(struct options *o, char **cause)
{
	if (!o->batch && !isatty(STDOUT_FILENO))
		o->batch = true;
	if (o->stored && o->reconcile) {
		*cause = xstrdup("--stored and --reconcile are exclusive");
		return (-1);
	}
	if ((o->stored || o->reconcile) && !o->aggregate)
		o->aggregate = true;
	/* Server-side summaries are printed as stored documents. */
	if (o->summary && (o->stored || o->reconcile)) {
		*cause = xstrdup("--summary and --stored or --reconcile are "
		    "exclusive");
		return (-1);
	}
	if (o->summary)
		o->aggregate = o->stored = true;
	if (o->from_pump != NULL && o->from_gateway != NULL) {
		*cause = xstrdup("--from-pump and --from-gateway are exclusive");
		return (-1);
	}
	if (o->sources.n == 0 && !o->demo && o->from_pump == NULL &&
	    o->from_gateway == NULL) {
		*cause = xstrdup("no source given (try --demo, or see --help)");
		return (-1);
	}
	return (0);
}

/* Free everything options_parse allocated. */
void
options_clear(struct options *o)
{
	free(o->filter);
	free(o->columns);
	free(o->since);
	free(o->until);
	free(o->tz);
	free(o->key_prefix);
	free(o->user);
	free(o->password_file);
	free(o->sql_schema);
	free(o->tls_ca_file);
	free(o->tls_cert_file);
	free(o->tls_key_file);
	free(o->tls_server_name);
	free(o->sentinel_master);
	if (o->sentinel_password != NULL)
		explicit_bzero(o->sentinel_password,
		    strlen(o->sentinel_password));
	free(o->sentinel_password);
	free(o->sentinel_password_file);
	free(o->from_pump);
	free(o->from_gateway);
	free(o->curl_target);
	free(o->config);
	free(o->log_file);
	options_list_clear(&o->ignore_tag_prefix);
	options_list_clear(&o->keys);
	options_list_clear(&o->mask_headers);
	options_list_clear(&o->sources);
	options_list_clear(&o->saved_filters);
	options_list_clear(&o->binds);
	free(o->theme);
	memset(o, 0, sizeof *o);
}
