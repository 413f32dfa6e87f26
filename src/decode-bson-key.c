/* SPDX-License-Identifier: ISC */
/*
 * Key -> field mapping: a switch on the key's length, then on its first
 * byte, then memcmp, so a document's keys cost a few compares each in
 * whatever order they come.
 */
#include "config.h"

#include "decode-bson-key.h"

#include <stdbool.h>
#include <string.h>

#define KEYIS(k, s)	(memcmp((k), (s), sizeof(s) - 1) == 0)

/* Map an exact key to a field (DBK_NONE if unknown). */
enum decode_bson_key_id
decode_bson_key_field(const char *k, uint32_t len)
{
	switch (len) {
	case 3:
		if (KEYIS(k, "day"))
			return (DBK_DAY);
		if (KEYIS(k, "geo"))
			return (DBK_GEO);
		break;
	case 4:
		switch (k[0]) {
		case 'h':
			if (KEYIS(k, "host"))
				return (DBK_HOST);
			if (KEYIS(k, "hour"))
				return (DBK_HOUR);
			break;
		case 'p':
			if (KEYIS(k, "path"))
				return (DBK_PATH);
			break;
		case 't':
			if (KEYIS(k, "tags"))
				return (DBK_TAGS);
			break;
		case 'y':
			if (KEYIS(k, "year"))
				return (DBK_YEAR);
			break;
		case 'c':
			if (KEYIS(k, "city"))
				return (DBK_CITY);
			break;
		}
		break;
	case 5:
		switch (k[0]) {
		case 'm':
			if (KEYIS(k, "month"))
				return (DBK_MONTH);
			break;
		case 'a':
			if (KEYIS(k, "apiid"))
				return (DBK_APIID);
			if (KEYIS(k, "alias"))
				return (DBK_ALIAS);
			break;
		case 'o':
			if (KEYIS(k, "orgid"))
				return (DBK_ORGID);
			break;
		case 'n':
			if (KEYIS(k, "names"))
				return (DBK_NAMES);
			break;
		case 't':
			if (KEYIS(k, "total"))
				return (DBK_TOTAL);
			break;
		case 'i':
			if (KEYIS(k, "ismcp"))
				return (DBK_ISMCP);
			break;
		case 'l':
			if (KEYIS(k, "lists"))
				return (DBK_AGGKEY);
			break;
		}
		break;
	case 6:
		switch (k[0]) {
		case 'm':
			if (KEYIS(k, "method"))
				return (DBK_METHOD);
			break;
		case 'a':
			if (KEYIS(k, "apikey"))
				return (DBK_APIKEY);
			break;
		case 'e':
			if (KEYIS(k, "errors"))
				return (DBK_ERRORS);
			break;
		case 't':
			if (KEYIS(k, "timeid"))
				return (DBK_AGGKEY);
			break;
		}
		break;
	case 7:
		switch (k[0]) {
		case 'r':
			if (KEYIS(k, "rawpath"))
				return (DBK_RAWPATH);
			break;
		case 'a':
			if (KEYIS(k, "apiname"))
				return (DBK_APINAME);
			if (KEYIS(k, "apikeys"))
				return (DBK_AGGKEY);
			break;
		case 'o':
			if (KEYIS(k, "oauthid"))
				return (DBK_OAUTHID);
			break;
		case 'n':
			if (KEYIS(k, "network"))
				return (DBK_NETWORK);
			break;
		case 'l':
			if (KEYIS(k, "latency"))
				return (DBK_LATENCY);
			break;
		case 'c':
			if (KEYIS(k, "country"))
				return (DBK_COUNTRY);
			break;
		case 'b':
			if (KEYIS(k, "bytesin"))
				return (DBK_BYTESIN);
			break;
		case 'g':
			if (KEYIS(k, "gateway"))
				return (DBK_GATEWAY);
			break;
		case 'i':
			if (KEYIS(k, "isocode"))
				return (DBK_ISOCODE);
			break;
		case 'm':
			if (KEYIS(k, "message"))
				return (DBK_MESSAGE);
			break;
		}
		break;
	case 8:
		switch (k[0]) {
		case 'e':
			if (KEYIS(k, "expireAt"))
				return (DBK_EXPIREAT);
			if (KEYIS(k, "expireat"))
				return (DBK_EXPIREAT);
			break;
		case 'l':
			if (KEYIS(k, "location"))
				return (DBK_LOCATION);
			if (KEYIS(k, "latitude"))
				return (DBK_LATITUDE);
			if (KEYIS(k, "lasttime"))
				return (DBK_AGGKEY);
			break;
		case 'b':
			if (KEYIS(k, "bytesout"))
				return (DBK_BYTESOUT);
			break;
		case 'u':
			if (KEYIS(k, "upstream"))
				return (DBK_UPSTREAM);
			break;
		case 't':
			if (KEYIS(k, "timezone"))
				return (DBK_TIMEZONE);
			break;
		case 'o':
			if (KEYIS(k, "oauthids"))
				return (DBK_AGGKEY);
			break;
		case 'v':
			if (KEYIS(k, "versions"))
				return (DBK_AGGKEY);
			break;
		case 'm':
			if (KEYIS(k, "mcpstats"))
				return (DBK_MCPSTATS);
			break;
		}
		break;
	case 9:
		switch (k[0]) {
		case 'u':
			if (KEYIS(k, "useragent"))
				return (DBK_USERAGENT);
			break;
		case 't':
			if (KEYIS(k, "timestamp"))
				return (DBK_TIMESTAMP);
			if (KEYIS(k, "trackpath"))
				return (DBK_TRACKPATH);
			break;
		case 'i':
			if (KEYIS(k, "ipaddress"))
				return (DBK_IPADDRESS);
			if (KEYIS(k, "isgraphql"))
				return (DBK_ISGRAPHQL);
			break;
		case 'a':
			if (KEYIS(k, "apischema"))
				return (DBK_APISCHEMA);
			break;
		case 'l':
			if (KEYIS(k, "longitude"))
				return (DBK_LONGITUDE);
			break;
		case 'g':
			if (KEYIS(k, "geonameid"))
				return (DBK_GEONAMEID);
			break;
		case 'v':
			if (KEYIS(k, "variables"))
				return (DBK_VARIABLES);
			break;
		case 'h':
			if (KEYIS(k, "haserrors"))
				return (DBK_HASERRORS);
			break;
		case 'e':
			if (KEYIS(k, "endpoints"))
				return (DBK_AGGKEY);
			break;
		}
		break;
	case 10:
		switch (k[0]) {
		case 'a':
			if (KEYIS(k, "apiversion"))
				return (DBK_APIVERSION);
			break;
		case 'r':
			if (KEYIS(k, "rawrequest"))
				return (DBK_RAWREQUEST);
			if (KEYIS(k, "rootfields"))
				return (DBK_ROOTFIELDS);
			break;
		case 'l':
			if (KEYIS(k, "listenpath"))
				return (DBK_LISTENPATH);
			break;
		}
		break;
	case 11:
		switch (k[0]) {
		case 'r':
			if (KEYIS(k, "requesttime"))
				return (DBK_REQUESTTIME);
			if (KEYIS(k, "rawresponse"))
				return (DBK_RAWRESPONSE);
			break;
		}
		break;
	case 12:
		switch (k[0]) {
		case 'r':
			if (KEYIS(k, "responsecode"))
				return (DBK_RESPONSECODE);
			break;
		case 'o':
			if (KEYIS(k, "originalpath"))
				return (DBK_ORIGINALPATH);
			break;
		case 'g':
			if (KEYIS(k, "graphqlstats"))
				return (DBK_GRAPHQLSTATS);
			break;
		case 'a':
			if (KEYIS(k, "apiendpoints"))
				return (DBK_AGGKEY);
			break;
		case 'k':
			if (KEYIS(k, "keyendpoints"))
				return (DBK_AGGKEY);
			break;
		}
		break;
	case 13:
		switch (k[0]) {
		case 'c':
			if (KEYIS(k, "contentlength"))
				return (DBK_CONTENTLENGTH);
			break;
		case 'o':
			if (KEYIS(k, "operationtype"))
				return (DBK_OPERATIONTYPE);
			break;
		case 'j':
			if (KEYIS(k, "jsonrpcmethod"))
				return (DBK_JSONRPCMETHOD);
			break;
		case 'p':
			if (KEYIS(k, "primitivetype"))
				return (DBK_PRIMITIVETYPE);
			if (KEYIS(k, "primitivename"))
				return (DBK_PRIMITIVENAME);
			break;
		}
		break;
	case 14:
		if (KEYIS(k, "oauthendpoints"))
			return (DBK_AGGKEY);
		break;
	case 15:
		if (KEYIS(k, "openconnections"))
			return (DBK_OPENCONNECTIONS);
		break;
	case 16:
		if (KEYIS(k, "closedconnection"))
			return (DBK_CLOSEDCONNECTION);
		break;
	case 17:
		if (KEYIS(k, "closedconnections"))
			return (DBK_CLOSEDCONNECTION);
		break;
	}
	return (DBK_NONE);
}

/*
 * Fold a key that did not match (lowercase, drop '_') and try again: the
 * Tyk JSON names and Go names (APIKey) map onto the BSON ones.
 */
enum decode_bson_key_id
decode_bson_key_fold(const char *k, uint32_t len)
{
	char		 tmp[32];
	uint32_t	 i, n = 0;
	bool		 changed = false;
	char		 c;

	if (len >= sizeof tmp)
		return (DBK_NONE);
	for (i = 0; i < len; i++) {
		c = k[i];
		if (c == '_') {
			changed = true;
			continue;
		}
		if (c >= 'A' && c <= 'Z') {
			c = (char)(c - 'A' + 'a');
			changed = true;
		}
		tmp[n++] = c;
	}
	if (!changed)
		return (DBK_NONE);
	return (decode_bson_key_field(tmp, n));
}
