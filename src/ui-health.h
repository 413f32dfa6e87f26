/* SPDX-License-Identifier: ISC */
/*
 * The Health screen: per-key state of live Redis sources.
 */
#ifndef UI_HEALTH_H
#define UI_HEALTH_H

#include "ui.h"
#include "ui-screen.h"

extern const struct ui_screen_ops ui_health_screen;

#endif
