/* SPDX-License-Identifier: ISC */
/*
 * inflate16: DEFLATE from the middle of a stream, without its window.
 *
 * A gzip file is one DEFLATE stream: any block may copy from the 32 KiB
 * before it, so only the start is a place to begin inflating.  To inflate
 * a later part at once (gzstream's second core), this decoder starts at a
 * block boundary found by inflate16_find and writes 16-bit values: a
 * byte (0-255), or INFLATE16_MARK + i for byte i of the unknown 32 KiB
 * window before the start, as pugz does.  Once the bytes before the start
 * are known, inflate16_resolve turns the values into bytes.
 *
 * The decoder is strict (zlib's rules: complete codes, except a single
 * code of one bit; no distance or length code beyond the table), so that
 * anything it accepts a real inflater accepts as well; whatever it does
 * not like, the caller inflates the usual way.  A boundary found by
 * inflate16_find is only plausible: the caller proves it by inflating up
 * to it from a known place (gzstream lands on it exactly).
 */
#ifndef INFLATE16_H
#define INFLATE16_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define INFLATE16_WINDOW	32768U
#define INFLATE16_MARK		256U
/* Output values beyond max that a block may write (inflate16_run). */
#define INFLATE16_SLACK		(258U + 8U)

enum inflate16_status {
	INFLATE16_OK,		/* stopped at a block boundary */
	INFLATE16_FINAL,	/* the stream's last block ended */
	INFLATE16_BAD		/* not a stream this decoder takes */
};

bool		 inflate16_header(const uint8_t *, size_t, uint64_t);
uint64_t	 inflate16_find(const uint8_t *, size_t, uint64_t, uint64_t);
enum inflate16_status inflate16_run(const uint8_t *, size_t, uint64_t,
		    size_t, size_t, uint16_t *, size_t *, uint64_t *,
		    atomic_bool *);
void		 inflate16_map(const uint8_t *, uint8_t *);
void		 inflate16_apply(const uint16_t *, size_t, const uint8_t *,
		    uint8_t *);
void		 inflate16_resolve(const uint16_t *, size_t, const uint8_t *,
		    uint8_t *);

#endif
