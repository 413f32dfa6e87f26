/* SPDX-License-Identifier: ISC */
/*
 * Fuzz the curl builder (src/curl.c) and the masked renderings of a
 * request.  The first input byte chooses the mode:
 *
 * - bit 0 clear: the rest of the input is a raw request, stored as a
 *   record's raw_request.  The command built from it, masked and
 *   revealed, through the gateway and to the upstream, must be one
 *   well-quoted shell command (curl_check_shell).
 * - bit 0 set: the rest is split at NUL bytes into pieces of a request
 *   (method, path, query, a header, a form body, original_path, Host,
 *   userinfo) that carries SECRET in every credential position: the
 *   Authorization, Cookie and X-Api-Key headers, api_key and access_token
 *   in the query (and the fragment), password and client_secret in the
 *   form body, the password of an absolute-form target's userinfo, the
 *   api_key field and the key-<api key> tag.  The pieces are cleaned of
 *   the bytes that would move SECRET out of those positions.  Masked, no
 *   output may contain SECRET (less the last four characters that a
 *   masked key keeps); revealed, the command must contain it.
 */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "curl.h"
#include "mask.h"
#include "record.h"
#include "render.h"
#include "store.h"
#include "wire.h"
#include "wire-view.h"

#define SECRET		"Zx81SecretQw73Lp0Kd5"
#define OTHER		"Yw92TercesPv84Ko9Jc6"	/* as long, no overlap */
#define SECRET_SHOWN	16	/* masked keys keep the last four */
#define NPIECES		11

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Does (s, len) contain the part of SECRET masking must hide? */
static int
has_secret(const char *s, size_t len)
{
	return (len >= SECRET_SHOWN && memmem(s, len, SECRET,
	    SECRET_SHOWN) != NULL);
}

/* Is c allowed unquoted in a command (curl_quote's plain words, etc.)? */
static int
is_bare(unsigned char c)
{
	return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || strchr("_-.,/:@%+ |", c) != NULL);
}

/*
 * Abort unless s is exactly one shell command, optionally preceded and
 * followed by '#' comment lines: only plain words outside quotes, every
 * '...' and $'...' closed, no control byte but the newline (and that
 * only inside '...', after a backslash, or ending a line), valid UTF-8.
 */
static void
check_shell(const char *s, size_t len)
{
	size_t	 i = 0;
	int	 commands = 0, started = 0;

	if (!render_valid_utf8(s, len) || len == 0 || s[len - 1] != '\n')
		abort();
	while (i < len) {
		if (!started && s[i] == '#') {
			/* A comment line: printable up to its newline. */
			for (; s[i] != '\n'; i++)
				if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
					abort();
			i++;
			continue;
		}
		if (commands != 0)
			abort();	/* a second command */
		started = 1;
		if (s[i] == '\'') {
			for (i++; i < len && s[i] != '\''; i++)
				if (((unsigned char)s[i] < 0x20 &&
				    s[i] != '\n') || s[i] == 0x7f)
					abort();
			if (i == len)
				abort();	/* unbalanced '...' */
			i++;
		} else if (s[i] == '$' && i + 1 < len && s[i + 1] == '\'') {
			for (i += 2; i < len && s[i] != '\''; i++) {
				if ((unsigned char)s[i] < 0x20 ||
				    (unsigned char)s[i] >= 0x7f)
					abort();
				if (s[i] == '\\' && ++i == len)
					abort();
			}
			if (i == len)
				abort();	/* unbalanced $'...' */
			i++;
		} else if (s[i] == '\\' && i + 1 < len && (s[i + 1] == '\n' ||
		    s[i + 1] == '\''))
			i += 2;			/* continuation, or '\'' */
		else if (s[i] == '\n') {
			commands++;
			started = 0;
			i++;
		} else if (is_bare((unsigned char)s[i]))
			i++;
		else
			abort();
	}
	if (commands != 1)
		abort();
}

/* Append piece (s, len) to b without the bytes in drop (and < 0x20). */
static void
add_clean(struct buf *b, const char *s, size_t len, const char *drop,
    int ctl)
{
	size_t	 i;

	for (i = 0; i < len; i++) {
		if (ctl && ((unsigned char)s[i] <= 0x20 || s[i] == 0x7f))
			continue;
		if (s[i] == '\r' || s[i] == '\n' || s[i] == '\0' ||
		    strchr(drop, s[i]) != NULL)
			continue;
		buf_addc(b, s[i]);
	}
}

/* Build the request with SECRET everywhere from the pieces into b. */
static void
build_request(struct buf *b, uint8_t flags, struct slice *p,
    struct buf *hostb, struct buf *opath, const char *sec)
{
	struct buf	 body, t;
	size_t		 i;

	buf_init(&body);
	buf_init(&t);
	add_clean(&t, p[0].ptr, p[0].len, "", 1);
	buf_add(b, t.len != 0 ? t.data : "POST", t.len != 0 ? t.len : 4);
	buf_addc(b, ' ');
	if (flags & 0x02) {
		buf_adds(b, "http://");
		add_clean(b, p[9].ptr, p[9].len, ":@/?#", 1);
		buf_printf(b, ":%s@", sec);
		add_clean(b, p[8].ptr, p[8].len, "@/?#", 1);
	}
	buf_addc(b, '/');
	add_clean(b, p[1].ptr, p[1].len, "?#", 1);
	buf_addc(b, '?');
	add_clean(b, p[2].ptr, p[2].len, "&#", 1);
	buf_printf(b, "&api_key=%s&access_token=%s&", sec, sec);
	add_clean(b, p[3].ptr, p[3].len, "&#", 1);
	if (flags & 0x04)
		buf_printf(b, "#access_token=%s", sec);
	buf_adds(b, " HTTP/1.1\r\nHost: ");
	add_clean(hostb, p[8].ptr, p[8].len, "@/?#", 1);
	buf_add(b, hostb->data != NULL ? hostb->data : "", hostb->len);
	buf_printf(b, "\r\nAuthorization: Bearer %s\r\nCookie: sid=%s; "
	    "theme=dark\r\nX-Api-Key: %s\r\n", sec, sec, sec);
	buf_adds(b, "Content-Type: application/x-www-form-urlencoded\r\n");
	buf_adds(b, "X-F-");
	for (i = 0; i < p[4].len; i++)
		if ((p[4].ptr[i] >= 'a' && p[4].ptr[i] <= 'z') ||
		    (p[4].ptr[i] >= '0' && p[4].ptr[i] <= '9') ||
		    p[4].ptr[i] == '-')
			buf_addc(b, p[4].ptr[i]);
	buf_adds(b, ": ");
	add_clean(b, p[5].ptr, p[5].len, "", 0);
	buf_adds(b, "\r\n");

	add_clean(&body, p[6].ptr, p[6].len, "&", 0);
	buf_printf(&body, "&password=%s&client_secret=%s&", sec, sec);
	add_clean(&body, p[7].ptr, p[7].len, "&", 0);
	if (flags & 0x08) {
		buf_printf(b, "Transfer-Encoding: chunked\r\n\r\n%zx\r\n",
		    body.len);
		buf_add(b, body.data, body.len);
		buf_adds(b, "\r\n0\r\n\r\n");
	} else {
		buf_printf(b, "Content-Length: %zu\r\n\r\n", body.len);
		buf_add(b, body.data, body.len);
	}
	add_clean(opath, p[10].ptr, p[10].len, "", 1);
	buf_clear(&body);
	buf_clear(&t);
}

/* Abort if any masked rendering of r's request shows SECRET. */
static void
check_views(const struct store *st, const struct record *r,
    const struct mask *mk)
{
	struct wire_msg		 m;
	struct wire_view	 v;
	struct buf		 b;
	const char		*line;
	size_t			 i, len;
	int			 mode;

	wire_init(&m);
	buf_init(&b);
	wire_decode_record(st, r, WIRE_REQUEST, &m);
	wire_message(&b, &m, mk);
	if (getenv("FUZZ_CURL_PRINT") != NULL)
		fwrite(b.data, 1, b.len, stderr);
	if (has_secret(b.data, b.len))
		abort();
	buf_reset(&b);
	(void)wire_raw(&b, &m, mk);
	if (getenv("FUZZ_CURL_PRINT") != NULL)
		fwrite(b.data, 1, b.len, stderr);
	if (has_secret(b.data, b.len))
		abort();
	wire_view_init(&v);
	for (mode = WIRE_VIEW_PRETTY; mode <= WIRE_VIEW_RAW; mode++) {
		wire_view_build(&v, &m, (enum wire_view_mode)mode, mk);
		for (i = 0; i < v.nlines; i++) {
			line = wire_view_line(&v, i, &len, NULL, NULL);
			if (has_secret(line, len))
				abort();
		}
	}
	wire_view_clear(&v);
	buf_clear(&b);
	wire_clear(&m);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mask		 mk = { NULL, 0, false };
	struct store		 st;
	struct record_build	 rb;
	const struct record	*r;
	struct buf		 req, b64, out, hostb, opath, tag;
	struct slice		 p[NPIECES];
	const char		*s, *end, *nul;
	size_t			 i;
	uint8_t			 flags;
	int			 t, structured;

	if (size == 0)
		return (0);
	flags = data[0];
	structured = flags & 0x01;
	s = (const char *)data + 1;
	end = (const char *)data + size;

	buf_init(&req);
	buf_init(&b64);
	buf_init(&out);
	buf_init(&hostb);
	buf_init(&opath);
	buf_init(&tag);
	if (structured) {
		for (i = 0; i < NPIECES; i++) {
			nul = s < end ? memchr(s, '\0', (size_t)(end - s)) :
			    NULL;
			p[i].ptr = s;
			p[i].len = nul != NULL ? (size_t)(nul - s) :
			    (size_t)(end - s);
			s = nul != NULL ? nul + 1 : end;
		}
		/*
		 * Built with OTHER first: if SECRET shows then, the fuzz
		 * pieces themselves make it (also once cleaned).
		 */
		build_request(&req, flags, p, &hostb, &opath, OTHER);
		if (has_secret(req.data, req.len) ||
		    has_secret(opath.data, opath.len)) {
			buf_clear(&req);
			buf_clear(&hostb);
			buf_clear(&opath);
			return (0);
		}
		buf_reset(&req);
		buf_reset(&hostb);
		buf_reset(&opath);
		build_request(&req, flags, p, &hostb, &opath, SECRET);
	} else
		buf_add(&req, s, (size_t)(end - s));
	base64_encode_buf(&b64, req.data != NULL ? req.data : "", req.len);
	if (b64.data == NULL)
		buf_reserve(&b64, 1);

	store_init(&st, 1024);
	record_build_init(&rb);
	rb.ts_set = rb.exp_set = true;
	record_build_str(&rb, &st, RS_HOST, "up.example", 10);
	if (structured) {
		record_build_str(&rb, &st, RS_API_KEY, SECRET,
		    sizeof SECRET - 1);
		if (opath.len != 0)
			record_build_str(&rb, &st, RS_ORIGINAL_PATH,
			    opath.data, opath.len);
		record_build_tag(&rb, "key-" SECRET, sizeof SECRET + 3);
	}
	rb.req = b64.data;
	rb.req_len = b64.len;
	rb.payload_stable = true;
	store_add(&st, &rb, store_source_add(&st, "fuzz", STORE_SRC_FILE), 0);
	record_build_clear(&rb);
	r = store_get(&st, st.first);

	for (t = 0; t < 4; t++) {
		buf_reset(&out);
		curl_command(&out, &st, r, t & 1 ? NULL : &mk,
		    t & 2 ? CURL_UPSTREAM : CURL_GATEWAY);
		if (getenv("FUZZ_CURL_PRINT") != NULL)
			fwrite(out.data, 1, out.len, stderr);
		check_shell(out.data != NULL ? out.data : "", out.len);
		if (!structured)
			continue;
		if (!(t & 1) && has_secret(out.data, out.len))
			abort();	/* masked, yet SECRET shows */
		if ((t & 1) && !has_secret(out.data, out.len) &&
		    memmem(out.data, out.len, "# no raw_request", 16) == NULL)
			abort();	/* revealed, yet no SECRET */
		buf_reset(&out);
		curl_record_url(&out, &st, r, t & 1 ? NULL : &mk,
		    t & 2 ? CURL_UPSTREAM : CURL_GATEWAY);
		if (!(t & 1) && has_secret(out.data, out.len))
			abort();
	}
	if (structured) {
		check_views(&st, r, &mk);
		mask_tag(&tag, &mk, "key-" SECRET, sizeof SECRET + 3);
		if (has_secret(tag.data, tag.len))
			abort();
	}
	store_clear(&st);
	buf_clear(&req);
	buf_clear(&b64);
	buf_clear(&out);
	buf_clear(&hostb);
	buf_clear(&opath);
	buf_clear(&tag);
	return (0);
}
