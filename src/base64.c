/* SPDX-License-Identifier: ISC */
/*
 * Base64 through libb64, checked first.  libb64 skips characters it does
 * not know and ignores '=' wherever it is, so this module scans the input
 * itself: it finds the first character outside [A-Za-z0-9+/], accepts
 * padding only in the last quantum, and hands libb64 only the characters
 * that are known to be good.  libb64 stores a partial byte one past the
 * bytes it reports, so the output must have one byte of slack: callers size
 * it with base64_decoded_max().
 */
#include "config.h"

#include "base64.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include <b64/cdecode.h>

static const char base64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Is c in the standard alphabet (padding excluded)? */
static int
base64_is_alpha(unsigned char c)
{
	return ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	    (c >= '0' && c <= '9') || c == '+' || c == '/');
}

/* Output bytes needed to decode inlen characters (with libb64's slack). */
size_t
base64_decoded_max(size_t inlen)
{
	return (inlen / 4 * 3 + 3 + 1);
}

/*
 * Decode inlen characters at in into out (outcap bytes, at least
 * base64_decoded_max(inlen)).  Fills r.  Returns 0 when the input was good
 * base64, possibly truncated (r->truncated); -1 on a character outside
 * the alphabet or misplaced padding (r->invalid, r->error_off), in which
 * case out still holds every whole byte encoded before it.
 */
int
base64_decode(const char *in, size_t inlen, char *out, size_t outcap,
    struct base64_result *r)
{
	const unsigned char	*p = (const unsigned char *)in;
	base64_decodestate	 ds;
	size_t			 good, i, pad = 0, maxpad, off, n;
	int			 rc = 0;

	memset(r, 0, sizeof *r);
	if (outcap < base64_decoded_max(inlen)) {
		snprintf(r->error, sizeof r->error, "output too small");
		r->invalid = true;
		return (-1);
	}

	/* Find the end of the alphabet characters, then check padding. */
	for (good = 0; good < inlen && base64_is_alpha(p[good]); good++)
		/* nothing */;
	for (i = good; i < inlen && p[i] == '='; i++)
		pad++;
	maxpad = good % 4 == 2 ? 2 : good % 4 == 3 ? 1 : 0;
	if (good == inlen) {
		if (good % 4 != 0)
			r->truncated = true;
	} else if (i == inlen && pad != 0 && pad <= maxpad) {
		if ((good + pad) % 4 != 0)
			r->truncated = true;
	} else {
		/* Report the first character that cannot be there. */
		if (pad == 0 || maxpad == 0)
			off = good;
		else if (pad > maxpad)
			off = good + maxpad;
		else
			off = i;	/* something after the padding */
		r->invalid = true;
		r->error_off = off;
		if (p[off] == '=')
			snprintf(r->error, sizeof r->error,
			    "misplaced '=' at offset %zu", off);
		else if (p[off] >= 0x20 && p[off] < 0x7f)
			snprintf(r->error, sizeof r->error,
			    "invalid character '%c' at offset %zu", p[off], off);
		else
			snprintf(r->error, sizeof r->error,
			    "invalid byte 0x%02x at offset %zu", p[off], off);
		rc = -1;
	}

	/* A lone character in the last quantum carries no whole byte. */
	n = good;
	if (n % 4 == 1)
		n--;
	if (r->truncated && r->error[0] == '\0')
		snprintf(r->error, sizeof r->error,
		    "truncated after %zu characters", inlen);

	base64_init_decodestate(&ds);
	for (i = 0; i < n; i += (size_t)INT_MAX / 4 * 4) {
		size_t	 chunk = n - i;

		if (chunk > (size_t)INT_MAX / 4 * 4)
			chunk = (size_t)INT_MAX / 4 * 4;
		r->len += (size_t)base64_decode_block(in + i, (int)chunk,
		    out + r->len, &ds);
	}
	r->used = n;
	return (rc);
}

/*
 * Decode into b (appending).  Same contract as base64_decode; b->len grows
 * by r->len.
 */
int
base64_decode_buf(struct buf *b, const char *in, size_t inlen,
    struct base64_result *r)
{
	size_t	 max = base64_decoded_max(inlen);
	int	 rc;

	buf_reserve(b, max);
	rc = base64_decode(in, inlen, b->data + b->len, max, r);
	b->len += r->len;
	b->data[b->len] = '\0';
	return (rc);
}

/* Append the standard base64 of len bytes at p, '='-padded if pad. */
static void
base64_encode(struct buf *b, const void *p, size_t len, bool pad)
{
	const unsigned char	*s = p;
	size_t			 i;
	char			 q[4];

	buf_reserve(b, (len + 2) / 3 * 4);
	for (i = 0; i + 2 < len; i += 3) {
		q[0] = base64_alphabet[s[i] >> 2];
		q[1] = base64_alphabet[(s[i] & 3) << 4 | s[i + 1] >> 4];
		q[2] = base64_alphabet[(s[i + 1] & 15) << 2 | s[i + 2] >> 6];
		q[3] = base64_alphabet[s[i + 2] & 63];
		buf_add(b, q, 4);
	}
	if (len - i == 1) {
		q[0] = base64_alphabet[s[i] >> 2];
		q[1] = base64_alphabet[(s[i] & 3) << 4];
		q[2] = q[3] = '=';
		buf_add(b, q, pad ? 4 : 2);
	} else if (len - i == 2) {
		q[0] = base64_alphabet[s[i] >> 2];
		q[1] = base64_alphabet[(s[i] & 3) << 4 | s[i + 1] >> 4];
		q[2] = base64_alphabet[(s[i + 1] & 15) << 2];
		q[3] = '=';
		buf_add(b, q, pad ? 4 : 3);
	}
}

/* Append the standard base64 encoding of len bytes at p (one line). */
void
base64_encode_buf(struct buf *b, const void *p, size_t len)
{
	base64_encode(b, p, len, true);
}

/*
 * The same without '=' padding (Go's base64.RawStdEncoding, which the
 * pump's doHash uses for endpoint keys).
 */
void
base64_encode_nopad(struct buf *b, const void *p, size_t len)
{
	base64_encode(b, p, len, false);
}
