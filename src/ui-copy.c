/* SPDX-License-Identifier: ISC */
/*
 * Copy and export.  Copied text goes two ways: an OSC 52 sequence (the
 * text base64-encoded, so nothing in it can act on the terminal; skipped
 * above UI_OSC52_MAX) and a private file whose path is shown, for
 * terminals without OSC 52: named for what it holds (record.json,
 * response-body.png; -2, -3... rather than replacing one) in
 * $XDG_STATE_HOME/tykscope or ~/.local/state/tykscope, else the working
 * directory, so copies neither pile up in /tmp nor hide their content.
 * Secrets stay masked in curl commands and messages unless revealed (r);
 * the record JSON is machine output and carries the data as stored, as
 * batch mode does.
 */
#include "config.h"

#include "ui-copy.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base64.h"
#include "options.h"
#include "output.h"
#include "record.h"
#include "render.h"
#include "ui-curses.h"
#include "ui-draw.h"
#include "ui-wire.h"
#include "xmalloc.h"

#define UI_OSC52_MAX	(74 * 1024)	/* base64 bytes; terminals cap it */

struct ui_copy_item {
	int		 key;
	int		 key2;
	const char	*name;
	enum ui_wire_copy what;
};

static const struct ui_copy_item ui_copy_items[] = {
	{ 'u', '1', "URL", UI_WIRE_URL },
	{ 'c', '2', "curl", UI_WIRE_CURL },
	{ 'q', '3', "request", UI_WIRE_REQUEST },
	{ 'p', '4', "response", UI_WIRE_RESPONSE },
	{ 'b', '5', "body", UI_WIRE_BODY },
	{ 'j', '6', "record JSON", UI_WIRE_JSON },
};
#define UI_NCOPY (sizeof ui_copy_items / sizeof ui_copy_items[0])

/* Open the copy menu for the record under the cursor. */
unsigned
ui_copy_open(struct ui *ui)
{
	uint64_t	 seq;

	seq = ui->screen == UI_DETAIL ? ui->detail_seq :
	    view_cursor_seq(&ui->v);
	if (store_get(&ui->st, seq) == NULL) {
		ui_message(ui, "nothing to copy");
		return (UI_REDRAW);
	}
	ui->menu = 'c';
	return (UI_REDRAW);
}

/* Draw the copy menu on line y. */
void
ui_copy_menu_draw(struct ui *ui, int y)
{
	char	 t[64], k[2];
	size_t	 i;
	int	 x;

	x = ui_draw_str(ui, y, 0, ui->cols, "copy: ", UI_AT_BOLD);
	for (i = 0; i < UI_NCOPY && x < ui->cols; i++) {
		k[0] = (char)ui_copy_items[i].key;
		k[1] = '\0';
		x += ui_draw_str(ui, y, x, ui->cols - x, k,
		    ui_attr(ui, UI_C_KEY));
		snprintf(t, sizeof t, " %s  ", ui_copy_items[i].name);
		x += ui_draw_str(ui, y, x, ui->cols - x, t, UI_AT_NORMAL);
	}
	ui_draw_str(ui, y, x, ui->cols - x, "Esc cancel",
	    ui_attr(ui, UI_C_DIM));
}

/* Make directory d and its parents (mode 0700); 0 when it exists. */
static int
ui_copy_mkdirs(char *d)
{
	char	*p;

	for (p = d + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(d, 0700) != 0 && errno != EEXIST) {
			*p = '/';
			return (-1);
		}
		*p = '/';
	}
	if (mkdir(d, 0700) != 0 && errno != EEXIST)
		return (-1);
	return (0);
}

/*
 * The directory saved copies go to: $XDG_STATE_HOME/tykscope, or
 * ~/.local/state/tykscope, made when missing; else the working
 * directory (absolute, for the message).
 */
static void
ui_copy_dir(char *out, size_t size)
{
	const char	*x = getenv("XDG_STATE_HOME"), *h = getenv("HOME");
	int		 n = -1;

	if (x != NULL && *x == '/')
		n = snprintf(out, size, "%s/tykscope", x);
	else if (h != NULL && *h == '/')
		n = snprintf(out, size, "%s/.local/state/tykscope", h);
	if (n > 0 && (size_t)n < size && ui_copy_mkdirs(out) == 0)
		return;
	if (getcwd(out, size) == NULL)
		snprintf(out, size, ".");
}

/*
 * Create dir/name (0600: a copy may hold secrets, r), or name-2.ext,
 * name-3.ext... when it exists.  Returns the fd (path set) or -1.
 */
static int
ui_copy_create(const char *dir, const char *name, char *path, size_t size)
{
	const char	*dot = strrchr(name, '.');
	int		 fd, k, nl = dot != NULL ? (int)(dot - name) :
			    (int)strlen(name);

	for (k = 1; k < 1000; k++) {
		if (k == 1)
			snprintf(path, size, "%s/%s", dir, name);
		else
			snprintf(path, size, "%s/%.*s-%d%s", dir, nl, name, k,
			    dot != NULL ? dot : "");
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
		if (fd != -1 || errno != EEXIST)
			return (fd);
	}
	return (-1);
}

/*
 * Send text to the clipboard and to a file named for what it holds
 * (name: "response-body.json") in the state directory; say where it went.
 */
static void
ui_copy_text(struct ui *ui, const char *what, const char *name,
    const char *s, size_t len)
{
	struct buf	 b;
	char		 path[1024], dir[768];
	int		 fd, err = 0;
	bool		 osc = false, file = false;
	FILE		*f;

	buf_init(&b);
	if (!ui->headless) {
		buf_adds(&b, "\033]52;c;");
		base64_encode_buf(&b, s, len);
		buf_adds(&b, "\007");
		if (b.len - 8 <= UI_OSC52_MAX) {
			/* Past curses: the sequence holds only base64. */
			fflush(stdout);
			if (write(STDOUT_FILENO, b.data, b.len) ==
			    (ssize_t)b.len)
				osc = true;
		}
	}
	ui_copy_dir(dir, sizeof dir);
	fd = ui_copy_create(dir, name, path, sizeof path);
	if (fd != -1) {
		f = fdopen(fd, "w");
		if (f != NULL) {
			if (fwrite(s, 1, len, f) == len && fflush(f) == 0)
				file = true;
			err = errno;
			if (fclose(f) != 0 && file) {
				file = false;
				err = errno;
			}
		} else {
			err = errno;
			close(fd);
		}
		if (!file)
			unlink(path);	/* no empty or partial copy */
		errno = err;
	}
	if (file)
		ui_message(ui, "copied %s (%zu bytes)%s; also in %s", what,
		    len, osc ? " to the clipboard (OSC 52)" : "", path);
	else if (osc)
		ui_message(ui, "copied %s (%zu bytes) to the clipboard "
		    "(OSC 52); no file in %s: %s", what, len, dir,
		    strerror(errno));
	else
		ui_message(ui, "copy failed: no file in %s: %s", dir,
		    strerror(errno));
	buf_clear(&b);
}

/* Handle a key while the copy menu is open. */
unsigned
ui_copy_menu_key(struct ui *ui, int ch)
{
	const struct record	*r;
	struct buf		 b;
	char			*err = NULL, name[64];
	size_t			 i;
	uint64_t		 seq;

	ui->menu = 0;
	for (i = 0; i < UI_NCOPY; i++)
		if (ch == ui_copy_items[i].key || ch == ui_copy_items[i].key2)
			break;
	if (i == UI_NCOPY)
		return (UI_REDRAW);
	seq = ui->screen == UI_DETAIL ? ui->detail_seq :
	    view_cursor_seq(&ui->v);
	r = store_get(&ui->st, seq);
	if (r == NULL)
		return (UI_REDRAW);
	buf_init(&b);
	if (ui_wire_copy(ui, r, ui_copy_items[i].what, &b, &err) != 0) {
		ui_message(ui, "cannot copy %s: %s", ui_copy_items[i].name,
		    err != NULL ? err : "not available");
		free(err);
	} else {
		ui_wire_copy_name(ui, r, ui_copy_items[i].what, name,
		    sizeof name);
		ui_copy_text(ui, ui_copy_items[i].name, name,
		    b.data == NULL ? "" : b.data, b.len);
	}
	buf_clear(&b);
	return (UI_REDRAW);
}

/*
 * Write records as format to f, which is closed: the marked ones (when
 * marked and some are), else every shown one.  Returns the records
 * written, or -1 with errno set when writing failed.
 */
static long
ui_copy_records(struct ui *ui, FILE *f, bool marked, enum options_format fmt)
{
	struct options		 eo;
	struct output		*out;
	const struct record	*r;
	size_t			 i;
	long			 n = 0;
	int			 err = 0;

	ui_busy(ui, marked ? ui->v.nmarks : ui->v.n, "exporting");
	eo = *ui->o;
	eo.format = fmt;
	eo.decode = false;
	eo.limit = -1;
	out = output_create(f, &eo, &ui->st);
	if (marked) {
		for (i = 0; i < ui->v.nmarks; i++) {
			r = store_get(&ui->st, ui->v.marks[i]);
			if (r == NULL)
				continue;
			output_record(out, r);
			n++;
		}
	} else {
		for (i = 0; i < ui->v.n; i++) {
			r = store_get(&ui->st, ui->v.rows[i]);
			if (r->flags & (REC_BAD | REC_GAP))
				continue;
			output_record(out, r);
			n++;
		}
	}
	output_free(out);
	if (fflush(f) != 0 || ferror(f))
		err = errno != 0 ? errno : EIO;
	if (fclose(f) != 0 && err == 0)
		err = errno;
	if (err != 0) {
		errno = err;
		return (-1);
	}
	return (n);
}

/*
 * Write the marked records (when marked is set and some are) or every
 * shown record as format to path (the : palette's export and write-*).
 * An existing file is not replaced.  Created 0600: machine output
 * carries keys and payloads as stored; a failed write removes it.
 */
unsigned
ui_copy_write(struct ui *ui, const char *path, bool marked,
    enum options_format fmt)
{
	FILE	*f = NULL;
	long	 n;
	int	 fd, err;

	marked = marked && ui->v.nmarks > 0;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd == -1 || (f = fdopen(fd, "w")) == NULL) {
		err = errno;
		if (fd != -1) {
			close(fd);
			unlink(path);
		}
		ui_message(ui, "%s: %s%s", path, strerror(err), err == EEXIST ?
		    " (not replaced: remove it or choose another name)" : "");
		return (UI_REDRAW);
	}
	if ((n = ui_copy_records(ui, f, marked, fmt)) < 0) {
		err = errno;
		unlink(path);
		ui_message(ui, "writing %s failed: %s; partial file removed",
		    path, strerror(err));
	} else
		ui_message(ui, "wrote %ld %s record%s to %s", n, marked ?
		    "marked" : "shown", n == 1 ? "" : "s", path);
	return (UI_REDRAW);
}

/*
 * Export the marked records (or, with none marked, every shown record) as
 * JSON lines to tykscope-export-N.jsonl in the current directory (or the
 * state directory when that is not writable).  The file is created 0600: JSON
 * lines carry keys and payloads as stored.  A failed write (ENOSPC)
 * removes the partial file.
 */
unsigned
ui_copy_export(struct ui *ui)
{
	char	 path[1024], dir[768];
	FILE	*f = NULL;
	long	 n;
	int	 k, fd = -1, err;
	bool	 marked = ui->v.nmarks > 0;

	for (k = 1; k < 10000 && fd == -1; k++) {
		snprintf(path, sizeof path, "tykscope-export-%d.jsonl", k);
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
		if (fd == -1 && errno != EEXIST)
			break;
	}
	if (fd == -1) {
		/* Not writable here: the state directory. */
		ui_copy_dir(dir, sizeof dir);
		fd = ui_copy_create(dir, "export.jsonl", path, sizeof path);
	}
	if (fd == -1 || (f = fdopen(fd, "w")) == NULL) {
		err = errno;
		if (fd != -1) {
			close(fd);
			unlink(path);
		}
		ui_message(ui, "export failed: %s", strerror(err));
		return (UI_REDRAW);
	}
	if ((n = ui_copy_records(ui, f, marked, OPT_FMT_JSONL)) < 0) {
		/* A partial export looks complete: remove it. */
		err = errno;
		unlink(path);
		ui_message(ui, "export to %s failed: %s; partial file removed",
		    path, strerror(err));
	} else
		ui_message(ui, "exported %ld %s record%s to %s", n,
		    marked ? "marked" : "shown", n == 1 ? "" : "s", path);
	return (UI_REDRAW);
}
