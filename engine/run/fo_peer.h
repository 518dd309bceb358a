/*
 * fo_peer.h - the failover protocol session of one relationship
 * (draft-12 sections 7 and 8): connection handshake, STATE exchange,
 * keepalives, binding updates and pool balancing.
 *
 * Internal tier. Pure: no socket, no clock. The driver (fo_net.c) reports
 * what happened to the TCP connection and hands over every complete
 * message (framed with fo_wire_frame); the session answers with bytes to
 * write (fo_peer_output) and, when the connection must end, a close
 * request (fo_peer_want_close). `now` (wall) and `mono` are read by the
 * driver once per loop turn.
 *
 * Connection lifecycle (8.2, 8.3):
 *   connected: the primary sends CONNECT; the secondary waits for it.
 *   CONNECT (secondary): checked (fo_peer_check_connect); CONNECTACK with
 *     a reject reason and close, or CONNECTACK then our STATE.
 *   CONNECTACK (primary): rejected -> close; accepted -> our STATE.
 *   the partner's first STATE: communications OK (FO_EV_COMM_OK); later
 *     STATEs: FO_EV_PARTNER_STATE. Binding updates flow from then on.
 *   tReceive (max-response-delay) without a message: DISCONNECT (17), close.
 *   tSend (the partner's receive-timer / 3) without sending: CONTACT.
 *   closed: FO_EV_COMM_FAILED; updates in flight are queued again.
 *
 * Thread safety: every function takes the session's lock; the packet path
 * never does (it only queues updates in the scopes and signals).
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_PEER_H
#define FO_PEER_H

#include "fo_runtime.h"
#include "fo_wire.h"

#define FO_PEER_VENDOR_CLASS "kea-failover-0.1"
/*
 * The vendor-class-identifier this hook sends in CONNECT and CONNECTACK:
 * FO_PEER_VENDOR_CLASS " (dialect " <fo_dialect_name> ")", e.g.
 * "kea-failover-0.1 (dialect isc)". Two instances of this hook that speak
 * different dialects tell so at CONNECT (fo_peer_check_connect).
 */
#define FO_PEER_DIALECT_TAG " (dialect "
#define FO_PEER_PROTOCOL_VERSION 1
#define FO_PEER_MAX_SKEW 60             /* seconds of clock skew tolerated (ISC) */
#define FO_PEER_WINDOW_MAX 1024         /* outstanding BNDUPDs we track at most */
#define FO_PEER_OUT_HIGH (256 * 1024)   /* stop producing updates above this backlog */

typedef enum fo_conn {
	FO_CONN_IDLE = 0,       /* no connection */
	FO_CONN_WAIT_CONNECT,   /* secondary: connected, waiting for CONNECT */
	FO_CONN_WAIT_ACK,       /* primary: CONNECT sent, waiting for CONNECTACK */
	FO_CONN_WAIT_STATE,     /* handshake done, waiting for the partner's STATE */
	FO_CONN_UP,             /* communications OK (8.3) */
	FO_CONN_CLOSING,        /* a close was asked for; input is ignored */
} fo_conn;
#define FO_CONN_COUNT 6

/* "idle", "wait-connect", "wait-connectack", "wait-state", "up", "closing". */
const char *fo_conn_name(fo_conn c);

typedef struct fo_peer fo_peer;

/* A session for runtime `rt` (which must outlive it). */
fo_status fo_peer_create(fo_peer **out, fo_runtime *rt);
void fo_peer_destroy(fo_peer *p);       /* NULL is fine */

/* A TCP connection to the partner is up (either direction). */
void fo_peer_connected(fo_peer *p, fo_wall now, fo_mono mono);
/* One complete message (length checked by fo_wire_frame). */
void fo_peer_input(fo_peer *p, const uint8_t *msg, size_t len, fo_wall now, fo_mono mono);
/* The connection is gone (closed by either side, or the driver closed it). */
void fo_peer_closed(fo_peer *p, fo_wall now, fo_mono mono);
/*
 * The loop turn: fire the connection timers (tReceive, tSend) and the
 * state machine's timers, carry out their actions, and send queued
 * binding updates within the partner's window.
 */
void fo_peer_run(fo_peer *p, fo_wall now, fo_mono mono);

/* Bytes to write: a pointer into the session's buffer and its length. */
const uint8_t *fo_peer_output(fo_peer *p, size_t *len);
/* `n` bytes were written. */
void fo_peer_consume(fo_peer *p, size_t n);
/* Close the connection once the output is written (then fo_peer_closed). */
bool fo_peer_want_close(fo_peer *p);
/* The earliest deadline of the session's and the state machine's timers. */
bool fo_peer_next_deadline(fo_peer *p, fo_mono *out);

fo_conn fo_peer_conn(fo_peer *p);
size_t fo_peer_unacked(fo_peer *p);     /* bindings sent, not acknowledged */
/* A short text for the log: why the last connection ended ("" if none). */
void fo_peer_last_error(fo_peer *p, char *buf, size_t len);

/* Hold the session (the engine replaces scopes under it). */
void fo_peer_lock(fo_peer *p);
void fo_peer_unlock(fo_peer *p);

/*
 * Secondary: is a scope's share of the free addresses short enough to ask
 * the primary for more (POOLREQ, 7.6)? `free` and `backup` count its FREE
 * (the primary's) and BACKUP (its own) addresses, `pct` its share in
 * percent. Draft and MS dialects: it owns fewer than its share
 * (fo_own_share) by more than a tenth of the share plus one, the tolerance
 * of its give-back (fo_scope_giveback). ISC dialect: ISC's own secondary's
 * rule, since an ISC primary balances half and half whatever the split and
 * answers a POOLREQ that moves nothing with "answering negatively ...
 * database inconsistent": (backup - free) / 2 < -2 * thresh, thresh =
 * round(15 % of free + backup) (max-lease-misbalance), -1 when that is 0.
 * The session asks on reaching NORMAL and at each rebalance period; towards
 * ISC only at the period (ISC's primary balances on entering normal, and
 * its updates may still be on the way when the secondary gets there).
 */
bool fo_peer_pool_short(fo_dialect d, uint32_t free, uint32_t backup, unsigned pct);

/*
 * The dialect an instance of this hook named in the vendor-class of `m`
 * ("draft", "isc", "microsoft" as fo_dialect_name); NULL when the sender
 * is not this hook or names none (ISC dhcpd, Windows, an older version).
 * `buf` (at least 16 bytes) holds the name.
 */
const char *fo_peer_partner_dialect(const fo_wire_msg *m, char *buf, size_t len);

/*
 * The secondary's check of a CONNECT (7.8, reference 1, 5, 6, 7): the
 * reject reason, FO_REJ_NONE to accept. Relationship name not ours: 8
 * (invalid partner); the primary is this hook speaking another dialect
 * (fo_peer_partner_dialect): 14 (protocol version mismatch; the message
 * names both dialects); protocol version not 1: 14; MCLT missing or, in the
 * draft and MS dialects, different from ours: 5; hash-bucket-assignment
 * missing: 18 (draft dialect: also when it differs from ours); sender's
 * clock more than FO_PEER_MAX_SKEW seconds from `now`: 4. In the ISC
 * dialect the secondary adopts the primary's MCLT and HBA (the caller
 * does that on acceptance). `why` (may be NULL) gets a sentence.
 */
fo_reject fo_peer_check_connect(const fo_relationship *rel, const fo_hba *hba,
    const fo_wire_msg *m, fo_wall now, const char **why);

/*
 * Encode a one-off CONNECTACK that rejects with `reason` (duplicate
 * connection, 7) for the relationship into buf; the driver writes it on a
 * connection it then closes. FO_ERR_RANGE when cap is too small.
 */
fo_status fo_peer_encode_reject(const fo_relationship *rel, fo_reject reason, uint32_t xid,
    fo_wall now, uint8_t *buf, size_t cap, size_t *len);

#endif /* FO_PEER_H */
