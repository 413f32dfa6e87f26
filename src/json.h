/* SPDX-License-Identifier: ISC */
/*
 * JSON generation helpers over yajl, shared by the output formats, the
 * wire decoders' --decode JSON and the sources' health lines.
 */
#ifndef JSON_H
#define JSON_H

#include <stdbool.h>
#include <stddef.h>

#include <yajl/yajl_gen.h>

/* Room for any double json_format_double writes, with its NUL. */
#define JSON_DOUBLE_MAX	32

void	 json_gen_slice(yajl_gen, const char *, size_t);
void	 json_gen_key(yajl_gen, const char *);
void	 json_gen_double(yajl_gen, double);
size_t	 json_format_double(char *, size_t, double);

#endif
