/* SPDX-License-Identifier: ISC */
/*
 * View state over the record store, independent of any terminal: which
 * records are shown (an index array of store seqs that pass the filter and
 * the time range), in what order (by time, or stably by any column), where
 * the cursor and the scroll position are, follow mode, marks, search, and
 * how the table's columns are laid out for a given width.
 *
 * Invariants.  rows[] holds seqs in [store.first, store.next) in the
 * current sort order, compared by (column key, timestamp, seq); the column
 * key is reversed for a reversed sort, the tie-break never is, so every
 * sort is stable with respect to time order.  cursor < n (or 0 when n is
 * 0) and top <= cursor < top + height.  Seqs below store.first are dropped
 * when the store's generation changes; the cursor stays on the same record
 * while it is held, and is clamped when it is not.
 *
 * The view never draws; the UI asks it for rows and the layout.
 */
#ifndef VIEW_H
#define VIEW_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct record;
struct store;
struct store_chunk;

/* Table columns, in display order. */
enum view_col {
	VIEW_COL_TIME,
	VIEW_COL_METHOD,
	VIEW_COL_STATUS,
	VIEW_COL_LATENCY,
	VIEW_COL_API,
	VIEW_COL_PATH,
	VIEW_COL_KEY,
	VIEW_COL_IP,
	/* Not shown unless asked for (the columns option). */
	VIEW_COL_UPSTREAM,	/* latency.upstream */
	VIEW_COL_GATEWAY,	/* latency.gateway */
	VIEW_COL_ORG,
	VIEW_COL_VERSION,
	VIEW_COL_REASON,	/* status text: sorts as the status */
	VIEW_COL_COUNT
};

/* Below this width rows take two lines. */
#define VIEW_WIDE	100

/* One column's place in a row. */
struct view_cell {
	enum view_col	 col;
	int		 line;		/* 0, or 1 for the second line */
	int		 x;		/* first screen column */
	int		 width;		/* display columns */
	bool		 right;		/* right-aligned (numbers) */
};

/* Where every column goes at a given width. */
struct view_layout {
	int			 width;		/* drawn: terminal width - 1 */
	int			 lines;		/* screen lines per row */
	int			 ncells;
	struct view_cell	 cells[VIEW_COL_COUNT];
};

/* A record predicate (the filter, or a search). */
typedef bool (*view_match_fn)(void *, const struct store *,
    const struct record *);
/* The same on record i of a store chunk, reading only the columns needed. */
typedef bool (*view_match_at_fn)(void *, const struct store *,
    const struct store_chunk *, uint32_t);
/* The same on records [from, to) of a chunk: writes the indexes matched. */
typedef size_t (*view_select_at_fn)(void *, const struct store *,
    const struct store_chunk *, uint32_t, uint32_t, uint32_t *);

struct view {
	uint64_t	*rows;		/* seqs, in sort order; owned */
	size_t		 n;
	size_t		 cap;
	uint64_t	 scanned;	/* seqs below this were considered */
	uint64_t	 generation;	/* store generation seen */

	size_t		 cursor;	/* index into rows */
	size_t		 top;		/* first visible index */
	size_t		 height;	/* rows visible (not lines) */
	bool		 follow;	/* cursor pinned to the last row */
	uint64_t	 pending;	/* records arrived while frozen */

	enum view_col	 sort;
	bool		 sort_reverse;
	enum view_col	 col;		/* column cursor for +, -, s */

	uint64_t	*marks;		/* sorted seqs; owned */
	size_t		 nmarks;
	size_t		 marks_cap;
	bool		 marked_only;	/* M: only marked records selected */

	int64_t		 since;		/* ns, INT64_MIN: none */
	int64_t		 until;		/* ns, exclusive; INT64_MAX: none */
	view_match_fn	 match;		/* NULL: everything */
	view_match_at_fn match_at;	/* match on columns, or NULL */
	view_select_at_fn select_at;	/* a chunk at a time, or NULL */
	void		*match_arg;	/* borrowed */
};

/*
 * Progress and cancellation of whole-set work run on another thread
 * (view_select_chunks, view_sort_seqs): the work adds what it will do to
 * total and what it did to done; anyone may set cancel.
 */
struct view_ctl {
	_Atomic bool		 cancel;
	_Atomic uint64_t	 total;
	_Atomic uint64_t	 done;
};

/* What a selection of chunks found. */
struct view_sel {
	size_t		 n;		/* rows written */
	bool		 in_order;	/* in time order */
	int64_t		 first_ts;	/* of the first row, or INT64_MAX */
	int64_t		 last_ts;	/* of the last row, or INT64_MIN */
};

/* view_install: what the rows are. */
#define VIEW_SELECTED	0x1	/* a new selection of the whole store */
#define VIEW_SORTED	0x2	/* sorted by the order given */

void		 view_init(struct view *);
void		 view_clear(struct view *);
void		 view_set_filter(struct view *, view_match_fn, void *);
void		 view_set_filter_at(struct view *, view_match_at_fn,
		    view_select_at_fn);
void		 view_set_range(struct view *, int64_t, int64_t);
void		 view_rebuild(struct view *, const struct store *);
bool		 view_select_chunks(const struct view *, const struct store *,
		    size_t, size_t, uint64_t *, struct view_sel *,
		    struct view_ctl *);
bool		 view_sort_seqs(const struct view *, const struct store *,
		    uint64_t *, size_t, bool, struct view_ctl *, unsigned);
void		 view_install(struct view *, const struct store *, uint64_t *,
		    size_t, size_t, unsigned, enum view_col, bool);
bool		 view_update(struct view *, const struct store *, bool);
void		 view_set_height(struct view *, size_t);
void		 view_move(struct view *, long);
void		 view_page(struct view *, int);
void		 view_home(struct view *);
void		 view_end(struct view *);
void		 view_goto(struct view *, size_t);
bool		 view_goto_seq(struct view *, const struct store *, uint64_t);
size_t		 view_index(const struct view *, const struct store *,
		    uint64_t);
uint64_t	 view_cursor_seq(const struct view *);
uint64_t	 view_seq(const struct view *, size_t);
void		 view_sort(struct view *, const struct store *, enum view_col,
		    bool);
bool		 view_mark_toggle(struct view *, uint64_t);
bool		 view_is_marked(const struct view *, uint64_t);
void		 view_marks_clear(struct view *);
long		 view_search(struct view *, const struct store *,
		    view_match_fn, void *, int);
long		 view_search_at(struct view *, const struct store *,
		    view_match_at_fn, void *, int);
long		 view_scan(const struct view *, const struct store *, size_t,
		    view_match_fn, view_match_at_fn, void *, int,
		    struct view_ctl *);
void		 view_layout(struct view_layout *, int);
const char	*view_col_name(enum view_col);

#endif
