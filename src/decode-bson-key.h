/* SPDX-License-Identifier: ISC */
/*
 * The keys of Tyk's analytics documents (tyk-formats.md 1.1, 1.2, 1.4,
 * 1.5, 5.2) and the field each names, for decode-bson.c.  A key maps by
 * its length and bytes; keys that do not match exactly are folded
 * (lowercased, '_' removed) so that the JSON and Go spellings map too.
 */
#ifndef DECODE_BSON_KEY_H
#define DECODE_BSON_KEY_H

#include <stdint.h>

/* Every key the decoder knows, at any level. */
enum decode_bson_key_id {
	DBK_NONE, DBK_METHOD, DBK_HOST, DBK_PATH, DBK_RAWPATH,
	DBK_CONTENTLENGTH, DBK_USERAGENT, DBK_DAY, DBK_MONTH, DBK_YEAR,
	DBK_HOUR, DBK_RESPONSECODE, DBK_APIKEY, DBK_TIMESTAMP,
	DBK_APIVERSION, DBK_APINAME, DBK_APIID, DBK_ORGID, DBK_OAUTHID,
	DBK_REQUESTTIME, DBK_RAWREQUEST, DBK_RAWRESPONSE,
	DBK_IPADDRESS, DBK_GEO, DBK_NETWORK, DBK_LATENCY, DBK_TAGS,
	DBK_ALIAS, DBK_TRACKPATH, DBK_EXPIREAT, DBK_ORIGINALPATH,
	DBK_LISTENPATH, DBK_APISCHEMA, DBK_GRAPHQLSTATS, DBK_MCPSTATS,
	/* Nested. */
	DBK_COUNTRY, DBK_CITY, DBK_LOCATION, DBK_ISOCODE,
	DBK_GEONAMEID, DBK_NAMES, DBK_LATITUDE, DBK_LONGITUDE,
	DBK_TIMEZONE, DBK_OPENCONNECTIONS, DBK_CLOSEDCONNECTION,
	DBK_BYTESIN, DBK_BYTESOUT, DBK_TOTAL, DBK_UPSTREAM,
	DBK_GATEWAY,
	/* GraphQL / MCP (JSON stats objects and graph/mcp collections). */
	DBK_ISGRAPHQL, DBK_OPERATIONTYPE, DBK_VARIABLES,
	DBK_ROOTFIELDS, DBK_ERRORS, DBK_HASERRORS, DBK_MESSAGE,
	DBK_ISMCP, DBK_JSONRPCMETHOD, DBK_PRIMITIVETYPE,
	DBK_PRIMITIVENAME,
	/* Only in aggregate documents (5.2). */
	DBK_AGGKEY
};

enum decode_bson_key_id decode_bson_key_field(const char *, uint32_t);
enum decode_bson_key_id decode_bson_key_fold(const char *, uint32_t);

#endif
