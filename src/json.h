/* SPDX-License-Identifier: ISC */
/*
 * JSON generation helpers over yajl, shared by the output formats, the
 * wire decoders' --decode JSON and the sources' health lines.
 */
#ifndef JSON_H
#define JSON_H

#include <stddef.h>

#include <yajl/yajl_gen.h>

void	 json_gen_slice(yajl_gen, const char *, size_t);
void	 json_gen_key(yajl_gen, const char *);

#endif
