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

#include "fo_alloc.h"
#include "fo_log.h"
#include "fo_net.h"
#include "fo_thread.h"

#define RBUF_SIZE (64 * 1024)
#define POLL_MAX_MS 1000

typedef struct slot {
	fo_runtime *rt;
	fo_peer *peer;
	size_t li;                      /* its listener, net->l[li] */
	struct sockaddr_in local;       /* local-address:local-port, resolved */
	int fd;                         /* the connection, -1 when none */
	bool connecting;                /* outbound connect(2) in progress */
	bool was_up;                    /* this connection reached communications OK */
	uint8_t *rbuf;
	size_t rlen;
	int64_t retry_at;               /* mono ms of the next connect (primary) */
	int64_t attempt_at;             /* mono ms the last connect started */
	int64_t connect_deadline;       /* mono ms: an unfinished connect(2) is given up */
	uint32_t rnd;                   /* xorshift32 state for the retry jitter */
	char closed_why[96];            /* the last close reason logged at INFO */
} slot;

/* One listening socket, shared by the relationships on its address and port. */
typedef struct listener {
	struct sockaddr_in sa;
	int fd;
	size_t nrel;                    /* relationships on it */
} listener;

/* An inbound connection that several relationships may own: waits for its CONNECT. */
typedef struct pending {
	int fd;                         /* -1: a free entry */
	size_t li;                      /* the listener it came in on */
	struct sockaddr_in from, to;    /* the partner's address, ours */
	int64_t deadline;               /* mono ms */
	size_t len;
	uint8_t buf[FO_WIRE_MAX];       /* the first message (and what came with it) */
} pending;

/* What a pollfd entry stands for. */
typedef enum pkind { P_WAKE, P_LISTEN, P_CONN, P_PENDING } pkind;
typedef struct pref {
	pkind kind;
	size_t idx;                     /* listener, slot or pending index */
} pref;

struct fo_net {
	slot *s;
	size_t n;
	listener *l;
	size_t nl;
	pending pend[FO_NET_PENDING_MAX];
	fo_wakeup *wk;
	int efd;
	const fo_host *host;
	pthread_t thread;
	bool running;
	_Atomic bool stop;
	struct pollfd *pfd;
	pref *pmap;                     /* pfd index -> what it is */
};

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
listen_at(const struct sockaddr_in *sa, const fo_relationship *r, char *err, size_t errlen)
{
	char a[INET_ADDRSTRLEN] = "?";
	int fd, one = 1;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) < 0)
		goto fail;
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (nonblock(fd) < 0 || bind(fd, (const struct sockaddr *)sa, sizeof(*sa)) < 0 ||
	    listen(fd, 8) < 0)
		goto fail;
	return fd;
fail:
	inet_ntop(AF_INET, &sa->sin_addr, a, sizeof(a));
	snprintf(err, errlen, "relationship %s: cannot listen on %s port %u: %s", r->name, a,
	    (unsigned)ntohs(sa->sin_port), strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

static bool
is_any(const struct sockaddr_in *a)
{
	return a->sin_addr.s_addr == htonl(INADDR_ANY);
}

/*
 * One listening socket per distinct local-address:local-port. A wildcard
 * relationship takes every other one on its port onto its socket (Linux
 * refuses to bind 0.0.0.0:P and A:P both); candidate() then tells them
 * apart by the connection's local address.
 */
static fo_status
listeners(fo_net *net, char *err, size_t errlen)
{
	for (size_t i = 0; i < net->n; i++) {
		const fo_relationship *r = net->s[i].rt->rel;

		if (!resolve(r->local_address, r->local_port, &net->s[i].local)) {
			snprintf(err, errlen, "relationship %s: local-address %s does not resolve",
			    r->name, r->local_address);
			return FO_ERR_IO;
		}
	}
	for (size_t i = 0; i < net->n; i++) {
		slot *s = &net->s[i];
		struct sockaddr_in key = s->local;
		size_t j;

		for (j = 0; j < net->n; j++) {
			if (net->s[j].local.sin_port == key.sin_port && is_any(&net->s[j].local))
				key.sin_addr.s_addr = htonl(INADDR_ANY);
		}
		for (j = 0; j < net->nl; j++) {
			if (net->l[j].sa.sin_port == key.sin_port &&
			    net->l[j].sa.sin_addr.s_addr == key.sin_addr.s_addr)
				break;
		}
		if (j == net->nl) {
			net->l[j].sa = key;
			if ((net->l[j].fd = listen_at(&key, s->rt->rel, err, errlen)) < 0)
				return FO_ERR_IO;
			net->nl++;
		}
		s->li = j;
		net->l[j].nrel++;
	}
	return FO_OK;
}

/* A per-slot seed that differs between processes and relationships (never 0). */
static uint32_t
seed(const slot *s, size_t i)
{
	uint32_t x = (uint32_t)getpid() * 2654435761u ^ (uint32_t)(uintptr_t)s ^ (uint32_t)i << 24;

	for (const char *c = s->rt->rel->name; *c != '\0'; c++)
		x = (x ^ (uint8_t)*c) * 16777619u;
	return x != 0 ? x : 0x9e3779b9u;
}

fo_status
fo_net_create(fo_net **out, fo_runtime *rts, fo_peer **peers, size_t n, fo_wakeup *wk,
    const fo_host *host, char *err, size_t errlen)
{
	fo_net *net;

	if (out == NULL || (n > 0 && (rts == NULL || peers == NULL)) || wk == NULL)
		return FO_ERR_INVAL;
	if ((net = fo_calloc(1, sizeof(*net))) == NULL)
		return FO_ERR_NOMEM;
	net->n = n;
	net->wk = wk;
	net->host = host;
	net->efd = -1;
	atomic_init(&net->stop, false);
	for (size_t k = 0; k < FO_NET_PENDING_MAX; k++)
		net->pend[k].fd = -1;
	net->s = fo_calloc(n ? n : 1, sizeof(*net->s));
	net->l = fo_calloc(n ? n : 1, sizeof(*net->l));
	net->pfd = fo_calloc(2 * n + FO_NET_PENDING_MAX + 1, sizeof(*net->pfd));
	net->pmap = fo_calloc(2 * n + FO_NET_PENDING_MAX + 1, sizeof(*net->pmap));
	if (net->s == NULL || net->l == NULL || net->pfd == NULL || net->pmap == NULL)
		goto nomem;
	for (size_t i = 0; i < n; i++)
		net->s[i].fd = net->l[i].fd = -1;
	for (size_t i = 0; i < n; i++) {
		slot *s = &net->s[i];

		s->rt = &rts[i];
		s->peer = peers[i];
		s->rnd = seed(s, i);
		if ((s->rbuf = fo_malloc(RBUF_SIZE)) == NULL)
			goto nomem;
	}
	if (listeners(net, err, errlen) != FO_OK) {
		fo_net_destroy(net);
		return FO_ERR_IO;
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

int64_t
fo_net_retry_at(int64_t started, int64_t now, uint32_t rnd)
{
	int64_t at = started + FO_NET_RETRY_MIN_MS + (int64_t)(rnd % (FO_NET_RETRY_JITTER_MS + 1u));

	return at > now ? at : now;
}

/* xorshift32: the jitter only spreads attempts, it guards nothing. */
static uint32_t
next_rand(slot *s)
{
	uint32_t x = s->rnd;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return s->rnd = x;
}

/* The next attempt, counted from the start of the last one. */
static void
schedule(slot *s, fo_mono mono)
{
	s->retry_at = fo_net_retry_at(s->attempt_at, mono.msec, next_rand(s));
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
		s->closed_why[0] = '\0';
	s->was_up = false;
	schedule(s, mono);
	/* The same reason again (each attempt while the partner is away): DEBUG. */
	fo_log(net->host, strcmp(s->closed_why, why) == 0 ? FO_EVT_CONNECTION_CLOSED_AGAIN :
	    FO_EVT_CONNECTION_CLOSED, FO_S(r->name), FO_S(why));
	snprintf(s->closed_why, sizeof(s->closed_why), "%s", why);
}

/* The primary connects (8.2). */
static void
try_connect(fo_net *net, slot *s, fo_wall now, fo_mono mono)
{
	const fo_relationship *r = s->rt->rel;
	struct sockaddr_in to, from;
	int fd;

	s->attempt_at = mono.msec;
	schedule(s, mono);              /* if this attempt fails at once */
	if (!resolve(r->partner_server, r->partner_port, &to)) {
		fo_log(net->host, FO_EVT_PARTNER_UNRESOLVED, FO_S(r->name), FO_S(r->partner_server));
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

/* Hand every complete message buffered over to the session (framing, 6.1). */
static void
consume(fo_net *net, slot *s, fo_wall now, fo_mono mono)
{
	size_t off = 0, mlen;

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

static void
readable(fo_net *net, slot *s, fo_wall now, fo_mono mono)
{
	ssize_t r;

	r = recv(s->fd, s->rbuf + s->rlen, RBUF_SIZE - s->rlen, 0);
	if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (r <= 0) {
		drop(net, s, now, mono, r == 0 ? "closed by the partner" : strerror(errno));
		return;
	}
	s->rlen += (size_t)r;
	consume(net, s, now, mono);
}

static bool
same_host(const struct sockaddr_in *a, const fo_relationship *r)
{
	struct sockaddr_in p;

	return resolve(r->partner_server, 0, &p) && p.sin_addr.s_addr == a->sin_addr.s_addr;
}

/* May slot s own a connection from `from` to `to` that came in on listener li? */
static bool
candidate(const slot *s, size_t li, const struct sockaddr_in *from,
    const struct sockaddr_in *to)
{
	return s->li == li && (is_any(&s->local) ||
	    s->local.sin_addr.s_addr == to->sin_addr.s_addr) && same_host(from, s->rt->rel);
}

/*
 * The connection fd from address `a` is slot s's, with n bytes already
 * read (a CONNECT whose xid is `xid`): a duplicate is refused (reference
 * 1: CONNECTACK with reject reason 7); else the session starts and gets
 * those bytes through the normal path.
 */
static void
hand_over(fo_net *net, slot *s, int fd, const char *a, const uint8_t *bytes, size_t n,
    uint32_t xid, fo_wall now, fo_mono mono)
{
	const fo_relationship *r = s->rt->rel;
	uint8_t buf[FO_WIRE_MAX];
	size_t len;

	if (s->fd >= 0) {
		if (fo_peer_encode_reject(r, FO_REJ_DUPLICATE_CONNECTION, xid, now, buf,
		    sizeof(buf), &len) == FO_OK)
			(void)send(fd, buf, len, MSG_NOSIGNAL | MSG_DONTWAIT);
		fo_log(net->host, FO_EVT_CONNECTION_DUPLICATE, FO_S(r->name), FO_S(a));
		close(fd);
		return;
	}
	s->fd = fd;
	established(s, now, mono);
	if (n == 0)
		return;
	memcpy(s->rbuf, bytes, n);
	s->rlen = n;
	consume(net, s, now, mono);
	flush(net, s, now, mono);
}

/* "r1 (10.0.0.2), r2 (10.0.0.3)": the relationships listening on l. */
static void
listed(const fo_net *net, size_t li, char *out, size_t cap)
{
	size_t o = 0;
	int w;

	out[0] = '\0';
	for (size_t i = 0; i < net->n && o < cap; i++) {
		const fo_relationship *r = net->s[i].rt->rel;

		if (net->s[i].li != li)
			continue;
		w = snprintf(out + o, cap - o, "%s%s (%s)", o ? ", " : "", r->name,
		    r->partner_server);
		o += w > 0 ? (size_t)w : 0;
	}
}

static void
refuse(fo_net *net, size_t li, int fd, const char *a)
{
	char list[400];

	for (size_t i = 0; net->l[li].nrel == 1 && i < net->n; i++) {
		if (net->s[i].li == li)
			fo_log(net->host, FO_EVT_CONNECTION_NOT_PARTNER, FO_S(net->s[i].rt->rel->name),
			    FO_S(a), FO_S(net->s[i].rt->rel->partner_server));
	}
	if (net->l[li].nrel > 1) {
		listed(net, li, list, sizeof(list));
		fo_log(net->host, FO_EVT_CONNECTION_NO_RELATIONSHIP, FO_S(a),
		    FO_U(ntohs(net->l[li].sa.sin_port)), FO_S(list));
	}
	close(fd);
}

static void
pending_add(fo_net *net, int fd, size_t li, const struct sockaddr_in *from,
    const struct sockaddr_in *to, const char *a, fo_mono mono)
{
	for (size_t k = 0; k < FO_NET_PENDING_MAX; k++) {
		pending *p = &net->pend[k];

		if (p->fd >= 0)
			continue;
		p->fd = fd;
		p->li = li;
		p->from = *from;
		p->to = *to;
		p->len = 0;
		p->deadline = mono.msec + FO_NET_PENDING_TIMEOUT_MS;
		fo_log(net->host, FO_EVT_CONNECTION_PENDING, FO_S(a));
		return;
	}
	fo_log(net->host, FO_EVT_CONNECTION_TOO_MANY_PENDING, FO_S(a), FO_U(FO_NET_PENDING_MAX));
	close(fd);
}

static void
acceptable(fo_net *net, size_t li, fo_wall now, fo_mono mono)
{
	struct sockaddr_in from, to;
	socklen_t fl = sizeof(from), tl = sizeof(to);
	char a[INET_ADDRSTRLEN] = "?";
	size_t count = 0, first = 0;
	int fd;

	if ((fd = accept(net->l[li].fd, (struct sockaddr *)&from, &fl)) < 0)
		return;
	if (getsockname(fd, (struct sockaddr *)&to, &tl) < 0)
		to = net->l[li].sa;
	inet_ntop(AF_INET, &from.sin_addr, a, sizeof(a));
	for (size_t i = 0; i < net->n; i++) {
		if (candidate(&net->s[i], li, &from, &to) && count++ == 0)
			first = i;
	}
	if (count == 0) {
		refuse(net, li, fd, a);
		return;
	}
	if (nonblock(fd) < 0) {
		close(fd);
		return;
	}
	if (count == 1)
		hand_over(net, &net->s[first], fd, a, NULL, 0, 0, now, mono);
	else
		pending_add(net, fd, li, &from, &to, a, mono);
}

static void
pending_close(fo_net *net, pending *p, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Close a waiting connection and say why. */
static void
pending_close(fo_net *net, pending *p, const char *fmt, ...)
{
	char a[INET_ADDRSTRLEN] = "?", why[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	inet_ntop(AF_INET, &p->from.sin_addr, a, sizeof(a));
	fo_log(net->host, FO_EVT_CONNECTION_UNNAMED, FO_S(a), FO_S(why));
	close(p->fd);
	p->fd = -1;
	p->len = 0;
}

/* A relationship name as received, for the log: printable ASCII, NULs dropped. */
static void
shown(const uint8_t *raw, size_t n, char *out, size_t cap)
{
	size_t o = 0;

	for (size_t i = 0; i < n && o + 1 < cap; i++) {
		if (raw[i] != 0)
			out[o++] = raw[i] >= 0x20 && raw[i] < 0x7f && raw[i] != '"' ? (char)raw[i] :
			    '?';
	}
	out[o] = '\0';
}

/*
 * p's first message (mlen bytes) is complete: route it by the CONNECT's
 * relationship-name among the candidates (the first one's dialect speaks
 * the refusal of an unknown name: reject reason 8, as ISC dhcpd).
 */
static void
dispatch(fo_net *net, pending *p, size_t mlen, fo_wall now, fo_mono mono)
{
	uint8_t name[FO_WIRE_MAX], out[FO_WIRE_MAX];
	char a[INET_ADDRSTRLEN] = "?", txt[80];
	slot *first = NULL, *to = NULL;
	size_t nlen = 0, len;
	uint32_t xid = 0;
	fo_status st;

	st = fo_wire_peek_connect(p->buf, mlen, name, sizeof(name), &nlen, &xid);
	if (st == FO_ERR_NOTFOUND || st == FO_ERR_PROTO || st == FO_ERR_INVAL) {
		pending_close(net, p, st == FO_ERR_NOTFOUND ? "its first message is not a "
		    "CONNECT with a relationship name (type %u)" : "malformed first message "
		    "(type %u)", (unsigned)p->buf[2]);
		return;
	}
	for (size_t i = 0; i < net->n && to == NULL; i++) {
		slot *s = &net->s[i];

		if (!candidate(s, p->li, &p->from, &p->to))
			continue;
		if (first == NULL)
			first = s;
		if (st == FO_OK && fo_wire_name_is(name, nlen, s->rt->rel->dialect,
		    s->rt->rel->name))
			to = s;
	}
	inet_ntop(AF_INET, &p->from.sin_addr, a, sizeof(a));
	if (to != NULL) {
		hand_over(net, to, p->fd, a, p->buf, p->len, xid, now, mono);
		p->fd = -1;
		p->len = 0;
		return;
	}
	if (first != NULL && fo_peer_encode_reject(first->rt->rel, FO_REJ_INVALID_PARTNER, xid,
	    now, out, sizeof(out), &len) == FO_OK)
		(void)send(p->fd, out, len, MSG_NOSIGNAL | MSG_DONTWAIT);
	shown(name, st == FO_OK ? nlen : 0, txt, sizeof(txt));
	listed(net, p->li, (char *)out, sizeof(out));
	pending_close(net, p, "its CONNECT names relationship \"%s\", none of ours with this "
	    "partner (%s): refused with reject reason 8", txt, (const char *)out);
}

static void
pending_readable(fo_net *net, pending *p, fo_wall now, fo_mono mono)
{
	size_t mlen = 0;
	ssize_t r;

	r = recv(p->fd, p->buf + p->len, sizeof(p->buf) - p->len, 0);
	if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
		return;
	if (r <= 0) {
		pending_close(net, p, "%s", r == 0 ? "closed by the partner" : strerror(errno));
		return;
	}
	p->len += (size_t)r;
	if (fo_wire_frame(p->buf, p->len, &mlen) != FO_OK) {
		pending_close(net, p, "bad message length");
		return;
	}
	if (mlen > 0 && p->len >= mlen)      /* the buffer holds FO_WIRE_MAX: it fits */
		dispatch(net, p, mlen, now, mono);
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
		schedule(s, mono);
		(void)net;
		return;
	}
	established(s, now, mono);
}

/* Timers, connects, and what the sessions want written, before sleeping. */
static void
turn(fo_net *net, fo_wall now, fo_mono mono)
{
	for (size_t k = 0; k < FO_NET_PENDING_MAX; k++) {
		pending *p = &net->pend[k];

		if (p->fd >= 0 && mono.msec >= p->deadline)
			pending_close(net, p, "no CONNECT within %d ms", FO_NET_PENDING_TIMEOUT_MS);
	}
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
	for (size_t k = 0; k < FO_NET_PENDING_MAX; k++) {
		if (net->pend[k].fd >= 0 && net->pend[k].deadline - mono.msec < ms)
			ms = net->pend[k].deadline - mono.msec;
	}
	return ms < 0 ? 0 : (int)ms;
}

static nfds_t
build_poll(fo_net *net)
{
	nfds_t k = 0;
	size_t len;

	net->pfd[k] = (struct pollfd){ .fd = net->efd, .events = POLLIN };
	net->pmap[k++] = (pref){ P_WAKE, 0 };
	for (size_t j = 0; j < net->nl; j++) {
		net->pfd[k] = (struct pollfd){ .fd = net->l[j].fd, .events = POLLIN };
		net->pmap[k++] = (pref){ P_LISTEN, j };
	}
	for (size_t i = 0; i < net->n; i++) {
		slot *s = &net->s[i];

		if (s->fd < 0)
			continue;
		net->pfd[k] = (struct pollfd){ .fd = s->fd, .events = POLLIN };
		if (s->connecting || (fo_peer_output(s->peer, &len) != NULL && len > 0))
			net->pfd[k].events |= POLLOUT;
		net->pmap[k++] = (pref){ P_CONN, i };
	}
	for (size_t j = 0; j < FO_NET_PENDING_MAX; j++) {
		if (net->pend[j].fd < 0)
			continue;
		net->pfd[k] = (struct pollfd){ .fd = net->pend[j].fd, .events = POLLIN };
		net->pmap[k++] = (pref){ P_PENDING, j };
	}
	return k;
}

static void
conn_event(fo_net *net, slot *s, short re, fo_wall now, fo_mono mono)
{
	if (s->connecting) {
		finish_connect(net, s, now, mono);
		return;
	}
	if (re & (POLLIN | POLLHUP | POLLERR))
		readable(net, s, now, mono);
	if (s->fd >= 0)
		flush(net, s, now, mono);
}

static void
events(fo_net *net, nfds_t k, fo_wall now, fo_mono mono)
{
	uint64_t v;

	for (nfds_t j = 0; j < k; j++) {
		short re = net->pfd[j].revents;
		pref w = net->pmap[j];

		if (re == 0)
			continue;
		switch (w.kind) {
		case P_WAKE:
			/* One read takes an eventfd's whole count (fo_engine's, not a semaphore). */
			(void)!read(net->efd, &v, sizeof(v));
			fo_wakeup_rearm(net->wk);
			break;
		case P_LISTEN:
			acceptable(net, w.idx, now, mono);
			break;
		case P_CONN:
			if (net->s[w.idx].fd == net->pfd[j].fd)        /* else replaced this turn */
				conn_event(net, &net->s[w.idx], re, now, mono);
			break;
		case P_PENDING:
			if (net->pend[w.idx].fd == net->pfd[j].fd)
				pending_readable(net, &net->pend[w.idx], now, mono);
			break;
		}
	}
}

static void *
loop(void *arg)
{
	fo_net *net = arg;
	fo_wall now;
	fo_mono mono;
	nfds_t k;

	fo_thread_name("fo-net");
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
		fo_free(net->s[i].rbuf);
	}
	for (size_t j = 0; net->l != NULL && j < net->n; j++) {
		if (net->l[j].fd >= 0)
			close(net->l[j].fd);
	}
	for (size_t k = 0; k < FO_NET_PENDING_MAX; k++) {
		if (net->pend[k].fd >= 0)
			close(net->pend[k].fd);
	}
	fo_free(net->s);
	fo_free(net->l);
	fo_free(net->pfd);
	fo_free(net->pmap);
	fo_free(net);
}
