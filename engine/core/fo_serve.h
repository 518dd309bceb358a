/*
 * fo_serve.h - what a server may do for DHCP clients in each failover
 * state: answer, allocate, renew, and for how long (draft-12 section 9,
 * reference sections 5, 6, 7, 8). Pure functions of a view of the
 * relationship; the hook fills the view once per query.
 *
 * Public tier.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_SERVE_H
#define FO_SERVE_H

#include "fo_host.h"
#include "fo_types.h"
#include "fo_hash.h"

/* What this server knows of its relationship when a query arrives. */
typedef struct fo_serve_view {
	fo_state state;               /* this server's state */
	fo_server_type type;          /* primary or secondary */
	fo_mode mode;
	fo_role role;                 /* HotStandby only: active or standby */
	const fo_hba *hba;            /* primary-serves buckets (LoadBalance) */
	uint16_t lb_max_seconds;      /* 0 = never override load balancing */
	uint32_t mclt;                /* seconds */
	fo_wall partner_down_since;   /* start of PARTNER-DOWN (valid in that state) */
} fo_serve_view;

/* What the binding table knows of one address. */
typedef struct fo_addr_view {
	fo_bstate state;
	fo_wall expiry;               /* lease expiration time */
	fo_wall pexp;                 /* potential expiration time (either server's) */
} fo_addr_view;

/*
 * May this server answer this client at all? `bucket` is the client's
 * RFC 3074 hash (fo_hash_client), `secs` the BOOTP secs field.
 *
 * - NORMAL, LoadBalance: DISCOVER, BOOTP, INIT-REBOOT and REBIND (the
 *   broadcast ones) only when the bucket is this server's
 *   (fo_hba_mine), or when lb_max_seconds > 0 and secs > lb_max_seconds;
 *   SELECTING (already addressed to us by server identifier: the caller
 *   checks that), RENEW (unicast to us), RELEASE, DECLINE, INFORM: always.
 * - NORMAL, HotStandby: the active answers every message, the standby none.
 * - COMMUNICATIONS-INTERRUPTED, RESOLUTION-INTERRUPTED, PARTNER-DOWN,
 *   CONFLICT-DONE: every message, no load balancing, standby too.
 * - RECOVER-DONE: RENEW and REBIND only.
 * - POTENTIAL-CONFLICT, RECOVER, RECOVER-WAIT, STARTUP, NOSTATE, INIT,
 *   PAUSED, SHUTDOWN: nothing.
 * False for a NULL view or a state out of range.
 */
bool fo_serve_answer(const fo_serve_view *v, fo_msg msg, uint8_t bucket,
    uint16_t secs);

/*
 * Reference section 7: the broadcasts that load balancing splits (DISCOVER,
 * INIT-REBOOT, REBIND, BOOTP); the others go to one server already.
 */
bool fo_msg_balanced(fo_msg m);

/*
 * May this server give address `a` to a client that does not hold it?
 * Own free means FREE for the primary, BACKUP for the secondary
 * (reference section 8); the partner's free is the other one.
 *
 * - NORMAL (not a HotStandby standby), COMMUNICATIONS-INTERRUPTED,
 *   RESOLUTION-INTERRUPTED, CONFLICT-DONE: own free only. EXPIRED,
 *   RELEASED and RESET wait for the partner's acknowledgement, which turns
 *   them FREE or BACKUP (reference section 4).
 * - PARTNER-DOWN: own free always; the partner's free once
 *   now >= partner_down_since + mclt; EXPIRED, RELEASED, RESET once
 *   now >= max(expiry, pexp, partner_down_since) + mclt.
 * - Every other state, and a NORMAL HotStandby standby: nothing.
 * ACTIVE is never given to another client (lease expiry processing must
 * first turn it EXPIRED); ABANDONED never.
 * False for a NULL argument.
 */
bool fo_serve_may_allocate(const fo_serve_view *v, const fo_addr_view *a,
    fo_wall now);

/*
 * Lease time to give, in every state that gives leases: the MCLT rule, fo_mclt_lease_time(
 * desired, v->mclt, now, acked_pexp). In PARTNER-DOWN the rule still
 * applies unchanged: the partner acknowledges nothing while it is down, so
 * acked_pexp is what it acknowledged before, and every lease stays within
 * MCLT of what the partner may believe when it comes back in RECOVER.
 * 0 in the states that give no lease and for a NULL view.
 */
uint32_t fo_serve_lease_time(const fo_serve_view *v, uint32_t desired,
    fo_wall acked_pexp, fo_wall now);

#endif /* FO_SERVE_H */
