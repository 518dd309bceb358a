/*
 * fo_net.h - the protocol driver: one thread per engine, a poll(2) loop
 * over the relationships' sockets (draft-12 section 8).
 *
 * Internal tier (fo_engine.c uses it). Listening: one socket per distinct
 * local-address:local-port among the relationships (SO_REUSEADDR), so
 * several relationships may share port 647; when one of them listens on
 * the wildcard address (local-address "" or 0.0.0.0), every relationship
 * on that port shares the wildcard socket and takes only the connections
 * made to its own local-address (getsockname). The primary connects to
 * partner-server:partner-port (host names resolved with getaddrinfo,
 * IPv4) and, while it has no connection, starts a new attempt 1 to 2 s
 * (random jitter) after the previous one started (fo_net_retry_at), at
 * once when that time has passed; an attempt whose connect(2) has not
 * finished after FO_NET_CONNECT_TIMEOUT_MS is given up.
 * An inbound connection goes to the relationships on its listener whose
 * partner-server is the connecting address: none, it is closed at once
 * and logged; one, it is that relationship's at once; several (two
 * relationships with the same partner), it waits (at most
 * FO_NET_PENDING_MAX such connections, each for FO_NET_PENDING_TIMEOUT_MS
 * with its own buffer) for its first complete message, which must be a
 * CONNECT: its relationship-name (fo_wire_peek_connect) picks the
 * relationship, which gets the connection and the bytes already read (the
 * session decodes and authenticates that CONNECT as any other). Not a
 * CONNECT, malformed, or the deadline passed: closed and logged; a name
 * that is none of those relationships': CONNECTACK with reject reason 8
 * (invalid failover partner, as ISC dhcpd answers an unknown name) and
 * closed. A second connection for a relationship that has one gets
 * CONNECTACK with reject reason 7 (duplicate connection) and is closed.
 * Sockets are non-blocking; each connection has a read buffer framed by
 * fo_wire_frame().
 * The clock (CLOCK_MONOTONIC and time()) is read once per loop turn and
 * passed to the sessions (fo_peer.h). The packet path wakes the loop
 * through an eventfd (fo_wakeup, fo_scope.h) and never blocks on it.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_NET_H
#define FO_NET_H

#include "fo_peer.h"
#include "fo_runtime.h"

#define FO_NET_RETRY_MIN_MS 1000      /* attempts start at least this far apart ... */
#define FO_NET_RETRY_JITTER_MS 1000   /* ... plus a random 0..this: 1 to 2 s */
#define FO_NET_CONNECT_TIMEOUT_MS 3000 /* an unfinished connect(2) is given up after this */
#define FO_NET_PENDING_MAX 8           /* inbound connections waiting for their CONNECT */
#define FO_NET_PENDING_TIMEOUT_MS 3000 /* ... each for at most this long */

typedef struct fo_net fo_net;

/*
 * The primary's reconnection schedule, pure: the monotonic time (ms) of the
 * next connection attempt, given when the previous one started (`started`,
 * ms), the time now and a random value. It is started +
 * FO_NET_RETRY_MIN_MS + rnd % (FO_NET_RETRY_JITTER_MS + 1), or `now` when
 * that has passed (an attempt given up after FO_NET_CONNECT_TIMEOUT_MS, a
 * connection that was up for a while). So while the partner is away a
 * SYN leaves every 1 to 2 s (the kernel resends an unanswered one after
 * 1 s within an attempt), and a partner that comes back is found within
 * about 2 s.
 */
int64_t fo_net_retry_at(int64_t started, int64_t now, uint32_t rnd);

/*
 * Open the listening sockets for the n relationships rts[i] with sessions
 * peers[i]; the loop waits on wk->fd (a non-blocking eventfd the engine
 * owns for its whole life, so that the packet path never writes to a
 * closed descriptor). FO_ERR_IO with the relationship and the address in
 * err when a local-address does not resolve or a socket cannot be bound.
 * Nothing runs yet.
 */
fo_status fo_net_create(fo_net **out, fo_runtime *rts, fo_peer **peers, size_t n,
    fo_wakeup *wk, const fo_host *host, char *err, size_t errlen);
/* Start the thread. */
fo_status fo_net_start(fo_net *net);
/* Stop the thread (joins it) and close every socket (not wk->fd). NULL is fine. */
void fo_net_destroy(fo_net *net);

#endif /* FO_NET_H */
