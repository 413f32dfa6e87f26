/* SPDX-License-Identifier: ISC */
/*
 * Warnings on stderr: warnx_ prints "tykscope: MESSAGE" as one line, with
 * the message rendered terminal-safe (render_safe: a newline or tab in it
 * shows as \n or \t, so data cannot forge a line).  Callers may pass
 * file, collection and key names and server text as they came: this is
 * the one place where stderr messages are escaped.  main also puts a
 * render_stream on stderr for whatever else writes there (libmongoc).  A
 * copy goes to the debug log, if open.
 */
#include "config.h"

#include "log-warn.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "bytes.h"
#include "log.h"
#include "render.h"

/* Print prefix and the escaped message as one line. */
static void
log_warn_vprint(const char *prefix, const char *fmt, va_list ap)
{
	struct buf	 safe;
	char		*msg;
	int		 len;

	if ((len = vasprintf(&msg, fmt, ap)) < 0) {
		fprintf(stderr, "%s%s\n", prefix, fmt);
		return;
	}
	buf_init(&safe);
	buf_adds(&safe, prefix);
	render_safe(&safe, msg, (size_t)len, 0);
	buf_addc(&safe, '\n');
	fwrite(safe.data, 1, safe.len, stderr);
	fflush(stderr);
	if (log_debug_file() != NULL)
		fwrite(safe.data, 1, safe.len, log_debug_file());
	buf_clear(&safe);
	free(msg);
}

/* Print a "tykscope: " warning to stderr (and to the debug log). */
void
warnx_(const char *fmt, ...)
{
	va_list	 ap;

	va_start(ap, fmt);
	log_warn_vprint("tykscope: ", fmt, ap);
	va_end(ap);
}
