/* SPDX-License-Identifier: ISC */
/*
 * Shared includes for the cmocka unit tests.  Each test program ends with
 * UNIT_MAIN(tests), which runs the group and returns non-zero on failure.
 */
#ifndef UNIT_H
#define UNIT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#if defined(__has_include)
#if !__has_include(<cmocka.h>)
#error "make check needs cmocka: apt-get install libcmocka-dev"
#endif
#endif
#include <cmocka.h>

#define UNIT_MAIN(tests)						\
int									\
main(void)								\
{									\
	return (cmocka_run_group_tests(tests, NULL, NULL));		\
}

#endif
