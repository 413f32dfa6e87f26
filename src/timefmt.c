/* SPDX-License-Identifier: ISC */
/*
 * Time helpers.  Calendar conversion uses Howard Hinnant's days-from-civil
 * algorithm, valid for any int64 year range we meet (Go's zero time is year
 * 1), so nothing depends on the C library's time_t range or on TZ.
 */
#include "config.h"

#include "timefmt.h"
#include "tz.h"

#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static const struct tz	*timefmt_zone;		/* NULL: UTC */
static bool		 timefmt_zone_on;	/* set: not mktime */
static char		 timefmt_zone_label[64] = "UTC";

/* Days since 1970-01-01 of the civil date y-m-d (proleptic Gregorian). */
int64_t
timefmt_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t		 era;
	unsigned	 yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return (era * 146097 + (int64_t)doe - 719468);
}

/* Split Unix seconds into a UTC civil date and time. */
void
timefmt_civil(int64_t t, int64_t *year, int *mon, int *day, int *hour,
    int *min, int *sec)
{
	int64_t		 days, secs, era, y;
	unsigned	 doe, yoe, doy, mp, d, m;

	days = t / 86400;
	secs = t % 86400;
	if (secs < 0) {
		secs += 86400;
		days--;
	}
	days += 719468;
	era = (days >= 0 ? days : days - 146096) / 146097;
	doe = (unsigned)(days - era * 146097);
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	y = (int64_t)yoe + era * 400;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	d = doy - (153 * mp + 2) / 5 + 1;
	m = mp < 10 ? mp + 3 : mp - 9;
	*year = y + (m <= 2);
	*mon = (int)m;
	*day = (int)d;
	*hour = (int)(secs / 3600);
	*min = (int)(secs / 60 % 60);
	*sec = (int)(secs % 60);
}

/*
 * Format sec.nsec as RFC 3339 UTC ("2024-02-29T10:15:30.123Z") with digits
 * fractional digits (0-9) into buf.  Returns the length.
 */
size_t
timefmt_rfc3339(char *buf, size_t size, int64_t sec, uint32_t nsec,
    int digits)
{
	int64_t		 year;
	int		 mon, day, hour, min, s, n, i;
	char		 frac[16];
	uint32_t	 div = 1000000000;

	timefmt_civil(sec, &year, &mon, &day, &hour, &min, &s);
	frac[0] = '\0';
	if (digits > 0) {
		if (digits > 9)
			digits = 9;
		for (i = 0; i < digits; i++)
			div /= 10;
		snprintf(frac, sizeof frac, ".%0*u", digits, nsec / div);
	}
	n = snprintf(buf, size, "%04lld-%02d-%02dT%02d:%02d:%02d%sZ",
	    (long long)year, mon, day, hour, min, s, frac);
	if (n < 0)
		n = 0;
	return ((size_t)n >= size ? size - 1 : (size_t)n);
}

/*
 * Set the zone for times without an offset (parsing) and for
 * timefmt_local: tz (NULL: UTC), shown as name.  Until this is called, or
 * after it is called with both NULL, such times are local (mktime) and
 * timefmt_local is UTC.
 */
void
timefmt_set_zone(const struct tz *tz, const char *name)
{
	timefmt_zone = tz;
	timefmt_zone_on = tz != NULL || name != NULL;
	snprintf(timefmt_zone_label, sizeof timefmt_zone_label, "%s",
	    name != NULL && *name != '\0' ? name : "UTC");
}

/* The name of the zone set ("UTC" by default). */
const char *
timefmt_zone_name(void)
{
	return (timefmt_zone_label);
}

/* The offset east of UTC, in seconds, of the zone at Unix time t. */
long
timefmt_zone_offset(int64_t t)
{
	if (timefmt_zone == NULL)
		return (0);
	return (tz_offset(timefmt_zone, t));
}

/*
 * Format sec.nsec as RFC 3339 in the zone set ("2024-02-29T05:15:30.123-05:00";
 * "Z" in UTC), as timefmt_rfc3339.  The date and time are at the
 * same offsets as timefmt_rfc3339's, so callers may cut them out.
 */
size_t
timefmt_local(char *buf, size_t size, int64_t sec, uint32_t nsec,
    int digits)
{
	long	 off = timefmt_zone_offset(sec);
	size_t	 n;

	n = timefmt_rfc3339(buf, size, sec + off, nsec, digits);
	if (off == 0 || n == 0 || n + 6 >= size)
		return (n);
	n--;		/* the Z */
	n += (size_t)snprintf(buf + n, size - n, "%c%02ld:%02ld",
	    off < 0 ? '-' : '+', (off < 0 ? -off : off) / 3600,
	    (off < 0 ? -off : off) / 60 % 60);
	return (n);
}

/* The current time in ns since the epoch. */
int64_t
timefmt_now(void)
{
	struct timespec	 ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ((int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec);
}

static int
timefmt_digits(const char **p, const char *end, int n, int *out)
{
	int	 v = 0, i;

	for (i = 0; i < n; i++) {
		if (*p >= end || !isdigit((unsigned char)**p))
			return (-1);
		v = v * 10 + (**p - '0');
		(*p)++;
	}
	*out = v;
	return (0);
}

/*
 * Parse a time argument of len bytes: an RFC 3339 prefix ("2024-02-29",
 * "2024-02-29T10", "2024-02-29T10:15", "...T10:15:30.5Z", "...+02:00"; a
 * space may replace the T) or a relative form ("-15m", "-2h", "-1d",
 * "-30s", "-1w") counted back from now (ns).  A prefix without a zone is
 * local time.  On success *lo is the first instant the argument names and
 * *hi the first instant after it (so "2024-02-29" covers the whole day);
 * returns 0.  On failure returns -1 and sets *err.
 */
int
timefmt_parse(const char *s, size_t len, int64_t now, int64_t *lo,
    int64_t *hi, const char **err)
{
	const char	*p = s, *end = s + len;
	int		 y, mo = 1, d = 1, h = 0, mi = 0, se = 0, prec = 0;
	int64_t		 unit = 0, n = 0, frac = 0, span, secs;
	int		 tzsign = 0, tzh = 0, tzm = 0;
	bool		 zone = false;
	struct tm	 tm;
	time_t		 t;

	*err = NULL;
	if (len > 0 && s[0] == '-') {
		p++;
		if (p >= end || !isdigit((unsigned char)*p))
			goto bad_rel;
		while (p < end && isdigit((unsigned char)*p)) {
			if (n > 1000000000)
				goto bad_rel;
			n = n * 10 + (*p++ - '0');
		}
		if (p + 1 != end)
			goto bad_rel;
		switch (*p) {
		case 's':
			unit = 1;
			break;
		case 'm':
			unit = 60;
			break;
		case 'h':
			unit = 3600;
			break;
		case 'd':
			unit = 86400;
			break;
		case 'w':
			unit = 7 * 86400;
			break;
		default:
			goto bad_rel;
		}
		if (n > 100LL * 366 * 86400 / unit) {
			*err = "relative time too far back (100 years at most)";
			return (-1);
		}
		*lo = now - n * unit * 1000000000;
		*hi = *lo + 1;
		return (0);
	}

	if (timefmt_digits(&p, end, 4, &y) != 0)
		goto bad;
	span = 366LL * 86400;
	if (p < end) {
		if (*p++ != '-' || timefmt_digits(&p, end, 2, &mo) != 0)
			goto bad;
		span = 31LL * 86400;
	}
	if (p < end && *p == '-') {
		p++;
		if (timefmt_digits(&p, end, 2, &d) != 0)
			goto bad;
		span = 86400;
	}
	if (p < end && (*p == 'T' || *p == 't' || *p == ' ')) {
		p++;
		if (timefmt_digits(&p, end, 2, &h) != 0)
			goto bad;
		span = 3600;
		if (p < end && *p == ':') {
			p++;
			if (timefmt_digits(&p, end, 2, &mi) != 0)
				goto bad;
			span = 60;
			if (p < end && *p == ':') {
				p++;
				if (timefmt_digits(&p, end, 2, &se) != 0)
					goto bad;
				span = 1;
				if (p < end && *p == '.') {
					p++;
					while (p < end &&
					    isdigit((unsigned char)*p)) {
						if (prec < 9) {
							frac = frac * 10 +
							    (*p - '0');
							prec++;
						}
						p++;
					}
					if (prec == 0)
						goto bad;
				}
			}
		}
	}
	if (p < end && (*p == 'Z' || *p == 'z')) {
		zone = true;
		p++;
	} else if (p < end && (*p == '+' || *p == '-')) {
		tzsign = *p++ == '-' ? -1 : 1;
		if (timefmt_digits(&p, end, 2, &tzh) != 0)
			goto bad;
		if (p < end && *p == ':')
			p++;
		if (timefmt_digits(&p, end, 2, &tzm) != 0)
			goto bad;
		zone = true;
	}
	if (p != end)
		goto bad;
	if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
	    se > 60) {
		*err = "date or time out of range";
		return (-1);
	}
	if (zone) {
		secs = timefmt_days_from_civil(y, (unsigned)mo, (unsigned)d) *
		    86400 + h * 3600 + mi * 60 + se;
		secs -= tzsign * (tzh * 3600 + tzm * 60);
	} else if (timefmt_zone_on) {
		/* In the chosen zone: the offset at that local time. */
		secs = timefmt_days_from_civil(y, (unsigned)mo, (unsigned)d) *
		    86400 + h * 3600 + mi * 60 + se;
		secs -= timefmt_zone_offset(secs - timefmt_zone_offset(secs));
	} else {
		memset(&tm, 0, sizeof tm);
		tm.tm_year = y - 1900;
		tm.tm_mon = mo - 1;
		tm.tm_mday = d;
		tm.tm_hour = h;
		tm.tm_min = mi;
		tm.tm_sec = se;
		tm.tm_isdst = -1;
		t = mktime(&tm);
		secs = (int64_t)t;
	}
	while (prec < 9) {
		frac *= 10;
		prec++;
	}
	if (span == 366LL * 86400)
		span = (timefmt_days_from_civil(y + 1, 1, 1) -
		    timefmt_days_from_civil(y, 1, 1)) * 86400;
	else if (span == 31LL * 86400)
		span = (timefmt_days_from_civil(mo == 12 ? y + 1 : y,
		    mo == 12 ? 1 : (unsigned)mo + 1, 1) -
		    timefmt_days_from_civil(y, (unsigned)mo, 1)) * 86400;
	/* Nanoseconds since the epoch cover 1678 to 2262. */
	if (secs < -9223372035LL + span || secs > 9223372035LL - span) {
		*err = "time out of range (years 1678 to 2261)";
		return (-1);
	}
	*lo = secs * 1000000000 + frac;
	*hi = frac != 0 ? *lo + 1 : *lo + span * 1000000000;
	return (0);

bad_rel:
	*err = "bad relative time (expected e.g. -15m, -2h, -1d)";
	return (-1);
bad:
	*err = "bad time (expected RFC 3339, e.g. 2024-02-29T10:15:30Z, "
	    "or -15m)";
	return (-1);
}
