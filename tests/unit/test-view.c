/* SPDX-License-Identifier: ISC */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "record.h"
#include "store.h"
#include "view.h"
#include "unit.h"

#define SEC	1000000000LL

/* Add a record at base + sec seconds with a status and a path. */
static uint64_t
add(struct store *st, int64_t sec, int code, const char *path)
{
	struct record_build	 b;
	uint64_t		 seq;

	record_build_init(&b);
	b.ts_set = b.exp_set = true;
	b.ts_sec = 1700000000 + sec;
	b.exp_sec = b.ts_sec + 86400;
	b.response_code = code;
	b.lat_total = code / 10;
	record_build_str(&b, st, RS_PATH, path, strlen(path));
	record_build_str(&b, st, RS_METHOD, "GET", 3);
	seq = store_add(st, &b, 0, (uint64_t)sec);
	record_build_clear(&b);
	return (seq);
}

/* Check the rows are in view order (time, then seq, or by column). */
static void
check_order(const struct view *v, const struct store *st)
{
	size_t			 i;
	const struct record	*a, *b;

	for (i = 1; i < v->n; i++) {
		a = store_get(st, v->rows[i - 1]);
		b = store_get(st, v->rows[i]);
		if (v->sort == VIEW_COL_TIME && !v->sort_reverse)
			assert_true(a->ts < b->ts || (a->ts == b->ts &&
			    v->rows[i - 1] < v->rows[i]));
		if (v->sort == VIEW_COL_STATUS) {
			if (!v->sort_reverse)
				assert_true(a->response_code <=
				    b->response_code);
			else
				assert_true(a->response_code >=
				    b->response_code);
			if (a->response_code == b->response_code)
				assert_true(a->ts < b->ts || (a->ts ==
				    b->ts && v->rows[i - 1] < v->rows[i]));
		}
	}
}

static void
test_time_order(void **state)
{
	struct store	 st;
	struct view	 v;

	store_init(&st, 0);
	store_source_add(&st, "t", STORE_SRC_DEMO);
	add(&st, 5, 200, "/e");		/* seq 0 */
	add(&st, 1, 200, "/a");		/* seq 1 */
	add(&st, 3, 500, "/c");		/* seq 2 */
	add(&st, 1, 404, "/b");		/* seq 3: same time as seq 1 */
	view_init(&v);
	view_set_height(&v, 10);
	view_rebuild(&v, &st);
	assert_int_equal(v.n, 4);
	assert_int_equal(v.rows[0], 1);
	assert_int_equal(v.rows[1], 3);
	assert_int_equal(v.rows[2], 2);
	assert_int_equal(v.rows[3], 0);
	/* Following: the cursor is on the newest. */
	assert_true(v.follow);
	assert_int_equal(v.cursor, 3);
	view_clear(&v);
	store_clear(&st);
}

static void
test_sort_stable(void **state)
{
	struct store	 st;
	struct view	 v;
	int		 i;
	static const int codes[] = { 500, 200, 404, 200, 500, 200, 429, 200 };

	store_init(&st, 0);
	store_source_add(&st, "t", STORE_SRC_DEMO);
	for (i = 0; i < 8; i++)
		add(&st, 10 - i, codes[i], "/x");	/* reverse time */
	view_init(&v);
	view_set_height(&v, 5);
	view_rebuild(&v, &st);
	check_order(&v, &st);
	view_sort(&v, &st, VIEW_COL_STATUS, false);
	check_order(&v, &st);
	assert_int_equal(store_get(&st, v.rows[0])->response_code, 200);
	assert_int_equal(store_get(&st, v.rows[7])->response_code, 500);
	/* The 200s in time order: seqs 7, 5, 3, 1. */
	assert_int_equal(v.rows[0], 7);
	assert_int_equal(v.rows[3], 1);
	view_sort(&v, &st, VIEW_COL_STATUS, true);
	check_order(&v, &st);
	assert_int_equal(store_get(&st, v.rows[0])->response_code, 500);
	/* Ties still in time order when reversed. */
	assert_int_equal(v.rows[0], 4);
	assert_int_equal(v.rows[1], 0);
	/* Strings by bytes. */
	view_sort(&v, &st, VIEW_COL_PATH, false);
	assert_int_equal(v.rows[0], 7);
	view_sort(&v, &st, VIEW_COL_TIME, true);
	assert_int_equal(v.rows[0], 0);
	assert_int_equal(v.rows[7], 7);
	view_sort(&v, &st, VIEW_COL_TIME, false);
	check_order(&v, &st);
	view_clear(&v);
	store_clear(&st);
}

static void
test_sort_strings(void **state)
{
	struct store	 st;
	struct view	 v;
	static const char *paths[] = { "/b", "/a", "/c", "/a", "/ab" };
	int		 i;

	store_init(&st, 0);
	store_source_add(&st, "t", STORE_SRC_DEMO);
	for (i = 0; i < 5; i++)
		add(&st, i, 200, paths[i]);
	view_init(&v);
	view_rebuild(&v, &st);
	view_sort(&v, &st, VIEW_COL_PATH, false);
	assert_int_equal(v.rows[0], 1);
	assert_int_equal(v.rows[1], 3);
	assert_int_equal(v.rows[2], 4);
	assert_int_equal(v.rows[3], 0);
	assert_int_equal(v.rows[4], 2);
	/* Later records merge into the same order. */
	add(&st, 9, 200, "/aa");
	add(&st, -1, 200, "/a");
	view_update(&v, &st, false);
	assert_int_equal(v.n, 7);
	assert_int_equal(v.rows[0], 6);
	assert_int_equal(v.rows[1], 1);
	assert_int_equal(v.rows[3], 5);
	view_clear(&v);
	store_clear(&st);
}

static void
test_move_scroll(void **state)
{
	struct store	 st;
	struct view	 v;
	int		 i;

	store_init(&st, 0);
	store_source_add(&st, "t", STORE_SRC_DEMO);
	for (i = 0; i < 100; i++)
		add(&st, i, 200, "/x");
	view_init(&v);
	view_set_height(&v, 10);
	view_rebuild(&v, &st);
	assert_int_equal(v.cursor, 99);
	assert_int_equal(v.top, 90);
	view_move(&v, -1);
	assert_false(v.follow);
	assert_int_equal(v.cursor, 98);
	assert_int_equal(v.top, 90);
	view_move(&v, -20);
	assert_int_equal(v.cursor, 78);
	assert_int_equal(v.top, 78);
	view_page(&v, -1);
	assert_int_equal(v.cursor, 68);
	assert_int_equal(v.top, 68);
	view_page(&v, 1);
	assert_int_equal(v.cursor, 78);
	assert_int_equal(v.top, 78);
	view_home(&v);
	assert_int_equal(v.cursor, 0);
	assert_int_equal(v.top, 0);
	view_move(&v, -5);
	assert_int_equal(v.cursor, 0);
	view_move(&v, 1000);
	assert_int_equal(v.cursor, 99);
	assert_int_equal(v.top, 90);
	assert_false(v.follow);		/* only G resumes */
	view_page(&v, 1);
	assert_int_equal(v.cursor, 99);
	view_goto(&v, 50);
	assert_int_equal(v.top, 50);
	view_set_height(&v, 3);
	assert_int_equal(v.cursor, 50);
	assert_true(v.top <= 50 && v.top + 3 > 50);
	view_set_height(&v, 200);
	assert_int_equal(v.top, 0);
	view_end(&v);
	assert_true(v.follow);
	assert_int_equal(v.cursor, 99);
	view_clear(&v);
	store_clear(&st);
}

static void
test_follow_pause(void **state)
{
	struct store	 st;
	struct view	 v;
	int		 i;

	store_init(&st, 0);
	store_source_add(&st, "t", STORE_SRC_DEMO);
	for (i = 0; i < 20; i++)
		add(&st, i, 200, "/x");
	view_init(&v);
	view_set_height(&v, 5);
	view_rebuild(&v, &st);
	add(&st, 20, 200, "/x");
	assert_true(view_update(&v, &st, false));
	assert_int_equal(v.n, 21);
	assert_int_equal(v.cursor, 20);
	assert_int_equal(v.top, 16);
	/* Scrolling up pauses; frozen updates only count. */
	view_move(&v, -3);
	assert_int_equal(v.cursor, 17);
	add(&st, 21, 200, "/x");
	add(&st, 22, 200, "/x");
	assert_true(view_update(&v, &st, true));
	assert_int_equal(v.n, 21);
	assert_int_equal(v.pending, 2);
	assert_false(view_update(&v, &st, true));
	/* Unfrozen but paused: rows arrive, the cursor stays. */
	assert_true(view_update(&v, &st, false));
	assert_int_equal(v.n, 23);
	assert_int_equal(v.pending, 0);
	assert_int_equal(v.cursor, 17);
	assert_int_equal(v.top, 16);
	/* An older record lands above the cursor: it stays on its record. */
	add(&st, -5, 200, "/x");
	view_update(&v, &st, false);
	assert_int_equal(v.cursor, 18);
	assert_int_equal(v.rows[v.cursor], 17);
	assert_int_equal(v.top, 17);
	view_end(&v);
	add(&st, 30, 200, "/x");
	view_update(&v, &st, false);
	assert_int_equal(v.cursor, v.n - 1);
	assert_int_equal(view_cursor_seq(&v), 24);
	view_clear(&v);
	store_clear(&st);
}

static void
test_eviction(void **state)
{
	struct store	 st;
	struct view	 v;
	int		 i;
	uint64_t	 seq;

	store_init(&st, 128);		/* exactly the newest 128 */
	store_source_add(&st, "t", STORE_SRC_DEMO);
	for (i = 0; i < 128; i++)
		add(&st, i, 200, "/x");
	view_init(&v);
	view_set_height(&v, 10);
	view_rebuild(&v, &st);
	view_goto(&v, 100);
	seq = view_cursor_seq(&v);
	assert_true(view_mark_toggle(&v, 10));
	assert_true(view_mark_toggle(&v, 110));
	assert_true(view_is_marked(&v, 10));
	for (i = 128; i < 140; i++)
		add(&st, i, 200, "/x");
	assert_int_equal(st.first, 12);
	view_update(&v, &st, true);
	assert_int_equal(v.n, 116);
	assert_int_equal(v.pending, 140 - 128);
	assert_int_equal(view_cursor_seq(&v), seq);
	assert_false(view_is_marked(&v, 10));
	assert_true(view_is_marked(&v, 110));
	assert_int_equal(v.nmarks, 1);
	view_update(&v, &st, false);
	assert_int_equal(v.n, 128);
	assert_int_equal(view_cursor_seq(&v), seq);
	/* The cursor's record evicted: clamped, not lost. */
	view_home(&v);
	for (i = 140; i < 250; i++)
		add(&st, i, 200, "/x");
	view_update(&v, &st, false);
	assert_int_equal(st.first, 122);
	assert_int_equal(v.n, 128);
	assert_int_equal(v.cursor, 0);
	assert_int_equal(view_cursor_seq(&v), 122);
	assert_int_equal(v.nmarks, 0);
	view_clear(&v);
	store_clear(&st);
}

static bool
match_5xx(void *arg, const struct store *st, const struct record *r)
{
	(void)arg;
	return (record_response_code(st, r) >= 500);
}

static void
test_filter_search(void **state)
{
	struct store	 st;
	struct view	 v;
	int		 i;

	store_init(&st, 0);
	store_source_add(&st, "t", STORE_SRC_DEMO);
	for (i = 0; i < 30; i++)
		add(&st, i, i % 10 == 3 ? 502 : 200, "/x");
	view_init(&v);
	view_set_height(&v, 10);
	view_rebuild(&v, &st);
	view_home(&v);
	assert_int_equal(view_search(&v, &st, match_5xx, NULL, 1), 3);
	assert_int_equal(view_search(&v, &st, match_5xx, NULL, 1), 13);
	assert_int_equal(view_search(&v, &st, match_5xx, NULL, -1), 3);
	assert_int_equal(view_search(&v, &st, match_5xx, NULL, -1), 23);
	view_set_filter(&v, match_5xx, NULL);
	view_rebuild(&v, &st);
	assert_int_equal(v.n, 3);
	/* The cursor stayed on seq 23. */
	assert_int_equal(view_cursor_seq(&v), 23);
	add(&st, 40, 503, "/y");
	add(&st, 41, 200, "/y");
	view_update(&v, &st, false);
	assert_int_equal(v.n, 4);
	view_set_filter(&v, NULL, NULL);
	view_set_range(&v, 1700000000LL * SEC + 10 * SEC,
	    1700000000LL * SEC + 20 * SEC);
	view_rebuild(&v, &st);
	assert_int_equal(v.n, 10);
	view_clear(&v);
	store_clear(&st);
}

static void
test_layout(void **state)
{
	struct view_layout	 l;
	static const int	 widths[] = { 80, 99, 100, 120, 159, 160, 200,
				    300 };
	size_t			 k;
	int			 i, j, line;
	bool			 seen[VIEW_COL_COUNT];

	for (k = 0; k < sizeof widths / sizeof widths[0]; k++) {
		view_layout(&l, widths[k]);
		assert_int_equal(l.width, widths[k] - 1);
		assert_int_equal(l.lines, widths[k] < VIEW_WIDE ? 2 : 1);
		/* The default columns (the others only when asked for). */
		assert_int_equal(l.ncells, VIEW_COL_UPSTREAM);
		memset(seen, 0, sizeof seen);
		for (i = 0; i < l.ncells; i++) {
			seen[l.cells[i].col] = true;
			assert_true(l.cells[i].width >= 3);
			assert_true(l.cells[i].x >= 0);
			assert_true(l.cells[i].x + l.cells[i].width <=
			    widths[k] - 1);
			/* No overlap on the same line. */
			for (j = 0; j < l.ncells; j++) {
				if (j == i || l.cells[j].line !=
				    l.cells[i].line)
					continue;
				assert_true(l.cells[j].x >= l.cells[i].x +
				    l.cells[i].width || l.cells[i].x >=
				    l.cells[j].x + l.cells[j].width);
			}
		}
		for (i = 0; i < VIEW_COL_UPSTREAM; i++)
			assert_true(seen[i]);
		/* Path gets the most room. */
		for (i = 0; i < l.ncells; i++)
			if (l.cells[i].col == VIEW_COL_PATH) {
				line = l.cells[i].line;
				assert_true(l.cells[i].width >= 20);
				assert_int_equal(line, widths[k] <
				    VIEW_WIDE ? 1 : 0);
			}
	}
	view_layout(&l, 100);
	assert_int_equal(l.cells[l.ncells - 1].x + l.cells[l.ncells - 1].width,
	    99);
}

static void
test_big_sort(void **state)
{
	struct store	 st;
	struct view	 v;
	int		 i;
	char		 path[32];

	store_init(&st, 0);
	store_source_add(&st, "t", STORE_SRC_DEMO);
	srand(7);
	for (i = 0; i < 20000; i++) {
		snprintf(path, sizeof path, "/p%d", rand() % 300);
		add(&st, rand() % 5000, 200 + rand() % 4 * 100, path);
	}
	view_init(&v);
	view_set_height(&v, 30);
	view_rebuild(&v, &st);
	check_order(&v, &st);
	view_sort(&v, &st, VIEW_COL_STATUS, false);
	check_order(&v, &st);
	for (i = 0; i < 3000; i++)
		add(&st, rand() % 6000, 200 + rand() % 4 * 100, "/q");
	view_update(&v, &st, false);
	assert_int_equal(v.n, 23000);
	check_order(&v, &st);
	view_sort(&v, &st, VIEW_COL_STATUS, true);
	check_order(&v, &st);
	view_sort(&v, &st, VIEW_COL_TIME, false);
	check_order(&v, &st);
	view_clear(&v);
	store_clear(&st);
}

/*
 * The pieces whole-set jobs use (ui-job.c): selections of chunk ranges
 * joined equal one selection of all, a sort installed equals view_sort,
 * view_scan finds what view_search finds, and a cancelled ctl stops.
 */
static void
test_job_pieces(void **state)
{
	struct store	 st;
	struct view	 v, w, x;
	struct view_sel	 sel[3];
	struct view_ctl	 ctl;
	uint64_t	*rows;
	size_t		 n, k, nch, parts, at, p;
	int		 i;
	long		 a, b;

	store_init(&st, 0);
	store_source_add(&st, "t", STORE_SRC_DEMO);
	srand(11);
	for (i = 0; i < 200000; i++)
		add(&st, i / 3 - (i % 97 == 0 ? 500 : 0), 200 + rand() % 4 *
		    100, i % 7 == 0 ? "/a" : "/b");
	view_init(&v);
	view_set_height(&v, 20);
	view_set_filter(&v, match_5xx, NULL);
	view_rebuild(&v, &st);
	nch = st.nchunks;
	assert_true(nch >= 3);
	for (parts = 1; parts <= 3; parts++) {
		rows = calloc((size_t)store_count(&st), sizeof *rows);
		memset(&ctl, 0, sizeof ctl);
		n = 0;
		at = 0;
		for (p = 0; p < parts; p++) {
			assert_true(view_select_chunks(&v, &st, nch * p / parts,
			    nch * (p + 1) / parts, rows + n, &sel[p], &ctl));
			n += sel[p].n;
			for (k = nch * p / parts; k < nch * (p + 1) / parts; k++)
				at += st.chunks[k]->n;
		}
		assert_int_equal(at, store_count(&st));
		assert_int_equal(n, v.n);
		/* Out of time order (every 97th is older): not in order. */
		assert_false(sel[0].in_order);
		assert_int_equal(atomic_load(&ctl.done), store_count(&st));
		assert_true(view_sort_seqs(&v, &st, rows, n, false, &ctl,
		    parts));
		assert_memory_equal(rows, v.rows, n * sizeof *rows);
		free(rows);
	}
	/*
	 * A sort made elsewhere on two threads (every row: enough for
	 * two) and installed is view_sort's, for a text and a number.
	 */
	view_init(&w);
	view_set_height(&w, 20);
	view_rebuild(&w, &st);
	view_init(&x);
	view_set_height(&x, 20);
	view_rebuild(&x, &st);
	for (p = 0; p < 2; p++) {
		rows = calloc(w.n, sizeof *rows);
		memcpy(rows, w.rows, w.n * sizeof *rows);
		w.sort = p == 0 ? VIEW_COL_PATH : VIEW_COL_STATUS;
		w.sort_reverse = p == 0;
		memset(&ctl, 0, sizeof ctl);
		assert_true(view_sort_seqs(&w, &st, rows, w.n, false, &ctl,
		    2));
		w.sort = VIEW_COL_TIME;
		w.sort_reverse = false;
		view_install(&w, &st, rows, x.n, x.n, VIEW_SORTED, p == 0 ?
		    VIEW_COL_PATH : VIEW_COL_STATUS, p == 0);
		view_sort(&x, &st, p == 0 ? VIEW_COL_PATH : VIEW_COL_STATUS,
		    p == 0);
		assert_int_equal(w.n, x.n);
		assert_memory_equal(w.rows, x.rows, x.n * sizeof *x.rows);
		assert_int_equal(w.sort, x.sort);
		assert_int_equal(w.sort_reverse, p == 0);
		assert_false(w.follow);
		check_order(&w, &st);
		view_sort(&w, &st, VIEW_COL_TIME, false);
		view_sort(&x, &st, VIEW_COL_TIME, false);
	}
	view_clear(&x);
	/* view_scan finds what view_search does, without moving. */
	view_set_filter(&w, NULL, NULL);
	view_rebuild(&w, &st);
	view_home(&w);
	a = view_scan(&w, &st, w.cursor, match_5xx, NULL, NULL, 1, NULL);
	assert_int_equal(w.cursor, 0);
	b = view_search(&w, &st, match_5xx, NULL, 1);
	assert_int_equal(a, b);
	/* Cancelled: each piece stops and says so. */
	memset(&ctl, 0, sizeof ctl);
	atomic_store(&ctl.cancel, true);
	rows = calloc((size_t)store_count(&st), sizeof *rows);
	assert_false(view_select_chunks(&v, &st, 0, nch, rows, &sel[0],
	    &ctl));
	assert_int_equal(sel[0].n, 0);
	memcpy(rows, w.rows, w.n * sizeof *rows);
	assert_false(view_sort_seqs(&v, &st, rows, w.n, false, &ctl, 2));
	assert_int_equal(view_scan(&w, &st, 0, match_5xx, NULL, NULL, 1,
	    &ctl) == -2 || view_scan(&w, &st, 0, match_5xx, NULL, NULL, 1,
	    &ctl) >= 0, 1);
	free(rows);
	view_clear(&w);
	view_clear(&v);
	store_clear(&st);
}

/* Latencies beyond 32 bits (REC_WIDE) sort as numbers too. */
static void
test_sort_wide(void **state)
{
	struct store		 st;
	struct view		 v;
	struct record_build	 b;
	static const int64_t	 lat[] = { 10, 5000000000LL, 20, -3, 7,
				    3000000000LL };
	static const size_t	 want[] = { 3, 4, 0, 2, 5, 1 };
	size_t			 i;

	store_init(&st, 0);
	store_source_add(&st, "t", STORE_SRC_DEMO);
	for (i = 0; i < 6; i++) {
		record_build_init(&b);
		b.ts_set = b.exp_set = true;
		b.ts_sec = 1700000000 + (int64_t)i;
		b.exp_sec = b.ts_sec + 86400;
		b.response_code = 200;
		b.lat_total = lat[i];
		record_build_str(&b, &st, RS_PATH, "/x", 2);
		store_add(&st, &b, 0, i);
		record_build_clear(&b);
	}
	view_init(&v);
	view_rebuild(&v, &st);
	view_sort(&v, &st, VIEW_COL_LATENCY, false);
	for (i = 0; i < 6; i++)
		assert_int_equal(v.rows[i], want[i]);
	view_sort(&v, &st, VIEW_COL_LATENCY, true);
	for (i = 0; i < 6; i++)
		assert_int_equal(v.rows[i], want[5 - i]);
	view_clear(&v);
	store_clear(&st);
}

/* UPSTREAM and GATEWAY sort by their own latencies, not the time. */
static void
test_sort_split(void **state)
{
	struct store		 st;
	struct view		 v;
	struct record_build	 b;
	static const int64_t	 up[] = { 30, 10, 20 }, gw[] = { 1, 3, 2 };
	size_t			 i;

	store_init(&st, 0);
	store_source_add(&st, "t", STORE_SRC_DEMO);
	for (i = 0; i < 3; i++) {
		record_build_init(&b);
		b.ts_set = b.exp_set = true;
		b.ts_sec = 1700000000 + (int64_t)i;
		b.exp_sec = b.ts_sec + 86400;
		b.response_code = 200;
		b.lat_upstream = up[i];
		b.lat_gateway = gw[i];
		b.lat_total = up[i] + gw[i];
		record_build_str(&b, &st, RS_PATH, "/x", 2);
		store_add(&st, &b, 0, i);
		record_build_clear(&b);
	}
	view_init(&v);
	view_rebuild(&v, &st);
	view_sort(&v, &st, VIEW_COL_UPSTREAM, false);
	assert_int_equal(v.rows[0], 1);
	assert_int_equal(v.rows[1], 2);
	assert_int_equal(v.rows[2], 0);
	view_sort(&v, &st, VIEW_COL_GATEWAY, false);
	assert_int_equal(v.rows[0], 0);
	assert_int_equal(v.rows[1], 2);
	assert_int_equal(v.rows[2], 1);
	view_clear(&v);
	store_clear(&st);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time_order),
		cmocka_unit_test(test_sort_stable),
		cmocka_unit_test(test_sort_strings),
		cmocka_unit_test(test_move_scroll),
		cmocka_unit_test(test_follow_pause),
		cmocka_unit_test(test_eviction),
		cmocka_unit_test(test_filter_search),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_big_sort),
		cmocka_unit_test(test_job_pieces),
		cmocka_unit_test(test_sort_wide),
		cmocka_unit_test(test_sort_split),
	};

	return (cmocka_run_group_tests(tests, NULL, NULL));
}
