/* SPDX-License-Identifier: ISC */
/*
 * Warnings on stderr, escaped for a terminal (log-warn.c).
 */
#ifndef LOG_WARN_H
#define LOG_WARN_H

void	warnx_(const char *, ...) __attribute__((format(printf, 1, 2)));

#endif
