/* SPDX-License-Identifier: ISC */
/*
 * Fuzz render_safe and the width helpers: whatever the input and flags,
 * the output holds no byte below 0x20 (except \n when RENDER_NEWLINES is
 * set), no 0x7f, no C1 control, and is valid UTF-8; truncation never
 * exceeds its width.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "render.h"
#include "utf8.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf	 out, cut;
	size_t		 i, n, width;
	uint32_t	 cp;
	int		 flags;

	if (size == 0)
		return (0);
	flags = data[0] & (RENDER_NEWLINES | RENDER_TABS);
	width = data[0] >> 2;
	buf_init(&out);
	render_safe(&out, (const char *)data + 1, size - 1, flags);
	for (i = 0; i < out.len; i += n) {
		n = utf8_decode(out.data + i, out.len - i, &cp);
		if (n == 0)
			abort();
		if (cp < 0x20 && !(cp == '\n' && (flags & RENDER_NEWLINES)))
			abort();
		if (cp == 0x7f || (cp >= 0x80 && cp <= 0x9f))
			abort();
	}
	if (!(flags & RENDER_NEWLINES)) {
		buf_init(&cut);
		render_truncate(&cut, out.data != NULL ? out.data : "",
		    out.len, width, "~");
		if (render_width(cut.data != NULL ? cut.data : "", cut.len) >
		    width)
			abort();
		buf_clear(&cut);
	}
	buf_clear(&out);
	return (0);
}
