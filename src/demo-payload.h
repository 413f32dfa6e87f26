/* SPDX-License-Identifier: ISC */
/*
 * The demo's detailed recordings: for one generated call, the request and
 * response bodies an upstream of that kind would exchange (JSON, form,
 * XML, chunked, gzip, PNG, empty, the gateway's own errors) written as Go
 * writes them (demo-http.c) and base64-encoded as the gateway stores them.
 * Private to demo*.c.
 */
#ifndef DEMO_PAYLOAD_H
#define DEMO_PAYLOAD_H

#include <stdbool.h>

#include "bytes.h"
#include "demo-catalogue.h"
#include "demo-rng.h"

struct demo_record;

/* Scratch for one record's payloads; the record's slices point here. */
struct demo_payload {
	struct buf	 req, resp;		/* wire bytes */
	struct buf	 req64, resp64;		/* their base64 */
	struct buf	 body, rbody, tmp;
	struct buf	 png;			/* a real PNG, made once */
};

/* One call, as demo.c decided it. */
struct demo_payload_req {
	const struct demo_api		*api;
	const struct demo_endpoint	*ep;
	const struct demo_client	*client;
	const char			*uri;		/* path and query */
	const char			*token;		/* presented, or "" */
	const char			*oauth_id;
	const char			*oauth_secret;
	int				 code;
	bool				 gw_error;	/* HTTP/0.0 response */
	const char			*gw_message;
	bool				 cached;
};

void	 demo_payload_init(struct demo_payload *);
void	 demo_payload_clear(struct demo_payload *);
void	 demo_payload_build(struct demo_payload *, struct demo_rng *,
	    const struct demo_payload_req *, struct demo_record *);

#endif
