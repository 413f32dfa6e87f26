/* SPDX-License-Identifier: ISC */
/*
 * A Redis connection, plaintext or TLS (see the header).  hiredis always
 * makes the socket (the TCP or unix connect with its timeout, then a
 * blocking socket with SO_RCVTIMEO and SO_SNDTIMEO) and the context owns
 * it.  Plaintext then uses hiredis unchanged.  For TLS an SSL object is
 * put on that socket: requests are formatted by redisFormatCommandArgv
 * into obuf and written through SSL_write when a reply is wanted, as
 * redisGetReply does; what SSL_read returns is fed to the context's own
 * redisReader.  So every byte of RESP is still handled by the library.
 *
 * Verification is OpenSSL's: the CA file or the system store, TLS 1.2 at
 * least, and the name checked is --tls-server-name or the URI's host (an
 * IP address is checked against the certificate's IP addresses, and sent
 * as no SNI, as RFC 6066 says).  A failure is explained by what went
 * wrong (not trusted, name mismatch, protocol version, a client
 * certificate required), from the verify result or the error queue.
 * Messages never hold the password, which this module never sees outside
 * the AUTH command.
 */
#include "config.h"

#include "source-redis-conn.h"

#include <arpa/inet.h>

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "bytes.h"
#include "render.h"
#include "xmalloc.h"

#define REDIS_TLS_READ	16384	/* bytes per SSL_read: one TLS record */

struct redis_conn {
	redisContext	*c;		/* owns the socket; plaintext: all */
	SSL_CTX		*ctx;		/* TLS only, else NULL */
	SSL		*ssl;
	struct buf	 obuf;		/* TLS: requests not yet written */
	char		 errstr[256];	/* TLS: the last error, safe text */
	bool		 failed;	/* errstr is set */
	char		 name[256];	/* the name verified */
	bool		 has_cert;	/* a client certificate was given */
	bool		 replied;	/* a reply was read */
};

/* Copy s into dst as terminal-safe text (render_safe). */
static void
conn_safe(char *dst, size_t dstlen, const char *s, size_t len)
{
	struct buf	 b;

	buf_init(&b);
	render_safe(&b, s, len, 0);
	snprintf(dst, dstlen, "%.*s", (int)b.len, b.data != NULL ? b.data :
	    "");
	buf_clear(&b);
}

/*
 * hiredis's error as safe text.  It reports a read that hit SO_RCVTIMEO
 * as EAGAIN and a connect that hit its timeout as ETIMEDOUT: both become
 * "timed out after N s".  Its protocol errors quote a byte of the reply,
 * hence conn_safe.
 */
static void
conn_hiredis_error(const redisContext *c, bool connecting, char *dst,
    size_t dstlen)
{
	if (c == NULL || c->errstr[0] == '\0') {
		snprintf(dst, dstlen, "connection lost");
		return;
	}
	if (c->err == REDIS_ERR_IO && (strcmp(c->errstr,
	    strerror(EAGAIN)) == 0 || strcmp(c->errstr,
	    strerror(EWOULDBLOCK)) == 0 || strcmp(c->errstr,
	    strerror(ETIMEDOUT)) == 0)) {
		if (connecting && strcmp(c->errstr, strerror(ETIMEDOUT)) == 0)
			snprintf(dst, dstlen, "timed out after %d s",
			    REDIS_CONNECT_S);
		else if (connecting)
			snprintf(dst, dstlen, "not accepting connections "
			    "(%s)", c->errstr);
		else
			snprintf(dst, dstlen, "timed out after %d s (no "
			    "reply)", REDIS_READ_S);
		return;
	}
	conn_safe(dst, dstlen, c->errstr, strlen(c->errstr));
}

/* Set the TLS error message (formatted, then made safe). */
static void
conn_fail(struct redis_conn *rc, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static void
conn_fail(struct redis_conn *rc, const char *fmt, ...)
{
	va_list	 ap;
	char	 s[sizeof rc->errstr];

	va_start(ap, fmt);
	vsnprintf(s, sizeof s, fmt, ap);
	va_end(ap);
	conn_safe(rc->errstr, sizeof rc->errstr, s, strlen(s));
	rc->failed = true;
}

/*
 * Explain an OpenSSL failure from the verify result and the first error
 * in the thread's queue, then empty the queue.
 */
static void
conn_tls_reason(struct redis_conn *rc)
{
	unsigned long	 e;
	long		 v = X509_V_OK;
	int		 reason;
	const char	*rs;
	char		 rbuf[128];

	if (rc->ssl != NULL)
		v = SSL_get_verify_result(rc->ssl);
	e = ERR_peek_error();
	reason = e != 0 ? ERR_GET_REASON(e) : 0;
	rs = e != 0 ? ERR_reason_error_string(e) : NULL;
	if (rs == NULL) {
		snprintf(rbuf, sizeof rbuf, "error %#lx", e);
		rs = rbuf;
	}
	ERR_clear_error();

	if (v != X509_V_OK && (reason == SSL_R_CERTIFICATE_VERIFY_FAILED ||
	    e == 0)) {
		switch (v) {
		case X509_V_ERR_HOSTNAME_MISMATCH:
		case X509_V_ERR_IP_ADDRESS_MISMATCH:
			conn_fail(rc, "name mismatch: the server's certificate "
			    "is not for %s (see --tls-server-name)", rc->name);
			return;
		case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
		case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
		case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
		case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
		case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
		case X509_V_ERR_CERT_UNTRUSTED:
			conn_fail(rc, "certificate not trusted: %s (see "
			    "--tls-ca-file)", X509_verify_cert_error_string(v));
			return;
		default:
			conn_fail(rc, "certificate verify failed: %s",
			    X509_verify_cert_error_string(v));
			return;
		}
	}
	switch (reason) {
	case SSL_R_UNSUPPORTED_PROTOCOL:
	case SSL_R_NO_PROTOCOLS_AVAILABLE:
	case SSL_R_TLSV1_ALERT_PROTOCOL_VERSION:
	case SSL_R_VERSION_TOO_LOW:
		conn_fail(rc, "protocol version: %s (TLS 1.2 or later is "
		    "required)", rs);
		break;
	case SSL_R_WRONG_VERSION_NUMBER:
	case SSL_R_PACKET_LENGTH_TOO_LONG:
		conn_fail(rc, "protocol version: %s (is this a TLS port?)", rs);
		break;
	case SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED:
		conn_fail(rc, "the server requires a client certificate (see "
		    "--tls-cert-file): %s", rs);
		break;
	default:
		conn_fail(rc, "TLS: %s", rs);
		break;
	}
}

/*
 * Record why an SSL call that returned ret failed; handshake says which
 * timeout applies.  A blocking socket that hit its SO_RCVTIMEO or
 * SO_SNDTIMEO surfaces as WANT_READ or WANT_WRITE.  Returns -1.
 */
static int
conn_tls_error(struct redis_conn *rc, int ret, bool handshake)
{
	int	 saved = errno, e;

	e = SSL_get_error(rc->ssl, ret);
	switch (e) {
	case SSL_ERROR_ZERO_RETURN:
		conn_fail(rc, "connection closed by the server");
		break;
	case SSL_ERROR_WANT_READ:
	case SSL_ERROR_WANT_WRITE:
		if (handshake)
			/* A plaintext Redis waits for a line that never comes. */
			conn_fail(rc, "timed out after %d s (TLS handshake; is "
			    "this a TLS port?)", REDIS_CONNECT_S);
		else
			conn_fail(rc, "timed out after %d s (no reply)",
			    REDIS_READ_S);
		break;
	case SSL_ERROR_SYSCALL:
		if (ERR_peek_error() != 0)
			conn_tls_reason(rc);
		else if (saved == EAGAIN || saved == EWOULDBLOCK)
			conn_fail(rc, "timed out after %d s%s", handshake ?
			    REDIS_CONNECT_S : REDIS_READ_S, handshake ?
			    " (TLS handshake; is this a TLS port?)" :
			    " (no reply)");
		else if (!handshake && !rc->replied && !rc->has_cert &&
		    (ret == 0 || saved == 0 || saved == ECONNRESET ||
		    saved == EPIPE))
			/*
			 * In TLS 1.3 the server checks the client's
			 * certificate after our handshake ends; its alert
			 * can be lost to the reset that follows our first
			 * request.
			 */
			conn_fail(rc, "connection closed by the server before "
			    "any reply (it may require a client certificate: "
			    "see --tls-cert-file)");
		else if (ret == 0 || saved == 0)
			conn_fail(rc, "connection lost%s", handshake ?
			    " during the TLS handshake" : "");
		else
			conn_fail(rc, "%s", strerror(saved));
		break;
	default:
		conn_tls_reason(rc);
		break;
	}
	ERR_clear_error();
	return (-1);
}

/* Is s an IPv4 or IPv6 address literal? */
static bool
conn_is_ip(const char *s)
{
	unsigned char	 a[16];

	return (inet_pton(AF_INET, s, a) == 1 || inet_pton(AF_INET6, s,
	    a) == 1);
}

/*
 * Set up TLS on the connected socket and shake hands.  Returns 0, or -1
 * with rc->errstr set.
 */
static int
conn_tls_start(struct redis_conn *rc, const struct redis_conf *cf)
{
	X509_VERIFY_PARAM	*param;
	const char		*name;
	int			 ret;

	ERR_clear_error();
	name = cf->tls_name != NULL ? cf->tls_name : cf->host;
	snprintf(rc->name, sizeof rc->name, "%s", name);
	if ((rc->ctx = SSL_CTX_new(TLS_client_method())) == NULL) {
		conn_tls_reason(rc);
		return (-1);
	}
	SSL_CTX_set_min_proto_version(rc->ctx, TLS1_2_VERSION);
	if (cf->tls_ca != NULL) {
		if (SSL_CTX_load_verify_locations(rc->ctx, cf->tls_ca,
		    NULL) != 1) {
			conn_tls_reason(rc);
			conn_fail(rc, "--tls-ca-file %s: cannot load (%.100s)",
			    cf->tls_ca, rc->errstr);
			return (-1);
		}
	} else if (SSL_CTX_set_default_verify_paths(rc->ctx) != 1) {
		conn_tls_reason(rc);
		return (-1);
	}
	if (cf->tls_cert != NULL) {
		rc->has_cert = true;
		if (SSL_CTX_use_certificate_chain_file(rc->ctx,
		    cf->tls_cert) != 1) {
			conn_tls_reason(rc);
			conn_fail(rc, "--tls-cert-file %s: cannot load "
			    "(%.100s)", cf->tls_cert, rc->errstr);
			return (-1);
		}
		/* The key may be in the certificate's file. */
		if (SSL_CTX_use_PrivateKey_file(rc->ctx, cf->tls_key != NULL ?
		    cf->tls_key : cf->tls_cert, SSL_FILETYPE_PEM) != 1 ||
		    SSL_CTX_check_private_key(rc->ctx) != 1) {
			conn_tls_reason(rc);
			conn_fail(rc, "--tls-key-file %s: cannot load or does "
			    "not match the certificate (%.100s)",
			    cf->tls_key != NULL ? cf->tls_key : cf->tls_cert,
			    rc->errstr);
			return (-1);
		}
	}
	SSL_CTX_set_verify(rc->ctx, cf->tls_insecure ? SSL_VERIFY_NONE :
	    SSL_VERIFY_PEER, NULL);

	if ((rc->ssl = SSL_new(rc->ctx)) == NULL) {
		conn_tls_reason(rc);
		return (-1);
	}
	param = SSL_get0_param(rc->ssl);
	if (conn_is_ip(name)) {
		if (!cf->tls_insecure &&
		    X509_VERIFY_PARAM_set1_ip_asc(param, name) != 1) {
			conn_tls_reason(rc);
			return (-1);
		}
	} else {
		if (SSL_set_tlsext_host_name(rc->ssl, name) != 1) {
			conn_tls_reason(rc);
			return (-1);
		}
		X509_VERIFY_PARAM_set_hostflags(param,
		    X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
		if (!cf->tls_insecure && SSL_set1_host(rc->ssl, name) != 1) {
			conn_tls_reason(rc);
			return (-1);
		}
	}
	if (SSL_set_fd(rc->ssl, rc->c->fd) != 1) {
		conn_tls_reason(rc);
		return (-1);
	}
	if ((ret = SSL_connect(rc->ssl)) != 1)
		return (conn_tls_error(rc, ret, true));
	return (0);
}

/*
 * Connect as cf says: TCP or a unix socket, then TLS for rediss://.
 * Returns the connection, or NULL with a message in err ("cannot connect
 * to HOST:PORT: ..." or "TLS with HOST:PORT: ...").
 */
struct redis_conn *
source_redis_conn_open(const struct redis_conf *cf, char *err, size_t errlen)
{
	struct redis_conn	*rc;
	struct timeval		 tv = { REDIS_CONNECT_S, 0 };
	struct timeval		 cmd_tv = { REDIS_READ_S, 0 };
	char			 where[300], msg[256];

	rc = xcalloc(1, sizeof *rc);
	buf_init(&rc->obuf);
	if (cf->path != NULL) {
		snprintf(where, sizeof where, "%s", cf->path);
		rc->c = redisConnectUnixWithTimeout(cf->path, tv);
	} else {
		snprintf(where, sizeof where, "%s:%d", cf->host, cf->port);
		rc->c = redisConnectWithTimeout(cf->host, cf->port, tv);
	}
	if (rc->c == NULL) {
		snprintf(err, errlen, "cannot connect to %.120s: out of memory",
		    where);
		source_redis_conn_free(rc);
		return (NULL);
	}
	if (rc->c->err != 0) {
		conn_hiredis_error(rc->c, true, msg, sizeof msg);
		snprintf(err, errlen, "cannot connect to %.120s: %s", where,
		    msg);
		source_redis_conn_free(rc);
		return (NULL);
	}
	if (cf->tls) {
		/* The handshake has the connect timeout. */
		redisSetTimeout(rc->c, tv);
		if (conn_tls_start(rc, cf) != 0) {
			snprintf(err, errlen, "TLS with %.120s: %s", where,
			    rc->errstr);
			source_redis_conn_free(rc);
			return (NULL);
		}
	}
	redisSetTimeout(rc->c, cmd_tv);
	return (rc);
}

/* Queue one command (sent with the next reply wanted); 0 or -1. */
int
source_redis_conn_append(struct redis_conn *rc, int argc, const char **argv)
{
	char	*cmd;
	int	 len;

	if (rc->ssl == NULL)
		return (redisAppendCommandArgv(rc->c, argc, argv, NULL) ==
		    REDIS_OK ? 0 : -1);
	if ((len = redisFormatCommandArgv(&cmd, argc, argv, NULL)) < 0) {
		conn_fail(rc, "out of memory");
		return (-1);
	}
	buf_add(&rc->obuf, cmd, (size_t)len);
	redisFreeCommand(cmd);
	return (0);
}

/*
 * Send what is queued without waiting for a reply, so that several
 * servers work on their pipelines at once.  0 or -1.
 */
int
source_redis_conn_flush(struct redis_conn *rc)
{
	size_t	 off = 0;
	int	 n, done = 0;

	if (rc->ssl == NULL) {
		while (!done)
			if (redisBufferWrite(rc->c, &done) != REDIS_OK)
				return (-1);
		return (0);
	}
	if (rc->failed)
		return (-1);
	while (off < rc->obuf.len) {
		n = SSL_write(rc->ssl, rc->obuf.data + off,
		    (int)(rc->obuf.len - off > INT32_MAX ? INT32_MAX :
		    rc->obuf.len - off));
		if (n <= 0)
			return (conn_tls_error(rc, n, false));
		off += (size_t)n;
	}
	buf_reset(&rc->obuf);
	return (0);
}

/* The reader's protocol error (it may quote a byte of the reply). */
static int
conn_proto_error(struct redis_conn *rc)
{
	const char	*e = rc->c->reader->errstr;

	conn_safe(rc->errstr, sizeof rc->errstr, e, strlen(e));
	rc->failed = true;
	return (-1);
}

/*
 * The next reply, in order: writes what is queued, then reads until the
 * reader has a whole reply.  Returns 0 with *out (the caller frees it
 * with freeReplyObject), or -1: the connection is unusable.
 */
int
source_redis_conn_reply(struct redis_conn *rc, redisReply **out)
{
	void	*r = NULL;
	char	 b[REDIS_TLS_READ];
	size_t	 off = 0;
	int	 n;

	*out = NULL;
	if (rc->ssl == NULL) {
		if (redisGetReply(rc->c, &r) != REDIS_OK)
			return (-1);
		*out = r;
		return (0);
	}
	if (rc->failed)
		return (-1);
	if (redisReaderGetReply(rc->c->reader, &r) != REDIS_OK)
		return (conn_proto_error(rc));
	if (r != NULL) {
		rc->replied = true;
		*out = r;
		return (0);
	}
	while (off < rc->obuf.len) {
		n = SSL_write(rc->ssl, rc->obuf.data + off,
		    (int)(rc->obuf.len - off > INT32_MAX ? INT32_MAX :
		    rc->obuf.len - off));
		if (n <= 0)
			return (conn_tls_error(rc, n, false));
		off += (size_t)n;
	}
	buf_reset(&rc->obuf);
	do {
		if ((n = SSL_read(rc->ssl, b, sizeof b)) <= 0)
			return (conn_tls_error(rc, n, false));
		if (redisReaderFeed(rc->c->reader, b, (size_t)n) != REDIS_OK ||
		    redisReaderGetReply(rc->c->reader, &r) != REDIS_OK)
			return (conn_proto_error(rc));
	} while (r == NULL);
	rc->replied = true;
	*out = r;
	return (0);
}

/* Why the last call failed, as safe text. */
void
source_redis_conn_error(const struct redis_conn *rc, char *dst,
    size_t dstlen)
{
	if (rc == NULL) {
		snprintf(dst, dstlen, "connection lost");
		return;
	}
	if (rc->failed) {
		snprintf(dst, dstlen, "%s", rc->errstr);
		return;
	}
	conn_hiredis_error(rc->c, false, dst, dstlen);
}

/* The socket, for shutdown(2) from another thread. */
int
source_redis_conn_fd(const struct redis_conn *rc)
{
	return (rc->c->fd);
}

/* Close the connection and free it. */
void
source_redis_conn_free(struct redis_conn *rc)
{
	if (rc == NULL)
		return;
	/* No close_notify: the peer may be gone, and we only read. */
	if (rc->ssl != NULL)
		SSL_free(rc->ssl);
	if (rc->ctx != NULL)
		SSL_CTX_free(rc->ctx);
	if (rc->c != NULL)
		redisFree(rc->c);
	buf_clear(&rc->obuf);
	free(rc);
}
