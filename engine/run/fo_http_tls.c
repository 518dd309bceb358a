/*
 * fo_http_tls.c - the TLS side of fo_http (fo_http_tls.h), with OpenSSL's libssl.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "fo_alloc.h"
#include "fo_http_tls.h"

struct fo_tls {
	SSL_CTX *ctx;
	SSL *ssl;
	char where[300];              /* "host:port" for the messages */
};

/* OpenSSL's first queued error as text (the queue emptied), or `dflt`. */
static const char *
ssl_reason(char *buf, size_t len, const char *dflt)
{
	unsigned long e = ERR_peek_last_error();

	if (e == 0) {
		snprintf(buf, len, "%s", dflt);
	} else {
		const char *r = ERR_reason_error_string(e);

		if (r != NULL)
			snprintf(buf, len, "%s", r);
		else
			ERR_error_string_n(e, buf, len);
	}
	ERR_clear_error();
	return buf;
}

static bool
is_ip(const char *host)
{
	unsigned char a[16];

	return inet_pton(AF_INET, host, a) == 1 || inet_pton(AF_INET6, host, a) == 1;
}

static fo_status
load_files(SSL_CTX *ctx, const fo_tls_opts *o, char *err, size_t errlen)
{
	char why[256];
	bool ca = o != NULL && o->ca_file != NULL && o->ca_file[0] != '\0';
	bool cert = o != NULL && o->cert_file != NULL && o->cert_file[0] != '\0';
	bool key = o != NULL && o->key_file != NULL && o->key_file[0] != '\0';
	int rc;

	if (ca ? SSL_CTX_load_verify_locations(ctx, o->ca_file, NULL) != 1 :
	    SSL_CTX_set_default_verify_paths(ctx) != 1) {
		fo_errf(err, errlen, ca ? "partner-control-trust-anchor %s: cannot load the CA "
		    "certificates: %s" : "%s%s", ca ? o->ca_file : "cannot load the system's CA "
		    "certificates: ", ssl_reason(why, sizeof(why), "unknown error"));
		return FO_ERR_CONFIG;
	}
	if (cert != key) {
		fo_errf(err, errlen, "partner-control-cert-file and partner-control-key-file go "
		    "together");
		return FO_ERR_CONFIG;
	}
	if (!cert)
		return FO_OK;
	if (SSL_CTX_use_certificate_chain_file(ctx, o->cert_file) != 1) {
		fo_errf(err, errlen, "partner-control-cert-file %s: cannot load the certificate: %s",
		    o->cert_file, ssl_reason(why, sizeof(why), "unknown error"));
		return FO_ERR_CONFIG;
	}
	ERR_clear_error();
	if ((rc = SSL_CTX_use_PrivateKey_file(ctx, o->key_file, SSL_FILETYPE_PEM)) != 1 &&
	    ERR_GET_REASON(ERR_peek_last_error()) == X509_R_KEY_VALUES_MISMATCH) {
		fo_errf(err, errlen, "partner-control-key-file %s does not match "
		    "partner-control-cert-file %s", o->key_file, o->cert_file);
		ERR_clear_error();
		return FO_ERR_CONFIG;
	} else if (rc != 1) {
		fo_errf(err, errlen, "partner-control-key-file %s: cannot load the private key: %s",
		    o->key_file, ssl_reason(why, sizeof(why), "unknown error"));
		return FO_ERR_CONFIG;
	}
	if (SSL_CTX_check_private_key(ctx) != 1) {
		fo_errf(err, errlen, "partner-control-key-file %s does not match "
		    "partner-control-cert-file %s", o->key_file, o->cert_file);
		ERR_clear_error();
		return FO_ERR_CONFIG;
	}
	return FO_OK;
}

fo_status
fo_tls_new(const char *host, uint16_t port, const fo_tls_opts *o, fo_tls **out, char *err,
    size_t errlen)
{
	fo_tls *t;
	X509_VERIFY_PARAM *vp;
	bool ip = is_ip(host);
	fo_status st;

	*out = NULL;
	ERR_clear_error();
	if ((t = fo_calloc(1, sizeof(*t))) == NULL)
		return FO_ERR_NOMEM;
	snprintf(t->where, sizeof(t->where), "%s%s%s:%u", strchr(host, ':') ? "[" : "", host,
	    strchr(host, ':') ? "]" : "", (unsigned)port);
	if ((t->ctx = SSL_CTX_new(TLS_client_method())) == NULL) {
		st = FO_ERR_NOMEM;
		goto fail;
	}
	SSL_CTX_set_min_proto_version(t->ctx, TLS1_2_VERSION);
	SSL_CTX_set_verify(t->ctx, SSL_VERIFY_PEER, NULL);
#ifdef SSL_OP_IGNORE_UNEXPECTED_EOF
	/* An agent that closes without close_notify ends the answer (Connection: close). */
	SSL_CTX_set_options(t->ctx, SSL_OP_IGNORE_UNEXPECTED_EOF);
#endif
	SSL_CTX_set_mode(t->ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
	    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
	if ((st = load_files(t->ctx, o, err, errlen)) != FO_OK)
		goto fail;
	if ((t->ssl = SSL_new(t->ctx)) == NULL) {
		st = FO_ERR_NOMEM;
		goto fail;
	}
	vp = SSL_get0_param(t->ssl);
	X509_VERIFY_PARAM_set_hostflags(vp, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
	if ((ip ? X509_VERIFY_PARAM_set1_ip_asc(vp, host) :
	    X509_VERIFY_PARAM_set1_host(vp, host, 0)) != 1 ||
	    (!ip && SSL_set_tlsext_host_name(t->ssl, host) != 1)) {
		fo_errf(err, errlen, "TLS with %s: the host cannot be checked", t->where);
		st = FO_ERR_CONFIG;
		goto fail;
	}
	SSL_set_connect_state(t->ssl);
	*out = t;
	return FO_OK;
fail:
	ERR_clear_error();
	fo_tls_free(t);
	return st;
}

bool
fo_tls_set_fd(fo_tls *t, int fd)
{
	return SSL_set_fd(t->ssl, fd) == 1;
}

/* What SSL_get_error says: 0 again (events set), -1 failed (why set). */
static int
ssl_step(fo_tls *t, int rc, short *events, bool *closed, char *why, size_t whylen)
{
	int e = SSL_get_error(t->ssl, rc);

	*closed = false;
	switch (e) {
	case SSL_ERROR_WANT_READ:
		*events = POLLIN;
		return 0;
	case SSL_ERROR_WANT_WRITE:
		*events = POLLOUT;
		return 0;
	case SSL_ERROR_ZERO_RETURN:
		*closed = true;
		return -1;
	case SSL_ERROR_SYSCALL:
		if (ERR_peek_error() == 0) {
			if (errno == 0 || rc == 0)
				*closed = true;
			snprintf(why, whylen, "%s", errno != 0 && rc != 0 ? strerror(errno) :
			    "the connection ended");
			return -1;
		}
		ssl_reason(why, whylen, "a system error");
		return -1;
	case SSL_ERROR_NONE:
	case SSL_ERROR_SSL:
	case SSL_ERROR_WANT_CONNECT:
	case SSL_ERROR_WANT_ACCEPT:
	case SSL_ERROR_WANT_X509_LOOKUP:
	case SSL_ERROR_WANT_ASYNC:
	case SSL_ERROR_WANT_ASYNC_JOB:
	case SSL_ERROR_WANT_CLIENT_HELLO_CB:
	default:
		ssl_reason(why, whylen, "a TLS error");
		return -1;
	}
}

int
fo_tls_handshake(fo_tls *t, short *events, char *err, size_t errlen)
{
	char why[256] = "";
	bool closed;
	long v;
	int rc;

	errno = 0;
	rc = SSL_do_handshake(t->ssl);
	if (rc == 1) {
		/* SSL_VERIFY_PEER already refused a bad certificate; say it twice. */
		if ((v = SSL_get_verify_result(t->ssl)) != X509_V_OK) {
			fo_errf(err, errlen, "TLS handshake with %s failed: certificate verify "
			    "failed: %s", t->where, X509_verify_cert_error_string(v));
			return -1;
		}
		return 1;
	}
	if (ssl_step(t, rc, events, &closed, why, sizeof(why)) == 0)
		return 0;
	if ((v = SSL_get_verify_result(t->ssl)) != X509_V_OK)
		fo_errf(err, errlen, "TLS handshake with %s failed: certificate verify failed: %s",
		    t->where, X509_verify_cert_error_string(v));
	else
		fo_errf(err, errlen, "TLS handshake with %s failed: %s", t->where,
		    closed ? "the server ended the connection (is it a TLS server? does it "
		    "require a client certificate: partner-control-cert-file?)" : why);
	return -1;
}

ssize_t
fo_tls_write(fo_tls *t, const void *p, size_t n, short *events, char *err, size_t errlen)
{
	char why[256] = "";
	bool closed;
	int rc;

	errno = 0;
	rc = SSL_write(t->ssl, p, n > 0x40000000 ? 0x40000000 : (int)n);
	if (rc > 0)
		return rc;
	if (ssl_step(t, rc, events, &closed, why, sizeof(why)) == 0) {
		errno = EAGAIN;
		return -1;
	}
	fo_errf(err, errlen, "%s: sending the request over TLS failed: %s", t->where,
	    closed ? "the server ended the connection" : why);
	errno = EIO;
	return -1;
}

ssize_t
fo_tls_read(fo_tls *t, void *p, size_t n, short *events, char *err, size_t errlen)
{
	char why[256] = "";
	bool closed;
	int rc;

	errno = 0;
	rc = SSL_read(t->ssl, p, n > 0x40000000 ? 0x40000000 : (int)n);
	if (rc > 0)
		return rc;
	if (ssl_step(t, rc, events, &closed, why, sizeof(why)) == 0) {
		errno = EAGAIN;
		return -1;
	}
	if (closed)
		return 0;
	fo_errf(err, errlen, "%s: receiving the answer over TLS failed: %s", t->where, why);
	errno = EIO;
	return -1;
}

void
fo_tls_free(fo_tls *t)
{
	if (t == NULL)
		return;
	SSL_free(t->ssl);   /* no close_notify: the request said Connection: close */
	SSL_CTX_free(t->ctx);
	ERR_clear_error();
	fo_free(t);
}
