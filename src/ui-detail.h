/* SPDX-License-Identifier: ISC */
/*
 * The Detail screen: one record in tabs (Summary, Request, Response, Raw);
 * and the Help screen, drawn the same way.
 */
#ifndef UI_DETAIL_H
#define UI_DETAIL_H

#include "ui.h"
#include "ui-screen.h"

extern const struct ui_screen_ops ui_detail_screen;
extern const struct ui_screen_ops ui_help_screen;

#endif
