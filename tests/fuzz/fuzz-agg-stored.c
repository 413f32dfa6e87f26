/* SPDX-License-Identifier: ISC */
/*
 * Fuzz stored aggregate documents: the input is a stream of BSON
 * documents (each with its own length), all loaded as if read from
 * z_tyk_analyticz_aggregate_<org> (or, with the first byte odd, from
 * tyk_analytics_aggregates), summed, printed as JSON and as a table, and
 * reconciled against themselves.  Nothing may crash, leak or overflow.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bson/bson.h>

#include "agg-output.h"
#include "agg-rows.h"
#include "agg-stored.h"
#include "agg.h"
#include "store.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *p, size_t len)
{
	struct store	 st;
	struct agg	*a;
	struct agg_row	*rows;
	bson_reader_t	*rd;
	const bson_t	*doc;
	bool		 eof = false;
	uint16_t	 src;
	size_t		 n, i;
	FILE		*f;
	char		*s;
	int		 d;

	if (len < 1)
		return (0);
	store_init(&st, 1000);
	src = store_source_add(&st, (p[0] & 1) ?
	    "tyk_analytics_aggregates.bson" :
	    "z_tyk_analyticz_aggregate_x.bson", STORE_SRC_COLLECTION);
	rd = bson_reader_new_from_data(p + 1, len - 1);
	while ((doc = bson_reader_read(rd, &eof)) != NULL)
		store_add_aggdoc(&st, src, 0, doc);
	bson_reader_destroy(rd);
	a = agg_stored_load(&st, NULL, NULL, NULL);
	if (a != NULL) {
		f = fopen("/dev/null", "w");
		if (f != NULL) {
			agg_output_json(f, a, NULL);
			agg_output_table(f, a, NULL, false);
			agg_output_reconcile(f, a, a, NULL, false, false);
			fclose(f);
		}
		for (d = AGG_TOTAL; d < AGG_NDIMS; d++) {
			agg_rows(a, -1, (enum agg_dim)d, &rows, &n);
			for (i = 0; i < n && i < 8; i++) {
				s = agg_row_filter(a, &rows[i]);
				free(s);
			}
			free(rows);
		}
		agg_free(a);
	}
	store_clear(&st);
	return (0);
}
