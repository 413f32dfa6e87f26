/* SPDX-License-Identifier: ISC */
/*
 * JSON generation helpers.  yajl escapes control characters but passes
 * invalid UTF-8 through; json_gen_slice writes each invalid byte as the
 * code point of its Latin-1 reading instead, so that the output is always
 * valid UTF-8 and the byte value stays recoverable.  UTF-8 is decoded by
 * utf8.c's decoder, the one in the tree.  Numbers: json_format_double is
 * the one double formatter, in the form Go's encoding/json writes (the
 * gateway and the pump are Go programs).
 */
#include "config.h"

#include "json.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "render.h"
#include "utf8.h"

/*
 * Generate a JSON string from len bytes that may not be valid UTF-8.
 * Valid sequences pass through; each invalid byte b is written as the code
 * point b (its Latin-1 reading), so the result is always valid JSON.
 */
void
json_gen_slice(yajl_gen g, const char *s, size_t len)
{
	struct buf	 tmp;
	size_t		 i = 0, n;
	uint32_t	 cp;
	unsigned char	 b;
	char		 tmp8[4];

	if (render_valid_utf8(s, len)) {
		yajl_gen_string(g, (const unsigned char *)s, len);
		return;
	}
	buf_init(&tmp);
	while (i < len) {
		b = (unsigned char)s[i];
		if (b < 0x80) {
			buf_addc(&tmp, (char)b);
			i++;
			continue;
		}
		n = utf8_decode(s + i, len - i, &cp);
		if (n != 0) {
			buf_add(&tmp, s + i, n);
			i += n;
			continue;
		}
		buf_add(&tmp, tmp8, utf8_encode(tmp8, b));
		i++;
	}
	yajl_gen_string(g, (const unsigned char *)tmp.data, tmp.len);
	buf_clear(&tmp);
}

/* Generate a map key. */
void
json_gen_key(yajl_gen g, const char *k)
{
	yajl_gen_string(g, (const unsigned char *)k, strlen(k));
}

/*
 * Format a finite double v as Go's encoding/json does: the shortest
 * decimal that reads back to v, in plain notation when 1e-6 <= |v| < 1e21
 * (or v is 0), else in exponent notation with at least one exponent digit
 * ("1e-7", "1.5e+21").  Returns the length written (at most
 * JSON_DOUBLE_MAX - 1 bytes and a NUL); v must be finite.
 */
size_t
json_format_double(char *out, size_t size, double v)
{
	char		 e[40], digits[20], *p, *q;
	size_t		 nd = 0, o = 0, i;
	int		 prec, exp;
	bool		 neg;
	double		 a = fabs(v);

	/* Shortest digits: %.Ne for the first N that round-trips. */
	for (prec = 0; prec < 17; prec++) {
		snprintf(e, sizeof e, "%.*e", prec, v);
		if (strtod(e, NULL) == v)
			break;
	}
	snprintf(e, sizeof e, "%.*e", prec, v);
	p = e;
	neg = *p == '-';
	if (neg)
		p++;
	for (; *p != 'e'; p++)
		if (*p != '.')
			digits[nd++] = *p;
	exp = (int)strtol(p + 1, &q, 10);
	/* Trailing zeros are not significant ("%.0e" of 10 is "1e+01"). */
	while (nd > 1 && digits[nd - 1] == '0')
		nd--;
#define PUT(c) do { if (o + 1 < size) out[o] = (c); o++; } while (0)
	if (neg)
		PUT('-');
	if (a != 0 && (a < 1e-6 || a >= 1e21)) {
		PUT(digits[0]);
		if (nd > 1) {
			PUT('.');
			for (i = 1; i < nd; i++)
				PUT(digits[i]);
		}
		PUT('e');
		PUT(exp < 0 ? '-' : '+');
		snprintf(e, sizeof e, "%d", exp < 0 ? -exp : exp);
		for (p = e; *p != '\0'; p++)
			PUT(*p);
	} else if (exp < 0) {
		PUT('0');
		PUT('.');
		for (i = 1; i < (size_t)-exp; i++)
			PUT('0');
		for (i = 0; i < nd; i++)
			PUT(digits[i]);
	} else {
		for (i = 0; i < nd || i <= (size_t)exp; i++) {
			if (i == (size_t)exp + 1)
				PUT('.');
			PUT(i < nd ? digits[i] : '0');
		}
	}
#undef PUT
	if (size > 0)
		out[o < size ? o : size - 1] = '\0';
	return (o);
}

/* Generate a double as Go's encoding/json would; null if not finite. */
void
json_gen_double(yajl_gen g, double v)
{
	char	 tmp[JSON_DOUBLE_MAX];
	size_t	 n;

	if (!isfinite(v)) {
		yajl_gen_null(g);
		return;
	}
	n = json_format_double(tmp, sizeof tmp, v);
	yajl_gen_number(g, tmp, n);
}
