/*
 * fo_scope_int.h - what fo_scope.c and fo_scope_admin.c share: the scope's
 * struct and the packet-path helpers both use. Not for other modules.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_SCOPE_INT_H
#define FO_SCOPE_INT_H

#include <pthread.h>

#include "fo_binding.h"
#include "fo_store.h"
#include "fo_scope.h"

struct fo_scope {
	fo_ip4 scope_id;
	uint32_t subnet_id;
	fo_bt *bt;
	fo_journal *jnl;
	pthread_mutex_t lock;
	uint32_t n_pending;             /* bindings with FO_BF_UPDATE_PENDING */
	uint32_t n_tentative;           /* bindings with FO_BF_TENTATIVE */
	size_t dropped;                 /* replayed records outside the pools */
	fo_host host;
	char rel_name[FO_NAME_MAX + 1];
	fo_counters *ctr;
	fo_wakeup *wakeup;
	/* The update queue: a ring of addresses, a bit per address of the span. */
	fo_ip4 *q;
	size_t q_cap, q_head, q_len;
	uint8_t *q_mark;
	fo_ip4 q_lo;
	uint64_t q_span;
	bool q_lost;                    /* an enqueue failed (no memory): rescan */
	bool q_wake;                    /* queued under the lock: wake the driver at unlock */
	uint8_t *q_hold;                /* renewals awaiting Kea's commit (q_held), a bit per address */
	uint32_t n_held;
	/* Operators' leases cut by the MCLT rule, extended when the partner acks. */
	struct fo_admin_ext *ext;
	size_t n_ext, cap_ext;
};

/* An operator's lease (fo_scope_admin) waiting for the partner's ack to last `expiry`. */
struct fo_admin_ext {
	fo_ip4 addr;
	uint32_t expiry;                /* the lease's end the operator asked for */
	uint32_t cltt;                  /* the binding's, to know it is still that lease */
};
#define FO_ADMIN_EXT_MAX 65536

/*
 * Release the scope's lock, then wake the protocol driver if an update was
 * queued meanwhile. Woken under the lock, the driver (on the other core) ran
 * into the lock still held by the packet thread that queued the update and
 * slept on it: a futex wait and wake per DORA (perf, bench_pair.sh).
 */
void fo_sc_unlock(fo_scope *s);
void fo_sc_client(const fo_client_ref *r, fo_client_id *id);
uint32_t fo_sc_client_hash(const fo_client_id *id);
/* Is this free binding offered to another client, and the hold not over? */
bool fo_sc_held_for_other(uint32_t flags, uint32_t hold_end, uint32_t owner, uint32_t me,
    fo_wall now);
uint32_t fo_sc_proto_after(fo_wall now, uint32_t secs);
/* The MCLT rule for `l` on binding `cur`; counts a cut. 0: the state gives no lease. */
uint32_t fo_sc_lease_time(fo_scope *s, const fo_serve_view *v, const fo_binding_info *cur,
    const fo_lease *l, fo_wall now);
/* May `l` have the address Kea picked? (held, reserved, or fo_serve allows it) */
bool fo_sc_select_keeps(const fo_serve_view *v, const fo_binding_info *cur,
    const fo_client_id *me, const fo_lease *l, fo_wall now);
/* When fo_sc_record's binding is queued for the partner. */
typedef enum fo_sc_rec {
	FO_REC_NOW,             /* at once: an operator's lease (no commit follows) */
	FO_REC_AT_COMMIT,       /* a renewal: by Kea's commit, the ACK, or the tick (held) */
	FO_REC_TENTATIVE,       /* a new binding (FO_BF_TENTATIVE): by the commit, the ACK, or the tick */
} fo_sc_rec;
/* Record a binding given or renewed to `me` (select, renew, an operator's lease): journaled. */
fo_status fo_sc_record(fo_scope *s, fo_ip4 addr, const fo_binding_info *cur,
    const fo_client_id *me, uint32_t desired, uint32_t granted, fo_sc_rec how, fo_wall now);
/* fo_scope_acked: an operator's lease gets its time once acknowledged (fo_scope_admin.c). */
bool fo_sc_ext_on_ack(fo_scope *s, fo_ip4 addr, fo_binding_info *nw);

#endif /* FO_SCOPE_INT_H */
