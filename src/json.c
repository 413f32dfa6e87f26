/* SPDX-License-Identifier: ISC */
/*
 * JSON generation helpers.  yajl escapes control characters but passes
 * invalid UTF-8 through; json_gen_slice writes each invalid byte as the
 * code point of its Latin-1 reading instead, so that the output is always
 * valid UTF-8 and the byte value stays recoverable.  UTF-8 is decoded by
 * render.c's decoder, the one in the tree.
 */
#include "config.h"

#include "json.h"

#include <stdint.h>
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
		buf_addc(&tmp, (char)(0xc0 | (b >> 6)));
		buf_addc(&tmp, (char)(0x80 | (b & 0x3f)));
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
