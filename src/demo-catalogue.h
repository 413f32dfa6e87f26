/* SPDX-License-Identifier: ISC */
/*
 * The demo gateway's fixed catalogue: organisations, APIs and their
 * endpoints, geo data, user agents, and (built once from a constant seed,
 * the same for every traffic seed) policies, keys, OAuth clients and the
 * client devices that call.  Private to demo*.c.
 */
#ifndef DEMO_CATALOGUE_H
#define DEMO_CATALOGUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DEMO_NORGS		3
#define DEMO_NKEYS		12	/* keys per org */
#define DEMO_NCLIENTS		64
#define DEMO_NOAUTH		3	/* OAuth clients */
#define DEMO_NAPIS		8
#define DEMO_TCP_API		5	/* the API of network records */
#define DEMO_NGEOS		10
#define DEMO_NUAS		9
#define DEMO_NALIASES		12

enum demo_auth {
	DEMO_AUTH_KEYLESS,
	DEMO_AUTH_TOKEN,
	DEMO_AUTH_OAUTH,
	DEMO_AUTH_TCP
};

enum demo_rq {
	DEMO_RQ_NONE,
	DEMO_RQ_JSON,
	DEMO_RQ_FORM,
	DEMO_RQ_XML,
	DEMO_RQ_CHUNKED,	/* JSON sent chunked */
	DEMO_RQ_EMPTY		/* POST with Content-Length: 0 */
};

enum demo_rs {
	DEMO_RS_JSON,
	DEMO_RS_LIST,		/* a JSON array, gzip-able */
	DEMO_RS_GZIP,		/* upstream always gzips */
	DEMO_RS_PNG,
	DEMO_RS_EMPTY,
	DEMO_RS_XML
};

struct demo_org {
	const char	*id;
	const char	*name;
	bool		 hash_keys;
	bool		 geo;		/* enable_geo_ip */
	int64_t		 expire;	/* expire_analytics_after, 0: 100y */
};

struct demo_endpoint {
	const char	*method;
	const char	*pattern;	/* track pattern, {param} parts */
	const char	*query;		/* appended to the URI, or NULL */
	bool		 tracked;
	enum demo_rq	 rq;
	enum demo_rs	 rs;
	int		 ok;		/* success status */
	int		 weight;
};

/* Which body shapes an API's upstream answers with. */
enum demo_app {
	DEMO_APP_PETS,
	DEMO_APP_HTTPBIN,
	DEMO_APP_PAY,
	DEMO_APP_ORDERS,
	DEMO_APP_USERS,
	DEMO_APP_TCP,
	DEMO_APP_SOAP,
	DEMO_APP_WEATHER
};

struct demo_api {
	int				 org;
	enum demo_app			 app;
	const char			*id;
	const char			*name;
	const char			*listen;
	const char			*upstream;	/* Host field */
	const char			*gateway;	/* request Host header */
	const char			*server;	/* upstream Server header */
	const char *const		*versions;	/* NULL: Non Versioned */
	enum demo_auth			 auth;
	const char *const		*tags;		/* API tags */
	const struct demo_endpoint	*eps;
	int				 weight;
	int				 upstream_ms;
	int				 timeout_ms;
	bool				 h2;		/* upstream speaks HTTP/2 */
	bool				 cache;
};

struct demo_geo {
	const char	*iso;
	uint32_t	 geoname_id;
	const char	*names[3][2];
	double		 lat, lon;
	const char	*tz;
	const char	*ipv4;		/* prefix */
	const char	*ipv6;		/* prefix */
};

struct demo_key {
	int		 org;
	char		 token[160];
	char		 recorded[160];	/* APIKey as recorded */
	const char	*alias;
	const char	*pol[2];
	const char	*stags[2];
	int		 client;
};

struct demo_oauth {
	char		 id[33];
	char		 secret[33];
	char		 token[2][33];
	char		 recorded[2][33];
	const char	*pol;
};

struct demo_client {
	char		 ip[48];
	int		 geo;		/* index, -1: not resolvable */
	int		 ua;
	bool		 browser;
	bool		 gzip;		/* sends Accept-Encoding */
};

/* What the catalogue seed builds. */
struct demo_catalogue {
	char			 pols[DEMO_NORGS][3][25];
	struct demo_key		 keys[DEMO_NORGS][DEMO_NKEYS];
	struct demo_oauth	 oauth[DEMO_NOAUTH];
	struct demo_client	 clients[DEMO_NCLIENTS];
};

extern const struct demo_org	 demo_orgs[DEMO_NORGS];
extern const struct demo_api	 demo_apis[DEMO_NAPIS];
extern const struct demo_geo	 demo_geos[DEMO_NGEOS];
extern const char *const	 demo_uas[DEMO_NUAS];
extern const int		 demo_burst_apis[4];
extern const char *const	 demo_aliases[DEMO_NALIASES];
extern const char *const	 demo_stags[5];

void	 demo_catalogue_build(struct demo_catalogue *);

uint32_t	 demo_murmur3(const void *, size_t, uint32_t);

#endif
