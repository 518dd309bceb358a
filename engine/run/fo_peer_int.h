/*
 * fo_peer_int.h - what fo_peer.c (connection, states) and fo_peer_bnd.c
 * (binding updates, pool balancing) share about a session.
 *
 * File-private tier of the session: no other module includes it.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_PEER_INT_H
#define FO_PEER_INT_H

#include <pthread.h>

#include "fo_digest.h"
#include "fo_peer.h"

/* One BNDUPD in flight: what each of its bindings carried. */
typedef struct fo_flight {
	uint32_t xid;
	uint8_t n;
	struct {
		fo_ip4 addr;
		uint32_t pexp;
		uint8_t state;
	} e[FO_WIRE_MAX_BINDINGS];
} fo_flight;

#define FO_REPLAY_WINDOW 1024          /* partner xids remembered per connection */
#define FO_REPLAY_MAX_AGE 60           /* seconds a message's time may be off (6.1) */
#define FO_PEER_REPEAT_QUIET 60         /* seconds a repeated failure is logged at DEBUG */

struct fo_peer {
	pthread_mutex_t lock;
	fo_runtime *rt;
	const fo_relationship *rel;
	fo_digest_key key;                  /* len 0: no authentication */
	fo_conn conn;
	uint32_t next_xid;
	fo_mono mono;                       /* the driver's clock at this turn */

	/* What the partner said in CONNECT / CONNECTACK. */
	uint32_t partner_receive_timer;     /* seconds; our tSend is a third of it */
	uint32_t window;                    /* BNDUPDs we may have outstanding */
	fo_timers timers;                   /* FO_TIMER_RECEIVE, FO_TIMER_SEND */

	/* Binding updates in flight, oldest first. */
	fo_flight *fl;
	size_t n_fl;
	size_t unacked;                     /* bindings in fl */
	size_t rr;                          /* round-robin over scopes */

	/* Update requests: the partner's (answer UPDDONE when drained) and ours. */
	bool answer_upddone;
	uint32_t upddone_xid;

	/* Output not yet written. */
	uint8_t *out;
	size_t out_off, out_len, out_cap;
	bool out_failed;                    /* an append failed (no memory): close */

	/*
	 * With authentication: the xids of the partner's requests seen on this
	 * connection (a replayed message is refused even with a good digest).
	 */
	uint32_t seen_xid[FO_REPLAY_WINDOW];
	size_t n_seen, seen_pos;

	char last_error[160];
	/* The last connection failure logged at WARN (fo_peer.c, warn_failure). */
	fo_log_id warned_id;                /* the last failure logged at WARN, and its text */
	char warned[160];
	int64_t warned_at;                  /* wall seconds */
	unsigned warned_repeats;            /* the same failure since, logged at DEBUG */
	fo_wire_msg tx, rx;                 /* scratch, too big for the stack */
};

/* fo_peer.c */
bool fo_peer_send(fo_peer *p, fo_wall now);            /* encode p->tx, append; false: not sent */
void fo_peer_msg(fo_peer *p, fo_mtype type, uint32_t xid, fo_wall now);  /* init p->tx */
uint32_t fo_peer_xid(fo_peer *p);
void fo_peer_fail(fo_peer *p, fo_reject reason, fo_log_id id, const char *why, fo_wall now);

/* fo_peer_bnd.c */
void fo_peer_bnd_reset(fo_peer *p);                    /* connection lost: requeue flights */
void fo_peer_bnd_pump(fo_peer *p, fo_wall now);        /* send queued updates in the window */
void fo_peer_bnd_input(fo_peer *p, fo_wall now);       /* p->rx is BNDUPD or BNDACK */
void fo_peer_bnd_request(fo_peer *p, bool all, fo_wall now);   /* p->rx is UPDREQ(ALL) */
void fo_peer_bnd_poolreq(fo_peer *p, fo_wall now);     /* p->rx is POOLREQ */
size_t fo_peer_bnd_rebalance(fo_peer *p, fo_wall now); /* give own free addresses beyond the share */
void fo_peer_bnd_resend(fo_peer *p);                   /* RESEND_UNACKED */

#endif /* FO_PEER_INT_H */
