/*
 * fo_http.h - a small blocking HTTP/1.1 client: one POST to a partner's
 * kea-ctrl-agent (failover-replicate, fo_replicate.h).
 *
 * Internal tier. http, or https (TLS 1.2 or later with OpenSSL, fo_http_tls.h:
 * the server's certificate verified against ca_file or the system's CA
 * certificates, its name or address checked, an optional client
 * certificate). The request has Content-Length framing, "Connection: close" and, when
 * a user is given, basic authentication (RFC 7617). The answer is framed by
 * its Content-Length, by chunked transfer coding, or by the end of the
 * connection. Every step runs against two deadlines: the connection must be
 * established within connect_timeout_ms and the whole exchange (name
 * resolution included) must end within timeout_ms. No signal is raised
 * (MSG_NOSIGNAL; SIGPIPE blocked in the calling thread during a TLS
 * exchange); the socket is closed on every path. The TLS handshake runs
 * against the whole exchange's deadline.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_HTTP_H
#define FO_HTTP_H

#include "fo_types.h"
#include "fo_url.h"

#define FO_HTTP_TIMEOUT_MS 10000           /* default deadline of a whole request */
#define FO_HTTP_CONNECT_TIMEOUT_MS 3000    /* default deadline of the connection */
#define FO_HTTP_MAX_RESPONSE (16u << 20)   /* default limit of an answer, bytes */
/* The monotonic clock in milliseconds (CLOCK_MONOTONIC), for the drivers that read it. */
int64_t fo_mono_now_ms(void);

/* Base64 (RFC 4648, with padding) of n bytes into out; false when out is too small. */
bool fo_base64(const void *in, size_t n, char *out, size_t outlen);

typedef struct fo_http_request {
	const char *url;
	const char *user;               /* NULL or "": no Authorization header */
	const char *password;           /* NULL: empty */
	const char *content_type;       /* NULL: application/json */
	const char *body;
	size_t body_len;
	int connect_timeout_ms;         /* <= 0: FO_HTTP_CONNECT_TIMEOUT_MS */
	int timeout_ms;                 /* <= 0: FO_HTTP_TIMEOUT_MS */
	size_t max_response;            /* 0: FO_HTTP_MAX_RESPONSE */
	/* https only (ignored for http): PEM files, NULL or "" when not given. */
	const char *ca_file;            /* CAs to verify the server; "": the system's */
	const char *cert_file;          /* client certificate (chain), with key_file */
	const char *key_file;
} fo_http_request;

typedef struct fo_http_response {
	int status;                     /* e.g. 200 */
	char reason[64];                /* e.g. "OK" */
	char *body;                     /* malloc'd, NUL-terminated */
	size_t body_len;
	bool sent;                      /* the whole request was written (set on errors too):
	                                   false, the server cannot have acted on it */
} fo_http_response;

/*
 * POST req->body to req->url; on FO_OK *resp holds the answer, whatever its
 * status (free it with fo_http_response_free). Errors, err saying which
 * step failed and naming host and port: FO_ERR_CONFIG (the URL),
 * FO_ERR_CONFIG also when a TLS file cannot be loaded;
 * FO_ERR_IO (resolution, connection refused, reset, a deadline passed:
 * "... timed out after 10000 ms waiting for the answer", the TLS handshake:
 * "TLS handshake with HOST:PORT failed: certificate verify failed: ..."), FO_ERR_PROTO (the
 * answer is no HTTP/1.x response, or is larger than max_response),
 * FO_ERR_NOMEM.
 */
fo_status fo_http_post(const fo_http_request *req, fo_http_response *resp, char *err,
    size_t errlen);
void fo_http_response_free(fo_http_response *resp);

/*
 * Parse an answer received so far (buf[0..len)); `closed`: the peer ended
 * the connection after it. FO_OK: complete, *resp filled (body copied);
 * FO_ERR_STATE: incomplete, read more; FO_ERR_PROTO: malformed (err says
 * why); FO_ERR_NOMEM.
 */
fo_status fo_http_parse_response(const char *buf, size_t len, bool closed,
    fo_http_response *resp, char *err, size_t errlen);

#endif /* FO_HTTP_H */
