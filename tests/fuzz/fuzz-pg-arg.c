/* SPDX-License-Identifier: ISC */
/*
 * Fuzz the PostgreSQL source's argument handling: source_pg_safe_arg (the
 * name every message and the header show) and the timestamp parser.  The
 * first byte picks the form: a postgresql:// URI or a key=value string.
 * The invariant: when libpq finds a password in the argument, the name
 * holds none that libpq would find, and does not show its bytes.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "source-pg-row.h"
#include "source.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* The password libpq reads from s (allocated), or NULL. */
static char *
password(const char *s, bool *ok)
{
	PQconninfoOption	*opts, *o;
	char			*err = NULL, *p = NULL;

	*ok = false;
	if ((opts = PQconninfoParse(s, &err)) == NULL) {
		if (err != NULL)
			PQfreemem(err);
		return (NULL);
	}
	*ok = true;
	for (o = opts; o->keyword != NULL; o++)
		if (strcmp(o->keyword, "password") == 0 && o->val != NULL &&
		    *o->val != '\0' && (p = strdup(o->val)) == NULL)
			abort();
	PQconninfoFree(opts);
	return (p);
}

/* How many times n occurs in h. */
static size_t
occurs(const char *h, const char *n)
{
	size_t	 count = 0;

	while ((h = strstr(h, n)) != NULL) {
		count++;
		h++;
	}
	return (count);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*prefix;
	char		*in, *safe, *pass, *left;
	size_t		 plen;
	int64_t		 sec;
	uint32_t	 nsec;
	bool		 ok, ok2;

	if (size < 1 || size > 4096)
		return (0);
	prefix = data[0] & 1 ? "postgresql://" : "host=h ";
	plen = strlen(prefix);
	if ((in = malloc(plen + size)) == NULL)
		abort();
	memcpy(in, prefix, plen);
	memcpy(in + plen, data + 1, size - 1);
	in[plen + size - 1] = '\0';
	(void)source_pg_time(in + plen, strlen(in + plen), &sec, &nsec);
	(void)source_pg_is_conninfo(in);
	safe = source_pg_safe_arg(in);
	pass = password(in, &ok);
	if (ok && pass != NULL) {
		left = password(safe, &ok2);
		if (left != NULL && strcmp(left, pass) == 0) {
			fprintf(stderr, "password '%s' left in '%s'\n", pass,
			    safe);
			abort();
		}
		free(left);
		/* Its bytes, written once and long enough to mean it. */
		if (strlen(pass) >= 4 && occurs(in, pass) == 1 &&
		    strstr(safe, pass) != NULL) {
			fprintf(stderr, "password '%s' shown in '%s'\n", pass,
			    safe);
			abort();
		}
	}
	free(pass);
	free(safe);
	free(in);
	return (0);
}
