/*
 * fo_http_tls.h - the TLS side of fo_http (https:// URLs), with OpenSSL's
 * libssl, on the non-blocking socket fo_http connected.
 *
 * Internal to fo_http.c. TLS 1.2 or later; the server's certificate is
 * verified against ca_file (the relationship's partner-control-trust-anchor)
 * or, without one, OpenSSL's default verify paths, and must name the URL's
 * host (a DNS name, or the IP address when the host is one); a client
 * certificate is presented when cert_file and key_file are given. Every
 * call is non-blocking: when it cannot go on it answers "again" with the
 * poll events to wait for, and fo_http waits against its own deadlines.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_HTTP_TLS_H
#define FO_HTTP_TLS_H

#include <sys/types.h>

#include "fo_types.h"

typedef struct fo_tls fo_tls;

typedef struct fo_tls_opts {
	const char *ca_file;     /* NULL or "": the system's default verify paths */
	const char *cert_file;   /* NULL or "": no client certificate */
	const char *key_file;    /* with cert_file */
} fo_tls_opts;

/*
 * A TLS client for host:port (host without brackets), its files loaded
 * (before any connection). FO_ERR_CONFIG (err names the file) when a file
 * cannot be loaded, FO_ERR_NOMEM.
 */
fo_status fo_tls_new(const char *host, uint16_t port, const fo_tls_opts *o, fo_tls **out,
    char *err, size_t errlen);

/* On the connected socket fd (the handshake is not started): false on failure. */
bool fo_tls_set_fd(fo_tls *t, int fd);

/*
 * One step of the handshake: 1 done (the certificate verified), 0 wait for
 * *events then call again, -1 failed: err says "TLS handshake with
 * HOST:PORT failed: certificate verify failed: ..." (or OpenSSL's reason).
 */
int fo_tls_handshake(fo_tls *t, short *events, char *err, size_t errlen);

/*
 * Like send(2) / recv(2): > 0 bytes; 0 (read only) the server closed the
 * connection; -1 with errno EAGAIN: wait for *events and call again; -1
 * with errno EIO: failed, err says why.
 */
ssize_t fo_tls_write(fo_tls *t, const void *p, size_t n, short *events, char *err,
    size_t errlen);
ssize_t fo_tls_read(fo_tls *t, void *p, size_t n, short *events, char *err, size_t errlen);

/* Free everything (no close_notify is sent); the socket stays open. */
void fo_tls_free(fo_tls *t);

#endif /* FO_HTTP_TLS_H */
