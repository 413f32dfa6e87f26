/* SPDX-License-Identifier: ISC */
/*
 * The demo generator's random numbers: xorshift64* for the traffic, seeded
 * through splitmix64, which also makes the catalogue's fixed ids.  Small
 * and hot, so inline; the sequence is part of the demo's output contract
 * (goldens depend on it), so never change these.
 */
#ifndef DEMO_RNG_H
#define DEMO_RNG_H

#include <stddef.h>
#include <stdint.h>

struct demo_rng {
	uint64_t	 s;		/* never 0 */
};

/* splitmix64: the next value of the sequence in *x. */
static inline uint64_t
demo_rng_splitmix(uint64_t *x)
{
	uint64_t	 z = (*x += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return (z ^ (z >> 31));
}

/* Seed from a user seed. */
static inline void
demo_rng_seed(struct demo_rng *r, uint64_t seed)
{
	r->s = demo_rng_splitmix(&seed);
	if (r->s == 0)
		r->s = 1;
}

/* xorshift64*: the next 64 random bits. */
static inline uint64_t
demo_rng_next(struct demo_rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return (r->s * 0x2545f4914f6cdd1dULL);
}

/* A number in [0, n). */
static inline uint32_t
demo_rng_below(struct demo_rng *r, uint32_t n)
{
	return (n == 0 ? 0 : (uint32_t)((demo_rng_next(r) >> 32) % n));
}

/* A double in [0, 1). */
static inline double
demo_rng_unit(struct demo_rng *r)
{
	return ((double)(demo_rng_next(r) >> 11) *
	    (1.0 / 9007199254740992.0));
}

/* n lowercase hex digits (and a NUL) from the splitmix sequence in *x. */
static inline void
demo_rng_hex(uint64_t *x, char *out, size_t n)
{
	static const char	 digits[] = "0123456789abcdef";
	uint64_t		 v = 0;
	size_t			 i;

	for (i = 0; i < n; i++) {
		if (i % 16 == 0)
			v = demo_rng_splitmix(x);
		out[i] = digits[v & 0xf];
		v >>= 4;
	}
	out[n] = '\0';
}

#endif
