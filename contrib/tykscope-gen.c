/* SPDX-License-Identifier: ISC */
/*
 * tykscope-gen: writes tykscope's demo traffic (src/demo.c) in the
 * formats Tyk's pipeline produces, so that tests and benchmarks have data:
 * a mongodump directory (plain or --gzip, one tyk_analytics collection or
 * --sharded per-org collections), a bare .bson or .bson.gz, a mongodump
 * --archive (plain or gzip), msgpack values as the gateway RPUSHes them,
 * and Tyk JSON lines.  The same --seed always writes the same bytes.
 *
 * Not installed; built by `make` as contrib/tykscope-gen.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bson/bson.h>
#ifdef HAVE_ISAL
#include <isa-l/igzip_lib.h>
#endif
#include <zlib.h>

#include "bytes.h"
#include "demo.h"
#include "encode-bson.h"
#include "encode-json.h"
#include "encode-msgpack.h"
#include "encode-protobuf.h"
#include "strnum.h"
#include "strtab.h"
#include "timefmt.h"
#include "xmalloc.h"

#define GEN_MAX_COLLS		8
#define GEN_SEGMENT_BYTES	(16 * 1024 * 1024)	/* mongodump's buffer */

enum gen_format {
	GEN_BSON,
	GEN_BSON_GZ,
	GEN_ARCHIVE,
	GEN_ARCHIVE_GZ,
	GEN_DUMPDIR,
	GEN_MSGPACK,
	GEN_PROTOBUF,
	GEN_RESP,
	GEN_JSONL
};

#define GEN_ZCHUNK	(1 << 20)

/*
 * An output file, plain or gzip.  With ISA-L, gzip goes through
 * isal_deflate (level 1, several times faster than zlib) into f.
 */
struct gen_out {
	FILE		*f;
	gzFile		 gz;
	char		*path;
	uint64_t	 bytes;
#ifdef HAVE_ISAL
	struct isal_zstream	*zs;
	unsigned char		*zin, *zout, *zlvl;
	size_t			 zlen;
#endif
};

/* One Mongo collection being written. */
struct gen_coll {
	char		 name[64];
	struct gen_out	 out;		/* dump directory / bare file */
	struct buf	 seg;		/* archive: pending segment */
	uint64_t	 size;
	uint64_t	 crc;
	uint64_t	 docs;
};

struct gen {
	enum gen_format	 format;
	const char	*out;
	const char	*db;
	const char	*key;		/* resp: the Redis list */
	bool		 protobuf;	/* resp: protobuf values */
	bool		 sharded;
	bool		 gzip;
	int		 level;
	size_t		 segment_bytes;
	uint64_t	 seed;
	struct gen_coll	 colls[GEN_MAX_COLLS];
	size_t		 ncolls;
	struct gen_out	 archive_body;	/* temp file: segments */
	int		 current;	/* archive: namespace open, or -1 */
	uint64_t	 crc_table[256];
};

static const char gen_usage[] =
"usage: tykscope-gen [--seed N] [--count N] [--start RFC3339] [--rate R]\n"
"           [--payload-fraction F] [--sharded] [--gzip] [--db NAME]\n"
"           [--level N] [--key NAME] [--protobuf] --format FORMAT\n"
"           --out PATH\n"
"\n"
"Write tykscope's demo traffic (deterministic for a seed).\n"
"\n"
"Formats:\n"
"  bson           PATH is a bare .bson file (concatenated documents)\n"
"  bson-gz        the same, gzip-compressed (.bson.gz)\n"
"  archive        a mongodump --archive file\n"
"  archive-gz     a mongodump --archive --gzip file\n"
"  mongodump-dir  PATH is a dump directory: PATH/DB/tyk_analytics.bson\n"
"                 and .metadata.json (--gzip: .bson.gz, .metadata.json.gz;\n"
"                 --sharded: one z_tyk_analyticz_<orgid> per org)\n"
"  msgpack        the gateway's msgpack values, each as a 4-byte\n"
"                 big-endian length then the value, back to back (what\n"
"                 a pusher RPUSHes to analytics-tyk-system-analytics)\n"
"  protobuf       the same for the gateway's protobuf serializer (values\n"
"                 of the analytics-tyk-system-analytics_protobuf list)\n"
"  resp           the msgpack (or --protobuf) values as Redis protocol\n"
"                 RPUSH commands, for redis-cli --pipe (see\n"
"                 contrib/push-demo.sh)\n"
"  jsonl          one Tyk JSON record per line (PATH - is stdout)\n"
"\n"
"Options:\n"
"  --seed N              generator seed (default 1)\n"
"  --count N             records to generate (default 1000); network-\n"
"                        statistics records (response code -1) are not\n"
"                        written to the Mongo formats, as the pumps skip them\n"
"  --start T             first timestamp (default 2024-02-29T10:00:00Z)\n"
"  --rate R              records per second of traffic time (default 20)\n"
"  --payload-fraction F  share with raw_request/raw_response (default 0.3)\n"
"  --sharded             Mongo formats: per-org z_tyk_analyticz_<orgid>\n"
"  --gzip                mongodump-dir: gzip the files\n"
"  --db NAME             database name (default tyk_analytics)\n"
"  --level N             gzip level (default 1)\n"
"  --key NAME            resp: the list (default\n"
"                        analytics-tyk-system-analytics, with _protobuf\n"
"                        appended for --protobuf)\n"
"  --protobuf            resp: push protobuf values instead of msgpack\n"
"\n"
"PATH - writes to standard output (not for mongodump-dir or archives).\n";

static void
gen_die(const char *path)
{
	fprintf(stderr, "tykscope-gen: %s: %s\n", path, strerror(errno));
	exit(1);
}

/* A whole-string integer option within [min, max], or exit 2. */
static int64_t
gen_int(const char *opt, const char *arg, int64_t min, int64_t max)
{
	const char	*err;
	int64_t		 v;

	v = strnum_parse(arg, min, max, &err);
	if (err != NULL) {
		fprintf(stderr, "tykscope-gen: --%s %s: %s\n", opt, arg, err);
		exit(2);
	}
	return (v);
}

/* A whole-string number option within [min, max], or exit 2. */
static double
gen_double(const char *opt, const char *arg, double min, double max)
{
	char	*end;
	double	 v;

	v = strtod(arg, &end);
	if (end == arg || *end != '\0' || !(v >= min && v <= max)) {
		fprintf(stderr, "tykscope-gen: --%s %s: expected a number "
		    "from %g to %g\n", opt, arg, min, max);
		exit(2);
	}
	return (v);
}

static void
gen_open(struct gen_out *o, const char *path, bool gz, int level)
{
	char	 mode[8];

	memset(o, 0, sizeof *o);
	o->path = xstrdup(path);
#ifdef HAVE_ISAL
	if (gz) {
		o->zs = xcalloc(1, sizeof *o->zs);
		isal_deflate_init(o->zs);
		o->zs->level = 1;
		o->zs->level_buf_size = ISAL_DEF_LVL1_DEFAULT;
		o->zlvl = xmalloc(ISAL_DEF_LVL1_DEFAULT);
		o->zs->level_buf = o->zlvl;
		o->zs->gzip_flag = IGZIP_GZIP;
		o->zin = xmalloc(GEN_ZCHUNK);
		o->zout = xmalloc(GEN_ZCHUNK + 65536);
		(void)level;
		gz = false;
	}
#endif
	if (gz) {
		snprintf(mode, sizeof mode, "wb%d", level);
		if (strcmp(path, "-") == 0)
			o->gz = gzdopen(STDOUT_FILENO, mode);
		else
			o->gz = gzopen(path, mode);
		if (o->gz == NULL)
			gen_die(path);
		gzbuffer(o->gz, 1 << 20);
	} else {
		o->f = strcmp(path, "-") == 0 ? stdout : fopen(path, "wb");
		if (o->f == NULL)
			gen_die(path);
		setvbuf(o->f, NULL, _IOFBF, 1 << 20);
	}
}

#ifdef HAVE_ISAL
/* Compress the pending input (all of it, and finish when last). */
static void
gen_deflate(struct gen_out *o, bool last)
{
	struct isal_zstream	*zs = o->zs;
	size_t			 n;

	zs->next_in = o->zin;
	zs->avail_in = (uint32_t)o->zlen;
	zs->end_of_stream = last;
	zs->flush = NO_FLUSH;
	do {
		zs->next_out = o->zout;
		zs->avail_out = GEN_ZCHUNK + 65536;
		if (isal_deflate(zs) != COMP_OK) {
			errno = EIO;
			gen_die(o->path);
		}
		n = GEN_ZCHUNK + 65536 - zs->avail_out;
		if (n != 0 && fwrite(o->zout, 1, n, o->f) != n)
			gen_die(o->path);
	} while (zs->avail_in != 0 ||
	    (last && zs->internal_state.state != ZSTATE_END));
	o->zlen = 0;
}
#endif

static void
gen_write(struct gen_out *o, const void *p, size_t len)
{
	size_t	 n;

	if (len == 0)
		return;
#ifdef HAVE_ISAL
	if (o->zs != NULL) {
		o->bytes += len;
		while (len != 0) {
			n = GEN_ZCHUNK - o->zlen;
			if (n > len)
				n = len;
			memcpy(o->zin + o->zlen, p, n);
			o->zlen += n;
			p = (const char *)p + n;
			len -= n;
			if (o->zlen == GEN_ZCHUNK)
				gen_deflate(o, false);
		}
		return;
	}
#endif
	(void)n;
	if (o->gz != NULL) {
		if (gzwrite(o->gz, p, (unsigned)len) != (int)len)
			gen_die(o->path);
	} else if (fwrite(p, 1, len, o->f) != len)
		gen_die(o->path);
	o->bytes += len;
}

static void
gen_close(struct gen_out *o)
{
#ifdef HAVE_ISAL
	if (o->zs != NULL) {
		gen_deflate(o, true);
		free(o->zs);
		free(o->zin);
		free(o->zout);
		free(o->zlvl);
	}
#endif
	if (o->gz != NULL) {
		if (gzclose(o->gz) != Z_OK)
			gen_die(o->path);
	} else if (o->f != NULL && o->f != stdout) {
		if (fclose(o->f) != 0)
			gen_die(o->path);
	} else if (o->f == stdout)
		fflush(stdout);
	free(o->path);
	memset(o, 0, sizeof *o);
}

/* Go's hash/crc64 with the ECMA table (mongodump's archive CRC). */
static void
gen_crc_init(struct gen *g)
{
	uint64_t	 c;
	int		 i, j;

	for (i = 0; i < 256; i++) {
		c = (uint64_t)i;
		for (j = 0; j < 8; j++)
			c = (c & 1) ? (c >> 1) ^ 0xc96c5795d7870f42ULL : c >> 1;
		g->crc_table[i] = c;
	}
}

static uint64_t
gen_crc(const struct gen *g, uint64_t crc, const void *p, size_t len)
{
	const unsigned char	*s = p;
	size_t			 i;

	crc = ~crc;
	for (i = 0; i < len; i++)
		crc = g->crc_table[(uint8_t)crc ^ s[i]] ^ (crc >> 8);
	return (~crc);
}

/* The collection a record goes to (created on first use). */
static struct gen_coll *
gen_coll(struct gen *g, const struct demo_record *r)
{
	char	 name[64];
	size_t	 i;

	if (g->sharded)
		snprintf(name, sizeof name, "z_tyk_analyticz_%.*s",
		    (int)r->org_id.len, r->org_id.ptr);
	else
		snprintf(name, sizeof name, "tyk_analytics");
	for (i = 0; i < g->ncolls; i++)
		if (strcmp(g->colls[i].name, name) == 0)
			return (&g->colls[i]);
	if (g->ncolls == GEN_MAX_COLLS) {
		fprintf(stderr, "tykscope-gen: too many collections\n");
		exit(1);
	}
	memset(&g->colls[g->ncolls], 0, sizeof g->colls[0]);
	snprintf(g->colls[g->ncolls].name, sizeof g->colls[0].name, "%s",
	    name);
	buf_init(&g->colls[g->ncolls].seg);
	return (&g->colls[g->ncolls++]);
}

static void
gen_bson_doc(struct gen_out *o, const bson_t *b)
{
	gen_write(o, bson_get_data(b), b->len);
}

static const unsigned char gen_terminator[4] = { 0xff, 0xff, 0xff, 0xff };

/* Archive: a namespace header {db, collection, EOF, CRC}. */
static void
gen_ns_header(struct gen *g, struct gen_coll *c, bool eof)
{
	bson_t	 h;

	bson_init(&h);
	BSON_APPEND_UTF8(&h, "db", g->db);
	BSON_APPEND_UTF8(&h, "collection", c->name);
	BSON_APPEND_BOOL(&h, "EOF", eof);
	BSON_APPEND_INT64(&h, "CRC", eof ? (int64_t)c->crc : 0);
	gen_bson_doc(&g->archive_body, &h);
	bson_destroy(&h);
}

/* Archive: write a collection's pending documents as a segment. */
static void
gen_flush_segment(struct gen *g, struct gen_coll *c)
{
	int	 idx = (int)(c - g->colls);

	if (c->seg.len == 0)
		return;
	if (g->current != idx) {
		if (g->current >= 0)
			gen_write(&g->archive_body, gen_terminator, 4);
		gen_ns_header(g, c, false);
		g->current = idx;
	}
	gen_write(&g->archive_body, c->seg.data, c->seg.len);
	buf_reset(&c->seg);
}

/* The metadata.json text of a collection, as mongodump writes it. */
static void
gen_metadata(struct gen *g, struct gen_coll *c, struct buf *b)
{
	char		 uuid[33];
	uint64_t	 x = g->seed ^ strtab_hash(c->name, strlen(c->name));
	size_t		 i;
	static const char digits[] = "0123456789abcdef";
	const char	*one = "{\"$numberInt\":\"1\"}";

	for (i = 0; i < 32; i++) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		uuid[i] = digits[(x >> 59) & 0xf];
	}
	uuid[32] = '\0';
	buf_printf(b, "{\"indexes\":[{\"v\":{\"$numberInt\":\"2\"},\"key\":"
	    "{\"_id\":%s},\"name\":\"_id_\"}", one);
	if (!g->sharded)
		buf_printf(b, ",{\"v\":{\"$numberInt\":\"2\"},\"key\":"
		    "{\"orgid\":%s},\"name\":\"orgid_1\"}", one);
	buf_printf(b, ",{\"v\":{\"$numberInt\":\"2\"},\"key\":{\"apiid\":%s},"
	    "\"name\":\"apiid_1\"}", one);
	if (g->sharded)
		buf_printf(b, ",{\"v\":{\"$numberInt\":\"2\"},\"key\":"
		    "{\"expireAt\":%s},\"name\":\"expireAt_1\","
		    "\"expireAfterSeconds\":{\"$numberInt\":\"0\"}}", one);
	buf_printf(b, ",{\"v\":{\"$numberInt\":\"2\"},\"key\":{\"timestamp\":"
	    "{\"$numberInt\":\"-1\"},%s\"apiid\":%s,\"apikey\":%s,"
	    "\"responsecode\":%s},\"name\":\"logBrowserIndex\"}],",
	    g->sharded ? "" : "\"orgid\":{\"$numberInt\":\"1\"},", one, one,
	    one);
	buf_printf(b, "\"uuid\":\"%s\",\"collectionName\":\"%s\","
	    "\"type\":\"collection\"}", uuid, c->name);
}

static void
gen_mkdir(const char *path)
{
	if (mkdir(path, 0777) != 0 && errno != EEXIST)
		gen_die(path);
}

/* Write one Mongo document. */
static void
gen_mongo(struct gen *g, const struct demo_record *r, uint64_t n)
{
	struct gen_coll	*c;
	bson_oid_t	 oid;
	bson_t		 doc;
	char		*path;

	c = gen_coll(g, r);
	encode_bson_oid(&oid, r->ts_sec, n, g->seed * 0x9e3779b97f4a7c15ULL);
	bson_init(&doc);
	encode_bson_record(&doc, r, &oid);
	c->size += doc.len;
	c->docs++;
	switch (g->format) {
	case GEN_ARCHIVE:
	case GEN_ARCHIVE_GZ:
		c->crc = gen_crc(g, c->crc, bson_get_data(&doc), doc.len);
		buf_add(&c->seg, bson_get_data(&doc), doc.len);
		if (c->seg.len >= g->segment_bytes)
			gen_flush_segment(g, c);
		break;
	case GEN_DUMPDIR:
		if (c->out.f == NULL && c->out.gz == NULL) {
			xasprintf(&path, "%s/%s/%s.bson%s", g->out, g->db,
			    c->name, g->gzip ? ".gz" : "");
			gen_open(&c->out, path, g->gzip, g->level);
			free(path);
		}
		gen_bson_doc(&c->out, &doc);
		break;
	default:
		gen_bson_doc(&g->archive_body, &doc);
		break;
	}
	bson_destroy(&doc);
}

/* Finish a mongodump directory: close the files, write the metadata. */
static void
gen_finish_dir(struct gen *g)
{
	struct gen_out	 o;
	struct buf	 b;
	char		*path;
	size_t		 i;

	buf_init(&b);
	for (i = 0; i < g->ncolls; i++) {
		gen_close(&g->colls[i].out);
		buf_reset(&b);
		gen_metadata(g, &g->colls[i], &b);
		xasprintf(&path, "%s/%s/%s.metadata.json%s", g->out, g->db,
		    g->colls[i].name, g->gzip ? ".gz" : "");
		gen_open(&o, path, g->gzip, g->level);
		gen_write(&o, b.data, b.len);
		gen_close(&o);
		free(path);
	}
	buf_clear(&b);
}

/* Finish an archive: prelude to the output, then the segments. */
static void
gen_finish_archive(struct gen *g, const char *tmp)
{
	struct gen_out	 o;
	struct buf	 md;
	bson_t		 h;
	FILE		*f;
	char		*chunk;
	size_t		 i, n;
	static const unsigned char magic[4] = { 0x6d, 0xe2, 0x99, 0x81 };

	for (i = 0; i < g->ncolls; i++)
		gen_flush_segment(g, &g->colls[i]);
	for (i = 0; i < g->ncolls; i++) {
		if (g->current >= 0)
			gen_write(&g->archive_body, gen_terminator, 4);
		gen_ns_header(g, &g->colls[i], true);
		gen_write(&g->archive_body, gen_terminator, 4);
		g->current = -1;
	}
	gen_close(&g->archive_body);

	gen_open(&o, g->out, g->format == GEN_ARCHIVE_GZ, g->level);
	gen_write(&o, magic, 4);
	bson_init(&h);
	BSON_APPEND_INT32(&h, "concurrent_collections", 4);
	BSON_APPEND_UTF8(&h, "version", "0.1");
	BSON_APPEND_UTF8(&h, "server_version", "6.0.13");
	BSON_APPEND_UTF8(&h, "tool_version", "100.9.4");
	gen_bson_doc(&o, &h);
	bson_destroy(&h);
	buf_init(&md);
	for (i = 0; i < g->ncolls; i++) {
		buf_reset(&md);
		gen_metadata(g, &g->colls[i], &md);
		bson_init(&h);
		BSON_APPEND_UTF8(&h, "db", g->db);
		BSON_APPEND_UTF8(&h, "collection", g->colls[i].name);
		BSON_APPEND_UTF8(&h, "metadata", md.data);
		if (g->colls[i].size <= INT32_MAX)
			BSON_APPEND_INT32(&h, "size",
			    (int32_t)g->colls[i].size);
		else
			BSON_APPEND_INT64(&h, "size",
			    (int64_t)g->colls[i].size);
		BSON_APPEND_UTF8(&h, "type", "collection");
		gen_bson_doc(&o, &h);
		bson_destroy(&h);
	}
	buf_clear(&md);
	gen_write(&o, gen_terminator, 4);

	f = fopen(tmp, "rb");
	if (f == NULL)
		gen_die(tmp);
	chunk = xmalloc(1 << 20);
	while ((n = fread(chunk, 1, 1 << 20, f)) > 0)
		gen_write(&o, chunk, n);
	free(chunk);
	fclose(f);
	unlink(tmp);
	gen_close(&o);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "count", required_argument, NULL, 'c' },
		{ "start", required_argument, NULL, 't' },
		{ "rate", required_argument, NULL, 'r' },
		{ "payload-fraction", required_argument, NULL, 'p' },
		{ "format", required_argument, NULL, 'f' },
		{ "out", required_argument, NULL, 'o' },
		{ "sharded", no_argument, NULL, 'S' },
		{ "gzip", no_argument, NULL, 'z' },
		{ "db", required_argument, NULL, 'd' },
		{ "level", required_argument, NULL, 'l' },
		{ "segment-bytes", required_argument, NULL, 'B' },
		{ "key", required_argument, NULL, 'k' },
		{ "protobuf", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct gen		 g;
	struct demo_config	 cfg;
	struct demo		*d;
	struct demo_record	 r;
	struct buf		 b, line;
	uint64_t		 count = 1000, i;
	int64_t			 lo, hi;
	const char		*err, *fmt = NULL;
	char			*tmp = NULL, *path;
	unsigned char		 len[4];
	int			 ch;

	memset(&g, 0, sizeof g);
	g.db = "tyk_analytics";
	g.key = NULL;
	g.level = 1;
	g.segment_bytes = GEN_SEGMENT_BYTES;
	g.current = -1;
	demo_config_init(&cfg);
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 's':
			cfg.seed = (uint64_t)gen_int("seed", optarg, 0,
			    INT64_MAX);
			break;
		case 'c':
			count = (uint64_t)gen_int("count", optarg, 0, INT64_MAX);
			break;
		case 't':
			if (timefmt_parse(optarg, strlen(optarg), 0, &lo, &hi,
			    &err) != 0) {
				fprintf(stderr, "tykscope-gen: --start %s: %s\n",
				    optarg, err);
				return (2);
			}
			cfg.start_sec = lo / 1000000000;
			break;
		case 'r':
			cfg.rate = gen_double("rate", optarg, 1e-6, 1e9);
			break;
		case 'p':
			cfg.payload_fraction = gen_double("payload-fraction",
			    optarg, 0, 1);
			break;
		case 'f':
			fmt = optarg;
			break;
		case 'o':
			g.out = optarg;
			break;
		case 'S':
			g.sharded = true;
			break;
		case 'z':
			g.gzip = true;
			break;
		case 'd':
			g.db = optarg;
			break;
		case 'l':
			g.level = (int)gen_int("level", optarg, 0, 9);
			break;
		case 'B':
			g.segment_bytes = (size_t)gen_int("segment-bytes", optarg,
			    1, INT32_MAX);
			break;
		case 'k':
			g.key = optarg;
			break;
		case 'P':
			g.protobuf = true;
			break;
		case 'h':
			fputs(gen_usage, stdout);
			return (0);
		default:
			fputs(gen_usage, stderr);
			return (2);
		}
	}
	if (fmt == NULL || g.out == NULL || optind != argc) {
		fputs(gen_usage, stderr);
		return (2);
	}
	if (strcmp(fmt, "bson") == 0)
		g.format = GEN_BSON;
	else if (strcmp(fmt, "bson-gz") == 0)
		g.format = GEN_BSON_GZ;
	else if (strcmp(fmt, "archive") == 0)
		g.format = GEN_ARCHIVE;
	else if (strcmp(fmt, "archive-gz") == 0)
		g.format = GEN_ARCHIVE_GZ;
	else if (strcmp(fmt, "mongodump-dir") == 0)
		g.format = GEN_DUMPDIR;
	else if (strcmp(fmt, "msgpack") == 0)
		g.format = GEN_MSGPACK;
	else if (strcmp(fmt, "protobuf") == 0)
		g.format = GEN_PROTOBUF;
	else if (strcmp(fmt, "resp") == 0)
		g.format = GEN_RESP;
	else if (strcmp(fmt, "jsonl") == 0)
		g.format = GEN_JSONL;
	else {
		fprintf(stderr, "tykscope-gen: unknown format '%s'\n", fmt);
		return (2);
	}
	if (g.format == GEN_DUMPDIR && strcmp(g.out, "-") == 0) {
		fprintf(stderr, "tykscope-gen: mongodump-dir needs a "
		    "directory, not -\n");
		return (2);
	}
	g.seed = cfg.seed;
	if (g.key == NULL)
		g.key = g.protobuf ? "analytics-tyk-system-analytics_protobuf" :
		    "analytics-tyk-system-analytics";
	gen_crc_init(&g);

	switch (g.format) {
	case GEN_ARCHIVE:
	case GEN_ARCHIVE_GZ:
		xasprintf(&tmp, "%s.tmp%ld", g.out, (long)getpid());
		gen_open(&g.archive_body, tmp, false, 0);
		break;
	case GEN_DUMPDIR:
		gen_mkdir(g.out);
		xasprintf(&path, "%s/%s", g.out, g.db);
		gen_mkdir(path);
		free(path);
		break;
	default:
		gen_open(&g.archive_body, g.out, g.format == GEN_BSON_GZ,
		    g.level);
		break;
	}

	d = demo_create(&cfg);
	buf_init(&b);
	buf_init(&line);
	for (i = 0; i < count; i++) {
		demo_next(d, &r);
		switch (g.format) {
		case GEN_MSGPACK:
		case GEN_PROTOBUF:
			buf_reset(&b);
			if (g.format == GEN_PROTOBUF)
				encode_protobuf_record(&b, &r);
			else
				encode_msgpack_record(&b, &r);
			len[0] = (unsigned char)(b.len >> 24);
			len[1] = (unsigned char)(b.len >> 16);
			len[2] = (unsigned char)(b.len >> 8);
			len[3] = (unsigned char)b.len;
			gen_write(&g.archive_body, len, 4);
			gen_write(&g.archive_body, b.data, b.len);
			break;
		case GEN_RESP:
			buf_reset(&b);
			buf_printf(&b, "*3\r\n$5\r\nRPUSH\r\n$%zu\r\n%s\r\n",
			    strlen(g.key), g.key);
			gen_write(&g.archive_body, b.data, b.len);
			buf_reset(&b);
			if (g.protobuf)
				encode_protobuf_record(&b, &r);
			else
				encode_msgpack_record(&b, &r);
			buf_reset(&line);
			buf_printf(&line, "$%zu\r\n", b.len);
			gen_write(&g.archive_body, line.data, line.len);
			gen_write(&g.archive_body, b.data, b.len);
			gen_write(&g.archive_body, "\r\n", 2);
			break;
		case GEN_JSONL:
			buf_reset(&b);
			encode_json_record(&b, &r);
			buf_addc(&b, '\n');
			gen_write(&g.archive_body, b.data, b.len);
			break;
		default:
			/* The mongo pumps skip network-statistics records. */
			if (r.response_code != -1)
				gen_mongo(&g, &r, i);
			break;
		}
	}
	buf_clear(&b);
	buf_clear(&line);
	demo_free(d);

	switch (g.format) {
	case GEN_ARCHIVE:
	case GEN_ARCHIVE_GZ:
		gen_finish_archive(&g, tmp);
		break;
	case GEN_DUMPDIR:
		gen_finish_dir(&g);
		break;
	default:
		gen_close(&g.archive_body);
		break;
	}
	for (i = 0; i < g.ncolls; i++)
		buf_clear(&g.colls[i].seg);
	free(tmp);
	return (0);
}
