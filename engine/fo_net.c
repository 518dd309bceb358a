/*
 * fo_net.c - the protocol driver's thread and sockets (draft-12 8.2-8.6).
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "fo_net.h"

#define RBUF_SIZE (64 * 1024)
#define POLL_MAX_MS 1000

typedef struct slot {
	fo_runtime *rt;
	fo_peer *peer;
	int lfd;                        /* listening socket */
	int fd;                         /* the connection, -1 when none */
	bool connecting;                /* outbound connect(2) in progress */
	bool was_up;                    /* this connection reached communications OK */
	uint8_t *rbuf;
	size_t rlen;
	int64_t retry_at;               /* mono ms of the next connect (primary) */
	int64_t connect_deadline;       /* mono ms: an unfinished connect(2) is given up */
	uint32_t backoff;
} slot;

struct fo_net {
	slot *s;
	size_t n;
	fo_wakeup *wk;
	int efd;
	const fo_host *host;
	pthread_t thread;
	bool running;
	_Atomic bool stop;
	struct pollfd *pfd;
	int *pmap;                      /* pfd index -> slot*2 (+1 for the connection) */
};

static void net_log(const fo_net *, fo_log_level, const char *, ...)
    __attribute__((format(printf, 3, 4)));

static void
net_log(const fo_net *net, fo_log_level level, const char *fmt, ...)
{
	char line[512];
	va_list ap;

	if (net->host == NULL || net->host->log == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	net->host->log(net->host->ctx, level, line);
}

static int
nonblock(int fd)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -1;
	(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
	return 0;
}

/* IPv4 address of a name or dotted quad ("" = any); false when it does not resolve. */
static bool
resolve(const char *host, uint16_t port, struct sockaddr_in *out)
{
	struct addrinfo hints, *res = NULL;
	bool ok;

	memset(out, 0, sizeof(*out));
	out->sin_family = AF_INET;
	out->sin_port = htons(port);
	if (host == NULL || host[0] == '\0') {
		out->sin_addr.s_addr = htonl(INADDR_ANY);
		return true;
	}
	if (inet_pton(AF_INET, host, &out->sin_addr) == 1)
		return true;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_INET;
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, NULL, &hints, &res) != 0 || res == NULL)
		return false;
	ok = res->ai_addrlen >= sizeof(*out);
	if (ok)
		out->sin_addr = ((struct sockaddr_in *)(void *)res->ai_addr)->sin_addr;
	freeaddrinfo(res);
	return ok;
}

static int
listen_on(const fo_relationship *r, char *err, size_t errlen)
{
	struct sockaddr_in sa;
	int fd, one = 1;

	if (!resolve(r->local_address, r->local_port, &sa)) {
		snprintf(err, errlen, "relationship %s: local-address %s does not resolve",
		    r->name, r->local_address);
		return -1;
	}
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		goto fail;
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (nonblock(fd) < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(fd, 8) < 0)
		goto fail;
	return fd;
fail:
	snprintf(err, errlen, "relationship %s: cannot listen on %s port %u: %s", r->name,
	    r->local_address[0] ? r->local_address : "0.0.0.0", (unsigned)r->local_port,
	    strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

fo_status
fo_net_create(fo_net **out, fo_runtime *rts, fo_peer **peers, size_t n, fo_wakeup *wk,
    const fo_host *host, char *err, size_t errlen)
{
	fo_net *net;

	if (out == NULL || (n > 0 && (rts == NULL || peers == NULL)) || wk == NULL)
		return FO_ERR_INVAL;
	if ((net = calloc(1, sizeof(*net))) == NULL)
		return FO_ERR_NOMEM;
	net->n = n;
	net->wk = wk;
	net->host = host;
	net->efd = -1;
	atomic_init(&net->stop, false);
	net->s = calloc(n ? n : 1, sizeof(*net->s));
	net->pfd = calloc(2 * n + 1, sizeof(*net->pfd));
	net->pmap = calloc(2 * n + 1, sizeof(*net->pmap));
	if (net->s == NULL || net->pfd == NULL || net->pmap == NULL)
		goto nomem;
	for (size_t i = 0; i < n; i++)
		net->s[i].lfd = net->s[i].fd = -1;
	for (size_t i = 0; i < n; i++) {
		slot *s = &net->s[i];

		s->rt = &rts[i];
		s->peer = peers[i];
		s->backoff = FO_NET_BACKOFF_MIN_MS;
		if ((s->rbuf = malloc(RBUF_SIZE)) == NULL)
			goto nomem;
		if ((s->lfd = listen_on(rts[i].rel, err, errlen)) < 0) {
			fo_net_destroy(net);
			return FO_ERR_IO;
		}
	}
	if ((net->efd = atomic_load(&wk->fd)) < 0) {
		snprintf(err, errlen, "no wakeup descriptor");
		fo_net_destroy(net);
		return FO_ERR_INVAL;
	}
	*out = net;
	return FO_OK;
nomem:
	fo_net_destroy(net);
	return FO_ERR_NOMEM;
}

static void
clocks(fo_wall *now, fo_mono *mono)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	*mono = fo_mono_at((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
	*now = fo_wall_at((int64_t)time(NULL));
}

static void
drop(fo_net *net, slot *s, fo_wall now, fo_mono mono, const char *why)
{
	const fo_relationship *r = s->rt->rel;

	if (s->fd < 0)
		return;
	close(s->fd);
	s->fd = -1;
	s->connecting = false;
	s->rlen = 0;
	fo_peer_closed(s->peer, now, mono);
	if (s->was_up)
		s->backoff = FO_NET_BACKOFF_MIN_MS;
	s->was_up = false;
	s->retry_at = mono.msec + s->backoff;
	if (s->backoff < FO_NET_BACKOFF_MAX_MS)
		s->backoff = s->backoff * 2 > FO_NET_BACKOFF_MAX_MS ? FO_NET_BACKOFF_MAX_MS :
		    s->backoff * 2;
	net_log(net, FO_LOG_INFO, "relationship %s: connection to the partner closed (%s)",
	    r->name, why);
}

/* The primary connects (8.2). */
static void
try_connect(fo_net *net, slot *s, fo_wall now, fo_mono mono)
{
	const fo_relationship *r = s->rt->rel;
	struct sockaddr_in to, from;
	int fd;

	s->retry_at = mono.msec + s->backoff;
	if (!resolve(r->partner_server, r->partner_port, &to)) {
		net_log(net, FO_LOG_WARN, "relationship %s: partner %s does not resolve", r->name,
		    r->partner_server);
		return;
	}
	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0 || nonblock(fd) < 0)
		goto fail;
	if (r->local_address[0] != '\0' && resolve(r->local_address, 0, &from) &&
	    bind(fd, (struct sockaddr *)&from, sizeof(from)) < 0)
		goto fail;
	if (connect(fd, (struct sockaddr *)&to, sizeof(to)) < 0 && errno != EINPROGRESS)
		goto fail;
	s->fd = fd;
	s->connecting = true;
	/*
	 * A SYN sent while the link was down is retried by the kernel at 1, 2,
	 * 4, 8, 16 s...: give the attempt up and start a fresh one instead.
	 */
	s->connect_deadline = mono.msec + FO_NET_CONNECT_TIMEOUT_MS;
	(void)now;
	return;
fail:
	if (fd >= 0)
		close(fd);
	if (s->backoff < FO_NET_BACKOFF_MAX_MS)
		s->backoff = s->backoff * 2 > FO_NET_BACKOFF_MAX_MS ? FO_NET_BACKOFF_MAX_MS :
		    s->backoff * 2;
}

static void
established(slot *s, fo_wall now, fo_mono mono)
{
	int one = 1;

	(void)setsockopt(s->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	s->connecting = false;
	s->rlen = 0;
	fo_peer_connected(s->peer, now, mono);
}

/* Write what the session produced; close when it asked to and all is written. */
static void
flush(fo_net *net, slot *s, fo_wall now, fo_mono mono)
{
	const uint8_t *b;
	size_t len;
	ssize_t w;

	if (s->fd < 0 || s->connecting)
		return;
	while ((b = fo_peer_output(s->peer, &len)) != NULL && len > 0) {
		w = send(s->fd, b, len, MSG_NOSIGNAL);
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
			return;
		if (w <= 0) {
			drop(net, s, now, mono, strerror(errno));
			return;
		}
		fo_peer_consume(s->peer, (size_t)w);
	}
	if (fo_peer_conn(s->peer) == FO_CONN_UP)
		s->was_up = true;
	if (fo_peer_want_close(s->peer))
		drop(net, s, now, mono, "session ended");
}

/* Read and hand over every complete message (framing, 6.1). */
static void
readable(fo_net *net, slot *s, fo_wall now, fo_mono mono)
{
	size_t off = 0, mlen;
	ssize_t r;

	r = recv(s->fd, s->rbuf + s->rlen, RBUF_SIZE - s->rlen, 0);
	if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (r <= 0) {
		drop(net, s, now, mono, r == 0 ? "closed by the partner" : strerror(errno));
		return;
	}
	s->rlen += (size_t)r;
	while (s->fd >= 0) {
		if (fo_wire_frame(s->rbuf + off, s->rlen - off, &mlen) != FO_OK) {
			drop(net, s, now, mono, "bad message length");
			return;
		}
		if (mlen == 0 || s->rlen - off < mlen)
			break;
		fo_peer_input(s->peer, s->rbuf + off, mlen, now, mono);
		off += mlen;
		if (fo_peer_want_close(s->peer))
			break;
	}
	if (s->fd >= 0 && off > 0) {
		memmove(s->rbuf, s->rbuf + off, s->rlen - off);
		s->rlen -= off;
	}
}

static bool
same_host(const struct sockaddr_in *a, const fo_relationship *r)
{
	struct sockaddr_in p;

	return resolve(r->partner_server, 0, &p) && p.sin_addr.s_addr == a->sin_addr.s_addr;
}

static void
acceptable(fo_net *net, slot *s, fo_wall now, fo_mono mono)
{
	const fo_relationship *r = s->rt->rel;
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	uint8_t buf[FO_WIRE_MAX];
	size_t len;
	char a[INET_ADDRSTRLEN] = "?";
	int fd;

	if ((fd = accept(s->lfd, (struct sockaddr *)&from, &fl)) < 0)
		return;
	inet_ntop(AF_INET, &from.sin_addr, a, sizeof(a));
	if (!same_host(&from, r)) {
		net_log(net, FO_LOG_WARN, "relationship %s: connection from %s refused: not the "
		    "partner %s", r->name, a, r->partner_server);
		close(fd);
		return;
	}
	if (s->fd >= 0) {
		/* Reference 1: a duplicate link gets CONNECTACK with reject reason 7. */
		if (fo_peer_encode_reject(r, FO_REJ_DUPLICATE_CONNECTION, 0, now, buf, sizeof(buf),
		    &len) == FO_OK)
			(void)send(fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		net_log(net, FO_LOG_WARN, "relationship %s: duplicate connection from %s refused",
		    r->name, a);
		close(fd);
		return;
	}
	if (nonblock(fd) < 0) {
		close(fd);
		return;
	}
	s->fd = fd;
	established(s, now, mono);
}

static void
finish_connect(fo_net *net, slot *s, fo_wall now, fo_mono mono)
{
	int e = 0;
	socklen_t el = sizeof(e);

	if (getsockopt(s->fd, SOL_SOCKET, SO_ERROR, &e, &el) < 0 || e != 0) {
		close(s->fd);
		s->fd = -1;
		s->connecting = false;
		s->retry_at = mono.msec + s->backoff;
		if (s->backoff < FO_NET_BACKOFF_MAX_MS)
			s->backoff = s->backoff * 2 > FO_NET_BACKOFF_MAX_MS ?
			    FO_NET_BACKOFF_MAX_MS : s->backoff * 2;
		(void)net;
		return;
	}
	established(s, now, mono);
}

/* Timers, connects, and what the sessions want written, before sleeping. */
static void
turn(fo_net *net, fo_wall now, fo_mono mono)
{
	for (size_t i = 0; i < net->n; i++) {
		slot *s = &net->s[i];

		if (s->fd >= 0 && s->connecting && mono.msec >= s->connect_deadline)
			drop(net, s, now, mono, "connect timed out");
		if (s->fd < 0 && s->rt->rel->server_type == FO_PRIMARY && mono.msec >= s->retry_at)
			try_connect(net, s, now, mono);
		fo_peer_run(s->peer, now, mono);
		flush(net, s, now, mono);
	}
}

/* How long poll(2) may sleep: the earliest deadline, at most POLL_MAX_MS. */
static int
sleep_ms(fo_net *net, fo_mono mono)
{
	int64_t ms = POLL_MAX_MS;
	fo_mono d;

	for (size_t i = 0; i < net->n; i++) {
		slot *s = &net->s[i];

		if (fo_peer_next_deadline(s->peer, &d) && d.msec - mono.msec < ms)
			ms = d.msec - mono.msec;
		if (s->fd < 0 && s->rt->rel->server_type == FO_PRIMARY &&
		    s->retry_at - mono.msec < ms)
			ms = s->retry_at - mono.msec;
		if (s->fd >= 0 && s->connecting && s->connect_deadline - mono.msec < ms)
			ms = s->connect_deadline - mono.msec;
	}
	return ms < 0 ? 0 : (int)ms;
}

static nfds_t
build_poll(fo_net *net)
{
	nfds_t k = 0;
	size_t len;

	net->pfd[k] = (struct pollfd){ .fd = net->efd, .events = POLLIN };
	net->pmap[k++] = -1;
	for (size_t i = 0; i < net->n; i++) {
		slot *s = &net->s[i];

		net->pfd[k] = (struct pollfd){ .fd = s->lfd, .events = POLLIN };
		net->pmap[k++] = (int)(2 * i);
		if (s->fd < 0)
			continue;
		net->pfd[k] = (struct pollfd){ .fd = s->fd, .events = POLLIN };
		if (s->connecting || (fo_peer_output(s->peer, &len) != NULL && len > 0))
			net->pfd[k].events |= POLLOUT;
		net->pmap[k++] = (int)(2 * i + 1);
	}
	return k;
}

static void
events(fo_net *net, nfds_t k, fo_wall now, fo_mono mono)
{
	uint64_t v;

	for (nfds_t j = 0; j < k; j++) {
		short re = net->pfd[j].revents;
		slot *s;

		if (re == 0)
			continue;
		if (net->pmap[j] < 0) {
			while (read(net->efd, &v, sizeof(v)) > 0)
				;
			fo_wakeup_rearm(net->wk);
			continue;
		}
		s = &net->s[net->pmap[j] / 2];
		if (net->pmap[j] % 2 == 0) {
			acceptable(net, s, now, mono);
			continue;
		}
		if (s->fd != net->pfd[j].fd)
			continue;               /* replaced during this turn */
		if (s->connecting) {
			finish_connect(net, s, now, mono);
			continue;
		}
		if (re & (POLLIN | POLLHUP | POLLERR))
			readable(net, s, now, mono);
		if (s->fd >= 0)
			flush(net, s, now, mono);
	}
}

static void *
loop(void *arg)
{
	fo_net *net = arg;
	fo_wall now;
	fo_mono mono;
	nfds_t k;

	while (!atomic_load(&net->stop)) {
		clocks(&now, &mono);
		turn(net, now, mono);
		k = build_poll(net);
		if (poll(net->pfd, k, sleep_ms(net, mono)) < 0 && errno != EINTR)
			break;
		if (atomic_load(&net->stop))
			break;
		clocks(&now, &mono);
		events(net, k, now, mono);
	}
	clocks(&now, &mono);
	for (size_t i = 0; i < net->n; i++)
		drop(net, &net->s[i], now, mono, "stopping");
	return NULL;
}

fo_status
fo_net_start(fo_net *net)
{
	if (net == NULL || net->running)
		return FO_ERR_STATE;
	if (pthread_create(&net->thread, NULL, loop, net) != 0)
		return FO_ERR_NOMEM;
	net->running = true;
	return FO_OK;
}

void
fo_net_destroy(fo_net *net)
{
	uint64_t one = 1;

	if (net == NULL)
		return;
	if (net->running) {
		atomic_store(&net->stop, true);
		(void)!write(net->efd, &one, sizeof(one));     /* else it wakes within 1 s */
		pthread_join(net->thread, NULL);
	}
	for (size_t i = 0; net->s != NULL && i < net->n; i++) {
		if (net->s[i].fd >= 0)
			close(net->s[i].fd);
		if (net->s[i].lfd >= 0)
			close(net->s[i].lfd);
		free(net->s[i].rbuf);
	}
	free(net->s);
	free(net->pfd);
	free(net->pmap);
	free(net);
}
