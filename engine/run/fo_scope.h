/*
 * fo_scope.h - one failover scope at run time: its binding table, its
 * journal, its lock, and the allocation decisions of the packet path.
 *
 * Internal tier (fo_runtime.c and fo_engine.c use it). Every function that
 * takes a scope takes its lock for the duration of the call, so Kea's
 * packet threads may call them at once; two threads can never be given the
 * same address by non-fake selects. The serving rules come in as a
 * fo_serve_view the caller filled (fo_serve.h); the scope holds no state
 * of the relationship.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_SCOPE_H
#define FO_SCOPE_H

#include <pthread.h>
#include <stdatomic.h>

#include "fo_binding.h"
#include "fo_host.h"
#include "fo_serve.h"
#include "fo_store.h"

/*
 * A lease4_select recorded an ACTIVE binding that Kea has not committed yet
 * (leases4_committed). fo_scope_tick() frees it when no commit came within
 * FO_TENTATIVE_SECONDS. Stored in the journal like the other flags.
 */
#define FO_BF_TENTATIVE 0x04u
/*
 * Offered to a client (DISCOVER) and held for it for FO_OFFER_HOLD seconds, on
 * a free binding: expiry holds the end of the hold and pexp_sent a hash of the
 * client (a free binding uses neither). Not journaled by itself.
 */
#define FO_BF_OFFERED 0x08u
/*
 * The partner refused this binding as it stands (a BNDACK with a reject
 * reason): it is not sent again, not even in answer to a refusal of the
 * partner's own, until it changes (apply() clears the flag when the state,
 * client, expiry or CLTT changes). Two partners that disagree therefore stop
 * after one exchange instead of re-sending forever.
 */
#define FO_BF_REFUSED 0x10u
#define FO_OFFER_HOLD 5
#define FO_TENTATIVE_SECONDS 60
/*
 * A renewal (lease4_renew) is queued for the partner by Kea's commit, or by
 * its ACK when Kea did not commit it; the tick queues one that neither
 * queued within FO_HOLD_SECONDS.
 */
#define FO_HOLD_SECONDS 5

/*
 * Event counters of a relationship (the YANG module's state/counters, in
 * its order; names by fo_counter_name()). Incremented atomically, with no
 * lock, from any thread.
 */
typedef enum fo_counter {
	FO_CTR_BNDUPD_SENT = 0,          /* binding-updates-sent */
	FO_CTR_BNDUPD_ACKED,             /* binding-updates-acked */
	FO_CTR_BNDUPD_REJECTED,          /* binding-updates-rejected */
	FO_CTR_BNDUPD_RECEIVED,          /* binding-updates-received */
	FO_CTR_BNDUPD_REFUSED,           /* binding-updates-refused */
	FO_CTR_LEASE_TIMES_CAPPED,       /* lease-times-capped (MCLT) */
	FO_CTR_LEFT_TO_PARTNER,          /* clients-left-to-partner (load balancing drops) */
	FO_CTR_REFUSED_NOT_OWNED,        /* addresses-refused-not-owned */
	FO_CTR_MSG_SENT,                 /* messages-sent */
	FO_CTR_MSG_RECEIVED,             /* messages-received */
	FO_CTR_AUTH_FAILURES,            /* authentication-failures */
	FO_CTR_CONNECTIONS,              /* connections */
	FO_CTR_STATE_TRANSITIONS,        /* state-transitions */
	FO_CTR_DROPPED_BY_STATE,         /* queries-dropped-by-state */
	FO_CTR_SUBSTITUTED,              /* addresses-substituted */
	FO_CTR_ALLOC_REFUSED,            /* allocations-refused */
	FO_CTR_BINDINGS_RECORDED,        /* bindings-recorded */
	FO_CTR_TENTATIVE_FREED,          /* tentative-bindings-freed */
	FO_CTR_STORE_ERRORS,             /* store-errors (journal and state file) */
	FO_CTR_STALE_EXPIRIES,           /* stale-expiries-refused */
	FO_CTR_ACK_TIMES_CUT,            /* ack-lease-times-cut */
	FO_CTR_ACKS_DROPPED,             /* acks-dropped-unbound */
	FO_CTR_DROPPED_CLOSED,           /* queries-dropped-scope-closed (fo_engine_attach) */
	FO_CTR_NAKS_WITHHELD,            /* naks-withheld */
	FO_CTR_LEFT_AT_RECEIVE,          /* clients-left-at-receive (of LEFT_TO_PARTNER: buffer4_receive) */
	FO_CTR_PARTNER_REQUESTS_AT_RECEIVE, /* requests-for-partner-at-receive (buffer4_receive) */
} fo_counter;
#define FO_COUNTER_COUNT 26

typedef struct fo_counters {
	_Atomic uint64_t c[FO_COUNTER_COUNT];
} fo_counters;

/* The YANG leaf name of a counter; NULL if out of range. */
const char *fo_counter_name(fo_counter k);

static inline void
fo_counter_inc(fo_counters *c, fo_counter k)
{
	atomic_fetch_add_explicit(&c->c[k], 1, memory_order_relaxed);
}

static inline uint64_t
fo_counter_get(fo_counters *c, fo_counter k)
{
	return atomic_load_explicit(&c->c[k], memory_order_relaxed);
}

typedef struct fo_scope fo_scope;

/*
 * How the packet path tells the protocol driver "binding updates are
 * pending" without blocking: one eventfd (or pipe) per engine, written
 * once until the driver drains it (armed). fd < 0: no driver running.
 */
typedef struct fo_wakeup {
	_Atomic int fd;
	_Atomic bool armed;
} fo_wakeup;

/* Write to the wakeup fd unless already armed; never blocks (the fd is non-blocking). */
void fo_wakeup_signal(fo_wakeup *w);
/* The driver drained the fd: the next signal writes again. */
void fo_wakeup_rearm(fo_wakeup *w);

/* What fo_scope_open() needs. */
typedef struct fo_scope_config {
	fo_ip4 scope_id;                /* network address */
	const fo_subnet *subnet;        /* its Kea subnet: pools, reservations */
	const char *journal_path;       /* <dir>/<rel>/scope-<a.b.c.d>.jnl */
	const fo_store_policy *policy;  /* may be NULL */
	unsigned secondary_percent;     /* initial split (fo_own_split) */
	const fo_host *host;            /* logging; may be NULL */
	const char *rel_name;           /* for log lines */
	fo_counters *counters;          /* the relationship's */
	fo_wakeup *wakeup;              /* signalled when an update is queued; may be NULL */
	fo_journal_report *report;      /* may be NULL: what the replay dropped, if anything */
} fo_scope_config;

/*
 * Build the table from the subnet's pools (reserved addresses inside them
 * flagged FO_BF_RESERVED), open the journal and replay it into the table
 * (records for addresses outside the pools are dropped, with one log line,
 * and the journal is compacted). A new journal means the scope never held
 * bindings: its free addresses are split with fo_own_split() and the split
 * is written to the journal at once (compaction). *created (may be NULL)
 * says which. FO_ERR_CONFIG for a subnet without pools. Every stretch of
 * the journal the replay dropped is logged at ERROR (a torn tail too) and
 * described in *cfg->report; damage (anything but a torn tail) fails the
 * open with FO_ERR_IO and the summary in err.
 */
fo_status fo_scope_open(fo_scope **out, const fo_scope_config *cfg, fo_wall now,
    bool *created, char *err, size_t errlen);
void fo_scope_close(fo_scope *s);       /* syncs and closes the journal; NULL is fine */

/*
 * A binding rebuilt from a lease of Kea's database (fo_engine_attach, a
 * scope that lost its bindings): ACTIVE until cltt + valid_lft, EXPIRED
 * after, ABANDONED when declined; journaled, not queued for the partner.
 * Addresses outside the pools (FO_ERR_NOTFOUND) and reserved ones are left.
 */
fo_status fo_scope_seed(fo_scope *s, const fo_lease *l, bool declined, fo_wall now);

fo_ip4 fo_scope_id(const fo_scope *s);
uint32_t fo_scope_subnet_id(const fo_scope *s);

/*
 * lease4_select (fo_engine.h). Under the scope's lock: the address Kea
 * picked if this client holds it, if it is reserved, or if fo_serve says
 * this server may allocate it; else the least recently freed address the
 * server owns (in PARTNER-DOWN after MCLT also the partner's, then expired
 * or released ones fo_serve allows); FO_V_REFUSE when there is none or the
 * state gives no lease. The lifetime follows fo_serve_lease_time(). A
 * non-fake select records the binding (ACTIVE, FO_BF_TENTATIVE,
 * FO_BF_UPDATE_PENDING) and journals it before returning, without queuing
 * it for the partner (Kea's commit, or the ACK without one, does); if the journal
 * write fails the table is restored and the select is refused. An address
 * outside the pools: FO_V_PASS, untouched.
 */
fo_verdict fo_scope_select(fo_scope *s, const fo_serve_view *v, fo_lease *l, fo_wall now);

/*
 * lease4_renew: the MCLT rule with the acked potential expiration; records
 * and journals, without queuing it for the partner: Kea's commit does (or
 * the ACK without one, or fo_scope_tick after FO_HOLD_SECONDS), so that a
 * renewal is sent once, as Kea committed it.
 */
fo_verdict fo_scope_renew(fo_scope *s, const fo_serve_view *v, fo_lease *l, fo_wall now);

/*
 * pkt4_send, a DHCPACK (fo_engine_ack_check): false when a->addr is not in
 * this scope's pools. Otherwise *vd: FO_V_DROP when the binding is not the
 * client's ACTIVE lease; else the binding is extended to cover the time told
 * when the MCLT rule allows it (journaled, queued for the partner), or the
 * times are cut to what the binding and the rule allow (FO_V_CHANGED). A
 * binding still tentative (Kea did not commit it) is queued for the partner.
 */
bool fo_scope_ack(fo_scope *s, const fo_serve_view *v, fo_ack *a, fo_wall now,
    fo_verdict *vd);

/*
 * pkt4_send, a DHCPNAK to a REQUEST for `addr` (fo_engine_nak_check): false
 * when addr is not in this scope's pools. *vd FO_V_PASS when this server
 * knows the address is not the client's (another client's live lease,
 * abandoned, or its own free address); FO_V_DROP otherwise: the partner may
 * have leased it to this client (a partition, an update not yet here).
 */
bool fo_scope_nak(fo_scope *s, const fo_serve_view *v, fo_ip4 addr,
    const fo_client_ref *client, fo_wall now, fo_verdict *vd);

/*
 * A lease event (fo_engine.h); addresses outside the pools are ignored.
 * FO_V_REFUSE for an expiry the binding contradicts (ACTIVE, ending later):
 * nothing changes here and Kea's record is rewritten from the binding
 * (host.lease_changed); the caller keeps Kea from reclaiming it.
 */
fo_verdict fo_scope_event(fo_scope *s, fo_lease_event ev, const fo_lease *l, fo_wall now);

/*
 * An operator's lease4-add or lease4-update stored `l` in Kea's database:
 * the binding follows under the rules of lease4_select (the client's own
 * lease, a reserved address, or one this server may give in its state; the
 * MCLT rule for the time), journaled and queued for the partner. FO_V_PASS
 * (taken as it is, or outside the pools), FO_V_CHANGED (the time was cut:
 * l->valid_lft, `why` says so), FO_V_REFUSE (`why` says why). Kea's record
 * is rewritten from the binding when it differs (host.lease_changed): back
 * to what it was on a refusal.
 */
fo_verdict fo_scope_admin(fo_scope *s, const fo_serve_view *v, fo_lease *l, char *why,
    size_t whylen, fo_wall now);

/*
 * Does the binding table contradict Kea's live lease `l` (an address of the
 * pools whose binding is not that client's ACTIVE lease)? Such a record was
 * left by a crash between a binding's change and Kea's copy of it.
 */
bool fo_scope_contradicts(fo_scope *s, const fo_lease *l, fo_wall now);

/* Kea's record of `addr` rewritten from binding `b`: h->lease_changed (h NULL: the scope's host). */
void fo_scope_tell_kea(fo_scope *s, const fo_host *h, fo_ip4 addr, const fo_binding_info *b);

/*
 * Periodic work: sync the journal, then one step of its compaction when
 * due (fo_journal_maybe_compact: a bounded piece of the table per tick);
 * bindings tentative for FO_TENTATIVE_SECONDS or more go back to this
 * server's free state
 * (own_free: FO_BS_FREE on the primary, FO_BS_BACKUP on the secondary);
 * renewals no commit or ACK queued within FO_HOLD_SECONDS are queued.
 */
void fo_scope_tick(fo_scope *s, fo_bstate own_free, fo_wall now);

/* Counts of the scope's addresses, read under its lock. */
typedef struct fo_scope_counts {
	uint32_t total;
	uint32_t by_state[FO_BS_MAX + 1];   /* indexed by fo_bstate */
	uint32_t pending;                   /* FO_BF_UPDATE_PENDING */
	uint32_t tentative;                 /* FO_BF_TENTATIVE */
} fo_scope_counts;
void fo_scope_counts_get(fo_scope *s, fo_scope_counts *out);

/*
 * Call `fn` for every binding that is not FREE or BACKUP, in address
 * order, under the scope's lock (fn must not call back into the scope).
 */
typedef void (*fo_scope_visit_fn)(void *ctx, fo_ip4 addr, const fo_binding_info *b);
void fo_scope_visit_bindings(fo_scope *s, fo_scope_visit_fn fn, void *ctx);

/*
 * Paged walks (failover-get's bindings, the restart replay): call `fn` for
 * the bindings of addresses first..last, in address order, whose state is
 * in `states` (a bit per fo_bstate, 1u << FO_BS_ACTIVE | ...), at most `max`
 * of them, under the scope's lock (fn must not call back into the scope).
 * Returns how many; fewer than max: none is left in first..last.
 */
#define FO_SCOPE_NONFREE (~((1u << FO_BS_FREE) | (1u << FO_BS_BACKUP)))
size_t fo_scope_visit_range(fo_scope *s, fo_ip4 first, fo_ip4 last, unsigned states, size_t max,
    fo_scope_visit_fn fn, void *ctx);

/* Read one binding under the lock (tests, commands). FO_ERR_NOTFOUND outside the pools. */
fo_status fo_scope_get(fo_scope *s, fo_ip4 addr, fo_binding_info *out);

/* Call fn for every ACTIVE binding, under the scope's lock (fn must not call the scope). */
void fo_scope_foreach_active(fo_scope *s, void (*fn)(void *ctx, fo_ip4 addr,
    const fo_binding_info *b), void *ctx);

/*
 * ---- Binding updates to and from the partner (fo_peer.c) -----------------
 *
 * Every binding change of the packet path sets FO_BF_UPDATE_PENDING and
 * puts the address on the scope's update queue: FIFO, O(1), an address at
 * most once (a bitmap over the pools' span). fo_scope_open() queues every
 * binding still pending from the journal, so a restart resends them.
 */

/* One binding taken from the queue, as it is now. */
typedef struct fo_scope_update {
	fo_ip4 addr;
	fo_binding_info b;
} fo_scope_update;

/* Take up to `max` queued addresses, oldest first; returns how many. */
size_t fo_scope_take_updates(fo_scope *s, fo_scope_update *out, size_t max);
/* Addresses waiting on the queue. */
size_t fo_scope_queued(fo_scope *s);
/* Put `addr` back on the queue (its update was lost with a connection). */
bool fo_scope_requeue(fo_scope *s, fo_ip4 addr);
/* UPDREQ (draft 7.3): queue every binding with FO_BF_UPDATE_PENDING; returns how many. */
size_t fo_scope_queue_pending(fo_scope *s);
/* UPDREQALL (draft 7.4): queue every address of the scope; returns how many. */
size_t fo_scope_queue_all(fo_scope *s);

/*
 * The partner acknowledged the update of `addr` that carried state `sent`
 * and potential expiration `pexp` (draft 7.2): pexp_acked = pexp (when
 * larger); FO_BF_UPDATE_PENDING cleared unless the binding changed again
 * since (it is queued again); an acknowledged EXPIRED, RELEASED or RESET
 * goes to `own_free` (FREE on the primary, BACKUP on the secondary) and
 * that change is queued for the partner (reference 4). Journaled.
 * False when `addr` is not in this scope (nothing done); so for the next two.
 */
bool fo_scope_acked(fo_scope *s, fo_ip4 addr, fo_bstate sent, uint32_t pexp,
    fo_bstate own_free, fo_wall now);
/*
 * The partner rejected the update of `addr`: FO_BF_UPDATE_PENDING is
 * cleared and FO_BF_REFUSED set, unless the binding changed again since (no
 * endless resending). *first: this version of the binding was not refused
 * before (the caller logs it once).
 */
bool fo_scope_rejected(fo_scope *s, fo_ip4 addr, bool *first);

/*
 * Apply a binding update from the partner (draft 7.1.3, fo_update.h):
 * in->pexp_sent holds the partner's potential expiration. Returns the
 * reject reason (0: accepted). Accepted: written to the table and the
 * journal before returning (the BNDACK follows, 7.2), and the new
 * binding copied to *applied (may be NULL). Rejected with 2 or 15: our
 * own binding is queued so that the partner learns it (7.2.1). An address
 * outside the pools is 1 (illegal IP), a journal failure 6 (unknown).
 * On the primary (me), the secondary's FREE or BACKUP for an address free
 * here changes nothing (the secondary is told the owner), except, with
 * FO_RX_GIVEBACKS, the secondary's FREE over an acknowledged BACKUP: it
 * gives the address back (fo_scope_giveback). Off towards ISC dhcpd, whose
 * primary alone balances and whose fresh secondary reports all FREE.
 * While an update of ours is not acknowledged (queued, or sent:
 * FO_RX_OURS_IN_FLIGHT) the two cross, and fo_update_decide_crossing
 * settles which binding both keep.
 */
#define FO_RX_GIVEBACKS 0x1u
#define FO_RX_OURS_IN_FLIGHT 0x2u
unsigned fo_scope_receive(fo_scope *s, fo_ip4 addr, const fo_binding_info *in,
    fo_server_type me, unsigned opts, fo_wall now, fo_binding_info *applied);

/*
 * Primary: move FREE addresses to BACKUP until the secondary owns its
 * share (fo_own_imbalance; reference 8), at most `max`; each moved address
 * is journaled and queued for the partner (BNDUPD BACKUP). Addresses are
 * never taken back from the secondary (it may be allocating them): it gives
 * them back itself (fo_scope_giveback).
 * Returns how many moved.
 */
size_t fo_scope_rebalance(fo_scope *s, unsigned secondary_percent, size_t max, fo_wall now);

/*
 * Secondary: the other way round. When it owns more than its share by
 * more than a tenth of the share (plus one), move BACKUP addresses (not
 * reserved, not on offer) to FREE until it owns its share, at most `max`;
 * each is journaled and queued (BNDUPD FREE). The secondary renounces them
 * before the primary hears of it, so no address is ever owned by both; the
 * primary takes them once its BACKUP was acknowledged (fo_scope_receive).
 * Returns how many moved.
 */
size_t fo_scope_giveback(fo_scope *s, unsigned secondary_percent, size_t max, fo_wall now);

#endif /* FO_SCOPE_H */
