/* SPDX-License-Identifier: ISC */
/*
 * Debug log (to a file, only with -v) and fatal errors.  The UI registers a
 * fatal hook that restores the terminal before the message is printed; the
 * core never knows that curses exists.
 */
#ifndef LOG_H
#define LOG_H

#include <stdarg.h>
#include <stdio.h>

typedef void (*log_fatal_hook)(void);

void	log_open(const char *);
void	log_close(void);
FILE	*log_debug_file(void);
void	log_set_fatal_hook(log_fatal_hook);
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
__attribute__((noreturn)) void	fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2)));
__attribute__((noreturn)) void	fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2)));

#endif
