/* SPDX-License-Identifier: ISC */
/*
 * JSON lines.  The input is a mapped file (lines are read in place), a
 * mapped gzip file (gunzipped into a window), or a descriptor such as
 * stdin (read into a window; poll waits at most 100 ms for data, so a
 * pipe that is slow to fill does not block the caller).
 *
 * A line that is not a JSON object, or not an analytics record, becomes a
 * bad record with its line number and text; reading goes on.  Lines
 * longer than JSONL_LINE_MAX are bad records too (their start is kept).
 */
#include "config.h"

#include "source-jsonl.h"

#include <sys/mman.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bson/bson.h>

#include "decode-bson.h"
#include "gzstream.h"
#include "record.h"
#include "source-doc.h"
#include "store.h"
#include "xmalloc.h"

#define JSONL_LINE_MAX	(64U << 20)
#define JSONL_READ	(1U << 20)

struct source_jsonl {
	uint16_t		 src;
	const uint8_t		*map;		/* owned mapping, or NULL */
	size_t			 maplen;
	struct gzstream		*gz;		/* over map, or NULL */
	int			 fd;		/* -1: none */

	/* Window of unread input (gz and fd): win[wpos..wlen). */
	char			*win;
	size_t			 wlen;
	size_t			 wpos;
	size_t			 wcap;
	bool			 eof;
	bool			 skipping;	/* inside an over-long line */
	char			 error[160];	/* read error, if any */

	uint64_t		 mpos;		/* map mode: next line */
	uint64_t		 line;		/* number of the next line */
	uint64_t		 done;		/* input bytes consumed */
	struct record_build	 b;
	struct decode_bson_cache cache;
	int64_t			 last_ts;
};

/*
 * Create a reader named name.  Input is either len bytes mapped at map
 * (gzip: gunzipped first), or descriptor fd when map is NULL.  Takes
 * ownership of the mapping and of fd (except stdin).
 */
struct source_jsonl *
source_jsonl_create(struct store *st, const char *name, int fd,
    const uint8_t *map, size_t len, bool gzip)
{
	struct source_jsonl	*js;

	js = xcalloc(1, sizeof *js);
	js->src = store_source_add(st, name, STORE_SRC_FILE);
	js->map = map;
	js->maplen = len;
	js->fd = fd;
	js->line = 1;
	js->last_ts = -1;
	if (map != NULL && gzip)
		js->gz = gzstream_create(map, len);
	record_build_init(&js->b);
	decode_bson_cache_init(&js->cache, st);
	return (js);
}

/* Decode one line (without its newline) as a record. */
static void
source_jsonl_line(struct source_jsonl *js, struct store *st,
    const char *p, size_t len, uint64_t lineno)
{
	bson_t			 doc;
	bson_error_t		 err;
	enum decode_bson_kind	 kind;
	size_t			 erroff, i;
	const char		*why;
	char			 msg[600];
	struct source_doc	 d;

	if (len > 0 && p[len - 1] == '\r')
		len--;
	for (i = 0; i < len; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
			break;
	if (i == len)
		return;		/* blank line */
	if (p[i] != '{') {
		store_add_bad(st, js->src, lineno, js->last_ts,
		    "not a JSON object", p, len);
		return;
	}
	if (!bson_init_from_json(&doc, p, (ssize_t)len, &err)) {
		snprintf(msg, sizeof msg, "bad JSON: %s", err.message);
		store_add_bad(st, js->src, lineno, js->last_ts, msg, p, len);
		return;
	}
	d.src = js->src;
	d.pos = lineno;
	d.last_ts = &js->last_ts;
	d.raw = p;
	d.rawlen = len;
	record_build_reset(&js->b);
	if (decode_bson_record_cached(&doc, st, &js->b, &js->cache, &kind,
	    &erroff, &why) != 0) {
		/* Offsets in the BSON made of the JSON would mislead. */
		source_doc_bad(st, &d, why, 0);
		bson_destroy(&doc);
		return;
	}
	js->b.payload_stable = false;
	source_doc_add(st, &js->b, &d, &doc, kind);
	bson_destroy(&doc);
}

/*
 * Read more input into the window.  Returns 1 if bytes arrived, 0 if none
 * are ready yet (a pipe), -1 at the end (or after an error).
 */
static int
source_jsonl_fill(struct source_jsonl *js)
{
	struct pollfd	 pfd;
	ssize_t		 n;

	if (js->eof)
		return (-1);
	if (js->wpos > 0) {
		memmove(js->win, js->win + js->wpos, js->wlen - js->wpos);
		js->wlen -= js->wpos;
		js->wpos = 0;
	}
	if (js->wcap - js->wlen < JSONL_READ) {
		js->wcap = js->wlen + JSONL_READ;
		js->win = xrealloc(js->win, js->wcap + 1);
	}
	if (js->gz != NULL) {
		n = gzstream_read(js->gz, js->win + js->wlen,
		    js->wcap - js->wlen);
		if (n < 0)
			snprintf(js->error, sizeof js->error, "%s",
			    gzstream_error(js->gz));
	} else {
		pfd.fd = js->fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 100) == 0)
			return (0);
		n = read(js->fd, js->win + js->wlen, js->wcap - js->wlen);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			return (0);
		if (n < 0)
			snprintf(js->error, sizeof js->error, "read error: %s",
			    strerror(errno));
	}
	if (n <= 0) {
		js->eof = true;
		return (-1);
	}
	js->wlen += (size_t)n;
	js->done += (uint64_t)n;
	return (1);
}

/* Map mode: read up to max lines in place. */
static enum source_status
source_jsonl_poll_map(struct source_jsonl *js, struct store *st, size_t max)
{
	const char	*p, *nl;
	size_t		 n, left;

	for (n = 0; n < max && js->mpos < js->maplen; n++) {
		p = (const char *)js->map + js->mpos;
		left = js->maplen - js->mpos;
		nl = memchr(p, '\n', left);
		if (nl == NULL)
			nl = p + left;
		if ((size_t)(nl - p) > JSONL_LINE_MAX)
			store_add_bad(st, js->src, js->line, js->last_ts,
			    "line too long", p, REC_BAD_RAW_MAX);
		else
			source_jsonl_line(js, st, p, (size_t)(nl - p),
			    js->line);
		js->line++;
		js->mpos += (uint64_t)(nl - p) + (nl < p + left ? 1 : 0);
	}
	js->done = js->mpos;
	return (js->mpos < js->maplen ? SOURCE_MORE : SOURCE_EOF);
}

/* Read up to max lines. */
enum source_status
source_jsonl_poll(struct source_jsonl *js, struct store *st, size_t max)
{
	char	*p, *nl;
	size_t	 n = 0, len;
	int	 rc;

	if (js->map != NULL && js->gz == NULL)
		return (source_jsonl_poll_map(js, st, max));
	while (n < max) {
		len = js->wlen - js->wpos;
		p = len == 0 ? NULL : js->win + js->wpos;
		nl = len == 0 ? NULL : memchr(p, '\n', len);
		if (nl == NULL && len > JSONL_LINE_MAX) {
			/* Keep the start as a bad record, skip the rest. */
			if (!js->skipping)
				store_add_bad(st, js->src, js->line,
				    js->last_ts, "line too long", p,
				    REC_BAD_RAW_MAX);
			js->skipping = true;
			js->wpos = js->wlen;
			continue;
		}
		if (nl == NULL) {
			rc = source_jsonl_fill(js);
			if (rc == 0)
				return (SOURCE_IDLE);
			if (rc > 0)
				continue;
			/*
			 * End of input: a last line without newline.  The
			 * fill moved (and may have reallocated) the window,
			 * so p is stale: take the line from the window again.
			 */
			len = js->wlen - js->wpos;
			if (len > 0 && !js->skipping)
				source_jsonl_line(js, st, js->win + js->wpos,
				    len, js->line);
			if (js->error[0] != '\0')
				store_source_damage(st, js->src, "%s after "
				    "line %llu", js->error,
				    (unsigned long long)js->line);
			js->wpos = js->wlen;
			return (SOURCE_EOF);
		}
		if (!js->skipping)
			source_jsonl_line(js, st, p, (size_t)(nl - p),
			    js->line);
		js->skipping = false;
		js->line++;
		js->wpos += (size_t)(nl - p) + 1;
		n++;
	}
	return (SOURCE_MORE);
}

/* Input bytes consumed, and the total (0 for a pipe). */
void
source_jsonl_progress(struct source_jsonl *js, uint64_t *done,
    uint64_t *total)
{
	*total = js->maplen;
	*done = js->gz != NULL ? gzstream_consumed(js->gz) : js->done;
}

/* Free the reader, its mapping and descriptor. */
void
source_jsonl_free(struct source_jsonl *js)
{
	if (js == NULL)
		return;
	gzstream_free(js->gz);
	if (js->map != NULL && js->maplen != 0)
		munmap((void *)(uintptr_t)js->map, js->maplen);
	if (js->fd > 0)
		close(js->fd);
	free(js->win);
	record_build_clear(&js->b);
	free(js);
}
