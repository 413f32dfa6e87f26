/* SPDX-License-Identifier: ISC */
/*
 * File and directory sources.  What a file holds is decided by its first
 * bytes, never by its name:
 *
 *	1f 8b			gzip: the decompressed head decides again
 *	6d e2 99 81		mongodump --archive
 *	int32 length + type	one dumped collection (.bson)
 *	'{' (after blanks)	JSON lines
 *
 * A directory is walked at any depth for mongodump collection files
 * (NAME.bson, NAME.bson.gz; *.metadata.json and collections that are never
 * analytics, such as system.* and uptime, are skipped); each file is a
 * part, read in path order, named by its path relative to the directory.
 * "-" is standard input, read as JSON lines.
 *
 * A plain .bson file's mapping is handed to the store (store_keep), since
 * records point into it; other mappings belong to their reader.
 */
#include "config.h"

#include "source.h"

#include <sys/mman.h>
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "decode-bson.h"
#include "gzstream.h"
#include "log.h"
#include "log-warn.h"
#include "options.h"
#include "source-bson.h"
#include "source-jsonl.h"
#include "store.h"
#include "xmalloc.h"

#define SFILE_DEPTH	16	/* directory levels walked */

enum sfile_kind {
	SFILE_UNKNOWN,
	SFILE_BSON,
	SFILE_ARCHIVE,
	SFILE_JSONL,
	SFILE_EMPTY
};

struct sfile_part {
	char			*path;
	char			*name;		/* for positions */
	uint64_t		 size;
};

struct sfile {
	struct sfile_part	*parts;
	size_t			 nparts;
	size_t			 cur;		/* part being read */
	bool			 explicit;	/* a file, not a directory */
	bool			 is_stdin;
	struct source_bson	*bs;		/* current part's reader */
	struct source_jsonl	*js;
	uint64_t		 done;		/* bytes of finished parts */
	uint64_t		 total;
	char			*what;		/* for describe */
};

static const struct source_ops sfile_ops;

/* Classify the first bytes of a (decompressed) stream. */
static enum sfile_kind
sfile_sniff(const uint8_t *p, size_t len)
{
	uint32_t	 n;
	size_t		 i;
	uint8_t		 t;

	if (len == 0)
		return (SFILE_EMPTY);
	if (len >= 4 && p[0] == 0x6d && p[1] == 0xe2 && p[2] == 0x99 &&
	    p[3] == 0x81)
		return (SFILE_ARCHIVE);
	if (len >= 5) {
		n = (uint32_t)p[0] | (uint32_t)p[1] << 8 |
		    (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
		t = p[4];
		if (n == 5 && t == 0)
			return (SFILE_BSON);
		if (n >= 7 && n <= 64U * 1024 * 1024 &&
		    ((t >= 0x01 && t <= 0x13) || t == 0x7f || t == 0xff)) {
			/* The first key: printable up to its NUL. */
			for (i = 5; i < len && i < 5 + 64; i++) {
				if (p[i] == 0)
					break;
				if (p[i] < 0x20 || p[i] > 0x7e)
					break;
			}
			if (i == len || (i > 5 && p[i] == 0))
				return (SFILE_BSON);
		}
		/*
		 * A damaged first length (ff ff ff 7f) before what reads as
		 * a first element is still a .bson: the reader skips the
		 * damage and finds the documents after it.
		 */
		if ((n < 5 || n > 64U * 1024 * 1024) &&
		    ((t >= 0x01 && t <= 0x13) || t == 0x7f || t == 0xff)) {
			for (i = 5; i < len && i < 5 + 64; i++)
				if (p[i] == 0 || p[i] < 0x20 || p[i] > 0x7e)
					break;
			if (i > 5 && i < len && p[i] == 0)
				return (SFILE_BSON);
		}
	}
	/* Not BSON: JSON lines start with '{' (after blanks). */
	for (i = 0; i < len; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' &&
		    p[i] != '\n')
			break;
	if (i < len && p[i] == '{')
		return (SFILE_JSONL);
	return (SFILE_UNKNOWN);
}

/*
 * Decompress the head of a gzip mapping and classify it.  Its first four
 * bytes go to first (for messages), *firstlen says how many there are.
 */
static enum sfile_kind
sfile_sniff_gzip(const uint8_t *map, size_t len, uint8_t *first,
    size_t *firstlen)
{
	struct gzstream	*gz;
	uint8_t		 head[256];
	ssize_t		 n;
	size_t		 got = 0;

	gz = gzstream_create(map, len);
	while (got < sizeof head) {
		n = gzstream_read(gz, head + got, sizeof head - got);
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	gzstream_free(gz);
	*firstlen = got < 4 ? got : 4;
	memcpy(first, head, *firstlen);
	return (sfile_sniff(head, got));
}

/*
 * Map path read-only.  Returns 0 with the mapping (NULL for an empty
 * file) or -1 with a message in *cause.
 */
static int
sfile_map(const char *path, const uint8_t **map, size_t *len, char **cause)
{
	struct stat	 sb;
	void		*p;
	int		 fd;

	*map = NULL;
	*len = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		xasprintf(cause, "%s", strerror(errno));
		return (-1);
	}
	if (fstat(fd, &sb) == -1) {
		xasprintf(cause, "%s", strerror(errno));
		close(fd);
		return (-1);
	}
	if (!S_ISREG(sb.st_mode)) {
		xasprintf(cause, "not a regular file or directory");
		close(fd);
		return (-1);
	}
	if (sb.st_size == 0) {
		close(fd);
		return (0);
	}
	p = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		xasprintf(cause, "mmap: %s", strerror(errno));
		return (-1);
	}
	madvise(p, (size_t)sb.st_size, MADV_SEQUENTIAL);
	*map = p;
	*len = (size_t)sb.st_size;
	return (0);
}

/*
 * Open part i: map it, sniff it and create its reader.  Returns 0, or -1
 * with a message in *cause if the file cannot be used.
 */
static int
sfile_open_part(struct sfile *sf, struct store *st, size_t i, char **cause)
{
	struct sfile_part	*pt = &sf->parts[i];
	const uint8_t		*map, *head;
	uint8_t			 first[4];
	size_t			 len, headlen;
	enum sfile_kind		 kind;
	bool			 gz;

	if (sfile_map(pt->path, &map, &len, cause) != 0)
		return (-1);
	gz = gzstream_is_gzip(map, len);
	head = map;
	headlen = len;
	if (gz) {
		kind = sfile_sniff_gzip(map, len, first, &headlen);
		head = first;
	} else
		kind = sfile_sniff(map, len);
	if (kind == SFILE_EMPTY && !gz) {
		/* mongodump writes empty collections as 0 bytes. */
		sf->bs = source_bson_create(st, pt->name, NULL, 0,
		    SOURCE_BSON_MAP_OWNED, false, false, sf->explicit);
		return (0);
	}
	switch (kind) {
	case SFILE_EMPTY:
	case SFILE_BSON:
	case SFILE_ARCHIVE:
		/* Records point into it, or (gzip) reference it. */
		store_keep(st, (void *)(uintptr_t)map, len,
		    source_bson_unmap);
		sf->bs = source_bson_create(st, pt->name, map, len,
		    SOURCE_BSON_MAP_STORE, gz, kind == SFILE_ARCHIVE,
		    sf->explicit);
		return (0);
	case SFILE_JSONL:
		sf->js = source_jsonl_create(st, pt->name, -1, map, len, gz);
		return (0);
	default:
		break;
	}
	/* For gzip, what the message shows is the gunzipped head. */
	if (headlen >= 4)
		xasprintf(cause, "not a BSON dump, mongodump archive or JSON "
		    "lines file%s (starts with %02x %02x %02x %02x)",
		    gz ? " (after gunzip)" : "", head[0], head[1], head[2],
		    head[3]);
	else
		xasprintf(cause, "not a BSON dump, mongodump archive or JSON "
		    "lines file (%zu bytes%s)", headlen,
		    gz ? " after gunzip" : "");
	munmap((void *)(uintptr_t)map, len);
	return (-1);
}

/* Free the current part's reader. */
static void
sfile_close_part(struct sfile *sf)
{
	source_bson_free(sf->bs);
	source_jsonl_free(sf->js);
	sf->bs = NULL;
	sf->js = NULL;
}

/* Add a part. */
static void
sfile_add(struct sfile *sf, const char *path, const char *name,
    uint64_t size)
{
	struct sfile_part	*pt;

	sf->parts = xreallocarray(sf->parts, sf->nparts + 1,
	    sizeof *sf->parts);
	pt = &sf->parts[sf->nparts++];
	pt->path = xstrdup(path);
	pt->name = xstrdup(name);
	pt->size = size;
	sf->total += size;
}

/* Is name a collection file (NAME.bson or NAME.bson.gz) worth reading? */
static bool
sfile_is_collection(const char *name)
{
	size_t	 len = strlen(name), cut;
	char	*coll;
	bool	 ok;

	if (len > 5 && strcmp(name + len - 5, ".bson") == 0)
		cut = len - 5;
	else if (len > 8 && strcmp(name + len - 8, ".bson.gz") == 0)
		cut = len - 8;
	else
		return (false);
	coll = xstrndup(name, cut);
	ok = decode_bson_collection_kind(coll) != DECODE_BSON_SKIP;
	free(coll);
	return (ok);
}

/* qsort order of parts: by name (the path in the dump). */
static int
sfile_cmp(const void *a, const void *b)
{
	const struct sfile_part	*x = a, *y = b;

	return (strcmp(x->name, y->name));
}

/*
 * A collection dumped both plain and gzipped (NAME.bson and NAME.bson.gz,
 * from two mongodump runs into one directory) is one collection: keep the
 * plain file, drop the other and say so.  Parts are sorted by name, so a
 * NAME.bson.gz follows its NAME.bson.  Returns how many were dropped.
 */
static size_t
sfile_dedup(struct sfile *sf, const char *arg)
{
	struct sfile_part	*pt;
	size_t			 i, j, k, len, n = 0;

	for (i = 0; i < sf->nparts; i++) {
		pt = &sf->parts[i];
		len = strlen(pt->name);
		if (len < 8 || strcmp(pt->name + len - 8, ".bson.gz") != 0)
			continue;
		for (j = 0; j < sf->nparts; j++)
			if (j != i && strlen(sf->parts[j].name) == len - 3 &&
			    strncmp(sf->parts[j].name, pt->name, len - 3) == 0)
				break;
		if (j == sf->nparts)
			continue;
		warnx_("%s: %s skipped: the same collection as %s (read "
		    "once; --keep-duplicates reads both)", arg, pt->name,
		    sf->parts[j].name);
		sf->total -= pt->size;
		free(pt->path);
		free(pt->name);
		for (k = i; k + 1 < sf->nparts; k++)
			sf->parts[k] = sf->parts[k + 1];
		sf->nparts--;
		i--;
		n++;
	}
	return (n);
}

/* Walk dir (relative name rel) for collection files. */
static void
sfile_walk(struct sfile *sf, const char *dir, const char *rel, int depth)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 sb;
	char		*path, *name;

	if (depth > SFILE_DEPTH || (d = opendir(dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		xasprintf(&path, "%s/%s", dir, de->d_name);
		if (*rel != '\0')
			xasprintf(&name, "%s/%s", rel, de->d_name);
		else
			name = xstrdup(de->d_name);
		if (stat(path, &sb) == 0) {
			if (S_ISDIR(sb.st_mode))
				sfile_walk(sf, path, name, depth + 1);
			else if (S_ISREG(sb.st_mode) &&
			    sfile_is_collection(de->d_name))
				sfile_add(sf, path, name,
				    (uint64_t)sb.st_size);
		}
		free(path);
		free(name);
	}
	closedir(d);
}

/* Free everything. */
static void
sfile_free_data(struct sfile *sf)
{
	size_t	 i;

	sfile_close_part(sf);
	for (i = 0; i < sf->nparts; i++) {
		free(sf->parts[i].path);
		free(sf->parts[i].name);
	}
	free(sf->parts);
	free(sf->what);
	free(sf);
}

/* The length of arg's "scheme://" if it starts with one, else 0. */
static size_t
sfile_scheme(const char *arg)
{
	size_t	 i;

	for (i = 0; arg[i] != '\0' && i < 32; i++) {
		if ((arg[i] >= 'a' && arg[i] <= 'z') || (arg[i] >= 'A' &&
		    arg[i] <= 'Z') || (i > 0 && ((arg[i] >= '0' &&
		    arg[i] <= '9') || arg[i] == '+' || arg[i] == '-' ||
		    arg[i] == '.')))
			continue;
		break;
	}
	if (i > 0 && strncmp(arg + i, "://", 3) == 0)
		return (i + 3);
	return (0);
}

/*
 * Open a file, a dump directory or "-" (stdin).  Returns NULL with a
 * message in *cause if arg is none of the readable kinds.
 */
struct source *
source_file_open(const char *arg, const struct options *o, struct store *st,
    char **cause)
{
	struct sfile	*sf;
	struct stat	 sb;
	const char	*base;
	char		*dir;
	size_t		 len, ndup;

	*cause = NULL;
	sf = xcalloc(1, sizeof *sf);
	if (strcmp(arg, "-") == 0) {
		sf->is_stdin = true;
		sf->explicit = true;
		sf->js = source_jsonl_create(st, "stdin", STDIN_FILENO, NULL, 0,
		    false);
		sf->what = xstrdup("stdin (JSON lines)");
		return (source_create(&sfile_ops, arg, sf));
	}
	if (stat(arg, &sb) == -1) {
		if ((len = sfile_scheme(arg)) > 0)
			xasprintf(cause, "unknown URI scheme '%.*s' (tykscope "
			    "reads redis://, rediss://, unix://, mongodb://, "
			    "mongodb+srv://, postgresql://, postgres://, files "
			    "and directories)", (int)len, arg);
		else
			xasprintf(cause, "%s", strerror(errno));
		sfile_free_data(sf);
		return (NULL);
	}
	if (S_ISDIR(sb.st_mode)) {
		dir = xstrdup(arg);
		len = strlen(dir);
		while (len > 1 && dir[len - 1] == '/')
			dir[--len] = '\0';
		sfile_walk(sf, dir, "", 0);
		free(dir);
		if (sf->nparts == 0) {
			xasprintf(cause, "no mongodump collections (*.bson, "
			    "*.bson.gz) found in this directory");
			sfile_free_data(sf);
			return (NULL);
		}
		qsort(sf->parts, sf->nparts, sizeof *sf->parts, sfile_cmp);
		ndup = o != NULL && o->keep_duplicates ? 0 :
		    sfile_dedup(sf, arg);
		if (ndup > 0)
			xasprintf(&sf->what, "dump %s (%zu collection%s, %zu "
			    "duplicate%s skipped)", arg, sf->nparts,
			    sf->nparts == 1 ? "" : "s", ndup,
			    ndup == 1 ? "" : "s");
		else
			xasprintf(&sf->what, "dump %s (%zu collection%s)", arg,
			    sf->nparts, sf->nparts == 1 ? "" : "s");
		return (source_create(&sfile_ops, arg, sf));
	}
	sf->explicit = true;
	base = strrchr(arg, '/');
	base = base != NULL && base[1] != '\0' ? base + 1 : arg;
	sfile_add(sf, arg, base, (uint64_t)sb.st_size);
	/* Sniff now, so an unusable file fails before anything runs. */
	if (sfile_open_part(sf, st, 0, cause) != 0) {
		sfile_free_data(sf);
		return (NULL);
	}
	sf->what = xstrdup(base);
	return (source_create(&sfile_ops, arg, sf));
}

/* Read up to max documents or lines from the current part. */
static enum source_status
sfile_poll(struct source *s, struct store *st, size_t max)
{
	struct sfile		*sf = s->data;
	enum source_status	 ss;
	char			*cause;
	uint64_t		 d, t;
	uint16_t		 id;

	for (;;) {
		if (sf->bs == NULL && sf->js == NULL) {
			if (sf->cur >= sf->nparts)
				return (SOURCE_EOF);
			if (sfile_open_part(sf, st, sf->cur, &cause) != 0) {
				/* One unreadable file does not stop a dump. */
				id = store_source_add(st,
				    sf->parts[sf->cur].name, STORE_SRC_FILE);
				store_source_damage(st, id, "%s", cause);
				free(cause);
				sf->done += sf->parts[sf->cur].size;
				sf->cur++;
				continue;
			}
		}
		if (sf->bs != NULL) {
			ss = source_bson_poll(sf->bs, st, max);
			source_bson_progress(sf->bs, &d, &t);
		} else {
			ss = source_jsonl_poll(sf->js, st, max);
			source_jsonl_progress(sf->js, &d, &t);
		}
		if (ss != SOURCE_EOF)
			return (ss);
		sfile_close_part(sf);
		if (sf->is_stdin)
			return (SOURCE_EOF);
		sf->done += sf->parts[sf->cur].size;
		sf->cur++;
		if (sf->cur >= sf->nparts)
			return (SOURCE_EOF);
		return (SOURCE_MORE);
	}
}

/* Bytes read so far over all parts, and their total. */
static void
sfile_progress(struct source *s, uint64_t *done, uint64_t *total)
{
	struct sfile	*sf = s->data;
	uint64_t	 d = 0, t = 0;

	if (sf->bs != NULL)
		source_bson_progress(sf->bs, &d, &t);
	else if (sf->js != NULL)
		source_jsonl_progress(sf->js, &d, &t);
	if (sf->is_stdin) {
		*done = d;
		*total = 0;
		return;
	}
	*done = sf->done + d;
	*total = sf->total;
}

/* One line: what is being read. */
static void
sfile_describe(struct source *s, struct buf *b)
{
	struct sfile	*sf = s->data;

	buf_adds(b, sf->what);
}

/* The source's free callback. */
static void
sfile_free(struct source *s)
{
	sfile_free_data(s->data);
}

static const struct source_ops sfile_ops = {
	.name = "file",
	.poll = sfile_poll,
	.progress = sfile_progress,
	.describe = sfile_describe,
	.health = NULL,
	.free = sfile_free
};
