/* SPDX-License-Identifier: ISC */
/*
 * Time zones from TZif files (RFC 8536), without the C library's global
 * zone state.
 *
 * tz_load reads one file (an IANA name under $TZDIR or
 * /usr/share/zoneinfo, or an absolute path) and tz_parse turns its bytes
 * into a struct tz: the transition instants with the UTC offset in force
 * from each, the offset before the first (time type 0, RFC 8536 3.2), and
 * the footer's POSIX TZ rule for instants after the last transition.
 * Debian's tzdata may be built "slim", with no transitions generated past
 * the last rule change, so the footer carries every future instant.  Only
 * offsets are kept: abbreviations, isdst and the standard/UT indicators
 * are not needed to answer "what is the offset at t".  Leap-second
 * records ("right/" zones) are checked for size and ignored, as Go's
 * time.LoadLocation does.
 *
 * The file is input: every count and index is checked against the bytes
 * actually present before anything is read or allocated, and allocation
 * failures come back as errors.  A struct tz is immutable once returned,
 * and tz_offset reads nothing else, so one table may be shared by any
 * number of threads without locking.
 */
#include "config.h"

#include "tz.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xmalloc.h"

#define TZ_MAX_FILE	(1024 * 1024)	/* real files are under 8 KiB */
#define TZ_MAX_FOOTER	1024
#define TZ_OFF_MIN	(-89999)	/* RFC 8536 3.2: -24:59:59 */
#define TZ_OFF_MAX	93599		/* 25:59:59 */
#define TZ_DAY		86400LL
#define TZ_400Y		(146097LL * TZ_DAY)	/* the Gregorian cycle */

/* One date of a POSIX TZ rule: Jn, n or Mm.w.d, and a time of day. */
struct tz_date {
	char		 kind;		/* 'J', 'D' (zero-based) or 'M' */
	int		 n;		/* day (J, D) or week 1-5 (M) */
	int		 m;		/* month 1-12 (M) */
	int		 d;		/* weekday 0-6, Sunday 0 (M) */
	long		 secs;		/* local time of day, may be < 0 */
};

/* The footer's rule: standard offset, and DST between two dates. */
struct tz_rule {
	long		 std;		/* seconds east of UTC */
	long		 dst;		/* seconds east of UTC, in DST */
	bool		 has_dst;
	struct tz_date	 start;		/* in standard local time */
	struct tz_date	 end;		/* in DST local time */
};

struct tz {
	int64_t		*trans;		/* transition instants, ascending */
	int32_t		*offs;		/* offset in force from trans[i] */
	size_t		 n;
	long		 first;		/* offset before trans[0] (type 0) */
	bool		 has_rule;	/* rule applies from trans[n - 1] */
	struct tz_rule	 rule;
};

/* A TZif header: version (1 for NUL, then 2, 3, ...) and the six counts. */
struct tz_header {
	int		 version;
	uint32_t	 isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt;
};

static int	 tz_parse_rule(const char *, struct tz_rule *);

/* Read a big-endian 32-bit unsigned integer. */
static uint32_t
tz_be32(const uint8_t *p)
{
	return ((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3]);
}

/* Read a big-endian 64-bit two's-complement integer. */
static int64_t
tz_be64(const uint8_t *p)
{
	uint64_t	 v;

	v = (uint64_t)tz_be32(p) << 32 | tz_be32(p + 4);
	return ((int64_t)v);
}

/* Days since 1970-01-01 of y-m-d (proleptic Gregorian, Hinnant). */
static int64_t
tz_days(int64_t y, int m, int d)
{
	int64_t		 era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (era * 146097 + doe - 719468);
}

/* The civil year of day number days since 1970-01-01. */
static int64_t
tz_year(int64_t days)
{
	int64_t		 z, era, doe, yoe, doy, mp, y;

	z = days + 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	return (mp >= 10 ? y + 1 : y);
}

/* Is y a Gregorian leap year? */
static bool
tz_is_leap(int64_t y)
{
	return (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0));
}

/* Length of month m (1-12) of year y. */
static int
tz_month_len(int64_t y, int m)
{
	static const int	 len[12] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};

	return (m == 2 && tz_is_leap(y) ? 29 : len[m - 1]);
}

/* Local time (seconds since 1970-01-01 local) at which date d of y falls. */
static int64_t
tz_date_at(const struct tz_date *d, int64_t y)
{
	int64_t		 day;
	int		 dow, md;

	switch (d->kind) {
	case 'J':
		day = tz_days(y, 1, 1) + d->n - 1;
		if (tz_is_leap(y) && d->n >= 60)
			day++;
		break;
	case 'D':
		day = tz_days(y, 1, 1) + d->n;
		break;
	default:
		day = tz_days(y, d->m, 1);
		dow = (int)(((day + 4) % 7 + 7) % 7);	/* 1970-01-01: Thu */
		md = (d->d - dow + 7) % 7;
		md += 7 * (d->n - 1);
		while (md >= tz_month_len(y, d->m))
			md -= 7;
		day += md;
		break;
	}
	return (day * TZ_DAY + d->secs);
}

/*
 * Offset of the POSIX rule at t.  As glibc and Go do, the year is t's UTC
 * year; t is first moved into 1970-2370 by whole 400-year cycles, over
 * which the Gregorian calendar (weekdays included) repeats exactly, so no
 * arithmetic can overflow.
 */
static long
tz_rule_offset(const struct tz_rule *r, int64_t t)
{
	int64_t		 y, start, end;
	bool		 dst;

	if (!r->has_dst)
		return (r->std);
	t %= TZ_400Y;
	if (t < 0)
		t += TZ_400Y;
	y = tz_year(t / TZ_DAY);
	start = tz_date_at(&r->start, y) - r->std;
	end = tz_date_at(&r->end, y) - r->dst;
	if (start > end)
		dst = t < end || t >= start;
	else
		dst = t >= start && t < end;
	return (dst ? r->dst : r->std);
}

/*
 * UTC offset (seconds east) of tz at Unix time t.  Any t is valid.  Reads
 * only the immutable table: safe from any thread.
 */
long
tz_offset(const struct tz *tz, int64_t t)
{
	size_t	 lo, hi, mid;

	if (tz->n == 0)
		return (tz->has_rule ? tz_rule_offset(&tz->rule, t) :
		    tz->first);
	if (t < tz->trans[0])
		return (tz->first);
	if (t >= tz->trans[tz->n - 1]) {
		if (tz->has_rule)
			return (tz_rule_offset(&tz->rule, t));
		return (tz->offs[tz->n - 1]);
	}
	/* trans[lo] <= t < trans[hi] */
	lo = 0;
	hi = tz->n - 1;
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (tz->trans[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return (tz->offs[lo]);
}

/* Is tz UTC at every instant (no transitions, offset 0, no DST)? */
int
tz_is_utc(const struct tz *tz)
{
	if (tz->n != 0 || tz->first != 0)
		return (0);
	return (!tz->has_rule || (!tz->rule.has_dst && tz->rule.std == 0));
}

/* Free a zone table. */
void
tz_free(struct tz *tz)
{
	if (tz == NULL)
		return;
	free(tz->trans);
	free(tz->offs);
	free(tz);
}

/* Read the header at p[0..len): 0, or -1 with *why set. */
static int
tz_read_header(const uint8_t *p, size_t len, struct tz_header *h,
    const char **why)
{
	if (len < 44) {
		*why = len < 4 || memcmp(p, "TZif", 4) == 0 ?
		    "truncated TZif header" : "not a TZif file";
		return (-1);
	}
	if (memcmp(p, "TZif", 4) != 0) {
		*why = "not a TZif file";
		return (-1);
	}
	if (p[4] == 0)
		h->version = 1;
	else if (p[4] >= '2' && p[4] <= '9')
		h->version = p[4] - '0';
	else {
		*why = "unknown TZif version";
		return (-1);
	}
	h->isutcnt = tz_be32(p + 20);
	h->isstdcnt = tz_be32(p + 24);
	h->leapcnt = tz_be32(p + 28);
	h->timecnt = tz_be32(p + 32);
	h->typecnt = tz_be32(p + 36);
	h->charcnt = tz_be32(p + 40);
	if (h->typecnt == 0) {
		*why = "TZif file without local time types";
		return (-1);
	}
	if ((h->isutcnt != 0 && h->isutcnt != h->typecnt) ||
	    (h->isstdcnt != 0 && h->isstdcnt != h->typecnt)) {
		*why = "bad TZif indicator counts";
		return (-1);
	}
	return (0);
}

/* Bytes of the data block after header h with tsize-byte times. */
static uint64_t
tz_block_len(const struct tz_header *h, unsigned tsize)
{
	/* Each count is below 2^32: this cannot overflow 64 bits. */
	return ((uint64_t)h->timecnt * (tsize + 1) +
	    (uint64_t)h->typecnt * 6 + h->charcnt +
	    (uint64_t)h->leapcnt * (tsize + 4) + h->isstdcnt + h->isutcnt);
}

/*
 * Fill tz from the data block p (already checked to hold
 * tz_block_len(h, tsize) bytes).  Returns 0, or -1 with *why set.
 */
static int
tz_read_block(struct tz *tz, const uint8_t *p, const struct tz_header *h,
    unsigned tsize, const char **why)
{
	const uint8_t	*times = p, *idx, *types;
	size_t		 i, n = h->timecnt;
	uint8_t		 k;
	int32_t		 off;

	idx = times + (size_t)n * tsize;
	types = idx + n;
	for (i = 0; i < h->typecnt; i++) {
		off = (int32_t)tz_be32(types + i * 6);
		if (off < TZ_OFF_MIN || off > TZ_OFF_MAX) {
			*why = "UTC offset out of range in TZif file";
			return (-1);
		}
		if (types[i * 6 + 4] > 1) {
			*why = "bad isdst in TZif file";
			return (-1);
		}
	}
	tz->first = (int32_t)tz_be32(types);
	if (n == 0)
		return (0);
	tz->trans = calloc(n, sizeof *tz->trans);
	tz->offs = calloc(n, sizeof *tz->offs);
	if (tz->trans == NULL || tz->offs == NULL) {
		*why = "out of memory";
		return (-1);
	}
	for (i = 0; i < n; i++) {
		if (tsize == 8)
			tz->trans[i] = tz_be64(times + i * 8);
		else
			tz->trans[i] = (int32_t)tz_be32(times + i * 4);
		if (i > 0 && tz->trans[i] <= tz->trans[i - 1]) {
			*why = "TZif transitions out of order";
			return (-1);
		}
		k = idx[i];
		if (k >= h->typecnt) {
			*why = "bad local time type index in TZif file";
			return (-1);
		}
		tz->offs[i] = (int32_t)tz_be32(types + (size_t)k * 6);
	}
	tz->n = n;
	return (0);
}

/*
 * Parse a TZif file held in data[0..len).  Returns a new table, or NULL
 * with *cause set (a short reason, without the zone's name).
 */
struct tz *
tz_parse(const void *data, size_t len, char **cause)
{
	const uint8_t		*p = data, *nl;
	struct tz_header	 h;
	struct tz		*tz;
	const char		*why = NULL;
	uint64_t		 blen;
	char			 footer[TZ_MAX_FOOTER + 1];
	size_t			 at, flen;
	unsigned		 tsize = 4;
	int			 version;

	if ((tz = calloc(1, sizeof *tz)) == NULL) {
		why = "out of memory";
		goto fail;
	}
	if (tz_read_header(p, len, &h, &why) != 0)
		goto fail;
	version = h.version;
	at = 44;
	blen = tz_block_len(&h, 4);
	if (blen > len - at) {
		why = "truncated TZif file";
		goto fail;
	}
	if (version >= 2) {
		/* Skip the 32-bit block: the 64-bit one follows. */
		at += (size_t)blen;
		if (tz_read_header(p + at, len - at, &h, &why) != 0) {
			if (len - at >= 4 && memcmp(p + at, "TZif", 4) != 0)
				why = "bad second TZif header";
			goto fail;
		}
		at += 44;
		tsize = 8;
		blen = tz_block_len(&h, 8);
		if (blen > len - at) {
			why = "truncated TZif file";
			goto fail;
		}
	}
	if (tz_read_block(tz, p + at, &h, tsize, &why) != 0)
		goto fail;
	at += (size_t)blen;
	if (version < 2)
		return (tz);

	/* The footer: "\n" POSIX-TZ-string "\n" (may be empty). */
	if (at >= len || p[at] != '\n') {
		why = "TZif file without footer";
		goto fail;
	}
	at++;
	nl = memchr(p + at, '\n', len - at);
	if (nl == NULL) {
		why = "truncated TZif footer";
		goto fail;
	}
	flen = (size_t)(nl - (p + at));
	if (flen > TZ_MAX_FOOTER) {
		why = "TZif footer too long";
		goto fail;
	}
	if (flen == 0)
		return (tz);
	memcpy(footer, p + at, flen);
	footer[flen] = '\0';
	if (memchr(footer, '\0', flen) != NULL ||
	    tz_parse_rule(footer, &tz->rule) != 0) {
		why = "bad TZ string in TZif footer";
		goto fail;
	}
	tz->has_rule = true;
	return (tz);

fail:
	if (cause != NULL)
		*cause = xstrdup(why);
	tz_free(tz);
	return (NULL);
}

/* Parse a zone name of the TZ string at *s (alphabetic or <quoted>). */
static int
tz_rule_name(const char **s)
{
	const char	*p = *s;
	size_t		 n = 0;

	if (*p == '<') {
		for (p++; (*p >= 'A' && *p <= 'Z') || (*p >= 'a' &&
		    *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '+' ||
		    *p == '-'; p++)
			n++;
		if (*p != '>' || n < 1)
			return (-1);
		*s = p + 1;
		return (0);
	}
	for (; (*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z'); p++)
		n++;
	if (n < 3)
		return (-1);
	*s = p;
	return (0);
}

/* Parse a decimal number at *s, at most max; -1 if none or too big. */
static long
tz_rule_num(const char **s, long max)
{
	long	 v = 0;

	if (**s < '0' || **s > '9')
		return (-1);
	while (**s >= '0' && **s <= '9') {
		v = v * 10 + (**s - '0');
		if (v > max)
			return (-1);
		(*s)++;
	}
	return (v);
}

/*
 * Parse [+-]hh[:mm[:ss]] at *s into seconds, hours at most maxh; 0 or
 * -1.  Signs are allowed only if sign is set (offsets, v3 rule times).
 */
static int
tz_rule_hms(const char **s, long maxh, long *secs)
{
	long	 h, m = 0, sec = 0, neg = 0;

	if (**s == '+' || **s == '-')
		neg = *(*s)++ == '-';
	if ((h = tz_rule_num(s, maxh)) < 0)
		return (-1);
	if (**s == ':') {
		(*s)++;
		if ((m = tz_rule_num(s, 59)) < 0)
			return (-1);
		if (**s == ':') {
			(*s)++;
			if ((sec = tz_rule_num(s, 59)) < 0)
				return (-1);
		}
	}
	*secs = h * 3600 + m * 60 + sec;
	if (neg)
		*secs = -*secs;
	return (0);
}

/* Parse ",date[/time]" at *s (RFC 8536 3.3 allows hours -167..167). */
static int
tz_rule_date(const char **s, struct tz_date *d)
{
	long	 v;

	if (**s != ',')
		return (-1);
	(*s)++;
	memset(d, 0, sizeof *d);
	if (**s == 'J') {
		(*s)++;
		d->kind = 'J';
		if ((v = tz_rule_num(s, 365)) < 1)
			return (-1);
		d->n = (int)v;
	} else if (**s == 'M') {
		(*s)++;
		d->kind = 'M';
		if ((v = tz_rule_num(s, 12)) < 1)
			return (-1);
		d->m = (int)v;
		if (*(*s)++ != '.' || (v = tz_rule_num(s, 5)) < 1)
			return (-1);
		d->n = (int)v;
		if (*(*s)++ != '.' || (v = tz_rule_num(s, 6)) < 0)
			return (-1);
		d->d = (int)v;
	} else {
		d->kind = 'D';
		if ((v = tz_rule_num(s, 365)) < 0)
			return (-1);
		d->n = (int)v;
	}
	d->secs = 7200;
	if (**s == '/') {
		(*s)++;
		if (tz_rule_hms(s, 167, &d->secs) != 0)
			return (-1);
	}
	return (0);
}

/*
 * Parse a POSIX TZ string ("EST5EDT,M3.2.0,M11.1.0", "<+0330>-3:30",
 * "IST-1GMT0,M10.5.0,M3.5.0/1") into r.  Returns 0, or -1 if s is not
 * entirely a valid string.
 */
static int
tz_parse_rule(const char *s, struct tz_rule *r)
{
	long	 off;

	memset(r, 0, sizeof *r);
	if (tz_rule_name(&s) != 0 || tz_rule_hms(&s, 24, &off) != 0)
		return (-1);
	r->std = -off;				/* POSIX counts west */
	if (*s == '\0') {
		r->dst = r->std;
		return (0);
	}
	if (tz_rule_name(&s) != 0)
		return (-1);
	r->has_dst = true;
	r->dst = r->std + 3600;
	if (*s != ',' && *s != '\0') {
		if (tz_rule_hms(&s, 24, &off) != 0)
			return (-1);
		r->dst = -off;
	}
	if (*s == '\0') {
		/* No rule: glibc's default, the US rules since 2007. */
		r->start.kind = r->end.kind = 'M';
		r->start.m = 3;
		r->start.n = 2;
		r->end.m = 11;
		r->end.n = 1;
		r->start.secs = r->end.secs = 7200;
		return (0);
	}
	if (tz_rule_date(&s, &r->start) != 0 ||
	    tz_rule_date(&s, &r->end) != 0 || *s != '\0')
		return (-1);
	return (0);
}

/* Read the whole regular file path (at most TZ_MAX_FILE bytes). */
static void *
tz_read_file(const char *path, size_t *len, bool *missing, const char **why)
{
	struct stat	 sb;
	uint8_t		*buf;
	size_t		 have = 0;
	ssize_t		 r;
	int		 fd;

	*missing = false;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)) == -1) {
		*missing = errno == ENOENT || errno == ENOTDIR;
		*why = strerror(errno);
		return (NULL);
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		*missing = true;
		close(fd);
		return (NULL);
	}
	if (sb.st_size > TZ_MAX_FILE) {
		*why = "file too large for a TZif file";
		close(fd);
		return (NULL);
	}
	if ((buf = malloc((size_t)sb.st_size + 1)) == NULL) {
		*why = "out of memory";
		close(fd);
		return (NULL);
	}
	while (have < (size_t)sb.st_size) {
		r = read(fd, buf + have, (size_t)sb.st_size - have);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0) {
			*why = r == 0 ? "file shrank while read" :
			    strerror(errno);
			free(buf);
			close(fd);
			return (NULL);
		}
		have += (size_t)r;
	}
	close(fd);
	*len = have;
	return (buf);
}

/*
 * Load zone name: "UTC", "GMT", "Etc/UTC" or "Z" (built in), an IANA
 * name under $TZDIR or /usr/share/zoneinfo, or an absolute path; a
 * leading ':' is ignored and ".." refused.  Returns a new table, or NULL
 * with *cause set (if cause is not NULL).
 */
struct tz *
tz_load(const char *name, char **cause)
{
	struct tz	*tz;
	const char	*dir, *why = NULL;
	char		*path, *reason = NULL;
	void		*data;
	size_t		 len = 0;
	bool		 missing;

	if (*name == ':')
		name++;
	if (*name == '\0') {
		if (cause != NULL)
			*cause = xstrdup("empty time zone");
		return (NULL);
	}
	if (strcmp(name, "UTC") == 0 || strcmp(name, "GMT") == 0 ||
	    strcmp(name, "Etc/UTC") == 0 || strcmp(name, "Z") == 0)
		return (xcalloc(1, sizeof (struct tz)));
	if (strstr(name, "..") != NULL) {
		if (cause != NULL)
			xasprintf(cause, "unknown time zone '%s'", name);
		return (NULL);
	}
	if (*name == '/')
		path = xstrdup(name);
	else {
		dir = getenv("TZDIR");
		if (dir == NULL || *dir == '\0')
			dir = "/usr/share/zoneinfo";
		xasprintf(&path, "%s/%s", dir, name);
	}
	data = tz_read_file(path, &len, &missing, &why);
	free(path);
	if (data == NULL) {
		if (cause != NULL) {
			if (missing)
				xasprintf(cause, "unknown time zone '%s'",
				    name);
			else
				xasprintf(cause, "time zone '%s': %s", name,
				    why);
		}
		return (NULL);
	}
	tz = tz_parse(data, len, &reason);
	free(data);
	if (tz == NULL) {
		if (cause != NULL)
			xasprintf(cause, "time zone '%s': %s", name, reason);
		free(reason);
	}
	return (tz);
}
