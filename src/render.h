/* SPDX-License-Identifier: ISC */
/*
 * Terminal-safe rendering of untrusted bytes.  Every path that puts record
 * data on a screen or into human-readable output goes through here, so that
 * nothing a record contains can move the cursor, change colours, set the
 * title or write the clipboard.
 */
#ifndef RENDER_H
#define RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bytes.h"

#define RENDER_NEWLINES	0x1	/* keep \n (multi-line views) */
#define RENDER_TABS	0x2	/* expand \t to spaces (else shown as \t) */

void	 render_safe(struct buf *, const char *, size_t, int);
size_t	 render_width(const char *, size_t);
size_t	 render_fit(const char *, size_t, size_t, size_t *);
void	 render_truncate(struct buf *, const char *, size_t, size_t,
	    const char *);
bool	 render_valid_utf8(const char *, size_t);
bool	 render_cp_safe(uint32_t);

#endif
