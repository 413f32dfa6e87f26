/* SPDX-License-Identifier: ISC */
/*
 * tz.c against glibc.  glibc is the reference here, so this test (and only
 * this test) switches TZ with setenv and tzset and reads tm_gmtoff from
 * localtime_r.  Zones whose file is missing are skipped with a message.
 * Damaged TZif files (every truncation, flipped bytes, huge counts, bad
 * indexes) must load with an error or as a usable table, never crash;
 * run under ASan this checks that nothing reads past the input.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "tz.h"
#include "unit.h"

#define Y1900	(-2208988800LL)
#define Y1970	0LL
#define Y2040	2208988800LL
#define Y2100	4102444800LL
#define Y2400	13569465600LL

static const char *const zones[] = {
	"America/New_York", "Europe/London", "Europe/Berlin",
	"Europe/Dublin", "Australia/Sydney", "Australia/Lord_Howe",
	"Asia/Kolkata", "Asia/Tehran", "America/St_Johns",
	"America/Sao_Paulo", "Pacific/Chatham", "Pacific/Apia",
	"Africa/Casablanca", "Antarctica/Troll", "UTC"
};

/* Make glibc's local time zone tz (a name or a POSIX TZ string). */
static void
glibc_zone(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

/* glibc's UTC offset at t in the current TZ. */
static long
glibc_off(int64_t t)
{
	time_t		 tt = (time_t)t;
	struct tm	 tm;

	if (localtime_r(&tt, &tm) == NULL)
		fail_msg("localtime_r failed at %lld", (long long)t);
	return (tm.tm_gmtoff);
}

/* Read a whole file; NULL if missing. */
static uint8_t *
slurp(const char *path, size_t *len)
{
	FILE	*f;
	uint8_t	*buf;
	long	 n;

	if ((f = fopen(path, "rb")) == NULL)
		return (NULL);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return (buf);
}

/* Is zone's file installed? */
static int
have_zone(const char *zone)
{
	char	 path[256];

	if (strcmp(zone, "UTC") == 0)
		return (1);
	snprintf(path, sizeof path, "/usr/share/zoneinfo/%s", zone);
	if (access(path, R_OK) == 0)
		return (1);
	print_message("skipping %s: not installed\n", zone);
	return (0);
}

/* Compare at t; count the mismatches, printing the first few. */
static void
check_at(const struct tz *tz, const char *zone, int64_t t, int *bad)
{
	long	 want, got;

	want = glibc_off(t);
	got = tz_offset(tz, t);
	if (want != got && (*bad)++ < 5)
		print_error("%s at %lld: tz %ld, glibc %ld\n", zone,
		    (long long)t, got, want);
}

/*
 * Walk [lo, hi) in steps of step seconds comparing every sample; where
 * glibc's offset changes (transitions are weeks apart, so a step of hours
 * finds them all), find the transition's exact second and compare
 * every second within 2 s of it.  Returns the transitions found.
 */
static int
walk(const struct tz *tz, const char *zone, int64_t lo, int64_t hi,
    int64_t step, int exact, int *bad)
{
	int64_t	 t, a, b, m, k;
	long	 prev, cur;
	int	 found = 0;

	prev = glibc_off(lo);
	for (t = lo; t < hi; t += step) {
		check_at(tz, zone, t, bad);
		cur = glibc_off(t + step);
		if (cur != prev && exact) {
			/* glibc_off(a) == prev, glibc_off(b) == cur. */
			a = t;
			b = t + step;
			while (b - a > 1) {
				m = a + (b - a) / 2;
				if (glibc_off(m) == prev)
					a = m;
				else
					b = m;
			}
			for (k = b - 2; k <= b + 2; k++)
				check_at(tz, zone, k, bad);
			found++;
		}
		prev = cur;
	}
	return (found);
}

/* Every zone against glibc: 1900-2100, transitions 1970-2040, 2100-2400. */
static void
test_glibc(void **state)
{
	struct tz	*tz;
	char		*cause = NULL;
	size_t		 i;
	int		 bad = 0, n1, n2;

	for (i = 0; i < sizeof zones / sizeof zones[0]; i++) {
		if (!have_zone(zones[i]))
			continue;
		tz = tz_load(zones[i], &cause);
		if (tz == NULL)
			fail_msg("%s: %s", zones[i], cause);
		glibc_zone(zones[i]);
		walk(tz, zones[i], Y1900, Y2100, 3 * 3600 - 7, 0, &bad);
		n1 = walk(tz, zones[i], Y1970, Y2040, 3 * 3600, 1, &bad);
		n2 = walk(tz, zones[i], Y2100, Y2400, 6 * 3600, 1, &bad);
		print_message("%-20s %4d transitions 1970-2040, %4d "
		    "2100-2400\n", zones[i], n1, n2);
		/* The zones with DST rules today must have found some. */
		if (strcmp(zones[i], "America/New_York") == 0 ||
		    strcmp(zones[i], "Europe/Dublin") == 0 ||
		    strcmp(zones[i], "Australia/Lord_Howe") == 0 ||
		    strcmp(zones[i], "Antarctica/Troll") == 0)
			assert_true(n1 > 50 && n2 == 600);
		tz_free(tz);
	}
	unsetenv("TZ");
	tzset();
	assert_int_equal(bad, 0);
}

/* Known values, independent of glibc. */
static void
test_known(void **state)
{
	struct tz	*tz;
	char		*cause = NULL;

	if (!have_zone("America/New_York") || !have_zone("Europe/Dublin"))
		skip();
	tz = tz_load("America/New_York", &cause);
	assert_non_null(tz);
	/* 2024-11-03 06:00:00Z: EDT ends. */
	assert_int_equal(tz_offset(tz, 1730613599), -4 * 3600);
	assert_int_equal(tz_offset(tz, 1730613600), -5 * 3600);
	/* 2024-03-10 07:00:00Z: EDT starts. */
	assert_int_equal(tz_offset(tz, 1710053999), -5 * 3600);
	assert_int_equal(tz_offset(tz, 1710054000), -4 * 3600);
	/* Far future and past, through the footer and type 0 (LMT). */
	assert_int_equal(tz_offset(tz, INT64_MAX), -5 * 3600);
	assert_int_equal(tz_offset(tz, INT64_MIN), -17762);
	tz_free(tz);

	/* Dublin: IST (+1) is "standard", GMT in winter is "DST". */
	tz = tz_load(":Europe/Dublin", &cause);
	assert_non_null(tz);
	assert_int_equal(tz_offset(tz, 4102444800LL + 180 * 86400), 3600);
	assert_int_equal(tz_offset(tz, 4102444800LL), 0);
	tz_free(tz);

	tz = tz_load("Z", &cause);
	assert_non_null(tz);
	assert_true(tz_is_utc(tz));
	assert_int_equal(tz_offset(tz, 1730613600), 0);
	tz_free(tz);
}

/* Names: aliases, "..", unknown zones, directories, absolute paths. */
static void
test_names(void **state)
{
	struct tz	*tz;
	char		*cause = NULL;

	tz = tz_load("Etc/UTC", &cause);
	assert_non_null(tz);
	tz_free(tz);
	assert_null(tz_load("", &cause));
	assert_string_equal(cause, "empty time zone");
	free(cause);
	assert_null(tz_load("../../etc/passwd", &cause));
	assert_string_equal(cause, "unknown time zone '../../etc/passwd'");
	free(cause);
	assert_null(tz_load("Nowhere/Land", &cause));
	assert_string_equal(cause, "unknown time zone 'Nowhere/Land'");
	free(cause);
	assert_null(tz_load("Nowhere/Land", NULL));
	if (access("/usr/share/zoneinfo/America", F_OK) == 0) {
		assert_null(tz_load("America", &cause));
		assert_string_equal(cause, "unknown time zone 'America'");
		free(cause);
	}
	/* A file that is not TZif. */
	assert_null(tz_load("/etc/hostname", &cause));
	assert_non_null(cause);
	free(cause);
	if (have_zone("Asia/Kolkata")) {
		tz = tz_load("/usr/share/zoneinfo/Asia/Kolkata", &cause);
		assert_non_null(tz);
		assert_int_equal(tz_offset(tz, 1700000000), 19800);
		assert_false(tz_is_utc(tz));
		tz_free(tz);
		setenv("TZDIR", "/usr/share/zoneinfo/Asia", 1);
		tz = tz_load("Kolkata", &cause);
		assert_non_null(tz);
		tz_free(tz);
		unsetenv("TZDIR");
	}
}

/* Build a v2 TZif file with no transitions, one type and footer s. */
static size_t
make_footer_file(uint8_t *buf, size_t size, long off, const char *s)
{
	uint8_t	 hdr[44], blk[10];
	size_t	 len = 0, n;
	int	 i;

	memset(hdr, 0, sizeof hdr);
	memcpy(hdr, "TZif3", 5);
	hdr[39] = 1;		/* typecnt */
	hdr[43] = 4;		/* charcnt */
	for (i = 0; i < 4; i++)
		blk[i] = (uint8_t)((uint32_t)off >> (24 - 8 * i));
	blk[4] = 0;
	blk[5] = 0;
	memcpy(blk + 6, "XXX", 4);
	for (i = 0; i < 2; i++) {
		memcpy(buf + len, hdr, sizeof hdr);
		len += sizeof hdr;
		memcpy(buf + len, blk, sizeof blk);
		len += sizeof blk;
	}
	n = (size_t)snprintf((char *)buf + len, size - len, "\n%s\n", s);
	return (len + n);
}

/* The footer rule alone, against glibc reading the same TZ string. */
static void
test_footer(void **state)
{
	static const char *const rules[] = {
		"EST5EDT,M3.2.0,M11.1.0",
		"<+0330>-3:30",
		"IST-1GMT0,M10.5.0,M3.5.0/1",
		"<-02>2<-01>,M3.5.0/-1,M10.5.0/0",
		"EST5EDT4,0/0,J365/25",			/* RFC 8536 3.3.1 */
		"<+1245>-12:45<+1345>,M9.5.0/2:45,M4.1.0/3:45",
		"<+1030>-10:30<+11>-11,M10.1.0,M4.1.0",
		"NST3:30NDT,M3.2.0,M11.1.0",
		"<+00>0<+02>-2,M3.5.0/1,M10.5.0/3",
		"AEST-10AEDT,M10.1.0,M4.1.0/3",
		"XXX3YYY,J60/-20,J300/100",
		"XXX-5YYY-6,59/+3:30,300/167",
		"XXX+4:15:30YYY,M2.5.6/0:0:1,M12.5.0/24",
	};
	static const char *const bad[] = {
		"", "E5", "EST", "EST5EDT,M3.2.0", "EST5EDT,M13.1.0,M11.1.0",
		"EST5EDT,M3.6.0,M11.1.0", "EST5EDT,M3.2.7,M11.1.0",
		"EST5EDT,J0,J100", "EST5EDT,J366,J100", "EST5EDT,366,J100",
		"EST25", "EST5:60", "<>5", "<AB5", "EST5EDT,M3.2.0/168,J1",
		"EST5EDT,M3.2.0,M11.1.0x", "EST5EDT,M3.2.0,M11.1.0/",
		"EST5EDT,M3..0,M11.1.0", "EST5EDT+,M3.2.0,M11.1.0",
		"EST99999999999999999999"
	};
	uint8_t		 buf[2048];
	struct tz	*tz;
	char		*cause = NULL;
	size_t		 i, len;
	int		 bad_n = 0;

	for (i = 0; i < sizeof rules / sizeof rules[0]; i++) {
		glibc_zone(rules[i]);
		len = make_footer_file(buf, sizeof buf, glibc_off(Y1970),
		    rules[i]);
		tz = tz_parse(buf, len, &cause);
		if (tz == NULL)
			fail_msg("%s: %s", rules[i], cause);
		walk(tz, rules[i], Y1970, Y2040, 3 * 3600 - 7, 1, &bad_n);
		walk(tz, rules[i], Y2100, Y2400, 6 * 3600, 1, &bad_n);
		/*
		 * Not before 1970: glibc's compute_change puts every rule
		 * of an earlier year in 1970 (a glibc quirk; footers only
		 * apply after a zone's last transition anyway).
		 */
		tz_free(tz);
	}
	unsetenv("TZ");
	tzset();
	assert_int_equal(bad_n, 0);
	/* DST without a rule: glibc's default, the US rules. */
	len = make_footer_file(buf, sizeof buf, -5 * 3600, "AAA5BBB");
	tz = tz_parse(buf, len, &cause);
	assert_non_null(tz);
	assert_int_equal(tz_offset(tz, 1719792000), -4 * 3600);
	assert_int_equal(tz_offset(tz, 1704067200), -5 * 3600);
	tz_free(tz);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		len = make_footer_file(buf, sizeof buf, 0, bad[i]);
		tz = tz_parse(buf, len, &cause);
		if (bad[i][0] == '\0') {
			/* An empty footer is allowed: no rule. */
			assert_non_null(tz);
			assert_true(tz_is_utc(tz));
			tz_free(tz);
			continue;
		}
		if (tz != NULL)
			fail_msg("footer '%s' accepted", bad[i]);
		assert_string_equal(cause, "bad TZ string in TZif footer");
		free(cause);
	}
}

/* Parse data[0..len) and, if it loads, ask a few offsets. */
static int
try_parse(const uint8_t *data, size_t len)
{
	static const int64_t	 at[] = {
		INT64_MIN, -1099511627776LL, Y1900, -1, 0, 1700000000, Y2040,
		Y2400, 1LL << 40, INT64_MAX
	};
	struct tz		*tz;
	char			*cause = NULL;
	uint8_t			*copy;
	size_t			 i;
	long			 off;

	/* An exact-size copy, so that ASan sees any read past the end. */
	copy = malloc(len == 0 ? 1 : len);
	assert_non_null(copy);
	memcpy(copy, data, len);
	tz = tz_parse(copy, len, &cause);
	free(copy);
	if (tz == NULL) {
		assert_non_null(cause);
		free(cause);
		return (0);
	}
	for (i = 0; i < sizeof at / sizeof at[0]; i++) {
		off = tz_offset(tz, at[i]);
		assert_true(off >= -89999 && off <= 93599);
	}
	tz_free(tz);
	return (1);
}

/* Set the big-endian 32-bit count at p. */
static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* Damaged copies of real files: truncations, flips, counts, indexes. */
static void
test_damaged(void **state)
{
	static const char *const files[] = {
		"/usr/share/zoneinfo/America/New_York",
		"/usr/share/zoneinfo/Europe/Dublin",
		"/usr/share/zoneinfo/Etc/UTC",
		"/usr/share/zoneinfo/Asia/Kolkata"
	};
	static const uint32_t	 counts[] = {
		0, 1, 2, 255, 256, 257, 0x7fffffff, 0x80000000, 0xfffffff0,
		0xffffffff
	};
	uint8_t			*data, *m;
	size_t			 f, len, i, c, k, v1, second;
	uint32_t		 timecnt, typecnt;
	int			 ok = 0;

	for (f = 0; f < sizeof files / sizeof files[0]; f++) {
		if ((data = slurp(files[f], &len)) == NULL)
			continue;
		assert_int_equal(try_parse(data, len), 1);
		m = malloc(len);
		assert_non_null(m);
		/* Every truncation. */
		for (i = 0; i < len; i++)
			ok += try_parse(data, i);
		/* Every byte flipped, set to 0 and to 0xff. */
		for (i = 0; i < len; i++) {
			memcpy(m, data, len);
			m[i] ^= 0x80;
			ok += try_parse(m, len);
			m[i] = 0;
			ok += try_parse(m, len);
			m[i] = 0xff;
			ok += try_parse(m, len);
		}
		/* Each count of both headers set to odd values. */
		timecnt = (uint32_t)data[32] << 24 | (uint32_t)data[33] << 16 |
		    (uint32_t)data[34] << 8 | data[35];
		typecnt = (uint32_t)data[36] << 24 | (uint32_t)data[37] << 16 |
		    (uint32_t)data[38] << 8 | data[39];
		v1 = 44 + (size_t)timecnt * 5 + (size_t)typecnt * 6;
		v1 += (size_t)data[40] << 24 | (size_t)data[41] << 16 |
		    (size_t)data[42] << 8 | data[43];
		v1 += ((size_t)data[28] << 24 | (size_t)data[29] << 16 |
		    (size_t)data[30] << 8 | data[31]) * 8;
		v1 += ((size_t)data[24] << 24 | (size_t)data[25] << 16 |
		    (size_t)data[26] << 8 | data[27]);
		v1 += ((size_t)data[20] << 24 | (size_t)data[21] << 16 |
		    (size_t)data[22] << 8 | data[23]);
		second = v1 < len && memcmp(data + v1, "TZif", 4) == 0 ?
		    v1 : 0;
		for (k = 20; k < 44; k += 4) {
			for (c = 0; c < sizeof counts / sizeof counts[0];
			    c++) {
				memcpy(m, data, len);
				put32(m + k, counts[c]);
				ok += try_parse(m, len);
				if (second == 0)
					continue;
				memcpy(m, data, len);
				put32(m + second + k, counts[c]);
				ok += try_parse(m, len);
			}
		}
		/* The v1 part alone, as a version 1 file. */
		if (second != 0) {
			memcpy(m, data, second);
			m[4] = 0;
			assert_int_equal(try_parse(m, second), 1);
			for (i = 0; i < second; i++)
				ok += try_parse(m, i);
		}
		free(m);
		free(data);
	}
	print_message("%d damaged variants loaded as usable tables\n", ok);
}

/* Crafted files: bad indexes, order, offsets, footers. */
static void
test_crafted(void **state)
{
	uint8_t		 buf[512];
	size_t		 len;
	struct tz	*tz;
	char		*cause = NULL;

	/* A good base: v2, 2 transitions, 2 types, footer. */
	static const uint8_t	 good[] = {
		'T', 'Z', 'i', 'f', '2', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 1, 0, 0, 0, 4,
		0, 0, 0, 0, 0, 0, 'X', 'X', 'X', 0,
		'T', 'Z', 'i', 'f', '2', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2,
		0, 0, 0, 2, 0, 0, 0, 8,
		/* times: 1000, 2000 */
		0, 0, 0, 0, 0, 0, 0x03, 0xe8, 0, 0, 0, 0, 0, 0, 0x07, 0xd0,
		1, 0,			/* indexes */
		0, 0, 0, 0, 0, 0,	/* type 0: UTC */
		0, 0, 0x0e, 0x10, 1, 4,	/* type 1: +1h DST */
		'U', 'T', 'C', 0, 'X', 'X', 'X', 0,
		'\n', 'U', 'T', 'C', '0', '\n'
	};
	const size_t	 t2 = 54 + 44;		/* second data block */

	memcpy(buf, good, sizeof good);
	tz = tz_parse(buf, sizeof good, &cause);
	assert_non_null(tz);
	assert_int_equal(tz_offset(tz, 999), 0);
	assert_int_equal(tz_offset(tz, 1000), 3600);
	assert_int_equal(tz_offset(tz, 1999), 3600);
	assert_int_equal(tz_offset(tz, 2000), 0);
	tz_free(tz);

	/* Index out of range. */
	buf[t2 + 16] = 2;
	assert_null(tz_parse(buf, sizeof good, &cause));
	assert_string_equal(cause,
	    "bad local time type index in TZif file");
	free(cause);
	/* Transitions not ascending. */
	memcpy(buf, good, sizeof good);
	buf[t2 + 15] = 0xe8;
	buf[t2 + 14] = 0x03;
	assert_null(tz_parse(buf, sizeof good, &cause));
	assert_string_equal(cause, "TZif transitions out of order");
	free(cause);
	/* Offset out of range and INT32_MIN. */
	memcpy(buf, good, sizeof good);
	buf[t2 + 24] = 0x80;
	buf[t2 + 25] = buf[t2 + 26] = buf[t2 + 27] = 0;
	assert_null(tz_parse(buf, sizeof good, &cause));
	assert_string_equal(cause, "UTC offset out of range in TZif file");
	free(cause);
	/* isdst neither 0 nor 1. */
	memcpy(buf, good, sizeof good);
	buf[t2 + 28] = 7;
	assert_null(tz_parse(buf, sizeof good, &cause));
	free(cause);
	/* No footer, and a footer without its final newline. */
	assert_null(tz_parse(good, sizeof good - 6, &cause));
	assert_string_equal(cause, "TZif file without footer");
	free(cause);
	assert_null(tz_parse(good, sizeof good - 1, &cause));
	assert_string_equal(cause, "truncated TZif footer");
	free(cause);
	/* Bad magic, bad version, typecnt 0, wrong isutcnt. */
	memcpy(buf, good, sizeof good);
	buf[0] = 'X';
	assert_null(tz_parse(buf, sizeof good, &cause));
	assert_string_equal(cause, "not a TZif file");
	free(cause);
	memcpy(buf, good, sizeof good);
	buf[4] = 'x';
	assert_null(tz_parse(buf, sizeof good, &cause));
	assert_string_equal(cause, "unknown TZif version");
	free(cause);
	memcpy(buf, good, sizeof good);
	buf[39] = 0;
	assert_null(tz_parse(buf, sizeof good, &cause));
	free(cause);
	memcpy(buf, good, sizeof good);
	buf[54 + 23] = 1;
	assert_null(tz_parse(buf, sizeof good, &cause));
	assert_string_equal(cause, "bad TZif indicator counts");
	free(cause);
	/* Second header missing. */
	memcpy(buf, good, sizeof good);
	buf[54] = 'Y';
	assert_null(tz_parse(buf, sizeof good, &cause));
	assert_string_equal(cause, "bad second TZif header");
	free(cause);
	/* Huge timecnt in the second header: truncated, no allocation. */
	memcpy(buf, good, sizeof good);
	put32(buf + 54 + 32, 0xffffffff);
	assert_null(tz_parse(buf, sizeof good, &cause));
	assert_string_equal(cause, "truncated TZif file");
	free(cause);
	/* An empty input and NULL cause. */
	assert_null(tz_parse("", 0, NULL));
	/* An empty footer: the last transition's type stays. */
	memcpy(buf, good, sizeof good - 6);
	len = sizeof good - 6;
	buf[len++] = '\n';
	buf[len++] = '\n';
	tz = tz_parse(buf, len, &cause);
	assert_non_null(tz);
	assert_int_equal(tz_offset(tz, INT64_MAX), 0);
	tz_free(tz);
}

static const struct CMUnitTest tests[] = {
	cmocka_unit_test(test_known),
	cmocka_unit_test(test_names),
	cmocka_unit_test(test_footer),
	cmocka_unit_test(test_crafted),
	cmocka_unit_test(test_damaged),
	cmocka_unit_test(test_glibc),
};
UNIT_MAIN(tests)
