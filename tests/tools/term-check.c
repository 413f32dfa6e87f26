/* SPDX-License-Identifier: ISC */
/*
 * term-check FILE...: fail if a file holds anything a terminal could act
 * on: a C0 control other than tab, newline and carriage return, DEL, bytes
 * that are not UTF-8, C1 controls, or characters that reorder or hide text
 * (bidi controls, zero-width characters, tag characters).  Written apart
 * from src/render.c on purpose, so that a mistake in the program's rule is
 * not repeated here.  Prints the first offending offset of each file.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

static int
forbidden(uint32_t c)
{
	static const uint32_t	 bad[][2] = {
		{ 0x80, 0x9f }, { 0xad, 0xad }, { 0x61c, 0x61c },
		{ 0x180e, 0x180e }, { 0x200b, 0x200f }, { 0x2028, 0x202e },
		{ 0x2060, 0x206f }, { 0xfeff, 0xfeff }, { 0xfff9, 0xfffb },
		{ 0xe0000, 0xe007f }
	};
	size_t			 i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (c >= bad[i][0] && c <= bad[i][1])
			return (1);
	return (0);
}

/* Length of the valid UTF-8 sequence at p (n bytes left), or 0. */
static size_t
utf8(const unsigned char *p, size_t n, uint32_t *cp)
{
	size_t		 len, i;
	uint32_t	 c, min;

	if (p[0] < 0xc0 || p[0] > 0xf4)
		return (0);
	if (p[0] < 0xe0) {
		len = 2;
		c = p[0] & 0x1f;
		min = 0x80;
	} else if (p[0] < 0xf0) {
		len = 3;
		c = p[0] & 0x0f;
		min = 0x800;
	} else {
		len = 4;
		c = p[0] & 0x07;
		min = 0x10000;
	}
	if (n < len)
		return (0);
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return (0);
		c = (c << 6) | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return (0);
	*cp = c;
	return (len);
}

static int
check(const char *path)
{
	FILE		*f;
	unsigned char	*d = NULL;
	size_t		 len = 0, cap = 0, i, n;
	uint32_t	 c;
	int		 ch, rc = 0;

	if ((f = fopen(path, "rb")) == NULL) {
		perror(path);
		return (2);
	}
	while ((ch = getc(f)) != EOF) {
		if (len == cap) {
			cap = cap ? cap * 2 : 65536;
			if ((d = realloc(d, cap)) == NULL)
				abort();
		}
		d[len++] = (unsigned char)ch;
	}
	fclose(f);
	for (i = 0; i < len; i += n) {
		n = 1;
		if (d[i] == '\t' || d[i] == '\n' || d[i] == '\r')
			continue;
		if (d[i] >= 0x20 && d[i] < 0x7f)
			continue;
		if (d[i] >= 0x80 && (n = utf8(d + i, len - i, &c)) != 0 &&
		    !forbidden(c))
			continue;
		fprintf(stderr, "%s: unsafe byte 0x%02x at offset %zu\n", path,
		    d[i], i);
		rc = 1;
		break;
	}
	free(d);
	return (rc);
}

int
main(int argc, char **argv)
{
	int	 i, rc = 0, r;

	for (i = 1; i < argc; i++)
		if ((r = check(argv[i])) > rc)
			rc = r;
	return (rc);
}
