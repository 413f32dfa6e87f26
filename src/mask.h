/* SPDX-License-Identifier: ISC */
/*
 * Secret masking for every human-facing rendering (table, curl,
 * raw-request/raw-response, the TUI): credential headers, credentials in
 * query strings, URL userinfo and form bodies, the api_key field and the
 * gateway's key-<api key> tag.  Machine output
 * (jsonl, tsv) never masks.  A struct mask says what to mask; a NULL mask
 * or one with reveal set masks nothing.
 */
#ifndef MASK_H
#define MASK_H

#include <stdbool.h>
#include <stddef.h>

#include "bytes.h"

struct options;

struct mask {
	char	**headers;	/* extra header names, borrowed */
	size_t	  nheaders;
	bool	  reveal;	/* mask nothing */
};

#define MASK_TEXT	"****"
#define MASK_DIGEST_LEN	12	/* hex digits of mask_key_digest */

void	 mask_init(struct mask *, const struct options *);
bool	 mask_active(const struct mask *);
bool	 mask_is_header(const struct mask *, const char *, size_t);
bool	 mask_is_param(const char *, size_t);
void	 mask_header_value(struct buf *, const struct mask *, const char *,
	    size_t, const char *, size_t);
void	 mask_target(struct buf *, const struct mask *, const char *, size_t);
size_t	 mask_scheme_len(const char *, size_t);
void	 mask_tag(struct buf *, const struct mask *, const char *, size_t);
bool	 mask_is_form(const char *, size_t);
void	 mask_text(struct buf *, const struct mask *, const char *, size_t);
void	 mask_params(struct buf *, const struct mask *, const char *, size_t);
void	 mask_key(struct buf *, const char *, size_t);
void	 mask_key_digest(struct buf *, const char *, size_t);

#endif
