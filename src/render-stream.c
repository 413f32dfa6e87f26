/* SPDX-License-Identifier: ISC */
/*
 * Terminal-safe streams: a render_filter turns arbitrary bytes into bytes
 * that obey render.c's terminal rule (render_cp_safe), keeping newlines and
 * tabs; render_stream_open puts one in front of a file descriptor with
 * fopencookie, so that stdio callers need not know.  A UTF-8 sequence cut
 * between two writes is held back (at most three bytes) until the next
 * write or the close, so that stdio's buffer boundaries never change what
 * is written.  Text mode writes what render_safe would; JSON mode writes
 * \uXXXX escapes, which are only ever needed inside JSON strings (the
 * structure is ASCII), so valid JSON stays valid and equal in meaning.
 */
#include "config.h"

#include "render-stream.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "render.h"
#include "utf8.h"
#include "xmalloc.h"

struct render_stream {
	int			 fd;		/* not owned */
	struct render_filter	 f;
	struct buf		 out;
};

/* Prepare a filter in the given mode. */
void
render_filter_init(struct render_filter *f, enum render_stream_mode mode)
{
	memset(f, 0, sizeof *f);
	f->mode = mode;
}

/* Append the escape of code point c (unsafe) in the filter's mode. */
static void
render_filter_escape(struct render_filter *f, struct buf *out, uint32_t c)
{
	char	 tmp[16];
	int	 n;

	if (f->mode == RENDER_STREAM_JSON) {
		if (c > 0xffff) {
			c -= 0x10000;
			n = snprintf(tmp, sizeof tmp, "\\u%04X\\u%04X",
			    (unsigned)(0xd800 + (c >> 10)),
			    (unsigned)(0xdc00 + (c & 0x3ff)));
		} else
			n = snprintf(tmp, sizeof tmp, "\\u%04X", (unsigned)c);
		buf_add(out, tmp, (size_t)n);
		return;
	}
	if (c == '\r')
		buf_add(out, "\\r", 2);
	else if (c < 0x20 || c == 0x7f) {
		tmp[0] = '^';
		tmp[1] = c == 0x7f ? '?' : (char)(c + 0x40);
		buf_add(out, tmp, 2);
	} else {
		n = snprintf(tmp, sizeof tmp, "<U+%04X>", (unsigned)c);
		buf_add(out, tmp, (size_t)n);
	}
}

/* Append the escape of a byte that does not start valid UTF-8. */
static void
render_filter_byte(struct render_filter *f, struct buf *out, unsigned char b)
{
	char	 tmp[8];

	if (f->mode == RENDER_STREAM_JSON)
		snprintf(tmp, sizeof tmp, "\\u%04X", b);
	else
		snprintf(tmp, sizeof tmp, "\\x%02x", b);
	buf_adds(out, tmp);
}

/*
 * Could the len bytes at p (len < the sequence's length) still become a
 * valid UTF-8 sequence when more bytes arrive?
 */
static int
render_filter_partial(const unsigned char *p, size_t len)
{
	size_t	 need, i;

	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		need = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		need = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		need = 4;
	else
		return (0);
	if (len >= need)
		return (0);
	for (i = 1; i < len; i++)
		if ((p[i] & 0xc0) != 0x80)
			return (0);
	return (1);
}

/*
 * Filter the len bytes at s into out.  Returns how many were consumed:
 * fewer than len when the last ones start a sequence that is cut (never
 * when final).
 */
static size_t
render_filter_run(struct render_filter *f, struct buf *out,
    const unsigned char *s, size_t len, int final)
{
	size_t		 i = 0, n;
	uint32_t	 cp;

	while (i < len) {
		if ((s[i] >= 0x20 && s[i] < 0x7f) || s[i] == '\n' ||
		    s[i] == '\t') {
			n = i;
			while (n < len && ((s[n] >= 0x20 && s[n] < 0x7f) ||
			    s[n] == '\n' || s[n] == '\t'))
				n++;
			buf_add(out, s + i, n - i);
			i = n;
			continue;
		}
		if (s[i] < 0x80) {
			render_filter_escape(f, out, s[i]);
			i++;
			continue;
		}
		n = utf8_decode((const char *)s + i, len - i, &cp);
		if (n == 0) {
			if (!final && render_filter_partial(s + i, len - i))
				return (i);
			render_filter_byte(f, out, s[i]);
			i++;
			continue;
		}
		if (render_cp_safe(cp))
			buf_add(out, s + i, n);
		else
			render_filter_escape(f, out, cp);
		i += n;
	}
	return (len);
}

/*
 * Append the safe form of len bytes at s to out.  A UTF-8 sequence cut at
 * the end is kept in the filter for the next call (or the finish).
 */
void
render_filter(struct render_filter *f, struct buf *out, const char *str,
    size_t len)
{
	const unsigned char	*s = (const unsigned char *)str;
	unsigned char		 tmp[8];
	size_t			 take, done;

	/* Complete a held sequence with the first bytes of this write. */
	if (f->npend != 0 && len != 0) {
		take = 4 - f->npend < len ? 4 - f->npend : len;
		memcpy(tmp, f->pend, f->npend);
		memcpy(tmp + f->npend, s, take);
		done = render_filter_run(f, out, tmp, f->npend + take, 0);
		if (done < f->npend) {
			/* Still incomplete (then take == len): hold it all. */
			memcpy(f->pend + f->npend, s, take);
			f->npend += take;
			return;
		}
		/* Bytes of tmp past the held ones are s's: go on from there. */
		s += done - f->npend;
		len -= done - f->npend;
		f->npend = 0;
	}
	done = render_filter_run(f, out, s, len, 0);
	if (done < len) {
		memcpy(f->pend, s + done, len - done);
		f->npend = len - done;
	}
}

/* Write out whatever the filter holds (an incomplete sequence, escaped). */
void
render_filter_finish(struct render_filter *f, struct buf *out)
{
	if (f->npend != 0)
		render_filter_run(f, out, f->pend, f->npend, 1);
	f->npend = 0;
}

/* Does s obey the terminal rule throughout (newlines and tabs allowed)? */
bool
render_term_safe(const char *str, size_t len)
{
	const unsigned char	*s = (const unsigned char *)str;
	size_t			 i = 0, n;
	uint32_t		 cp;

	while (i < len) {
		if (s[i] == '\n' || s[i] == '\t') {
			i++;
			continue;
		}
		n = utf8_decode(str + i, len - i, &cp);
		if (n == 0 || !render_cp_safe(cp))
			return (false);
		i += n;
	}
	return (true);
}

/* Write all of b to fd; -1 with errno on failure. */
static int
render_stream_flush(int fd, struct buf *b)
{
	size_t	 off = 0;
	ssize_t	 n;

	while (off < b->len) {
		n = write(fd, b->data + off, b->len - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			buf_reset(b);
			return (-1);
		}
		off += (size_t)n;
	}
	buf_reset(b);
	return (0);
}

/* fopencookie write: filter, then write everything. */
static ssize_t
render_stream_write(void *cookie, const char *p, size_t len)
{
	struct render_stream	*rs = cookie;

	render_filter(&rs->f, &rs->out, p, len);
	if (render_stream_flush(rs->fd, &rs->out) != 0)
		return (-1);
	return ((ssize_t)len);
}

/* fopencookie close: write what is held and free the stream. */
static int
render_stream_close(void *cookie)
{
	struct render_stream	*rs = cookie;
	int			 rc;

	render_filter_finish(&rs->f, &rs->out);
	rc = render_stream_flush(rs->fd, &rs->out);
	buf_clear(&rs->out);
	free(rs);
	return (rc);
}

/*
 * A FILE that writes to fd (not closed with the FILE) through a terminal
 * filter in the given mode, with the given stdio buffering (_IOFBF,
 * _IOLBF or _IONBF).  Returns NULL if stdio cannot make one.
 */
FILE *
render_stream_open(int fd, enum render_stream_mode mode, int buffering)
{
	struct render_stream	*rs;
	cookie_io_functions_t	 io;
	FILE			*f;

	rs = xcalloc(1, sizeof *rs);
	rs->fd = fd;
	render_filter_init(&rs->f, mode);
	buf_init(&rs->out);
	memset(&io, 0, sizeof io);
	io.write = render_stream_write;
	io.close = render_stream_close;
	if ((f = fopencookie(rs, "w", io)) == NULL) {
		free(rs);
		return (NULL);
	}
	setvbuf(f, NULL, buffering, buffering == _IONBF ? 0 : BUFSIZ);
	return (f);
}
