/* SPDX-License-Identifier: ISC */
/*
 * --format har: records as one HAR 1.2 document (output.c writes the
 * entries between output_har_begin and output_har_end).
 */
#ifndef OUTPUT_HAR_H
#define OUTPUT_HAR_H

#include <stdint.h>
#include <stdio.h>

#include <yajl/yajl_gen.h>

#include "curl.h"

struct mask;
struct record;
struct store;

void	 output_har_begin(FILE *);
void	 output_har_end(FILE *, uint64_t);
void	 output_har_entry(yajl_gen, const struct store *,
	    const struct record *, const struct mask *, enum curl_target,
	    const char *);

#endif
