/* SPDX-License-Identifier: ISC */
/*
 * The one-line prompt (after tmux's status.c prompt): the filter line (f)
 * and search (/).  Editing keys are readline-like (C-a C-e C-u C-w, Left,
 * Right, Home, End, Backspace, Delete); Up and Down walk the history of
 * that prompt; Enter accepts, Esc or C-g cancels.  Every change compiles
 * the text again: while it does not compile, the text from the error
 * column on is drawn red and the message is shown beside it.
 *
 * The history lives in this module (like tmux's prompt history) and is
 * freed by ui_prompt_history_clear at exit.
 */
#include "config.h"

#include "ui-prompt.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "field.h"
#include "options.h"
#include "record.h"
#include "render.h"
#include "store.h"
#include "ui-curses.h"
#include "ui-draw.h"
#include "ui-filter.h"
#include "ui-job.h"
#include "ui-palette.h"
#include "ui-screen.h"
#include "xmalloc.h"

#define UI_PROMPT_MAX	4096
#define UI_HISTORY_MAX	100
#define CTRL(c)		((c) & 0x1f)

struct ui_prompt {
	enum ui_prompt_kind	 kind;
	char			 text[UI_PROMPT_MAX];
	size_t			 len;
	size_t			 pos;		/* cursor, bytes */
	int			 hist;		/* history index, -1: editing */
	char			*saved;		/* text before walking history */
	char			*err;		/* compile error, owned */
	int			 errcol;
};

static char	**ui_history[UI_NPROMPTS];
static size_t	  ui_history_n[UI_NPROMPTS];

/* Remember text in the history of kind (most recent last, no repeats). */
void
ui_prompt_history_add(enum ui_prompt_kind kind, const char *text)
{
	size_t	 n = ui_history_n[kind];

	if (text == NULL || *text == '\0')
		return;
	if (n > 0 && strcmp(ui_history[kind][n - 1], text) == 0)
		return;
	if (n == UI_HISTORY_MAX) {
		free(ui_history[kind][0]);
		memmove(ui_history[kind], ui_history[kind] + 1,
		    (n - 1) * sizeof *ui_history[kind]);
		n--;
	}
	ui_history[kind] = xreallocarray(ui_history[kind], n + 1,
	    sizeof *ui_history[kind]);
	ui_history[kind][n++] = xstrdup(text);
	ui_history_n[kind] = n;
}

/* Free every history. */
void
ui_prompt_history_clear(void)
{
	size_t	 k, i;

	for (k = 0; k < UI_NPROMPTS; k++) {
		for (i = 0; i < ui_history_n[k]; i++)
			free(ui_history[k][i]);
		free(ui_history[k]);
		ui_history[k] = NULL;
		ui_history_n[k] = 0;
	}
}

/* Compile the text to show whether it is valid. */
static void
ui_prompt_check(struct ui *ui, struct ui_prompt *p)
{
	void	*c = NULL;

	free(p->err);
	p->err = NULL;
	p->errcol = 0;
	if (p->len == 0 || p->kind == UI_PROMPT_FIND)
		return;
	if (p->kind == UI_PROMPT_COMMAND) {
		if (ui_palette_check(p->text) != NULL)
			p->err = xstrdup(ui_palette_check(p->text));
		return;
	}
	if (ui_filter_compile(ui, p->text, &c, &p->err, &p->errcol) == 0)
		ui_filter_free(c);
}

/* Set the prompt's text. */
static void
ui_prompt_set(struct ui *ui, struct ui_prompt *p, const char *s)
{
	size_t	 len = s == NULL ? 0 : strlen(s);

	if (len >= UI_PROMPT_MAX)
		len = UI_PROMPT_MAX - 1;
	if (len > 0)
		memcpy(p->text, s, len);
	p->text[len] = '\0';
	p->len = p->pos = len;
	ui_prompt_check(ui, p);
}

/* Open a prompt of kind with initial text (may be NULL). */
void
ui_prompt_open(struct ui *ui, enum ui_prompt_kind kind, const char *init)
{
	struct ui_prompt	*p;

	ui_prompt_free(ui);
	p = xcalloc(1, sizeof *p);
	p->kind = kind;
	p->hist = -1;
	ui->prompt = p;
	ui_prompt_set(ui, p, init);
}

/* Close the prompt. */
void
ui_prompt_free(struct ui *ui)
{
	struct ui_prompt	*p = ui->prompt;

	if (p == NULL)
		return;
	free(p->saved);
	free(p->err);
	free(p);
	ui->prompt = NULL;
}

/* Is the prompt drawn on the filter line (rather than the bottom)? */
bool
ui_prompt_on_filter_line(const struct ui *ui)
{
	return (ui->prompt != NULL && ui->prompt->kind == UI_PROMPT_FILTER &&
	    ui->screen == UI_RECORDS);
}

/* Walk the history by dir (-1 older, +1 newer). */
static void
ui_prompt_history(struct ui *ui, struct ui_prompt *p, int dir)
{
	int	 n = (int)ui_history_n[p->kind], h = p->hist;

	if (n == 0)
		return;
	if (h == -1) {
		if (dir > 0)
			return;
		free(p->saved);
		p->saved = xstrdup(p->text);
		h = n;
	}
	h += dir;
	if (h < 0)
		h = 0;
	if (h >= n) {
		p->hist = -1;
		ui_prompt_set(ui, p, p->saved);
		return;
	}
	p->hist = h;
	ui_prompt_set(ui, p, ui_history[p->kind][h]);
}

#define UI_PROMPT_VALUES		64	/* candidates kept */
#define UI_PROMPT_VALUE_SCAN	200000	/* newest records looked at */

/* Does value v need quoting in a filter token? */
static bool
ui_prompt_needs_quote(struct slice v)
{
	size_t	 i;

	for (i = 0; i < v.len; i++)
		if ((unsigned char)v.ptr[i] <= ' ' || v.ptr[i] == '"' ||
		    v.ptr[i] == '|' || v.ptr[i] == '\\' || v.ptr[i] == 0x7f)
			return (true);
	return (false);
}

/*
 * Tab after "field:" completes the value from those seen in the data
 * (the newest UI_PROMPT_VALUE_SCAN records; lnav #1637): one candidate is
 * put in whole (quoted when it needs it), several are cut to what they
 * share and listed on the message line.
 */
static void
ui_prompt_complete_value(struct ui *ui, struct ui_prompt *p, size_t start,
    size_t colon)
{
	const struct field	*f;
	const struct record	*r;
	struct slice		 v, ext, cand[UI_PROMPT_VALUES];
	struct buf		 b;
	size_t			 vs = colon + 1, pl, nc = 0, i, k, common = 0;
	size_t			 scanned = 0, add;
	uint64_t		 seq;
	bool			 more = false, q, typedq;

	f = field_find(p->text + start, colon - start);
	if (f == NULL || f->nstrs == 0 || (f->flags & (FIELD_LIST |
	    FIELD_GEO)) || (f->type != FIELD_T_TEXT && f->type != FIELD_T_IP)) {
		ui_message(ui, "no values to complete for this field");
		return;
	}
	if (vs < p->pos && p->text[vs] == '=')
		vs++;
	if (vs < p->pos && p->text[vs] == '"')
		vs++;
	pl = p->pos - vs;
	for (seq = ui->st.next; seq > ui->st.first && scanned <
	    UI_PROMPT_VALUE_SCAN; seq--, scanned++) {
		r = store_get(&ui->st, seq - 1);
		if (r == NULL || (r->flags & (REC_BAD | REC_GAP)))
			continue;
		for (k = 0; k < (size_t)f->nstrs; k++) {
			v = field_string(f, &ui->st, r, (int)k);
			if (v.len == 0 || v.len < pl || ((f->flags &
			    FIELD_CASELESS) ? strncasecmp(v.ptr, p->text + vs,
			    pl) : memcmp(v.ptr, p->text + vs, pl)) != 0)
				continue;
			for (i = 0; i < nc; i++)
				if (cand[i].len == v.len &&
				    memcmp(cand[i].ptr, v.ptr, v.len) == 0)
					break;
			if (i < nc)
				continue;
			if (nc == UI_PROMPT_VALUES) {
				more = true;
				continue;
			}
			cand[nc++] = v;
		}
	}
	if (nc == 0) {
		ui_message(ui, "no %s value seen starts with that", f->name);
		return;
	}
	common = cand[0].len;
	for (i = 1; i < nc; i++) {
		for (k = 0; k < common && k < cand[i].len &&
		    cand[i].ptr[k] == cand[0].ptr[k]; k++)
			/* nothing */;
		common = k;
	}
	/* Replace what was typed of the value (quoted when it needs it). */
	buf_init(&b);
	typedq = vs > colon + 1 && p->text[vs - 1] == '"';
	ext.ptr = cand[0].ptr;
	ext.len = nc == 1 ? cand[0].len : common;
	q = typedq || ui_prompt_needs_quote(ext);
	if (q && !typedq)
		buf_addc(&b, '"');
	for (k = 0; k < ext.len; k++) {
		if (q && (ext.ptr[k] == '"' || ext.ptr[k] == '\\'))
			buf_addc(&b, '\\');
		buf_addc(&b, ext.ptr[k]);
	}
	if (nc == 1)
		buf_adds(&b, q ? "\" " : " ");
	add = b.len;
	if (p->len - pl + add + 1 < UI_PROMPT_MAX) {
		memmove(p->text + vs + add, p->text + p->pos,
		    p->len - p->pos + 1);
		memcpy(p->text + vs, b.data, add);
		p->len = p->len - pl + add;
		p->pos = vs + add;
	}
	buf_clear(&b);
	if (nc > 1) {
		/* List the candidates on the message line, made safe. */
		buf_init(&b);
		for (i = 0; i < nc && b.len < sizeof ui->msg - 8; i++) {
			render_safe(&b, cand[i].ptr, cand[i].len, 0);
			buf_adds(&b, "  ");
		}
		if (more)
			buf_adds(&b, "...");
		ui_message(ui, "%.*s", (int)(b.len < sizeof ui->msg - 1 ?
		    b.len : sizeof ui->msg - 1), b.data);
		buf_clear(&b);
	}
}

/*
 * Tab: complete the field name being typed (the word before the cursor,
 * after an optional '!') to the longest common prefix of the matching
 * names, and add ':' when only one matches.
 */
static void
ui_prompt_complete(struct ui *ui, struct ui_prompt *p)
{
	const char	*match = NULL, *name, *colon;
	size_t		 start = p->pos, wl, common = 0, i, k, add, nnames;
	int		 n = 0;
	bool		 saved;

	while (start > 0 && p->text[start - 1] != ' ')
		start--;
	if (start < p->pos && p->text[start] == '!')
		start++;
	wl = p->pos - start;
	if ((colon = memchr(p->text + start, ':', wl)) != NULL) {
		ui_prompt_complete_value(ui, p, start,
		    (size_t)(colon - p->text));
		return;
	}
	/* @NAME: the saved filters' names ("NAME=EXPR"). */
	saved = wl > 0 && p->text[start] == '@';
	if (saved) {
		start++;
		wl--;
	}
	nnames = saved ? ui->o->saved_filters.n : FIELD_COUNT;
	for (i = 0; i < nnames; i++) {
		name = saved ? ui->o->saved_filters.v[i] : field_table[i].name;
		if (strncmp(name, p->text + start, wl) != 0)
			continue;
		if (n++ == 0) {
			match = name;
			common = strlen(name);
			if (saved)
				common = strcspn(name, "=");
		} else {
			for (k = 0; k < common && name[k] == match[k]; k++)
				/* nothing */;
			common = k;
		}
	}
	if (n == 0) {
		ui_message(ui, saved ? "no saved filter starts with that" :
		    "no field starts with that");
		return;
	}
	add = common - wl + (n == 1 ? 1 : 0);
	if (p->len + add + 1 >= UI_PROMPT_MAX)
		return;
	memmove(p->text + p->pos + add, p->text + p->pos, p->len - p->pos + 1);
	memcpy(p->text + p->pos, match + wl, common - wl);
	if (n == 1)
		p->text[p->pos + common - wl] = saved ? ' ' : ':';
	p->pos += add;
	p->len += add;
	if (n > 1) {
		/* List the candidates on the message line. */
		ui->msg[0] = '\0';
		for (i = 0; i < nnames; i++) {
			name = saved ? ui->o->saved_filters.v[i] :
			    field_table[i].name;
			k = saved ? strcspn(name, "=") : strlen(name);
			if (k >= p->pos - start && strncmp(name,
			    p->text + start, p->pos - start) == 0 &&
			    strlen(ui->msg) + k + 3 < sizeof ui->msg) {
				if (saved)
					strcat(ui->msg, "@");
				strncat(ui->msg, name, k);
				strcat(ui->msg, " ");
			}
		}
	}
}

/*
 * Tab in the palette: complete the command name (the first word) to the
 * longest common prefix of the names that match, a space after a single
 * one; the candidates are listed on the message line.
 */
static void
ui_prompt_complete_command(struct ui *ui, struct ui_prompt *p)
{
	const char	*match = NULL, *name;
	size_t		 start = 0, wl, common = 0, i, k, add;
	int		 n = 0;

	while (start < p->len && p->text[start] == ' ')
		start++;
	if (memchr(p->text + start, ' ', p->pos - start) != NULL ||
	    p->pos < start)
		return;
	wl = p->pos - start;
	for (i = 0; (name = ui_palette_name(i)) != NULL; i++) {
		if (strncmp(name, p->text + start, wl) != 0)
			continue;
		if (n++ == 0) {
			match = name;
			common = strlen(name);
		} else {
			for (k = 0; k < common && name[k] == match[k]; k++)
				/* nothing */;
			common = k;
		}
	}
	if (n == 0) {
		ui_message(ui, "no command starts with that");
		return;
	}
	add = common - wl + (n == 1 ? 1 : 0);
	if (p->len + add + 1 >= UI_PROMPT_MAX)
		return;
	memmove(p->text + p->pos + add, p->text + p->pos, p->len - p->pos + 1);
	memcpy(p->text + p->pos, match + wl, common - wl);
	if (n == 1)
		p->text[p->pos + common - wl] = ' ';
	p->pos += add;
	p->len += add;
	if (n > 1) {
		ui->msg[0] = '\0';
		for (i = 0; (name = ui_palette_name(i)) != NULL; i++)
			if (strncmp(name, p->text + start, p->pos - start) ==
			    0 && strlen(ui->msg) + strlen(name) + 2 <
			    sizeof ui->msg) {
				strcat(ui->msg, name);
				strcat(ui->msg, " ");
			}
	}
}

/* Enter: apply the filter, start the search, or run the command. */
static unsigned
ui_prompt_accept(struct ui *ui, struct ui_prompt *p)
{
	void		*c = NULL;
	char		*err = NULL, *text;
	int		 col;
	unsigned	 r;

	if (p->kind == UI_PROMPT_COMMAND) {
		/* The command may open a prompt of its own. */
		if (p->len > 0)
			ui_prompt_history_add(p->kind, p->text);
		text = xstrdup(p->text);
		ui_prompt_free(ui);
		r = ui_palette_run(ui, text);
		free(text);
		return (r | UI_REDRAW);
	}
	if (p->kind == UI_PROMPT_FILTER) {
		if (ui_apply_filter(ui, p->len == 0 ? NULL : p->text) != 0) {
			/* Keep the prompt open on the error. */
			free(p->err);
			p->err = xstrdup(ui->filter_err);
			p->errcol = ui->filter_errcol;
			free(ui->filter_err);
			ui->filter_err = NULL;
			return (UI_REDRAW);
		}
		ui_prompt_history_add(p->kind, p->text);
		ui->spark_n = SIZE_MAX;
		ui_prompt_free(ui);
		return (UI_REDRAW);
	}
	if (p->kind == UI_PROMPT_FIND) {
		/* Plain text in the record shown (ui-detail.c finds it). */
		if (p->len > 0)
			ui_prompt_history_add(p->kind, p->text);
		free(ui->find);
		ui->find = p->len > 0 ? xstrdup(p->text) : NULL;
		ui->dview_ok = false;
		ui->find_cur = SIZE_MAX;
		ui_prompt_free(ui);
		return (ui_screen_ops(UI_DETAIL)->action(ui, UI_A_NEXT));
	}
	if (p->len == 0) {
		ui_filter_free(ui->search_c);
		ui->search_c = NULL;
		free(ui->search);
		ui->search = NULL;
		ui_prompt_free(ui);
		return (UI_REDRAW);
	}
	if (ui_filter_compile(ui, p->text, &c, &err, &col) != 0) {
		free(p->err);
		p->err = err;
		p->errcol = col;
		return (UI_REDRAW);
	}
	ui_prompt_history_add(p->kind, p->text);
	ui_filter_free(ui->search_c);
	ui->search_c = c;
	free(ui->search);
	ui->search = xstrdup(p->text);
	ui_prompt_free(ui);
	if (ui->screen == UI_RECORDS)
		ui_job_search(ui, NULL, 1);
	return (UI_REDRAW);
}

/* Handle a key while the prompt is open. */
unsigned
ui_prompt_key(struct ui *ui, int ch)
{
	struct ui_prompt	*p = ui->prompt;
	size_t			 i;

	switch (ch) {
	case '\r':
	case '\n':
	case KEY_ENTER:
		return (ui_prompt_accept(ui, p));
	case 27:
	case CTRL('g'):
		ui_prompt_free(ui);
		return (UI_REDRAW);
	case '\t':
		if (p->kind == UI_PROMPT_COMMAND)
			ui_prompt_complete_command(ui, p);
		else if (p->kind != UI_PROMPT_FIND)
			ui_prompt_complete(ui, p);
		break;
	case KEY_UP:
		ui_prompt_history(ui, p, -1);
		return (UI_REDRAW);
	case KEY_DOWN:
		ui_prompt_history(ui, p, 1);
		return (UI_REDRAW);
	case KEY_LEFT:
		while (p->pos > 0 && ((unsigned char)p->text[--p->pos] &
		    0xc0) == 0x80)
			/* nothing */;
		return (UI_REDRAW);
	case KEY_RIGHT:
		if (p->pos < p->len)
			p->pos++;
		while (p->pos < p->len &&
		    ((unsigned char)p->text[p->pos] & 0xc0) == 0x80)
			p->pos++;
		return (UI_REDRAW);
	case KEY_HOME:
	case CTRL('a'):
		p->pos = 0;
		return (UI_REDRAW);
	case KEY_END:
	case CTRL('e'):
		p->pos = p->len;
		return (UI_REDRAW);
	case KEY_BACKSPACE:
	case 127:
	case CTRL('h'):
		if (p->pos == 0)
			return (UI_REDRAW);
		i = p->pos;
		while (i > 0 && ((unsigned char)p->text[--i] & 0xc0) == 0x80)
			/* nothing */;
		memmove(p->text + i, p->text + p->pos, p->len - p->pos + 1);
		p->len -= p->pos - i;
		p->pos = i;
		break;
	case KEY_DC:
	case CTRL('d'):
		if (p->pos == p->len)
			return (UI_REDRAW);
		i = p->pos + 1;
		while (i < p->len && ((unsigned char)p->text[i] & 0xc0) == 0x80)
			i++;
		memmove(p->text + p->pos, p->text + i, p->len - i + 1);
		p->len -= i - p->pos;
		break;
	case CTRL('u'):
		memmove(p->text, p->text + p->pos, p->len - p->pos + 1);
		p->len -= p->pos;
		p->pos = 0;
		break;
	case CTRL('k'):
		p->len = p->pos;
		p->text[p->len] = '\0';
		break;
	case CTRL('w'):
		i = p->pos;
		while (i > 0 && p->text[i - 1] == ' ')
			i--;
		while (i > 0 && p->text[i - 1] != ' ')
			i--;
		memmove(p->text + i, p->text + p->pos, p->len - p->pos + 1);
		p->len -= p->pos - i;
		p->pos = i;
		break;
	default:
		if (ch < 0x20 || ch > 0xff || ch == 0x7f)
			return (0);
		if (p->len + 1 >= UI_PROMPT_MAX)
			return (UI_REDRAW);
		memmove(p->text + p->pos + 1, p->text + p->pos,
		    p->len - p->pos + 1);
		p->text[p->pos++] = (char)ch;
		p->len++;
		break;
	}
	p->hist = -1;
	ui_prompt_check(ui, p);
	return (UI_REDRAW);
}

/*
 * An error as the prompt shows it, where it is cut first: the suggestion
 * before the problem ("did you mean 'status'? unknown field 'stauts'"),
 * and no " at column N" (the prompt says the column).
 */
static void
ui_prompt_err_text(const char *err, struct buf *b)
{
	const char	*hint, *at, *end = err + strlen(err);

	hint = strrchr(err, '(');
	if (hint != NULL && (hint == err || hint[-1] != ' ' ||
	    end[-1] != ')'))
		hint = NULL;
	if (hint != NULL) {
		buf_add(b, hint + 1, (size_t)(end - 1 - (hint + 1)));
		buf_adds(b, end[-2] == '?' ? " " : ": ");
		end = hint - 1;
	}
	at = strstr(err, " at column ");
	if (at != NULL && at < end)
		end = at;
	buf_add(b, err, (size_t)(end - err));
}

/* Draw the prompt on line y. */
void
ui_prompt_draw(struct ui *ui, int y)
{
	struct ui_prompt	*p = ui->prompt;
	struct buf		 a, b, c;
	const char		*label;
	int			 x, w, cx, errx, room, ew;
	size_t			 split, cut;

	label = p->kind == UI_PROMPT_FILTER ? "filter> " :
	    p->kind == UI_PROMPT_COMMAND ? ":" :
	    p->kind == UI_PROMPT_FIND ? "find/ " : "search/ ";
	/* The palette's completions, above it. */
	if (p->kind == UI_PROMPT_COMMAND && ui->msg[0] != '\0' && y > 0) {
		ui_draw_fill(ui, y - 1, 0, ui->cols, UI_AT_REVERSE);
		ui_draw_str(ui, y - 1, 0, ui->cols, ui->msg, UI_AT_REVERSE);
	}
	ui_draw_fill(ui, y, 0, ui->cols, UI_AT_NORMAL);
	x = ui_draw_str(ui, y, 0, ui->cols, label, ui_attr(ui, UI_C_TITLE));
	buf_init(&a);
	buf_init(&b);
	buf_init(&c);
	/* Text before the cursor, and from the cursor on, made safe. */
	render_safe(&a, p->text, p->pos, 0);
	render_safe(&b, p->text + p->pos, p->len - p->pos, 0);
	room = ui->cols - x - 1;
	ew = 0;
	if (p->err != NULL) {
		buf_printf(&c, "  %s col %d: ", ui_glyph(ui, UI_G_UP),
		    p->errcol + 1);
		ui_prompt_err_text(p->err, &c);
		ew = (int)ui_text_width(ui, c.data, c.len);
		if (ew > room / 2)
			ew = room / 2;
		room -= ew;
	}
	w = (int)ui_text_width(ui, a.data, a.len);
	/* Scroll so the cursor stays visible. */
	cx = x;
	if (w > room - 1) {
		cut = 0;
		while (cut < a.len && (int)ui_text_width(ui, a.data + cut,
		    a.len - cut) > room - 1)
			cut++;
		while (cut < a.len && ((unsigned char)a.data[cut] & 0xc0) ==
		    0x80)
			cut++;
		cx += ui_draw_text(ui, y, cx, room, a.data + cut,
		    a.len - cut, UI_AT_BOLD);
	} else
		cx += ui_draw_text(ui, y, cx, room, a.data == NULL ? "" :
		    a.data, a.len, UI_AT_BOLD);
	ui_draw_text(ui, y, cx, x + room - cx, b.data == NULL ? "" : b.data,
	    b.len, UI_AT_BOLD);
	/* The error: red from its column on. */
	if (p->err != NULL && (size_t)p->errcol <= p->len && w <= room - 1) {
		buf_reset(&a);
		render_safe(&a, p->text, (size_t)p->errcol, 0);
		errx = x + (int)ui_text_width(ui, a.data, a.len);
		buf_reset(&a);
		split = (size_t)p->errcol;
		render_safe(&a, p->text + split, p->len - split, 0);
		if (a.len == 0)
			buf_addc(&a, ' ');
		ui_draw_text(ui, y, errx, x + room - errx, a.data, a.len,
		    ui_attr(ui, UI_C_ERROR));
	}
	/* The cursor, as a reverse cell. */
	if (cx < ui->cols) {
		buf_reset(&a);
		if (p->pos < p->len) {
			cut = p->pos + 1;
			while (cut < p->len &&
			    ((unsigned char)p->text[cut] & 0xc0) == 0x80)
				cut++;
			render_safe(&a, p->text + p->pos, cut - p->pos, 0);
		} else
			buf_addc(&a, ' ');
		ui_draw_text(ui, y, cx, 1, a.data, a.len, UI_AT_REVERSE);
	}
	if (p->err != NULL)
		ui_draw_text(ui, y, ui->cols - ew, ew, c.data, c.len,
		    ui_attr(ui, UI_C_ERROR));
	buf_clear(&a);
	buf_clear(&b);
	buf_clear(&c);
}
