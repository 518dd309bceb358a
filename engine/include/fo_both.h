/*
 * fo_both.h - failover-add, -set, -remove, -scope-add and -scope-remove on
 * both partners (docs/commands.md, "Both partners"), all or nothing.
 *
 * Public tier (the shim includes it). A change of a relationship with a
 * partner-control-url (for failover-add: the new relationship's) is
 * 1. validated here as the change itself would be (nothing changed yet),
 *    with the partner's side worked out (core/fo_mirror.h: server-type and
 *    server-role flipped, load-balance-percent 100 - ours, the addresses
 *    and ports swapped, this server's own leaves left out) and its undo;
 * 2. sent, on a thread of its own (never Kea's main thread), to the
 *    partner's control channel as the same command with "local-only": true
 *    and "time", signed ("digest", fo_signed.h) when the relationship has
 *    enable-auth (FO_BOTH_TX_TIMEOUT_MS);
 * 3. committed here once the partner applied it: Kea's main thread calls
 *    fo_engine_both_commit() when fo_both_due() says so;
 * 4. a partner that refuses or does not answer: nothing is committed here;
 *    no answer, or a commit here that fails: the undo is sent to the
 *    partner. core/fo_both_tx.h is the sequence.
 * One change at a time; the last FO_BOTH_KEPT are kept for their status.
 * Copyright (c) 2026 the kea-failover authors. SPDX-License-Identifier: MPL-2.0
 */
#ifndef FO_BOTH_H
#define FO_BOTH_H

#include "fo_admin.h"

#define FO_BOTH_KEPT 16

typedef struct fo_both fo_both;

/* The thread logs through host->log (copied). FO_ERR_NOMEM, FO_ERR_IO. */
fo_status fo_both_create(fo_both **out, const fo_host *host);
/*
 * Stops the thread and joins it: a change whose commit here was still due
 * is undone on the partner first (at most FO_BOTH_TX_TIMEOUT_MS).
 */
void fo_both_destroy(fo_both *b);

/*
 * Start the change on both partners. Kea's main thread, no packet in flight
 * (it runs the dry run; when the relationship has no partner-control-url
 * the change is made here at once, as fo_engine_admin_* does).
 * FO_OK: *id > 0, the exchange runs (msg says so); *id == 0, made here only
 * (msg as fo_engine_admin_* and "this server only: ..."). Otherwise the
 * status and msg of fo_engine_admin_* (nothing changed), FO_ERR_CONFIG
 * naming local-address when the partner could not reach this server, or
 * FO_ERR_STATE when a change runs (msg: its id).
 */
fo_status fo_engine_both_start(fo_engine *eng, fo_both *b, const fo_admin_req *req,
    fo_wall now, uint64_t *id, char *msg, size_t msglen);

/* The partner applied a change and its commit here is due (cheap: one lock). */
bool fo_both_due(fo_both *b);
/* Kea's main thread, no packet in flight: make the due change here. */
void fo_engine_both_commit(fo_engine *eng, fo_both *b, fo_wall now);

/* A change of relationship `name` runs (msg: which); local-only changes of it wait. */
bool fo_both_busy(fo_both *b, const char *name, char *msg, size_t msglen);

/*
 * The partner's side: a request req received from the partner (a local-only
 * change carrying "time" or "digest"; args_json its whole arguments). When
 * the relationship has enable-auth with a shared secret, fo_signed_verify
 * for req's command with that secret: the one it has here now (failover-add:
 * the one the request adds, which proves the request whole, not who sent
 * it). FO_OK without enable-auth, for an unknown relationship or an add the
 * change itself refuses (it answers then); otherwise fo_signed_verify's
 * status, msg naming "digest" or "time". Kea's main thread, no packet in
 * flight (failover-add's dry run); nothing changes.
 */
fo_status fo_engine_both_check(fo_engine *eng, const fo_admin_req *req, const char *args_json,
    fo_wall now, char *msg, size_t msglen);

/*
 * The status of change `id` as a command's answer: *result 0 (running or
 * done) or 1 (failed); *text and *args_json (malloc'd): {"id", "command",
 * "relationship", "status": "sending" | "committing" | "undoing" | "done" |
 * "failed", "changed": true | false | null (unknown), "partner": the
 * partner's answer, "local": this server's, "undo": the undo's answer}.
 * FO_ERR_NOTFOUND: no such id (kept).
 */
fo_status fo_both_status(fo_both *b, uint64_t id, int *result, char **text, char **args_json);

#endif /* FO_BOTH_H */
