/* SPDX-License-Identifier: ISC */
/*
 * Logging.  log_debug writes to the file opened by log_open (the -v flag)
 * and nowhere else, so it is safe while curses owns the terminal.  fatal and
 * fatalx run the registered hook, print "tykscope: ..." to stderr and exit
 * with status 2; they are for bugs and exhaustion only, never for input, so
 * their text is the program's own (warnx_, in log-warn.c, escapes).  This
 * is the bottom of the module graph: it includes no other module.
 */
#include "config.h"

#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static FILE		*log_file;
static log_fatal_hook	 log_hook;

/* Open the debug log at path (appending). */
void
log_open(const char *path)
{
	log_close();
	log_file = fopen(path, "a");
	if (log_file != NULL)
		setvbuf(log_file, NULL, _IOLBF, 0);
}

/* Close the debug log. */
void
log_close(void)
{
	if (log_file != NULL)
		fclose(log_file);
	log_file = NULL;
}

/* The debug log's FILE, or NULL when -v was not given. */
FILE *
log_debug_file(void)
{
	return (log_file);
}

/* Register the function fatal calls before printing (e.g. endwin). */
void
log_set_fatal_hook(log_fatal_hook hook)
{
	log_hook = hook;
}

/* Write a timestamped line to the debug log, if one is open. */
void
log_debug(const char *fmt, ...)
{
	va_list		 ap;
	struct timespec	 ts;

	if (log_file == NULL)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	fprintf(log_file, "%lld.%06ld ", (long long)ts.tv_sec,
	    ts.tv_nsec / 1000);
	va_start(ap, fmt);
	vfprintf(log_file, fmt, ap);
	va_end(ap);
	fputc('\n', log_file);
}

static __attribute__((noreturn)) void
log_vfatal(const char *errstr, const char *fmt, va_list ap)
{
	if (log_hook != NULL)
		log_hook();
	fputs("tykscope: fatal: ", stderr);
	vfprintf(stderr, fmt, ap);
	if (errstr != NULL)
		fprintf(stderr, ": %s", errstr);
	fputc('\n', stderr);
	exit(2);
}

/* Fatal error with errno appended. */
void
fatal(const char *fmt, ...)
{
	va_list	 ap;
	const char *e = strerror(errno);

	va_start(ap, fmt);
	log_vfatal(e, fmt, ap);
}

/* Fatal error. */
void
fatalx(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vfatal(NULL, fmt, ap);
}
