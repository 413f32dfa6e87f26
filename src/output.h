/* SPDX-License-Identifier: ISC */
/*
 * Batch output: records as JSON lines (Tyk JSON keys), TSV or a table, on a
 * FILE.  The same record-to-JSON code serves the TUI's Raw tab.
 */
#ifndef OUTPUT_H
#define OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

#include <yajl/yajl_gen.h>

#include "bytes.h"

struct mask;
struct options;
struct record;
struct store;
struct output;

struct output	*output_create(FILE *, const struct options *,
		    const struct store *);
void		 output_record(struct output *, const struct record *);
void		 output_set_tty(struct output *, bool);
void		 output_free(struct output *);
void		 output_record_json(yajl_gen, const struct store *,
		    const struct record *);
void		 output_record_json_decode(yajl_gen, const struct store *,
		    const struct record *, bool);
void		 output_record_json_buf(struct buf *, const struct store *,
		    const struct record *, bool);
void		 output_record_json_shown(struct buf *, const struct store *,
		    const struct record *, const struct mask *);
void		 output_position(struct buf *, const struct store *,
		    const struct record *);
void		 output_mask_key(struct buf *, const char *, size_t);

#endif
