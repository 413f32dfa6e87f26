/* SPDX-License-Identifier: ISC */
/*
 * The only place that includes the curses headers (the ncursesw ladder,
 * after htop's ProvideCurses.h).  Only ui-*.c include this file; the core
 * never knows curses exists.
 */
#ifndef UI_CURSES_H
#define UI_CURSES_H

#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif

#if defined(HAVE_NCURSESW_CURSES_H)
#include <ncursesw/curses.h>
#elif defined(HAVE_NCURSESW_H)
#include <ncursesw.h>
#elif defined(HAVE_NCURSES_NCURSES_H)
#include <ncurses/ncurses.h>
#elif defined(HAVE_NCURSES_H)
#include <ncurses.h>
#else
#include <curses.h>
#endif

#endif
