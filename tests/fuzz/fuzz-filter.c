/* SPDX-License-Identifier: ISC */
/*
 * Fuzz the filter compiler and matcher: any input either compiles (and is
 * then matched against a few records and described) or fails with a
 * message and a column; so does its @NAME expansion.  The column forms
 * (filter_match_at, one record of a store chunk, and filter_select_at, a
 * chunk at a time) must agree with filter_match on every record.  Also
 * checks that filter_token_append quotes any
 * value so that it compiles back to an exact match of that value.
 */
#include "config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "field.h"
#include "filter.h"
#include "record.h"
#include "store.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct store	 st;
static int		 ready;

/* A detailed record's request and (chunked, gzip) response. */
#define FUZZ_REQ \
    "UE9TVCAvdjEvb3JkZXJzLzQyIEhUVFAvMS4xDQpIb3N0OiBhcGkuZXhhbXBsZS5j" \
    "b20NClgtVHJhY2U6IGFiYzEyMw0KQ29udGVudC1UeXBlOiBhcHBsaWNhdGlvbi9q" \
    "c29uDQpDb250ZW50LUxlbmd0aDogMTINCg0KeyJhbW91bnQiOjV9"
#define FUZZ_RESP \
    "SFRUUC8xLjEgMjAwIE9LDQpUcmFuc2Zlci1FbmNvZGluZzogY2h1bmtlZA0KQ29u" \
    "dGVudC1FbmNvZGluZzogZ3ppcA0KU2V0LUNvb2tpZTogcz0xDQoNCjFmDQofiwgA" \
    "AAAAAAIDS05MO7xSISexpCQVAGnmcGgLAAAADQowDQoNCg=="

static void
fuzz_add(const char *path, const char *key, const char *ip, int code)
{
	struct record_build	 b;

	record_build_init(&b);
	b.ts_set = true;
	b.ts_sec = 1709200800;
	b.response_code = code;
	b.lat_total = code;
	record_build_str(&b, &st, RS_PATH, path, strlen(path));
	record_build_str(&b, &st, RS_API_KEY, key, strlen(key));
	record_build_str(&b, &st, RS_IP_ADDRESS, ip, strlen(ip));
	record_build_str(&b, &st, RS_METHOD, "GET", 3);
	record_build_tag(&b, "gold", 4);
	b.geo.iso_code = strtab_intern(&st.strs, "GB", 2);
	b.has_geo = true;
	if (code == 200) {
		b.req = FUZZ_REQ;
		b.req_len = strlen(FUZZ_REQ);
		b.resp = FUZZ_RESP;
		b.resp_len = strlen(FUZZ_RESP);
	}
	store_add(&st, &b, 0, 0);
	record_build_clear(&b);
}

/* A record whose numbers do not fit the narrow columns. */
static void
fuzz_add_wide(void)
{
	struct record_build	 b;

	record_build_init(&b);
	b.ts_set = true;
	b.ts_sec = 1709200860;
	b.response_code = 70000;
	b.lat_total = 5000000000LL;
	b.content_length = -7;
	record_build_str(&b, &st, RS_PATH, "/wide", 5);
	store_add(&st, &b, 0, 0);
	record_build_clear(&b);
}

static void
fuzz_setup(void)
{
	store_init(&st, 0);
	store_source_add(&st, "fuzz", STORE_SRC_FILE);
	fuzz_add("/v1/orders/42", "abc", "10.0.0.1", 200);
	fuzz_add("/caf\xc3\xa9", "", "2001:db8::1", 503);
	fuzz_add("\xff\xfe/x", "k\"q\\", "::ffff:1.2.3.4", -1);
	store_add_bad(&st, 0, 1, 0, "bad", "x", 1);
	fuzz_add_wide();
	ready = 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct filter			*f;
	const struct store_chunk	*c;
	struct buf			 b;
	char				*expr, *cause;
	uint64_t			 seq;
	uint32_t			 sel[8];
	size_t				 nsel, j;
	int				 col;
	bool				 yes;

	if (!ready)
		fuzz_setup();
	expr = malloc(size + 1);
	memcpy(expr, data, size);
	expr[size] = '\0';
	buf_init(&b);
	if (filter_compile(expr, 1709200800000000000LL, &f, &cause,
	    &col) == 0) {
		c = st.chunks[0];
		nsel = filter_select_at(f, &st, c, 0, c->n, sel);
		j = 0;
		for (seq = st.first; seq < st.next; seq++) {
			yes = filter_match(f, &st, store_get(&st, seq));
			if (filter_match_at(f, &st, c, (uint32_t)seq) != yes)
				abort();
			if (yes != (j < nsel && sel[j] == seq))
				abort();
			if (yes)
				j++;
		}
		if (j != nsel)
			abort();
		filter_describe(f, &b);
		filter_free(f);
	} else {
		if (cause == NULL || col < 1)
			abort();
		free(cause);
	}

	/* @NAME expansion: the result compiles or fails as any text. */
	{
		static char	 e0[] = "e=status:5xx", e1[] = "x=@e path:/a";
		static char	*saved[] = { e0, e1 };
		char		*x;

		x = filter_expand_saved(expr, saved, 2, &cause, &col);
		if (x == NULL) {
			if (cause == NULL)
				abort();
			free(cause);
		} else {
			if (filter_compile(x, 0, &f, &cause, &col) == 0)
				filter_free(f);
			else
				free(cause);
			free(x);
		}
	}

	/* Any value round-trips through filter_token_append. */
	buf_reset(&b);
	if (strlen(expr) < 1024) {
		filter_token_append(&b, field_get(FIELD_KEY), expr,
		    strlen(expr), false);
		buf_addc(&b, '\0');
		if (filter_compile(b.data, 0, &f, &cause, &col) != 0)
			abort();
		filter_free(f);
	}
	buf_clear(&b);
	free(expr);
	return (0);
}
