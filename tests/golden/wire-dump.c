/* SPDX-License-Identifier: ISC */
/*
 * wire-dump: run the decode chain on one file and print what every layer
 * made of it, for the golden suite wire.sh.
 *
 *	wire-dump [-bSr] [-m pretty|raw|hex|wire] [-t N] FILE
 *	wire-dump [-br] -c gateway|upstream [-t N] FILE
 *
 * FILE holds raw message bytes, base64-encoded here first (or, with -b,
 * base64 text as stored).  -t N cuts the base64 text to N characters, as
 * the pump's max_record_size does.  -r reveals secrets; -S prints style
 * spans as {style:text}.  -c prints the curl command of a record whose
 * raw_request is FILE (host "upstream.internal:9000", original_path
 * "/api/orig" and method GET as the record's own fields).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <yajl/yajl_gen.h>

#include "base64.h"
#include "curl.h"
#include "mask.h"
#include "record.h"
#include "store.h"
#include "wire.h"
#include "wire-view.h"

static const char *const style_names[] = {
	"plain", "start", "hname", "hvalue", "masked", "key", "string",
	"number", "literal", "punct", "note", "error", "offset", "dim"
};

/* Print the curl command of a one-record store with raw_request b64. */
static void
dump_curl(const struct buf *b64, const struct mask *mk, enum curl_target t)
{
	struct store		 st;
	struct record_build	 b;
	struct buf		 out;
	uint16_t		 src;

	store_init(&st, 0);
	src = store_source_add(&st, "fixture", STORE_SRC_FILE);
	record_build_init(&b);
	b.ts_set = b.exp_set = true;
	b.ts_sec = 1709200800;
	b.exp_sec = 1709200800;
	record_build_str(&b, &st, RS_METHOD, "GET", 3);
	record_build_str(&b, &st, RS_HOST, "upstream.internal:9000", 22);
	record_build_str(&b, &st, RS_ORIGINAL_PATH, "/api/orig", 9);
	b.req = b64->data != NULL ? b64->data : "";
	b.req_len = b64->len;
	b.payload_stable = true;
	store_add(&st, &b, src, 0);
	record_build_clear(&b);
	buf_init(&out);
	curl_command(&out, &st, store_get(&st, st.first), mk, t);
	fwrite(out.data, 1, out.len, stdout);
	buf_clear(&out);
	store_clear(&st);
}

int
main(int argc, char **argv)
{
	struct buf		 in, b64, out;
	struct wire_msg		 m;
	struct wire_view	 v;
	struct mask		 mk = { NULL, 0, false };
	enum wire_view_mode	 mode = WIRE_VIEW_PRETTY;
	const struct wire_span	*sp;
	const char		*line;
	size_t			 i, j, len, nsp, cut = (size_t)-1;
	int			 ch, is_b64 = 0, spans = 0, curl = -1;
	FILE			*f;
	char			 tmp[65536];
	yajl_gen		 g;
	const unsigned char	*gp;

	while ((ch = getopt(argc, argv, "bc:m:rSt:")) != -1) {
		switch (ch) {
		case 'c':
			curl = strcmp(optarg, "upstream") == 0 ? CURL_UPSTREAM :
			    CURL_GATEWAY;
			break;
		case 'b':
			is_b64 = 1;
			break;
		case 'm':
			mode = strcmp(optarg, "raw") == 0 ? WIRE_VIEW_RAW :
			    strcmp(optarg, "hex") == 0 ? WIRE_VIEW_HEX :
			    strcmp(optarg, "wire") == 0 ? WIRE_VIEW_WIRE :
			    WIRE_VIEW_PRETTY;
			break;
		case 'r':
			mk.reveal = true;
			break;
		case 'S':
			spans = 1;
			break;
		case 't':
			cut = (size_t)strtoul(optarg, NULL, 10);
			break;
		default:
			return (2);
		}
	}
	if (optind + 1 != argc || (f = fopen(argv[optind], "rb")) == NULL) {
		fprintf(stderr, "usage: wire-dump [-bSr] [-m mode] [-t N] "
		    "FILE\n");
		return (2);
	}
	buf_init(&in);
	while ((len = fread(tmp, 1, sizeof tmp, f)) != 0)
		buf_add(&in, tmp, len);
	fclose(f);
	buf_init(&b64);
	if (is_b64)
		buf_add(&b64, in.data != NULL ? in.data : "", in.len);
	else
		base64_encode_buf(&b64, in.data != NULL ? in.data : "",
		    in.len);
	if (cut < b64.len)
		b64.len = cut;
	if (curl != -1) {
		dump_curl(&b64, &mk, (enum curl_target)curl);
		buf_clear(&in);
		buf_clear(&b64);
		return (0);
	}

	wire_init(&m);
	printf("rc: %d\n", wire_decode(&m, b64.data != NULL ? b64.data : "",
	    b64.len));
	buf_init(&out);
	wire_chain_text(&out, &m, " \xe2\x80\xba ");
	printf("chain: %s\n", out.data != NULL ? out.data : "");
	printf("type: %s  charset: %s  truncated: %s  body_length: %zu\n",
	    wire_type_name(m.type), m.charset != NULL ? m.charset : "-",
	    m.truncated ? "yes" : "no", m.body.len);
	if (m.error[0] != '\0')
		printf("error: %s\n", m.error);
	if (m.note[0] != '\0')
		printf("note: %s\n", m.note);
	g = yajl_gen_alloc(NULL);
	wire_gen_json(g, &m);
	yajl_gen_get_buf(g, &gp, &len);
	printf("json: %.*s\n", (int)len, (const char *)gp);
	yajl_gen_free(g);

	wire_view_init(&v);
	wire_view_build(&v, &m, mode, &mk);
	printf("--- view\n");
	for (i = 0; i < v.nlines; i++) {
		line = wire_view_line(&v, i, &len, &sp, &nsp);
		if (!spans) {
			printf("%.*s\n", (int)len, line);
			continue;
		}
		for (j = 0; j < nsp; j++)
			printf("{%s:%.*s}", style_names[sp[j].style],
			    (int)sp[j].len, line + sp[j].off);
		putchar('\n');
	}
	wire_view_clear(&v);
	wire_clear(&m);
	buf_clear(&in);
	buf_clear(&b64);
	buf_clear(&out);
	return (0);
}
