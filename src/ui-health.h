/* SPDX-License-Identifier: ISC */
/*
 * The Health screen: per-key state of live Redis sources.
 */
#ifndef UI_HEALTH_H
#define UI_HEALTH_H

#include "ui.h"
#include "ui-keys.h"

void		 ui_health_draw(struct ui *);
unsigned	 ui_health_action(struct ui *, enum ui_action);

#endif
