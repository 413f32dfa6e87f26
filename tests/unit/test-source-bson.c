/* SPDX-License-Identifier: ISC */
/*
 * The dumped-BSON stream reader through its API: polling a few documents
 * at a time, progress, positions, archives, gzip, damage and resync.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <bson/bson.h>
#include <zlib.h>

#include "payload.h"
#include "record.h"
#include "source-bson.h"
#include "store.h"
#include "unit.h"

static uint8_t	*put_space(uint8_t **, size_t *, size_t);
static void	 put_doc(uint8_t **, size_t *, const bson_t *);

/* A small record document with response code code. */
static void
rec_doc(bson_t *b, int code, int64_t ms)
{
	bson_init(b);
	BSON_APPEND_UTF8(b, "method", "GET");
	BSON_APPEND_UTF8(b, "path", "/p");
	BSON_APPEND_INT32(b, "responsecode", code);
	BSON_APPEND_DATE_TIME(b, "timestamp", ms);
	BSON_APPEND_UTF8(b, "rawrequest", "UkVR");
	BSON_APPEND_UTF8(b, "rawresponse", "UkVTUA==");
}

/* n records concatenated; *offs gets each document's offset. */
static uint8_t *
rec_file(int n, size_t *len, size_t *offs)
{
	uint8_t	*p = NULL;
	bson_t	 b;
	int	 i;

	*len = 0;
	for (i = 0; i < n; i++) {
		rec_doc(&b, 200 + i, 1704164645000LL + i);
		p = realloc(p, *len + b.len);
		memcpy(p + *len, bson_get_data(&b), b.len);
		offs[i] = *len;
		*len += b.len;
		bson_destroy(&b);
	}
	return (p);
}

/* Read everything, polling two documents at a time. */
static int
read_all(struct store *st, const uint8_t *p, size_t len, bool gz,
    bool archive)
{
	struct source_bson	*rd;
	enum source_status	 ss;
	uint64_t		 done, total, last = 0;
	int			 polls = 0;

	rd = source_bson_create(st, "t.bson", p, len,
	    SOURCE_BSON_MAP_BORROWED, gz, archive, true);
	do {
		ss = source_bson_poll(rd, st, 2);
		source_bson_progress(rd, &done, &total);
		assert_int_equal(total, len);
		assert_true(done >= last && done <= total);
		last = done;
		polls++;
	} while (ss == SOURCE_MORE);
	assert_int_equal(ss, SOURCE_EOF);
	assert_int_equal(last, len);
	source_bson_free(rd);
	return (polls);
}

static void
test_plain(void **state)
{
	struct store		 st;
	const struct record	*r;
	struct slice		 s;
	size_t			 len, offs[7];
	uint8_t			*p;
	int			 i;

	p = rec_file(7, &len, offs);
	store_init(&st, 0);
	assert_true(read_all(&st, p, len, false, false) >= 4);
	assert_int_equal(store_count(&st), 7);
	for (i = 0; i < 7; i++) {
		r = store_get(&st, (uint64_t)i);
		assert_int_equal(record_response_code(&st, r), 200 + i);
		assert_int_equal(REC_POS_OFFSET(r->pos), offs[i]);
		/* Zero copy: the payload points into the input. */
		s = record_raw_request(r);
		assert_true(s.ptr > (const char *)p &&
		    s.ptr < (const char *)p + len);
	}
	assert_null(st.sources[0].damage);
	store_clear(&st);
	free(p);
}

static void
test_gzip(void **state)
{
	struct store	 st;
	struct payload	 pl;
	const struct record *r;
	int		 i;
	size_t		 len, offs[5];
	uLongf		 zlen;
	uint8_t		*p, *z;
	z_stream	 zs;

	p = rec_file(5, &len, offs);
	zlen = compressBound(len) + 64;
	z = malloc(zlen);
	memset(&zs, 0, sizeof zs);
	assert_int_equal(deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8,
	    Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = p;
	zs.avail_in = (uInt)len;
	zs.next_out = z;
	zs.avail_out = (uInt)zlen;
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	zlen = zs.total_out;
	deflateEnd(&zs);
	store_init(&st, 0);
	read_all(&st, z, zlen, true, false);
	assert_int_equal(store_count(&st), 5);
	assert_int_equal(REC_POS_OFFSET(store_get(&st, 4)->pos), offs[4]);
	assert_null(st.sources[0].damage);
	/* Payloads by reference, read back through the gzip index. */
	payload_init(&pl);
	for (i = 0; i < 5; i++) {
		r = store_get(&st, (uint64_t)i);
		assert_true(r->flags & REC_PAYREF);
		assert_null(r->payload);
		assert_int_equal(payload_get(&pl, &st, r), 0);
		assert_int_equal(pl.req.len, 4);
		assert_memory_equal(pl.req.ptr, "UkVR", 4);
		assert_int_equal(pl.resp.len, 8);
		assert_memory_equal(pl.resp.ptr, "UkVTUA==", 8);
	}
	payload_clear(&pl);
	store_clear(&st);
	/* Cut short: the documents before the cut are read. */
	store_init(&st, 0);
	read_all(&st, z, zlen - 20, true, false);
	assert_true(store_count(&st) >= 4);
	assert_non_null(st.sources[0].damage);
	assert_non_null(strstr(st.sources[0].damage, "cut short"));
	store_clear(&st);
	free(z);
	free(p);
}

static void
test_damage(void **state)
{
	struct store	 st;
	size_t		 len, offs[6];
	uint8_t		*p, *g;
	const struct record *r;

	p = rec_file(6, &len, offs);
	/* 50 bytes of garbage before the fourth document. */
	g = malloc(len + 50);
	memcpy(g, p, offs[3]);
	memset(g + offs[3], 0xee, 50);
	memcpy(g + offs[3] + 50, p + offs[3], len - offs[3]);
	store_init(&st, 0);
	read_all(&st, g, len + 50, false, false);
	assert_int_equal(store_count(&st), 7);	/* 6 records, 1 bad */
	assert_int_equal(st.nbad, 1);
	r = store_get(&st, 3);
	assert_true(r->flags & REC_BAD);
	assert_int_equal(REC_POS_OFFSET(r->pos), offs[3]);
	r = store_get(&st, 4);
	assert_int_equal(REC_POS_OFFSET(r->pos), offs[3] + 50);
	assert_int_equal(record_response_code(&st, r), 203);
	assert_non_null(strstr(st.sources[0].damage, "50 bytes skipped"));
	store_clear(&st);
	/* Truncated: the last document is a bad record. */
	store_init(&st, 0);
	read_all(&st, p, len - 9, false, false);
	assert_int_equal(store_count(&st), 6);
	assert_true(store_get(&st, 5)->flags & REC_BAD);
	assert_non_null(strstr(st.sources[0].damage, "truncated"));
	store_clear(&st);
	/* Not a single plausible document: all bytes are one bad record. */
	store_init(&st, 0);
	read_all(&st, g + offs[3], 50, false, false);
	assert_int_equal(store_count(&st), 1);
	assert_int_equal(st.nbad, 1);
	store_clear(&st);
	free(g);
	free(p);
}

/*
 * A record, then a document with a damaged length whose every element's
 * int32 value reads as the length of a candidate document running to the
 * end of the damaged one (so each candidate's structure check walks all
 * the elements after it), then two records.  With fail, the last element
 * is cut, so every candidate fails its check at the very end.
 */
static uint8_t *
crafted_file(size_t size, bool fail, size_t *len)
{
	uint8_t		*p = NULL, *q;
	size_t		 n = size / 7, i, end, v;
	bson_t		 b;

	*len = 0;
	rec_doc(&b, 201, 1704164645000LL);
	put_doc(&p, len, &b);
	bson_destroy(&b);
	end = 4 + 7 * n + (fail ? 3 : 0) + 1;
	q = put_space(&p, len, end);
	memset(q, 0xff, 3);
	q[3] = 0x7f;
	for (i = 0; i < n; i++) {
		v = 4 + 7 * i + 3;
		q[v - 3] = 0x10;
		q[v - 2] = 'a';
		q[v - 1] = 0;
		q[v] = (uint8_t)(end - v);
		q[v + 1] = (uint8_t)((end - v) >> 8);
		q[v + 2] = (uint8_t)((end - v) >> 16);
		q[v + 3] = (uint8_t)((end - v) >> 24);
	}
	if (fail)
		memcpy(q + 4 + 7 * n, "\x10\x61", 3);
	q[end - 1] = 0;
	rec_doc(&b, 202, 1704164645001LL);
	put_doc(&p, len, &b);
	bson_destroy(&b);
	rec_doc(&b, 203, 1704164645002LL);
	put_doc(&p, len, &b);
	bson_destroy(&b);
	return (p);
}

/* Resync over crafted_file's input; returns the bytes checked. */
static uint64_t
crafted_work(size_t size, bool fail)
{
	struct store		 st;
	struct source_bson	*rd;
	uint8_t			*p;
	size_t			 len;
	uint64_t		 work;

	p = crafted_file(size, fail, &len);
	store_init(&st, 0);
	rd = source_bson_create(&st, "t.bson", p, len,
	    SOURCE_BSON_MAP_BORROWED, false, false, true);
	while (source_bson_poll(rd, &st, 64) == SOURCE_MORE)
		;
	work = source_bson_resync_work(rd);
	source_bson_free(rd);
	/* The three records, and the damage as one bad record. */
	assert_int_equal(store_count(&st), 4);
	assert_int_equal(st.nbad, 1);
	assert_int_equal(record_response_code(&st, store_get(&st, 3)), 203);
	store_clear(&st);
	free(p);
	return (work);
}

/*
 * Resync is linear: twice the crafted input costs about twice the checks
 * (it was four times, 50 s for 1.5 MB), within the documented cap.
 */
static void
test_resync_linear(void **state)
{
	uint64_t	 w1, w2;
	int		 fail;

	for (fail = 0; fail < 2; fail++) {
		w1 = crafted_work(64 * 1024, fail);
		w2 = crafted_work(128 * 1024, fail);
		assert_true(w1 <= (16U << 20) + 32 * 70 * 1024);
		assert_true(w2 <= (16U << 20) + 32 * 140 * 1024);
		assert_true(w2 <= 3 * w1);
		/* Far fewer bytes than the quadratic walk's n * n / 14. */
		assert_true(w2 < (uint64_t)128 * 1024 * 128 * 1024 / 140);
	}
}

/*
 * Append to a growing test input.  The buffer doubles (capacity is the next
 * power of two above the length): growing it by each piece made the
 * many-collections archive quadratic, 12 minutes under ASan, whose
 * realloc always copies.
 */
static uint8_t *
put_space(uint8_t **p, size_t *len, size_t n)
{
	size_t	 cap;
	uint8_t	*q;

	for (cap = 64; cap < *len; cap *= 2)
		;
	if (*p == NULL || *len + n > cap) {
		while (cap < *len + n)
			cap *= 2;
		*p = realloc(*p, cap);
		assert_non_null(*p);
	}
	q = *p + *len;
	*len += n;
	return (q);
}

static void
put_raw(uint8_t **p, size_t *len, const void *raw, size_t n)
{
	memcpy(put_space(p, len, n), raw, n);
}

static void
put_doc(uint8_t **p, size_t *len, const bson_t *b)
{
	put_raw(p, len, bson_get_data(b), b->len);
}

static void
put_ns(uint8_t **p, size_t *len, const char *coll, bool eof)
{
	bson_t	 h;

	bson_init(&h);
	BSON_APPEND_UTF8(&h, "db", "tyk");
	BSON_APPEND_UTF8(&h, "collection", coll);
	BSON_APPEND_BOOL(&h, "EOF", eof);
	BSON_APPEND_INT64(&h, "CRC", 0);
	put_doc(p, len, &h);
	bson_destroy(&h);
}

static void
test_archive(void **state)
{
	static const uint8_t	 magic[4] = { 0x6d, 0xe2, 0x99, 0x81 };
	static const uint8_t	 term[4] = { 0xff, 0xff, 0xff, 0xff };
	struct store		 st;
	uint8_t			*p = NULL;
	size_t			 len = 0, i;
	bson_t			 b;

	put_raw(&p, &len, magic, 4);
	bson_init(&b);
	BSON_APPEND_UTF8(&b, "version", "0.1");
	put_doc(&p, &len, &b);
	bson_destroy(&b);
	put_raw(&p, &len, term, 4);
	put_ns(&p, &len, "tyk_analytics", false);
	for (i = 0; i < 3; i++) {
		rec_doc(&b, 500 + (int)i, 1704164645000LL);
		put_doc(&p, &len, &b);
		bson_destroy(&b);
	}
	put_raw(&p, &len, term, 4);
	/* A collection that is never read, then the first one again. */
	put_ns(&p, &len, "tyk_uptime_analytics", false);
	rec_doc(&b, 999, 1704164645000LL);
	put_doc(&p, &len, &b);
	bson_destroy(&b);
	put_raw(&p, &len, term, 4);
	put_ns(&p, &len, "z_tyk_analyticz_org", false);
	rec_doc(&b, 404, 1704164645000LL);
	put_doc(&p, &len, &b);
	bson_destroy(&b);
	put_raw(&p, &len, term, 4);
	put_ns(&p, &len, "tyk_analytics", true);
	put_raw(&p, &len, term, 4);
	put_ns(&p, &len, "z_tyk_analyticz_org", true);
	put_raw(&p, &len, term, 4);

	store_init(&st, 0);
	read_all(&st, p, len, false, true);
	assert_int_equal(store_count(&st), 4);
	assert_int_equal(st.nbad, 0);
	assert_string_equal(store_source_name(&st, store_get(&st, 0)),
	    "t.bson:tyk.tyk_analytics");
	assert_string_equal(store_source_name(&st, store_get(&st, 3)),
	    "t.bson:tyk.z_tyk_analyticz_org");
	for (i = 0; i < st.nsources; i++)
		assert_null(st.sources[i].damage);
	store_clear(&st);
	/* Cut in the middle of the second segment. */
	store_init(&st, 0);
	read_all(&st, p, len - 200, false, true);
	assert_true(store_count(&st) >= 3);
	store_clear(&st);
	free(p);
}

/*
 * An archive with more collections than the store has source ids: no
 * abort, every record is read, the extra ones under the overflow source.
 */
static void
test_archive_many(void **state)
{
	static const uint8_t	 magic[4] = { 0x6d, 0xe2, 0x99, 0x81 };
	static const uint8_t	 term[4] = { 0xff, 0xff, 0xff, 0xff };
	struct store		 st;
	uint8_t			*p = NULL;
	size_t			 len = 0, i, n = STORE_MAX_SOURCES + 100;
	char			 coll[32];
	bson_t			 b;

	put_raw(&p, &len, magic, 4);
	bson_init(&b);
	BSON_APPEND_UTF8(&b, "version", "0.1");
	put_doc(&p, &len, &b);
	bson_destroy(&b);
	put_raw(&p, &len, term, 4);
	rec_doc(&b, 200, 1704164645000LL);
	for (i = 0; i < n; i++) {
		snprintf(coll, sizeof coll, "tyk_analytics_%zu", i);
		put_ns(&p, &len, coll, false);
		put_doc(&p, &len, &b);
		put_raw(&p, &len, term, 4);
	}
	bson_destroy(&b);
	store_init(&st, 0);
	read_all(&st, p, len, false, true);
	assert_int_equal(store_count(&st), n);
	assert_int_equal(st.nsources, STORE_MAX_SOURCES);
	assert_string_equal(store_source_name(&st, store_get(&st, n - 1)),
	    "(sources over the limit)");
	assert_non_null(st.sources[STORE_MAX_SOURCES - 1].damage);
	store_clear(&st);
	free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_gzip),
		cmocka_unit_test(test_damage),
		cmocka_unit_test(test_archive),
		cmocka_unit_test(test_resync_linear),
		cmocka_unit_test(test_archive_many),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
