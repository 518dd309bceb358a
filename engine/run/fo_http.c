/*
 * fo_http.c - a small blocking HTTP/1.1 client (fo_http.h).
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "fo_alloc.h"
#include "fo_http.h"
#include "fo_http_tls.h"

bool
fo_base64(const void *in, size_t n, char *out, size_t outlen)
{
	static const char a[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *s = in;
	size_t o = 0;

	if (outlen < (n + 2) / 3 * 4 + 1)
		return false;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)s[i] << 16;

		if (i + 1 < n)
			v |= (uint32_t)s[i + 1] << 8;
		if (i + 2 < n)
			v |= s[i + 2];
		out[o++] = a[v >> 18 & 63];
		out[o++] = a[v >> 12 & 63];
		out[o++] = i + 1 < n ? a[v >> 6 & 63] : '=';
		out[o++] = i + 2 < n ? a[v & 63] : '=';
	}
	out[o] = '\0';
	return true;
}

/* ---- Parsing the answer ---- */

/* The header `name` among the lines [h, end): its value and length, or NULL. */
static const char *
header(const char *h, const char *end, const char *name, size_t *vlen)
{
	size_t nl = strlen(name);

	while (h < end) {
		const char *eol = memchr(h, '\n', (size_t)(end - h));
		const char *le = eol != NULL ? eol : end;

		if ((size_t)(le - h) > nl && strncasecmp(h, name, nl) == 0 && h[nl] == ':') {
			const char *v = h + nl + 1;

			while (v < le && (*v == ' ' || *v == '\t'))
				v++;
			while (le > v && (le[-1] == '\r' || le[-1] == ' ' || le[-1] == '\t'))
				le--;
			*vlen = (size_t)(le - v);
			return v;
		}
		h = eol != NULL ? eol + 1 : end;
	}
	return NULL;
}

static fo_status
set_body(fo_http_response *resp, const char *p, size_t n)
{
	if ((resp->body = fo_malloc(n + 1)) == NULL)
		return FO_ERR_NOMEM;
	memcpy(resp->body, p, n);
	resp->body[n] = '\0';
	resp->body_len = n;
	return FO_OK;
}

/* A chunked body at [p, end): decoded into resp when complete (two passes:
 * the size, then the copy). */
static fo_status
dechunk(const char *p, const char *end, fo_http_response *resp, char *err, size_t errlen)
{
	size_t total = 0;

	for (int pass = 0; pass < 2; pass++) {
		const char *q = p;

		total = 0;
		for (;;) {
			const char *eol = memchr(q, '\n', (size_t)(end - q));
			char *num_end;
			unsigned long long sz;
			size_t left;

			if (eol == NULL)
				return FO_ERR_STATE;
			sz = strtoull(q, &num_end, 16);
			if (num_end == q) {
				fo_errf(err, errlen, "a bad chunk size in the answer");
				return FO_ERR_PROTO;
			}
			q = eol + 1;
			if (sz == 0)
				break;
			left = (size_t)(end - q);
			if (sz > left || left - sz < 2)
				return FO_ERR_STATE;
			if (pass == 1)
				memcpy(resp->body + total, q, (size_t)sz);
			total += (size_t)sz;
			q += sz;
			q += *q == '\r' ? 1 : 0;
			q += (q < end && *q == '\n') ? 1 : 0;
		}
		if (pass == 0 && (resp->body = fo_malloc(total + 1)) == NULL)
			return FO_ERR_NOMEM;
	}
	resp->body[total] = '\0';
	resp->body_len = total;
	return FO_OK;
}

/* "HTTP/1.x SSS reason": the status and the reason; false when it is none. */
static bool
status_line(const char *buf, const char *hdr_end, fo_http_response *resp)
{
	size_t n = (size_t)(hdr_end - buf);
	const char *eol = memchr(buf, '\n', n);
	const char *r, *re;

	if (eol != NULL)
		n = (size_t)(eol - buf);
	if (n < 12 || memcmp(buf, "HTTP/1.", 7) != 0 || (buf[7] != '0' && buf[7] != '1') ||
	    buf[8] != ' ' || !fo_all_digits(buf + 9, 3) || (n > 12 && buf[12] != ' ' &&
	    buf[12] != '\r'))
		return false;
	resp->status = (buf[9] - '0') * 100 + (buf[10] - '0') * 10 + (buf[11] - '0');
	if (resp->status < 100 || resp->status > 599)
		return false;           /* RFC 9110 15: classes 1xx to 5xx only */
	r = buf + 12 + (n > 12 && buf[12] == ' ');
	re = buf + n;
	while (re > r && re[-1] == '\r')
		re--;
	snprintf(resp->reason, sizeof(resp->reason), "%.*s", (int)(re - r), r);
	return true;
}

fo_status
fo_http_parse_response(const char *buf, size_t len, bool closed, fo_http_response *resp,
    char *err, size_t errlen)
{
	const char *end = buf + len, *hdr_end = NULL, *body, *v;
	size_t vlen, skip = 4;

	memset(resp, 0, sizeof(*resp));
	if (len >= 5 && strncmp(buf, "HTTP/", 5) != 0) {
		fo_errf(err, errlen, "the answer is not HTTP (it starts with \"%.*s\")",
		    (int)(len < 16 ? len : 16), buf);
		return FO_ERR_PROTO;
	}
	for (const char *p = buf; p + 1 < end && hdr_end == NULL; p++) {
		if (p + 3 < end && memcmp(p, "\r\n\r\n", 4) == 0) {
			hdr_end = p;
		} else if (memcmp(p, "\n\n", 2) == 0) {
			hdr_end = p;
			skip = 2;
		}
	}
	if (hdr_end == NULL) {
		if (!closed)
			return FO_ERR_STATE;
		fo_errf(err, errlen, "the connection ended before the answer's headers did");
		return FO_ERR_PROTO;
	}
	if (!status_line(buf, hdr_end, resp)) {
		fo_errf(err, errlen, "the answer has no HTTP/1.x status line");
		return FO_ERR_PROTO;
	}
	body = hdr_end + skip;
	if ((v = header(buf, hdr_end, "Transfer-Encoding", &vlen)) != NULL &&
	    vlen >= 7 && strncasecmp(v + vlen - 7, "chunked", 7) == 0) {
		fo_status st = dechunk(body, end, resp, err, errlen);

		if (st == FO_ERR_STATE && closed) {
			fo_errf(err, errlen, "the connection ended inside a chunked answer");
			st = FO_ERR_PROTO;
		}
		return st;
	}
	if ((v = header(buf, hdr_end, "Content-Length", &vlen)) != NULL) {
		size_t want;

		if (!fo_all_digits(v, vlen) || vlen > 12) {
			fo_errf(err, errlen, "the answer's Content-Length is not a number");
			return FO_ERR_PROTO;
		}
		want = (size_t)strtoull(v, NULL, 10);
		if ((size_t)(end - body) < want) {
			if (!closed)
				return FO_ERR_STATE;
			fo_errf(err, errlen, "the connection ended after %zu of the %zu bytes the "
			    "answer announced", (size_t)(end - body), want);
			return FO_ERR_PROTO;
		}
		return set_body(resp, body, want);
	}
	if (!closed)
		return FO_ERR_STATE;
	return set_body(resp, body, (size_t)(end - body));
}

void
fo_http_response_free(fo_http_response *resp)
{
	if (resp == NULL)
		return;
	fo_free(resp->body);
	memset(resp, 0, sizeof(*resp));
}

/* ---- The exchange ---- */

int64_t
fo_mono_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Wait for `events` on fd until the deadline: 1 ready, 0 timed out, -1 error. */
static int
wait_fd(int fd, short events, int64_t deadline)
{
	for (;;) {
		struct pollfd p = { .fd = fd, .events = events };
		int64_t left = deadline - fo_mono_now_ms();
		int r;

		if (left <= 0)
			return 0;
		r = poll(&p, 1, (int)(left > 1000000 ? 1000000 : left));
		if (r > 0)
			return 1;
		if (r == 0)
			continue;
		if (errno != EINTR)
			return -1;
	}
}

/* One address: a non-blocking socket connected within the deadline, or -1. */
static int
connect_one(const struct addrinfo *ai, int64_t deadline, int *why)
{
	int fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    ai->ai_protocol);
	socklen_t sl = sizeof(*why);

	*why = 0;
	if (fd < 0) {
		*why = errno;
		return -1;
	}
	if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
		return fd;
	if (errno != EINPROGRESS) {
		*why = errno;
		close(fd);
		return -1;
	}
	switch (wait_fd(fd, POLLOUT, deadline)) {
	case 1:
		if (getsockopt(fd, SOL_SOCKET, SO_ERROR, why, &sl) == 0 && *why == 0)
			return fd;
		if (*why == 0)
			*why = errno;
		break;
	case 0:
		*why = ETIMEDOUT;
		break;
	default:
		*why = errno;
		break;
	}
	close(fd);
	return -1;
}

static fo_status
open_conn(const fo_url *u, int64_t conn_deadline, int *out, char *err, size_t errlen)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM,
	    .ai_flags = AI_NUMERICSERV };
	struct addrinfo *res = NULL;
	char port[8];
	int rc, why = 0, fd = -1;

	snprintf(port, sizeof(port), "%u", (unsigned)u->port);
	if ((rc = getaddrinfo(u->host, port, &hints, &res)) != 0) {
		fo_errf(err, errlen, "%s: the name does not resolve: %s", u->host, gai_strerror(rc));
		return FO_ERR_IO;
	}
	for (const struct addrinfo *ai = res; ai != NULL && fd < 0; ai = ai->ai_next)
		fd = connect_one(ai, conn_deadline, &why);
	freeaddrinfo(res);
	if (fd < 0) {
		fo_errf(err, errlen, "cannot connect to %s port %u: %s", u->host,
		    (unsigned)u->port, why == ETIMEDOUT ? "timed out" : strerror(why));
		return FO_ERR_IO;
	}
	*out = fd;
	return FO_OK;
}

/* A connection: the socket, and its TLS client for https. */
typedef struct conn {
	int fd;
	fo_tls *tls;
} conn;

static fo_status
send_all(const conn *c, const char *p, size_t n, int64_t deadline, const fo_url *u, char *err,
    size_t errlen)
{
	int fd = c->fd;

	while (n > 0) {
		ssize_t w;

		if (c->tls != NULL) {
			short ev = POLLOUT;

			if ((w = fo_tls_write(c->tls, p, n, &ev, err, errlen)) < 0 && errno == EIO)
				return FO_ERR_IO;
			if (w < 0 && wait_fd(fd, ev, deadline) == 1)
				continue;
			if (w < 0) {
				fo_errf(err, errlen, "%s port %u: sending the request failed: timed out",
				    u->host, (unsigned)u->port);
				return FO_ERR_IO;
			}
			p += w;
			n -= (size_t)w;
			continue;
		}
		w = send(fd, p, n, MSG_NOSIGNAL);

		if (w > 0) {
			p += w;
			n -= (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) &&
		    wait_fd(fd, POLLOUT, deadline) == 1)
			continue;
		fo_errf(err, errlen, "%s port %u: sending the request failed: %s", u->host,
		    (unsigned)u->port, w < 0 && errno != EAGAIN ? strerror(errno) : "timed out");
		return FO_ERR_IO;
	}
	return FO_OK;
}

/* The request's head (request line and headers). */
static char *
request_head(const fo_http_request *req, const fo_url *u)
{
	char auth[1024] = "", cred[600];
	const char *ct = req->content_type != NULL ? req->content_type : "application/json";
	bool v6 = strchr(u->host, ':') != NULL;
	size_t need;
	char *head;
	int n;

	if (req->user != NULL && req->user[0] != '\0') {
		n = snprintf(cred, sizeof(cred), "%s:%s", req->user,
		    req->password != NULL ? req->password : "");
		if (n < 0 || (size_t)n >= sizeof(cred))
			return NULL;
		strcpy(auth, "Authorization: Basic ");
		if (!fo_base64(cred, (size_t)n, auth + strlen(auth), sizeof(auth) - strlen(auth) - 3))
			return NULL;
		strcat(auth, "\r\n");
		memset(cred, 0, sizeof(cred));
	}
	need = strlen(u->path) + strlen(u->host) + strlen(ct) + strlen(auth) + 256;
	if ((head = fo_malloc(need)) != NULL)
		snprintf(head, need, "POST %s HTTP/1.1\r\nHost: %s%s%s:%u\r\n"
		    "Content-Type: %s\r\nContent-Length: %zu\r\nAccept: application/json\r\n"
		    "%sConnection: close\r\n\r\n", u->path, v6 ? "[" : "", u->host, v6 ? "]" : "",
		    (unsigned)u->port, ct, req->body_len, auth);
	memset(auth, 0, sizeof(auth));
	return head;
}

static fo_status
receive(const conn *c, const fo_http_request *req, const fo_url *u, int64_t deadline,
    fo_http_response *resp, char *err, size_t errlen)
{
	int fd = c->fd;
	short ev = POLLIN;
	size_t max = req->max_response ? req->max_response : FO_HTTP_MAX_RESPONSE;
	size_t len = 0, cap = 4096;
	char *b = fo_malloc(cap), *nb;
	fo_status st = FO_ERR_STATE;
	bool closed = false;

	while (b != NULL && st == FO_ERR_STATE) {
		ssize_t r;

		if (len + 1 >= cap) {
			if (cap >= max + 1024) {
				fo_errf(err, errlen, "%s port %u: the answer is larger than %zu bytes",
				    u->host, (unsigned)u->port, max);
				st = FO_ERR_PROTO;
				break;
			}
			if ((nb = fo_realloc(b, cap * 2)) == NULL)
				break;
			b = nb;
			cap *= 2;
		}
		ev = POLLIN;
		if (c->tls != NULL) {
			if ((r = fo_tls_read(c->tls, b + len, cap - len - 1, &ev, err, errlen)) < 0 &&
			    errno == EIO) {
				st = FO_ERR_IO;
				break;
			}
		} else {
			r = recv(fd, b + len, cap - len - 1, 0);
		}
		if (r > 0) {
			len += (size_t)r;
		} else if (r == 0) {
			closed = true;
		} else if (errno == EINTR) {
			continue;
		} else if (errno == EAGAIN || errno == EWOULDBLOCK) {
			if (wait_fd(fd, ev, deadline) == 1)
				continue;
			fo_errf(err, errlen, "%s port %u: timed out after %d ms waiting for the "
			    "answer", u->host, (unsigned)u->port, req->timeout_ms > 0 ?
			    req->timeout_ms : FO_HTTP_TIMEOUT_MS);
			st = FO_ERR_IO;
			break;
		} else {
			fo_errf(err, errlen, "%s port %u: receiving the answer failed: %s", u->host,
			    (unsigned)u->port, strerror(errno));
			st = FO_ERR_IO;
			break;
		}
		if (r > 0 || closed) {
			b[len] = '\0';
			st = fo_http_parse_response(b, len, closed, resp, err, errlen);
		}
	}
	if (b == NULL || (st == FO_ERR_STATE))
		st = FO_ERR_NOMEM;
	fo_free(b);
	return st;
}

/* https: the TLS handshake on c->fd, within the deadline. */
static fo_status
tls_start(conn *c, const fo_http_request *req, const fo_url *u, int64_t deadline, char *err,
    size_t errlen)
{
	fo_status st = FO_OK;

	if (!fo_tls_set_fd(c->tls, c->fd))
		return FO_ERR_NOMEM;
	while (st == FO_OK) {
		short ev = POLLIN;
		int r = fo_tls_handshake(c->tls, &ev, err, errlen);

		if (r == 1)
			break;
		if (r < 0)
			return FO_ERR_IO;
		switch (wait_fd(c->fd, ev, deadline)) {
		case 1:
			continue;
		case 0:
			fo_errf(err, errlen, "TLS handshake with %s:%u failed: timed out after %d ms",
			    u->host, (unsigned)u->port, req->timeout_ms > 0 ? req->timeout_ms :
			    FO_HTTP_TIMEOUT_MS);
			return FO_ERR_IO;
		default:
			fo_errf(err, errlen, "TLS handshake with %s:%u failed: %s", u->host,
			    (unsigned)u->port, strerror(errno));
			return FO_ERR_IO;
		}
	}
	return st;
}

fo_status
fo_http_post(const fo_http_request *req, fo_http_response *resp, char *err, size_t errlen)
{
	int64_t start = fo_mono_now_ms(), deadline, conn_deadline;
	fo_url u;
	char *head = NULL;
	conn c = { .fd = -1 };
	sigset_t pipe_set, old_mask, pending;
	bool pipe_before = false, sent = false;
	fo_status st;

	if (req == NULL || resp == NULL || req->url == NULL || (req->body == NULL &&
	    req->body_len > 0))
		return FO_ERR_INVAL;
	memset(resp, 0, sizeof(*resp));
	if ((st = fo_url_parse(req->url, &u, err, errlen)) != FO_OK)
		return st;
	deadline = start + (req->timeout_ms > 0 ? req->timeout_ms : FO_HTTP_TIMEOUT_MS);
	conn_deadline = start + (req->connect_timeout_ms > 0 ? req->connect_timeout_ms :
	    FO_HTTP_CONNECT_TIMEOUT_MS);
	if (conn_deadline > deadline)
		conn_deadline = deadline;
	if (u.tls) {
		/* The files first: a bad one costs no connection. */
		fo_tls_opts o = { .ca_file = req->ca_file, .cert_file = req->cert_file,
		    .key_file = req->key_file };

		if ((st = fo_tls_new(u.host, u.port, &o, &c.tls, err, errlen)) != FO_OK)
			return st;
	}
	if ((st = open_conn(&u, conn_deadline, &c.fd, err, errlen)) != FO_OK) {
		fo_tls_free(c.tls);
		return st;
	}
	if (u.tls) {
		/* OpenSSL writes with write(2): no SIGPIPE for this thread meanwhile. */
		sigemptyset(&pipe_set);
		sigaddset(&pipe_set, SIGPIPE);
		pthread_sigmask(SIG_BLOCK, &pipe_set, &old_mask);
		pipe_before = sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1;
		if ((st = tls_start(&c, req, &u, deadline, err, errlen)) != FO_OK)
			goto done;
	}
	if ((head = request_head(req, &u)) == NULL) {
		fo_errf(err, errlen, "partner-control-user and -password are too long");
		st = FO_ERR_CONFIG;
		goto done;
	}
	if ((st = send_all(&c, head, strlen(head), deadline, &u, err, errlen)) != FO_OK ||
	    (st = send_all(&c, req->body, req->body_len, deadline, &u, err, errlen)) != FO_OK)
		goto done;
	sent = true;
	st = receive(&c, req, &u, deadline, resp, err, errlen);
done:
	if (head != NULL) {
		memset(head, 0, strlen(head));  /* the credentials */
		fo_free(head);
	}
	fo_tls_free(c.tls);
	close(c.fd);
	if (u.tls) {
		struct timespec zero = { 0, 0 };

		if (!pipe_before && sigpending(&pending) == 0 && sigismember(&pending, SIGPIPE) == 1)
			(void)sigtimedwait(&pipe_set, NULL, &zero);
		pthread_sigmask(SIG_SETMASK, &old_mask, NULL);
	}
	if (st != FO_OK)
		fo_http_response_free(resp);
	resp->sent = sent;
	return st;
}
