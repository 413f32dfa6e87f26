/* SPDX-License-Identifier: ISC */
/*
 * Decode-chain benchmark (make bench; not part of make check).  Builds a
 * deterministic mix of payloads as the gateway records them (JSON
 * requests and responses, chunked requests, gzip responses, binary
 * bodies; about 1.5 KB of base64 each), then times, per payload:
 *
 *	scan	a byte loop over the base64 text (the floor: reading it)
 *	libb64	base64 decoding alone (libb64, after our alphabet check)
 *	chain	wire_decode: base64 -> http -> de-chunk -> inflate -> type
 *	view	chain plus the pretty, masked view the TUI draws
 *	search	wire_search of the response body (what body: filters cost)
 *
 * Medians of RUNS runs, in MB/s of base64 text and as a ratio to libb64
 * measured in the same run.  Usage: bench-wire [NPAYLOADS]
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <zlib.h>

#include "base64.h"
#include "mask.h"
#include "wire.h"
#include "wire-view.h"

#define RUNS	5

static uint64_t	 bench_x = 88172645463325252ULL;

static uint64_t
bench_rand(void)
{
	bench_x ^= bench_x << 13;
	bench_x ^= bench_x >> 7;
	bench_x ^= bench_x << 17;
	return (bench_x);
}

static double
bench_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec + (double)ts.tv_nsec / 1e9);
}

/* A JSON document of about n bytes. */
static void
bench_json(struct buf *b, size_t n)
{
	buf_adds(b, "{\"items\":[");
	while (b->len < n)
		buf_printf(b, "{\"id\":%u,\"sku\":\"SKU-%u\",\"qty\":%u,"
		    "\"price\":%u.%02u,\"ok\":true},", (unsigned)(bench_rand() %
		    100000), (unsigned)(bench_rand() % 9999),
		    (unsigned)(bench_rand() % 9), (unsigned)(bench_rand() % 500),
		    (unsigned)(bench_rand() % 100));
	b->len--;
	buf_adds(b, "],\"next\":null}");
}

/* One payload (raw HTTP) of kind k into b. */
static void
bench_payload(struct buf *b, int k)
{
	struct buf	 body;
	unsigned char	 z[65536];
	uLongf		 zlen = sizeof z;
	size_t		 i;

	buf_init(&body);
	switch (k) {
	case 0:		/* JSON request */
		bench_json(&body, 600);
		buf_printf(b, "POST /v1/orders HTTP/1.1\r\nHost: gw.example.com"
		    "\r\nUser-Agent: bench/1\r\nContent-Length: %zu\r\n"
		    "Authorization: Bearer 5f8b1c2d3e4f5a6b7c8d\r\n"
		    "Content-Type: application/json\r\n\r\n", body.len);
		buf_add(b, body.data, body.len);
		break;
	case 1:		/* chunked request */
		bench_json(&body, 900);
		buf_adds(b, "POST /v1/orders HTTP/1.1\r\nHost: gw.example.com\r\n"
		    "Transfer-Encoding: chunked\r\nContent-Type: "
		    "application/json\r\n\r\n");
		buf_printf(b, "%zx\r\n", body.len / 2);
		buf_add(b, body.data, body.len / 2);
		buf_printf(b, "\r\n%zx\r\n", body.len - body.len / 2);
		buf_add(b, body.data + body.len / 2, body.len - body.len / 2);
		buf_adds(b, "\r\n0\r\n\r\n");
		break;
	case 2:		/* gzip response */
		bench_json(&body, 3000);
		compress2(z, &zlen, (const Bytef *)body.data, body.len, 6);
		buf_printf(b, "HTTP/1.1 200 OK\r\nContent-Encoding: deflate\r\n"
		    "Content-Length: %lu\r\nContent-Type: application/json"
		    "\r\n\r\n", (unsigned long)zlen);
		buf_add(b, z, zlen);
		break;
	case 3:		/* binary response */
		buf_adds(b, "HTTP/1.1 200 OK\r\nContent-Length: 1024\r\n"
		    "Content-Type: image/png\r\n\r\n");
		for (i = 0; i < 1024; i++)
			buf_addc(b, (char)bench_rand());
		break;
	default:	/* JSON response */
		bench_json(&body, 1100);
		buf_printf(b, "HTTP/1.1 200 OK\r\nContent-Length: %zu\r\n"
		    "Content-Type: application/json\r\nServer: bench\r\n\r\n",
		    body.len);
		buf_add(b, body.data, body.len);
		break;
	}
	buf_clear(&body);
}

static int
bench_cmp(const void *a, const void *b)
{
	double	 x = *(const double *)a, y = *(const double *)b;

	return (x < y ? -1 : x > y);
}

static bool
bench_search_cb(void *arg, const char *s, size_t len)
{
	return (len != 0 && memchr(s, '#', len) != NULL);
}

int
main(int argc, char **argv)
{
	size_t			 n = argc > 1 ? strtoul(argv[1], NULL, 10) : 20000;
	struct buf		*p, raw, out;
	struct base64_result	 br;
	struct wire_msg		 m;
	struct wire_view	 v;
	struct mask		 mk = { NULL, 0, false };
	double			 t[5][RUNS], med[5], bytes = 0, t0;
	static const char *const names[] = { "scan", "libb64", "chain",
	    "view", "search" };
	volatile unsigned	 sink = 0;
	size_t			 i, j, r, k;

	p = calloc(n, sizeof *p);
	if (p == NULL)
		return (1);
	buf_init(&raw);
	buf_init(&out);
	for (i = 0; i < n; i++) {
		buf_reset(&raw);
		bench_payload(&raw, (int)(bench_rand() % 6));
		buf_init(&p[i]);
		base64_encode_buf(&p[i], raw.data, raw.len);
		bytes += (double)p[i].len;
	}
	for (r = 0; r < RUNS; r++) {
		t0 = bench_now();
		for (i = 0; i < n; i++)
			for (j = 0; j < p[i].len; j++)
				sink += (unsigned char)p[i].data[j];
		t[0][r] = bench_now() - t0;
		t0 = bench_now();
		for (i = 0; i < n; i++) {
			buf_reset(&out);
			base64_decode_buf(&out, p[i].data, p[i].len, &br);
			sink += (unsigned)out.len;
		}
		t[1][r] = bench_now() - t0;
		t0 = bench_now();
		for (i = 0; i < n; i++) {
			wire_init(&m);
			wire_decode(&m, p[i].data, p[i].len);
			sink += (unsigned)m.body.len;
			wire_clear(&m);
		}
		t[2][r] = bench_now() - t0;
		t0 = bench_now();
		wire_view_init(&v);
		for (i = 0; i < n; i++) {
			wire_init(&m);
			wire_decode(&m, p[i].data, p[i].len);
			wire_view_build(&v, &m, WIRE_VIEW_PRETTY, &mk);
			sink += (unsigned)v.nlines;
			wire_clear(&m);
		}
		wire_view_clear(&v);
		t[3][r] = bench_now() - t0;
		/* search: the body text through a callback, as a filter. */
		t0 = bench_now();
		for (i = 0; i < n; i++) {
			wire_init(&m);
			wire_decode(&m, p[i].data, p[i].len);
			sink += bench_search_cb(NULL, wire_body_text(&m).ptr,
			    wire_body_text(&m).len);
			wire_clear(&m);
		}
		t[4][r] = bench_now() - t0;
	}
	for (k = 0; k < 5; k++) {
		qsort(t[k], RUNS, sizeof t[k][0], bench_cmp);
		med[k] = t[k][RUNS / 2];
	}
	printf("bench-wire: %zu payloads, %.1f MB of base64, median of %d "
	    "runs\n", n, bytes / 1e6, RUNS);
	for (k = 0; k < 5; k++)
		printf("  %-7s %8.1f MB/s %8.0f ns/payload  %5.2fx libb64\n",
		    names[k], bytes / 1e6 / med[k], med[k] * 1e9 / (double)n,
		    med[1] / med[k]);
	for (i = 0; i < n; i++)
		buf_clear(&p[i]);
	free(p);
	buf_clear(&raw);
	buf_clear(&out);
	return (sink == 0xdeadbeef);
}
