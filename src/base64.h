/* SPDX-License-Identifier: ISC */
/*
 * Base64 decoding of raw_request/raw_response (tyk-formats.md 3.2, 3.3):
 * RFC 4648 standard alphabet with '=' padding and no line breaks, as Go's
 * base64.StdEncoding writes it.  A thin wrapper over libb64's decoder that
 * adds what libb64 lacks: the input is checked first (libb64 silently skips
 * any character outside the alphabet), lengths are explicit (no NUL is
 * assumed or written), and the caller learns where decoding stopped.
 *
 * The pump may cut the base64 text anywhere (max_record_size), so an input
 * whose length is not a multiple of 4 decodes its longest valid prefix and
 * is reported as truncated; that is not an error.
 */
#ifndef BASE64_H
#define BASE64_H

#include <stdbool.h>
#include <stddef.h>

#include "bytes.h"

struct base64_result {
	size_t		 len;		/* bytes written to the output */
	size_t		 used;		/* input characters turned into bytes */
	bool		 truncated;	/* input ended inside a quantum */
	bool		 invalid;	/* a character outside the alphabet */
	size_t		 error_off;	/* offset of that character */
	char		 error[64];	/* what stopped decoding, or "" */
};

size_t	 base64_decoded_max(size_t);
int	 base64_decode(const char *, size_t, char *, size_t,
	    struct base64_result *);
int	 base64_decode_buf(struct buf *, const char *, size_t,
	    struct base64_result *);
void	 base64_encode_buf(struct buf *, const void *, size_t);
void	 base64_encode_nopad(struct buf *, const void *, size_t);

#endif
