/* SPDX-License-Identifier: ISC */
/*
 * Masking rules.  A masked token keeps just enough to be recognised: the
 * authentication scheme of an Authorization value ("Bearer ****"), cookie
 * names and Set-Cookie attributes, parameter names, and the last four
 * characters of key-like tokens of 16 characters or more (as the api_key
 * field is shown, so a header can be matched to the key).  Output is raw
 * bytes: callers still pass it through render_safe before a terminal.
 */
#include "config.h"

#include "mask.h"

#include <string.h>
#include <strings.h>

#include "options.h"

/* Headers that always carry credentials. */
static const char *const mask_default_headers[] = {
	"Authorization",
	"Proxy-Authorization",
	"Cookie",
	"Set-Cookie",
	"X-Api-Key",
	"X-Tyk-Authorization",
	"X-Auth-Token",
	NULL
};

/* Query-string and form parameter names that carry credentials. */
static const char *const mask_default_params[] = {
	"api_key", "apikey", "api-key", "x-api-key",
	"access_token", "refresh_token", "id_token", "token",
	"key", "password", "passwd", "pwd", "secret", "client_secret",
	"auth", "authorization", "signature", "sig", "session", "sessionid",
	"session_id",
	NULL
};

/* Mask what o asks for (its lists are borrowed: o must outlive m). */
void
mask_init(struct mask *m, const struct options *o)
{
	m->headers = o != NULL ? o->mask_headers.v : NULL;
	m->nheaders = o != NULL ? o->mask_headers.n : 0;
	m->reveal = o != NULL && o->reveal;
}

/* Does m mask anything? */
bool
mask_active(const struct mask *m)
{
	return (m != NULL && !m->reveal);
}

/* Case-insensitive comparison of (s, len) with NUL-terminated t. */
static bool
mask_eq(const char *s, size_t len, const char *t)
{
	return (strlen(t) == len && strncasecmp(s, t, len) == 0);
}

/* Is the header named (name, len) masked under m? */
bool
mask_is_header(const struct mask *m, const char *name, size_t len)
{
	size_t	 i;

	if (!mask_active(m))
		return (false);
	for (i = 0; mask_default_headers[i] != NULL; i++)
		if (mask_eq(name, len, mask_default_headers[i]))
			return (true);
	for (i = 0; i < m->nheaders; i++)
		if (mask_eq(name, len, m->headers[i]))
			return (true);
	return (false);
}

/* Is (name, len) a credential parameter name (raw, not %-decoded)? */
bool
mask_is_param(const char *name, size_t len)
{
	size_t	 i;

	for (i = 0; mask_default_params[i] != NULL; i++)
		if (mask_eq(name, len, mask_default_params[i]))
			return (true);
	return (false);
}

/* Append a token masked: "****" plus its last 4 if it is key-sized. */
static void
mask_token(struct buf *b, const char *s, size_t len)
{
	buf_adds(b, MASK_TEXT);
	if (len >= 16)
		buf_add(b, s + len - 4, 4);
}

/* Append "name=****" pairs of a cookie list, attributes kept if set. */
static void
mask_cookies(struct buf *b, const char *v, size_t len, bool set_cookie)
{
	const char	*p = v, *end = v + len, *semi, *eq;
	size_t		 n;
	int		 first = 1;

	while (p < end) {
		semi = memchr(p, ';', (size_t)(end - p));
		n = semi != NULL ? (size_t)(semi - p) : (size_t)(end - p);
		if (!first)
			buf_addc(b, ';');
		if (set_cookie && !first) {
			buf_add(b, p, n);	/* attributes: Path=/, ... */
		} else {
			eq = memchr(p, '=', n);
			if (eq != NULL) {
				buf_add(b, p, (size_t)(eq - p) + 1);
				buf_adds(b, MASK_TEXT);
			} else
				buf_adds(b, MASK_TEXT);
		}
		first = 0;
		p = semi != NULL ? semi + 1 : end;
	}
}

/*
 * Append the value of header name as it should be shown: masked if the
 * header is secret under m, else as is.
 */
void
mask_header_value(struct buf *b, const struct mask *m, const char *name,
    size_t nlen, const char *v, size_t vlen)
{
	const char	*sp;

	if (!mask_is_header(m, name, nlen)) {
		buf_add(b, v, vlen);
		return;
	}
	if (vlen == 0)
		return;
	if (mask_eq(name, nlen, "Cookie"))
		mask_cookies(b, v, vlen, false);
	else if (mask_eq(name, nlen, "Set-Cookie"))
		mask_cookies(b, v, vlen, true);
	else if ((mask_eq(name, nlen, "Authorization") ||
	    mask_eq(name, nlen, "Proxy-Authorization")) &&
	    (sp = memchr(v, ' ', vlen)) != NULL && sp != v) {
		/* Keep the scheme: "Bearer ****abcd". */
		buf_add(b, v, (size_t)(sp - v) + 1);
		while (sp < v + vlen && *sp == ' ')
			sp++;
		mask_token(b, sp, (size_t)(v + vlen - sp));
	} else
		mask_token(b, v, vlen);
}

/*
 * Append "&"-separated name=value pairs with credential values replaced by
 * "****".  Used for form bodies and (through mask_query) query strings.
 */
void
mask_params(struct buf *b, const struct mask *m, const char *s, size_t len)
{
	const char	*p = s, *end = s + len, *amp, *eq;
	size_t		 n;

	if (!mask_active(m)) {
		buf_add(b, s, len);
		return;
	}
	while (p < end) {
		amp = memchr(p, '&', (size_t)(end - p));
		n = amp != NULL ? (size_t)(amp - p) : (size_t)(end - p);
		eq = memchr(p, '=', n);
		if (eq != NULL && mask_is_param(p, (size_t)(eq - p)) &&
		    eq + 1 < p + n) {
			buf_add(b, p, (size_t)(eq - p) + 1);
			buf_adds(b, MASK_TEXT);
		} else
			buf_add(b, p, n);
		if (amp != NULL)
			buf_addc(b, '&');
		p = amp != NULL ? amp + 1 : end;
	}
}

/*
 * Append a request target or URL with credential query parameters masked
 * (the part after the first '?', up to any '#').
 */
void
mask_query(struct buf *b, const struct mask *m, const char *s, size_t len)
{
	const char	*q, *hash;
	size_t		 qlen;

	q = memchr(s, '?', len);
	if (q == NULL || !mask_active(m)) {
		buf_add(b, s, len);
		return;
	}
	q++;
	buf_add(b, s, (size_t)(q - s));
	hash = memchr(q, '#', (size_t)(s + len - q));
	qlen = hash != NULL ? (size_t)(hash - q) : (size_t)(s + len - q);
	mask_params(b, m, q, qlen);
	if (hash != NULL)
		buf_add(b, hash, (size_t)(s + len - hash));
}

/*
 * Append an API key masked to its last four characters ("****abcd");
 * keys of four characters or fewer are masked whole.  Empty stays empty.
 */
void
mask_key(struct buf *b, const char *k, size_t len)
{
	if (len == 0)
		return;
	buf_adds(b, MASK_TEXT);
	if (len > 4)
		buf_add(b, k + len - 4, 4);
}
