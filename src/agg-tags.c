/* SPDX-License-Identifier: ISC */
/*
 * Tag-list counters: the records of one bucket with the same tag list are
 * summed once, then folded into each tag's counter by agg_finish (see
 * struct agg_lctr in agg-impl.h for why this is exact).
 */
#include "config.h"

#include "agg.h"

#include <stdlib.h>
#include <string.h>

#include "agg-hash.h"
#include "agg-impl.h"
#include "xmalloc.h"

/* A new tag-list counter from the record's counter; returns its index. */
uint32_t
agg_lctr_new(struct agg *a, uint32_t bucket, uint32_t tags,
    const struct agg_rc *rc)
{
	struct agg_lctr	*l;

	if (a->nlctrs == a->lctrs_cap) {
		a->lctrs_cap = a->lctrs_cap == 0 ? 256 : a->lctrs_cap * 2;
		a->lctrs = xreallocarray(a->lctrs, a->lctrs_cap,
		    sizeof *a->lctrs);
	}
	l = &a->lctrs[a->nlctrs];
	memset(l, 0, sizeof *l);
	l->bucket = bucket;
	l->tags = tags;
	l->hits = 1;
	l->success = rc->success;
	l->errortotal = rc->errortotal;
	l->totalrequesttime = rc->rt;
	l->totallatency = l->maxlatency = l->firstlat = rc->lat;
	l->totalupstreamlatency = l->maxupstreamlatency = l->firstup = rc->up;
	l->nemin = rc->errortotal ? INT64_MAX : rc->lat;
	l->nemin_up = rc->errortotal ? INT64_MAX : rc->up;
	l->first_ms = rc->ms;
	l->first_ts = l->last_ts = rc->ns;
	if (rc->errortotal) {
		l->errs = xmalloc(sizeof *l->errs);
		l->errs_cap = l->nerrs = 1;
		l->errs[0].code = rc->code;
		l->errs[0].count = 1;
	}
	return (a->nlctrs++);
}

/* Add n errors of code to an errormap array. */
static void
agg_errs_add(struct agg_err **errs, uint32_t *nerrs, uint32_t *cap,
    uint32_t code, int64_t n)
{
	uint32_t	 i;

	for (i = 0; i < *nerrs; i++) {
		if ((*errs)[i].code == code) {
			(*errs)[i].count += n;
			return;
		}
	}
	if (*nerrs == *cap) {
		*cap = *cap == 0 ? 2 : *cap * 2;
		*errs = xreallocarray(*errs, *cap, sizeof **errs);
	}
	(*errs)[*nerrs].code = code;
	(*errs)[*nerrs].count = n;
	(*nerrs)++;
}

/* Add a later record to tag-list counter li. */
void
agg_lctr_merge(struct agg *a, uint32_t li, const struct agg_rc *rc)
{
	struct agg_lctr	*l = &a->lctrs[li];

	l->hits++;
	l->success += rc->success;
	l->errortotal += rc->errortotal;
	if (rc->errortotal)
		agg_errs_add(&l->errs, &l->nerrs, &l->errs_cap, rc->code, 1);
	else {
		if (rc->lat < l->nemin)
			l->nemin = rc->lat;
		if (rc->up < l->nemin_up)
			l->nemin_up = rc->up;
	}
	l->totalrequesttime += rc->rt;
	l->totallatency += rc->lat;
	l->totalupstreamlatency += rc->up;
	if (rc->lat > l->maxlatency)
		l->maxlatency = rc->lat;
	if (rc->up > l->maxupstreamlatency)
		l->maxupstreamlatency = rc->up;
	if (rc->ns > l->last_ts)
		l->last_ts = rc->ns;
}

/* Fold every tag-list counter into its tags' counters, in record order. */
void
agg_lctr_fold(struct agg *a)
{
	struct agg_lctr		*l;
	struct agg_counter	*c;
	const uint32_t		*tags;
	uint32_t		 li, i, n, ci, e;
	bool			 created;

	for (li = 0; li < a->nlctrs; li++) {
		l = &a->lctrs[li];
		tags = a->tagpool + l->tags;
		n = tags[0] & ~AGG_TAG_GQL;
		for (i = 0; i < n; i++) {
			ci = agg_counter_get(a, l->bucket, AGG_TAGS, 0,
			    tags[1 + i], &created);
			c = &a->ctrs[ci];
			if (created) {
				c->identifier = c->humanidentifier =
				    tags[1 + i];
				c->minlatency = l->firstlat;
				c->minupstreamlatency = l->firstup;
				c->lasttime = l->first_ms;
				c->first_ts = l->first_ts;
				c->maxlatency = l->maxlatency;
				c->maxupstreamlatency = l->maxupstreamlatency;
			}
			c->hits += l->hits;
			c->success += l->success;
			c->errortotal += l->errortotal;
			c->totalrequesttime += l->totalrequesttime;
			c->totallatency += l->totallatency;
			c->totalupstreamlatency += l->totalupstreamlatency;
			if (l->maxlatency > c->maxlatency)
				c->maxlatency = l->maxlatency;
			if (l->maxupstreamlatency > c->maxupstreamlatency)
				c->maxupstreamlatency = l->maxupstreamlatency;
			if (l->nemin < c->minlatency)
				c->minlatency = l->nemin;
			if (l->nemin_up < c->minupstreamlatency)
				c->minupstreamlatency = l->nemin_up;
			if (l->last_ts > c->last_ts)
				c->last_ts = l->last_ts;
			for (e = 0; e < l->nerrs; e++)
				agg_counter_add_err(a, ci, l->errs[e].code,
				    l->errs[e].count);
		}
		free(l->errs);
	}
	free(a->lctrs);
	a->lctrs = NULL;
	a->nlctrs = a->lctrs_cap = 0;
}
