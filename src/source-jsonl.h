/* SPDX-License-Identifier: ISC */
/*
 * JSON lines reader: one record per line, with the Tyk JSON keys
 * (tyk-formats.md 1.5) or mongoexport's Extended JSON with the BSON keys.
 * Each line goes through libbson's JSON parser, then decode-bson.c, so
 * both spellings decode the same way.  Positions are line numbers.
 */
#ifndef SOURCE_JSONL_H
#define SOURCE_JSONL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "source.h"

struct store;
struct source_jsonl;

struct source_jsonl *source_jsonl_create(struct store *, const char *, int,
		    const uint8_t *, size_t, bool);
enum source_status source_jsonl_poll(struct source_jsonl *, struct store *,
		    size_t);
void		 source_jsonl_progress(struct source_jsonl *, uint64_t *,
		    uint64_t *);
void		 source_jsonl_free(struct source_jsonl *);

#endif
