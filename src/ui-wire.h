/* SPDX-License-Identifier: ISC */
/*
 * The TUI's bridge to wire decoding: the Request and Response tabs as
 * safe lines (start line, masked headers, the body pretty, raw or in hex,
 * the decode chain), and the texts the copy menu offers.
 */
#ifndef UI_WIRE_H
#define UI_WIRE_H

#include "ui.h"

struct mask;

enum ui_wire_copy {
	UI_WIRE_URL,
	UI_WIRE_CURL,
	UI_WIRE_REQUEST,
	UI_WIRE_RESPONSE,
	UI_WIRE_BODY,
	UI_WIRE_JSON
};

void		 ui_wire_lines(struct ui *, const struct record *, bool,
		    struct ui_lines *);
int		 ui_wire_copy(struct ui *, const struct record *,
		    enum ui_wire_copy, struct buf *, char **);
void		 ui_wire_mask(struct ui *, struct mask *);
void		 ui_wire_copy_name(struct ui *, const struct record *,
		    enum ui_wire_copy, char *, size_t);

#endif
