/* SPDX-License-Identifier: ISC */
/*
 * tykscope: terminal log browser and debugger for Tyk API Gateway
 * analytics.  Parse the options, pick batch mode or the TUI, run, exit.
 */
#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "batch.h"
#include "log.h"
#include "log-warn.h"
#include "options.h"
#include "render-stream.h"
#include "source-tykconf.h"
#include "source.h"
#include "ui.h"
#include "ui-keys.h"

/* Run the program proper; main wraps it in the stderr filter. */
static int
main_run(int argc, char **argv)
{
	struct options	 o;
	char		*cause, *p;
	size_t		 j;
	int		 rc, i;

	/* Hidden: print the manual's KEY BINDINGS list from the key table. */
	if (getenv("TYKSCOPE_KEYS_MDOC") != NULL)
		return (ui_keys_mdoc(stdout));
	rc = options_parse(&o, argc, argv, &cause);
	if (rc != 0) {
		if (rc == 1)
			fputs(cause, stdout);
		else
			warnx_("%s", cause);
		free(cause);
		options_clear(&o);
		return (rc == 1 ? 0 : 2);
	}
	/* The sources are copied: their passwords leave the command line. */
	for (i = 1; i < argc; i++)
		for (j = 0; j < o.sources.n; j++)
			if (strcmp(argv[i], o.sources.v[j]) == 0) {
				source_hide_password(argv[i]);
				break;
			}
	/* So is --sentinel-password's value. */
	for (i = 1; o.sentinel_password != NULL && i < argc; i++) {
		p = strncmp(argv[i], "--sentinel-password=", 20) == 0 ?
		    argv[i] + 20 : argv[i];
		if (strcmp(p, o.sentinel_password) == 0)
			memset(p, '*', strlen(p));
	}
	if ((o.from_pump != NULL || o.from_gateway != NULL) &&
	    source_tykconf_apply(&o, &cause) != 0) {
		warnx_("%s", cause);
		free(cause);
		options_clear(&o);
		return (2);
	}
	if (o.log_file != NULL)
		log_open(o.log_file);
	if (getenv("TYKSCOPE_UI_BENCH") != NULL)
		rc = ui_bench(&o);	/* hidden: tests/bench/bench-tui.sh */
	else
		rc = o.batch ? batch_run(&o) : ui_run(&o);
	log_close();
	options_clear(&o);
	return (rc);
}

int
main(int argc, char **argv)
{
	FILE	*saved = stderr, *safe;
	int	 rc;

	setlocale(LC_ALL, "");
	/* Whoever writes to stderr (we, libmongoc), the terminal rule holds. */
	if ((safe = render_stream_open(STDERR_FILENO, RENDER_STREAM_TEXT,
	    _IONBF)) != NULL)
		stderr = safe;
	rc = main_run(argc, argv);
	if (safe != NULL) {
		stderr = saved;
		fclose(safe);
	}
	return (rc);
}
