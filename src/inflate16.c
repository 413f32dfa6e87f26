/* SPDX-License-Identifier: ISC */
/*
 * inflate16: a table-driven DEFLATE decoder (RFC 1951) writing 16-bit
 * values, for inflating part of a stream whose window is not known yet.
 *
 * Bits are read LSB first through a 64-bit buffer, refilled eight bytes at
 * a time.  A Huffman code is decoded with one table lookup of its first
 * PRIMARY bits, and a second lookup in a subtable for longer codes (as
 * zlib's inflate_table).  An entry holds the symbol (or the subtable's
 * offset) in its high 16 bits, the bits to consume in its low 5, and
 * ENTRY_SUB for a link, with the subtable's index bits in bits 8-11.  An
 * entry of 0 is a code the table does not have.
 */
#include "config.h"

#include "inflate16.h"

#include <pthread.h>
#include <string.h>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#define LIT_BITS	10		/* primary index bits, literal/length */
#define DIST_BITS	8		/* primary index bits, distance */
#define MAX_BITS	15
#define NLIT		288
#define NDIST		32
#define ENTRY_SUB	0x20U
/* Largest tables: the primary one and a subtable per long code. */
#define LIT_SIZE	((1U << LIT_BITS) + NLIT * \
			    (1U << (MAX_BITS - LIT_BITS)))
#define DIST_SIZE	((1U << DIST_BITS) + NDIST * \
			    (1U << (MAX_BITS - DIST_BITS)))

struct br {
	const uint8_t	*in;
	const uint8_t	*p;
	const uint8_t	*end;
	uint64_t	 buf;
	unsigned	 cnt;		/* valid bits in buf */
	size_t		 over;		/* zero bytes added past the end */
	bool		 full;		/* a block did not fit in max */
};

struct tables {
	uint32_t	 lit[LIT_SIZE];
	uint32_t	 dist[DIST_SIZE];
};

static const uint16_t len_base[29] = {
	3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
	35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258
};
static const uint8_t len_extra[29] = {
	0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2,
	3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0
};
static const uint16_t dist_base[30] = {
	1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193,
	257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145,
	8193, 12289, 16385, 24577
};
static const uint8_t dist_extra[30] = {
	0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6,
	7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13
};
/* The order of the code length code's lengths in a header. */
static const uint8_t cl_order[19] = {
	16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15
};

static struct tables	 fixed;
static pthread_once_t	 fixed_once = PTHREAD_ONCE_INIT;

/* Start reading at bit. */
static void
br_init(struct br *b, const uint8_t *in, size_t len, uint64_t bit)
{
	b->in = in;
	b->p = in + bit / 8;
	b->end = in + len;
	b->buf = 0;
	b->cnt = 0;
	b->over = 0;
	b->full = false;
	if (bit / 8 >= len) {
		b->p = b->end;
		b->over = (size_t)(bit / 8 - len);
	}
	if (bit % 8 != 0) {
		if (b->p < b->end)
			b->buf = *b->p++ >> (bit % 8);
		else
			b->over++;
		b->cnt = 8 - (unsigned)(bit % 8);
	}
}

/* Have at least 56 bits in the buffer (zeros past the end, counted). */
static inline void
br_fill(struct br *b)
{
	uint64_t	 w;

	if (b->end - b->p >= 8) {
		memcpy(&w, b->p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
		w = __builtin_bswap64(w);
#endif
		b->buf |= w << b->cnt;
		b->p += (63 - b->cnt) >> 3;
		b->cnt |= 56;
		return;
	}
	while (b->cnt <= 56) {
		if (b->p < b->end)
			b->buf |= (uint64_t)*b->p++ << b->cnt;
		else
			b->over++;
		b->cnt += 8;
	}
}

static inline unsigned
br_take(struct br *b, unsigned n)
{
	unsigned	 v;

	v = (unsigned)(b->buf & ((1ULL << n) - 1));
	b->buf >>= n;
	b->cnt -= n;
	return (v);
}

/* The bit the reader is at. */
static uint64_t
br_pos(const struct br *b)
{
	return (((uint64_t)(b->p - b->in) + b->over) * 8 - b->cnt);
}

/* Has the reader gone past the end of the input? */
static bool
br_past(const struct br *b)
{
	return (br_pos(b) > (uint64_t)(b->end - b->in) * 8);
}

/* Reverse the low n bits of v. */
static inline unsigned
reverse(unsigned v, unsigned n)
{
	unsigned	 r = 0;

	while (n-- > 0) {
		r = (r << 1) | (v & 1);
		v >>= 1;
	}
	return (r);
}

/*
 * Build a decoding table of n lengths with primary index bits pbits into
 * tab (size entries).  Codes must be complete, except one code of one bit
 * when one_ok; no code at all is taken when none_ok (a distance code of a
 * block without copies).  Returns false for anything else.  A code longer
 * than pbits goes to the subtable of its first pbits bits, which has
 * 2^(MAX_BITS - pbits) entries.
 */
static bool
build(uint32_t *tab, size_t size, unsigned pbits, const uint8_t *lens,
    unsigned n, bool one_ok, bool none_ok)
{
	unsigned	 count[MAX_BITS + 1], next[MAX_BITS + 2];
	unsigned	 i, len, code, used, sub, idx, prefix;
	unsigned	 sbits = MAX_BITS - pbits;
	int		 left;

	memset(count, 0, sizeof count);
	for (i = 0; i < n; i++)
		count[lens[i]]++;
	count[0] = 0;
	left = 1;
	for (len = 1; len <= MAX_BITS; len++) {
		left <<= 1;
		left -= (int)count[len];
		if (left < 0)
			return (false);		/* oversubscribed */
	}
	memset(tab, 0, (sizeof *tab) << pbits);
	if (left == 1 << MAX_BITS)
		return (none_ok);		/* no codes */
	if (left > 0 && !(one_ok && count[1] == 1 && left == 1 <<
	    (MAX_BITS - 1)))
		return (false);			/* incomplete */

	next[1] = 0;
	for (len = 1; len <= MAX_BITS; len++)
		next[len + 1] = (next[len] + count[len]) << 1;
	used = 1U << pbits;
	for (i = 0; i < n; i++) {
		if ((len = lens[i]) == 0)
			continue;
		code = reverse(next[len]++, len);
		if (len <= pbits) {
			/* Every index whose low len bits are code. */
			for (idx = code; idx < 1U << pbits; idx += 1U << len)
				tab[idx] = (uint32_t)i << 16 | len;
			continue;
		}
		prefix = code & ((1U << pbits) - 1);
		if ((tab[prefix] & ENTRY_SUB) == 0) {
			if (used + (1U << sbits) > size)
				return (false);
			memset(tab + used, 0, (sizeof *tab) << sbits);
			tab[prefix] = (uint32_t)used << 16 | sbits << 8 |
			    ENTRY_SUB;
			used += 1U << sbits;
		}
		sub = tab[prefix] >> 16;
		for (idx = code >> pbits; idx < 1U << sbits;
		    idx += 1U << (len - pbits))
			tab[sub + idx] = (uint32_t)i << 16 | len;
	}
	return (true);
}

/* The fixed codes of BTYPE 01 (RFC 1951, 3.2.6). */
static void
fixed_init(void)
{
	uint8_t		 lens[NLIT];
	unsigned	 i;

	for (i = 0; i < 144; i++)
		lens[i] = 8;
	for (; i < 256; i++)
		lens[i] = 9;
	for (; i < 280; i++)
		lens[i] = 7;
	for (; i < NLIT; i++)
		lens[i] = 8;
	build(fixed.lit, LIT_SIZE, LIT_BITS, lens, NLIT, false, false);
	for (i = 0; i < NDIST; i++)
		lens[i] = 5;
	build(fixed.dist, DIST_SIZE, DIST_BITS, lens, NDIST, false, false);
}

/* Decode one symbol with tab (primary bits pbits); -1 for no code. */
static inline int
decode_sym(struct br *b, const uint32_t *tab, unsigned pbits)
{
	uint32_t	 e;

	e = tab[b->buf & ((1U << pbits) - 1)];
	if (e & ENTRY_SUB)
		e = tab[(e >> 16) + ((b->buf >> pbits) & ((1U <<
		    ((e >> 8) & 15)) - 1))];
	if ((e & 31) == 0)
		return (-1);
	b->buf >>= e & 31;
	b->cnt -= e & 31;
	return ((int)(e >> 16));
}

/*
 * Read a dynamic block's header (after its three bits) and build its
 * tables; zlib's checks.
 */
static bool
read_dynamic(struct br *b, struct tables *t)
{
	uint8_t		 cl[19], lens[NLIT + NDIST];
	uint32_t	 cltab[1U << 7];
	unsigned	 hlit, hdist, hclen, i, n, rep, val;
	int		 sym;

	br_fill(b);
	hlit = br_take(b, 5) + 257;
	hdist = br_take(b, 5) + 1;
	hclen = br_take(b, 4) + 4;
	if (hlit > 286 || hdist > 30)
		return (false);
	memset(cl, 0, sizeof cl);
	for (i = 0; i < hclen; i++) {
		if (i % 12 == 0)
			br_fill(b);
		cl[cl_order[i]] = (uint8_t)br_take(b, 3);
	}
	/* Seven bits index every code here: no subtables. */
	if (!build(cltab, 1U << 7, 7, cl, 19, false, false))
		return (false);
	n = 0;
	while (n < hlit + hdist) {
		br_fill(b);
		if ((sym = decode_sym(b, cltab, 7)) < 0)
			return (false);
		if (sym < 16) {
			lens[n++] = (uint8_t)sym;
			continue;
		}
		if (sym == 16) {
			if (n == 0)
				return (false);
			val = lens[n - 1];
			rep = 3 + br_take(b, 2);
		} else {
			val = 0;
			rep = sym == 17 ? 3 + br_take(b, 3) :
			    11 + br_take(b, 7);
		}
		if (n + rep > hlit + hdist)
			return (false);
		while (rep-- > 0)
			lens[n++] = (uint8_t)val;
	}
	if (br_past(b) || lens[256] == 0)
		return (false);
	return (build(t->lit, LIT_SIZE, LIT_BITS, lens, hlit, true, false) &&
	    build(t->dist, DIST_SIZE, DIST_BITS, lens + hlit, hdist, true,
	    true));
}

/*
 * Is there a plausible block header at bit: not the last block, dynamic
 * codes, and codes zlib would take?  Blocks of other kinds are never
 * looked for: a dynamic header is what can be told from noise.
 */
bool
inflate16_header(const uint8_t *in, size_t len, uint64_t bit)
{
	struct br	 b;
	struct tables	 t;

	if (bit / 8 + 4 > len)
		return (false);
	br_init(&b, in, len, bit);
	br_fill(&b);
	if (br_take(&b, 3) != 4)	/* BFINAL 0, BTYPE 10 */
		return (false);
	return (read_dynamic(&b, &t));
}

/*
 * The first bit in [from, to) where inflate16_header holds, or UINT64_MAX.
 * Most bits fail on their first 13 bits, read here without a table.
 */
uint64_t
inflate16_find(const uint8_t *in, size_t len, uint64_t from, uint64_t to)
{
	uint64_t	 bit, w;
	size_t		 i;

	if (to > (uint64_t)len * 8)
		to = (uint64_t)len * 8;
	for (bit = from; bit < to; bit++) {
		i = (size_t)(bit / 8);
		if (i + 4 > len)
			break;
		w = (uint64_t)in[i] | (uint64_t)in[i + 1] << 8 |
		    (uint64_t)in[i + 2] << 16 | (uint64_t)in[i + 3] << 24;
		w >>= bit % 8;
		/* BFINAL 0, BTYPE 10; HLIT <= 29; HDIST <= 29. */
		if ((w & 7) != 4 || ((w >> 3) & 31) > 29 ||
		    ((w >> 8) & 31) > 29)
			continue;
		if (inflate16_header(in, len, bit))
			return (bit);
	}
	return (UINT64_MAX);
}

/* Copy len values from dist back (into the window's marks before 0). */
static inline void
copy16(uint16_t *out, size_t pos, unsigned dist, unsigned len)
{
	uint16_t	*dst = out + pos;
	const uint16_t	*src;
	unsigned	 i;
	int64_t		 s;

	if (dist <= pos) {
		src = dst - dist;
		if (dist >= 4) {
			/* Four at a time; may write up to 3 past len. */
			for (i = 0; i < len; i += 4)
				memcpy(dst + i, src + i, 8);
		} else
			for (i = 0; i < len; i++)
				dst[i] = src[i];
		return;
	}
	for (i = 0; i < len; i++) {
		s = (int64_t)pos + i - dist;
		dst[i] = s >= 0 ? out[s] : (uint16_t)(INFLATE16_MARK +
		    INFLATE16_WINDOW + s);
	}
}

/* Inflate one Huffman-coded block with t into out from *pos. */
static bool
run_block(struct br *b, const struct tables *t, uint16_t *out, size_t *pos,
    size_t max)
{
	size_t		 p = *pos;
	int		 sym;
	unsigned	 len, dist, x;

	for (;;) {
		br_fill(b);
		if ((sym = decode_sym(b, t->lit, LIT_BITS)) < 0)
			return (false);
		if (sym < 256) {
			if (p >= max) {
				b->full = true;
				return (false);
			}
			out[p++] = (uint16_t)sym;
			continue;
		}
		if (sym == 256)
			break;
		if ((x = (unsigned)sym - 257) >= 29)
			return (false);
		len = len_base[x] + br_take(b, len_extra[x]);
		if ((sym = decode_sym(b, t->dist, DIST_BITS)) < 0 || sym >= 30)
			return (false);
		br_fill(b);
		dist = dist_base[sym] + br_take(b, dist_extra[sym]);
		if (p + len > max) {
			b->full = true;
			return (false);
		}
		copy16(out, p, dist, len);
		p += len;
		if (b->over > 8)
			return (false);
	}
	*pos = p;
	return (!br_past(b));
}

/* Copy a stored block into out from *pos. */
static bool
run_stored(struct br *b, uint16_t *out, size_t *pos, size_t max)
{
	uint64_t	 bit;
	size_t		 at, n, i;
	const uint8_t	*src;

	/* To the byte boundary, then LEN and NLEN. */
	bit = (br_pos(b) + 7) & ~(uint64_t)7;
	at = (size_t)(bit / 8);
	if (at + 4 > (size_t)(b->end - b->in))
		return (false);
	n = (size_t)b->in[at] | (size_t)b->in[at + 1] << 8;
	if ((n ^ ((size_t)b->in[at + 2] | (size_t)b->in[at + 3] << 8)) !=
	    0xffff)
		return (false);
	at += 4;
	if (n > (size_t)(b->end - b->in) - at)
		return (false);
	if (*pos + n > max) {
		b->full = true;
		return (false);
	}
	src = b->in + at;
	for (i = 0; i < n; i++)
		out[*pos + i] = src[i];
	*pos += n;
	br_init(b, b->in, (size_t)(b->end - b->in), (uint64_t)(at + n) * 8);
	return (true);
}

/*
 * Inflate in (len bytes) from bit, a block boundary, into out, until a
 * block ends with at least target values written (INFLATE16_OK) or the
 * last block ends (INFLATE16_FINAL).  out has room for max values plus
 * INFLATE16_SLACK: a block that would pass max ends the run before it
 * (INFLATE16_OK, with fewer than target values).  A stream this decoder
 * does not take, or a first block beyond max, is INFLATE16_BAD.  *outlen
 * is the values written, *endbit where the next block starts.  cancel,
 * when set, stops the run (BAD).
 */
enum inflate16_status
inflate16_run(const uint8_t *in, size_t len, uint64_t bit, size_t target,
    size_t max, uint16_t *out, size_t *outlen, uint64_t *endbit,
    atomic_bool *cancel)
{
	struct br	 b;
	struct tables	 t;
	size_t		 pos = 0;
	unsigned	 hdr;
	bool		 ok;

	pthread_once(&fixed_once, fixed_init);
	*outlen = 0;
	br_init(&b, in, len, bit);
	for (;;) {
		if (cancel != NULL && atomic_load_explicit(cancel,
		    memory_order_relaxed))
			return (INFLATE16_BAD);
		br_fill(&b);
		hdr = br_take(&b, 3);
		switch (hdr >> 1) {
		case 0:
			ok = run_stored(&b, out, &pos, max);
			break;
		case 1:
			ok = run_block(&b, &fixed, out, &pos, max);
			break;
		case 2:
			ok = read_dynamic(&b, &t) && run_block(&b, &t, out,
			    &pos, max);
			break;
		default:
			ok = false;
			break;
		}
		if (!ok || br_past(&b))
			return (b.full && !br_past(&b) && *outlen != 0 ?
			    INFLATE16_OK : INFLATE16_BAD);
		*outlen = pos;
		*endbit = br_pos(&b);
		if (hdr & 1)
			return (INFLATE16_FINAL);
		if (pos >= target)
			return (INFLATE16_OK);
	}
}

/* The table inflate16_apply looks values up in: bytes, then the window. */
void
inflate16_map(const uint8_t *window, uint8_t *map)
{
	size_t	 i;

	for (i = 0; i < INFLATE16_MARK; i++)
		map[i] = (uint8_t)i;
	memcpy(map + INFLATE16_MARK, window, INFLATE16_WINDOW);
}

/*
 * Turn n values into bytes through map (inflate16_map).  Most values are
 * bytes already: sixteen at a time are packed when none is a mark.
 */
void
inflate16_apply(const uint16_t *v, size_t n, const uint8_t *map,
    uint8_t *out)
{
	size_t		 i = 0, j;
#ifdef __SSE2__
	__m128i		 a, b;

	for (; i + 16 <= n; i += 16) {
		a = _mm_loadu_si128((const __m128i *)(const void *)(v + i));
		b = _mm_loadu_si128((const __m128i *)(const void *)(v + i + 8));
		if (_mm_movemask_epi8(_mm_cmpeq_epi16(_mm_srli_epi16(
		    _mm_or_si128(a, b), 8), _mm_setzero_si128())) == 0xffff)
			_mm_storeu_si128((__m128i *)(void *)(out + i),
			    _mm_packus_epi16(a, b));
		else
			for (j = i; j < i + 16; j++)
				out[j] = map[v[j]];
	}
#endif
	for (; i < n; i++)
		out[i] = map[v[i]];
}

/* Turn n values into bytes, window being the 32 KiB before the start. */
void
inflate16_resolve(const uint16_t *v, size_t n, const uint8_t *window,
    uint8_t *out)
{
	uint8_t		 map[INFLATE16_MARK + INFLATE16_WINDOW];

	inflate16_map(window, map);
	inflate16_apply(v, n, map, out);
}
