/* SPDX-License-Identifier: ISC */
/*
 * Fuzz the configuration file reader and the option parser behind it:
 * the input is the file (options_parse reads it through --config, from a
 * memfd), followed by the command line the program would get.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "options.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct options	 o;
	char		 path[64], *cause = NULL;
	char		 a0[] = "tykscope", a1[] = "--config", a3[] = "-n";
	char		 a4[] = "--count";
	char		*argv[] = { a0, a1, path, a3, a4, NULL };
	int		 fd, rc;

	if (size > 65536)
		return (0);
	if ((fd = memfd_create("fuzz-config", 0)) == -1)
		abort();
	if (size != 0 && write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	rc = options_parse(&o, 5, argv, &cause);
	/* An error always says why; a success never carries a message. */
	if (rc == -1 && (cause == NULL || *cause == '\0'))
		abort();
	free(cause);
	options_clear(&o);
	close(fd);
	return (0);
}
