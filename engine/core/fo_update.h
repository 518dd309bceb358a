/*
 * fo_update.h - the rules for a binding update received from the partner
 * (draft-12 section 7.1.3, figure 7.1.3-1; reference section 4) and for
 * what a BNDACK does to the binding that was sent (sections 5.2, 7.2).
 *
 * Internal tier: pure functions of bindings and `now`, used by fo_scope.c
 * and tested as a truth table.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_UPDATE_H
#define FO_UPDATE_H

#include "fo_binding.h"
#include "fo_types.h"

/* Reject reasons these rules give (draft-12 12.21; fo_wire.h has the full list). */
#define FO_UPD_ACCEPT 0
#define FO_UPD_REJ_FATAL_CONFLICT 2      /* (5): both ACTIVE, other client, we are primary */
#define FO_UPD_REJ_MISSING_INFO 3
#define FO_UPD_REJ_OUTDATED 15           /* time(1), time(2), time(3) */
#define FO_UPD_REJ_LESS_CRITICAL 16      /* (4): the address is ABANDONED here */

/*
 * Figure 7.1.3-1: accept (FO_UPD_ACCEPT) or the reject reason for the
 * update `in` (its state, client, cltt, cltt 0 = absent; the partner's
 * potential expiration in in->pexp_sent) against the local binding `cur`, on server `me` at `now`.
 *  - time(1): in.cltt later than cur.cltt (an absent cltt is never later;
 *    a present one is later than an absent one); an ACTIVE update of the
 *    client our EXPIRED binding names is accepted while its lease has not
 *    ended (our EXPIRED was premature: the partner refuses it by time(2));
 *  - time(2): now later than cur.expiry; but an update older (by CLTT,
 *    both present) than an ACTIVE binding of another client, or with no
 *    client, is outdated even then, so that crossing updates after a
 *    partition cannot both be accepted;
 *  - time(3): in.cltt later than cur.stos;
 *  - (5): ACTIVE over ACTIVE of another client: the secondary accepts,
 *    the primary rejects with 2.
 * An ACTIVE update without a client, or without a lease expiration time,
 * is missing information (3).
 */
unsigned fo_update_decide(const fo_binding_info *cur, const fo_binding_info *in,
    fo_server_type me, fo_wall now);

/*
 * fo_update_decide when our own update of the address may be on its way to
 * the partner (`ours_pending`: queued or sent, not yet acknowledged). Both
 * updates then cross, and if each side accepted the other's the two tables
 * would end up swapped. So the primary settles the crossing for both: it
 * refuses the partner's update as outdated exactly when the secondary will
 * take ours (the same rules, evaluated with the roles as the secondary
 * sees them), and takes the partner's otherwise. The secondary decides as
 * usual.
 */
unsigned fo_update_decide_crossing(const fo_binding_info *cur, const fo_binding_info *in,
    fo_server_type me, bool ours_pending, fo_wall now);

/*
 * The binding after accepting `in` over `cur`: the state, client (kept
 * for EXPIRED and RELEASED when the update names none, cleared for FREE,
 * BACKUP and ABANDONED), expiry (ACTIVE: the update's, or ours when ours is
 * the same client's and ends later; EXPIRED, RELEASED:
 * the update's if present, else unchanged; otherwise 0), the extras
 * (hostname, FQDN flags, user context: ACTIVE takes the update's, or keeps
 * the same client's when the update carries none, as from ISC dhcpd;
 * cleared with the client), cltt (the
 * update's if present), stos (the update's if present, else now when the
 * state changes). The partner's potential expiration raises pexp_acked
 * (draft 7.1.5: the received potential expiration counts as known to the
 * partner). FO_BF_RESERVED is kept; FO_BF_TENTATIVE and
 * FO_BF_UPDATE_PENDING are cleared (the partner's binding is newer than
 * any change of ours still queued).
 */
void fo_update_merge(const fo_binding_info *cur, const fo_binding_info *in, fo_wall now,
    fo_binding_info *out);

/*
 * Does fo_update_merge keep our later lease end over `in`? (Both ACTIVE for
 * the same client, ours ending later.) The binding then differs from the
 * partner's and the receiver announces it, so that both end up with the
 * later end: a binding never ends before what a client was told.
 */
bool fo_update_merge_keeps_later(const fo_binding_info *cur, const fo_binding_info *in);

/*
 * Does a binding in state `s` return to a free pool once the partner
 * acknowledged it (reference section 4: EXPIRED, RELEASED, RESET)?
 */
bool fo_update_frees_on_ack(fo_bstate s);

#endif /* FO_UPDATE_H */
