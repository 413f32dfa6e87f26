/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "strtab.h"
#include "unit.h"

static void
test_empty_is_zero(void **state)
{
	struct strtab	 st;

	strtab_init(&st);
	assert_int_equal(strtab_intern(&st, "", 0), 0);
	assert_int_equal(strtab_len(&st, 0), 0);
	assert_string_equal(strtab_str(&st, 0), "");
	strtab_clear(&st);
}

static void
test_dedup_and_binary(void **state)
{
	struct strtab	 st;
	uint32_t	 a, b, c;
	struct slice	 s;

	strtab_init(&st);
	a = strtab_intern(&st, "GET", 3);
	b = strtab_intern(&st, "GET", 3);
	c = strtab_intern(&st, "a\0b", 3);
	assert_int_equal(a, b);
	assert_int_not_equal(a, c);
	s = strtab_get(&st, c);
	assert_int_equal(s.len, 3);
	assert_memory_equal(s.ptr, "a\0b", 3);
	assert_int_equal(strtab_find(&st, "GET", 3), a);
	assert_int_equal(strtab_find(&st, "PUT", 3), UINT32_MAX);
	strtab_clear(&st);
}

static void
test_many_and_large(void **state)
{
	struct strtab	 st;
	char		 tmp[32], *big;
	uint32_t	 i, id, ids[20000];

	strtab_init(&st);
	for (i = 0; i < 20000; i++) {
		snprintf(tmp, sizeof tmp, "/path/%u", i);
		ids[i] = strtab_intern(&st, tmp, strlen(tmp));
		assert_int_equal(ids[i], i + 1);
	}
	for (i = 0; i < 20000; i++) {
		snprintf(tmp, sizeof tmp, "/path/%u", i);
		assert_int_equal(strtab_intern(&st, tmp, strlen(tmp)), ids[i]);
		assert_string_equal(strtab_str(&st, ids[i]), tmp);
	}
	/* A string larger than a chunk gets its own chunk. */
	big = malloc(3 * 1024 * 1024);
	memset(big, 'x', 3 * 1024 * 1024);
	id = strtab_intern(&st, big, 3 * 1024 * 1024);
	assert_int_equal(strtab_len(&st, id), 3 * 1024 * 1024);
	assert_memory_equal(strtab_str(&st, id), big, 3 * 1024 * 1024);
	/* And smaller strings still go to the shared chunk afterwards. */
	assert_int_equal(strtab_intern(&st, "/path/7", 7), ids[7]);
	free(big);
	strtab_clear(&st);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_empty_is_zero),
	cmocka_unit_test(test_dedup_and_binary),
	cmocka_unit_test(test_many_and_large),
};
UNIT_MAIN(tests)
