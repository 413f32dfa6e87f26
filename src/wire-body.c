/* SPDX-License-Identifier: ISC */
/*
 * De-chunking and decompression of HTTP bodies.  Both are tolerant in the
 * way a debugger must be: a stream cut off by the pump keeps everything
 * that arrived and says it was cut; a malformed chunk size stops with an
 * error and keeps what came before it.  Inflating stops at the caller's cap.
 */
#include "config.h"

#include "wire-body.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "gzstream.h"


/*
 * Remove chunked framing (RFC 9112 7.1) from len bytes at in, appending the
 * data to out.  Chunk extensions and trailers are skipped.  Returns 0 when
 * the last chunk was seen or the input simply ended (st->truncated); -1 on
 * a malformed size line (st->error).  Either way out holds the data decoded
 * so far.
 */
int
wire_body_dechunk(struct buf *out, const char *in, size_t len,
    struct wire_body_status *st)
{
	size_t		 pos = 0, start, i, n;
	uint64_t	 size;
	const char	*nl;
	int		 digits;

	memset(st, 0, sizeof *st);
	for (;;) {
		if (pos >= len) {
			st->truncated = true;
			snprintf(st->error, sizeof st->error,
			    "chunked body cut off after %zu chunks",
			    st->chunks);
			break;
		}
		nl = memchr(in + pos, '\n', len - pos);
		start = pos;
		size = 0;
		digits = 0;
		for (i = pos; i < len; i++) {
			int	 c = (unsigned char)in[i], v;

			if ((v = hex_value(c)) < 0)
				break;
			if (++digits > 15) {
				snprintf(st->error, sizeof st->error,
				    "chunk size too large at offset %zu",
				    start);
				st->used = pos;
				return (-1);
			}
			size = size << 4 | (uint64_t)v;
		}
		if (digits == 0) {
			snprintf(st->error, sizeof st->error,
			    "bad chunk size at offset %zu", start);
			st->used = pos;
			return (-1);
		}
		if (nl == NULL) {
			/* Size line cut off. */
			st->truncated = true;
			snprintf(st->error, sizeof st->error,
			    "chunked body cut off in a size line");
			st->used = len;
			return (0);
		}
		/* Skip extensions (";name=value") to the end of the line. */
		pos = (size_t)(nl - in) + 1;
		if (size == 0) {
			/* Last chunk; trailers follow up to an empty line. */
			st->chunks++;
			st->used = len;
			return (0);
		}
		st->chunks++;
		n = len - pos;
		if (size > n) {
			buf_add(out, in + pos, n);
			st->truncated = true;
			snprintf(st->error, sizeof st->error,
			    "chunk %zu cut off (%zu of %llu bytes)",
			    st->chunks, n, (unsigned long long)size);
			st->used = len;
			return (0);
		}
		buf_add(out, in + pos, (size_t)size);
		pos += (size_t)size;
		/* CRLF (or LF) after the data. */
		if (pos < len && in[pos] == '\r')
			pos++;
		if (pos < len && in[pos] == '\n')
			pos++;
	}
	st->used = len;
	return (0);
}

/*
 * Which codec the body needs, by magic bytes; ce is the Content-Encoding
 * value (possibly empty), consulted only for raw DEFLATE.
 */
enum wire_body_codec
wire_body_sniff(const char *s, size_t len, struct slice ce)
{
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 i;

	if (len >= 2 && p[0] == 0x1f && p[1] == 0x8b)
		return (WIRE_BODY_GZIP);
	if (len >= 2 && (p[0] & 0x0f) == 8 && (p[0] >> 4) <= 7 &&
	    ((unsigned)p[0] << 8 | p[1]) % 31 == 0 && (p[1] & 0x20) == 0)
		return (WIRE_BODY_ZLIB);
	if (len == 0)
		return (WIRE_BODY_IDENTITY);
	/* ce may be a list: "deflate" anywhere in it. */
	for (i = 0; i + 7 <= ce.len; i++)
		if (strncasecmp(ce.ptr + i, "deflate", 7) == 0)
			return (WIRE_BODY_DEFLATE);
	return (WIRE_BODY_IDENTITY);
}

/* The chain step name of a codec. */
const char *
wire_body_codec_name(enum wire_body_codec c)
{
	switch (c) {
	case WIRE_BODY_GZIP:
		return ("gzip");
	case WIRE_BODY_ZLIB:
		return ("zlib");
	case WIRE_BODY_DEFLATE:
		return ("deflate");
	default:
		return ("identity");
	}
}

/*
 * Inflate len bytes at in with codec c, appending at most max bytes to out.
 * Concatenated gzip members are all inflated.  Returns 0 on a complete
 * stream, or on a stream that simply ends early (st->truncated); -1 on
 * corrupt data or when the output would pass max (st->error), with out
 * holding what was inflated before that.  Raw DEFLATE that fails before
 * producing a byte is reported as -1 so the caller can keep the body as is.
 * The inflating is gzstream's (ISA-L where configure found it), as for
 * gzipped dumps.
 */
int
wire_body_inflate(struct buf *out, const char *in, size_t len,
    enum wire_body_codec c, size_t max, struct wire_body_status *st)
{
	struct gzstream	*gz;
	size_t		 start = out->len, room;
	ssize_t		 n;
	char		 one;
	int		 rc = 0;

	memset(st, 0, sizeof *st);
	gz = gzstream_create_format(in, len, c == WIRE_BODY_GZIP ?
	    GZSTREAM_GZIP : c == WIRE_BODY_ZLIB ? GZSTREAM_ZLIB :
	    GZSTREAM_DEFLATE);
	for (;;) {
		room = max - (out->len - start);
		if (room == 0) {
			/* At the cap: only the stream's end may follow. */
			if ((n = gzstream_read(gz, &one, 1)) == 0)
				break;
			if (n > 0) {
				snprintf(st->error, sizeof st->error,
				    "inflated body larger than %zu bytes "
				    "(decompression bomb?)", max);
				rc = -1;
				break;
			}
		} else {
			if (room > 256 * 1024)
				room = 256 * 1024;
			/* Grow geometrically but never past the cap. */
			buf_reserve(out, room);
			n = gzstream_read(gz, out->data + out->len, room);
			if (n > 0) {
				out->len += (size_t)n;
				out->data[out->len] = '\0';
				continue;
			}
			if (n == 0)
				break;
		}
		/* Failed: cut short (kept, truncated) or corrupt. */
		if (gzstream_cut(gz)) {
			st->truncated = true;
			snprintf(st->error, sizeof st->error,
			    "%s stream cut off", wire_body_codec_name(c));
		} else {
			snprintf(st->error, sizeof st->error, "%s",
			    gzstream_error(gz));
			rc = -1;
		}
		break;
	}
	st->used = (size_t)gzstream_consumed(gz);
	gzstream_free(gz);
	return (rc);
}
