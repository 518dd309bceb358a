/*
 * fo_repl_rx.h - the receiving side of failover-replicate as a state
 * machine (docs/commands.md, "How it works"): the partner's replication
 * this server checked, the last ones it committed, and the lock that keeps
 * replications in opposite directions from crossing.
 *
 * Internal tier, pure: no I/O, no clock (now is monotonic milliseconds
 * passed in). A transaction:
 *
 *   IDLE --prepare--> PREPARED --commit--> APPLYING --applied--> APPLIED
 *                      |    |                  \-----failed----> FAILED
 *       commit after   |    +--abort (config changed, no IO service, not pinned)--> ABORTED
 *       the lifetime,  v
 *       unload ----> EXPIRED
 *
 * prepare: failover-replicate-apply passed its checks and config-test;
 * commit: failover-replicate-commit (config-set is posted); applied/failed:
 * what config-set answered. One replication is prepared at a time (a newer
 * one replaces it); the committed ones are kept, the last FO_REPL_RX_KEPT,
 * for failover-replicate-status.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_REPL_RX_H
#define FO_REPL_RX_H

#include "fo_types.h"

#define FO_REPL_RX_LIFETIME_MS 30000      /* a prepared replication, unless committed */
#define FO_REPL_RX_KEPT 16
#define FO_REPL_RX_ID_MAX 63
#define FO_REPL_RX_TEXT_MAX 767

typedef enum fo_repl_rx_state {
	FO_RX_IDLE = 0,
	FO_RX_PREPARED,
	FO_RX_APPLYING,
	FO_RX_APPLIED,
	FO_RX_FAILED,
	FO_RX_EXPIRED,
	FO_RX_ABORTED,
} fo_repl_rx_state;
#define FO_RX_STATE_COUNT 7

typedef enum fo_repl_rx_event {
	FO_RX_EV_PREPARE = 0,
	FO_RX_EV_COMMIT,        /* past the expiry: expires instead */
	FO_RX_EV_ABORT,         /* committed, but the shim cannot post config-set */
	FO_RX_EV_APPLIED,
	FO_RX_EV_FAILED,
	FO_RX_EV_UNLOAD,        /* the hook is unloaded: a prepared one is forgotten */
} fo_repl_rx_event;
#define FO_RX_EVENT_COUNT 6

typedef struct fo_repl_rx {
	fo_repl_rx_state state;
	char id[FO_REPL_RX_ID_MAX + 1];
	char rel[FO_NAME_MAX + 1];
	int64_t expires_ms;                     /* PREPARED: monotonic */
	char text[FO_REPL_RX_TEXT_MAX + 1];     /* Kea's answer, or why it ended */
} fo_repl_rx;

/* One event at now_ms: true when the transaction took it (state changed to
 * the one the event names; a commit past the expiry is not taken). */
bool fo_repl_rx_step(fo_repl_rx *t, fo_repl_rx_event ev, int64_t now_ms);

/* Plain data: zero is empty. */
typedef struct fo_repl_rx_table {
	fo_repl_rx prepared;                    /* PREPARED, or how the last one ended */
	fo_repl_rx kept[FO_REPL_RX_KEPT];       /* committed: APPLYING, APPLIED, FAILED */
	unsigned next;
} fo_repl_rx_table;

/*
 * failover-replicate-apply arrived for `rel` (before it is checked):
 * FO_ERR_STATE (err says why) while a replication from the partner is
 * being applied here, or while this server is `sending` one of `rel`.
 */
fo_status fo_repl_rx_admit(const fo_repl_rx_table *tb, const char *rel, bool sending,
    char *err, size_t errlen);
/*
 * failover-replicate-apply passed its checks: `id` of `rel` is prepared
 * (the previous prepared one is replaced). FO_ERR_STATE (err says which)
 * while one is APPLYING; FO_ERR_INVAL for a missing or too long id.
 */
fo_status fo_repl_rx_prepare(fo_repl_rx_table *tb, const char *rel, const char *id,
    int64_t now_ms, char *err, size_t errlen);
/*
 * failover-replicate-commit: FO_ERR_NOTFOUND (err names the id) when `id`
 * of `rel` is not prepared (unknown, expired, replaced, or committed
 * already); FO_ERR_STATE, err = blocker, when blocker is not NULL (why
 * config-set cannot be posted: the prepared one is aborted); FO_OK: it is
 * APPLYING (kept) and config-set may be posted.
 */
fo_status fo_repl_rx_commit(fo_repl_rx_table *tb, const char *rel, const char *id,
    int64_t now_ms, const char *blocker, char *err, size_t errlen);
/* config-set answered for `id`: APPLIED (ok) or FAILED, with Kea's text. */
void fo_repl_rx_done(fo_repl_rx_table *tb, const char *id, bool ok, const char *text);
/* The hook is unloaded: the prepared one, if any, is forgotten. */
void fo_repl_rx_unload(fo_repl_rx_table *tb);
/* Committed transaction `id`, or NULL. */
const fo_repl_rx *fo_repl_rx_find(const fo_repl_rx_table *tb, const char *id);
/*
 * The lock, seen from this server's sender: a replication is APPLYING here,
 * or one of `rel` is PREPARED and not expired at now_ms; why says which.
 */
bool fo_repl_rx_busy(const fo_repl_rx_table *tb, const char *rel, int64_t now_ms, char *why,
    size_t whylen);

/* "idle", "prepared", "pending" (applying), "applied", "failed", "expired", "aborted". */
const char *fo_repl_rx_state_name(fo_repl_rx_state s);

#endif /* FO_REPL_RX_H */
