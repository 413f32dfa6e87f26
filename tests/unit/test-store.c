/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "options.h"
#include "record.h"
#include "store.h"
#include "unit.h"

static uint64_t
add_simple(struct store *st, uint16_t src, int64_t sec, int code,
    const char *path)
{
	struct record_build	 b;
	uint64_t		 seq;

	record_build_init(&b);
	b.ts_set = b.exp_set = true;
	b.ts_sec = sec;
	b.ts_nsec = 5;
	b.exp_sec = sec + 3153600000LL;
	b.response_code = code;
	b.lat_total = 12;
	record_build_str(&b, st, RS_PATH, path, strlen(path));
	record_build_tag(&b, "key-abc", 7);
	record_build_tag(&b, "org-1", 5);
	seq = store_add(st, &b, src, 100 + sec);
	record_build_clear(&b);
	return (seq);
}

static void
test_record_size(void **state)
{
	assert_true(sizeof(struct record) <= 160);
}

static void
test_add_get(void **state)
{
	struct store		 st;
	uint16_t		 src;
	const struct record	*r;
	struct slice		 s, t;
	size_t			 off = 0;

	store_init(&st, 0);
	src = store_source_add(&st, "x.bson", STORE_SRC_FILE);
	add_simple(&st, src, 1700000000, 200, "/a");
	r = store_get(&st, 0);
	assert_non_null(r);
	assert_int_equal(record_ts_sec(&st, r), 1700000000);
	assert_int_equal(record_ts_nsec(&st, r), 5);
	/* 100 years ahead does not fit a narrow field? It does (ns). */
	assert_int_equal(record_exp_sec(&st, r), 1700000000 + 3153600000LL);
	assert_int_equal(record_response_code(&st, r), 200);
	s = record_strs(&st, r, RS_PATH);
	assert_int_equal(s.len, 2);
	s = record_strs(&st, r, RS_TAGS);
	assert_true(record_list_next(s, &off, &t));
	assert_int_equal(t.len, 7);
	assert_true(record_list_next(s, &off, &t));
	assert_memory_equal(t.ptr, "org-1", 5);
	assert_false(record_list_next(s, &off, &t));
	assert_string_equal(store_source_name(&st, r), "x.bson");
	assert_int_equal(REC_POS_OFFSET(r->pos), 100 + 1700000000);
	store_clear(&st);
}

static void
test_wide_values(void **state)
{
	struct store		 st;
	struct record_build	 b;
	const struct record	*r;

	store_init(&st, 0);
	store_source_add(&st, "s", STORE_SRC_FILE);
	record_build_init(&b);
	b.ts_set = true;	/* zero time: year 1 does not fit ns */
	b.ts_sec = REC_GO_ZERO_SEC;
	b.lat_total = 5000000000LL;
	b.content_length = -7;
	b.response_code = 70000;
	store_add(&st, &b, 0, 0);
	record_build_clear(&b);
	r = store_get(&st, 0);
	assert_true(r->flags & REC_WIDE);
	assert_true(r->flags & REC_TS_ZERO);
	assert_true(r->flags & REC_EXP_ZERO);
	assert_int_equal(record_ts_sec(&st, r), REC_GO_ZERO_SEC);
	assert_int_equal(record_lat_total(&st, r), 5000000000LL);
	assert_int_equal(record_content_length(&st, r), -7);
	assert_int_equal(record_response_code(&st, r), 70000);

	/* A zero time alone costs no extra block. */
	record_build_init(&b);
	b.lat_total = 7;
	store_add(&st, &b, 0, 1);
	record_build_clear(&b);
	r = store_get(&st, 1);
	assert_false(r->flags & (REC_WIDE | REC_EXTRA));
	assert_true(r->flags & REC_TS_ZERO);
	assert_int_equal(record_ts_sec(&st, r), REC_GO_ZERO_SEC);
	assert_int_equal(record_ts_nsec(&st, r), 0);
	assert_int_equal(record_exp_sec(&st, r), REC_GO_ZERO_SEC);
	assert_int_equal(record_lat_total(&st, r), 7);
	store_clear(&st);
}

static void
test_eviction(void **state)
{
	struct store		 st;
	uint64_t		 i;
	const struct record	*r;

	store_init(&st, 1000);
	store_source_add(&st, "s", STORE_SRC_FILE);
	for (i = 0; i < 5000; i++) {
		if (i % 7 == 0)
			store_add_bad(&st, 0, i, (int64_t)i * 1000000000,
			    "broken", "\x01\x02", 2);
		else
			add_simple(&st, 0, 1700000000 + (int64_t)i, 200, "/p");
	}
	/* Exactly the oldest beyond the limit are gone, and counted. */
	assert_int_equal(store_count(&st), 1000);
	assert_int_equal(st.evicted, 4000);
	assert_int_equal(st.first, 4000);
	/* Memory: the held chunks cover the limit and at most one more. */
	assert_true(st.nchunks <= 1000 / (1U << st.chunk_shift) + 2);
	assert_null(store_get(&st, st.first - 1));
	for (i = st.first; i < st.next; i++) {
		r = store_get(&st, i);
		assert_non_null(r);
		if (i % 7 == 0) {
			assert_true(r->flags & REC_BAD);
			assert_non_null(record_extra(&st, r));
			assert_int_equal(record_extra(&st, r)->bad_raw_len, 2);
		} else
			assert_int_equal(record_ts_sec(&st, r),
			    1700000000 + (int64_t)i);
	}
	store_clear(&st);
}

/* Every add beyond the limit evicts one record, from the first one on. */
static void
test_eviction_exact(void **state)
{
	struct store		 st;
	uint64_t		 i, gen;
	const struct record	*r;

	store_init(&st, 100);
	store_source_add(&st, "s", STORE_SRC_FILE);
	for (i = 0; i < 100; i++)
		add_simple(&st, 0, 1700000000 + (int64_t)i, 200, "/p");
	assert_int_equal(st.evicted, 0);
	gen = st.generation;
	for (i = 100; i < 1000; i++) {
		add_simple(&st, 0, 1700000000 + (int64_t)i, 200, "/p");
		assert_int_equal(store_count(&st), 100);
		assert_int_equal(st.evicted, i - 99);
		assert_int_equal(st.first, i - 99);
		assert_true(st.generation > gen);
		gen = st.generation;
		assert_null(store_get(&st, st.first - 1));
		r = store_get(&st, st.first);
		assert_non_null(r);
		assert_int_equal(record_ts_sec(&st, r),
		    1700000000 + (int64_t)st.first);
	}
	store_clear(&st);
}

/* A limit set later evicts down to it at once; 0 lifts it. */
static void
test_limit_later(void **state)
{
	struct store	 st;
	uint64_t	 i;

	store_init(&st, 0);
	store_source_add(&st, "s", STORE_SRC_FILE);
	for (i = 0; i < 200000; i++)
		add_simple(&st, 0, 1700000000 + (int64_t)i, 200, "/p");
	assert_int_equal(store_count(&st), 200000);
	assert_int_equal(st.evicted, 0);
	store_limit(&st, 70000);
	assert_int_equal(store_count(&st), 70000);
	assert_int_equal(st.evicted, 130000);
	assert_int_equal(st.first, 130000);
	/* Fully evicted chunks are freed. */
	assert_int_equal(st.nchunks, (199999 >> st.chunk_shift) -
	    (130000 >> st.chunk_shift) + 1);
	assert_int_equal(record_ts_sec(&st, store_get(&st, 130000)),
	    1700000000 + 130000);
	store_limit(&st, 0);
	for (i = 200000; i < 300000; i++)
		add_simple(&st, 0, 1700000000 + (int64_t)i, 200, "/p");
	assert_int_equal(store_count(&st), 170000);
	assert_int_equal(st.evicted, 130000);

	/* Before any record the limit also sets the chunk size. */
	store_clear(&st);
	store_init(&st, 0);
	assert_int_equal(st.chunk_shift, STORE_CHUNK_SHIFT_MAX);
	store_limit(&st, 1000);
	assert_int_equal(st.chunk_shift, STORE_CHUNK_SHIFT_MIN);
	store_clear(&st);
}

/* Offline sources keep everything unless --max-records is given. */
static void
test_limit_policy(void **state)
{
	struct options	 o;
	char		*cause;
	char		 p0[] = "tykscope", p1[] = "x.bson";
	char		 m0[] = "--max-records", m1[] = "500";
	char		*a1[] = { p0, p1, NULL };
	char		*a2[] = { p0, m0, m1, p1, NULL };

	setenv("TYKSCOPE_CONFIG", "/dev/null", 1);
	assert_int_equal(options_parse(&o, 2, a1, &cause), 0);
	assert_int_equal(options_record_limit(&o, false), 0);
	assert_int_equal(options_record_limit(&o, true), 1000000);
	options_clear(&o);
	assert_int_equal(options_parse(&o, 4, a2, &cause), 0);
	assert_int_equal(options_record_limit(&o, false), 500);
	assert_int_equal(options_record_limit(&o, true), 500);
	options_clear(&o);
}

/*
 * Columns: every field of a record comes back as it was added, whether
 * it is a column of its own or a slot of a shared id tuple, and records
 * that share an API or a key share one tuple.
 */
static void
test_columns_round_trip(void **state)
{
	struct store		 st;
	struct record_build	 b;
	struct record		 r, r2;
	char			 t[32];
	uint32_t		 want[RS_COUNT];
	int			 k, n;
	uint64_t		 i;

	store_init(&st, 0);
	store_source_add(&st, "s", STORE_SRC_FILE);
	for (i = 0; i < 3000; i++) {
		record_build_init(&b);
		b.ts_set = b.exp_set = true;
		b.ts_sec = 1700000000 + (int64_t)i;
		b.exp_sec = b.ts_sec + 60;
		b.response_code = 200 + (int)(i % 300);
		b.lat_total = (int64_t)i;
		b.lat_upstream = (int64_t)i / 2;
		b.lat_gateway = (int64_t)i / 3;
		b.request_time = (int64_t)i + 1;
		b.content_length = (int64_t)i * 7;
		b.year = 2023;
		b.month = 11;
		b.day = 14;
		b.hour = (int)(i % 24);
		for (k = 0; k < RS_TAGS; k++) {
			/* API fields repeat every 10, the rest vary. */
			n = snprintf(t, sizeof t, "%d-%llu", k,
			    (unsigned long long)(k == RS_API_ID ||
			    k == RS_API_NAME || k == RS_API_VERSION ||
			    k == RS_ORG_ID || k == RS_LISTEN_PATH ? i % 10 :
			    i));
			record_build_str(&b, &st, (enum record_str)k, t,
			    (size_t)n);
		}
		record_build_tag(&b, "tag", 3);
		store_add(&st, &b, 0, i);
		record_build_clear(&b);
	}
	assert_int_equal(st.api_tuples.count, 1 + 10);
	for (i = 0; i < 3000; i++) {
		memset(&r, 0, sizeof r);	/* padding too, for the compare */
		assert_true(store_read(&st, i, &r));
		assert_int_equal(record_ts_sec(&st, &r), 1700000000 + (int64_t)i);
		assert_int_equal(record_exp_sec(&st, &r),
		    1700000000 + (int64_t)i + 60);
		assert_int_equal(r.response_code, 200 + (int)(i % 300));
		assert_int_equal(r.lat_total, (int32_t)i);
		assert_int_equal(r.lat_upstream, (int32_t)i / 2);
		assert_int_equal(r.lat_gateway, (int32_t)i / 3);
		assert_int_equal(r.request_time, (int32_t)i + 1);
		assert_int_equal(r.content_length, (int32_t)i * 7);
		assert_int_equal(record_hour(&r), (int)(i % 24));
		assert_int_equal(REC_POS_OFFSET(r.pos), i);
		for (k = 0; k < RS_TAGS; k++) {
			n = snprintf(t, sizeof t, "%d-%llu", k,
			    (unsigned long long)(k == RS_API_ID ||
			    k == RS_API_NAME || k == RS_API_VERSION ||
			    k == RS_ORG_ID || k == RS_LISTEN_PATH ? i % 10 :
			    i));
			want[k] = strtab_find(&st.strs, t, (size_t)n);
			assert_int_not_equal(want[k], 0);
			assert_int_equal(r.str[k], want[k]);
		}
		assert_int_not_equal(r.str[RS_TAGS], 0);
		/* store_get gives the same value. */
		memcpy(&r2, store_get(&st, i), sizeof r2);
		assert_memory_equal(&r, &r2, sizeof r);
	}
	assert_false(store_read(&st, 3000, &r));
	store_clear(&st);
}

static void
test_payload_reference_and_copy(void **state)
{
	struct store		 st;
	struct record_build	 b;
	const struct record	*r;
	static const char	 mapped[] = "REQ....RESP";
	char			 volatile_buf[8];
	struct slice		 s;

	store_init(&st, 0);
	store_source_add(&st, "s", STORE_SRC_FILE);
	record_build_init(&b);
	b.req = mapped;
	b.req_len = 3;
	b.resp = mapped + 7;
	b.resp_len = 4;
	b.payload_stable = true;
	store_add(&st, &b, 0, 0);
	r = store_get(&st, 0);
	assert_ptr_equal(r->payload, mapped);	/* not copied */
	s = record_raw_response(r);
	assert_int_equal(s.len, 4);
	assert_memory_equal(s.ptr, "RESP", 4);

	record_build_reset(&b);
	memcpy(volatile_buf, "abcdefg", 8);
	b.req = volatile_buf;
	b.req_len = 3;
	b.resp = volatile_buf + 4;
	b.resp_len = 3;
	store_add(&st, &b, 0, 1);
	memset(volatile_buf, 0, sizeof volatile_buf);
	r = store_get(&st, 1);
	s = record_raw_request(r);
	assert_memory_equal(s.ptr, "abc", 3);
	s = record_raw_response(r);
	assert_memory_equal(s.ptr, "efg", 3);
	record_build_clear(&b);
	store_clear(&st);
}

/*
 * More sources than ids (a dump or archive with very many collections):
 * the extra ones share the last id, counted and reported; never an abort.
 */
static void
test_many_sources(void **state)
{
	struct store		 st;
	const struct record	*r;
	char			 name[32];
	uint16_t		 src = 0;
	unsigned		 i;

	store_init(&st, 0);
	for (i = 0; i < STORE_MAX_SOURCES + 10; i++) {
		snprintf(name, sizeof name, "db.c%u", i);
		src = store_source_add(&st, name, STORE_SRC_COLLECTION);
		if (i < STORE_MAX_SOURCES - 1)
			assert_int_equal(src, i);
		else
			assert_int_equal(src, STORE_MAX_SOURCES - 1);
	}
	assert_int_equal(st.nsources, STORE_MAX_SOURCES);
	assert_string_equal(st.sources[STORE_MAX_SOURCES - 2].name,
	    "db.c65533");
	add_simple(&st, src, 1700000000, 200, "/a");
	store_add_bad(&st, src, 7, -1, "bad", "x", 1);
	r = store_get(&st, 0);
	assert_int_equal(REC_POS_SOURCE(r->pos), STORE_MAX_SOURCES - 1);
	assert_string_equal(store_source_name(&st, r),
	    "(sources over the limit)");
	assert_int_equal(st.sources[src].records, 1);
	assert_int_equal(st.sources[src].bad, 1);
	assert_non_null(st.sources[src].damage);
	assert_non_null(strstr(st.sources[src].damage, "last 11 are grouped"));
	store_clear(&st);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_record_size),
	cmocka_unit_test(test_add_get),
	cmocka_unit_test(test_wide_values),
	cmocka_unit_test(test_eviction),
	cmocka_unit_test(test_eviction_exact),
	cmocka_unit_test(test_limit_later),
	cmocka_unit_test(test_limit_policy),
	cmocka_unit_test(test_columns_round_trip),
	cmocka_unit_test(test_payload_reference_and_copy),
	cmocka_unit_test(test_many_sources),
};
UNIT_MAIN(tests)
