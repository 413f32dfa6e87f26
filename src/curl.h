/* SPDX-License-Identifier: ISC */
/*
 * Copy as curl: rebuild a record's request as one curl command line
 * (product.md 4, ux.md 5.1).  The command is text for a person to read,
 * copy and run; tykscope never executes it.  Everything in it is quoted
 * for the shell and safe to print on a terminal: arguments with control or
 * non-ASCII bytes use bash's $'...' quoting with \xNN escapes, and a body
 * that is not plain text is fed through printf with octal escapes.
 */
#ifndef CURL_H
#define CURL_H

#include <stdbool.h>

#include "bytes.h"

struct mask;
struct record;
struct store;

enum curl_target {
	CURL_GATEWAY,		/* Host header + original_path + query */
	CURL_UPSTREAM		/* record host + request target */
};

int	 curl_command(struct buf *, const struct store *,
	    const struct record *, const struct mask *, enum curl_target);
void	 curl_record_url(struct buf *, const struct store *,
	    const struct record *, const struct mask *, enum curl_target);
void	 curl_quote(struct buf *, const char *, size_t);

#endif
