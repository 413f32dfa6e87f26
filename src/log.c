/* SPDX-License-Identifier: ISC */
/*
 * Logging.  log_debug writes to the file opened by log_open (the -v flag)
 * and nowhere else, so it is safe while curses owns the terminal.  fatal and
 * fatalx run the registered hook, print "tykscope: ..." to stderr and exit
 * with status 2; they are for bugs and exhaustion only, never for input.
 */
#include "config.h"

#include "log.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bytes.h"
#include "render.h"

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

/*
 * Print "tykscope: " and the message to stderr as one line.  The message
 * is rendered terminal-safe (render_safe, newlines included), so callers
 * may pass names and server text as they came: this is the one place where
 * stderr messages are escaped.
 */
static void
log_vprint(const char *prefix, const char *errstr, const char *fmt,
    va_list ap)
{
	static __thread int	 depth;
	struct buf		 safe;
	char			*msg;
	int			 len;

	/* A fatal error while printing one (out of memory): plain text. */
	if (depth++ != 0 || (len = vasprintf(&msg, fmt, ap)) < 0) {
		fprintf(stderr, "%s%s\n", prefix, fmt);
		depth--;
		return;
	}
	buf_init(&safe);
	buf_adds(&safe, prefix);
	render_safe(&safe, msg, (size_t)len, 0);
	if (errstr != NULL) {
		buf_adds(&safe, ": ");
		buf_adds(&safe, errstr);
	}
	buf_addc(&safe, '\n');
	fwrite(safe.data, 1, safe.len, stderr);
	fflush(stderr);
	if (log_file != NULL)
		fwrite(safe.data, 1, safe.len, log_file);
	buf_clear(&safe);
	free(msg);
	depth--;
}

/* Print a "tykscope: " warning to stderr (and to the debug log). */
void
warnx_(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_vprint("tykscope: ", NULL, fmt, ap);
	va_end(ap);
}

static __attribute__((noreturn)) void
log_vfatal(const char *errstr, const char *fmt, va_list ap)
{
	if (log_hook != NULL)
		log_hook();
	log_vprint("tykscope: fatal: ", errstr, fmt, ap);
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
