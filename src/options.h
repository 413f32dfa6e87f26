/* SPDX-License-Identifier: ISC */
/*
 * Command-line options, parsed once into a struct options that is passed by
 * pointer (there is no global configuration).
 */
#ifndef OPTIONS_H
#define OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum options_format {
	OPT_FMT_DEFAULT,	/* jsonl when batch (table on a terminal) */
	OPT_FMT_JSONL,
	OPT_FMT_TSV,
	OPT_FMT_TABLE,
	OPT_FMT_CURL,
	OPT_FMT_RAW_REQUEST,
	OPT_FMT_RAW_RESPONSE,
	OPT_FMT_HAR		/* HTTP Archive 1.2, one document */
};

#define OPTIONS_MAX_VALUE_SIZE	((uint64_t)64 << 20)

struct options_list {
	char		**v;		/* owned strings */
	size_t		  n;
};

struct options {
	bool			 batch;		/* -n, or stdout not a tty */
	bool			 batch_forced;	/* -n given */
	enum options_format	 format;
	char			*filter;	/* -f EXPR */
	bool			 decode;
	bool			 reveal;
	bool			 count;
	int64_t			 limit;		/* -1: none */
	char			*since;
	char			*until;
	char			*tz;		/* IANA zone for hour buckets */

	bool			 aggregate;
	bool			 stored;
	bool			 reconcile;
	bool			 summary;	/* server-side (PostgreSQL) */
	bool			 track_all_paths;
	bool			 keep_duplicates; /* X.bson and X.bson.gz both */
	struct options_list	 ignore_tag_prefix;

	bool			 follow;
	double			 duration;	/* seconds, 0: none */
	bool			 health;
	char			*key_prefix;	/* default "analytics-" */
	struct options_list	 keys;		/* --key NAME */
	char			*user;
	char			*password_file;
	char			*sql_schema;	/* PostgreSQL, default public */
	char			*tls_ca_file;	/* rediss://: CA, else system */
	char			*tls_cert_file;	/* client certificate */
	char			*tls_key_file;	/* its key */
	char			*tls_server_name; /* SNI and name checked */
	bool			 tls_insecure;	/* skip verification */
	char			*sentinel_master; /* ask sentinels for it */
	char			*sentinel_password;
	char			*sentinel_password_file;
	bool			 replica;	/* cluster: read replicas */
	char			*from_pump;	/* pump.conf to read */
	char			*from_gateway;	/* tyk.conf to read */

	struct options_list	 mask_headers;
	char			*curl_target;	/* "gateway" or "upstream" */

	uint64_t		 max_records;	/* ring size for live sources */
	bool			 max_records_set; /* given: bounds every source */
	uint64_t		 max_value_size; /* bytes: bigger Redis values are bad */
	bool			 demo;
	double			 demo_rate;	/* records per second */
	uint64_t		 demo_seed;
	uint64_t		 demo_count;	/* records for batch --demo */
	bool			 demo_count_set; /* given: TUI demo is offline */

	char			*config;	/* the file read, if any */
	struct options_list	 saved_filters;	/* "NAME=EXPR" from config */
	char			*log_file;	/* -v FILE */
	bool			 mouse;
	char			*theme;		/* NULL: default */
	struct options_list	 binds;		/* "KEY ACTION" (--bind, bind) */
	char			*columns;	/* --columns: Records table */

	struct options_list	 sources;
};

int	 options_parse(struct options *, int, char **, char **);
void	 options_add_source(struct options *, const char *);
void	 options_clear(struct options *);
const char *options_help(void);
uint64_t	 options_record_limit(const struct options *, bool);

#endif
