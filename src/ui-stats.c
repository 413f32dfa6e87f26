/* SPDX-License-Identifier: ISC */
/*
 * The Aggregates screen: hourly aggregates computed with the pump's rules
 * (agg.c) over the records the view shows (so the filter and time range
 * apply), one pane per dimension (Tab), one hour or the whole range (<, >),
 * sortable (s on the column cursor), and Enter drills down: the row's
 * filter (agg_row_filter) is added to the current one and the row's time
 * range applied, on the Records screen.  With stored aggregate documents
 * (a dump), S cycles computed, stored, and stored vs computed (the hits,
 * success and errors each side counted, and the difference).
 *
 * The aggregate is computed when the screen is drawn and the rows changed;
 * with live data at most every UI_STATS_NS.
 */
#include "config.h"

#include "ui-stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agg-rows.h"
#include "agg-stored.h"
#include "agg.h"
#include "log.h"
#include "options.h"
#include "render.h"
#include "timefmt.h"
#include "ui-curses.h"
#include "ui-draw.h"
#include "ui-filter.h"
#include "ui-frame.h"
#include "ui-job.h"
#include "xmalloc.h"

#define UI_STATS_NS	(2000 * 1000000LL)
#define UI_STATS_SYNC	50000	/* counters listed at once, not as a job */

enum ui_stats_mode {
	UI_STATS_COMPUTED,
	UI_STATS_STORED,
	UI_STATS_DIFF,
	UI_STATS_NMODES
};

enum ui_stats_col {
	UI_SC_NAME,
	UI_SC_HITS,
	UI_SC_OK,
	UI_SC_ERR,
	UI_SC_RATE,
	UI_SC_AVG,
	UI_SC_MAX,
	UI_SC_LAST,
	UI_SC_COUNT
};

/* A row as shown: an agg_row plus, when comparing, the other side. */
struct ui_stats_row {
	struct agg_row	 r;
	const struct agg *a;		/* whose strings the row names */
	int64_t		 s_hits, s_success, s_errors;	/* stored side */
	bool		 in_c, in_s;
};

struct ui_stats {
	struct agg		*comp;
	struct agg		*stored;
	char			*err;
	uint64_t		 nstored;
	size_t			 key_n;		/* view rows when computed */
	uint64_t		 key_gen;
	void			*key_filter;
	int64_t			 key_since, key_until;
	size_t			 ask_n;		/* the same, when asked for */
	uint64_t		 ask_gen;
	void			*ask_filter;
	int64_t			 ask_since, ask_until;
	uint64_t		 ask_cancels;	/* ui_job_cancels when asked */
	int64_t			 at;		/* monotonic ns */
	int64_t			 cost;		/* ns the last compute took */
	bool			 valid;
	bool			 asked;		/* a job computes them */
	bool			 stopped;	/* that job was cancelled (Esc) */
	/* Live: the records aggregated so far, added to as rows arrive. */
	struct agg_acc		*acc;		/* NULL: none, or in a job */
	uint64_t		 acc_next;	/* rows below this seq in it */
	uint64_t		 acc_gen;
	uint64_t		 acc_sel;	/* ui->selections then */
	void			*acc_filter;
	int64_t			 acc_since, acc_until;

	int64_t			*hours;		/* distinct hours, sorted */
	size_t			 nhours;
	long			 hour;		/* index, -1: whole range */
	int			 pane;		/* index into ui_stats_panes */
	enum ui_stats_mode	 mode;
	int			 col;		/* column cursor */
	int			 sort;
	bool			 sort_desc;

	struct ui_stats_row	*rows;
	size_t			 nrows;
	bool			 rows_ok;
	bool			 rows_asked;	/* being built (ui-job.h) */
	size_t			 cursor, top;

	/*
	 * What tells rows with the same name apart, shown before it: the
	 * org (when the rows have more than one), the API and the version
	 * (when the pane's key holds them); each column's width, 0: none.
	 */
	int			 org_w, api_w, ver_w;
	struct agg_row		*apis[2];	/* API rows: id -> name */
	size_t			 napis[2];
	struct buf		 ctx;		/* agg_row_context scratch */
};

static const struct {
	enum agg_dim	 dim;
	const char	*name;
} ui_stats_panes[] = {
	{ AGG_APIID, "APIs" },
	{ AGG_APIENDPOINTS, "Endpoints" },
	{ AGG_ERRORS, "Errors" },
	{ AGG_APIKEYS, "Keys" },
	{ AGG_OAUTHIDS, "OAuth" },
	{ AGG_GEO, "Countries" },
	{ AGG_TAGS, "Tags" },
	{ AGG_VERSIONS, "Versions" },
};
#define UI_STATS_NPANES	((int)(sizeof ui_stats_panes / sizeof ui_stats_panes[0]))

static const char *ui_stats_cols[UI_SC_COUNT] = {
	"NAME", "HITS", "OK", "ERR", "ERR%", "AVG", "MAX", "LAST"
};
static const char *ui_stats_modes[UI_STATS_NMODES] = {
	"computed", "stored", "stored vs computed"
};

/* The screen's state, created on first use. */
static struct ui_stats *
ui_stats_get(struct ui *ui)
{
	struct ui_stats	*s = ui->stats;

	if (s == NULL) {
		s = xcalloc(1, sizeof *s);
		s->hour = -1;
		s->sort = UI_SC_HITS;
		s->sort_desc = true;
		s->col = UI_SC_HITS;
		/* --summary: the server's summaries are the stored side. */
		if (ui->o->summary)
			s->mode = UI_STATS_STORED;
		ui->stats = s;
	}
	return (s);
}

/* Free the screen's state. */
void
ui_stats_free(struct ui *ui)
{
	struct ui_stats	*s = ui->stats;

	if (s == NULL)
		return;
	agg_free(s->comp);
	agg_free(s->stored);
	agg_acc_free(s->acc);
	free(s->err);
	free(s->hours);
	free(s->rows);
	free(s->apis[0]);
	free(s->apis[1]);
	buf_clear(&s->ctx);
	free(s);
	ui->stats = NULL;
}

/* Aggregate again at the next draw (benchmark: the same rows again). */
void
ui_stats_invalidate(struct ui *ui)
{
	if (ui->stats != NULL)
		ui->stats->key_n = SIZE_MAX;
}

/* The aggregation options from the command line. */
static void
ui_stats_config(struct ui *ui, struct agg_config *cfg)
{
	memset(cfg, 0, sizeof *cfg);
	cfg->track_all_paths = ui->o->track_all_paths;
	cfg->ignore_tag_prefix = ui->o->ignore_tag_prefix.v;
	cfg->nignore_tag_prefix = ui->o->ignore_tag_prefix.n;
	cfg->tz = ui->o->tz;
}

/* Collect the distinct hours of the buckets of a (and b). */
static void
ui_stats_hours(struct ui_stats *s)
{
	const struct agg	*v[2] = { s->comp, s->stored };
	const struct agg_bucket	*b;
	size_t			 i, j, k, n = 0, cap = 0;
	int64_t			*h = NULL, t;

	for (k = 0; k < 2; k++) {
		if (v[k] == NULL)
			continue;
		for (i = 0; i < v[k]->nbuckets; i++) {
			b = agg_bucket_at(v[k], i);
			for (j = 0; j < n && h[j] != b->timestamp; j++)
				/* nothing */;
			if (j < n)
				continue;
			if (n == cap) {
				cap = cap == 0 ? 16 : cap * 2;
				h = xreallocarray(h, cap, sizeof *h);
			}
			h[n++] = b->timestamp;
		}
	}
	/* Few hours: insertion sort. */
	for (i = 1; i < n; i++) {
		t = h[i];
		for (j = i; j > 0 && h[j - 1] > t; j--)
			h[j] = h[j - 1];
		h[j] = t;
	}
	free(s->hours);
	s->hours = h;
	s->nhours = n;
	if (s->hour >= (long)n)
		s->hour = -1;
}

/* The aggregate of the job ui_stats_compute asked for (main thread). */
static void
ui_stats_done(struct ui *ui, struct agg *a, char *err, int64_t cost)
{
	struct ui_stats	*s = ui_stats_get(ui);

	s->asked = false;
	agg_free(s->comp);
	free(s->err);
	s->comp = a;
	s->err = err;
	s->key_n = s->ask_n;
	s->key_gen = s->ask_gen;
	s->key_filter = s->ask_filter;
	s->key_since = s->ask_since;
	s->key_until = s->ask_until;
	s->at = ui_clock();
	s->cost = cost;
	s->valid = true;
	s->rows_ok = false;
	ui_stats_hours(s);
	ui->dirty |= UI_REDRAW;
}

/*
 * Live aggregates, incrementally (agg-acc.c): a job adds the rows that
 * arrived since the last time to the accumulator, or starts one over
 * every row (reset, or when it says it must: a record came too late for
 * its hour), and takes a snapshot.  The accumulator travels with the
 * job; the screen holds it only between jobs.
 */
struct ui_stats_accjob {
	struct agg_acc		*acc;
	struct agg_config	 cfg;
	uint64_t		 from, to;	/* seqs of the rows to add */
	uint64_t		 sel;		/* ui->selections when asked */
	bool			 fresh;		/* made anew from every row */
	struct agg		*snap;
	char			*err;
	int64_t			 started;
	uint64_t		 cancels;	/* ui_job_cancels when asked */
};

#define UI_STATS_HOLD	(5 * 1000000000LL)	/* ns held back (agg_acc) */

/*
 * ui_job_call's work (job thread).  The rows that arrived are those of
 * seqs [from, to): wherever they are in the view (a late record is not
 * at the end, and the view may be in another order).
 */
static bool
ui_stats_acc_job(struct ui *ui, void *arg, struct view_ctl *ctl)
{
	struct ui_stats_accjob	*aj = arg;
	uint64_t		*add;
	size_t			 i, n = 0;

	atomic_fetch_add(&ctl->total, ui->v.n);
	if (aj->acc != NULL) {
		add = xreallocarray(NULL, ui->v.n + 1, sizeof *add);
		for (i = 0; i < ui->v.n; i++)
			if (ui->v.rows[i] >= aj->from &&
			    ui->v.rows[i] < aj->to)
				add[n++] = ui->v.rows[i];
		if (!agg_acc_add(aj->acc, &ui->st, add, n)) {
			agg_acc_free(aj->acc);
			aj->acc = NULL;
		}
		free(add);
	}
	if (aj->acc == NULL) {
		aj->fresh = true;
		n = ui->v.n;
		if ((aj->acc = agg_acc_create(&aj->cfg, UI_STATS_HOLD,
		    &aj->err)) == NULL)
			return (true);
		agg_acc_add(aj->acc, &ui->st, ui->v.rows, ui->v.n);
	}
	atomic_fetch_add(&ctl->done, ui->v.n);
	if (atomic_load(&ctl->cancel))
		return (false);
	aj->snap = agg_acc_snapshot(aj->acc, &ui->st, &aj->err);
	log_debug("live aggregates: %zu rows %s, %zu in all", n,
	    aj->fresh ? "from the start" : "added", ui->v.n);
	return (true);
}

/* ui_job_call's result (main thread). */
static void
ui_stats_acc_done(struct ui *ui, void *arg, bool ok)
{
	struct ui_stats_accjob	*aj = arg;
	struct ui_stats		*s = ui->stats;

	if (s == NULL || !ok) {
		if (s != NULL) {
			/* Esc: not again for the same rows; else again. */
			s->asked = false;
			s->stopped = ui_job_cancels(ui) != aj->cancels;
		}
		agg_acc_free(aj->acc);
		agg_free(aj->snap);
		free(aj->err);
		free(aj);
		return;
	}
	s->acc = aj->acc;
	s->acc_next = aj->to;
	s->acc_sel = aj->sel;
	s->acc_gen = s->ask_gen;
	s->acc_filter = s->ask_filter;
	s->acc_since = s->ask_since;
	s->acc_until = s->ask_until;
	ui_stats_done(ui, aj->snap, aj->err, ui_clock() - aj->started);
	free(aj);
}

/* Ask for the live aggregates: from the accumulator when it can be kept. */
static void
ui_stats_live(struct ui *ui, struct ui_stats *s, const struct agg_config *cfg)
{
	struct ui_stats_accjob	*aj;

	aj = xcalloc(1, sizeof *aj);
	aj->cfg = *cfg;
	aj->to = ui->v.scanned;		/* the rows hold what is below */
	aj->started = ui_clock();
	aj->cancels = ui_job_cancels(ui);
	aj->sel = ui->v.marked_only ? UINT64_MAX : ui->selections;
	/*
	 * Kept while the rows only grew: no eviction, no new selection (a
	 * filter, range, sliding window, marked-only: ui->selections).
	 */
	if (s->acc != NULL && s->acc_sel == aj->sel && aj->sel != UINT64_MAX &&
	    s->acc_gen == ui->st.generation &&
	    s->acc_filter == ui->filter_c && s->acc_since == ui->v.since &&
	    s->acc_until == ui->v.until && s->acc_next <= aj->to) {
		aj->acc = s->acc;
		aj->from = s->acc_next;
	} else
		agg_acc_free(s->acc);
	s->acc = NULL;
	ui_job_call(ui, "aggregating", 0, ui_stats_acc_job, ui_stats_acc_done,
	    aj);
}

/*
 * Compute the aggregates again if the shown records changed: on the job
 * thread (ui-job.h), while the screen shows the previous ones.
 */
static void
ui_stats_compute(struct ui *ui, struct ui_stats *s)
{
	struct agg_config	 cfg;
	int64_t			 now = ui_clock();

	if (s->stored == NULL && ui->st.naggdocs > 0 && !ui_job_busy(ui)) {
		ui_stats_config(ui, &cfg);
		s->stored = agg_stored_load(&ui->st, &cfg, NULL, NULL);
		s->nstored = ui->st.naggdocs;
		s->rows_ok = false;
		ui_stats_hours(s);
	}
	if (s->valid && s->key_n == ui->v.n && s->key_gen ==
	    ui->st.generation && s->key_filter == ui->filter_c &&
	    s->key_since == ui->v.since && s->key_until == ui->v.until)
		return;
	/* Cancelled (Esc): not again for the same rows until 3 asks. */
	if (s->asked && !ui_job_pending(ui, UI_JOB_AGG | UI_JOB_CALL)) {
		s->asked = false;
		s->stopped = ui_job_cancels(ui) != s->ask_cancels;
	}
	if (s->stopped && s->ask_n == ui->v.n && s->ask_gen ==
	    ui->st.generation && s->ask_filter == ui->filter_c &&
	    s->ask_since == ui->v.since && s->ask_until == ui->v.until)
		return;
	s->stopped = false;
	/* The rows change or are being aggregated already: wait. */
	if (ui_job_pending(ui, UI_JOB_VIEW | UI_JOB_AGG) || s->asked)
		return;
	/* Live: again after UI_STATS_NS, or ten times the last cost. */
	if (s->valid && ui->live && now - s->at < (UI_STATS_NS >
	    10 * s->cost ? UI_STATS_NS : 10 * s->cost) &&
	    s->key_filter == ui->filter_c) {
		ui->dirty |= UI_REDRAW;
		return;
	}
	ui_stats_config(ui, &cfg);
	s->ask_n = ui->v.n;
	s->ask_gen = ui->st.generation;
	s->ask_filter = ui->filter_c;
	s->ask_since = ui->v.since;
	s->ask_until = ui->v.until;
	s->ask_cancels = ui_job_cancels(ui);
	s->asked = true;
	/* Live rows that arrive are added, not aggregated again. */
	if (ui->live)
		ui_stats_live(ui, s, &cfg);
	else
		ui_job_agg(ui, &cfg, ui_stats_done);
}

/* Append the rows of a for the current hour and pane to *v. */
static void
ui_stats_collect(struct ui_stats *s, const struct agg *a,
    struct agg_row **v, size_t *n)
{
	const struct agg_bucket	*b;
	struct agg_row		*r;
	enum agg_dim		 dim = ui_stats_panes[s->pane].dim;
	size_t			 i, nr;

	*v = NULL;
	*n = 0;
	if (a == NULL)
		return;
	if (s->hour < 0) {
		agg_rows(a, -1, dim, v, n);
		return;
	}
	for (i = 0; i < a->nbuckets; i++) {
		b = agg_bucket_at(a, i);
		if (b->timestamp != s->hours[s->hour])
			continue;
		agg_rows(a, (long)i, dim, &r, &nr);
		if (nr == 0)
			continue;
		*v = xreallocarray(*v, *n + nr, sizeof **v);
		memcpy(*v + *n, r, nr * sizeof *r);
		*n += nr;
		free(r);
	}
}

/* Compare two rows' names (org, parent, key) across aggregates. */
static int
ui_stats_namecmp(const struct agg *a, const struct agg_row *x,
    const struct agg *b, const struct agg_row *y)
{
	struct slice	 p, q;
	uint32_t	 ids[3][2] = { { x->org, y->org }, { x->parent,
			    y->parent }, { x->key, y->key } };
	int		 i, c;

	for (i = 0; i < 3; i++) {
		p = agg_str(a, ids[i][0]);
		q = agg_str(b, ids[i][1]);
		c = memcmp(p.ptr, q.ptr, p.len < q.len ? p.len : q.len);
		if (c != 0)
			return (c < 0 ? -1 : 1);
		if (p.len != q.len)
			return (p.len < q.len ? -1 : 1);
	}
	return (0);
}

/* Sort rows by the sort column (numbers) or name (qsort_r: arg is s). */
static int
ui_stats_rowcmp(const void *va, const void *vb, void *arg)
{
	const struct ui_stats_row	*x = va, *y = vb;
	const struct ui_stats		*s = arg;
	double				 p = 0, q = 0;
	int				 c;

	switch (s->sort) {
	case UI_SC_HITS:
		p = (double)x->r.hits;
		q = (double)y->r.hits;
		if (s->mode == UI_STATS_DIFF) {
			p = (double)(x->r.hits - x->s_hits);
			q = (double)(y->r.hits - y->s_hits);
		}
		break;
	case UI_SC_OK:
		p = (double)x->r.success;
		q = (double)y->r.success;
		break;
	case UI_SC_ERR:
		p = (double)x->r.errors;
		q = (double)y->r.errors;
		break;
	case UI_SC_RATE:
		p = x->r.error_rate;
		q = y->r.error_rate;
		break;
	case UI_SC_AVG:
		p = x->r.avg_latency;
		q = y->r.avg_latency;
		break;
	case UI_SC_MAX:
		p = (double)x->r.max_latency;
		q = (double)y->r.max_latency;
		break;
	case UI_SC_LAST:
		p = (double)x->r.last_access;
		q = (double)y->r.last_access;
		break;
	default:
		c = ui_stats_namecmp(x->a, &x->r, y->a, &y->r);
		return (s->sort_desc ? -c : c);
	}
	if (p != q)
		c = p < q ? -1 : 1;
	else
		c = ui_stats_namecmp(x->a, &x->r, y->a, &y->r) * (s->sort_desc ?
		    -1 : 1);
	return (s->sort_desc ? -c : c);
}

/* The name of API id in a (from its API rows), or id itself. */
static struct slice
ui_stats_api_name(struct ui_stats *s, const struct agg *a, struct slice id)
{
	size_t		 k = a == s->stored ? 1 : 0, i;
	struct slice	 x, h;

	for (i = 0; i < s->napis[k]; i++) {
		x = agg_str(a, s->apis[k][i].key);
		if (x.len == id.len && memcmp(x.ptr, id.ptr, id.len) == 0) {
			h = agg_str(a, s->apis[k][i].humanidentifier);
			if (h.len > 0)
				return (h);
			break;
		}
	}
	return (id);
}

/*
 * The org, API (by name) and version of row sr: what separates it from a
 * row of the same name.  api and ver may point into s->ctx.
 */
static void
ui_stats_context(struct ui_stats *s, const struct ui_stats_row *sr,
    struct slice *org, struct slice *api, struct slice *ver)
{
	*org = agg_str(sr->a, sr->r.org);
	agg_row_context(sr->a, &sr->r, &s->ctx, api, ver);
	if (api->len > 0)
		*api = ui_stats_api_name(s, sr->a, *api);
}

/* Work out which context columns the rows need, and their widths. */
static void
ui_stats_context_widths(struct ui *ui, struct ui_stats *s)
{
	struct slice	 org, api, ver, org0 = { "", 0 };
	size_t		 i, k;
	int		 w;
	bool		 orgs = false;

	for (k = 0; k < 2; k++) {
		free(s->apis[k]);
		s->apis[k] = NULL;
		s->napis[k] = 0;
		if ((k == 0 ? s->comp : s->stored) != NULL)
			agg_rows(k == 0 ? s->comp : s->stored, -1, AGG_APIID,
			    &s->apis[k], &s->napis[k]);
	}
	s->org_w = s->api_w = s->ver_w = 0;
	for (i = 0; i < s->nrows; i++) {
		ui_stats_context(s, &s->rows[i], &org, &api, &ver);
		if (i == 0)
			org0 = org;
		else if (org.len != org0.len || memcmp(org.ptr, org0.ptr,
		    org.len) != 0)
			orgs = true;
		if (org.len > 0 && (w = (int)render_width(org.ptr, org.len)) >
		    s->org_w)
			s->org_w = w;
		if (api.len > 0 && (w = (int)render_width(api.ptr, api.len)) >
		    s->api_w)
			s->api_w = w;
		if (ver.len > 0 && (w = (int)render_width(ver.ptr, ver.len)) >
		    s->ver_w)
			s->ver_w = w;
	}
	if (!orgs)
		s->org_w = 0;
	/* Titles fit; the name keeps room (the widths are caps). */
	if (s->org_w > 0)
		s->org_w = s->org_w < 3 ? 3 : (s->org_w > 13 ? 13 : s->org_w);
	if (s->api_w > 0)
		s->api_w = s->api_w < 3 ? 3 : (s->api_w > 16 ? 16 : s->api_w);
	if (s->ver_w > 0)
		s->ver_w = s->ver_w < 3 ? 3 : (s->ver_w > 10 ? 10 : s->ver_w);
	(void)ui;
}

/* Build the rows shown for the current mode, hour and pane. */
static void
ui_stats_rows_build(struct ui *ui, struct ui_stats *s)
{
	struct agg_row	*c = NULL, *t = NULL;
	size_t		 nc = 0, nt = 0, i = 0, j = 0, n = 0;
	int		 k;

	free(s->rows);
	s->rows = NULL;
	s->nrows = 0;
	if (s->mode != UI_STATS_STORED)
		ui_stats_collect(s, s->comp, &c, &nc);
	if (s->mode != UI_STATS_COMPUTED)
		ui_stats_collect(s, s->stored, &t, &nt);
	s->rows = xcalloc(nc + nt + 1, sizeof *s->rows);
	if (s->mode == UI_STATS_COMPUTED || s->mode == UI_STATS_STORED) {
		for (i = 0; i < nc + nt; i++) {
			s->rows[n].r = i < nc ? c[i] : t[i - nc];
			s->rows[n].a = i < nc ? s->comp : s->stored;
			s->rows[n].in_c = i < nc;
			s->rows[n].in_s = i >= nc;
			n++;
		}
	} else {
		/* Merge by name: both lists are sorted by org, parent, key
		 * when they come from one bucket or the whole range. */
		while (i < nc || j < nt) {
			if (i < nc && j < nt)
				k = ui_stats_namecmp(s->comp, &c[i], s->stored,
				    &t[j]);
			else
				k = i < nc ? -1 : 1;
			if (k <= 0) {
				s->rows[n].r = c[i];
				s->rows[n].a = s->comp;
				s->rows[n].in_c = true;
				i++;
			} else {
				memset(&s->rows[n].r, 0, sizeof s->rows[n].r);
				s->rows[n].r.org = t[j].org;
				s->rows[n].r.parent = t[j].parent;
				s->rows[n].r.key = t[j].key;
				s->rows[n].r.identifier = t[j].identifier;
				s->rows[n].r.humanidentifier =
				    t[j].humanidentifier;
				s->rows[n].r.dim = t[j].dim;
				s->rows[n].r.since = t[j].since;
				s->rows[n].r.until = t[j].until;
				s->rows[n].a = s->stored;
			}
			if (k >= 0) {
				s->rows[n].s_hits = t[j].hits;
				s->rows[n].s_success = t[j].success;
				s->rows[n].s_errors = t[j].errors;
				s->rows[n].in_s = true;
				j++;
			}
			n++;
		}
	}
	s->nrows = n;
	free(c);
	free(t);
	qsort_r(s->rows, s->nrows, sizeof *s->rows, ui_stats_rowcmp, s);
	if (s->cursor >= s->nrows)
		s->cursor = s->nrows == 0 ? 0 : s->nrows - 1;
	ui_stats_context_widths(ui, s);
	s->rows_ok = true;
}

/*
 * Rows built on the job thread into a private struct ui_stats: the
 * inputs (mode, pane, hour, sort) copied when asked for, the aggregates
 * read when it runs (they change only between jobs), the outputs its own.
 */
struct ui_stats_rowjob {
	struct ui_stats	 w;
};

/* ui_job_call's work. */
static bool
ui_stats_rows_job(struct ui *ui, void *arg, struct view_ctl *ctl)
{
	struct ui_stats_rowjob	*rj = arg;
	struct ui_stats		*s = ui->stats, *w = &rj->w;

	(void)ctl;
	w->comp = s->comp;
	w->stored = s->stored;
	w->hours = s->hours;
	w->nhours = s->nhours;
	if (w->hour >= (long)w->nhours)
		w->hour = -1;		/* new aggregates: dropped in done */
	ui_stats_rows_build(ui, w);
	return (true);
}

/* Free what a row job's private struct holds. */
static void
ui_stats_rowjob_free(struct ui_stats_rowjob *rj)
{
	free(rj->w.rows);
	free(rj->w.apis[0]);
	free(rj->w.apis[1]);
	buf_clear(&rj->w.ctx);
	free(rj);
}

/* ui_job_call's result: the rows, if still those of the screen's state. */
static void
ui_stats_rows_done(struct ui *ui, void *arg, bool ok)
{
	struct ui_stats_rowjob	*rj = arg;
	struct ui_stats		*s = ui->stats, *w = &rj->w;
	int			 k;

	if (s == NULL) {
		ui_stats_rowjob_free(rj);
		return;
	}
	s->rows_asked = false;
	ui->dirty |= UI_REDRAW;
	if (!ok || s->rows_ok || w->comp != s->comp || w->stored !=
	    s->stored || w->mode != s->mode || w->pane != s->pane ||
	    w->hour != s->hour || w->sort != s->sort || w->sort_desc !=
	    s->sort_desc) {
		ui_stats_rowjob_free(rj);
		return;
	}
	free(s->rows);
	s->rows = w->rows;
	s->nrows = w->nrows;
	w->rows = NULL;
	for (k = 0; k < 2; k++) {
		free(s->apis[k]);
		s->apis[k] = w->apis[k];
		s->napis[k] = w->napis[k];
		w->apis[k] = NULL;
	}
	s->org_w = w->org_w;
	s->api_w = w->api_w;
	s->ver_w = w->ver_w;
	if (s->cursor >= s->nrows)
		s->cursor = s->nrows == 0 ? 0 : s->nrows - 1;
	s->rows_ok = true;
	ui_stats_rowjob_free(rj);
}

/*
 * The rows shown: built at once for small aggregates, else on the job
 * thread (the table is empty meanwhile, the header says so).
 */
static void
ui_stats_rows(struct ui *ui, struct ui_stats *s)
{
	struct ui_stats_rowjob	*rj;
	size_t			 n;

	if (s->rows_asked)
		return;
	n = (s->comp != NULL ? s->comp->nctrs : 0) + (s->stored != NULL ?
	    s->stored->nctrs : 0);
	if (!ui_job_worth(ui, n, UI_STATS_SYNC)) {
		ui_stats_rows_build(ui, s);
		return;
	}
	rj = xcalloc(1, sizeof *rj);
	rj->w.mode = s->mode;
	rj->w.pane = s->pane;
	rj->w.hour = s->hour;
	rj->w.sort = s->sort;
	rj->w.sort_desc = s->sort_desc;
	buf_init(&rj->w.ctx);
	free(s->rows);
	s->rows = NULL;
	s->nrows = 0;
	s->rows_asked = true;
	ui_job_call(ui, "listing", 0, ui_stats_rows_job, ui_stats_rows_done,
	    rj);
}

/* The name of a row, safe (keys masked unless revealed). */
static void
ui_stats_name(struct ui *ui, const struct ui_stats_row *sr, struct buf *b)
{
	const struct agg	*a = sr->a;
	struct slice		 k = agg_str(a, sr->r.key);
	struct slice		 h = agg_str(a, sr->r.humanidentifier);
	struct slice		 p = agg_str(a, sr->r.parent);

	if (p.len > 0) {
		render_safe(b, p.ptr, p.len, 0);
		buf_addc(b, ' ');
	}
	switch (sr->r.dim) {
	case AGG_APIKEYS:
		/* Alias and digest (ui_filter_key_label), never key bytes. */
		if (h.len > 0 && !slice_eq(h, "")) {
			render_safe(b, h.ptr, h.len, 0);
			buf_adds(b, " ");
		}
		if (ui->reveal)
			render_safe(b, k.ptr, k.len, 0);
		else
			ui_filter_key_label(ui, k.ptr, k.len, "", 0, 0, b);
		return;
	case AGG_APIENDPOINTS:
	case AGG_ENDPOINTS:
	case AGG_APIID:
	case AGG_VERSIONS:
		if (h.len > 0) {
			render_safe(b, h.ptr, h.len, 0);
			return;
		}
		break;
	default:
		break;
	}
	render_safe(b, k.ptr, k.len, 0);
}

/* Width of each numeric column (LAST with its date over days: 11). */
static const int ui_stats_w0[UI_SC_COUNT] = { 0, 8, 8, 7, 6, 7, 7, 9 };
static int ui_stats_w[UI_SC_COUNT] = { 0, 8, 8, 7, 6, 7, 7, 9 };

/* Lay the columns out: x of each, and the name width. */
static int
ui_stats_layout(const struct ui *ui, int *x)
{
	int	 i, used = 0, name;

	memcpy(ui_stats_w, ui_stats_w0, sizeof ui_stats_w);
	if (ui_spans_days(ui))
		ui_stats_w[UI_SC_LAST] = 11;
	/* Narrow: ERR% and MAX give their room to the name and context. */
	if (ui->cols < 100)
		ui_stats_w[UI_SC_RATE] = ui_stats_w[UI_SC_MAX] = 0;
	for (i = 1; i < UI_SC_COUNT; i++)
		used += ui_stats_w[i] > 0 ? ui_stats_w[i] + 1 : 0;
	name = ui->cols - 1 - used;
	if (name < 10)
		name = 10;
	x[0] = 0;
	for (i = 1; i < UI_SC_COUNT; i++)
		x[i] = x[i - 1] + (i == 1 ? name + 1 : (ui_stats_w[i - 1] > 0 ?
		    ui_stats_w[i - 1] + 1 : 0));
	return (name);
}

/*
 * The widths of the ORG, API and VER columns inside a name column of nw:
 * each as wide as its longest value (capped), given room in turn (API,
 * version, then org, whose end is shown) while the name keeps two fifths
 * (twelve columns at least).  0: not shown.
 */
static void
ui_stats_fit(const struct ui_stats *s, int nw, int *cw)
{
	static const int order[3] = { 1, 2, 0 };	/* API, VER, ORG */
	int		 c, k, room;

	room = nw - (nw * 2 / 5 > 12 ? nw * 2 / 5 : 12);
	cw[0] = s->org_w;
	cw[1] = s->api_w;
	cw[2] = s->ver_w;
	for (k = 0; k < 3; k++) {
		c = order[k];
		if (cw[c] == 0)
			continue;
		if (cw[c] + 1 > room)
			cw[c] = room - 1;
		if (cw[c] < 3)
			cw[c] = 0;
		room -= cw[c] > 0 ? cw[c] + 1 : 0;
	}
}

/* Draw one row. */
static void
ui_stats_row(struct ui *ui, struct ui_stats *s, size_t i, int y, int *x,
    int nw)
{
	const struct ui_stats_row	*sr = &s->rows[i];
	struct buf			 b;
	struct slice			 cs[3];
	char				 t[64], tm[TIMEFMT_MAX];
	int				 c, attr, base, cw[3], xx;
	bool				 cur = i == s->cursor;

	buf_init(&b);
	base = cur ? ui_attr(ui, UI_C_CURSOR) : UI_AT_NORMAL;
	if (cur)
		ui_draw_fill(ui, y, 0, ui->cols - 1, base);
	/* ORG, API, VER: what tells rows of the same name apart. */
	ui_stats_context(s, sr, &cs[0], &cs[1], &cs[2]);
	ui_stats_fit(s, nw, cw);
	for (c = 0, xx = x[0]; c < 3; c++) {
		if (cw[c] == 0)
			continue;
		buf_reset(&b);
		/* An org id is told apart by its end (ObjectIds by their
		 * counter): cut it at the left. */
		if (c == 0 && render_width(cs[c].ptr, cs[c].len) >
		    (size_t)cw[c]) {
			buf_adds(&b, ui_glyph(ui, UI_G_ELLIPSIS));
			render_safe(&b, cs[c].ptr + cs[c].len - (cw[c] - 1),
			    (size_t)cw[c] - 1, 0);
		} else
			render_safe(&b, cs[c].ptr, cs[c].len, 0);
		ui_draw_text(ui, y, xx, cw[c], b.data == NULL ? "" : b.data,
		    b.len, cur ? base : ui_attr(ui, UI_C_DIM));
		xx += cw[c] + 1;
	}
	buf_reset(&b);
	ui_stats_name(ui, sr, &b);
	ui_draw_text(ui, y, xx, nw - (xx - x[0]), b.data == NULL ? "" :
	    b.data, b.len, base);
	for (c = 1; c < UI_SC_COUNT; c++) {
		attr = base;
		t[0] = '\0';
		if (s->mode == UI_STATS_DIFF) {
			switch (c) {
			case UI_SC_HITS:
				ui_frame_snum(t, sizeof t, sr->s_hits);
				break;
			case UI_SC_OK:
				ui_frame_snum(t, sizeof t, sr->r.hits);
				break;
			case UI_SC_ERR:
				snprintf(t, sizeof t, "%+lld",
				    (long long)(sr->r.hits - sr->s_hits));
				if (sr->r.hits != sr->s_hits && !cur)
					attr = ui_attr(ui, UI_C_5XX);
				break;
			default:
				break;
			}
		} else {
			switch (c) {
			case UI_SC_HITS:
				ui_frame_snum(t, sizeof t, sr->r.hits);
				break;
			case UI_SC_OK:
				ui_frame_snum(t, sizeof t, sr->r.success);
				break;
			case UI_SC_ERR:
				ui_frame_snum(t, sizeof t, sr->r.errors);
				if (sr->r.errors > 0 && !cur)
					attr = ui_attr(ui, UI_C_5XX);
				break;
			case UI_SC_RATE:
				snprintf(t, sizeof t, "%.1f",
				    sr->r.error_rate * 100);
				break;
			case UI_SC_AVG:
				/* Rounded as %.0f rounds. */
				snprintf(t, sizeof t, "%.0f",
				    sr->r.avg_latency);
				ui_frame_snum(t, sizeof t,
				    strtoll(t, NULL, 10));
				break;
			case UI_SC_MAX:
				ui_frame_snum(t, sizeof t, sr->r.max_latency);
				break;
			case UI_SC_LAST:
				if (sr->r.last_access != 0) {
					timefmt_local(tm, sizeof tm,
					    sr->r.last_access / 1000000000,
					    0, 0);
					if (ui_stats_w[UI_SC_LAST] > 9)
						snprintf(t, sizeof t,
						    "%.5s %.5s", tm + 5,
						    tm + 11);
					else
						snprintf(t, sizeof t, "%.8s",
						    tm + 11);
				}
				break;
			default:
				break;
			}
		}
		if (ui_stats_w[c] == 0)
			continue;
		ui_draw_str(ui, y, x[c] + ui_stats_w[c] - (int)strlen(t),
		    (int)strlen(t), t, attr);
	}
	buf_clear(&b);
}

/* Lines of the table. */
static size_t
ui_stats_height(const struct ui *ui)
{
	int	 h = ui->lines - 5;

	return (h < 1 ? 1 : (size_t)h);
}

/* Draw the Aggregates screen. */
static void
ui_stats_draw(struct ui *ui)
{
	struct ui_stats	*s = ui_stats_get(ui);
	char		 t[256], t1[TIMEFMT_MAX], t2[TIMEFMT_MAX], nm[16], n1[32];
	const char	*dcols[UI_SC_COUNT] = { "NAME", "STORED", "COMPUTED",
			    "DELTA", "", "", "", "" };
	int		 x[UI_SC_COUNT], nw, i, xx, attr, y, w, cw[3];
	size_t		 k, h = ui_stats_height(ui);

	ui_frame_header(ui);
	ui_stats_compute(ui, s);
	if (!s->rows_ok)
		ui_stats_rows(ui, s);

	/* Line 1: the hour, the source of the numbers. */
	if (s->hour < 0 || s->nhours == 0) {
		if (s->nhours > 0) {
			timefmt_local(t1, sizeof t1, s->hours[0], 0, 0);
			timefmt_local(t2, sizeof t2,
			    s->hours[s->nhours - 1] + 3600, 0, 0);
			snprintf(t, sizeof t, " all %zu hour%s %.10s %.5s%s"
			    "%.10s %.5s", s->nhours, s->nhours == 1 ? "" : "s",
			    t1, t1 + 11, ui_glyph(ui, UI_G_DASH), t2, t2 + 11);
		} else
			snprintf(t, sizeof t, " no hours");
	} else {
		timefmt_local(t1, sizeof t1, s->hours[s->hour], 0, 0);
		timefmt_local(t2, sizeof t2, s->hours[s->hour] + 3600, 0, 0);
		snprintf(t, sizeof t, " hour %ld/%zu %.10s %.5s%s%.5s %s",
		    s->hour + 1, s->nhours, t1, t1 + 11,
		    ui_glyph(ui, UI_G_DASH), t2 + 11, timefmt_zone_name());
	}
	xx = ui_draw_str(ui, 1, 0, ui->cols, t, ui_attr(ui, UI_C_TITLE));
	ui_frame_num(n1, sizeof n1, s->valid ? s->key_n : ui->v.n);
	if (s->mode == UI_STATS_COMPUTED && s->stopped)
		snprintf(t, sizeof t, "  %s: aggregation cancelled (3: again)",
		    s->valid ? "older figures" : "none");
	else if (s->mode == UI_STATS_COMPUTED && !s->valid)
		snprintf(t, sizeof t, "  aggregating %s records%s...",
		    n1, ui->filter != NULL ? " (filtered)" : "");
	else if (s->mode == UI_STATS_COMPUTED)
		snprintf(t, sizeof t, "  computed from %s records%s%s%s",
		    n1, s->key_filter != NULL ? " (filtered)" : "",
		    ui_job_pending(ui, UI_JOB_AGG) ? ", again..." : "",
		    s->nstored > 0 ? "  S: stored" : "");
	else if (ui->o->summary)
		snprintf(t, sizeof t, "  %s: server-side summaries (%llu "
		    "documents), not the pump's exact counters: no minimum "
		    "latencies, tags or endpoints", ui_stats_modes[s->mode],
		    (unsigned long long)s->nstored);
	else
		snprintf(t, sizeof t, "  %s (%llu stored documents)",
		    ui_stats_modes[s->mode], (unsigned long long)s->nstored);
	ui_draw_str(ui, 1, xx, ui->cols - xx, t, ui_attr(ui, UI_C_DIM));

	/* Line 2: the panes. */
	xx = 0;
	for (i = 0; i < UI_STATS_NPANES && xx < ui->cols; i++) {
		snprintf(t, sizeof t, " %s ", ui_stats_panes[i].name);
		xx += ui_draw_str(ui, 2, xx, ui->cols - xx, t, i == s->pane ?
		    ui_attr(ui, UI_C_HEADER) | UI_AT_BOLD : UI_AT_NORMAL);
	}

	/* Line 3: titles. */
	nw = ui_stats_layout(ui, x);
	for (i = 0; i < UI_SC_COUNT; i++) {
		snprintf(nm, sizeof nm, "%s%s", s->mode == UI_STATS_DIFF ?
		    dcols[i] : ui_stats_cols[i], s->sort == i ?
		    ui_glyph(ui, s->sort_desc ? UI_G_DOWN : UI_G_UP) : "");
		attr = ui_attr(ui, UI_C_TITLE);
		if (s->col == i)
			attr |= UI_AT_UNDERLINE;
		if (i == 0) {
			xx = 0;
			ui_stats_fit(s, nw, cw);
			for (k = 0; k < 3; k++) {
				w = cw[k];
				if (w == 0)
					continue;
				ui_draw_str(ui, 3, xx, w, k == 0 ? "ORG" :
				    (k == 1 ? "API" : "VER"),
				    ui_attr(ui, UI_C_TITLE));
				xx += w + 1;
			}
			ui_draw_str(ui, 3, xx, nw - xx, nm, attr);
		} else if (ui_stats_w[i] > 0)
			ui_draw_str(ui, 3, x[i] + ui_stats_w[i] -
			    (int)ui_text_width(ui, nm, strlen(nm)),
			    ui_stats_w[i] + 1, nm, attr);
	}

	if (s->err != NULL)
		ui_draw_str(ui, 5, 2, ui->cols - 4, s->err,
		    ui_attr(ui, UI_C_ERROR));
	else if (s->nrows == 0 && (s->rows_asked || (!s->valid &&
	    !s->stopped && s->mode != UI_STATS_STORED)))
		ui_draw_str(ui, 5, 2, ui->cols - 4, s->rows_asked ?
		    "listing..." : "aggregating...", ui_attr(ui, UI_C_DIM));
	else if (s->nrows == 0)
		ui_draw_str(ui, 5, 2, ui->cols - 4, s->mode ==
		    UI_STATS_COMPUTED ? "nothing to aggregate" :
		    "no stored aggregates", ui_attr(ui, UI_C_DIM));
	if (s->cursor < s->top)
		s->top = s->cursor;
	if (s->cursor >= s->top + h)
		s->top = s->cursor - h + 1;
	y = 4;
	for (k = s->top; k < s->nrows && k < s->top + h; k++)
		ui_stats_row(ui, s, k, y++, x, nw);
	ui_frame_bottom(ui);
}

/* Enter: drill down to the records behind the row under the cursor. */
static unsigned
ui_stats_drill(struct ui *ui, struct ui_stats *s)
{
	const struct ui_stats_row	*sr;
	struct buf			 b, part;
	char				*f, *rest, t1[TIMEFMT_MAX], t2[TIMEFMT_MAX];
	int64_t				 since, until;

	if (s->cursor >= s->nrows)
		return (0);
	sr = &s->rows[s->cursor];
	f = agg_row_filter(sr->a, &sr->r);
	buf_init(&b);
	buf_init(&part);
	ui_filter_hide_keys(f[0] == ' ' ? f + 1 : f, &part);	/* no key shown */
	free(f);
	/*
	 * A drill-down replaces what the last one added (when it is still
	 * there whole), and its range, within the range before it.
	 */
	rest = NULL;
	if (ui->filter != NULL && ui->drill != NULL &&
	    strcmp((rest = ui_filter_without(ui->filter, ui->drill, false)),
	    ui->filter) != 0) {
		since = ui->drill_since;
		until = ui->drill_until;
	} else {
		free(rest);
		rest = ui->filter != NULL ? xstrdup(ui->filter) : NULL;
		since = ui->v.since;
		until = ui->v.until;
	}
	if (rest != NULL && *rest != '\0') {
		buf_adds(&b, rest);
		buf_addc(&b, ' ');
	}
	free(rest);
	buf_add(&b, part.data, part.len);
	buf_addc(&b, '\0');
	ui_job_stash(ui);
	view_set_range(&ui->v, sr->r.since > since ? sr->r.since : since,
	    sr->r.until < until ? sr->r.until : until);
	if (ui_apply_filter(ui, b.data) != 0) {
		ui_message(ui, "drill-down: %s", ui->filter_err);
		view_set_range(&ui->v, INT64_MIN, INT64_MAX);
		buf_clear(&b);
		buf_clear(&part);
		return (UI_REDRAW);
	}
	free(ui->drill);
	buf_addc(&part, '\0');
	ui->drill = buf_take(&part);
	ui->drill_since = since;
	ui->drill_until = until;
	free(ui->range_label);
	timefmt_local(t1, sizeof t1, ui->v.since / 1000000000, 0, 0);
	timefmt_local(t2, sizeof t2, ui->v.until / 1000000000, 0, 0);
	xasprintf(&ui->range_label, "%.10s %.5s%s%.5s", t1, t1 + 11,
	    ui_glyph(ui, UI_G_DASH), t2 + 11);
	buf_clear(&b);
	ui->screen = UI_RECORDS;
	ui_job_then(ui, UI_JOB_THEN_HOME);
	return (UI_REDRAW);
}

/* 5 here: name the row under the cursor for the Chart screen. */
static unsigned
ui_stats_chart_row(struct ui *ui, struct ui_stats *s)
{
	struct buf	 b;
	char		*f;

	free(ui->chart_row);
	ui->chart_row = NULL;
	ui->chart_row_gen++;
	if (s->cursor >= s->nrows)
		return (0);
	f = agg_row_filter(s->rows[s->cursor].a, &s->rows[s->cursor].r);
	buf_init(&b);
	ui_filter_hide_keys(f[0] == ' ' ? f + 1 : f, &b);
	free(f);
	ui->chart_row = xstrdup(b.data);
	buf_clear(&b);
	return (0);
}

/* Handle an action on the Aggregates screen. */
static unsigned
ui_stats_action(struct ui *ui, enum ui_action a)
{
	struct ui_stats	*s = ui_stats_get(ui);
	size_t		 h = ui_stats_height(ui);

	switch (a) {
	case UI_A_SCREEN3:
		s->stopped = false;	/* 3 aggregates a cancelled set */
		break;
	case UI_A_BACK:
	case UI_A_ESCAPE:
		ui->screen = UI_RECORDS;
		break;
	case UI_A_DOWN:
		if (s->cursor + 1 < s->nrows)
			s->cursor++;
		break;
	case UI_A_UP:
		if (s->cursor > 0)
			s->cursor--;
		break;
	case UI_A_PGDN:
	case UI_A_HALFDN:
		s->cursor += a == UI_A_PGDN ? h : h / 2;
		if (s->cursor >= s->nrows)
			s->cursor = s->nrows == 0 ? 0 : s->nrows - 1;
		break;
	case UI_A_PGUP:
	case UI_A_HALFUP:
		s->cursor = s->cursor > (a == UI_A_PGUP ? h : h / 2) ?
		    s->cursor - (a == UI_A_PGUP ? h : h / 2) : 0;
		break;
	case UI_A_TOP:
		s->cursor = 0;
		break;
	case UI_A_BOTTOM:
		s->cursor = s->nrows == 0 ? 0 : s->nrows - 1;
		break;
	case UI_A_TAB:
	case UI_A_BTAB:
		s->pane = (s->pane + (a == UI_A_TAB ? 1 : UI_STATS_NPANES -
		    1)) % UI_STATS_NPANES;
		s->cursor = s->top = 0;
		s->rows_ok = false;
		break;
	case UI_A_LEFT:
		do
			s->col = s->col == 0 ? UI_SC_COUNT - 1 : s->col - 1;
		while (s->col != 0 && ui_stats_w[s->col] == 0);
		break;
	case UI_A_RIGHT:
		do
			s->col = (s->col + 1) % UI_SC_COUNT;
		while (s->col != 0 && ui_stats_w[s->col] == 0);
		break;
	case UI_A_SORT:
		if (s->sort == s->col)
			s->sort_desc = !s->sort_desc;
		else {
			s->sort = s->col;
			s->sort_desc = s->col != UI_SC_NAME;
		}
		s->rows_ok = false;
		break;
	case UI_A_HOUR_PREV:
		if (s->nhours == 0)
			break;
		s->hour = s->hour < 0 ? (long)s->nhours - 1 : s->hour - 1;
		s->cursor = s->top = 0;
		s->rows_ok = false;
		break;
	case UI_A_HOUR_NEXT:
		if (s->nhours == 0)
			break;
		s->hour = s->hour + 1 >= (long)s->nhours ? -1 : s->hour + 1;
		s->cursor = s->top = 0;
		s->rows_ok = false;
		break;
	case UI_A_STORED:
		if (s->nstored == 0 && ui->st.naggdocs == 0) {
			ui_message(ui, "no stored aggregates: read a mongodump "
			    "with aggregate collections");
			break;
		}
		s->mode = (s->mode + 1) % UI_STATS_NMODES;
		s->rows_ok = false;
		break;
	case UI_A_ENTER:
		return (ui_stats_drill(ui, s));
	case UI_A_CHART_ROW:
		return (ui_stats_chart_row(ui, s));
	case UI_A_FILTER:
		ui->screen = UI_RECORDS;
		return (ui_screen_ops(UI_RECORDS)->action(ui, a));
	case UI_A_FILTER_CLEAR:
		return (ui_screen_ops(UI_RECORDS)->action(ui, a));
	default:
		return (0);
	}
	return (UI_REDRAW);
}

const struct ui_screen_ops ui_stats_screen = {
	.title = "Aggregates",
	.draw = ui_stats_draw,
	.action = ui_stats_action
};
