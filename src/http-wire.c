/* SPDX-License-Identifier: ISC */
/*
 * HTTP/1.x parsing over a borrowed buffer.  The parser walks lines once:
 * the start line, then header lines up to the first empty line; a line that
 * starts with a space or tab continues the previous header (obs-fold,
 * RFC 9112 5.2).  The header array is the only allocation; it is capped at
 * HTTP_WIRE_MAX_HEADERS entries so that hostile input cannot grow it
 * without bound.  Content-Length is parsed strictly and only compared with
 * the bytes that are actually there.
 */
#include "config.h"

#include "http-wire.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "xmalloc.h"

/* Next line at *pos: sets line (without CR/LF); false at the end. */
static bool
http_wire_line(const char *s, size_t len, size_t *pos, struct slice *line,
    bool *complete, bool *lf_only)
{
	const char	*nl;
	size_t		 end;

	if (*pos >= len)
		return (false);
	nl = memchr(s + *pos, '\n', len - *pos);
	if (nl == NULL) {
		line->ptr = s + *pos;
		line->len = len - *pos;
		*complete = false;
		*pos = len;
		return (true);
	}
	end = (size_t)(nl - s);
	line->ptr = s + *pos;
	line->len = end - *pos;
	if (line->len > 0 && line->ptr[line->len - 1] == '\r')
		line->len--;
	else
		*lf_only = true;
	*complete = true;
	*pos = end + 1;
	return (true);
}

/* Is v "HTTP/d.d"? */
static bool
http_wire_is_version(struct slice v)
{
	return (v.len == 8 && memcmp(v.ptr, "HTTP/", 5) == 0 &&
	    v.ptr[5] >= '0' && v.ptr[5] <= '9' && v.ptr[6] == '.' &&
	    v.ptr[7] >= '0' && v.ptr[7] <= '9');
}

/* Is c an RFC 9110 token character? */
static bool
http_wire_tchar(unsigned char c)
{
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		return (true);
	return (strchr("!#$%&'*+-.^_`|~", c) != NULL && c != '\0');
}

/* Parse the start line into h; false if it is not HTTP. */
static bool
http_wire_start(struct http_wire *h, struct slice l)
{
	const char	*sp, *sp2, *end = l.ptr + l.len;
	size_t		 i;

	h->start_line = l;
	if (l.len >= 8 && memcmp(l.ptr, "HTTP/", 5) == 0) {
		sp = memchr(l.ptr, ' ', l.len);
		h->version.ptr = l.ptr;
		h->version.len = sp != NULL ? (size_t)(sp - l.ptr) : l.len;
		if (!http_wire_is_version(h->version) || sp == NULL ||
		    end - sp < 4)
			return (false);
		for (i = 1; i <= 3; i++)
			if (sp[i] < '0' || sp[i] > '9')
				return (false);
		if (end - sp > 4 && sp[4] != ' ')
			return (false);
		h->status = (sp[1] - '0') * 100 + (sp[2] - '0') * 10 +
		    (sp[3] - '0');
		h->reason.ptr = end - sp > 4 ? sp + 5 : end;
		h->reason.len = (size_t)(end - h->reason.ptr);
		h->kind = HTTP_WIRE_RESPONSE;
		return (true);
	}
	/* METHOD SP target SP HTTP/x.y */
	for (i = 0; i < l.len && http_wire_tchar((unsigned char)l.ptr[i]);
	    i++)
		/* nothing */;
	if (i == 0 || i >= l.len || l.ptr[i] != ' ')
		return (false);
	sp = l.ptr + i;
	sp2 = NULL;
	for (i = l.len; i > 0; i--) {
		if (l.ptr[i - 1] == ' ') {
			sp2 = l.ptr + i - 1;
			break;
		}
	}
	if (sp2 == NULL || sp2 <= sp + 1)
		return (false);
	h->version.ptr = sp2 + 1;
	h->version.len = (size_t)(end - sp2 - 1);
	if (!http_wire_is_version(h->version))
		return (false);
	h->method.ptr = l.ptr;
	h->method.len = (size_t)(sp - l.ptr);
	h->target.ptr = sp + 1;
	h->target.len = (size_t)(sp2 - sp - 1);
	h->kind = HTTP_WIRE_REQUEST;
	return (true);
}

/* Trim spaces and tabs at both ends. */
static struct slice
http_wire_trim(struct slice s)
{
	while (s.len > 0 && (s.ptr[0] == ' ' || s.ptr[0] == '\t')) {
		s.ptr++;
		s.len--;
	}
	while (s.len > 0 && (s.ptr[s.len - 1] == ' ' ||
	    s.ptr[s.len - 1] == '\t'))
		s.len--;
	return (s);
}

/* Strict decimal Content-Length (at most 18 digits); -1 if invalid. */
static int64_t
http_wire_length(struct slice v)
{
	int64_t	 n = 0;
	size_t	 i;

	v = http_wire_trim(v);
	if (v.len == 0 || v.len > 18)
		return (-1);
	for (i = 0; i < v.len; i++) {
		if (v.ptr[i] < '0' || v.ptr[i] > '9')
			return (-1);
		n = n * 10 + (v.ptr[i] - '0');
	}
	return (n);
}

/*
 * Parse len bytes at s (which must outlive h).  Returns 0 when the start
 * line is a request or status line (the message may still be truncated:
 * see h->truncated and h->head_complete); -1 when it is not HTTP, in which
 * case h->kind is HTTP_WIRE_UNKNOWN and h->body is the whole input.
 * h must be cleared with http_wire_clear either way.
 */
int
http_wire_parse(struct http_wire *h, const char *s, size_t len)
{
	struct slice		 l, name;
	struct http_wire_header	*hd;
	size_t			 pos = 0, cap = 0, avail, colon, i;
	bool			 complete = true, have_cl = false;
	const char		*c;
	int64_t			 cl;

	memset(h, 0, sizeof *h);
	h->content_length = -1;
	if (!http_wire_line(s, len, &pos, &l, &complete, &h->lf_only) ||
	    !http_wire_start(h, l)) {
		h->kind = HTTP_WIRE_UNKNOWN;
		h->start_line.ptr = s;
		h->start_line.len = 0;
		h->version.len = h->method.len = h->target.len = 0;
		h->body.ptr = s;
		h->body.len = len;
		return (-1);
	}
	h->head.ptr = s;
	while (complete && http_wire_line(s, len, &pos, &l, &complete,
	    &h->lf_only)) {
		if (l.len == 0 && complete) {
			h->head_complete = true;
			break;
		}
		if ((l.ptr[0] == ' ' || l.ptr[0] == '\t') &&
		    h->nheaders != 0) {
			/* obs-fold: extend the previous value. */
			hd = &h->headers[h->nheaders - 1];
			l = http_wire_trim(l);
			if (l.len != 0) {
				if (hd->value.len == 0)
					hd->value.ptr = l.ptr;
				else
					hd->folded = true;
				hd->value.len = (size_t)(l.ptr + l.len -
				    hd->value.ptr);
			}
			continue;
		}
		c = memchr(l.ptr, ':', l.len);
		if (c == NULL || c == l.ptr) {
			h->bad_lines++;
			continue;
		}
		colon = (size_t)(c - l.ptr);
		name.ptr = l.ptr;
		name.len = colon;
		if (h->nheaders == HTTP_WIRE_MAX_HEADERS) {
			h->dropped++;
			continue;
		}
		if (h->nheaders == cap) {
			cap = cap == 0 ? 16 : cap * 2;
			if (cap > HTTP_WIRE_MAX_HEADERS)
				cap = HTTP_WIRE_MAX_HEADERS;
			h->headers = xreallocarray(h->headers, cap,
			    sizeof *h->headers);
		}
		hd = &h->headers[h->nheaders++];
		hd->name = http_wire_trim(name);
		l.ptr += colon + 1;
		l.len -= colon + 1;
		hd->value = http_wire_trim(l);
		if (hd->value.len == 0)
			hd->value.ptr = l.ptr + l.len;
		hd->folded = false;
	}
	h->head.len = pos;

	/* Framing headers. */
	for (i = 0; i < h->nheaders; i++) {
		hd = &h->headers[i];
		if (slice_caseeq(hd->name, "Transfer-Encoding") &&
		    http_wire_value_has(hd->value, "chunked"))
			h->chunked = true;
		else if (slice_caseeq(hd->name, "Content-Length") &&
		    !have_cl) {
			have_cl = true;
			h->content_length = http_wire_length(hd->value);
		}
	}

	h->body.ptr = s + pos;
	avail = len - pos;
	h->body.len = avail;
	if (!h->head_complete) {
		h->truncated = true;
		h->body.len = 0;
	} else if (!h->chunked && h->content_length >= 0) {
		cl = h->content_length;
		if ((uint64_t)cl > avail)
			h->truncated = true;
		else {
			h->body.len = (size_t)cl;
			h->excess = avail - (size_t)cl;
		}
	}
	return (0);
}

/* Free the header array. */
void
http_wire_clear(struct http_wire *h)
{
	free(h->headers);
	h->headers = NULL;
	h->nheaders = 0;
}

/*
 * Find the next header named name (case-insensitive), starting at index
 * *iter (start with 0); NULL when there is none.
 */
const struct http_wire_header *
http_wire_find(const struct http_wire *h, const char *name, size_t *iter)
{
	size_t	 i;

	for (i = iter != NULL ? *iter : 0; i < h->nheaders; i++) {
		if (slice_caseeq(h->headers[i].name, name)) {
			if (iter != NULL)
				*iter = i + 1;
			return (&h->headers[i]);
		}
	}
	if (iter != NULL)
		*iter = h->nheaders;
	return (NULL);
}

/* Append hd's value with each folded line break replaced by one space. */
void
http_wire_value(struct buf *b, const struct http_wire_header *hd)
{
	const char	*p = hd->value.ptr, *end = p + hd->value.len;

	if (!hd->folded) {
		buf_add(b, p, hd->value.len);
		return;
	}
	while (p < end) {
		if (*p == '\r' || *p == '\n') {
			while (p < end && (*p == '\r' || *p == '\n' ||
			    *p == ' ' || *p == '\t'))
				p++;
			buf_addc(b, ' ');
			continue;
		}
		buf_addc(b, *p++);
	}
}

/* Does the comma-separated list v hold token t (case-insensitive)? */
bool
http_wire_value_has(struct slice v, const char *t)
{
	struct slice	 e;
	const char	*p = v.ptr, *end = v.ptr + v.len, *c;

	while (p < end) {
		c = memchr(p, ',', (size_t)(end - p));
		e.ptr = p;
		e.len = c != NULL ? (size_t)(c - p) : (size_t)(end - p);
		e = http_wire_trim(e);
		if (slice_caseeq(e, t))
			return (true);
		p = c != NULL ? c + 1 : end;
	}
	return (false);
}

/*
 * Find parameter name in a header value like "text/html; charset=utf-8"
 * and set out to its value (unquoted, quotes stripped, escapes kept).
 */
bool
http_wire_param(struct slice v, const char *name, struct slice *out)
{
	const char	*p = v.ptr, *end = v.ptr + v.len, *semi, *eq;
	struct slice	 k, val;

	semi = memchr(p, ';', v.len);
	while (semi != NULL) {
		p = semi + 1;
		semi = memchr(p, ';', (size_t)(end - p));
		k.ptr = p;
		k.len = semi != NULL ? (size_t)(semi - p) : (size_t)(end - p);
		eq = memchr(k.ptr, '=', k.len);
		if (eq == NULL)
			continue;
		val.ptr = eq + 1;
		val.len = (size_t)(k.ptr + k.len - val.ptr);
		k.len = (size_t)(eq - k.ptr);
		k = http_wire_trim(k);
		if (!slice_caseeq(k, name))
			continue;
		val = http_wire_trim(val);
		if (val.len >= 2 && val.ptr[0] == '"') {
			/* A quoted value may hold ';': take up to the quote. */
			const char	*q = memchr(val.ptr + 1, '"',
			    (size_t)(end - val.ptr - 1));

			val.ptr++;
			val.len = q != NULL ? (size_t)(q - val.ptr) :
			    (size_t)(end - val.ptr);
		}
		*out = val;
		return (true);
	}
	return (false);
}
