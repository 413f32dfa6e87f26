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
#include "ui-job.h"
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
 * A file being written on the job thread: the records (a copy of the
 * marked seqs or of the rows, taken when asked), the file, what to say.
 */
struct ui_copy_job {
	FILE			*f;
	char			 path[1024];
	uint64_t		*seqs;		/* owned */
	size_t			 nseqs;
	bool			 marked;
	enum options_format	 fmt;
	const char		*verb;		/* "exported", "wrote" */
	long			 n;		/* records written */
	int			 err;		/* errno of a failed write */
	struct options		 eo;
};

/*
 * Write the records of cj to its file, which is closed (any thread: it
 * reads only the store).  False if ctl was cancelled.
 */
static bool
ui_copy_run(struct ui *ui, void *arg, struct view_ctl *ctl)
{
	struct ui_copy_job	*cj = arg;
	struct output		*out;
	struct record		 r;
	size_t			 i;
	bool			 cancelled = false;

	if (ctl != NULL)
		atomic_fetch_add(&ctl->total, cj->nseqs);
	out = output_create(cj->f, &cj->eo, &ui->st);
	for (i = 0; i < cj->nseqs; i++) {
		if (ctl != NULL && (i & 0xfff) == 0xfff) {
			atomic_fetch_add(&ctl->done, 0x1000);
			if ((cancelled = atomic_load(&ctl->cancel)))
				break;
		}
		if (!store_read(&ui->st, cj->seqs[i], &r) ||
		    (!cj->marked && (r.flags & (REC_BAD | REC_GAP))))
			continue;
		output_record(out, &r);
		cj->n++;
	}
	output_free(out);
	if (fflush(cj->f) != 0 || ferror(cj->f))
		cj->err = errno != 0 ? errno : EIO;
	if (fclose(cj->f) != 0 && cj->err == 0)
		cj->err = errno;
	cj->f = NULL;
	return (!cancelled);
}

/* Say how the write went (main thread); frees cj. */
static void
ui_copy_done(struct ui *ui, void *arg, bool ok)
{
	struct ui_copy_job	*cj = arg;

	if (cj->f != NULL)
		fclose(cj->f);		/* dropped before it ran */
	if (!ok) {
		unlink(cj->path);
		ui_message(ui, "%s cancelled; partial file removed", cj->path);
	} else if (cj->err != 0) {
		/* A partial export looks complete: remove it. */
		unlink(cj->path);
		ui_message(ui, "%s %s failed: %s; partial file removed",
		    strcmp(cj->verb, "exported") == 0 ? "export to" :
		    "writing", cj->path, strerror(cj->err));
	} else
		ui_message(ui, "%s %ld %s record%s to %s", cj->verb, cj->n,
		    cj->marked ? "marked" : "shown", cj->n == 1 ? "" : "s",
		    cj->path);
	ui->dirty |= UI_REDRAW;
	free(cj->seqs);
	free(cj);
}

/*
 * Write as format to f (path, removed if the write fails) the marked
 * records (when marked and some are), else every shown one, on the job
 * thread (ui-job.h): the records are those of now, the screen goes on.
 */
static void
ui_copy_start(struct ui *ui, FILE *f, const char *path, bool marked,
    enum options_format fmt, const char *verb)
{
	struct ui_copy_job	*cj;
	const uint64_t		*from = marked ? ui->v.marks : ui->v.rows;

	cj = xcalloc(1, sizeof *cj);
	cj->f = f;
	snprintf(cj->path, sizeof cj->path, "%s", path);
	cj->marked = marked;
	cj->fmt = fmt;
	cj->verb = verb;
	cj->nseqs = marked ? ui->v.nmarks : ui->v.n;
	cj->seqs = xreallocarray(NULL, cj->nseqs + 1, sizeof *cj->seqs);
	memcpy(cj->seqs, from, cj->nseqs * sizeof *cj->seqs);
	cj->eo = *ui->o;
	cj->eo.format = fmt;
	cj->eo.decode = false;
	cj->eo.limit = -1;
	ui_message(ui, "writing %zu records to %s (Esc cancels)", cj->nseqs,
	    path);
	ui_job_call(ui, "exporting", UI_JOB_KEEP, ui_copy_run, ui_copy_done,
	    cj);
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
	ui_copy_start(ui, f, path, marked, fmt, "wrote");
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
	ui_copy_start(ui, f, path, marked, OPT_FMT_JSONL, "exported");
	return (UI_REDRAW);
}
