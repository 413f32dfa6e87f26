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

#include <stdint.h>
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

/* Is (s, len) an authentication scheme name (Bearer, AWS4-HMAC-SHA256)? */
static bool
mask_is_scheme(const char *s, size_t len)
{
	size_t	 i;

	for (i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || s[i] == '-' || s[i] == '_'))
			return (false);
	return (true);
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
	    (sp = memchr(v, ' ', vlen)) != NULL && sp != v &&
	    mask_is_scheme(v, (size_t)(sp - v))) {
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
 * "****".  Used for form bodies and (through mask_target) query strings.
 */
void
mask_params(struct buf *b, const struct mask *m, const char *s, size_t len)
{
	const char	*p = s, *end, *amp, *eq;
	size_t		 n;

	if (len == 0)
		return;		/* s may be NULL */
	end = s + len;

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
 * Append the authority of an absolute URL (after "scheme://", up to the
 * first '/', '?', '#' or white space) with its userinfo masked:
 * "user:****@host", or "****@host" for a token given as the user name or
 * a user name that is not plain (in free text the "userinfo" may span
 * other parameters).  Returns the length of the authority consumed.
 */
static size_t
mask_authority(struct buf *b, const char *s, size_t len)
{
	size_t		 n, i;
	const char	*at = NULL, *colon;

	for (n = 0; n < len && strchr("/?# \t\r\n", s[n]) == NULL; n++)
		;
	for (i = 0; i < n; i++)
		if (s[i] == '@')
			at = s + i;	/* the last '@' ends the userinfo */
	if (at == NULL) {
		buf_add(b, s, n);
		return (n);
	}
	/* Keep a user name only if it is a plain one. */
	colon = memchr(s, ':', (size_t)(at - s));
	for (i = 0; colon != NULL && s + i < colon; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') ||
		    strchr("-._~%+", s[i]) != NULL))
			colon = NULL;
	if (colon != NULL)
		buf_add(b, s, (size_t)(colon - s) + 1);
	buf_adds(b, MASK_TEXT);
	buf_add(b, at, (size_t)(s + n - at));
	return (n);
}

/*
 * Length of the "scheme://" that starts s (RFC 3986: a letter, then
 * letters, digits, '+', '-' or '.'), or 0 when s is not an absolute URL.
 */
size_t
mask_scheme_len(const char *s, size_t len)
{
	size_t	 i;

	if (len == 0 || !((s[0] >= 'a' && s[0] <= 'z') ||
	    (s[0] >= 'A' && s[0] <= 'Z')))
		return (0);
	for (i = 1; i < len; i++) {
		if (s[i] == ':')
			break;
		if (!((s[i] >= 'a' && s[i] <= 'z') ||
		    (s[i] >= 'A' && s[i] <= 'Z') ||
		    (s[i] >= '0' && s[i] <= '9') || strchr("+-.", s[i]) != NULL))
			return (0);
	}
	if (i + 3 > len || s[i + 1] != '/' || s[i + 2] != '/')
		return (0);
	return (i + 3);
}

/*
 * Append a request target or URL with credentials masked: the userinfo of
 * an absolute URL ("http://user:****@host/"), and credential parameters in
 * the query and in the fragment (OAuth's implicit flow puts access_token
 * there).
 */
void
mask_target(struct buf *b, const struct mask *m, const char *s, size_t len)
{
	const char	*q, *hash, *end;
	size_t		 n;

	if (len == 0)
		return;		/* s may be NULL */
	end = s + len;

	if (!mask_active(m)) {
		buf_add(b, s, len);
		return;
	}
	if ((n = mask_scheme_len(s, len)) != 0) {
		buf_add(b, s, n);
		n += mask_authority(b, s + n, len - n);
		s += n;
		len -= n;
	}
	q = memchr(s, '?', len);
	hash = memchr(s, '#', len);
	if (q == NULL || (hash != NULL && hash < q))
		q = hash;
	if (q == NULL) {
		buf_add(b, s, len);
		return;
	}
	q++;
	buf_add(b, s, (size_t)(q - s));
	hash = memchr(q, '#', (size_t)(end - q));
	n = hash != NULL ? (size_t)(hash - q) : (size_t)(end - q);
	mask_params(b, m, q, n);
	if (hash != NULL) {
		buf_addc(b, '#');
		mask_params(b, m, hash + 1, (size_t)(end - hash - 1));
	}
}

/* Does c end a parameter in free text (mask_text)? */
static bool
mask_is_delim(char c)
{
	return (c == '&' || c == '#' || c == ';' || c == '?' || c == ' ' ||
	    c == '\t' || c == '\r' || c == '\n' || c == '"' || c == '\'');
}

/* Append one line of free text masked as mask_text says. */
static void
mask_text_line(struct buf *b, const struct mask *m, const char *s,
    size_t len)
{
	const char	*colon, *v, *e;
	size_t		 i, j, n;

	colon = memchr(s, ':', len);
	if (colon != NULL && colon != s &&
	    mask_is_header(m, s, (size_t)(colon - s))) {
		v = colon + 1;
		e = s + len;
		while (v < e && (*v == ' ' || *v == '\t'))
			v++;
		while (e > v && (e[-1] == '\r' || e[-1] == ' '))
			e--;
		buf_add(b, s, (size_t)(v - s));
		mask_header_value(b, m, s, (size_t)(colon - s), v,
		    (size_t)(e - v));
		buf_add(b, e, (size_t)(s + len - e));
		return;
	}
	for (i = 0; i < len; i++) {
		if (i + 3 <= len && memcmp(s + i, "://", 3) == 0) {
			buf_add(b, "://", 3);
			i += 3;
			for (n = i; n < len && strchr("/?#@ \t\r", s[n]) ==
			    NULL; n++)
				;
			if (n < len && s[n] == '@')
				i += mask_authority(b, s + i, n + 1 - i);
			i--;
			continue;
		}
		if (i == 0 || mask_is_delim(s[i - 1])) {
			for (j = i; j < len && s[j] != '=' &&
			    !mask_is_delim(s[j]); j++)
				;
			if (j < len && s[j] == '=' && j > i &&
			    mask_is_param(s + i, j - i)) {
				for (n = j + 1; n < len && !mask_is_delim(s[n]);
				    n++)
					;
				buf_add(b, s + i, j - i + 1);
				if (n > j + 1)
					buf_adds(b, MASK_TEXT);
				i = n - 1;
				continue;
			}
		}
		buf_addc(b, s[i]);
	}
}

/*
 * Append text that is not an HTTP message (a payload that did not parse)
 * with what looks like a credential masked, line by line: the value of a
 * secret header ("Authorization: ..."), the userinfo of a URL, and
 * credential parameters (name=value at the start of a line or after '?',
 * '&', '#', ';', a quote or white space).  Best effort: the format is
 * unknown.
 */
void
mask_text(struct buf *b, const struct mask *m, const char *s, size_t len)
{
	const char	*p = s, *end, *nl;
	size_t		 n;

	if (len == 0)
		return;		/* s may be NULL: no pointer arithmetic on it */
	end = s + len;
	if (!mask_active(m)) {
		buf_add(b, s, len);
		return;
	}
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		n = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		mask_text_line(b, m, p, n);
		if (nl != NULL)
			buf_addc(b, '\n');
		p = nl != NULL ? nl + 1 : end;
	}
}

/*
 * Append a tag as shown: the gateway tags every keyed record
 * "key-<api key>" (tyk-formats.md 2), so that key is masked as mask_key
 * masks the api_key field.  Other tags are appended as they are.
 */
void
mask_tag(struct buf *b, const struct mask *m, const char *t, size_t len)
{
	if (mask_active(m) && len > 4 && strncmp(t, "key-", 4) == 0) {
		buf_add(b, t, 4);
		mask_key(b, t + 4, len - 4);
	} else
		buf_add(b, t, len);
}

/*
 * Is a Content-Type value (ctype, len) a form (application/x-www-form-
 * urlencoded), whose body mask_params masks?
 */
bool
mask_is_form(const char *ctype, size_t len)
{
	static const char	 form[] = "application/x-www-form-urlencoded";
	size_t			 i, n = sizeof form - 1;

	for (i = 0; i + n <= len; i++)
		if (strncasecmp(ctype + i, form, n) == 0)
			return (true);
	return (false);
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

/*
 * Append the digest of an API key as MASK_DIGEST_LEN lowercase hex digits
 * (FNV-1a, 64 bits).  The filter matches key:#DIGEST against it, so the
 * TUI can filter on a key (+, drill-down) without showing the key: a
 * fingerprint, not a protection against guessing short keys.
 */
void
mask_key_digest(struct buf *b, const char *k, size_t len)
{
	static const char	 hex[] = "0123456789abcdef";
	uint64_t		 h = 0xcbf29ce484222325ULL;
	size_t			 i;

	for (i = 0; i < len; i++) {
		h ^= (unsigned char)k[i];
		h *= 0x100000001b3ULL;
	}
	for (i = 0; i < MASK_DIGEST_LEN; i++)
		buf_addc(b, hex[(h >> (60 - 4 * i)) & 0xf]);
}
