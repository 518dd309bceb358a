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
 * IPv4) and reconnects with back-off (1 s, doubling to 10 s; back to 1 s
 * once a connection reached communications OK).
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

#define FO_NET_BACKOFF_MIN_MS 1000
#define FO_NET_BACKOFF_MAX_MS 10000    /* a partner that comes back is found within 10 s */
#define FO_NET_CONNECT_TIMEOUT_MS 3000 /* an unfinished connect(2) is given up after this */
#define FO_NET_PENDING_MAX 8           /* inbound connections waiting for their CONNECT */
#define FO_NET_PENDING_TIMEOUT_MS 3000 /* ... each for at most this long */

typedef struct fo_net fo_net;

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
